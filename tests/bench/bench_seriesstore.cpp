// SPDX-License-Identifier: Apache-2.0
// Memory of the series store over a day: 24 hours of 5-second samples of 2,000 triggers, four series each (backlog,
// produce rate, consume rate, replicas) with jittered real-looking timestamps; the cost of one refresh's batch on the
// full store; the time of the chart queries for 5 minutes, 1 hour and 24 hours at 1,000 points. Prints one JSON
// line per figure; fails when the day takes 100 MB or more.

#include "benchsupport.h"
#include "seriesstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

constexpr int triggers = 2000;
constexpr qint64 intervalMs = 5000;
constexpr qint64 dayMs = 24 * 3'600'000;
constexpr int maxPoints = 1000;

void report(const char* metric, double value, const char* unit)
{
    std::printf(
        "{\"bench\": \"seriesstore\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", metric, value, unit);
    std::fflush(stdout);
}

// A small fast generator, so filling a day takes seconds.
class Random {
public:
    quint32 next()
    {
        m_state = m_state * 1664525u + 1013904223u;
        return m_state >> 8;
    }
    double unit() { return double(next() % 10000) / 10000.0; }

private:
    quint32 m_state = 12345;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList ids;
    for (int i = 0; i < triggers; ++i) {
        const QString key
            = u"eventing.knative.dev/Trigger/team-"_s % QString::number(i % 50) % u"/trigger-"_s % QString::number(i);
        ids << u"backlog/"_s % key << u"produce/"_s % key << u"consume/"_s % key << u"replicas/"_s % key;
    }
    const qint64 start = 1'764'000'000'000; // a fixed day, so runs compare
    const qint64 end = start + dayMs;
    constexpr qsizetype samplesPerSeries = dayMs / intervalMs;
    Random random;

    const double before = residentMb();
    SeriesStore store;
    QElapsedTimer timer;
    timer.start();
    qint64 samples = 0;
    // Trigger by trigger, a day at a time: the same content as refresh after refresh, without the cache misses of
    // touching 8,000 series per step, so the day fills in seconds.
    QList<SeriesSample> day;
    day.reserve(4 * samplesPerSeries);
    for (int i = 0; i < triggers; ++i) {
        day.clear();
        double backlog = 0;
        for (qint64 t = start; t < end; t += intervalMs) {
            const double produce = 50 + 40 * random.unit();
            const double consume = 45 + 50 * random.unit();
            backlog = std::max(0.0, backlog + (produce - consume) * 5);
            // A few milliseconds of jitter, as real refreshes finish.
            const qint64 at = t + qint64(random.next() % 40);
            day.append({ ids.at(i * 4), at, backlog });
            day.append({ ids.at(i * 4 + 1), at, produce });
            day.append({ ids.at(i * 4 + 2), at, consume });
            day.append({ ids.at(i * 4 + 3), at, double(1 + int(backlog) / 100) });
        }
        store.appendBatch(day);
        samples += day.size();
    }
    const double fillMs = double(timer.nsecsElapsed()) / 1e6;
    day = {};
    const double after = residentMb();

    // What one 5-second refresh of all 2,000 triggers costs on the full store, as the monitors append it.
    QList<SeriesSample> refresh;
    for (const auto& id : std::as_const(ids))
        refresh.append({ id, end, 1 });
    constexpr int refreshes = 20;
    timer.restart();
    for (int r = 0; r < refreshes; ++r) {
        for (auto& sample : refresh)
            sample.timestampMs = end + r * intervalMs;
        store.appendBatch(refresh);
    }
    const double refreshMs = double(timer.nsecsElapsed()) / 1e6 / refreshes;
    report("series", double(ids.size()), "count");
    report("samples_appended", double(samples), "count");
    report("fill_ms", fillMs, "ms");
    report("append_ns_per_sample", fillMs * 1e6 / double(samples), "ns");
    report("rss_delta_24h_2000_triggers", after - before, "MB");
    report("refresh_append_8000_samples_ms", refreshMs, "ms");
    report("bytes_per_series", (after - before) * 1024 * 1024 / double(ids.size()), "B");

    const struct {
        const char* metric;
        qint64 span;
    } ranges[] = {
        { "range_5min_1000_points_us", 5 * 60'000 },
        { "range_1h_1000_points_us", 3'600'000 },
        { "range_24h_1000_points_us", dayMs },
    };
    for (const auto& range : ranges) {
        constexpr int queries = 2000;
        qint64 points = 0;
        timer.restart();
        for (int q = 0; q < queries; ++q)
            points += store.range(ids.at((q * 7919) % ids.size()), end - range.span, maxPoints).size();
        const double perQueryUs = double(timer.nsecsElapsed()) / 1e3 / queries;
        report(range.metric, perQueryUs, "us");
        std::fprintf(stderr, "%s: %.1f points per query\n", range.metric, double(points) / queries);
    }
    return after - before < 100 ? 0 : 1;
}
