// SPDX-License-Identifier: Apache-2.0
#include "kafkaharness.h"

#include "kafkaclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {

const QByteArray Topic = "orders";
const QString LagGroup = u"meshscope-lag"_s;
const QString CaughtUpGroup = u"meshscope-caught-up"_s;

using Row = KafkaHarness::GroupOffset;

Row row(const QString& group, int partition, qint64 current, qint64 end, qint64 lag)
{
    return Row { group, QString::fromLatin1(Topic), partition, current, end, lag, {} };
}

// What librdkafka said through its error callback, for the credential tests.
struct ErrorLog {
    QList<rd_kafka_resp_err_t> codes;
    QStringList messages;
};

void collectError(rd_kafka_t*, int code, const char* reason, void* opaque)
{
    auto* log = static_cast<ErrorLog*>(opaque);
    log->codes.append(rd_kafka_resp_err_t(code));
    log->messages.append(QString::fromUtf8(reason));
}

} // namespace

class TestKafkaHarness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        qInfo("harness started in %lld ms", timer.elapsed());
        QVERIFY(m_harness.isRunning());
        QCOMPARE(m_harness.processIds().size(), 1);
        QVERIFY(m_harness.bootstrapServers().startsWith(u"127.0.0.1:"_s));
        QCOMPARE(m_harness.clusterId().size(), 22);
        QVERIFY(m_harness.version().startsWith(u"4."_s));
    }

    void parsesTheToolsTables()
    {
        const QByteArray output = "\n"
                                  "Consumer group 'a' has no active members.\n"
                                  "\n"
                                  "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG     "
                                  "        CONSUMER-ID     HOST            CLIENT-ID\n"
                                  "a               orders          0          4               10              6       "
                                  "        -               -               -\n"
                                  "a               orders          2          -               7               -       "
                                  "        -               -               -\n"
                                  "\n"
                                  "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\n"
                                  "b     pay   1         3              3              0   rdkafka-1   /127.0.0.1 c\n";
        Row consumed = row(u"b"_s, 1, 3, 3, 0);
        consumed.topic = u"pay"_s;
        consumed.consumerId = u"rdkafka-1"_s;
        const QList<Row> expected { row(u"a"_s, 0, 4, 10, 6), row(u"a"_s, 2, -1, 7, -1), consumed };
        QCOMPARE(KafkaHarness::parseDescribeOutput(output), expected);
        QVERIFY(KafkaHarness::parseDescribeOutput("Error: Consumer group 'x' does not exist.\n").isEmpty());
    }

    // The oracle: kafka-consumer-groups reports the offsets committed and the lag they leave.
    void describeGroupsReportsTheLag()
    {
        QVERIFY(createTopic(Topic, 3));
        QVERIFY(produce({ { 0, 10 }, { 1, 5 } }));
        QVERIFY(commit(LagGroup, { { 0, 4 }, { 1, 5 } }));
        QVERIFY(commit(CaughtUpGroup, { { 2, 0 } }));

        QString error;
        QElapsedTimer timer;
        timer.start();
        const QList<Row> lag = m_harness.describeGroups({ LagGroup }, &error);
        qInfo("kafka-consumer-groups --describe took %lld ms", timer.elapsed());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(lag, (QList<Row> { row(LagGroup, 0, 4, 10, 6), row(LagGroup, 1, 5, 5, 0) }));

        QList<Row> all = m_harness.describeGroups({}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        std::sort(all.begin(), all.end(),
            [](const Row& a, const Row& b) { return std::tie(a.group, a.partition) < std::tie(b.group, b.partition); });
        QCOMPARE(all,
            (QList<Row> { row(CaughtUpGroup, 2, 0, 0, 0), row(LagGroup, 0, 4, 10, 6), row(LagGroup, 1, 5, 5, 0) }));

        QVERIFY(m_harness.describeGroups({ LagGroup, u"meshscope-no-such-group"_s }, &error).isEmpty());
        QVERIFY2(error.contains(u"Group meshscope-no-such-group not found"_s), qPrintable(error));
    }

    void credentials_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<bool>("rightPassword");
        for (const QString& mechanism : { u"PLAIN"_s, u"SCRAM-SHA-256"_s, u"SCRAM-SHA-512"_s }) {
            QTest::addRow("%s", qPrintable(mechanism)) << mechanism << true;
            QTest::addRow("%s wrong password", qPrintable(mechanism)) << mechanism << false;
        }
    }

    // The SASL listener knows its users; a wrong password gets librdkafka's authentication error, which names it.
    // librdkafka before 2.6.1 (Debian 12 has 2.0.2) sends a SCRAM nonce that Kafka 4 rejects as invalid
    // credentials (confluentinc/librdkafka#4895): Kafka's own Java client shows that the SCRAM users are right.
    void credentials()
    {
        QFETCH(QString, mechanism);
        QFETCH(bool, rightPassword);
        const bool plain = mechanism == u"PLAIN"_s;
        const QString user = plain ? KafkaHarness::plainUser() : KafkaHarness::scramUser();
        const QString password
            = rightPassword ? (plain ? m_harness.plainPassword() : m_harness.scramPassword()) : u"wrong"_s;
        if (!plain)
            QCOMPARE(javaClientAuthenticates(mechanism, user, password), rightPassword);
        ErrorLog errors;
        QString error;
        const KafkaClient::HandlePtr client = KafkaClient::createHandle(
            RD_KAFKA_PRODUCER,
            { { u"bootstrap.servers"_s, m_harness.saslBootstrapServers() },
                { u"security.protocol"_s, u"SASL_PLAINTEXT"_s }, { u"sasl.mechanisms"_s, mechanism },
                { u"sasl.username"_s, user }, { u"sasl.password"_s, password } },
            {},
            [&errors](rd_kafka_conf_t* conf) {
                rd_kafka_conf_set_error_cb(conf, collectError);
                rd_kafka_conf_set_opaque(conf, &errors);
            },
            &error);
        QVERIFY2(client, qPrintable(error));
        if (!rightPassword) {
            // The client connects at once; the error callback hears of the refusal without a request timing out.
            QTRY_VERIFY_WITH_TIMEOUT(
                rd_kafka_poll(client.get(), 0) >= 0 && errors.codes.contains(RD_KAFKA_RESP_ERR__AUTHENTICATION),
                10'000);
            const QString messages = errors.messages.join(u'\n');
            QVERIFY2(messages.contains(u"SASL authentication error: Authentication failed"_s), qPrintable(messages));
            return;
        }
        const struct rd_kafka_metadata* metadata = nullptr;
        const rd_kafka_resp_err_t result = rd_kafka_metadata(client.get(), 0, nullptr, &metadata, 3000);
        const KafkaClient::MetadataPtr owned(metadata);
        rd_kafka_poll(client.get(), 0);
        if (!plain && rd_kafka_version() < 0x020601ff)
            QEXPECT_FAIL("", "librdkafka < 2.6.1 cannot authenticate with SCRAM to Kafka 4", Abort);
        QVERIFY2(result == RD_KAFKA_RESP_ERR_NO_ERROR, qPrintable(errors.messages.join(u'\n')));
        QCOMPARE(owned->broker_cnt, 1);
    }

    // Down, the port refuses connections; topics, records and committed offsets survive a clean restart on it.
    void restartKeepsTheData()
    {
        const QList<qint64> before = m_harness.processIds();
        QString error;
        QVERIFY2(m_harness.shutDown(&error), qPrintable(error));
        QVERIFY(!m_harness.isRunning());
        QVERIFY(m_harness.processIds().isEmpty());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_harness.bootstrapServers().section(u':', 1).toUInt()));
        QVERIFY(!socket.waitForConnected(5000));
        QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(m_harness.restart(&error), qPrintable(error));
        qInfo("restart took %lld ms", timer.elapsed());
        QVERIFY(m_harness.isRunning());
        QVERIFY(m_harness.processIds() != before);
        QVERIFY(produce({ { 1, 2 } }));
        const QList<Row> lag = m_harness.describeGroups({ LagGroup }, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(lag, (QList<Row> { row(LagGroup, 0, 4, 10, 6), row(LagGroup, 1, 5, 7, 2) }));
    }

    void stopEndsTheProcess()
    {
        const QList<qint64> ids = m_harness.processIds();
        QCOMPARE(ids.size(), 1);
        const QString log = m_harness.logFile();
        QVERIFY(QFile::exists(log));
        m_harness.stop();
        m_harness.stop();
        QVERIFY(!m_harness.isRunning());
        QVERIFY(m_harness.processIds().isEmpty());
        errno = 0;
        QVERIFY2(::kill(pid_t(ids.first()), 0) == -1 && errno == ESRCH, qPrintable(QString::number(ids.first())));
        QVERIFY(!QFile::exists(log));
    }

private:
    // Lists the consumer groups through the SASL listener with Kafka's Java client.
    bool javaClientAuthenticates(const QString& mechanism, const QString& user, const QString& password)
    {
        QTemporaryFile properties;
        const QString text = u"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=%1\nsasl.jaas.config="
                             "org.apache.kafka.common.security.scram.ScramLoginModule required "
                             "username=\"%2\" password=\"%3\";\n"_s.arg(mechanism, user, password);
        if (!properties.open() || properties.write(text.toUtf8()) < 0 || !properties.flush())
            return false;
        QByteArray output;
        QString error;
        const bool listed = m_harness.runTool(u"org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"_s,
            { u"--bootstrap-server"_s, m_harness.saslBootstrapServers(), u"--list"_s, u"--command-config"_s,
                properties.fileName() },
            &output, &error);
        // Refused credentials leave the tool with nothing to list, which it says on stdout, exiting with 0.
        if (!listed || output.contains("Error: ")) {
            qInfo("%s", qPrintable(error + QString::fromUtf8(output).trimmed()));
            return false;
        }
        return true;
    }

    KafkaClient::HandlePtr client(rd_kafka_type_t type, const QMap<QString, QString>& extra = {})
    {
        QMap<QString, QString> config { { u"bootstrap.servers"_s, m_harness.bootstrapServers() } };
        config.insert(extra);
        QString error;
        KafkaClient::HandlePtr handle = KafkaClient::createHandle(type, config, {}, {}, &error);
        if (!handle)
            qWarning("cannot create a librdkafka client: %s", qPrintable(error));
        return handle;
    }

    bool createTopic(const QByteArray& name, int partitions)
    {
        const KafkaClient::HandlePtr admin = client(RD_KAFKA_PRODUCER);
        if (!admin)
            return false;
        char message[256];
        rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.constData(), partitions, 1, message, sizeof message);
        const KafkaClient::QueuePtr queue(rd_kafka_queue_new(admin.get()));
        rd_kafka_CreateTopics(admin.get(), &topic, 1, nullptr, queue.get());
        rd_kafka_NewTopic_destroy(topic);
        const KafkaClient::EventPtr event(rd_kafka_queue_poll(queue.get(), 30'000));
        if (!event || rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            qWarning("CreateTopics: %s", event ? rd_kafka_event_error_string(event.get()) : "no answer");
            return false;
        }
        size_t count = 0;
        const rd_kafka_topic_result_t** results
            = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
        if (count != 1 || rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            qWarning("CreateTopics %s: %s", name.constData(),
                count == 1 ? rd_kafka_topic_result_error_string(results[0]) : "no result");
            return false;
        }
        return true;
    }

    // Produces count records into each partition and waits until the broker has them all.
    bool produce(const std::map<int, int>& counts)
    {
        const KafkaClient::HandlePtr producer = client(RD_KAFKA_PRODUCER, { { u"acks"_s, u"all"_s } });
        if (!producer)
            return false;
        for (const auto& [partition, count] : counts) {
            for (int i = 0; i < count; ++i) {
                const KafkaRecord record { {}, {}, QByteArray::number(i) };
                const rd_kafka_resp_err_t error = KafkaClient::produce(producer.get(), Topic, record, partition);
                if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    qWarning("produce: %s", qPrintable(KafkaClient::errorString(error)));
                    return false;
                }
            }
        }
        const rd_kafka_resp_err_t flushed = rd_kafka_flush(producer.get(), 30'000);
        if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
            qWarning("flush: %s", qPrintable(KafkaClient::errorString(flushed)));
            return false;
        }
        return true;
    }

    // Commits offsets for group as a consumer that never joins it, as a monitoring test needs them.
    bool commit(const QString& group, const std::map<int, qint64>& offsets)
    {
        const KafkaClient::HandlePtr consumer
            = client(RD_KAFKA_CONSUMER, { { u"group.id"_s, group }, { u"enable.auto.commit"_s, u"false"_s } });
        if (!consumer)
            return false;
        const KafkaClient::PartitionListPtr list = KafkaClient::newPartitionList(int(offsets.size()));
        for (const auto& [partition, offset] : offsets)
            rd_kafka_topic_partition_list_add(list.get(), Topic.constData(), partition)->offset = offset;
        const rd_kafka_resp_err_t error = rd_kafka_commit(consumer.get(), list.get(), 0);
        if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            qWarning("commit: %s", qPrintable(KafkaClient::errorString(error)));
            return false;
        }
        rd_kafka_consumer_close(consumer.get());
        return true;
    }

    KafkaHarness m_harness;
};

QTEST_GUILESS_MAIN(TestKafkaHarness)
#include "tst_kafkaharness.moc"
