// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kafkalagmonitor.h"
#include "knativeobject.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

class ObjectStore;
class SeriesStore;

struct SubscriberScale {
    int actual = 0;
    std::optional<int> desired;
    // A Knative Service whose autoscaler has both actualScale and desiredScale at 0: scaled to zero, not broken.
    bool scaledToZero = false;
    // The replicas KEDA's Kafka scaler would want from the current lag, where KEDA drives this target.
    std::optional<int> keda;
};

// Replicas per subscriber, from the objects in the store: a Deployment's ready replicas, or for a Knative
// Service its latest ready revision's PodAutoscaler (actualScale and the desiredScale the autoscaler wants). Sampled
// at a fixed interval into "replicas/<key>" and "desired/<key>" series, so charts show steady lines between changes.
// Given a lag source, also what KEDA would want ("keda/<key>", see KedaScaler) for
// - a Kafka-broker Trigger with Knative's KEDA annotations: keyed by the trigger, next to its ConsumerGroup's
//   replicas (also recorded as "replicas/<trigger key>");
// - a keda.sh ScaledObject with a kafka trigger whose consumer group is a trigger's: keyed by its scale target
//   (a Deployment), next to that Deployment's replicas. ScaledObjects Knative generates for ConsumerGroups are
//   covered by the first case.
class ScaleMonitor : public QObject {
    Q_OBJECT
public:
    // The latest measured lag of a trigger (BacklogMonitor::lagOf, for one).
    using LagSource = std::function<std::optional<TriggerLag>(const ObjectKey& trigger)>;

    ScaleMonitor(const ObjectStore* objects, SeriesStore* series, QObject* parent = nullptr);

    void setLagSource(LagSource source) { m_lagSource = std::move(source); }

    void setInterval(std::chrono::milliseconds interval) { m_timer.setInterval(interval); }
    void start();
    // The latest scale of a subscriber (Deployment or Knative Service key), if known.
    std::optional<SubscriberScale> scaleOf(const ObjectKey& subscriber) const;

    static QString replicasSeries(const ObjectKey& subscriber);
    static QString desiredSeries(const ObjectKey& subscriber);
    static QString kedaSeries(const ObjectKey& target);

public Q_SLOTS:
    // Takes one sample now (the timer does it every interval once started).
    void sample();

private:
    void sampleKeda();

    const ObjectStore* m_objects;
    SeriesStore* m_series;
    QTimer m_timer;
    QHash<ObjectKey, SubscriberScale> m_latest;
    LagSource m_lagSource;
};
