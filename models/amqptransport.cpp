// SPDX-License-Identifier: Apache-2.0
#include "amqptransport.h"

#include "backgroundworkers.h"
#include "cloudeventvalidator.h"

#include <QTcpSocket>

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <openssl/ssl.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr amqp_channel_t Channel = 1;
// Messages written and awaiting their confirm; more wait in the queue.
constexpr std::size_t Window = 256;
constexpr int FrameMax = 131072;
constexpr timeval ConnectTimeout { 10, 0 };
constexpr timeval RpcTimeout { 10, 0 };
constexpr timeval PollInterval { 0, 20'000 };
constexpr auto ConfirmTimeout = std::chrono::seconds(30);
// What an unset time becomes in the ingress: Go's zero time.Time, formatted with RFC3339Nano.
const QString GoZeroTime = u"0001-01-01T00:00:00Z"_s;

qint64 millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

amqp_bytes_t bytesOf(const QByteArray& bytes)
{
    // librabbitmq never writes through the pointer of a message it sends.
    return { std::size_t(bytes.size()), const_cast<char*>(bytes.constData()) };
}

QString textOf(amqp_bytes_t bytes)
{
    return QString::fromUtf8(static_cast<const char*>(bytes.bytes), qsizetype(bytes.len));
}

QString libraryError(int status) { return QString::fromUtf8(amqp_error_string2(status)); }

// "404 NOT_FOUND - no exchange 'x' in vhost '/'" from a server's connection.close or channel.close.
QString closeReason(const amqp_method_t& method)
{
    if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
        return QString::number(close->reply_code) % u' ' % textOf(close->reply_text);
    }
    if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
        return QString::number(close->reply_code) % u' ' % textOf(close->reply_text);
    }
    return u"unexpected method 0x%1"_s.arg(uint(method.id), 8, 16, QChar(u'0'));
}

// librabbitmq reports any failed connect as "a socket error": a second attempt says which ("Connection refused").
std::optional<QString> socketError(const QString& host, int port)
{
    QTcpSocket socket;
    socket.connectToHost(host, quint16(port));
    if (socket.waitForConnected(int(ConnectTimeout.tv_sec) * 1000))
        return std::nullopt;
    return socket.errorString();
}

QString describeReply(const amqp_rpc_reply_t& reply)
{
    switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return {};
    case AMQP_RESPONSE_NONE:
        return u"no answer"_s;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        return libraryError(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        return closeReason(reply.reply);
    }
    return u"unknown reply"_s;
}

} // namespace

struct AmqpTransport::Private {
    struct Job {
        quint64 id = 0;
        QString exchange;
        AmqpMessage message;
        Clock::time_point published;
        quint64 generation = 0;
    };

    AmqpTransport* q = nullptr;
    const AmqpConnection connection;
    const QString where; // "RabbitMQ at host:port", for messages

    std::mutex mutex; // guards what follows up to the worker's own state
    std::condition_variable wake;
    std::deque<Job> queue;
    quint64 nextId = 1;
    quint64 generation = 0; // raised by cancelAll()
    bool stopping = false;

    // The worker's own state.
    amqp_connection_state_t conn = nullptr;
    bool channelOpen = false;
    uint64_t nextTag = 1;
    std::map<uint64_t, Job> outstanding; // by delivery tag
    QString outstandingExchange;
    Clock::time_point lastProgress;

    explicit Private(AmqpConnection c)
        : connection(std::move(c))
        , where(u"RabbitMQ at %1:%2"_s.arg(connection.host).arg(connection.port))
    {
    }

    void report(quint64 id, const QString& exchange, Clock::time_point published, const QString& error);
    void run();
    bool takeJob(Job* job);
    void publishJob(Job job);
    void failQueued(const QString& error);
    void failOutstanding(const QString& error);
    void readConfirms();
    void settle(uint64_t tag, bool multiple, bool ack);
    void handleServerClose(const amqp_method_t& method);
    bool stillAlive();
    QString ensureConnected();
    QString connect();
    QString openChannel();
    void disconnect(bool politely);
};

void AmqpTransport::Private::report(
    quint64 id, const QString& exchange, Clock::time_point published, const QString& error)
{
    DeliveryResult result;
    result.ok = error.isEmpty();
    result.error = error;
    result.target = exchange;
    result.latencyMs = millisecondsSince(published);
    const std::lock_guard lock(mutex);
    // After the destructor set stopping, q may be gone: nothing is posted to it any more.
    if (stopping)
        return;
    QMetaObject::invokeMethod(
        q, [q = q, id, result = std::move(result)] { Q_EMIT q->delivered(id, result); }, Qt::QueuedConnection);
}

void AmqpTransport::Private::run()
{
    for (;;) {
        Job job;
        bool have = false;
        {
            std::unique_lock lock(mutex);
            if (outstanding.empty())
                wake.wait(lock, [this] { return stopping || !queue.empty(); });
            if (stopping)
                break;
            have = takeJob(&job);
        }
        if (have)
            publishJob(std::move(job));
        else
            readConfirms();
    }
    disconnect(true);
}

// Under the lock: the next job, unless it must wait for the confirms of earlier ones.
bool AmqpTransport::Private::takeJob(Job* job)
{
    if (queue.empty())
        return false;
    if (!outstanding.empty() && (outstanding.size() >= Window || queue.front().exchange != outstandingExchange))
        return false;
    *job = std::move(queue.front());
    queue.pop_front();
    return true;
}

void AmqpTransport::Private::publishJob(Job job)
{
    if (const QString error = ensureConnected(); !error.isEmpty()) {
        // Whatever waits behind it would meet the same failure; the next publish tries again.
        report(job.id, job.exchange, job.published, error);
        failQueued(error);
        return;
    }
    bool cancelled = false;
    {
        const std::lock_guard lock(mutex);
        cancelled = job.generation != generation;
    }
    if (cancelled) {
        report(job.id, job.exchange, job.published, u"cancelled"_s);
        return;
    }
    const AmqpMessage& message = job.message;
    std::vector<amqp_table_entry_t> entries;
    entries.reserve(std::size_t(message.headers.size()));
    for (const auto& [name, value] : message.headers) {
        amqp_table_entry_t entry {};
        entry.key = bytesOf(name);
        entry.value.kind = AMQP_FIELD_KIND_UTF8;
        entry.value.value.bytes = bytesOf(value);
        entries.push_back(entry);
    }
    amqp_basic_properties_t properties {};
    properties._flags = AMQP_BASIC_HEADERS_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
    properties.headers = { int(entries.size()), entries.data() };
    properties.delivery_mode = message.deliveryMode;
    if (!message.contentType.isEmpty()) {
        properties._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
        properties.content_type = bytesOf(message.contentType);
    }
    if (!message.messageId.isEmpty()) {
        properties._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        properties.message_id = bytesOf(message.messageId);
    }
    const QByteArray exchange = job.exchange.toUtf8();
    const int status = amqp_basic_publish(
        conn, Channel, bytesOf(exchange), amqp_empty_bytes, 0, 0, &properties, bytesOf(message.body));
    if (status != AMQP_STATUS_OK) {
        const QString error = u"connection to "_s % where % u" lost: "_s % libraryError(status);
        report(job.id, job.exchange, job.published, error);
        failOutstanding(error);
        disconnect(false);
        return;
    }
    if (outstanding.empty())
        lastProgress = Clock::now();
    outstandingExchange = job.exchange;
    outstanding.emplace(nextTag++, std::move(job));
}

void AmqpTransport::Private::failQueued(const QString& error)
{
    std::deque<Job> failed;
    {
        const std::lock_guard lock(mutex);
        failed.swap(queue);
    }
    for (const Job& job : failed)
        report(job.id, job.exchange, job.published, error);
}

void AmqpTransport::Private::failOutstanding(const QString& error)
{
    for (const auto& [tag, job] : outstanding)
        report(job.id, job.exchange, job.published, error);
    outstanding.clear();
}

void AmqpTransport::Private::readConfirms()
{
    amqp_frame_t frame;
    timeval timeout = PollInterval;
    const int status = amqp_simple_wait_frame_noblock(conn, &frame, &timeout);
    if (status == AMQP_STATUS_TIMEOUT) {
        if (Clock::now() - lastProgress > ConfirmTimeout) {
            failOutstanding(where % u" did not confirm the message within %1 s"_s.arg(ConfirmTimeout.count()));
            disconnect(false);
        }
        return;
    }
    if (status != AMQP_STATUS_OK) {
        failOutstanding(u"connection to "_s % where % u" lost: "_s % libraryError(status));
        disconnect(false);
        return;
    }
    if (frame.frame_type == AMQP_FRAME_METHOD) {
        const amqp_method_t& method = frame.payload.method;
        switch (method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
            settle(ack->delivery_tag, ack->multiple, true);
            break;
        }
        case AMQP_BASIC_NACK_METHOD: {
            const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
            settle(nack->delivery_tag, nack->multiple, false);
            break;
        }
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
            handleServerClose(method);
            return;
        default:
            break;
        }
    }
    if (conn && !amqp_frames_enqueued(conn) && !amqp_data_in_buffer(conn))
        amqp_maybe_release_buffers(conn);
}

void AmqpTransport::Private::settle(uint64_t tag, bool multiple, bool ack)
{
    const auto end = outstanding.upper_bound(tag);
    auto it = multiple ? outstanding.begin() : outstanding.find(tag);
    if (it == outstanding.end())
        return;
    const auto last = multiple ? end : std::next(it);
    for (; it != last; ++it) {
        const Job& job = it->second;
        // A nack means the server could not take responsibility for the message (an internal error in a queue).
        report(job.id, job.exchange, job.published,
            ack ? QString() : QString(where % u" refused the message (basic.nack): it was not stored"_s));
    }
    outstanding.erase(multiple ? outstanding.begin() : outstanding.find(tag), last);
    lastProgress = Clock::now();
}

void AmqpTransport::Private::handleServerClose(const amqp_method_t& method)
{
    const QString reason = closeReason(method);
    if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
        QString error;
        if (close->reply_code == AMQP_NOT_FOUND && close->class_id == 60 && close->method_id == 40)
            error = u"exchange \"%1\" does not exist in virtual host \"%2\" of "_s.arg(
                        outstandingExchange, connection.vhost)
                % where % u" ("_s % reason % u')';
        else
            error = where % u" closed the channel: "_s % reason;
        amqp_channel_close_ok_t ok {};
        channelOpen = false;
        failOutstanding(error);
        // The channel number is free again once the close is acknowledged.
        if (amqp_send_method(conn, Channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok) != AMQP_STATUS_OK)
            disconnect(false);
        return;
    }
    amqp_connection_close_ok_t ok {};
    amqp_send_method(conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    failOutstanding(where % u" closed the connection: "_s % reason);
    disconnect(false);
}

// Before the first message after a pause: the server may have closed the idle connection (restart, forced close).
bool AmqpTransport::Private::stillAlive()
{
    for (;;) {
        amqp_frame_t frame;
        timeval now { 0, 0 };
        const int status = amqp_simple_wait_frame_noblock(conn, &frame, &now);
        if (status == AMQP_STATUS_TIMEOUT)
            return true;
        if (status != AMQP_STATUS_OK)
            return false;
        if (frame.frame_type != AMQP_FRAME_METHOD)
            continue;
        if (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
            amqp_connection_close_ok_t ok {};
            amqp_send_method(conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
            return false;
        }
        if (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD) {
            amqp_channel_close_ok_t ok {};
            channelOpen = false;
            if (amqp_send_method(conn, Channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok) != AMQP_STATUS_OK)
                return false;
        }
    }
}

QString AmqpTransport::Private::ensureConnected()
{
    if (conn && outstanding.empty() && !stillAlive())
        disconnect(false);
    if (!conn) {
        if (QString error = connect(); !error.isEmpty()) {
            disconnect(false);
            return error;
        }
    }
    if (!channelOpen) {
        if (QString error = openChannel(); !error.isEmpty()) {
            disconnect(false);
            return error;
        }
    }
    return {};
}

QString AmqpTransport::Private::connect()
{
    const QString cannot = u"cannot connect to "_s % where % u": "_s;
    conn = amqp_new_connection();
    if (!conn)
        return cannot % u"out of memory"_s;
    amqp_socket_t* socket = connection.tls ? amqp_ssl_socket_new(conn) : amqp_tcp_socket_new(conn);
    if (!socket)
        return cannot % u"cannot create the socket"_s;
    if (connection.tls) {
        amqp_ssl_socket_set_verify_peer(socket, 1);
        amqp_ssl_socket_set_verify_hostname(socket, 1);
        if (!connection.caFile.isEmpty()) {
            if (amqp_ssl_socket_set_cacert(socket, connection.caFile.toLocal8Bit().constData()) != AMQP_STATUS_OK)
                return cannot % u"cannot read the CA certificates in "_s % connection.caFile;
        } else {
            // librabbitmq trusts nothing by itself.
            SSL_CTX_set_default_verify_paths(static_cast<SSL_CTX*>(amqp_ssl_socket_get_context(socket)));
        }
    }
    timeval connectTimeout = ConnectTimeout;
    const int status
        = amqp_socket_open_noblock(socket, connection.host.toUtf8().constData(), connection.port, &connectTimeout);
    if (status != AMQP_STATUS_OK) {
        QString reason = libraryError(status);
        if (status == AMQP_STATUS_SOCKET_ERROR)
            reason = socketError(connection.host, connection.port).value_or(reason);
        else if (status == AMQP_STATUS_TIMEOUT)
            reason = u"no answer within %1 s"_s.arg(ConnectTimeout.tv_sec);
        return cannot % reason;
    }
    timeval rpcTimeout = RpcTimeout;
    amqp_set_handshake_timeout(conn, &rpcTimeout);
    amqp_set_rpc_timeout(conn, &rpcTimeout);

    // Wrong credentials then end in a connection.close with ACCESS_REFUSED rather than a bare closed socket.
    amqp_table_entry_t capability {};
    capability.key = amqp_cstring_bytes("authentication_failure_close");
    capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability.value.value.boolean = 1;
    amqp_table_entry_t properties[2] {};
    properties[0].key = amqp_cstring_bytes("capabilities");
    properties[0].value.kind = AMQP_FIELD_KIND_TABLE;
    properties[0].value.value.table = { 1, &capability };
    properties[1].key = amqp_cstring_bytes("connection_name");
    properties[1].value.kind = AMQP_FIELD_KIND_UTF8;
    properties[1].value.value.bytes = amqp_cstring_bytes("Meshscope publisher");
    const amqp_table_t table { 2, properties };
    const amqp_rpc_reply_t reply
        = amqp_login_with_properties(conn, connection.vhost.toUtf8().constData(), 0, FrameMax, 0, &table,
            AMQP_SASL_METHOD_PLAIN, connection.user.toUtf8().constData(), connection.password.toUtf8().constData());
    if (reply.reply_type == AMQP_RESPONSE_NORMAL)
        return {};
    const QString login = where % u" refused the login of user \""_s % connection.user % u"\" to virtual host \""_s
        % connection.vhost % u"\": "_s;
    if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION)
        return login % describeReply(reply);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_CONNECTION_CLOSED)
        return login % u"the server closed the connection (wrong user name or password?)"_s;
    return cannot % u"login failed: "_s % describeReply(reply);
}

QString AmqpTransport::Private::openChannel()
{
    amqp_channel_open(conn, Channel);
    amqp_rpc_reply_t reply = amqp_get_rpc_reply(conn);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL)
        return where % u": cannot open a channel: "_s % describeReply(reply);
    amqp_confirm_select(conn, Channel);
    reply = amqp_get_rpc_reply(conn);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL)
        return where % u": cannot turn on publisher confirms: "_s % describeReply(reply);
    channelOpen = true;
    nextTag = 1;
    return {};
}

void AmqpTransport::Private::disconnect(bool politely)
{
    if (!conn)
        return;
    if (politely) {
        // A server that does not answer holds the closing thread no longer than this.
        timeval quick { 1, 0 };
        amqp_set_rpc_timeout(conn, &quick);
        if (channelOpen)
            amqp_channel_close(conn, Channel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(conn);
    conn = nullptr;
    channelOpen = false;
    outstandingExchange.clear();
}

AmqpTransport::AmqpTransport(AmqpConnection connection, QObject* parent)
    : QObject(parent)
    , d(std::make_shared<Private>(std::move(connection)))
{
    qRegisterMetaType<DeliveryResult>();
    d->q = this;
    BackgroundWorkers::start([d = d] { d->run(); });
}

AmqpTransport::~AmqpTransport()
{
    // The worker keeps its own reference to the shared state, closes the connection (or finishes a blocking connect)
    // on its own, and never touches this object again.
    const std::lock_guard lock(d->mutex);
    d->stopping = true;
    d->wake.notify_all();
}

quint64 AmqpTransport::publish(const QString& exchange, const CloudEvent& event)
{
    const auto published = Clock::now();
    quint64 id = 0;
    {
        const std::lock_guard lock(d->mutex);
        id = d->nextId++;
    }
    if (const auto issues = CloudEventValidator::validate(event); !issues.isEmpty()) {
        d->report(id, exchange, published,
            u"invalid event, not sent: "_s % issues.constFirst().field % u": "_s % issues.constFirst().message);
        return id;
    }
    AmqpMessage message = encode(event);
    const std::lock_guard lock(d->mutex);
    d->queue.push_back({ id, exchange, std::move(message), published, d->generation });
    d->wake.notify_all();
    return id;
}

void AmqpTransport::cancelAll()
{
    std::deque<Private::Job> cancelled;
    {
        const std::lock_guard lock(d->mutex);
        cancelled.swap(d->queue);
        ++d->generation;
    }
    for (const Private::Job& job : cancelled)
        d->report(job.id, job.exchange, job.published, u"cancelled"_s);
}

AmqpMessage AmqpTransport::encode(const CloudEvent& event)
{
    AmqpMessage message;
    const auto add = [&message](const char* name, const QString& value) {
        message.headers.append({ QByteArray(name), value.toUtf8() });
    };
    add("content-type", event.dataContentType);
    add("specversion", event.specVersion);
    add("time", event.attribute(u"time"_s).value_or(GoZeroTime));
    add("id", event.id);
    for (const char* name : { "type", "source", "subject", "dataschema" }) {
        if (const auto value = event.attribute(QString::fromLatin1(name)); value && !value->isEmpty())
            add(name, *value);
    }
    // As the ingress receives them over HTTP, every extension is a string in its canonical form.
    for (auto it = event.extensions.cbegin(); it != event.extensions.cend(); ++it)
        message.headers.append({ it.key().toUtf8(), cloudEventValueToString(it.value()).toUtf8() });
    message.contentType = event.dataContentType.toUtf8();
    message.messageId = event.id.toUtf8();
    message.body = event.data;
    return message;
}
