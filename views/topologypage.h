// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphrenderer.h"
#include "knativeobject.h"

#include <QTimer>
#include <QWidget>

class GraphView;
class InspectorPane;
class MeshSession;
class QAction;
class QLabel;
class QLineEdit;
class QSplitter;
struct TopologyNode;

// The live graph with a toolbar (search, fit, focus, minimap, export) and an inspector beside it; badges show
// each trigger's backlog and each subscriber's replicas. Node context menu actions come out as signals.
class TopologyPage : public QWidget {
    Q_OBJECT
public:
    explicit TopologyPage(MeshSession* session, QWidget* parent = nullptr);

    GraphView* graphView() const { return m_graph; }
    InspectorPane* inspector() const { return m_inspector; }
    QLineEdit* searchField() const { return m_search; }
    // Lights up the edges into the given triggers, e.g. after a test event was sent to them.
    void traceTriggers(const QList<ObjectKey>& triggers);
    // SVG or PNG by the file's suffix.
    bool exportView(const QString& path);

Q_SIGNALS:
    void editRequested(const ObjectKey& trigger);
    void publishRequested(const ObjectKey& broker);
    void showBacklogRequested(const ObjectKey& object);
    void objectSelected(const ObjectKey& key);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* createToolBar();
    void exportInteractively();
    void updateMatchLabel();
    QString badgeFor(const TopologyNode& node) const;
    GraphRenderer::Health healthFor(const TopologyNode& node) const;
    QStringList searchTermsFor(const TopologyNode& node) const;

    MeshSession* m_session;
    GraphView* m_graph;
    InspectorPane* m_inspector;
    QSplitter* m_splitter;
    QLineEdit* m_search;
    QLabel* m_matchLabel;
    QAction* m_focusAction;
    QTimer m_searchTimer;
    QTimer m_badgeTimer;
    QTimer m_traceTimer;
};
