// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"
#include "kubeclient.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

// Which Knative APIs (and the extensions Meshscope reads) a cluster serves, and at which versions, from plain
// (unaggregated) discovery: GET /api, GET /apis (APIGroupList), and GET /apis/<group>/<version> (APIResourceList)
// for the versions of the Knative groups, since one group holds kinds of different extensions (KafkaChannel and
// InMemoryChannel both are messaging.knative.dev).
struct KubeDiscovery {
    enum class Api {
        Eventing, // eventing.knative.dev brokers and triggers
        Messaging, // messaging.knative.dev
        Flows, // flows.knative.dev
        Sources, // sources.knative.dev
        Serving, // serving.knative.dev
        Autoscaling, // autoscaling.internal.knative.dev (PodAutoscaler)
        KafkaBroker, // internal.kafka.eventing.knative.dev: the Kafka broker's data plane
        KafkaChannel, // messaging.knative.dev kafkachannels
        KafkaSource, // sources.knative.dev kafkasources
        RabbitmqBroker, // eventing.knative.dev rabbitmqbrokerconfigs
        Rabbitmq, // rabbitmq.com (the RabbitMQ cluster and topology operators)
        Keda, // keda.sh (ScaledObject)
    };
    static constexpr Api allApis[]
        = { Api::Eventing, Api::Messaging, Api::Flows, Api::Sources, Api::Serving, Api::Autoscaling, Api::KafkaBroker,
              Api::KafkaChannel, Api::KafkaSource, Api::RabbitmqBroker, Api::Rabbitmq, Api::Keda };

    // Every group the server serves with its preferred version; the core group is "" -> "v1".
    QMap<QString, QString> preferredVersions;
    // The versions of every group, in the server's order of preference.
    QMap<QString, QStringList> groupVersions;
    // Installed APIs -> the apiVersion found ("eventing.knative.dev/v1"); missing = not installed.
    QMap<Api, QString> apis;
    // The resource of each kind Meshscope watches that the cluster serves, at the preferred version that has it.
    QMap<ObjectKind, KubeResource> resources;

    bool isInstalled(Api api) const { return apis.contains(api); }
    QString apiVersion(Api api) const { return apis.value(api); }
    bool eventingInstalled() const { return isInstalled(Api::Eventing); }
    std::optional<KubeResource> resource(ObjectKind kind) const;
    // Why the mesh cannot be shown when Knative Eventing is missing; empty when it is installed.
    QString eventingMessage() const;
    // One line per API: "Knative Eventing: eventing.knative.dev/v1", "KEDA: not installed".
    QStringList summary() const;
    static QString apiName(Api api);

    // The kinds Meshscope watches and where they live, at no particular version.
    static QList<ObjectKind> watchedKinds();
    // group, plural, kind of a watched kind; the version is left empty.
    static KubeResource resourceTemplate(ObjectKind kind);
    // The "group/version" paths (without /apis/) whose APIResourceList parse() needs, given GET /apis.
    static QStringList resourceListsNeeded(const QJsonObject& groupList);
    // core: GET /api (APIVersions); groupList: GET /apis; resourceLists: APIResourceList by "group/version", a
    // version missing from it counts as serving nothing.
    static KubeDiscovery parse(
        const QJsonObject& core, const QJsonObject& groupList, const QHash<QString, QJsonObject>& resourceLists);
};
Q_DECLARE_METATYPE(KubeDiscovery)
