// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QString>

#include <functional>

class KubeClient;
class ObjectStore;

// Where a cluster's Knative Kafka brokers find Kafka: `bootstrap.servers` of the broker's config map (its
// spec.config, by default knative-eventing/kafka-broker-config). The controller copies that key into the broker's
// status.annotations, so a broker in the store often says it without any request.

// The config map a Kafka broker reads (spec.config, defaulted as the Kafka broker's webhook does).
KReference kafkaBrokerConfigRef(const KnativeObject& broker);

// The bootstrap servers a Kafka-class broker of the store reports in status.annotations; empty when none does.
QString kafkaBootstrapFromStore(const ObjectStore& store);

// Reads bootstrap.servers from the config map through client; exactly one of servers and error is set when the
// callback runs (on the client's thread). Errors say what could not be read and ask for the servers to be entered:
// a 403 names the config map the user may not get.
void readKafkaBootstrapServers(KubeClient* client, const KReference& configMap,
    std::function<void(const QString& servers, const QString& error)> callback);
