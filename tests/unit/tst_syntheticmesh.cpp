// SPDX-License-Identifier: Apache-2.0
#include "syntheticmesh.h"

#include "topologygraph.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

ObjectChangeBatch added(const QList<KnativeObjectPtr>& objects)
{
    ObjectChangeBatch batch;
    batch.reserve(objects.size());
    for (const auto& object : objects)
        batch.append({ ObjectChange::Type::Added, object });
    return batch;
}

ObjectKey brokerOf(const KnativeObject& trigger)
{
    return ObjectKey { u"eventing.knative.dev"_s, u"Broker"_s, trigger.key.ns, trigger.broker };
}

} // namespace

class TestSyntheticMesh : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nodeCountIsNearTheTarget_data();
    void nodeCountIsNearTheTarget();
    void sameSeedSameMesh();
    void triggersPointAtExistingBrokers();
    void subscribersAreShared();
    void meshHasTheUsualVariety();
    void emptyTarget();
};

void TestSyntheticMesh::nodeCountIsNearTheTarget_data()
{
    QTest::addColumn<int>("target");
    for (const int target : { 1000, 5000, 20000 })
        QTest::addRow("%d", target) << target;
}

void TestSyntheticMesh::nodeCountIsNearTheTarget()
{
    QFETCH(int, target);
    const auto objects = SyntheticMesh::generate(target);
    TopologyGraph graph;
    graph.applyChanges(added(objects));
    const auto nodes = graph.nodes().size();
    QVERIFY2(std::abs(double(nodes - target)) <= 0.05 * target,
        qPrintable(u"%1 nodes for a target of %2"_s.arg(nodes).arg(target)));
    for (const auto& object : objects)
        QCOMPARE(object->origin, SyntheticMesh::origin());
}

void TestSyntheticMesh::sameSeedSameMesh()
{
    const auto first = SyntheticMesh::generate(2000, 7);
    const auto second = SyntheticMesh::generate(2000, 7);
    QCOMPARE(first.size(), second.size());
    for (qsizetype i = 0; i < first.size(); ++i) {
        QCOMPARE(first[i]->key, second[i]->key);
        QCOMPARE(first[i]->raw, second[i]->raw);
    }

    const auto other = SyntheticMesh::generate(2000, 8);
    bool differs = other.size() != first.size();
    for (qsizetype i = 0; !differs && i < first.size(); ++i)
        differs = first[i]->raw != other[i]->raw;
    QVERIFY(differs);
}

void TestSyntheticMesh::triggersPointAtExistingBrokers()
{
    const auto objects = SyntheticMesh::generate(5000);
    QSet<ObjectKey> keys;
    for (const auto& object : objects) {
        QVERIFY2(!keys.contains(object->key), qPrintable(object->key.toString()));
        keys.insert(object->key);
    }
    int triggers = 0;
    for (const auto& object : objects) {
        if (object->kind != ObjectKind::Trigger)
            continue;
        ++triggers;
        QVERIFY2(keys.contains(brokerOf(*object)), qPrintable(object->key.toString()));
    }
    QVERIFY(triggers > 0);
}

void TestSyntheticMesh::subscribersAreShared()
{
    const auto objects = SyntheticMesh::generate(5000);
    QHash<ObjectKey, int> triggersPerService;
    for (const auto& object : objects) {
        if (object->kind == ObjectKind::Trigger && object->subscriber.ref.kind == u"Service"_s
            && object->subscriber.ref.apiVersion == u"serving.knative.dev/v1"_s)
            ++triggersPerService[object->subscriber.ref.key(object->key.ns)];
    }
    int total = 0;
    int shared = 0;
    for (const int count : std::as_const(triggersPerService)) {
        total += count;
        shared += count > 1 ? 1 : 0;
    }
    const double average = double(total) / double(triggersPerService.size());
    QVERIFY2(average > 2.0 && average < 4.5, qPrintable(QString::number(average)));
    QVERIFY(shared > triggersPerService.size() / 2);
}

void TestSyntheticMesh::meshHasTheUsualVariety()
{
    const auto objects = SyntheticMesh::generate(5000);
    QHash<ObjectKind, int> kinds;
    QSet<QString> namespaces;
    int withFilters = 0;
    int withTypeAttribute = 0;
    int withDeadLetter = 0;
    int sequencesWithReply = 0;
    int brokerSinks = 0;
    for (const auto& object : objects) {
        ++kinds[object->kind];
        namespaces.insert(object->key.ns);
        withFilters += object->filters.isEmpty() ? 0 : 1;
        withTypeAttribute += object->filterAttributes.value(u"type"_s).contains(u'.') ? 1 : 0;
        withDeadLetter += object->delivery.deadLetterSink.isEmpty() ? 0 : 1;
        if (object->kind == ObjectKind::Sequence && !object->reply.isEmpty() && object->steps.size() > 1)
            ++sequencesWithReply;
        if (isSourceKind(object->kind) && object->sink.ref.kind == u"Broker"_s)
            ++brokerSinks;
    }
    QVERIFY(namespaces.size() >= 3);
    const int brokers = kinds.value(ObjectKind::Broker);
    const int triggers = kinds.value(ObjectKind::Trigger);
    QVERIFY2(triggers >= 30 * brokers && triggers <= 50 * brokers, qPrintable(u"%1/%2"_s.arg(triggers).arg(brokers)));
    QVERIFY(brokerSinks >= 2 * brokers && brokerSinks <= 5 * brokers);
    for (const auto kind : { ObjectKind::PingSource, ObjectKind::ApiServerSource, ObjectKind::KafkaSource,
             ObjectKind::KnativeService, ObjectKind::Service, ObjectKind::Deployment })
        QVERIFY(kinds.value(kind) > 0);
    QVERIFY(withFilters > triggers / 10);
    QVERIFY(withTypeAttribute > triggers / 2);
    QVERIFY(withDeadLetter > 0);
    QVERIFY(sequencesWithReply > 0);

    TopologyGraph graph;
    graph.applyChanges(added(objects));
    int missing = 0;
    for (const auto& node : graph.nodes())
        missing += node.kind == NodeKind::Missing ? 1 : 0;
    QVERIFY(missing > 0 && missing < triggers / 50);
}

void TestSyntheticMesh::emptyTarget() { QVERIFY(SyntheticMesh::generate(0).isEmpty()); }

QTEST_GUILESS_MAIN(TestSyntheticMesh)
#include "tst_syntheticmesh.moc"
