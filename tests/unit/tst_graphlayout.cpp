// SPDX-License-Identifier: Apache-2.0
#include "graphlayout.h"

#include <QtTest>

using namespace Qt::StringLiterals;

namespace {
TopologyNode node(const QString& name, NodeKind kind, const QString& ns = u"default"_s)
{
    TopologyNode n;
    n.kind = kind;
    n.object = { {}, nodeKindName(kind), ns, name };
    n.id = n.object.toString();
    n.label = name;
    return n;
}

TopologyEdge edge(const TopologyNode& from, const TopologyNode& to, EdgeKind kind)
{
    return { from.id % u"->"_s % to.id, from.id, to.id, kind, from.object };
}
} // namespace

class TestGraphLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layersFollowTheFlow_data();
    void layersFollowTheFlow();
    void nodesDoNotOverlap();
    void namespacesGetTheirOwnBands();
};

void TestGraphLayout::layersFollowTheFlow_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("layer");
    QTest::addRow("source") << int(NodeKind::Source) << 0;
    QTest::addRow("broker") << int(NodeKind::Broker) << 1;
    QTest::addRow("channel") << int(NodeKind::Channel) << 1;
    QTest::addRow("trigger") << int(NodeKind::Trigger) << 2;
    QTest::addRow("subscription") << int(NodeKind::Subscription) << 2;
    QTest::addRow("flow") << int(NodeKind::Flow) << 3;
    QTest::addRow("subscriber") << int(NodeKind::Subscriber) << 4;
    QTest::addRow("uri") << int(NodeKind::Uri) << 4;
}

void TestGraphLayout::layersFollowTheFlow()
{
    QFETCH(int, kind);
    QFETCH(int, layer);
    QCOMPARE(GraphLayout::layerOf(node(u"x"_s, NodeKind(kind))), layer);
}

void TestGraphLayout::nodesDoNotOverlap()
{
    GraphLayoutInput input;
    const auto broker = node(u"default"_s, NodeKind::Broker);
    input.nodes.append(broker);
    for (int i = 0; i < 40; ++i) {
        const auto trigger = node(u"t%1"_s.arg(i), NodeKind::Trigger);
        const auto subscriber = node(u"s%1"_s.arg(i % 7), NodeKind::Subscriber);
        input.nodes.append(trigger);
        if (i < 7)
            input.nodes.append(subscriber);
        input.edges.append(edge(broker, trigger, EdgeKind::Routes));
        input.edges.append(edge(trigger, subscriber, EdgeKind::DeliversTo));
    }
    const auto result = GraphLayout::compute(input);
    QCOMPARE(result.positions.size(), input.nodes.size());
    QList<QRectF> boxes;
    for (const auto& position : result.positions)
        boxes.append(QRectF(position, GraphLayout::nodeSize));
    for (qsizetype i = 0; i < boxes.size(); ++i) {
        for (qsizetype j = i + 1; j < boxes.size(); ++j)
            QVERIFY2(!boxes[i].intersects(boxes[j]), qPrintable(u"%1 overlaps %2"_s.arg(i).arg(j)));
    }
    // Edges that are not reply or dead-letter run from a lower to a higher layer.
    for (const auto& e : std::as_const(input.edges))
        QVERIFY(result.positions.value(e.from).x() < result.positions.value(e.to).x());
}

void TestGraphLayout::namespacesGetTheirOwnBands()
{
    GraphLayoutInput input;
    input.nodes = { node(u"a"_s, NodeKind::Broker, u"one"_s), node(u"b"_s, NodeKind::Broker, u"two"_s) };
    const auto result = GraphLayout::compute(input);
    QCOMPARE(result.namespaceBands.size(), 2);
    QCOMPARE(result.namespaceBands.at(0).first, u"one"_s);
    QVERIFY(!result.namespaceBands.at(0).second.intersects(result.namespaceBands.at(1).second));
    QVERIFY(result.positions.value(input.nodes.at(0).id).y() < result.positions.value(input.nodes.at(1).id).y());
}

QTEST_GUILESS_MAIN(TestGraphLayout)
#include "tst_graphlayout.moc"
