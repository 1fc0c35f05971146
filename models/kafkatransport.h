// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "deliveryresult.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

#include <memory>

// Publishes CloudEvents to Kafka topics in the Kafka binding's binary mode, as the Knative Kafka broker stores
// them. The producer is idempotent with acks=all; publishing never blocks (librdkafka queues the records).
//
// Delivery reports are served on this object's thread, woken by librdkafka through a pipe (an IO event on the
// producer's main queue): no thread of our own, and each record is freed on the thread that allocated it, right after
// its report was taken, which keeps malloc's per-thread caches warm at a million records a second. Each serving pass
// takes what has arrived (one produce response's records at a time, a few milliseconds' worth), so the thread's event
// loop keeps running during bulk sends.
//
// Every id that publish() or publishBatch() returns is reported exactly once in BOTH signals: in one
// deliveredBatch() and in one delivered(). Connect to one of them: delivered() for a few events at a time,
// deliveredBatch() for bulk sends (one call per serving pass and topic instead of one per record).
class KafkaTransport : public QObject {
    Q_OBJECT
public:
    // One record's outcome, compact for bulk sends; result() turns it into a DeliveryResult.
    struct Report {
        quint64 id = 0;
        qint64 offset = -1;
        qint32 partition = -1;
        qint32 latencyMs = 0; // from publish() to the acknowledgement (or the failure)
        QString error; // null when the broker acknowledged the record
        bool ok() const { return error.isNull(); }
    };
    static DeliveryResult result(const QString& topic, const Report& report);

    // kafkaConfig: librdkafka properties, at least bootstrap.servers. message.timeout.ms defaults to 30 s so that
    // a send to an unreachable cluster fails in time for a person waiting on it.
    explicit KafkaTransport(QMap<QString, QString> kafkaConfig, QObject* parent = nullptr);
    ~KafkaTransport() override;

    // Returns the request id that delivered() reports; ids start at 1. Failures found at once (bad configuration,
    // full queue) are reported like deliveries, after publish() has returned.
    quint64 publish(const QString& topic, const CloudEvent& event);
    // The same for many events, in order, at a fraction of the cost per event: encoded headers reused between
    // events that share attribute values. Returns the first event's id; the others follow it consecutively (no list
    // is allocated: a large allocation per batch makes malloc consolidate the small blocks freed by the reports).
    // librdkafka holds at most queue.buffering.max.messages records (100,000 by default) that await their
    // acknowledgement; events beyond that fail at once with "Local: Queue full", so a bulk sender keeps inFlight()
    // below it and sends the next batch after reports came in.
    quint64 publishBatch(const QString& topic, const QList<CloudEvent>& events);
    // Ids given out by publish()/publishBatch() whose report has not been emitted yet.
    qsizetype inFlight() const;

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);
    // Reports for one topic in the order they arrived; emitted before the delivered() of each.
    void deliveredBatch(const QString& topic, const QList<KafkaTransport::Report>& reports);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
