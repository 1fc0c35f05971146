// SPDX-License-Identifier: Apache-2.0
// The window stays responsive during bulk sends: the publisher page sends events from its template as fast as the
// target acknowledges, while a 5 ms timer on the GUI thread measures how late each of its ticks comes. Two targets:
// - HTTP: MESHSCOPE_BENCH_BULK_EVENTS events (default 100,000), 256 in flight, to a receiver in this process (a
//   minimal keep-alive HTTP/1.1 server on its own thread answering 202);
// - Kafka: MESHSCOPE_BENCH_KAFKA_BULK_EVENTS events (default 500,000), 10,000 in flight (the page's largest window),
//   to a topic of a real Kafka broker (KafkaHarness, one KRaft node on loopback) through the session's
//   KafkaTransport, whose delivery reports are served on the GUI thread.
// Prints one JSON line per figure and target: the longest gap between ticks beyond the 5 ms (target: no gap over
// 50 ms), the 99th percentile gap, the events per second and the bulk's latencies.
#include "../unit/localreceiver.h"
#include "bulksender.h"
#include "kafkabulk.h"
#include "kafkaharness.h"
#include "kafkatransport.h"
#include "objectstore.h"
#include "publisherpage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

void report(const QByteArray& prefix, const char* metric, double value, const char* unit)
{
    std::printf("{\"bench\": \"publisherresponsiveness\", \"metric\": \"%s%s\", \"value\": %.3f, \"unit\": \"%s\"}\n",
        prefix.constData(), metric, value, unit);
    std::fflush(stdout);
}

int environmentNumber(const char* name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

// Sends count events from the page's template with the given window and reports the figures, their names
// prefixed. True when every event was sent and no gap exceeded 50 ms.
bool measure(QApplication& app, PublisherPage& page, int count, int window, const QByteArray& prefix)
{
    std::vector<double> gapsMs;
    gapsMs.reserve(400'000);
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const qint64 now = clock.nsecsElapsed();
        gapsMs.push_back(std::max(0.0, double(now - last) / 1e6 - 5.0));
        last = now;
    });

    BulkSummary summary;
    const QMetaObject::Connection finished
        = QObject::connect(&page, &PublisherPage::bulkFinished, &app, [&](const BulkSummary& result) {
              summary = result;
              app.quit();
          });
    QTimer::singleShot(0, &app, [&] {
        QString error;
        clock.start();
        probe.start();
        if (!page.startBulk(count, 0, window, &error)) {
            std::fprintf(stderr, "bulk send not started: %s\n", qPrintable(error));
            app.exit(1);
        }
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &app, [&] {
        std::fprintf(stderr, "deadline passed\n");
        page.cancelBulk();
    });
    deadline.start(600'000);
    const int status = app.exec();
    probe.stop();
    QObject::disconnect(finished);
    if (status != 0)
        return false;
    // The first tick measures the start itself, not the send.
    if (!gapsMs.empty())
        gapsMs.erase(gapsMs.begin());
    std::sort(gapsMs.begin(), gapsMs.end());
    const double maxGap = gapsMs.empty() ? 0 : gapsMs.back();
    const double p99Gap = gapsMs.empty() ? 0 : gapsMs[std::min(gapsMs.size() - 1, gapsMs.size() * 99 / 100)];
    report(prefix, "max_event_loop_gap", maxGap, "ms");
    report(prefix, "p99_event_loop_gap", p99Gap, "ms");
    report(prefix, "events_per_second", summary.eventsPerSecond, "events/s");
    report(prefix, "sent", double(summary.sent), "events");
    report(prefix, "failed", double(summary.failed), "events");
    report(prefix, "latency_p50", summary.p50Ms, "ms");
    report(prefix, "latency_p99", summary.p99Ms, "ms");
    return summary.sent == count && maxGap <= 50;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QTemporaryDir storage;
    LocalReceiver receiver;
    ObjectStore store;
    PublisherPage page(&store);
    page.setStorageDirectory(storage.path());
    page.idField()->setText(u"bench-{{seq}}"_s);
    page.dataField()->setPlainText(u"{\"n\": {{seq}}}"_s);
    page.resize(1400, 880);
    page.show();

    page.setTarget(PublisherPage::TargetKind::HttpUrl, QString::fromLatin1(receiver.url()));
    bool ok = measure(app, page, environmentNumber("MESHSCOPE_BENCH_BULK_EVENTS", 100'000), 256, QByteArray());

    KafkaHarness kafka;
    QString error;
    const QString topic = u"bench-responsiveness"_s;
    if (!kafka.start(&error) || !KafkaBulk::createTopics(kafka.bootstrapServers(), { { topic, 3 } }, &error)) {
        std::fprintf(stderr, "bench_publisherresponsiveness: %s\n", qPrintable(error));
        return 1;
    }
    KafkaTransport transport({ { u"bootstrap.servers"_s, kafka.bootstrapServers() } });
    page.setTransport(&transport);
    page.setTarget(PublisherPage::TargetKind::KafkaTopic, topic);
    ok = measure(app, page, environmentNumber("MESHSCOPE_BENCH_KAFKA_BULK_EVENTS", 500'000), 10'000, "kafka_") && ok;
    return ok ? 0 : 2;
}
