// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class ChartPane;
class MeshSession;
class QTableView;
class TriggerListModel;

// Triggers with their live backlog, and the charts of backlog and replicas over time.
class BacklogPage : public QWidget {
    Q_OBJECT
public:
    explicit BacklogPage(MeshSession* session, QWidget* parent = nullptr);

    ChartPane* charts() const { return m_charts; }
    TriggerListModel* model() const { return m_model; }
    void focusObject(const QString& objectKey);

private:
    MeshSession* m_session;
    TriggerListModel* m_model;
    QTableView* m_table;
    ChartPane* m_charts;
};
