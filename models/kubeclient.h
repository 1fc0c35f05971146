// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeconfig.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

// A resource of the Kubernetes API: where its objects live and what they are called.
struct KubeResource {
    QString group; // empty for the core group
    QString version;
    QString plural; // "triggers"
    QString kind; // "Trigger"
    bool namespaced = true;

    QString apiVersion() const; // "eventing.knative.dev/v1", "v1"
    // "/apis/eventing.knative.dev/v1/namespaces/ns/triggers[/name]"; ns empty = all namespaces (or cluster-scoped).
    QString path(const QString& ns = QString(), const QString& name = QString()) const;
    // "triggers.eventing.knative.dev", "services" (as RBAC and kubectl name it).
    QString qualifiedName() const;
    friend bool operator==(const KubeResource&, const KubeResource&) = default;
};

// What went wrong with a request, in words a user can act on. The message names what failed and why: the
// server that cannot be reached, the TLS failure with the certificate's subject, the verb, resource and namespace
// refused by a 403, the exec plugin and its stderr. It never holds a secret.
struct KubeError {
    enum class Kind {
        None,
        Unreachable, // connection refused, DNS, proxy
        Tls, // handshake or verification failed
        Timeout,
        Cancelled,
        Credentials, // exec plugin missing or failing, unreadable tokenFile or key
        Unauthorized, // 401
        Forbidden, // 403
        NotFound, // 404
        Conflict, // 409 (apply field-manager conflicts and AlreadyExists)
        Gone, // 410, also a watch ERROR event with code 410
        Invalid, // 422 (including immutable fields)
        Server, // other 4xx/5xx
        Protocol, // an answer that is not what the API promises
    };
    Kind kind = Kind::None;
    int httpStatus = 0;
    QString message;
    QJsonObject status; // the metav1.Status the server sent, if any (reason, details.causes ...)

    bool isError() const { return kind != Kind::None; }
    QString reason() const { return status.value(QLatin1String("reason")).toString(); }
};
Q_DECLARE_METATYPE(KubeError)
Q_DECLARE_METATYPE(KubeError::Kind)

struct KubeRequest {
    QByteArray verb = "GET"; // HTTP method
    QString path; // absolute API path, e.g. KubeResource::path()
    QUrlQuery query;
    QByteArray body;
    QByteArray contentType; // e.g. "application/apply-patch+yaml"
    // Further headers, set after the client's own and replacing those of the same name: the ce- headers of an
    // event published through the service proxy.
    QList<std::pair<QByteArray, QByteArray>> headers;
    // A watch: the answer is delivered line by line as it arrives (KubeCall::line) and has no overall timeout.
    bool streaming = false;
    std::chrono::milliseconds timeout { 30'000 };
    // For messages: the Kubernetes verb ("list", "watch", "patch", "delete" ...), the resource
    // ("triggers.eventing.knative.dev") and the namespace.
    QString kubeVerb;
    QString resource;
    QString ns;
};

struct KubeResponse {
    int httpStatus = 0;
    QByteArray body; // empty for streaming calls
    KubeError error;
    bool ok() const { return !error.isError(); }
};
Q_DECLARE_METATYPE(KubeResponse)

// One request in flight. Deleted by its client after finished(); abort() finishes it with Cancelled.
class KubeCall : public QObject {
    Q_OBJECT
public:
    void abort();
    const KubeRequest& request() const { return m_request; }

Q_SIGNALS:
    // Streaming calls only: one complete line (a watch event) as soon as it has arrived.
    void line(const QByteArray& line);
    void finished(const KubeResponse& response);

private:
    friend class KubeClient;
    explicit KubeCall(KubeRequest request, QObject* parent);
    KubeRequest m_request;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_pending; // a partial streamed line
    QTimer* m_timer = nullptr;
    bool m_retriedAfter401 = false;
    int m_retries = 0; // after 429 Too Many Requests with Retry-After
    bool m_done = false;
};

// The connection to one cluster as one user, configured from a resolved kubeconfig context the way client-go
// does: the CA (data over file) with verification on, tls-server-name, the client certificate and key (data over
// files, or from an exec plugin), a bearer token (tokenFile read again for each request, or from an exec plugin,
// run again after a 401), basic auth, impersonation, proxy-url (http, https, socks5), insecure-skip-tls-verify.
//
// Asynchronous: requests never block the thread the client lives on, which may be any thread with an event loop.
// Each client owns its QNetworkAccessManager: Qt reuses an open connection to the same host whatever the client
// certificate, so credentials must never share one.
class KubeClient : public QObject {
    Q_OBJECT
public:
    explicit KubeClient(const ResolvedContext& context, QObject* parent = nullptr);
    ~KubeClient() override;

    const ResolvedContext& context() const { return m_context; }
    QUrl server() const { return m_server; }
    // insecure-skip-tls-verify is in effect: the window must say so.
    bool isInsecure() const { return m_context.cluster.insecureSkipTlsVerify; }
    // A problem with the configuration found before any request (unreadable CA or key file, bad server URL,
    // unsupported proxy scheme). Requests fail with it.
    QString configurationError() const { return m_configurationError; }

    KubeCall* send(const KubeRequest& request);

    // Helpers for the usual calls; the callback runs on the client's thread once the call finished.
    using Callback = std::function<void(const KubeResponse&)>;
    KubeCall* get(const QString& path, const QUrlQuery& query, Callback callback, const QString& kubeVerb = {},
        const QString& resource = {}, const QString& ns = {});

    // The message for an HTTP error answer (status code and metav1.Status body) of request.
    static KubeError errorFor(int httpStatus, const QByteArray& body, const KubeRequest& request);

    // The request this client would send for request.path and query, with its credentials (bearer token, basic
    // auth, impersonation) and TLS configuration (CA, client certificate): for protocols QNetworkAccessManager does
    // not speak, such as the WebSocket port-forward. The callback runs once the credentials are at hand, at once or
    // after an exec plugin ran, with the request, or with why there is none.
    using PreparedCallback = std::function<void(const QNetworkRequest& request, const QString& error)>;
    void prepare(const KubeRequest& request, PreparedCallback callback);
    // The proxy the client's connections go through (NoProxy when none).
    QNetworkProxy proxy() const { return m_proxy; }

private:
    friend class KubeCall;
    void dispatch(KubeCall* call);
    void start(KubeCall* call, const QString& token, const QSslConfiguration& ssl);
    QNetworkRequest networkRequest(
        const KubeRequest& request, const QString& token, const QSslConfiguration& ssl) const;
    void onReadyRead(KubeCall* call);
    void onFinished(KubeCall* call);
    void finish(KubeCall* call, KubeResponse response);
    // Starts over with fresh connections: after a new client certificate, and after a 401 (Qt 6.4's HTTP/2
    // connection hangs on the next request after a 401).
    void renewNetwork();
    void releaseRetired();
    void onCredential(const ExecCredential& credential);
    void onCredentialFailed(const QString& message);

    ResolvedContext m_context;
    QUrl m_server;
    QString m_configurationError;
    QSslConfiguration m_ssl;
    QNetworkProxy m_proxy;
    std::unique_ptr<QNetworkAccessManager> m_network;
    // Managers replaced by renewNetwork() while calls still run on them.
    QList<QNetworkAccessManager*> m_retired;
    std::unique_ptr<ExecCredentialProvider> m_exec;
    QList<QPointer<KubeCall>> m_waitingForCredential;
    QList<std::pair<KubeRequest, PreparedCallback>> m_preparingForCredential;
    std::optional<ExecCredential> m_credential;
    QByteArray m_credentialCertificate; // which certificate m_network's connections were made with
};
