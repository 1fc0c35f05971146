// SPDX-License-Identifier: Apache-2.0
#include "kafkatransport.h"

#include "kafkaclient.h"

#include <QDateTime>
#include <QMetaMethod>

#include <QSocketNotifier>
#include <QTimer>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace KafkaClient;
using Clock = std::chrono::steady_clock;

namespace {

// Reports whose room is kept between serving passes, at most (about 3 MB).
constexpr qsizetype maxKeptReports = 65'536;
// Records published between two looks for arrived reports.
constexpr qsizetype takeEvery = 4;
constexpr auto sweepInterval = std::chrono::milliseconds(200);

struct TopicDeleter {
    void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;

// One record through a topic handle (no lookup of the topic by name per record); librdkafka takes the headers. The
// id travels as the opaque.
rd_kafka_resp_err_t produce(rd_kafka_t* producer, rd_kafka_topic_t* topic, rd_kafka_headers_t* headers,
    QByteArrayView key, const QByteArray& value, quint64 id)
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

// Equal strings, found without comparing characters when both hold the same data (a bulk send's events share the
// strings a template did not change).
bool sameString(const QString& a, const QString& b)
{
    return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
}

// Binary-mode headers as CloudEventKafka::encodeBinary() makes them (ce_<name> with the canonical UTF-8 value, in
// attributeNames() order, then content-type; the partitionkey as the key). The UTF-8 of the previous event's headers
// is kept and compared against: the events of a bulk send share most values, and those that differ (the id) are
// rewritten in the same buffers, so an event costs no allocation of ours.
class HeaderEncoder {
public:
    // *key: the partitionkey's UTF-8, or empty; valid until the next call.
    rd_kafka_headers_t* encode(const CloudEvent& event, QByteArrayView* key)
    {
        // The members are read directly rather than through attributeNames()/attribute(): at a million events a
        // second the list and the name comparisons they cost are most of the encoding.
        static const QString specversion = u"specversion"_s, id = u"id"_s, source = u"source"_s, type = u"type"_s,
                             dataschema = u"dataschema"_s, subject = u"subject"_s, time = u"time"_s;
        rd_kafka_headers_t* headers = rd_kafka_headers_new(static_cast<size_t>(8 + event.extensions.size()));
        qsizetype slot = 0;
        *key = {};
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
            const Header& header = it->typeId() == QMetaType::QString
                ? put(slot++, it.key(), *static_cast<const QString*>(it->constData()))
                : put(slot++, it.key(), cloudEventValueToString(*it));
            add(headers, header);
            if (header.partitionKey)
                *key = header.value;
        }
        if (!event.dataContentType.isEmpty())
            add(headers, put(slot++, QString(), event.dataContentType));
        return headers;
    }

private:
    struct Header {
        QString name; // empty: content-type
        QByteArray encodedName;
        bool partitionKey = false;
        QByteArray value; // UTF-8
        bool ascii = false; // value holds ASCII only
        // The string value was last made from, held while it is unchanged: the next event's value, when it holds the
        // same data, needs no comparison. Holding it keeps that data from being freed or changed in place (a write
        // to a shared QString detaches it); a QString::fromRawData() buffer changed by its owner is not seen.
        QString source;
    };

    const Header& put(qsizetype slot, const QString& name, const QString& value)
    {
        static const QString partitionkey = u"partitionkey"_s;
        if (slot == m_headers.size())
            m_headers.append(Header());
        Header& header = m_headers[slot];
        if (header.encodedName.isEmpty() || !sameString(header.name, name)) {
            header.name = name;
            header.encodedName = name.isEmpty() ? QByteArray("content-type") : QByteArray("ce_") + name.toUtf8();
            header.partitionKey = name == partitionkey;
            header.source = QString();
        }
        if (!header.source.isNull() && header.source.constData() == value.constData()
            && header.source.size() == value.size())
            return header;
        if (assignUtf8(header, value))
            header.source = value;
        else if (!header.source.isNull())
            header.source = QString();
        return header;
    }

    // ASCII, the common case, is compared (Qt's vectorised Latin-1 comparison) and copied in place; anything else
    // takes the UTF-8 encoder. True when the value was already there.
    static bool assignUtf8(Header& header, QStringView value)
    {
        if (header.ascii && QLatin1StringView(header.value) == value)
            return true;
        const qsizetype size = value.size();
        const char16_t* chars = value.utf16();
        header.ascii = std::all_of(chars, chars + size, [](char16_t c) { return c < 0x80; });
        if (!header.ascii) {
            header.value = value.toUtf8();
            return false;
        }
        header.value.resize(size);
        std::copy(chars, chars + size, header.value.data());
        return false;
    }

    static void add(rd_kafka_headers_t* headers, const Header& header)
    {
        rd_kafka_header_add(headers, header.encodedName.constData(), header.encodedName.size(),
            header.value.constData(), header.value.size());
    }

    QList<Header> m_headers;
};

} // namespace

struct KafkaTransport::Private {
    KafkaTransport* q = nullptr;
    HandlePtr producer;
    QString configError;
    rd_kafka_queue_t* reports = nullptr; // the producer's main queue, where the delivery reports arrive
    std::array<int, 2> wakeup { -1, -1 }; // librdkafka writes to [1] when a report arrives on an empty queue
    QSocketNotifier* notifier = nullptr;
    // A safety net while reports are awaited: librdkafka writes one wake-up per empty-to-non-empty change of the
    // queue, and a change that slipped between our read of the pipe and our last poll would leave the queue unserved.
    QTimer* sweep = nullptr;
    bool servePending = false;
    qint64 servingSince = 0; // when the current serving pass first needed the clock, in ms since the epoch
    quint64 nextId = 1;
    qsizetype inFlight = 0;
    HeaderEncoder encoder;
    // Publishing to one topic after another reuses its handle.
    QString lastTopic;
    TopicHandle lastHandle;
    // Reports taken from librdkafka, and failures found while publishing, in order, with the topic of each run of
    // them; the next serving pass emits them. The list keeps its capacity from pass to pass: a growing list is a
    // large allocation, which makes malloc consolidate the small blocks the freed records just left.
    QList<Report> taken;
    QList<std::pair<QString, qsizetype>> takenRuns;
    // Topic names as librdkafka hands them back, converted once.
    QByteArray lastReportTopicName;
    QString lastReportTopic;

    rd_kafka_topic_t* topicHandle(const QString& topic, QString* error);
    void fail(const QString& topic, quint64 id, const QString& error);
    void scheduleServe();
    void serve();
    void keep(const QString& topic, Report report);
    // Serves the delivery reports that have arrived: deliveryReport() keeps a report of each record, and librdkafka
    // frees the record right after it, while it is still in the cache.
    void takeReports();
    static void deliveryReport(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
    const QString& reportTopic(const rd_kafka_message_t* message);
    void emitReports(const QString& topic, const QList<Report>& reports);
};

DeliveryResult KafkaTransport::result(const QString& topic, const Report& report)
{
    DeliveryResult result;
    result.ok = report.ok();
    result.target = topic;
    result.partition = report.partition;
    result.offset = report.offset;
    result.latencyMs = report.latencyMs;
    result.error = report.error;
    return result;
}

const QString& KafkaTransport::Private::reportTopic(const rd_kafka_message_t* message)
{
    const char* name = rd_kafka_topic_name(message->rkt);
    if (lastReportTopic.isNull() || std::strcmp(name, lastReportTopicName.constData()) != 0) {
        lastReportTopicName = QByteArray(name);
        lastReportTopic = QString::fromUtf8(lastReportTopicName);
    }
    return lastReportTopic;
}

void KafkaTransport::Private::emitReports(const QString& topic, const QList<Report>& reports)
{
    if (reports.isEmpty())
        return;
    inFlight -= reports.size();
    Q_EMIT q->deliveredBatch(topic, reports);
    // A bulk sender listens to deliveredBatch() only: spare it a million emissions nobody receives.
    if (q->isSignalConnected(QMetaMethod::fromSignal(&KafkaTransport::delivered))) {
        for (const Report& report : std::as_const(reports))
            Q_EMIT q->delivered(report.id, result(topic, report));
    }
}

void KafkaTransport::Private::scheduleServe()
{
    if (std::exchange(servePending, true))
        return;
    QMetaObject::invokeMethod(
        q, [this] { serve(); }, Qt::QueuedConnection);
}

void KafkaTransport::Private::keep(const QString& topic, Report report)
{
    if (takenRuns.isEmpty() || !sameString(takenRuns.constLast().first, topic))
        takenRuns.append({ topic, 0 });
    ++takenRuns.last().second;
    taken.append(std::move(report));
}

void KafkaTransport::Private::deliveryReport(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque)
{
    auto* self = static_cast<Private*>(opaque);
    Report report;
    report.id = static_cast<quint64>(reinterpret_cast<quintptr>(message->_private));
    report.partition = message->partition;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR)
        report.offset = message->offset;
    else
        report.error = errorString(message->err);
    // The record's create time, set by librdkafka when it took the record. The clock is read once per serving pass:
    // the records served together were acknowledged together.
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    const qint64 created = rd_kafka_message_timestamp(message, &type);
    if (type == RD_KAFKA_TIMESTAMP_CREATE_TIME) {
        if (self->servingSince == 0)
            self->servingSince = QDateTime::currentMSecsSinceEpoch();
        report.latencyMs
            = qint32(std::clamp<qint64>(self->servingSince - created, 0, std::numeric_limits<qint32>::max()));
    }
    self->keep(self->reportTopic(message), std::move(report));
}

void KafkaTransport::Private::takeReports()
{
    servingSince = 0;
    rd_kafka_poll(producer.get(), 0);
}

void KafkaTransport::Private::serve()
{
    servePending = false;
    if (reports) {
        // The wake-up bytes are read before the queue is emptied: a report arriving after that writes a new one.
        char drain[64];
        while (::read(wakeup[0], drain, sizeof drain) == sizeof drain) { }
        takeReports();
        if (rd_kafka_queue_length(reports) > 0)
            scheduleServe();
    }
    QList<Report> batch = std::exchange(taken, {});
    const auto runs = std::exchange(takenRuns, {});
    if (runs.size() == 1) {
        emitReports(runs.constFirst().first, batch);
    } else {
        qsizetype start = 0;
        for (const auto& [topic, count] : runs) {
            emitReports(topic, batch.mid(start, count));
            start += count;
        }
    }
    // Unless a receiver kept a copy, or reports were taken while these were emitted, the capacity stays (up to a
    // bound: an idle transport should not hold a bulk send's worth).
    batch.clear();
    if (taken.isEmpty() && batch.capacity() <= maxKeptReports)
        taken = std::move(batch);
    if (!sweep)
        return;
    if (inFlight == 0)
        sweep->stop();
    else if (!sweep->isActive())
        sweep->start();
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
            rd_kafka_conf_set_dr_msg_cb(conf, &Private::deliveryReport);
            rd_kafka_conf_set_opaque(conf, d.get());
        },
        &d->configError);
    if (!d->producer)
        return;
    if (::pipe2(d->wakeup.data(), O_NONBLOCK | O_CLOEXEC) != 0) {
        d->configError = u"cannot create a pipe: "_s % QString::fromLocal8Bit(std::strerror(errno));
        d->producer.reset();
        return;
    }
    d->reports = rd_kafka_queue_get_main(d->producer.get());
    static const char byte = 1;
    rd_kafka_queue_io_event_enable(d->reports, d->wakeup[1], &byte, 1);
    d->notifier = new QSocketNotifier(d->wakeup[0], QSocketNotifier::Read, this);
    connect(d->notifier, &QSocketNotifier::activated, this, [this] { d->serve(); });
    d->sweep = new QTimer(this);
    d->sweep->setInterval(sweepInterval);
    connect(d->sweep, &QTimer::timeout, this, [this] { d->serve(); });
}

KafkaTransport::~KafkaTransport()
{
    delete d->notifier;
    delete d->sweep;
    d->lastHandle.reset();
    if (d->producer) {
        // Undelivered records are dropped: their reports (purged) are served and discarded, at most for a second,
        // before the handle goes.
        rd_kafka_queue_io_event_enable(d->reports, -1, nullptr, 0);
        rd_kafka_purge(d->producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        const auto deadline = Clock::now() + std::chrono::seconds(1);
        while (rd_kafka_outq_len(d->producer.get()) > 0 && Clock::now() < deadline)
            rd_kafka_poll(d->producer.get(), 100);
        rd_kafka_queue_destroy(d->reports);
        d->producer.reset();
    }
    for (const int fd : d->wakeup) {
        if (fd >= 0)
            ::close(fd);
    }
}

qsizetype KafkaTransport::inFlight() const { return d->inFlight; }

rd_kafka_topic_t* KafkaTransport::Private::topicHandle(const QString& topic, QString* error)
{
    if (!producer) {
        *error = u"Invalid Kafka producer configuration: "_s % configError;
        return nullptr;
    }
    if (!lastHandle || topic != lastTopic) {
        lastHandle.reset(rd_kafka_topic_new(producer.get(), topic.toUtf8().constData(), nullptr));
        lastTopic = lastHandle ? topic : QString();
        if (!lastHandle)
            *error = errorString(rd_kafka_last_error());
    }
    return lastHandle.get();
}

void KafkaTransport::Private::fail(const QString& topic, quint64 id, const QString& error)
{
    Report report;
    report.id = id;
    report.error = error;
    keep(topic, std::move(report));
}

quint64 KafkaTransport::publish(const QString& topic, const CloudEvent& event)
{
    return publishBatch(topic, { event });
}

quint64 KafkaTransport::publishBatch(const QString& topic, const QList<CloudEvent>& events)
{
    const quint64 first = d->nextId;
    d->nextId += quint64(events.size());
    d->inFlight += events.size();
    QString error;
    rd_kafka_topic_t* handle = d->topicHandle(topic, &error);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const quint64 id = first + quint64(i);
        if (!handle) {
            d->fail(topic, id, error);
            continue;
        }
        QByteArrayView key;
        rd_kafka_headers_t* headers = d->encoder.encode(events[i], &key);
        const auto code = produce(d->producer.get(), handle, headers, key, events[i].data, id);
        if (code != RD_KAFKA_RESP_ERR_NO_ERROR)
            d->fail(topic, id, errorString(code));
        // As kcat polls after each record: reports that arrived meanwhile are taken, and their records freed, while
        // publishing, so the memory they free is reused by the next records at once. The next pass emits them.
        if (i % takeEvery == takeEvery - 1)
            d->takeReports();
    }
    if (!d->takenRuns.isEmpty())
        d->scheduleServe();
    if (d->sweep && !d->sweep->isActive())
        d->sweep->start();
    return first;
}
