// SPDX-License-Identifier: Apache-2.0
#include "scalemonitor.h"

#include "objectstore.h"
#include "seriesstore.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

ScaleMonitor::ScaleMonitor(const ObjectStore* objects, SeriesStore* series, QObject* parent)
    : QObject(parent)
    , m_objects(objects)
    , m_series(series)
{
    m_timer.setInterval(std::chrono::seconds(1));
    connect(&m_timer, &QTimer::timeout, this, &ScaleMonitor::sample);
}

void ScaleMonitor::start()
{
    sample();
    m_timer.start();
}

QString ScaleMonitor::replicasSeries(const ObjectKey& subscriber) { return u"replicas/"_s % subscriber.toString(); }

QString ScaleMonitor::desiredSeries(const ObjectKey& subscriber) { return u"desired/"_s % subscriber.toString(); }

std::optional<SubscriberScale> ScaleMonitor::scaleOf(const ObjectKey& subscriber) const
{
    const auto it = m_latest.constFind(subscriber);
    if (it == m_latest.constEnd())
        return std::nullopt;
    return it.value();
}

void ScaleMonitor::sample()
{
    m_latest.clear();
    const auto deployments = m_objects->objects(ObjectKind::Deployment);
    for (const auto& deployment : deployments) {
        SubscriberScale scale;
        scale.actual = deployment->readyReplicas.value_or(0);
        scale.desired = deployment->replicas;
        m_latest.insert(deployment->key, scale);
    }
    const auto autoscalers = m_objects->objects(ObjectKind::PodAutoscaler);
    for (const auto& pa : autoscalers) {
        const auto service = pa->labels.value(u"serving.knative.dev/service"_s);
        if (service.isEmpty())
            continue;
        SubscriberScale scale;
        scale.actual = pa->actualScale.value_or(0);
        // desiredScale is -1 while the autoscaler has no metrics yet: unknown, not a wish for -1 pods.
        if (pa->desiredScale && *pa->desiredScale >= 0)
            scale.desired = pa->desiredScale;
        m_latest.insert({ u"serving.knative.dev"_s, u"Service"_s, pa->key.ns, service }, scale);
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<SeriesSample> samples;
    samples.reserve(m_latest.size() * 2);
    for (auto it = m_latest.constBegin(); it != m_latest.constEnd(); ++it) {
        samples.append({ replicasSeries(it.key()), now, double(it.value().actual) });
        if (it.value().desired)
            samples.append({ desiredSeries(it.key()), now, double(*it.value().desired) });
    }
    if (!samples.isEmpty())
        m_series->appendBatch(samples);
}
