// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphlayout.h"
#include "spatialgrid.h"

#include <QHash>
#include <QRectF>
#include <QStringList>

#include <array>
#include <vector>

// What the graph view draws, in scene coordinates: one entry per laid-out node (a folded bundle of triggers is one
// node) and one per pair of drawn nodes an edge of some kind joins, with grids that find what meets a rectangle.
// Built from a layout's input and result only, so a worker thread can build it next to the layout.
// A tall stack of namespace bands folded into side-by-side columns, so a mesh of thousands of rows fits a
// screen-shaped view. The layout's y range is cut at band boundaries into chunks; chunk k is moved right by k
// column widths and up to the top. Within a chunk this is a translation, so nothing that did not overlap in the
// layout overlaps on screen. The cuts are chosen on a full layout and kept through incremental ones, so a live
// change never moves a chunk.
struct SceneWrap {
    QList<qreal> cuts; // ascending y where chunks 1, 2, ... start; empty: no folding
    qreal top = 0; // y of the first chunk's start
    qreal chunkWidth = 0;

    static SceneWrap forLayout(const GraphLayoutResult& layout);
    int chunkOf(qreal y) const;
    QPointF map(const QPointF& point) const;
    QRectF map(const QRectF& rect) const;
};

class GraphScene {
public:
    struct Node {
        TopologyNode node; // for a bundle: a stand-in with the bundle id, the count as label, the members' readiness
        QRectF rect;
        QStringList members; // the folded triggers, for a bundle
        QString broker; // the broker whose triggers a bundle folds
        std::vector<int> outgoing; // edge indices
        std::vector<int> incoming;
        bool isBundle() const { return !members.isEmpty(); }
    };
    struct Edge {
        int from = -1;
        int to = -1;
        EdgeKind kind = EdgeKind::Sink;
        QStringList edgeIds; // the graph edges it stands for (several when triggers are folded)
        QPointF start;
        QPointF end;
        bool backwards = false; // leaves from the bottom and arches under the layers between
        QRectF bounds; // contains the whole curve and its arrow head
    };

    static GraphScene build(const GraphLayoutInput& input, const GraphLayoutResult& layout, const SceneWrap& wrap = {});
    // How an edge of `kind` runs between two node rectangles (end points, direction, bounds); from and to stay -1.
    // Overlays that are not part of the scene, such as drafts, are routed like the edges they stand for.
    static Edge route(const QRectF& from, const QRectF& to, EdgeKind kind);
    // The cubic curve an edge is drawn as: start, two control points, end.
    static std::array<QPointF, 4> curveOf(const Edge& edge);

    const std::vector<Node>& nodes() const { return m_nodes; }
    const std::vector<Edge>& edges() const { return m_edges; }
    int indexOf(const QString& nodeId) const { return m_index.value(nodeId, -1); }
    // The drawn node that shows a graph node: the node itself, or the bundle it is folded into; -1 if neither.
    int drawnIndexOf(const QString& graphNodeId) const;
    QString bundleOf(const QString& graphNodeId) const { return m_bundleOf.value(graphNodeId); }
    int nodeAt(const QPointF& scenePos) const;
    // The drawn edge that stands for a graph edge, or -1. Linear: for tests and one-off look-ups, not per frame.
    int drawnEdgeOf(const QString& graphEdgeId) const;
    // Appends exactly the nodes and edges whose rectangles meet `area`.
    void nodesIn(const QRectF& area, std::vector<int>& out) const;
    void edgesIn(const QRectF& area, std::vector<int>& out) const;
    const QList<std::pair<QString, QRectF>>& namespaceBands() const { return m_bands; }
    // Everything drawn, bands included.
    QRectF bounds() const { return m_bounds; }

private:
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
    QHash<QString, int> m_index;
    QHash<QString, QString> m_bundleOf;
    QList<std::pair<QString, QRectF>> m_bands;
    QRectF m_bounds;
    SpatialGrid m_nodeGrid;
    SpatialGrid m_edgeGrid;
};
