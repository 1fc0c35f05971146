// SPDX-License-Identifier: Apache-2.0
#include "graphview.h"

#include "topologygraph.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QFontMetricsF>
#include <QFutureWatcher>
#include <QHelpEvent>
#include <QLineF>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace {
constexpr qreal maximumScale = 4;
// Zoom at which a revealed node (search match, keyboard target far away) is read in full.
constexpr qreal readingScale = 0.8;
constexpr int minimapMargin = 12;
constexpr qreal minimapMaxWidth = 220;
constexpr qreal minimapMaxHeight = 150;
constexpr qreal minimapMinSide = 50;
// A stale layout is still applied when none was for this long: a graph that never stops changing must show.
constexpr qint64 starvationMs = 1000;
// How near the arrow tip of a trigger's edge, in view pixels, a press grabs it for re-wiring.
constexpr qreal grabRadius = 8;

// Pink is no node kind's colour and no edge kind's: a draft never reads as something that exists. Lighter on a dark
// base, so it stands out in both palettes.
QColor draftColour(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightness() < 128 ? QColor(0xf4, 0x8f, 0xb1) : QColor(0xc2, 0x18, 0x5b);
}

QPointF pointOn(const std::array<QPointF, 4>& c, qreal t)
{
    const qreal u = 1 - t;
    return u * u * u * c[0] + 3 * u * u * t * c[1] + 3 * u * t * t * c[2] + t * t * t * c[3];
}

void paintArrowHead(QPainter* painter, const QPointF& from, const QPointF& tip, const QColor& colour)
{
    QPointF direction = tip - from;
    const qreal length = std::hypot(direction.x(), direction.y());
    direction = length > 0 ? direction / length : QPointF(1, 0);
    const QPointF normal(-direction.y(), direction.x());
    const QPointF back = tip - direction * 10;
    const QPointF arrow[] = { tip, back + normal * 5, back - normal * 5 };
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawPolygon(arrow, 3);
}

// The drawn nodes a draft joins, if both are in the graph and laid out, and apart.
std::optional<std::pair<int, int>> drawnEnds(
    const TopologyGraph* graph, const GraphScene* scene, const DraftEdge& draft)
{
    if (!graph || !scene || !graph->node(draft.fromNodeId) || !graph->node(draft.toNodeId))
        return std::nullopt;
    const int from = scene->drawnIndexOf(draft.fromNodeId);
    const int to = scene->drawnIndexOf(draft.toNodeId);
    if (from < 0 || to < 0 || from == to)
        return std::nullopt;
    return std::pair(from, to);
}
} // namespace

struct GraphView::LayoutOutcome {
    GraphLayoutResult layout;
    SceneWrap wrap;
    std::shared_ptr<const GraphScene> scene;
    QSet<QString> nodeIds;
    QSet<QString> edgeIds;
};

GraphView::GraphView(QWidget* parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    // Hovering shows by the cursor what a drag would do: pan, draw a trigger from a broker, re-wire a trigger.
    setMouseTracking(true);
    setAccessibleName(tr("Topology graph"));
    setMinimumSize(200, 150);
    m_state.viewport = size();
    m_state.palette = palette();
    m_state.font = font();
    m_layoutTimer.setSingleShot(true);
    m_layoutTimer.setInterval(60);
    connect(&m_layoutTimer, &QTimer::timeout, this, &GraphView::startLayout);
}

// A running layout keeps its own copies and reports to a watcher owned by this view, so it may outlive the view.
GraphView::~GraphView() = default;

void GraphView::setGraph(const TopologyGraph* graph)
{
    if (m_graphConnection)
        disconnect(m_graphConnection);
    m_graph = graph;
    m_hasLayout = false;
    m_needFullLayout = true;
    m_touchedNodes.clear();
    m_touchedEdges.clear();
    m_searchText.clear();
    ++m_graphGeneration;
    if (graph)
        m_graphConnection = connect(graph, &TopologyGraph::changed, this, &GraphView::onGraphChanged);
    scheduleLayout();
}

void GraphView::setBadgeProvider(BadgeProvider provider)
{
    m_badgeProvider = std::move(provider);
    refreshBadges();
}

void GraphView::setSearchTermsProvider(SearchTermsProvider provider)
{
    m_searchTermsProvider = std::move(provider);
    m_searchText.clear();
}

void GraphView::setHealthProvider(HealthProvider provider)
{
    m_healthProvider = std::move(provider);
    refreshBadges();
}

GraphRenderer::Health GraphView::healthOf(const QString& id) const
{
    const int index = m_scene ? m_scene->indexOf(id) : -1;
    return index >= 0 && std::size_t(index) < m_state.health.size() ? m_state.health[std::size_t(index)]
                                                                    : GraphRenderer::Health::None;
}

void GraphView::refreshBadges()
{
    if (!m_scene)
        return;
    bool changed = false;
    const auto& nodes = m_scene->nodes();
    if (m_badgeProvider) {
        m_state.badges.resize(nodes.size());
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (nodes[i].isBundle())
                continue;
            auto badge = m_badgeProvider(nodes[i].node);
            if (badge != m_state.badges[i]) {
                m_state.badges[i] = std::move(badge);
                changed = true;
            }
        }
    }
    if (m_healthProvider) {
        // Every entry is rewritten, so a new scene with other indices needs no reset first.
        m_state.health.resize(nodes.size(), GraphRenderer::Health::None);
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const auto health = nodes[i].isBundle() ? GraphRenderer::Health::None : m_healthProvider(nodes[i].node);
            if (health != m_state.health[i]) {
                m_state.health[i] = health;
                changed = true;
            }
        }
    }
    if (changed)
        update();
}

// Layout --------------------------------------------------------------------------------------------------------

void GraphView::onGraphChanged(const TopologyDelta& delta)
{
    for (const auto* ids : { &delta.nodesAdded, &delta.nodesChanged, &delta.nodesRemoved }) {
        for (const auto& id : *ids) {
            m_touchedNodes.insert(id);
            m_searchText.remove(id);
        }
    }
    for (const auto* ids : { &delta.edgesAdded, &delta.edgesRemoved }) {
        for (const auto& id : *ids)
            m_touchedEdges.insert(id);
    }
    ++m_graphGeneration;
    scheduleLayout();
}

void GraphView::scheduleLayout()
{
    if (!m_layoutTimer.isActive())
        m_layoutTimer.start();
}

TopologyDelta GraphView::pendingDelta() const
{
    // Net change between the graph of the applied layout and the graph now, whatever happened in between.
    TopologyDelta delta;
    const auto& nodes = m_graph->nodes();
    for (const auto& id : m_touchedNodes) {
        const bool before = m_layoutNodes.contains(id);
        const bool now = nodes.contains(id);
        if (before && now)
            delta.nodesChanged.append(id);
        else if (now)
            delta.nodesAdded.append(id);
        else if (before)
            delta.nodesRemoved.append(id);
    }
    const auto& edges = m_graph->edges();
    for (const auto& id : m_touchedEdges) {
        const bool before = m_layoutEdges.contains(id);
        const bool now = edges.contains(id);
        if (now && !before)
            delta.edgesAdded.append(id);
        else if (before && !now)
            delta.edgesRemoved.append(id);
    }
    return delta;
}

void GraphView::startLayout()
{
    if (!m_graph || m_layoutRunning)
        return;
    const bool full = !m_hasLayout || m_needFullLayout;
    TopologyDelta delta;
    if (!full) {
        delta = pendingDelta();
        if (delta.isEmpty()) {
            m_touchedNodes.clear();
            m_touchedEdges.clear();
            return;
        }
    }
    GraphLayoutInput input;
    input.nodes = m_graph->nodes().values();
    input.edges = m_graph->edges().values();
    input.expandedBundles = m_expanded;
    m_inFlightNodes = std::exchange(m_touchedNodes, {});
    m_inFlightEdges = std::exchange(m_touchedEdges, {});
    m_jobGeneration = m_graphGeneration;
    m_jobExpanded = m_expanded;
    m_layoutRunning = true;

    auto* watcher = new QFutureWatcher<LayoutOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        finishLayout(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([input = std::move(input), previous = m_layout, wrap = m_wrap, delta, full] {
        LayoutOutcome outcome;
        outcome.layout = full ? GraphLayout::compute(input) : GraphLayout::update(previous, input, delta);
        outcome.wrap = full ? SceneWrap::forLayout(outcome.layout) : wrap;
        outcome.scene = std::make_shared<const GraphScene>(GraphScene::build(input, outcome.layout, outcome.wrap));
        outcome.nodeIds.reserve(input.nodes.size());
        for (const auto& node : input.nodes)
            outcome.nodeIds.insert(node.id);
        outcome.edgeIds.reserve(input.edges.size());
        for (const auto& edge : input.edges)
            outcome.edgeIds.insert(edge.id);
        return outcome;
    }));
    if (!m_scene)
        update(); // shows that a layout is on its way
}

void GraphView::finishLayout(const LayoutOutcome& outcome)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_layoutRunning = false;
    const bool bundlesChanged = m_jobExpanded != m_expanded;
    const bool graphChanged = m_jobGeneration != m_graphGeneration;
    const bool starving = !m_hasLayout || m_sinceApplied.elapsed() > starvationMs;
    if (bundlesChanged || (graphChanged && !starving)) {
        // Stale: what it was computed from is gone. Its changes go back into the next layout's delta.
        m_touchedNodes.unite(m_inFlightNodes);
        m_touchedEdges.unite(m_inFlightEdges);
        m_inFlightNodes.clear();
        m_inFlightEdges.clear();
        scheduleLayout();
        return;
    }
    m_layout = outcome.layout;
    m_wrap = outcome.wrap;
    m_layoutNodes = outcome.nodeIds;
    m_layoutEdges = outcome.edgeIds;
    m_hasLayout = true;
    m_needFullLayout = false;
    m_inFlightNodes.clear();
    m_inFlightEdges.clear();
    m_sinceApplied.restart();
    applyScene(outcome.scene);
    Q_EMIT layoutApplied();
    if (!m_touchedNodes.isEmpty() || !m_touchedEdges.isEmpty())
        scheduleLayout();
}

void GraphView::applyScene(std::shared_ptr<const GraphScene> scene)
{
    m_scene = std::move(scene);
    m_renderer.setScene(m_scene);
    m_state.badges.assign(m_scene->nodes().size(), {});
    refreshBadges();
    m_minimap = {};
    updateHighlightState();
    if (!m_search.isEmpty()) {
        // New or moved nodes may match now; the current match stays the same node and the view stays where it is.
        const auto current = m_currentMatch >= 0 ? m_matches.value(m_currentMatch) : QString();
        findMatches();
        m_currentMatch = current.isEmpty() ? -1 : int(m_matches.indexOf(current));
        updateMatchState();
        Q_EMIT searchMatchesChanged();
    }
    updateFocusState();
    updateSelectionState();
    if (!m_userMoved)
        fitRect(m_scene->bounds().adjusted(-40, -40, 40, 40), 1.0);
    if (!m_pendingSelection.isEmpty()) {
        const int index = m_scene->indexOf(m_pendingSelection);
        if (index >= 0) {
            m_pendingSelection.clear();
            setSelectedIndex(index);
            const auto rect = m_scene->nodes()[std::size_t(index)].rect;
            if (m_state.scale < readingScale * 0.6) {
                setViewInternal(rect.center(), readingScale);
                m_userMoved = true;
            } else {
                ensureVisible(rect);
            }
        }
    }
    update();
}

// View ----------------------------------------------------------------------------------------------------------

QPointF GraphView::mapToScene(const QPointF& widgetPos) const
{
    return m_state.centre + (widgetPos - QPointF(width() / 2.0, height() / 2.0)) / m_state.scale;
}

QRectF GraphView::visibleSceneRect() const
{
    const QSizeF size(width() / m_state.scale, height() / m_state.scale);
    return QRectF(m_state.centre - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF GraphView::sceneBounds() const { return m_scene ? m_scene->bounds() : QRectF(); }

qreal GraphView::minimumScale() const
{
    const auto bounds = sceneBounds();
    if (bounds.isEmpty())
        return 0.05;
    const qreal fit = std::min(width() / bounds.width(), height() / bounds.height());
    return std::min(0.05, fit * 0.5);
}

void GraphView::setViewInternal(const QPointF& centre, qreal scale)
{
    m_state.centre = centre;
    m_state.scale = std::clamp(scale, minimumScale(), maximumScale);
    update();
}

void GraphView::setView(const QPointF& sceneCentre, qreal scale)
{
    m_userMoved = true;
    setViewInternal(sceneCentre, scale);
}

void GraphView::zoomBy(qreal factor)
{
    m_userMoved = true;
    setViewInternal(m_state.centre, m_state.scale * factor);
}

void GraphView::fitRect(const QRectF& rect, qreal maximum)
{
    if (rect.isEmpty() || width() <= 0 || height() <= 0)
        return;
    const qreal scale = std::min({ width() / rect.width(), height() / rect.height(), maximum });
    setViewInternal(rect.center(), scale);
}

void GraphView::fitToView()
{
    // Until the user moves the view, it keeps fitting the graph as it grows and as the window is resized.
    m_userMoved = false;
    if (!m_scene || m_scene->nodes().empty())
        return;
    // Small meshes should not be blown up past a readable size.
    fitRect(m_scene->bounds().adjusted(-40, -40, 40, 40), 1.0);
}

void GraphView::zoomToSelection()
{
    if (!m_scene || m_state.selected < 0)
        return;
    const auto& node = m_scene->nodes()[std::size_t(m_state.selected)];
    QRectF area = node.rect;
    for (const auto* edges : { &node.outgoing, &node.incoming }) {
        for (const int edge : *edges) {
            const auto& e = m_scene->edges()[std::size_t(edge)];
            area = area.united(m_scene->nodes()[std::size_t(e.from)].rect);
            area = area.united(m_scene->nodes()[std::size_t(e.to)].rect);
        }
    }
    m_userMoved = true;
    const qreal fit = std::min(width() / (area.width() + 80), height() / (area.height() + 80));
    // Neighbours too far apart to show readably: the node alone, at reading size.
    if (fit < GraphRenderer::fullDetailScale)
        setViewInternal(node.rect.center(), readingScale);
    else
        setViewInternal(area.center(), std::min(fit, 1.2));
}

void GraphView::ensureVisible(const QRectF& rect)
{
    const auto margin = 30 / m_state.scale;
    if (visibleSceneRect().adjusted(margin, margin, -margin, -margin).contains(rect))
        return;
    m_userMoved = true;
    setViewInternal(rect.center(), m_state.scale);
}

void GraphView::setMinimapEnabled(bool enabled)
{
    m_minimapEnabled = enabled;
    update();
}

// Content -------------------------------------------------------------------------------------------------------

qsizetype GraphView::nodeCount() const { return m_scene ? qsizetype(m_scene->nodes().size()) : 0; }

qsizetype GraphView::edgeCount() const { return m_scene ? qsizetype(m_scene->edges().size()) : 0; }

bool GraphView::hasNode(const QString& id) const { return m_scene && m_scene->indexOf(id) >= 0; }

QRectF GraphView::nodeRect(const QString& id) const
{
    const int index = m_scene ? m_scene->indexOf(id) : -1;
    return index >= 0 ? m_scene->nodes()[std::size_t(index)].rect : QRectF();
}

QString GraphView::bundleOf(const QString& id) const { return m_scene ? m_scene->bundleOf(id) : QString(); }

void GraphView::setBundleExpanded(const QString& bundleId, bool expanded)
{
    if (m_expanded.contains(bundleId) == expanded)
        return;
    if (expanded)
        m_expanded.insert(bundleId);
    else
        m_expanded.remove(bundleId);
    // Opening or closing a bundle reflows its column: a full layout, not an update.
    m_needFullLayout = true;
    scheduleLayout();
}

// Selection and keyboard ----------------------------------------------------------------------------------------

void GraphView::updateSelectionState()
{
    m_state.selected = m_selectedId.isEmpty() || !m_scene ? -1 : m_scene->drawnIndexOf(m_selectedId);
    // The selected object is gone: tell the page, so the inspector does not show a ghost.
    if (m_state.selected < 0 && !m_selectedId.isEmpty() && m_graph && !m_graph->node(m_selectedId)
        && !m_selectedId.startsWith(GraphLayout::bundleIdOf({}))) {
        m_selectedId.clear();
        Q_EMIT nodeSelected({});
    }
}

void GraphView::setSelectedIndex(int index)
{
    const QString id = index >= 0 && m_scene ? m_scene->nodes()[std::size_t(index)].node.id : QString();
    m_state.selected = index;
    update();
    if (id == m_selectedId)
        return;
    m_selectedId = id;
    Q_EMIT nodeSelected(id);
}

void GraphView::selectNode(const QString& id)
{
    if (id.isEmpty()) {
        m_pendingSelection.clear();
        setSelectedIndex(-1);
        return;
    }
    const int index = m_scene ? m_scene->indexOf(id) : -1;
    if (index >= 0) {
        m_pendingSelection.clear();
        setSelectedIndex(index);
        ensureVisible(m_scene->nodes()[std::size_t(index)].rect);
        return;
    }
    // Folded into a bundle, or not laid out yet: selected as soon as a layout shows it.
    m_pendingSelection = id;
    if (const auto bundle = bundleOf(id); !bundle.isEmpty())
        setBundleExpanded(bundle, true);
}

void GraphView::highlightEdges(const QSet<QString>& edgeIds)
{
    m_highlightedEdgeIds = edgeIds;
    updateHighlightState();
    update();
}

void GraphView::updateHighlightState()
{
    m_state.highlightedEdges.clear();
    if (m_highlightedEdgeIds.isEmpty() || !m_scene)
        return;
    const auto& edges = m_scene->edges();
    m_state.highlightedEdges.assign(edges.size(), 0);
    for (std::size_t i = 0; i < edges.size(); ++i) {
        m_state.highlightedEdges[i] = std::any_of(edges[i].edgeIds.cbegin(), edges[i].edgeIds.cend(),
            [this](const QString& id) { return m_highlightedEdgeIds.contains(id); });
    }
}

int GraphView::nodeAtWidgetPos(const QPointF& pos) const { return m_scene ? m_scene->nodeAt(mapToScene(pos)) : -1; }

void GraphView::moveSelection(Qt::Key key)
{
    if (!m_scene || m_scene->nodes().empty())
        return;
    const auto& nodes = m_scene->nodes();
    const auto& edges = m_scene->edges();
    const auto nearestTo = [&](const QPointF& point, const auto& accept) {
        int best = -1;
        qreal bestDistance = std::numeric_limits<qreal>::max();
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (!accept(nodes[i]))
                continue;
            const auto d = nodes[i].rect.center() - point;
            const qreal distance = d.x() * d.x() + d.y() * d.y();
            if (distance < bestDistance) {
                bestDistance = distance;
                best = int(i);
            }
        }
        return best;
    };
    if (m_state.selected < 0) {
        setSelectedIndex(nearestTo(m_state.centre, [](const GraphScene::Node&) { return true; }));
        return;
    }
    const auto& current = nodes[std::size_t(m_state.selected)];
    const QRectF here = current.rect;
    const qreal columnTolerance = here.width() / 2;
    int target = -1;
    if (key == Qt::Key_Right || key == Qt::Key_Left) {
        // Along the flow first: the neighbour on that side nearest in height, skipping reply and dead-letter edges.
        const bool right = key == Qt::Key_Right;
        qreal bestDy = std::numeric_limits<qreal>::max();
        for (const int edge : right ? current.outgoing : current.incoming) {
            const auto& e = edges[std::size_t(edge)];
            if (e.kind == EdgeKind::Reply || e.kind == EdgeKind::DeadLetter)
                continue;
            const auto& other = nodes[std::size_t(right ? e.to : e.from)];
            if (right ? other.rect.x() <= here.x() : other.rect.x() >= here.x())
                continue;
            const qreal dy = std::abs(other.rect.center().y() - here.center().y());
            if (dy < bestDy) {
                bestDy = dy;
                target = right ? e.to : e.from;
            }
        }
        if (target < 0) {
            // No edge that way: the nearest node of the next column.
            qreal column = right ? std::numeric_limits<qreal>::max() : std::numeric_limits<qreal>::lowest();
            for (const auto& node : nodes) {
                const qreal x = node.rect.x();
                if (right ? (x > here.x() + columnTolerance && x < column)
                          : (x < here.x() - columnTolerance && x > column))
                    column = x;
            }
            target = nearestTo(QPointF(column + here.width() / 2, here.center().y()),
                [&](const GraphScene::Node& node) { return std::abs(node.rect.x() - column) < columnTolerance; });
        }
    } else {
        const bool down = key == Qt::Key_Down;
        target = nearestTo(here.center(), [&](const GraphScene::Node& node) {
            return std::abs(node.rect.x() - here.x()) < columnTolerance
                && (down ? node.rect.y() > here.y() : node.rect.y() < here.y());
        });
    }
    if (target < 0)
        return;
    setSelectedIndex(target);
    ensureVisible(nodes[std::size_t(target)].rect);
}

void GraphView::activate(int index)
{
    if (!m_scene || index < 0)
        return;
    const auto& node = m_scene->nodes()[std::size_t(index)];
    if (node.isBundle()) {
        setBundleExpanded(node.node.id, true);
        return;
    }
    setSelectedIndex(index);
    zoomToSelection();
}

// Search --------------------------------------------------------------------------------------------------------

const QString& GraphView::searchTextOf(const TopologyNode& node)
{
    auto it = m_searchText.find(node.id);
    if (it != m_searchText.end())
        return it.value();
    QStringList words { node.label, node.kindLabel, nodeKindName(node.kind), node.object.kind, node.object.ns,
        node.object.ns % u'/' % node.label };
    if (m_searchTermsProvider)
        words.append(m_searchTermsProvider(node));
    // A newline cannot be part of a term, so no term matches across two words.
    return m_searchText.insert(node.id, words.join(u'\n').toLower()).value();
}

void GraphView::findMatches()
{
    m_matches.clear();
    const auto terms = m_search.toLower().split(u' ', Qt::SkipEmptyParts);
    if (!terms.isEmpty() && m_graph) {
        for (const auto& node : m_graph->nodes()) {
            const auto& haystack = searchTextOf(node);
            if (std::all_of(terms.cbegin(), terms.cend(), [&](const QString& term) { return haystack.contains(term); }))
                m_matches.append(node.id);
        }
        // Top to bottom, left to right as drawn; what is not laid out yet comes last.
        const auto keyOf = [this](const QString& id) {
            const int index = m_scene ? m_scene->drawnIndexOf(id) : -1;
            if (index < 0)
                return std::tuple(std::numeric_limits<qreal>::max(), 0.0, id);
            const auto& rect = m_scene->nodes()[std::size_t(index)].rect;
            return std::tuple(rect.y(), rect.x(), id);
        };
        std::sort(m_matches.begin(), m_matches.end(),
            [&](const QString& a, const QString& b) { return keyOf(a) < keyOf(b); });
    }
}

void GraphView::setSearchText(const QString& text)
{
    m_search = text;
    findMatches();
    m_currentMatch = -1;
    m_currentRevealed = false;
    updateMatchState();
    if (!m_matches.isEmpty())
        goToMatch(0, false);
    Q_EMIT searchMatchesChanged();
    update();
}

void GraphView::updateMatchState()
{
    m_state.matches.clear();
    m_state.currentMatch = -1;
    if (!m_scene || m_matches.isEmpty())
        return;
    m_state.matches.assign(m_scene->nodes().size(), 0);
    for (const auto& id : std::as_const(m_matches)) {
        if (const int index = m_scene->drawnIndexOf(id); index >= 0)
            m_state.matches[std::size_t(index)] = 1;
    }
    if (m_currentMatch >= 0 && m_currentMatch < m_matches.size())
        m_state.currentMatch = m_scene->drawnIndexOf(m_matches.at(m_currentMatch));
}

void GraphView::goToMatch(int match, bool reveal)
{
    if (match < 0 || match >= m_matches.size())
        return;
    m_currentMatch = match;
    const auto& id = m_matches.at(match);
    const int index = m_scene ? m_scene->indexOf(id) : -1;
    if (index >= 0) {
        m_currentRevealed = true;
        setSelectedIndex(index);
        const auto rect = m_scene->nodes()[std::size_t(index)].rect;
        m_userMoved = true;
        setViewInternal(rect.center(), std::max(m_state.scale, readingScale * 0.6));
    } else if (reveal) {
        m_currentRevealed = true;
        selectNode(id);
    } else {
        // Folded: show its bundle, and open it only when the user asks for this match.
        m_currentRevealed = false;
        if (const int bundle = m_scene ? m_scene->drawnIndexOf(id) : -1; bundle >= 0) {
            m_userMoved = true;
            setViewInternal(m_scene->nodes()[std::size_t(bundle)].rect.center(), m_state.scale);
        }
    }
    updateMatchState();
    Q_EMIT searchMatchesChanged();
    update();
}

void GraphView::nextMatch()
{
    if (m_matches.isEmpty())
        return;
    if (m_currentMatch >= 0 && !m_currentRevealed)
        goToMatch(m_currentMatch, true);
    else
        goToMatch(int((m_currentMatch + 1) % m_matches.size()), true);
}

void GraphView::previousMatch()
{
    if (m_matches.isEmpty())
        return;
    if (m_currentMatch >= 0 && !m_currentRevealed)
        goToMatch(m_currentMatch, true);
    else
        goToMatch(int((m_currentMatch - 1 + m_matches.size()) % m_matches.size()), true);
}

// Focus ---------------------------------------------------------------------------------------------------------

void GraphView::setFocusNode(const QString& id)
{
    const int index = id.isEmpty() || !m_scene ? -1 : m_scene->drawnIndexOf(id);
    const QString focus = index >= 0 ? m_scene->nodes()[std::size_t(index)].node.id : QString();
    if (focus == m_focusId)
        return;
    m_focusId = focus;
    updateFocusState();
    if (!m_focusBounds.isEmpty()) {
        m_userMoved = true;
        fitRect(m_focusBounds.adjusted(-40, -40, 40, 40), 1.0);
    }
    Q_EMIT focusChanged(m_focusId);
    update();
}

void GraphView::updateFocusState()
{
    m_state.focusNodes.clear();
    m_state.focusEdges.clear();
    m_focusBounds = {};
    if (m_focusId.isEmpty() || !m_scene)
        return;
    const int centre = m_scene->indexOf(m_focusId);
    if (centre < 0) {
        // The node in focus is gone (or was a bundle that opened): leave focus mode.
        m_focusId.clear();
        Q_EMIT focusChanged({});
        return;
    }
    const auto& nodes = m_scene->nodes();
    const auto& edges = m_scene->edges();
    m_state.focusNodes.assign(nodes.size(), 0);
    m_state.focusNodes[std::size_t(centre)] = 1;
    // Two hops down the flow and two hops up it: for a trigger its broker and sources, its subscriber and beyond.
    for (const bool downstream : { true, false }) {
        std::vector<int> frontier { centre };
        for (int hop = 0; hop < 2; ++hop) {
            std::vector<int> next;
            for (const int index : frontier) {
                const auto& node = nodes[std::size_t(index)];
                for (const int edge : downstream ? node.outgoing : node.incoming) {
                    const int other = downstream ? edges[std::size_t(edge)].to : edges[std::size_t(edge)].from;
                    if (!m_state.focusNodes[std::size_t(other)]) {
                        m_state.focusNodes[std::size_t(other)] = 1;
                        next.push_back(other);
                    }
                }
            }
            frontier = std::move(next);
        }
    }
    m_state.focusEdges.assign(edges.size(), 0);
    for (std::size_t i = 0; i < edges.size(); ++i) {
        m_state.focusEdges[i]
            = m_state.focusNodes[std::size_t(edges[i].from)] && m_state.focusNodes[std::size_t(edges[i].to)];
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (m_state.focusNodes[i])
            m_focusBounds = m_focusBounds.united(nodes[i].rect);
    }
}

bool GraphView::isDimmed(const QString& id) const
{
    if (m_state.focusNodes.empty() || !m_scene)
        return false;
    const int index = m_scene->drawnIndexOf(id);
    return index >= 0 && !m_state.focusNodes[std::size_t(index)];
}

// Context menu --------------------------------------------------------------------------------------------------

QString GraphView::brokerOfTrigger(const QString& triggerId) const
{
    if (!m_graph)
        return {};
    const auto incoming = m_graph->edgesTo(triggerId);
    for (const auto& edge : incoming) {
        if (edge.kind != EdgeKind::Routes)
            continue;
        if (const auto* from = m_graph->node(edge.from);
            from && (from->kind == NodeKind::Broker || from->object.kind == u"Broker"))
            return from->id;
    }
    return {};
}

QList<GraphView::NodeAction> GraphView::actionsFor(const QString& id) const
{
    const int index = m_scene ? m_scene->indexOf(id) : -1;
    if (index < 0)
        return {};
    const auto& entry = m_scene->nodes()[std::size_t(index)];
    if (entry.isBundle())
        return { NodeAction::OpenBundle, NodeAction::FocusNeighbourhood };
    QList<NodeAction> actions;
    const auto kind = entry.node.kind;
    if (kind != NodeKind::Uri)
        actions.append(NodeAction::ShowYaml);
    if (kind == NodeKind::Trigger)
        actions.append(NodeAction::EditTrigger);
    if (kind == NodeKind::Broker) {
        actions.append(NodeAction::PublishTestEvent);
        actions.append(NodeAction::NewTrigger);
    }
    if (kind == NodeKind::Trigger || kind == NodeKind::Subscriber)
        actions.append(NodeAction::ShowBacklog);
    actions.append(NodeAction::FocusNeighbourhood);
    const QString broker = kind == NodeKind::Broker ? id : kind == NodeKind::Trigger ? brokerOfTrigger(id) : QString();
    if (!broker.isEmpty() && m_expanded.contains(GraphLayout::bundleIdOf(broker)))
        actions.append(NodeAction::CloseBundle);
    return actions;
}

QString GraphView::actionText(NodeAction action, const QString& id) const
{
    switch (action) {
    case NodeAction::ShowYaml:
        return tr("Show &YAML");
    case NodeAction::EditTrigger:
        return tr("&Edit trigger");
    case NodeAction::PublishTestEvent:
        return tr("&Publish test event to this broker");
    case NodeAction::ShowBacklog:
        return tr("Show &backlog");
    case NodeAction::FocusNeighbourhood:
        return m_focusId == id ? tr("Leave &focus mode") : tr("&Focus on neighbourhood");
    case NodeAction::OpenBundle: {
        const int index = m_scene ? m_scene->indexOf(id) : -1;
        const int count = index >= 0 ? int(m_scene->nodes()[std::size_t(index)].members.size()) : 0;
        return tr("&Open bundle of %1 triggers").arg(count);
    }
    case NodeAction::CloseBundle:
        return tr("F&old the broker's triggers into a bundle");
    case NodeAction::NewTrigger:
        return tr("&New trigger from here…");
    }
    return {};
}

void GraphView::triggerAction(NodeAction action, const QString& id)
{
    switch (action) {
    case NodeAction::ShowYaml:
        selectNode(id);
        Q_EMIT actionRequested(action, id);
        break;
    case NodeAction::EditTrigger:
    case NodeAction::PublishTestEvent:
    case NodeAction::ShowBacklog:
        Q_EMIT actionRequested(action, id);
        break;
    case NodeAction::FocusNeighbourhood:
        setFocusNode(m_focusId == id ? QString() : id);
        break;
    case NodeAction::OpenBundle:
        setBundleExpanded(id, true);
        break;
    case NodeAction::CloseBundle: {
        const auto* node = m_graph ? m_graph->node(id) : nullptr;
        const QString broker = node && node->kind == NodeKind::Trigger ? brokerOfTrigger(id) : id;
        setBundleExpanded(GraphLayout::bundleIdOf(broker), false);
        break;
    }
    case NodeAction::NewTrigger:
        // The same intent as drawing one, with the subscriber left for the editor.
        Q_EMIT triggerDrawn(id, QString());
        break;
    }
}

// Drawing triggers and drafts ---------------------------------------------------------------------------------------

bool GraphView::isAddressable(const TopologyNode& node)
{
    switch (node.kind) {
    case NodeKind::Broker:
    case NodeKind::Channel:
    case NodeKind::Flow:
    case NodeKind::Uri:
        return true;
    case NodeKind::Subscriber:
        // Pods without a Service in front of them have no address.
        return objectKindFor(node.object.group, node.object.kind) != ObjectKind::Deployment;
    case NodeKind::Source:
    case NodeKind::Trigger:
    case NodeKind::Subscription:
    case NodeKind::Missing:
        break;
    }
    return false;
}

QPointF GraphView::mapFromScene(const QPointF& scenePos) const
{
    return (scenePos - m_state.centre) * m_state.scale + QPointF(width() / 2.0, height() / 2.0);
}

QPointF GraphView::nodeViewCentre(const QString& nodeId) const
{
    const int index = m_scene ? m_scene->drawnIndexOf(nodeId) : -1;
    return index >= 0 ? mapFromScene(m_scene->nodes()[std::size_t(index)].rect.center()) : QPointF();
}

QPointF GraphView::edgeEndViewPoint(const QString& edgeId) const
{
    const int index = m_scene ? m_scene->drawnEdgeOf(edgeId) : -1;
    return index >= 0 ? mapFromScene(m_scene->edges()[std::size_t(index)].end) : QPointF();
}

QString GraphView::nodeIdAt(const QPointF& widgetPos) const
{
    const int index = nodeAtWidgetPos(widgetPos);
    return index >= 0 ? m_scene->nodes()[std::size_t(index)].node.id : QString();
}

int GraphView::rewireEdgeAt(const QPointF& widgetPos) const
{
    if (!m_scene)
        return -1;
    const QPointF scenePos = mapToScene(widgetPos);
    const qreal radius = grabRadius / m_state.scale;
    std::vector<int> candidates;
    m_scene->edgesIn(QRectF(scenePos - QPointF(radius, radius), QSizeF(2 * radius, 2 * radius)), candidates);
    int best = -1;
    qreal bestDistance = std::numeric_limits<qreal>::max();
    for (const int index : candidates) {
        const auto& edge = m_scene->edges()[std::size_t(index)];
        const auto& from = m_scene->nodes()[std::size_t(edge.from)];
        if (edge.kind != EdgeKind::DeliversTo || from.isBundle() || from.node.kind != NodeKind::Trigger
            || QLineF(edge.end, scenePos).length() > radius)
            continue;
        // The edges of several triggers into one subscriber share their tip: the selected trigger's wins, else the
        // one whose last stretch passes nearest to the press.
        if (from.node.id == m_selectedId)
            return index;
        const auto curve = GraphScene::curveOf(edge);
        qreal distance = std::numeric_limits<qreal>::max();
        for (int step = 0; step <= 10; ++step)
            distance = std::min(distance, QLineF(pointOn(curve, 0.8 + 0.02 * step), scenePos).length());
        if (distance < bestDistance) {
            bestDistance = distance;
            best = index;
        }
    }
    return best;
}

GraphView::EdgeDrag GraphView::edgeDragAt(const QPointF& widgetPos) const
{
    EdgeDrag drag;
    if (const int edge = rewireEdgeAt(widgetPos); edge >= 0) {
        const auto& drawn = m_scene->edges()[std::size_t(edge)];
        drag.kind = EdgeDrag::Kind::Rewire;
        drag.sourceId = m_scene->nodes()[std::size_t(drawn.from)].node.id;
        drag.subscriberId = m_scene->nodes()[std::size_t(drawn.to)].node.id;
        return drag;
    }
    // Nodes cannot be moved, so a drag that starts on a broker is free to mean "a trigger from here".
    const int node = nodeAtWidgetPos(widgetPos);
    if (node >= 0 && m_scene->nodes()[std::size_t(node)].node.kind == NodeKind::Broker) {
        drag.kind = EdgeDrag::Kind::NewTrigger;
        drag.sourceId = m_scene->nodes()[std::size_t(node)].node.id;
    }
    return drag;
}

QString GraphView::dropTargetAt(const QPointF& widgetPos) const
{
    const int index = nodeAtWidgetPos(widgetPos);
    if (index < 0)
        return {};
    const auto& node = m_scene->nodes()[std::size_t(index)].node;
    // Back onto where it starts, or onto the subscriber it already has: nothing to change.
    if (!isAddressable(node) || node.id == m_edgeDrag.sourceId || node.id == m_edgeDrag.subscriberId)
        return {};
    return node.id;
}

void GraphView::updateHoverCursor(const QPointF& widgetPos)
{
    auto shape = Qt::ArrowCursor;
    if (!isMinimapShown() || !minimapRect(size()).contains(widgetPos.toPoint())) {
        switch (edgeDragAt(widgetPos).kind) {
        case EdgeDrag::Kind::NewTrigger:
            shape = Qt::CrossCursor;
            break;
        case EdgeDrag::Kind::Rewire:
            shape = Qt::SizeAllCursor;
            break;
        case EdgeDrag::Kind::None:
            break;
        }
    }
    if (shape == Qt::ArrowCursor) {
        if (testAttribute(Qt::WA_SetCursor))
            unsetCursor();
    } else if (!testAttribute(Qt::WA_SetCursor) || cursor().shape() != shape) {
        setCursor(shape);
    }
}

void GraphView::moveEdgeDrag(const QPointF& widgetPos)
{
    m_edgeDrag.scenePos = mapToScene(widgetPos);
    m_edgeDrag.targetId = dropTargetAt(widgetPos);
    setCursor(m_edgeDrag.targetId.isEmpty() ? Qt::ForbiddenCursor : Qt::DragLinkCursor);
    update();
}

void GraphView::cancelEdgeDrag()
{
    m_edgeDrag = {};
    // The release that follows is neither a click nor a drop.
    m_pressed = false;
    unsetCursor();
    update();
}

void GraphView::setDraftEdges(const QList<DraftEdge>& edges)
{
    if (edges == m_drafts)
        return;
    m_drafts = edges;
    update();
}

bool GraphView::isDraftEdgeShown(const QString& draftId) const
{
    const auto draft = std::find_if(
        m_drafts.cbegin(), m_drafts.cend(), [&draftId](const DraftEdge& edge) { return edge.id == draftId; });
    return draft != m_drafts.cend() && drawnEnds(m_graph, m_scene.get(), *draft).has_value();
}

void GraphView::paintOverlays(QPainter* painter)
{
    if (!m_scene)
        return;
    const auto& nodes = m_scene->nodes();
    const bool selectedTrigger = m_state.selected >= 0 && !nodes[std::size_t(m_state.selected)].isBundle()
        && nodes[std::size_t(m_state.selected)].node.kind == NodeKind::Trigger;
    if (m_drafts.isEmpty() && !m_edgeDrag.active && !selectedTrigger)
        return;
    // In view pixels, so lines, arrows and labels keep their size at any zoom.
    const auto view = GraphRenderer::viewTransform(m_state);
    const auto colour = draftColour(m_state.palette);
    const auto base = m_state.palette.color(QPalette::Base);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPen dashed(colour, 2, Qt::DashLine);

    auto font = m_state.font;
    font.setPointSizeF(8);
    font.setBold(true);
    painter->setFont(font);
    const QFontMetricsF metrics(font);
    for (const auto& draft : std::as_const(m_drafts)) {
        const auto ends = drawnEnds(m_graph, m_scene.get(), draft);
        if (!ends)
            continue;
        auto curve = GraphScene::curveOf(GraphScene::route(
            nodes[std::size_t(ends->first)].rect, nodes[std::size_t(ends->second)].rect, EdgeKind::DeliversTo));
        for (auto& point : curve)
            point = view.map(point);
        QPainterPath path(curve[0]);
        path.cubicTo(curve[1], curve[2], curve[3]);
        painter->setPen(dashed);
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(path);
        paintArrowHead(painter, curve[2], curve[3], colour);
        if (draft.label.isEmpty())
            continue;
        // A pill on the Base colour, so the label reads over edges and bands alike.
        const auto text = metrics.elidedText(draft.label, Qt::ElideMiddle, 220);
        QRectF pill(QPointF(), QSizeF(metrics.horizontalAdvance(text) + 12, metrics.height() + 4));
        pill.moveCenter(pointOn(curve, 0.5));
        painter->setPen(QPen(colour, 1));
        painter->setBrush(base);
        painter->drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
        painter->setPen(colour);
        painter->drawText(pill, Qt::AlignCenter, text);
    }

    if (m_edgeDrag.active) {
        // The rubber band from the broker or trigger to the cursor, and a ring round the node it would be dropped on.
        if (const int source = m_scene->drawnIndexOf(m_edgeDrag.sourceId); source >= 0) {
            const auto& rect = nodes[std::size_t(source)].rect;
            const auto from = view.map(QPointF(rect.right(), rect.center().y()));
            const auto to = view.map(m_edgeDrag.scenePos);
            painter->setPen(dashed);
            painter->drawLine(from, to);
            paintArrowHead(painter, from, to, colour);
        }
        if (const int target = m_scene->drawnIndexOf(m_edgeDrag.targetId);
            !m_edgeDrag.targetId.isEmpty() && target >= 0) {
            const auto ring = view.mapRect(nodes[std::size_t(target)].rect).adjusted(-4, -4, 4, 4);
            painter->setPen(QPen(colour, 3));
            painter->setBrush(Qt::NoBrush);
            painter->drawRoundedRect(ring, 8, 8);
        }
    } else if (selectedTrigger) {
        // Grips on the selected trigger's subscriber ends: they can be dragged elsewhere.
        painter->setPen(QPen(m_state.palette.color(QPalette::Highlight), 2));
        painter->setBrush(base);
        for (const int index : nodes[std::size_t(m_state.selected)].outgoing) {
            const auto& edge = m_scene->edges()[std::size_t(index)];
            if (edge.kind == EdgeKind::DeliversTo)
                painter->drawEllipse(view.map(edge.end), 4.5, 4.5);
        }
    }
    painter->restore();
}

// Painting and export -------------------------------------------------------------------------------------------

void GraphView::renderView(QPainter* painter, const QRect& target)
{
    painter->save();
    painter->translate(target.topLeft());
    painter->setClipRect(QRect(QPoint(0, 0), target.size()), Qt::IntersectClip);
    const auto viewport = std::exchange(m_state.viewport, target.size());
    m_renderer.paint(painter, m_state);
    paintOverlays(painter);
    if (!m_scene && m_layoutRunning) {
        painter->setPen(m_state.palette.color(QPalette::PlaceholderText));
        painter->drawText(QRect(QPoint(0, 0), target.size()), Qt::AlignCenter,
            tr("Laying out %1 objects…").arg(m_graph ? m_graph->nodes().size() : 0));
    }
    if (isMinimapShown())
        paintMinimap(painter, target.size());
    m_state.viewport = viewport;
    painter->restore();
}

bool GraphView::exportSvg(const QString& path)
{
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size());
    generator.setViewBox(rect());
    generator.setTitle(tr("Meshscope topology"));
    m_state.viewport = size();
    QPainter painter;
    if (!painter.begin(&generator))
        return false;
    m_renderer.paint(&painter, m_state);
    return painter.end();
}

bool GraphView::exportPng(const QString& path)
{
    constexpr qreal ratio = 2;
    m_state.viewport = size();
    QImage image(size() * ratio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ratio);
    QPainter painter(&image);
    m_renderer.paint(&painter, m_state);
    painter.end();
    return image.save(path, "PNG");
}

void GraphView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    renderView(&painter, rect());
}

// Minimap -------------------------------------------------------------------------------------------------------

bool GraphView::isMinimapShown() const
{
    return m_minimapEnabled && m_scene && !m_scene->nodes().empty() && !minimapRect(m_state.viewport).isEmpty()
        && !visibleSceneRect().contains(m_scene->bounds());
}

QRect GraphView::minimapRect(const QSize& viewport) const
{
    const auto bounds = sceneBounds();
    if (bounds.isEmpty())
        return {};
    // The scene's aspect as far as it fits; a mesh thousands of nodes tall gets a narrow strip, not a line.
    const qreal aspect = bounds.width() / bounds.height();
    qreal width = minimapMaxWidth;
    qreal height = minimapMaxHeight;
    if (aspect >= minimapMaxWidth / minimapMaxHeight)
        height = std::max(minimapMinSide, minimapMaxWidth / aspect);
    else
        width = std::max(minimapMinSide, minimapMaxHeight * aspect);
    if (viewport.width() < 2.5 * width || viewport.height() < 2 * height)
        return {};
    return QRect(int(viewport.width() - width - minimapMargin), int(viewport.height() - height - minimapMargin),
        int(width), int(height));
}

void GraphView::paintMinimap(QPainter* painter, const QSize& viewport)
{
    const auto area = minimapRect(viewport);
    const qreal ratio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    // The overview of 20,000 nodes costs a few milliseconds: painted once per layout, then blitted.
    if (m_minimap.isNull() || m_minimap.size() != area.size() * ratio) {
        m_minimap = QImage(area.size() * ratio, QImage::Format_ARGB32_Premultiplied);
        m_minimap.setDevicePixelRatio(ratio);
        auto background = m_state.palette.color(QPalette::Window);
        background.setAlpha(235);
        m_minimap.fill(background);
        QPainter image(&m_minimap);
        m_minimapTransform = GraphRenderer::paintOverview(
            &image, *m_scene, QRectF(QPointF(0, 0), area.size()).adjusted(4, 4, -4, -4), m_state.palette);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->drawImage(area.topLeft(), m_minimap);
    painter->setPen(m_state.palette.color(QPalette::Mid));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(area.adjusted(0, 0, -1, -1));
    auto highlight = m_state.palette.color(QPalette::Highlight);
    const auto shown = m_minimapTransform.mapRect(visibleSceneRect()).translated(area.topLeft()).intersected(area);
    painter->setPen(QPen(highlight, 1.5));
    highlight.setAlpha(40);
    painter->setBrush(highlight);
    painter->drawRect(shown);
    painter->restore();
}

void GraphView::centreFromMinimap(const QPointF& pos)
{
    const auto area = minimapRect(size());
    bool invertible = false;
    const auto inverse = m_minimapTransform.inverted(&invertible);
    if (!invertible)
        return;
    m_userMoved = true;
    setViewInternal(inverse.map(pos - QPointF(area.topLeft())), m_state.scale);
}

// Events --------------------------------------------------------------------------------------------------------

bool GraphView::event(QEvent* event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    auto* help = static_cast<QHelpEvent*>(event);
    const int index = nodeAtWidgetPos(help->pos());
    if (index < 0) {
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    const auto& entry = m_scene->nodes()[std::size_t(index)];
    const auto& node = entry.node;
    QString text;
    if (entry.isBundle()) {
        text = node.kindLabel % u": "_s % node.label % u'\n' % tr("Double-click or press Enter to open.");
        if (!node.reason.isEmpty())
            text += u'\n' % node.reason;
    } else {
        text = node.kindLabel % u' ' % node.object.ns % u'/' % node.label
            % (node.reason.isEmpty() ? QString() : u'\n' % node.reason);
    }
    QToolTip::showText(help->globalPos(), text, this);
    return true;
}

void GraphView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange
        || event->type() == QEvent::StyleChange) {
        m_state.palette = palette();
        m_state.font = font();
        m_renderer.setScene(m_scene); // elided names depend on the font
        m_minimap = {};
        update();
    }
    QWidget::changeEvent(event);
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    m_state.viewport = size();
    m_minimap = {};
    if (!m_userMoved)
        fitToView();
    QWidget::resizeEvent(event);
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    if (isMinimapShown() && minimapRect(size()).contains(event->position().toPoint())) {
        m_minimapDragging = true;
        centreFromMinimap(event->position());
        return;
    }
    m_pressed = true;
    m_panning = false;
    m_pressPos = event->position().toPoint();
    m_pressCentre = m_state.centre;
    m_edgeDrag = edgeDragAt(event->position());
}

void GraphView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_minimapDragging) {
        centreFromMinimap(event->position());
        return;
    }
    if (!m_pressed) {
        updateHoverCursor(event->position());
        return;
    }
    const auto moved = event->position().toPoint() - m_pressPos;
    if (m_edgeDrag.kind != EdgeDrag::Kind::None) {
        if (m_edgeDrag.active || moved.manhattanLength() >= QApplication::startDragDistance()) {
            m_edgeDrag.active = true;
            moveEdgeDrag(event->position());
        }
        return;
    }
    if (!m_panning && moved.manhattanLength() >= QApplication::startDragDistance()) {
        m_panning = true;
        setCursor(Qt::ClosedHandCursor);
    }
    if (m_panning) {
        m_userMoved = true;
        setViewInternal(m_pressCentre - QPointF(moved) / m_state.scale, m_state.scale);
    }
}

void GraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    const bool click = m_pressed && !m_panning && !m_edgeDrag.active;
    const QString target = m_edgeDrag.active ? dropTargetAt(event->position()) : QString();
    const auto drag = std::exchange(m_edgeDrag, {});
    m_pressed = false;
    m_panning = false;
    m_minimapDragging = false;
    unsetCursor();
    updateHoverCursor(event->position());
    if (click)
        setSelectedIndex(nodeAtWidgetPos(event->position()));
    if (!drag.active)
        return;
    update(); // the rubber band goes
    // The source may have gone while dragging; dropped anywhere but on a target, the drag is cancelled.
    if (target.isEmpty() || !m_graph || !m_graph->node(drag.sourceId))
        return;
    if (drag.kind == EdgeDrag::Kind::NewTrigger)
        Q_EMIT triggerDrawn(drag.sourceId, target);
    else
        Q_EMIT triggerRewired(drag.sourceId, target);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseDoubleClickEvent(event);
    activate(nodeAtWidgetPos(event->position()));
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    // Zoom about the cursor: the scene point under it stays put.
    const auto pos = event->position();
    const auto anchor = mapToScene(pos);
    const qreal scale
        = std::clamp(m_state.scale * std::pow(1.0015, event->angleDelta().y()), minimumScale(), maximumScale);
    m_userMoved = true;
    setViewInternal(anchor - (pos - QPointF(width() / 2.0, height() / 2.0)) / scale, scale);
    event->accept();
}

void GraphView::keyPressEvent(QKeyEvent* event)
{
    // Shortcuts with modifiers (Ctrl+F, Ctrl+0) belong to the window.
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return QWidget::keyPressEvent(event);
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
        moveSelection(Qt::Key(event->key()));
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25);
        break;
    case Qt::Key_Minus:
        zoomBy(0.8);
        break;
    case Qt::Key_0:
        fitToView();
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        activate(m_state.selected);
        break;
    case Qt::Key_F:
        if (!m_focusId.isEmpty())
            setFocusNode({});
        else if (m_state.selected >= 0)
            setFocusNode(m_scene->nodes()[std::size_t(m_state.selected)].node.id);
        break;
    case Qt::Key_Escape:
        if (m_edgeDrag.active)
            cancelEdgeDrag();
        else if (!m_focusId.isEmpty())
            setFocusNode({});
        else
            event->ignore();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void GraphView::contextMenuEvent(QContextMenuEvent* event)
{
    if (m_edgeDrag.active)
        return;
    // From the keyboard (the menu key) the menu is the selected node's, so every action has a keyboard route.
    const bool keyboard = event->reason() == QContextMenuEvent::Keyboard && m_state.selected >= 0;
    const int index = keyboard ? m_state.selected : nodeAtWidgetPos(event->pos());
    if (index < 0)
        return;
    setSelectedIndex(index);
    const auto id = m_scene->nodes()[std::size_t(index)].node.id;
    const QPoint at = keyboard ? mapToGlobal(nodeViewCentre(id).toPoint()) : event->globalPos();
    QMenu menu(this);
    const auto actions = actionsFor(id);
    for (const auto action : actions) {
        if (action == NodeAction::FocusNeighbourhood || action == NodeAction::CloseBundle)
            menu.addSeparator();
        auto* item = menu.addAction(actionText(action, id));
        connect(item, &QAction::triggered, this, [this, action, id] { triggerAction(action, id); });
    }
    menu.exec(at);
}
