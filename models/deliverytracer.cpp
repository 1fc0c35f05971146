// SPDX-License-Identifier: Apache-2.0
#include "deliverytracer.h"

#include "kafkalagmonitor.h"
#include "knativekafkanaming.h"

#include <QSet>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

QString TriggerTrace::text() const
{
    const QString name = trigger.name.isEmpty() ? groupId : trigger.name;
    switch (state) {
    case State::Delivered:
        return u"delivered to trigger "_s + name + u" at "_s + deliveredAt.toLocalTime().toString(u"HH:mm:ss"_s);
    case State::TimedOut:
        return u"not delivered to trigger "_s + name + u" in time"_s
            + (error.isEmpty() ? QString() : u" (last error: "_s + error + u')');
    case State::Error:
        return u"cannot follow trigger "_s + name + u": "_s + error;
    case State::Waiting:
        break;
    }
    return u"still waiting for trigger "_s + name
        + (lag >= 0 ? u" (lag "_s + QString::number(lag) + u')' : u" (lag not measured yet)"_s);
}

bool TraceState::finished() const
{
    return std::all_of(triggers.cbegin(), triggers.cend(), [](const TriggerTrace& t) { return t.isFinal(); });
}

DeliveryTracer::DeliveryTracer(QObject* parent)
    : QObject(parent)
    , m_deadlineTimer(new QTimer(this))
{
    qRegisterMetaType<TraceState>();
    m_deadlineTimer->setSingleShot(true);
    m_deadlineTimer->setTimerType(Qt::PreciseTimer);
    connect(m_deadlineTimer, &QTimer::timeout, this, &DeliveryTracer::expire);
}

DeliveryTracer::~DeliveryTracer() = default;

void DeliveryTracer::setKafkaConfig(const QMap<QString, QString>& config)
{
    if (config == m_config)
        return;
    m_config = config;
    // The monitor holds its configuration for life: a new one, started by syncMonitor() if traces are pending.
    m_monitor.reset();
    syncMonitor();
}

QMap<QString, QString> DeliveryTracer::kafkaConfig() const { return m_config; }

void DeliveryTracer::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = std::max(timeout, std::chrono::milliseconds(1));
}

std::chrono::milliseconds DeliveryTracer::timeout() const { return m_timeout; }

void DeliveryTracer::setPollInterval(std::chrono::milliseconds interval)
{
    m_interval = std::max(interval, std::chrono::milliseconds(10));
    if (m_monitor)
        m_monitor->setInterval(m_interval);
}

std::chrono::milliseconds DeliveryTracer::pollInterval() const { return m_interval; }

quint64 DeliveryTracer::track(const QString& topic, int partition, qint64 offset, const QList<TraceTarget>& triggers)
{
    const quint64 id = m_nextId++;
    Pending pending;
    pending.state.traceId = id;
    pending.state.topic = topic;
    pending.state.partition = partition;
    pending.state.offset = offset;
    pending.state.started = QDateTime::currentDateTimeUtc();
    pending.deadline = pending.state.started.addMSecs(m_timeout.count());
    for (const TraceTarget& target : triggers) {
        TriggerTrace trace;
        trace.trigger = target.trigger;
        trace.groupId = target.groupId;
        pending.state.triggers.append(trace);
    }
    if (triggers.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, state = pending.state] { Q_EMIT traceUpdated(state.traceId, state); }, Qt::QueuedConnection);
        return id;
    }
    m_traces.insert(id, pending);
    syncMonitor();
    armDeadline();
    return id;
}

void DeliveryTracer::cancel(quint64 traceId)
{
    if (m_traces.remove(traceId) > 0) {
        syncMonitor();
        armDeadline();
    }
}

void DeliveryTracer::cancelAll()
{
    m_traces.clear();
    syncMonitor();
    armDeadline();
}

std::optional<TraceState> DeliveryTracer::state(quint64 traceId) const
{
    const auto it = m_traces.constFind(traceId);
    if (it == m_traces.cend())
        return std::nullopt;
    return it->state;
}

QList<TraceTarget> DeliveryTracer::targetsFor(const QList<KnativeObject>& triggers)
{
    QList<TraceTarget> targets;
    targets.reserve(triggers.size());
    for (const KnativeObject& trigger : triggers)
        targets.append({ trigger.key, kafkaGroupForTrigger(trigger) });
    return targets;
}

void DeliveryTracer::syncMonitor()
{
    QList<LagTarget> targets;
    QSet<QPair<QString, QString>> seen;
    for (const Pending& pending : std::as_const(m_traces)) {
        for (const TriggerTrace& trace : pending.state.triggers) {
            const QPair<QString, QString> key { pending.state.topic, trace.groupId };
            if (trace.isFinal() || seen.contains(key))
                continue;
            seen.insert(key);
            targets.append({ trace.trigger, pending.state.topic, trace.groupId });
        }
    }
    if (targets.isEmpty()) {
        if (m_monitor)
            m_monitor->stop();
        return;
    }
    if (!m_monitor) {
        m_monitor = std::make_unique<KafkaLagMonitor>(m_config);
        connect(m_monitor.get(), &KafkaLagMonitor::snapshot, this, &DeliveryTracer::onSnapshot);
    }
    m_monitor->setInterval(m_interval);
    m_monitor->setTargets(targets);
    if (!m_monitor->isRunning())
        m_monitor->start();
}

TriggerTrace DeliveryTracer::evaluate(
    const TriggerTrace& trace, const TraceState& state, const TriggerLag& lag, const QDateTime& seen)
{
    TriggerTrace next = trace;
    const auto partition = std::find_if(lag.partitions.cbegin(), lag.partitions.cend(),
        [&state](const PartitionLag& p) { return p.partition == state.partition; });
    // The committed offset is the next record the group reads: past the event once it is greater.
    if (partition != lag.partitions.cend() && partition->committed > state.offset) {
        next.state = TriggerTrace::State::Delivered;
        next.deliveredAt = seen;
        next.committed = partition->committed;
        next.lag = partition->lag;
        next.error.clear();
    } else if (!lag.error.isEmpty() || partition == lag.partitions.cend()) {
        next.state = TriggerTrace::State::Error;
        next.error = !lag.error.isEmpty()
            ? lag.error
            : u"topic "_s + state.topic + u" has no partition "_s + QString::number(state.partition);
    } else {
        next.state = TriggerTrace::State::Waiting;
        next.lag = partition->lag;
        next.committed = partition->committed;
        next.error.clear();
    }
    return next;
}

void DeliveryTracer::onSnapshot(const LagSnapshot& snapshot)
{
    QHash<QPair<QString, QString>, const TriggerLag*> byGroup;
    for (const TriggerLag& lag : snapshot.triggers)
        byGroup.insert({ lag.topic, lag.group }, &lag);
    const QDateTime seen = QDateTime::fromMSecsSinceEpoch(snapshot.timestampMs, Qt::UTC);

    QList<TraceState> updates;
    bool anyFinished = false;
    for (auto it = m_traces.begin(); it != m_traces.end();) {
        TraceState& state = it->state;
        bool changed = false;
        for (TriggerTrace& trace : state.triggers) {
            const TriggerLag* lag = trace.isFinal() ? nullptr : byGroup.value({ state.topic, trace.groupId });
            if (!lag)
                continue; // final, or the trace began after this poll started
            const TriggerTrace next = evaluate(trace, state, *lag, seen);
            if (!(next == trace)) {
                trace = next;
                changed = true;
            }
        }
        if (changed)
            updates.append(state);
        if (changed && state.finished()) {
            it = m_traces.erase(it);
            anyFinished = true;
        } else {
            ++it;
        }
    }
    if (anyFinished) {
        syncMonitor();
        armDeadline();
    }
    // Emitted last: a slot may track or cancel traces.
    for (const TraceState& state : std::as_const(updates))
        Q_EMIT traceUpdated(state.traceId, state);
}

void DeliveryTracer::expire()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<TraceState> expired;
    for (auto it = m_traces.begin(); it != m_traces.end();) {
        if (it->deadline > now) {
            ++it;
            continue;
        }
        TraceState state = it->state;
        for (TriggerTrace& trace : state.triggers) {
            if (!trace.isFinal())
                trace.state = TriggerTrace::State::TimedOut;
        }
        expired.append(state);
        it = m_traces.erase(it);
    }
    syncMonitor();
    armDeadline();
    for (const TraceState& state : std::as_const(expired))
        Q_EMIT traceUpdated(state.traceId, state);
}

void DeliveryTracer::armDeadline()
{
    if (m_traces.isEmpty()) {
        m_deadlineTimer->stop();
        return;
    }
    QDateTime earliest;
    for (const Pending& pending : std::as_const(m_traces)) {
        if (!earliest.isValid() || pending.deadline < earliest)
            earliest = pending.deadline;
    }
    m_deadlineTimer->start(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(earliest)));
}
