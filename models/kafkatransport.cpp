// SPDX-License-Identifier: Apache-2.0
#include "kafkatransport.h"

#include "kafkaclient.h"

#include <QDateTime>
#include <QMetaMethod>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

using namespace Qt::StringLiterals;
using namespace KafkaClient;
using Clock = std::chrono::steady_clock;

namespace {

// Reports are gathered for at most this long while they keep coming, so that a bulk send costs one queued call per
// interval instead of one per record.
constexpr auto reportInterval = std::chrono::milliseconds(50);

struct TopicDeleter {
    void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;

// One record through a topic handle (no lookup of the topic by name per record); librdkafka takes the headers. The
// id travels as the opaque.
rd_kafka_resp_err_t produce(rd_kafka_t* producer, rd_kafka_topic_t* topic, rd_kafka_headers_t* headers,
    const QByteArray& key, const QByteArray& value, quint64 id)
{
    // rd_kafka_produceva rather than the RD_KAFKA_V_* macros, GNU statement expressions that clang rejects under
    // -pedantic. A null key lets the partitioner spread events without a partitionkey; a null value is "no data".
    std::array<rd_kafka_vu_t, 6> values {};
    values[0].vtype = RD_KAFKA_VTYPE_RKT;
    values[0].u.rkt = topic;
    values[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    values[1].u.i = RD_KAFKA_MSG_F_COPY;
    values[2].vtype = RD_KAFKA_VTYPE_KEY;
    values[2].u.mem.ptr = key.isEmpty() ? nullptr : const_cast<char*>(key.constData());
    values[2].u.mem.size = static_cast<size_t>(key.size());
    values[3].vtype = RD_KAFKA_VTYPE_VALUE;
    values[3].u.mem.ptr = value.isEmpty() ? nullptr : const_cast<char*>(value.constData());
    values[3].u.mem.size = static_cast<size_t>(value.size());
    values[4].vtype = RD_KAFKA_VTYPE_HEADERS;
    values[4].u.headers = headers;
    values[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
    values[5].u.ptr = reinterpret_cast<void*>(static_cast<quintptr>(id));
    rd_kafka_error_t* error = rd_kafka_produceva(producer, values.data(), values.size());
    if (!error)
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    // On failure the headers stay ours.
    rd_kafka_headers_destroy(headers);
    const auto code = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    return code;
}

// Binary-mode headers as CloudEventKafka::encodeBinary() makes them (ce_<name> with the canonical UTF-8 value, in
// attributeNames() order, then content-type; the partitionkey as the key), with the UTF-8 of the previous event's
// headers reused where the values are equal: the events of a bulk send share most of them.
class HeaderEncoder {
public:
    rd_kafka_headers_t* encode(const CloudEvent& event, QByteArray* key)
    {
        // The members are read directly rather than through attributeNames()/attribute(): at a million events a
        // second the list and the name comparisons they cost are most of the encoding.
        static const QString specversion = u"specversion"_s, id = u"id"_s, source = u"source"_s, type = u"type"_s,
                             dataschema = u"dataschema"_s, subject = u"subject"_s, time = u"time"_s;
        rd_kafka_headers_t* headers = rd_kafka_headers_new(static_cast<size_t>(8 + event.extensions.size()));
        qsizetype slot = 0;
        key->clear();
        add(headers, put(slot++, specversion, event.specVersion));
        add(headers, put(slot++, id, event.id));
        add(headers, put(slot++, source, event.source));
        add(headers, put(slot++, type, event.type));
        if (!event.dataSchema.isEmpty())
            add(headers, put(slot++, dataschema, event.dataSchema));
        if (!event.subject.isEmpty())
            add(headers, put(slot++, subject, event.subject));
        if (event.time)
            add(headers, put(slot++, time, cloudEventValueToString(*event.time)));
        for (auto it = event.extensions.constBegin(); it != event.extensions.constEnd(); ++it) {
            if (!it->isValid())
                continue;
            const Header& header = put(slot++, it.key(),
                it->typeId() == QMetaType::QString ? it->toString() : cloudEventValueToString(*it));
            add(headers, header);
            if (it.key() == u"partitionkey")
                *key = header.encodedValue;
        }
        if (!event.dataContentType.isEmpty())
            add(headers, put(slot++, QString(), event.dataContentType));
        return headers;
    }

private:
    struct Header {
        QString name; // empty: content-type
        QString value;
        QByteArray encodedName;
        QByteArray encodedValue;
    };

    const Header& put(qsizetype slot, const QString& name, const QString& value)
    {
        if (slot == m_headers.size())
            m_headers.append(Header());
        Header& header = m_headers[slot];
        if (header.encodedName.isEmpty() || header.name != name) {
            header.name = name;
            header.encodedName = name.isEmpty() ? QByteArray("content-type") : QByteArray("ce_") + name.toUtf8();
            header.value = value;
            header.encodedValue = value.toUtf8();
        } else if (header.value != value) {
            header.value = value;
            header.encodedValue = value.toUtf8();
        }
        return header;
    }

    static void add(rd_kafka_headers_t* headers, const Header& header)
    {
        rd_kafka_header_add(headers, header.encodedName.constData(), header.encodedName.size(),
            header.encodedValue.constData(), header.encodedValue.size());
    }

    QList<Header> m_headers;
};

} // namespace

struct KafkaTransport::Private {
    KafkaTransport* q = nullptr;
    HandlePtr producer;
    QString configError;
    std::thread poller;
    std::atomic<bool> stopping = false;
    // The owner's thread only.
    quint64 nextId = 1;
    qsizetype inFlight = 0;
    HeaderEncoder encoder;

    // The poller's thread only (the delivery callback runs inside its rd_kafka_poll()).
    QList<Report> gathered;
    Clock::time_point lastHandOver;
    QByteArray lastTopicName;
    QString lastTopic;

    static void onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
    void pollLoop();
    void handOver();
    // Queues reports for the owner's thread, where both signals are emitted.
    void report(QList<Report> reports);
    TopicHandle topicHandle(const QString& topic, QList<Report>* failures, const QList<quint64>& ids);
};

void KafkaTransport::Private::report(QList<Report> reports)
{
    if (reports.isEmpty())
        return;
    QMetaObject::invokeMethod(
        q,
        [q = q, reports = std::move(reports)] {
            q->d->inFlight -= reports.size();
            Q_EMIT q->deliveredBatch(reports);
            // A bulk sender listens to deliveredBatch() only: spare it a million emissions nobody receives.
            if (!q->isSignalConnected(QMetaMethod::fromSignal(&KafkaTransport::delivered)))
                return;
            for (const auto& [id, result] : reports)
                Q_EMIT q->delivered(id, result);
        },
        Qt::QueuedConnection);
}

void KafkaTransport::Private::onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque)
{
    auto* d = static_cast<Private*>(opaque);
    if (d->stopping)
        return;
    DeliveryResult result;
    result.ok = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    result.partition = message->partition;
    result.offset = result.ok ? message->offset : -1;
    // Records of a bulk send share their topic: one conversion, then shared copies.
    const char* name = rd_kafka_topic_name(message->rkt);
    if (std::strcmp(name, d->lastTopicName.constData()) != 0 || d->lastTopic.isNull()) {
        d->lastTopicName = QByteArray(name);
        d->lastTopic = QString::fromUtf8(d->lastTopicName);
    }
    result.target = d->lastTopic;
    // The record's create time, set by librdkafka when it took the record, saves keeping a clock per record.
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    const qint64 created = rd_kafka_message_timestamp(message, &type);
    if (type == RD_KAFKA_TIMESTAMP_CREATE_TIME)
        result.latencyMs = std::max<qint64>(0, QDateTime::currentMSecsSinceEpoch() - created);
    if (!result.ok)
        result.error = errorString(message->err);
    d->gathered.append({ static_cast<quint64>(reinterpret_cast<quintptr>(message->_private)), std::move(result) });
}

void KafkaTransport::Private::handOver()
{
    lastHandOver = Clock::now();
    report(std::exchange(gathered, {}));
}

void KafkaTransport::Private::pollLoop()
{
    while (!stopping) {
        // Idle: wait for reports; gathering: wake when the interval since the last hand-over ends.
        int timeoutMs = 100;
        if (!gathered.isEmpty()) {
            const auto due = lastHandOver + reportInterval - Clock::now();
            timeoutMs = int(std::max<qint64>(0, std::chrono::duration_cast<std::chrono::milliseconds>(due).count()));
        }
        rd_kafka_poll(producer.get(), timeoutMs);
        if (!gathered.isEmpty() && Clock::now() - lastHandOver >= reportInterval)
            handOver();
    }
}

KafkaTransport::KafkaTransport(QMap<QString, QString> kafkaConfig, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<DeliveryResult>();
    qRegisterMetaType<QList<KafkaTransport::Report>>();
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
    if (d->producer)
        d->poller = std::thread([d = d.get()] { d->pollLoop(); });
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

qsizetype KafkaTransport::inFlight() const { return d->inFlight; }

TopicHandle KafkaTransport::Private::topicHandle(
    const QString& topic, QList<Report>* failures, const QList<quint64>& ids)
{
    DeliveryResult failure;
    failure.target = topic;
    TopicHandle handle;
    if (!producer) {
        failure.error = u"Invalid Kafka producer configuration: "_s % configError;
    } else {
        handle.reset(rd_kafka_topic_new(producer.get(), topic.toUtf8().constData(), nullptr));
        if (!handle)
            failure.error = errorString(rd_kafka_last_error());
    }
    if (!handle) {
        for (const quint64 id : ids)
            failures->append({ id, failure });
    }
    return handle;
}

quint64 KafkaTransport::publish(const QString& topic, const CloudEvent& event)
{
    return publishBatch(topic, { event }).constFirst();
}

QList<quint64> KafkaTransport::publishBatch(const QString& topic, const QList<CloudEvent>& events)
{
    QList<quint64> ids;
    ids.reserve(events.size());
    for (qsizetype i = 0; i < events.size(); ++i)
        ids.append(d->nextId++);
    d->inFlight += ids.size();
    QList<Report> failures;
    const TopicHandle handle = d->topicHandle(topic, &failures, ids);
    if (handle) {
        for (qsizetype i = 0; i < events.size(); ++i) {
            QByteArray key;
            rd_kafka_headers_t* headers = d->encoder.encode(events[i], &key);
            const auto error = produce(d->producer.get(), handle.get(), headers, key, events[i].data, ids[i]);
            if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
                DeliveryResult failure;
                failure.target = topic;
                failure.error = errorString(error);
                failures.append({ ids[i], std::move(failure) });
            }
        }
    }
    d->report(std::move(failures));
    return ids;
}
