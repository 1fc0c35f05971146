// SPDX-License-Identifier: Apache-2.0
//
// KubeIngressTransport through the service proxy of a real kube-apiserver (KubeHarness) to a real CloudEvents
// receiver: cereceiver (tests/conformance/cereceiver) decodes what arrives with the official CloudEvents Go SDK.
//
// No controller runs in the harness, so the test writes what they would: the broker-ingress Pod's status with its
// IP (the kubelet), the Endpoints of the Service (the endpoints controller; the API server's service proxy reads
// Endpoints, not EndpointSlices) and the Broker's status.address.url (Knative's broker controller).
//
// The API server refuses to proxy to loopback and link-local addresses (proxyutil.IsProxyableIP), and cereceiver
// listens on loopback only: the "pod" is a small TCP relay in this test bound to one of this machine's other
// addresses, passing every byte on to cereceiver. Without such an address the test is skipped.
#include "cereceiver.h"
#include "cloudeventcodec.h"
#include "harnesssupport.h"
#include "kubeclient.h"
#include "kubeharness.h"
#include "kubeingresstransport.h"
#include "manifestparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using Mode = HttpTransport::Mode;

namespace {

const QString Eventing = u"knative-eventing"_s;
const QString Shop = u"shop"_s;
const QString PodName = u"broker-ingress-5d8f7c9b4-x2x7q"_s;

// Forwards each connection accepted on a non-loopback address to a loopback port, both ways.
class Relay : public QTcpServer {
public:
    explicit Relay(quint16 upstreamPort)
        : m_upstreamPort(upstreamPort)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* downstream = nextPendingConnection())
                pipe(downstream);
        });
    }
    int connections = 0;

private:
    void pipe(QTcpSocket* downstream)
    {
        ++connections;
        downstream->setParent(this);
        auto* upstream = new QTcpSocket(downstream);
        const auto forward = [](QTcpSocket* from, QTcpSocket* to) {
            connect(from, &QTcpSocket::readyRead, to, [from, to] { to->write(from->readAll()); });
        };
        forward(downstream, upstream);
        forward(upstream, downstream);
        connect(upstream, &QTcpSocket::connected, upstream,
            [downstream, upstream] { upstream->write(downstream->readAll()); });
        connect(upstream, &QTcpSocket::disconnected, downstream, &QTcpSocket::disconnectFromHost);
        connect(downstream, &QTcpSocket::disconnected, downstream, &QObject::deleteLater);
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
    event.source = u"https://meshscope.dev/tests/proxy"_s;
    event.type = u"dev.meshscope.order \"created\""_s;
    event.subject = u"Zürich ✓ 100%"_s;
    event.dataSchema = u"https://meshscope.dev/schema.json"_s;
    event.time = QDateTime(QDate(2026, 11, 26), QTime(14, 30, 5, 125), Qt::UTC);
    event.extensions = {
        { u"exstring"_s, u"Euro € 😀"_s },
        { u"exinteger"_s, -42 },
        { u"exboolean"_s, true },
        { u"partitionkey"_s, u"order-17"_s },
    };
    event.dataContentType = u"application/json"_s;
    event.data = R"({"order":17,"items":["ü","✓"]})";
    event.dataKind = CloudEvent::DataKind::Json;
    return event;
}

} // namespace

class TestKubeIngressProxy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void publishesThroughTheProxy_data();
    void publishesThroughTheProxy();
    void forbiddenWithoutServicesProxy();
    void noReadyPods();
    void ingressRefusalIsTheIngresss();
    void podUnreachable();

private:
    std::unique_ptr<KubeClient> client(KubeHarness::User user);
    int raw(const QByteArray& verb, const QString& path, const QJsonObject& body,
        const QByteArray& contentType = "application/json", QJsonObject* answer = nullptr);
    DeliveryResult deliver(KubeIngressTransport& transport, quint64 id);

    KubeHarness m_harness;
    std::unique_ptr<KubeClient> m_admin;
    CeReceiver m_receiver;
    QHostAddress m_address;
    std::unique_ptr<Relay> m_relay;
    KnativeObject m_broker;
};

void TestKubeIngressProxy::initTestCase()
{
    qRegisterMetaType<DeliveryResult>();
    const auto address = HarnessSupport::nonLoopbackIPv4();
    if (!address)
        QSKIP("This machine has no non-loopback IPv4 address, and the API server does not proxy to loopback");
    m_address = *address;

    QString receiverError;
    QVERIFY2(m_receiver.start(&receiverError), qPrintable(receiverError));
    m_relay = std::make_unique<Relay>(m_receiver.port());
    QVERIFY2(m_relay->listen(m_address), qPrintable(m_relay->errorString()));
    const int port = m_relay->serverPort();

    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    m_admin = client(KubeHarness::User::Admin);
    QVERIFY(m_admin);

    for (const QString& ns : { Eventing, Shop }) {
        const int status = raw("POST", u"/api/v1/namespaces"_s, object(u"v1"_s, u"Namespace"_s, {}, ns));
        QVERIFY2(status == 201 || status == 409, qPrintable(QString::number(status)));
    }

    // The ingress pod, scheduled and running with the relay's address, as the scheduler and kubelet leave it.
    QJsonObject pod = object(u"v1"_s, u"Pod"_s, Eventing, PodName);
    QJsonObject podMetadata = pod[u"metadata"_s].toObject();
    podMetadata.insert(u"labels"_s, QJsonObject { { u"eventing.knative.dev/brokerRole"_s, u"ingress"_s } });
    pod.insert(u"metadata"_s, podMetadata);
    pod.insert(u"spec"_s,
        QJsonObject { { u"nodeName"_s, u"harness-node"_s },
            { u"containers"_s,
                QJsonArray { QJsonObject { { u"name"_s, u"ingress"_s },
                    { u"image"_s, u"gcr.io/knative-releases/knative.dev/eventing/cmd/broker/ingress"_s },
                    { u"ports"_s,
                        QJsonArray {
                            QJsonObject { { u"name"_s, u"http"_s }, { u"containerPort"_s, port } } } } } } } });
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/pods"_s, pod), 201);
    const QJsonObject podStatus { { u"status"_s,
        QJsonObject { { u"phase"_s, u"Running"_s }, { u"podIP"_s, m_address.toString() },
            { u"podIPs"_s, QJsonArray { QJsonObject { { u"ip"_s, m_address.toString() } } } },
            { u"conditions"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"Ready"_s }, { u"status"_s, u"True"_s } } } } } } };
    QCOMPARE(raw("PATCH", u"/api/v1/namespaces/knative-eventing/pods/"_s + PodName + u"/status"_s, podStatus,
                 "application/merge-patch+json"),
        200);

    // Services as Knative installs them: port "http" 80 to the container's port.
    const auto service = [port](const QString& name) {
        QJsonObject result = object(u"v1"_s, u"Service"_s, Eventing, name);
        result.insert(u"spec"_s,
            QJsonObject { { u"selector"_s, QJsonObject { { u"eventing.knative.dev/brokerRole"_s, u"ingress"_s } } },
                { u"ports"_s,
                    QJsonArray {
                        QJsonObject { { u"name"_s, u"http"_s }, { u"port"_s, 80 }, { u"targetPort"_s, port } } } } });
        return result;
    };
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/services"_s, service(u"broker-ingress"_s)), 201);
    // Another ingress whose pods are not ready: Endpoints without addresses.
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/services"_s, service(u"kafka-broker-ingress"_s)), 201);

    QJsonObject endpoints = object(u"v1"_s, u"Endpoints"_s, Eventing, u"broker-ingress"_s);
    endpoints.insert(u"subsets"_s,
        QJsonArray { QJsonObject { { u"addresses"_s,
                                       QJsonArray { QJsonObject { { u"ip"_s, m_address.toString() },
                                           { u"targetRef"_s,
                                               QJsonObject { { u"kind"_s, u"Pod"_s }, { u"namespace"_s, Eventing },
                                                   { u"name"_s, PodName } } } } } },
            { u"ports"_s, QJsonArray { QJsonObject { { u"name"_s, u"http"_s }, { u"port"_s, port } } } } } });
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/endpoints"_s, endpoints), 201);
    QCOMPARE(raw("POST", u"/api/v1/namespaces/knative-eventing/endpoints"_s,
                 object(u"v1"_s, u"Endpoints"_s, Eventing, u"kafka-broker-ingress"_s)),
        201);

    // The Broker and the address Knative's MT broker controller writes into its status.
    QJsonObject broker = object(u"eventing.knative.dev/v1"_s, u"Broker"_s, Shop, u"default"_s);
    QCOMPARE(raw("POST", u"/apis/eventing.knative.dev/v1/namespaces/shop/brokers"_s, broker), 201);
    const QJsonObject brokerStatus { { u"status"_s,
        QJsonObject { { u"address"_s,
            QJsonObject {
                { u"url"_s, u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s } } } } } };
    QJsonObject live;
    QCOMPARE(raw("PATCH", u"/apis/eventing.knative.dev/v1/namespaces/shop/brokers/default/status"_s, brokerStatus,
                 "application/merge-patch+json", &live),
        200);
    const auto parsed = ManifestParser::fromJson(live, u"harness"_s);
    QVERIFY(parsed);
    m_broker = *parsed;
    QCOMPARE(m_broker.addressUrl, u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
}

void TestKubeIngressProxy::cleanupTestCase()
{
    m_admin.reset();
    m_harness.stop();
}

void TestKubeIngressProxy::publishesThroughTheProxy_data()
{
    QTest::addColumn<Mode>("mode");
    QTest::addRow("binary") << Mode::Binary;
    QTest::addRow("structured") << Mode::Structured;
}

void TestKubeIngressProxy::publishesThroughTheProxy()
{
    QFETCH(Mode, mode);
    KubeIngressTransport transport(m_admin.get());
    const QString id = u"proxy-"_s + QString::fromLatin1(QTest::currentDataTag());
    const CloudEvent event = richEvent(id);
    const DeliveryResult result = deliver(transport, transport.publish(m_broker, event, mode));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.httpStatus, 202);
    QCOMPARE(result.target, m_broker.addressUrl + u" (through the API server's service proxy)"_s);

    const auto record = m_receiver.awaitRecord(CeReceiver::withId(id));
    qDebug().noquote() << QJsonDocument(*record).toJson();
    QVERIFY2(record, "cereceiver did not receive the event");
    // The upstream request reached the pod with the broker's path, as the ingress needs it.
    QCOMPARE(record->value(u"path"_s).toString(), u"/shop/default"_s);
    QCOMPARE(record->value(u"mode"_s).toString(), mode == Mode::Binary ? u"binary"_s : u"structured"_s);
    const QJsonObject attributes = record->value(u"attributes"_s).toObject();
    // The SDK (v2.16.2) hands ce- header values back as they were on the wire, without the percent-decoding of
    // HTTP binding 3.1.3.2 (cloudevents/sdk-go#1331; see tst_httptransport): in binary mode they are decoded here.
    const auto wire = [mode](const QJsonValue& attribute) {
        const QString text = attribute.toObject().value(u"value"_s).toString();
        return mode == Mode::Binary ? CloudEventHttp::percentDecodeHeaderValue(text.toLatin1()).value_or(u"(bad)"_s)
                                    : text;
    };
    const auto value = [&attributes, &wire](const QString& name) { return wire(attributes.value(name)); };
    QCOMPARE(value(u"id"_s), event.id);
    QCOMPARE(value(u"specversion"_s), u"1.0"_s);
    QCOMPARE(value(u"source"_s), event.source);
    QCOMPARE(value(u"type"_s), event.type);
    QCOMPARE(value(u"subject"_s), event.subject);
    QCOMPARE(value(u"dataschema"_s), event.dataSchema);
    QCOMPARE(value(u"datacontenttype"_s), event.dataContentType);
    QCOMPARE(value(u"time"_s), u"2026-11-26T14:30:05.125Z"_s);
    const QJsonObject extensions = record->value(u"extensions"_s).toObject();
    QCOMPARE(extensions.keys(), (QStringList { u"exboolean"_s, u"exinteger"_s, u"exstring"_s, u"partitionkey"_s }));
    QCOMPARE(wire(extensions[u"exstring"_s]), u"Euro € 😀"_s);
    QCOMPARE(wire(extensions[u"exinteger"_s]), u"-42"_s);
    QCOMPARE(wire(extensions[u"exboolean"_s]), u"true"_s);
    QCOMPARE(wire(extensions[u"partitionkey"_s]), u"order-17"_s);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromBase64(record->value(u"data_base64"_s).toString().toLatin1())),
        QJsonDocument::fromJson(event.data));
}

void TestKubeIngressProxy::forbiddenWithoutServicesProxy()
{
    const auto limited = client(KubeHarness::User::Limited);
    QVERIFY(limited);
    KubeIngressTransport transport(limited.get());
    const qsizetype before = m_receiver.records().size();
    const DeliveryResult result = deliver(transport, transport.publish(m_broker, richEvent(u"forbidden"_s)));
    QVERIFY(!result.ok);
    QCOMPARE(result.httpStatus, 403);
    const QString expected = u"The API server does not let you publish through its service proxy: RBAC allows no "
                             u"\"create\" on \"services/proxy\" in namespace \"knative-eventing\""_s;
    QVERIFY2(result.error.startsWith(expected), qPrintable(result.error));
    QVERIFY2(result.error.contains(KubeHarness::limitedUserName()), qPrintable(result.error));
    QCOMPARE(m_receiver.records().size(), before);
}

void TestKubeIngressProxy::noReadyPods()
{
    KubeIngressTransport transport(m_admin.get());
    // Endpoints without addresses (503 from the API server), and no Endpoints at all (404).
    const QUrl notReady(u"http://kafka-broker-ingress.knative-eventing.svc.cluster.local/shop/orders"_s);
    DeliveryResult result = deliver(transport, transport.publish(notReady, richEvent(u"no-pods-1"_s)));
    QVERIFY(!result.ok);
    QCOMPARE(result.httpStatus, 503);
    QCOMPARE(result.error,
        u"The broker's ingress has no ready pods: service \"kafka-broker-ingress\" in namespace \"knative-eventing\" "
        u"has no endpoints"_s);

    const QUrl missing(u"http://orders-broker-ingress.shop.svc.cluster.local"_s);
    result = deliver(transport, transport.publish(missing, richEvent(u"no-pods-2"_s)));
    QVERIFY(!result.ok);
    QCOMPARE(result.httpStatus, 404);
    QVERIFY2(result.error.startsWith(u"The broker's ingress has no ready pods: service \"orders-broker-ingress\" in "
                                     u"namespace \"shop\" has no endpoints"_s),
        qPrintable(result.error));
}

void TestKubeIngressProxy::ingressRefusalIsTheIngresss()
{
    KubeIngressTransport transport(m_admin.get());
    const QUrl reject(u"http://broker-ingress.knative-eventing.svc.cluster.local/reject"_s);
    const DeliveryResult result = deliver(transport, transport.publish(reject, richEvent(u"reject"_s)));
    QVERIFY(!result.ok);
    QCOMPARE(result.httpStatus, 400);
    QCOMPARE(result.error,
        u"The broker's ingress answered HTTP 400 ({\"error\":\"rejected on purpose by cereceiver /reject\"})"_s);
}

// Last: the relay goes away, the Endpoints still name it.
void TestKubeIngressProxy::podUnreachable()
{
    m_relay.reset();
    KubeIngressTransport transport(m_admin.get());
    const DeliveryResult result = deliver(transport, transport.publish(m_broker, richEvent(u"unreachable"_s)));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.startsWith(u"The API server could not pass the event on to service \"broker-ingress\" in "
                                     u"namespace \"knative-eventing\""_s),
        qPrintable(result.error));
    QVERIFY2(result.error.contains(m_address.toString()), qPrintable(result.error));
}

std::unique_ptr<KubeClient> TestKubeIngressProxy::client(KubeHarness::User user)
{
    QString error;
    auto client = m_harness.client(user, Shop, &error);
    if (!client)
        qWarning("%s", qPrintable(error));
    return client;
}

int TestKubeIngressProxy::raw(const QByteArray& verb, const QString& path, const QJsonObject& body,
    const QByteArray& contentType, QJsonObject* answer)
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
    if (answer)
        *answer = QJsonDocument::fromJson(response.body).object();
    return response.httpStatus;
}

DeliveryResult TestKubeIngressProxy::deliver(KubeIngressTransport& transport, quint64 id)
{
    QSignalSpy spy(&transport, &KubeIngressTransport::delivered);
    if (!spy.wait(40'000) || spy.constFirst().at(0).toULongLong() != id)
        return { false, -1, -1, u"no delivery report"_s, {}, 0, 0, {} };
    return spy.constFirst().at(1).value<DeliveryResult>();
}

QTEST_GUILESS_MAIN(TestKubeIngressProxy)
#include "tst_kubeingressproxy.moc"
