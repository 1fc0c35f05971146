// SPDX-License-Identifier: Apache-2.0
#include "knativekafkanaming.h"

#include <algorithm>

using namespace Qt::StringLiterals;

QString kafkaTopicForBroker(const KnativeObject& broker)
{
    const QString topic = broker.statusAnnotations.value(u"default.topic"_s);
    if (!topic.isEmpty())
        return topic;
    return u"knative-broker-"_s % broker.key.ns % u'-' % broker.key.name;
}

QString kafkaGroupForTrigger(const KnativeObject& trigger)
{
    const QString group = trigger.statusAnnotations.value(u"group.id"_s);
    if (!group.isEmpty())
        return group;
    return u"knative-trigger-"_s % trigger.key.ns % u'-' % trigger.key.name;
}

namespace {
template <typename T>
T annotationNumber(const KnativeObject& object, const QString& name, T fallback, T minimum)
{
    bool ok = false;
    const qint64 value = object.annotations.value(name).trimmed().toLongLong(&ok);
    return ok && value >= minimum ? static_cast<T>(value) : fallback;
}
} // namespace

KafkaScalingSpec kafkaScalingSpecForTrigger(const KnativeObject& trigger, const KafkaScalingSpec& defaults)
{
    KafkaScalingSpec spec;
    spec.minScale = annotationNumber(trigger, u"autoscaling.eventing.knative.dev/min-scale"_s, defaults.minScale, 0);
    spec.maxScale = annotationNumber(trigger, u"autoscaling.eventing.knative.dev/max-scale"_s, defaults.maxScale, 0);
    spec.lagThreshold = annotationNumber<qint64>(
        trigger, u"autoscaling.eventing.knative.dev/lag-threshold"_s, defaults.lagThreshold, 1);
    spec.maxScale = std::max(spec.maxScale, spec.minScale);
    return spec;
}
