// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "deliveryresult.h"
#include "httptransport.h"
#include "knativeobject.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <optional>

class KafkaTransport;
class KubeIngressTransport;

// Where a test event goes, each the way the broker really ingests events: a Kafka topic (binary mode, as the Knative
// Kafka broker stores events), a RabbitMQ exchange over AMQP 0-9-1, or an HTTP endpoint (a broker's ingress, any
// CloudEvents receiver) in binary or structured mode.
struct PublishTarget {
    enum class Kind { None, KafkaTopic, Http, AmqpExchange };

    Kind kind = Kind::None;
    QString name; // the topic, the exchange, or the URL
    HttpTransport::Mode httpMode = HttpTransport::Mode::Binary;
    ObjectKey broker; // the broker the target was resolved from, when it was

    static PublishTarget kafkaTopic(const QString& topic);
    static PublishTarget http(const QUrl& url, HttpTransport::Mode mode = HttpTransport::Mode::Binary);
    static PublishTarget amqpExchange(const QString& exchange);
    // A broker's own ingest path: its Kafka topic when it is a Kafka-class broker and a Kafka connection exists,
    // otherwise its HTTP ingress (status.address.url). Kind None, and *problem says why, when it has neither.
    static PublishTarget forBroker(
        const KnativeObject& broker, bool kafkaConnected, HttpTransport::Mode mode, QString* problem = nullptr);

    bool isValid() const { return kind != Kind::None && !name.isEmpty(); }
    // "Kafka topic t", "HTTP http://x/ (binary)", "AMQP exchange e", prefixed by the broker when there is one.
    QString description() const;
    QJsonObject toJson() const;
    static PublishTarget fromJson(const QJsonObject& object);

    friend bool operator==(const PublishTarget&, const PublishTarget&) = default;
};
Q_DECLARE_METATYPE(PublishTarget)

// One object that publishes to any PublishTarget through the transport of its kind and answers every publish() with
// exactly one delivered(), with request ids of its own (from 1), whatever transport served it. The HTTP transport is
// its own; the Kafka transport (the session's) and the AMQP transport are given and not owned. Failures found before
// a transport is involved (no transport for the kind, an invalid event, an invalid target) are reported through
// delivered() too, after publish() has returned, so nothing fails silently.
class EventPublisher : public QObject {
    Q_OBJECT
public:
    explicit EventPublisher(QObject* parent = nullptr);
    ~EventPublisher() override;

    HttpTransport* httpTransport() const { return m_http; }
    // Pending Kafka requests of an earlier transport fail when it is destroyed; null disconnects.
    void setKafkaTransport(KafkaTransport* transport);
    KafkaTransport* kafkaTransport() const;

    // Any QObject with `quint64 publish(const QString& exchange, const CloudEvent&)`, `void cancelAll()` and the signal
    // `delivered(quint64, const DeliveryResult&)` (AmqpTransport). Not owned; pending requests fail if it is destroyed.
    template <typename Transport>
    void setAmqpTransport(Transport* transport)
    {
        if (!transport) {
            clearAmqpTransport();
            return;
        }
        setAmqpBackend(
            transport,
            [transport](
                const QString& exchange, const CloudEvent& event) { return transport->publish(exchange, event); },
            [transport] { transport->cancelAll(); });
        m_amqpConnection = connect(transport, &Transport::delivered, this,
            [this](quint64 id, const DeliveryResult& result) { onAmqpDelivered(id, result); });
    }
    void clearAmqpTransport();
    bool hasAmqpTransport() const { return !m_amqpOwner.isNull(); }

    // The connected cluster's way in (not owned; null disconnects). HTTP targets whose host is a cluster service
    // ("<svc>.<ns>.svc[.<domain>]", a broker's status.address.url) cannot be resolved from the desktop: they go
    // through the API server's service proxy, or a port-forward, instead.
    void setClusterTransport(KubeIngressTransport* transport);
    KubeIngressTransport* clusterTransport() const;
    // True for an http(s) URL whose host is a cluster service name.
    static bool isClusterAddress(const QUrl& url);

    // True when a transport for the target's kind is there; otherwise *reason says what is missing.
    bool canPublish(const PublishTarget& target, QString* reason = nullptr) const;
    quint64 publish(const PublishTarget& target, const CloudEvent& event);
    // The same for many events, in order; returns the first request id, the others follow it consecutively. Kafka
    // events go through KafkaTransport::publishBatch() (one call for all of them); other kinds one by one.
    quint64 publishBatch(const PublishTarget& target, const QList<CloudEvent>& events);
    // HTTP and AMQP requests still queued or running fail with "cancelled" (each still reported). Kafka records
    // already handed to librdkafka cannot be recalled; their reports still come.
    void cancelAll();
    qsizetype pendingCount() const;

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);

private:
    using AmqpPublish = std::function<quint64(const QString&, const CloudEvent&)>;
    void setAmqpBackend(QObject* owner, AmqpPublish publish, std::function<void()> cancel);
    void onAmqpDelivered(quint64 transportId, const DeliveryResult& result);
    struct Pending {
        quint64 requestId = 0;
        QString target;
    };
    void forward(QHash<quint64, Pending>& pending, quint64 transportId, DeliveryResult result);
    void failLater(quint64 requestId, const QString& target, const QString& error);
    void failAll(QHash<quint64, Pending>& pending, const QString& error);

    HttpTransport* m_http;
    QPointer<KafkaTransport> m_kafka;
    QMetaObject::Connection m_kafkaConnection;
    QMetaObject::Connection m_kafkaDestroyed;
    QPointer<QObject> m_amqpOwner;
    AmqpPublish m_amqpPublish;
    std::function<void()> m_amqpCancel;
    QMetaObject::Connection m_amqpConnection;
    QMetaObject::Connection m_amqpDestroyed;
    quint64 m_nextId = 1;
    // By the transport's request id, per transport.
    QHash<quint64, Pending> m_httpPending;
    QHash<quint64, Pending> m_kafkaPending;
    QHash<quint64, Pending> m_amqpPending;
    QPointer<KubeIngressTransport> m_cluster;
    QMetaObject::Connection m_clusterConnection;
    QMetaObject::Connection m_clusterDestroyed;
    QHash<quint64, Pending> m_clusterPending;
    qsizetype m_immediatePending = 0;
};
