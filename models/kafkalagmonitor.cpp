// SPDX-License-Identifier: Apache-2.0
#include "kafkalagmonitor.h"

#include "backgroundworkers.h"
#include "kafkaclient.h"
#include "kafkaprofile.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

using namespace Qt::StringLiterals;
using namespace KafkaClient;
using Clock = std::chrono::steady_clock;

struct KafkaLagMonitor::Shared {
    std::mutex mutex;
    std::condition_variable wake;
    quint64 runGeneration = 0; // the worker of this generation may run; anything else means stop
    QList<LagTarget> targets;
    std::chrono::milliseconds interval { 5000 };
    KafkaLagMonitor* owner = nullptr; // null once the monitor is gone: nothing more is delivered
};

namespace {

// Blocking librdkafka calls take a timeout and cannot be cancelled, so they are made in short slices: stop()
// then never waits for more than one slice, at the price of a re-sent request when a slice runs out.
constexpr int sliceMs = 250;
constexpr int queueSliceMs = 100;

class LagRefresher {
public:
    explicit LagRefresher(QMap<QString, QString> config)
        : m_bootstrap(config.value(u"bootstrap.servers"_s))
        , m_staticToken(config.take(KafkaProfile::staticTokenKey))
        , m_principal(config.value(u"sasl.username"_s, u"meshscope"_s))
    {
        const QMap<QString, QString> defaults {
            { u"client.id"_s, u"meshscope-lag-monitor"_s },
            // Measuring must never create topics.
            { u"allow.auto.create.topics"_s, u"false"_s },
            { u"enable.auto.commit"_s, u"false"_s },
        };
        m_handle = createHandle(
            RD_KAFKA_CONSUMER, config, defaults,
            [this](rd_kafka_conf_t* conf) {
                rd_kafka_conf_set_opaque(conf, this);
                rd_kafka_conf_set_error_cb(conf, &LagRefresher::onError);
                if (!m_staticToken.isEmpty())
                    rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, &LagRefresher::onTokenRefresh);
            },
            &m_configError);
        if (m_handle)
            m_queue.reset(rd_kafka_queue_new(m_handle.get()));
    }

    LagSnapshot refresh(
        const QList<LagTarget>& targets, std::chrono::milliseconds timeout, const std::function<bool()>& stopRequested);

private:
    struct TopicInfo {
        int partitions = 0;
        QString error;
        QList<qint64> endOffsets; // -1 = unknown
        QList<qint64> lowOffsets;
    };
    // What a group's last OffsetFetch answered, and for how many refreshes in a row nothing moved.
    struct GroupMemory {
        QHash<QPair<QString, int>, qint64> committed;
        QHash<QString, QList<qint64>> endOffsets;
        int quietRefreshes = 0;
    };
    // librdkafka 2.0.2 asks one group per request, and thousands of requests every few seconds cost most of the
    // idle CPU. A group whose topics received nothing and whose commits did not move for quietAfter refreshes is
    // asked only every quietEvery-th refresh (spread by group); new records on its topics bring it back at once.
    static constexpr int quietAfter = 2;
    static constexpr quint64 quietEvery = 3;

    static void onError(rd_kafka_t*, int error, const char* reason, void* opaque)
    {
        auto* self = static_cast<LagRefresher*>(opaque);
        // Called from rd_kafka_poll() on the worker thread, the only thread touching m_lastError.
        self->m_lastError = QString::fromUtf8(reason);
        qCDebug(lcKafka) << "lag monitor:" << rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error))
                         << self->m_lastError;
    }

    // OAUTHBEARER with a static token: librdkafka asks for it at start and again before the lifetime given runs out.
    static void onTokenRefresh(rd_kafka_t* handle, const char*, void* opaque)
    {
        auto* self = static_cast<LagRefresher*>(opaque);
        char message[256];
        const qint64 lifetimeMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        if (rd_kafka_oauthbearer_set_token(handle, self->m_staticToken.toUtf8().constData(), lifetimeMs,
                self->m_principal.toUtf8().constData(), nullptr, 0, message, sizeof message)
            != RD_KAFKA_RESP_ERR_NO_ERROR)
            rd_kafka_oauthbearer_set_token_failure(handle, message);
    }

    template <typename Call>
    rd_kafka_resp_err_t sliced(Call call, Clock::time_point deadline, const std::function<bool()>& stopRequested)
    {
        rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR__TIMED_OUT;
        while (!stopRequested()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0)
                break;
            error = call(static_cast<int>(std::min<qint64>(left, sliceMs)));
            // A transport failure may be passing: librdkafka drops its bootstrap connection once it knows the
            // broker's id, failing what was in flight there (seen with SASL, whose handshake makes it slow).
            if (error == RD_KAFKA_RESP_ERR__TRANSPORT)
                rd_kafka_poll(m_handle.get(), sliceMs);
            else if (error != RD_KAFKA_RESP_ERR__TIMED_OUT)
                return error;
        }
        return error;
    }

    void syncTopicHandles(const QSet<QString>& names);
    rd_kafka_resp_err_t readMetadata(
        QHash<QString, TopicInfo>& topics, Clock::time_point deadline, const std::function<bool()>& stopRequested);
    rd_kafka_resp_err_t readOffsets(QHash<QString, TopicInfo>& topics, bool low, const QSet<QString>& only,
        Clock::time_point deadline, const std::function<bool()>& stopRequested);
    // group -> partition -> committed offset (-1 = none), or the group's error.
    void readCommitted(const QList<LagTarget>& targets, const QHash<QString, TopicInfo>& topics,
        QHash<QString, QHash<QPair<QString, int>, qint64>>& committed, QHash<QString, QString>& groupErrors,
        Clock::time_point deadline, const std::function<bool()>& stopRequested);
    QString unreachable(const QString& what, rd_kafka_resp_err_t error) const;

    QString m_bootstrap;
    QString m_staticToken;
    QString m_principal;
    QString m_configError;
    QString m_lastError;
    HandlePtr m_handle;
    QueuePtr m_queue;
    std::map<QString, TopicPtr> m_topicHandles;
    QHash<QString, GroupMemory> m_groups;
    quint64 m_refreshCount = 0;
    quintptr m_nextRequest = 1;
};

QString LagRefresher::unreachable(const QString& what, rd_kafka_resp_err_t error) const
{
    QString message = u"Kafka at "_s % (m_bootstrap.isEmpty() ? u"(no bootstrap.servers)"_s : m_bootstrap) % u": "_s
        % what % u" failed: "_s % errorString(error);
    if (!m_lastError.isEmpty())
        message += u" (" % m_lastError % u')';
    return message;
}

void LagRefresher::syncTopicHandles(const QSet<QString>& names)
{
    for (auto it = m_topicHandles.begin(); it != m_topicHandles.end();) {
        if (names.contains(it->first))
            ++it;
        else
            it = m_topicHandles.erase(it);
    }
    for (const auto& name : names) {
        if (!m_topicHandles.contains(name))
            m_topicHandles.emplace(
                name, TopicPtr(rd_kafka_topic_new(m_handle.get(), name.toUtf8().constData(), nullptr)));
    }
}

rd_kafka_resp_err_t LagRefresher::readMetadata(
    QHash<QString, TopicInfo>& topics, Clock::time_point deadline, const std::function<bool()>& stopRequested)
{
    // all_topics = 0 without a topic asks for the locally known topics, i.e. exactly those with a handle: one
    // request for all targets.
    return sliced(
        [&](int timeoutMs) {
            const struct rd_kafka_metadata* raw = nullptr;
            const auto error = rd_kafka_metadata(m_handle.get(), 0, nullptr, &raw, timeoutMs);
            if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
                return error;
            const MetadataPtr metadata(raw);
            for (int i = 0; i < metadata->topic_cnt; ++i) {
                const auto& topic = metadata->topics[i];
                const auto it = topics.find(QString::fromUtf8(topic.topic));
                if (it == topics.end())
                    continue;
                if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    it->error = topic.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                        ? u"topic does not exist"_s
                        : u"topic metadata: "_s % errorString(topic.err);
                    continue;
                }
                it->partitions = topic.partition_cnt;
                it->endOffsets = QList<qint64>(topic.partition_cnt, -1);
                it->lowOffsets = QList<qint64>(topic.partition_cnt, -1);
            }
            return RD_KAFKA_RESP_ERR_NO_ERROR;
        },
        deadline, stopRequested);
}

rd_kafka_resp_err_t LagRefresher::readOffsets(QHash<QString, TopicInfo>& topics, bool low, const QSet<QString>& only,
    Clock::time_point deadline, const std::function<bool()>& stopRequested)
{
    // ListOffsets with the logical timestamps END / BEGINNING gives the high / low watermarks, batched per leader.
    return sliced(
        [&](int timeoutMs) {
            auto list = newPartitionList();
            for (auto it = topics.cbegin(); it != topics.cend(); ++it) {
                for (int partition = 0; partition < it->partitions; ++partition) {
                    const QString topicPartition = it.key() % u'/' % QString::number(partition);
                    if (low && !only.contains(topicPartition))
                        continue;
                    rd_kafka_topic_partition_list_add(list.get(), it.key().toUtf8().constData(), partition)->offset
                        = low ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
                }
            }
            if (list->cnt == 0)
                return RD_KAFKA_RESP_ERR_NO_ERROR;
            const auto error = rd_kafka_offsets_for_times(m_handle.get(), list.get(), timeoutMs);
            if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
                return error;
            for (int i = 0; i < list->cnt; ++i) {
                const auto& element = list->elems[i];
                auto& info = topics[QString::fromUtf8(element.topic)];
                if (element.partition < 0 || element.partition >= info.partitions)
                    continue;
                if (element.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    info.error = (low ? u"low watermark"_s : u"end offset"_s) % u" of partition "_s
                        % QString::number(element.partition) % u": "_s % errorString(element.err);
                    continue;
                }
                (low ? info.lowOffsets : info.endOffsets)[element.partition] = element.offset;
            }
            return RD_KAFKA_RESP_ERR_NO_ERROR;
        },
        deadline, stopRequested);
}

void LagRefresher::readCommitted(const QList<LagTarget>& targets, const QHash<QString, TopicInfo>& topics,
    QHash<QString, QHash<QPair<QString, int>, qint64>>& committed, QHash<QString, QString>& groupErrors,
    Clock::time_point deadline, const std::function<bool()>& stopRequested)
{
    // Per group, the partitions of all its topics. The partitions are named explicitly: the 2.0.2 mock cluster
    // answers OffsetFetch only then.
    QMap<QString, QSet<QString>> groupTopics;
    for (const auto& target : targets) {
        if (!target.group.isEmpty() && topics.value(target.topic).partitions > 0)
            groupTopics[target.group].insert(target.topic);
    }
    // librdkafka 2.0.2 takes one group per ListConsumerGroupOffsets call: all go out at once on one queue.
    ++m_refreshCount;
    for (auto it = m_groups.begin(); it != m_groups.end();)
        it = groupTopics.contains(it.key()) ? std::next(it) : m_groups.erase(it);
    const auto endsOf = [&topics](const QSet<QString>& names) {
        QHash<QString, QList<qint64>> ends;
        for (const auto& name : names)
            ends.insert(name, topics.value(name).endOffsets);
        return ends;
    };
    for (auto it = groupTopics.begin(); it != groupTopics.end();) {
        const auto memory = m_groups.constFind(it.key());
        const bool quiet = memory != m_groups.cend() && memory->quietRefreshes >= quietAfter
            && memory->endOffsets == endsOf(it.value()) && (m_refreshCount + qHash(it.key())) % quietEvery != 0;
        if (quiet) {
            committed.insert(it.key(), memory->committed);
            it = groupTopics.erase(it);
        } else {
            ++it;
        }
    }
    QHash<quintptr, QString> pending;
    const auto timeoutMs = static_cast<int>(
        std::max<qint64>(1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
    for (auto it = groupTopics.cbegin(); it != groupTopics.cend(); ++it) {
        auto partitions = newPartitionList();
        for (const auto& topic : it.value()) {
            for (int partition = 0; partition < topics.value(topic).partitions; ++partition)
                rd_kafka_topic_partition_list_add(partitions.get(), topic.toUtf8().constData(), partition);
        }
        rd_kafka_ListConsumerGroupOffsets_t* request
            = rd_kafka_ListConsumerGroupOffsets_new(it.key().toUtf8().constData(), partitions.get());
        const AdminOptionsPtr options(
            rd_kafka_AdminOptions_new(m_handle.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS));
        char message[256];
        rd_kafka_AdminOptions_set_request_timeout(options.get(), timeoutMs, message, sizeof message);
        // Stale answers from an earlier, timed-out refresh carry ids no longer pending and are dropped.
        const quintptr id = m_nextRequest++;
        rd_kafka_AdminOptions_set_opaque(options.get(), reinterpret_cast<void*>(id));
        rd_kafka_ListConsumerGroupOffsets(m_handle.get(), &request, 1, options.get(), m_queue.get());
        rd_kafka_ListConsumerGroupOffsets_destroy(request);
        pending.insert(id, it.key());
    }
    while (!pending.isEmpty() && !stopRequested() && Clock::now() < deadline) {
        const EventPtr event(rd_kafka_queue_poll(m_queue.get(), queueSliceMs));
        if (!event)
            continue;
        const auto id = reinterpret_cast<quintptr>(rd_kafka_event_opaque(event.get()));
        const QString group = pending.take(id);
        if (group.isEmpty())
            continue;
        if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            groupErrors.insert(group, QString::fromUtf8(rd_kafka_event_error_string(event.get())));
            continue;
        }
        const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
        size_t count = 0;
        const rd_kafka_group_result_t** groups
            = result ? rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count) : nullptr;
        for (size_t i = 0; i < count; ++i) {
            if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[i])) {
                groupErrors.insert(group, QString::fromUtf8(rd_kafka_error_string(error)));
                continue;
            }
            const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(groups[i]);
            auto& offsets = committed[group];
            for (int j = 0; partitions && j < partitions->cnt; ++j) {
                const auto& element = partitions->elems[j];
                if (element.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    groupErrors.insert(group,
                        u"committed offset of "_s % QString::fromUtf8(element.topic) % u'/'
                            % QString::number(element.partition) % u": "_s % errorString(element.err));
                    continue;
                }
                offsets.insert(
                    { QString::fromUtf8(element.topic), element.partition }, element.offset >= 0 ? element.offset : -1);
            }
        }
    }
    for (const auto& group : std::as_const(pending))
        groupErrors.insert(group, u"committed offsets: timed out"_s);
    for (auto it = groupTopics.cbegin(); it != groupTopics.cend(); ++it) {
        if (groupErrors.contains(it.key())) {
            m_groups.remove(it.key());
            continue;
        }
        const auto offsets = committed.value(it.key());
        const auto ends = endsOf(it.value());
        auto& memory = m_groups[it.key()];
        memory.quietRefreshes
            = memory.committed == offsets && memory.endOffsets == ends ? memory.quietRefreshes + 1 : 0;
        memory.committed = offsets;
        memory.endOffsets = ends;
    }
}

LagSnapshot LagRefresher::refresh(
    const QList<LagTarget>& targets, std::chrono::milliseconds timeout, const std::function<bool()>& stopRequested)
{
    LagSnapshot snapshot;
    const auto finish = [&snapshot]() {
        snapshot.timestampMs = QDateTime::currentMSecsSinceEpoch();
        // A refresh that failed as a whole measured none of its targets: each says so, and nobody records a zero.
        if (!snapshot.error.isEmpty()) {
            for (auto& lag : snapshot.triggers) {
                if (lag.error.isEmpty() && lag.partitions.isEmpty())
                    lag.error = snapshot.error;
            }
        }
        return snapshot;
    };
    for (const auto& target : targets) {
        TriggerLag lag;
        lag.trigger = target.trigger;
        lag.topic = target.topic;
        lag.group = target.group;
        if (target.topic.isEmpty())
            lag.error = u"no topic"_s;
        else if (target.group.isEmpty())
            lag.error = u"no consumer group"_s;
        snapshot.triggers.append(lag);
    }
    if (!m_handle) {
        snapshot.error = u"Invalid Kafka client configuration: "_s % m_configError;
        return finish();
    }
    if (targets.isEmpty())
        return finish();
    rd_kafka_poll(m_handle.get(), 0); // serves the error callback

    const auto started = Clock::now();
    const auto deadline = started + timeout;
    QHash<QString, TopicInfo> topics;
    for (const auto& target : targets) {
        if (!target.topic.isEmpty())
            topics.insert(target.topic, {});
    }
    syncTopicHandles(QSet<QString>(topics.keyBegin(), topics.keyEnd()));

    auto error = readMetadata(topics, deadline, stopRequested);
    if (stopRequested())
        return {};
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_poll(m_handle.get(), 0);
        snapshot.error = unreachable(u"metadata request"_s, error);
        return finish();
    }
    const auto metadataRead = Clock::now();
    error = readOffsets(topics, false, {}, deadline, stopRequested);
    if (stopRequested())
        return {};
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_poll(m_handle.get(), 0);
        snapshot.error = unreachable(u"end offsets request"_s, error);
        return finish();
    }
    QHash<QString, QHash<QPair<QString, int>, qint64>> committed;
    QHash<QString, QString> groupErrors;
    const auto endOffsetsRead = Clock::now();
    readCommitted(targets, topics, committed, groupErrors, deadline, stopRequested);
    if (stopRequested())
        return {};
    // Where a slow refresh spends its time, for QT_LOGGING_RULES="meshscope.kafka.debug=true".
    const auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    qCDebug(lcKafka) << "lag refresh of" << targets.size() << "targets: metadata" << ms(metadataRead - started)
                     << "ms, end offsets" << ms(endOffsetsRead - metadataRead) << "ms, committed offsets"
                     << ms(Clock::now() - endOffsetsRead) << "ms";

    // A group that has committed nothing on a partition would, reading from the earliest offset, have every
    // retained record ahead of it: its lag there is endOffset - low watermark.
    QSet<QString> uncommitted;
    for (const auto& target : targets) {
        const auto& info = topics.value(target.topic);
        if (groupErrors.contains(target.group))
            continue;
        for (int partition = 0; partition < info.partitions; ++partition) {
            if (committed.value(target.group).value({ target.topic, partition }, -1) < 0)
                uncommitted.insert(target.topic % u'/' % QString::number(partition));
        }
    }
    if (!uncommitted.isEmpty())
        readOffsets(topics, true, uncommitted, deadline, stopRequested);
    if (stopRequested())
        return {};

    for (auto& lag : snapshot.triggers) {
        if (!lag.error.isEmpty())
            continue;
        const auto& info = topics.value(lag.topic);
        if (!info.error.isEmpty()) {
            lag.error = info.error;
            if (info.partitions == 0)
                continue;
        }
        if (groupErrors.contains(lag.group)) {
            lag.error = groupErrors.value(lag.group);
            continue;
        }
        const auto offsets = committed.value(lag.group);
        for (int partition = 0; partition < info.partitions; ++partition) {
            PartitionLag p;
            p.partition = partition;
            p.endOffset = info.endOffsets.value(partition, -1);
            p.committed = offsets.value({ lag.topic, partition }, -1);
            if (p.endOffset >= 0) {
                const qint64 from
                    = p.committed >= 0 ? p.committed : std::max<qint64>(info.lowOffsets.value(partition), 0);
                p.lag = std::max<qint64>(p.endOffset - from, 0);
            }
            lag.totalLag += p.lag;
            lag.partitions.append(p);
        }
    }
    return finish();
}

} // namespace

KafkaLagMonitor::KafkaLagMonitor(QMap<QString, QString> kafkaConfig, QObject* parent)
    : QObject(parent)
    , m_config(std::move(kafkaConfig))
    , m_shared(std::make_shared<Shared>())
{
    qRegisterMetaType<LagSnapshot>();
}

KafkaLagMonitor::~KafkaLagMonitor()
{
    stop();
    const std::lock_guard lock(m_shared->mutex);
    m_shared->owner = nullptr;
}

void KafkaLagMonitor::setTargets(const QList<LagTarget>& targets)
{
    const std::lock_guard lock(m_shared->mutex);
    m_shared->targets = targets;
}

QList<LagTarget> KafkaLagMonitor::targets() const
{
    const std::lock_guard lock(m_shared->mutex);
    return m_shared->targets;
}

void KafkaLagMonitor::setInterval(std::chrono::milliseconds interval)
{
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->interval = std::max(interval, std::chrono::milliseconds(10));
    }
    m_shared->wake.notify_all();
}

std::chrono::milliseconds KafkaLagMonitor::interval() const
{
    const std::lock_guard lock(m_shared->mutex);
    return m_shared->interval;
}

void KafkaLagMonitor::start()
{
    if (m_running)
        return;
    m_running = true;
    const quint64 generation = ++m_generation;
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->runGeneration = generation;
        m_shared->owner = this;
    }
    // Never joined: a worker from before stop() ends on its own once it notices, while this one starts.
    BackgroundWorkers::start([shared = m_shared, config = m_config, generation] { run(shared, config, generation); });
}

void KafkaLagMonitor::stop()
{
    if (!m_running)
        return;
    m_running = false;
    ++m_generation;
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->runGeneration = 0;
    }
    m_shared->wake.notify_all();
}

void KafkaLagMonitor::run(std::shared_ptr<Shared> sharedState, QMap<QString, QString> config, quint64 generation)
{
    Shared& shared = *sharedState;
    const auto stopRequested = [&shared, generation] {
        const std::lock_guard lock(shared.mutex);
        return shared.runGeneration != generation;
    };
    LagRefresher refresher(config);
    while (true) {
        QList<LagTarget> targets;
        std::chrono::milliseconds interval;
        {
            const std::lock_guard lock(shared.mutex);
            if (shared.runGeneration != generation)
                return;
            targets = shared.targets;
            interval = shared.interval;
        }
        const auto started = Clock::now();
        LagSnapshot snapshot = refresher.refresh(targets,
            std::clamp(interval, std::chrono::milliseconds(1000), std::chrono::milliseconds(10000)), stopRequested);
        snapshot.durationMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        std::unique_lock lock(shared.mutex);
        if (shared.runGeneration != generation || !shared.owner)
            return;
        // Delivered on the monitor's thread; the generation check there drops what a stop() overtook. Posted under
        // the lock, which the destructor takes before the monitor goes, whose posted events then go with it.
        KafkaLagMonitor* owner = shared.owner;
        QMetaObject::invokeMethod(
            owner,
            [owner, generation, snapshot = std::move(snapshot)] {
                if (owner->m_running && owner->m_generation == generation)
                    Q_EMIT owner->snapshot(snapshot);
            },
            Qt::QueuedConnection);
        shared.wake.wait_until(lock, started + shared.interval,
            [&] { return shared.runGeneration != generation || Clock::now() >= started + shared.interval; });
    }
}
