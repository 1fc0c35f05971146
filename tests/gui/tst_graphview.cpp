// SPDX-License-Identifier: Apache-2.0
// The graph view on a hand-made mesh: a broker with more triggers than fit unfolded, a small one, shared
// subscribers. Checks what a user does with it: open and fold a bundle, search by event type, label and name,
// focus on a neighbourhood, walk the graph with the keyboard, use the context menu, export the view.
#include "graphview.h"
#include "manifestparser.h"
#include "meshsession.h"
#include "objectstore.h"
#include "topologygraph.h"
#include "topologypage.h"

#include <QImage>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {
const QString ns = u"mesh"_s;
constexpr int bigTriggers = GraphLayout::bundleThreshold + 3;

QString brokerId(const QString& name) { return u"eventing.knative.dev/Broker/mesh/"_s % name; }
QString triggerId(const QString& name) { return u"eventing.knative.dev/Trigger/mesh/"_s % name; }
QString serviceId(const QString& name) { return u"serving.knative.dev/Service/mesh/"_s % name; }
QString bigTrigger(int i) { return u"big-t%1"_s.arg(i, 2, 10, QChar(u'0')); }

QJsonObject readyStatus()
{
    return QJsonObject { { u"observedGeneration"_s, 1 },
        { u"conditions"_s, QJsonArray { QJsonObject { { u"type"_s, u"Ready"_s }, { u"status"_s, u"True"_s } } } } };
}

QJsonObject metadata(const QString& name, const QJsonObject& labels = {})
{
    return QJsonObject { { u"name"_s, name }, { u"namespace"_s, ns }, { u"generation"_s, 1 }, { u"labels"_s, labels } };
}

KnativeObjectPtr object(const QJsonObject& json)
{
    auto parsed = ManifestParser::fromJson(json, u"test"_s);
    Q_ASSERT(parsed);
    return parsed;
}

KnativeObjectPtr broker(const QString& name)
{
    return object({ { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Broker"_s },
        { u"metadata"_s, metadata(name) }, { u"status"_s, readyStatus() } });
}

KnativeObjectPtr trigger(const QString& name, const QString& brokerName, const QString& type, const QString& subscriber,
    const QJsonObject& labels = {})
{
    const QJsonObject spec { { u"broker"_s, brokerName },
        { u"filter"_s, QJsonObject { { u"attributes"_s, QJsonObject { { u"type"_s, type } } } } },
        { u"subscriber"_s,
            QJsonObject { { u"ref"_s,
                QJsonObject { { u"apiVersion"_s, u"serving.knative.dev/v1"_s }, { u"kind"_s, u"Service"_s },
                    { u"name"_s, subscriber } } } } } };
    return object({ { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Trigger"_s },
        { u"metadata"_s, metadata(name, labels) }, { u"spec"_s, spec }, { u"status"_s, readyStatus() } });
}

KnativeObjectPtr service(const QString& name, const QJsonObject& labels = {})
{
    return object({ { u"apiVersion"_s, u"serving.knative.dev/v1"_s }, { u"kind"_s, u"Service"_s },
        { u"metadata"_s, metadata(name, labels) }, { u"status"_s, readyStatus() } });
}

KnativeObjectPtr pingSource(const QString& name, const QString& brokerName)
{
    const QJsonObject spec { { u"schedule"_s, u"* * * * *"_s },
        { u"sink"_s,
            QJsonObject { { u"ref"_s,
                QJsonObject { { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Broker"_s },
                    { u"name"_s, brokerName } } } } } };
    return object({ { u"apiVersion"_s, u"sources.knative.dev/v1"_s }, { u"kind"_s, u"PingSource"_s },
        { u"metadata"_s, metadata(name) }, { u"spec"_s, spec }, { u"status"_s, readyStatus() } });
}

QList<KnativeObjectPtr> mesh()
{
    QList<KnativeObjectPtr> objects { broker(u"big"_s), broker(u"small"_s), pingSource(u"ticker"_s, u"small"_s) };
    for (int i = 0; i < 4; ++i) {
        const QJsonObject labels = i == 1 ? QJsonObject { { u"team"_s, u"payments"_s } } : QJsonObject {};
        objects.append(service(u"worker-%1"_s.arg(i), labels));
    }
    for (int i = 0; i < bigTriggers; ++i) {
        objects.append(
            trigger(bigTrigger(i), u"big"_s, u"com.example.big.type%1"_s.arg(i), u"worker-%1"_s.arg(1 + i % 3)));
    }
    for (int i = 0; i < 3; ++i) {
        const QJsonObject labels = i == 1 ? QJsonObject { { u"app"_s, u"billing"_s } } : QJsonObject {};
        objects.append(
            trigger(u"small-t%1"_s.arg(i), u"small"_s, u"com.example.small.%1"_s.arg(i), u"worker-0"_s, labels));
    }
    return objects;
}
} // namespace

class TestGraphView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void drawsEveryNode();
    void foldsManyTriggersIntoABundle();
    void opensAndFoldsTheBundle();
    void search_data();
    void search();
    void searchRevealsAFoldedTrigger();
    void focusModeDims();
    void keyboardMovesSelection();
    void contextMenuActionsReachThePage();
    void exportsSvgAndPng();
    void rendersAtEveryZoom();
    void addedTriggerLeavesTheRestInPlace();
    void cleanupTestCase();

private:
    GraphView* view() const { return m_page->graphView(); }
    void setExpanded(const QString& bundle, bool expanded);

    std::unique_ptr<MeshSession> m_session;
    std::unique_ptr<TopologyPage> m_page;
};

void TestGraphView::initTestCase()
{
    m_session = std::make_unique<MeshSession>();
    m_page = std::make_unique<TopologyPage>(m_session.get());
    m_page->resize(1300, 800);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QSignalSpy applied(view(), &GraphView::layoutApplied);
    m_session->store()->replaceOrigin(u"test"_s, mesh());
    QTRY_VERIFY(view()->hasNode(brokerId(u"big"_s)));
    QVERIFY(!applied.isEmpty());
}

void TestGraphView::setExpanded(const QString& bundle, bool expanded)
{
    view()->setBundleExpanded(bundle, expanded);
    QTRY_COMPARE(view()->hasNode(bundle), !expanded);
}

void TestGraphView::drawsEveryNode()
{
    for (const auto& id : { brokerId(u"big"_s), brokerId(u"small"_s), triggerId(u"small-t0"_s),
             serviceId(u"worker-0"_s), serviceId(u"worker-3"_s), u"sources.knative.dev/PingSource/mesh/ticker"_s })
        QVERIFY2(view()->hasNode(id), qPrintable(id));
    QVERIFY(view()->edgeCount() > 5);
    QVERIFY(!view()->isLayoutRunning());
}

void TestGraphView::foldsManyTriggersIntoABundle()
{
    const auto bundle = GraphLayout::bundleIdOf(brokerId(u"big"_s));
    QVERIFY(view()->hasNode(bundle));
    for (int i = 0; i < bigTriggers; ++i) {
        QVERIFY(!view()->hasNode(triggerId(bigTrigger(i))));
        QCOMPARE(view()->bundleOf(triggerId(bigTrigger(i))), bundle);
    }
    // The small broker's triggers stay single nodes; every node of the graph is either drawn or in the bundle.
    QVERIFY(view()->bundleOf(triggerId(u"small-t0"_s)).isEmpty());
    QCOMPARE(view()->nodeCount(), m_session->graph()->nodes().size() - bigTriggers + 1);
    QCOMPARE(view()->actionsFor(bundle),
        QList({ GraphView::NodeAction::OpenBundle, GraphView::NodeAction::FocusNeighbourhood }));
    QVERIFY(view()->actionText(GraphView::NodeAction::OpenBundle, bundle).contains(QString::number(bigTriggers)));
}

void TestGraphView::opensAndFoldsTheBundle()
{
    const auto bundle = GraphLayout::bundleIdOf(brokerId(u"big"_s));
    // Enter on the selected bundle opens it.
    view()->selectNode(bundle);
    QCOMPARE(view()->selectedNodeId(), bundle);
    view()->setFocus();
    QTest::keyClick(view(), Qt::Key_Return);
    QTRY_VERIFY(view()->hasNode(triggerId(bigTrigger(0))));
    QVERIFY(!view()->hasNode(bundle));
    QVERIFY(view()->expandedBundles().contains(bundle));
    for (int i = 0; i < bigTriggers; ++i)
        QVERIFY(view()->hasNode(triggerId(bigTrigger(i))));

    // Its triggers and its broker offer to fold it again.
    const auto member = triggerId(bigTrigger(3));
    QVERIFY(view()->actionsFor(member).contains(GraphView::NodeAction::CloseBundle));
    QVERIFY(view()->actionsFor(brokerId(u"big"_s)).contains(GraphView::NodeAction::CloseBundle));
    QVERIFY(!view()->actionsFor(triggerId(u"small-t0"_s)).contains(GraphView::NodeAction::CloseBundle));
    view()->triggerAction(GraphView::NodeAction::CloseBundle, member);
    QTRY_VERIFY(view()->hasNode(bundle));
    QVERIFY(!view()->hasNode(member));
    QVERIFY(view()->expandedBundles().isEmpty());
}

void TestGraphView::search_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("event type") << u"com.example.small.2"_s << QStringList { triggerId(u"small-t2"_s) };
    QTest::addRow("event type as type=") << u"TYPE=com.example.big.type11"_s
                                         << QStringList { triggerId(bigTrigger(11)) };
    QTest::addRow("label key=value") << u"team=payments"_s << QStringList { serviceId(u"worker-1"_s) };
    QTest::addRow("kind and name") << u"trigger small-t"_s
                                   << QStringList { triggerId(u"small-t0"_s), triggerId(u"small-t1"_s),
                                          triggerId(u"small-t2"_s) };
    QTest::addRow("namespace and name") << u"mesh/worker-3"_s << QStringList { serviceId(u"worker-3"_s) };
    QTest::addRow("nothing") << u"no-such-thing"_s << QStringList {};
}

void TestGraphView::search()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    m_page->searchField()->setText(text);
    QTRY_COMPARE(view()->searchText(), text);
    auto matches = view()->searchMatches();
    matches.sort();
    QCOMPARE(matches, expected);
    // The first match that is drawn becomes the selection, and the view moves to it.
    if (!expected.isEmpty() && view()->hasNode(view()->searchMatches().first())) {
        QCOMPARE(view()->selectedNodeId(), view()->searchMatches().first());
        QVERIFY(view()->visibleSceneRect().contains(view()->nodeRect(view()->selectedNodeId())));
    }
    m_page->searchField()->clear();
    QTRY_VERIFY(view()->searchMatches().isEmpty());
}

void TestGraphView::searchRevealsAFoldedTrigger()
{
    const auto wanted = triggerId(bigTrigger(7));
    QVERIFY(!view()->bundleOf(wanted).isEmpty());
    m_page->searchField()->setText(u"com.example.big.type7"_s);
    QTest::keyClick(m_page->searchField(), Qt::Key_Return);
    QCOMPARE(view()->searchMatches(), QStringList { wanted });
    // Enter opens the bundle it is folded into and selects it once laid out.
    QTRY_COMPARE(view()->selectedNodeId(), wanted);
    QVERIFY(view()->hasNode(wanted));
    QVERIFY(view()->visibleSceneRect().contains(view()->nodeRect(wanted)));
    m_page->searchField()->clear();
    setExpanded(GraphLayout::bundleIdOf(brokerId(u"big"_s)), false);
}

void TestGraphView::focusModeDims()
{
    const auto trigger = triggerId(u"small-t0"_s);
    view()->selectNode(trigger);
    view()->setFocus();
    QTest::keyClick(view(), Qt::Key_F);
    QCOMPARE(view()->focusNodeId(), trigger);
    // Up the flow: its broker and the broker's source; down: its subscriber. The other broker is not related.
    QVERIFY(!view()->isDimmed(trigger));
    QVERIFY(!view()->isDimmed(brokerId(u"small"_s)));
    QVERIFY(!view()->isDimmed(u"sources.knative.dev/PingSource/mesh/ticker"_s));
    QVERIFY(!view()->isDimmed(serviceId(u"worker-0"_s)));
    QVERIFY(view()->isDimmed(brokerId(u"big"_s)));
    QVERIFY(view()->isDimmed(serviceId(u"worker-3"_s)));
    QTest::keyClick(view(), Qt::Key_Escape);
    QVERIFY(view()->focusNodeId().isEmpty());
    QVERIFY(!view()->isDimmed(brokerId(u"big"_s)));

    // The context menu entry toggles it too.
    view()->triggerAction(GraphView::NodeAction::FocusNeighbourhood, brokerId(u"big"_s));
    QVERIFY(view()->isDimmed(trigger));
    QVERIFY(!view()->isDimmed(GraphLayout::bundleIdOf(brokerId(u"big"_s))));
    view()->triggerAction(GraphView::NodeAction::FocusNeighbourhood, brokerId(u"big"_s));
    QVERIFY(!view()->isDimmed(trigger));
}

void TestGraphView::keyboardMovesSelection()
{
    const auto small = brokerId(u"small"_s);
    view()->selectNode(small);
    view()->setFocus();
    QSignalSpy selected(view(), &GraphView::nodeSelected);
    QTest::keyClick(view(), Qt::Key_Right);
    const auto trigger = view()->selectedNodeId();
    QVERIFY2(trigger.startsWith(triggerId(u"small-t"_s)), qPrintable(trigger));
    QCOMPARE(selected.count(), 1);
    QTest::keyClick(view(), Qt::Key_Right);
    QCOMPARE(view()->selectedNodeId(), serviceId(u"worker-0"_s));
    QTest::keyClick(view(), Qt::Key_Left);
    QVERIFY(view()->selectedNodeId().startsWith(triggerId(u"small-t"_s)));
    // Up and down stay in the column.
    const auto before = view()->nodeRect(view()->selectedNodeId());
    QTest::keyClick(view(), Qt::Key_Down);
    auto after = view()->nodeRect(view()->selectedNodeId());
    if (after == before) {
        QTest::keyClick(view(), Qt::Key_Up);
        after = view()->nodeRect(view()->selectedNodeId());
    }
    QVERIFY(after != before);
    QCOMPARE(after.x(), before.x());
    QTest::keyClick(view(), Qt::Key_Left);
    QVERIFY(view()->nodeRect(view()->selectedNodeId()).x() < before.x());

    // + and - zoom, 0 fits.
    const qreal zoom = view()->zoom();
    QTest::keyClick(view(), Qt::Key_Plus);
    QVERIFY(view()->zoom() > zoom);
    QTest::keyClick(view(), Qt::Key_Minus);
    QTest::keyClick(view(), Qt::Key_Minus);
    QVERIFY(view()->zoom() < zoom);
    QTest::keyClick(view(), Qt::Key_0);
    QVERIFY(view()->visibleSceneRect().contains(view()->sceneBounds().adjusted(1, 1, -1, -1)));
}

void TestGraphView::contextMenuActionsReachThePage()
{
    const auto trigger = triggerId(u"small-t1"_s);
    const auto broker = brokerId(u"small"_s);
    using Action = GraphView::NodeAction;
    QCOMPARE(view()->actionsFor(trigger),
        QList({ Action::ShowYaml, Action::EditTrigger, Action::ShowBacklog, Action::FocusNeighbourhood }));
    QCOMPARE(
        view()->actionsFor(broker), QList({ Action::ShowYaml, Action::PublishTestEvent, Action::FocusNeighbourhood }));
    QCOMPARE(view()->actionsFor(serviceId(u"worker-0"_s)),
        QList({ Action::ShowYaml, Action::ShowBacklog, Action::FocusNeighbourhood }));

    QSignalSpy edit(m_page.get(), &TopologyPage::editRequested);
    QSignalSpy publish(m_page.get(), &TopologyPage::publishRequested);
    QSignalSpy backlog(m_page.get(), &TopologyPage::showBacklogRequested);
    QSignalSpy selected(m_page.get(), &TopologyPage::objectSelected);
    view()->triggerAction(Action::EditTrigger, trigger);
    QCOMPARE(edit.count(), 1);
    QCOMPARE(edit.first().first().value<ObjectKey>().name, u"small-t1"_s);
    view()->triggerAction(Action::PublishTestEvent, broker);
    QCOMPARE(publish.count(), 1);
    QCOMPARE(publish.first().first().value<ObjectKey>().name, u"small"_s);
    view()->triggerAction(Action::ShowBacklog, trigger);
    QCOMPARE(backlog.count(), 1);
    QCOMPARE(backlog.first().first().value<ObjectKey>().kind, u"Trigger"_s);
    view()->selectNode({});
    view()->triggerAction(Action::ShowYaml, trigger);
    QCOMPARE(view()->selectedNodeId(), trigger);
    QVERIFY(!selected.isEmpty());
    QCOMPARE(selected.last().first().value<ObjectKey>().name, u"small-t1"_s);
}

void TestGraphView::exportsSvgAndPng()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto svgPath = dir.filePath(u"view.svg"_s);
    QVERIFY(m_page->exportView(svgPath));
    QFile svg(svgPath);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const auto text = svg.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("worker-0"));

    const auto pngPath = dir.filePath(u"view.png"_s);
    QVERIFY(m_page->exportView(pngPath));
    const QImage png(pngPath);
    QVERIFY(!png.isNull());
    QCOMPARE(png.size(), view()->size() * 2);
}

void TestGraphView::rendersAtEveryZoom()
{
    // A frame paints the broker's colour wherever it is, from full detail down to a few pixels a node.
    const auto brokerColour = GraphRenderer::kindColour(NodeKind::Broker);
    const auto centre = view()->nodeRect(brokerId(u"small"_s)).center();
    for (const qreal zoom : { 1.0, 0.25, 0.1 }) {
        view()->setView(centre, zoom);
        QImage frame(view()->size(), QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&frame);
        view()->renderView(&painter, frame.rect());
        painter.end();
        bool found = false;
        for (int y = 0; y < frame.height() && !found; ++y) {
            for (int x = 0; x < frame.width() && !found; ++x)
                found = frame.pixelColor(x, y) == brokerColour;
        }
        QVERIFY2(found, qPrintable(u"zoom %1"_s.arg(zoom)));
    }
    view()->fitToView();
}

void TestGraphView::addedTriggerLeavesTheRestInPlace()
{
    QHash<QString, QRectF> before;
    for (const auto& node : m_session->graph()->nodes()) {
        if (view()->hasNode(node.id))
            before.insert(node.id, view()->nodeRect(node.id));
    }
    // A search that waits for the new trigger, and a view the user placed: neither jumps when the graph changes.
    m_page->searchField()->setText(u"com.example.new"_s);
    QTRY_COMPARE(view()->searchText(), u"com.example.new"_s);
    QVERIFY(view()->searchMatches().isEmpty());
    const QPointF centre = view()->nodeRect(brokerId(u"big"_s)).center();
    view()->setView(centre, 0.6);
    m_session->store()->apply(
        { { ObjectChange::Type::Added, trigger(u"small-t9"_s, u"small"_s, u"com.example.new"_s, u"worker-3"_s) } });
    QTRY_VERIFY(view()->hasNode(triggerId(u"small-t9"_s)));
    int moved = 0;
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        moved += view()->nodeRect(it.key()) != it.value() ? 1 : 0;
    // Only neighbours of the new trigger (its broker and subscriber) may move.
    QVERIFY2(moved <= 2, qPrintable(QString::number(moved)));
    QCOMPARE(view()->searchMatches(), QStringList { triggerId(u"small-t9"_s) });
    QCOMPARE(view()->viewCentre(), centre);
    QCOMPARE(view()->zoom(), 0.6);
    m_page->searchField()->clear();
}

void TestGraphView::cleanupTestCase()
{
    m_page.reset();
    m_session.reset();
}

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
