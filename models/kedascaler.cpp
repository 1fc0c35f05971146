// SPDX-License-Identifier: Apache-2.0
#include "kedascaler.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// The HPA's default --horizontal-pod-autoscaler-tolerance.
constexpr double hpaTolerance = 0.1;

// Go's strconv.ParseBool, which KEDA uses for its flags.
std::optional<bool> parseGoBool(const QString& text)
{
    static const QStringList truths { u"1"_s, u"t"_s, u"T"_s, u"TRUE"_s, u"true"_s, u"True"_s };
    static const QStringList falsehoods { u"0"_s, u"f"_s, u"F"_s, u"FALSE"_s, u"false"_s, u"False"_s };
    if (truths.contains(text))
        return true;
    if (falsehoods.contains(text))
        return false;
    return std::nullopt;
}

bool fail(QString* error, const QString& reason)
{
    if (error)
        *error = reason;
    return false;
}

bool readBool(const QJsonObject& metadata, const QString& key, bool& target, QString* error)
{
    if (!metadata.contains(key))
        return true;
    const auto value = parseGoBool(metadata.value(key).toString());
    if (!value)
        return fail(error, u"error parsing %1: %2"_s.arg(key, metadata.value(key).toString()));
    target = *value;
    return true;
}

bool readInt(const QJsonObject& metadata, const QString& key, qint64& target, QString* error)
{
    if (!metadata.contains(key))
        return true;
    bool ok = false;
    const qint64 value = metadata.value(key).toString().toLongLong(&ok);
    if (!ok)
        return fail(error, u"error parsing %1: %2"_s.arg(key, metadata.value(key).toString()));
    target = value;
    return true;
}

bool parseKafkaMetadata(const QJsonObject& metadata, KedaKafkaSettings& settings, QString* error)
{
    settings.consumerGroup = metadata.value(u"consumerGroup"_s).toString();
    settings.topic = metadata.value(u"topic"_s).toString();
    const QString policy = metadata.value(u"offsetResetPolicy"_s).toString();
    if (!policy.isEmpty() && policy != u"latest"_s && policy != u"earliest"_s)
        return fail(error, u"err offsetResetPolicy policy \"%1\" given"_s.arg(policy));
    settings.offsetResetEarliest = policy == u"earliest"_s;
    if (!readInt(metadata, u"lagThreshold"_s, settings.lagThreshold, error))
        return false;
    if (settings.lagThreshold <= 0)
        return fail(error, u"\"lagThreshold\" must be positive number"_s);
    if (!readInt(metadata, u"activationLagThreshold"_s, settings.activationLagThreshold, error))
        return false;
    if (settings.activationLagThreshold < 0)
        return fail(error, u"\"activationLagThreshold\" must be positive number"_s);
    if (!readBool(metadata, u"allowIdleConsumers"_s, settings.allowIdleConsumers, error)
        || !readBool(metadata, u"scaleToZeroOnInvalidOffset"_s, settings.scaleToZeroOnInvalidOffset, error)
        || !readBool(metadata, u"limitToPartitionsWithLag"_s, settings.limitToPartitionsWithLag, error)
        || !readBool(
            metadata, u"ensureEvenDistributionOfPartitions"_s, settings.ensureEvenDistributionOfPartitions, error))
        return false;
    if (settings.limitToPartitionsWithLag && settings.allowIdleConsumers)
        return fail(error, u"allowIdleConsumers and limitToPartitionsWithLag cannot be set simultaneously"_s);
    if (settings.limitToPartitionsWithLag && settings.topic.isEmpty())
        return fail(error, u"topic must be specified when using limitToPartitionsWithLag"_s);
    if (settings.limitToPartitionsWithLag && settings.ensureEvenDistributionOfPartitions)
        return fail(
            error, u"limitToPartitionsWithLag and ensureEvenDistributionOfPartitions cannot be set simultaneously"_s);
    if (settings.ensureEvenDistributionOfPartitions && settings.topic.isEmpty())
        return fail(error, u"topic must be specified when using ensureEvenDistributionOfPartitions"_s);
    return true;
}

int annotationInt(const QMap<QString, QString>& annotations, const QString& key, int fallback)
{
    bool ok = false;
    const int value = annotations.value(key).trimmed().toInt(&ok);
    return ok && value >= 0 ? value : fallback;
}

} // namespace

std::optional<KedaKafkaSettings> KedaScaler::fromScaledObject(const QJsonObject& scaledObject, QString* error)
{
    const QJsonObject spec = scaledObject.value(u"spec"_s).toObject();
    const QJsonArray triggers = spec.value(u"triggers"_s).toArray();
    const auto trigger = std::find_if(triggers.begin(), triggers.end(),
        [](const QJsonValue& value) { return value.toObject().value(u"type"_s).toString() == u"kafka"_s; });
    if (trigger == triggers.end()) {
        fail(error, u"the ScaledObject has no kafka trigger"_s);
        return std::nullopt;
    }
    KedaKafkaSettings settings;
    if (!parseKafkaMetadata((*trigger).toObject().value(u"metadata"_s).toObject(), settings, error))
        return std::nullopt;
    settings.minReplicaCount = spec.value(u"minReplicaCount"_s).toInt(0);
    settings.maxReplicaCount = spec.value(u"maxReplicaCount"_s).toInt(100);
    if (spec.contains(u"idleReplicaCount"_s))
        settings.idleReplicaCount = spec.value(u"idleReplicaCount"_s).toInt();
    return settings;
}

std::optional<KedaKafkaSettings> KedaScaler::fromKnativeAnnotations(const QMap<QString, QString>& annotations)
{
    if (annotations.value(u"autoscaling.eventing.knative.dev/class"_s) != u"keda.autoscaling.knative.dev"_s)
        return std::nullopt;
    KedaKafkaSettings settings;
    settings.minReplicaCount = annotationInt(annotations, u"autoscaling.eventing.knative.dev/min-scale"_s, 0);
    settings.maxReplicaCount = annotationInt(annotations, u"autoscaling.eventing.knative.dev/max-scale"_s, 50);
    settings.lagThreshold = annotationInt(annotations, u"autoscaling.eventing.knative.dev/lag-threshold"_s, 100);
    if (settings.lagThreshold <= 0)
        settings.lagThreshold = 100;
    settings.activationLagThreshold
        = annotationInt(annotations, u"autoscaling.eventing.knative.dev/activation-lag-threshold"_s, 0);
    // The ConsumerGroup of a Kafka broker trigger is placed by the scheduler, and eventing-kafka-broker sets
    // allowIdleConsumers to "true" for a ConsumerGroup with placements.
    settings.allowIdleConsumers = true;
    return settings;
}

qint64 KedaScaler::partitionLag(const PartitionLag& partition, const KedaKafkaSettings& settings)
{
    if (partition.committed < 0) {
        if (settings.scaleToZeroOnInvalidOffset)
            return 0;
        if (!settings.offsetResetEarliest)
            return 1;
    }
    if (partition.endOffset < 0)
        return 0;
    if (partition.committed < 0)
        return partition.endOffset;
    return partition.endOffset - partition.committed;
}

QList<qint64> KedaScaler::factors(qint64 n)
{
    QList<qint64> result;
    if (n < 1)
        return result;
    const auto root = static_cast<qint64>(std::sqrt(static_cast<double>(n)));
    for (qint64 i = 1; i <= root; ++i) {
        if (n % i == 0) {
            result.append(i);
            if (i != n / i)
                result.append(n / i);
        }
    }
    std::sort(result.begin(), result.end());
    return result;
}

qint64 KedaScaler::nextBalancingFactor(qint64 totalLag, qint64 partitions, qint64 lagThreshold)
{
    const auto candidates = factors(partitions);
    for (const qint64 factor : candidates) {
        if (factor * lagThreshold >= totalLag)
            return factor;
    }
    return partitions;
}

int KedaScaler::hpaReplicas(qint64 metric, qint64 targetAverage, int currentReplicas)
{
    if (targetAverage <= 0)
        return currentReplicas;
    if (currentReplicas > 0) {
        const double usageRatio = double(metric) / (double(targetAverage) * double(currentReplicas));
        if (std::abs(1.0 - usageRatio) <= hpaTolerance)
            return currentReplicas;
    }
    return static_cast<int>(std::ceil(double(metric) / double(targetAverage)));
}

KedaDecision KedaScaler::decide(
    const QList<PartitionLag>& partitions, const KedaKafkaSettings& settings, int currentReplicas)
{
    KedaDecision decision;
    const qint64 threshold = std::max<qint64>(settings.lagThreshold, 1);
    for (const auto& partition : partitions) {
        const qint64 lag = partitionLag(partition, settings);
        decision.totalLag += lag;
        if (lag > 0)
            ++decision.partitionsWithLag;
    }
    decision.totalLagWithPersistent = decision.totalLag;
    decision.partitions = partitions.size();
    if (!settings.allowIdleConsumers || settings.limitToPartitionsWithLag
        || settings.ensureEvenDistributionOfPartitions) {
        qint64 upperBound = decision.partitions;
        if (settings.ensureEvenDistributionOfPartitions)
            decision.totalLag = nextBalancingFactor(decision.totalLag, decision.partitions, threshold) * threshold;
        if (settings.limitToPartitionsWithLag)
            upperBound = decision.partitionsWithLag;
        if (decision.totalLag / threshold > upperBound)
            decision.totalLag = upperBound * threshold;
    }
    decision.active = decision.totalLagWithPersistent > settings.activationLagThreshold;
    if (!decision.active && (settings.minReplicaCount == 0 || settings.idleReplicaCount)) {
        decision.replicas = settings.idleReplicaCount.value_or(0);
        return decision;
    }
    const int floor = std::max(settings.minReplicaCount, 1);
    const int wanted = hpaReplicas(decision.totalLag, threshold, currentReplicas);
    decision.replicas = std::clamp(wanted, floor, std::max(floor, settings.maxReplicaCount));
    return decision;
}
