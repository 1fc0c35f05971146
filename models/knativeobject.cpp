// SPDX-License-Identifier: Apache-2.0
#include "knativeobject.h"

#include <QHashFunctions>

#include <algorithm>

QString ObjectKey::toString() const { return group % u'/' % kind % u'/' % ns % u'/' % name; }

bool operator<(const ObjectKey& a, const ObjectKey& b)
{
    if (a.group != b.group)
        return a.group < b.group;
    if (a.kind != b.kind)
        return a.kind < b.kind;
    if (a.ns != b.ns)
        return a.ns < b.ns;
    return a.name < b.name;
}

size_t qHash(const ObjectKey& key, size_t seed) noexcept
{
    return qHashMulti(seed, key.group, key.kind, key.ns, key.name);
}

QString groupOfApiVersion(const QString& apiVersion)
{
    const auto slash = apiVersion.indexOf(u'/');
    return slash < 0 ? QString() : apiVersion.left(slash);
}

ObjectKind objectKindFor(const QString& group, const QString& kind)
{
    struct Entry {
        QLatin1StringView group;
        QLatin1StringView kind;
        ObjectKind value;
    };
    static constexpr Entry table[] = {
        { QLatin1StringView("eventing.knative.dev"), QLatin1StringView("Broker"), ObjectKind::Broker },
        { QLatin1StringView("eventing.knative.dev"), QLatin1StringView("Trigger"), ObjectKind::Trigger },
        { QLatin1StringView("messaging.knative.dev"), QLatin1StringView("Channel"), ObjectKind::Channel },
        { QLatin1StringView("messaging.knative.dev"), QLatin1StringView("InMemoryChannel"),
            ObjectKind::InMemoryChannel },
        { QLatin1StringView("messaging.knative.dev"), QLatin1StringView("KafkaChannel"), ObjectKind::KafkaChannel },
        { QLatin1StringView("messaging.knative.dev"), QLatin1StringView("Subscription"), ObjectKind::Subscription },
        { QLatin1StringView("flows.knative.dev"), QLatin1StringView("Sequence"), ObjectKind::Sequence },
        { QLatin1StringView("flows.knative.dev"), QLatin1StringView("Parallel"), ObjectKind::Parallel },
        { QLatin1StringView("sources.knative.dev"), QLatin1StringView("PingSource"), ObjectKind::PingSource },
        { QLatin1StringView("sources.knative.dev"), QLatin1StringView("ApiServerSource"), ObjectKind::ApiServerSource },
        { QLatin1StringView("sources.knative.dev"), QLatin1StringView("ContainerSource"), ObjectKind::ContainerSource },
        { QLatin1StringView("sources.knative.dev"), QLatin1StringView("SinkBinding"), ObjectKind::SinkBinding },
        { QLatin1StringView("sources.knative.dev"), QLatin1StringView("KafkaSource"), ObjectKind::KafkaSource },
        { QLatin1StringView("serving.knative.dev"), QLatin1StringView("Service"), ObjectKind::KnativeService },
        { QLatin1StringView(""), QLatin1StringView("Service"), ObjectKind::Service },
        { QLatin1StringView("apps"), QLatin1StringView("Deployment"), ObjectKind::Deployment },
        { QLatin1StringView("autoscaling.internal.knative.dev"), QLatin1StringView("PodAutoscaler"),
            ObjectKind::PodAutoscaler },
    };
    for (const auto& entry : table) {
        if (entry.kind == kind && entry.group == group)
            return entry.value;
    }
    return ObjectKind::Unknown;
}

bool isSourceKind(ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::PingSource:
    case ObjectKind::ApiServerSource:
    case ObjectKind::ContainerSource:
    case ObjectKind::SinkBinding:
    case ObjectKind::KafkaSource:
        return true;
    default:
        return false;
    }
}

bool isChannelKind(ObjectKind kind)
{
    return kind == ObjectKind::Channel || kind == ObjectKind::InMemoryChannel || kind == ObjectKind::KafkaChannel;
}

ObjectKey KReference::key(const QString& defaultNamespace) const
{
    return ObjectKey { groupOfApiVersion(apiVersion), kind, ns.isEmpty() ? defaultNamespace : ns, name };
}

QString SourceLocation::toString() const
{
    if (line <= 0)
        return file;
    return file % u':' % QString::number(line) % u':' % QString::number(column);
}

const Condition* KnativeObject::condition(const QString& type) const
{
    for (const auto& c : conditions) {
        if (c.type == type)
            return &c;
    }
    return nullptr;
}

Readiness KnativeObject::readiness() const
{
    if (kind == ObjectKind::Deployment) {
        if (const auto* available = condition(QStringLiteral("Available")))
            return available->status == u"True" ? Readiness::Ready : Readiness::NotReady;
        if (replicas && readyReplicas)
            return *readyReplicas >= *replicas ? Readiness::Ready : Readiness::NotReady;
        return Readiness::Unknown;
    }
    const auto* ready = condition(QStringLiteral("Ready"));
    if (!ready)
        return Readiness::Unknown;
    // A status written for an older generation says nothing about the current spec.
    if (generation > 0 && observedGeneration > 0 && observedGeneration < generation)
        return Readiness::Unknown;
    if (ready->status == u"True")
        return Readiness::Ready;
    if (ready->status == u"False")
        return Readiness::NotReady;
    return Readiness::Unknown;
}

QString KnativeObject::readinessReason() const
{
    const auto* ready = condition(QStringLiteral("Ready"));
    if (!ready)
        return {};
    if (ready->message.isEmpty())
        return ready->reason;
    if (ready->reason.isEmpty())
        return ready->message;
    return ready->reason % QStringLiteral(": ") % ready->message;
}

bool batchTouches(const ObjectChangeBatch& batch, std::initializer_list<ObjectKind> kinds)
{
    for (const auto& change : batch) {
        if (change.object && std::find(kinds.begin(), kinds.end(), change.object->kind) != kinds.end())
            return true;
    }
    return false;
}
