// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphlayout.h"
#include "graphrenderer.h"

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QSet>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>

class TopologyGraph;

// An unsaved change shown over the graph until it is applied or discarded: a trigger that does not exist yet
// (broker to subscriber), or a new subscriber for one that does (trigger to subscriber).
struct DraftEdge {
    QString id;
    QString fromNodeId;
    QString toNodeId;
    QString label;
    friend bool operator==(const DraftEdge&, const DraftEdge&) = default;
};

// Draws a TopologyGraph of any size. Layout runs on a worker thread over value copies, incrementally after the
// first time; the drawn scene is built there too, and the GUI thread only swaps it in, dropping stale results.
// Painting goes straight from arrays through a spatial grid (GraphRenderer), with level of detail by zoom.
// Pan by dragging, zoom with the wheel; the keyboard moves the selection along edges and columns.
// Dragging from a broker draws a new trigger to the addressable node it is dropped on; dragging the arrow end of a
// trigger's edge to its subscriber re-wires it. Either only reports the intent: the page opens the editor.
class GraphView : public QWidget {
    Q_OBJECT
public:
    using BadgeProvider = std::function<QString(const TopologyNode&)>;
    // A trigger's consumer health, drawn as a pill beside its badge; Health::None for nodes without one.
    using HealthProvider = std::function<GraphRenderer::Health(const TopologyNode&)>;
    // Extra words a node is found by besides its name, kind and namespace: event types, "key=value" labels.
    using SearchTermsProvider = std::function<QStringList(const TopologyNode&)>;
    enum class NodeAction {
        ShowYaml,
        EditTrigger,
        PublishTestEvent,
        ShowBacklog,
        FocusNeighbourhood,
        OpenBundle,
        CloseBundle,
        NewTrigger
    };
    Q_ENUM(NodeAction)

    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    void setGraph(const TopologyGraph* graph);
    void setBadgeProvider(BadgeProvider provider);
    void setHealthProvider(HealthProvider provider);
    GraphRenderer::Health healthOf(const QString& id) const;
    void setSearchTermsProvider(SearchTermsProvider provider);
    // Re-reads badges and health of every node, e.g. after new measurements; no relayout.
    void refreshBadges();
    // Selects a graph node; one folded into a bundle gets its bundle opened and is selected once laid out.
    void selectNode(const QString& id);
    QString selectedNodeId() const { return m_selectedId; }
    void highlightEdges(const QSet<QString>& edgeIds);

    void fitToView();
    // The selected node and its direct neighbours, at a readable zoom.
    void zoomToSelection();
    void zoomBy(qreal factor);
    void setView(const QPointF& sceneCentre, qreal scale);
    qreal zoom() const { return m_state.scale; }
    QPointF viewCentre() const { return m_state.centre; }
    QRectF visibleSceneRect() const;
    QRectF sceneBounds() const;
    void setMinimapEnabled(bool enabled);
    bool isMinimapEnabled() const { return m_minimapEnabled; }
    bool isMinimapShown() const;

    // What is drawn: a folded bundle counts as one node, edges joining the same two drawn nodes as one edge.
    qsizetype nodeCount() const;
    qsizetype edgeCount() const;
    bool hasNode(const QString& id) const;
    QRectF nodeRect(const QString& id) const;
    // The bundle a graph node is folded into, or empty.
    QString bundleOf(const QString& id) const;
    // Bundle ids are "bundle:" + the broker's node id.
    void setBundleExpanded(const QString& bundleId, bool expanded);
    QSet<QString> expandedBundles() const { return m_expanded; }
    bool isLayoutRunning() const { return m_layoutRunning; }

    // Every whitespace-separated term must occur, case-insensitively, in the node's name, kind, namespace or the
    // provider's terms. Matches are highlighted; the view moves to the first one that is drawn.
    void setSearchText(const QString& text);
    QString searchText() const { return m_search; }
    QStringList searchMatches() const { return m_matches; }
    int currentMatchIndex() const { return m_currentMatch; }
    // Moves to the next match, opening its bundle if it is folded, and selects it.
    void nextMatch();
    void previousMatch();

    // One node and its neighbourhood (two hops up and down the flow) in full, the rest dimmed; empty id leaves it.
    void setFocusNode(const QString& id);
    QString focusNodeId() const { return m_focusId; }
    bool isDimmed(const QString& id) const;

    // Dashed overlays for unsaved drafts, shown until replaced; never laid out, so setting them moves nothing. An edge
    // whose end is not in the graph (or not laid out yet) is skipped.
    void setDraftEdges(const QList<DraftEdge>& edges);
    QList<DraftEdge> draftEdges() const { return m_drafts; }
    bool isDraftEdgeShown(const QString& draftId) const;

    // Whether a node can be a trigger's subscriber: it has an address (a Deployment or a missing object has none).
    static bool isAddressable(const TopologyNode& node);
    // Widget coordinates of what is drawn: the centre of the node that shows a graph node (its bundle if folded), the
    // arrow tip of the edge that shows a graph edge. A null point when not drawn.
    QPointF nodeViewCentre(const QString& nodeId) const;
    QPointF edgeEndViewPoint(const QString& edgeId) const;
    // The drawn node under a widget position (a bundle's id for a folded trigger), or empty.
    QString nodeIdAt(const QPointF& widgetPos) const;
    // While a new trigger or a re-wiring is being dragged: the addressable node it would be dropped on, or empty.
    bool isDrawingEdge() const { return m_edgeDrag.active; }
    QString dropTargetId() const { return m_edgeDrag.targetId; }

    // The context menu of a node, as data so that it can be driven without popping up a menu.
    QList<NodeAction> actionsFor(const QString& id) const;
    QString actionText(NodeAction action, const QString& id) const;
    void triggerAction(NodeAction action, const QString& id);

    // Paints exactly what a frame paints (minimap included) for a viewport of target's size, at target's top-left,
    // keeping the current centre and zoom. For benchmarks and tests; paintEvent uses it too.
    void renderView(QPainter* painter, const QRect& target);
    // The current view without the minimap; PNG at device pixel ratio 2.
    bool exportSvg(const QString& path);
    bool exportPng(const QString& path);

Q_SIGNALS:
    void nodeSelected(const QString& id);
    void layoutApplied();
    // Actions of the context menu the page carries out: YAML, trigger editor, publishing, backlog.
    void actionRequested(GraphView::NodeAction action, const QString& id);
    void searchMatchesChanged();
    void focusChanged(const QString& id);
    // A trigger drawn from a broker to a subscriber; an empty subscriber when asked for from the menu ("New trigger").
    void triggerDrawn(const QString& brokerNodeId, const QString& subscriberNodeId);
    void triggerRewired(const QString& triggerNodeId, const QString& newSubscriberNodeId);

protected:
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    struct LayoutOutcome;
    // What a drag that starts at the press position does once it passes the drag distance.
    struct EdgeDrag {
        enum class Kind { None, NewTrigger, Rewire };
        Kind kind = Kind::None;
        QString sourceId; // the broker, or the trigger being re-wired
        QString subscriberId; // the trigger's current subscriber
        bool active = false; // past the drag distance: the rubber band shows
        QPointF scenePos; // the cursor
        QString targetId;
    };

    void onGraphChanged(const TopologyDelta& delta);
    void scheduleLayout();
    void startLayout();
    void finishLayout(const LayoutOutcome& outcome);
    void applyScene(std::shared_ptr<const GraphScene> scene);
    TopologyDelta pendingDelta() const;

    QPointF mapToScene(const QPointF& widgetPos) const;
    void setViewInternal(const QPointF& centre, qreal scale);
    void fitRect(const QRectF& rect, qreal maximumScale);
    void ensureVisible(const QRectF& rect);
    qreal minimumScale() const;
    int nodeAtWidgetPos(const QPointF& pos) const;
    void setSelectedIndex(int index);
    void moveSelection(Qt::Key key);
    void activate(int index);

    void updateSelectionState();
    void updateHighlightState();
    void updateMatchState();
    void updateFocusState();
    void findMatches();
    void goToMatch(int match, bool reveal);
    const QString& searchTextOf(const TopologyNode& node);
    QString brokerOfTrigger(const QString& triggerId) const;

    QRect minimapRect(const QSize& viewport) const;
    void paintMinimap(QPainter* painter, const QSize& viewport);
    void centreFromMinimap(const QPointF& pos);

    QPointF mapFromScene(const QPointF& scenePos) const;
    int rewireEdgeAt(const QPointF& widgetPos) const;
    EdgeDrag edgeDragAt(const QPointF& widgetPos) const;
    QString dropTargetAt(const QPointF& widgetPos) const;
    void updateHoverCursor(const QPointF& widgetPos);
    void moveEdgeDrag(const QPointF& widgetPos);
    void cancelEdgeDrag();
    void paintOverlays(QPainter* painter);

    const TopologyGraph* m_graph = nullptr;
    QMetaObject::Connection m_graphConnection;
    BadgeProvider m_badgeProvider;
    HealthProvider m_healthProvider;
    SearchTermsProvider m_searchTermsProvider;

    GraphRenderer m_renderer;
    GraphRenderer::State m_state;
    std::shared_ptr<const GraphScene> m_scene;

    // The last applied layout, the graph it was made from, and what changed since (in the graph, in flight).
    GraphLayoutResult m_layout;
    SceneWrap m_wrap;
    QSet<QString> m_layoutNodes;
    QSet<QString> m_layoutEdges;
    bool m_hasLayout = false;
    QSet<QString> m_touchedNodes;
    QSet<QString> m_touchedEdges;
    QSet<QString> m_inFlightNodes;
    QSet<QString> m_inFlightEdges;
    QSet<QString> m_expanded;
    QSet<QString> m_jobExpanded;
    bool m_needFullLayout = true;
    quint64 m_graphGeneration = 0;
    quint64 m_jobGeneration = 0;
    bool m_layoutRunning = false;
    QElapsedTimer m_sinceApplied;
    QTimer m_layoutTimer;

    QString m_selectedId;
    QString m_pendingSelection;
    QSet<QString> m_highlightedEdgeIds;
    QString m_search;
    QStringList m_matches;
    int m_currentMatch = -1;
    bool m_currentRevealed = false;
    QHash<QString, QString> m_searchText;
    QString m_focusId;
    QRectF m_focusBounds;

    bool m_userMoved = false;
    bool m_panning = false;
    bool m_pressed = false;
    bool m_minimapDragging = false;
    QPoint m_pressPos;
    QPointF m_pressCentre;
    EdgeDrag m_edgeDrag;
    QList<DraftEdge> m_drafts;
    bool m_minimapEnabled = true;
    QImage m_minimap;
    QTransform m_minimapTransform;
};
