// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

// Knative Kafka broker naming conventions (knative-extensions/eventing-kafka-broker), shared by the demo
// simulator and the live-cluster monitors so both map objects to the same topics and groups.

// The Broker's topic: status.annotations["default.topic"] once the controller has set it, else the default
// template "knative-broker-<namespace>-<name>".
QString kafkaTopicForBroker(const KnativeObject& broker);

// The Trigger's consumer group: status.annotations["group.id"] once set, else the default template
// "knative-trigger-<namespace>-<name>". (Pre-1.10 triggers used the UID; only the annotation reveals that.)
QString kafkaGroupForTrigger(const KnativeObject& trigger);

// KEDA autoscaling annotations on a Trigger (autoscaling.eventing.knative.dev/*), with Knative's defaults
// unless overridden by the caller's own defaults.
struct KafkaScalingSpec {
    int minScale = 0;
    int maxScale = 50;
    qint64 lagThreshold = 100;
};
KafkaScalingSpec kafkaScalingSpecForTrigger(const KnativeObject& trigger, const KafkaScalingSpec& defaults = {});
