// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

// One trigger whose backlog to measure: its consumer group on its broker's topic.
struct LagTarget {
    ObjectKey trigger;
    QString topic;
    QString group;
    friend bool operator==(const LagTarget&, const LagTarget&) = default;
};

struct PartitionLag {
    int partition = 0;
    qint64 endOffset = -1; // high watermark; -1 when it could not be read
    qint64 committed = -1; // the group's committed offset (next record to consume); -1 when nothing is committed
    qint64 lag = 0;
    friend bool operator==(const PartitionLag&, const PartitionLag&) = default;
};

struct TriggerLag {
    ObjectKey trigger;
    QString topic;
    QString group;
    QList<PartitionLag> partitions; // by partition number
    qint64 totalLag = 0;
    QString error; // this target could not be measured (topic missing, group request failed, ...)
};

struct LagSnapshot {
    qint64 timestampMs = 0; // when the refresh finished, ms since the epoch
    qint64 durationMs = 0; // how long the refresh took
    QList<TriggerLag> triggers; // in the order of the targets
    QString error; // the whole refresh failed or was partial (unreachable cluster, bad configuration)
};
Q_DECLARE_METATYPE(LagSnapshot)

// Measures consumer lag from Kafka itself, like kafka-consumer-groups and KEDA do: end offsets of all target
// partitions (ListOffsets, batched per leader) and each group's committed offsets (OffsetFetch through the Admin
// API, all groups in flight at once). librdkafka blocks, so all of it runs on a worker thread; snapshots are
// delivered on this object's thread. Refreshes never overlap: the next one is scheduled once the last finished.
// Errors go into the snapshot and the monitor keeps trying.
class KafkaLagMonitor : public QObject {
    Q_OBJECT
public:
    // kafkaConfig: librdkafka properties, at least bootstrap.servers (plus security.protocol, sasl.* as needed).
    explicit KafkaLagMonitor(QMap<QString, QString> kafkaConfig, QObject* parent = nullptr);
    ~KafkaLagMonitor() override;

    // May be called at any time; the next refresh uses the new targets.
    void setTargets(const QList<LagTarget>& targets);
    QList<LagTarget> targets() const;
    // Time from the start of one refresh to the start of the next; default 5 s. Also bounds each refresh's
    // network waits (at least 1 s, at most 10 s).
    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;

    // start() refreshes at once, then every interval. stop() returns without waiting for the network; no
    // snapshot is emitted after it.
    void start();
    void stop();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void snapshot(const LagSnapshot& snapshot);

private:
    struct Shared;
    // The worker's loop: it keeps what it needs alive itself, and outlives the monitor by up to a slice.
    static void run(std::shared_ptr<Shared> shared, QMap<QString, QString> config, quint64 generation);

    const QMap<QString, QString> m_config;
    std::shared_ptr<Shared> m_shared;
    quint64 m_generation = 0;
    bool m_running = false;
};
