// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"
#include "topologygraph.h"

#include <QWidget>

class ObjectStore;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

// Shows the selected node: what it is, its readiness and conditions, and its YAML.
class InspectorPane : public QWidget {
    Q_OBJECT
public:
    explicit InspectorPane(const ObjectStore* store, QWidget* parent = nullptr);

    void showNode(const TopologyNode* node);
    // Re-reads the shown object.
    void refresh();
    // Re-reads it only when the batch changes it: the demo's scaling updates arrive every second.
    void onStoreChanged(const ObjectChangeBatch& batch);
    QString yamlText() const;

Q_SIGNALS:
    void editRequested(const ObjectKey& trigger);
    void publishRequested(const ObjectKey& broker);

private:
    const ObjectStore* m_store;
    std::optional<TopologyNode> m_node;
    QLabel* m_title;
    QLabel* m_status;
    QTreeWidget* m_conditions;
    QPlainTextEdit* m_yaml;
    QPushButton* m_edit;
    QPushButton* m_publish;
};
