// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QHash>
#include <QObject>
#include <QSet>

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
    QHash<QString, TopologyNode> m_nodes;
    QHash<QString, TopologyEdge> m_edges;
    QHash<QString, QSet<QString>> m_outgoing; // node id -> edge ids
    QHash<QString, QSet<QString>> m_incoming; // node id -> edge ids
    QHash<ObjectKey, QSet<QString>> m_ownedEdges; // object -> edge ids it declares
    QSet<QString> m_objectNodes; // nodes that stand for an object in the store (not Missing, not Uri)
};
