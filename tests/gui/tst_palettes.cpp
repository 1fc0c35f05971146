// SPDX-License-Identifier: Apache-2.0
// The window follows the application palette, light or dark, while it runs: the graph and the charts take their
// colours from it, so a dark system theme does not leave white charts or dark text on a dark graph. With
// MESHSCOPE_SCREENSHOT_DIR set it leaves light.png and dark.png there for a person to look at.
#include "backlogpage.h"
#include "chartpane.h"
#include "draftstore.h"
#include "graphview.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "qtchartsink.h"
#include "topologypage.h"

#include <QChart>
#include <QDir>
#include <QLegend>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {
QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x55, 0x55, 0x55));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xe8));
    return p;
}

bool isDark(const QColor& colour) { return colour.lightness() < 100; }

void screenshot(QWidget* window, const QString& name)
{
    const QString folder = qEnvironmentVariable("MESHSCOPE_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        window->grab().save(QDir(folder).filePath(name));
}
} // namespace

class TestPalettes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void followsLightAndDark();
};

void TestPalettes::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
}

void TestPalettes::followsLightAndDark()
{
    MeshSession session;
    session.startDemo();
    MainWindow window(&session);
    window.resize(1400, 880);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* graph = window.topologyPage()->graphView();
    QTRY_VERIFY_WITH_TIMEOUT(graph->nodeCount() > 30, 10000);
    auto* charts = window.backlogPage()->charts();
    auto* chart = static_cast<QtChartSink*>(charts->detailChart())->chart();
    QVERIFY(!isDark(chart->backgroundBrush().color()));
    screenshot(&window, u"light.png"_s);

    QApplication::setPalette(darkPalette());
    QCoreApplication::processEvents();
    // The graph paints its background from the palette's base colour.
    const QImage drawn = graph->grab().toImage();
    QVERIFY(isDark(drawn.pixelColor(4, drawn.height() - 4)));
    // Charts: background, titles, legends and axes follow.
    for (auto* sink : { charts->detailChart(), charts->backlogChart(), charts->replicaChart() }) {
        auto* c = static_cast<QtChartSink*>(sink)->chart();
        QVERIFY(isDark(c->backgroundBrush().color()));
        QVERIFY(!isDark(c->titleBrush().color()));
        QVERIFY(!isDark(c->legend()->labelColor()));
        for (const auto* axis : c->axes())
            QVERIFY(!isDark(axis->labelsBrush().color()));
    }
    screenshot(&window, u"dark.png"_s);
    window.tabs()->setCurrentWidget(window.backlogPage());
    QTest::qWait(600);
    screenshot(&window, u"dark-backlog.png"_s);

    QApplication::setPalette(QApplication::style()->standardPalette());
    QCoreApplication::processEvents();
    QVERIFY(!isDark(chart->backgroundBrush().color()));
    QVERIFY(!isDark(graph->grab().toImage().pixelColor(4, 4)));
}

QTEST_MAIN(TestPalettes)

#include "tst_palettes.moc"
