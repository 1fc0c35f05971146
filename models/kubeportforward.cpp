// SPDX-License-Identifier: Apache-2.0
#include "kubeportforward.h"

#include "kubeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSslError>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <algorithm>
#include <functional>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

const QString Subprotocol = u"v4.channel.k8s.io"_s;

bool isReadyPod(const QJsonObject& pod)
{
    if (pod.contains("metadata"_L1) && pod["metadata"_L1].toObject().contains("deletionTimestamp"_L1))
        return false;
    const QJsonObject status = pod["status"_L1].toObject();
    if (status["phase"_L1].toString() != "Running"_L1)
        return false;
    const QJsonArray conditions = status["conditions"_L1].toArray();
    for (const QJsonValue& condition : conditions) {
        if (condition["type"_L1].toString() == "Ready"_L1)
            return condition["status"_L1].toString() == "True"_L1;
    }
    return false;
}

// The port a Service port's targetPort names in a pod: a number as it is, a name through the containers' ports;
// without targetPort the Service port itself.
int containerPort(const QJsonObject& portEntry, const QJsonObject& pod)
{
    const QJsonValue targetPort = portEntry["targetPort"_L1];
    if (targetPort.isDouble())
        return targetPort.toInt();
    if (!targetPort.isString())
        return portEntry["port"_L1].toInt();
    const QString name = targetPort.toString();
    bool isNumber = false;
    const int number = name.toInt(&isNumber);
    if (isNumber)
        return number;
    const QJsonArray containers = pod["spec"_L1]["containers"_L1].toArray();
    for (const QJsonValue& container : containers) {
        const QJsonArray ports = container["ports"_L1].toArray();
        for (const QJsonValue& port : ports) {
            if (port["name"_L1].toString() == name)
                return port["containerPort"_L1].toInt();
        }
    }
    return 0;
}

// The endpoint port that stands for a Service port: the one of the same name (both empty for a single port).
int endpointPort(const QJsonArray& ports, const QJsonObject& portEntry)
{
    const QString name = portEntry["name"_L1].toString();
    for (const QJsonValue& port : ports) {
        if (port["name"_L1].toString() == name && port["port"_L1].toInt() > 0)
            return port["port"_L1].toInt();
    }
    return 0;
}

class Tunnel : public QObject {
public:
    using QObject::QObject;
    QTcpSocket* local = nullptr;
    QWebSocket* socket = nullptr;
    PortForwardChannels channels;
    QByteArray pendingOut; // from the local connection before the WebSocket opened
    QStringList sslErrors;
    bool open = false;
    bool settled = false; // failed or closing: nothing more is reported
};

} // namespace

QString PortForwardTarget::toString() const { return ns + u'/' + pod + u':' + QString::number(port); }

std::optional<QJsonObject> PortForwardTarget::servicePort(const QJsonObject& service, int servicePort, QString* error)
{
    const QJsonObject metadata = service["metadata"_L1].toObject();
    const QString name = u"service \""_s + metadata["name"_L1].toString() + u"\" in namespace \""_s
        + metadata["namespace"_L1].toString() + u'"';
    const QJsonArray ports = service["spec"_L1]["ports"_L1].toArray();
    for (const QJsonValue& port : ports) {
        if (port["port"_L1].toInt() == servicePort)
            return port.toObject();
    }
    if (error)
        *error = u"The "_s + name + u" has no port "_s + QString::number(servicePort);
    return std::nullopt;
}

std::optional<PortForwardTarget> PortForwardTarget::fromEndpointSlices(
    const QJsonObject& list, const QJsonObject& portEntry)
{
    const QJsonArray slices = list["items"_L1].toArray();
    for (const QJsonValue& slice : slices) {
        const int port = endpointPort(slice["ports"_L1].toArray(), portEntry);
        if (port <= 0)
            continue;
        const QJsonArray endpoints = slice["endpoints"_L1].toArray();
        for (const QJsonValue& endpoint : endpoints) {
            // An absent ready condition means ready (discovery.k8s.io/v1 EndpointConditions).
            if (endpoint["conditions"_L1]["ready"_L1].toBool(true) == false)
                continue;
            const QJsonObject ref = endpoint["targetRef"_L1].toObject();
            if (ref["kind"_L1].toString() != "Pod"_L1 || ref["name"_L1].toString().isEmpty())
                continue;
            const QString ns = ref["namespace"_L1].toString(slice["metadata"_L1]["namespace"_L1].toString());
            return PortForwardTarget { ns, ref["name"_L1].toString(), port };
        }
    }
    return std::nullopt;
}

std::optional<PortForwardTarget> PortForwardTarget::fromEndpoints(
    const QJsonObject& endpoints, const QJsonObject& portEntry)
{
    const QJsonArray subsets = endpoints["subsets"_L1].toArray();
    for (const QJsonValue& subset : subsets) {
        const int port = endpointPort(subset["ports"_L1].toArray(), portEntry);
        if (port <= 0)
            continue;
        // Only "addresses" are ready; "notReadyAddresses" are not.
        const QJsonArray addresses = subset["addresses"_L1].toArray();
        for (const QJsonValue& address : addresses) {
            const QJsonObject ref = address["targetRef"_L1].toObject();
            if (ref["kind"_L1].toString() != "Pod"_L1 || ref["name"_L1].toString().isEmpty())
                continue;
            const QString ns = ref["namespace"_L1].toString(endpoints["metadata"_L1]["namespace"_L1].toString());
            return PortForwardTarget { ns, ref["name"_L1].toString(), port };
        }
    }
    return std::nullopt;
}

std::optional<PortForwardTarget> PortForwardTarget::fromPods(const QJsonObject& list, const QJsonObject& portEntry)
{
    const QJsonArray pods = list["items"_L1].toArray();
    for (const QJsonValue& value : pods) {
        const QJsonObject pod = value.toObject();
        if (!isReadyPod(pod))
            continue;
        const int port = containerPort(portEntry, pod);
        if (port <= 0)
            continue;
        const QJsonObject metadata = pod["metadata"_L1].toObject();
        return PortForwardTarget { metadata["namespace"_L1].toString(), metadata["name"_L1].toString(), port };
    }
    return std::nullopt;
}

QByteArray PortForwardChannels::dataMessage(const QByteArray& bytes)
{
    QByteArray message;
    message.reserve(bytes.size() + 1);
    message.append(DataChannel);
    message.append(bytes);
    return message;
}

PortForwardChannels::Received PortForwardChannels::feed(const QByteArray& message)
{
    Received received;
    if (message.isEmpty())
        return received;
    const char channel = message.at(0);
    if (channel != DataChannel && channel != ErrorChannel) {
        received.problem = u"a message on channel "_s + QString::number(int(quint8(channel)))
            + u", where only 0 (data) and 1 (error) belong to the forwarded port"_s;
        return received;
    }
    const int index = channel == DataChannel ? 0 : 1;
    QByteArray payload = message.mid(1);
    if (m_port[index] < 0) {
        const qsizetype missing = 2 - m_prefix[index].size();
        m_prefix[index] += payload.left(missing);
        payload.remove(0, missing);
        if (m_prefix[index].size() < 2)
            return received;
        m_port[index] = quint8(m_prefix[index].at(0)) | (quint8(m_prefix[index].at(1)) << 8);
    }
    (index == 0 ? received.data : received.error) = payload;
    return received;
}

struct KubePortForward::Private {
    KubePortForward* q = nullptr;
    QPointer<KubeClient> client;
    State state = State::Idle;
    PortForwardTarget target;
    QString ns;
    QString service;
    int servicePort = 0;
    QJsonObject portEntry;
    QJsonObject selector;
    QString lookupError; // the first refusal while looking for a ready pod
    QString error;
    QTcpServer server;
    QList<QPointer<KubeCall>> calls;
    int generation = 0; // answers to an earlier start are ignored

    void get(const QString& path, const QUrlQuery& query, const QString& verb, const QString& resource,
        std::function<void(const KubeResponse&)> then);
    void settle(State newState, const QString& message);
    void listen();
    void resolveService();
    void lookUpSlices();
    void lookUpEndpoints();
    void lookUpPods();
    void noteLookupError(const KubeResponse& response);
    void found(const PortForwardTarget& found);
    void noReadyPod();

    QString podPath() const;
    QUrlQuery portQuery() const;
    void openTunnel(QTcpSocket* local);
    void startSocket(Tunnel* tunnel, const QNetworkRequest& prepared);
    void sendLocal(Tunnel* tunnel);
    void received(Tunnel* tunnel, const QByteArray& message);
    void diagnose(Tunnel* tunnel, const QString& socketError);
    void failTunnel(Tunnel* tunnel, const QString& message);
    void closeTunnel(Tunnel* tunnel);
};

void KubePortForward::Private::get(const QString& path, const QUrlQuery& query, const QString& verb,
    const QString& resource, std::function<void(const KubeResponse&)> then)
{
    if (!client) {
        settle(State::Failed, u"Not connected to a cluster: a port-forward goes through the Kubernetes API"_s);
        return;
    }
    KubeRequest request;
    request.path = path;
    request.query = query;
    request.kubeVerb = verb;
    request.resource = resource;
    request.ns = ns;
    KubeCall* call = client->send(request);
    calls.append(call);
    QObject::connect(call, &KubeCall::finished, q,
        [this, then = std::move(then), generation = generation](const KubeResponse& response) {
            if (generation == this->generation)
                then(response);
        });
}

void KubePortForward::Private::settle(State newState, const QString& message)
{
    state = newState;
    if (newState == State::Failed)
        error = message;
    calls.clear();
    // Reported from the event loop, so that even an answer at once comes after forwardService() returned.
    QMetaObject::invokeMethod(
        q,
        [q = q, newState, message, generation = generation] {
            if (generation != q->d->generation)
                return;
            if (newState == State::Failed)
                Q_EMIT q->failed(message);
            else
                Q_EMIT q->ready(q->localPort());
        },
        Qt::QueuedConnection);
}

void KubePortForward::Private::listen()
{
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        settle(State::Failed, u"Cannot listen on 127.0.0.1 for the port-forward: "_s + server.errorString());
        return;
    }
    settle(State::Listening, {});
}

void KubePortForward::Private::resolveService()
{
    get(u"/api/v1/namespaces/"_s + ns + u"/services/"_s + service, {}, u"get"_s, u"services"_s,
        [this](const KubeResponse& response) {
            if (!response.ok()) {
                settle(State::Failed,
                    response.httpStatus == 404 ? u"There is no service \""_s + service + u"\" in namespace \""_s + ns
                            + u"\" to port-forward to"_s
                                               : response.error.message);
                return;
            }
            const QJsonObject object = QJsonDocument::fromJson(response.body).object();
            QString portError;
            const auto entry = PortForwardTarget::servicePort(object, servicePort, &portError);
            if (!entry) {
                settle(State::Failed, portError);
                return;
            }
            portEntry = *entry;
            selector = object["spec"_L1]["selector"_L1].toObject();
            lookUpSlices();
        });
}

void KubePortForward::Private::noteLookupError(const KubeResponse& response)
{
    if (!response.ok() && response.httpStatus != 404 && lookupError.isEmpty())
        lookupError = response.error.message;
}

void KubePortForward::Private::lookUpSlices()
{
    QUrlQuery query;
    query.addQueryItem(u"labelSelector"_s, u"kubernetes.io/service-name="_s + service);
    get(u"/apis/discovery.k8s.io/v1/namespaces/"_s + ns + u"/endpointslices"_s, query, u"list"_s,
        u"endpointslices.discovery.k8s.io"_s, [this](const KubeResponse& response) {
            noteLookupError(response);
            if (const auto pod
                = PortForwardTarget::fromEndpointSlices(QJsonDocument::fromJson(response.body).object(), portEntry);
                response.ok() && pod)
                found(*pod);
            else
                lookUpEndpoints();
        });
}

void KubePortForward::Private::lookUpEndpoints()
{
    get(u"/api/v1/namespaces/"_s + ns + u"/endpoints/"_s + service, {}, u"get"_s, u"endpoints"_s,
        [this](const KubeResponse& response) {
            noteLookupError(response);
            if (const auto pod
                = PortForwardTarget::fromEndpoints(QJsonDocument::fromJson(response.body).object(), portEntry);
                response.ok() && pod)
                found(*pod);
            else
                lookUpPods();
        });
}

void KubePortForward::Private::lookUpPods()
{
    if (selector.isEmpty()) {
        noReadyPod();
        return;
    }
    QStringList terms;
    for (auto it = selector.constBegin(); it != selector.constEnd(); ++it)
        terms.append(it.key() + u'=' + it.value().toString());
    QUrlQuery query;
    query.addQueryItem(u"labelSelector"_s, terms.join(u','));
    get(u"/api/v1/namespaces/"_s + ns + u"/pods"_s, query, u"list"_s, u"pods"_s, [this](const KubeResponse& response) {
        noteLookupError(response);
        if (const auto pod = PortForwardTarget::fromPods(QJsonDocument::fromJson(response.body).object(), portEntry);
            response.ok() && pod)
            found(*pod);
        else
            noReadyPod();
    });
}

void KubePortForward::Private::found(const PortForwardTarget& pod)
{
    target = pod;
    listen();
}

void KubePortForward::Private::noReadyPod()
{
    QString message = u"The service \""_s + service + u"\" in namespace \""_s + ns
        + u"\" has no ready pod to port-forward to: its endpoints name none that is ready"_s;
    if (!selector.isEmpty())
        message += u", and no pod its selector matches is Running and Ready"_s;
    if (!lookupError.isEmpty())
        message += u" ("_s + lookupError + u')';
    settle(State::Failed, message);
}

QString KubePortForward::Private::podPath() const
{
    return u"/api/v1/namespaces/"_s + target.ns + u"/pods/"_s + target.pod + u"/portforward"_s;
}

QUrlQuery KubePortForward::Private::portQuery() const
{
    QUrlQuery query;
    query.addQueryItem(u"ports"_s, QString::number(target.port));
    return query;
}

void KubePortForward::Private::openTunnel(QTcpSocket* local)
{
    auto* tunnel = new Tunnel(q);
    tunnel->local = local;
    local->setParent(tunnel);
    QObject::connect(local, &QTcpSocket::readyRead, tunnel, [this, tunnel] {
        tunnel->pendingOut += tunnel->local->readAll();
        sendLocal(tunnel);
    });
    QObject::connect(local, &QTcpSocket::disconnected, tunnel, [this, tunnel] { closeTunnel(tunnel); });
    if (!client) {
        failTunnel(tunnel, u"Not connected to a cluster: a port-forward goes through the Kubernetes API"_s);
        return;
    }
    KubeRequest request;
    request.path = podPath();
    request.query = portQuery();
    client->prepare(
        request, [this, tunnel = QPointer<Tunnel>(tunnel)](const QNetworkRequest& prepared, const QString& error) {
            if (!tunnel || tunnel->settled)
                return;
            if (!error.isEmpty())
                failTunnel(tunnel, error);
            else
                startSocket(tunnel, prepared);
        });
}

void KubePortForward::Private::startSocket(Tunnel* tunnel, const QNetworkRequest& prepared)
{
    QNetworkRequest request = prepared;
    QUrl url = request.url();
    const bool secure = url.scheme() == "https"_L1;
    url.setScheme(secure ? u"wss"_s : u"ws"_s);
    request.setUrl(url);
    auto* socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, tunnel);
    tunnel->socket = socket;
    if (secure)
        socket->setSslConfiguration(prepared.sslConfiguration());
    if (client)
        socket->setProxy(client->proxy());
    QObject::connect(socket, &QWebSocket::connected, tunnel, [this, tunnel] {
        tunnel->open = true;
        sendLocal(tunnel);
    });
    QObject::connect(socket, &QWebSocket::binaryMessageReceived, tunnel,
        [this, tunnel](const QByteArray& message) { received(tunnel, message); });
    QObject::connect(socket, &QWebSocket::sslErrors, tunnel, [tunnel](const QList<QSslError>& errors) {
        for (const QSslError& error : errors)
            tunnel->sslErrors.append(error.errorString());
    });
    const auto ended = [this, tunnel] {
        if (tunnel->settled)
            return;
        if (tunnel->open) {
            closeTunnel(tunnel);
            return;
        }
        QString text = tunnel->socket->errorString();
        if (!tunnel->sslErrors.isEmpty())
            text += u" ("_s + tunnel->sslErrors.join(u"; "_s) + u')';
        diagnose(tunnel, text);
    };
    QObject::connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), tunnel, ended);
    QObject::connect(socket, &QWebSocket::disconnected, tunnel, ended);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({ Subprotocol });
    socket->open(request, options);
    // QWebSocket has no peerVerifyName. The TLS socket it made in open(), its child, takes the kubeconfig's
    // tls-server-name before any certificate arrives, so the server is checked against that name as client-go does.
    // Should a Qt version make that socket elsewhere, the forward fails rather than check the wrong name.
    const QString serverName = prepared.peerVerifyName();
    if (secure && !serverName.isEmpty()) {
        auto* tls = socket->findChild<QSslSocket*>();
        if (!tls) {
            failTunnel(tunnel,
                u"The port-forward to pod "_s + target.toString()
                    + u" cannot check the API server's certificate "
                      u"against the kubeconfig's tls-server-name \""_s
                    + serverName + u"\": this Qt's WebSocket gives no access to its TLS socket"_s);
            return;
        }
        tls->setPeerVerifyName(serverName);
    }
}

void KubePortForward::Private::sendLocal(Tunnel* tunnel)
{
    if (!tunnel->open || tunnel->settled || tunnel->pendingOut.isEmpty())
        return;
    tunnel->socket->sendBinaryMessage(PortForwardChannels::dataMessage(std::exchange(tunnel->pendingOut, {})));
}

void KubePortForward::Private::received(Tunnel* tunnel, const QByteArray& message)
{
    if (tunnel->settled)
        return;
    const auto received = tunnel->channels.feed(message);
    if (!received.data.isEmpty())
        tunnel->local->write(received.data);
    if (!received.problem.isEmpty())
        failTunnel(
            tunnel, u"The port-forward to pod "_s + target.toString() + u" broke the protocol: "_s + received.problem);
    else if (!received.error.isEmpty())
        failTunnel(tunnel,
            u"The port-forward to pod "_s + target.toString() + u" failed: "_s
                + QString::fromUtf8(received.error).trimmed());
}

// The WebSocket handshake was refused, and Qt does not hand over the answer's body: the same request without the
// upgrade gets the API server's words (RBAC, a pod or node that is gone), or passes and then the refusal came from
// further on (the kubelet, a proxy).
void KubePortForward::Private::diagnose(Tunnel* tunnel, const QString& socketError)
{
    tunnel->settled = true;
    const QString what = u"pod "_s + target.toString();
    if (!client) {
        failTunnel(tunnel, u"The port-forward to "_s + what + u" failed: "_s + socketError);
        return;
    }
    KubeRequest request;
    request.path = podPath();
    request.query = portQuery();
    request.kubeVerb = u"create"_s;
    request.resource = u"pods/portforward"_s;
    request.ns = target.ns;
    KubeCall* call = client->send(request);
    QObject::connect(call, &KubeCall::finished, tunnel,
        [this, tunnel, what, socketError, ns = target.ns](const KubeResponse& response) {
            const QString serverMessage = response.error.status.value("message"_L1).toString();
            QString message;
            if (response.httpStatus == 403) {
                message = u"The API server does not let you port-forward to "_s + what
                    + u": RBAC allows no \"create\" on \"pods/portforward\" in namespace \""_s + ns
                    + u"\" (a port-forward over WebSocket needs \"get\" and \"create\" on it). The API server said: "_s
                    + serverMessage;
            } else if (response.httpStatus == 400 && serverMessage.contains(u"Upgrade request required"_s)) {
                message = u"The port-forward to "_s + what
                    + u" passed the API server but was refused further on (by the node's kubelet): "_s + socketError;
            } else if (!response.ok()) {
                message = u"The port-forward to "_s + what + u" failed: "_s + response.error.message;
            } else {
                message = u"The port-forward to "_s + what + u" failed: "_s + socketError;
            }
            failTunnel(tunnel, message);
        });
}

void KubePortForward::Private::failTunnel(Tunnel* tunnel, const QString& message)
{
    error = message;
    closeTunnel(tunnel);
    Q_EMIT q->connectionFailed(message);
}

void KubePortForward::Private::closeTunnel(Tunnel* tunnel)
{
    tunnel->settled = true;
    if (tunnel->socket) {
        tunnel->socket->disconnect(tunnel);
        tunnel->socket->close();
    }
    tunnel->local->disconnect(tunnel);
    // What the pod sent is written out before the local connection closes.
    if (tunnel->local->state() == QAbstractSocket::ConnectedState && tunnel->local->bytesToWrite() > 0) {
        QObject::connect(tunnel->local, &QTcpSocket::disconnected, tunnel, &QObject::deleteLater);
        tunnel->local->disconnectFromHost();
    } else {
        tunnel->local->abort();
        tunnel->deleteLater();
    }
}

KubePortForward::KubePortForward(KubeClient* client, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->client = client;
    connect(&d->server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* local = d->server.nextPendingConnection())
            d->openTunnel(local);
    });
}

KubePortForward::~KubePortForward()
{
    // Tunnels are children of this object and go first; their sockets must not call back into d meanwhile.
    const auto tunnels = findChildren<Tunnel*>(Qt::FindDirectChildrenOnly);
    for (Tunnel* tunnel : tunnels) {
        tunnel->local->disconnect(tunnel);
        if (tunnel->socket)
            tunnel->socket->disconnect(tunnel);
    }
    qDeleteAll(tunnels);
}

void KubePortForward::forwardService(const QString& ns, const QString& service, int servicePort)
{
    stop();
    d->state = State::Resolving;
    d->ns = ns;
    d->service = service;
    d->servicePort = servicePort;
    d->lookupError.clear();
    d->error.clear();
    d->resolveService();
}

void KubePortForward::forwardPod(const PortForwardTarget& target)
{
    stop();
    d->error.clear();
    d->ns = target.ns;
    d->found(target);
}

void KubePortForward::stop()
{
    ++d->generation;
    const auto calls = std::exchange(d->calls, {});
    for (const auto& call : calls) {
        if (call)
            call->abort();
    }
    d->server.close();
    const auto tunnels = findChildren<Tunnel*>(Qt::FindDirectChildrenOnly);
    for (Tunnel* tunnel : tunnels) {
        if (!tunnel->settled)
            d->closeTunnel(tunnel);
    }
    d->state = State::Idle;
    d->target = {};
}

KubePortForward::State KubePortForward::state() const { return d->state; }

PortForwardTarget KubePortForward::target() const { return d->target; }

quint16 KubePortForward::localPort() const { return d->state == State::Listening ? d->server.serverPort() : 0; }

QString KubePortForward::errorString() const { return d->error; }

int KubePortForward::connectionCount() const
{
    const auto tunnels = findChildren<Tunnel*>(Qt::FindDirectChildrenOnly);
    return int(std::count_if(tunnels.begin(), tunnels.end(), [](const Tunnel* tunnel) { return !tunnel->settled; }));
}
