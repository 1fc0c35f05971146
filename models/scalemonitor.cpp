// SPDX-License-Identifier: Apache-2.0
#include "scalemonitor.h"

#include "kedascaler.h"
#include "knativekafkanaming.h"
#include "objectstore.h"
#include "seriesstore.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace {

const QString consumerGroupApi = u"internal.kafka.eventing.knative.dev"_s;

ObjectKey knativeServiceKey(const QString& ns, const QString& name)
{
    return { u"serving.knative.dev"_s, u"Service"_s, ns, name };
}

} // namespace

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

QString ScaleMonitor::kedaSeries(const ObjectKey& target) { return u"keda/"_s % target.toString(); }

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
        const ObjectKey key = knativeServiceKey(pa->key.ns, service);
        // A service has a PodAutoscaler per revision; its latest ready revision's speaks for it.
        if (m_latest.contains(key)) {
            const auto owner = m_objects->find(key);
            const QString latest
                = owner ? owner->raw.value(u"status"_s)[u"latestReadyRevisionName"].toString() : QString();
            if (latest != pa->key.name)
                continue;
        }
        SubscriberScale scale;
        scale.actual = pa->actualScale.value_or(0);
        // desiredScale is -1 while the autoscaler has no metrics yet: unknown, not a wish for -1 pods.
        if (pa->desiredScale && *pa->desiredScale >= 0)
            scale.desired = pa->desiredScale;
        scale.scaledToZero = pa->actualScale == 0 && scale.desired == 0;
        m_latest.insert(key, scale);
    }
    if (m_lagSource)
        sampleKeda();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<SeriesSample> samples;
    samples.reserve(m_latest.size() * 2);
    for (auto it = m_latest.constBegin(); it != m_latest.constEnd(); ++it) {
        samples.append({ replicasSeries(it.key()), now, double(it.value().actual) });
        if (it.value().desired)
            samples.append({ desiredSeries(it.key()), now, double(*it.value().desired) });
        if (it.value().keda)
            samples.append({ kedaSeries(it.key()), now, double(*it.value().keda) });
    }
    if (!samples.isEmpty())
        m_series->appendBatch(samples);
}

void ScaleMonitor::sampleKeda()
{
    QHash<QString, ObjectKey> triggerByGroup;
    const auto triggers = m_objects->objects(ObjectKind::Trigger);
    for (const auto& trigger : triggers) {
        const QString group = kafkaGroupForTrigger(*trigger);
        triggerByGroup.insert(group, trigger->key);
        const auto settings = KedaScaler::fromKnativeAnnotations(trigger->annotations);
        if (!settings)
            continue;
        const auto lag = m_lagSource(trigger->key);
        if (!lag || !lag->error.isEmpty())
            continue;
        // The trigger's dispatchers are its ConsumerGroup's replicas, which KEDA scales.
        SubscriberScale scale;
        const auto consumerGroup = m_objects->find({ consumerGroupApi, u"ConsumerGroup"_s, trigger->key.ns, group });
        if (consumerGroup) {
            scale.actual = consumerGroup->raw.value(u"status"_s)[u"replicas"].toInt();
            scale.desired = consumerGroup->raw.value(u"spec"_s)[u"replicas"].toInt();
        }
        scale.keda = KedaScaler::decide(lag->partitions, *settings, scale.actual).replicas;
        m_latest.insert(trigger->key, scale);
    }
    const auto unknown = m_objects->objects(ObjectKind::Unknown);
    for (const auto& object : unknown) {
        if (object->key.group != u"keda.sh"_s || object->key.kind != u"ScaledObject"_s)
            continue;
        const auto settings = KedaScaler::fromScaledObject(object->raw);
        if (!settings)
            continue;
        const QJsonObject target = object->raw.value(u"spec"_s)[u"scaleTargetRef"].toObject();
        const QString kind = target.value(u"kind"_s).toString(u"Deployment"_s);
        const auto trigger = triggerByGroup.constFind(settings->consumerGroup);
        if (kind != u"Deployment"_s || trigger == triggerByGroup.constEnd())
            continue;
        const auto lag = m_lagSource(*trigger);
        if (!lag || !lag->error.isEmpty() || (!settings->topic.isEmpty() && settings->topic != lag->topic))
            continue;
        const ObjectKey deployment { u"apps"_s, u"Deployment"_s, object->key.ns, target.value(u"name"_s).toString() };
        const auto scaled = m_latest.find(deployment);
        if (scaled == m_latest.end())
            continue;
        SubscriberScale& scale = scaled.value();
        scale.keda = KedaScaler::decide(lag->partitions, *settings, scale.actual).replicas;
    }
}
