// SPDX-License-Identifier: Apache-2.0
// Lag of 2,000 consumer groups on 200 topics of 12 partitions on a real Kafka broker (KafkaHarness): one full
// refresh of KafkaLagMonitor, side by side with `kafka-consumer-groups --describe --all-groups` on the same broker,
// and the CPU the process uses while BacklogMonitor refreshes all of them every 5 s. One JSON line per figure.

#include "backlogmonitor.h"
#include "kafkabulk.h"
#include "kafkaharness.h"
#include "kafkalagmonitor.h"
#include "objectstore.h"
#include "seriesstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

constexpr int Topics = 200;
constexpr int Partitions = 12;
constexpr int Groups = 2000;

void report(const char* metric, double value, const char* unit)
{
    std::printf(
        "{\"bench\": \"kafkalag\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", metric, value, unit);
    std::fflush(stdout);
}

QString topicName(int topic) { return u"bench-topic-%1"_s.arg(topic, 3, 10, QChar(u'0')); }
QString groupName(int group) { return u"bench-group-%1"_s.arg(group, 4, 10, QChar(u'0')); }

// RUSAGE_SELF: the whole process; RUSAGE_THREAD: the calling thread only.
double cpuSeconds(int who = RUSAGE_SELF)
{
    rusage usage {};
    getrusage(who, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool fail(const QString& message)
{
    std::fprintf(stderr, "bench_kafkalag: %s\n", qPrintable(message));
    return false;
}

// Waits on the event loop for the next snapshot; nullopt after timeoutMs.
std::optional<LagSnapshot> nextSnapshot(KafkaLagMonitor& monitor, int timeoutMs)
{
    std::optional<LagSnapshot> result;
    QEventLoop loop;
    const auto connection = QObject::connect(&monitor, &KafkaLagMonitor::snapshot, &loop, [&](const LagSnapshot& s) {
        result = s;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(connection);
    return result;
}

bool run()
{
    KafkaHarness harness;
    QString error;
    QElapsedTimer timer;
    timer.start();
    if (!harness.start(&error))
        return fail(error);
    report("harness_start", double(timer.restart()), "ms");

    QList<std::pair<QString, int>> topics;
    for (int topic = 0; topic < Topics; ++topic)
        topics.append({ topicName(topic), Partitions });
    if (!KafkaBulk::createTopics(harness.bootstrapServers(), topics, &error, 300'000))
        return fail(error);
    report("create_topics", double(timer.restart()), "ms");
    // 20 records in every partition.
    std::map<QString, std::map<int, int>> records;
    for (int topic = 0; topic < Topics; ++topic) {
        for (int partition = 0; partition < Partitions; ++partition)
            records[topicName(topic)][partition] = 20;
    }
    if (!KafkaBulk::produce(harness.bootstrapServers(), records, &error, 300'000))
        return fail(error);
    report("produce_records", double(timer.restart()), "ms");
    // Group g reads topic g % 200, with committed offsets between 0 and 19.
    std::map<QString, std::map<std::pair<QString, int>, qint64>> offsets;
    for (int group = 0; group < Groups; ++group) {
        for (int partition = 0; partition < Partitions; ++partition)
            offsets[groupName(group)][{ topicName(group % Topics), partition }] = (group + partition) % 20;
    }
    if (!KafkaBulk::commit(harness.bootstrapServers(), offsets, &error, 300'000))
        return fail(error);
    report("commit_offsets", double(timer.restart()), "ms");

    QList<LagTarget> targets;
    for (int group = 0; group < Groups; ++group)
        targets.append({ { u"eventing.knative.dev"_s, u"Trigger"_s, u"bench"_s, u"trigger-%1"_s.arg(group) },
            topicName(group % Topics), groupName(group) });
    LagSnapshot last;
    qint64 lastTotal = 0;
    {
        KafkaLagMonitor monitor({ { u"bootstrap.servers"_s, harness.bootstrapServers() } });
        monitor.setTargets(targets);
        monitor.setInterval(std::chrono::seconds(2));
        monitor.start();
        QList<qint64> durations;
        for (int refresh = 0; refresh < 6; ++refresh) {
            const auto snapshot = nextSnapshot(monitor, 60'000);
            if (!snapshot)
                return fail(u"no snapshot within 60 s"_s);
            // The time first: it is the figure wanted even when the refresh turns out wrong.
            if (refresh == 0)
                report("refresh_first_ms", double(snapshot->durationMs), "ms");
            else
                durations.append(snapshot->durationMs);
            if (!snapshot->error.isEmpty())
                return fail(snapshot->error);
            qint64 total = 0;
            for (const auto& lag : snapshot->triggers) {
                if (!lag.error.isEmpty())
                    return fail(lag.group + u": "_s + lag.error);
                if (lag.partitions.size() != Partitions)
                    return fail(lag.group + u": partitions missing"_s);
                total += lag.totalLag;
            }
            // Nothing is produced or committed meanwhile: every refresh must see the same backlog.
            if (refresh > 0 && total != lastTotal)
                return fail(u"refresh %1: total lag %2, the one before %3"_s.arg(refresh).arg(total).arg(lastTotal));
            lastTotal = total;
            last = *snapshot;
        }
        std::sort(durations.begin(), durations.end());
        report("refresh_median_ms", double(durations.at(durations.size() / 2)), "ms");
        report("refresh_max_ms", double(durations.last()), "ms");
    }

    // Kafka's own tool on the same broker, JVM start included as a user would see it; its rows are the reference
    // for the monitor's figures.
    timer.restart();
    const QList<KafkaHarness::GroupOffset> rows = harness.describeGroups({}, &error);
    const qint64 toolMs = timer.elapsed();
    if (!error.isEmpty())
        return fail(error);
    report("kafka_consumer_groups_describe_all_ms", double(toolMs), "ms");
    if (rows.size() != Groups * Partitions)
        return fail(u"kafka-consumer-groups printed %1 rows, expected %2"_s.arg(rows.size()).arg(Groups * Partitions));
    std::map<std::pair<QString, int>, KafkaHarness::GroupOffset> tool;
    qint64 toolLag = 0;
    for (const auto& row : rows) {
        tool[{ row.group, row.partition }] = row;
        toolLag += std::max<qint64>(row.lag, 0);
    }
    qint64 monitorLag = 0;
    int differences = 0;
    for (const auto& lag : std::as_const(last.triggers)) {
        monitorLag += lag.totalLag;
        for (const auto& partition : lag.partitions) {
            const auto row = tool.find({ lag.group, partition.partition });
            const bool same = row != tool.end() && row->second.topic == lag.topic
                && row->second.currentOffset == partition.committed && row->second.logEndOffset == partition.endOffset
                && row->second.lag == partition.lag;
            if (!same && ++differences <= 5)
                std::fprintf(stderr, "bench_kafkalag: %s %s/%d: monitor %lld/%lld/%lld, tool %s\n",
                    qPrintable(lag.group), qPrintable(lag.topic), partition.partition,
                    static_cast<long long>(partition.committed), static_cast<long long>(partition.endOffset),
                    static_cast<long long>(partition.lag),
                    row == tool.end() ? "no row"
                                      : qPrintable(u"%1/%2/%3"_s.arg(row->second.currentOffset)
                                                       .arg(row->second.logEndOffset)
                                                       .arg(row->second.lag)));
        }
    }
    report("total_lag_monitor", double(monitorLag), "records");
    report("total_lag_kafka_consumer_groups", double(toolLag), "records");
    if (differences > 0)
        return fail(u"%1 partitions differ from kafka-consumer-groups"_s.arg(differences));

    // Idle: BacklogMonitor on a store with the 200 brokers and 2,000 triggers, refreshing every 5 s for 60 s.
    ObjectStore store;
    SeriesStore series;
    QList<KnativeObjectPtr> objects;
    for (int topic = 0; topic < Topics; ++topic) {
        auto broker = std::make_shared<KnativeObject>();
        broker->kind = ObjectKind::Broker;
        broker->key = { u"eventing.knative.dev"_s, u"Broker"_s, u"bench"_s, u"broker-%1"_s.arg(topic) };
        broker->brokerClass = u"Kafka"_s;
        broker->statusAnnotations.insert(u"default.topic"_s, topicName(topic));
        objects.append(broker);
    }
    for (int group = 0; group < Groups; ++group) {
        auto trigger = std::make_shared<KnativeObject>();
        trigger->kind = ObjectKind::Trigger;
        trigger->key = { u"eventing.knative.dev"_s, u"Trigger"_s, u"bench"_s, u"trigger-%1"_s.arg(group) };
        trigger->broker = u"broker-%1"_s.arg(group % Topics);
        trigger->statusAnnotations.insert(u"group.id"_s, groupName(group));
        objects.append(trigger);
    }
    store.replaceOrigin(u"bench"_s, objects);
    BacklogMonitor backlog(&store, &series, { { u"bootstrap.servers"_s, harness.bootstrapServers() } });
    int measured = 0;
    QObject::connect(&backlog, &BacklogMonitor::measured, [&measured] { ++measured; });
    backlog.start();
    {
        QEventLoop loop;
        QObject::connect(&backlog, &BacklogMonitor::measured, &loop, &QEventLoop::quit);
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!backlog.lastError().isEmpty())
        return fail(backlog.lastError());
    const double cpuBefore = cpuSeconds();
    const double mainBefore = cpuSeconds(RUSAGE_THREAD);
    QElapsedTimer wall;
    wall.start();
    measured = 0;
    {
        QEventLoop loop;
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    const double cpu = cpuSeconds() - cpuBefore;
    const double mainCpu = cpuSeconds(RUSAGE_THREAD) - mainBefore;
    const double seconds = double(wall.elapsed()) / 1000.0;
    if (measured < 10)
        return fail(u"only %1 refreshes in %2 s"_s.arg(measured).arg(seconds));
    report("idle_refreshes", double(measured), "count");
    report("idle_cpu_percent_of_one_core", 100.0 * cpu / seconds, "%");
    // The main thread runs BacklogMonitor (analyzer, series); the rest is the lag worker and librdkafka's threads.
    report("idle_cpu_main_thread_percent", 100.0 * mainCpu / seconds, "%");
    if (!backlog.healthOf(targets.first().trigger))
        return fail(u"no health for the first trigger"_s);
    report("series", double(series.seriesIds().size()), "count");
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    return run() ? 0 : 1;
}
