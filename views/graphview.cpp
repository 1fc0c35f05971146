// SPDX-License-Identifier: Apache-2.0
#include "graphview.h"

#include "edgeitem.h"
#include "nodeitem.h"
#include "topologygraph.h"

#include <QPointer>
#include <QScrollBar>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    m_scene->setItemIndexMethod(QGraphicsScene::NoIndex);
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(ScrollHandDrag);
    setViewportUpdateMode(SmartViewportUpdate);
    setTransformationAnchor(AnchorUnderMouse);
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Topology graph"));
    m_layoutTimer.setSingleShot(true);
    m_layoutTimer.setInterval(60);
    connect(&m_layoutTimer, &QTimer::timeout, this, &GraphView::startLayout);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, [this] { Q_EMIT nodeSelected(selectedNodeId()); });
}

GraphView::~GraphView()
{
    // Edges unregister from their nodes on destruction, so they go first.
    qDeleteAll(m_edges);
    m_edges.clear();
}

void GraphView::setGraph(const TopologyGraph* graph)
{
    m_graph = graph;
    connect(graph, &TopologyGraph::changed, this, &GraphView::scheduleLayout);
    scheduleLayout();
}

void GraphView::setBadgeProvider(BadgeProvider provider)
{
    m_badgeProvider = std::move(provider);
    refreshBadges();
}

void GraphView::refreshBadges()
{
    if (!m_badgeProvider)
        return;
    for (auto* item : std::as_const(m_nodes))
        item->setBadge(m_badgeProvider(item->node()));
}

void GraphView::scheduleLayout()
{
    ++m_generation;
    if (!m_layoutTimer.isActive())
        m_layoutTimer.start();
}

void GraphView::startLayout()
{
    if (!m_graph || m_layoutRunning)
        return;
    GraphLayoutInput input;
    input.nodes = m_graph->nodes().values();
    input.edges = m_graph->edges().values();
    m_layoutRunning = true;
    const quint64 generation = m_generation;
    QtConcurrent::run([input = std::move(input)] {
        return GraphLayout::compute(input);
    }).then(this, [this, generation](const GraphLayoutResult& result) {
        m_layoutRunning = false;
        applyLayout(generation, result);
    });
}

void GraphView::applyLayout(quint64 generation, const GraphLayoutResult& result)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_graph)
        return;
    const auto& nodes = m_graph->nodes();
    const auto& edges = m_graph->edges();

    for (auto it = m_edges.begin(); it != m_edges.end();) {
        if (!edges.contains(it.key()) || !nodes.contains(it.value()->edge().from)
            || !nodes.contains(it.value()->edge().to)) {
            delete it.value();
            it = m_edges.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (!nodes.contains(it.key())) {
            delete it.value();
            it = m_nodes.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& node : nodes) {
        auto* item = m_nodes.value(node.id);
        if (!item) {
            item = new NodeItem(node);
            m_scene->addItem(item);
            m_nodes.insert(node.id, item);
        } else {
            item->setNode(node);
        }
        if (const auto it = result.positions.constFind(node.id); it != result.positions.constEnd())
            item->setPos(it.value());
        if (m_badgeProvider)
            item->setBadge(m_badgeProvider(node));
    }
    for (const auto& edge : edges) {
        if (m_edges.contains(edge.id))
            continue;
        auto* from = m_nodes.value(edge.from);
        auto* to = m_nodes.value(edge.to);
        if (!from || !to)
            continue;
        auto* item = new EdgeItem(edge, from, to);
        m_scene->addItem(item);
        m_edges.insert(edge.id, item);
    }
    for (auto* edge : std::as_const(m_edges))
        edge->adjust();
    m_bands = result.namespaceBands;
    m_scene->setSceneRect(result.bounds.adjusted(-40, -40, 40, 120));
    if (!m_fitted && !m_nodes.isEmpty()) {
        m_fitted = true;
        fitToView();
    }
    Q_EMIT layoutApplied();
    // The graph changed while this layout ran: lay out again.
    if (generation != m_generation)
        scheduleLayout();
}

QString GraphView::selectedNodeId() const
{
    const auto selected = m_scene->selectedItems();
    for (auto* item : selected) {
        if (auto* node = dynamic_cast<NodeItem*>(item))
            return node->node().id;
    }
    return {};
}

void GraphView::selectNode(const QString& id)
{
    auto* item = m_nodes.value(id);
    if (!item)
        return;
    m_scene->clearSelection();
    item->setSelected(true);
    ensureVisible(item);
}

void GraphView::highlightEdges(const QSet<QString>& edgeIds)
{
    for (auto* edge : std::as_const(m_edges))
        edge->setHighlighted(edgeIds.contains(edge->edge().id));
}

void GraphView::fitToView()
{
    if (m_scene->items().isEmpty())
        return;
    fitInView(m_scene->sceneRect(), Qt::KeepAspectRatio);
    // Small meshes should not be blown up past a readable size.
    if (transform().m11() > 1.0)
        setTransform(QTransform());
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    const qreal factor = std::pow(1.0015, event->angleDelta().y());
    const qreal scale = transform().m11() * factor;
    if (scale < 0.05 || scale > 4)
        return;
    this->scale(factor, factor);
}

void GraphView::drawBackground(QPainter* painter, const QRectF& rect)
{
    QGraphicsView::drawBackground(painter, rect);
    const auto text = palette().color(QPalette::Text);
    QColor band = text;
    band.setAlpha(12);
    auto font = painter->font();
    font.setBold(true);
    painter->setFont(font);
    for (const auto& [ns, area] : std::as_const(m_bands)) {
        if (!area.intersects(rect))
            continue;
        painter->setPen(Qt::NoPen);
        painter->setBrush(band);
        painter->drawRoundedRect(area, 10, 10);
        painter->setPen(text);
        painter->drawText(area.adjusted(12, 4, 0, 0), Qt::AlignLeft | Qt::AlignTop,
            ns.isEmpty() ? tr("(cluster)") : tr("namespace %1").arg(ns));
    }
}
