// SPDX-License-Identifier: Apache-2.0
#include "graphscene.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {
constexpr qreal arrowMargin = 6;

quint64 edgeKey(int from, int to, EdgeKind kind)
{
    return (quint64(quint32(from)) << 34) | (quint64(quint32(to)) << 4) | quint64(kind);
}

TopologyNode bundleStandIn(const LayoutBundle& bundle, const QHash<QString, const TopologyNode*>& byId)
{
    TopologyNode standIn;
    standIn.id = bundle.id;
    standIn.kind = NodeKind::Trigger;
    const auto* broker = byId.value(bundle.broker);
    const auto count = int(bundle.members.size());
    standIn.label = count == 1 ? QCoreApplication::translate("GraphScene", "1 trigger")
                               : QCoreApplication::translate("GraphScene", "%1 triggers").arg(count);
    standIn.kindLabel = broker ? QCoreApplication::translate("GraphScene", "Triggers of %1").arg(broker->label)
                               : QCoreApplication::translate("GraphScene", "Triggers");
    if (broker)
        standIn.object.ns = broker->object.ns;
    int ready = 0;
    int notReady = 0;
    for (const auto& member : bundle.members) {
        const auto* node = byId.value(member);
        if (!node)
            continue;
        if (node->readiness == Readiness::Ready)
            ++ready;
        else if (node->readiness == Readiness::NotReady || node->kind == NodeKind::Missing)
            ++notReady;
    }
    // The bundle is only as ready as its worst member, so a failing trigger is not hidden by folding.
    if (notReady > 0) {
        standIn.readiness = Readiness::NotReady;
        standIn.reason = QCoreApplication::translate("GraphScene", "%1 of %2 not ready").arg(notReady).arg(count);
    } else if (ready == count) {
        standIn.readiness = Readiness::Ready;
    }
    return standIn;
}

} // namespace

GraphScene::Edge GraphScene::route(const QRectF& from, const QRectF& to, EdgeKind kind)
{
    Edge edge;
    edge.kind = kind;
    edge.backwards = kind == EdgeKind::Reply || kind == EdgeKind::DeadLetter || to.x() <= from.x();
    if (!edge.backwards) {
        edge.start = QPointF(from.right(), from.center().y());
        edge.end = QPointF(to.left(), to.center().y());
    } else {
        edge.start = QPointF(from.center().x(), from.bottom());
        edge.end = QPointF(to.center().x(), to.bottom());
    }
    const auto curve = curveOf(edge);
    // A cubic curve stays inside the hull of its control points.
    const auto [left, right] = std::minmax({ curve[0].x(), curve[1].x(), curve[2].x(), curve[3].x() });
    const auto [top, bottom] = std::minmax({ curve[0].y(), curve[1].y(), curve[2].y(), curve[3].y() });
    edge.bounds = QRectF(QPointF(left, top), QPointF(right, bottom))
                      .adjusted(-arrowMargin, -arrowMargin, arrowMargin, arrowMargin);
    return edge;
}

std::array<QPointF, 4> GraphScene::curveOf(const Edge& edge)
{
    if (!edge.backwards) {
        const qreal dx = std::max<qreal>(40, (edge.end.x() - edge.start.x()) / 2);
        return { edge.start, edge.start + QPointF(dx, 0), edge.end - QPointF(dx, 0), edge.end };
    }
    const qreal sag = 40 + std::abs(edge.end.x() - edge.start.x()) / 8;
    return { edge.start, edge.start + QPointF(0, sag), edge.end + QPointF(0, sag), edge.end };
}

SceneWrap SceneWrap::forLayout(const GraphLayoutResult& layout)
{
    SceneWrap wrap;
    const auto& bands = layout.namespaceBands;
    const QRectF bounds = layout.bounds;
    if (bands.size() < 2 || bounds.isEmpty())
        return wrap;
    // k columns of height H/k side by side read best near 16:10: k*W / (H/k) = 1.6.
    const qreal gap = GraphLayout::nodeSize.width();
    const int chunks = int(std::lround(std::sqrt(1.6 * bounds.height() / (bounds.width() + gap))));
    if (chunks < 2)
        return wrap;
    wrap.top = bounds.top();
    wrap.chunkWidth = bounds.width() + gap;
    const qreal target = bounds.height() / chunks;
    qreal chunkStart = bounds.top();
    for (qsizetype i = 1; i < bands.size() && wrap.cuts.size() < chunks - 1; ++i) {
        const qreal bandTop = bands.at(i).second.top();
        if (bandTop - chunkStart >= target) {
            // Cut in the gap just above the band, so its caption moves with it.
            const qreal cut = (bands.at(i - 1).second.bottom() + bandTop) / 2;
            wrap.cuts.append(cut);
            chunkStart = cut;
        }
    }
    return wrap;
}

int SceneWrap::chunkOf(qreal y) const { return int(std::upper_bound(cuts.cbegin(), cuts.cend(), y) - cuts.cbegin()); }

QPointF SceneWrap::map(const QPointF& point) const
{
    const int chunk = chunkOf(point.y());
    if (chunk == 0)
        return point;
    return { point.x() + chunk * chunkWidth, point.y() - cuts.at(chunk - 1) + top };
}

QRectF SceneWrap::map(const QRectF& rect) const { return QRectF(map(rect.topLeft()), rect.size()); }

GraphScene GraphScene::build(const GraphLayoutInput& input, const GraphLayoutResult& layout, const SceneWrap& wrap)
{
    GraphScene scene;
    scene.m_bundleOf = layout.bundleOf;
    scene.m_bands = layout.namespaceBands;
    for (auto& band : scene.m_bands)
        band.second = wrap.map(band.second);

    QHash<QString, const TopologyNode*> byId;
    byId.reserve(input.nodes.size());
    for (const auto& node : input.nodes)
        byId.insert(node.id, &node);

    scene.m_nodes.reserve(std::size_t(layout.positions.size()));
    scene.m_index.reserve(layout.positions.size());
    const auto add = [&scene](Node&& node) {
        scene.m_index.insert(node.node.id, int(scene.m_nodes.size()));
        scene.m_bounds = scene.m_bounds.united(node.rect);
        scene.m_nodes.push_back(std::move(node));
    };
    for (const auto& node : input.nodes) {
        const auto position = layout.positions.constFind(node.id);
        if (position == layout.positions.constEnd())
            continue; // folded into a bundle
        add(Node { node, QRectF(wrap.map(position.value()), GraphLayout::nodeSize), {}, {}, {}, {} });
    }
    for (const auto& bundle : layout.bundles) {
        const auto position = layout.positions.constFind(bundle.id);
        if (position == layout.positions.constEnd())
            continue;
        add(Node { bundleStandIn(bundle, byId), QRectF(wrap.map(position.value()), GraphLayout::nodeSize),
            bundle.members, bundle.broker, {}, {} });
    }

    // Edges of folded triggers meet at their bundle: many graph edges, one drawn edge per pair and kind.
    QHash<quint64, int> edgeOfKey;
    scene.m_edges.reserve(std::size_t(input.edges.size()));
    for (const auto& edge : input.edges) {
        const int from = scene.drawnIndexOf(edge.from);
        const int to = scene.drawnIndexOf(edge.to);
        if (from < 0 || to < 0 || from == to)
            continue;
        const auto key = edgeKey(from, to, edge.kind);
        if (const auto existing = edgeOfKey.constFind(key); existing != edgeOfKey.constEnd()) {
            scene.m_edges[std::size_t(existing.value())].edgeIds.append(edge.id);
            continue;
        }
        Edge drawn = route(scene.m_nodes[std::size_t(from)].rect, scene.m_nodes[std::size_t(to)].rect, edge.kind);
        drawn.from = from;
        drawn.to = to;
        drawn.edgeIds.append(edge.id);
        const int index = int(scene.m_edges.size());
        edgeOfKey.insert(key, index);
        scene.m_nodes[std::size_t(from)].outgoing.push_back(index);
        scene.m_nodes[std::size_t(to)].incoming.push_back(index);
        scene.m_bounds = scene.m_bounds.united(drawn.bounds);
        scene.m_edges.push_back(std::move(drawn));
    }
    for (const auto& band : std::as_const(scene.m_bands))
        scene.m_bounds = scene.m_bounds.united(band.second);
    if (wrap.cuts.isEmpty())
        scene.m_bounds = scene.m_bounds.united(layout.bounds);

    scene.m_nodeGrid.reset(scene.m_bounds, qsizetype(scene.m_nodes.size()));
    for (std::size_t i = 0; i < scene.m_nodes.size(); ++i)
        scene.m_nodeGrid.insert(int(i), scene.m_nodes[i].rect);
    scene.m_edgeGrid.reset(scene.m_bounds, qsizetype(scene.m_edges.size()));
    for (std::size_t i = 0; i < scene.m_edges.size(); ++i)
        scene.m_edgeGrid.insert(int(i), scene.m_edges[i].bounds);
    return scene;
}

int GraphScene::drawnIndexOf(const QString& graphNodeId) const
{
    if (const auto it = m_index.constFind(graphNodeId); it != m_index.constEnd())
        return it.value();
    if (const auto bundle = m_bundleOf.constFind(graphNodeId); bundle != m_bundleOf.constEnd())
        return m_index.value(bundle.value(), -1);
    return -1;
}

int GraphScene::nodeAt(const QPointF& scenePos) const
{
    std::vector<int> candidates;
    m_nodeGrid.query(QRectF(scenePos, QSizeF(0.01, 0.01)), candidates);
    for (const int index : candidates) {
        if (m_nodes[std::size_t(index)].rect.contains(scenePos))
            return index;
    }
    return -1;
}

int GraphScene::drawnEdgeOf(const QString& graphEdgeId) const
{
    for (std::size_t i = 0; i < m_edges.size(); ++i) {
        if (m_edges[i].edgeIds.contains(graphEdgeId))
            return int(i);
    }
    return -1;
}

namespace {
// Rectangles here are never empty or negative, which makes this cheaper than QRectF::intersects.
bool meets(const QRectF& a, const QRectF& b)
{
    return a.left() <= b.right() && b.left() <= a.right() && a.top() <= b.bottom() && b.top() <= a.bottom();
}

template <typename Item, typename RectOf>
void collect(const std::vector<Item>& items, const SpatialGrid& grid, const QRectF& area, const QRectF& bounds,
    RectOf rectOf, std::vector<int>& out)
{
    // The whole mesh in view (the overview): every item, without asking the grid.
    if (area.contains(bounds)) {
        const auto first = out.size();
        out.resize(first + items.size());
        std::iota(out.begin() + std::ptrdiff_t(first), out.end(), 0);
        return;
    }
    const auto first = out.size();
    grid.query(area, out);
    const auto end = std::remove_if(out.begin() + std::ptrdiff_t(first), out.end(),
        [&](int index) { return !meets(rectOf(items[std::size_t(index)]), area); });
    out.erase(end, out.end());
}
} // namespace

void GraphScene::nodesIn(const QRectF& area, std::vector<int>& out) const
{
    collect(
        m_nodes, m_nodeGrid, area, m_bounds, [](const Node& node) -> const QRectF& { return node.rect; }, out);
}

void GraphScene::edgesIn(const QRectF& area, std::vector<int>& out) const
{
    collect(
        m_edges, m_edgeGrid, area, m_bounds, [](const Edge& edge) -> const QRectF& { return edge.bounds; }, out);
}
