// SPDX-License-Identifier: Apache-2.0
#include "kubeingresstransport.h"

#include "cloudeventvalidator.h"
#include "kubeclient.h"
#include "kubeportforward.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QUrlQuery>

#include <deque>
#include <map>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype excerptChars = 300;

bool isDnsLabel(const QString& text)
{
    static const QRegularExpression label(u"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"_s);
    return label.match(text).hasMatch();
}

// The API server answered for itself that it cannot reach the pod behind the Service: a port-forward, which the
// node's kubelet carries, may still get there. "No endpoints" is no such case: then no pod is ready at all.
bool proxyCannotServe(const KubeResponse& response)
{
    if (response.error.status.isEmpty())
        return false;
    const QString message = response.error.status.value("message"_L1).toString();
    switch (response.httpStatus) {
    case 502:
    case 504:
        return true;
    case 503:
        return !message.contains(u"no endpoints available"_s);
    case 400:
        return message.contains(u"address not allowed"_s);
    default:
        return false;
    }
}

QString excerptOf(const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(excerptChars * 4)).simplified();
    if (text.size() > excerptChars)
        text = text.left(excerptChars) + u"…"_s;
    return text;
}

} // namespace

QString IngressProxyTarget::apiPath() const
{
    return u"/api/v1/namespaces/"_s + ns + u"/services/"_s + (scheme == u"https"_s ? u"https:"_s : QString()) + service
        + u':' + QString::number(port) + u"/proxy"_s + path;
}

std::optional<IngressProxyTarget> IngressProxyTarget::fromAddress(const QUrl& address, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QString shown = address.toDisplayString();
    if (address.isEmpty())
        return fail(u"No address to publish to"_s);
    if (!address.isValid())
        return fail(u"The address \""_s + shown + u"\" is not a valid URL: "_s + address.errorString());
    const QString scheme = address.scheme().toLower();
    if (scheme != u"http"_s && scheme != u"https"_s)
        return fail(u"The address \""_s + shown + u"\" is not an http or https URL"_s);
    const QString host = address.host().toLower();
    const QString notService = u"The address \""_s + shown
        + u"\" does not name a cluster Service (<service>.<namespace>.svc.<cluster domain>), so the API server's "
          u"service proxy cannot reach it; publish to the URL directly"_s;
    if (host.isEmpty() || !QHostAddress(host).isNull())
        return fail(notService);
    const QStringList labels = host.split(u'.');
    if (labels.size() < 3 || labels.at(2) != u"svc"_s)
        return fail(notService);
    if (!isDnsLabel(labels.at(0)) || !isDnsLabel(labels.at(1)))
        return fail(u"The address \""_s + shown + u"\" has a service or namespace name that is not a DNS label"_s);
    IngressProxyTarget target;
    target.service = labels.at(0);
    target.ns = labels.at(1);
    target.scheme = scheme;
    target.port = address.port(scheme == u"https"_s ? 443 : 80);
    target.path = address.path(QUrl::FullyDecoded);
    // The proxy path without a trailing slash would reach the pod as an empty path; RabbitMQ's ingress wants "/".
    if (target.path.isEmpty())
        target.path = u"/"_s;
    target.query = address.query(QUrl::FullyEncoded);
    return target;
}

struct KubeIngressTransport::Private {
    struct Request {
        quint64 id = 0;
        QString target; // the address, as reported
        IngressProxyTarget proxy;
        HttpMessage message;
        QElapsedTimer published;
        CloudEvent event; // for HttpTransport, through a port-forward
        HttpTransport::Mode mode = HttpTransport::Mode::Binary;
        QString proxyError; // why the service proxy could not serve, before the port-forward was tried
        QString forwardKey;
        QString forwardPod;
    };
    struct Forward {
        std::unique_ptr<KubePortForward> forward;
        std::deque<Request> waiting; // until the forward listens
    };

    KubeIngressTransport* q = nullptr;
    QPointer<KubeClient> client;
    std::deque<Request> queue;
    QHash<KubeCall*, Request> running;
    quint64 nextId = 1;
    std::chrono::milliseconds timeout { 30'000 };
    int maxInFlight = 32;
    Route route = Route::Auto;
    HttpTransport* http = nullptr;
    std::map<QString, Forward> forwards; // by "<ns>/<service>:<port>"
    QHash<quint64, Request> forwarded; // by HttpTransport's request id

    qsizetype inFlight() const;
    void viaPortForward(Request request);
    void sendForwarded(KubePortForward* forward, Request request);
    void forwardFailed(const QString& key, const QString& error);
    void forwardedDelivered(quint64 httpId, const DeliveryResult& result);
    void dropForward(const QString& key);
    void report(quint64 id, DeliveryResult result);
    void fail(quint64 id, const QString& target, const QElapsedTimer& published, const QString& error);
    void pump();
    void start(Request request);
    void finished(KubeCall* call, const KubeResponse& response);
    static QString explain(const KubeResponse& response, const IngressProxyTarget& proxy);
};

void KubeIngressTransport::Private::report(quint64 id, DeliveryResult result)
{
    QMetaObject::invokeMethod(
        q, [q = q, id, result = std::move(result)] { Q_EMIT q->delivered(id, result); }, Qt::QueuedConnection);
}

void KubeIngressTransport::Private::fail(
    quint64 id, const QString& target, const QElapsedTimer& published, const QString& error)
{
    DeliveryResult result;
    result.target = target;
    result.error = error;
    result.latencyMs = published.elapsed();
    report(id, std::move(result));
}

qsizetype KubeIngressTransport::Private::inFlight() const
{
    qsizetype count = running.size() + forwarded.size();
    for (const auto& entry : forwards)
        count += qsizetype(entry.second.waiting.size());
    return count;
}

void KubeIngressTransport::Private::pump()
{
    while (inFlight() < maxInFlight && !queue.empty()) {
        Request request = std::move(queue.front());
        queue.pop_front();
        start(std::move(request));
    }
}

void KubeIngressTransport::Private::start(Request request)
{
    if (route == Route::PortForward) {
        viaPortForward(std::move(request));
        return;
    }
    if (!client) {
        fail(request.id, request.target, request.published,
            u"Not connected to a cluster: the broker's ingress is reached through the Kubernetes API"_s);
        return;
    }
    KubeRequest kube;
    kube.verb = "POST";
    kube.path = request.proxy.apiPath();
    kube.query = QUrlQuery(request.proxy.query);
    kube.body = request.message.body;
    kube.headers = request.message.headers;
    kube.timeout = timeout;
    kube.kubeVerb = u"create"_s;
    kube.resource = u"services/proxy"_s;
    kube.ns = request.proxy.ns;
    KubeCall* call = client->send(kube);
    running.insert(call, std::move(request));
    QObject::connect(
        call, &KubeCall::finished, q, [this, call](const KubeResponse& response) { finished(call, response); });
    // A client destroyed with calls in flight deletes them without an answer.
    QObject::connect(call, &QObject::destroyed, q, [this, call] {
        if (const auto it = running.find(call); it != running.end()) {
            const Request request = std::move(*it);
            running.erase(it);
            fail(request.id, request.target, request.published,
                u"The connection to the cluster was closed before the broker's ingress answered"_s);
        }
    });
}

QString KubeIngressTransport::Private::explain(const KubeResponse& response, const IngressProxyTarget& proxy)
{
    const KubeError& error = response.error;
    const int status = response.httpStatus;
    if (status == 0)
        return error.kind == KubeError::Kind::Cancelled ? u"cancelled"_s : error.message;
    const QString service = u"service \""_s + proxy.service + u"\" in namespace \""_s + proxy.ns + u'"';
    // The API server's own refusals come as a metav1.Status; an ingress answers with anything but that.
    if (!error.status.isEmpty()) {
        const QString serverMessage = error.status.value("message"_L1).toString();
        const QString detailsKind = error.status.value("details"_L1).toObject().value("kind"_L1).toString();
        switch (status) {
        case 401:
            return error.message;
        case 403:
            return u"The API server does not let you publish through its service proxy: RBAC allows no \"create\" on "
                   u"\"services/proxy\" in namespace \""_s
                + proxy.ns + u"\" (needed to reach "_s + service
                + u"). Ask for that permission, or publish to the "
                  u"broker's URL directly. The API server said: "_s
                + serverMessage;
        case 404:
            if (detailsKind == u"endpoints"_s || detailsKind == u"services"_s)
                return u"The broker's ingress has no ready pods: "_s + service
                    + u" has no endpoints (the service does not exist, or nothing backs it)"_s;
            break;
        case 503:
            if (serverMessage.contains(u"no endpoints available"_s))
                return u"The broker's ingress has no ready pods: "_s + service + u" has no endpoints"_s;
            if (serverMessage.contains(u"no service port"_s))
                return u"The "_s + service + u" has no port "_s + QString::number(proxy.port);
            break;
        default:
            break;
        }
        return u"The API server could not pass the event on to "_s + service + u" (HTTP "_s + QString::number(status)
            + u"): "_s + serverMessage;
    }
    QString text = u"The broker's ingress answered HTTP "_s + QString::number(status);
    if (status == 401 || status == 403)
        text += u": it demands a token (OIDC authentication), and the API server's proxy removes the Authorization "
                u"header; publish to the broker's URL with a token instead"_s;
    else if (status == 404)
        text += u": it does not know this broker or path"_s;
    else if (status == 503)
        text += u": it could not store the event"_s;
    const QString excerpt = excerptOf(response.body);
    if (!excerpt.isEmpty())
        text += u" ("_s + excerpt + u')';
    return text;
}

void KubeIngressTransport::Private::finished(KubeCall* call, const KubeResponse& response)
{
    const auto it = running.find(call);
    if (it == running.end())
        return;
    Request request = std::move(*it);
    running.erase(it);
    if (route == Route::Auto && proxyCannotServe(response)) {
        request.proxyError = explain(response, request.proxy);
        viaPortForward(std::move(request));
        return;
    }

    DeliveryResult result;
    result.target = request.target + u" (through the API server's service proxy)"_s;
    result.latencyMs = request.published.elapsed();
    result.httpStatus = response.httpStatus;
    result.responseExcerpt = excerptOf(response.body);
    if (response.ok() && response.httpStatus >= 200 && response.httpStatus < 300)
        result.ok = true;
    else
        result.error = explain(response, request.proxy);
    // The next request starts first, so that a slot may even destroy this object.
    pump();
    Q_EMIT q->delivered(request.id, result);
}

void KubeIngressTransport::Private::viaPortForward(Request request)
{
    const IngressProxyTarget& proxy = request.proxy;
    request.forwardKey = proxy.ns + u'/' + proxy.service + u':' + QString::number(proxy.port);
    const QString key = request.forwardKey;
    auto it = forwards.find(key);
    if (it == forwards.end()) {
        if (!client) {
            fail(request.id, request.target, request.published,
                u"Not connected to a cluster: the broker's ingress is reached through the Kubernetes API"_s);
            return;
        }
        Forward entry;
        entry.forward = std::make_unique<KubePortForward>(client);
        KubePortForward* forward = entry.forward.get();
        QObject::connect(forward, &KubePortForward::ready, q, [this, key] {
            const auto found = forwards.find(key);
            if (found == forwards.end())
                return;
            auto waiting = std::exchange(found->second.waiting, {});
            for (auto& next : waiting)
                sendForwarded(found->second.forward.get(), std::move(next));
        });
        QObject::connect(
            forward, &KubePortForward::failed, q, [this, key](const QString& error) { forwardFailed(key, error); });
        forward->forwardService(proxy.ns, proxy.service, proxy.port);
        it = forwards.emplace(key, std::move(entry)).first;
    }
    if (it->second.forward->state() == KubePortForward::State::Listening)
        sendForwarded(it->second.forward.get(), std::move(request));
    else
        it->second.waiting.push_back(std::move(request));
}

void KubeIngressTransport::Private::sendForwarded(KubePortForward* forward, Request request)
{
    if (!http) {
        http = new HttpTransport(q);
        http->setMaxInFlight(maxInFlight);
        QObject::connect(http, &HttpTransport::delivered, q,
            [this](quint64 httpId, const DeliveryResult& result) { forwardedDelivered(httpId, result); });
    }
    http->setTimeout(timeout);
    QUrl url;
    url.setScheme(request.proxy.scheme);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(forward->localPort());
    url.setPath(request.proxy.path);
    if (!request.proxy.query.isEmpty())
        url.setQuery(request.proxy.query);
    request.forwardPod = forward->target().toString();
    const quint64 httpId = http->publish(url, request.event, request.mode);
    forwarded.insert(httpId, std::move(request));
}

void KubeIngressTransport::Private::forwardFailed(const QString& key, const QString& error)
{
    const auto it = forwards.find(key);
    if (it == forwards.end())
        return;
    auto waiting = std::exchange(it->second.waiting, {});
    dropForward(key);
    for (const auto& request : waiting) {
        const QString text = request.proxyError.isEmpty()
            ? error
            : request.proxyError + u" The port-forward fallback failed too: "_s + error;
        fail(request.id, request.target + u" (through a port-forward)"_s, request.published, text);
    }
    pump();
}

void KubeIngressTransport::Private::dropForward(const QString& key)
{
    const auto it = forwards.find(key);
    if (it == forwards.end())
        return;
    // It may be the sender of the signal being handled.
    it->second.forward.release()->deleteLater();
    forwards.erase(it);
}

void KubeIngressTransport::Private::forwardedDelivered(quint64 httpId, const DeliveryResult& delivered)
{
    const auto it = forwarded.find(httpId);
    if (it == forwarded.end())
        return;
    const Request request = std::move(*it);
    forwarded.erase(it);

    DeliveryResult result = delivered;
    result.target = request.target + u" (through a port-forward to pod "_s + request.forwardPod + u')';
    result.latencyMs = request.published.elapsed();
    if (!result.ok) {
        QString error = result.error;
        if (result.httpStatus == 0) {
            // The tunnel broke: the forward knows why. It is dropped unless others still use it, so that the next
            // event looks for a ready pod again.
            const auto forward = forwards.find(request.forwardKey);
            if (forward != forwards.end()) {
                if (!forward->second.forward->errorString().isEmpty())
                    error = forward->second.forward->errorString();
                const bool inUse = std::any_of(forwarded.cbegin(), forwarded.cend(),
                    [&request](const Request& other) { return other.forwardKey == request.forwardKey; });
                if (!inUse && forward->second.waiting.empty())
                    dropForward(request.forwardKey);
            }
        }
        result.error = request.proxyError.isEmpty()
            ? error
            : request.proxyError + u" The port-forward fallback failed too: "_s + error;
    }
    pump();
    Q_EMIT q->delivered(request.id, result);
}

KubeIngressTransport::KubeIngressTransport(KubeClient* client, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<DeliveryResult>();
    d->q = this;
    d->client = client;
}

KubeIngressTransport::~KubeIngressTransport()
{
    // Nothing is reported once the object is going away.
    if (d->http)
        d->http->disconnect(this);
    d->forwards.clear();
    const auto calls = d->running.keys();
    d->running.clear();
    for (KubeCall* call : calls) {
        disconnect(call, nullptr, this, nullptr);
        call->abort();
    }
}

KubeClient* KubeIngressTransport::client() const { return d->client; }

void KubeIngressTransport::setClient(KubeClient* client) { d->client = client; }

quint64 KubeIngressTransport::publish(const KnativeObject& broker, const CloudEvent& event, HttpTransport::Mode mode)
{
    if (broker.addressUrl.isEmpty()) {
        const quint64 id = d->nextId++;
        QElapsedTimer published;
        published.start();
        d->fail(id, broker.key.ns + u'/' + broker.key.name, published,
            u"The broker "_s + broker.key.ns + u'/' + broker.key.name
                + u" has no address yet (status.address.url is empty): it is not ready"_s);
        return id;
    }
    return publish(QUrl(broker.addressUrl, QUrl::StrictMode), event, mode);
}

quint64 KubeIngressTransport::publish(const QUrl& address, const CloudEvent& event, HttpTransport::Mode mode)
{
    Private::Request request;
    request.id = d->nextId++;
    request.published.start();
    request.target = address.toDisplayString();
    QString error;
    const auto proxy = IngressProxyTarget::fromAddress(address, &error);
    if (!proxy) {
        d->fail(request.id, request.target, request.published, error);
        return request.id;
    }
    if (const auto issues = CloudEventValidator::validate(event); !issues.isEmpty()) {
        d->fail(request.id, request.target, request.published,
            u"invalid event, not sent: "_s + issues.constFirst().field + u": "_s + issues.constFirst().message);
        return request.id;
    }
    request.proxy = *proxy;
    request.message = HttpTransport::encode(event, mode);
    request.event = event;
    request.mode = mode;
    const quint64 id = request.id;
    d->queue.push_back(std::move(request));
    // Started from the event loop, so that even a failure at once is reported after publish() returned.
    QMetaObject::invokeMethod(
        this, [this] { d->pump(); }, Qt::QueuedConnection);
    return id;
}

void KubeIngressTransport::cancelAll()
{
    std::deque<Private::Request> queued;
    queued.swap(d->queue);
    for (const auto& request : queued)
        d->fail(request.id, request.target, request.published, u"cancelled"_s);
    for (auto& entry : d->forwards) {
        const auto waiting = std::exchange(entry.second.waiting, {});
        for (const auto& request : waiting)
            d->fail(request.id, request.target, request.published, u"cancelled"_s);
    }
    if (d->http)
        d->http->cancelAll();
    const auto calls = d->running.keys();
    for (KubeCall* call : calls)
        call->abort();
}

qsizetype KubeIngressTransport::pendingCount() const { return qsizetype(d->queue.size()) + d->inFlight(); }

KubeIngressTransport::Route KubeIngressTransport::route() const { return d->route; }

void KubeIngressTransport::setRoute(Route route) { d->route = route; }

std::chrono::milliseconds KubeIngressTransport::timeout() const { return d->timeout; }

void KubeIngressTransport::setTimeout(std::chrono::milliseconds timeout) { d->timeout = timeout; }

int KubeIngressTransport::maxInFlight() const { return d->maxInFlight; }

void KubeIngressTransport::setMaxInFlight(int count)
{
    d->maxInFlight = qMax(1, count);
    d->pump();
}
