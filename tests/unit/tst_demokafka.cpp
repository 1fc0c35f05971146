// SPDX-License-Identifier: Apache-2.0
#include "cloudeventcodec.h"
#include "demokafka.h"
#include "kafkalagmonitor.h"
#include "knativekafkanaming.h"

#include <QSignalSpy>
#include <QTest>

#include <librdkafka/rdkafka.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const ObjectKey brokerKey { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"default"_s };
const ObjectKey ordersTrigger { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };
const ObjectKey paymentsTrigger { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"payments"_s };
const ObjectKey ordersService { u"serving.knative.dev"_s, u"Service"_s, u"shop"_s, u"order-processor"_s };
const ObjectKey paymentsDeployment { u"apps"_s, u"Deployment"_s, u"shop"_s, u"payment-processor"_s };

KnativeObjectPtr broker(const ObjectKey& key)
{
    auto object = std::make_shared<KnativeObject>();
    object->key = key;
    object->kind = ObjectKind::Broker;
    object->apiVersion = u"eventing.knative.dev/v1"_s;
    object->brokerClass = u"Kafka"_s;
    return object;
}

KnativeObjectPtr trigger(const ObjectKey& key, const QString& brokerName, const QString& type,
    const KReference& subscriber, const QMap<QString, QString>& annotations = {})
{
    auto object = std::make_shared<KnativeObject>();
    object->key = key;
    object->kind = ObjectKind::Trigger;
    object->apiVersion = u"eventing.knative.dev/v1"_s;
    object->broker = brokerName;
    object->hasFilter = true;
    object->filterAttributes.insert(u"type"_s, type);
    object->subscriber.ref = subscriber;
    object->annotations = annotations;
    return object;
}

KnativeObjectPtr workload(const ObjectKey& key, ObjectKind kind, const QString& apiVersion)
{
    auto object = std::make_shared<KnativeObject>();
    object->key = key;
    object->kind = kind;
    object->apiVersion = apiVersion;
    if (kind == ObjectKind::Deployment)
        object->replicas = 0;
    return object;
}

QList<KnativeObjectPtr> shop()
{
    return {
        broker(brokerKey),
        trigger(ordersTrigger, u"default"_s, u"com.example.order.created"_s,
            { u"serving.knative.dev/v1"_s, u"Service"_s, ordersService.name, {} }),
        trigger(paymentsTrigger, u"default"_s, u"com.example.payment.received"_s,
            { u"apps/v1"_s, u"Deployment"_s, paymentsDeployment.name, {} },
            { { u"autoscaling.eventing.knative.dev/lag-threshold"_s, u"20"_s },
                { u"autoscaling.eventing.knative.dev/max-scale"_s, u"3"_s } }),
        workload(ordersService, ObjectKind::KnativeService, u"serving.knative.dev/v1"_s),
        workload(paymentsDeployment, ObjectKind::Deployment, u"apps/v1"_s),
    };
}

qint64 endOffsets(const TriggerLag& lag)
{
    qint64 sum = 0;
    for (const auto& partition : lag.partitions)
        sum += std::max<qint64>(partition.endOffset, 0);
    return sum;
}

bool allCommitted(const TriggerLag& lag)
{
    return lag.partitions.size() == 3
        && std::all_of(lag.partitions.cbegin(), lag.partitions.cend(), [](const auto& p) { return p.committed >= 0; });
}

} // namespace

class TestDemoKafka : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void naming();
    void trafficBacklogAndScaling();
    void eventsMatchTriggers();
    void reconfigure();
    void stopAndRestart();
};

void TestDemoKafka::naming()
{
    DemoKafka kafka;
    QSignalSpy started(&kafka, &DemoKafka::started);
    kafka.start(shop());
    QCOMPARE(kafka.topicFor(brokerKey), u"knative-broker-shop-default"_s);
    QCOMPARE(kafka.groupFor(ordersTrigger), u"knative-trigger-shop-orders"_s);
    QCOMPARE(kafka.groupFor(paymentsTrigger), u"knative-trigger-shop-payments"_s);
    QVERIFY(kafka.topicFor(ordersTrigger).isEmpty());
    QVERIFY(kafka.bootstrapServers().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10000);
    QCOMPARE(kafka.bootstrapServers(), started.constFirst().constFirst().toString());
    QVERIFY(kafka.bootstrapServers().startsWith(u"127.0.0.1:"_s));
}

void TestDemoKafka::trafficBacklogAndScaling()
{
    DemoKafka kafka;
    QSignalSpy started(&kafka, &DemoKafka::started);
    QSignalSpy errors(&kafka, &DemoKafka::error);
    QHash<ObjectKey, ScaleSample> scale;
    connect(&kafka, &DemoKafka::scaleChanged, this, [&scale](const QList<ScaleSample>& samples) {
        for (const auto& sample : samples)
            scale.insert(sample.subscriber, sample);
    });
    kafka.start(shop());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10000);

    // The backlog is measured from Kafka, as the console does it.
    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, kafka.bootstrapServers() } });
    monitor.setTargets({ { ordersTrigger, kafka.topicFor(brokerKey), kafka.groupFor(ordersTrigger) },
        { paymentsTrigger, kafka.topicFor(brokerKey), kafka.groupFor(paymentsTrigger) } });
    monitor.setInterval(250ms);
    LagSnapshot last;
    connect(&monitor, &KafkaLagMonitor::snapshot, this, [&last](const LagSnapshot& snapshot) { last = snapshot; });
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(
        last.triggers.size() == 2 && endOffsets(last.triggers[0]) > 0 && endOffsets(last.triggers[1]) > 0, 10000);
    QVERIFY2(last.error.isEmpty(), qPrintable(last.error));
    // Both simulated consumer groups commit their progress to Kafka.
    QTRY_VERIFY_WITH_TIMEOUT(allCommitted(last.triggers[0]) && allCommitted(last.triggers[1]), 10000);

    // Backlog builds up, so the autoscaler brings the subscribers up from zero.
    QTRY_VERIFY_WITH_TIMEOUT(scale.value(ordersService).actual > 0, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(scale.value(paymentsDeployment).actual > 0, 15000);
    for (const auto& sample : std::as_const(scale)) {
        QVERIFY(sample.desired >= 0);
        QVERIFY(sample.actual >= 0);
    }
    QVERIFY(scale.value(paymentsDeployment).desired <= 3);
    QVERIFY(scale.value(paymentsDeployment).actual <= 3);
    QCOMPARE(errors.size(), 0);
}

void TestDemoKafka::eventsMatchTriggers()
{
    DemoKafka kafka;
    QSignalSpy started(&kafka, &DemoKafka::started);
    kafka.start(shop());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10000);

    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", kafka.bootstrapServers().toUtf8().constData(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", "tst-demokafka", error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    QVERIFY2(consumer, error);
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(3);
    for (int partition = 0; partition < 3; ++partition)
        rd_kafka_topic_partition_list_add(assignment, kafka.topicFor(brokerKey).toUtf8().constData(), partition)->offset
            = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(consumer, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);

    QSet<QString> types;
    int decoded = 0;
    QString failure;
    for (int attempt = 0; attempt < 200 && decoded < 40 && failure.isEmpty(); ++attempt) {
        rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 100);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            KafkaRecord record;
            record.key = QByteArray(static_cast<const char*>(message->key), static_cast<qsizetype>(message->key_len));
            record.value = QByteArray(static_cast<const char*>(message->payload), static_cast<qsizetype>(message->len));
            rd_kafka_headers_t* headers = nullptr;
            if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const char* name = nullptr;
                const void* value = nullptr;
                size_t size = 0;
                for (size_t i = 0;
                     rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
                    record.headers.append({ QByteArray(name),
                        QByteArray(static_cast<const char*>(value), static_cast<qsizetype>(size)) });
            }
            QString decodeError;
            if (const auto event = CloudEventKafka::decode(record, &decodeError)) {
                ++decoded;
                types.insert(event->type);
                if (record.key != event->attribute(u"partitionkey"_s).value_or(QString()).toUtf8())
                    failure = u"record key is not the partitionkey"_s;
            } else {
                failure = decodeError;
            }
        }
        rd_kafka_message_destroy(message);
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);

    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY(decoded >= 40);
    const QSet<QString> expected { u"com.example.order.created"_s, u"com.example.payment.received"_s,
        u"dev.meshscope.demo.noise"_s };
    QVERIFY(types.contains(u"com.example.order.created"_s));
    QVERIFY(types.contains(u"com.example.payment.received"_s));
    QVERIFY2(expected.contains(types), qPrintable(QStringList(types.cbegin(), types.cend()).join(u", ")));
}

void TestDemoKafka::reconfigure()
{
    DemoKafka kafka;
    QSignalSpy started(&kafka, &DemoKafka::started);
    kafka.start(shop());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10000);

    // A new broker with a topic already named by the controller, and a trigger with a pre-1.10 group id.
    const ObjectKey auditBroker { u"eventing.knative.dev"_s, u"Broker"_s, u"audit"_s, u"events"_s };
    auto withTopic = std::make_shared<KnativeObject>(*broker(auditBroker));
    withTopic->statusAnnotations.insert(u"default.topic"_s, u"audit-topic"_s);
    const ObjectKey auditTrigger { u"eventing.knative.dev"_s, u"Trigger"_s, u"audit"_s, u"all"_s };
    auto withGroup = std::make_shared<KnativeObject>(*trigger(auditTrigger, u"events"_s, u"com.example.audit"_s, {}));
    withGroup->statusAnnotations.insert(u"group.id"_s, u"6f1c6d0e-uid"_s);
    auto objects = shop();
    objects.append(withTopic);
    objects.append(withGroup);
    kafka.start(objects);
    QCOMPARE(kafka.topicFor(auditBroker), u"audit-topic"_s);
    QCOMPARE(kafka.groupFor(auditTrigger), u"6f1c6d0e-uid"_s);
    QCOMPARE(started.size(), 1); // the same cluster, reconfigured

    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, kafka.bootstrapServers() } });
    monitor.setTargets({ { auditTrigger, u"audit-topic"_s, u"6f1c6d0e-uid"_s } });
    monitor.setInterval(250ms);
    LagSnapshot last;
    connect(&monitor, &KafkaLagMonitor::snapshot, this, [&last](const LagSnapshot& snapshot) { last = snapshot; });
    monitor.start();
    // A trigger without an autoscaled subscriber still consumes, at a fixed size.
    QTRY_VERIFY_WITH_TIMEOUT(
        last.triggers.size() == 1 && endOffsets(last.triggers[0]) > 0 && allCommitted(last.triggers[0]), 10000);
}

void TestDemoKafka::stopAndRestart()
{
    DemoKafka kafka;
    QSignalSpy started(&kafka, &DemoKafka::started);
    kafka.start(shop());
    QVERIFY(kafka.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10000);
    const QString first = kafka.bootstrapServers();
    kafka.stop();
    QVERIFY(!kafka.isRunning());
    QVERIFY(kafka.bootstrapServers().isEmpty());
    kafka.start(shop());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 2, 10000);
    QVERIFY(!kafka.bootstrapServers().isEmpty());
    // Destroyed while running: the destructor stops and joins the worker.
}

QTEST_GUILESS_MAIN(TestDemoKafka)
#include "tst_demokafka.moc"
