// SPDX-License-Identifier: Apache-2.0
// The shortcut sheet is generated from the window's actions, and every button and action of the window can be
// told apart without seeing its icon: it has a text or a tooltip.
#include "draftstore.h"
#include "graphview.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "shortcutsheet.h"
#include "topologypage.h"
#include "triggereditorpage.h"

#include <QAbstractButton>
#include <QAction>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestShortcutSheet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listsEveryShortcut();
    void filters();
    void frequentActionsHaveShortcuts_data();
    void frequentActionsHaveShortcuts();
    void noShortcutIsTakenTwice();
    void everyButtonAndActionIsLabelled();
    void graphReachableByKeyboard();
    void plainText_data();
    void plainText();
    void cleanupTestCase();

private:
    std::unique_ptr<MeshSession> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestShortcutSheet::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
    m_session = std::make_unique<MeshSession>();
    m_session->startDemo();
    m_window = std::make_unique<MainWindow>(m_session.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestShortcutSheet::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
}

void TestShortcutSheet::listsEveryShortcut()
{
    ShortcutSheet sheet(m_window.get());
    QStringList listed;
    for (int g = 0; g < sheet.tree()->topLevelItemCount(); ++g) {
        const auto* group = sheet.tree()->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            listed.append(group->child(i)->text(1));
    }
    // Every action of the window with a shortcut is on the sheet, and nothing without one.
    int withShortcut = 0;
    for (const auto& entry : ShortcutSheet::entries(m_window.get())) {
        if (entry.shortcut.isEmpty())
            continue;
        ++withShortcut;
        QVERIFY2(listed.contains(entry.shortcut), qPrintable(entry.text));
    }
    QCOMPARE(sheet.visibleCount(), withShortcut);
    QVERIFY(withShortcut >= 15);
    // Grouped by menu, then by page for the pages' own actions.
    QStringList groups;
    for (int g = 0; g < sheet.tree()->topLevelItemCount(); ++g)
        groups.append(sheet.tree()->topLevelItem(g)->text(0));
    for (const auto& wanted : { u"File"_s, u"View"_s, u"Cluster"_s, u"Help"_s })
        QVERIFY2(groups.contains(wanted), qPrintable(groups.join(u", "_s)));
}

void TestShortcutSheet::filters()
{
    ShortcutSheet sheet(m_window.get());
    const int all = sheet.visibleCount();
    sheet.filterField()->setText(u"palette"_s);
    QCOMPARE(sheet.visibleCount(), 1);
    sheet.filterField()->setText(u"cluster"_s);
    QVERIFY(sheet.visibleCount() >= 4);
    sheet.filterField()->setText(u"nothing like this"_s);
    QCOMPARE(sheet.visibleCount(), 0);
    sheet.filterField()->clear();
    QCOMPARE(sheet.visibleCount(), all);
}

void TestShortcutSheet::frequentActionsHaveShortcuts_data()
{
    QTest::addColumn<QString>("text");
    for (const auto& text : { u"Open manifest files"_s, u"Open manifest folder"_s, u"Topology"_s, u"Trigger editor"_s,
             u"Fit graph to window"_s, u"Command palette"_s, u"Log"_s, u"Problems"_s, u"Reconnect now"_s,
             u"Disconnect"_s, u"Keyboard shortcuts"_s, u"Quit"_s })
        QTest::addRow("%s", qPrintable(text)) << text;
}

void TestShortcutSheet::frequentActionsHaveShortcuts()
{
    QFETCH(QString, text);
    for (const auto& entry : ShortcutSheet::entries(m_window.get())) {
        if (entry.text == text || entry.text.startsWith(text + u" ("_s)) {
            QVERIFY2(!entry.shortcut.isEmpty(), qPrintable(text));
            return;
        }
    }
    QFAIL(qPrintable(u"no action "_s + text));
}

void TestShortcutSheet::noShortcutIsTakenTwice()
{
    // Within the window's menus (global context) one key does one thing; ambiguous keys do nothing at all.
    QHash<QKeySequence, QString> seen;
    for (const auto& entry : ShortcutSheet::entries(m_window.get())) {
        if (!entry.action || entry.action->shortcutContext() != Qt::WindowShortcut)
            continue;
        for (const auto& key : entry.action->shortcuts()) {
            QVERIFY2(
                !seen.contains(key), qPrintable(key.toString() + u": "_s + seen.value(key) + u" and "_s + entry.text));
            seen.insert(key, entry.text);
        }
    }
}

void TestShortcutSheet::everyButtonAndActionIsLabelled()
{
    QStringList unlabelled;
    for (const auto* button : m_window->findChildren<QAbstractButton*>()) {
        if (button->text().trimmed().isEmpty() && button->toolTip().trimmed().isEmpty()
            && button->accessibleName().trimmed().isEmpty()) {
            // Qt's own helpers (a line edit's clear button, a tab bar's scroll arrows) are labelled by Qt.
            if (button->objectName().startsWith(u"qt_"_s) || button->inherits("QTableCornerButton")
                || button->parent()->inherits("QTabBar") || button->parent()->inherits("QLineEdit")
                || button->parent()->inherits("QDockWidget"))
                continue;
            unlabelled.append(QString::fromLatin1(button->metaObject()->className()) + u" in "_s
                + QString::fromLatin1(button->parent()->metaObject()->className()));
        }
    }
    for (const auto* action : m_window->findChildren<QAction*>()) {
        // Qt's own (a line edit's clear action, a combo box's) are Qt's to label.
        if (action->isSeparator() || action->inherits("QWidgetAction") || action->objectName().startsWith(u"qt_"_s)
            || action->objectName().startsWith(u"_q_"_s) || action->parent()->inherits("QLineEdit"))
            continue;
        // A popup menu's own action and a page toolbar's show/hide action are never shown as items.
        const auto* menu = qobject_cast<const QMenu*>(action->parent());
        const auto* toolBar = qobject_cast<const QToolBar*>(action->parent());
        if ((menu && menu->menuAction() == action) || (toolBar && toolBar->toggleViewAction() == action))
            continue;
        if (action->text().trimmed().isEmpty() && action->toolTip().trimmed().isEmpty())
            unlabelled.append(u"QAction in "_s + QString::fromLatin1(action->parent()->metaObject()->className()));
    }
    QVERIFY2(unlabelled.isEmpty(), qPrintable(unlabelled.join(u"; "_s)));
}

void TestShortcutSheet::graphReachableByKeyboard()
{
    auto* graph = m_window->topologyPage()->graphView();
    QTRY_VERIFY_WITH_TIMEOUT(graph->nodeCount() > 10, 10000);
    m_window->activateWindow();
    m_window->tabs()->setCurrentWidget(m_window->topologyPage());
    // From the search field, Tab alone gets to the graph.
    m_window->topologyPage()->searchField()->setFocus();
    QTRY_VERIFY(m_window->topologyPage()->searchField()->hasFocus());
    bool reached = false;
    for (int i = 0; i < 20 && !reached; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        reached = graph->hasFocus();
    }
    QVERIFY(reached);
    // From anywhere, Ctrl+G; then the arrows move the selection.
    m_window->tabs()->setCurrentWidget(m_window->editorPage());
    QTest::keyClick(m_window.get(), Qt::Key_G, Qt::ControlModifier);
    QCOMPARE(m_window->tabs()->currentWidget(), m_window->topologyPage());
    QTRY_VERIFY(graph->hasFocus());
    graph->selectNode({});
    QTest::keyClick(graph, Qt::Key_Right);
    QVERIFY(!graph->selectedNodeId().isEmpty());
}

void TestShortcutSheet::plainText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::addRow("mnemonic") << u"&Open manifest files…"_s << u"Open manifest files"_s;
    QTest::addRow("escaped ampersand") << u"&Backlog && scaling"_s << u"Backlog & scaling"_s;
    QTest::addRow("three dots") << u"Save..."_s << u"Save"_s;
}

void TestShortcutSheet::plainText()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(ShortcutSheet::plainText(text), expected);
}

QTEST_MAIN(TestShortcutSheet)

#include "tst_shortcutsheet.moc"
