// SPDX-License-Identifier: Apache-2.0
#include "scalemonitor.h"

#include "objectstore.h"
#include "seriesstore.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestScaleMonitor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deployment();
    void scaledToZero_data();
    void scaledToZero();
    void latestRevisionSpeaks();
    void kedaFromKnativeAnnotations();
    void kedaFromScaledObject();
    void noLagNoKeda();
};

namespace {

const QString Ns = u"shop"_s;

std::shared_ptr<KnativeObject> object(ObjectKind kind, const QString& group, const QString& type, const QString& name)
{
    auto result = std::make_shared<KnativeObject>();
    result->key = { group, type, Ns, name };
    result->kind = kind;
    return result;
}

void add(ObjectStore& store, const QList<std::shared_ptr<KnativeObject>>& objects)
{
    ObjectChangeBatch batch;
    for (const auto& item : objects)
        batch.append({ ObjectChange::Type::Added, item });
    store.apply(batch);
}

std::shared_ptr<KnativeObject> autoscaler(
    const QString& revision, std::optional<int> actual, std::optional<int> desired)
{
    auto pa = object(ObjectKind::PodAutoscaler, u"autoscaling.internal.knative.dev"_s, u"PodAutoscaler"_s, revision);
    pa->labels.insert(u"serving.knative.dev/service"_s, u"checkout"_s);
    pa->actualScale = actual;
    pa->desiredScale = desired;
    return pa;
}

// A Kafka-broker trigger with its group id and, if asked, Knative's KEDA annotations.
QList<std::shared_ptr<KnativeObject>> kafkaTrigger(bool keda)
{
    auto broker = object(ObjectKind::Broker, u"eventing.knative.dev"_s, u"Broker"_s, u"default"_s);
    broker->brokerClass = u"Kafka"_s;
    auto trigger = object(ObjectKind::Trigger, u"eventing.knative.dev"_s, u"Trigger"_s, u"orders"_s);
    trigger->broker = u"default"_s;
    trigger->statusAnnotations.insert(u"group.id"_s, u"knative-trigger-shop-orders"_s);
    if (keda) {
        trigger->annotations.insert(u"autoscaling.eventing.knative.dev/class"_s, u"keda.autoscaling.knative.dev"_s);
        trigger->annotations.insert(u"autoscaling.eventing.knative.dev/lag-threshold"_s, u"10"_s);
        trigger->annotations.insert(u"autoscaling.eventing.knative.dev/max-scale"_s, u"5"_s);
    }
    return { broker, trigger };
}

TriggerLag lagOf(const ObjectKey& trigger, const QList<qint64>& lags)
{
    TriggerLag lag;
    lag.trigger = trigger;
    lag.topic = u"knative-broker-shop-default"_s;
    lag.group = u"knative-trigger-shop-orders"_s;
    for (int i = 0; i < lags.size(); ++i) {
        lag.partitions.append({ i, 100 + lags.at(i), 100, lags.at(i) });
        lag.totalLag += lags.at(i);
    }
    return lag;
}

} // namespace

void TestScaleMonitor::deployment()
{
    ObjectStore store;
    SeriesStore series;
    auto deployment = object(ObjectKind::Deployment, u"apps"_s, u"Deployment"_s, u"billing"_s);
    deployment->replicas = 3;
    deployment->readyReplicas = 2;
    add(store, { deployment });
    ScaleMonitor monitor(&store, &series);
    monitor.sample();
    const auto scale = monitor.scaleOf(deployment->key);
    QVERIFY(scale);
    QCOMPARE(scale->actual, 2);
    QCOMPARE(scale->desired, std::optional<int>(3));
    QVERIFY(!scale->scaledToZero);
    QVERIFY(!scale->keda);
    QCOMPARE(series.last(ScaleMonitor::replicasSeries(deployment->key)), std::optional<double>(2));
    QCOMPARE(series.last(ScaleMonitor::desiredSeries(deployment->key)), std::optional<double>(3));
    QVERIFY(!series.last(ScaleMonitor::kedaSeries(deployment->key)));
}

void TestScaleMonitor::scaledToZero_data()
{
    QTest::addColumn<std::optional<int>>("actual");
    QTest::addColumn<std::optional<int>>("desired");
    QTest::addColumn<bool>("zero");
    QTest::addColumn<std::optional<int>>("expectedDesired");

    QTest::addRow("scaled to zero") << std::optional<int>(0) << std::optional<int>(0) << true << std::optional<int>(0);
    QTest::addRow("running") << std::optional<int>(2) << std::optional<int>(2) << false << std::optional<int>(2);
    QTest::addRow("scaling down to zero")
        << std::optional<int>(1) << std::optional<int>(0) << false << std::optional<int>(0);
    QTest::addRow("activating") << std::optional<int>(0) << std::optional<int>(1) << false << std::optional<int>(1);
    // desiredScale -1: the autoscaler has no metrics yet.
    QTest::addRow("no metrics yet") << std::optional<int>(0) << std::optional<int>(-1) << false << std::optional<int>();
    QTest::addRow("no status") << std::optional<int>() << std::optional<int>() << false << std::optional<int>();
}

void TestScaleMonitor::scaledToZero()
{
    QFETCH(std::optional<int>, actual);
    QFETCH(std::optional<int>, desired);
    QFETCH(bool, zero);
    QFETCH(std::optional<int>, expectedDesired);

    ObjectStore store;
    SeriesStore series;
    add(store, { autoscaler(u"checkout-00001"_s, actual, desired) });
    ScaleMonitor monitor(&store, &series);
    monitor.sample();
    const auto scale = monitor.scaleOf({ u"serving.knative.dev"_s, u"Service"_s, Ns, u"checkout"_s });
    QVERIFY(scale);
    QCOMPARE(scale->scaledToZero, zero);
    QCOMPARE(scale->desired, expectedDesired);
}

void TestScaleMonitor::latestRevisionSpeaks()
{
    ObjectStore store;
    SeriesStore series;
    auto service = object(ObjectKind::KnativeService, u"serving.knative.dev"_s, u"Service"_s, u"checkout"_s);
    service->raw.insert(u"status"_s, QJsonObject { { u"latestReadyRevisionName"_s, u"checkout-00002"_s } });
    add(store, { service, autoscaler(u"checkout-00001"_s, 0, 0), autoscaler(u"checkout-00002"_s, 3, 4) });
    ScaleMonitor monitor(&store, &series);
    monitor.sample();
    const auto scale = monitor.scaleOf(service->key);
    QVERIFY(scale);
    QCOMPARE(scale->actual, 3);
    QCOMPARE(scale->desired, std::optional<int>(4));
}

void TestScaleMonitor::kedaFromKnativeAnnotations()
{
    ObjectStore store;
    SeriesStore series;
    auto objects = kafkaTrigger(true);
    auto consumerGroup = object(ObjectKind::Unknown, u"internal.kafka.eventing.knative.dev"_s, u"ConsumerGroup"_s,
        u"knative-trigger-shop-orders"_s);
    consumerGroup->raw.insert(u"spec"_s, QJsonObject { { u"replicas"_s, 1 } });
    consumerGroup->raw.insert(u"status"_s, QJsonObject { { u"replicas"_s, 1 } });
    objects.append(consumerGroup);
    add(store, objects);
    const ObjectKey trigger = objects.at(1)->key;
    ScaleMonitor monitor(&store, &series);
    // 45 messages of lag at lag-threshold 10: 5 replicas (allowIdleConsumers, as for a placed ConsumerGroup).
    monitor.setLagSource([trigger](const ObjectKey& key) -> std::optional<TriggerLag> {
        if (key != trigger)
            return std::nullopt;
        return lagOf(trigger, { 40, 5 });
    });
    monitor.sample();
    const auto scale = monitor.scaleOf(trigger);
    QVERIFY(scale);
    QCOMPARE(scale->keda, std::optional<int>(5));
    QCOMPARE(scale->actual, 1);
    QCOMPARE(series.last(ScaleMonitor::kedaSeries(trigger)), std::optional<double>(5));
    QCOMPARE(series.last(ScaleMonitor::replicasSeries(trigger)), std::optional<double>(1));
}

void TestScaleMonitor::kedaFromScaledObject()
{
    ObjectStore store;
    SeriesStore series;
    auto objects = kafkaTrigger(false);
    auto deployment = object(ObjectKind::Deployment, u"apps"_s, u"Deployment"_s, u"order-processor"_s);
    deployment->replicas = 1;
    deployment->readyReplicas = 1;
    auto scaledObject = object(ObjectKind::Unknown, u"keda.sh"_s, u"ScaledObject"_s, u"order-processor"_s);
    scaledObject->raw.insert(u"spec"_s,
        QJsonObject { { u"scaleTargetRef"_s, QJsonObject { { u"name"_s, u"order-processor"_s } } },
            { u"maxReplicaCount"_s, 10 },
            { u"triggers"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"kafka"_s },
                    { u"metadata"_s,
                        QJsonObject { { u"consumerGroup"_s, u"knative-trigger-shop-orders"_s },
                            { u"topic"_s, u"knative-broker-shop-default"_s },
                            { u"lagThreshold"_s, u"20"_s } } } } } } });
    objects << deployment << scaledObject;
    add(store, objects);
    const ObjectKey trigger = objects.at(1)->key;
    ScaleMonitor monitor(&store, &series);
    // 200 messages on 3 partitions at lagThreshold 20: capped at one consumer per partition.
    monitor.setLagSource([trigger](const ObjectKey&) {
        return std::optional<TriggerLag>(lagOf(trigger, { 200, 0, 0 }));
    });
    monitor.sample();
    const auto scale = monitor.scaleOf(deployment->key);
    QVERIFY(scale);
    QCOMPARE(scale->keda, std::optional<int>(3));
    QCOMPARE(scale->actual, 1);
    QCOMPARE(series.last(ScaleMonitor::kedaSeries(deployment->key)), std::optional<double>(3));
    QVERIFY(!monitor.scaleOf(trigger));
}

void TestScaleMonitor::noLagNoKeda()
{
    ObjectStore store;
    SeriesStore series;
    auto objects = kafkaTrigger(true);
    add(store, objects);
    ScaleMonitor monitor(&store, &series);
    monitor.sample();
    QVERIFY(!monitor.scaleOf(objects.at(1)->key));
    TriggerLag failed = lagOf(objects.at(1)->key, { 5 });
    failed.error = u"group not found"_s;
    monitor.setLagSource([failed](const ObjectKey&) { return std::optional<TriggerLag>(failed); });
    monitor.sample();
    QVERIFY(!monitor.scaleOf(objects.at(1)->key));
    QVERIFY(series.seriesIds().isEmpty());
}

QTEST_GUILESS_MAIN(TestScaleMonitor)
#include "tst_scalemonitor.moc"
