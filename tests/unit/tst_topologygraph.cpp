// SPDX-License-Identifier: Apache-2.0
#include "topologygraph.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

const QString ns = u"apps"_s;

using Fill = std::function<void(KnativeObject&)>;

KnativeObjectPtr make(const QString& apiVersion, const QString& kind, const QString& name, const Fill& fill = {})
{
    auto object = std::make_shared<KnativeObject>();
    object->apiVersion = apiVersion;
    object->key = ObjectKey { groupOfApiVersion(apiVersion), kind, ns, name };
    object->kind = objectKindFor(object->key.group, kind);
    if (fill)
        fill(*object);
    return object;
}

Destination refTo(const QString& apiVersion, const QString& kind, const QString& name)
{
    return Destination { KReference { apiVersion, kind, name, {} }, {} };
}
Destination ksvcRef(const QString& name) { return refTo(u"serving.knative.dev/v1"_s, u"Service"_s, name); }
Destination brokerRef(const QString& name) { return refTo(u"eventing.knative.dev/v1"_s, u"Broker"_s, name); }
Destination uriTo(const QString& uri) { return Destination { {}, uri }; }

KnativeObjectPtr broker(const QString& name, const Fill& fill = {})
{
    return make(u"eventing.knative.dev/v1"_s, u"Broker"_s, name, fill);
}
KnativeObjectPtr trigger(
    const QString& name, const QString& brokerName, const Destination& subscriber, const Fill& fill = {})
{
    return make(u"eventing.knative.dev/v1"_s, u"Trigger"_s, name, [&](KnativeObject& o) {
        o.broker = brokerName;
        o.subscriber = subscriber;
        if (fill)
            fill(o);
    });
}
KnativeObjectPtr ksvc(const QString& name, const Fill& fill = {})
{
    return make(u"serving.knative.dev/v1"_s, u"Service"_s, name, fill);
}
KnativeObjectPtr pingSource(const QString& name, const Destination& sink)
{
    return make(u"sources.knative.dev/v1"_s, u"PingSource"_s, name, [&](KnativeObject& o) { o.sink = sink; });
}

QString keyId(const KnativeObjectPtr& object) { return object->key.toString(); }

ObjectChangeBatch added(const QList<KnativeObjectPtr>& objects)
{
    ObjectChangeBatch batch;
    for (const auto& object : objects)
        batch.append({ ObjectChange::Type::Added, object });
    return batch;
}
ObjectChangeBatch modified(const KnativeObjectPtr& object) { return { { ObjectChange::Type::Modified, object } }; }
ObjectChangeBatch deleted(const KnativeObjectPtr& object) { return { { ObjectChange::Type::Deleted, object } }; }

// Readable descriptions, so expectations are written with names instead of full ids.
QStringList describeNodes(const TopologyGraph& graph)
{
    QStringList result;
    for (const auto& node : graph.nodes())
        result.append(nodeKindName(node.kind) % u':' % node.label);
    std::sort(result.begin(), result.end());
    return result;
}
QStringList describeEdges(const TopologyGraph& graph)
{
    QStringList result;
    for (const auto& edge : graph.edges()) {
        result.append(
            graph.node(edge.from)->label % u" -"_s % edgeKindName(edge.kind) % u"-> "_s % graph.node(edge.to)->label);
    }
    std::sort(result.begin(), result.end());
    return result;
}
QStringList sorted(QStringList list)
{
    std::sort(list.begin(), list.end());
    return list;
}

// The adjacency indexes must always agree with the edge table.
void verifyConsistent(const TopologyGraph& graph)
{
    qsizetype outgoing = 0;
    qsizetype incoming = 0;
    for (const auto& node : graph.nodes()) {
        outgoing += graph.edgesFrom(node.id).size();
        incoming += graph.edgesTo(node.id).size();
        if (node.kind == NodeKind::Missing || node.kind == NodeKind::Uri)
            QVERIFY2(!graph.edgesFrom(node.id).isEmpty() || !graph.edgesTo(node.id).isEmpty(), qPrintable(node.id));
    }
    QCOMPARE(outgoing, graph.edges().size());
    QCOMPARE(incoming, graph.edges().size());
    for (const auto& edge : graph.edges()) {
        QVERIFY(graph.node(edge.from));
        QVERIFY(graph.node(edge.to));
    }
}

} // namespace

class TestTopologyGraph : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void derivesMesh_data();
    void derivesMesh();
    void nodeFields();
    void missingBecomesRealAndBack();
    void missingReasonFollowsRemainingReferrer();
    void modifyingSubscriberTouchesOnlyItsEdges();
    void reapplyingIsIdempotent();
    void uriNodeRemovedWithLastEdge();
    void addAndDeleteInOneBatch();
    void sharedEdgeSurvivesOneOwner();
    void scaling();
    void clearRemovesEverything();
    void largeMeshChangeIsLocal();
};

void TestTopologyGraph::derivesMesh_data()
{
    QTest::addColumn<QList<KnativeObjectPtr>>("objects");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("edges");

    QTest::addRow("broker mesh with missing subscriber")
        << QList<KnativeObjectPtr> {
               pingSource(u"ping"_s, brokerRef(u"default"_s)),
               broker(u"default"_s, [](KnativeObject& o) { o.delivery.deadLetterSink = ksvcRef(u"dlq"_s); }),
               trigger(u"t1"_s, u"default"_s, ksvcRef(u"display"_s)),
               trigger(u"t2"_s, u"default"_s, refTo(u"v1"_s, u"Service"_s, u"logger"_s)),
               ksvc(u"display"_s),
               ksvc(u"dlq"_s),
           }
        << QStringList { u"Source:ping"_s, u"Broker:default"_s, u"Trigger:t1"_s, u"Trigger:t2"_s,
               u"Subscriber:display"_s, u"Subscriber:dlq"_s, u"Missing:logger"_s }
        << QStringList { u"ping -Sink-> default"_s, u"default -DeadLetter-> dlq"_s, u"default -Routes-> t1"_s,
               u"t1 -DeliversTo-> display"_s, u"default -Routes-> t2"_s, u"t2 -DeliversTo-> logger"_s };

    QTest::addRow("trigger with uri subscriber and missing broker")
        << QList<KnativeObjectPtr> { trigger(u"t"_s, u"default"_s, uriTo(u"http://example.com/hook"_s)) }
        << QStringList { u"Missing:default"_s, u"Trigger:t"_s, u"Uri:http://example.com/hook"_s }
        << QStringList { u"default -Routes-> t"_s, u"t -DeliversTo-> http://example.com/hook"_s };

    QTest::addRow("ref with relative uri is the ref")
        << QList<KnativeObjectPtr> { trigger(u"t"_s, u"b"_s,
                                         Destination {
                                             KReference { u"serving.knative.dev/v1"_s, u"Service"_s, u"svc"_s, {} },
                                             u"/path"_s }),
               broker(u"b"_s), ksvc(u"svc"_s) }
        << QStringList { u"Broker:b"_s, u"Trigger:t"_s, u"Subscriber:svc"_s }
        << QStringList { u"b -Routes-> t"_s, u"t -DeliversTo-> svc"_s };

    QTest::addRow("trigger dead letter and brokerRef")
        << QList<KnativeObjectPtr> { trigger(u"t"_s, {}, ksvcRef(u"svc"_s),
               [](KnativeObject& o) {
                   o.brokerRef = KReference { {}, {}, u"shared"_s, {} };
                   o.broker = u"shared"_s;
                   o.delivery.deadLetterSink = uriTo(u"http://dls.example"_s);
               }) }
        << QStringList { u"Missing:shared"_s, u"Trigger:t"_s, u"Missing:svc"_s, u"Uri:http://dls.example"_s }
        << QStringList { u"shared -Routes-> t"_s, u"t -DeliversTo-> svc"_s, u"t -DeadLetter-> http://dls.example"_s };

    QTest::addRow("subscription with reply and dead letter")
        << QList<KnativeObjectPtr> {
               make(u"messaging.knative.dev/v1"_s, u"InMemoryChannel"_s, u"ch"_s),
               make(u"messaging.knative.dev/v1"_s, u"Subscription"_s, u"sub"_s,
                   [](KnativeObject& o) {
                       o.channel = KReference { u"messaging.knative.dev/v1"_s, u"InMemoryChannel"_s, u"ch"_s, {} };
                       o.subscriber = ksvcRef(u"worker"_s);
                       o.reply = brokerRef(u"replies"_s);
                       o.delivery.deadLetterSink = uriTo(u"http://dls.example"_s);
                   }),
               ksvc(u"worker"_s),
           }
        << QStringList { u"Channel:ch"_s, u"Subscription:sub"_s, u"Subscriber:worker"_s, u"Missing:replies"_s,
               u"Uri:http://dls.example"_s }
        << QStringList { u"ch -Routes-> sub"_s, u"sub -DeliversTo-> worker"_s, u"sub -Reply-> replies"_s,
               u"sub -DeadLetter-> http://dls.example"_s };

    QTest::addRow("sequence")
        << QList<KnativeObjectPtr> {
               make(u"flows.knative.dev/v1"_s, u"Sequence"_s, u"seq"_s,
                   [](KnativeObject& o) {
                       o.steps = { ksvcRef(u"first"_s), uriTo(u"http://second.example"_s), ksvcRef(u"first"_s) };
                       o.reply = brokerRef(u"b"_s);
                   }),
               ksvc(u"first"_s),
               broker(u"b"_s),
           }
        << QStringList { u"Flow:seq"_s, u"Subscriber:first"_s, u"Uri:http://second.example"_s, u"Broker:b"_s }
        << QStringList { u"seq -Routes-> first"_s, u"seq -Routes-> http://second.example"_s, u"seq -Reply-> b"_s };

    QTest::addRow("parallel") << QList<KnativeObjectPtr> { make(u"flows.knative.dev/v1"_s, u"Parallel"_s, u"par"_s,
        [](KnativeObject& o) {
            o.branches = { ParallelBranch { ksvcRef(u"filter"_s), ksvcRef(u"even"_s), brokerRef(u"b"_s) },
                ParallelBranch { {}, ksvcRef(u"odd"_s), {} } };
            o.reply = uriTo(u"http://reply.example"_s);
        }) }
                              << QStringList { u"Flow:par"_s, u"Missing:filter"_s, u"Missing:even"_s, u"Missing:odd"_s,
                                     u"Missing:b"_s, u"Uri:http://reply.example"_s }
                              << QStringList { u"par -Routes-> filter"_s, u"par -Routes-> even"_s, u"par -Reply-> b"_s,
                                     u"par -Routes-> odd"_s, u"par -Reply-> http://reply.example"_s };

    QTest::addRow("unmodelled kinds: no node unless referenced") << QList<KnativeObjectPtr> {
        make(u"eventing.knative.dev/v1alpha1"_s, u"KafkaSink"_s, u"sink"_s),
        make(u"eventing.knative.dev/v1alpha1"_s, u"KafkaSink"_s, u"unused"_s),
        make(u"autoscaling.internal.knative.dev/v1alpha1"_s, u"PodAutoscaler"_s, u"svc-00001"_s),
        make(u"sources.knative.dev/v1beta1"_s, u"KafkaSource"_s, u"ks"_s,
            [](KnativeObject& o) { o.sink = refTo(u"eventing.knative.dev/v1alpha1"_s, u"KafkaSink"_s, u"sink"_s); }),
    } << QStringList { u"Source:ks"_s, u"Subscriber:sink"_s } << QStringList { u"ks -Sink-> sink"_s };

    QTest::addRow("core and knative services are distinct")
        << QList<KnativeObjectPtr> {
               trigger(u"a"_s, u"b"_s, refTo(u"v1"_s, u"Service"_s, u"svc"_s)),
               trigger(u"c"_s, u"b"_s, ksvcRef(u"svc"_s)),
               make(u"v1"_s, u"Service"_s, u"svc"_s),
               make(u"apps/v1"_s, u"Deployment"_s, u"deploy"_s),
           }
        << QStringList { u"Missing:b"_s, u"Trigger:a"_s, u"Trigger:c"_s, u"Subscriber:svc"_s, u"Missing:svc"_s,
               u"Subscriber:deploy"_s }
        << QStringList { u"b -Routes-> a"_s, u"b -Routes-> c"_s, u"a -DeliversTo-> svc"_s, u"c -DeliversTo-> svc"_s };
}

void TestTopologyGraph::derivesMesh()
{
    QFETCH(QList<KnativeObjectPtr>, objects);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, edges);

    // The order objects arrive in must not matter: once all at once, once one by one in reverse.
    TopologyGraph together;
    together.applyChanges(added(objects));
    QCOMPARE(describeNodes(together), sorted(nodes));
    QCOMPARE(describeEdges(together), sorted(edges));
    verifyConsistent(together);

    TopologyGraph oneByOne;
    for (auto it = objects.crbegin(); it != objects.crend(); ++it)
        oneByOne.applyChanges(added({ *it }));
    QCOMPARE(describeNodes(oneByOne), sorted(nodes));
    QCOMPARE(describeEdges(oneByOne), sorted(edges));

    // Deleting everything leaves nothing behind.
    for (const auto& object : std::as_const(objects))
        oneByOne.applyChanges(deleted(object));
    QVERIFY(oneByOne.nodes().isEmpty());
    QVERIFY(oneByOne.edges().isEmpty());
}

void TestTopologyGraph::nodeFields()
{
    TopologyGraph graph;
    const auto t = trigger(u"t"_s, u"b"_s, ksvcRef(u"svc"_s), [](KnativeObject& o) {
        o.conditions = { Condition { u"Ready"_s, u"False"_s, u"SubscriberResolved"_s, u"no address"_s, {}, {} } };
    });
    const auto s = ksvc(u"svc"_s, [](KnativeObject& o) {
        o.conditions = { Condition { u"Ready"_s, u"True"_s, {}, {}, {}, {} } };
    });
    graph.applyChanges(added({ t, s, make(u"sources.knative.dev/v1"_s, u"PingSource"_s, u"p"_s) }));

    const auto* triggerNode = graph.node(keyId(t));
    QVERIFY(triggerNode);
    QCOMPARE(triggerNode->kind, NodeKind::Trigger);
    QCOMPARE(triggerNode->label, u"t"_s);
    QCOMPARE(triggerNode->kindLabel, u"Trigger"_s);
    QCOMPARE(triggerNode->readiness, Readiness::NotReady);
    QCOMPARE(triggerNode->reason, u"SubscriberResolved: no address"_s);
    QCOMPARE(triggerNode->object, t->key);

    const auto* serviceNode = graph.node(keyId(s));
    QCOMPARE(serviceNode->kindLabel, u"Knative Service"_s);
    QCOMPARE(serviceNode->readiness, Readiness::Ready);

    const auto brokerId = u"eventing.knative.dev/Broker/apps/b"_s;
    const auto* brokerNode = graph.node(brokerId);
    QCOMPARE(brokerNode->kind, NodeKind::Missing);
    QCOMPARE(brokerNode->kindLabel, u"Broker"_s);
    QCOMPARE(brokerNode->label, u"b"_s);
    QCOMPARE(brokerNode->reason, u"referenced by Trigger apps/t, not found"_s);
    QCOMPARE(graph.node(u"sources.knative.dev/PingSource/apps/p"_s)->kindLabel, u"PingSource"_s);

    const QString edgeId = brokerId % u"->"_s % keyId(t) % u"#Routes"_s;
    QVERIFY(graph.edges().contains(edgeId));
    QCOMPARE(graph.edges().value(edgeId).owner, t->key);
    QCOMPARE(graph.edgesFrom(brokerId).size(), 1);
    QCOMPARE(graph.edgesTo(keyId(t)).size(), 1);
    QCOMPARE(graph.edgesFrom(keyId(t)).first().kind, EdgeKind::DeliversTo);
}

void TestTopologyGraph::missingBecomesRealAndBack()
{
    TopologyGraph graph;
    QSignalSpy spy(&graph, &TopologyGraph::changed);
    const auto t = trigger(u"t"_s, u"b"_s, ksvcRef(u"svc"_s));
    graph.applyChanges(added({ t }));
    const auto serviceId = u"serving.knative.dev/Service/apps/svc"_s;
    QCOMPARE(graph.node(serviceId)->kind, NodeKind::Missing);
    QCOMPARE(graph.node(serviceId)->kindLabel, u"Knative Service"_s);

    const auto s = ksvc(u"svc"_s);
    graph.applyChanges(added({ s }));
    QCOMPARE(spy.size(), 2);
    auto delta = spy.last().first().value<TopologyDelta>();
    QCOMPARE(delta.nodesChanged, QStringList { serviceId });
    QVERIFY(delta.nodesAdded.isEmpty());
    QVERIFY(delta.edgesAdded.isEmpty());
    QCOMPARE(graph.node(serviceId)->kind, NodeKind::Subscriber);
    QVERIFY(graph.node(serviceId)->reason.isEmpty());

    graph.applyChanges(deleted(s));
    delta = spy.last().first().value<TopologyDelta>();
    QCOMPARE(delta.nodesChanged, QStringList { serviceId });
    QVERIFY(delta.nodesRemoved.isEmpty());
    QCOMPARE(graph.node(serviceId)->kind, NodeKind::Missing);
    QCOMPARE(graph.node(serviceId)->kindLabel, u"Knative Service"_s);
    QCOMPARE(graph.node(serviceId)->reason, u"referenced by Trigger apps/t, not found"_s);

    graph.applyChanges(deleted(t));
    delta = spy.last().first().value<TopologyDelta>();
    QCOMPARE(delta.nodesRemoved, sorted({ serviceId, keyId(t), u"eventing.knative.dev/Broker/apps/b"_s }));
    QCOMPARE(delta.edgesRemoved.size(), 2);
    QVERIFY(graph.nodes().isEmpty());
    QVERIFY(graph.edges().isEmpty());
}

void TestTopologyGraph::missingReasonFollowsRemainingReferrer()
{
    TopologyGraph graph;
    const auto first = trigger(u"first"_s, u"b"_s, ksvcRef(u"svc"_s));
    const auto second = trigger(u"second"_s, u"b"_s, ksvcRef(u"svc"_s));
    graph.applyChanges(added({ first }));
    graph.applyChanges(added({ second }));
    const auto serviceId = u"serving.knative.dev/Service/apps/svc"_s;
    QCOMPARE(graph.node(serviceId)->reason, u"referenced by Trigger apps/first, not found"_s);
    graph.applyChanges(deleted(first));
    QCOMPARE(graph.node(serviceId)->reason, u"referenced by Trigger apps/second, not found"_s);
    verifyConsistent(graph);
}

void TestTopologyGraph::modifyingSubscriberTouchesOnlyItsEdges()
{
    TopologyGraph graph;
    const auto t1 = trigger(u"t1"_s, u"default"_s, ksvcRef(u"display"_s));
    graph.applyChanges(added({ broker(u"default"_s), t1, trigger(u"t2"_s, u"default"_s, ksvcRef(u"display"_s)),
        ksvc(u"display"_s), ksvc(u"other"_s) }));
    const auto nodesBefore = graph.nodes().size();

    QSignalSpy spy(&graph, &TopologyGraph::changed);
    graph.applyChanges(modified(trigger(u"t1"_s, u"default"_s, ksvcRef(u"other"_s))));
    QCOMPARE(spy.size(), 1);
    const auto delta = spy.first().first().value<TopologyDelta>();
    const auto t1Id = keyId(t1);
    QCOMPARE(delta.edgesRemoved, QStringList { t1Id % u"->serving.knative.dev/Service/apps/display#DeliversTo"_s });
    QCOMPARE(delta.edgesAdded, QStringList { t1Id % u"->serving.knative.dev/Service/apps/other#DeliversTo"_s });
    QVERIFY(delta.nodesAdded.isEmpty());
    QVERIFY(delta.nodesChanged.isEmpty());
    QVERIFY(delta.nodesRemoved.isEmpty());
    QCOMPARE(graph.nodes().size(), nodesBefore);

    // Pointing at something missing adds exactly that Missing node.
    graph.applyChanges(modified(trigger(u"t1"_s, u"default"_s, ksvcRef(u"ghost"_s))));
    const auto second = spy.last().first().value<TopologyDelta>();
    QCOMPARE(second.nodesAdded, QStringList { u"serving.knative.dev/Service/apps/ghost"_s });
    QCOMPARE(second.edgesAdded.size(), 1);
    QCOMPARE(second.edgesRemoved.size(), 1);
    verifyConsistent(graph);
}

void TestTopologyGraph::reapplyingIsIdempotent()
{
    TopologyGraph graph;
    const auto objects = QList<KnativeObjectPtr> { broker(u"b"_s), trigger(u"t"_s, u"b"_s, ksvcRef(u"svc"_s)),
        trigger(u"u"_s, u"b"_s, uriTo(u"http://u.example"_s)) };
    graph.applyChanges(added(objects));
    const auto nodes = graph.nodes();
    const auto edges = graph.edges();

    QSignalSpy spy(&graph, &TopologyGraph::changed);
    graph.applyChanges(added(objects));
    for (const auto& object : objects)
        graph.applyChanges(modified(object));
    // Equal content in a fresh object counts the same as the same pointer.
    graph.applyChanges(modified(trigger(u"t"_s, u"b"_s, ksvcRef(u"svc"_s))));
    QCOMPARE(spy.size(), 0);
    QCOMPARE(graph.nodes(), nodes);
    QCOMPARE(graph.edges(), edges);
}

void TestTopologyGraph::uriNodeRemovedWithLastEdge()
{
    TopologyGraph graph;
    const auto uri = uriTo(u"http://hook.example"_s);
    graph.applyChanges(added({ broker(u"b"_s), trigger(u"a"_s, u"b"_s, uri), trigger(u"c"_s, u"b"_s, uri) }));
    const auto uriId = u"uri:http://hook.example"_s;
    QCOMPARE(graph.node(uriId)->kind, NodeKind::Uri);
    QCOMPARE(graph.node(uriId)->label, u"http://hook.example"_s);
    QCOMPARE(graph.edgesTo(uriId).size(), 2);

    QSignalSpy spy(&graph, &TopologyGraph::changed);
    graph.applyChanges(modified(trigger(u"a"_s, u"b"_s, ksvcRef(u"svc"_s))));
    QVERIFY(graph.node(uriId));
    graph.applyChanges(deleted(trigger(u"c"_s, u"b"_s, uri)));
    QVERIFY(!graph.node(uriId));
    QVERIFY(spy.last().first().value<TopologyDelta>().nodesRemoved.contains(uriId));
    verifyConsistent(graph);
}

void TestTopologyGraph::addAndDeleteInOneBatch()
{
    TopologyGraph graph;
    graph.applyChanges(added({ broker(u"b"_s) }));
    QSignalSpy spy(&graph, &TopologyGraph::changed);
    const auto t = trigger(u"t"_s, u"b"_s, ksvcRef(u"svc"_s));
    graph.applyChanges({ { ObjectChange::Type::Added, t }, { ObjectChange::Type::Deleted, t } });
    QCOMPARE(spy.size(), 0);
    QCOMPARE(describeNodes(graph), QStringList { u"Broker:b"_s });
}

void TestTopologyGraph::sharedEdgeSurvivesOneOwner()
{
    // A Subscription on a Parallel that also lists the Subscription as a branch: both declare par -> sub (Routes).
    TopologyGraph graph;
    const auto parallel = make(u"flows.knative.dev/v1"_s, u"Parallel"_s, u"par"_s, [](KnativeObject& o) {
        o.branches = { ParallelBranch { {}, refTo(u"messaging.knative.dev/v1"_s, u"Subscription"_s, u"sub"_s), {} },
            ParallelBranch { {}, refTo(u"messaging.knative.dev/v1"_s, u"Subscription"_s, u"sub"_s), {} } };
    });
    const auto subscription = make(u"messaging.knative.dev/v1"_s, u"Subscription"_s, u"sub"_s, [](KnativeObject& o) {
        o.channel = KReference { u"flows.knative.dev/v1"_s, u"Parallel"_s, u"par"_s, {} };
    });
    graph.applyChanges(added({ parallel, subscription }));
    QCOMPARE(describeEdges(graph), QStringList { u"par -Routes-> sub"_s });

    graph.applyChanges(deleted(parallel));
    QCOMPARE(describeEdges(graph), QStringList { u"par -Routes-> sub"_s });
    QCOMPARE(graph.edges().cbegin()->owner, subscription->key);
    QCOMPARE(describeNodes(graph), sorted({ u"Missing:par"_s, u"Subscription:sub"_s }));
    graph.applyChanges(deleted(subscription));
    QVERIFY(graph.nodes().isEmpty());
    QVERIFY(graph.edges().isEmpty());
}

void TestTopologyGraph::scaling()
{
    TopologyGraph graph;
    const auto autoscaler = [](const QString& name, std::optional<int> desired, std::optional<int> actual) {
        return make(u"autoscaling.internal.knative.dev/v1alpha1"_s, u"PodAutoscaler"_s, name, [&](KnativeObject& o) {
            o.labels.insert(u"serving.knative.dev/service"_s, u"svc"_s);
            o.desiredScale = desired;
            o.actualScale = actual;
        });
    };
    // The autoscaler may arrive before its service.
    graph.applyChanges(added({ autoscaler(u"svc-00001"_s, 2, 1) }));
    QVERIFY(graph.nodes().isEmpty());
    graph.applyChanges(added({ ksvc(u"svc"_s) }));
    const auto serviceId = u"serving.knative.dev/Service/apps/svc"_s;
    QCOMPARE(graph.node(serviceId)->desiredScale, std::optional<int>(2));
    QCOMPARE(graph.node(serviceId)->actualScale, std::optional<int>(1));

    QSignalSpy spy(&graph, &TopologyGraph::changed);
    graph.applyChanges(added({ autoscaler(u"svc-00002"_s, -1, 3) }));
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.first().first().value<TopologyDelta>().nodesChanged, QStringList { serviceId });
    QCOMPARE(graph.node(serviceId)->desiredScale, std::optional<int>(2));
    QCOMPARE(graph.node(serviceId)->actualScale, std::optional<int>(4));

    graph.applyChanges(deleted(autoscaler(u"svc-00001"_s, 2, 1)));
    graph.applyChanges(deleted(autoscaler(u"svc-00002"_s, -1, 3)));
    QCOMPARE(graph.node(serviceId)->desiredScale, std::nullopt);
    QCOMPARE(graph.node(serviceId)->actualScale, std::nullopt);

    graph.applyChanges(added({ make(u"apps/v1"_s, u"Deployment"_s, u"d"_s, [](KnativeObject& o) {
        o.replicas = 3;
        o.readyReplicas = 2;
    }) }));
    const auto* deployment = graph.node(u"apps/Deployment/apps/d"_s);
    QCOMPARE(deployment->kindLabel, u"Deployment"_s);
    QCOMPARE(deployment->desiredScale, std::optional<int>(3));
    QCOMPARE(deployment->actualScale, std::optional<int>(2));
    QCOMPARE(deployment->readiness, Readiness::NotReady);
}

void TestTopologyGraph::clearRemovesEverything()
{
    TopologyGraph graph;
    graph.applyChanges(added({ broker(u"b"_s), trigger(u"t"_s, u"b"_s, ksvcRef(u"svc"_s)) }));
    QSignalSpy spy(&graph, &TopologyGraph::changed);
    graph.clear();
    QCOMPARE(spy.size(), 1);
    const auto delta = spy.first().first().value<TopologyDelta>();
    QCOMPARE(delta.nodesRemoved.size(), 3);
    QCOMPARE(delta.edgesRemoved.size(), 2);
    QVERIFY(graph.nodes().isEmpty());
    graph.clear();
    QCOMPARE(spy.size(), 1);
}

void TestTopologyGraph::largeMeshChangeIsLocal()
{
    TopologyGraph graph;
    ObjectChangeBatch batch;
    batch.append({ ObjectChange::Type::Added, broker(u"b"_s) });
    constexpr int count = 5000;
    for (int i = 0; i < count; ++i) {
        const auto name = QString::number(i);
        batch.append({ ObjectChange::Type::Added, trigger(u"t"_s % name, u"b"_s, ksvcRef(u"svc"_s % name)) });
        batch.append({ ObjectChange::Type::Added, ksvc(u"svc"_s % name) });
    }
    graph.applyChanges(batch);
    QCOMPARE(graph.nodes().size(), 2 * count + 1);
    QCOMPARE(graph.edges().size(), 2 * count);

    QSignalSpy spy(&graph, &TopologyGraph::changed);
    graph.applyChanges(deleted(broker(u"b"_s)));
    const auto delta = spy.first().first().value<TopologyDelta>();
    QCOMPARE(delta.nodesChanged, QStringList { u"eventing.knative.dev/Broker/apps/b"_s });
    QVERIFY(delta.edgesRemoved.isEmpty());
    QCOMPARE(graph.node(u"eventing.knative.dev/Broker/apps/b"_s)->kind, NodeKind::Missing);
    verifyConsistent(graph);
}

QTEST_GUILESS_MAIN(TestTopologyGraph)
#include "tst_topologygraph.moc"
