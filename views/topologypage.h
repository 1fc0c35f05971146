// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QTimer>
#include <QWidget>

class GraphView;
class InspectorPane;
class MeshSession;

// The live graph with an inspector beside it; badges show each trigger's backlog and each subscriber's replicas.
class TopologyPage : public QWidget {
    Q_OBJECT
public:
    explicit TopologyPage(MeshSession* session, QWidget* parent = nullptr);

    GraphView* graphView() const { return m_graph; }
    InspectorPane* inspector() const { return m_inspector; }
    // Lights up the edges into the given triggers, e.g. after a test event was sent to them.
    void traceTriggers(const QList<ObjectKey>& triggers);

Q_SIGNALS:
    void editRequested(const ObjectKey& trigger);
    void publishRequested(const ObjectKey& broker);
    void objectSelected(const ObjectKey& key);

private:
    QString badgeFor(const struct TopologyNode& node) const;

    MeshSession* m_session;
    GraphView* m_graph;
    InspectorPane* m_inspector;
    QTimer m_badgeTimer;
    QTimer m_traceTimer;
};
