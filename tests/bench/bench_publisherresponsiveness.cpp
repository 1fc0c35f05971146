// SPDX-License-Identifier: Apache-2.0
// The window stays responsive during bulk sends: the publisher page sends MESHSCOPE_BENCH_BULK_EVENTS events
// (default 100,000) from its template over HTTP, as fast as the target acknowledges, to a receiver in this process
// (a minimal keep-alive HTTP/1.1 server on its own thread answering 202), while a 5 ms timer on the GUI thread
// measures how late each of its ticks comes. Prints one JSON line per figure: the longest gap between ticks beyond
// the 5 ms (target: no gap over 50 ms), the 99th percentile gap, the events per second and the bulk's latencies.
#include "../unit/localreceiver.h"
#include "bulksender.h"
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

void report(const char* metric, double value, const char* unit)
{
    std::printf("{\"bench\": \"publisherresponsiveness\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n",
        metric, value, unit);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    bool ok = false;
    const int events = qEnvironmentVariableIntValue("MESHSCOPE_BENCH_BULK_EVENTS", &ok);
    const int count = ok && events > 0 ? events : 100'000;
    QTemporaryDir storage;
    LocalReceiver receiver;
    ObjectStore store;
    PublisherPage page(&store);
    page.setStorageDirectory(storage.path());
    page.setTarget(PublisherPage::TargetKind::HttpUrl, QString::fromLatin1(receiver.url()));
    page.idField()->setText(u"bench-{{seq}}"_s);
    page.dataField()->setPlainText(u"{\"n\": {{seq}}}"_s);
    page.resize(1400, 880);
    page.show();

    std::vector<double> gapsMs;
    gapsMs.reserve(200'000);
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
    QObject::connect(&page, &PublisherPage::bulkFinished, &app, [&](const BulkSummary& result) {
        summary = result;
        app.quit();
    });
    QTimer::singleShot(0, &app, [&] {
        QString error;
        clock.start();
        probe.start();
        if (!page.startBulk(count, 0, 256, &error)) {
            std::fprintf(stderr, "bulk send not started: %s\n", qPrintable(error));
            app.exit(1);
        }
    });
    QTimer::singleShot(600'000, &app, [&] {
        std::fprintf(stderr, "deadline passed\n");
        page.cancelBulk();
    });
    const int status = app.exec();
    probe.stop();
    if (status != 0)
        return status;
    // The first tick measures the start itself, not the send.
    if (!gapsMs.empty())
        gapsMs.erase(gapsMs.begin());
    std::sort(gapsMs.begin(), gapsMs.end());
    const double maxGap = gapsMs.empty() ? 0 : gapsMs.back();
    const double p99Gap = gapsMs.empty() ? 0 : gapsMs[std::min(gapsMs.size() - 1, gapsMs.size() * 99 / 100)];
    report("max_event_loop_gap", maxGap, "ms");
    report("p99_event_loop_gap", p99Gap, "ms");
    report("events_per_second", summary.eventsPerSecond, "events/s");
    report("sent", double(summary.sent), "events");
    report("failed", double(summary.failed), "events");
    report("latency_p50", summary.p50Ms, "ms");
    report("latency_p99", summary.p99Ms, "ms");
    return summary.sent == count && maxGap <= 50 ? 0 : 2;
}
