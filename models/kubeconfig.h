// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "execcredential.h"
#include "objectsource.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// kubeconfig read the way kubectl reads it (client-go clientcmd): KUBECONFIG merging, relative paths resolved
// against the file that holds them, inline data decoded. Secrets (tokens, passwords, key data) never appear in
// messages.

struct KubeCluster {
    QString name;
    QString server;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QString certificateAuthority; // absolute path
    QByteArray certificateAuthorityData; // PEM, decoded from base64; overrides certificateAuthority
    QString proxyUrl;
    bool disableCompression = false;
    QString file; // the kubeconfig file this entry came from
};

struct KubeImpersonation {
    QString as;
    QStringList asGroups;
};

struct KubeUser {
    QString name;
    QString clientCertificate; // absolute path
    QString clientKey; // absolute path
    QByteArray clientCertificateData; // PEM
    QByteArray clientKeyData; // PEM
    QString token;
    QString tokenFile; // absolute path; read again on every readToken() and preferred over token
    std::optional<ExecConfig> exec; // a relative command with a '/' is made absolute; a bare name is looked up in PATH
    QString username;
    QString password;
    QString authProvider; // name of the deprecated auth-provider, if any
    KubeImpersonation impersonate;
    QString file;
};

struct KubeContext {
    QString name;
    QString cluster;
    QString user;
    QString ns; // "default" when the context sets none
    QString file;
};

struct ResolvedContext {
    KubeContext context;
    KubeCluster cluster;
    KubeUser user; // empty (anonymous) when the context names no user
};

class Kubeconfig {
public:
    struct LoadOptions {
        QString explicitPath; // --kubeconfig: a single file, which must exist
        QString kubeconfigEnv; // the KUBECONFIG value; empty = unset
        QString homeDir; // for <home>/.kube/config
    };

    // Returns nothing when a file exists but cannot be read or parsed, or an explicit file is missing; warnings
    // (missing KUBECONFIG entries, unsupported auth providers) and the errors of single entries go to issues.
    static std::optional<Kubeconfig> load(const LoadOptions& options, QList<SourceIssue>* issues);
    // One file's content; relative paths resolve against fileName's directory.
    static std::optional<Kubeconfig> parse(const QByteArray& yaml, const QString& fileName, QList<SourceIssue>* issues);

    // contextName empty = current-context.
    std::optional<ResolvedContext> resolve(const QString& contextName, QString* error) const;
    QStringList contextNames() const; // sorted

    QString currentContext() const { return m_currentContext; }
    QString currentContextFile() const { return m_currentContextFile; }
    const QMap<QString, KubeCluster>& clusters() const { return m_clusters; }
    const QMap<QString, KubeUser>& users() const { return m_users; }
    const QMap<QString, KubeContext>& contexts() const { return m_contexts; }
    QStringList files() const { return m_files; } // in merge order

    // The bearer token: the content of tokenFile (read now, trimmed) when set, else token. Empty with *error set
    // when tokenFile cannot be read.
    static QString readToken(const KubeUser& user, QString* error);

private:
    // Adds what this config does not set yet: the first file to set a value or map key wins.
    void mergeFrom(const Kubeconfig& later);

    QMap<QString, KubeCluster> m_clusters;
    QMap<QString, KubeUser> m_users;
    QMap<QString, KubeContext> m_contexts;
    QString m_currentContext;
    QString m_currentContextFile;
    QStringList m_files;
};
