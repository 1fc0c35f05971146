// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMainWindow>

class BacklogPage;
class MeshSession;
class ProblemsPane;
class PublisherPage;
class QDockWidget;
class QLabel;
class QTabWidget;
class TopologyPage;
class TriggerEditorPage;

// Wires the pages to one MeshSession; the pages and the session do the work.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MeshSession* session, QWidget* parent = nullptr);

    TopologyPage* topologyPage() const { return m_topology; }
    BacklogPage* backlogPage() const { return m_backlog; }
    TriggerEditorPage* editorPage() const { return m_editor; }
    PublisherPage* publisherPage() const { return m_publisher; }
    ProblemsPane* problemsPane() const { return m_problems; }
    QTabWidget* tabs() const { return m_tabs; }

private:
    void createMenus();
    void openFolder();
    void openFiles();
    void updateProblems();

    MeshSession* m_session;
    QTabWidget* m_tabs;
    TopologyPage* m_topology;
    BacklogPage* m_backlog;
    TriggerEditorPage* m_editor;
    PublisherPage* m_publisher;
    ProblemsPane* m_problems;
    QDockWidget* m_problemsDock;
    QLabel* m_banner;
};
