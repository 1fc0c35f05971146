// SPDX-License-Identifier: Apache-2.0
#include "backlogmonitor.h"
#include "harnesssupport.h"
#include "kafkabulk.h"
#include "kafkaharness.h"
#include "kafkaprofile.h"
#include "meshsession.h"
#include "objectstore.h"
#include "seriesstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

using Offsets = std::map<std::pair<QString, int>, qint64>;

KnativeObjectPtr broker(const QString& ns, const QString& name, const QString& topic)
{
    auto object = std::make_shared<KnativeObject>();
    object->kind = ObjectKind::Broker;
    object->key = { u"eventing.knative.dev"_s, u"Broker"_s, ns, name };
    object->brokerClass = u"Kafka"_s;
    object->statusAnnotations.insert(u"default.topic"_s, topic);
    return object;
}

KnativeObjectPtr trigger(const QString& ns, const QString& name, const QString& brokerName, const QString& group)
{
    auto object = std::make_shared<KnativeObject>();
    object->kind = ObjectKind::Trigger;
    object->key = { u"eventing.knative.dev"_s, u"Trigger"_s, ns, name };
    object->broker = brokerName;
    object->statusAnnotations.insert(u"group.id"_s, group);
    return object;
}

ObjectKey triggerKey(const QString& name) { return { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, name }; }

} // namespace

// BacklogMonitor and MeshSession's Kafka profiles against a real Kafka 4 broker (KafkaHarness).
class TestBacklogMonitorKafka : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        QVERIFY2(KafkaBulk::createTopics(m_harness.bootstrapServers(), { { u"shop-orders"_s, 3 } }, &error),
            qPrintable(error));
        m_store.replaceOrigin(u"test"_s,
            { broker(u"shop"_s, u"default"_s, u"shop-orders"_s),
                trigger(u"shop"_s, u"all-committed"_s, u"default"_s, u"group-all"_s),
                trigger(u"shop"_s, u"caught-up"_s, u"default"_s, u"group-caught-up"_s),
                trigger(u"shop"_s, u"partial"_s, u"default"_s, u"group-partial"_s) });
    }

    // The oracle: per partition and in total, what Meshscope measures is what kafka-consumer-groups
    // --describe says for the same groups while nothing changes.
    void lagEqualsTheTool_data()
    {
        QTest::addColumn<int>("round");
        QTest::addRow("first commits") << 0;
        QTest::addRow("more records, more commits") << 1;
    }

    void lagEqualsTheTool()
    {
        QFETCH(int, round);
        const QString topic = u"shop-orders"_s;
        QString error;
        const std::map<int, int> produced = round == 0 ? std::map<int, int> { { 0, 20 }, { 1, 13 }, { 2, 7 } }
                                                       : std::map<int, int> { { 0, 5 }, { 1, 30 }, { 2, 1 } };
        QVERIFY2(KafkaBulk::produce(m_harness.bootstrapServers(), { { topic, produced } }, &error), qPrintable(error));
        const std::map<QString, Offsets> offsets = round == 0
            ? std::map<QString, Offsets> {
                  { u"group-all"_s, { { { topic, 0 }, 5 }, { { topic, 1 }, 13 }, { { topic, 2 }, 0 } } },
                  { u"group-caught-up"_s, { { { topic, 0 }, 20 }, { { topic, 1 }, 13 }, { { topic, 2 }, 7 } } },
                  { u"group-partial"_s, { { { topic, 1 }, 1 } } },
              }
            : std::map<QString, Offsets> {
                  { u"group-all"_s, { { { topic, 0 }, 24 }, { { topic, 1 }, 14 }, { { topic, 2 }, 8 } } },
                  { u"group-caught-up"_s, { { { topic, 0 }, 25 }, { { topic, 1 }, 43 }, { { topic, 2 }, 8 } } },
                  { u"group-partial"_s, { { { topic, 1 }, 40 } } },
              };
        QVERIFY2(KafkaBulk::commit(m_harness.bootstrapServers(), offsets, &error), qPrintable(error));

        if (!m_monitor) {
            m_monitor = std::make_unique<BacklogMonitor>(&m_store, &m_series,
                QMap<QString, QString> { { u"bootstrap.servers"_s, m_harness.bootstrapServers() } });
            m_monitor->setInterval(std::chrono::milliseconds(500));
            m_monitor->start();
        }
        // A measurement made entirely after the commits: snapshots that queued up while this thread was blocked
        // are delivered first; the one in progress then may have started before; the next one has not.
        QCoreApplication::processEvents();
        QSignalSpy measured(m_monitor.get(), &BacklogMonitor::measured);
        QTRY_VERIFY_WITH_TIMEOUT(measured.size() >= 2, 20'000);
        QVERIFY2(m_monitor->lastError().isEmpty(), qPrintable(m_monitor->lastError()));
        const QList<KafkaHarness::GroupOffset> rows
            = m_harness.describeGroups({ u"group-all"_s, u"group-caught-up"_s, u"group-partial"_s }, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), 7);

        for (const QString& name : { u"all-committed"_s, u"caught-up"_s, u"partial"_s }) {
            const auto lag = m_monitor->lagOf(triggerKey(name));
            QVERIFY(lag);
            QVERIFY2(lag->error.isEmpty(), qPrintable(lag->error));
            QCOMPARE(lag->partitions.size(), 3);
            qint64 toolTotal = 0;
            qint64 committedTotal = 0;
            int compared = 0;
            for (const auto& row : rows) {
                if (row.group != lag->group)
                    continue;
                const PartitionLag& partition = lag->partitions.at(row.partition);
                QCOMPARE(row.topic, topic);
                QCOMPARE(partition.committed, row.currentOffset);
                QCOMPARE(partition.endOffset, row.logEndOffset);
                QCOMPARE(partition.lag, row.lag);
                toolTotal += row.lag;
                committedTotal += partition.lag;
                ++compared;
            }
            QCOMPARE(compared, name == u"partial"_s ? 1 : 3);
            QCOMPARE(committedTotal, toolTotal);
            // The tool leaves out partitions without a commit; Meshscope counts them from the oldest record.
            if (name != u"partial"_s)
                QCOMPARE(lag->totalLag, toolTotal);
        }
        QCOMPARE(m_monitor->lagOf(triggerKey(u"caught-up"_s))->totalLag, 0);
        QCOMPARE(m_series.last(BacklogMonitor::backlogSeries(triggerKey(u"all-committed"_s))),
            double(m_monitor->lagOf(triggerKey(u"all-committed"_s))->totalLag));

        const auto health = m_monitor->healthOf(triggerKey(u"all-committed"_s));
        QVERIFY(health);
        QVERIFY(health->produceRate);
        QCOMPARE(*health->produceRate, 0.0); // nothing produced between the last two measurements
        QVERIFY(m_series.last(BacklogMonitor::consumeSeries(triggerKey(u"all-committed"_s))));
        QVERIFY(m_series.last(BacklogMonitor::timeLagSeries(triggerKey(u"all-committed"_s))));
        QCOMPARE(m_monitor->healthOf(triggerKey(u"caught-up"_s))->reason, u"caught up"_s);
    }

    // Down, the measurements fail and record nothing; back, the monitor measures again by itself.
    void brokerRestart()
    {
        QVERIFY(m_monitor);
        const QString series = BacklogMonitor::backlogSeries(triggerKey(u"all-committed"_s));
        QSignalSpy measured(m_monitor.get(), &BacklogMonitor::measured);
        QTRY_VERIFY_WITH_TIMEOUT(measured.size() >= 1, 10'000);
        QString error;
        QVERIFY2(m_harness.shutDown(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!m_monitor->lastError().isEmpty(), 30'000);
        qInfo("during the outage: %s", qPrintable(m_monitor->lastError()));
        QVERIFY2(m_monitor->lastError().contains(m_harness.bootstrapServers()), qPrintable(m_monitor->lastError()));
        const QList<QPointF> before = m_series.points(series);
        measured.clear();
        QTRY_VERIFY_WITH_TIMEOUT(measured.size() >= 2, 30'000);
        QVERIFY(!m_monitor->lastError().isEmpty());
        QCOMPARE(m_series.points(series).size(), before.size());

        QVERIFY2(m_harness.restart(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_monitor->lastError().isEmpty() && m_series.points(series).size() > before.size(), 60'000);
        const QList<QPointF> after = m_series.points(series);
        const double gapMs = after.at(before.size()).x() - before.last().x();
        qInfo("gap in the backlog series: %.1f s", gapMs / 1000);
        QVERIFY(gapMs > 2000);
        QCOMPARE(after.last().y(), before.last().y());
    }

    void profileMessages_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<bool>("rightPassword");
        QTest::addColumn<QString>("expected");
        QTest::addRow("PLAIN") << u"PLAIN"_s << true << QString();
        QTest::addRow("PLAIN, wrong password")
            << u"PLAIN"_s << false << u"authentication failed: check the user name and the password or token"_s;
        QTest::addRow("unreachable") << u"none"_s << true
                                     << u"the brokers cannot be reached: check the bootstrap servers"_s;
        // Kafka 4 refuses librdkafka 2.0.2's SCRAM: the message names the bug as a possible cause.
        if (librdkafkaHasScramBug())
            QTest::addRow("SCRAM-SHA-256 against Kafka 4") << u"SCRAM-SHA-256"_s << true << u"known SCRAM bug"_s;
    }

    // MeshSession measures from a profile; failures become messages that name the servers and the mechanism and
    // never the secret.
    void profileMessages()
    {
        QFETCH(QString, mechanism);
        QFETCH(bool, rightPassword);
        QFETCH(QString, expected);
        MeshSession session;
        session.showObjects(u"test"_s,
            { broker(u"shop"_s, u"default"_s, u"shop-orders"_s),
                trigger(u"shop"_s, u"all-committed"_s, u"default"_s, u"group-all"_s) });
        KafkaProfile profile;
        profile.name = u"test"_s;
        QString secret;
        if (mechanism == u"none"_s) {
            profile.bootstrapServers = u"127.0.0.1:"_s + QString::number(HarnessSupport::freePorts(1).value(0));
        } else {
            profile.bootstrapServers = m_harness.saslBootstrapServers();
            profile.security = KafkaProfile::Security::SaslPlaintext;
            profile.mechanism = *KafkaProfile::mechanismFromName(mechanism);
            const bool plain = mechanism == u"PLAIN"_s;
            profile.username = plain ? KafkaHarness::plainUser() : KafkaHarness::scramUser();
            secret = rightPassword ? (plain ? m_harness.plainPassword() : m_harness.scramPassword())
                                   : u"wrong-"_s + HarnessSupport::randomHex(6);
        }
        QSignalSpy messages(&session, &MeshSession::statusMessage);
        QSignalSpy connected(&session, &MeshSession::kafkaConnected);
        session.setKafkaProfile(profile, secret);
        QCOMPARE(connected.size(), 1);
        QVERIFY(session.backlog());
        QCOMPARE(session.kafkaProfile(), std::optional<KafkaProfile>(profile));
        if (expected.isEmpty()) {
            QSignalSpy measured(session.backlog(), &BacklogMonitor::measured);
            QTRY_VERIFY_WITH_TIMEOUT(measured.size() >= 1, 20'000);
            const auto lag = session.backlog()->lagOf(triggerKey(u"all-committed"_s));
            QVERIFY2(lag->error.isEmpty(), qPrintable(lag->error));
            QVERIFY2(session.backlog()->lastError().isEmpty(), qPrintable(session.backlog()->lastError()));
            QCOMPARE(lag->partitions.size(), 3);
            return;
        }
        const auto found = [&]() {
            for (const auto& message : std::as_const(messages)) {
                if (message.first().toString().contains(expected))
                    return message.first().toString();
            }
            return QString();
        };
        QTRY_VERIFY2_WITH_TIMEOUT(!found().isEmpty(),
            qPrintable(messages.isEmpty() ? QString() : messages.last().first().toString()), 30'000);
        const QString message = found();
        qInfo("%s", qPrintable(message));
        QVERIFY(message.contains(profile.bootstrapServers));
        if (mechanism != u"none"_s)
            QVERIFY(message.contains(mechanism));
        for (const auto& each : std::as_const(messages)) {
            if (!secret.isEmpty())
                QVERIFY(!each.first().toString().contains(secret));
        }
        session.clearKafkaProfile();
        QVERIFY(!session.backlog());
    }

    void cleanupTestCase() { m_monitor.reset(); }

private:
    KafkaHarness m_harness;
    ObjectStore m_store;
    SeriesStore m_series;
    std::unique_ptr<BacklogMonitor> m_monitor;
};

QTEST_GUILESS_MAIN(TestBacklogMonitorKafka)
#include "tst_backlogmonitorkafka.moc"
