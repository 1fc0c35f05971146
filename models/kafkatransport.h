// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "deliveryresult.h"

#include <QMap>
#include <QObject>
#include <QString>

#include <memory>

// Publishes CloudEvents to Kafka topics in the Kafka binding's binary mode, as the Knative Kafka broker stores
// them. The producer is idempotent with acks=all; publish() never blocks (librdkafka queues the record) and a
// worker thread serves the delivery reports, which arrive as delivered() on this object's thread.
class KafkaTransport : public QObject {
    Q_OBJECT
public:
    // kafkaConfig: librdkafka properties, at least bootstrap.servers. message.timeout.ms defaults to 30 s so that
    // a send to an unreachable cluster fails in time for a person waiting on it.
    explicit KafkaTransport(QMap<QString, QString> kafkaConfig, QObject* parent = nullptr);
    ~KafkaTransport() override;

    // Returns the request id that delivered() reports; ids start at 1. Failures found at once (bad configuration,
    // full queue) are reported through delivered() as well, after publish() has returned.
    quint64 publish(const QString& topic, const CloudEvent& event);

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
