// SPDX-License-Identifier: Apache-2.0
#include "graphlayout.h"

#include <QtTest>

#include <functional>
#include <random>

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

TopologyNode uriNode(const QString& uri)
{
    TopologyNode n;
    n.kind = NodeKind::Uri;
    n.id = u"uri:"_s + uri;
    n.label = uri;
    return n;
}

// Ids as TopologyGraph makes them, so removed edges can be told apart by their id alone.
TopologyEdge edge(const QString& from, const QString& to, EdgeKind kind)
{
    return { from % u"->"_s % to % u'#' % edgeKindName(kind), from, to, kind, {} };
}

// Builds meshes by name, keeping the ids of the nodes the changes refer to.
class MeshBuilder {
public:
    GraphLayoutInput input;

    QString add(const TopologyNode& n)
    {
        input.nodes.append(n);
        return n.id;
    }
    void link(const QString& from, const QString& to, EdgeKind kind) { input.edges.append(edge(from, to, kind)); }

    // A broker in ns with sources feeding it and triggers delivering to subscribers shared by about three.
    QString broker(const QString& ns, const QString& name, int sources, int triggers, int subscribers)
    {
        const auto id = add(node(name, NodeKind::Broker, ns));
        for (int i = 0; i < sources; ++i)
            link(add(node(name % u"-src-"_s % QString::number(i), NodeKind::Source, ns)), id, EdgeKind::Sink);
        QStringList subs;
        for (int i = 0; i < subscribers; ++i)
            subs.append(add(node(name % u"-svc-"_s % QString::number(i), NodeKind::Subscriber, ns)));
        for (int i = 0; i < triggers; ++i) {
            const auto trigger = add(node(name % u"-t-"_s % QString::number(i), NodeKind::Trigger, ns));
            link(id, trigger, EdgeKind::Routes);
            if (!subs.isEmpty())
                link(trigger, subs.at((i * 7) % subs.size()), EdgeKind::DeliversTo);
        }
        return id;
    }
};

QString triggerId(const QString& broker, int i, const QString& ns = u"default"_s)
{
    return node(broker % u"-t-"_s % QString::number(i), NodeKind::Trigger, ns).id;
}

QString subscriberId(const QString& broker, int i, const QString& ns = u"default"_s)
{
    return node(broker % u"-svc-"_s % QString::number(i), NodeKind::Subscriber, ns).id;
}

QString brokerId(const QString& name, const QString& ns = u"default"_s) { return node(name, NodeKind::Broker, ns).id; }

GraphLayoutInput smallMesh()
{
    MeshBuilder mesh;
    mesh.broker(u"default"_s, u"small"_s, 2, 5, 3);
    return mesh.input;
}

// Reply and dead-letter edges point back against the flow; a Sequence sits between triggers and subscribers.
GraphLayoutInput backEdgeMesh()
{
    MeshBuilder mesh;
    const auto broker = mesh.broker(u"default"_s, u"loop"_s, 1, 4, 2);
    const auto sequence = mesh.add(node(u"seq"_s, NodeKind::Flow));
    const auto step = mesh.add(node(u"step"_s, NodeKind::Subscriber));
    const auto trigger = mesh.add(node(u"to-seq"_s, NodeKind::Trigger));
    mesh.link(broker, trigger, EdgeKind::Routes);
    mesh.link(trigger, sequence, EdgeKind::DeliversTo);
    mesh.link(sequence, step, EdgeKind::Routes);
    mesh.link(sequence, broker, EdgeKind::Reply);
    const auto dls = mesh.add(uriNode(u"http://dls.example"_s));
    mesh.link(triggerId(u"loop"_s, 0), dls, EdgeKind::DeadLetter);
    const auto channel = mesh.add(node(u"chan"_s, NodeKind::Channel));
    const auto subscription = mesh.add(node(u"sub"_s, NodeKind::Subscription));
    mesh.link(channel, subscription, EdgeKind::Routes);
    mesh.link(subscription, step, EdgeKind::DeliversTo);
    mesh.link(subscription, channel, EdgeKind::Reply);
    mesh.link(subscription, broker, EdgeKind::DeadLetter);
    return mesh.input;
}

GraphLayoutInput bundledMesh()
{
    MeshBuilder mesh;
    mesh.broker(u"default"_s, u"big"_s, 3, 100, 20);
    mesh.broker(u"default"_s, u"side"_s, 1, 4, 2);
    return mesh.input;
}

GraphLayoutInput expandedMesh()
{
    auto input = bundledMesh();
    input.expandedBundles.insert(GraphLayout::bundleIdOf(brokerId(u"big"_s)));
    return input;
}

// Three namespaces; brokers below, at and above the bundle threshold; a URI and a missing object shared across
// namespaces.
GraphLayoutInput namespaceMesh()
{
    MeshBuilder mesh;
    mesh.broker(u"a"_s, u"small"_s, 2, 8, 4);
    mesh.broker(u"a"_s, u"big"_s, 3, 40, 12);
    mesh.broker(u"a"_s, u"edge"_s, 1, 12, 4);
    mesh.broker(u"a"_s, u"fold"_s, 1, 13, 4);
    mesh.broker(u"b"_s, u"other"_s, 2, 5, 2);
    mesh.broker(u"c"_s, u"third"_s, 0, 3, 1);
    const auto uri = mesh.add(uriNode(u"https://sink.example/events"_s));
    mesh.link(triggerId(u"small"_s, 0, u"a"_s), uri, EdgeKind::DeadLetter);
    mesh.link(triggerId(u"other"_s, 1, u"b"_s), uri, EdgeKind::DeliversTo);
    auto missing = node(u"gone"_s, NodeKind::Missing, u"b"_s);
    missing.object.group = u"serving.knative.dev"_s;
    missing.object.kind = u"Service"_s;
    missing.id = missing.object.toString();
    mesh.add(missing);
    mesh.link(triggerId(u"other"_s, 2, u"b"_s), missing.id, EdgeKind::DeliversTo);
    return mesh.input;
}

// Seeded, a few hundred brokers' worth of shapes: sizes around the threshold, one bundle opened.
GraphLayoutInput randomMesh()
{
    std::mt19937 random(7);
    MeshBuilder mesh;
    for (int b = 0; b < 40; ++b) {
        const QString ns = u"ns-"_s + QString::number(b % 6);
        const int triggers = int(random() % 30);
        mesh.broker(ns, u"b"_s + QString::number(b), int(random() % 4), triggers, std::max(1, triggers / 3));
    }
    mesh.input.expandedBundles.insert(GraphLayout::bundleIdOf(brokerId(u"b1"_s, u"ns-1"_s)));
    return mesh.input;
}

GraphLayoutInput meshNamed(const QString& name)
{
    static const QHash<QString, std::function<GraphLayoutInput()>> meshes {
        { u"small"_s, smallMesh },
        { u"back edges"_s, backEdgeMesh },
        { u"bundled"_s, bundledMesh },
        { u"bundle expanded"_s, expandedMesh },
        { u"namespaces"_s, namespaceMesh },
        { u"random"_s, randomMesh },
    };
    return meshes.value(name)();
}

void addTrigger(GraphLayoutInput& input, const QString& name, const QString& broker, const QString& subscriber,
    const QString& ns = u"a"_s)
{
    const auto trigger = node(name, NodeKind::Trigger, ns);
    input.nodes.append(trigger);
    input.edges.append(edge(broker, trigger.id, EdgeKind::Routes));
    input.edges.append(edge(trigger.id, subscriber, EdgeKind::DeliversTo));
}

void removeNode(GraphLayoutInput& input, const QString& id)
{
    input.nodes.removeIf([&](const TopologyNode& n) { return n.id == id; });
    input.edges.removeIf([&](const TopologyEdge& e) { return e.from == id || e.to == id; });
}

void removeEdge(GraphLayoutInput& input, const QString& id)
{
    input.edges.removeIf([&](const TopologyEdge& e) { return e.id == id; });
}

void setSubscriber(GraphLayoutInput& input, const QString& trigger, const QString& subscriber)
{
    input.edges.removeIf([&](const TopologyEdge& e) { return e.from == trigger && e.kind == EdgeKind::DeliversTo; });
    input.edges.append(edge(trigger, subscriber, EdgeKind::DeliversTo));
}

// What TopologyGraph::changed would report between the two.
TopologyDelta diff(const GraphLayoutInput& before, const GraphLayoutInput& after)
{
    TopologyDelta delta;
    QHash<QString, TopologyNode> old;
    for (const auto& n : before.nodes)
        old.insert(n.id, n);
    QSet<QString> now;
    for (const auto& n : after.nodes) {
        now.insert(n.id);
        if (!old.contains(n.id))
            delta.nodesAdded.append(n.id);
        else if (old.value(n.id) != n)
            delta.nodesChanged.append(n.id);
    }
    for (const auto& n : before.nodes) {
        if (!now.contains(n.id))
            delta.nodesRemoved.append(n.id);
    }
    QSet<QString> oldEdges;
    QSet<QString> newEdges;
    for (const auto& e : before.edges)
        oldEdges.insert(e.id);
    for (const auto& e : after.edges) {
        newEdges.insert(e.id);
        if (!oldEdges.contains(e.id))
            delta.edgesAdded.append(e.id);
    }
    for (const auto& e : before.edges) {
        if (!newEdges.contains(e.id))
            delta.edgesRemoved.append(e.id);
    }
    return delta;
}

QString drawnAs(const GraphLayoutResult& layout, const QString& id) { return layout.bundleOf.value(id, id); }

// Empty when no two node boxes overlap, else the first pair that does.
QString overlap(const GraphLayoutResult& layout)
{
    QList<std::pair<QPointF, QString>> boxes;
    for (auto it = layout.positions.cbegin(); it != layout.positions.cend(); ++it)
        boxes.append({ it.value(), it.key() });
    std::sort(boxes.begin(), boxes.end(), [](const auto& a, const auto& b) { return a.first.y() < b.first.y(); });
    const auto size = GraphLayout::nodeSize;
    for (qsizetype i = 0; i < boxes.size(); ++i) {
        for (qsizetype j = i + 1; j < boxes.size() && boxes[j].first.y() - boxes[i].first.y() < size.height(); ++j) {
            if (std::abs(boxes[j].first.x() - boxes[i].first.x()) < size.width())
                return boxes[i].second % u" overlaps "_s % boxes[j].second;
        }
    }
    return {};
}

// Everything the invariants say about one layout of one input.
void verifyLayout(const GraphLayoutInput& input, const GraphLayoutResult& layout)
{
    const QString problem = overlap(layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // Which brokers fold: more triggers than the threshold, bundle not opened.
    QHash<QString, QStringList> triggersOf;
    QSet<QString> brokers;
    for (const auto& n : input.nodes) {
        if (n.kind == NodeKind::Broker)
            brokers.insert(n.id);
    }
    for (const auto& e : input.edges) {
        if (e.kind == EdgeKind::Routes && brokers.contains(e.from))
            triggersOf[e.from].append(e.to);
    }
    QHash<QString, QString> expectedBundleOf;
    int bundleCount = 0;
    for (auto it = triggersOf.begin(); it != triggersOf.end(); ++it) {
        const auto bundle = GraphLayout::bundleIdOf(it.key());
        if (it->size() <= GraphLayout::bundleThreshold || input.expandedBundles.contains(bundle)) {
            QVERIFY(!layout.bundles.contains(bundle));
            continue;
        }
        ++bundleCount;
        std::sort(it->begin(), it->end());
        QVERIFY2(layout.bundles.contains(bundle), qPrintable(bundle));
        const auto info = layout.bundles.value(bundle);
        QCOMPARE(info.id, bundle);
        QCOMPARE(info.broker, it.key());
        QCOMPARE(info.members, *it);
        QVERIFY(layout.positions.contains(bundle));
        QCOMPARE(layout.layers.value(bundle), 2);
        for (const auto& trigger : std::as_const(*it))
            expectedBundleOf.insert(trigger, bundle);
    }
    QCOMPARE(layout.bundles.size(), bundleCount);
    QCOMPARE(layout.bundleOf, expectedBundleOf);

    // Every node is drawn unless folded, and is in its layer's column.
    QCOMPARE(layout.positions.size(), input.nodes.size() - expectedBundleOf.size() + bundleCount);
    for (const auto& n : input.nodes) {
        QCOMPARE(layout.layers.value(n.id, -1), GraphLayout::layerOf(n));
        QCOMPARE(layout.positions.contains(n.id), !expectedBundleOf.contains(n.id));
        if (layout.positions.contains(n.id))
            QCOMPARE(layout.positions.value(n.id).x(), GraphLayout::layerOf(n) * GraphLayout::columnPitch);
    }

    // Edges other than reply and dead-letter run from a lower to a higher layer, left to right.
    for (const auto& e : input.edges) {
        if (e.kind == EdgeKind::Reply || e.kind == EdgeKind::DeadLetter)
            continue;
        QVERIFY(layout.layers.value(e.from) < layout.layers.value(e.to));
        const auto from = drawnAs(layout, e.from);
        const auto to = drawnAs(layout, e.to);
        QVERIFY2(layout.positions.value(from).x() < layout.positions.value(to).x(), qPrintable(e.id));
    }

    // Namespaced nodes lie within their band.
    QHash<QString, QRectF> bands;
    for (const auto& [ns, rect] : layout.namespaceBands)
        bands.insert(ns, rect);
    for (const auto& n : input.nodes) {
        if (n.object.ns.isEmpty())
            continue;
        const QRectF box(layout.positions.value(drawnAs(layout, n.id)), GraphLayout::nodeSize);
        QVERIFY2(bands.value(n.object.ns).contains(box), qPrintable(n.id));
    }
    for (const auto& [ns, rect] : layout.namespaceBands)
        QVERIFY(layout.bounds.contains(rect));
}

// Nodes the delta names (and the ends of changed edges, which belong to a changed object), their neighbours
// before and after, and what each is drawn as. A bundle that appears or goes (threshold crossed, opened or closed)
// may re-place its broker's triggers and their neighbours.
QSet<QString> mayMove(const GraphLayoutInput& before, const GraphLayoutInput& after, const TopologyDelta& delta,
    const GraphLayoutResult& oldLayout, const GraphLayoutResult& newLayout)
{
    QSet<QString> named;
    for (const auto* list : { &delta.nodesAdded, &delta.nodesChanged, &delta.nodesRemoved }) {
        for (const auto& id : *list)
            named.insert(id);
    }
    for (const auto* input : { &before, &after }) {
        for (const auto& e : input->edges) {
            if (delta.edgesAdded.contains(e.id) || delta.edgesRemoved.contains(e.id)) {
                named.insert(e.from);
                named.insert(e.to);
            }
        }
    }
    const auto oldBundles = QSet<QString>(oldLayout.bundles.keyBegin(), oldLayout.bundles.keyEnd());
    const auto newBundles = QSet<QString>(newLayout.bundles.keyBegin(), newLayout.bundles.keyEnd());
    const auto toggled = (oldBundles - newBundles) + (newBundles - oldBundles)
        + (oldLayout.expandedBundles - newLayout.expandedBundles)
        + (newLayout.expandedBundles - oldLayout.expandedBundles);
    for (const auto& bundle : toggled) {
        const QString broker = bundle.mid(7);
        named.insert(bundle);
        named.insert(broker);
        for (const auto* input : { &before, &after }) {
            for (const auto& e : input->edges) {
                if (e.from == broker && e.kind == EdgeKind::Routes)
                    named.insert(e.to);
            }
        }
    }
    QSet<QString> result = named;
    for (const auto* input : { &before, &after }) {
        for (const auto& e : input->edges) {
            if (named.contains(e.from))
                result.insert(e.to);
            if (named.contains(e.to))
                result.insert(e.from);
        }
    }
    for (const auto& id : QSet<QString>(result)) {
        result.insert(drawnAs(oldLayout, id));
        result.insert(drawnAs(newLayout, id));
    }
    return result;
}

// Returns how many nodes moved (all of them allowed to).
int verifyStable(const QSet<QString>& allowed, const GraphLayoutResult& oldLayout, const GraphLayoutResult& newLayout)
{
    int moved = 0;
    for (auto it = oldLayout.positions.cbegin(); it != oldLayout.positions.cend(); ++it) {
        const auto now = newLayout.positions.constFind(it.key());
        if (now == newLayout.positions.cend() || now.value() == it.value())
            continue;
        if (!allowed.contains(it.key()))
            qWarning() << it.key() << "moved from" << it.value() << "to" << now.value();
        [&] { QVERIFY(allowed.contains(it.key())); }();
        ++moved;
    }
    return moved;
}

using Change = std::function<void(GraphLayoutInput& before, GraphLayoutInput& after)>;

const QHash<QString, Change>& changes()
{
    static const QHash<QString, Change> all {
        { u"add trigger"_s,
            [](auto&, auto& after) {
                addTrigger(after, u"new"_s, brokerId(u"small"_s, u"a"_s), subscriberId(u"small"_s, 1, u"a"_s));
            } },
        { u"add trigger and subscriber"_s,
            [](auto&, auto& after) {
                const auto subscriber = node(u"new-svc"_s, NodeKind::Subscriber, u"a"_s);
                after.nodes.append(subscriber);
                addTrigger(after, u"new"_s, brokerId(u"small"_s, u"a"_s), subscriber.id);
            } },
        { u"add trigger to bundle"_s,
            [](auto&, auto& after) {
                addTrigger(after, u"new"_s, brokerId(u"big"_s, u"a"_s), subscriberId(u"big"_s, 3, u"a"_s));
            } },
        { u"add trigger that folds"_s,
            [](auto&, auto& after) {
                addTrigger(after, u"new"_s, brokerId(u"edge"_s, u"a"_s), subscriberId(u"edge"_s, 0, u"a"_s));
            } },
        { u"remove trigger"_s, [](auto&, auto& after) { removeNode(after, triggerId(u"small"_s, 3, u"a"_s)); } },
        { u"remove folded trigger"_s, [](auto&, auto& after) { removeNode(after, triggerId(u"big"_s, 3, u"a"_s)); } },
        { u"remove trigger that unfolds"_s,
            [](auto&, auto& after) { removeNode(after, triggerId(u"fold"_s, 3, u"a"_s)); } },
        { u"drop broker edge that unfolds"_s,
            [](auto&, auto& after) {
                removeEdge(
                    after, edge(brokerId(u"fold"_s, u"a"_s), triggerId(u"fold"_s, 5, u"a"_s), EdgeKind::Routes).id);
            } },
        { u"change subscriber"_s,
            [](auto&, auto& after) {
                setSubscriber(after, triggerId(u"small"_s, 2, u"a"_s), subscriberId(u"small"_s, 3, u"a"_s));
            } },
        { u"move trigger out of bundle"_s,
            [](auto&, auto& after) {
                const auto trigger = triggerId(u"big"_s, 7, u"a"_s);
                removeEdge(after, edge(brokerId(u"big"_s, u"a"_s), trigger, EdgeKind::Routes).id);
                after.edges.append(edge(brokerId(u"small"_s, u"a"_s), trigger, EdgeKind::Routes));
            } },
        { u"open bundle"_s,
            [](auto&, auto& after) {
                after.expandedBundles.insert(GraphLayout::bundleIdOf(brokerId(u"big"_s, u"a"_s)));
            } },
        { u"close bundle"_s,
            [](auto& before, auto&) {
                before.expandedBundles.insert(GraphLayout::bundleIdOf(brokerId(u"big"_s, u"a"_s)));
            } },
        { u"remove namespace"_s,
            [](auto&, auto& after) {
                QStringList ids;
                for (const auto& n : std::as_const(after.nodes)) {
                    if (n.object.ns == u"b"_s)
                        ids.append(n.id);
                }
                for (const auto& id : ids)
                    removeNode(after, id);
            } },
        { u"add namespace"_s,
            [](auto&, auto& after) {
                MeshBuilder mesh;
                mesh.input = after;
                mesh.broker(u"d"_s, u"fresh"_s, 1, 3, 2);
                after = mesh.input;
            } },
        { u"add bundled broker"_s,
            [](auto&, auto& after) {
                MeshBuilder mesh;
                mesh.input = after;
                mesh.broker(u"a"_s, u"crowd"_s, 2, 20, 5);
                after = mesh.input;
            } },
        { u"remove bundled broker"_s, [](auto&, auto& after) { removeNode(after, brokerId(u"big"_s, u"a"_s)); } },
        { u"readiness only"_s,
            [](auto&, auto& after) {
                after.nodes[3].readiness = Readiness::NotReady;
                after.nodes[3].reason = u"broken"_s;
            } },
    };
    return all;
}
} // namespace

class TestGraphLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layersFollowTheFlow_data();
    void layersFollowTheFlow();
    void invariants_data();
    void invariants();
    void deterministic_data();
    void deterministic();
    void bundleFoldsTriggers();
    void namespacesGetTheirOwnBands();
    void incremental_data();
    void incremental();
    void incrementalRoundTrip_data();
    void incrementalRoundTrip();
    void incrementalSequence();
    void updateOfEmptyLayoutIsFull();
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

void TestGraphLayout::invariants_data()
{
    QTest::addColumn<QString>("mesh");
    for (const auto* name : { "small", "back edges", "bundled", "bundle expanded", "namespaces", "random" })
        QTest::addRow("%s", name) << QString::fromLatin1(name);
}

void TestGraphLayout::invariants()
{
    QFETCH(QString, mesh);
    const auto input = meshNamed(mesh);
    verifyLayout(input, GraphLayout::compute(input));
}

void TestGraphLayout::deterministic_data() { invariants_data(); }

// The same mesh gives the same layout, whatever order its nodes and edges come in.
void TestGraphLayout::deterministic()
{
    QFETCH(QString, mesh);
    const auto input = meshNamed(mesh);
    const auto first = GraphLayout::compute(input);
    QCOMPARE(GraphLayout::compute(input).positions, first.positions);
    auto shuffled = input;
    std::mt19937 random(3);
    std::shuffle(shuffled.nodes.begin(), shuffled.nodes.end(), random);
    std::shuffle(shuffled.edges.begin(), shuffled.edges.end(), random);
    const auto second = GraphLayout::compute(shuffled);
    QCOMPARE(second.positions, first.positions);
    QCOMPARE(second.bundleOf, first.bundleOf);
    QCOMPARE(second.namespaceBands, first.namespaceBands);
}

void TestGraphLayout::bundleFoldsTriggers()
{
    const auto folded = GraphLayout::compute(bundledMesh());
    const auto bundle = GraphLayout::bundleIdOf(brokerId(u"big"_s));
    QCOMPARE(folded.bundles.value(bundle).members.size(), 100);
    QVERIFY(!folded.positions.contains(triggerId(u"big"_s, 0)));
    QCOMPARE(folded.bundleOf.value(triggerId(u"big"_s, 0)), bundle);
    // Level with its broker's neighbourhood, in the trigger column.
    QCOMPARE(folded.positions.value(bundle).x(), 2 * GraphLayout::columnPitch);

    const auto opened = GraphLayout::compute(expandedMesh());
    QVERIFY(opened.bundles.isEmpty());
    QVERIFY(opened.positions.contains(triggerId(u"big"_s, 0)));
    QCOMPARE(opened.expandedBundles, QSet<QString> { bundle });
}

void TestGraphLayout::namespacesGetTheirOwnBands()
{
    const auto input = namespaceMesh();
    const auto result = GraphLayout::compute(input);
    QStringList names;
    for (const auto& [ns, rect] : result.namespaceBands)
        names.append(ns);
    // The URI pointed at from a and b joins a, the first by name.
    QCOMPARE(names, (QStringList { u"a"_s, u"b"_s, u"c"_s }));
    for (qsizetype i = 0; i < result.namespaceBands.size(); ++i) {
        for (qsizetype j = i + 1; j < result.namespaceBands.size(); ++j)
            QVERIFY(!result.namespaceBands[i].second.intersects(result.namespaceBands[j].second));
    }
    QVERIFY(result.positions.value(brokerId(u"small"_s, u"a"_s)).y()
        < result.positions.value(brokerId(u"other"_s, u"b"_s)).y());
    const auto uri = result.positions.value(u"uri:https://sink.example/events"_s);
    QVERIFY(result.namespaceBands.at(0).second.contains(QRectF(uri, GraphLayout::nodeSize)));
}

void TestGraphLayout::incremental_data()
{
    QTest::addColumn<QString>("change");
    QStringList names = changes().keys();
    std::sort(names.begin(), names.end());
    for (const auto& name : std::as_const(names))
        QTest::addRow("%s", qPrintable(name)) << name;
}

// One change: the same drawing as a full layout would decide (what is folded, what is drawn), no overlap, and
// nothing moves but the changed nodes and their neighbours.
void TestGraphLayout::incremental()
{
    QFETCH(QString, change);
    auto before = namespaceMesh();
    auto after = before;
    changes().value(change)(before, after);
    const auto delta = diff(before, after);
    const auto oldLayout = GraphLayout::compute(before);
    const auto newLayout = GraphLayout::update(oldLayout, after, delta);
    verifyLayout(after, newLayout);
    if (QTest::currentTestFailed())
        return;
    const int moved = verifyStable(mayMove(before, after, delta, oldLayout, newLayout), oldLayout, newLayout);
    if (change == u"readiness only"_s || change == u"change subscriber"_s)
        QCOMPARE(moved, 0);
    // The previous layout is untouched, so it can be updated again.
    QCOMPARE(GraphLayout::update(oldLayout, after, delta).positions, newLayout.positions);
}

void TestGraphLayout::incrementalRoundTrip_data() { incremental_data(); }

// A change and its reverse in two updates: every node that was never a neighbour of the change is back (it never
// left), and the layout still holds together.
void TestGraphLayout::incrementalRoundTrip()
{
    QFETCH(QString, change);
    auto before = namespaceMesh();
    auto after = before;
    changes().value(change)(before, after);
    const auto forward = diff(before, after);
    const auto backward = diff(after, before);
    const auto start = GraphLayout::compute(before);
    const auto middle = GraphLayout::update(start, after, forward);
    const auto end = GraphLayout::update(middle, before, backward);
    verifyLayout(before, end);
    if (QTest::currentTestFailed())
        return;
    verifyStable(
        mayMove(before, after, forward, start, middle) + mayMove(after, before, backward, middle, end), start, end);
}

// Many small changes in a row on a larger mesh, each checked against the one before.
void TestGraphLayout::incrementalSequence()
{
    auto input = randomMesh();
    auto layout = GraphLayout::compute(input);
    std::mt19937 random(11);
    for (int step = 0; step < 60; ++step) {
        auto next = input;
        const int b = int(random() % 40);
        const QString ns = u"ns-"_s + QString::number(b % 6);
        const auto broker = brokerId(u"b"_s + QString::number(b), ns);
        QStringList triggers;
        for (const auto& e : std::as_const(input.edges)) {
            if (e.from == broker && e.kind == EdgeKind::Routes)
                triggers.append(e.to);
        }
        std::sort(triggers.begin(), triggers.end());
        switch (random() % 4) {
        case 0:
        case 1: {
            const auto subscriber = node(u"step-svc-"_s + QString::number(step), NodeKind::Subscriber, ns);
            next.nodes.append(subscriber);
            addTrigger(next, u"step-"_s + QString::number(step), broker, subscriber.id, ns);
            break;
        }
        case 2:
            if (!triggers.isEmpty())
                removeNode(next, triggers.at(int(random() % triggers.size())));
            break;
        case 3: {
            QStringList subscribers;
            for (const auto& e : std::as_const(input.edges)) {
                if (e.kind == EdgeKind::DeliversTo && triggers.contains(e.from))
                    subscribers.append(e.to);
            }
            if (!triggers.isEmpty() && !subscribers.isEmpty())
                setSubscriber(next, triggers.first(), subscribers.at(int(random() % subscribers.size())));
            break;
        }
        }
        const auto delta = diff(input, next);
        const auto updated = GraphLayout::update(layout, next, delta);
        verifyLayout(next, updated);
        if (QTest::currentTestFailed())
            return;
        verifyStable(mayMove(input, next, delta, layout, updated), layout, updated);
        if (QTest::currentTestFailed())
            return;
        input = next;
        layout = updated;
    }
}

void TestGraphLayout::updateOfEmptyLayoutIsFull()
{
    const auto input = smallMesh();
    TopologyDelta delta;
    for (const auto& n : input.nodes)
        delta.nodesAdded.append(n.id);
    QCOMPARE(GraphLayout::update({}, input, delta).positions, GraphLayout::compute(input).positions);
}

QTEST_GUILESS_MAIN(TestGraphLayout)
#include "tst_graphlayout.moc"
