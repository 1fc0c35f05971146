// SPDX-License-Identifier: Apache-2.0
#include "kafkaclient.h"
#include "kafkalagmonitor.h"

#include <QSignalSpy>
#include <QTest>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

const QString topic = u"knative-broker-demo-default"_s;
const QList<int> recordsPerPartition { 10, 20, 30 };
const QList<qint64> committedOffsets { 4, 15, 30 };

} // namespace

class TestKafkaLagMonitor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void lag_data();
    void lag();
    void followsNewRecords();
    void quietGroupStillSeesCommits();
    void unreachable();
    void invalidConfiguration();
    void stopEndsSnapshots();
    void restartsAndGoesWithoutJoiningItsWorkers();

private:
    // The mock cluster lives as long as the producer that created it.
    HandlePtr m_producer;
    QString m_bootstrap;

    void produce(int partition, int count);
    void commit(const QString& group, const QList<qint64>& offsets);
};

void TestKafkaLagMonitor::initTestCase()
{
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    QCOMPARE(rd_kafka_conf_set(conf, "test.mock.num.brokers", "3", error, sizeof error), RD_KAFKA_CONF_OK);
    QCOMPARE(rd_kafka_conf_set(conf, "enable.idempotence", "true", error, sizeof error), RD_KAFKA_CONF_OK);
    QCOMPARE(rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error), RD_KAFKA_CONF_OK);
    m_producer.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
    QVERIFY2(m_producer, error);
    rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(m_producer.get());
    QVERIFY(cluster);
    m_bootstrap = QString::fromUtf8(rd_kafka_mock_cluster_bootstraps(cluster));
    QCOMPARE(rd_kafka_mock_topic_create(cluster, topic.toUtf8().constData(), 3, 3), RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int partition = 0; partition < recordsPerPartition.size(); ++partition)
        produce(partition, recordsPerPartition[partition]);
    commit(u"knative-trigger-demo-committed"_s, committedOffsets);
}

void TestKafkaLagMonitor::produce(int partition, int count)
{
    for (int i = 0; i < count; ++i) {
        const QByteArray value = "record " + QByteArray::number(i);
        QCOMPARE(KafkaClient::produce(m_producer.get(), topic.toUtf8(), KafkaRecord { {}, {}, value }, partition),
            RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    QCOMPARE(rd_kafka_flush(m_producer.get(), 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
}

void TestKafkaLagMonitor::commit(const QString& group, const QList<qint64>& offsets)
{
    rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(3);
    for (int partition = 0; partition < offsets.size(); ++partition)
        rd_kafka_topic_partition_list_add(partitions, topic.toUtf8().constData(), partition)->offset
            = offsets[partition];
    rd_kafka_AlterConsumerGroupOffsets_t* alter
        = rd_kafka_AlterConsumerGroupOffsets_new(group.toUtf8().constData(), partitions);
    rd_kafka_topic_partition_list_destroy(partitions);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(m_producer.get());
    rd_kafka_AlterConsumerGroupOffsets(m_producer.get(), &alter, 1, nullptr, queue);
    rd_kafka_AlterConsumerGroupOffsets_destroy(alter);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 5000);
    const bool ok = event && rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (event)
        rd_kafka_event_destroy(event);
    rd_kafka_queue_destroy(queue);
    QVERIFY(ok);
}

void TestKafkaLagMonitor::lag_data()
{
    QTest::addColumn<QString>("group");
    QTest::addColumn<QList<qint64>>("committed");
    QTest::addColumn<QList<qint64>>("lags");

    // Lag = end offset - committed offset.
    QTest::addRow("committed") << u"knative-trigger-demo-committed"_s << committedOffsets << QList<qint64> { 6, 5, 0 };
    // Nothing committed: every retained record is ahead of the group (end offset - low watermark).
    QTest::addRow("nothing committed") << u"knative-trigger-demo-new"_s << QList<qint64> { -1, -1, -1 }
                                       << QList<qint64> { 10, 20, 30 };
}

void TestKafkaLagMonitor::lag()
{
    QFETCH(QString, group);
    QFETCH(QList<qint64>, committed);
    QFETCH(QList<qint64>, lags);

    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, m_bootstrap } });
    const ObjectKey trigger { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, group };
    monitor.setTargets({ { trigger, topic, group } });
    monitor.setInterval(200ms);
    LagSnapshot last;
    connect(&monitor, &KafkaLagMonitor::snapshot, this, [&last](const LagSnapshot& snapshot) { last = snapshot; });
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(last.timestampMs > 0, 10000);

    QVERIFY2(last.error.isEmpty(), qPrintable(last.error));
    QCOMPARE(last.triggers.size(), 1);
    const TriggerLag& lag = last.triggers.constFirst();
    QVERIFY2(lag.error.isEmpty(), qPrintable(lag.error));
    QCOMPARE(lag.trigger, trigger);
    QCOMPARE(lag.topic, topic);
    QCOMPARE(lag.group, group);
    QCOMPARE(lag.partitions.size(), 3);
    qint64 total = 0;
    for (int partition = 0; partition < 3; ++partition) {
        const PartitionLag& p = lag.partitions[partition];
        QCOMPARE(p.partition, partition);
        QCOMPARE(p.endOffset, qint64(recordsPerPartition[partition]));
        QCOMPARE(p.committed, committed[partition]);
        QCOMPARE(p.lag, lags[partition]);
        total += lags[partition];
    }
    QCOMPARE(lag.totalLag, total);
}

void TestKafkaLagMonitor::followsNewRecords()
{
    const QString group = u"knative-trigger-demo-follow"_s;
    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, m_bootstrap } });
    monitor.setTargets({ { { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, u"follow"_s }, topic, group } });
    monitor.setInterval(200ms);
    LagSnapshot last;
    connect(&monitor, &KafkaLagMonitor::snapshot, this, [&last](const LagSnapshot& snapshot) { last = snapshot; });
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(last.timestampMs > 0, 10000);
    QCOMPARE(last.triggers.constFirst().totalLag, 60);

    commit(group, { 10, 20, 30 });
    QTRY_COMPARE_WITH_TIMEOUT(last.triggers.constFirst().totalLag, 0, 10000);
    produce(1, 7);
    QTRY_COMPARE_WITH_TIMEOUT(last.triggers.constFirst().totalLag, 7, 10000);
    QCOMPARE(last.triggers.constFirst().partitions[1].lag, 7);
    QCOMPARE(last.triggers.constFirst().partitions[1].endOffset, 27);
}

// A group that stopped moving is asked less often; a commit without new records still shows within a few refreshes.
void TestKafkaLagMonitor::quietGroupStillSeesCommits()
{
    const QString group = u"knative-trigger-demo-quiet"_s;
    commit(group, { 0, 0, 0 });
    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, m_bootstrap } });
    monitor.setTargets({ { { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, u"quiet"_s }, topic, group } });
    monitor.setInterval(200ms);
    QList<qint64> totals;
    connect(&monitor, &KafkaLagMonitor::snapshot, this,
        [&totals](const LagSnapshot& snapshot) { totals.append(snapshot.triggers.constFirst().totalLag); });
    monitor.start();
    // Long enough to be quiet: every refresh gave the same lag.
    QTRY_VERIFY_WITH_TIMEOUT(totals.size() >= 6, 10000);
    const qint64 before = totals.constLast();
    QVERIFY(before > 0);
    QVERIFY(std::all_of(totals.cbegin(), totals.cend(), [before](qint64 total) { return total == before; }));

    const auto seen = totals.size();
    commit(group, { 1, 1, 1 });
    QTRY_COMPARE_WITH_TIMEOUT(totals.constLast(), before - 3, 10000);
    QVERIFY2(totals.size() - seen <= 4, "seen within quietEvery refreshes (plus the one in flight)");
}

void TestKafkaLagMonitor::unreachable()
{
    // Port 1 on loopback: nothing listens there, so every connection is refused.
    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, u"127.0.0.1:1"_s } });
    monitor.setTargets({ { { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, u"t"_s }, topic, u"g"_s } });
    monitor.setInterval(200ms);
    QSignalSpy spy(&monitor, &KafkaLagMonitor::snapshot);
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(spy.size() >= 2, 15000);
    const auto snapshot = spy.last().constFirst().value<LagSnapshot>();
    QVERIFY(!snapshot.error.isEmpty());
    QVERIFY2(snapshot.error.contains(u"127.0.0.1:1"_s), qPrintable(snapshot.error));
    QCOMPARE(snapshot.triggers.size(), 1);
    QCOMPARE(snapshot.triggers.constFirst().totalLag, 0);
}

void TestKafkaLagMonitor::invalidConfiguration()
{
    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, m_bootstrap }, { u"no.such.property"_s, u"1"_s } });
    monitor.setTargets({ { { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, u"t"_s }, topic, u"g"_s } });
    QSignalSpy spy(&monitor, &KafkaLagMonitor::snapshot);
    monitor.start();
    QTRY_COMPARE(spy.size(), 1);
    const auto snapshot = spy.constFirst().constFirst().value<LagSnapshot>();
    QVERIFY2(snapshot.error.contains(u"no.such.property"_s), qPrintable(snapshot.error));
}

void TestKafkaLagMonitor::stopEndsSnapshots()
{
    KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, m_bootstrap } });
    monitor.setTargets({ { { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, u"t"_s }, topic, u"g"_s } });
    monitor.setInterval(50ms);
    QSignalSpy spy(&monitor, &KafkaLagMonitor::snapshot);
    monitor.start();
    QVERIFY(monitor.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(spy.size() >= 2, 10000);
    monitor.stop();
    QVERIFY(!monitor.isRunning());
    const auto seen = spy.size();
    // Queued snapshots that stop() overtook are dropped, not delivered.
    QCoreApplication::processEvents();
    QCOMPARE(spy.size(), seen);
    // And it can start again.
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(spy.size() > seen, 10000);
}

// Neither start() after stop() nor the destructor waits on this thread for a worker still in a refresh: the workers
// end on their own, and what they find after their monitor went is dropped (the ASan run checks that they touch
// nothing of it).
void TestKafkaLagMonitor::restartsAndGoesWithoutJoiningItsWorkers()
{
    rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(m_producer.get());
    const auto setRtt = [cluster](int ms) {
        for (int broker = 1; broker <= 3; ++broker)
            QCOMPARE(rd_kafka_mock_broker_set_rtt(cluster, broker, ms), RD_KAFKA_RESP_ERR_NO_ERROR);
    };
    // Every answer takes 300 ms: refreshes are in flight when the monitor restarts and when it goes.
    setRtt(300);
    auto monitor
        = std::make_unique<KafkaLagMonitor>(QMap<QString, QString> { { u"bootstrap.servers"_s, m_bootstrap } });
    monitor->setTargets({ { { u"eventing.knative.dev"_s, u"Trigger"_s, u"demo"_s, u"t"_s }, topic, u"g"_s } });
    monitor->setInterval(50ms);
    QSignalSpy spy(monitor.get(), &KafkaLagMonitor::snapshot);
    for (int i = 0; i < 20; ++i) {
        monitor->start();
        monitor->stop();
    }
    QCOMPARE(spy.size(), 0);
    monitor->start();
    QTRY_VERIFY_WITH_TIMEOUT(spy.size() >= 1, 20000);
    monitor.reset();
    setRtt(0);
}

QTEST_GUILESS_MAIN(TestKafkaLagMonitor)
#include "tst_kafkalagmonitor.moc"
