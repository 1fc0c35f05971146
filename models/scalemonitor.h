// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QObject>
#include <QTimer>

#include <chrono>

class ObjectStore;
class SeriesStore;

struct SubscriberScale {
    int actual = 0;
    std::optional<int> desired;
};

// Replicas per subscriber, from the objects in the store: a Deployment's ready replicas, or for a Knative
// Service its revision's PodAutoscaler (actualScale and the desiredScale the autoscaler wants). Sampled at a
// fixed interval into "replicas/<key>" and "desired/<key>" series, so charts show steady lines between changes.
class ScaleMonitor : public QObject {
    Q_OBJECT
public:
    ScaleMonitor(const ObjectStore* objects, SeriesStore* series, QObject* parent = nullptr);

    void setInterval(std::chrono::milliseconds interval) { m_timer.setInterval(interval); }
    void start();
    // The latest scale of a subscriber (Deployment or Knative Service key), if known.
    std::optional<SubscriberScale> scaleOf(const ObjectKey& subscriber) const;

    static QString replicasSeries(const ObjectKey& subscriber);
    static QString desiredSeries(const ObjectKey& subscriber);

private:
    void sample();

    const ObjectStore* m_objects;
    SeriesStore* m_series;
    QTimer m_timer;
    QHash<ObjectKey, SubscriberScale> m_latest;
};
