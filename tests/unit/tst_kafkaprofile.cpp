// SPDX-License-Identifier: Apache-2.0
#include "kafkaprofile.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

using Config = QMap<QString, QString>;

namespace {

KafkaProfile profile(
    KafkaProfile::Security security, KafkaProfile::Mechanism mechanism = KafkaProfile::Mechanism::Plain)
{
    KafkaProfile result;
    result.name = u"prod"_s;
    result.bootstrapServers = u"kafka-0.example:9093,kafka-1.example:9093"_s;
    result.security = security;
    result.mechanism = mechanism;
    result.username = u"alice"_s;
    return result;
}

} // namespace

class TestKafkaProfile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void kafkaConfig_data()
    {
        QTest::addColumn<KafkaProfile>("profile");
        QTest::addColumn<Config>("expected");
        using S = KafkaProfile::Security;
        using M = KafkaProfile::Mechanism;
        const QString servers = u"kafka-0.example:9093,kafka-1.example:9093"_s;

        QTest::addRow("PLAINTEXT") << profile(
            S::Plaintext) << Config { { u"bootstrap.servers"_s, servers }, { u"security.protocol"_s, u"PLAINTEXT"_s } };
        KafkaProfile tls = profile(S::Ssl);
        tls.caFile = u"/etc/kafka/ca.pem"_s;
        QTest::addRow("SSL with a CA") << tls
                                       << Config { { u"bootstrap.servers"_s, servers },
                                              { u"security.protocol"_s, u"SSL"_s },
                                              { u"ssl.ca.location"_s, u"/etc/kafka/ca.pem"_s },
                                              { u"enable.ssl.certificate.verification"_s, u"true"_s },
                                              { u"ssl.endpoint.identification.algorithm"_s, u"https"_s } };
        KafkaProfile unverified = profile(S::Ssl);
        unverified.verifyTls = false;
        QTest::addRow("SSL unverified") << unverified
                                        << Config { { u"bootstrap.servers"_s, servers },
                                               { u"security.protocol"_s, u"SSL"_s },
                                               { u"enable.ssl.certificate.verification"_s, u"false"_s },
                                               { u"ssl.endpoint.identification.algorithm"_s, u"none"_s } };
        QTest::addRow("SASL_PLAINTEXT PLAIN")
            << profile(S::SaslPlaintext, M::Plain)
            << Config { { u"bootstrap.servers"_s, servers }, { u"security.protocol"_s, u"SASL_PLAINTEXT"_s },
                   { u"sasl.mechanisms"_s, u"PLAIN"_s }, { u"sasl.username"_s, u"alice"_s },
                   { u"sasl.password"_s, u"s3cret"_s } };
        QTest::addRow("SASL_SSL SCRAM-SHA-512")
            << profile(S::SaslSsl, M::ScramSha512)
            << Config { { u"bootstrap.servers"_s, servers }, { u"security.protocol"_s, u"SASL_SSL"_s },
                   { u"enable.ssl.certificate.verification"_s, u"true"_s },
                   { u"ssl.endpoint.identification.algorithm"_s, u"https"_s },
                   { u"sasl.mechanisms"_s, u"SCRAM-SHA-512"_s }, { u"sasl.username"_s, u"alice"_s },
                   { u"sasl.password"_s, u"s3cret"_s } };
        KafkaProfile oidc = profile(S::SaslSsl, M::OAuthBearer);
        oidc.tokenEndpoint = u"https://idp.example/token"_s;
        oidc.scope = u"kafka"_s;
        QTest::addRow("OAUTHBEARER OIDC")
            << oidc
            << Config { { u"bootstrap.servers"_s, servers }, { u"security.protocol"_s, u"SASL_SSL"_s },
                   { u"enable.ssl.certificate.verification"_s, u"true"_s },
                   { u"ssl.endpoint.identification.algorithm"_s, u"https"_s },
                   { u"sasl.mechanisms"_s, u"OAUTHBEARER"_s }, { u"sasl.oauthbearer.method"_s, u"oidc"_s },
                   { u"sasl.oauthbearer.token.endpoint.url"_s, u"https://idp.example/token"_s },
                   { u"sasl.oauthbearer.client.id"_s, u"alice"_s },
                   { u"sasl.oauthbearer.client.secret"_s, u"s3cret"_s }, { u"sasl.oauthbearer.scope"_s, u"kafka"_s } };
        QTest::addRow("OAUTHBEARER static token")
            << profile(S::SaslPlaintext, M::OAuthBearer)
            << Config { { u"bootstrap.servers"_s, servers }, { u"security.protocol"_s, u"SASL_PLAINTEXT"_s },
                   { u"sasl.mechanisms"_s, u"OAUTHBEARER"_s }, { QString(KafkaProfile::staticTokenKey), u"s3cret"_s } };
    }

    void kafkaConfig()
    {
        QFETCH(KafkaProfile, profile);
        QFETCH(Config, expected);
        QCOMPARE(profile.toKafkaConfig(u"s3cret"_s), expected);
        QCOMPARE(profile.validate(), QString());
    }

    // The JSON a settings file keeps has everything but the secret, and reads back to the same profile.
    void jsonRoundTrip_data() { kafkaConfig_data(); }

    void jsonRoundTrip()
    {
        QFETCH(KafkaProfile, profile);
        const QJsonObject json = profile.toJson();
        QVERIFY(!QJsonDocument(json).toJson().contains("s3cret"));
        QString error;
        const auto read = KafkaProfile::fromJson(json, &error);
        QVERIFY2(read, qPrintable(error));
        QCOMPARE(read->toKafkaConfig(u"s3cret"_s), profile.toKafkaConfig(u"s3cret"_s));
        QCOMPARE(read->describe(), profile.describe());
    }

    void fromJsonErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::addRow("no name") << QByteArray(R"({"bootstrapServers": "a:1"})") << u"a Kafka profile without a name"_s;
        QTest::addRow("protocol") << QByteArray(R"({"name": "x", "securityProtocol": "TLS"})")
                                  << u"unknown security protocol \"TLS\""_s;
        QTest::addRow("mechanism") << QByteArray(R"({"name": "x", "saslMechanism": "GSSAPI"})")
                                   << u"unknown SASL mechanism \"GSSAPI\""_s;
    }

    void fromJsonErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!KafkaProfile::fromJson(QJsonDocument::fromJson(json).object(), &message));
        QCOMPARE(message, error);
    }

    void defaults()
    {
        QString error;
        const auto read = KafkaProfile::fromJson(QJsonDocument::fromJson(R"({"name": "x"})").object(), &error);
        QVERIFY(read);
        QCOMPARE(read->security, KafkaProfile::Security::Plaintext);
        QVERIFY(read->verifyTls);
        QVERIFY(!read->needsSecret());
        QCOMPARE(read->secretKey(), u"kafka/x"_s);
    }

    void validate_data()
    {
        QTest::addColumn<KafkaProfile>("profile");
        QTest::addColumn<QString>("problem");
        KafkaProfile noServers = profile(KafkaProfile::Security::Plaintext);
        noServers.bootstrapServers.clear();
        QTest::addRow("no servers") << noServers << u"Enter the bootstrap servers (host:port, separated by commas)"_s;
        KafkaProfile noPort = profile(KafkaProfile::Security::Plaintext);
        noPort.bootstrapServers = u"kafka:9092, kafka-1"_s;
        QTest::addRow("no port") << noPort << u"\"kafka-1\" is not host:port"_s;
        KafkaProfile noUser = profile(KafkaProfile::Security::SaslSsl, KafkaProfile::Mechanism::ScramSha256);
        noUser.username.clear();
        QTest::addRow("SCRAM without user") << noUser << u"SCRAM-SHA-256 needs a user name"_s;
        KafkaProfile noName = profile(KafkaProfile::Security::Plaintext);
        noName.name = u" "_s;
        QTest::addRow("no name") << noName << u"The profile has no name"_s;
    }

    void validate()
    {
        QFETCH(KafkaProfile, profile);
        QFETCH(QString, problem);
        QCOMPARE(profile.validate(), problem);
    }

    void explainError_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("expected");
        const QString where = u"Kafka at kafka-0.example:9093,kafka-1.example:9093 (SASL_SSL, %1, user alice): "_s;
        QTest::addRow("wrong password")
            << u"PLAIN"_s << u"SASL authentication error: Authentication failed: Invalid username or password"_s
            << where.arg(u"PLAIN"_s)
                + u"authentication failed: check the user name and the password or token (SASL authentication "
                  "error: Authentication failed: Invalid username or password)"_s;
        QTest::addRow("unreachable") << u"PLAIN"_s << u"Local: Broker transport failure (1/1 brokers are down)"_s
                                     << where.arg(u"PLAIN"_s)
                + u"the brokers cannot be reached: check the bootstrap servers and that the cluster is up (Local: "
                  "Broker transport failure (1/1 brokers are down))"_s;
        QTest::addRow("TLS") << u"PLAIN"_s << u"SSL handshake failed: unexpected eof while reading"_s
                             << where.arg(u"PLAIN"_s)
                + u"the TLS handshake failed: check the CA file and the broker's certificate (SSL handshake failed: "
                  "unexpected eof while reading)"_s;
        QTest::addRow("certificate not trusted") << u"PLAIN"_s << u"SSL handshake failed: certificate verify failed"_s
                                                 << where.arg(u"PLAIN"_s)
                + u"the brokers' certificate is not trusted: none of the system's CAs signed it; enter the CA file of "
                  "the brokers' certificates (SSL handshake failed: certificate verify failed)"_s;
        QTest::addRow("other") << u"PLAIN"_s << u"topic does not exist"_s
                               << where.arg(u"PLAIN"_s) + u"topic does not exist"_s;
    }

    void explainError()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, error);
        QFETCH(QString, expected);
        KafkaProfile p = profile(KafkaProfile::Security::SaslSsl, *KafkaProfile::mechanismFromName(mechanism));
        QCOMPARE(p.explainError(error), expected);
        QCOMPARE(p.explainError(QString()), QString());
    }

    // An untrusted certificate with a CA file, a refused token, and a token endpoint this build cannot use.
    void explainErrorDetails()
    {
        KafkaProfile tls = profile(KafkaProfile::Security::Ssl);
        tls.caFile = u"/etc/kafka/ca.pem"_s;
        const QString untrusted = tls.explainError(u"SSL handshake failed: certificate verify failed"_s);
        QVERIFY2(untrusted.contains(u"the CA file /etc/kafka/ca.pem does not hold the CA that signed it"_s),
            qPrintable(untrusted));
        KafkaProfile token = profile(KafkaProfile::Security::SaslSsl, KafkaProfile::Mechanism::OAuthBearer);
        token.username.clear();
        const QString refused = token.explainError(u"SASL authentication error: {\"status\":\"invalid_token\"}"_s);
        QVERIFY2(refused.contains(u"authentication failed: the brokers refused the token"_s), qPrintable(refused));
        KafkaProfile oidc = profile(KafkaProfile::Security::SaslSsl, KafkaProfile::Mechanism::OAuthBearer);
        oidc.tokenEndpoint = u"https://idp.example/token"_s;
        const QString message = oidc.explainError(u"Invalid Kafka client configuration: not supported in this build"_s);
        QCOMPARE(message.contains(u"cannot fetch tokens from a token endpoint"_s), !librdkafkaSupportsOidc());
    }

    void scramHint()
    {
        const KafkaProfile p = profile(KafkaProfile::Security::SaslSsl, KafkaProfile::Mechanism::ScramSha256);
        const QString message = p.explainError(u"SASL authentication error: Authentication failed during "
                                               "authentication due to invalid credentials"_s);
        QCOMPARE(message.contains(u"known SCRAM bug of librdkafka before 2.6.1"_s), librdkafkaHasScramBug());
    }

    void names()
    {
        for (const auto security : { KafkaProfile::Security::Plaintext, KafkaProfile::Security::Ssl,
                 KafkaProfile::Security::SaslPlaintext, KafkaProfile::Security::SaslSsl })
            QCOMPARE(KafkaProfile::securityFromName(KafkaProfile::securityName(security)), security);
        for (const auto mechanism : { KafkaProfile::Mechanism::Plain, KafkaProfile::Mechanism::ScramSha256,
                 KafkaProfile::Mechanism::ScramSha512, KafkaProfile::Mechanism::OAuthBearer })
            QCOMPARE(KafkaProfile::mechanismFromName(KafkaProfile::mechanismName(mechanism)), mechanism);
        QCOMPARE(KafkaProfile::securityFromName(u"sasl_ssl"_s), KafkaProfile::Security::SaslSsl);
        QVERIFY(!KafkaProfile::mechanismFromName(u"GSSAPI"_s));
    }
};

QTEST_GUILESS_MAIN(TestKafkaProfile)
#include "tst_kafkaprofile.moc"
