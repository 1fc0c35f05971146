// SPDX-License-Identifier: Apache-2.0
#include "topologygraph.h"

#include "filterevaluator.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

std::optional<NodeKind> nodeKindOf(ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::PingSource:
    case ObjectKind::ApiServerSource:
    case ObjectKind::ContainerSource:
    case ObjectKind::SinkBinding:
    case ObjectKind::KafkaSource:
        return NodeKind::Source;
    case ObjectKind::Broker:
        return NodeKind::Broker;
    case ObjectKind::Channel:
    case ObjectKind::InMemoryChannel:
    case ObjectKind::KafkaChannel:
        return NodeKind::Channel;
    case ObjectKind::Trigger:
        return NodeKind::Trigger;
    case ObjectKind::Subscription:
        return NodeKind::Subscription;
    case ObjectKind::Sequence:
    case ObjectKind::Parallel:
        return NodeKind::Flow;
    case ObjectKind::KnativeService:
    case ObjectKind::Service:
    case ObjectKind::Deployment:
        return NodeKind::Subscriber;
    case ObjectKind::PodAutoscaler:
    case ObjectKind::Unknown:
        break;
    }
    return std::nullopt;
}

// "Service" alone is ambiguous in a mesh that has both; the Knative one gets its full name.
QString kindLabelOf(const ObjectKey& key)
{
    if (objectKindFor(key.group, key.kind) == ObjectKind::KnativeService)
        return u"Knative Service"_s;
    return key.kind;
}

QString referencedBy(const ObjectKey& referrer)
{
    return u"referenced by "_s % referrer.kind % u' ' % referrer.ns % u'/' % referrer.name % u", not found"_s;
}

QString edgeIdOf(const QString& from, const QString& to, EdgeKind kind)
{
    return from % u"->"_s % to % u'#' % edgeKindName(kind);
}

ObjectKey serviceOfAutoscaler(const KnativeObject& autoscaler)
{
    const auto name = autoscaler.labels.value(u"serving.knative.dev/service"_s);
    if (name.isEmpty())
        return {};
    return ObjectKey { u"serving.knative.dev"_s, u"Service"_s, autoscaler.key.ns, name };
}

} // namespace

QString nodeKindName(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Source:
        return u"Source"_s;
    case NodeKind::Broker:
        return u"Broker"_s;
    case NodeKind::Channel:
        return u"Channel"_s;
    case NodeKind::Trigger:
        return u"Trigger"_s;
    case NodeKind::Subscription:
        return u"Subscription"_s;
    case NodeKind::Flow:
        return u"Flow"_s;
    case NodeKind::Subscriber:
        return u"Subscriber"_s;
    case NodeKind::Uri:
        return u"Uri"_s;
    case NodeKind::Missing:
        return u"Missing"_s;
    }
    return {};
}

QString edgeKindName(EdgeKind kind)
{
    switch (kind) {
    case EdgeKind::Sink:
        return u"Sink"_s;
    case EdgeKind::Routes:
        return u"Routes"_s;
    case EdgeKind::DeliversTo:
        return u"DeliversTo"_s;
    case EdgeKind::Reply:
        return u"Reply"_s;
    case EdgeKind::DeadLetter:
        return u"DeadLetter"_s;
    }
    return {};
}

TopologyGraph::TopologyGraph(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<TopologyDelta>();
}

const TopologyNode* TopologyGraph::node(const QString& id) const
{
    const auto it = m_nodes.constFind(id);
    return it == m_nodes.constEnd() ? nullptr : &it.value();
}

QList<TopologyEdge> TopologyGraph::edgesFrom(const QString& nodeId) const
{
    QList<TopologyEdge> result;
    const auto ids = m_outgoing.value(nodeId);
    result.reserve(ids.size());
    for (const auto& id : ids)
        result.append(m_edges.value(id));
    return result;
}

QList<TopologyEdge> TopologyGraph::edgesTo(const QString& nodeId) const
{
    QList<TopologyEdge> result;
    const auto ids = m_incoming.value(nodeId);
    result.reserve(ids.size());
    for (const auto& id : ids)
        result.append(m_edges.value(id));
    return result;
}

void TopologyGraph::applyChanges(const ObjectChangeBatch& batch)
{
    for (const auto& change : batch) {
        if (!change.object)
            continue;
        if (change.type == ObjectChange::Type::Deleted)
            removeObject(*change.object);
        else
            upsertObject(change.object);
    }
    const auto delta = takeDelta();
    if (!delta.isEmpty())
        Q_EMIT changed(delta);
}

void TopologyGraph::clear()
{
    TopologyDelta delta;
    delta.nodesRemoved = m_nodes.keys();
    delta.edgesRemoved = m_edges.keys();
    std::sort(delta.nodesRemoved.begin(), delta.nodesRemoved.end());
    std::sort(delta.edgesRemoved.begin(), delta.edgesRemoved.end());
    m_nodes.clear();
    m_edges.clear();
    m_outgoing.clear();
    m_incoming.clear();
    m_ownedEdges.clear();
    m_objectNodes.clear();
    m_extraEdgeOwners.clear();
    m_unmodelled.clear();
    m_autoscalerService.clear();
    m_serviceScales.clear();
    m_nodesBefore.clear();
    m_edgesBefore.clear();
    if (!delta.isEmpty())
        Q_EMIT changed(delta);
}

void TopologyGraph::upsertObject(const KnativeObjectPtr& object)
{
    const auto kind = nodeKindOf(object->kind);
    if (!kind) {
        upsertUnmodelled(object);
        return;
    }
    const auto& key = object->key;
    const auto node = nodeFor(*object, *kind);
    m_objectNodes.insert(node.id);
    setNode(node);

    // Add the new edges before dropping the old ones, so a Missing node that stays referenced is not
    // removed and re-created in between.
    const auto oldEdges = m_ownedEdges.value(key);
    QStringList newEdges;
    for (const auto& planned : plannedEdges(*object)) {
        const auto id = edgeIdOf(planned.from.id, planned.to.id, planned.kind);
        if (newEdges.contains(id))
            continue;
        newEdges.append(id);
        if (!oldEdges.contains(id))
            addEdgeOwner(planned, key);
    }
    for (const auto& id : oldEdges) {
        if (!newEdges.contains(id))
            removeEdgeOwner(id, key);
    }
    if (newEdges.isEmpty())
        m_ownedEdges.remove(key);
    else
        m_ownedEdges.insert(key, newEdges);
}

void TopologyGraph::removeObject(const KnativeObject& object)
{
    if (!nodeKindOf(object.kind)) {
        removeUnmodelled(object);
        return;
    }
    const auto id = object.key.toString();
    if (!m_objectNodes.remove(id))
        return;
    const auto owned = m_ownedEdges.take(object.key);
    for (const auto& edgeId : owned)
        removeEdgeOwner(edgeId, object.key);
    if (!m_nodes.contains(id))
        return;
    if (hasEdges(id))
        turnMissing(id);
    else
        eraseNode(id);
}

void TopologyGraph::upsertUnmodelled(const KnativeObjectPtr& object)
{
    if (object->kind == ObjectKind::PodAutoscaler)
        updatePodAutoscaler(*object, false);
    m_unmodelled.insert(object->key, object);
    const auto id = object->key.toString();
    if (m_nodes.contains(id))
        setNode(placeholderFor(Endpoint { id, object->key, {} }, {}));
}

void TopologyGraph::removeUnmodelled(const KnativeObject& object)
{
    if (object.kind == ObjectKind::PodAutoscaler)
        updatePodAutoscaler(object, true);
    if (!m_unmodelled.remove(object.key))
        return;
    const auto id = object.key.toString();
    if (m_nodes.contains(id))
        turnMissing(id);
}

void TopologyGraph::updatePodAutoscaler(const KnativeObject& autoscaler, bool deleted)
{
    const auto previous = m_autoscalerService.take(autoscaler.key);
    if (previous.isValid()) {
        auto it = m_serviceScales.find(previous);
        if (it != m_serviceScales.end()) {
            it->remove(autoscaler.key);
            if (it->isEmpty())
                m_serviceScales.erase(it);
        }
    }
    const auto service = deleted ? ObjectKey {} : serviceOfAutoscaler(autoscaler);
    if (service.isValid()) {
        m_autoscalerService.insert(autoscaler.key, service);
        m_serviceScales[service].insert(autoscaler.key, Scale { autoscaler.desiredScale, autoscaler.actualScale });
    }
    if (previous.isValid() && previous != service)
        refreshScale(previous);
    if (service.isValid())
        refreshScale(service);
}

void TopologyGraph::refreshScale(const ObjectKey& service)
{
    const auto id = service.toString();
    if (!m_objectNodes.contains(id))
        return;
    auto node = m_nodes.value(id);
    applyServiceScale(node);
    setNode(node);
}

void TopologyGraph::applyServiceScale(TopologyNode& node) const
{
    node.desiredScale.reset();
    node.actualScale.reset();
    const auto scales = m_serviceScales.value(node.object);
    for (const auto& [desired, actual] : scales) {
        if (desired && *desired >= 0)
            node.desiredScale = node.desiredScale.value_or(0) + *desired;
        if (actual && *actual >= 0)
            node.actualScale = node.actualScale.value_or(0) + *actual;
    }
}

TopologyNode TopologyGraph::nodeFor(const KnativeObject& object, NodeKind kind) const
{
    TopologyNode node;
    node.id = object.key.toString();
    node.kind = kind;
    node.object = object.key;
    node.label = object.key.name;
    node.kindLabel = kindLabelOf(object.key);
    node.readiness = object.readiness();
    node.reason = object.readinessReason();
    if (object.kind == ObjectKind::Deployment) {
        node.desiredScale = object.replicas;
        node.actualScale = object.readyReplicas;
    } else if (object.kind == ObjectKind::KnativeService) {
        applyServiceScale(node);
    }
    return node;
}

TopologyNode TopologyGraph::placeholderFor(const Endpoint& endpoint, const ObjectKey& referrer) const
{
    TopologyNode node;
    node.id = endpoint.id;
    if (!endpoint.uri.isEmpty()) {
        node.kind = NodeKind::Uri;
        node.label = endpoint.uri;
        node.kindLabel = u"URI"_s;
        return node;
    }
    node.object = endpoint.key;
    node.label = endpoint.key.name;
    node.kindLabel = kindLabelOf(endpoint.key);
    if (const auto object = m_unmodelled.value(endpoint.key)) {
        // It exists, Meshscope just has no special kind for it; whatever receives events is a subscriber.
        node.kind = NodeKind::Subscriber;
        node.readiness = object->readiness();
        node.reason = object->readinessReason();
        return node;
    }
    node.kind = NodeKind::Missing;
    node.reason = referencedBy(referrer);
    return node;
}

QList<TopologyGraph::PlannedEdge> TopologyGraph::plannedEdges(const KnativeObject& object) const
{
    const auto& ns = object.key.ns;
    const Endpoint self { object.key.toString(), object.key, {} };
    const auto endpointOfKey = [](const ObjectKey& key) { return Endpoint { key.toString(), key, {} }; };
    const auto endpointOf = [&](const Destination& destination) -> std::optional<Endpoint> {
        // A ref with a relative URI still designates the ref.
        if (!destination.ref.isEmpty())
            return endpointOfKey(destination.ref.key(ns));
        if (!destination.uri.isEmpty())
            return Endpoint { u"uri:"_s % destination.uri, {}, destination.uri };
        return std::nullopt;
    };

    QList<PlannedEdge> edges;
    const auto fromSelf = [&](const Destination& destination, EdgeKind kind) {
        if (const auto to = endpointOf(destination))
            edges.append({ self, *to, kind });
    };

    if (isSourceKind(object.kind))
        fromSelf(object.sink, EdgeKind::Sink);

    switch (object.kind) {
    case ObjectKind::Trigger:
        if (const auto broker = brokerKeyOfTrigger(object); broker.isValid())
            edges.append({ endpointOfKey(broker), self, EdgeKind::Routes });
        fromSelf(object.subscriber, EdgeKind::DeliversTo);
        break;
    case ObjectKind::Subscription:
        if (!object.channel.isEmpty())
            edges.append({ endpointOfKey(object.channel.key(ns)), self, EdgeKind::Routes });
        fromSelf(object.subscriber, EdgeKind::DeliversTo);
        fromSelf(object.reply, EdgeKind::Reply);
        break;
    case ObjectKind::Sequence:
        for (const auto& step : object.steps)
            fromSelf(step, EdgeKind::Routes);
        fromSelf(object.reply, EdgeKind::Reply);
        break;
    case ObjectKind::Parallel:
        for (const auto& branch : object.branches) {
            fromSelf(branch.filter, EdgeKind::Routes);
            fromSelf(branch.subscriber, EdgeKind::Routes);
            fromSelf(branch.reply, EdgeKind::Reply);
        }
        fromSelf(object.reply, EdgeKind::Reply);
        break;
    default:
        break;
    }

    // Brokers, channels, triggers, subscriptions and Kafka sources all carry a DeliverySpec.
    fromSelf(object.delivery.deadLetterSink, EdgeKind::DeadLetter);
    return edges;
}

void TopologyGraph::addEdgeOwner(const PlannedEdge& planned, const ObjectKey& owner)
{
    const auto id = edgeIdOf(planned.from.id, planned.to.id, planned.kind);
    if (m_edges.contains(id)) {
        m_extraEdgeOwners[id].append(owner);
        return;
    }
    for (const auto* endpoint : { &planned.from, &planned.to }) {
        if (!m_nodes.contains(endpoint->id))
            setNode(placeholderFor(*endpoint, owner));
    }
    touchEdge(id);
    m_edges.insert(id, TopologyEdge { id, planned.from.id, planned.to.id, planned.kind, owner });
    auto& outgoing = m_outgoing[planned.from.id];
    if (!outgoing.contains(id))
        outgoing.append(id);
    auto& incoming = m_incoming[planned.to.id];
    if (!incoming.contains(id))
        incoming.append(id);
}

void TopologyGraph::removeEdgeOwner(const QString& edgeId, const ObjectKey& owner)
{
    auto it = m_edges.find(edgeId);
    if (it == m_edges.end())
        return;
    if (auto extra = m_extraEdgeOwners.find(edgeId); extra != m_extraEdgeOwners.end()) {
        if (it->owner == owner)
            it->owner = extra->takeFirst();
        else
            extra->removeOne(owner);
        if (extra->isEmpty())
            m_extraEdgeOwners.erase(extra);
        return;
    }
    const auto edge = it.value();
    touchEdge(edgeId);
    m_edges.erase(it);
    const auto detach = [&edgeId](QHash<QString, QStringList>& adjacency, const QString& nodeId) {
        auto ids = adjacency.find(nodeId);
        if (ids == adjacency.end())
            return;
        ids->removeOne(edgeId);
        if (ids->isEmpty())
            adjacency.erase(ids);
    };
    detach(m_outgoing, edge.from);
    detach(m_incoming, edge.to);
    releaseNode(edge.from, owner);
    if (edge.to != edge.from)
        releaseNode(edge.to, owner);
}

void TopologyGraph::releaseNode(const QString& nodeId, const ObjectKey& formerReferrer)
{
    if (m_objectNodes.contains(nodeId))
        return;
    const auto it = m_nodes.constFind(nodeId);
    if (it == m_nodes.constEnd())
        return;
    if (!hasEdges(nodeId)) {
        eraseNode(nodeId);
        return;
    }
    // Keep naming a referrer that still exists.
    if (it->kind == NodeKind::Missing && it->reason == referencedBy(formerReferrer)) {
        if (const auto referrer = anyReferrer(nodeId)) {
            auto node = it.value();
            node.reason = referencedBy(*referrer);
            setNode(node);
        }
    }
}

void TopologyGraph::turnMissing(const QString& nodeId)
{
    auto node = m_nodes.value(nodeId);
    node.kind = NodeKind::Missing;
    node.readiness = Readiness::Unknown;
    node.desiredScale.reset();
    node.actualScale.reset();
    const auto referrer = anyReferrer(nodeId);
    node.reason = referrer ? referencedBy(*referrer) : QString();
    setNode(node);
}

bool TopologyGraph::hasEdges(const QString& nodeId) const
{
    return m_outgoing.contains(nodeId) || m_incoming.contains(nodeId);
}

std::optional<ObjectKey> TopologyGraph::anyReferrer(const QString& nodeId) const
{
    for (const auto* adjacency : { &m_incoming, &m_outgoing }) {
        const auto ids = adjacency->constFind(nodeId);
        if (ids != adjacency->constEnd() && !ids->isEmpty())
            return m_edges.value(ids->first()).owner;
    }
    return std::nullopt;
}

void TopologyGraph::setNode(const TopologyNode& node)
{
    const auto it = m_nodes.constFind(node.id);
    if (it != m_nodes.constEnd() && it.value() == node)
        return;
    touchNode(node.id);
    m_nodes.insert(node.id, node);
}

void TopologyGraph::eraseNode(const QString& id)
{
    touchNode(id);
    m_nodes.remove(id);
    m_outgoing.remove(id);
    m_incoming.remove(id);
}

void TopologyGraph::touchNode(const QString& id)
{
    if (m_nodesBefore.contains(id))
        return;
    const auto it = m_nodes.constFind(id);
    m_nodesBefore.insert(id, it == m_nodes.constEnd() ? std::nullopt : std::optional<TopologyNode>(it.value()));
}

void TopologyGraph::touchEdge(const QString& id)
{
    if (!m_edgesBefore.contains(id))
        m_edgesBefore.insert(id, m_edges.contains(id));
}

TopologyDelta TopologyGraph::takeDelta()
{
    TopologyDelta delta;
    for (auto it = m_nodesBefore.cbegin(); it != m_nodesBefore.cend(); ++it) {
        const auto now = m_nodes.constFind(it.key());
        const bool existsNow = now != m_nodes.constEnd();
        if (!it.value() && existsNow)
            delta.nodesAdded.append(it.key());
        else if (it.value() && !existsNow)
            delta.nodesRemoved.append(it.key());
        else if (it.value() && existsNow && *it.value() != now.value())
            delta.nodesChanged.append(it.key());
    }
    for (auto it = m_edgesBefore.cbegin(); it != m_edgesBefore.cend(); ++it) {
        const bool existsNow = m_edges.contains(it.key());
        if (!it.value() && existsNow)
            delta.edgesAdded.append(it.key());
        else if (it.value() && !existsNow)
            delta.edgesRemoved.append(it.key());
    }
    m_nodesBefore.clear();
    m_edgesBefore.clear();
    for (auto* list :
        { &delta.nodesAdded, &delta.nodesChanged, &delta.nodesRemoved, &delta.edgesAdded, &delta.edgesRemoved })
        std::sort(list->begin(), list->end());
    return delta;
}
