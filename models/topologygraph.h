// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <optional>

enum class NodeKind { Source, Broker, Channel, Trigger, Subscription, Flow, Subscriber, Uri, Missing };
// Sink: source -> its sink. Routes: broker -> trigger, channel -> subscription, flow -> its steps.
// DeliversTo: trigger/subscription -> subscriber. Reply and DeadLetter: back-references, drawn against the flow.
enum class EdgeKind { Sink, Routes, DeliversTo, Reply, DeadLetter };

QString nodeKindName(NodeKind kind);
QString edgeKindName(EdgeKind kind);

struct TopologyNode {
    QString id; // ObjectKey::toString() for objects and missing references, "uri:<uri>" for plain URIs
    NodeKind kind = NodeKind::Missing;
    ObjectKey object; // the object it stands for (for Missing: the reference that points nowhere)
    QString label; // the name, or the URI
    QString kindLabel; // "Trigger", "Knative Service", "PingSource", ...
    Readiness readiness = Readiness::Unknown;
    QString reason; // why not ready, or for Missing which object references it
    // Subscribers only: pods wanted and ready. A Deployment's spec/ready replicas; for a Knative Service the sum over
    // the PodAutoscalers labelled with its name (one per revision), skipping KPA's -1 "no metrics yet".
    std::optional<int> desiredScale;
    std::optional<int> actualScale;
    friend bool operator==(const TopologyNode&, const TopologyNode&) = default;
};

struct TopologyEdge {
    QString id; // "<from>-><to>#<kind>"
    QString from;
    QString to;
    EdgeKind kind = EdgeKind::Sink;
    ObjectKey owner; // the object whose spec declares this edge
    friend bool operator==(const TopologyEdge&, const TopologyEdge&) = default;
};

struct TopologyDelta {
    QStringList nodesAdded;
    QStringList nodesChanged;
    QStringList nodesRemoved;
    QStringList edgesAdded;
    QStringList edgesRemoved;
    bool isEmpty() const
    {
        return nodesAdded.isEmpty() && nodesChanged.isEmpty() && nodesRemoved.isEmpty() && edgesAdded.isEmpty()
            && edgesRemoved.isEmpty();
    }
};
Q_DECLARE_METATYPE(TopologyDelta)

// The mesh as a graph, derived incrementally from ObjectStore changes: a changed object touches its own node
// and the edges it declares, nothing else. References to objects that do not exist become Missing nodes,
// which turn into real ones when the object appears and vanish when nothing references them any more.
class TopologyGraph : public QObject {
    Q_OBJECT
public:
    explicit TopologyGraph(QObject* parent = nullptr);

    // Feed it ObjectStore::changed batches.
    void applyChanges(const ObjectChangeBatch& batch);
    void clear();

    const QHash<QString, TopologyNode>& nodes() const { return m_nodes; }
    const QHash<QString, TopologyEdge>& edges() const { return m_edges; }
    const TopologyNode* node(const QString& id) const;
    QList<TopologyEdge> edgesFrom(const QString& nodeId) const;
    QList<TopologyEdge> edgesTo(const QString& nodeId) const;

Q_SIGNALS:
    void changed(const TopologyDelta& delta);

private:
    struct Endpoint {
        QString id;
        ObjectKey key; // empty for URIs
        QString uri; // set for plain URIs
    };
    struct PlannedEdge {
        Endpoint from;
        Endpoint to;
        EdgeKind kind;
    };
    using Scale = std::pair<std::optional<int>, std::optional<int>>; // desired, actual

    void upsertObject(const KnativeObjectPtr& object);
    void removeObject(const KnativeObject& object);
    void upsertUnmodelled(const KnativeObjectPtr& object);
    void removeUnmodelled(const KnativeObject& object);
    void updatePodAutoscaler(const KnativeObject& autoscaler, bool deleted);
    void refreshScale(const ObjectKey& service);
    void applyServiceScale(TopologyNode& node) const;

    QList<PlannedEdge> plannedEdges(const KnativeObject& object) const;
    TopologyNode nodeFor(const KnativeObject& object, NodeKind kind) const;
    TopologyNode placeholderFor(const Endpoint& endpoint, const ObjectKey& referrer) const;
    void addEdgeOwner(const PlannedEdge& planned, const ObjectKey& owner);
    void removeEdgeOwner(const QString& edgeId, const ObjectKey& owner);
    void releaseNode(const QString& nodeId, const ObjectKey& formerReferrer);
    void turnMissing(const QString& nodeId);
    bool hasEdges(const QString& nodeId) const;
    std::optional<ObjectKey> anyReferrer(const QString& nodeId) const;

    // Every mutation goes through these, so the batch's net delta can be computed from the touched ids alone.
    void setNode(const TopologyNode& node);
    void eraseNode(const QString& id);
    void touchNode(const QString& id);
    void touchEdge(const QString& id);
    TopologyDelta takeDelta();

    QHash<QString, TopologyNode> m_nodes;
    QHash<QString, TopologyEdge> m_edges;
    // Adjacency as small lists, not sets: most nodes have a handful of edges, and a QSet costs hundreds of bytes
    // even when it holds one entry (tens of MB at 20,000 nodes). Hubs pay O(degree) per change, still microseconds.
    QHash<QString, QStringList> m_outgoing; // node id -> edge ids
    QHash<QString, QStringList> m_incoming; // node id -> edge ids
    QHash<ObjectKey, QStringList> m_ownedEdges; // object -> edge ids it declares
    QSet<QString> m_objectNodes; // nodes that stand for an object in the store (not Missing, not Uri)
    // Two objects may declare the same edge (same id); the edge lives until its last owner drops it.
    QHash<QString, QList<ObjectKey>> m_extraEdgeOwners;
    // Objects of kinds without a node of their own: referenced ones (a KafkaSink as a sink) are shown, not "missing".
    QHash<ObjectKey, KnativeObjectPtr> m_unmodelled;
    QHash<ObjectKey, ObjectKey> m_autoscalerService; // PodAutoscaler -> its Knative Service
    QHash<ObjectKey, QHash<ObjectKey, Scale>> m_serviceScales; // Knative Service -> PodAutoscaler -> scale

    // State before the current batch of every node and edge it touched.
    QHash<QString, std::optional<TopologyNode>> m_nodesBefore;
    QHash<QString, bool> m_edgesBefore;
};
