// SPDX-License-Identifier: Apache-2.0
#include "graphrenderer.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
constexpr int kindCount = int(NodeKind::Missing) + 1;
constexpr qreal dimmedOpacity = 0.16;
const QColor matchColour(0xff, 0xa0, 0x00);
const QColor edgeColour(0x78, 0x90, 0x9c);
const QColor replyColour(0xef, 0x6c, 0x00);
const QColor deadLetterColour(0xc6, 0x28, 0x28);
const QColor highlightedEdgeColour(0xff, 0xa0, 0x00);

// Scene to view coordinates without QTransform: the fast paths below map thousands of points a frame.
struct ViewMap {
    qreal scale;
    qreal dx;
    qreal dy;
    QPointF map(const QPointF& p) const { return QPointF(p.x() * scale + dx, p.y() * scale + dy); }
    QPoint mapToPixel(const QPointF& p) const
    {
        return QPoint(int(std::lround(p.x() * scale + dx)), int(std::lround(p.y() * scale + dy)));
    }
};

ViewMap viewMapOf(const GraphRenderer::State& state)
{
    return { state.scale, state.viewport.width() / 2.0 - state.centre.x() * state.scale,
        state.viewport.height() / 2.0 - state.centre.y() * state.scale };
}

// Appends the parts of a cubic curve that come near `area` to `path` as line segments. Stroking a whole curve
// that runs across a mesh thousands of rows tall costs Qt tens of milliseconds even though only a screenful of it
// shows, so the curve is split, and halves whose control hull misses the area are dropped.
void addCulledCubic(QPainterPath& path, const std::array<QPointF, 4>& c, const QRectF& area, qreal tolerance,
    bool& penDown, int depth = 0)
{
    const qreal left = std::min({ c[0].x(), c[1].x(), c[2].x(), c[3].x() });
    const qreal right = std::max({ c[0].x(), c[1].x(), c[2].x(), c[3].x() });
    const qreal top = std::min({ c[0].y(), c[1].y(), c[2].y(), c[3].y() });
    const qreal bottom = std::max({ c[0].y(), c[1].y(), c[2].y(), c[3].y() });
    if (right < area.left() || left > area.right() || bottom < area.top() || top > area.bottom()) {
        penDown = false;
        return;
    }
    // Flat when the inner control points lie within the tolerance of the chord's thirds.
    const auto third1 = (2 * c[0] + c[3]) / 3 - c[1];
    const auto third2 = (c[0] + 2 * c[3]) / 3 - c[2];
    const qreal flatness = std::max(third1.manhattanLength(), third2.manhattanLength());
    if (flatness <= tolerance || depth >= 20) {
        if (!penDown)
            path.moveTo(c[0]);
        path.lineTo(c[3]);
        penDown = true;
        return;
    }
    const auto ab = (c[0] + c[1]) / 2;
    const auto bc = (c[1] + c[2]) / 2;
    const auto cd = (c[2] + c[3]) / 2;
    const auto abc = (ab + bc) / 2;
    const auto bcd = (bc + cd) / 2;
    const auto middle = (abc + bcd) / 2;
    addCulledCubic(path, { c[0], ab, abc, middle }, area, tolerance, penDown, depth + 1);
    addCulledCubic(path, { middle, bcd, cd, c[3] }, area, tolerance, penDown, depth + 1);
}

// Filled shapes carry the kind by colour alone; on a dark base the darker kind colours (subscribers, brokers) would
// sink into the background.
QColor shapeColour(NodeKind kind, const QPalette& palette)
{
    const auto colour = GraphRenderer::kindColour(kind);
    return palette.color(QPalette::Base).lightness() < 128 ? colour.lighter(150) : colour;
}

bool flag(const std::vector<char>& flags, int index)
{
    return index >= 0 && std::size_t(index) < flags.size() && flags[std::size_t(index)];
}

QColor edgeColourOf(EdgeKind kind)
{
    switch (kind) {
    case EdgeKind::Reply:
        return replyColour;
    case EdgeKind::DeadLetter:
        return deadLetterColour;
    default:
        return edgeColour;
    }
}

Qt::PenStyle edgeStyleOf(EdgeKind kind)
{
    switch (kind) {
    case EdgeKind::Reply:
        return Qt::DashLine;
    case EdgeKind::DeadLetter:
        return Qt::DotLine;
    default:
        return Qt::SolidLine;
    }
}

struct Mark {
    QString symbol;
    QColor colour;
};

// Core Services have no readiness of their own, plain URIs neither; every other node shows a symbol as well as
// a colour, so readiness does not rely on colour alone.
std::optional<Mark> readinessMark(const TopologyNode& node)
{
    if (node.kind == NodeKind::Uri || (node.object.group.isEmpty() && node.object.kind == u"Service"))
        return std::nullopt;
    if (node.kind == NodeKind::Missing)
        return Mark { u"!"_s, QColor(0xc6, 0x28, 0x28) };
    if (node.readiness == Readiness::Ready)
        return Mark { u"\u2713"_s, QColor(0x2e, 0x7d, 0x32) };
    if (node.readiness == Readiness::NotReady)
        return Mark { u"\u2717"_s, QColor(0xc6, 0x28, 0x28) };
    return Mark { u"?"_s, QColor(0x75, 0x75, 0x75) };
}
} // namespace

QColor GraphRenderer::healthColour(Health health)
{
    switch (health) {
    case Health::Ok:
        return QColor(0x2e, 0x7d, 0x32);
    case Health::Warn:
        return QColor(0xf9, 0xa8, 0x25);
    case Health::Stall:
        return QColor(0xef, 0x6c, 0x00);
    case Health::Stop:
        return QColor(0xc6, 0x28, 0x28);
    case Health::Rewind:
        return QColor(0x6a, 0x1b, 0x9a);
    case Health::None:
        break;
    }
    return {};
}

QString GraphRenderer::healthText(Health health)
{
    switch (health) {
    case Health::Ok:
        return u"\u2713 OK"_s;
    case Health::Warn:
        return u"\u25b2 WARN"_s;
    case Health::Stall:
        return u"\u25a0 STALL"_s;
    case Health::Stop:
        return u"\u2716 STOP"_s;
    case Health::Rewind:
        return u"\u21ba REWIND"_s;
    case Health::None:
        break;
    }
    return {};
}

GraphRenderer::Detail GraphRenderer::detailAt(qreal scale)
{
    if (scale >= fullDetailScale)
        return Detail::Full;
    if (scale >= namesScale)
        return Detail::Names;
    return Detail::Shapes;
}

QColor GraphRenderer::kindColour(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Source:
        return QColor(0x2e, 0x7d, 0x32);
    case NodeKind::Broker:
        return QColor(0x15, 0x65, 0xc0);
    case NodeKind::Channel:
        return QColor(0x00, 0x83, 0x8f);
    case NodeKind::Trigger:
        return QColor(0x6a, 0x1b, 0x9a);
    case NodeKind::Subscription:
        return QColor(0x8e, 0x24, 0xaa);
    case NodeKind::Flow:
        return QColor(0xef, 0x6c, 0x00);
    case NodeKind::Subscriber:
        return QColor(0x45, 0x5a, 0x64);
    case NodeKind::Uri:
        return QColor(0x60, 0x7d, 0x8b);
    case NodeKind::Missing:
        return QColor(0xc6, 0x28, 0x28);
    }
    return Qt::gray;
}

void GraphRenderer::setScene(std::shared_ptr<const GraphScene> scene)
{
    m_scene = std::move(scene);
    const auto count = m_scene ? m_scene->nodes().size() : 0;
    m_elidedFull.assign(count, {});
    m_elidedNames.assign(count, {});
}

QTransform GraphRenderer::viewTransform(const State& state)
{
    QTransform transform;
    transform.translate(state.viewport.width() / 2.0, state.viewport.height() / 2.0);
    transform.scale(state.scale, state.scale);
    transform.translate(-state.centre.x(), -state.centre.y());
    return transform;
}

void GraphRenderer::paint(QPainter* painter, const State& state)
{
    painter->save();
    painter->fillRect(QRect(QPoint(0, 0), state.viewport), state.palette.color(QPalette::Base));
    if (!m_scene) {
        painter->restore();
        return;
    }
    painter->setClipRect(QRect(QPoint(0, 0), state.viewport), Qt::IntersectClip);
    const QSizeF half(state.viewport.width() / (2 * state.scale), state.viewport.height() / (2 * state.scale));
    const QRectF visible(state.centre - QPointF(half.width(), half.height()), half * 2);
    const auto detail = detailAt(state.scale);

    m_baseTransform = painter->transform();
    painter->setTransform(viewTransform(state), true);
    paintBands(painter, state, visible, detail);

    m_visibleEdges.clear();
    m_scene->edgesIn(visible, m_visibleEdges);
    if (detail == Detail::Shapes)
        paintEdgeLines(painter, state);
    else
        paintEdgeCurves(painter, state, visible);

    m_visibleNodes.clear();
    m_scene->nodesIn(visible, m_visibleNodes);
    if (detail == Detail::Shapes)
        paintShapes(painter, state);
    else
        paintBoxes(painter, state, detail);
    paintMarkers(painter, state, detail);
    painter->restore();
}

void GraphRenderer::paintBands(QPainter* painter, const State& state, const QRectF& visible, Detail detail)
{
    const auto text = state.palette.color(QPalette::Text);
    QColor fill = text;
    fill.setAlpha(12);
    auto font = state.font;
    font.setBold(true);
    painter->setFont(font);
    const auto nameOf = [](const QString& ns) {
        return ns.isEmpty() ? QCoreApplication::translate("GraphView", "(cluster)")
                            : QCoreApplication::translate("GraphView", "namespace %1").arg(ns);
    };
    for (const auto& [ns, area] : m_scene->namespaceBands()) {
        if (!area.intersects(visible))
            continue;
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
        painter->setRenderHint(QPainter::Antialiasing, detail != Detail::Shapes);
        painter->drawRoundedRect(area, 10, 10);
        if (detail == Detail::Full) {
            painter->setPen(text);
            painter->drawText(area.adjusted(12, 4, 0, 0), Qt::AlignLeft | Qt::AlignTop, nameOf(ns));
        } else {
            // Far out, the namespace names stay at screen size: they are the landmarks left to read. A band whose
            // top scrolled away keeps its name at the top of the view while enough of it shows.
            const QFontMetricsF metrics(font);
            const auto view = viewMapOf(state);
            const auto topLeft = view.map(area.topLeft());
            const qreal top = std::max<qreal>(topLeft.y(), 0);
            if (view.map(area.bottomLeft()).y() - top < 2 * metrics.height())
                continue;
            // Folded columns of bands sit side by side: a name never runs over into the next column.
            const qreal width = view.map(area.topRight()).x() - topLeft.x() - 8;
            const auto name = metrics.elidedText(nameOf(ns), Qt::ElideMiddle, width);
            if (name.size() < 4)
                continue;
            painter->save();
            painter->setTransform(m_baseTransform);
            painter->setPen(text);
            painter->drawText(QPointF(topLeft.x() + 6, top + metrics.ascent() + 2), name);
            painter->restore();
        }
    }
}

void GraphRenderer::paintEdgeLines(QPainter* painter, const State& state)
{
    // Far out: straight hairlines in whole pixels, one drawLines call per colour, dimmed ones first so that the
    // neighbourhood in focus stays on top.
    enum Group { Normal, Reply, DeadLetter, Highlighted, GroupCount };
    std::array<std::vector<QLine>, GroupCount> lines;
    std::array<std::vector<QLine>, GroupCount> dimmed;
    const bool focusing = !state.focusNodes.empty();
    const auto view = viewMapOf(state);
    for (const int index : m_visibleEdges) {
        const auto& edge = m_scene->edges()[std::size_t(index)];
        Group group = Normal;
        if (flag(state.highlightedEdges, index))
            group = Highlighted;
        else if (edge.kind == EdgeKind::Reply)
            group = Reply;
        else if (edge.kind == EdgeKind::DeadLetter)
            group = DeadLetter;
        auto& target = focusing && !flag(state.focusEdges, index) ? dimmed : lines;
        target[group].emplace_back(view.mapToPixel(edge.start), view.mapToPixel(edge.end));
    }
    const std::array<QColor, GroupCount> colours { edgeColour, replyColour, deadLetterColour, highlightedEdgeColour };
    painter->save();
    painter->setTransform(m_baseTransform);
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (const auto* set : { &dimmed, &lines }) {
        painter->setOpacity(set == &dimmed ? dimmedOpacity : 1.0);
        for (int group = 0; group < GroupCount; ++group) {
            const auto& batch = (*set)[std::size_t(group)];
            if (batch.empty())
                continue;
            painter->setPen(QPen(colours[std::size_t(group)], group == Highlighted ? 2.5 : 0));
            painter->drawLines(batch.data(), int(batch.size()));
        }
    }
    painter->restore();
}

void GraphRenderer::paintEdgeCurves(QPainter* painter, const State& state, const QRectF& visible)
{
    painter->setRenderHint(QPainter::Antialiasing);
    // A margin for the pen and the arrow head; flat to a third of a pixel.
    const qreal margin = 12 / state.scale;
    const QRectF area = visible.adjusted(-margin, -margin, margin, margin);
    const qreal tolerance = 0.3 / state.scale;
    const bool focusing = !state.focusNodes.empty();
    // Plain edges first, highlighted ones last so that nothing crosses over them.
    for (const bool highlightedPass : { false, true }) {
        for (const int index : m_visibleEdges) {
            const bool highlighted = flag(state.highlightedEdges, index);
            if (highlighted != highlightedPass)
                continue;
            const auto& edge = m_scene->edges()[std::size_t(index)];
            QPointF control1;
            QPointF control2;
            if (!edge.backwards) {
                const qreal dx = std::max<qreal>(40, (edge.end.x() - edge.start.x()) / 2);
                control1 = edge.start + QPointF(dx, 0);
                control2 = edge.end - QPointF(dx, 0);
            } else {
                const qreal sag = 40 + std::abs(edge.end.x() - edge.start.x()) / 8;
                control1 = edge.start + QPointF(0, sag);
                control2 = edge.end + QPointF(0, sag);
            }
            QPainterPath path;
            bool penDown = false;
            addCulledCubic(path, { edge.start, control1, control2, edge.end }, area, tolerance, penDown);
            const auto colour = highlighted ? highlightedEdgeColour : edgeColourOf(edge.kind);
            painter->setOpacity(focusing && !flag(state.focusEdges, index) ? dimmedOpacity : 1.0);
            // Plain edges are one-pixel hairlines at any zoom: Qt's hairline rasterizer clips to the view and is
            // an order of magnitude faster than stroking, which matters when hundreds of edges cross a screen.
            QPen pen(colour, highlighted ? 3 : 1, edgeStyleOf(edge.kind));
            pen.setCosmetic(!highlighted);
            painter->setPen(pen);
            painter->setBrush(Qt::NoBrush);
            painter->drawPath(path);
            if (!area.contains(edge.end))
                continue;
            // The arrow follows the curve's last tangent, which is the direction from the last control point.
            QPointF direction = edge.end - control2;
            const qreal length = std::hypot(direction.x(), direction.y());
            direction = length > 0 ? direction / length : QPointF(1, 0);
            const QPointF normal(-direction.y(), direction.x());
            const QPointF back = edge.end - direction * 9;
            const QPointF arrow[] = { edge.end, back + normal * 4.5, back - normal * 4.5 };
            painter->setPen(Qt::NoPen);
            painter->setBrush(colour);
            painter->drawPolygon(arrow, 3);
        }
    }
    painter->setOpacity(1.0);
}

void GraphRenderer::paintShapes(QPainter* painter, const State& state)
{
    // One drawRects call per kind, in whole pixels: a frame of the whole mesh is a dozen calls, not one per node.
    // A node thinner than a pixel still gets one, or the rasterizer would drop it.
    std::array<std::vector<QRect>, kindCount> rects;
    std::array<std::vector<QRect>, kindCount> dimmed;
    const bool focusing = !state.focusNodes.empty();
    const auto view = viewMapOf(state);
    const int width = std::max(1, int(std::lround(GraphLayout::nodeSize.width() * state.scale)));
    const int height = std::max(1, int(std::lround(GraphLayout::nodeSize.height() * state.scale)));
    for (const int index : m_visibleNodes) {
        const auto& node = m_scene->nodes()[std::size_t(index)];
        auto& target = focusing && !flag(state.focusNodes, index) ? dimmed : rects;
        target[std::size_t(node.node.kind)].emplace_back(view.mapToPixel(node.rect.topLeft()), QSize(width, height));
    }
    painter->save();
    painter->setTransform(m_baseTransform);
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    for (const auto* set : { &dimmed, &rects }) {
        painter->setOpacity(set == &dimmed ? dimmedOpacity : 1.0);
        for (int kind = 0; kind < kindCount; ++kind) {
            const auto& batch = (*set)[std::size_t(kind)];
            if (batch.empty())
                continue;
            painter->setBrush(shapeColour(NodeKind(kind), state.palette));
            painter->drawRects(batch.data(), int(batch.size()));
        }
    }
    painter->restore();
}

void GraphRenderer::paintBoxes(QPainter* painter, const State& state, Detail detail)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    const bool focusing = !state.focusNodes.empty();
    for (const int index : m_visibleNodes) {
        painter->setOpacity(focusing && !flag(state.focusNodes, index) ? dimmedOpacity : 1.0);
        paintNode(painter, state, index, detail);
    }
    painter->setOpacity(1.0);
}

const QString& GraphRenderer::elidedName(int index, Detail detail, const QFont& font, qreal width)
{
    auto& cache = detail == Detail::Full ? m_elidedFull : m_elidedNames;
    auto& name = cache[std::size_t(index)];
    if (name.isEmpty()) {
        const auto& label = m_scene->nodes()[std::size_t(index)].node.label;
        name = QFontMetricsF(font).elidedText(label, Qt::ElideMiddle, width);
    }
    return name;
}

void GraphRenderer::paintNode(QPainter* painter, const State& state, int index, Detail detail)
{
    const auto& entry = m_scene->nodes()[std::size_t(index)];
    const auto& node = entry.node;
    const auto& palette = state.palette;
    const QRectF box = entry.rect;
    const auto colour = kindColour(node.kind);
    const bool selected = index == state.selected;

    if (entry.isBundle()) {
        // A stack of cards: folded triggers read as many without drawing them.
        painter->setPen(QPen(colour, 1.2));
        painter->setBrush(palette.color(QPalette::Base));
        painter->drawRoundedRect(box.translated(6, 6), 6, 6);
        painter->drawRoundedRect(box.translated(3, 3), 6, 6);
    }
    QPen border(selected ? palette.color(QPalette::Highlight) : colour, selected ? 3 : 1.5);
    if (node.kind == NodeKind::Missing)
        border.setStyle(Qt::DashLine);
    painter->setPen(border);
    painter->setBrush(palette.color(QPalette::Base));
    painter->drawRoundedRect(box, 6, 6);
    // A coloured strip on the left names the kind at any zoom.
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawRoundedRect(QRectF(box.topLeft(), QSizeF(8, box.height())), 3, 3);

    if (detail == Detail::Names) {
        auto font = state.font;
        font.setPixelSize(24);
        font.setBold(true);
        painter->setFont(font);
        painter->setPen(palette.color(QPalette::Text));
        const qreal width = box.width() - 20;
        painter->drawText(QRectF(box.left() + 14, box.top(), width, box.height()), Qt::AlignLeft | Qt::AlignVCenter,
            elidedName(index, detail, font, width));
        return;
    }

    // Line one: kind, badge, readiness mark. Line two: the name, with the whole width to itself.
    auto font = state.font;
    font.setPointSizeF(7.5);
    painter->setFont(font);
    const bool darkBase = palette.color(QPalette::Base).lightness() < 128;
    painter->setPen(darkBase ? colour.lighter(160) : colour);
    painter->drawText(QRectF(box.left() + 14, box.top() + 3, box.width() - 100, 14), Qt::AlignLeft | Qt::AlignVCenter,
        node.kindLabel.isEmpty() ? nodeKindName(node.kind) : node.kindLabel);

    qreal right = box.right() - 4;
    auto bold = font;
    bold.setBold(true);
    if (const auto mark = readinessMark(node)) {
        const QRectF markRect(right - 15, box.top() + 3, 15, 15);
        painter->setPen(Qt::NoPen);
        painter->setBrush(mark->colour);
        painter->drawEllipse(markRect);
        painter->setPen(Qt::white);
        painter->setFont(bold);
        painter->drawText(markRect, Qt::AlignCenter, mark->symbol);
        right -= 19;
    }
    const auto health = std::size_t(index) < state.health.size() ? state.health[std::size_t(index)] : Health::None;
    if (health != Health::None) {
        // A filled pill with a symbol and a word: the state reads without telling colours apart.
        const QString text = healthText(health);
        painter->setFont(bold);
        const qreal width = QFontMetricsF(bold).horizontalAdvance(text) + 10;
        const QRectF pill(right - width, box.top() + 3, width, 15);
        painter->setPen(Qt::NoPen);
        painter->setBrush(healthColour(health));
        painter->drawRoundedRect(pill, 7, 7);
        painter->setPen(health == Health::Warn ? QColor(0x21, 0x21, 0x21) : QColor(Qt::white));
        painter->drawText(pill, Qt::AlignCenter, text);
        right -= width + 4;
    }
    const QString& badge = std::size_t(index) < state.badges.size() ? state.badges[std::size_t(index)] : QString();
    if (!badge.isEmpty()) {
        painter->setFont(bold);
        const qreal width = QFontMetricsF(bold).horizontalAdvance(badge) + 12;
        const QRectF badgeRect(right - width, box.top() + 3, width, 15);
        // The pill brings its own light background, so its dark text reads the same in light and dark themes.
        painter->setPen(Qt::NoPen);
        painter->setBrush(colour.lighter(175));
        painter->drawRoundedRect(badgeRect, 7, 7);
        painter->setPen(QColor(0x21, 0x21, 0x21));
        painter->drawText(badgeRect, Qt::AlignCenter, badge);
    }

    font.setPointSizeF(9.5);
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(palette.color(QPalette::Text));
    const qreal nameWidth = box.width() - 20;
    painter->drawText(QRectF(box.left() + 14, box.top() + 20, nameWidth, 22), Qt::AlignLeft | Qt::AlignVCenter,
        elidedName(index, detail, font, nameWidth));
}

void GraphRenderer::paintMarkers(QPainter* painter, const State& state, Detail detail)
{
    if (state.matches.empty() && state.selected < 0)
        return;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setBrush(Qt::NoBrush);
    if (detail != Detail::Shapes) {
        for (const int index : m_visibleNodes) {
            if (!flag(state.matches, index))
                continue;
            const bool current = index == state.currentMatch;
            QPen pen(matchColour, current ? 5 : 3);
            painter->setPen(pen);
            painter->drawRoundedRect(m_scene->nodes()[std::size_t(index)].rect.adjusted(-5, -5, 5, 5), 9, 9);
        }
        return;
    }
    // Far out, a node is a few pixels: matches get squares of a fixed screen size (thousands of them in one call),
    // the current match and the selection rings around them.
    const auto view = viewMapOf(state);
    painter->save();
    painter->setTransform(m_baseTransform);
    std::vector<QRect> squares;
    for (const int index : m_visibleNodes) {
        if (flag(state.matches, index))
            squares.emplace_back(
                view.mapToPixel(m_scene->nodes()[std::size_t(index)].rect.center()) - QPoint(3, 3), QSize(7, 7));
    }
    if (!squares.empty()) {
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(QPen(QColor(0x21, 0x21, 0x21), 0));
        painter->setBrush(matchColour);
        painter->drawRects(squares.data(), int(squares.size()));
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setBrush(Qt::NoBrush);
    }
    const auto ring = [&](int index, const QColor& colour, qreal radius, qreal width) {
        if (index < 0 || std::size_t(index) >= m_scene->nodes().size())
            return;
        painter->setPen(QPen(colour, width));
        painter->drawEllipse(view.map(m_scene->nodes()[std::size_t(index)].rect.center()), radius, radius);
    };
    ring(state.currentMatch, matchColour, 11, 3);
    ring(state.selected, state.palette.color(QPalette::Highlight), 8, 2.5);
    painter->restore();
}

QTransform GraphRenderer::paintOverview(
    QPainter* painter, const GraphScene& scene, const QRectF& target, const QPalette& palette)
{
    const auto bounds = scene.bounds();
    if (bounds.isEmpty() || target.isEmpty())
        return {};
    // Each axis fills the target on its own: a mesh thousands of nodes tall still gets a usable overview.
    const qreal scaleX = target.width() / bounds.width();
    const qreal scaleY = target.height() / bounds.height();
    QTransform transform;
    transform.translate(target.center().x(), target.center().y());
    transform.scale(scaleX, scaleY);
    transform.translate(-bounds.center().x(), -bounds.center().y());

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setTransform(transform, true);
    QColor band = palette.color(QPalette::Text);
    band.setAlpha(20);
    painter->setPen(Qt::NoPen);
    painter->setBrush(band);
    for (const auto& area : scene.namespaceBands())
        painter->drawRect(area.second);
    // At overview size a node may be thinner than a pixel; a minimum size keeps every node visible.
    std::array<QList<QRectF>, kindCount> rects;
    for (const auto& node : scene.nodes()) {
        QRectF rect = node.rect;
        rect.setWidth(std::max(rect.width(), 1.0 / scaleX));
        rect.setHeight(std::max(rect.height(), 1.0 / scaleY));
        rects[std::size_t(node.node.kind)].append(rect);
    }
    for (int kind = 0; kind < kindCount; ++kind) {
        painter->setBrush(shapeColour(NodeKind(kind), palette));
        painter->drawRects(rects[std::size_t(kind)]);
    }
    painter->restore();
    return transform;
}
