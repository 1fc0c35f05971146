// SPDX-License-Identifier: Apache-2.0
// The graph view on a hand-made mesh: a broker with more triggers than fit unfolded, a small one, shared
// subscribers. Checks what a user does with it: open and fold a bundle, search by event type, label and name,
// focus on a neighbourhood, walk the graph with the keyboard, use the context menu, export the view, draw and
// re-wire triggers with the mouse, see drafts over the graph.
#include "graphview.h"
#include "manifestparser.h"
#include "meshsession.h"
#include "objectstore.h"
#include "topologygraph.h"
#include "topologypage.h"

#include <QImage>
#include <QJsonDocument>
#include <QLineEdit>
#include <QMouseEvent>
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
QString deploymentId(const QString& name) { return u"apps/Deployment/mesh/"_s % name; }
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

KnativeObjectPtr deployment(const QString& name)
{
    return object({ { u"apiVersion"_s, u"apps/v1"_s }, { u"kind"_s, u"Deployment"_s },
        { u"metadata"_s, metadata(name) }, { u"spec"_s, QJsonObject { { u"replicas"_s, 1 } } } });
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
    void drawTrigger_data();
    void drawTrigger();
    void rewireTrigger_data();
    void rewireTrigger();
    void escapeCancelsDrawing();
    void clickAndPanStillWork();
    void hoverCursorShowsTheGesture_data();
    void hoverCursorShowsTheGesture();
    void newTriggerFromTheMenu();
    void draftEdgesAreOverlays();
    void cleanupTestCase();

private:
    GraphView* view() const { return m_page->graphView(); }
    void setExpanded(const QString& bundle, bool expanded);
    // A Deployment (not addressable), a trigger whose subscriber does not exist (a Missing node), and a trigger that
    // is the only one delivering to its service.
    void addDrawingTargets();
    QString deliveryEdgeOf(const QString& trigger) const;
    QPointF emptyViewPoint() const;
    void drag(const QPointF& from, const QPointF& to);

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
    QCOMPARE(view()->actionsFor(broker),
        QList({ Action::ShowYaml, Action::PublishTestEvent, Action::NewTrigger, Action::FocusNeighbourhood }));
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

void TestGraphView::addDrawingTargets()
{
    if (view()->hasNode(deploymentId(u"legacy"_s)))
        return;
    m_session->store()->apply(
        { { ObjectChange::Type::Added, deployment(u"legacy"_s) }, { ObjectChange::Type::Added, service(u"lonely"_s) },
            { ObjectChange::Type::Added, trigger(u"solo"_s, u"small"_s, u"com.example.solo"_s, u"lonely"_s) },
            { ObjectChange::Type::Added, trigger(u"orphan"_s, u"small"_s, u"com.example.orphan"_s, u"ghost"_s) } });
    QTRY_VERIFY(view()->hasNode(deploymentId(u"legacy"_s)) && view()->hasNode(triggerId(u"orphan"_s))
        && view()->hasNode(triggerId(u"solo"_s)));
    QCOMPARE(m_session->graph()->node(serviceId(u"ghost"_s))->kind, NodeKind::Missing);
    QVERIFY(!view()->isLayoutRunning());
}

QString TestGraphView::deliveryEdgeOf(const QString& trigger) const
{
    const auto edges = m_session->graph()->edgesFrom(trigger);
    for (const auto& edge : edges) {
        if (edge.kind == EdgeKind::DeliversTo)
            return edge.id;
    }
    return {};
}

QPointF TestGraphView::emptyViewPoint() const
{
    for (int y = 4; y < view()->height(); y += 16) {
        for (int x = 4; x < view()->width(); x += 16) {
            if (view()->nodeIdAt(QPointF(x, y)).isEmpty())
                return QPointF(x, y);
        }
    }
    return {};
}

void TestGraphView::drag(const QPointF& from, const QPointF& to)
{
    QTest::mousePress(view(), Qt::LeftButton, {}, from.toPoint());
    QTest::mouseMove(view(), to.toPoint());
}

void TestGraphView::drawTrigger_data()
{
    QTest::addColumn<QString>("target"); // empty: a place without a node
    QTest::addColumn<bool>("drawn");
    QTest::addRow("Knative Service") << serviceId(u"worker-3"_s) << true;
    QTest::addRow("another broker") << brokerId(u"big"_s) << true;
    QTest::addRow("Deployment") << deploymentId(u"legacy"_s) << false;
    QTest::addRow("missing object") << serviceId(u"ghost"_s) << false;
    QTest::addRow("trigger") << triggerId(u"small-t0"_s) << false;
    QTest::addRow("bundle of triggers") << GraphLayout::bundleIdOf(brokerId(u"big"_s)) << false;
    QTest::addRow("empty space") << QString() << false;
}

void TestGraphView::drawTrigger()
{
    QFETCH(QString, target);
    QFETCH(bool, drawn);
    addDrawingTargets();
    view()->fitToView();
    const auto broker = brokerId(u"small"_s);
    const auto end = target.isEmpty() ? emptyViewPoint() : view()->nodeViewCentre(target);
    QVERIFY(!end.isNull());
    QVERIFY(view()->rect().contains(end.toPoint()));
    QCOMPARE(view()->nodeIdAt(end), target);
    QSignalSpy drawnSpy(view(), &GraphView::triggerDrawn);
    QSignalSpy rewiredSpy(view(), &GraphView::triggerRewired);
    const auto centre = view()->viewCentre();

    drag(view()->nodeViewCentre(broker), end);
    QVERIFY(view()->isDrawingEdge());
    // The drop target is highlighted, and the cursor tells whether releasing here creates a trigger.
    QCOMPARE(view()->dropTargetId(), drawn ? target : QString());
    QCOMPARE(view()->cursor().shape(), drawn ? Qt::DragLinkCursor : Qt::ForbiddenCursor);
    QTest::mouseRelease(view(), Qt::LeftButton, {}, end.toPoint());
    QVERIFY(!view()->isDrawingEdge());
    QCOMPARE(drawnSpy.count(), drawn ? 1 : 0);
    if (drawn)
        QCOMPARE(drawnSpy.first(), QVariantList({ broker, target }));
    QCOMPARE(rewiredSpy.count(), 0);
    // Drawing is not panning.
    QCOMPARE(view()->viewCentre(), centre);
}

void TestGraphView::rewireTrigger_data()
{
    QTest::addColumn<QString>("trigger");
    QTest::addColumn<bool>("selectFirst");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("rewired");
    const auto solo = triggerId(u"solo"_s);
    const auto shared = triggerId(u"small-t1"_s); // one of three triggers delivering to worker-0
    QTest::addRow("only trigger of its subscriber") << solo << false << serviceId(u"worker-3"_s) << true;
    QTest::addRow("selected one of several") << shared << true << serviceId(u"worker-3"_s) << true;
    QTest::addRow("onto a broker") << solo << false << brokerId(u"big"_s) << true;
    QTest::addRow("onto its own subscriber") << solo << false << serviceId(u"lonely"_s) << false;
    QTest::addRow("onto a Deployment") << solo << false << deploymentId(u"legacy"_s) << false;
    QTest::addRow("onto a missing object") << shared << true << serviceId(u"ghost"_s) << false;
    QTest::addRow("onto empty space") << shared << true << QString() << false;
}

void TestGraphView::rewireTrigger()
{
    QFETCH(QString, trigger);
    QFETCH(bool, selectFirst);
    QFETCH(QString, target);
    QFETCH(bool, rewired);
    addDrawingTargets();
    view()->selectNode(selectFirst ? trigger : QString());
    view()->fitToView();
    const auto edge = deliveryEdgeOf(trigger);
    QVERIFY(!edge.isEmpty());
    const auto tip = view()->edgeEndViewPoint(edge);
    QVERIFY(view()->rect().contains(tip.toPoint()));
    const auto end = target.isEmpty() ? emptyViewPoint() : view()->nodeViewCentre(target);
    QVERIFY(!end.isNull());
    QSignalSpy drawnSpy(view(), &GraphView::triggerDrawn);
    QSignalSpy rewiredSpy(view(), &GraphView::triggerRewired);

    // A little before the tip, on the arrow head.
    drag(tip - QPointF(2, 0), end);
    QVERIFY(view()->isDrawingEdge());
    QCOMPARE(view()->dropTargetId(), rewired ? target : QString());
    QTest::mouseRelease(view(), Qt::LeftButton, {}, end.toPoint());
    QCOMPARE(rewiredSpy.count(), rewired ? 1 : 0);
    if (rewired)
        QCOMPARE(rewiredSpy.first(), QVariantList({ trigger, target }));
    QCOMPARE(drawnSpy.count(), 0);
    view()->selectNode({});
}

void TestGraphView::escapeCancelsDrawing()
{
    addDrawingTargets();
    view()->fitToView();
    view()->setFocus();
    QSignalSpy drawnSpy(view(), &GraphView::triggerDrawn);
    QSignalSpy selected(view(), &GraphView::nodeSelected);
    const auto target = serviceId(u"worker-3"_s);
    const auto end = view()->nodeViewCentre(target);
    drag(view()->nodeViewCentre(brokerId(u"small"_s)), end);
    QCOMPARE(view()->dropTargetId(), target);
    QTest::keyClick(view(), Qt::Key_Escape);
    QVERIFY(!view()->isDrawingEdge());
    QVERIFY(view()->dropTargetId().isEmpty());
    QCOMPARE(view()->cursor().shape(), Qt::ArrowCursor);
    // The release that ends the cancelled drag neither draws nor selects.
    QTest::mouseRelease(view(), Qt::LeftButton, {}, end.toPoint());
    QCOMPARE(drawnSpy.count(), 0);
    QCOMPARE(selected.count(), 0);
}

void TestGraphView::clickAndPanStillWork()
{
    addDrawingTargets();
    view()->fitToView();
    view()->selectNode({});
    QSignalSpy drawnSpy(view(), &GraphView::triggerDrawn);
    // A click on a broker selects it.
    const auto broker = brokerId(u"small"_s);
    QTest::mouseClick(view(), Qt::LeftButton, {}, view()->nodeViewCentre(broker).toPoint());
    QCOMPARE(view()->selectedNodeId(), broker);
    // A drag from empty space pans, and selects nothing.
    const auto centre = view()->viewCentre();
    const auto start = emptyViewPoint();
    QVERIFY(!start.isNull());
    drag(start, start + QPointF(40, 30));
    QVERIFY(!view()->isDrawingEdge());
    QTest::mouseRelease(view(), Qt::LeftButton, {}, (start + QPointF(40, 30)).toPoint());
    QCOMPARE(view()->viewCentre(), centre - QPointF(40, 30) / view()->zoom());
    QCOMPARE(view()->selectedNodeId(), broker);
    QCOMPARE(drawnSpy.count(), 0);
    view()->selectNode({});
    view()->fitToView();
}

void TestGraphView::hoverCursorShowsTheGesture_data()
{
    QTest::addColumn<QString>("over"); // a node id, an edge id for its arrow tip, or empty for empty space
    QTest::addColumn<Qt::CursorShape>("shape");
    QTest::addRow("broker: draw a trigger") << brokerId(u"small"_s) << Qt::CrossCursor;
    QTest::addRow("trigger's arrow tip: re-wire") << u"edge"_s << Qt::SizeAllCursor;
    QTest::addRow("service: pan") << serviceId(u"worker-3"_s) << Qt::ArrowCursor;
    QTest::addRow("empty space: pan") << QString() << Qt::ArrowCursor;
}

void TestGraphView::hoverCursorShowsTheGesture()
{
    QFETCH(QString, over);
    QFETCH(Qt::CursorShape, shape);
    addDrawingTargets();
    view()->fitToView();
    QPointF pos;
    if (over == u"edge")
        pos = view()->edgeEndViewPoint(deliveryEdgeOf(triggerId(u"solo"_s))) - QPointF(2, 0);
    else
        pos = over.isEmpty() ? emptyViewPoint() : view()->nodeViewCentre(over);
    // Hover moves are sent as they come from the window system; QTest::mouseMove without a button moves the cursor.
    QMouseEvent move(QEvent::MouseMove, pos, view()->mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(view(), &move);
    QCOMPARE(view()->cursor().shape(), shape);
}

void TestGraphView::newTriggerFromTheMenu()
{
    const auto broker = brokerId(u"small"_s);
    QVERIFY(view()->actionsFor(broker).contains(GraphView::NodeAction::NewTrigger));
    QVERIFY(!view()->actionsFor(serviceId(u"worker-0"_s)).contains(GraphView::NodeAction::NewTrigger));
    QVERIFY(view()->actionText(GraphView::NodeAction::NewTrigger, broker).contains(u"New trigger"_s));
    QSignalSpy drawnSpy(view(), &GraphView::triggerDrawn);
    view()->triggerAction(GraphView::NodeAction::NewTrigger, broker);
    QCOMPARE(drawnSpy.count(), 1);
    QCOMPARE(drawnSpy.first(), QVariantList({ broker, QString() }));
}

namespace {
class PaintCounter : public QObject {
public:
    int paints = 0;

protected:
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return false;
    }
};

// Pixels of the drafts' colour on the light palette the test runs with; nothing else in the graph is that pink.
int draftPixels(GraphView* view)
{
    QImage frame(view->size(), QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&frame);
    view->renderView(&painter, frame.rect());
    painter.end();
    const QColor pink(0xc2, 0x18, 0x5b);
    int count = 0;
    for (int y = 0; y < frame.height(); ++y) {
        for (int x = 0; x < frame.width(); ++x)
            count += frame.pixelColor(x, y) == pink ? 1 : 0;
    }
    return count;
}
} // namespace

void TestGraphView::draftEdgesAreOverlays()
{
    addDrawingTargets();
    view()->selectNode({});
    view()->fitToView();
    PaintCounter counter;
    view()->installEventFilter(&counter);
    QSignalSpy applied(view(), &GraphView::layoutApplied);
    const QRectF broker = view()->nodeRect(brokerId(u"small"_s));
    QCOMPARE(draftPixels(view()), 0);

    const QList<DraftEdge> drafts {
        { u"new"_s, brokerId(u"small"_s), serviceId(u"worker-3"_s), u"new trigger"_s },
        // A folded trigger's draft starts at its bundle.
        { u"rewire"_s, triggerId(bigTrigger(0)), serviceId(u"lonely"_s), u"big-t00 → lonely"_s },
        { u"nowhere"_s, brokerId(u"no-such-broker"_s), serviceId(u"worker-0"_s), u"skipped"_s },
    };
    view()->setDraftEdges(drafts);
    QTRY_VERIFY(counter.paints > 0);
    QVERIFY(view()->draftEdges() == drafts);
    QVERIFY(view()->isDraftEdgeShown(u"new"_s));
    QVERIFY(view()->isDraftEdgeShown(u"rewire"_s));
    QVERIFY(!view()->isDraftEdgeShown(u"nowhere"_s));
    QVERIFY(draftPixels(view()) > 0);

    const int paints = counter.paints;
    view()->setDraftEdges({});
    QTRY_VERIFY(counter.paints > paints);
    QVERIFY(!view()->isDraftEdgeShown(u"new"_s));
    QCOMPARE(draftPixels(view()), 0);
    // Overlays only: nothing was laid out again, nothing moved.
    QVERIFY(!view()->isLayoutRunning());
    QCOMPARE(applied.count(), 0);
    QCOMPARE(view()->nodeRect(brokerId(u"small"_s)), broker);
    view()->removeEventFilter(&counter);
}

void TestGraphView::cleanupTestCase()
{
    m_page.reset();
    m_session.reset();
}

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
