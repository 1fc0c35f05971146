// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphlayout.h"

#include <QGraphicsView>
#include <QHash>
#include <QTimer>

#include <functional>

class EdgeItem;
class NodeItem;
class TopologyGraph;

// Draws a TopologyGraph. Layout runs on a worker thread over value copies; the scene is updated on the GUI
// thread when it comes back, and stale layouts (the graph changed meanwhile) are dropped.
class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    using BadgeProvider = std::function<QString(const TopologyNode&)>;

    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    void setGraph(const TopologyGraph* graph);
    void setBadgeProvider(BadgeProvider provider);
    // Re-reads badges of every node, e.g. after new measurements.
    void refreshBadges();
    void selectNode(const QString& id);
    void highlightEdges(const QSet<QString>& edgeIds);
    void fitToView();

    qsizetype nodeItemCount() const { return m_nodes.size(); }
    qsizetype edgeItemCount() const { return m_edges.size(); }
    NodeItem* nodeItem(const QString& id) const { return m_nodes.value(id); }
    QString selectedNodeId() const;

Q_SIGNALS:
    void nodeSelected(const QString& id);
    void layoutApplied();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;

private:
    void scheduleLayout();
    void startLayout();
    void applyLayout(quint64 generation, const GraphLayoutResult& result);

    const TopologyGraph* m_graph = nullptr;
    QGraphicsScene* m_scene;
    QHash<QString, NodeItem*> m_nodes;
    QHash<QString, EdgeItem*> m_edges;
    QList<std::pair<QString, QRectF>> m_bands;
    BadgeProvider m_badgeProvider;
    QTimer m_layoutTimer;
    quint64 m_generation = 0;
    bool m_layoutRunning = false;
    bool m_fitted = false;
};
