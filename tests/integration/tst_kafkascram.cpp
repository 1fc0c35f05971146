// SPDX-License-Identifier: Apache-2.0
#include "backlogmonitor.h"
#include "kafkabulk.h"
#include "kafkaharness.h"
#include "kafkaprofile.h"
#include "meshsession.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

// SCRAM-SHA-256 and -512 profiles measure lag on Kafka 3.9.1, the newest release whose SCRAM check librdkafka
// before 2.6.1 passes (Kafka 4 refuses its doubled nonce: confluentinc/librdkafka#4895).
class TestKafkaScram : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        QCOMPARE(m_harness.version(), u"3.9.1"_s);
        QVERIFY2(KafkaBulk::createTopics(m_harness.bootstrapServers(), { { u"scram-orders"_s, 2 } }, &error),
            qPrintable(error));
        QVERIFY2(
            KafkaBulk::produce(m_harness.bootstrapServers(), { { u"scram-orders"_s, { { 0, 9 }, { 1, 4 } } } }, &error),
            qPrintable(error));
        QVERIFY2(
            KafkaBulk::commit(m_harness.bootstrapServers(),
                { { u"scram-group"_s, { { { u"scram-orders"_s, 0 }, 2 }, { { u"scram-orders"_s, 1 }, 4 } } } }, &error),
            qPrintable(error));
    }

    void measures_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<bool>("rightPassword");
        for (const QString& mechanism : { u"SCRAM-SHA-256"_s, u"SCRAM-SHA-512"_s }) {
            QTest::addRow("%s", qPrintable(mechanism)) << mechanism << true;
            QTest::addRow("%s, wrong password", qPrintable(mechanism)) << mechanism << false;
        }
    }

    void measures()
    {
        QFETCH(QString, mechanism);
        QFETCH(bool, rightPassword);
        auto broker = std::make_shared<KnativeObject>();
        broker->kind = ObjectKind::Broker;
        broker->key = { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"default"_s };
        broker->brokerClass = u"Kafka"_s;
        broker->statusAnnotations.insert(u"default.topic"_s, u"scram-orders"_s);
        auto trigger = std::make_shared<KnativeObject>();
        trigger->kind = ObjectKind::Trigger;
        trigger->key = { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };
        trigger->broker = u"default"_s;
        trigger->statusAnnotations.insert(u"group.id"_s, u"scram-group"_s);
        MeshSession session;
        session.showObjects(u"test"_s, { broker, trigger });

        KafkaProfile profile;
        profile.name = u"scram"_s;
        profile.bootstrapServers = m_harness.saslBootstrapServers();
        profile.security = KafkaProfile::Security::SaslPlaintext;
        profile.mechanism = *KafkaProfile::mechanismFromName(mechanism);
        profile.username = KafkaHarness::scramUser();
        const QString secret = rightPassword ? m_harness.scramPassword() : u"not-the-password"_s;
        QSignalSpy messages(&session, &MeshSession::statusMessage);
        session.setKafkaProfile(profile, secret);
        QSignalSpy measured(session.backlog(), &BacklogMonitor::measured);
        QTRY_VERIFY_WITH_TIMEOUT(measured.size() >= 1, 20'000);
        const auto lag = session.backlog()->lagOf(trigger->key);
        QVERIFY(lag);
        if (!rightPassword) {
            QVERIFY(!lag->error.isEmpty());
            QTRY_VERIFY_WITH_TIMEOUT(messages.size() >= 2, 10'000);
            const QString message = messages.last().first().toString();
            QVERIFY2(message.contains(u"authentication failed"_s) && message.contains(mechanism)
                    && message.contains(profile.bootstrapServers) && !message.contains(secret),
                qPrintable(message));
            return;
        }
        QVERIFY2(lag->error.isEmpty(), qPrintable(lag->error));
        QVERIFY2(session.backlog()->lastError().isEmpty(), qPrintable(session.backlog()->lastError()));
        QCOMPARE(lag->totalLag, 7);
        QCOMPARE(lag->partitions.size(), 2);
        QCOMPARE(lag->partitions[0].committed, 2);
        QCOMPARE(lag->partitions[0].endOffset, 9);
    }

private:
    KafkaHarness m_harness { u"3.9.1"_s };
};

QTEST_GUILESS_MAIN(TestKafkaScram)
#include "tst_kafkascram.moc"
