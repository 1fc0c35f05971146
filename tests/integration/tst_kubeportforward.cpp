// SPDX-License-Identifier: Apache-2.0
//
// KubePortForward and KubeIngressTransport's port-forward route through a real kube-apiserver (KubeHarness) to a
// real CloudEvents receiver (cereceiver, the official Go SDK; tests/conformance).
//
// The harness has no kubelet. For a WebSocket port-forward with subprotocol v4.channel.k8s.io, kube-apiserver 1.35
// does not translate anything: PortForwardREST (pkg/registry/core/pod/rest/subresources.go) checks RBAC (since 1.35
// "create" as well as "get" on pods/portforward), looks up the pod's node and hands the request to an upgrade-aware
// proxy that passes the WebSocket upgrade on unchanged to https://<node address>:<kubeletEndpoint port>/portForward/
// <ns>/<pod>?port=<port> (the client's "ports" renamed; only the SPDY-tunnelling subprotocol is translated). So the
// "kubelet" here is a small TLS WebSocket server in this test that speaks v4.channel.k8s.io as the kubelet's
// portforward/websocket.go does (the port on each channel first, data on channel 0, errors on channel 1) and relays
// channel 0 to cereceiver. The harness runs kube-apiserver without --kubelet-certificate-authority, so it does not
// verify the fake kubelet's self-signed certificate.
//
// No controller runs either, so the test writes what they would: the Node's status with the kubelet's address and
// port (the kubelet), the Pod bound to it, running and ready (scheduler and kubelet), and the Service's Endpoints (the
// endpoints controller). The Endpoints name an address the API server cannot reach (nothing listens there), so its
// service proxy answers 503 and Route::Auto falls back to the port-forward.
#include "cereceiver.h"
#include "cloudeventcodec.h"
#include "harnesssupport.h"
#include "kubeclient.h"
#include "kubeharness.h"
#include "kubeingresstransport.h"
#include "kubeportforward.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using Mode = HttpTransport::Mode;
using Route = KubeIngressTransport::Route;

namespace {

const QString Eventing = u"knative-eventing"_s;
const QString NodeName = u"fake-node"_s;
const QString PodName = u"broker-ingress-5d8f7c9b4-x2x7q"_s;
const QString FailingPod = u"failing-ingress-6c9d8-abcde"_s;
const QString ForwardError = u"error forwarding port %1 to pod %2, uid : failed to connect to localhost:%1: connection "
                             u"refused"_s;

// A raw HTTP request to a forward's local port: the head of the answer, or what came before the connection closed
// (nothing, when the forward failed); nullopt when neither happened in time.
std::optional<QByteArray> requestThrough(quint16 localPort)
{
    QTcpSocket local;
    local.connectToHost(QHostAddress::LocalHost, localPort);
    if (!local.waitForConnected(5000))
        return std::nullopt;
    local.write("GET /health HTTP/1.1\r\nHost: ingress\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    const bool ended = QTest::qWaitFor(
        [&] {
            answer += local.readAll();
            return local.state() == QAbstractSocket::UnconnectedState || answer.contains("\r\n\r\n");
        },
        20000);
    return ended ? std::optional(answer) : std::nullopt;
}

// The kubelet's side of v4.channel.k8s.io for one port, relaying channel 0 to a loopback port. For FailingPod it
// answers on the error channel instead, as the kubelet does when the pod's port refuses.
class FakeKubelet : public QObject {
public:
    explicit FakeKubelet(quint16 upstreamPort)
        : m_upstreamPort(upstreamPort)
    {
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket* socket = server.nextPendingConnection())
                accept(socket);
        });
    }
    QWebSocketServer server { u"fake-kubelet"_s, QWebSocketServer::SecureMode };
    QStringList requests; // path?query of each upgrade the API server passed on
    QStringList subprotocols;

private:
    void accept(QWebSocket* socket)
    {
        socket->setParent(this);
        const QUrl url = socket->requestUrl();
        requests.append(url.path() + u'?' + url.query());
        subprotocols.append(socket->subprotocol());
        // The API server passes the client's "ports" on as "port" (api.PortHeader), as the kubelet reads it.
        const int port = QUrlQuery(url).queryItemValue(u"port"_s).toInt();
        QByteArray portBytes;
        portBytes.append(char(port & 0xff));
        portBytes.append(char((port >> 8) & 0xff));
        socket->sendBinaryMessage('\0' + portBytes);
        socket->sendBinaryMessage('\1' + portBytes);
        if (url.path().contains(FailingPod)) {
            socket->sendBinaryMessage('\1' + ForwardError.arg(port).arg(FailingPod).toUtf8());
            socket->close();
            return;
        }
        auto* upstream = new QTcpSocket(socket);
        auto pending = std::make_shared<QByteArray>();
        connect(socket, &QWebSocket::binaryMessageReceived, upstream, [upstream, pending](const QByteArray& message) {
            if (message.isEmpty() || message.at(0) != '\0')
                return;
            if (upstream->state() == QAbstractSocket::ConnectedState)
                upstream->write(message.mid(1));
            else
                *pending += message.mid(1);
        });
        connect(upstream, &QTcpSocket::connected, upstream, [upstream, pending] { upstream->write(*pending); });
        connect(upstream, &QTcpSocket::readyRead, socket,
            [socket, upstream] { socket->sendBinaryMessage('\0' + upstream->readAll()); });
        connect(upstream, &QTcpSocket::disconnected, socket, [socket] { socket->close(); });
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
    }
    quint16 m_upstreamPort;
};

QJsonObject object(const QString& apiVersion, const QString& kind, const QString& ns, const QString& name)
{
    QJsonObject metadata { { u"name"_s, name } };
    if (!ns.isEmpty())
        metadata.insert(u"namespace"_s, ns);
    return { { u"apiVersion"_s, apiVersion }, { u"kind"_s, kind }, { u"metadata"_s, metadata } };
}

CloudEvent richEvent(const QString& id)
{
    CloudEvent event;
    event.id = id;
    event.source = u"https://meshscope.dev/tests/portforward"_s;
    event.type = u"dev.meshscope.order \"created\""_s;
    event.subject = u"Zürich ✓ 100%"_s;
    event.time = QDateTime(QDate(2026, 11, 26), QTime(14, 30, 5, 125), Qt::UTC);
    event.extensions = { { u"exstring"_s, u"Euro € 😀"_s }, { u"exinteger"_s, -42 }, { u"exboolean"_s, true } };
    event.dataContentType = u"application/json"_s;
    event.data = R"({"order":17,"items":["ü","✓"]})";
    event.dataKind = CloudEvent::DataKind::Json;
    return event;
}

} // namespace

class TestKubePortForwardIntegration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void forwardsOneConnectionPerWebSocket();
    void checksTheCertificateAgainstTlsServerName_data();
    void checksTheCertificateAgainstTlsServerName();
    void publishesThroughThePortForward_data();
    void publishesThroughThePortForward();
    void autoFallsBackWhenTheProxyCannotServe();
    void forbiddenWithoutPodsPortForward();
    void noReadyPod();
    void errorChannelIsReported();

private:
    std::unique_ptr<KubeClient> client(KubeHarness::User user);
    int raw(const QByteArray& verb, const QString& path, const QJsonObject& body,
        const QByteArray& contentType = "application/json");
    void createPod(const QString& name, const QString& label);
    void createService(const QString& name, const QString& label, const QString& endpointPod);
    DeliveryResult deliver(KubeIngressTransport& transport, quint64 id);

    KubeHarness m_harness;
    std::unique_ptr<KubeClient> m_admin;
    QTemporaryDir m_dir;
    CeReceiver m_receiver;
    QHostAddress m_address;
    int m_podPort = 0; // where nothing listens: the API server's proxy cannot reach it
    std::unique_ptr<FakeKubelet> m_kubelet;
};

void TestKubePortForwardIntegration::initTestCase()
{
    qRegisterMetaType<DeliveryResult>();
    const auto address = HarnessSupport::nonLoopbackIPv4();
    if (!address)
        QSKIP("This machine has no non-loopback IPv4 address, and the API server does not proxy to loopback");
    m_address = *address;

    QString receiverError;
    QVERIFY2(m_receiver.start(&receiverError), qPrintable(receiverError));

    // The kubelet's serving certificate, self-signed as a kubelet makes it without a CA.
    QVERIFY(m_dir.isValid());
    QProcess openssl;
    openssl.setWorkingDirectory(m_dir.path());
    openssl.start(u"openssl"_s,
        { u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s, u"kubelet.key"_s, u"-out"_s,
            u"kubelet.crt"_s, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN="_s + NodeName, u"-addext"_s,
            u"subjectAltName=IP:"_s + m_address.toString() });
    QVERIFY(openssl.waitForFinished(60000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAllStandardError().constData());
    QFile keyFile(m_dir.filePath(u"kubelet.key"_s));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    const QSslKey key(keyFile.readAll(), QSsl::Rsa);
    QVERIFY(!key.isNull());
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate::fromPath(m_dir.filePath(u"kubelet.crt"_s)).value(0));
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_kubelet = std::make_unique<FakeKubelet>(m_receiver.port());
    m_kubelet->server.setSslConfiguration(tls);
    m_kubelet->server.setSupportedSubprotocols({ u"v4.channel.k8s.io"_s });
    QVERIFY2(m_kubelet->server.listen(m_address), qPrintable(m_kubelet->server.errorString()));

    // A port on the pod's address where nothing listens.
    {
        QTcpServer probe;
        QVERIFY(probe.listen(m_address));
        m_podPort = probe.serverPort();
    }

    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    m_admin = client(KubeHarness::User::Admin);
    QVERIFY(m_admin);
    QCOMPARE(raw("POST", u"/api/v1/namespaces"_s, object(u"v1"_s, u"Namespace"_s, {}, Eventing)), 201);

    // The Node and the status its kubelet reports: where the API server reaches it.
    QCOMPARE(raw("POST", u"/api/v1/nodes"_s, object(u"v1"_s, u"Node"_s, {}, NodeName)), 201);
    const QJsonObject nodeStatus { { u"status"_s,
        QJsonObject {
            { u"addresses"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"InternalIP"_s }, { u"address"_s, m_address.toString() } } } },
            { u"daemonEndpoints"_s,
                QJsonObject { { u"kubeletEndpoint"_s,
                    QJsonObject { { u"Port"_s, int(m_kubelet->server.serverPort()) } } } } } } } };
    QCOMPARE(
        raw("PATCH", u"/api/v1/nodes/"_s + NodeName + u"/status"_s, nodeStatus, "application/merge-patch+json"), 200);

    createPod(PodName, u"ingress"_s);
    createService(u"broker-ingress"_s, u"ingress"_s, PodName);
    createPod(FailingPod, u"failing"_s);
    createService(u"failing-ingress"_s, u"failing"_s, FailingPod);
    // No pod matches, and the Endpoints list none.
    createService(u"kafka-broker-ingress"_s, u"kafka"_s, {});

    // The limited user may read Services, their endpoints and Pods in knative-eventing, but not port-forward.
    QJsonObject role = object(u"rbac.authorization.k8s.io/v1"_s, u"Role"_s, Eventing, u"read-ingress"_s);
    role.insert(u"rules"_s,
        QJsonArray { QJsonObject { { u"apiGroups"_s, QJsonArray { u""_s } },
                         { u"resources"_s, QJsonArray { u"services"_s, u"endpoints"_s, u"pods"_s } },
                         { u"verbs"_s, QJsonArray { u"get"_s, u"list"_s } } },
            QJsonObject { { u"apiGroups"_s, QJsonArray { u"discovery.k8s.io"_s } },
                { u"resources"_s, QJsonArray { u"endpointslices"_s } }, { u"verbs"_s, QJsonArray { u"list"_s } } } });
    QCOMPARE(raw("POST", u"/apis/rbac.authorization.k8s.io/v1/namespaces/knative-eventing/roles"_s, role), 201);
    QJsonObject binding = object(u"rbac.authorization.k8s.io/v1"_s, u"RoleBinding"_s, Eventing, u"read-ingress"_s);
    binding.insert(u"roleRef"_s,
        QJsonObject { { u"apiGroup"_s, u"rbac.authorization.k8s.io"_s }, { u"kind"_s, u"Role"_s },
            { u"name"_s, u"read-ingress"_s } });
    binding.insert(u"subjects"_s,
        QJsonArray { QJsonObject { { u"apiGroup"_s, u"rbac.authorization.k8s.io"_s }, { u"kind"_s, u"User"_s },
            { u"name"_s, KubeHarness::limitedUserName() } } });
    QCOMPARE(
        raw("POST", u"/apis/rbac.authorization.k8s.io/v1/namespaces/knative-eventing/rolebindings"_s, binding), 201);
}

void TestKubePortForwardIntegration::cleanupTestCase()
{
    m_admin.reset();
    m_harness.stop();
}

// A raw HTTP request through the forward: one WebSocket per local connection, to the pod's port.
void TestKubePortForwardIntegration::forwardsOneConnectionPerWebSocket()
{
    KubePortForward forward(m_admin.get());
    QSignalSpy ready(&forward, &KubePortForward::ready);
    QSignalSpy failed(&forward, &KubePortForward::failed);
    forward.forwardService(Eventing, u"broker-ingress"_s, 80);
    QVERIFY(ready.wait(20000) || !failed.isEmpty());
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    QCOMPARE(forward.target(), (PortForwardTarget { Eventing, PodName, m_podPort }));
    QVERIFY(forward.localPort() != 0);

    const qsizetype before = m_kubelet->requests.size();
    for (int i = 0; i < 2; ++i) {
        const auto answer = requestThrough(forward.localPort());
        QVERIFY(answer);
        QVERIFY2(answer->startsWith("HTTP/1.1 "), answer->constData());
    }
    QCOMPARE(m_kubelet->requests.size(), before + 2);
    const QString expected = u"/portForward/"_s + Eventing + u'/' + PodName + u"?port="_s + QString::number(m_podPort);
    QCOMPARE(m_kubelet->requests.constLast(), expected);
    QCOMPARE(m_kubelet->subprotocols.constLast(), u"v4.channel.k8s.io"_s);
}

void TestKubePortForwardIntegration::checksTheCertificateAgainstTlsServerName_data()
{
    QTest::addColumn<QString>("serverName");
    QTest::addColumn<bool>("accepted");
    // The harness's certificate names 127.0.0.1 and localhost; the server URL is https://127.0.0.1:<port>.
    QTest::addRow("in the certificate") << u"localhost"_s << true;
    QTest::addRow("not in the certificate") << u"api.example.com"_s << false;
}

// The kubeconfig's tls-server-name, not the server URL's host, is what the API server's certificate must name, for
// the WebSocket as for the client's requests (client-go's ServerName).
void TestKubePortForwardIntegration::checksTheCertificateAgainstTlsServerName()
{
    QFETCH(QString, serverName);
    QFETCH(bool, accepted);
    ResolvedContext context = m_admin->context();
    context.cluster.tlsServerName = serverName;
    KubeClient named(context);
    KubePortForward forward(&named);
    QSignalSpy ready(&forward, &KubePortForward::ready);
    QSignalSpy connectionFailed(&forward, &KubePortForward::connectionFailed);
    forward.forwardPod({ Eventing, PodName, m_podPort });
    QVERIFY(ready.wait(20000));

    const qsizetype before = m_kubelet->requests.size();
    const auto answer = requestThrough(forward.localPort());
    QVERIFY(answer);
    if (accepted) {
        QVERIFY2(answer->startsWith("HTTP/1.1 "), answer->constData());
        QVERIFY2(connectionFailed.isEmpty(), qPrintable(connectionFailed.value(0).value(0).toString()));
        QCOMPARE(m_kubelet->requests.size(), before + 1);
        return;
    }
    QVERIFY(answer->isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(connectionFailed.size(), 1, 20000);
    const QString error = connectionFailed.constFirst().constFirst().toString();
    QVERIFY2(error.startsWith(u"The port-forward to pod "_s + Eventing + u'/' + PodName), qPrintable(error));
    QVERIFY2(error.contains(u"tls-server-name \""_s + serverName + u'"'), qPrintable(error));
    // Refused in the TLS handshake: the upgrade, with its bearer token, never reached the API server.
    QCOMPARE(m_kubelet->requests.size(), before);
}

void TestKubePortForwardIntegration::publishesThroughThePortForward_data()
{
    QTest::addColumn<Mode>("mode");
    QTest::addRow("binary") << Mode::Binary;
    QTest::addRow("structured") << Mode::Structured;
}

void TestKubePortForwardIntegration::publishesThroughThePortForward()
{
    QFETCH(Mode, mode);
    KubeIngressTransport transport(m_admin.get());
    transport.setRoute(Route::PortForward);
    const QString id = u"forward-"_s + QString::fromLatin1(QTest::currentDataTag());
    const CloudEvent event = richEvent(id);
    const QUrl address(u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
    const DeliveryResult result = deliver(transport, transport.publish(address, event, mode));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.httpStatus, 202);
    QCOMPARE(result.target,
        address.toDisplayString() + u" (through a port-forward to pod "_s + Eventing + u'/' + PodName + u':'
            + QString::number(m_podPort) + u')');

    const auto record = m_receiver.awaitRecord(CeReceiver::withId(id));
    QVERIFY2(record, "cereceiver did not receive the event");
    QCOMPARE(record->value(u"path"_s).toString(), u"/shop/default"_s);
    QCOMPARE(record->value(u"mode"_s).toString(), mode == Mode::Binary ? u"binary"_s : u"structured"_s);
    const QJsonObject attributes = record->value(u"attributes"_s).toObject();
    // The SDK hands ce- header values back as they were on the wire (see tst_kubeingressproxy).
    const auto wire = [mode](const QJsonValue& attribute) {
        const QString text = attribute.toObject().value(u"value"_s).toString();
        return mode == Mode::Binary ? CloudEventHttp::percentDecodeHeaderValue(text.toLatin1()).value_or(u"(bad)"_s)
                                    : text;
    };
    const auto value = [&attributes, &wire](const QString& name) { return wire(attributes.value(name)); };
    QCOMPARE(value(u"id"_s), event.id);
    QCOMPARE(value(u"source"_s), event.source);
    QCOMPARE(value(u"type"_s), event.type);
    QCOMPARE(value(u"subject"_s), event.subject);
    QCOMPARE(value(u"time"_s), u"2026-11-26T14:30:05.125Z"_s);
    const QJsonObject extensions = record->value(u"extensions"_s).toObject();
    QCOMPARE(wire(extensions[u"exstring"_s]), u"Euro € 😀"_s);
    QCOMPARE(wire(extensions[u"exinteger"_s]), u"-42"_s);
    QCOMPARE(wire(extensions[u"exboolean"_s]), u"true"_s);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromBase64(record->value(u"data_base64"_s).toString().toLatin1())),
        QJsonDocument::fromJson(event.data));
}

void TestKubePortForwardIntegration::autoFallsBackWhenTheProxyCannotServe()
{
    KubeIngressTransport transport(m_admin.get());
    QCOMPARE(transport.route(), Route::Auto);
    const QUrl address(u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
    for (const QString& id : { u"auto-1"_s, u"auto-2"_s }) {
        const DeliveryResult result = deliver(transport, transport.publish(address, richEvent(id)));
        QVERIFY2(result.ok, qPrintable(result.error));
        QVERIFY2(result.target.endsWith(u" (through a port-forward to pod "_s + Eventing + u'/' + PodName + u':'
                     + QString::number(m_podPort) + u')'),
            qPrintable(result.target));
        QVERIFY2(m_receiver.awaitRecord(CeReceiver::withId(id)), "cereceiver did not receive the event");
    }
    // The service proxy alone fails: the API server cannot reach the pod's address.
    transport.setRoute(Route::ServiceProxy);
    const DeliveryResult direct = deliver(transport, transport.publish(address, richEvent(u"proxy-only"_s)));
    QVERIFY(!direct.ok);
    QCOMPARE(direct.httpStatus, 503);
    QVERIFY2(direct.target.endsWith(u" (through the API server's service proxy)"_s), qPrintable(direct.target));
}

void TestKubePortForwardIntegration::forbiddenWithoutPodsPortForward()
{
    const auto limited = client(KubeHarness::User::Limited);
    QVERIFY(limited);
    KubeIngressTransport transport(limited.get());
    transport.setRoute(Route::PortForward);
    const qsizetype before = m_receiver.records().size();
    const QUrl address(u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
    const DeliveryResult result = deliver(transport, transport.publish(address, richEvent(u"forbidden"_s)));
    QVERIFY(!result.ok);
    const QString expected = u"The API server does not let you port-forward to pod "_s + Eventing + u'/' + PodName
        + u':' + QString::number(m_podPort)
        + u": RBAC allows no \"create\" on \"pods/portforward\" in namespace \"knative-eventing\""_s;
    QVERIFY2(result.error.startsWith(expected), qPrintable(result.error));
    QVERIFY2(result.error.contains(KubeHarness::limitedUserName()), qPrintable(result.error));
    QCOMPARE(m_receiver.records().size(), before);
}

void TestKubePortForwardIntegration::noReadyPod()
{
    KubeIngressTransport transport(m_admin.get());
    transport.setRoute(Route::PortForward);
    const QUrl address(u"http://kafka-broker-ingress.knative-eventing.svc.cluster.local/shop/orders"_s);
    const DeliveryResult result = deliver(transport, transport.publish(address, richEvent(u"no-pod"_s)));
    QVERIFY(!result.ok);
    QCOMPARE(result.error,
        u"The service \"kafka-broker-ingress\" in namespace \"knative-eventing\" has no ready pod to port-forward to: "
        u"its endpoints name none that is ready, and no pod its selector matches is Running and Ready"_s);
}

void TestKubePortForwardIntegration::errorChannelIsReported()
{
    KubeIngressTransport transport(m_admin.get());
    transport.setRoute(Route::PortForward);
    const QUrl address(u"http://failing-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
    const DeliveryResult result = deliver(transport, transport.publish(address, richEvent(u"failing"_s)));
    QVERIFY(!result.ok);
    const QString pod = Eventing + u'/' + FailingPod + u':' + QString::number(m_podPort);
    QCOMPARE(result.error,
        u"The port-forward to pod "_s + pod + u" failed: "_s + ForwardError.arg(m_podPort).arg(FailingPod));
}

std::unique_ptr<KubeClient> TestKubePortForwardIntegration::client(KubeHarness::User user)
{
    QString error;
    auto client = m_harness.client(user, Eventing, &error);
    if (!client)
        qWarning("%s", qPrintable(error));
    return client;
}

int TestKubePortForwardIntegration::raw(
    const QByteArray& verb, const QString& path, const QJsonObject& body, const QByteArray& contentType)
{
    KubeRequest request;
    request.verb = verb;
    request.path = path;
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.contentType = contentType;
    KubeCall* call = m_admin->send(request);
    QSignalSpy spy(call, &KubeCall::finished);
    if (!spy.wait(30'000))
        return 0;
    const auto response = qvariant_cast<KubeResponse>(spy.constFirst().constFirst());
    if (!response.ok())
        qWarning("%s %s: %s", verb.constData(), qPrintable(path), qPrintable(response.error.message));
    return response.httpStatus;
}

// Scheduled to the fake node, running and ready, as the scheduler and the kubelet leave it.
void TestKubePortForwardIntegration::createPod(const QString& name, const QString& label)
{
    QJsonObject pod = object(u"v1"_s, u"Pod"_s, Eventing, name);
    QJsonObject metadata = pod[u"metadata"_s].toObject();
    metadata.insert(u"labels"_s, QJsonObject { { u"app"_s, label } });
    pod.insert(u"metadata"_s, metadata);
    pod.insert(u"spec"_s,
        QJsonObject { { u"nodeName"_s, NodeName },
            { u"containers"_s,
                QJsonArray { QJsonObject { { u"name"_s, u"ingress"_s }, { u"image"_s, u"ingress"_s },
                    { u"ports"_s,
                        QJsonArray {
                            QJsonObject { { u"name"_s, u"http"_s }, { u"containerPort"_s, m_podPort } } } } } } } });
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/pods"_s, pod), 201);
    const QJsonObject status { { u"status"_s,
        QJsonObject { { u"phase"_s, u"Running"_s }, { u"podIP"_s, m_address.toString() },
            { u"podIPs"_s, QJsonArray { QJsonObject { { u"ip"_s, m_address.toString() } } } },
            { u"conditions"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"Ready"_s }, { u"status"_s, u"True"_s } } } } } } };
    QCOMPARE(raw("PATCH", u"/api/v1/namespaces/knative-eventing/pods/"_s + name + u"/status"_s, status,
                 "application/merge-patch+json"),
        200);
}

// Port "http" 80 to the container's port, and the Endpoints the endpoints controller would write (none without pod).
void TestKubePortForwardIntegration::createService(
    const QString& name, const QString& label, const QString& endpointPod)
{
    QJsonObject service = object(u"v1"_s, u"Service"_s, Eventing, name);
    service.insert(u"spec"_s,
        QJsonObject { { u"selector"_s, QJsonObject { { u"app"_s, label } } },
            { u"ports"_s,
                QJsonArray {
                    QJsonObject { { u"name"_s, u"http"_s }, { u"port"_s, 80 }, { u"targetPort"_s, m_podPort } } } } });
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/services"_s, service), 201);
    QJsonObject endpoints = object(u"v1"_s, u"Endpoints"_s, Eventing, name);
    if (!endpointPod.isEmpty()) {
        endpoints.insert(u"subsets"_s,
            QJsonArray { QJsonObject { { u"addresses"_s,
                                           QJsonArray { QJsonObject { { u"ip"_s, m_address.toString() },
                                               { u"targetRef"_s,
                                                   QJsonObject { { u"kind"_s, u"Pod"_s }, { u"namespace"_s, Eventing },
                                                       { u"name"_s, endpointPod } } } } } },
                { u"ports"_s, QJsonArray { QJsonObject { { u"name"_s, u"http"_s }, { u"port"_s, m_podPort } } } } } });
    }
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/endpoints"_s, endpoints), 201);
}

DeliveryResult TestKubePortForwardIntegration::deliver(KubeIngressTransport& transport, quint64 id)
{
    QSignalSpy spy(&transport, &KubeIngressTransport::delivered);
    if (!spy.wait(40'000) || spy.constFirst().at(0).toULongLong() != id)
        return { false, -1, -1, u"no delivery report"_s, {}, 0, 0, {} };
    return spy.constFirst().at(1).value<DeliveryResult>();
}

QTEST_GUILESS_MAIN(TestKubePortForwardIntegration)
#include "tst_kubeportforward.moc"
