// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphscene.h"

#include <QFont>
#include <QPalette>
#include <QSize>
#include <QTransform>

#include <memory>
#include <vector>

class QPainter;

// Paints a GraphScene as the view shows it. Only what meets the view is painted, and how much of each node is
// drawn depends on the zoom: far out, nodes are filled rectangles batched per colour and edges straight lines;
// closer, boxes with their names; at reading distance, the full node with kind, badge and readiness mark.
class GraphRenderer {
public:
    enum class Detail { Shapes, Names, Full };
    // Below namesScale a node is a few pixels tall and text would be noise; from fullDetailScale on its kind line
    // is legible (the threshold the graph has always used).
    static constexpr qreal namesScale = 0.2;
    static constexpr qreal fullDetailScale = 0.35;
    static Detail detailAt(qreal scale);
    // A trigger's consumer health in the manner of Burrow's rules; None draws nothing.
    enum class Health { None, Ok, Warn, Stall, Stop, Rewind };
    // The pill's colour and its text, so the state reads without the colour too.
    static QColor healthColour(Health health);
    static QString healthText(Health health);

    // Everything a frame depends on besides the scene. Per-node and per-edge flags are indexed like the scene;
    // empty vectors mean "none".
    struct State {
        QSize viewport;
        QPointF centre; // scene point in the middle of the viewport
        qreal scale = 1;
        int selected = -1;
        int currentMatch = -1;
        std::vector<char> matches;
        std::vector<char> focusNodes; // non-empty in focus mode: the rest is dimmed
        std::vector<char> focusEdges;
        std::vector<char> highlightedEdges;
        std::vector<QString> badges;
        std::vector<Health> health;
        QPalette palette;
        QFont font;
    };

    void setScene(std::shared_ptr<const GraphScene> scene);
    const GraphScene* scene() const { return m_scene.get(); }

    // Paints the view into the rectangle (0, 0, state.viewport) of the painter's current coordinates.
    void paint(QPainter* painter, const State& state);
    // The whole scene shrunk into `target`, each axis filling it: bands and nodes, no edges or text. Returns the
    // scene-to-target mapping.
    static QTransform paintOverview(
        QPainter* painter, const GraphScene& scene, const QRectF& target, const QPalette& palette);
    static QTransform viewTransform(const State& state);
    static QColor kindColour(NodeKind kind);

private:
    void paintBands(QPainter* painter, const State& state, const QRectF& visible, Detail detail);
    void paintEdgeLines(QPainter* painter, const State& state);
    void paintEdgeCurves(QPainter* painter, const State& state, const QRectF& visible);
    void paintShapes(QPainter* painter, const State& state);
    void paintBoxes(QPainter* painter, const State& state, Detail detail);
    void paintNode(QPainter* painter, const State& state, int index, Detail detail);
    void paintMarkers(QPainter* painter, const State& state, Detail detail);
    const QString& elidedName(int index, Detail detail, const QFont& font, qreal width);

    std::shared_ptr<const GraphScene> m_scene;
    // The painter's transform before the view's: batches drawn in whole view pixels go back to it.
    QTransform m_baseTransform;
    // Reused between frames so that a frame allocates nothing once warm.
    std::vector<int> m_visibleNodes;
    std::vector<int> m_visibleEdges;
    std::vector<QString> m_elidedFull;
    std::vector<QString> m_elidedNames;
};
