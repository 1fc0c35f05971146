// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "topologygraph.h"

#include <QGraphicsItem>

class EdgeItem;

// One topology node: a rounded box with the kind, the name, a readiness mark that does not rely on colour
// alone, and a badge (backlog for triggers, replicas for subscribers).
class NodeItem : public QGraphicsItem {
public:
    explicit NodeItem(const TopologyNode& node);

    void setNode(const TopologyNode& node);
    const TopologyNode& node() const { return m_node; }
    void setBadge(const QString& badge);
    const QString& badge() const { return m_badge; }

    void addEdge(EdgeItem* edge) { m_edges.insert(edge); }
    void removeEdge(EdgeItem* edge) { m_edges.remove(edge); }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    TopologyNode m_node;
    QString m_badge;
    QSet<EdgeItem*> m_edges;
};
