// SPDX-License-Identifier: Apache-2.0
#include "kafkaprofile.h"

#include "secretredactor.h"

#include <librdkafka/rdkafka.h>

#include <QJsonValue>

#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

const std::array<std::pair<KafkaProfile::Security, QLatin1StringView>, 4> SecurityNames { {
    { KafkaProfile::Security::Plaintext, "PLAINTEXT"_L1 },
    { KafkaProfile::Security::Ssl, "SSL"_L1 },
    { KafkaProfile::Security::SaslPlaintext, "SASL_PLAINTEXT"_L1 },
    { KafkaProfile::Security::SaslSsl, "SASL_SSL"_L1 },
} };

const std::array<std::pair<KafkaProfile::Mechanism, QLatin1StringView>, 4> MechanismNames { {
    { KafkaProfile::Mechanism::Plain, "PLAIN"_L1 },
    { KafkaProfile::Mechanism::ScramSha256, "SCRAM-SHA-256"_L1 },
    { KafkaProfile::Mechanism::ScramSha512, "SCRAM-SHA-512"_L1 },
    { KafkaProfile::Mechanism::OAuthBearer, "OAUTHBEARER"_L1 },
} };

bool isScram(KafkaProfile::Mechanism mechanism)
{
    return mechanism == KafkaProfile::Mechanism::ScramSha256 || mechanism == KafkaProfile::Mechanism::ScramSha512;
}

} // namespace

QString KafkaProfile::securityName(Security security)
{
    for (const auto& [value, name] : SecurityNames) {
        if (value == security)
            return name;
    }
    return {};
}

std::optional<KafkaProfile::Security> KafkaProfile::securityFromName(const QString& name)
{
    for (const auto& [value, text] : SecurityNames) {
        if (name.compare(text, Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

QString KafkaProfile::mechanismName(Mechanism mechanism)
{
    for (const auto& [value, name] : MechanismNames) {
        if (value == mechanism)
            return name;
    }
    return {};
}

std::optional<KafkaProfile::Mechanism> KafkaProfile::mechanismFromName(const QString& name)
{
    for (const auto& [value, text] : MechanismNames) {
        if (name.compare(text, Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

QString KafkaProfile::secretKey() const { return u"kafka/"_s % name; }

QString KafkaProfile::validate() const
{
    if (name.trimmed().isEmpty())
        return u"The profile has no name"_s;
    if (bootstrapServers.trimmed().isEmpty())
        return u"Enter the bootstrap servers (host:port, separated by commas)"_s;
    const QStringList servers = bootstrapServers.split(u',', Qt::SkipEmptyParts);
    for (const QString& server : servers) {
        bool ok = false;
        const QString port = server.trimmed().section(u':', -1);
        const uint number = port.toUInt(&ok);
        if (!server.contains(u':') || !ok || number == 0 || number > 65535)
            return u"\"%1\" is not host:port"_s.arg(server.trimmed());
    }
    if (usesSasl() && mechanism != Mechanism::OAuthBearer && username.isEmpty())
        return u"%1 needs a user name"_s.arg(mechanismName(mechanism));
    if (usesSasl() && mechanism == Mechanism::OAuthBearer && !tokenEndpoint.isEmpty() && username.isEmpty())
        return u"OAUTHBEARER with a token endpoint needs the client id as user name"_s;
    return {};
}

QMap<QString, QString> KafkaProfile::toKafkaConfig(const QString& secret) const
{
    SecretRedactor::registerSecret(secret);
    QMap<QString, QString> config {
        { u"bootstrap.servers"_s, bootstrapServers.trimmed() },
        { u"security.protocol"_s, securityName(security) },
    };
    if (usesTls()) {
        if (!caFile.isEmpty())
            config.insert(u"ssl.ca.location"_s, caFile);
        config.insert(u"enable.ssl.certificate.verification"_s, verifyTls ? u"true"_s : u"false"_s);
        config.insert(u"ssl.endpoint.identification.algorithm"_s, verifyTls ? u"https"_s : u"none"_s);
    }
    if (!usesSasl())
        return config;
    config.insert(u"sasl.mechanisms"_s, mechanismName(mechanism));
    if (mechanism != Mechanism::OAuthBearer) {
        config.insert(u"sasl.username"_s, username);
        config.insert(u"sasl.password"_s, secret);
    } else if (!tokenEndpoint.isEmpty()) {
        config.insert(u"sasl.oauthbearer.method"_s, u"oidc"_s);
        config.insert(u"sasl.oauthbearer.token.endpoint.url"_s, tokenEndpoint);
        config.insert(u"sasl.oauthbearer.client.id"_s, username);
        config.insert(u"sasl.oauthbearer.client.secret"_s, secret);
        if (!scope.isEmpty())
            config.insert(u"sasl.oauthbearer.scope"_s, scope);
    } else {
        config.insert(staticTokenKey, secret);
    }
    return config;
}

QJsonObject KafkaProfile::toJson() const
{
    QJsonObject json {
        { u"name"_s, name },
        { u"bootstrapServers"_s, bootstrapServers },
        { u"securityProtocol"_s, securityName(security) },
    };
    if (usesTls()) {
        json.insert(u"caFile"_s, caFile);
        json.insert(u"verifyTls"_s, verifyTls);
    }
    if (usesSasl()) {
        json.insert(u"saslMechanism"_s, mechanismName(mechanism));
        json.insert(u"username"_s, username);
        if (mechanism == Mechanism::OAuthBearer) {
            json.insert(u"tokenEndpoint"_s, tokenEndpoint);
            json.insert(u"scope"_s, scope);
        }
    }
    return json;
}

std::optional<KafkaProfile> KafkaProfile::fromJson(const QJsonObject& json, QString* error)
{
    KafkaProfile profile;
    profile.name = json.value("name"_L1).toString();
    profile.bootstrapServers = json.value("bootstrapServers"_L1).toString();
    const QString securityText = json.value("securityProtocol"_L1).toString(u"PLAINTEXT"_s);
    const auto security = securityFromName(securityText);
    if (!security) {
        *error = u"unknown security protocol \"%1\""_s.arg(securityText);
        return std::nullopt;
    }
    profile.security = *security;
    profile.caFile = json.value("caFile"_L1).toString();
    profile.verifyTls = json.value("verifyTls"_L1).toBool(true);
    const QString mechanismText = json.value("saslMechanism"_L1).toString(u"PLAIN"_s);
    const auto mechanism = mechanismFromName(mechanismText);
    if (!mechanism) {
        *error = u"unknown SASL mechanism \"%1\""_s.arg(mechanismText);
        return std::nullopt;
    }
    profile.mechanism = *mechanism;
    profile.username = json.value("username"_L1).toString();
    profile.tokenEndpoint = json.value("tokenEndpoint"_L1).toString();
    profile.scope = json.value("scope"_L1).toString();
    if (profile.name.isEmpty()) {
        *error = u"a Kafka profile without a name"_s;
        return std::nullopt;
    }
    return profile;
}

QString KafkaProfile::describe() const
{
    QString text = bootstrapServers % u" ("_s % securityName(security);
    if (usesSasl()) {
        text += u", "_s % mechanismName(mechanism);
        if (!username.isEmpty())
            text += (mechanism == Mechanism::OAuthBearer ? u", client "_s : u", user "_s) % username;
    }
    if (usesTls() && !verifyTls)
        text += u", TLS not verified"_s;
    return text % u')';
}

QString KafkaProfile::explainError(const QString& error) const
{
    if (error.isEmpty())
        return {};
    const QString where = u"Kafka at "_s % describe() % u": "_s;
    QString cause;
    if (mechanism == Mechanism::OAuthBearer && !tokenEndpoint.isEmpty() && !librdkafkaSupportsOidc()) {
        cause = u"this build's librdkafka (%1) cannot fetch tokens from a token endpoint (it was built without "_s
                u"libcurl): leave the token endpoint empty and enter a static token"_s.arg(
                    QString::fromLatin1(rd_kafka_version_str()));
    } else if (error.contains(u"certificate verify failed"_s, Qt::CaseInsensitive)) {
        cause = caFile.isEmpty()
            ? u"the brokers' certificate is not trusted: none of the system's CAs signed it; enter the CA file of "_s
              u"the brokers' certificates"_s
            : u"the brokers' certificate is not trusted: the CA file %1 does not hold the CA that signed it, or "_s
              u"the certificate does not name the host"_s.arg(caFile);
    } else if (error.contains(u"SASL authentication error"_s, Qt::CaseInsensitive)
        || error.contains(u"Authentication failed"_s, Qt::CaseInsensitive)) {
        cause = mechanism == Mechanism::OAuthBearer
            ? u"authentication failed: the brokers refused the token (expired, not yet valid, malformed, or not "_s
              u"signed as their validator expects)"_s
            : u"authentication failed: check the user name and the password or token"_s;
        if (isScram(mechanism) && librdkafkaHasScramBug())
            cause += u". If the brokers run Kafka 4 or newer, the cause may be a known SCRAM bug of librdkafka before "
                     u"2.6.1 (this build has %1), which Kafka 4 rejects as invalid credentials: use PLAIN or a newer "
                     u"librdkafka"_s.arg(QString::fromLatin1(rd_kafka_version_str()));
    } else if (error.contains(u"SSL"_s) || error.contains(u"certificate"_s, Qt::CaseInsensitive)) {
        cause = u"the TLS handshake failed: check the CA file and the broker's certificate"_s;
    } else if (error.contains(u"Connection refused"_s, Qt::CaseInsensitive)
        || error.contains(u"transport failure"_s, Qt::CaseInsensitive)
        || error.contains(u"brokers are down"_s, Qt::CaseInsensitive)
        || error.contains(u"Failed to resolve"_s, Qt::CaseInsensitive)
        || error.contains(u"timed out"_s, Qt::CaseInsensitive)) {
        cause = u"the brokers cannot be reached: check the bootstrap servers and that the cluster is up"_s;
    }
    if (cause.isEmpty())
        return where % error;
    return where % cause % u" ("_s % error % u')';
}

bool librdkafkaHasScramBug() { return rd_kafka_version() < 0x020601ff; }

bool librdkafkaSupportsOidc()
{
    static const bool supported = [] {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        char message[256];
        const bool ok
            = rd_kafka_conf_set(conf, "sasl.oauthbearer.method", "oidc", message, sizeof message) == RD_KAFKA_CONF_OK;
        rd_kafka_conf_destroy(conf);
        return ok;
    }();
    return supported;
}
