// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <thread>

// What the simulated autoscaler wants and has for one subscriber (Knative Service or Deployment).
struct ScaleSample {
    ObjectKey subscriber;
    int desired = 0;
    int actual = 0;
    friend bool operator==(const ScaleSample&, const ScaleSample&) = default;
};
Q_DECLARE_METATYPE(ScaleSample)

// The embedded demo's Kafka side: an in-process librdkafka mock cluster holding one topic per Broker (named as
// the Knative Kafka broker names it), live CloudEvents traffic into those topics, one simulated consumer group
// per Trigger committing its progress to Kafka, and a KEDA-like autoscaler per subscriber. The backlog the
// console shows is measured from this cluster by KafkaLagMonitor like any other; the simulator only produces and
// commits. Everything librdkafka runs on a worker thread; signals arrive on this object's thread.
class DemoKafka : public QObject {
    Q_OBJECT
public:
    explicit DemoKafka(QObject* parent = nullptr);
    ~DemoKafka() override;

    // Brokers, Triggers and their subscribers among `objects` define the traffic. The first call starts the
    // cluster (started() once it listens); later calls reconfigure it live, keeping the progress of what stays.
    void start(const QList<KnativeObjectPtr>& objects);
    // Stops traffic and shuts the cluster down; start() again brings up a new one.
    void stop();
    bool isRunning() const { return m_running; }

    // Empty until started().
    QString bootstrapServers() const { return m_bootstrapServers; }
    // For the objects of the last start(); empty for unknown keys.
    QString topicFor(const ObjectKey& broker) const { return m_topics.value(broker); }
    QString groupFor(const ObjectKey& trigger) const { return m_groups.value(trigger); }

Q_SIGNALS:
    void started(const QString& bootstrapServers);
    // About once per second: every autoscaled subscriber.
    void scaleChanged(const QList<ScaleSample>& samples);
    void error(const QString& message);

private:
    struct Shared;
    void run(quint64 generation);
    void joinWorker();

    std::unique_ptr<Shared> m_shared;
    std::thread m_thread;
    quint64 m_generation = 0;
    bool m_running = false;
    QString m_bootstrapServers;
    QHash<ObjectKey, QString> m_topics;
    QHash<ObjectKey, QString> m_groups;
};
