// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QMainWindow>
#include <QPointer>

class BacklogPage;
class ClusterBar;
class QToolBar;
class KubeClient;
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
    ClusterBar* clusterBar() const { return m_clusterBar; }
    QLabel* clusterBanner() const { return m_clusterBanner; }

private:
    void createMenus();
    void openFolder();
    void openFiles();
    void updateProblems();
    void updateCluster();
    void updateClusterState();
    void switchContext(const QString& context);
    void switchNamespaces(const QStringList& namespaces);
    void editBrokerConnections();
    void restoreBrokerConnections();
    void applyDraft(const QString& text, const QString& fileName);
    void deleteObject(const ObjectKey& key, const QString& apiVersion);

    MeshSession* m_session;
    QTabWidget* m_tabs;
    TopologyPage* m_topology;
    BacklogPage* m_backlog;
    TriggerEditorPage* m_editor;
    PublisherPage* m_publisher;
    ProblemsPane* m_problems;
    QDockWidget* m_problemsDock;
    QLabel* m_banner;
    QLabel* m_clusterBanner;
    ClusterBar* m_clusterBar;
    QToolBar* m_clusterToolBar;
    // The connection whose Trigger CRD the editor validates against.
    QPointer<KubeClient> m_schemaClient;
};
