// SPDX-License-Identifier: Apache-2.0
#include "edgeitem.h"

#include "graphlayout.h"
#include "nodeitem.h"

#include <QPainter>
#include <QPen>

#include <QtMath>

#include <cmath>

EdgeItem::EdgeItem(const TopologyEdge& edge, NodeItem* from, NodeItem* to)
    : m_edge(edge)
    , m_from(from)
    , m_to(to)
{
    setZValue(-1);
    m_from->addEdge(this);
    m_to->addEdge(this);
    setToolTip(edgeKindName(edge.kind));
    adjust();
}

EdgeItem::~EdgeItem()
{
    m_from->removeEdge(this);
    m_to->removeEdge(this);
}

void EdgeItem::setHighlighted(bool highlighted)
{
    if (m_highlighted == highlighted)
        return;
    m_highlighted = highlighted;
    update();
}

void EdgeItem::adjust()
{
    const auto size = GraphLayout::nodeSize;
    const bool backwards
        = m_edge.kind == EdgeKind::Reply || m_edge.kind == EdgeKind::DeadLetter || m_to->pos().x() <= m_from->pos().x();
    QPainterPath path;
    QPointF start;
    QPointF end;
    if (!backwards) {
        start = m_from->pos() + QPointF(size.width(), size.height() / 2);
        end = m_to->pos() + QPointF(0, size.height() / 2);
        const qreal dx = std::max<qreal>(40, (end.x() - start.x()) / 2);
        path.moveTo(start);
        path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end);
    } else {
        // Back edges leave from the bottom and enter from below, arching under the layers between.
        start = m_from->pos() + QPointF(size.width() / 2, size.height());
        end = m_to->pos() + QPointF(size.width() / 2, size.height());
        const qreal sag = 40 + std::abs(end.x() - start.x()) / 8;
        path.moveTo(start);
        path.cubicTo(start + QPointF(0, sag), end + QPointF(0, sag), end);
    }
    prepareGeometryChange();
    setPath(path);
    // angleAtPercent counts degrees counter-clockwise with y up; the scene has y down.
    const qreal angle = qDegreesToRadians(path.angleAtPercent(1));
    const QPointF direction(std::cos(angle), -std::sin(angle));
    const QPointF normal(-direction.y(), direction.x());
    const QPointF back1 = end - direction * 9 + normal * 4.5;
    const QPointF back2 = end - direction * 9 - normal * 4.5;
    m_arrow = QPolygonF({ end, back1, back2 });
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    QColor colour(0x78, 0x90, 0x9c);
    Qt::PenStyle style = Qt::SolidLine;
    switch (m_edge.kind) {
    case EdgeKind::Reply:
        colour = QColor(0xef, 0x6c, 0x00);
        style = Qt::DashLine;
        break;
    case EdgeKind::DeadLetter:
        colour = QColor(0xc6, 0x28, 0x28);
        style = Qt::DotLine;
        break;
    default:
        break;
    }
    if (m_highlighted)
        colour = QColor(0xff, 0xa0, 0x00);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(colour, m_highlighted ? 3 : 1.4, style));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawPolygon(m_arrow);
}
