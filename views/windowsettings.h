// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSettings>
#include <QStringList>

#include <memory>

class QMainWindow;
class QWidget;

// What the window remembers across runs, in the user's settings file: geometry and dock/toolbar state, splitter
// sizes, the current page, the chart range, recent contexts with their namespaces and recent manifest folders.
// Never a secret: those stay in the keyring. Layout entries carry layoutVersion; a layout saved by another version
// is ignored rather than restored into a window whose docks changed.
class WindowSettings {
public:
    static constexpr int layoutVersion = 1;
    static constexpr int maxRecent = 8;

    struct RecentCluster {
        QString context;
        QStringList namespaces; // empty: all namespaces
        friend bool operator==(const RecentCluster&, const RecentCluster&) = default;
    };

    // The application's default settings (QSettings()), or the file given (tests).
    WindowSettings();
    explicit WindowSettings(const QString& fileName);
    ~WindowSettings();

    // Geometry, dock and toolbar state, and the sizes of every splitter in the window (in creation order).
    void saveLayout(const QMainWindow* window);
    // False when nothing (of this layout version) was saved; the window keeps its defaults then.
    bool restoreLayout(QMainWindow* window) const;

    void setCurrentPage(const QString& page);
    QString currentPage() const;
    void setChartRange(int range);
    int chartRange(int fallback) const;

    // Most recent first, without duplicates, at most maxRecent.
    QList<RecentCluster> recentClusters() const;
    void addRecentCluster(const RecentCluster& cluster);
    QStringList recentContexts() const;
    QStringList recentManifestPaths() const;
    void addRecentManifestPath(const QString& path);
    void clearRecent();

    QSettings& settings() { return *m_settings; }
    void sync() { m_settings->sync(); }

private:
    std::unique_ptr<QSettings> m_settings;
};
