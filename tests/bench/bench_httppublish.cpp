// SPDX-License-Identifier: Apache-2.0
// Bulk publishing over HTTP: N small events (MESHSCOPE_BENCH_HTTP_EVENTS, default 50,000) sent with HttpTransport
// in binary and in structured mode to a receiver in this process, a minimal HTTP/1.1 keep-alive server on its own
// thread that reads each request and answers 202 as a broker's ingress does (it decodes nothing, so the figures are
// the publisher's). A window of MESHSCOPE_BENCH_HTTP_WINDOW requests (default 64) is kept in flight, as a bulk
// send at full speed does. MESHSCOPE_BENCH_HTTP_URL sends to another receiver instead, e.g. the SDK receiver
// started as `cereceiver -port 8080 -ack-only`. Prints one JSON line per figure: events per second (target: at least
// 5,000) and the latency from publish() to the 2xx, p50 and p99.
#include "../unit/localreceiver.h"
#include "httptransport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr qint64 deadlineMs = 300'000; // the whole run stops by itself after five minutes

int environmentNumber(const char* name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

void report(const QString& metric, double value, const char* unit)
{
    std::printf("{\"bench\": \"httppublish\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n",
        qPrintable(metric), value, unit);
    std::fflush(stdout);
}

CloudEvent smallEvent(int sequence)
{
    CloudEvent event;
    event.id = u"bench-"_s % QString::number(sequence);
    event.source = u"/meshscope/bench"_s;
    event.type = u"dev.meshscope.bench.small"_s;
    event.dataContentType = u"application/json"_s;
    event.data = "{\"n\":" + QByteArray::number(sequence) + '}';
    event.dataKind = CloudEvent::DataKind::Json;
    return event;
}

struct Run {
    int sent = 0;
    int failed = 0;
    double seconds = 0;
    std::vector<double> latenciesMs;
    QString firstError;
};

// Publishes count events keeping window of them in flight; returns when all are answered or the deadline passed.
Run publish(const QUrl& url, HttpTransport::Mode mode, int count, int window)
{
    HttpTransport transport;
    transport.setMaxInFlight(window);
    Run run;
    run.latenciesMs.reserve(size_t(count));
    QHash<quint64, Clock::time_point> started;
    started.reserve(window * 2);
    int next = 0;
    QEventLoop loop;
    const auto sendOne = [&] {
        const auto now = Clock::now();
        started.insert(transport.publish(url, smallEvent(next++), mode), now);
    };
    QObject::connect(&transport, &HttpTransport::delivered, &loop, [&](quint64 id, const DeliveryResult& result) {
        const auto end = Clock::now();
        run.latenciesMs.push_back(std::chrono::duration<double, std::milli>(end - started.take(id)).count());
        ++run.sent;
        if (!result.ok) {
            ++run.failed;
            if (run.firstError.isEmpty())
                run.firstError = result.error;
        }
        if (next < count)
            sendOne();
        else if (run.sent == count)
            loop.quit();
    });
    QTimer::singleShot(deadlineMs, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < std::min(window, count); ++i)
        sendOne();
    loop.exec();
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    transport.cancelAll();
    return run;
}

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty())
        return 0;
    const auto index = size_t(fraction * double(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + qsizetype(index), values.end());
    return values[index];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int count = environmentNumber("MESHSCOPE_BENCH_HTTP_EVENTS", 50'000);
    const int window = environmentNumber("MESHSCOPE_BENCH_HTTP_WINDOW", 64);

    const LocalReceiver receiver;
    const quint16 port = receiver.port();
    const QString other = qEnvironmentVariable("MESHSCOPE_BENCH_HTTP_URL");
    const QUrl url(other.isEmpty() ? u"http://127.0.0.1:"_s % QString::number(port) % u"/default/broker"_s : other);

    bool ok = true;
    // A short warm-up opens the keep-alive connections and fills the allocator's caches.
    publish(url, HttpTransport::Mode::Binary, std::min(count, 1000), window);
    for (const auto mode : { HttpTransport::Mode::Binary, HttpTransport::Mode::Structured }) {
        const Run run = publish(url, mode, count, window);
        const QString suffix = mode == HttpTransport::Mode::Binary ? u"_binary"_s : u"_structured"_s;
        report(u"events_per_second"_s % suffix, run.seconds > 0 ? run.sent / run.seconds : 0, "events/s");
        report(u"latency_p50_ms"_s % suffix, percentile(run.latenciesMs, 0.50), "ms");
        report(u"latency_p99_ms"_s % suffix, percentile(run.latenciesMs, 0.99), "ms");
        report(u"events"_s % suffix, run.sent, "events");
        report(u"failed"_s % suffix, run.failed, "events");
        if (run.sent != count || run.failed > 0) {
            std::fprintf(stderr, "bench_httppublish: %d of %d answered, %d failed%s%s\n", run.sent, count, run.failed,
                run.firstError.isEmpty() ? "" : ", first: ", qPrintable(run.firstError));
            ok = false;
        }
    }
    report(u"window"_s, window, "requests");
    return ok ? 0 : 1;
}
