// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>
#include <utility>

class QNetworkAccessManager;
class QProcess;
class QTemporaryDir;

// A real RabbitMQ server from Debian's rabbitmq-server with the management plugin, started and stopped by a test.
// It is a node of its own (meshscope-<random>@localhost) with its own Erlang port mapper (epmd) on a free port, its
// own cookie, database, logs and configuration in a temporary folder, so neither a system instance of RabbitMQ nor
// another test's node is touched. AMQP, the management API, Erlang distribution and epmd listen on free loopback
// ports. One generated administrator user with a random password; there is no guest user. Queue statistics are
// collected every 500 ms, so the management API shows changes quickly.
//
// The processes are killed by stop(), by the destructor, and by the kernel if the test process dies first.
// The calls block in a local event loop while they wait. Use the harness from the main thread: the kernel's
// parent-death signal is tied to the thread that started the processes.
class RabbitHarness {
public:
    struct Reply {
        int status = 0;
        QByteArray body;
        QString error;
    };

    RabbitHarness();
    ~RabbitHarness();
    RabbitHarness(const RabbitHarness&) = delete;
    RabbitHarness& operator=(const RabbitHarness&) = delete;

    // Starts epmd and the node and waits until the management API answers GET /api/overview for the user. False
    // with a reason when anything fails; whatever was started is stopped again.
    bool start(QString* error);
    // Kills the node and epmd and removes the temporary folder. Safe to call again.
    void stop();
    bool isRunning() const;
    // Stops the node cleanly and starts it again on the same ports with the same database (durable queues, users
    // and permissions survive), and waits until the management API answers again.
    bool restart(QString* error);
    // Stops the node cleanly and leaves it down (its ports refuse connections) until restart().
    bool shutDown(QString* error);

    quint16 amqpPort() const;
    // "amqp://user:password@127.0.0.1:port/" for the default virtual host.
    QUrl amqpUrl() const;
    // "http://127.0.0.1:<port>/", the root of the management UI; the API is under api/.
    QUrl managementUrl() const;
    QString user() const;
    QString password() const;
    QString nodeName() const;
    QString logFile() const;
    // The node's (beam.smp) and epmd's process ids while they run. The node's own helpers (erl_child_setup,
    // inet_gethost) are its children and end with it.
    QList<qint64> processIds() const;

    // A request for path (and query, e.g. "api/queues/%2F/orders") under managementUrl() with the user's Basic
    // authentication.
    QNetworkRequest managementRequest(const QString& pathAndQuery) const;
    // Sends verb with a JSON body (if any) to the management API and waits for the answer.
    Reply management(const QByteArray& verb, const QString& pathAndQuery, const QByteArray& body = QByteArray());
    // Declares a durable classic queue in vhost (201 or 204 from the API).
    bool declareQueue(const QString& queue, QString* error, const QString& vhost = QStringLiteral("/"));
    // Declares a durable classic queue with extra arguments (e.g. x-max-length) in vhost.
    bool declareQueue(
        const QString& queue, const QJsonObject& arguments, QString* error, const QString& vhost = QStringLiteral("/"));
    // Declares a durable exchange of a type (direct, fanout, headers, topic) in vhost.
    bool declareExchange(
        const QString& exchange, const QString& type, QString* error, const QString& vhost = QStringLiteral("/"));
    // Binds queue to exchange with routing key "" and arguments (what a headers exchange matches), as the Knative
    // RabbitMQ broker binds a trigger's queue.
    bool bindQueue(const QString& exchange, const QString& queue, const QJsonObject& arguments, QString* error,
        const QString& vhost = QStringLiteral("/"));
    // Publishes payload as a persistent message through the management API; routed is false when no queue got it.
    bool publish(const QString& exchange, const QString& routingKey, const QByteArray& payload, bool* routed,
        QString* error, const QString& vhost = QStringLiteral("/"));

private:
    bool locateServer(QString* error);
    bool writeConfiguration(QString* error);
    bool startEpmd(QString* error);
    bool startNode(QString* error);
    QString path(const QString& name) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<QProcess> m_epmd;
    std::unique_ptr<QProcess> m_node;
    QString m_serverScript;
    QString m_nodeName;
    QString m_user;
    QString m_password;
    quint16 m_amqpPort = 0;
    quint16 m_managementPort = 0;
    quint16 m_distPort = 0;
    quint16 m_epmdPort = 0;
};

// One message as a consumer received it over AMQP 0-9-1.
struct RabbitDelivery {
    quint64 deliveryTag = 0;
    QByteArray exchange;
    QByteArray routingKey;
    QList<std::pair<QByteArray, QByteArray>> headers; // name and value of each header, in the order received
    QByteArray headerKinds; // the AMQP field type of each header ('S' = long string)
    std::optional<QByteArray> contentType;
    std::optional<QByteArray> messageId;
    int deliveryMode = 0; // 0 = absent
    QByteArray body;
};

// A consumer of one queue of a RabbitHarness over AMQP 0-9-1 (librabbitmq), with manual acknowledgement: what the
// Knative RabbitMQ broker's dispatcher does, and what holds messages unacknowledged. Blocking; main thread is fine.
class RabbitConsumer {
public:
    RabbitConsumer();
    ~RabbitConsumer();
    RabbitConsumer(const RabbitConsumer&) = delete;
    RabbitConsumer& operator=(const RabbitConsumer&) = delete;

    // Connects as the harness's user, limits unacknowledged deliveries to prefetch (0 = no limit) and consumes queue.
    bool start(const RabbitHarness& harness, const QString& queue, int prefetch, QString* error);
    // The next delivery, or nullopt with an error (also when none came within timeoutMs).
    std::optional<RabbitDelivery> next(int timeoutMs, QString* error);
    bool ack(quint64 deliveryTag, QString* error);
    // Closes the connection: the server requeues what was not acknowledged.
    void close();

private:
    struct Connection;
    std::unique_ptr<Connection> m_connection;
};
