// SPDX-License-Identifier: Apache-2.0
#include "rabbitharness.h"

#include "harnesssupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace HarnessSupport;

namespace {

constexpr int ReadyTimeoutMs = 90'000;
constexpr int ShutdownGraceMs = 30'000;
constexpr int RequestTimeoutMs = 15'000;
// Debian's wrapper in /usr/sbin switches to the rabbitmq user and the system's folders; the real script does not.
const QString DefaultServerScript = u"/usr/lib/rabbitmq/bin/rabbitmq-server"_s;

bool writeFile(const QString& fileName, const QByteArray& text, QString* error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) < 0) {
        *error = fileName + u": "_s + file.errorString();
        return false;
    }
    return true;
}

QString vhostPath(const QString& vhost) { return QString::fromLatin1(QUrl::toPercentEncoding(vhost)); }

} // namespace

RabbitHarness::RabbitHarness() = default;

RabbitHarness::~RabbitHarness() { stop(); }

bool RabbitHarness::start(QString* error)
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
    if (!locateServer(&failure))
        return fail(u"RabbitMQ is missing"_s);
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/meshscope-rabbit-XXXXXX"_s);
    if (!m_dir->isValid()) {
        failure = m_dir->errorString();
        return fail(u"cannot create a temporary folder"_s);
    }
    const QList<quint16> ports = freePorts(4);
    if (ports.size() != 4) {
        failure = u"no free loopback port"_s;
        return fail(u"cannot start"_s);
    }
    m_amqpPort = ports[0];
    m_managementPort = ports[1];
    m_distPort = ports[2];
    m_epmdPort = ports[3];
    m_nodeName = u"meshscope-%1@localhost"_s.arg(randomHex(4));
    m_user = u"meshscope-%1"_s.arg(randomHex(3));
    m_password = randomHex(12);
    m_network = std::make_unique<QNetworkAccessManager>();
    if (!writeConfiguration(&failure))
        return fail(u"cannot write the configuration"_s);
    if (!startEpmd(&failure))
        return fail(u"epmd did not start"_s);
    QElapsedTimer step;
    step.start();
    if (!startNode(&failure))
        return fail(u"RabbitMQ did not start"_s);
    qInfo("RabbitHarness: node %s ready with AMQP on %u and the management API at %s in %lld ms (node %lld ms); "
          "files in %s",
        qPrintable(m_nodeName), m_amqpPort, qPrintable(managementUrl().toString()), total.elapsed(), step.elapsed(),
        qPrintable(m_dir->path()));
    return true;
}

void RabbitHarness::stop()
{
    // The database goes away with the folder: no need to let the node stop cleanly.
    stopProcess(m_node, 0);
    stopProcess(m_epmd, 0);
    m_network.reset();
    m_dir.reset();
}

bool RabbitHarness::isRunning() const
{
    return m_node && m_epmd && m_node->state() == QProcess::Running && m_epmd->state() == QProcess::Running;
}

bool RabbitHarness::shutDown(QString* error)
{
    if (!m_dir) {
        *error = u"the harness is not running"_s;
        return false;
    }
    if (!m_node || m_node->state() == QProcess::NotRunning) {
        m_node.reset();
        return true;
    }
    QElapsedTimer timer;
    timer.start();
    // The Erlang runtime stops the node in order on SIGTERM.
    m_node->terminate();
    if (!m_node->waitForFinished(ShutdownGraceMs)) {
        stopProcess(m_node, 0);
        *error = u"the node did not stop within %1 s and was killed"_s.arg(ShutdownGraceMs / 1000);
        return false;
    }
    m_node.reset();
    qInfo("RabbitHarness: node stopped in %lld ms", timer.elapsed());
    return true;
}

bool RabbitHarness::restart(QString* error)
{
    if (!shutDown(error))
        return false;
    // Connections to the old node are dead; a fresh manager does not try them first.
    m_network = std::make_unique<QNetworkAccessManager>();
    QElapsedTimer timer;
    timer.start();
    QString failure;
    if (!startNode(&failure)) {
        *error = u"the node did not come back: "_s + failure;
        return false;
    }
    qInfo("RabbitHarness: node back in %lld ms", timer.elapsed());
    return true;
}

quint16 RabbitHarness::amqpPort() const { return m_amqpPort; }

QUrl RabbitHarness::amqpUrl() const
{
    QUrl url;
    url.setScheme(u"amqp"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_amqpPort);
    url.setUserName(m_user);
    url.setPassword(m_password);
    url.setPath(u"/"_s);
    return url;
}

QUrl RabbitHarness::managementUrl() const { return QUrl(u"http://127.0.0.1:%1/"_s.arg(m_managementPort)); }

QString RabbitHarness::user() const { return m_user; }

QString RabbitHarness::password() const { return m_password; }

QString RabbitHarness::nodeName() const { return m_nodeName; }

QString RabbitHarness::logFile() const { return path(u"rabbit.log"_s); }

QList<qint64> RabbitHarness::processIds() const
{
    QList<qint64> ids;
    for (const auto* process : { m_node.get(), m_epmd.get() }) {
        if (process && process->state() != QProcess::NotRunning)
            ids.append(process->processId());
    }
    return ids;
}

QNetworkRequest RabbitHarness::managementRequest(const QString& pathAndQuery) const
{
    QNetworkRequest request(managementUrl().resolved(QUrl(pathAndQuery)));
    request.setRawHeader("Authorization", "Basic " + (m_user + u':' + m_password).toUtf8().toBase64());
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(RequestTimeoutMs);
    return request;
}

RabbitHarness::Reply RabbitHarness::management(
    const QByteArray& verb, const QString& pathAndQuery, const QByteArray& body)
{
    if (!m_network)
        return { 0, {}, u"the harness is not running"_s };
    QNetworkRequest request = managementRequest(pathAndQuery);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const std::unique_ptr<QNetworkReply> reply(m_network->sendCustomRequest(request, verb, body));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
        reply->error() == QNetworkReply::NoError ? QString() : reply->errorString() };
}

bool RabbitHarness::declareQueue(const QString& queue, QString* error, const QString& vhost)
{
    const QJsonObject body { { u"durable"_s, true }, { u"auto_delete"_s, false },
        { u"arguments"_s, QJsonObject { { u"x-queue-type"_s, u"classic"_s } } } };
    const QString target = u"api/queues/%1/%2"_s.arg(vhostPath(vhost), vhostPath(queue));
    const Reply reply = management("PUT", target, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (reply.status != 201 && reply.status != 204) {
        *error = u"PUT %1: %2 %3 %4"_s.arg(target).arg(reply.status).arg(reply.error, QString::fromUtf8(reply.body));
        return false;
    }
    return true;
}

bool RabbitHarness::publish(const QString& exchange, const QString& routingKey, const QByteArray& payload, bool* routed,
    QString* error, const QString& vhost)
{
    // Persistent, as the Knative RabbitMQ broker's messages are: they survive a restart in a durable queue.
    const QJsonObject body { { u"properties"_s, QJsonObject { { u"delivery_mode"_s, 2 } } },
        { u"routing_key"_s, routingKey }, { u"payload"_s, QString::fromLatin1(payload.toBase64()) },
        { u"payload_encoding"_s, u"base64"_s } };
    // The management API names the default exchange "amq.default".
    const QString target = u"api/exchanges/%1/%2/publish"_s.arg(
        vhostPath(vhost), vhostPath(exchange.isEmpty() ? u"amq.default"_s : exchange));
    const Reply reply = management("POST", target, QJsonDocument(body).toJson(QJsonDocument::Compact));
    const QJsonDocument answer = QJsonDocument::fromJson(reply.body);
    if (reply.status != 200 || !answer[u"routed"].isBool()) {
        *error = u"POST %1: %2 %3 %4"_s.arg(target).arg(reply.status).arg(reply.error, QString::fromUtf8(reply.body));
        return false;
    }
    *routed = answer[u"routed"].toBool();
    return true;
}

bool RabbitHarness::locateServer(QString* error)
{
    // Set by a developer whose RabbitMQ is elsewhere; the script must be the server's own, not a wrapper that
    // switches users.
    m_serverScript = qEnvironmentVariable("MESHSCOPE_RABBITMQ_SERVER", DefaultServerScript);
    if (!QFileInfo(m_serverScript).isExecutable()) {
        *error = u"no %1: install Debian's rabbitmq-server (packaging/install-deps.sh)"_s.arg(m_serverScript);
        return false;
    }
    if (QStandardPaths::findExecutable(u"epmd"_s).isEmpty()) {
        *error = u"no epmd on PATH (Debian package erlang-base)"_s;
        return false;
    }
    return true;
}

bool RabbitHarness::writeConfiguration(QString* error)
{
    const QByteArray config = u"listeners.tcp.1 = 127.0.0.1:%1\n"
                              "management.tcp.ip = 127.0.0.1\n"
                              "management.tcp.port = %2\n"
                              "default_vhost = /\n"
                              "default_user = %3\n"
                              "default_pass = %4\n"
                              "default_user_tags.administrator = true\n"
                              "default_permissions.configure = .*\n"
                              "default_permissions.read = .*\n"
                              "default_permissions.write = .*\n"
                              // Queue depths and rates in the management API follow within half a second.
                              "collect_statistics_interval = 500\n"
                              "log.console = false\n"
                              "log.file.level = info\n"_s.arg(m_amqpPort)
                                  .arg(m_managementPort)
                                  .arg(m_user, m_password)
                                  .toUtf8();
    return writeFile(path(u"rabbitmq.conf"_s), config, error)
        && writeFile(path(u"enabled_plugins"_s), "[rabbitmq_management].\n", error);
}

bool RabbitHarness::startEpmd(QString* error)
{
    // An epmd of its own: one that the node started would outlive the test as a daemon.
    m_epmd = launch(u"epmd"_s, { u"-port"_s, QString::number(m_epmdPort), u"-address"_s, u"127.0.0.1"_s },
        m_dir->path(), path(u"epmd.log"_s));
    const bool ready = poll(
        ReadyTimeoutMs,
        [&](QString* failure) {
            if (m_epmd->state() == QProcess::NotRunning) {
                *failure = u"epmd exited: "_s + logTail(path(u"epmd.log"_s));
                return false;
            }
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_epmdPort);
            return socket.waitForConnected(1000);
        },
        error);
    if (!ready && error->isEmpty())
        *error = u"epmd not listening on %1 after %2 s"_s.arg(m_epmdPort).arg(ReadyTimeoutMs / 1000);
    return ready;
}

bool RabbitHarness::startNode(QString* error)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Whatever the developer's shell sets for another RabbitMQ must not leak into this node.
    const QStringList inherited = environment.keys();
    for (const QString& key : inherited) {
        if (key.startsWith(u"RABBITMQ_"_s) || key.startsWith(u"ERL_"_s))
            environment.remove(key);
    }
    const QString dir = m_dir->path();
    // The Erlang cookie is created in HOME: a fresh one per harness.
    environment.insert(u"HOME"_s, dir);
    environment.insert(u"ERL_EPMD_PORT"_s, QString::number(m_epmdPort));
    environment.insert(u"RABBITMQ_NODENAME"_s, m_nodeName);
    environment.insert(u"RABBITMQ_NODE_IP_ADDRESS"_s, u"127.0.0.1"_s);
    environment.insert(u"RABBITMQ_NODE_PORT"_s, QString::number(m_amqpPort));
    environment.insert(u"RABBITMQ_DIST_PORT"_s, QString::number(m_distPort));
    environment.insert(u"RABBITMQ_MNESIA_BASE"_s, path(u"mnesia"_s));
    environment.insert(u"RABBITMQ_LOG_BASE"_s, path(u"log"_s));
    environment.insert(u"RABBITMQ_LOGS"_s, logFile());
    environment.insert(u"RABBITMQ_CONFIG_FILE"_s, path(u"rabbitmq.conf"_s));
    // Files that do not exist: the system's /etc/rabbitmq must not configure this node.
    environment.insert(u"RABBITMQ_ADVANCED_CONFIG_FILE"_s, path(u"advanced.config"_s));
    environment.insert(u"RABBITMQ_CONF_ENV_FILE"_s, path(u"rabbitmq-env.conf"_s));
    environment.insert(u"RABBITMQ_ENABLED_PLUGINS_FILE"_s, path(u"enabled_plugins"_s));
    // With input allowed the script execs the Erlang runtime instead of running it in the background, so the
    // node keeps the parent-death signal; -noinput keeps it from reading a console all the same.
    environment.insert(u"RABBITMQ_ALLOW_INPUT"_s, u"1"_s);
    environment.insert(
        u"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"_s, u"-noinput -kernel inet_dist_use_interface {127,0,0,1}"_s);
    m_node = launch(m_serverScript, {}, dir, path(u"rabbit.out"_s), environment);

    const auto diagnostics = [this] { return logTail(path(u"rabbit.out"_s)) + u'\n' + logTail(logFile()); };
    const bool ready = poll(
        ReadyTimeoutMs,
        [&](QString* failure) {
            if (m_node->state() == QProcess::NotRunning) {
                *failure = u"the node exited: "_s + diagnostics();
                return false;
            }
            const Reply reply = management("GET", u"api/overview"_s);
            if (reply.status == 401) {
                *failure = u"the management API refuses the generated user: "_s + QString::fromUtf8(reply.body);
                return false;
            }
            return reply.status == 200;
        },
        error);
    if (!ready && error->isEmpty())
        *error = u"the management API did not answer after %1 s: "_s.arg(ReadyTimeoutMs / 1000) + diagnostics();
    return ready;
}

QString RabbitHarness::path(const QString& name) const
{
    return m_dir ? QDir(m_dir->path()).filePath(name) : QString();
}
