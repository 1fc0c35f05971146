// SPDX-License-Identifier: Apache-2.0
#include "backlogmonitor.h"
#include "kafkabulk.h"
#include "kafkaharness.h"
#include "kafkaprofile.h"
#include "meshsession.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Which secret a row hands over with its profile.
enum class Secret { None, PlainPassword, WrongPassword, Token, ExpiredToken, Garbage, ClientSecret };

const QString Topic = u"secure-orders"_s;
const QString Group = u"secure-group"_s;

} // namespace

Q_DECLARE_METATYPE(Secret)

// Kafka profiles over TLS and with SASL PLAIN and OAUTHBEARER, measured by the app's own path (MeshSession's lag
// monitor) against a real broker with SSL, SASL_SSL and SASL_PLAINTEXT listeners (one broker for all rows).
class TestKafkaSecurity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_harness.setTlsEnabled(true);
        m_harness.setOAuthBearerEnabled(true);
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        QVERIFY(QFile::exists(m_harness.caFile()));
        QVERIFY2(KafkaBulk::createTopics(m_harness.bootstrapServers(), { { Topic, 2 } }, &error), qPrintable(error));
        QVERIFY2(KafkaBulk::produce(m_harness.bootstrapServers(), { { Topic, { { 0, 6 }, { 1, 5 } } } }, &error),
            qPrintable(error));
        QVERIFY2(KafkaBulk::commit(
                     m_harness.bootstrapServers(), { { Group, { { { Topic, 0 }, 1 }, { { Topic, 1 }, 5 } } } }, &error),
            qPrintable(error));
    }

    void measures_data()
    {
        QTest::addColumn<QString>("listener"); // SSL, SASL_SSL, SASL_PLAINTEXT
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<bool>("harnessCa");
        QTest::addColumn<bool>("verify");
        QTest::addColumn<Secret>("secret");
        // Empty: the lag is measured. Otherwise what the message shown must say, besides where and how.
        QTest::addColumn<QStringList>("failure");

        const QStringList authentication { u"authentication failed"_s, u"check the user name and the password"_s };
        const QStringList refusedToken { u"authentication failed"_s, u"refused the token"_s, u"invalid_token"_s };
        QTest::addRow("SSL, harness CA") << u"SSL"_s << QString() << true << true << Secret::None << QStringList();
        QTest::addRow("SSL, system CAs only")
            << u"SSL"_s << QString() << false << true << Secret::None
            << QStringList { u"not trusted"_s, u"CA file"_s, u"certificate verify failed"_s };
        QTest::addRow("SSL, not verified") << u"SSL"_s << QString() << false << false << Secret::None << QStringList();
        QTest::addRow("SASL_SSL PLAIN") << u"SASL_SSL"_s << u"PLAIN"_s << true << true << Secret::PlainPassword
                                        << QStringList();
        QTest::addRow("SASL_SSL PLAIN, wrong password")
            << u"SASL_SSL"_s << u"PLAIN"_s << true << true << Secret::WrongPassword << authentication;
        QTest::addRow("SASL_SSL OAUTHBEARER, static token")
            << u"SASL_SSL"_s << u"OAUTHBEARER"_s << true << true << Secret::Token << QStringList();
        QTest::addRow("SASL_PLAINTEXT OAUTHBEARER, static token")
            << u"SASL_PLAINTEXT"_s << u"OAUTHBEARER"_s << false << true << Secret::Token << QStringList();
        QTest::addRow("SASL_PLAINTEXT OAUTHBEARER, expired token")
            << u"SASL_PLAINTEXT"_s << u"OAUTHBEARER"_s << false << true << Secret::ExpiredToken << refusedToken;
        QTest::addRow("SASL_PLAINTEXT OAUTHBEARER, not a JWS")
            << u"SASL_PLAINTEXT"_s << u"OAUTHBEARER"_s << false << true << Secret::Garbage << refusedToken;
        // Debian 12's librdkafka 2.0.2 is built without libcurl: it refuses sasl.oauthbearer.method=oidc outright.
        if (!librdkafkaSupportsOidc())
            QTest::addRow("SASL_PLAINTEXT OAUTHBEARER, token endpoint")
                << u"SASL_PLAINTEXT"_s << u"OAUTHBEARER"_s << false << true << Secret::ClientSecret
                << QStringList { u"cannot fetch tokens from a token endpoint"_s, u"static token"_s };
    }

    void measures()
    {
        QFETCH(QString, listener);
        QFETCH(QString, mechanism);
        QFETCH(bool, harnessCa);
        QFETCH(bool, verify);
        QFETCH(Secret, secret);
        QFETCH(QStringList, failure);

        auto broker = std::make_shared<KnativeObject>();
        broker->kind = ObjectKind::Broker;
        broker->key = { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"default"_s };
        broker->brokerClass = u"Kafka"_s;
        broker->statusAnnotations.insert(u"default.topic"_s, Topic);
        auto trigger = std::make_shared<KnativeObject>();
        trigger->kind = ObjectKind::Trigger;
        trigger->key = { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };
        trigger->broker = u"default"_s;
        trigger->statusAnnotations.insert(u"group.id"_s, Group);
        MeshSession session;
        session.showObjects(u"test"_s, { broker, trigger });

        KafkaProfile profile;
        profile.name = u"secure"_s;
        profile.security = *KafkaProfile::securityFromName(listener);
        profile.bootstrapServers = listener == u"SSL"_s ? m_harness.sslBootstrapServers()
            : listener == u"SASL_SSL"_s                 ? m_harness.saslSslBootstrapServers()
                                                        : m_harness.saslBootstrapServers();
        profile.caFile = harnessCa ? m_harness.caFile() : QString();
        profile.verifyTls = verify;
        if (!mechanism.isEmpty())
            profile.mechanism = *KafkaProfile::mechanismFromName(mechanism);
        QString secretText;
        switch (secret) {
        case Secret::None:
            break;
        case Secret::PlainPassword:
        case Secret::WrongPassword:
            profile.username = KafkaHarness::plainUser();
            secretText = secret == Secret::PlainPassword ? m_harness.plainPassword() : u"not-the-password"_s;
            break;
        case Secret::Token:
            secretText = KafkaHarness::unsecuredToken(u"alice"_s);
            break;
        case Secret::ExpiredToken:
            secretText = KafkaHarness::unsecuredToken(u"alice"_s, -600);
            break;
        case Secret::Garbage:
            secretText = u"not-a-jws-token"_s;
            break;
        case Secret::ClientSecret:
            profile.username = u"meshscope-client"_s;
            profile.tokenEndpoint = u"http://127.0.0.1:9/token"_s;
            secretText = u"client-secret-1234"_s;
            break;
        }
        QVERIFY2(profile.validate().isEmpty(), qPrintable(profile.validate()));

        QSignalSpy messages(&session, &MeshSession::statusMessage);
        session.setKafkaProfile(profile, secretText);
        QSignalSpy measured(session.backlog(), &BacklogMonitor::measured);
        QTRY_VERIFY_WITH_TIMEOUT(measured.size() >= 1, 30'000);
        const auto lag = session.backlog()->lagOf(trigger->key);
        QVERIFY(lag);
        if (!failure.isEmpty()) {
            QVERIFY(!lag->error.isEmpty());
            // The first message says that measuring starts; the next one is the failure.
            QTRY_VERIFY_WITH_TIMEOUT(messages.size() >= 2, 10'000);
            const QString message = messages.last().first().toString();
            qInfo("%s", qPrintable(message));
            QVERIFY2(message.contains(profile.bootstrapServers) && message.contains(listener), qPrintable(message));
            if (!mechanism.isEmpty())
                QVERIFY2(message.contains(mechanism), qPrintable(message));
            for (const QString& part : std::as_const(failure))
                QVERIFY2(
                    message.contains(part, Qt::CaseInsensitive), qPrintable(u"no \""_s % part % u"\" in "_s % message));
            if (!secretText.isEmpty())
                QVERIFY2(!message.contains(secretText), qPrintable(message));
            return;
        }
        QVERIFY2(lag->error.isEmpty(), qPrintable(lag->error));
        QVERIFY2(session.backlog()->lastError().isEmpty(), qPrintable(session.backlog()->lastError()));
        QCOMPARE(lag->totalLag, 5);
        QCOMPARE(lag->partitions.size(), 2);
        QCOMPARE(lag->partitions[0].committed, 1);
        QCOMPARE(lag->partitions[0].endOffset, 6);
        QCOMPARE(lag->partitions[1].committed, 5);
    }

private:
    KafkaHarness m_harness;
};

QTEST_GUILESS_MAIN(TestKafkaSecurity)
#include "tst_kafkasecurity.moc"
