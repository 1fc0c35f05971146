// SPDX-License-Identifier: Apache-2.0
// The demo as a new user sees it: the window opens on the embedded mesh, the graph fills with the demo's
// objects, the backlog chart gets points measured from the in-process Kafka cluster, a test event is
// published, and broken input is reported with its location while the app stays up.
#include "backlogpage.h"
#include "chartpane.h"
#include "chartsink.h"
#include "draftstore.h"
#include "eventhistory.h"
#include "graphview.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "objectstore.h"
#include "problemspane.h"
#include "publisherpage.h"
#include "topologygraph.h"
#include "topologypage.h"
#include "triggereditorpage.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void demoFillsTheGraph();
    void backlogChartGetsPoints();
    void publishesATestEvent_data();
    void publishesATestEvent();
    void editorReportsLineAndColumn();
    void brokenManifestIsReported();
    void everyControlReachableByTab_data();
    void everyControlReachableByTab();
    void cleanupTestCase();

private:
    std::unique_ptr<MeshSession> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    // Drafts live under the test-mode data folder, emptied so that every run starts the same.
    QStandardPaths::setTestModeEnabled(true);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
    m_session = std::make_unique<MeshSession>();
    m_session->startDemo();
    m_window = std::make_unique<MainWindow>(m_session.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::demoFillsTheGraph()
{
    // Every object of a kind the graph draws has its node, and the view has drawn them all.
    const auto objects = m_session->store()->objects();
    QVERIFY(objects.size() > 30);
    QStringList expected;
    for (const auto& object : objects) {
        if (object->kind != ObjectKind::Unknown && object->kind != ObjectKind::PodAutoscaler)
            expected.append(object->key.toString());
    }
    auto* view = m_window->topologyPage()->graphView();
    QTRY_VERIFY_WITH_TIMEOUT(view->nodeCount() >= expected.size(), 10000);
    for (const auto& id : std::as_const(expected))
        QVERIFY2(view->hasNode(id), qPrintable(id));
    const auto* trigger
        = m_session->graph()->node(u"eventing.knative.dev/Trigger/serverless-apps/billing-process-trigger"_s);
    QVERIFY(trigger);
    QCOMPARE(trigger->readiness, Readiness::Ready);
    // The deliberately missing subscriber of the demo is a visible node, not a crash.
    const auto* missing = m_session->graph()->node(u"serving.knative.dev/Service/shop/legacy-crm-bridge"_s);
    QVERIFY(missing);
    QCOMPARE(missing->kind, NodeKind::Missing);
    QVERIFY(view->edgeCount() > 30);
}

void TestMainWindow::backlogChartGetsPoints()
{
    // Charts are drawn only while they are on screen.
    QTabWidget* tabs = nullptr;
    const auto tabWidgets = m_window->findChildren<QTabWidget*>();
    for (auto* candidate : tabWidgets) {
        if (candidate->indexOf(m_window->backlogPage()) >= 0)
            tabs = candidate;
    }
    QVERIFY(tabs);
    auto* previous = tabs->currentWidget();
    tabs->setCurrentWidget(m_window->backlogPage());
    auto* charts = m_window->backlogPage()->charts();
    QTRY_VERIFY_WITH_TIMEOUT(charts->backlogChart()->pointCount() >= 2, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(charts->replicaChart()->pointCount() >= 2, 20000);
    tabs->setCurrentWidget(previous);
}

void TestMainWindow::publishesATestEvent_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expectedTrigger");
    QTest::addRow("billing started") << u"com.shivamitcs.billing.started"_s << u"billing-process-trigger"_s;
    QTest::addRow("billing failed, prefix filter")
        << u"com.shivamitcs.billing.failed.card"_s << u"billing-failed-trigger"_s;
}

void TestMainWindow::publishesATestEvent()
{
    QFETCH(QString, type);
    QFETCH(QString, expectedTrigger);
    auto* publisher = m_window->publisherPage();
    QTRY_VERIFY_WITH_TIMEOUT(m_session->transport() != nullptr, 20000);
    publisher->selectBroker(
        { u"eventing.knative.dev"_s, u"Broker"_s, u"serverless-apps"_s, u"default-event-broker"_s });
    publisher->typeField()->setText(type);
    QTRY_VERIFY(publisher->publishButton()->isEnabled());
    QVERIFY(publisher->matchingTriggerNames().contains(expectedTrigger));
    QSignalSpy results(publisher, &PublisherPage::resultShown);
    QTest::mouseClick(publisher->publishButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(results.count(), 1, 15000);
    QVERIFY2(
        results.first().first().toString().startsWith(u"delivered"_s), qPrintable(results.first().first().toString()));
    // The window follows the event through the trigger's consumer group, which the demo's dispatcher commits.
    const auto* history = publisher->history();
    const auto trace
        = [history, expectedTrigger] { return history->data(history->index(0, EventHistory::TraceColumn)).toString(); };
    QTRY_VERIFY2_WITH_TIMEOUT(
        trace().contains(u"delivered to trigger "_s % expectedTrigger), qPrintable(trace()), 30000);
}

void TestMainWindow::editorReportsLineAndColumn()
{
    auto* editor = m_window->editorPage();
    editor->newTrigger();
    QVERIFY(editor->issues().isEmpty());
    auto text = editor->text();
    text.replace(u"      type: com.shivamitcs.billing.started"_s, u"      Type!: com.shivamitcs.billing.started"_s);
    QSignalSpy validated(editor, &TriggerEditorPage::validated);
    editor->setText(text);
    QVERIFY(!validated.isEmpty());
    const auto issues = editor->issues();
    QVERIFY(!issues.isEmpty());
    QCOMPARE(issues.first().location.line, 10);
    QCOMPARE(issues.first().location.column, 7);
}

void TestMainWindow::brokenManifestIsReported()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto path = dir.filePath(u"broken.yaml"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: x\n spec: [\n");
    file.close();
    m_session->openManifests({ path });
    auto* problems = m_window->problemsPane();
    QTRY_VERIFY_WITH_TIMEOUT(problems->count() > 0, 5000);
    QVERIFY2(problems->texts().join(u'\n').contains(path % u":5:"_s), qPrintable(problems->texts().join(u'\n')));
    // The app stays up and the demo keeps its objects.
    QVERIFY(m_window->isVisible());
    QVERIFY(m_session->store()->size() > 30);
}

void TestMainWindow::everyControlReachableByTab_data()
{
    QTest::addColumn<int>("page");
    QTest::addRow("topology") << 0;
    QTest::addRow("trigger editor") << 2;
    QTest::addRow("publisher") << 3;
}

// Keyboard alone: from the page's first control, Tab visits every control of the page that takes focus.
void TestMainWindow::everyControlReachableByTab()
{
    QFETCH(int, page);
    m_window->tabs()->setCurrentIndex(page);
    auto* widget = m_window->tabs()->currentWidget();
    if (page == 2)
        m_window->editorPage()->newTrigger();
    QTest::qWait(50);
    QList<QWidget*> expected;
    const auto children = widget->findChildren<QWidget*>();
    for (auto* child : children) {
        if (child->isVisibleTo(m_window.get()) && child->isEnabled() && (child->focusPolicy() & Qt::TabFocus)
            && !child->focusProxy())
            expected.append(child);
    }
    QVERIFY(expected.size() > 3);
    m_window->activateWindow();
    expected.first()->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(expected.first()->hasFocus());
    QSet<QWidget*> reached;
    for (int step = 0; step < 400 && reached.size() < expected.size(); ++step) {
        if (auto* focused = QApplication::focusWidget(); expected.contains(focused))
            reached.insert(focused);
        // The YAML editor keeps Tab for indenting; Ctrl+Tab leaves it.
        auto* text = qobject_cast<QPlainTextEdit*>(QApplication::focusWidget());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab,
            text && !text->tabChangesFocus() ? Qt::ControlModifier : Qt::NoModifier);
    }
    for (auto* child : std::as_const(expected))
        QVERIFY2(reached.contains(child),
            qPrintable(QString::fromLatin1(child->metaObject()->className()) % u' ' % child->objectName() % u' '
                % child->accessibleName() % u' ' % child->toolTip()));
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
