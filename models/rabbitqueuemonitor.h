// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <optional>

class ObjectStore;
class SeriesStore;
class QNetworkAccessManager;
class QNetworkReply;

// Where and as whom to reach the RabbitMQ management HTTP API. TLS peers are always verified (against the
// system's CAs plus caCertificates).
struct RabbitConnection {
    QUrl managementUrl; // the root of the management UI, e.g. https://rabbit.example:15671/; the API is under api/
    QString username;
    QString password; // kept by the caller (keyring); never shown in messages
    QList<QSslCertificate> caCertificates;
};

// One trigger's queue on the Knative RabbitMQ broker.
struct RabbitQueueTarget {
    ObjectKey trigger;
    QString vhost;
    QString queue;
    friend bool operator==(const RabbitQueueTarget&, const RabbitQueueTarget&) = default;
};

struct RabbitQueueStats {
    ObjectKey trigger;
    QString vhost;
    QString queue;
    qint64 ready = 0; // messages_ready: the backlog
    qint64 unacknowledged = 0; // delivered to the dispatcher, not yet acknowledged
    int consumers = 0;
    double publishRate = 0; // messages/s into the queue
    double deliverRate = 0; // messages/s out of it (deliver_get)
    qint64 timestampMs = 0; // when it was measured
    QString error; // not measured the last time (queue missing, broker unreachable, ...)
};

// Backlog of the triggers of Knative RabbitMQ brokers (class RabbitMQBroker) from the RabbitMQ management API.
// Each trigger's queue is the one of the rabbitmq.com Queue objects in the store labelled with the trigger, else
// the name eventing-rabbitmq gives it, "<namespace>.<trigger>.<broker UID>". One request per virtual host and
// refresh lists all queues with just the needed columns; the refresh runs on this object's thread without
// blocking, at an interval (default 5 s, from the start of one to the start of the next), never overlapping.
// Records "backlog/<trigger key>" (ready), "unacked/<key>", "produce/<key>" and "consume/<key>" (rates, per s);
// while the API cannot be read those series get a gap.
class RabbitQueueMonitor : public QObject {
    Q_OBJECT
public:
    RabbitQueueMonitor(const ObjectStore* objects, SeriesStore* series, QObject* parent = nullptr);
    ~RabbitQueueMonitor() override;

    void setConnection(const RabbitConnection& connection);
    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const { return m_interval; }
    // start() refreshes at once, then every interval; stop() aborts a refresh in flight.
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    QList<RabbitQueueTarget> targets() const { return m_targets; }
    std::optional<RabbitQueueStats> statsOf(const ObjectKey& trigger) const;
    // The last refresh's failure for the whole broker (wrong credentials, unreachable, ...); empty when it worked.
    QString lastError() const { return m_lastError; }

    static QString backlogSeries(const ObjectKey& trigger);
    static QString unackedSeries(const ObjectKey& trigger);
    static QString produceSeries(const ObjectKey& trigger);
    static QString consumeSeries(const ObjectKey& trigger);
    // The trigger's queue as eventing-rabbitmq names it (pkg/rabbitmqnaming CreateTriggerQueueRabbitName).
    static QString queueNameFor(const KnativeObject& trigger, const KnativeObject& broker);
    // The queue of every trigger of a RabbitMQ broker in the store, sorted by trigger.
    static QList<RabbitQueueTarget> targetsIn(const ObjectStore& objects);

Q_SIGNALS:
    void measured();
    void errorChanged(const QString& error);

private:
    void updateTargets();
    void refresh();
    void onFinished(QNetworkReply* reply);
    void finishRefresh(const QString& error);
    void scheduleNext();
    QString describeFailure(QNetworkReply* reply) const;
    QString endpoint() const;

    const ObjectStore* m_objects;
    SeriesStore* m_series;
    QNetworkAccessManager* m_network;
    RabbitConnection m_connection;
    std::chrono::milliseconds m_interval { 5000 };
    QTimer m_timer;
    QTimer m_targetsTimer;
    QElapsedTimer m_started;
    QList<RabbitQueueTarget> m_targets;
    QList<QPointer<QNetworkReply>> m_inFlight;
    QHash<QString, QJsonArray> m_answers; // per vhost, while a refresh is in flight
    QString m_refreshError;
    QHash<ObjectKey, RabbitQueueStats> m_latest;
    QString m_lastError;
    bool m_running = false;
};
