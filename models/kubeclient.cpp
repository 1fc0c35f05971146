// SPDX-License-Identifier: Apache-2.0
#include "kubeclient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QSslError>
#include <QSslKey>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

QString KubeResource::apiVersion() const { return group.isEmpty() ? version : group + u'/' + version; }

QString KubeResource::path(const QString& ns, const QString& name) const
{
    QString result = group.isEmpty() ? QString(u"/api/"_s + version) : QString(u"/apis/"_s + group + u'/' + version);
    if (namespaced && !ns.isEmpty())
        result += u"/namespaces/"_s + ns;
    result += u'/' + plural;
    if (!name.isEmpty())
        result += u'/' + name;
    return result;
}

QString KubeResource::qualifiedName() const { return group.isEmpty() ? plural : plural + u'.' + group; }

namespace {
// Enough of an error body to explain it without flooding the UI.
constexpr qsizetype MaxBodyChars = 500;
constexpr int MaxRetries = 10;

QString describeCertificate(const QSslCertificate& certificate)
{
    if (certificate.isNull())
        return {};
    const QString subject = certificate.subjectDisplayName();
    const QString issuer = certificate.issuerDisplayName();
    QString text = u"certificate subject \""_s + subject + u'"';
    if (!issuer.isEmpty() && issuer != subject)
        text += u", issuer \""_s + issuer + u'"';
    const QStringList names = certificate.subjectAlternativeNames().values(QSsl::DnsEntry)
        + certificate.subjectAlternativeNames().values(QSsl::IpAddressEntry);
    if (!names.isEmpty())
        text += u", valid for "_s + names.join(u", "_s);
    return text;
}

std::optional<QSslKey> loadKey(const QByteArray& pem)
{
    for (const auto algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return std::nullopt;
}

QByteArray readFile(const QString& path, QString* error, const QString& what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"Cannot read the "_s + what + u" file "_s + path + u": "_s + file.errorString();
        return {};
    }
    return file.readAll();
}

// client-go falls back to the environment when the kubeconfig sets no proxy-url (http.ProxyFromEnvironment),
// which never proxies loopback addresses and honours no_proxy.
QString proxyFromEnvironment(const QUrl& server)
{
    const auto env = QProcessEnvironment::systemEnvironment();
    const auto value = [&env](const QString& name) {
        const QString lower = env.value(name.toLower());
        return lower.isEmpty() ? env.value(name.toUpper()) : lower;
    };
    const QString host = server.host();
    if (host == "localhost"_L1 || host.startsWith("127."_L1) || host == "::1"_L1)
        return {};
    const QStringList noProxy = value(u"no_proxy"_s).split(u',', Qt::SkipEmptyParts);
    for (QString entry : noProxy) {
        entry = entry.trimmed();
        if (entry == "*"_L1)
            return {};
        if (entry.startsWith(u'.'))
            entry.remove(0, 1);
        if (host == entry || host.endsWith(u'.' + entry))
            return {};
    }
    return server.scheme() == "https"_L1 ? value(u"https_proxy"_s) : value(u"http_proxy"_s);
}

QString defaultVerb(const QByteArray& method)
{
    if (method == "GET")
        return u"get"_s;
    if (method == "POST")
        return u"create"_s;
    if (method == "PUT")
        return u"update"_s;
    if (method == "PATCH")
        return u"patch"_s;
    if (method == "DELETE")
        return u"delete"_s;
    return QString::fromLatin1(method).toLower();
}

QString describeTarget(const KubeRequest& request)
{
    QString target = request.kubeVerb.isEmpty() ? defaultVerb(request.verb) : request.kubeVerb;
    target += u' ' + (request.resource.isEmpty() ? request.path : request.resource);
    if (!request.ns.isEmpty())
        target += u" in namespace \""_s + request.ns + u'"';
    return target;
}
} // namespace

KubeCall::KubeCall(KubeRequest request, QObject* parent)
    : QObject(parent)
    , m_request(std::move(request))
{
}

void KubeCall::abort()
{
    auto* client = qobject_cast<KubeClient*>(parent());
    if (m_done || !client)
        return;
    KubeResponse response;
    response.error.kind = KubeError::Kind::Cancelled;
    response.error.message = u"Cancelled: "_s + describeTarget(m_request);
    client->finish(this, response);
}

KubeClient::KubeClient(const ResolvedContext& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_server(context.cluster.server, QUrl::StrictMode)
    , m_network(std::make_unique<QNetworkAccessManager>())
{
    qRegisterMetaType<KubeError>();
    const KubeCluster& cluster = m_context.cluster;
    const KubeUser& user = m_context.user;
    if (!m_server.isValid() || (m_server.scheme() != "https"_L1 && m_server.scheme() != "http"_L1)
        || m_server.host().isEmpty()) {
        m_configurationError = u"The server \""_s + cluster.server + u"\" of cluster \""_s + cluster.name
            + u"\" is not an http or https URL"_s;
    }

    m_ssl = QSslConfiguration::defaultConfiguration();
    if (cluster.insecureSkipTlsVerify) {
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        QByteArray caPem = cluster.certificateAuthorityData;
        if (caPem.isEmpty() && !cluster.certificateAuthority.isEmpty())
            caPem = readFile(cluster.certificateAuthority, &m_configurationError, u"certificate-authority"_s);
        if (!caPem.isEmpty()) {
            const auto authorities = QSslCertificate::fromData(caPem, QSsl::Pem);
            if (authorities.isEmpty())
                m_configurationError
                    = u"The certificate authority of cluster \""_s + cluster.name + u"\" holds no PEM certificate"_s;
            // Like client-go: a configured CA replaces the system's, it does not add to them.
            m_ssl.setCaCertificates(authorities);
        }
    }

    QByteArray certPem = user.clientCertificateData;
    if (certPem.isEmpty() && !user.clientCertificate.isEmpty())
        certPem = readFile(user.clientCertificate, &m_configurationError, u"client-certificate"_s);
    QByteArray keyPem = user.clientKeyData;
    if (keyPem.isEmpty() && !user.clientKey.isEmpty())
        keyPem = readFile(user.clientKey, &m_configurationError, u"client-key"_s);
    if (!certPem.isEmpty() || !keyPem.isEmpty()) {
        const auto certificates = QSslCertificate::fromData(certPem, QSsl::Pem);
        const auto key = loadKey(keyPem);
        if (certificates.isEmpty() || !key) {
            m_configurationError
                = u"The client certificate or key of user \""_s + user.name + u"\" cannot be read as PEM"_s;
        } else {
            m_ssl.setLocalCertificate(certificates.first());
            m_ssl.setPrivateKey(*key);
        }
    }

    QString proxy = cluster.proxyUrl.isEmpty() ? proxyFromEnvironment(m_server) : cluster.proxyUrl;
    m_proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    if (!proxy.isEmpty()) {
        const QUrl proxyUrl(proxy);
        QNetworkProxy::ProxyType type = QNetworkProxy::NoProxy;
        if (proxyUrl.scheme() == "http"_L1)
            type = QNetworkProxy::HttpProxy;
        else if (proxyUrl.scheme() == "socks5"_L1)
            type = QNetworkProxy::Socks5Proxy;
        if (type == QNetworkProxy::NoProxy || proxyUrl.host().isEmpty()) {
            m_configurationError = u"The proxy-url \""_s + proxyUrl.toDisplayString(QUrl::RemoveUserInfo)
                + u"\" is not supported: use an http:// or socks5:// proxy"_s;
        } else {
            const int defaultPort = type == QNetworkProxy::HttpProxy ? 80 : 1080;
            m_proxy = QNetworkProxy(
                type, proxyUrl.host(), quint16(proxyUrl.port(defaultPort)), proxyUrl.userName(), proxyUrl.password());
        }
    }

    m_network->setProxy(m_proxy);

    if (user.exec) {
        ExecClusterInfo info { cluster.server, cluster.tlsServerName, cluster.insecureSkipTlsVerify,
            cluster.certificateAuthorityData, cluster.proxyUrl };
        if (info.certificateAuthorityData.isEmpty() && !cluster.certificateAuthority.isEmpty()) {
            QString ignored;
            info.certificateAuthorityData = readFile(cluster.certificateAuthority, &ignored, {});
        }
        m_exec = std::make_unique<ExecCredentialProvider>(*user.exec, info);
        connect(m_exec.get(), &ExecCredentialProvider::ready, this, &KubeClient::onCredential);
        connect(m_exec.get(), &ExecCredentialProvider::failed, this, &KubeClient::onCredentialFailed);
    }
}

void KubeClient::renewNetwork()
{
    m_retired.append(m_network.release());
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(m_proxy);
    releaseRetired();
}

void KubeClient::releaseRetired()
{
    const auto calls = findChildren<KubeCall*>(Qt::FindDirectChildrenOnly);
    for (auto it = m_retired.begin(); it != m_retired.end();) {
        const bool inUse = std::any_of(calls.begin(), calls.end(),
            [manager = *it](const KubeCall* call) { return call->m_reply && call->m_reply->manager() == manager; });
        if (inUse) {
            ++it;
        } else {
            (*it)->deleteLater();
            it = m_retired.erase(it);
        }
    }
}

KubeClient::~KubeClient()
{
    const auto calls = findChildren<KubeCall*>(Qt::FindDirectChildrenOnly);
    for (KubeCall* call : calls) {
        call->m_done = true;
        if (call->m_reply) {
            call->m_reply->disconnect(this);
            call->m_reply->abort();
        }
    }
    qDeleteAll(m_retired);
}

KubeCall* KubeClient::send(const KubeRequest& request)
{
    auto* call = new KubeCall(request, this);
    // Delivered from the event loop so that callers can connect to the call before anything happens.
    QMetaObject::invokeMethod(
        this,
        [this, call = QPointer<KubeCall>(call)] {
            if (call && !call->m_done)
                dispatch(call);
        },
        Qt::QueuedConnection);
    return call;
}

KubeCall* KubeClient::get(const QString& path, const QUrlQuery& query, Callback callback, const QString& kubeVerb,
    const QString& resource, const QString& ns)
{
    KubeRequest request;
    request.path = path;
    request.query = query;
    request.kubeVerb = kubeVerb;
    request.resource = resource;
    request.ns = ns;
    KubeCall* call = send(request);
    connect(call, &KubeCall::finished, this,
        [callback = std::move(callback)](const KubeResponse& response) { callback(response); });
    return call;
}

void KubeClient::dispatch(KubeCall* call)
{
    if (!m_configurationError.isEmpty()) {
        KubeResponse response;
        response.error.kind = KubeError::Kind::Credentials;
        response.error.message = m_configurationError;
        finish(call, response);
        return;
    }
    if (m_exec) {
        m_waitingForCredential.append(call);
        m_exec->request();
        return;
    }
    QString tokenError;
    const QString token = Kubeconfig::readToken(m_context.user, &tokenError);
    if (!tokenError.isEmpty()) {
        KubeResponse response;
        response.error.kind = KubeError::Kind::Credentials;
        response.error.message = tokenError;
        finish(call, response);
        return;
    }
    start(call, token, m_ssl);
}

void KubeClient::prepare(const KubeRequest& request, PreparedCallback callback)
{
    if (!m_configurationError.isEmpty()) {
        callback({}, m_configurationError);
        return;
    }
    if (m_exec) {
        m_preparingForCredential.append({ request, std::move(callback) });
        m_exec->request();
        return;
    }
    QString tokenError;
    const QString token = Kubeconfig::readToken(m_context.user, &tokenError);
    if (!tokenError.isEmpty()) {
        callback({}, tokenError);
        return;
    }
    callback(networkRequest(request, token, m_ssl), {});
}

void KubeClient::onCredential(const ExecCredential& credential)
{
    QSslConfiguration ssl = m_ssl;
    if (!credential.clientCertificateData.isEmpty()) {
        const auto certificates = QSslCertificate::fromData(credential.clientCertificateData, QSsl::Pem);
        const auto key = loadKey(credential.clientKeyData);
        if (certificates.isEmpty() || !key) {
            onCredentialFailed(u"The exec plugin \""_s + m_context.user.exec->command
                + u"\" returned a client certificate or key that is not PEM"_s);
            return;
        }
        ssl.setLocalCertificate(certificates.first());
        ssl.setPrivateKey(*key);
        // Open connections keep the certificate they were made with: a new one needs a fresh manager.
        if (!m_credentialCertificate.isEmpty() && m_credentialCertificate != credential.clientCertificateData)
            renewNetwork();
        m_credentialCertificate = credential.clientCertificateData;
    }
    const auto waiting = std::exchange(m_waitingForCredential, {});
    for (const auto& call : waiting) {
        if (call && !call->m_done)
            start(call, credential.token, ssl);
    }
    const auto preparing = std::exchange(m_preparingForCredential, {});
    for (const auto& [request, callback] : preparing)
        callback(networkRequest(request, credential.token, ssl), {});
}

void KubeClient::onCredentialFailed(const QString& message)
{
    const auto preparing = std::exchange(m_preparingForCredential, {});
    for (const auto& [request, callback] : preparing)
        callback({}, message);
    const auto waiting = std::exchange(m_waitingForCredential, {});
    for (const auto& call : waiting) {
        if (!call || call->m_done)
            continue;
        KubeResponse response;
        response.error.kind = KubeError::Kind::Credentials;
        response.error.message = message;
        finish(call, response);
    }
}

QNetworkRequest KubeClient::networkRequest(
    const KubeRequest& request, const QString& token, const QSslConfiguration& ssl) const
{
    QUrl url = m_server;
    QString basePath = url.path();
    if (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + request.path);
    url.setQuery(request.query);

    QNetworkRequest networkRequest(url);
    networkRequest.setRawHeader("Accept", "application/json");
    networkRequest.setRawHeader("User-Agent", "meshscope/" MESHSCOPE_VERSION);
    if (!request.contentType.isEmpty())
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    if (!token.isEmpty())
        networkRequest.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    else if (!m_context.user.username.isEmpty())
        networkRequest.setRawHeader(
            "Authorization", "Basic " + (m_context.user.username + u':' + m_context.user.password).toUtf8().toBase64());
    if (!m_context.user.impersonate.as.isEmpty())
        networkRequest.setRawHeader("Impersonate-User", m_context.user.impersonate.as.toUtf8());
    for (const QString& group : m_context.user.impersonate.asGroups)
        networkRequest.setRawHeader("Impersonate-Group", group.toUtf8());
    if (m_server.scheme() == "https"_L1) {
        networkRequest.setSslConfiguration(ssl);
        if (!m_context.cluster.tlsServerName.isEmpty())
            networkRequest.setPeerVerifyName(m_context.cluster.tlsServerName);
    }
    if (m_context.cluster.disableCompression)
        networkRequest.setRawHeader("Accept-Encoding", "identity");
    for (const auto& [name, value] : request.headers)
        networkRequest.setRawHeader(name, value);
    return networkRequest;
}

void KubeClient::start(KubeCall* call, const QString& token, const QSslConfiguration& ssl)
{
    const KubeRequest& request = call->m_request;
    const QNetworkRequest networkRequest = this->networkRequest(request, token, ssl);
    QNetworkReply* reply = nullptr;
    if (request.verb == "GET")
        reply = m_network->get(networkRequest);
    else
        reply = m_network->sendCustomRequest(networkRequest, request.verb, request.body);
    call->m_reply = reply;
    call->m_pending.clear();

    connect(reply, &QNetworkReply::sslErrors, this, [call = QPointer<KubeCall>(call)](const QList<QSslError>& errors) {
        if (!call)
            return;
        QStringList texts;
        for (const QSslError& error : errors) {
            QString text = error.errorString();
            const QString certificate = describeCertificate(error.certificate());
            if (!certificate.isEmpty())
                text += u" ("_s + certificate + u')';
            texts.append(text);
        }
        call->setProperty("sslErrors", texts);
    });
    if (request.streaming)
        connect(reply, &QNetworkReply::readyRead, this, [this, call] { onReadyRead(call); });
    connect(reply, &QNetworkReply::finished, this, [this, call] { onFinished(call); });

    if (!request.streaming && request.timeout.count() > 0) {
        delete call->m_timer;
        call->m_timer = new QTimer(call);
        call->m_timer->setSingleShot(true);
        connect(call->m_timer, &QTimer::timeout, this, [this, call] {
            KubeResponse response;
            response.error.kind = KubeError::Kind::Timeout;
            response.error.message = u"No answer from "_s + m_server.toDisplayString() + u" within "_s
                + QString::number(call->m_request.timeout.count() / 1000.0) + u" s to "_s
                + describeTarget(call->m_request);
            finish(call, response);
        });
        call->m_timer->start(request.timeout);
    }
}

void KubeClient::onReadyRead(KubeCall* call)
{
    if (call->m_done || !call->m_reply)
        return;
    const int status = call->m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // an error body: read whole in onFinished
    call->m_pending += call->m_reply->readAll();
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = call->m_pending.indexOf('\n', start);
        if (end < 0)
            break;
        const QByteArray line = call->m_pending.mid(start, end - start).trimmed();
        start = end + 1;
        if (!line.isEmpty()) {
            Q_EMIT call->line(line);
            if (call->m_done)
                return;
        }
    }
    call->m_pending.remove(0, start);
}

void KubeClient::onFinished(KubeCall* call)
{
    if (call->m_done || !call->m_reply)
        return;
    QNetworkReply* reply = call->m_reply;
    const KubeRequest& request = call->m_request;
    KubeResponse response;
    response.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();

    if (request.streaming && response.httpStatus == 200) {
        onReadyRead(call);
        if (call->m_done)
            return;
        const QByteArray rest = call->m_pending.trimmed();
        if (!rest.isEmpty())
            Q_EMIT call->line(rest);
        if (call->m_done)
            return;
    } else {
        response.body = reply->readAll();
    }

    if (response.httpStatus == 429 && call->m_retries < MaxRetries) {
        // Like client-go: the server asks to come back later (e.g. while a CRD's storage initializes).
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").toInt(&ok);
        ++call->m_retries;
        reply->disconnect(this);
        reply->deleteLater();
        call->m_reply = nullptr;
        delete call->m_timer;
        call->m_timer = nullptr;
        QTimer::singleShot(
            std::chrono::seconds(ok ? std::clamp(seconds, 0, 10) : 1), this, [this, call = QPointer<KubeCall>(call)] {
                if (call && !call->m_done)
                    dispatch(call);
            });
        return;
    }
    if (response.httpStatus == 401)
        renewNetwork();
    if (response.httpStatus == 401 && m_exec && !call->m_retriedAfter401) {
        // client-go runs the plugin again after a 401: the credential may have been revoked before it expired.
        call->m_retriedAfter401 = true;
        reply->disconnect(this);
        reply->deleteLater();
        call->m_reply = nullptr;
        delete call->m_timer;
        call->m_timer = nullptr;
        m_exec->invalidate();
        dispatch(call);
        return;
    }

    if (response.httpStatus >= 300 || (response.httpStatus == 0 && reply->error() == QNetworkReply::NoError)) {
        if (response.httpStatus == 0)
            response.body.clear();
        response.error = errorFor(response.httpStatus, response.body, request);
        if (response.httpStatus == 401) {
            response.error.message += u" (user \""_s
                + (m_context.user.name.isEmpty() ? u"anonymous"_s : m_context.user.name) + u"\" of context \""_s
                + m_context.context.name + u"\")"_s;
        }
    } else if (reply->error() != QNetworkReply::NoError && response.httpStatus == 0) {
        const QString server = m_server.toDisplayString();
        const QStringList sslErrors = call->property("sslErrors").toStringList();
        const auto error = reply->error();
        if (!sslErrors.isEmpty() || error == QNetworkReply::SslHandshakeFailedError) {
            response.error.kind = KubeError::Kind::Tls;
            response.error.message = u"TLS with "_s + server + u" failed: "_s
                + (sslErrors.isEmpty() ? reply->errorString() : sslErrors.join(u"; "_s));
            if (!m_context.cluster.tlsServerName.isEmpty())
                response.error.message += u" (tls-server-name \""_s + m_context.cluster.tlsServerName + u"\")"_s;
        } else if (error == QNetworkReply::OperationCanceledError) {
            response.error.kind = KubeError::Kind::Cancelled;
            response.error.message = u"Cancelled: "_s + describeTarget(request);
        } else if (error == QNetworkReply::TimeoutError) {
            response.error.kind = KubeError::Kind::Timeout;
            response.error.message = u"No answer from "_s + server + u": "_s + reply->errorString();
        } else {
            response.error.kind = KubeError::Kind::Unreachable;
            QString via;
            if (m_network->proxy().type() != QNetworkProxy::NoProxy)
                via = u" through the proxy "_s + m_network->proxy().hostName() + u':'
                    + QString::number(m_network->proxy().port());
            response.error.message = u"Cannot reach the API server "_s + server + via + u": "_s + reply->errorString();
        }
    }
    finish(call, response);
}

void KubeClient::finish(KubeCall* call, KubeResponse response)
{
    if (call->m_done)
        return;
    call->m_done = true;
    delete call->m_timer;
    call->m_timer = nullptr;
    if (call->m_reply) {
        QNetworkReply* reply = call->m_reply;
        reply->disconnect(this);
        if (reply->isRunning())
            reply->abort();
        reply->deleteLater();
        call->m_reply = nullptr;
    }
    m_waitingForCredential.removeAll(call);
    if (!m_retired.isEmpty())
        releaseRetired();
    Q_EMIT call->finished(response);
    call->deleteLater();
}

KubeError KubeClient::errorFor(int httpStatus, const QByteArray& body, const KubeRequest& request)
{
    KubeError error;
    error.httpStatus = httpStatus;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (document.isObject() && document.object().value("kind"_L1).toString() == "Status"_L1)
        error.status = document.object();
    QString serverMessage = error.status.value("message"_L1).toString();
    if (serverMessage.isEmpty() && !body.isEmpty() && !document.isObject()) {
        serverMessage = QString::fromUtf8(body).trimmed();
        if (serverMessage.size() > MaxBodyChars)
            serverMessage = serverMessage.left(MaxBodyChars) + u"…"_s;
    }

    QString summary;
    switch (httpStatus) {
    case 401:
        error.kind = KubeError::Kind::Unauthorized;
        summary = u"Unauthorized: the API server did not accept the credentials"_s;
        break;
    case 403:
        error.kind = KubeError::Kind::Forbidden;
        summary = u"Forbidden: not allowed to "_s + describeTarget(request);
        break;
    case 404:
        error.kind = KubeError::Kind::NotFound;
        summary = u"Not found: "_s + describeTarget(request);
        break;
    case 409:
        error.kind = KubeError::Kind::Conflict;
        summary = u"Conflict: "_s + describeTarget(request);
        break;
    case 410:
        error.kind = KubeError::Kind::Gone;
        summary = u"Expired: "_s + describeTarget(request) + u" asked for a resource version that is gone"_s;
        break;
    case 422:
        error.kind = KubeError::Kind::Invalid;
        summary = u"Invalid: "_s + describeTarget(request);
        break;
    case 0:
        error.kind = KubeError::Kind::Protocol;
        summary = u"No HTTP answer to "_s + describeTarget(request);
        break;
    default:
        error.kind = httpStatus >= 300 && httpStatus < 400 ? KubeError::Kind::Protocol : KubeError::Kind::Server;
        summary = u"HTTP "_s + QString::number(httpStatus) + u" for "_s + describeTarget(request);
        break;
    }
    error.message = summary;
    if (!serverMessage.isEmpty())
        error.message += u": "_s + serverMessage;
    const QJsonArray causes = error.status.value("details"_L1).toObject().value("causes"_L1).toArray();
    for (const QJsonValue& cause : causes) {
        const QJsonObject object = cause.toObject();
        const QString field = object.value("field"_L1).toString();
        const QString message = object.value("message"_L1).toString();
        if (message.isEmpty() || serverMessage.contains(message))
            continue;
        error.message += u"\n  "_s + (field.isEmpty() ? QString() : field + u": "_s) + message;
    }
    return error;
}
