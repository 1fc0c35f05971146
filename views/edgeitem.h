// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "topologygraph.h"

#include <QGraphicsPathItem>

class NodeItem;

// A curved arrow between two nodes; reply and dead-letter edges are dashed and run back against the flow.
class EdgeItem : public QGraphicsPathItem {
public:
    EdgeItem(const TopologyEdge& edge, NodeItem* from, NodeItem* to);
    ~EdgeItem() override;

    const TopologyEdge& edge() const { return m_edge; }
    void setHighlighted(bool highlighted);
    void adjust();

    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    TopologyEdge m_edge;
    NodeItem* m_from;
    NodeItem* m_to;
    bool m_highlighted = false;
    QPolygonF m_arrow;
};
