// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "eventpublisher.h"
#include "templateengine.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <optional>
#include <vector>

// One event of a bulk run that did not arrive, and why.
struct BulkFailure {
    quint64 sequence = 0; // the {{seq}} the event had
    QString reason;
    friend bool operator==(const BulkFailure&, const BulkFailure&) = default;
};

// What a bulk run did. Every requested event is counted once: sent, failed, or not sent (the run was cancelled
// before its turn).
struct BulkSummary {
    qint64 requested = 0;
    qint64 sent = 0; // acknowledged by the target
    qint64 failed = 0; // reported as failed, with a reason
    qint64 notSent = 0;
    bool cancelled = false;
    double seconds = 0; // from start to the last report
    double eventsPerSecond = 0; // acknowledged events per second
    // Publish to acknowledgement (or failure), over every reported event, in milliseconds.
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    // The first BulkSender::maxListedFailures failures in order, and every failure counted by reason.
    QList<BulkFailure> failures;
    QMap<QString, qint64> failureReasons;

    // "1000 sent, 2 failed, 0 not sent in 1.2 s (833/s); latency p50 1.0 ms, p90 ..., p99 ... ms"
    QString text() const;
};
Q_DECLARE_METATYPE(BulkSummary)

// Sends N events expanded from one template ({{seq}} counts from Options::firstSequence) to one target at a chosen
// rate. Pacing runs on a timer in ticks, not a timer per event: each tick issues what the rate allows, within a
// window of requests in flight and a time budget per tick (4 ms), so the thread's event loop keeps running however
// large N is. Events are issued only in ticks, never from an acknowledgement's handler, because acknowledgements
// arrive in bursts that the event loop handles back to back.
class BulkSender : public QObject {
    Q_OBJECT
public:
    static constexpr int maxListedFailures = 1000;

    struct Options {
        qint64 count = 100;
        double ratePerSecond = 0; // 0 = as fast as the window allows
        int window = 256; // requests in flight at most
        std::chrono::milliseconds tick { 10 };
        quint64 firstSequence = 1;
        std::optional<quint32> seed; // reproducible {{uuid}}, {{random}} and {{choice}}
    };

    // The publisher is not owned; results for request ids this sender did not make are ignored, but a publisher of
    // its own keeps cancel() from cancelling other sends over HTTP.
    explicit BulkSender(EventPublisher* publisher, QObject* parent = nullptr);
    ~BulkSender() override;

    // False, with *error, when a run is going, the template has placeholder mistakes, or the target cannot be
    // published to; otherwise the run starts on the next tick.
    bool start(const CloudEventTemplate& eventTemplate, const PublishTarget& target, const Options& options,
        QString* error = nullptr);
    // Issues nothing more, cancels what can be cancelled and finishes once every issued event is reported.
    void cancel();
    bool isRunning() const { return m_running; }

    qint64 issued() const { return m_issued; }
    qint64 completed() const { return m_sent + m_failed; }
    // The summary so far (final once finished() was emitted).
    BulkSummary summary() const;

Q_SIGNALS:
    // At most once per tick: events reported so far (sent + failed), failed among them, and the count requested.
    void progress(qint64 completed, qint64 failed, qint64 total);
    void finished(const BulkSummary& summary);

private:
    using Clock = std::chrono::steady_clock;
    struct InFlight {
        Clock::time_point started;
        quint64 sequence = 0;
    };

    void tick();
    void pump();
    void onDelivered(quint64 requestId, const DeliveryResult& result);
    void recordFailure(quint64 sequence, const QString& reason);
    void finishIfDone();

    QPointer<EventPublisher> m_publisher;
    QTimer m_ticker;
    TemplateEngine m_engine;
    CloudEventTemplate m_template;
    PublishTarget m_target;
    Options m_options;
    bool m_running = false;
    bool m_cancelled = false;
    QElapsedTimer m_elapsed;
    double m_seconds = 0;
    qint64 m_issued = 0;
    qint64 m_sent = 0;
    qint64 m_failed = 0;
    qint64 m_reportedProgress = -1;
    QHash<quint64, InFlight> m_inFlight;
    std::vector<double> m_latenciesMs;
    QList<BulkFailure> m_failures;
    QMap<QString, qint64> m_failureReasons;
};
