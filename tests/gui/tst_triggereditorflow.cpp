// SPDX-License-Identifier: Apache-2.0
// The whole trigger-editing path against a real kube-apiserver (KubeHarness): draw a trigger on the graph, fill the
// form, preview matches, dry-run and apply. Knative's controllers do not run here, so the test writes the status
// they would write (a ready broker with an address, an addressable Knative Service).
#include "applydialog.h"
#include "draftstore.h"
#include "graphview.h"
#include "kubebulk.h"
#include "kubeharness.h"
#include "mainwindow.h"
#include "matchpreviewmodel.h"
#include "matchpreviewpane.h"
#include "meshsession.h"
#include "objectstore.h"
#include "topologypage.h"
#include "triggereditorpage.h"
#include "triggerform.h"

#include <QDir>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {
QJsonObject object(const char* json) { return QJsonDocument::fromJson(json).object(); }

const char* const samples = R"([
  {"specversion": "1.0", "id": "1", "source": "/shop/checkout", "type": "com.example.order.created"},
  {"specversion": "1.0", "id": "2", "source": "/shop/cart", "type": "com.example.cart.updated"}
])";

const QString brokerId = u"eventing.knative.dev/Broker/shop/orders"_s;
const QString serviceId = u"serving.knative.dev/Service/shop/billing"_s;

// Other drafts (the template, restored ones) may have edges of their own, between nodes not in this cluster.
bool hasDraftEdge(const GraphView* graph)
{
    const auto edges = graph->draftEdges();
    return std::any_of(edges.cbegin(), edges.cend(), [graph](const DraftEdge& edge) {
        return edge.fromNodeId == brokerId && edge.toNodeId == serviceId && graph->isDraftEdgeShown(edge.id);
    });
}
} // namespace

class TestTriggerEditorFlow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void drawFillPreviewApply();
    void cleanupTestCase();

private:
    bool create(const QString& collection, const QJsonObject& body, const QJsonObject& status = {});

    KubeHarness m_harness;
    QTemporaryDir m_dir;
    std::unique_ptr<KubeBulk> m_bulk;
    std::unique_ptr<MeshSession> m_session;
    std::unique_ptr<MainWindow> m_window;
};

bool TestTriggerEditorFlow::create(const QString& collection, const QJsonObject& body, const QJsonObject& status)
{
    const auto created = m_bulk->call({ "POST", collection, body });
    if (created.status != 201) {
        qWarning("POST %s: %d %s", qPrintable(collection), created.status,
            QJsonDocument(created.json).toJson(QJsonDocument::Compact).constData());
        return false;
    }
    if (status.isEmpty())
        return true;
    auto live = created.json;
    live.insert(u"status"_s, status);
    const QString name = live.value(u"metadata"_s).toObject().value(u"name"_s).toString();
    const auto updated = m_bulk->call({ "PUT", collection + u'/' + name + u"/status"_s, live });
    return updated.status == 200;
}

void TestTriggerEditorFlow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    m_bulk = std::make_unique<KubeBulk>(m_harness);
    const auto ready = object(R"({"type": "Ready", "status": "True"})");
    const auto broker = object(R"({"apiVersion": "eventing.knative.dev/v1", "kind": "Broker",
                                   "metadata": {"name": "orders", "namespace": "shop"}})");
    const QJsonObject brokerStatus { { u"conditions"_s, QJsonArray { ready } },
        { u"address"_s, object(R"({"url": "http://broker-ingress.knative-eventing.svc/shop/orders"})") } };
    const auto service = object(R"({"apiVersion": "serving.knative.dev/v1", "kind": "Service",
        "metadata": {"name": "billing", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [{"image": "example.com/billing"}]}}}})");
    const QJsonObject serviceStatus { { u"conditions"_s, QJsonArray { ready } },
        { u"address"_s, object(R"({"url": "http://billing.shop.svc.cluster.local"})") } };
    // An existing trigger of the same broker, so that the preview can say who else receives an event.
    const auto audit = object(R"({"apiVersion": "eventing.knative.dev/v1", "kind": "Trigger",
        "metadata": {"name": "audit-orders", "namespace": "shop"},
        "spec": {"broker": "orders", "filter": {"attributes": {"source": "/shop/checkout"}},
                 "subscriber": {"uri": "http://audit.shop.svc"}}})");
    const auto ns = object(R"({"metadata": {"name": "shop"}})");
    QVERIFY(create(u"/api/v1/namespaces"_s, ns));
    QVERIFY(create(u"/apis/eventing.knative.dev/v1/namespaces/shop/brokers"_s, broker, brokerStatus));
    QVERIFY(create(u"/apis/serving.knative.dev/v1/namespaces/shop/services"_s, service, serviceStatus));
    QVERIFY(create(u"/apis/eventing.knative.dev/v1/namespaces/shop/triggers"_s, audit));

    m_session = std::make_unique<MeshSession>();
    const QString kubeconfig
        = m_harness.writeKubeconfig(KubeHarness::User::Admin, m_dir.filePath(u"admin.yaml"_s), u"shop"_s);
    QVERIFY2(m_session->loadKubeconfig(kubeconfig, &error), qPrintable(error));
    QVERIFY2(m_session->connectCluster(QString(), { u"shop"_s }, &error), qPrintable(error));
    m_window = std::make_unique<MainWindow>(m_session.get());
    m_window->resize(1400, 880);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestTriggerEditorFlow::drawFillPreviewApply()
{
    auto* topology = m_window->findChild<TopologyPage*>();
    QVERIFY(topology);
    auto* graph = topology->graphView();
    QTRY_VERIFY_WITH_TIMEOUT(!graph->nodeViewCentre(brokerId).isNull(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!graph->nodeViewCentre(serviceId).isNull(), 30000);
    graph->fitToView();

    // Draw: press on the broker, drag to the Knative Service, release.
    auto* editor = m_window->editorPage();
    const int draftsBefore = editor->draftCount();
    const QPoint from = graph->nodeViewCentre(brokerId).toPoint();
    const QPoint to = graph->nodeViewCentre(serviceId).toPoint();
    QTest::mousePress(graph, Qt::LeftButton, {}, from);
    for (int step = 1; step <= 8; ++step)
        QTest::mouseMove(graph, from + (to - from) * step / 8);
    QTRY_COMPARE(graph->dropTargetId(), serviceId);
    QTest::mouseRelease(graph, Qt::LeftButton, {}, to);
    QCOMPARE(editor->draftCount(), draftsBefore + 1);
    QVERIFY(editor->isVisible());
    QVERIFY(editor->text().contains(u"broker: orders"_s));
    QVERIFY(editor->text().contains(u"name: billing"_s));
    // The unsaved draft shows on the graph as a dashed edge.
    QTRY_VERIFY(hasDraftEdge(graph));

    // Fill the form: a filter on the event type.
    auto* form = editor->form();
    QTest::mouseClick(form->findChild<QPushButton*>(u"filterAttributesAdd"_s), Qt::LeftButton);
    auto* attributes = form->findChild<QTableWidget*>(u"filterAttributes"_s);
    QTRY_COMPARE(attributes->rowCount(), 1);
    attributes->item(0, 0)->setText(u"type"_s);
    attributes->item(0, 1)->setText(u"com.example.order.created"_s);
    QTRY_VERIFY(editor->text().contains(u"type: com.example.order.created"_s));
    QTRY_VERIFY2(editor->issues().isEmpty(),
        qPrintable(editor->issues().isEmpty() ? QString() : editor->issues().first().toString()));

    // Preview: one event the draft receives (the audit trigger too), one it does not.
    auto* preview = editor->preview();
    preview->setSamplesText(QString::fromUtf8(samples));
    auto* model = preview->model();
    QTRY_COMPARE(model->rowCount(), 2);
    QTRY_COMPARE(model->index(0, MatchPreviewModel::MatchColumn).data().toString(), u"✓"_s);
    QTRY_COMPARE(model->index(1, MatchPreviewModel::MatchColumn).data().toString(), u"✗"_s);
    QVERIFY(model->index(0, MatchPreviewModel::ReceiversColumn).data().toString().contains(u"audit-orders"_s));
    QVERIFY(!model->index(1, MatchPreviewModel::ReceiversColumn).data().toString().contains(u"audit-orders"_s));

    // Apply: dry run and diff first, then the apply itself.
    const QString name = editor->draftTitle(editor->currentDraft());
    QVERIFY(name.startsWith(u"billing"_s));
    QTest::keyClick(editor->textEditor(), Qt::Key_Return, Qt::ControlModifier);
    ApplyDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ApplyDialog*>()) != nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->applyButton()->isEnabled(), 20000);
    QVERIFY2(dialog->diffText().contains(u"com.example.order.created"_s), qPrintable(dialog->diffText()));
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().startsWith(u"Created "_s), 20000);

    const auto live = m_bulk->call({ "GET", u"/apis/eventing.knative.dev/v1/namespaces/shop/triggers/"_s + name, {} });
    QCOMPARE(live.status, 200);
    const auto spec = live.json.value(u"spec"_s).toObject();
    QCOMPARE(spec.value(u"broker"_s).toString(), u"orders"_s);
    QCOMPARE(spec.value(u"filter"_s).toObject().value(u"attributes"_s).toObject().value(u"type"_s).toString(),
        u"com.example.order.created"_s);
    QCOMPARE(
        spec.value(u"subscriber"_s).toObject().value(u"ref"_s).toObject().value(u"name"_s).toString(), u"billing"_s);
    // Once the live trigger matches the draft (seen through the watch), the dashed edge goes away.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_session->store()->find({ u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, name }), 20000);
    QTRY_VERIFY(!hasDraftEdge(graph));
    dialog->close();
}

void TestTriggerEditorFlow::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
    m_harness.stop();
}

QTEST_MAIN(TestTriggerEditorFlow)

#include "tst_triggereditorflow.moc"
