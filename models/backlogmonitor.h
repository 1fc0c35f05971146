// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kafkalagmonitor.h"
#include "knativeobject.h"
#include "laganalyzer.h"

#include <QObject>
#include <QTimer>

class ObjectStore;
class SeriesStore;

// Keeps a KafkaLagMonitor measuring every trigger of a Kafka-backed broker in the store (topic and consumer
// group by the Knative Kafka broker's conventions) and records each trigger's total lag as "backlog/<key>".
class BacklogMonitor : public QObject {
    Q_OBJECT
public:
    BacklogMonitor(
        const ObjectStore* objects, SeriesStore* series, QMap<QString, QString> kafkaConfig, QObject* parent = nullptr);

    void setInterval(std::chrono::milliseconds interval);
    void start();
    std::optional<TriggerLag> lagOf(const ObjectKey& trigger) const;
    // Rates, time lag and Burrow-style health from the measurements so far; none before the first good one.
    std::optional<TriggerHealth> healthOf(const ObjectKey& trigger) const;
    QHash<ObjectKey, qint64> totals() const;
    QString lastError() const { return m_lastError; }

    static QString backlogSeries(const ObjectKey& trigger);
    static QString produceSeries(const ObjectKey& trigger);
    static QString consumeSeries(const ObjectKey& trigger);
    static QString timeLagSeries(const ObjectKey& trigger);

Q_SIGNALS:
    void measured();
    void errorChanged(const QString& error);

private:
    void updateTargets();
    void onSnapshot(const LagSnapshot& snapshot);

    const ObjectStore* m_objects;
    SeriesStore* m_series;
    KafkaLagMonitor m_monitor;
    QTimer m_targetsTimer;
    QHash<ObjectKey, TriggerLag> m_latest;
    LagAnalyzer m_analyzer;
    QString m_lastError;
};
