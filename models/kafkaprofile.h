// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <optional>

// How to reach one Kafka cluster: what a connection dialog edits and the settings keep. The secret (password,
// OAuth client secret or static token) is never part of it: it lives in the keyring (SecretStore, key secretKey())
// and joins only when the client configuration is built.
struct KafkaProfile {
    enum class Security { Plaintext, Ssl, SaslPlaintext, SaslSsl };
    enum class Mechanism { Plain, ScramSha256, ScramSha512, OAuthBearer };

    QString name;
    QString bootstrapServers; // "host:port,host:port"
    Security security = Security::Plaintext;
    QString caFile; // PEM; empty = the system's CA store
    bool verifyTls = true; // certificate chain and host name
    Mechanism mechanism = Mechanism::Plain;
    QString username; // PLAIN and SCRAM; OAUTHBEARER with a token endpoint: the client id
    // OAUTHBEARER: an OpenID Connect token endpoint (client credentials grant, secret = client secret), or empty
    // when the secret is a static bearer token.
    QString tokenEndpoint;
    QString scope; // OAUTHBEARER with a token endpoint, optional

    bool usesSasl() const { return security == Security::SaslPlaintext || security == Security::SaslSsl; }
    bool usesTls() const { return security == Security::Ssl || security == Security::SaslSsl; }
    // Whether the profile needs a secret at all (PLAINTEXT and SSL without SASL do not).
    bool needsSecret() const { return usesSasl(); }
    // The keyring key of this profile's secret: "kafka/<name>".
    QString secretKey() const;

    // What is missing or contradictory, for the dialog; empty when the profile can be used.
    QString validate() const;
    // librdkafka properties: bootstrap.servers, security.protocol, ssl.*, sasl.*. A static OAUTHBEARER token goes
    // under staticTokenKey, which the lag monitor hands to librdkafka's token callback instead of the config.
    QMap<QString, QString> toKafkaConfig(const QString& secret) const;
    static constexpr QLatin1StringView staticTokenKey { "meshscope.oauthbearer.token" };

    // Everything but the secret.
    QJsonObject toJson() const;
    static std::optional<KafkaProfile> fromJson(const QJsonObject& json, QString* error);

    // "127.0.0.1:9092 (SASL_PLAINTEXT, SCRAM-SHA-256, user alice)": for messages; never the secret.
    QString describe() const;
    // A measurement error made readable: where, with which mechanism, and the likely cause (wrong credentials,
    // unreachable brokers, TLS). librdkafka's text is kept at the end.
    QString explainError(const QString& error) const;

    static QString securityName(Security security); // "SASL_SSL"
    static std::optional<Security> securityFromName(const QString& name);
    static QString mechanismName(Mechanism mechanism); // "SCRAM-SHA-256"
    static std::optional<Mechanism> mechanismFromName(const QString& name);

    friend bool operator==(const KafkaProfile&, const KafkaProfile&) = default;
};

// Whether the linked librdkafka has the SCRAM bug that Kafka 4 brokers refuse (confluentinc/librdkafka#4895: the
// client nonce is sent twice; fixed in 2.6.1).
bool librdkafkaHasScramBug();
// Whether the linked librdkafka can fetch OAUTHBEARER tokens from a token endpoint (sasl.oauthbearer.method=oidc):
// it needs libcurl at build time, which Debian 12's 2.0.2 was built without.
bool librdkafkaSupportsOidc();
