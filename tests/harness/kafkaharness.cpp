// SPDX-License-Identifier: Apache-2.0
#include "kafkaharness.h"

#include "harnesssupport.h"
#include "kafkaclient.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace HarnessSupport;

namespace {

constexpr int ReadyTimeoutMs = 90'000;
constexpr int FormatTimeoutMs = 60'000;
constexpr int ShutdownGraceMs = 30'000;
constexpr int FetchTimeoutMs = 30 * 60 * 1000; // Maven on a cold cache and a slow network
constexpr int OpensslTimeoutMs = 30'000;
const QString PlainUser = u"meshscope-plain"_s;
const QString ScramUser = u"meshscope-scram"_s;

// A Kafka Uuid as kafka-storage random-uuid prints it, without starting a JVM for it: 16 random bytes in URL-safe
// base64 without padding. Kafka never hands out one that starts with '-' (it would read as a command-line option).
QString randomClusterId()
{
    while (true) {
        QByteArray bytes(16, Qt::Uninitialized);
        for (char& byte : bytes)
            byte = char(QRandomGenerator::system()->bounded(256));
        const QByteArray id = bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        if (!id.startsWith('-') && bytes.count('\0') < bytes.size())
            return QString::fromLatin1(id);
    }
}

bool writeFile(const QString& fileName, const QString& text, QString* error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0) {
        *error = fileName + u": "_s + file.errorString();
        return false;
    }
    return true;
}

// Runs openssl in dir; false with its output when it fails.
bool runOpenssl(const QString& dir, const QStringList& args, QString* error)
{
    QProcess openssl;
    openssl.setWorkingDirectory(dir);
    openssl.setStandardInputFile(QProcess::nullDevice());
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(u"openssl"_s, args);
    if (!openssl.waitForStarted()) {
        *error = u"cannot run openssl (Debian package openssl): "_s + openssl.errorString();
        return false;
    }
    if (!openssl.waitForFinished(OpensslTimeoutMs) || openssl.exitStatus() != QProcess::NormalExit
        || openssl.exitCode() != 0) {
        openssl.kill();
        openssl.waitForFinished();
        *error = u"openssl %1 failed: %2"_s.arg(args.join(u' '), QString::fromUtf8(openssl.readAll()).trimmed());
        return false;
    }
    return true;
}

QByteArray base64Url(const QByteArray& bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

qint64 offsetValue(const QString& text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? value : -1;
}

} // namespace

KafkaHarness::KafkaHarness(const QString& version)
    : m_requestedVersion(version.isEmpty() ? qEnvironmentVariable("MESHSCOPE_KAFKA_VERSION") : version)
{
}

KafkaHarness::~KafkaHarness() { stop(); }

bool KafkaHarness::start(QString* error)
{
    stop();
    QElapsedTimer total;
    total.start();
    QString failure;
    const auto fail = [&](const QString& what) {
        *error = what + u": "_s + failure;
        stop();
        return false;
    };
    if (!locateJars(&failure))
        return fail(u"Kafka's jars are missing"_s);
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/meshscope-kafka-XXXXXX"_s);
    if (!m_dir->isValid()) {
        failure = m_dir->errorString();
        return fail(u"cannot create a temporary folder"_s);
    }
    const int portCount = m_tls ? 5 : 3;
    const QList<quint16> ports = freePorts(portCount);
    if (ports.size() != portCount) {
        failure = u"no free loopback port"_s;
        return fail(u"cannot start"_s);
    }
    m_port = ports[0];
    m_saslPort = ports[1];
    m_controllerPort = ports[2];
    m_sslPort = m_tls ? ports[3] : 0;
    m_saslSslPort = m_tls ? ports[4] : 0;
    m_clusterId = randomClusterId();
    m_plainPassword = randomHex(12);
    m_scramPassword = randomHex(12);
    if (m_tls && !makeCertificates(&failure))
        return fail(u"cannot make the TLS certificates"_s);
    if (!writeConfiguration(&failure))
        return fail(u"cannot write the configuration"_s);
    QElapsedTimer step;
    step.start();
    if (!formatStorage(&failure))
        return fail(u"kafka-storage format failed"_s);
    const qint64 formatMs = step.restart();
    if (!startBroker(&failure))
        return fail(u"the broker did not start"_s);
    const QString tls
        = m_tls ? u", SSL "_s + sslBootstrapServers() + u", SASL_SSL "_s + saslSslBootstrapServers() : QString();
    qInfo("KafkaHarness: Kafka %s ready at %s (SASL %s%s) in %lld ms (format %lld ms, broker %lld ms); files in %s",
        qPrintable(version()), qPrintable(bootstrapServers()), qPrintable(saslBootstrapServers()), qPrintable(tls),
        total.elapsed(), formatMs, step.elapsed(), qPrintable(m_dir->path()));
    return true;
}

void KafkaHarness::stop()
{
    // The storage goes away with the folder: no need to let the broker shut down cleanly.
    stopProcess(m_broker, 0);
    m_dir.reset();
}

bool KafkaHarness::isRunning() const { return m_broker && m_broker->state() == QProcess::Running; }

bool KafkaHarness::shutDown(QString* error)
{
    if (!m_dir) {
        *error = u"the harness is not running"_s;
        return false;
    }
    if (!isRunning()) {
        m_broker.reset();
        return true;
    }
    QElapsedTimer timer;
    timer.start();
    m_broker->terminate();
    if (!m_broker->waitForFinished(ShutdownGraceMs)) {
        stopProcess(m_broker, 0);
        *error = u"the broker did not shut down within %1 s and was killed"_s.arg(ShutdownGraceMs / 1000);
        return false;
    }
    m_broker.reset();
    qInfo("KafkaHarness: broker shut down in %lld ms", timer.elapsed());
    return true;
}

bool KafkaHarness::restart(QString* error)
{
    if (!shutDown(error))
        return false;
    QElapsedTimer timer;
    timer.start();
    QString failure;
    if (!startBroker(&failure)) {
        *error = u"the broker did not come back: "_s + failure;
        return false;
    }
    qInfo("KafkaHarness: broker back in %lld ms", timer.elapsed());
    return true;
}

QString KafkaHarness::bootstrapServers() const { return u"127.0.0.1:%1"_s.arg(m_port); }

QString KafkaHarness::saslBootstrapServers() const { return u"127.0.0.1:%1"_s.arg(m_saslPort); }

void KafkaHarness::setTlsEnabled(bool enabled) { m_tls = enabled; }

void KafkaHarness::setOAuthBearerEnabled(bool enabled) { m_oauthBearer = enabled; }

QString KafkaHarness::sslBootstrapServers() const { return m_sslPort ? u"127.0.0.1:%1"_s.arg(m_sslPort) : QString(); }

QString KafkaHarness::saslSslBootstrapServers() const
{
    return m_saslSslPort ? u"127.0.0.1:%1"_s.arg(m_saslSslPort) : QString();
}

QString KafkaHarness::caFile() const { return m_tls ? path(u"ca.pem"_s) : QString(); }

QString KafkaHarness::unsecuredToken(const QString& subject, qint64 lifetimeSeconds)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // An expired token was also issued in the past, so that only its expiry is wrong.
    const qint64 issued = lifetimeSeconds > 0 ? now : now + 2 * lifetimeSeconds;
    const QJsonObject header { { u"alg"_s, u"none"_s } };
    const QJsonObject claims {
        { u"sub"_s, subject },
        { u"iat"_s, issued },
        { u"exp"_s, now + lifetimeSeconds },
    };
    return QString::fromLatin1(base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.');
}

QString KafkaHarness::plainUser() { return PlainUser; }

QString KafkaHarness::plainPassword() const { return m_plainPassword; }

QString KafkaHarness::scramUser() { return ScramUser; }

QString KafkaHarness::scramPassword() const { return m_scramPassword; }

QString KafkaHarness::clusterId() const { return m_clusterId; }

QString KafkaHarness::version() const { return m_version; }

QString KafkaHarness::libsDir() const { return m_libsDir; }

QString KafkaHarness::logFile() const { return path(u"kafka.log"_s); }

QList<qint64> KafkaHarness::processIds() const
{
    if (m_broker && m_broker->state() != QProcess::NotRunning)
        return { m_broker->processId() };
    return {};
}

bool KafkaHarness::runTool(
    const QString& mainClass, const QStringList& args, QByteArray* output, QString* error, int timeoutMs) const
{
    if (!m_dir) {
        *error = u"the harness is not running"_s;
        return false;
    }
    QProcess tool;
    tool.setWorkingDirectory(m_dir->path());
    tool.setStandardInputFile(QProcess::nullDevice());
    // A short-lived JVM: the serial collector and the quick compiler alone halve its run time on a busy machine.
    tool.start(javaProgram(),
        QStringList { u"-Xmx512m"_s, u"-XX:+UseSerialGC"_s, u"-XX:TieredStopAtLevel=1"_s, u"-Djava.awt.headless=true"_s,
            u"-Dlog4j2.configurationFile="_s + path(u"log4j2-tools.properties"_s),
            u"-Dlog4j.configuration=file:"_s + path(u"log4j-tools.properties"_s), u"-cp"_s, m_libsDir + u"/*"_s,
            mainClass }
            + args);
    if (!tool.waitForStarted()) {
        *error = u"cannot run %1: %2"_s.arg(javaProgram(), tool.errorString());
        return false;
    }
    if (!tool.waitForFinished(timeoutMs)) {
        tool.kill();
        tool.waitForFinished();
        *error = u"%1 did not finish within %2 s"_s.arg(mainClass).arg(timeoutMs / 1000);
        return false;
    }
    *output = tool.readAllStandardOutput();
    if (tool.exitStatus() != QProcess::NormalExit || tool.exitCode() != 0) {
        *error = u"%1 %2 failed (exit code %3): %4"_s.arg(mainClass, args.join(u' '))
                     .arg(tool.exitCode())
                     .arg(QString::fromUtf8(tool.readAllStandardError() + *output).trimmed());
        return false;
    }
    return true;
}

QList<KafkaHarness::GroupOffset> KafkaHarness::describeGroups(const QStringList& groups, QString* error) const
{
    QStringList args { u"--bootstrap-server"_s, bootstrapServers(), u"--describe"_s, u"--offsets"_s };
    if (groups.isEmpty())
        args.append(u"--all-groups"_s);
    for (const QString& group : groups)
        args += QStringList { u"--group"_s, group };
    QByteArray output;
    if (!runTool(u"org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"_s, args, &output, error))
        return {};
    // The tool reports a failure (a group not found, a broker it cannot reach) on stdout and exits with 0.
    const QList<QByteArray> lines = output.split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith("Error: ")) {
            *error = QString::fromUtf8(line.mid(7));
            return {};
        }
    }
    return parseDescribeOutput(output);
}

QList<KafkaHarness::GroupOffset> KafkaHarness::parseDescribeOutput(const QByteArray& output)
{
    // One table per group: a header line, then one row per partition, then a blank line. Messages such as
    // "Consumer group 'x' has no active members." stand between the tables.
    QList<GroupOffset> rows;
    QHash<QString, qsizetype> columns;
    const QList<QByteArray> lines = output.split('\n');
    for (const QByteArray& line : lines) {
        const QStringList cells = QString::fromUtf8(line).split(u' ', Qt::SkipEmptyParts);
        if (cells.isEmpty()) {
            columns.clear();
            continue;
        }
        if (cells.first() == u"GROUP"_s && cells.contains(u"TOPIC"_s) && cells.contains(u"PARTITION"_s)) {
            columns.clear();
            for (qsizetype i = 0; i < cells.size(); ++i)
                columns.insert(cells[i], i);
            continue;
        }
        if (columns.isEmpty())
            continue;
        const auto cell = [&](const QString& name) {
            const qsizetype index = columns.value(name, -1);
            return index >= 0 ? cells.value(index) : QString();
        };
        GroupOffset row;
        row.group = cell(u"GROUP"_s);
        row.topic = cell(u"TOPIC"_s);
        bool ok = false;
        row.partition = cell(u"PARTITION"_s).toInt(&ok);
        if (!ok)
            continue;
        row.currentOffset = offsetValue(cell(u"CURRENT-OFFSET"_s));
        row.logEndOffset = offsetValue(cell(u"LOG-END-OFFSET"_s));
        row.lag = offsetValue(cell(u"LAG"_s));
        const QString consumer = cell(u"CONSUMER-ID"_s);
        row.consumerId = consumer == u"-"_s ? QString() : consumer;
        rows.append(row);
    }
    return rows;
}

bool KafkaHarness::locateJars(QString* error)
{
    // Set by a developer who keeps Kafka's jars elsewhere; otherwise the script fetches or reuses them.
    m_libsDir = qEnvironmentVariable("MESHSCOPE_KAFKA_LIBS_DIR");
    if (m_libsDir.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        if (!m_requestedVersion.isEmpty())
            environment.insert(u"MESHSCOPE_KAFKA_VERSION"_s, m_requestedVersion);
        m_libsDir = runScript(QStringLiteral(MESHSCOPE_SOURCE_DIR) + u"/tests/harness/kafka/fetch-kafka.sh"_s,
            FetchTimeoutMs, error, environment);
    }
    if (m_libsDir.isEmpty())
        return false;
    const QStringList jars = QDir(m_libsDir).entryList({ u"kafka_2.13-*.jar"_s }, QDir::Files, QDir::Name);
    if (jars.isEmpty()) {
        *error = u"no kafka_2.13 jar in "_s + m_libsDir;
        return false;
    }
    // kafka_2.13-<version>.jar
    m_version = jars.first().mid(11).chopped(4);
    if (QStandardPaths::findExecutable(javaProgram()).isEmpty() && !QFileInfo(javaProgram()).isExecutable()) {
        *error = u"no java (Debian package openjdk-17-jre-headless) on PATH or in JAVA_HOME"_s;
        return false;
    }
    return true;
}

bool KafkaHarness::makeCertificates(QString* error)
{
    // Elliptic-curve keys: made in milliseconds. The server's certificate names 127.0.0.1 as an IP and as a DNS name:
    // librdkafka checks the host name of the advertised address, which is that IP.
    const QString dir = m_dir->path();
    const QStringList ecKey { u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s };
    if (!writeFile(path(u"server-ext.cnf"_s),
            u"subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost\n"_s
            u"basicConstraints=CA:FALSE\n"_s
            u"keyUsage=digitalSignature,keyEncipherment\n"_s
            u"extendedKeyUsage=serverAuth\n"_s,
            error))
        return false;
    const bool made
        = runOpenssl(dir,
              QStringList { u"req"_s, u"-x509"_s } + ecKey
                  + QStringList { u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.pem"_s, u"-days"_s, u"2"_s, u"-subj"_s,
                      u"/CN=Meshscope test CA "_s + randomHex(4), u"-addext"_s, u"basicConstraints=critical,CA:TRUE"_s,
                      u"-addext"_s, u"keyUsage=critical,keyCertSign,cRLSign"_s },
              error)
        && runOpenssl(dir,
            QStringList { u"req"_s } + ecKey
                + QStringList { u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.csr"_s, u"-subj"_s,
                    u"/CN=localhost"_s },
            error)
        && runOpenssl(dir,
            { u"x509"_s, u"-req"_s, u"-in"_s, u"server.csr"_s, u"-CA"_s, u"ca.pem"_s, u"-CAkey"_s, u"ca.key"_s,
                u"-CAcreateserial"_s, u"-days"_s, u"2"_s, u"-extfile"_s, u"server-ext.cnf"_s, u"-out"_s,
                u"server.pem"_s },
            error);
    if (!made)
        return false;
    // Kafka's PEM keystore: the unencrypted PKCS#8 key, then the certificate chain.
    QByteArray keystore;
    for (const QString& name : { u"server.key"_s, u"server.pem"_s, u"ca.pem"_s }) {
        QFile file(path(name));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = file.fileName() + u": "_s + file.errorString();
            return false;
        }
        keystore += file.readAll();
    }
    return writeFile(path(u"keystore.pem"_s), QString::fromLatin1(keystore), error);
}

bool KafkaHarness::writeConfiguration(QString* error)
{
    QString listeners = u"PLAINTEXT://127.0.0.1:%1,SASL_PLAINTEXT://127.0.0.1:%2"_s.arg(m_port).arg(m_saslPort);
    QStringList saslListeners { u"sasl_plaintext"_s };
    if (m_tls) {
        listeners += u",SSL://127.0.0.1:%1,SASL_SSL://127.0.0.1:%2"_s.arg(m_sslPort).arg(m_saslSslPort);
        saslListeners.append(u"sasl_ssl"_s);
    }
    const QString jaasPlain = u"org.apache.kafka.common.security.plain.PlainLoginModule required user_%1=\"%2\";"_s.arg(
        PlainUser, m_plainPassword);
    const QString jaasScram = u"org.apache.kafka.common.security.scram.ScramLoginModule required;"_s;
    // Without a server callback handler Kafka validates OAUTHBEARER tokens with its unsecured JWS validator.
    const QString jaasOAuth = u"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"_s;
    QStringList server {
        u"process.roles=broker,controller"_s,
        u"node.id=1"_s,
        // A static quorum of one: the storage is formatted without --standalone and restarts need nothing else.
        u"controller.quorum.voters=1@127.0.0.1:%1"_s.arg(m_controllerPort),
        u"controller.listener.names=CONTROLLER"_s,
        u"listeners=%1,CONTROLLER://127.0.0.1:%2"_s.arg(listeners).arg(m_controllerPort),
        u"advertised.listeners="_s + listeners,
        u"inter.broker.listener.name=PLAINTEXT"_s,
        u"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,"_s
        u"CONTROLLER:PLAINTEXT"_s,
        u"sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"_s
            + (m_oauthBearer ? u",OAUTHBEARER"_s : QString()),
        u"log.dirs="_s + path(u"data"_s),
        u"num.partitions=3"_s,
        // One node: the internal topics cannot have more replicas, and a rebalance need not wait for more members.
        u"offsets.topic.replication.factor=1"_s,
        u"offsets.topic.num.partitions=1"_s,
        u"transaction.state.log.replication.factor=1"_s,
        u"transaction.state.log.min.isr=1"_s,
        u"share.coordinator.state.topic.replication.factor=1"_s,
        u"share.coordinator.state.topic.min.isr=1"_s,
        u"group.initial.rebalance.delay.ms=0"_s,
    };
    for (const QString& listener : std::as_const(saslListeners)) {
        const QString prefix = u"listener.name."_s + listener;
        server += QStringList { prefix + u".plain.sasl.jaas.config="_s + jaasPlain,
            prefix + u".scram-sha-256.sasl.jaas.config="_s + jaasScram,
            prefix + u".scram-sha-512.sasl.jaas.config="_s + jaasScram };
        if (m_oauthBearer)
            server.append(prefix + u".oauthbearer.sasl.jaas.config="_s + jaasOAuth);
    }
    if (m_tls)
        server += QStringList { u"ssl.keystore.type=PEM"_s, u"ssl.keystore.location="_s + path(u"keystore.pem"_s) };
    // The broker's own lines go to kafka.log, WARN and up, plus the server's start and stop; the tools write
    // warnings to stderr only, so that their stdout is the table a test parses.
    const QString brokerLog = u"rootLogger.level = WARN\n"_s
                              u"rootLogger.appenderRef.file.ref = file\n"_s
                              u"appender.file.type = File\n"_s
                              u"appender.file.name = file\n"_s
                              u"appender.file.fileName = "_s
        + logFile()
        + u"\nappender.file.layout.type = PatternLayout\n"_s
          u"appender.file.layout.pattern = [%d] %p %m (%c)%n\n"_s
          u"logger.server.name = kafka.server.KafkaRaftServer\n"_s
          u"logger.server.level = INFO\n"_s;
    const QString toolsLog = u"rootLogger.level = WARN\n"_s
                             u"rootLogger.appenderRef.stderr.ref = stderr\n"_s
                             u"appender.stderr.type = Console\n"_s
                             u"appender.stderr.name = stderr\n"_s
                             u"appender.stderr.target = SYSTEM_ERR\n"_s
                             u"appender.stderr.layout.type = PatternLayout\n"_s
                             u"appender.stderr.layout.pattern = [%d] %p %m (%c)%n\n"_s;
    // Kafka 3.x logs through log4j 1 (reload4j): the same, in its format. Each JVM gets both files and reads its own.
    const QString brokerLog1 = u"log4j.rootLogger=WARN, file\n"_s
                               u"log4j.appender.file=org.apache.log4j.FileAppender\n"_s
                               u"log4j.appender.file.File="_s
        + logFile()
        + u"\nlog4j.appender.file.layout=org.apache.log4j.PatternLayout\n"_s
          u"log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n"_s
          u"log4j.logger.kafka.server.KafkaRaftServer=INFO\n"_s;
    const QString toolsLog1 = u"log4j.rootLogger=WARN, stderr\n"_s
                              u"log4j.appender.stderr=org.apache.log4j.ConsoleAppender\n"_s
                              u"log4j.appender.stderr.Target=System.err\n"_s
                              u"log4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n"_s
                              u"log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n\n"_s;
    return writeFile(path(u"server.properties"_s), server.join(u'\n') + u'\n', error)
        && writeFile(path(u"log4j2.properties"_s), brokerLog, error)
        && writeFile(path(u"log4j2-tools.properties"_s), toolsLog, error)
        && writeFile(path(u"log4j.properties"_s), brokerLog1, error)
        && writeFile(path(u"log4j-tools.properties"_s), toolsLog1, error);
}

bool KafkaHarness::formatStorage(QString* error)
{
    QByteArray output;
    const QString scram = u"%1=[name=%2,password=%3]"_s;
    return runTool(u"kafka.tools.StorageTool"_s,
        { u"format"_s, u"--cluster-id"_s, m_clusterId, u"--config"_s, path(u"server.properties"_s), u"--add-scram"_s,
            scram.arg(u"SCRAM-SHA-256"_s, ScramUser, m_scramPassword), u"--add-scram"_s,
            scram.arg(u"SCRAM-SHA-512"_s, ScramUser, m_scramPassword) },
        &output, error, FormatTimeoutMs);
}

bool KafkaHarness::startBroker(QString* error)
{
    // Heap and collector settings as Kafka's kafka-server-start.sh has them, with a heap for a test.
    m_broker = launch(javaProgram(),
        { u"-Xmx512m"_s, u"-Xms128m"_s, u"-XX:+UseG1GC"_s, u"-XX:MaxGCPauseMillis=20"_s,
            u"-XX:InitiatingHeapOccupancyPercent=35"_s, u"-XX:+ExplicitGCInvokesConcurrent"_s,
            u"-Djava.awt.headless=true"_s, u"-Dlog4j2.configurationFile="_s + path(u"log4j2.properties"_s),
            u"-Dlog4j.configuration=file:"_s + path(u"log4j.properties"_s), u"-cp"_s, m_libsDir + u"/*"_s,
            u"kafka.Kafka"_s, path(u"server.properties"_s) },
        m_dir->path(), path(u"kafka.out"_s));
    const auto diagnostics = [this] { return logTail(path(u"kafka.out"_s)) + u'\n' + logTail(logFile()); };

    QString handleError;
    const KafkaClient::HandlePtr client = KafkaClient::createHandle(RD_KAFKA_PRODUCER,
        { { u"bootstrap.servers"_s, bootstrapServers() }, { u"socket.connection.setup.timeout.ms"_s, u"1000"_s },
            { u"reconnect.backoff.max.ms"_s, u"200"_s } },
        {}, {}, &handleError);
    if (!client) {
        *error = u"cannot create a librdkafka client: "_s + handleError;
        return false;
    }
    // Ready when the broker answers a metadata request with itself in it: by then it is unfenced and serves.
    const bool ready = poll(
        ReadyTimeoutMs,
        [&](QString* failure) {
            if (m_broker->state() == QProcess::NotRunning) {
                *failure = u"the broker exited: "_s + diagnostics();
                return false;
            }
            const struct rd_kafka_metadata* metadata = nullptr;
            if (rd_kafka_metadata(client.get(), 0, nullptr, &metadata, 500) != RD_KAFKA_RESP_ERR_NO_ERROR)
                return false;
            const KafkaClient::MetadataPtr owned(metadata);
            return owned->broker_cnt > 0;
        },
        error);
    if (!ready && error->isEmpty())
        *error
            = u"no metadata from %1 after %2 s: "_s.arg(bootstrapServers()).arg(ReadyTimeoutMs / 1000) + diagnostics();
    return ready;
}

QString KafkaHarness::path(const QString& name) const { return m_dir ? QDir(m_dir->path()).filePath(name) : QString(); }

QString KafkaHarness::javaProgram() const
{
    const QString home = qEnvironmentVariable("JAVA_HOME");
    return home.isEmpty() ? u"java"_s : home + u"/bin/java"_s;
}
