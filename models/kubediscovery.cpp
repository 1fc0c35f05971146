// SPDX-License-Identifier: Apache-2.0
#include "kubediscovery.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

const QString Eventing = u"eventing.knative.dev"_s;
const QString Messaging = u"messaging.knative.dev"_s;
const QString Flows = u"flows.knative.dev"_s;
const QString Sources = u"sources.knative.dev"_s;
const QString Serving = u"serving.knative.dev"_s;
const QString Autoscaling = u"autoscaling.internal.knative.dev"_s;
const QString KafkaInternal = u"internal.kafka.eventing.knative.dev"_s;
const QString Rabbitmq = u"rabbitmq.com"_s;
const QString Keda = u"keda.sh"_s;

// Groups whose resources are looked up one by one; the others are taken from their group alone.
const QStringList listedGroups { Eventing, Messaging, Flows, Sources, Serving, Autoscaling };

struct Served {
    QString kind;
    bool namespaced = true;
};

// The resources of one APIResourceList by plural, subresources ("triggers/status") left out.
QHash<QString, Served> servedResources(const QJsonObject& list)
{
    QHash<QString, Served> result;
    const QJsonArray resources = list.value("resources"_L1).toArray();
    for (const QJsonValue& value : resources) {
        const QJsonObject resource = value.toObject();
        const QString name = resource.value("name"_L1).toString();
        if (name.isEmpty() || name.contains(u'/'))
            continue;
        result.insert(name, { resource.value("kind"_L1).toString(), resource.value("namespaced"_L1).toBool(true) });
    }
    return result;
}

} // namespace

std::optional<KubeResource> KubeDiscovery::resource(ObjectKind kind) const
{
    const auto it = resources.constFind(kind);
    if (it == resources.constEnd())
        return std::nullopt;
    return it.value();
}

QString KubeDiscovery::eventingMessage() const
{
    if (eventingInstalled())
        return {};
    if (preferredVersions.contains(Eventing))
        return u"Knative Eventing is not installed in this cluster: the API group eventing.knative.dev is served, "
               "but without brokers and triggers. Only the installed Knative APIs are shown."_s;
    return u"Knative Eventing is not installed in this cluster: the API server does not serve the group "
           "eventing.knative.dev, so there are no brokers, triggers or channels to show."_s;
}

QString KubeDiscovery::apiName(Api api)
{
    switch (api) {
    case Api::Eventing:
        return u"Knative Eventing"_s;
    case Api::Messaging:
        return u"Knative Messaging"_s;
    case Api::Flows:
        return u"Knative Flows"_s;
    case Api::Sources:
        return u"Knative Sources"_s;
    case Api::Serving:
        return u"Knative Serving"_s;
    case Api::Autoscaling:
        return u"Knative Autoscaling"_s;
    case Api::KafkaBroker:
        return u"Knative Kafka broker"_s;
    case Api::KafkaChannel:
        return u"Knative KafkaChannel"_s;
    case Api::KafkaSource:
        return u"Knative KafkaSource"_s;
    case Api::RabbitmqBroker:
        return u"Knative RabbitMQ broker"_s;
    case Api::Rabbitmq:
        return u"RabbitMQ operators"_s;
    case Api::Keda:
        return u"KEDA"_s;
    }
    return {};
}

QStringList KubeDiscovery::summary() const
{
    QStringList lines;
    for (const Api api : allApis)
        lines.append(apiName(api) + u": "_s + (isInstalled(api) ? apiVersion(api) : u"not installed"_s));
    return lines;
}

QList<ObjectKind> KubeDiscovery::watchedKinds()
{
    return { ObjectKind::Broker, ObjectKind::Trigger, ObjectKind::Channel, ObjectKind::InMemoryChannel,
        ObjectKind::KafkaChannel, ObjectKind::Subscription, ObjectKind::Sequence, ObjectKind::Parallel,
        ObjectKind::PingSource, ObjectKind::ApiServerSource, ObjectKind::ContainerSource, ObjectKind::SinkBinding,
        ObjectKind::KafkaSource, ObjectKind::KnativeService, ObjectKind::Service, ObjectKind::Deployment,
        ObjectKind::PodAutoscaler };
}

KubeResource KubeDiscovery::resourceTemplate(ObjectKind kind)
{
    const auto make = [](const QString& group, const char* plural, const char* kindName) {
        KubeResource resource;
        resource.group = group;
        resource.plural = QString::fromLatin1(plural);
        resource.kind = QString::fromLatin1(kindName);
        return resource;
    };
    switch (kind) {
    case ObjectKind::Broker:
        return make(Eventing, "brokers", "Broker");
    case ObjectKind::Trigger:
        return make(Eventing, "triggers", "Trigger");
    case ObjectKind::Channel:
        return make(Messaging, "channels", "Channel");
    case ObjectKind::InMemoryChannel:
        return make(Messaging, "inmemorychannels", "InMemoryChannel");
    case ObjectKind::KafkaChannel:
        return make(Messaging, "kafkachannels", "KafkaChannel");
    case ObjectKind::Subscription:
        return make(Messaging, "subscriptions", "Subscription");
    case ObjectKind::Sequence:
        return make(Flows, "sequences", "Sequence");
    case ObjectKind::Parallel:
        return make(Flows, "parallels", "Parallel");
    case ObjectKind::PingSource:
        return make(Sources, "pingsources", "PingSource");
    case ObjectKind::ApiServerSource:
        return make(Sources, "apiserversources", "ApiServerSource");
    case ObjectKind::ContainerSource:
        return make(Sources, "containersources", "ContainerSource");
    case ObjectKind::SinkBinding:
        return make(Sources, "sinkbindings", "SinkBinding");
    case ObjectKind::KafkaSource:
        return make(Sources, "kafkasources", "KafkaSource");
    case ObjectKind::KnativeService:
        return make(Serving, "services", "Service");
    case ObjectKind::Service:
        return make(QString(), "services", "Service");
    case ObjectKind::Deployment:
        return make(u"apps"_s, "deployments", "Deployment");
    case ObjectKind::PodAutoscaler:
        return make(Autoscaling, "podautoscalers", "PodAutoscaler");
    case ObjectKind::Unknown:
        break;
    }
    return {};
}

QStringList KubeDiscovery::resourceListsNeeded(const QJsonObject& groupList)
{
    QStringList paths;
    const QJsonArray groups = groupList.value("groups"_L1).toArray();
    for (const QJsonValue& value : groups) {
        const QJsonObject group = value.toObject();
        if (!listedGroups.contains(group.value("name"_L1).toString()))
            continue;
        const QJsonArray versions = group.value("versions"_L1).toArray();
        for (const QJsonValue& version : versions)
            paths.append(version.toObject().value("groupVersion"_L1).toString());
    }
    paths.removeAll(QString());
    return paths;
}

KubeDiscovery KubeDiscovery::parse(
    const QJsonObject& core, const QJsonObject& groupList, const QHash<QString, QJsonObject>& resourceLists)
{
    KubeDiscovery result;
    QStringList coreVersions;
    const QJsonArray coreArray = core.value("versions"_L1).toArray();
    for (const QJsonValue& version : coreArray)
        coreVersions.append(version.toString());
    if (!coreVersions.isEmpty()) {
        result.groupVersions.insert(QString(), coreVersions);
        result.preferredVersions.insert(QString(), coreVersions.contains(u"v1"_s) ? u"v1"_s : coreVersions.first());
    }

    const QJsonArray groups = groupList.value("groups"_L1).toArray();
    for (const QJsonValue& value : groups) {
        const QJsonObject group = value.toObject();
        const QString name = group.value("name"_L1).toString();
        if (name.isEmpty())
            continue;
        QStringList versions;
        const QJsonArray versionArray = group.value("versions"_L1).toArray();
        for (const QJsonValue& version : versionArray)
            versions.append(version.toObject().value("version"_L1).toString());
        versions.removeAll(QString());
        QString preferred = group.value("preferredVersion"_L1).toObject().value("version"_L1).toString();
        if (preferred.isEmpty() && !versions.isEmpty())
            preferred = versions.first();
        if (preferred.isEmpty())
            continue;
        // The preferred version first, the others in the server's order.
        versions.removeAll(preferred);
        versions.prepend(preferred);
        result.groupVersions.insert(name, versions);
        result.preferredVersions.insert(name, preferred);
    }

    QHash<QString, QHash<QString, Served>> served;
    for (auto it = resourceLists.constBegin(); it != resourceLists.constEnd(); ++it)
        served.insert(it.key(), servedResources(it.value()));

    // The first version, in order of preference, that serves plural in group.
    const auto find = [&](const QString& group, const QString& plural) -> std::optional<KubeResource> {
        const QStringList versions = result.groupVersions.value(group);
        for (const QString& version : versions) {
            const auto resources = served.value(group.isEmpty() ? version : group + u'/' + version);
            const auto it = resources.constFind(plural);
            if (it == resources.constEnd())
                continue;
            KubeResource resource;
            resource.group = group;
            resource.version = version;
            resource.plural = plural;
            resource.kind = it->kind;
            resource.namespaced = it->namespaced;
            return resource;
        }
        return std::nullopt;
    };

    for (const ObjectKind kind : watchedKinds()) {
        KubeResource resource = resourceTemplate(kind);
        if (listedGroups.contains(resource.group)) {
            const auto found = find(resource.group, resource.plural);
            if (found)
                result.resources.insert(kind, *found);
        } else if (result.groupVersions.value(resource.group).contains(u"v1"_s)) {
            // Core Services and apps Deployments: part of every conformant cluster at v1.
            resource.version = u"v1"_s;
            result.resources.insert(kind, resource);
        }
    }

    const auto fromKind = [&](Api api, ObjectKind kind) {
        if (const auto resource = result.resource(kind))
            result.apis.insert(api, resource->apiVersion());
    };
    const auto fromGroup = [&](Api api, const QString& group) {
        const QString version = result.preferredVersions.value(group);
        if (!version.isEmpty())
            result.apis.insert(api, group + u'/' + version);
    };
    if (result.resource(ObjectKind::Broker))
        fromKind(Api::Eventing, ObjectKind::Trigger);
    fromKind(Api::Messaging, ObjectKind::Subscription);
    fromKind(Api::Flows, ObjectKind::Sequence);
    fromKind(Api::Sources, ObjectKind::PingSource);
    fromKind(Api::Serving, ObjectKind::KnativeService);
    fromKind(Api::Autoscaling, ObjectKind::PodAutoscaler);
    fromGroup(Api::KafkaBroker, KafkaInternal);
    fromKind(Api::KafkaChannel, ObjectKind::KafkaChannel);
    fromKind(Api::KafkaSource, ObjectKind::KafkaSource);
    if (const auto config = find(Eventing, u"rabbitmqbrokerconfigs"_s))
        result.apis.insert(Api::RabbitmqBroker, config->apiVersion());
    fromGroup(Api::Rabbitmq, Rabbitmq);
    fromGroup(Api::Keda, Keda);
    return result;
}
