// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kafkalagmonitor.h"
#include "knativeobject.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

// Burrow's partition states, in Burrow's order of severity: a trigger takes its worst partition's.
enum class LagStatus { Ok, Warn, Stop, Stall, Rewind };

QString lagStatusName(LagStatus status); // "OK", "WARN", "STOP", "STALL", "REWIND"

// What the successive measurements of one trigger say about its consumer group.
struct TriggerHealth {
    LagStatus status = LagStatus::Ok;
    QString reason; // for a person: which partition, which offsets, how long
    int partition = -1; // the partition that decided the status; -1 when none did
    qint64 timestampMs = 0; // of the measurement evaluated
    qint64 totalLag = 0;
    // Records per second since the previous measurement: written into the topic (end offsets) and committed by the
    // group. Unknown after the first measurement.
    std::optional<double> produceRate;
    std::optional<double> consumeRate;
    // How long ago the oldest record the group has not consumed was written: the time the topic's end offset was
    // the group's committed offset, interpolated between sampled end offsets. The largest over the partitions;
    // 0 without lag; unknown before the first measurement with committed offsets.
    std::optional<double> timeLagSeconds;
    // The committed offset is older than every sampled end offset: the time lag is at least timeLagSeconds.
    bool timeLagIsLowerBound = false;
};

// Turns successive lag measurements into rates, a time lag and a health state, in the manner of LinkedIn Burrow's
// consumer lag evaluation rules. Burrow sees every commit; a poller sees the committed offset once per refresh, so
// its window here is the last `window` measurements of each partition and the rules read (current lag > 0 only):
//   REWIND the committed offset went back within the window and the lag has not been zero since;
//   OK     the lag was zero at some point of the window (or the window is not full yet);
//   STOP   the committed offset has not moved for `stopWindows` window spans or longer;
//   STALL  the committed offset has not moved over the whole window;
//   WARN   the lag grew from the window's first to its last measurement and never shrank in between;
//   OK     otherwise (the group consumes, whatever its lag).
// Partitions without a committed offset are not evaluated, as in Burrow. Pure logic: no clock, no threads.
class LagAnalyzer {
public:
    struct Options {
        int window = 10; // measurements per partition
        int stopWindows = 2;
        int endHistory = 48; // sampled end offsets kept per partition for the time lag; thinned when full
    };

    LagAnalyzer();
    explicit LagAnalyzer(Options options);

    // One measurement of a trigger at timestampMs (a snapshot's time). A measurement with an error is ignored: the
    // health stays what the last good one said.
    TriggerHealth add(const TriggerLag& lag, qint64 timestampMs);
    std::optional<TriggerHealth> health(const ObjectKey& trigger) const;
    // Forgets triggers no longer measured.
    void retain(const QSet<ObjectKey>& triggers);
    qsizetype size() const { return m_triggers.size(); }

private:
    struct Sample {
        qint64 timestampMs = 0;
        qint64 committed = -1;
        qint64 lag = 0;
    };
    struct EndPoint {
        qint64 timestampMs = 0;
        qint64 endOffset = 0;
    };
    struct Partition {
        QList<Sample> window;
        QList<EndPoint> ends;
        qint64 committedSinceMs = 0; // first measurement with the current committed offset
        qint64 lastEnd = -1;
        qint64 lastCommitted = -1;
    };
    struct Trigger {
        QString topic;
        QString group;
        std::optional<qint64> lastTimestampMs;
        QHash<int, Partition> partitions;
        TriggerHealth health;
    };
    struct Verdict {
        LagStatus status = LagStatus::Ok;
        QString reason;
    };

    void recordEnd(Partition& partition, qint64 timestampMs, qint64 endOffset) const;
    Verdict evaluate(int number, const Partition& partition, qint64 nowMs) const;
    static std::optional<double> timeLag(const Partition& partition, qint64 committed, qint64 nowMs, bool* lowerBound);

    Options m_options;
    QHash<ObjectKey, Trigger> m_triggers;
};
