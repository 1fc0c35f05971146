// SPDX-License-Identifier: Apache-2.0
#include "laganalyzer.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString seconds(qint64 ms) { return QString::number(double(ms) / 1000.0, 'f', ms % 1000 == 0 ? 0 : 1) % u" s"_s; }

} // namespace

QString lagStatusName(LagStatus status)
{
    switch (status) {
    case LagStatus::Ok:
        return u"OK"_s;
    case LagStatus::Warn:
        return u"WARN"_s;
    case LagStatus::Stop:
        return u"STOP"_s;
    case LagStatus::Stall:
        return u"STALL"_s;
    case LagStatus::Rewind:
        return u"REWIND"_s;
    }
    return {};
}

LagAnalyzer::LagAnalyzer()
    : LagAnalyzer(Options {})
{
}

LagAnalyzer::LagAnalyzer(Options options)
    : m_options(options)
{
    m_options.window = std::max(m_options.window, 2);
    m_options.stopWindows = std::max(m_options.stopWindows, 1);
    m_options.endHistory = std::max(m_options.endHistory, 8);
}

TriggerHealth LagAnalyzer::add(const TriggerLag& lag, qint64 timestampMs)
{
    auto it = m_triggers.find(lag.trigger);
    // A failed measurement leaves a gap: rates and windows continue from the last good one.
    if (!lag.error.isEmpty() && lag.partitions.isEmpty())
        return it != m_triggers.end() ? it->health : TriggerHealth {};
    if (it == m_triggers.end() || it->topic != lag.topic || it->group != lag.group) {
        Trigger fresh;
        fresh.topic = lag.topic;
        fresh.group = lag.group;
        it = m_triggers.insert(lag.trigger, fresh);
    }
    Trigger& trigger = *it;
    if (trigger.lastTimestampMs && timestampMs <= *trigger.lastTimestampMs)
        return trigger.health;
    const qint64 elapsedMs = trigger.lastTimestampMs ? timestampMs - *trigger.lastTimestampMs : 0;
    trigger.lastTimestampMs = timestampMs;

    TriggerHealth health;
    health.timestampMs = timestampMs;
    health.totalLag = lag.totalLag;
    qint64 produced = 0;
    qint64 consumed = 0;
    bool anyCommitted = false;
    Verdict worst;
    qint64 worstLag = -1;
    QSet<int> present;
    for (const PartitionLag& measured : lag.partitions) {
        present.insert(measured.partition);
        Partition& partition = trigger.partitions[measured.partition];
        // An end offset going back means the topic was deleted and created again: nothing before is comparable.
        if (measured.endOffset >= 0 && measured.endOffset < partition.lastEnd)
            partition = Partition {};
        if (measured.endOffset >= 0 && partition.lastEnd >= 0)
            produced += measured.endOffset - partition.lastEnd;
        if (measured.committed > partition.lastCommitted && partition.lastCommitted >= 0)
            consumed += measured.committed - partition.lastCommitted;
        if (measured.endOffset >= 0) {
            recordEnd(partition, timestampMs, measured.endOffset);
            partition.lastEnd = measured.endOffset;
        }
        if (measured.committed < 0) {
            partition.window.clear();
            partition.lastCommitted = -1;
            continue;
        }
        anyCommitted = true;
        if (measured.committed != partition.lastCommitted)
            partition.committedSinceMs = timestampMs;
        partition.lastCommitted = measured.committed;
        partition.window.append({ timestampMs, measured.committed, measured.lag });
        if (partition.window.size() > m_options.window)
            partition.window.removeFirst();

        bool lowerBound = false;
        const std::optional<double> behind = measured.lag == 0
            ? std::optional<double>(0.0)
            : timeLag(partition, measured.committed, timestampMs, &lowerBound);
        if (behind && (!health.timeLagSeconds || *behind > *health.timeLagSeconds)) {
            health.timeLagSeconds = behind;
            health.timeLagIsLowerBound = lowerBound;
        }
        const Verdict verdict = evaluate(measured.partition, partition, timestampMs);
        if (verdict.status > worst.status || (verdict.status == worst.status && measured.lag > worstLag)) {
            worst = verdict;
            worstLag = measured.lag;
            health.partition = measured.partition;
        }
    }
    for (auto partition = trigger.partitions.begin(); partition != trigger.partitions.end();) {
        if (present.contains(partition.key()))
            ++partition;
        else
            partition = trigger.partitions.erase(partition);
    }
    if (elapsedMs > 0) {
        health.produceRate = double(produced) * 1000.0 / double(elapsedMs);
        health.consumeRate = double(consumed) * 1000.0 / double(elapsedMs);
    }
    if (!anyCommitted) {
        health.partition = -1;
        health.reason = lag.totalLag > 0
            ? u"the group has committed no offsets: its lag of %1 counts every retained record"_s.arg(lag.totalLag)
            : u"the group has committed no offsets"_s;
    } else if (worst.status == LagStatus::Ok && lag.totalLag == 0) {
        health.partition = -1;
        health.reason = u"caught up"_s;
    } else {
        health.status = worst.status;
        health.reason = worst.reason;
    }
    trigger.health = health;
    return health;
}

std::optional<TriggerHealth> LagAnalyzer::health(const ObjectKey& trigger) const
{
    const auto it = m_triggers.constFind(trigger);
    if (it == m_triggers.constEnd() || !it->lastTimestampMs)
        return std::nullopt;
    return it->health;
}

void LagAnalyzer::retain(const QSet<ObjectKey>& triggers)
{
    for (auto it = m_triggers.begin(); it != m_triggers.end();) {
        if (triggers.contains(it.key()))
            ++it;
        else
            it = m_triggers.erase(it);
    }
}

void LagAnalyzer::recordEnd(Partition& partition, qint64 timestampMs, qint64 endOffset) const
{
    auto& ends = partition.ends;
    // A plateau keeps its first and its last measurement: when records came is known to lie after the last.
    if (ends.size() >= 2 && ends.last().endOffset == endOffset && ends[ends.size() - 2].endOffset == endOffset) {
        ends.last().timestampMs = timestampMs;
        return;
    }
    ends.append({ timestampMs, endOffset });
    if (ends.size() <= m_options.endHistory)
        return;
    // Bounded memory for any run time: every other older point goes, so the history reaches twice as far back at
    // half the resolution, while the recent quarter keeps full resolution.
    const qsizetype keepRecent = m_options.endHistory / 4;
    QList<EndPoint> thinned;
    thinned.reserve(m_options.endHistory);
    const qsizetype older = ends.size() - keepRecent;
    for (qsizetype i = 0; i < older; i += 2)
        thinned.append(ends[i]);
    for (qsizetype i = older; i < ends.size(); ++i)
        thinned.append(ends[i]);
    ends = thinned;
}

LagAnalyzer::Verdict LagAnalyzer::evaluate(int number, const Partition& partition, qint64 nowMs) const
{
    const QList<Sample>& window = partition.window;
    const Sample& last = window.last();
    const QString name = u"partition "_s % QString::number(number) % u": "_s;
    if (last.lag == 0)
        return { LagStatus::Ok, name % u"caught up"_s };
    for (qsizetype i = window.size() - 1; i > 0; --i) {
        if (window[i].lag == 0)
            break; // recovered from whatever happened before
        if (window[i].committed < window[i - 1].committed)
            return { LagStatus::Rewind,
                name
                    % u"the committed offset went back from %1 to %2 (lag %3)"_s.arg(window[i - 1].committed)
                          .arg(window[i].committed)
                          .arg(last.lag) };
    }
    if (window.size() < m_options.window)
        return {
            LagStatus::Ok,
            name
                % u"lag %1, collecting measurements (%2 of %3)"_s.arg(last.lag).arg(window.size()).arg(m_options.window)
        };
    const Sample& first = window.first();
    const qint64 spanMs = last.timestampMs - first.timestampMs;
    for (const Sample& sample : window) {
        if (sample.lag == 0)
            return { LagStatus::Ok,
                name % u"lag %1, but it was zero within the last %2"_s.arg(last.lag).arg(seconds(spanMs)) };
    }
    if (first.committed == last.committed) {
        const qint64 stillMs = nowMs - partition.committedSinceMs;
        if (spanMs > 0 && stillMs >= m_options.stopWindows * spanMs)
            return { LagStatus::Stop,
                name
                    % u"the committed offset has not moved from %1 for %2 (lag %3): the consumer looks stopped"_s
                          .arg(last.committed)
                          .arg(seconds(stillMs))
                          .arg(last.lag) };
        return { LagStatus::Stall,
            name
                % u"the committed offset is stuck at %1 over the last %2 while the lag is %3"_s.arg(last.committed)
                      .arg(seconds(spanMs))
                      .arg(last.lag) };
    }
    bool neverShrank = true;
    for (qsizetype i = 1; i < window.size() && neverShrank; ++i)
        neverShrank = window[i].lag >= window[i - 1].lag;
    if (neverShrank && last.lag > first.lag)
        return { LagStatus::Warn,
            name % u"the lag grew from %1 to %2 over the last %3"_s.arg(first.lag).arg(last.lag).arg(seconds(spanMs)) };
    return { LagStatus::Ok, name % u"lag %1, the group is consuming"_s.arg(last.lag) };
}

std::optional<double> LagAnalyzer::timeLag(const Partition& partition, qint64 committed, qint64 nowMs, bool* lowerBound)
{
    const QList<EndPoint>& ends = partition.ends;
    if (ends.isEmpty())
        return std::nullopt;
    if (committed < ends.first().endOffset) {
        *lowerBound = true;
        return double(nowMs - ends.first().timestampMs) / 1000.0;
    }
    // The latest sample whose end offset had not yet passed the committed offset, and the one after it.
    qsizetype before = ends.size() - 1;
    while (before > 0 && ends[before].endOffset > committed)
        --before;
    if (before == ends.size() - 1)
        return 0.0;
    const EndPoint& a = ends[before];
    const EndPoint& b = ends[before + 1];
    const double at = a.endOffset == committed ? double(a.timestampMs)
                                               : double(a.timestampMs)
            + double(committed - a.endOffset) * double(b.timestampMs - a.timestampMs)
                / double(b.endOffset - a.endOffset);
    return std::max(0.0, (double(nowMs) - at) / 1000.0);
}
