// SPDX-License-Identifier: Apache-2.0
#include "bulksender.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// The share of a tick spent issuing events, so that a tick never holds the event loop for long.
constexpr qint64 issueBudgetNs = 4'000'000;
constexpr qsizetype batchSize = 256;

double percentile(std::vector<double>& values, double fraction)
{
    if (values.empty())
        return 0;
    const auto index = std::min(values.size() - 1, size_t(std::ceil(fraction * double(values.size()))) - 1);
    std::nth_element(values.begin(), values.begin() + qsizetype(index), values.end());
    return values[index];
}

QString milliseconds(double value) { return QString::number(value, 'f', value < 10 ? 2 : 1); }

} // namespace

QString BulkSummary::text() const
{
    QString result = QString::number(sent) % u" sent, "_s % QString::number(failed) % u" failed"_s;
    if (notSent > 0)
        result += u", "_s % QString::number(notSent) % u" not sent"_s;
    result += u" in "_s % QString::number(seconds, 'f', 2) % u" s ("_s % QString::number(eventsPerSecond, 'f', 0)
        % u"/s)"_s;
    if (cancelled)
        result += u", cancelled"_s;
    if (sent + failed > 0) {
        result += u"; latency p50 "_s % milliseconds(p50Ms) % u" ms, p90 "_s % milliseconds(p90Ms) % u" ms, p99 "_s
            % milliseconds(p99Ms) % u" ms, max "_s % milliseconds(maxMs) % u" ms"_s;
    }
    return result;
}

BulkSender::BulkSender(EventPublisher* publisher, QObject* parent)
    : QObject(parent)
    , m_publisher(publisher)
{
    m_ticker.setTimerType(Qt::PreciseTimer);
    connect(&m_ticker, &QTimer::timeout, this, &BulkSender::tick);
    connect(publisher, &EventPublisher::delivered, this, &BulkSender::onDelivered);
}

BulkSender::~BulkSender() = default;

bool BulkSender::start(
    const CloudEventTemplate& eventTemplate, const PublishTarget& target, const Options& options, QString* error)
{
    QString why;
    if (m_running)
        why = u"a bulk send is running"_s;
    else if (!m_publisher)
        why = u"no publisher"_s;
    else if (options.count < 0 || options.window < 1 || options.ratePerSecond < 0)
        why = u"the count, rate and window must not be negative, and the window at least 1"_s;
    else if (const auto issues = TemplateEngine::check(eventTemplate); !issues.isEmpty())
        why = issues.constFirst().field % u", line "_s % QString::number(issues.constFirst().line) % u", column "_s
            % QString::number(issues.constFirst().column) % u": "_s % issues.constFirst().message;
    else
        m_publisher->canPublish(target, &why);
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    m_template = eventTemplate;
    m_target = target;
    m_options = options;
    m_engine = options.seed ? TemplateEngine(*options.seed) : TemplateEngine();
    m_engine.setNextSequence(options.firstSequence);
    m_running = true;
    m_cancelled = false;
    m_issued = 0;
    m_sent = 0;
    m_failed = 0;
    m_seconds = 0;
    m_reportedProgress = -1;
    m_inFlight.clear();
    m_inFlight.reserve(options.window);
    m_latenciesMs.clear();
    m_latenciesMs.reserve(size_t(std::min<qint64>(options.count, 10'000'000)));
    m_failures.clear();
    m_failureReasons.clear();
    m_elapsed.start();
    m_ticker.start(options.tick);
    QMetaObject::invokeMethod(this, &BulkSender::tick, Qt::QueuedConnection);
    return true;
}

void BulkSender::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    if (m_publisher)
        m_publisher->cancelAll();
    finishIfDone();
}

void BulkSender::tick()
{
    if (!m_running)
        return;
    pump();
    if (m_sent + m_failed != m_reportedProgress) {
        m_reportedProgress = m_sent + m_failed;
        Q_EMIT progress(m_reportedProgress, m_failed, m_options.count);
    }
    finishIfDone();
}

void BulkSender::pump()
{
    if (!m_running || m_cancelled || !m_publisher)
        return;
    qint64 allowed = m_options.count - m_issued;
    if (m_options.ratePerSecond > 0) {
        const double due = m_options.ratePerSecond * double(m_elapsed.nsecsElapsed()) / 1e9;
        allowed = std::min(allowed, qint64(due) + 1 - m_issued);
    }
    allowed = std::min(allowed, qint64(m_options.window) - m_inFlight.size());
    const qint64 budgetStart = m_elapsed.nsecsElapsed();
    // Events go out in small batches: one publishBatch() call for a Kafka topic, the clock read once per batch.
    QList<CloudEvent> batch;
    QList<quint64> sequences;
    const auto flush = [&] {
        if (batch.isEmpty())
            return;
        const auto started = Clock::now();
        const quint64 first = m_publisher->publishBatch(m_target, batch);
        for (qsizetype i = 0; i < sequences.size(); ++i)
            m_inFlight.insert(first + quint64(i), { started, sequences[i] });
        batch.clear();
        sequences.clear();
    };
    for (qint64 i = 0; i < allowed; ++i) {
        if ((i & 15) == 15 && m_elapsed.nsecsElapsed() - budgetStart > issueBudgetNs)
            break;
        const quint64 sequence = m_engine.nextSequence();
        QList<TemplateIssue> issues;
        auto event = m_engine.expand(m_template, &issues);
        ++m_issued;
        if (!event) {
            const auto& issue = issues.constFirst();
            recordFailure(sequence, u"not sent: "_s % issue.field % u": "_s % issue.message);
            continue;
        }
        batch.append(std::move(*event));
        sequences.append(sequence);
        if (batch.size() == batchSize)
            flush();
    }
    flush();
}

void BulkSender::onDelivered(quint64 requestId, const DeliveryResult& result)
{
    const auto found = m_inFlight.constFind(requestId);
    if (found == m_inFlight.constEnd())
        return;
    const InFlight request = *found;
    m_inFlight.erase(found);
    m_latenciesMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - request.started).count());
    if (result.ok)
        ++m_sent;
    else
        recordFailure(request.sequence, result.error.isEmpty() ? u"failed without a reason"_s : result.error);
    finishIfDone();
}

void BulkSender::recordFailure(quint64 sequence, const QString& reason)
{
    ++m_failed;
    if (m_failures.size() < maxListedFailures)
        m_failures.append({ sequence, reason });
    ++m_failureReasons[reason];
}

void BulkSender::finishIfDone()
{
    if (!m_running || !m_inFlight.isEmpty())
        return;
    if (!m_cancelled && m_issued < m_options.count)
        return;
    m_running = false;
    m_ticker.stop();
    m_seconds = double(m_elapsed.nsecsElapsed()) / 1e9;
    Q_EMIT progress(m_sent + m_failed, m_failed, m_options.count);
    Q_EMIT finished(summary());
}

BulkSummary BulkSender::summary() const
{
    BulkSummary summary;
    summary.requested = m_options.count;
    summary.sent = m_sent;
    summary.failed = m_failed;
    summary.notSent = m_running ? 0 : m_options.count - m_issued;
    summary.cancelled = m_cancelled;
    summary.seconds = m_running ? double(m_elapsed.nsecsElapsed()) / 1e9 : m_seconds;
    summary.eventsPerSecond = summary.seconds > 0 ? double(m_sent) / summary.seconds : 0;
    auto latencies = m_latenciesMs;
    summary.p50Ms = percentile(latencies, 0.50);
    summary.p90Ms = percentile(latencies, 0.90);
    summary.p99Ms = percentile(latencies, 0.99);
    summary.maxMs = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
    summary.failures = m_failures;
    summary.failureReasons = m_failureReasons;
    return summary;
}
