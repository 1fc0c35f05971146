// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kafkalagmonitor.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// What KEDA's Kafka scaler is configured with: the trigger metadata of a ScaledObject (keda.sh/v1alpha1) plus its
// replica bounds. Defaults are KEDA's (pkg/scalers/kafka_scaler.go, ScaledObject defaults).
struct KedaKafkaSettings {
    QString consumerGroup;
    QString topic;
    qint64 lagThreshold = 10;
    qint64 activationLagThreshold = 0;
    bool allowIdleConsumers = false;
    bool limitToPartitionsWithLag = false;
    bool ensureEvenDistributionOfPartitions = false;
    bool scaleToZeroOnInvalidOffset = false;
    bool offsetResetEarliest = false; // offsetResetPolicy "earliest" (default "latest")
    int minReplicaCount = 0;
    int maxReplicaCount = 100;
    std::optional<int> idleReplicaCount;
    friend bool operator==(const KedaKafkaSettings&, const KedaKafkaSettings&) = default;
};

// What KEDA would do with the current offsets.
struct KedaDecision {
    qint64 totalLag = 0; // the metric handed to the HPA: summed lag, capped as KEDA caps it
    qint64 totalLagWithPersistent = 0; // uncapped, what activation compares with
    qint64 partitions = 0;
    qint64 partitionsWithLag = 0;
    bool active = false; // totalLagWithPersistent > activationLagThreshold
    int replicas = 0; // what the scale target would be scaled to
    friend bool operator==(const KedaDecision&, const KedaDecision&) = default;
};

// The replicas KEDA's Kafka scaler would ask for, computed as KEDA and the HPA compute them:
// - per partition (getLagForPartition): end offset - committed offset; with no committed offset, 1 under the
//   "latest" policy or the whole end offset under "earliest", 0 with scaleToZeroOnInvalidOffset; a partition whose
//   end offset is unknown counts 0;
// - getTotalLag: the sum, capped unless allowIdleConsumers (or with limitToPartitionsWithLag or
//   ensureEvenDistributionOfPartitions) to lagThreshold times the partitions (only those with lag, with
//   limitToPartitionsWithLag); ensureEvenDistributionOfPartitions rounds up to a factor of the partition count;
// - activity: totalLagWithPersistent > activationLagThreshold; inactive with minReplicaCount 0 scales to zero
//   (or to idleReplicaCount);
// - the HPA on an AverageValue external metric: ceil(totalLag / lagThreshold), kept at the current replicas when
//   within the 10% tolerance, bounded by max(minReplicaCount, 1) and maxReplicaCount.
// Persistent-lag exclusion needs the previous poll's offsets and is left out.
class KedaScaler {
public:
    // The first "kafka" trigger of a ScaledObject document; nullopt with a reason when there is none or its
    // metadata is invalid the way KEDA rejects it (lagThreshold <= 0, activationLagThreshold < 0,
    // allowIdleConsumers together with limitToPartitionsWithLag, ...).
    static std::optional<KedaKafkaSettings> fromScaledObject(const QJsonObject& scaledObject, QString* error = nullptr);
    // The settings eventing-kafka-broker generates for a Trigger (or KafkaSource) annotated with
    // autoscaling.eventing.knative.dev/class: keda.autoscaling.knative.dev: min-scale (default 0), max-scale (50),
    // lag-threshold (100), activation-lag-threshold (0), and allowIdleConsumers true as for a scheduled
    // ConsumerGroup. Nullopt when the class is not KEDA's.
    static std::optional<KedaKafkaSettings> fromKnativeAnnotations(const QMap<QString, QString>& annotations);

    static qint64 partitionLag(const PartitionLag& partition, const KedaKafkaSettings& settings);
    // currentReplicas: the scale target's replicas now (for the HPA tolerance); 0 when unknown or scaled to zero.
    static KedaDecision decide(
        const QList<PartitionLag>& partitions, const KedaKafkaSettings& settings, int currentReplicas = 0);
    // The HPA's replica count for an AverageValue target, before its min/max bounds.
    static int hpaReplicas(qint64 metric, qint64 targetAverage, int currentReplicas);
    // KEDA's FindFactors and getNextFactorThatBalancesConsumersToTopicPartitions.
    static QList<qint64> factors(qint64 n);
    static qint64 nextBalancingFactor(qint64 totalLag, qint64 partitions, qint64 lagThreshold);
};
