// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "deliveryresult.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QString>

#include <memory>

// Publishes CloudEvents to Kafka topics in the Kafka binding's binary mode, as the Knative Kafka broker stores
// them. The producer is idempotent with acks=all; publishing never blocks (librdkafka queues the records) and a
// worker thread serves the delivery reports, which arrive on this object's thread.
//
// Every id that publish() or publishBatch() returns is reported exactly once in BOTH signals: in one
// deliveredBatch() and in one delivered(). Connect to one of them: delivered() for a few events at a time,
// deliveredBatch() for bulk sends (one call per ~50 ms of reports instead of one per record). Reports that arrive
// after a quiet spell are passed on at once; while they keep coming they are gathered for at most ~50 ms.
class KafkaTransport : public QObject {
    Q_OBJECT
public:
    using Report = QPair<quint64, DeliveryResult>;

    // kafkaConfig: librdkafka properties, at least bootstrap.servers. message.timeout.ms defaults to 30 s so that
    // a send to an unreachable cluster fails in time for a person waiting on it.
    explicit KafkaTransport(QMap<QString, QString> kafkaConfig, QObject* parent = nullptr);
    ~KafkaTransport() override;

    // Returns the request id that delivered() reports; ids start at 1. Failures found at once (bad configuration,
    // full queue) are reported like deliveries, after publish() has returned.
    quint64 publish(const QString& topic, const CloudEvent& event);
    // The same for many events, in order, at a fraction of the cost per event: one topic handle, encoded headers
    // reused between events that share attribute values. Returns one id per event (consecutive). librdkafka holds
    // at most queue.buffering.max.messages records (100,000 by default) that await their acknowledgement; events
    // beyond that fail at once with "Local: Queue full", so a bulk sender keeps inFlight() below it and sends the
    // next batch after reports came in.
    QList<quint64> publishBatch(const QString& topic, const QList<CloudEvent>& events);
    // Ids returned by publish()/publishBatch() whose report has not been emitted yet.
    qsizetype inFlight() const;

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);
    // Reports gathered on the worker thread, in the order they arrived; emitted before the delivered() of each.
    void deliveredBatch(const QList<KafkaTransport::Report>& reports);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
