// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "cloudeventcodec.h"
#include "deliveryresult.h"

#include <QObject>
#include <QString>

#include <memory>

// Where and as whom to reach a RabbitMQ server over AMQP 0-9-1. With tls, the server's certificate is verified
// against caFile (PEM), or the system's CAs when it is empty, and must name host.
struct AmqpConnection {
    QString host;
    int port = 5672;
    QString vhost = QStringLiteral("/");
    QString user;
    QString password; // kept by the caller (keyring); never logged nor shown in messages
    bool tls = false;
    QString caFile;
};

// A message as the Knative RabbitMQ broker's ingress publishes an event (eventing-rabbitmq pkg/rabbit/message.go,
// CloudEventToRabbitMQMessage): attributes as headers without prefix, every value an AMQP long string.
struct AmqpMessage {
    HeaderList headers; // name, UTF-8 value, in the order they are written
    QByteArray contentType; // basic property content-type (datacontenttype); empty = absent
    QByteArray messageId; // basic property message-id (the event's id)
    quint8 deliveryMode = 2; // persistent
    QByteArray body;
    friend bool operator==(const AmqpMessage&, const AmqpMessage&) = default;
};

// Publishes CloudEvents to a RabbitMQ exchange (the Knative RabbitMQ broker's, type headers) as that broker's
// ingress does: routing key "", not mandatory, with publisher confirms. librabbitmq blocks, so one worker thread
// owned by this object does all AMQP I/O over one connection and channel; publish() only queues. Messages to one
// exchange are pipelined (up to 256 awaiting their confirm); a change of exchange waits for the earlier ones'
// confirms, so that a channel closed by the server (missing exchange) is blamed on the right messages.
// Every publish is answered by exactly one delivered(), on this object's thread. After any failure the connection
// is dropped and the next publish connects again; an idle connection that the server closed meanwhile (restart) is
// noticed before use and replaced without failing anything.
class AmqpTransport : public QObject {
    Q_OBJECT
public:
    explicit AmqpTransport(AmqpConnection connection, QObject* parent = nullptr);
    // Returns at once: the worker closes the connection, or finishes connecting, on its own (BackgroundWorkers).
    // Publishes not yet answered are not reported any more.
    ~AmqpTransport() override;

    // Returns the request id that delivered() reports; ids start at 1. Routing key empty, as the ingress publishes.
    // The event is validated and encoded at once; an invalid one is reported as failed without being sent.
    quint64 publish(const QString& exchange, const CloudEvent& event);
    // Every publish not yet written to the server fails at once with "cancelled". Messages already written cannot
    // be called back: they are reported with the server's confirm as usual.
    void cancelAll();

    // The message the ingress makes of an event: headers content-type, specversion, time, id, then type, source,
    // subject, dataschema when set, then the extensions by name, all in canonical string form. Like the ingress,
    // "time" and "content-type" are always present: an event without time gets Go's zero time
    // "0001-01-01T00:00:00Z", one without datacontenttype an empty content-type header.
    static AmqpMessage encode(const CloudEvent& event);

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result); // target = exchange

private:
    struct Private;
    std::shared_ptr<Private> d;
};
