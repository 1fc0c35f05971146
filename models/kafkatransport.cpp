// SPDX-License-Identifier: Apache-2.0
#include "kafkatransport.h"

#include "cloudeventcodec.h"
#include "kafkaclient.h"

#include <QHash>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;
using namespace KafkaClient;
using Clock = std::chrono::steady_clock;

struct KafkaTransport::Private {
    struct Pending {
        QString topic;
        Clock::time_point sent;
    };

    KafkaTransport* q = nullptr;
    HandlePtr producer;
    QString configError;
    std::thread poller;
    std::atomic<bool> stopping = false;
    std::mutex mutex; // guards pending and nextId: publish() runs on the owner's thread, reports on the poller's
    QHash<quint64, Pending> pending;
    quint64 nextId = 1;

    static void onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
    void report(quint64 id, DeliveryResult result);
};

void KafkaTransport::Private::report(quint64 id, DeliveryResult result)
{
    QMetaObject::invokeMethod(
        q, [q = q, id, result = std::move(result)] { Q_EMIT q->delivered(id, result); }, Qt::QueuedConnection);
}

void KafkaTransport::Private::onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque)
{
    auto* d = static_cast<Private*>(opaque);
    const auto id = reinterpret_cast<quintptr>(message->_private);
    Pending pending;
    {
        const std::lock_guard lock(d->mutex);
        pending = d->pending.take(id);
    }
    if (d->stopping)
        return;
    DeliveryResult result;
    result.ok = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    result.partition = message->partition;
    result.offset = result.ok ? message->offset : -1;
    result.target = pending.topic;
    result.latencyMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - pending.sent).count();
    if (!result.ok)
        result.error = errorString(message->err);
    d->report(id, std::move(result));
}

KafkaTransport::KafkaTransport(QMap<QString, QString> kafkaConfig, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<DeliveryResult>();
    d->q = this;
    const QMap<QString, QString> defaults {
        { u"client.id"_s, u"meshscope-publisher"_s },
        { u"message.timeout.ms"_s, u"30000"_s },
    };
    d->producer = createHandle(
        RD_KAFKA_PRODUCER, kafkaConfig, defaults,
        [this](rd_kafka_conf_t* conf) {
            // What the Knative Kafka broker's receiver uses too: no duplicates on retry, durable on all replicas.
            char message[256];
            rd_kafka_conf_set(conf, "enable.idempotence", "true", message, sizeof message);
            rd_kafka_conf_set(conf, "acks", "all", message, sizeof message);
            rd_kafka_conf_set_opaque(conf, d.get());
            rd_kafka_conf_set_dr_msg_cb(conf, &Private::onDelivery);
        },
        &d->configError);
    if (d->producer) {
        d->poller = std::thread([d = d.get()] {
            while (!d->stopping)
                rd_kafka_poll(d->producer.get(), 100);
        });
    }
}

KafkaTransport::~KafkaTransport()
{
    d->stopping = true;
    if (d->poller.joinable())
        d->poller.join();
    if (d->producer) {
        // Undelivered records are dropped; flushing serves their (suppressed) reports so nothing is left behind.
        rd_kafka_purge(d->producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(d->producer.get(), 1000);
        // Before the state its callbacks use.
        d->producer.reset();
    }
}

quint64 KafkaTransport::publish(const QString& topic, const CloudEvent& event)
{
    quint64 id = 0;
    {
        const std::lock_guard lock(d->mutex);
        id = d->nextId++;
    }
    DeliveryResult failure;
    failure.target = topic;
    if (!d->producer) {
        failure.error = u"Invalid Kafka producer configuration: "_s % d->configError;
        d->report(id, std::move(failure));
        return id;
    }
    const KafkaRecord record = CloudEventKafka::encodeBinary(event);
    {
        const std::lock_guard lock(d->mutex);
        d->pending.insert(id, { topic, Clock::now() });
    }
    // A null key lets the partitioner spread events without a partitionkey; a null value stands for "no data".
    const auto error = KafkaClient::produce(d->producer.get(), topic.toUtf8(), record, RD_KAFKA_PARTITION_UA,
        reinterpret_cast<void*>(static_cast<quintptr>(id)));
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        {
            const std::lock_guard lock(d->mutex);
            d->pending.remove(id);
        }
        failure.error = errorString(error);
        d->report(id, std::move(failure));
    }
    return id;
}
