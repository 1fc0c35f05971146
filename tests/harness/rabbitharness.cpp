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

#include <amqp.h>
#include <amqp_tcp_socket.h>

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
    return declareQueue(queue, QJsonObject(), error, vhost);
}

bool RabbitHarness::declareQueue(
    const QString& queue, const QJsonObject& arguments, QString* error, const QString& vhost)
{
    QJsonObject all = arguments;
    all.insert(u"x-queue-type"_s, u"classic"_s);
    const QJsonObject body { { u"durable"_s, true }, { u"auto_delete"_s, false }, { u"arguments"_s, all } };
    const QString target = u"api/queues/%1/%2"_s.arg(vhostPath(vhost), vhostPath(queue));
    const Reply reply = management("PUT", target, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (reply.status != 201 && reply.status != 204) {
        *error = u"PUT %1: %2 %3 %4"_s.arg(target).arg(reply.status).arg(reply.error, QString::fromUtf8(reply.body));
        return false;
    }
    return true;
}

bool RabbitHarness::declareExchange(const QString& exchange, const QString& type, QString* error, const QString& vhost)
{
    const QJsonObject body { { u"type"_s, type }, { u"durable"_s, true }, { u"auto_delete"_s, false } };
    const QString target = u"api/exchanges/%1/%2"_s.arg(vhostPath(vhost), vhostPath(exchange));
    const Reply reply = management("PUT", target, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (reply.status != 201 && reply.status != 204) {
        *error = u"PUT %1: %2 %3 %4"_s.arg(target).arg(reply.status).arg(reply.error, QString::fromUtf8(reply.body));
        return false;
    }
    return true;
}

bool RabbitHarness::bindQueue(
    const QString& exchange, const QString& queue, const QJsonObject& arguments, QString* error, const QString& vhost)
{
    const QJsonObject body { { u"routing_key"_s, QString() }, { u"arguments"_s, arguments } };
    const QString target = u"api/bindings/%1/e/%2/q/%3"_s.arg(vhostPath(vhost), vhostPath(exchange), vhostPath(queue));
    const Reply reply = management("POST", target, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (reply.status != 201) {
        *error = u"POST %1: %2 %3 %4"_s.arg(target).arg(reply.status).arg(reply.error, QString::fromUtf8(reply.body));
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

namespace {

constexpr amqp_channel_t ConsumerChannel = 1;

QByteArray bytesOf(amqp_bytes_t bytes)
{
    return QByteArray(static_cast<const char*>(bytes.bytes), qsizetype(bytes.len));
}

QString replyText(const amqp_rpc_reply_t& reply)
{
    switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return {};
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        return QString::fromUtf8(amqp_error_string2(reply.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD)
            return QString::fromUtf8(bytesOf(static_cast<amqp_connection_close_t*>(reply.reply.decoded)->reply_text));
        if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD)
            return QString::fromUtf8(bytesOf(static_cast<amqp_channel_close_t*>(reply.reply.decoded)->reply_text));
        return u"server exception"_s;
    case AMQP_RESPONSE_NONE:
        break;
    }
    return u"no reply"_s;
}

// The value of a header as text: long strings as they are, other kinds in a readable form.
QByteArray fieldText(const amqp_field_value_t& value)
{
    switch (value.kind) {
    case AMQP_FIELD_KIND_UTF8:
    case AMQP_FIELD_KIND_BYTES:
        return bytesOf(value.value.bytes);
    case AMQP_FIELD_KIND_BOOLEAN:
        return value.value.boolean ? "true" : "false";
    case AMQP_FIELD_KIND_I32:
        return QByteArray::number(value.value.i32);
    case AMQP_FIELD_KIND_I64:
        return QByteArray::number(qint64(value.value.i64));
    default:
        return "<kind " + QByteArray(1, char(value.kind)) + '>';
    }
}

} // namespace

struct RabbitConsumer::Connection {
    amqp_connection_state_t state = amqp_new_connection();
    ~Connection()
    {
        amqp_channel_close(state, ConsumerChannel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(state, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(state);
    }
};

RabbitConsumer::RabbitConsumer() = default;

RabbitConsumer::~RabbitConsumer() = default;

void RabbitConsumer::close() { m_connection.reset(); }

bool RabbitConsumer::start(const RabbitHarness& harness, const QString& queue, int prefetch, QString* error)
{
    m_connection = std::make_unique<Connection>();
    amqp_connection_state_t state = m_connection->state;
    amqp_socket_t* socket = amqp_tcp_socket_new(state);
    if (const int status = amqp_socket_open(socket, "127.0.0.1", harness.amqpPort()); status != AMQP_STATUS_OK) {
        *error = u"consumer cannot connect: "_s + QString::fromUtf8(amqp_error_string2(status));
        return false;
    }
    amqp_rpc_reply_t reply = amqp_login(state, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN,
        harness.user().toUtf8().constData(), harness.password().toUtf8().constData());
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        amqp_channel_open(state, ConsumerChannel);
        reply = amqp_get_rpc_reply(state);
    }
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        amqp_basic_qos(state, ConsumerChannel, 0, uint16_t(prefetch), 0);
        reply = amqp_get_rpc_reply(state);
    }
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        const QByteArray name = queue.toUtf8();
        amqp_basic_consume(state, ConsumerChannel, { std::size_t(name.size()), const_cast<char*>(name.constData()) },
            amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
        reply = amqp_get_rpc_reply(state);
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
        *error = u"consumer cannot consume "_s + queue + u": "_s + replyText(reply);
        return false;
    }
    return true;
}

std::optional<RabbitDelivery> RabbitConsumer::next(int timeoutMs, QString* error)
{
    if (!m_connection) {
        *error = u"not started"_s;
        return std::nullopt;
    }
    amqp_connection_state_t state = m_connection->state;
    amqp_maybe_release_buffers(state);
    amqp_envelope_t envelope {};
    timeval timeout { timeoutMs / 1000, (timeoutMs % 1000) * 1000 };
    const amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &timeout, 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
        *error = u"no delivery: "_s + replyText(reply);
        return std::nullopt;
    }
    RabbitDelivery delivery;
    delivery.deliveryTag = envelope.delivery_tag;
    delivery.exchange = bytesOf(envelope.exchange);
    delivery.routingKey = bytesOf(envelope.routing_key);
    const amqp_basic_properties_t& properties = envelope.message.properties;
    if (properties._flags & AMQP_BASIC_HEADERS_FLAG) {
        for (int i = 0; i < properties.headers.num_entries; ++i) {
            const amqp_table_entry_t& entry = properties.headers.entries[i];
            delivery.headers.append({ bytesOf(entry.key), fieldText(entry.value) });
            delivery.headerKinds.append(char(entry.value.kind));
        }
    }
    if (properties._flags & AMQP_BASIC_CONTENT_TYPE_FLAG)
        delivery.contentType = bytesOf(properties.content_type);
    if (properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG)
        delivery.messageId = bytesOf(properties.message_id);
    if (properties._flags & AMQP_BASIC_DELIVERY_MODE_FLAG)
        delivery.deliveryMode = properties.delivery_mode;
    delivery.body = bytesOf(envelope.message.body);
    amqp_destroy_envelope(&envelope);
    return delivery;
}

bool RabbitConsumer::ack(quint64 deliveryTag, QString* error)
{
    if (!m_connection || amqp_basic_ack(m_connection->state, ConsumerChannel, deliveryTag, 0) != AMQP_STATUS_OK) {
        *error = u"cannot acknowledge"_s;
        return false;
    }
    return true;
}
