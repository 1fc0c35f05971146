// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

class KafkaLagMonitor;
class QTimer;
struct LagSnapshot;
struct TriggerLag;

// A trigger to follow: its consumer group on the broker's topic (kafkaGroupForTrigger() in knativekafkanaming.h).
struct TraceTarget {
    ObjectKey trigger;
    QString groupId;
    friend bool operator==(const TraceTarget&, const TraceTarget&) = default;
};

// Where one event stands for one trigger.
struct TriggerTrace {
    enum class State {
        Waiting, // the group's committed offset has not passed the event yet
        Delivered, // it has: the dispatcher consumed the event and committed
        TimedOut, // not delivered within the tracer's timeout (final)
        Error, // the group could not be read (Kafka unreachable, no such topic ...); still tried until the timeout
    };
    ObjectKey trigger;
    QString groupId;
    State state = State::Waiting;
    qint64 lag = -1; // the group's lag on the event's partition (end offset - committed); -1 until measured
    qint64 committed = -1; // the group's committed offset there (next record it reads); -1 none or not yet read
    QDateTime deliveredAt; // Delivered: the poll that first saw the commit past the event (at most one poll late)
    QString error; // Error, and TimedOut after errors: the last reason
    bool isFinal() const { return state == State::Delivered || state == State::TimedOut; }
    // "delivered to trigger orders at 12:01:03", "still waiting (lag 3)", "not delivered within 60 s", the error.
    QString text() const;
    friend bool operator==(const TriggerTrace&, const TriggerTrace&) = default;
};

// One traced event: a record at (topic, partition, offset) and the triggers that should receive it.
struct TraceState {
    quint64 traceId = 0;
    QString topic;
    int partition = -1;
    qint64 offset = -1;
    QDateTime started;
    QList<TriggerTrace> triggers; // in the order given to track()
    // Every trigger Delivered or TimedOut: the last update of this trace.
    bool finished() const;
};
Q_DECLARE_METATYPE(TraceState)

// Follows events published to a Knative Kafka broker's topic until each matched trigger's consumer group has
// committed past them, the way the Kafka broker's dispatcher marks a record done. All pending traces share one
// KafkaLagMonitor: every poll reads all their groups' committed offsets and the end offsets in one batched round on
// its worker thread, never on this object's thread. The monitor runs only while some trace is pending.
class DeliveryTracer : public QObject {
    Q_OBJECT
public:
    explicit DeliveryTracer(QObject* parent = nullptr);
    ~DeliveryTracer() override;

    // librdkafka properties (KafkaProfile's), at least bootstrap.servers. Pending traces carry on with the new ones.
    void setKafkaConfig(const QMap<QString, QString>& config);
    QMap<QString, QString> kafkaConfig() const;
    // How long a trigger may stay undelivered before it is TimedOut; default 120 s. Applies to later track() calls.
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const;
    // Time between polls; default 1 s.
    void setPollInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds pollInterval() const;

    // Starts following the record at (topic, partition, offset), e.g. a KafkaTransport DeliveryResult's partition
    // and offset, for these triggers. Returns the trace id (from 1) that traceUpdated() reports. The first update
    // comes with the first poll; an empty trigger list is finished at once (reported after track() returned).
    quint64 track(const QString& topic, int partition, qint64 offset, const QList<TraceTarget>& triggers);
    // Stops following a trace (or all), without a further update.
    void cancel(quint64 traceId);
    void cancelAll();
    // A pending trace's state; nullopt once it finished or was cancelled.
    std::optional<TraceState> state(quint64 traceId) const;
    qsizetype pendingCount() const { return m_traces.size(); }

    // The targets of Trigger objects: group from status.annotations["group.id"], else Knative's default name.
    static QList<TraceTarget> targetsFor(const QList<KnativeObject>& triggers);

Q_SIGNALS:
    // Whenever a trigger's state, lag or committed offset changed; the last one has state.finished().
    void traceUpdated(quint64 traceId, const TraceState& state);

private:
    struct Pending {
        TraceState state;
        QDateTime deadline;
    };
    void onSnapshot(const LagSnapshot& snapshot);
    void syncMonitor();
    void expire();
    void armDeadline();
    static TriggerTrace evaluate(
        const TriggerTrace& trace, const TraceState& state, const TriggerLag& lag, const QDateTime& seen);

    QMap<QString, QString> m_config;
    std::chrono::milliseconds m_timeout { 120'000 };
    std::chrono::milliseconds m_interval { 1000 };
    std::unique_ptr<KafkaLagMonitor> m_monitor;
    QMap<quint64, Pending> m_traces;
    QTimer* m_deadlineTimer = nullptr;
    quint64 m_nextId = 1;
};
