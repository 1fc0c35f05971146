// SPDX-License-Identifier: Apache-2.0
// The health pill on trigger nodes: every state has its own colour and a symbol with a word, and a change of
// health is drawn at the next refresh of the badges, without a new layout.
#include "graphrenderer.h"
#include "graphview.h"
#include "manifestparser.h"
#include "meshsession.h"
#include "objectstore.h"
#include "topologygraph.h"

#include <QImage>
#include <QPainter>
#include <QtTest>

using namespace Qt::StringLiterals;
using Health = GraphRenderer::Health;

namespace {
const QString triggerId = u"eventing.knative.dev/Trigger/shop/orders"_s;

KnativeObjectPtr parse(const QJsonObject& json)
{
    auto parsed = ManifestParser::fromJson(json, u"test"_s);
    Q_ASSERT(parsed);
    return parsed;
}

QList<KnativeObjectPtr> mesh()
{
    const QJsonObject ref { { u"apiVersion"_s, u"serving.knative.dev/v1"_s }, { u"kind"_s, u"Service"_s },
        { u"name"_s, u"worker"_s } };
    const auto meta = [](const QString& name) {
        return QJsonObject { { u"name"_s, name }, { u"namespace"_s, u"shop"_s } };
    };
    return { parse({ { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Broker"_s },
                 { u"metadata"_s, meta(u"default"_s) } }),
        parse({ { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Trigger"_s },
            { u"metadata"_s, meta(u"orders"_s) },
            { u"spec"_s,
                QJsonObject {
                    { u"broker"_s, u"default"_s }, { u"subscriber"_s, QJsonObject { { u"ref"_s, ref } } } } } }),
        parse({ { u"apiVersion"_s, u"serving.knative.dev/v1"_s }, { u"kind"_s, u"Service"_s },
            { u"metadata"_s, meta(u"worker"_s) } }) };
}

int pixelsOf(const QImage& image, const QColor& colour)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            count += qRgb(qRed(line[x]), qGreen(line[x]), qBlue(line[x])) == colour.rgb() ? 1 : 0;
    }
    return count;
}
} // namespace

class TestGraphRenderer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void healthReadsWithoutColour_data();
    void healthReadsWithoutColour();
    void healthPillFollowsTheProvider();
};

void TestGraphRenderer::healthReadsWithoutColour_data()
{
    QTest::addColumn<Health>("health");
    QTest::addColumn<QString>("word");
    QTest::addRow("ok") << Health::Ok << u"OK"_s;
    QTest::addRow("warn") << Health::Warn << u"WARN"_s;
    QTest::addRow("stall") << Health::Stall << u"STALL"_s;
    QTest::addRow("stop") << Health::Stop << u"STOP"_s;
    QTest::addRow("rewind") << Health::Rewind << u"REWIND"_s;
}

void TestGraphRenderer::healthReadsWithoutColour()
{
    QFETCH(Health, health);
    QFETCH(QString, word);
    const auto text = GraphRenderer::healthText(health);
    QVERIFY(text.endsWith(word));
    // A symbol before the word, so the pills differ in shape as well as in colour and text.
    QVERIFY(!text.at(0).isLetterOrNumber());
    QVERIFY(GraphRenderer::healthColour(health).isValid());
    for (const auto other : { Health::Ok, Health::Warn, Health::Stall, Health::Stop, Health::Rewind }) {
        if (other != health) {
            QVERIFY(GraphRenderer::healthColour(other) != GraphRenderer::healthColour(health));
            QVERIFY(GraphRenderer::healthText(other).at(0) != text.at(0));
        }
    }
    QVERIFY(GraphRenderer::healthText(Health::None).isEmpty());
}

void TestGraphRenderer::healthPillFollowsTheProvider()
{
    MeshSession session;
    GraphView view;
    view.resize(900, 600);
    view.setGraph(session.graph());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    session.store()->replaceOrigin(u"test"_s, mesh());
    QTRY_VERIFY(view.hasNode(triggerId) && !view.isLayoutRunning());

    Health health = Health::Stall;
    view.setHealthProvider(
        [&health](const TopologyNode& node) { return node.kind == NodeKind::Trigger ? health : Health::None; });
    QCOMPARE(view.healthOf(triggerId), Health::Stall);
    QCOMPARE(view.healthOf(u"eventing.knative.dev/Broker/shop/default"_s), Health::None);

    view.setView(view.nodeRect(triggerId).center(), 1.5);
    const auto render = [&view] {
        QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        QPainter painter(&image);
        view.renderView(&painter, image.rect());
        return image;
    };
    const auto stalled = render();
    QVERIFY(pixelsOf(stalled, GraphRenderer::healthColour(Health::Stall)) > 50);

    // Live: the next refresh of the badges draws the new state, without laying the graph out again.
    QSignalSpy layouts(&view, &GraphView::layoutApplied);
    health = Health::Ok;
    view.refreshBadges();
    QCOMPARE(view.healthOf(triggerId), Health::Ok);
    QVERIFY(!view.isLayoutRunning());
    const auto ok = render();
    QVERIFY(pixelsOf(ok, GraphRenderer::healthColour(Health::Ok)) > 50);
    QCOMPARE(pixelsOf(ok, GraphRenderer::healthColour(Health::Stall)), 0);
    QCOMPARE(layouts.size(), 0);
}

QTEST_MAIN(TestGraphRenderer)
#include "tst_graphrenderer.moc"
