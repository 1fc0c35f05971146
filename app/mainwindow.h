// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <memory>

class BacklogPage;
class CloudEvent;
struct DeliveryResult;
class ClusterBar;
class CommandPalette;
class LogModel;
class LogPane;
class ProgressNotice;
class QMenu;
class WindowSettings;
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

// Wires the pages to one MeshSession; the pages and the session do the work. What it remembers across runs is in
// WindowSettings; the log it shows is the application's LogModel (its own, empty one when none is given).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MeshSession* session, LogModel* log = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    TopologyPage* topologyPage() const { return m_topology; }
    BacklogPage* backlogPage() const { return m_backlog; }
    TriggerEditorPage* editorPage() const { return m_editor; }
    PublisherPage* publisherPage() const { return m_publisher; }
    ProblemsPane* problemsPane() const { return m_problems; }
    QDockWidget* problemsDock() const { return m_problemsDock; }
    QTabWidget* tabs() const { return m_tabs; }
    ClusterBar* clusterBar() const { return m_clusterBar; }
    QLabel* clusterBanner() const { return m_clusterBanner; }
    LogPane* logPane() const { return m_logPane; }
    QDockWidget* logDock() const { return m_logDock; }
    CommandPalette* commandPalette() const { return m_palette; }
    ProgressNotice* progressNotice() const { return m_progress; }
    QMenu* recentClusterMenu() const { return m_recentClusters; }
    QMenu* recentManifestMenu() const { return m_recentManifests; }

    // Writes the layout, page and chart range to the settings (closing the window does it too).
    void saveSettings();
    void showCommandPalette();
    void showShortcutSheet();
    // Shows the topology page with the object selected (TopologyNode::id).
    void jumpToObject(const QString& id);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void restoreSettings();
    void rebuildRecentMenus();
    void openRecentManifests(const QString& path);
    void openFolder();
    void openFiles();
    void updateProblems();
    void updateCluster();
    void updateClusterState();
    void switchContext(const QString& context);
    void switchNamespaces(const QStringList& namespaces);
    void editBrokerConnections();
    void restoreBrokerConnections();
    void updatePublishing();
    void traceDelivery(quint64 requestId, const ObjectKey& broker, const CloudEvent& event,
        const QStringList& matchedTriggers, const DeliveryResult& result);
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
    QDockWidget* m_logDock;
    LogModel* m_log;
    LogPane* m_logPane;
    CommandPalette* m_palette;
    ProgressNotice* m_progress;
    QMenu* m_recentClusters = nullptr;
    QMenu* m_recentManifests = nullptr;
    std::unique_ptr<WindowSettings> m_settings;
    // The connection whose Trigger CRD the editor validates against.
    QPointer<KubeClient> m_schemaClient;
    // Delivery traces running, by trace id: the publisher's request id whose trace column they fill.
    QHash<quint64, quint64> m_traces;
};
