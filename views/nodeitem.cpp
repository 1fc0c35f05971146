// SPDX-License-Identifier: Apache-2.0
#include "nodeitem.h"

#include "edgeitem.h"
#include "graphlayout.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace {
QColor kindColour(NodeKind kind)
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
} // namespace

NodeItem::NodeItem(const TopologyNode& node)
    : m_node(node)
{
    setFlags(ItemIsSelectable | ItemIsFocusable | ItemSendsGeometryChanges);
    setCacheMode(DeviceCoordinateCache);
    setToolTip(node.kindLabel % u' ' % node.object.ns % u'/' % node.label);
}

void NodeItem::setNode(const TopologyNode& node)
{
    if (node == m_node)
        return;
    m_node = node;
    setToolTip(node.kindLabel % u' ' % node.object.ns % u'/' % node.label
        % (node.reason.isEmpty() ? QString() : u'\n' % node.reason));
    update();
}

void NodeItem::setBadge(const QString& badge)
{
    if (badge == m_badge)
        return;
    m_badge = badge;
    update();
}

QRectF NodeItem::boundingRect() const { return QRectF(QPointF(-2, -2), GraphLayout::nodeSize + QSizeF(4, 4)); }

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const QRectF box(QPointF(0, 0), GraphLayout::nodeSize);
    const auto palette = QApplication::palette();
    const auto colour = kindColour(m_node.kind);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());

    painter->setRenderHint(QPainter::Antialiasing);
    QPen border(isSelected() ? palette.color(QPalette::Highlight) : colour, isSelected() ? 3 : 1.5);
    if (m_node.kind == NodeKind::Missing)
        border.setStyle(Qt::DashLine);
    painter->setPen(border);
    painter->setBrush(palette.color(QPalette::Base));
    painter->drawRoundedRect(box, 6, 6);
    // A coloured strip on the left names the kind at any zoom.
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    painter->drawRoundedRect(QRectF(box.topLeft(), QSizeF(8, box.height())), 3, 3);
    if (lod < 0.35)
        return;

    // Line one: kind, badge, readiness mark. Line two: the name, with the whole width to itself.
    auto font = painter->font();
    font.setPointSizeF(7.5);
    painter->setFont(font);
    const bool darkBase = palette.color(QPalette::Base).lightness() < 128;
    painter->setPen(darkBase ? colour.lighter(160) : colour);
    painter->drawText(QRectF(14, 3, box.width() - 100, 14), Qt::AlignLeft | Qt::AlignVCenter,
        m_node.kindLabel.isEmpty() ? nodeKindName(m_node.kind) : m_node.kindLabel);

    qreal right = box.width() - 4;
    // Core Services have no readiness of their own; every other kind shows a symbol as well as a colour.
    const bool hasReadiness
        = m_node.kind != NodeKind::Uri && !(m_node.object.group.isEmpty() && m_node.object.kind == u"Service");
    if (hasReadiness) {
        QString mark = QStringLiteral("?");
        QColor markColour(0x75, 0x75, 0x75);
        if (m_node.kind == NodeKind::Missing) {
            mark = QStringLiteral("!");
            markColour = QColor(0xc6, 0x28, 0x28);
        } else if (m_node.readiness == Readiness::Ready) {
            mark = QStringLiteral("\u2713");
            markColour = QColor(0x2e, 0x7d, 0x32);
        } else if (m_node.readiness == Readiness::NotReady) {
            mark = QStringLiteral("\u2717");
            markColour = QColor(0xc6, 0x28, 0x28);
        }
        const QRectF markRect(right - 15, 3, 15, 15);
        painter->setPen(Qt::NoPen);
        painter->setBrush(markColour);
        painter->drawEllipse(markRect);
        painter->setPen(Qt::white);
        auto bold = font;
        bold.setBold(true);
        painter->setFont(bold);
        painter->drawText(markRect, Qt::AlignCenter, mark);
        right -= 19;
    }
    if (!m_badge.isEmpty()) {
        auto badgeFont = font;
        badgeFont.setBold(true);
        painter->setFont(badgeFont);
        const qreal width = QFontMetricsF(badgeFont).horizontalAdvance(m_badge) + 12;
        const QRectF badgeRect(right - width, 3, width, 15);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colour.lighter(175));
        painter->drawRoundedRect(badgeRect, 7, 7);
        painter->setPen(QColor(0x21, 0x21, 0x21));
        painter->drawText(badgeRect, Qt::AlignCenter, m_badge);
    }

    font.setPointSizeF(9.5);
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(palette.color(QPalette::Text));
    const QFontMetricsF metrics(font);
    const qreal nameWidth = box.width() - 20;
    painter->drawText(QRectF(14, 20, nameWidth, 22), Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(m_node.label, Qt::ElideMiddle, nameWidth));
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged) {
        for (auto* edge : std::as_const(m_edges))
            edge->adjust();
    }
    return QGraphicsItem::itemChange(change, value);
}
