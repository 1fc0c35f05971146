// SPDX-License-Identifier: Apache-2.0
// What the window remembers across runs: a window saves its layout and settings, a new window over the same
// settings comes back the same: size, docks, splitters, page, chart range, recent clusters and manifest folders.
#include "backlogpage.h"
#include "chartpane.h"
#include "draftstore.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "windowsettings.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QMenu>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

#include <numeric>

using namespace Qt::StringLiterals;

namespace {
QStringList menuTexts(const QMenu* menu)
{
    QStringList texts;
    for (const auto* action : menu->actions())
        texts.append(action->text());
    return texts;
}

bool isPageSplitter(const QSplitter* splitter)
{
    // Horizontal ones: their widths do not depend on which docks were open when each page was last shown.
    return splitter->orientation() == Qt::Horizontal
        && (splitter->parent()->inherits("TopologyPage") || splitter->parent()->inherits("PublisherPage"));
}
} // namespace

class TestWindowSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void restoresLayoutAndSettings();
    void recentListsAreBoundedAndDeduplicated();
    void nothingSavedKeepsDefaults();

private:
    std::unique_ptr<MeshSession> m_session;
};

void TestWindowSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"MeshscopeTest"_s);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
    m_session = std::make_unique<MeshSession>();
    m_session->startDemo();
}

void TestWindowSettings::init()
{
    // Every case starts from an empty settings file (test mode keeps it away from the user's).
    WindowSettings settings;
    settings.settings().clear();
    settings.sync();
}

void TestWindowSettings::restoresLayoutAndSettings()
{
    // By object name: the order findChildren() gives differs between two windows built alike.
    QHash<QString, QList<int>> splitterSizes;
    QSize savedSize;
    {
        MainWindow window(m_session.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(1100, 720);
        // The user has been on every page, so every splitter was laid out and has sizes of its own.
        for (int page = window.tabs()->count() - 1; page >= 0; --page) {
            window.tabs()->setCurrentIndex(page);
            QTest::qWait(20);
        }
        window.logDock()->show();
        window.problemsDock()->hide();
        window.tabs()->setCurrentWidget(window.backlogPage());
        window.backlogPage()->charts()->setRange(ChartPane::Range::OneDay);
        QTest::qWait(50);
        auto splitters = window.findChildren<QSplitter*>();
        QVERIFY(!splitters.isEmpty());
        for (auto* splitter : std::as_const(splitters)) {
            const auto sizes = splitter->sizes();
            // The user drags the page-level dividers (graph | inspector, form | results), within their minimums.
            if (!isPageSplitter(splitter))
                continue;
            if (sizes.size() >= 2 && sizes[0] + sizes[1] > 100)
                splitter->setSizes({ (sizes[0] + sizes[1]) / 3, sizes[0] + sizes[1] - (sizes[0] + sizes[1]) / 3 });
        }
        {
            WindowSettings settings;
            settings.addRecentCluster({ u"kind-dev"_s, { u"shop"_s, u"default"_s } });
            settings.addRecentCluster({ u"prod"_s, {} });
            settings.addRecentManifestPath(u"/tmp/manifests-a"_s);
        }
        QTest::qWait(50);
        // What the user sees at the moment the window closes is what must come back.
        for (const auto* splitter : std::as_const(splitters))
            splitterSizes.insert(splitter->objectName(), splitter->sizes());
        savedSize = window.size();
        window.close();
    }

    MainWindow restored(m_session.get());
    restored.show();
    QVERIFY(QTest::qWaitForWindowExposed(&restored));
    QCOMPARE(restored.size(), savedSize);
    QCOMPARE(restored.width(), 1100);
    QVERIFY(restored.logDock()->isVisible());
    QVERIFY(!restored.problemsDock()->isVisible());
    QCOMPARE(restored.tabs()->currentWidget(), restored.backlogPage());
    QCOMPARE(restored.backlogPage()->charts()->range(), ChartPane::Range::OneDay);
    // Every page shown once, as the user would, so that each splitter has its real size.
    for (int page = restored.tabs()->count() - 1; page >= 0; --page) {
        restored.tabs()->setCurrentIndex(page);
        QTest::qWait(20);
    }
    const auto splitters = restored.findChildren<QSplitter*>();
    QCOMPARE(splitters.size(), splitterSizes.size());
    for (qsizetype i = 0; i < splitters.size(); ++i) {
        const auto sizes = splitters[i]->sizes();
        QVERIFY2(splitterSizes.contains(splitters[i]->objectName()), qPrintable(splitters[i]->objectName()));
        const auto saved = splitterSizes.value(splitters[i]->objectName());
        QCOMPARE(sizes.size(), saved.size());
        if (!isPageSplitter(splitters[i]))
            continue;
        // A splitter on a page never shown was never laid out: it had no sizes to save.
        if (std::accumulate(saved.cbegin(), saved.cend(), 0) == 0)
            continue;
        // Proportions: the window may round a pixel here and there.
        const double total = std::accumulate(sizes.cbegin(), sizes.cend(), 0);
        const double savedTotal = std::accumulate(saved.cbegin(), saved.cend(), 0);
        // Inside a pane hidden for now (e.g. a preview without events): laid out once it shows.
        if (total == 0)
            continue;
        for (qsizetype j = 0; j < sizes.size(); ++j)
            QVERIFY2(qAbs(sizes[j] / total - saved[j] / savedTotal) < 0.02,
                qPrintable(u"splitter %1 in %4: %2 vs %3"_s.arg(splitters[i]->objectName())
                               .arg(sizes[j])
                               .arg(saved[j])
                               .arg(QString::fromLatin1(splitters[i]->parent()->metaObject()->className()))));
    }
    const auto clusters = menuTexts(restored.recentClusterMenu());
    QCOMPARE(clusters.size(), 2);
    QVERIFY2(clusters[0].startsWith(u"prod"_s), qPrintable(clusters.join(u", "_s)));
    QVERIFY(clusters[1].contains(u"kind-dev"_s));
    QVERIFY(clusters[1].contains(u"shop, default"_s));
    QVERIFY(restored.recentClusterMenu()->isEnabled());
    QCOMPARE(menuTexts(restored.recentManifestMenu()), QStringList { QDir::toNativeSeparators(u"/tmp/manifests-a"_s) });
}

void TestWindowSettings::recentListsAreBoundedAndDeduplicated()
{
    WindowSettings settings;
    for (int i = 0; i < WindowSettings::maxRecent + 3; ++i)
        settings.addRecentCluster({ u"ctx-%1"_s.arg(i), { u"ns"_s } });
    settings.addRecentCluster({ u"ctx-5"_s, { u"ns"_s } });
    const auto clusters = settings.recentClusters();
    QCOMPARE(clusters.size(), WindowSettings::maxRecent);
    QCOMPARE(clusters.first().context, u"ctx-5"_s);
    QCOMPARE(settings.recentContexts().count(u"ctx-5"_s), 1);
    // The same context with other namespaces is another entry; the context is listed once.
    settings.addRecentCluster({ u"ctx-5"_s, {} });
    QCOMPARE(settings.recentClusters().first().namespaces, QStringList());
    QCOMPARE(settings.recentContexts().count(u"ctx-5"_s), 1);
    for (int i = 0; i < WindowSettings::maxRecent + 2; ++i)
        settings.addRecentManifestPath(u"/m/%1"_s.arg(i));
    settings.addRecentManifestPath(u"/m/3"_s);
    QCOMPARE(settings.recentManifestPaths().size(), WindowSettings::maxRecent);
    QCOMPARE(settings.recentManifestPaths().first(), u"/m/3"_s);
    settings.clearRecent();
    QVERIFY(settings.recentClusters().isEmpty());
}

void TestWindowSettings::nothingSavedKeepsDefaults()
{
    MainWindow window(m_session.get());
    WindowSettings settings;
    QVERIFY(!settings.restoreLayout(&window));
    QCOMPARE(window.tabs()->currentIndex(), 0);
    QCOMPARE(window.backlogPage()->charts()->range(), ChartPane::Range::FiveMinutes);
    QVERIFY(!window.recentClusterMenu()->isEnabled());
    // A layout saved under another version is not applied.
    settings.settings().setValue(u"layout/v0/geometry"_s, window.saveGeometry());
    QVERIFY(!settings.restoreLayout(&window));
}

QTEST_MAIN(TestWindowSettings)

#include "tst_windowsettings.moc"
