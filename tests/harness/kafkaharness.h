// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

class QProcess;
class QTemporaryDir;

// A real Apache Kafka broker in KRaft mode (one node that is broker and controller at once), started and stopped by
// a test. The release jars come from tests/harness/kafka/fetch-kafka.sh (Maven Central, cached under ~/.cache);
// the machine's Java (17 or newer) runs them. The storage is formatted with a random cluster id in a temporary
// folder that goes away with the harness; the broker is killed by stop(), by the destructor, and by the kernel if
// the test process dies first.
//
// Listeners on free loopback ports: PLAINTEXT for clients (bootstrapServers()), SASL_PLAINTEXT with the mechanisms
// PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (saslBootstrapServers()) for credential tests, and the controller's. On
// request (setTlsEnabled(), setOAuthBearerEnabled(), before start()) also SSL and SASL_SSL listeners with a
// certificate from the harness's own CA, and OAUTHBEARER on both SASL listeners. No authorizer: every authenticated
// user may do everything. Settings for a single node: replication factor 1 for the
// internal topics, 3 partitions for a topic created on first use, no initial rebalance delay.
//
// The calls block (a local event loop or a child process) while they wait. Use the harness from the main thread:
// the kernel's parent-death signal is tied to the thread that started the broker.
class KafkaHarness {
public:
    // One row of `kafka-consumer-groups --describe`: -1 where the tool prints "-" (no committed offset, no lag).
    struct GroupOffset {
        QString group;
        QString topic;
        int partition = -1;
        qint64 currentOffset = -1;
        qint64 logEndOffset = -1;
        qint64 lag = -1;
        QString consumerId;
        bool operator==(const GroupOffset&) const = default;
    };

    // version: the Kafka release to run ("3.9.1"); empty = MESHSCOPE_KAFKA_VERSION, else fetch-kafka.sh's pinned one
    // (4.1.2). Kafka 3.9.1 is the newest that librdkafka before 2.6.1 can authenticate to with SCRAM.
    explicit KafkaHarness(const QString& version = QString());
    ~KafkaHarness();
    KafkaHarness(const KafkaHarness&) = delete;
    KafkaHarness& operator=(const KafkaHarness&) = delete;

    // Adds an SSL and a SASL_SSL listener (the same mechanisms as SASL_PLAINTEXT). start() makes a CA and a server
    // certificate for 127.0.0.1 and localhost with `openssl` (Debian package openssl) in the temporary folder; the
    // broker reads them as a PEM keystore. Call before start().
    void setTlsEnabled(bool enabled);
    // Adds OAUTHBEARER to the SASL listeners, checked by Kafka's built-in validator of unsecured JWS tokens
    // (OAuthBearerUnsecuredValidatorCallbackHandler): a token with "alg": "none", its principal in "sub", valid
    // until "exp". See unsecuredToken(). Call before start().
    void setOAuthBearerEnabled(bool enabled);

    // Fetches or reuses the jars, formats the storage, starts the broker and waits until it answers a metadata
    // request. False with a reason when anything fails; whatever was started is stopped again.
    bool start(QString* error);
    // Kills the broker and removes the temporary folder with the storage. Safe to call again.
    void stop();
    bool isRunning() const;
    // Shuts the broker down cleanly and starts it again on the same ports with the same storage (topics, offsets
    // and users survive), and waits until it answers again.
    bool restart(QString* error);
    // Shuts the broker down cleanly and leaves it down (the ports refuse connections) until restart().
    bool shutDown(QString* error);

    // "127.0.0.1:<port>" of the PLAINTEXT listener.
    QString bootstrapServers() const;
    // "127.0.0.1:<port>" of the SASL_PLAINTEXT listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).
    QString saslBootstrapServers() const;
    // "127.0.0.1:<port>" of the SSL and SASL_SSL listeners; empty without setTlsEnabled(true).
    QString sslBootstrapServers() const;
    QString saslSslBootstrapServers() const;
    // The PEM file of the CA that signed the broker's certificate (subject alternative names IP 127.0.0.1 and DNS
    // localhost); empty without TLS.
    QString caFile() const;
    // An unsecured JWS compact serialization (header {"alg":"none"}, empty signature) that the broker's OAUTHBEARER
    // validator accepts: principal subject, issued now, expiring after lifetimeSeconds (negative: already expired).
    static QString unsecuredToken(const QString& subject, qint64 lifetimeSeconds = 3600);
    // The PLAIN user, known to the listener's JAAS configuration.
    static QString plainUser();
    QString plainPassword() const;
    // The SCRAM user, with credentials for both SCRAM-SHA-256 and SCRAM-SHA-512.
    static QString scramUser();
    QString scramPassword() const;
    QString clusterId() const;
    // Kafka's version, from the broker's jar ("4.1.2").
    QString version() const;
    // The folder of jars the broker and the tools run from.
    QString libsDir() const;
    // The broker's log (log4j2 for Kafka 4, log4j 1 for 3.x: WARN and up plus its start and stop lines).
    QString logFile() const;
    // The broker's process id while it runs.
    QList<qint64> processIds() const;

    // Runs one of Kafka's command-line tools (mainClass, e.g. "org.apache.kafka.tools.TopicCommand") with the
    // broker's jars. Its stdout in output; false with the exit code and stderr when it fails. Some tools exit with
    // 0 after a failure they print as "Error: ..." on stdout: look there too.
    bool runTool(const QString& mainClass, const QStringList& args, QByteArray* output, QString* error,
        int timeoutMs = 120'000) const;
    // What Kafka's own `kafka-consumer-groups --describe` reports for these groups (all groups when empty): the
    // rows of its tables, in the tool's order. A group without committed offsets has no rows; a group that does not
    // exist fails the whole call, as it fails the tool ("Group x not found." in error). Takes a JVM start, 1-2 s.
    QList<GroupOffset> describeGroups(const QStringList& groups, QString* error) const;
    // The rows of the tool's tables; also a test's parser check.
    static QList<GroupOffset> parseDescribeOutput(const QByteArray& output);

private:
    bool locateJars(QString* error);
    bool writeConfiguration(QString* error);
    bool makeCertificates(QString* error);
    bool formatStorage(QString* error);
    bool startBroker(QString* error);
    QString path(const QString& name) const;
    QString javaProgram() const;

    QString m_requestedVersion;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_broker;
    QString m_libsDir;
    QString m_version;
    QString m_clusterId;
    QString m_plainPassword;
    QString m_scramPassword;
    quint16 m_port = 0;
    quint16 m_saslPort = 0;
    quint16 m_controllerPort = 0;
    quint16 m_sslPort = 0;
    quint16 m_saslSslPort = 0;
    bool m_tls = false;
    bool m_oauthBearer = false;
};
