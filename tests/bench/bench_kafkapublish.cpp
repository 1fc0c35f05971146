// SPDX-License-Identifier: Apache-2.0
// Bulk publishing to a real Kafka broker (KafkaHarness, one KRaft node on loopback): 1,000,000 small CloudEvents
// (MESHSCOPE_BENCH_KAFKA_EVENTS to try another count) published with KafkaTransport::publishBatch(), and the same
// records produced by kcat (Debian package kcat, 1.7.1, on the same librdkafka 2.0.2), side by side in one run,
// each to its own topic of 3 partitions: one warm-up round each, then eight counted rounds each. The issue wants ours
// at least 90% of kcat's throughput.
//
// The records are the same on both sides: key "pk-NNNN" (the partitionkey, 64 distinct values), value
// {"seq":"NNNNNNN"}, and the binary-mode headers ce_specversion, ce_id, ce_source, ce_type, ce_partitionkey,
// content-type, in this order and of the same sizes. One difference kcat imposes: its -H headers are the same for
// every record, so its ce_id and ce_partitionkey are constant where ours vary per event. Producer settings are the
// same: enable.idempotence=true, acks=all, message.timeout.ms=30000, everything else librdkafka's defaults
// (linger.ms 5, batch.num.messages 10,000, queue.buffering.max.messages 100,000). kcat reads its records from a file
// written beforehand (its parsing is timed); ours are built from a template in chunks of 2,000 while publishing
// (building is timed), and kept below 100,000 awaiting acknowledgement, as kcat fills librdkafka's queue. Each side's
// time runs from its first record to the acknowledgement of its last: kcat's is its process's whole life (it flushes
// before it exits), ours ends with the last delivery report. Both topics are checked afterwards to hold exactly the
// records sent.
//
// Prints one JSON line per figure: events/s for both, ours as a percentage of kcat's, CPU time per event of both
// processes (the broker, on the same two cores, gets what they leave), and where our main thread's time went
// (building events, publishBatch(), its CPU time).
#include "bulksender.h"
#include "eventpublisher.h"
#include "kafkabulk.h"
#include "kafkaharness.h"
#include "kafkatransport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <optional>

#include <ctime>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int partitions = 3;
constexpr int chunk = 2'000;
// Records awaiting acknowledgement: librdkafka's queue.buffering.max.messages (100,000), as kcat fills it too.
constexpr int window = 100'000;
constexpr int keys = 64;

int environmentNumber(const char* name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

void report(const char* metric, double value, const char* unit)
{
    std::printf(
        "{\"bench\": \"kafkapublish\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", metric, value, unit);
    std::fflush(stdout);
}

[[noreturn]] void fail(const QString& why)
{
    std::fprintf(stderr, "bench_kafkapublish: %s\n", qPrintable(why));
    std::exit(1);
}

// CPU seconds of the calling thread.
double threadCpu()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// CPU seconds (user and system, all threads) of this process, or of its children that have ended.
double cpuSeconds(int who)
{
    rusage usage {};
    getrusage(who, &usage);
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// number, zero-padded to width, over the characters at out.
template <typename Char>
void writeDigits(Char* out, int number, int width)
{
    for (int i = width - 1; i >= 0; --i, number /= 10)
        out[i] = Char(u'0' + number % 10);
}

QByteArray padded(int number, int width) { return QByteArray::number(number).rightJustified(width, '0'); }

QByteArray value(int seq) { return R"({"seq":")" + padded(seq, 7) + R"("})"; }
QByteArray key(int seq) { return "pk-" + padded(seq % keys, 4); }

const QString source = u"/apis/v1/namespaces/bench/pingsources/kafkapublish"_s;
const QString type = u"dev.meshscope.bench.kafkapublish"_s;

// Records in the topic: the sum of the partitions' high watermarks (a fresh topic starts at 0).
qint64 recordsIn(const QString& bootstrap, const QString& topic)
{
    QString error;
    const KafkaClient::HandlePtr client = KafkaBulk::client(bootstrap, &error);
    if (!client)
        fail(error);
    qint64 total = 0;
    for (int partition = 0; partition < partitions; ++partition) {
        int64_t low = 0;
        int64_t high = 0;
        const auto code = rd_kafka_query_watermark_offsets(
            client.get(), topic.toUtf8().constData(), partition, &low, &high, 10'000);
        if (code != RD_KAFKA_RESP_ERR_NO_ERROR)
            fail(u"watermarks of "_s % topic % u": "_s % KafkaClient::errorString(code));
        total += high;
    }
    return total;
}

double runKcat(const QString& kcat, const QString& bootstrap, const QString& topic, const QString& file, int count)
{
    const QStringList arguments { u"-P"_s, u"-q"_s, u"-b"_s, bootstrap, u"-t"_s, topic, u"-K"_s, u"\\t"_s, u"-l"_s,
        file, u"-X"_s, u"enable.idempotence=true"_s, u"-X"_s, u"acks=all"_s, u"-X"_s, u"message.timeout.ms=30000"_s,
        u"-X"_s, u"client.id=kcat-bench"_s, u"-H"_s, u"ce_specversion=1.0"_s, u"-H"_s,
        u"ce_id=ev-"_s % QString::fromLatin1(padded(0, 7)), u"-H"_s, u"ce_source="_s % source, u"-H"_s,
        u"ce_type="_s % type, u"-H"_s, u"ce_partitionkey="_s % QString::fromLatin1(key(0)), u"-H"_s,
        u"content-type=application/json"_s };
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
    QElapsedTimer timer;
    timer.start();
    process.start(kcat, arguments);
    if (!process.waitForFinished(300'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        fail(u"kcat failed: "_s % process.errorString() % u", exit code "_s % QString::number(process.exitCode()));
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    report("kcat_cpu_us_per_event", (cpuSeconds(RUSAGE_CHILDREN) - cpuBefore) * 1e6 / count, "us");
    if (const qint64 stored = recordsIn(bootstrap, topic); stored != count)
        fail(u"kcat stored "_s % QString::number(stored) % u" records, not "_s % QString::number(count));
    return count / seconds;
}

double runMeshscope(const QString& bootstrap, const QString& topic, int count)
{
    KafkaTransport transport({ { u"bootstrap.servers"_s, bootstrap }, { u"client.id"_s, u"meshscope-bench"_s } });
    qint64 acknowledged = 0;
    qint64 failed = 0;
    QString firstError;
    QObject::connect(
        &transport, &KafkaTransport::deliveredBatch, [&](const QString&, const QList<KafkaTransport::Report>& reports) {
            for (const KafkaTransport::Report& report : reports) {
                if (report.ok()) {
                    ++acknowledged;
                } else if (failed++ == 0) {
                    firstError = report.error;
                }
            }
        });

    CloudEvent event;
    event.id = u"ev-"_s % QString::fromLatin1(padded(0, 7));
    event.source = source;
    event.type = type;
    event.dataContentType = u"application/json"_s;
    event.dataKind = CloudEvent::DataKind::Json;
    event.extensions.insert(u"partitionkey"_s, QString::fromLatin1(key(0)));
    event.data = value(0);
    QList<CloudEvent> events(chunk, event);

    const double cpuBefore = cpuSeconds(RUSAGE_SELF);
    const double mainBefore = threadCpu();
    QElapsedTimer timer;
    timer.start();
    qint64 buildingNs = 0;
    qint64 publishingNs = 0;
    int sent = 0;
    while (acknowledged + failed < count) {
        while (sent < count && transport.inFlight() + chunk <= window) {
            const qint64 start = timer.nsecsElapsed();
            // Only the last chunk is shorter.
            const int size = std::min(chunk, count - sent);
            events.resize(size);
            // The numbers are written into each event's own strings, as a sender that reuses its buffers would (kcat
            // reuses its line buffer): after the first chunk, building allocates nothing.
            for (int i = 0; i < size; ++i) {
                CloudEvent& e = events[i];
                const int seq = sent + i;
                writeDigits(e.id.data() + 3, seq, 7);
                writeDigits(static_cast<QString*>(e.extensions[u"partitionkey"_s].data())->data() + 3, seq % keys, 4);
                writeDigits(e.data.data() + 8, seq, 7);
            }
            const qint64 built = timer.nsecsElapsed();
            transport.publishBatch(topic, events);
            publishingNs += timer.nsecsElapsed() - built;
            buildingNs += built - start;
            sent += size;
        }
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds(RUSAGE_SELF) - cpuBefore;
    const double mainCpu = threadCpu() - mainBefore;
    if (failed > 0)
        fail(QString::number(failed) % u" events failed, the first with: "_s % firstError);
    if (const qint64 stored = recordsIn(bootstrap, topic); stored != count)
        fail(u"KafkaTransport stored "_s % QString::number(stored) % u" records, not "_s % QString::number(count));
    report("meshscope_build_us_per_event", double(buildingNs) / 1e3 / count, "us");
    report("meshscope_publishbatch_us_per_event", double(publishingNs) / 1e3 / count, "us");
    report("meshscope_cpu_us_per_event", cpu * 1e6 / count, "us");
    report("meshscope_main_thread_cpu_us_per_event", mainCpu * 1e6 / count, "us");
    return count / seconds;
}

// The publisher page's path, for the record (not compared with kcat): BulkSender expands a template per event
// ({{seq}} in the id and the data) and hands EventPublisher batches, with its largest in-flight window.
double runBulkSender(const QString& bootstrap, const QString& topic, int count)
{
    KafkaTransport transport({ { u"bootstrap.servers"_s, bootstrap }, { u"client.id"_s, u"meshscope-bench"_s } });
    EventPublisher publisher;
    publisher.setKafkaTransport(&transport);
    BulkSender sender(&publisher);
    std::optional<BulkSummary> summary;
    QObject::connect(&sender, &BulkSender::finished, [&](const BulkSummary& done) { summary = done; });
    CloudEventTemplate eventTemplate;
    eventTemplate.attributes = { { u"id"_s, u"ev-{{seq}}"_s }, { u"source"_s, source }, { u"type"_s, type },
        { u"datacontenttype"_s, u"application/json"_s }, { u"partitionkey"_s, u"pk-{{random:0-63}}"_s } };
    eventTemplate.data = R"({"seq":"{{seq}}"})";
    eventTemplate.dataKind = CloudEvent::DataKind::Json;
    BulkSender::Options options;
    options.count = count;
    options.window = 10'000;
    QString error;
    if (!sender.start(eventTemplate, PublishTarget::kafkaTopic(topic), options, &error))
        fail(error);
    while (!summary)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    if (summary->sent != count)
        fail(u"BulkSender: "_s % summary->text());
    return summary->eventsPerSecond;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int count = environmentNumber("MESHSCOPE_BENCH_KAFKA_EVENTS", 1'000'000);
    const QString kcat = QStandardPaths::findExecutable(u"kcat"_s);
    if (kcat.isEmpty())
        fail(u"kcat is not installed (Debian package kcat, listed in packaging/debian-packages.txt)"_s);

    KafkaHarness kafka;
    QString error;
    if (!kafka.start(&error))
        fail(error);
    const QString bootstrap = kafka.bootstrapServers();
    // A warm-up round of each side, not counted, lets the broker's JIT compiler and heap settle (they keep getting
    // faster for a couple of million records). Then eight counted rounds each (MESHSCOPE_BENCH_KAFKA_ROUNDS to try
    // another number; a power of two keeps the order balanced) in the Thue-Morse order kcat, ours, ours, kcat, ours,
    // kcat, kcat, ours, ours, kcat, ...: neither side profits from coming earlier or later, even while the broker
    // still speeds up, and one noisy round weighs an eighth.
    const int roundsEach = environmentNumber("MESHSCOPE_BENCH_KAFKA_ROUNDS", 8);
    QByteArray order;
    for (int round = 0; round < 2 * roundsEach; ++round)
        order += std::popcount(unsigned(round)) % 2 == 0 ? 'K' : 'O';
    QStringList topics { u"bench-warmup-kcat"_s, u"bench-warmup-meshscope"_s };
    for (qsizetype round = 0; round < order.size(); ++round)
        topics.append((order[round] == 'K' ? u"bench-kcat-"_s : u"bench-meshscope-"_s) % QString::number(round));
    const QString bulkTopic = u"bench-bulksender"_s;
    QList<std::pair<QString, int>> created;
    for (const QString& topic : std::as_const(topics) + QStringList { bulkTopic })
        created.append({ topic, partitions });
    if (!KafkaBulk::createTopics(bootstrap, created, &error))
        fail(error);

    QTemporaryDir dir;
    const QString file = dir.filePath(u"records.txt"_s);
    {
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly))
            fail(out.errorString());
        QByteArray lines;
        for (int seq = 0; seq < count; ++seq)
            lines += key(seq) + '\t' + value(seq) + '\n';
        out.write(lines);
    }

    runKcat(kcat, bootstrap, topics[0], file, count);
    runMeshscope(bootstrap, topics[1], count);
    std::printf("bench_kafkapublish: warm-up done; the figures below count\n");
    // Events over the time taken, per side: the sum of the rounds' seconds.
    double oursSeconds = 0;
    double theirSeconds = 0;
    for (qsizetype round = 0; round < order.size(); ++round) {
        const QString& topic = topics[round + 2];
        const bool isKcat = order[round] == 'K';
        const double rate
            = isKcat ? runKcat(kcat, bootstrap, topic, file, count) : runMeshscope(bootstrap, topic, count);
        (isKcat ? theirSeconds : oursSeconds) += count / rate;
        const QByteArray metric
            = (isKcat ? "kcat" : "meshscope") + QByteArray("_events_per_s_round") + QByteArray::number(round + 1);
        report(metric.constData(), rate, "events/s");
    }
    const double rounds = double(order.count('K'));
    const double ours = rounds * count / oursSeconds;
    const double theirs = rounds * count / theirSeconds;
    report("meshscope_events_per_s", ours, "events/s");
    report("kcat_events_per_s", theirs, "events/s");
    report("meshscope_percent_of_kcat", 100.0 * ours / theirs, "%");
    report("bulksender_events_per_s", runBulkSender(bootstrap, bulkTopic, std::min(count, 200'000)), "events/s");
    kafka.stop();
    return 0;
}
