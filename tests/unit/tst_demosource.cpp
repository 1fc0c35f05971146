// SPDX-License-Identifier: Apache-2.0
// The demo plays Knative's controllers, so its status must look like theirs; its Kafka side must be
// measurable through the same calls a real cluster is measured with.
#include "backlogmonitor.h"
#include "demosource.h"
#include "objectstore.h"
#include "scalemonitor.h"
#include "seriesstore.h"

#include <QtTest>

using namespace Qt::StringLiterals;

class TestDemoSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void bundledManifestsParseCleanly();
    void controllerStatus_data();
    void controllerStatus();
    void backlogAndReplicasComeAlive();

private:
    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<DemoSource> m_demo;
    QList<SourceIssue> m_issues;
};

void TestDemoSource::init()
{
    m_store = std::make_unique<ObjectStore>();
    m_demo = std::make_unique<DemoSource>();
    m_issues.clear();
    m_store->connectSource(m_demo.get());
    connect(m_demo.get(), &ObjectSource::issues, this,
        [this](const QString&, const QList<SourceIssue>& issues) { m_issues.append(issues); });
    m_demo->start();
}

void TestDemoSource::cleanup()
{
    m_demo.reset();
    m_store.reset();
}

void TestDemoSource::bundledManifestsParseCleanly()
{
    QVERIFY2(m_issues.isEmpty(), qPrintable(m_issues.isEmpty() ? QString() : m_issues.first().toString()));
    QCOMPARE(m_store->objects(ObjectKind::Broker).size(), 3);
    QVERIFY(m_store->objects(ObjectKind::Trigger).size() >= 12);
    QVERIFY(m_store->objects(ObjectKind::KnativeService).size() >= 10);
}

void TestDemoSource::controllerStatus_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("readiness");
    QTest::addColumn<QString>("annotation");
    QTest::addColumn<QString>("value");
    QTest::addRow("the user's billing trigger")
        << u"eventing.knative.dev/Trigger/serverless-apps/billing-process-trigger"_s << int(Readiness::Ready)
        << u"group.id"_s << u"knative-trigger-serverless-apps-billing-process-trigger"_s;
    QTest::addRow("its broker") << u"eventing.knative.dev/Broker/serverless-apps/default-event-broker"_s
                                << int(Readiness::Ready) << u"default.topic"_s
                                << u"knative-broker-serverless-apps-default-event-broker"_s;
    QTest::addRow("trigger with a missing subscriber")
        << u"eventing.knative.dev/Trigger/shop/order-events-crm"_s << int(Readiness::NotReady) << u"group.id"_s
        << u"knative-trigger-shop-order-events-crm"_s;
}

void TestDemoSource::controllerStatus()
{
    QFETCH(QString, key);
    QFETCH(int, readiness);
    QFETCH(QString, annotation);
    QFETCH(QString, value);
    const auto parts = key.split(u'/');
    const auto object = m_store->find({ parts[0], parts[1], parts[2], parts[3] });
    QVERIFY(object);
    QCOMPARE(int(object->readiness()), readiness);
    QCOMPARE(object->statusAnnotations.value(annotation), value);
    QVERIFY(object->raw.contains(u"status"_s));
}

void TestDemoSource::backlogAndReplicasComeAlive()
{
    QSignalSpy started(m_demo.get(), &DemoSource::kafkaStarted);
    QVERIFY(started.wait(15000) || !m_demo->bootstrapServers().isEmpty());
    SeriesStore series;
    BacklogMonitor backlog(m_store.get(), &series, { { u"bootstrap.servers"_s, m_demo->bootstrapServers() } });
    backlog.setInterval(std::chrono::milliseconds(300));
    backlog.start();
    const ObjectKey trigger { u"eventing.knative.dev"_s, u"Trigger"_s, u"serverless-apps"_s,
        u"billing-process-trigger"_s };
    QTRY_VERIFY_WITH_TIMEOUT(series.size(BacklogMonitor::backlogSeries(trigger)) >= 2, 20000);
    const auto lag = backlog.lagOf(trigger);
    QVERIFY(lag);
    QVERIFY2(lag->error.isEmpty(), qPrintable(lag->error));
    QCOMPARE(lag->topic, u"knative-broker-serverless-apps-default-event-broker"_s);
    QCOMPARE(lag->group, u"knative-trigger-serverless-apps-billing-process-trigger"_s);
    QCOMPARE(lag->partitions.size(), 3);
    // Traffic is flowing: the topic's end offsets grow.
    const auto produced = [&] {
        qint64 sum = 0;
        if (const auto current = backlog.lagOf(trigger)) {
            for (const auto& partition : current->partitions)
                sum += std::max<qint64>(0, partition.endOffset);
        }
        return sum;
    };
    QTRY_VERIFY_WITH_TIMEOUT(produced() > 0, 10000);

    // The simulated autoscaler's replicas arrive as PodAutoscaler status, as Knative Serving writes it.
    QTRY_VERIFY_WITH_TIMEOUT(!m_store->objects(ObjectKind::PodAutoscaler).isEmpty(), 20000);
    ScaleMonitor scale(m_store.get(), &series);
    scale.start();
    const ObjectKey worker { u"serving.knative.dev"_s, u"Service"_s, u"serverless-apps"_s,
        u"billing-worker-service"_s };
    QTRY_VERIFY_WITH_TIMEOUT(scale.scaleOf(worker).has_value(), 20000);
}

QTEST_GUILESS_MAIN(TestDemoSource)
#include "tst_demosource.moc"
