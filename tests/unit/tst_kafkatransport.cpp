// SPDX-License-Identifier: Apache-2.0
#include "cloudeventcodec.h"
#include "kafkatransport.h"

#include <QSignalSpy>
#include <QTest>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

const QString topic = u"knative-broker-shop-default"_s;

HandlePtr newHandle(rd_kafka_type_t type, const QList<std::pair<const char*, QByteArray>>& config)
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [name, value] : config) {
        if (rd_kafka_conf_set(conf, name, value.constData(), error, sizeof error) != RD_KAFKA_CONF_OK) {
            qWarning("%s", error);
            rd_kafka_conf_destroy(conf);
            return {};
        }
    }
    rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof error);
    if (!handle) {
        qWarning("%s", error);
        rd_kafka_conf_destroy(conf);
    }
    return HandlePtr(handle);
}

CloudEvent sampleEvent()
{
    CloudEvent event;
    event.id = u"order-1234"_s;
    event.source = u"/shop/checkout"_s;
    event.type = u"com.example.order.created"_s;
    event.subject = u"orders/1234"_s;
    event.time = QDateTime(QDate(2024, 5, 1), QTime(12, 30, 5), Qt::UTC);
    event.dataContentType = u"application/json"_s;
    event.dataKind = CloudEvent::DataKind::Json;
    event.data = R"({"total":42})";
    event.extensions.insert(u"partitionkey"_s, u"customer-42"_s);
    event.extensions.insert(u"region"_s, u"eu-west"_s);
    return event;
}

} // namespace

class TestKafkaTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void publishAndReadBack();
    void idsAreDistinct();
    void invalidConfiguration();
    void unreachableCluster();

private:
    HandlePtr m_cluster; // the producer owning the mock cluster
    QString m_bootstrap;
};

void TestKafkaTransport::initTestCase()
{
    m_cluster = newHandle(RD_KAFKA_PRODUCER, { { "test.mock.num.brokers", "3" }, { "log_level", "3" } });
    QVERIFY(m_cluster);
    rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(m_cluster.get());
    QVERIFY(cluster);
    m_bootstrap = QString::fromUtf8(rd_kafka_mock_cluster_bootstraps(cluster));
    QCOMPARE(rd_kafka_mock_topic_create(cluster, topic.toUtf8().constData(), 3, 3), RD_KAFKA_RESP_ERR_NO_ERROR);
}

void TestKafkaTransport::cleanupTestCase() { m_cluster.reset(); }

void TestKafkaTransport::publishAndReadBack()
{
    KafkaTransport transport({ { u"bootstrap.servers"_s, m_bootstrap } });
    QSignalSpy spy(&transport, &KafkaTransport::delivered);
    const CloudEvent event = sampleEvent();
    const quint64 id = transport.publish(topic, event);
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
    QCOMPARE(spy.constFirst().at(0).value<quint64>(), id);
    const auto result = spy.constFirst().at(1).value<DeliveryResult>();
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.target, topic);
    QVERIFY(result.partition >= 0 && result.partition < 3);
    QVERIFY(result.offset >= 0);
    QVERIFY(result.latencyMs >= 0);

    // Read the record back with a plain consumer, at exactly the reported partition and offset.
    HandlePtr consumer = newHandle(RD_KAFKA_CONSUMER,
        { { "bootstrap.servers", m_bootstrap.toUtf8() }, { "group.id", "tst-kafkatransport" },
            { "enable.auto.commit", "false" }, { "log_level", "3" } });
    QVERIFY(consumer);
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(assignment, topic.toUtf8().constData(), result.partition)->offset = result.offset;
    QCOMPARE(rd_kafka_assign(consumer.get(), assignment), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(assignment);

    KafkaRecord record;
    bool received = false;
    qint64 offset = -1;
    for (int attempt = 0; attempt < 100 && !received; ++attempt) {
        rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 100);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            received = true;
            offset = message->offset;
            if (message->key)
                record.key
                    = QByteArray(static_cast<const char*>(message->key), static_cast<qsizetype>(message->key_len));
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
        }
        rd_kafka_message_destroy(message);
    }
    rd_kafka_consumer_close(consumer.get());
    QVERIFY(received);
    QCOMPARE(offset, result.offset);

    // Binary mode as the Knative Kafka broker stores events: the partitionkey is the record key.
    QCOMPARE(record.key, QByteArray("customer-42"));
    QCOMPARE(record.value, event.data);
    const auto header = [&record](const QByteArray& name) {
        for (const auto& [key, value] : std::as_const(record.headers)) {
            if (key == name)
                return value;
        }
        return QByteArray();
    };
    QCOMPARE(header("ce_specversion"), QByteArray("1.0"));
    QCOMPARE(header("ce_id"), QByteArray("order-1234"));
    QCOMPARE(header("ce_source"), QByteArray("/shop/checkout"));
    QCOMPARE(header("ce_type"), QByteArray("com.example.order.created"));
    QCOMPARE(header("ce_subject"), QByteArray("orders/1234"));
    QCOMPARE(header("ce_time"), QByteArray("2024-05-01T12:30:05Z"));
    QCOMPARE(header("ce_partitionkey"), QByteArray("customer-42"));
    QCOMPARE(header("ce_region"), QByteArray("eu-west"));
    QCOMPARE(header("content-type"), QByteArray("application/json"));
    QVERIFY(header("ce_datacontenttype").isEmpty());

    QString error;
    const auto decoded = CloudEventKafka::decode(record, &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(decoded->id, event.id);
    QCOMPARE(decoded->type, event.type);
    QCOMPARE(decoded->extensions.value(u"region"_s).toString(), u"eu-west"_s);
}

void TestKafkaTransport::idsAreDistinct()
{
    KafkaTransport transport({ { u"bootstrap.servers"_s, m_bootstrap } });
    QSignalSpy spy(&transport, &KafkaTransport::delivered);
    QSet<quint64> ids;
    CloudEvent event = sampleEvent();
    for (int i = 0; i < 20; ++i) {
        event.id = u"event-"_s % QString::number(i);
        ids.insert(transport.publish(topic, event));
    }
    QCOMPARE(ids.size(), 20);
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 20, 10000);
    QSet<quint64> reported;
    for (const auto& arguments : std::as_const(spy)) {
        reported.insert(arguments.at(0).value<quint64>());
        QVERIFY(arguments.at(1).value<DeliveryResult>().ok);
    }
    QCOMPARE(reported, ids);
}

void TestKafkaTransport::invalidConfiguration()
{
    KafkaTransport transport({ { u"bootstrap.servers"_s, m_bootstrap }, { u"no.such.property"_s, u"x"_s } });
    QSignalSpy spy(&transport, &KafkaTransport::delivered);
    const quint64 id = transport.publish(topic, sampleEvent());
    // Reported after publish() returned, never from inside it.
    QCOMPARE(spy.size(), 0);
    QTRY_COMPARE(spy.size(), 1);
    QCOMPARE(spy.constFirst().at(0).value<quint64>(), id);
    const auto result = spy.constFirst().at(1).value<DeliveryResult>();
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"no.such.property"_s), qPrintable(result.error));
}

void TestKafkaTransport::unreachableCluster()
{
    KafkaTransport transport({ { u"bootstrap.servers"_s, u"127.0.0.1:1"_s }, { u"message.timeout.ms"_s, u"1000"_s },
        { u"log_level"_s, u"0"_s } });
    QSignalSpy spy(&transport, &KafkaTransport::delivered);
    transport.publish(topic, sampleEvent());
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
    const auto result = spy.constFirst().at(1).value<DeliveryResult>();
    QVERIFY(!result.ok);
    QVERIFY(!result.error.isEmpty());
    QCOMPARE(result.offset, -1);
    QCOMPARE(result.target, topic);
}

QTEST_GUILESS_MAIN(TestKafkaTransport)
#include "tst_kafkatransport.moc"
