// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphview.h"

#include <QObject>

class ObjectStore;
class TriggerEditorPage;

// Ties the trigger editor's drafts to the graph: every draft that differs from the live trigger shows as a dashed
// edge from its broker to its subscriber, and drawing on the graph (a new trigger, or re-wiring one) opens or
// changes a draft in the editor.
class DraftOverlay : public QObject {
    Q_OBJECT
public:
    DraftOverlay(const ObjectStore* store, GraphView* graph, TriggerEditorPage* editor, QObject* parent = nullptr);

    // The dashed edges the drafts call for: a draft whose trigger does not exist, or exists with another broker or
    // subscriber. Drafts that do not parse as a Trigger show nothing.
    static QList<DraftEdge> edgesFor(const QStringList& draftTexts, const ObjectStore& store);

Q_SIGNALS:
    // A draft was opened or changed from the graph: the window shows the editor.
    void editorWanted();

private:
    void update();
    void drawn(const QString& brokerNodeId, const QString& subscriberNodeId);
    void rewired(const QString& triggerNodeId, const QString& subscriberNodeId);

    const ObjectStore* m_store;
    GraphView* m_graph;
    TriggerEditorPage* m_editor;
};
