// SPDX-License-Identifier: Apache-2.0
// The command palette: ranked subsequence matching over actions and objects, a bounded list at 20,000 objects,
// keyboard-only use, and in the window a jump to an object in the graph.
#include "commandpalette.h"
#include "commandpalettemodel.h"
#include "draftstore.h"
#include "graphview.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "topologypage.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListView>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {
std::vector<CommandPaletteModel::Item> objects(int count)
{
    std::vector<CommandPaletteModel::Item> items;
    items.reserve(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        CommandPaletteModel::Item item;
        item.kind = CommandPaletteModel::Kind::Object;
        item.text = u"team-%1/orders-%2-trigger"_s.arg(i % 50).arg(i);
        item.detail = i % 3 ? u"Trigger"_s : u"Knative Service"_s;
        item.objectId = u"eventing.knative.dev/Trigger/team-%1/orders-%2-trigger"_s.arg(i % 50).arg(i);
        items.push_back(std::move(item));
    }
    return items;
}
} // namespace

class TestCommandPalette : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void score_data();
    void score();
    void ranksAndCaps();
    void twentyThousandObjects();
    void keyboardRunsAnAction();
    void jumpsToAnObject();
};

void TestCommandPalette::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
}

void TestCommandPalette::score_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("better");
    QTest::addColumn<QString>("worse");
    QTest::addRow("prefix beats middle") << u"fit"_s << u"fit graph to window"_s << u"outfit the graph"_s;
    QTest::addRow("word starts beat scattered") << u"ogw"_s << u"open graph window"_s << u"logwork"_s;
    QTest::addRow("consecutive beats split") << u"bill"_s << u"shop/billing"_s << u"abxixlxl"_s;
    QTest::addRow("shorter wins a tie") << u"log"_s << u"log"_s << u"log pane with a long name"_s;
}

void TestCommandPalette::score()
{
    QFETCH(QString, query);
    QFETCH(QString, better);
    QFETCH(QString, worse);
    const int a = CommandPaletteModel::score(query, better);
    const int b = CommandPaletteModel::score(query, worse);
    QVERIFY2(a > b, qPrintable(u"%1 vs %2"_s.arg(a).arg(b)));
    QCOMPARE(CommandPaletteModel::score(u"xyz"_s, u"fit graph"_s), -1);
    QCOMPARE(CommandPaletteModel::score(u"FIT"_s, u"fit graph"_s) > 0, true);
}

void TestCommandPalette::ranksAndCaps()
{
    CommandPaletteModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto items = objects(500);
    CommandPaletteModel::Item action;
    action.text = u"Fit graph to window"_s;
    action.detail = u"View"_s;
    action.shortcut = u"Ctrl+0"_s;
    items.insert(items.begin(), action);
    model.setItems(std::move(items));
    QCOMPARE(model.rowCount(), CommandPaletteModel::maxShownRows);
    model.setQuery(u"fit graph"_s);
    QVERIFY(model.rowCount() >= 1);
    QCOMPARE(model.index(0).data(CommandPaletteModel::KindRole).toInt(), int(CommandPaletteModel::Kind::Action));
    QVERIFY(model.index(0).data().toString().contains(u"Ctrl+0"_s));
    // Subsequences match widely; the exact run ranks first.
    model.setQuery(u"orders-42-"_s);
    QVERIFY(model.rowCount() >= 1);
    QCOMPARE(model.index(0).data(CommandPaletteModel::ObjectIdRole).toString(),
        u"eventing.knative.dev/Trigger/team-42/orders-42-trigger"_s);
    model.setQuery(u"no such thing at all"_s);
    QCOMPARE(model.rowCount(), 0);
    model.setQuery({});
    QCOMPARE(model.rowCount(), CommandPaletteModel::maxShownRows);
}

void TestCommandPalette::twentyThousandObjects()
{
    CommandPaletteModel model;
    model.setItems(objects(20000));
    QElapsedTimer timer;
    timer.start();
    int rows = 0;
    // Typing "orders-1999" one key at a time: every keystroke refilters all items.
    const QString typed = u"orders-1999"_s;
    for (qsizetype i = 1; i <= typed.size(); ++i) {
        model.setQuery(typed.left(i));
        rows = model.rowCount();
    }
    const auto perKey = double(timer.elapsed()) / double(typed.size());
    qInfo("20,000 objects: %.1f ms per keystroke", perKey);
    QVERIFY(rows >= 1 && rows <= CommandPaletteModel::maxShownRows);
    QCOMPARE(model.index(0).data(CommandPaletteModel::ObjectIdRole).toString().contains(u"orders-1999"_s), true);
    // Generous for Debug and sanitizer builds; a Release build does it in a few milliseconds.
    QVERIFY2(perKey < 150, qPrintable(QString::number(perKey)));
}

void TestCommandPalette::keyboardRunsAnAction()
{
    QWidget host;
    host.resize(800, 600);
    host.show();
    QVERIFY(QTest::qWaitForWindowExposed(&host));
    QAction first(u"Open manifest files"_s);
    QAction second(u"Reconnect now"_s);
    QSignalSpy firstSpy(&first, &QAction::triggered);
    QSignalSpy secondSpy(&second, &QAction::triggered);
    std::vector<CommandPaletteModel::Item> items(2);
    items[0].text = first.text();
    items[0].action = &first;
    items[1].text = second.text();
    items[1].action = &second;
    CommandPalette palette(&host);
    palette.open(std::move(items));
    QTRY_VERIFY(palette.isVisible());
    QCOMPARE(palette.lineEdit()->hasFocus() || QApplication::focusWidget() == palette.lineEdit(), true);
    // Down then Enter runs the second action and closes the palette.
    QTest::keyClick(palette.lineEdit(), Qt::Key_Down);
    QCOMPARE(palette.list()->currentIndex().row(), 1);
    QTest::keyClick(palette.lineEdit(), Qt::Key_Up);
    QTest::keyClick(palette.lineEdit(), Qt::Key_Up);
    QCOMPARE(palette.list()->currentIndex().row(), 0);
    QTest::keyClicks(palette.lineEdit(), u"recon"_s);
    QCOMPARE(palette.model()->rowCount(), 1);
    QTest::keyClick(palette.lineEdit(), Qt::Key_Return);
    QCOMPARE(secondSpy.size(), 1);
    QCOMPARE(firstSpy.size(), 0);
    QVERIFY(!palette.isVisible());
    // Escape closes without running anything.
    std::vector<CommandPaletteModel::Item> again(1);
    again[0].text = first.text();
    again[0].action = &first;
    palette.open(std::move(again));
    QTest::keyClick(palette.lineEdit(), Qt::Key_Escape);
    QVERIFY(!palette.isVisible());
    QCOMPARE(firstSpy.size(), 0);
}

void TestCommandPalette::jumpsToAnObject()
{
    MeshSession session;
    session.startDemo();
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString id = u"eventing.knative.dev/Trigger/serverless-apps/billing-process-trigger"_s;
    auto* graph = window.topologyPage()->graphView();
    QTRY_VERIFY_WITH_TIMEOUT(graph->hasNode(id), 10000);
    window.tabs()->setCurrentIndex(2);
    window.showCommandPalette();
    auto* palette = window.commandPalette();
    QTRY_VERIFY(palette->isVisible());
    // Actions of the window are offered too, with their shortcuts.
    palette->lineEdit()->setText(u"fit graph"_s);
    QVERIFY(palette->model()->rowCount() >= 1);
    QVERIFY(palette->model()->index(0).data().toString().contains(
        QKeySequence(u"Ctrl+0"_s).toString(QKeySequence::NativeText)));
    palette->lineEdit()->clear();
    QTest::keyClicks(palette->lineEdit(), u"billing-process-trig"_s);
    QVERIFY(palette->model()->rowCount() >= 1);
    QCOMPARE(palette->model()->index(0).data(CommandPaletteModel::ObjectIdRole).toString(), id);
    QTest::keyClick(palette->lineEdit(), Qt::Key_Return);
    QCOMPARE(window.tabs()->currentWidget(), window.topologyPage());
    QTRY_COMPARE(graph->selectedNodeId(), id);
}

QTEST_MAIN(TestCommandPalette)

#include "tst_commandpalette.moc"
