// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

class QProcess;
class QTimer;

// The `exec` stanza of a kubeconfig user (client-go's ExecConfig).
struct ExecConfig {
    QString apiVersion; // client.authentication.k8s.io/v1 or v1beta1
    QString command;
    QStringList args;
    QList<std::pair<QString, QString>> env;
    QString installHint;
    bool provideClusterInfo = false;
    QString interactiveMode; // Never | IfAvailable | Always
    friend bool operator==(const ExecConfig&, const ExecConfig&) = default;
};

// What provideClusterInfo passes to the plugin in KUBERNETES_EXEC_INFO spec.cluster.
struct ExecClusterInfo {
    QString server;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QByteArray certificateAuthorityData; // PEM
    QString proxyUrl;
};

// A credential returned by an exec plugin (ExecCredential.status). Secrets: never log token or key.
struct ExecCredential {
    QString token;
    QByteArray clientCertificateData; // PEM
    QByteArray clientKeyData; // PEM
    std::optional<QDateTime> expiration; // none: valid until invalidate()
};
Q_DECLARE_METATYPE(ExecCredential)

// Runs a kubeconfig exec credential plugin the way client-go does (plugin/pkg/client/auth/exec), without blocking
// the caller's thread, and caches its credential until expirationTimestamp or until invalidate() after a 401.
class ExecCredentialProvider : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds DefaultTimeout { 60'000 };

    ExecCredentialProvider(ExecConfig config, ExecClusterInfo cluster, QObject* parent = nullptr);
    ~ExecCredentialProvider() override;

    // Emits ready() (queued) with the cached credential while it is valid, else runs the plugin; calls made while
    // the plugin runs share that run.
    void request();
    // Drops the cached credential (call after HTTP 401) so the next request() runs the plugin again.
    void invalidate();

    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_timeout; }
    bool isRunning() const { return m_process != nullptr; }
    const ExecConfig& config() const { return m_config; }

    // The KUBERNETES_EXEC_INFO value passed to the plugin.
    QByteArray execInfo() const;

Q_SIGNALS:
    void ready(const ExecCredential& credential);
    void failed(const QString& message);

private:
    void start();
    void onFinished(int exitCode, bool crashed);
    void onStartFailed();
    void fail(const QString& message);
    void discardProcess();
    std::optional<ExecCredential> parse(const QByteArray& output, QString* error) const;
    QString describeCommand() const;

    ExecConfig m_config;
    ExecClusterInfo m_cluster;
    std::chrono::milliseconds m_timeout = DefaultTimeout;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QTimer> m_timer;
    bool m_timedOut = false;
    std::optional<ExecCredential> m_cached;
};
