// SPDX-License-Identifier: Apache-2.0
#include "eventpublisher.h"
#include "kafkatransport.h"
#include "kubeingresstransport.h"
#include "localreceiver.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using Kind = PublishTarget::Kind;

namespace {

CloudEvent sampleEvent()
{
    CloudEvent event;
    event.id = u"evt-1"_s;
    event.source = u"/meshscope/test"_s;
    event.type = u"dev.meshscope.test"_s;
    event.dataContentType = u"application/json"_s;
    event.data = "{\"n\":1}";
    event.dataKind = CloudEvent::DataKind::Json;
    return event;
}

// Stands in for AmqpTransport: the same publish/cancelAll/delivered shape; answers on the next event-loop turn.
class FakeAmqp : public QObject {
    Q_OBJECT
public:
    quint64 publish(const QString& exchange, const CloudEvent& event)
    {
        const quint64 id = 100 + quint64(published.size());
        published.append({ exchange, event });
        if (answer) {
            QMetaObject::invokeMethod(
                this,
                [this, id, exchange] {
                    DeliveryResult result;
                    result.ok = true;
                    result.target = exchange;
                    Q_EMIT delivered(id, result);
                },
                Qt::QueuedConnection);
        }
        return id;
    }
    void cancelAll() { ++cancelled; }

    QList<std::pair<QString, CloudEvent>> published;
    bool answer = true;
    int cancelled = 0;

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);
};

DeliveryResult resultFor(QSignalSpy& spy, quint64 id)
{
    for (const auto& arguments : std::as_const(spy)) {
        if (arguments.at(0).toULongLong() == id)
            return arguments.at(1).value<DeliveryResult>();
    }
    return {};
}

KnativeObject broker(const QString& brokerClass, const QString& address)
{
    KnativeObject object;
    object.key = { u"eventing.knative.dev"_s, u"Broker"_s, u"ns"_s, u"default"_s };
    object.kind = ObjectKind::Broker;
    object.brokerClass = brokerClass;
    object.addressUrl = address;
    return object;
}

} // namespace

class TestEventPublisher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void http_data();
    void http();
    void failsWithReason_data();
    void failsWithReason();
    void batch_data();
    void batch();
    void amqpBackend();
    void amqpTransportDestroyed();
    void clusterAddress_data();
    void clusterAddress();
    void clusterRoute();
    void forBroker_data();
    void forBroker();
    void targetJson_data();
    void targetJson();
};

void TestEventPublisher::http_data()
{
    QTest::addColumn<HttpTransport::Mode>("mode");
    QTest::addColumn<QByteArray>("expectedHead");
    QTest::addRow("binary") << HttpTransport::Mode::Binary << QByteArray("ce-id: evt-1");
    QTest::addRow("structured") << HttpTransport::Mode::Structured
                                << QByteArray("content-type: application/cloudevents+json");
}

void TestEventPublisher::http()
{
    QFETCH(HttpTransport::Mode, mode);
    QFETCH(QByteArray, expectedHead);
    LocalReceiver receiver;
    EventPublisher publisher;
    QSignalSpy spy(&publisher, &EventPublisher::delivered);
    const auto target = PublishTarget::http(QUrl(QString::fromLatin1(receiver.url())), mode);
    const auto first = publisher.publish(target, sampleEvent());
    const auto second = publisher.publish(target, sampleEvent());
    QCOMPARE(first, 1u);
    QCOMPARE(second, 2u);
    QTRY_COMPARE(spy.count(), 2);
    const auto result = resultFor(spy, first);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.httpStatus, 202);
    QVERIFY(!result.target.isEmpty());
    QVERIFY2(receiver.lastHead().toLower().contains(expectedHead), receiver.lastHead().constData());
    QCOMPARE(publisher.pendingCount(), 0);
}

void TestEventPublisher::failsWithReason_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("withKafka");
    QTest::addColumn<bool>("invalidEvent");
    QTest::addColumn<QString>("reason");
    QTest::addRow("no kafka") << int(Kind::KafkaTopic) << u"t"_s << false << false << u"no Kafka connection"_s;
    QTest::addRow("no amqp") << int(Kind::AmqpExchange) << u"x"_s << false << false << u"no RabbitMQ"_s;
    QTest::addRow("not an http url") << int(Kind::Http) << u"ftp://x/"_s << false << false << u"http://"_s;
    QTest::addRow("no target") << int(Kind::None) << QString() << false << false << u"choose a target"_s;
    QTest::addRow("invalid event to kafka")
        << int(Kind::KafkaTopic) << u"t"_s << true << true << u"invalid event, not sent: source"_s;
    QTest::addRow("cluster address, no cluster")
        << int(Kind::Http) << u"http://broker-ingress.knative-eventing.svc.cluster.local/a/b"_s << false << false
        << u"inside a cluster"_s;
    QTest::addRow("http 500") << int(Kind::Http) << QString() << false << false << u"500"_s;
}

void TestEventPublisher::failsWithReason()
{
    QFETCH(int, kind);
    QFETCH(QString, name);
    QFETCH(bool, withKafka);
    QFETCH(bool, invalidEvent);
    QFETCH(QString, reason);
    LocalReceiver receiver(500);
    EventPublisher publisher;
    std::unique_ptr<KafkaTransport> kafka;
    if (withKafka) {
        kafka
            = std::make_unique<KafkaTransport>(QMap<QString, QString> { { u"bootstrap.servers"_s, u"127.0.0.1:1"_s } });
        publisher.setKafkaTransport(kafka.get());
    }
    PublishTarget target;
    target.kind = Kind(kind);
    target.name = name.isEmpty() && target.kind == Kind::Http ? QString::fromLatin1(receiver.url()) : name;
    auto event = sampleEvent();
    if (invalidEvent)
        event.source.clear();
    QSignalSpy spy(&publisher, &EventPublisher::delivered);
    const auto id = publisher.publish(target, event);
    QCOMPARE(spy.count(), 0); // reported after publish() returned, never inside it
    QTRY_COMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).toULongLong(), id);
    const auto result = spy.first().at(1).value<DeliveryResult>();
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(reason), qPrintable(result.error));
    QCOMPARE(publisher.pendingCount(), 0);
}

void TestEventPublisher::batch_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("withKafka");
    // Per event: the reason its report must give, empty for a delivered one; "invalid" events lose their source.
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("http, one by one") << int(Kind::Http) << false << QStringList { {}, {}, {}, {} };
    QTest::addRow("kafka without a connection")
        << int(Kind::KafkaTopic) << false << QStringList { u"no Kafka connection"_s, u"no Kafka connection"_s };
    // Valid events go to librdkafka in one call and time out there; the invalid one never reaches it.
    QTest::addRow("kafka, one invalid, cluster unreachable")
        << int(Kind::KafkaTopic) << true
        << QStringList { u"timed out"_s, u"invalid event, not sent: source"_s, u"timed out"_s, u"timed out"_s };
}

void TestEventPublisher::batch()
{
    QFETCH(int, kind);
    QFETCH(bool, withKafka);
    QFETCH(QStringList, expected);
    LocalReceiver receiver;
    EventPublisher publisher;
    std::unique_ptr<KafkaTransport> kafka;
    if (withKafka) {
        kafka = std::make_unique<KafkaTransport>(QMap<QString, QString> { { u"bootstrap.servers"_s, u"127.0.0.1:1"_s },
            { u"message.timeout.ms"_s, u"500"_s }, { u"log_level"_s, u"0"_s } });
        publisher.setKafkaTransport(kafka.get());
    }
    PublishTarget target;
    target.kind = Kind(kind);
    target.name = target.kind == Kind::Http ? QString::fromLatin1(receiver.url()) : u"t"_s;
    QList<CloudEvent> events;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        CloudEvent event = sampleEvent();
        event.id = u"batch-"_s % QString::number(i);
        if (expected.at(i).startsWith(u"invalid"))
            event.source.clear();
        events.append(event);
    }
    const quint64 earlier = publisher.publish(target, events.constFirst());
    QSignalSpy spy(&publisher, &EventPublisher::delivered);
    const quint64 first = publisher.publishBatch(target, events);
    QCOMPARE(first, earlier + 1);
    QCOMPARE(spy.count(), 0); // reported after publishBatch() returned, never inside it
    QTRY_COMPARE_WITH_TIMEOUT(publisher.pendingCount(), 0, 10000);
    QHash<quint64, DeliveryResult> results;
    for (const auto& arguments : std::as_const(spy)) {
        const quint64 id = arguments.at(0).toULongLong();
        if (id == earlier)
            continue;
        QVERIFY2(!results.contains(id), "an event was reported twice");
        results.insert(id, arguments.at(1).value<DeliveryResult>());
    }
    QCOMPARE(results.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QVERIFY(results.contains(first + quint64(i)));
        const DeliveryResult& result = results.value(first + quint64(i));
        QCOMPARE(result.ok, expected.at(i).isEmpty());
        QVERIFY2(result.error.contains(expected.at(i)), qPrintable(result.error));
    }
}

void TestEventPublisher::amqpBackend()
{
    EventPublisher publisher;
    FakeAmqp amqp;
    publisher.setAmqpTransport(&amqp);
    QVERIFY(publisher.hasAmqpTransport());
    QVERIFY(publisher.canPublish(PublishTarget::amqpExchange(u"b.ns.default"_s)));
    QSignalSpy spy(&publisher, &EventPublisher::delivered);
    const auto id = publisher.publish(PublishTarget::amqpExchange(u"b.ns.default"_s), sampleEvent());
    QTRY_COMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).toULongLong(), id);
    QVERIFY(spy.first().at(1).value<DeliveryResult>().ok);
    QCOMPARE(amqp.published.size(), 1);
    QCOMPARE(amqp.published.first().first, u"b.ns.default"_s);
    QCOMPARE(amqp.published.first().second, sampleEvent());
    publisher.cancelAll();
    QCOMPARE(amqp.cancelled, 1);
    publisher.clearAmqpTransport();
    QVERIFY(!publisher.canPublish(PublishTarget::amqpExchange(u"b.ns.default"_s)));
}

void TestEventPublisher::amqpTransportDestroyed()
{
    EventPublisher publisher;
    auto amqp = std::make_unique<FakeAmqp>();
    amqp->answer = false;
    publisher.setAmqpTransport(amqp.get());
    QSignalSpy spy(&publisher, &EventPublisher::delivered);
    publisher.publish(PublishTarget::amqpExchange(u"x"_s), sampleEvent());
    QCOMPARE(publisher.pendingCount(), 1);
    amqp.reset();
    QTRY_COMPARE(spy.count(), 1);
    QVERIFY(spy.first().at(1).value<DeliveryResult>().error.contains(u"AMQP connection closed"_s));
    QVERIFY(!publisher.hasAmqpTransport());
    QCOMPARE(publisher.pendingCount(), 0);
}

void TestEventPublisher::clusterAddress_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("inCluster");
    QTest::addRow("mt broker") << u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s << true;
    QTest::addRow("short svc") << u"http://kafka-broker-ingress.knative-eventing.svc/shop/b"_s << true;
    QTest::addRow("https svc") << u"https://rabbit-broker-ingress.shop.svc.example.org:8443/"_s << true;
    QTest::addRow("public host") << u"http://events.example.com/"_s << false;
    QTest::addRow("svc-like word") << u"http://svc.example.com/"_s << false;
    QTest::addRow("loopback") << u"http://127.0.0.1:8080/"_s << false;
    QTest::addRow("not http") << u"ftp://x.ns.svc/"_s << false;
}

void TestEventPublisher::clusterAddress()
{
    QFETCH(QString, url);
    QFETCH(bool, inCluster);
    QCOMPARE(EventPublisher::isClusterAddress(QUrl(url)), inCluster);
}

// In-cluster addresses go to the cluster transport, not to the desktop's own HTTP client.
void TestEventPublisher::clusterRoute()
{
    EventPublisher publisher;
    KubeIngressTransport cluster(nullptr);
    publisher.setClusterTransport(&cluster);
    QSignalSpy spy(&publisher, &EventPublisher::delivered);
    const auto id = publisher.publish(
        PublishTarget::http(QUrl(u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s)),
        sampleEvent());
    QTRY_COMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).toULongLong(), id);
    const auto result = spy.first().at(1).value<DeliveryResult>();
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"not connected"_s, Qt::CaseInsensitive), qPrintable(result.error));
    QCOMPARE(publisher.pendingCount(), 0);
}

void TestEventPublisher::forBroker_data()
{
    QTest::addColumn<QString>("brokerClass");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("kafkaConnected");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    const auto ingress = u"http://kafka-broker-ingress.knative-eventing.svc.cluster.local/ns/default"_s;
    QTest::addRow("kafka connected") << u"Kafka"_s << ingress << true << int(Kind::KafkaTopic)
                                     << u"knative-broker-ns-default"_s;
    QTest::addRow("kafka without connection") << u"Kafka"_s << ingress << false << int(Kind::Http) << ingress;
    QTest::addRow("mt channel based") << u"MTChannelBasedBroker"_s << u"http://broker-ingress/ns/default"_s << true
                                      << int(Kind::Http) << u"http://broker-ingress/ns/default"_s;
    QTest::addRow("no address") << u"RabbitMQBroker"_s << QString() << false << int(Kind::None) << QString();
}

void TestEventPublisher::forBroker()
{
    QFETCH(QString, brokerClass);
    QFETCH(QString, address);
    QFETCH(bool, kafkaConnected);
    QFETCH(int, kind);
    QFETCH(QString, name);
    QString problem;
    const auto object = broker(brokerClass, address);
    const auto target = PublishTarget::forBroker(object, kafkaConnected, HttpTransport::Mode::Structured, &problem);
    QCOMPARE(int(target.kind), kind);
    QCOMPARE(target.name, name);
    QCOMPARE(target.broker, object.key);
    QCOMPARE(problem.isEmpty(), target.isValid());
    QVERIFY(target.description().startsWith(u"ns/default"_s));
}

void TestEventPublisher::targetJson_data()
{
    QTest::addColumn<PublishTarget>("target");
    QTest::addRow("kafka") << PublishTarget::kafkaTopic(u"topic-a"_s);
    QTest::addRow("http structured") << PublishTarget::http(
        QUrl(u"http://127.0.0.1:8080/x"_s), HttpTransport::Mode::Structured);
    QTest::addRow("amqp") << PublishTarget::amqpExchange(u"b.ns.x"_s);
    auto fromBroker = PublishTarget::forBroker(broker(u"Kafka"_s, QString()), true, HttpTransport::Mode::Binary);
    QTest::addRow("from broker") << fromBroker;
}

void TestEventPublisher::targetJson()
{
    QFETCH(PublishTarget, target);
    QCOMPARE(PublishTarget::fromJson(target.toJson()), target);
}

QTEST_GUILESS_MAIN(TestEventPublisher)
#include "tst_eventpublisher.moc"
