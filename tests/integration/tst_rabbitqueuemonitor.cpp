// SPDX-License-Identifier: Apache-2.0
#include "rabbitharness.h"
#include "rabbitqueuemonitor.h"

#include "objectstore.h"
#include "seriesstore.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

const QString Namespace = u"meshscope"_s;
const QString BrokerUid = u"3f0c7a52-1c1e-4c51-9a36-8b3a4f1e2d10"_s;

KnativeObjectPtr broker(const QString& klass)
{
    auto object = std::make_shared<KnativeObject>();
    object->key = { u"eventing.knative.dev"_s, u"Broker"_s, Namespace, u"default"_s };
    object->kind = ObjectKind::Broker;
    object->uid = BrokerUid;
    object->brokerClass = klass;
    return object;
}

KnativeObjectPtr trigger(const QString& name)
{
    auto object = std::make_shared<KnativeObject>();
    object->key = { u"eventing.knative.dev"_s, u"Trigger"_s, Namespace, name };
    object->kind = ObjectKind::Trigger;
    object->broker = u"default"_s;
    return object;
}

// A rabbitmq.com Queue object as the messaging-topology-operator holds it.
KnativeObjectPtr queueResource(const QString& name, const QString& triggerName, const QString& rabbitName)
{
    auto object = std::make_shared<KnativeObject>();
    object->key = { u"rabbitmq.com"_s, u"Queue"_s, Namespace, name };
    object->labels.insert(u"eventing.knative.dev/trigger"_s, triggerName);
    object->raw.insert(u"spec"_s, QJsonObject { { u"name"_s, rabbitName }, { u"vhost"_s, u"/"_s } });
    return object;
}

ObjectChangeBatch added(const QList<KnativeObjectPtr>& objects)
{
    ObjectChangeBatch batch;
    for (const auto& object : objects)
        batch.append({ ObjectChange::Type::Added, object });
    return batch;
}

} // namespace

class TestRabbitQueueMonitor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void queueNames();
    void readyMessages();
    void unacknowledgedMessages();
    void publishRate();
    void wrongCredentials();
    void unreachable();
    void restartGivesGapThenRecovery();

private:
    RabbitConnection connection() const
    {
        return { m_harness.managementUrl(), m_harness.user(), m_harness.password(), {} };
    }

    RabbitHarness m_harness;
    ObjectStore m_objects;
    ObjectKey m_orders;
    QString m_queue;
};

void TestRabbitQueueMonitor::initTestCase()
{
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    const auto orders = trigger(u"orders"_s);
    m_orders = orders->key;
    m_objects.apply(added({ broker(u"RabbitMQBroker"_s), orders }));
    m_queue = RabbitQueueMonitor::queueNameFor(*orders, *broker(u"RabbitMQBroker"_s));
}

// The computed name unless a Queue object labelled with the trigger names it; its dead-letter queue is not it.
void TestRabbitQueueMonitor::queueNames()
{
    QCOMPARE(m_queue, u"meshscope.orders."_s % BrokerUid);
    ObjectStore objects;
    objects.apply(added({ broker(u"RabbitMQBroker"_s), trigger(u"orders"_s), trigger(u"audit"_s),
        queueResource(u"t.meshscope.audit.dlq.0123"_s, u"audit"_s, u"t.meshscope.audit.dlq.0123"_s),
        queueResource(u"t.meshscope.audit.4567"_s, u"audit"_s, u"meshscope.audit.legacy"_s) }));
    const auto targets = RabbitQueueMonitor::targetsIn(objects);
    QCOMPARE(targets.size(), 2);
    QCOMPARE(targets.at(0).queue, u"meshscope.audit.legacy"_s);
    QCOMPARE(targets.at(1).queue, m_queue);
    QCOMPARE(targets.at(1).vhost, u"/"_s);
    // Triggers of other broker classes are not RabbitMQ's.
    ObjectStore kafka;
    kafka.apply(added({ broker(u"Kafka"_s), trigger(u"orders"_s) }));
    QVERIFY(RabbitQueueMonitor::targetsIn(kafka).isEmpty());
}

void TestRabbitQueueMonitor::readyMessages()
{
    QString error;
    QVERIFY2(m_harness.declareQueue(m_queue, &error), qPrintable(error));
    for (int i = 0; i < 3; ++i) {
        bool routed = false;
        QVERIFY2(m_harness.publish({}, m_queue, "event " + QByteArray::number(i), &routed, &error), qPrintable(error));
        QVERIFY(routed);
    }
    SeriesStore series;
    RabbitQueueMonitor monitor(&m_objects, &series);
    monitor.setConnection(connection());
    monitor.setInterval(std::chrono::milliseconds(300));
    monitor.start();
    QTRY_COMPARE_WITH_TIMEOUT(monitor.statsOf(m_orders).value_or(RabbitQueueStats {}).ready, 3, 20'000);
    const auto stats = *monitor.statsOf(m_orders);
    QCOMPARE(stats.queue, m_queue);
    QCOMPARE(stats.unacknowledged, 0);
    QCOMPARE(stats.consumers, 0);
    QVERIFY(stats.error.isEmpty());
    QVERIFY(monitor.lastError().isEmpty());
    QCOMPARE(series.last(RabbitQueueMonitor::backlogSeries(m_orders)), std::optional<double>(3));
    QCOMPARE(series.last(RabbitQueueMonitor::unackedSeries(m_orders)), std::optional<double>(0));
    QVERIFY(series.last(RabbitQueueMonitor::produceSeries(m_orders)));
    QVERIFY(series.last(RabbitQueueMonitor::consumeSeries(m_orders)));
    // Refreshes never overlap: a slow answer delays the next one instead of stacking requests.
    QSignalSpy measured(&monitor, &RabbitQueueMonitor::measured);
    QVERIFY(measured.wait(5000));
    QVERIFY(measured.wait(5000));
}

// A consumer with manual acknowledgement and a prefetch of N holds N deliveries unacknowledged, as a busy
// dispatcher does; the rest of the queue stays ready.
void TestRabbitQueueMonitor::unacknowledgedMessages()
{
    constexpr int Published = 10;
    constexpr int Prefetch = 4;
    ObjectStore objects;
    const auto audit = trigger(u"audit"_s);
    objects.apply(added({ broker(u"RabbitMQBroker"_s), audit }));
    const QString queue = RabbitQueueMonitor::queueNameFor(*audit, *broker(u"RabbitMQBroker"_s));
    QString error;
    QVERIFY2(m_harness.declareQueue(queue, &error), qPrintable(error));
    for (int i = 0; i < Published; ++i) {
        bool routed = false;
        QVERIFY2(m_harness.publish({}, queue, "audit " + QByteArray::number(i), &routed, &error), qPrintable(error));
        QVERIFY(routed);
    }
    RabbitConsumer consumer;
    QVERIFY2(consumer.start(m_harness, queue, Prefetch, &error), qPrintable(error));
    QList<quint64> held;
    for (int i = 0; i < Prefetch; ++i) {
        const auto delivery = consumer.next(10'000, &error);
        QVERIFY2(delivery, qPrintable(error));
        held.append(delivery->deliveryTag);
    }
    // The prefetch limit holds back the rest.
    QVERIFY(!consumer.next(300, &error));

    SeriesStore series;
    RabbitQueueMonitor monitor(&objects, &series);
    monitor.setConnection(connection());
    monitor.setInterval(std::chrono::milliseconds(300));
    monitor.start();
    const auto stats = [&] { return monitor.statsOf(audit->key).value_or(RabbitQueueStats {}); };
    QTRY_COMPARE_WITH_TIMEOUT(stats().unacknowledged, Prefetch, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(stats().ready, Published - Prefetch, 20'000);
    QCOMPARE(stats().consumers, 1);
    QTRY_COMPARE_WITH_TIMEOUT(
        series.last(RabbitQueueMonitor::unackedSeries(audit->key)), std::optional<double>(Prefetch), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(series.last(RabbitQueueMonitor::backlogSeries(audit->key)),
        std::optional<double>(Published - Prefetch), 10'000);

    // Two acknowledged: the server hands out two more, so still four are held and two fewer are ready.
    QVERIFY(consumer.ack(held.at(0), &error));
    QVERIFY(consumer.ack(held.at(1), &error));
    for (int i = 0; i < 2; ++i)
        QVERIFY2(consumer.next(10'000, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(stats().ready, Published - Prefetch - 2, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(stats().unacknowledged, Prefetch, 20'000);

    // The consumer goes away: what it held is ready again.
    consumer.close();
    QTRY_COMPARE_WITH_TIMEOUT(stats().unacknowledged, 0, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(stats().ready, Published - 2, 20'000);
    QCOMPARE(stats().consumers, 0);
}

// The rates come from message_stats, which the columns of the list request must let through.
void TestRabbitQueueMonitor::publishRate()
{
    ObjectStore objects;
    const auto payments = trigger(u"payments"_s);
    objects.apply(added({ broker(u"RabbitMQBroker"_s), payments }));
    const QString queue = RabbitQueueMonitor::queueNameFor(*payments, *broker(u"RabbitMQBroker"_s));
    QString error;
    QVERIFY2(m_harness.declareQueue(queue, &error), qPrintable(error));
    SeriesStore series;
    RabbitQueueMonitor monitor(&objects, &series);
    monitor.setConnection(connection());
    monitor.setInterval(std::chrono::milliseconds(300));
    monitor.start();
    QElapsedTimer timer;
    timer.start();
    int published = 0;
    while (monitor.statsOf(payments->key).value_or(RabbitQueueStats {}).publishRate <= 0 && timer.elapsed() < 20'000) {
        bool routed = false;
        QVERIFY2(m_harness.publish({}, queue, "payment", &routed, &error), qPrintable(error));
        ++published;
        QTest::qWait(50);
    }
    QVERIFY(monitor.statsOf(payments->key)->publishRate > 0);
    QVERIFY(series.last(RabbitQueueMonitor::produceSeries(payments->key)).value_or(0) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(series.last(RabbitQueueMonitor::backlogSeries(payments->key)), double(published), 10'000);
}

void TestRabbitQueueMonitor::wrongCredentials()
{
    SeriesStore series;
    RabbitQueueMonitor monitor(&m_objects, &series);
    RabbitConnection wrong = connection();
    wrong.password = u"not-the-password-42"_s;
    monitor.setConnection(wrong);
    QSignalSpy errors(&monitor, &RabbitQueueMonitor::errorChanged);
    monitor.start();
    QVERIFY(errors.wait(15'000));
    const QString error = monitor.lastError();
    QVERIFY2(error.contains(m_harness.user()), qPrintable(error));
    QVERIFY2(error.contains(m_harness.managementUrl().toString()), qPrintable(error));
    QVERIFY2(error.contains(u"401"_s), qPrintable(error));
    QVERIFY2(!error.contains(wrong.password), qPrintable(error));
    QCOMPARE(monitor.statsOf(m_orders)->error, error);
    QVERIFY(!series.last(RabbitQueueMonitor::backlogSeries(m_orders)));
}

void TestRabbitQueueMonitor::unreachable()
{
    // A port that was free a moment ago: nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const QUrl url(u"http://127.0.0.1:%1/"_s.arg(probe.serverPort()));
    probe.close();
    SeriesStore series;
    RabbitQueueMonitor monitor(&m_objects, &series);
    monitor.setConnection({ url, m_harness.user(), m_harness.password(), {} });
    QSignalSpy errors(&monitor, &RabbitQueueMonitor::errorChanged);
    monitor.start();
    QVERIFY(errors.wait(15'000));
    QVERIFY2(monitor.lastError().contains(url.toString()), qPrintable(monitor.lastError()));
    QVERIFY2(monitor.lastError().contains(u"unreachable"_s), qPrintable(monitor.lastError()));
    QVERIFY(!monitor.lastError().contains(m_harness.password()));
}

// The broker goes down and comes back on the same ports: the series get a gap, then values again, by themselves.
void TestRabbitQueueMonitor::restartGivesGapThenRecovery()
{
    SeriesStore series;
    RabbitQueueMonitor monitor(&m_objects, &series);
    monitor.setConnection(connection());
    monitor.setInterval(std::chrono::milliseconds(300));
    monitor.start();
    const QString backlog = RabbitQueueMonitor::backlogSeries(m_orders);
    QTRY_COMPARE_WITH_TIMEOUT(series.last(backlog), std::optional<double>(3), 20'000);

    QString error;
    QVERIFY2(m_harness.shutDown(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!monitor.lastError().isEmpty(), 20'000);
    QVERIFY2(monitor.lastError().contains(u"unreachable"_s), qPrintable(monitor.lastError()));
    QCOMPARE(series.last(backlog), std::nullopt);

    QVERIFY2(m_harness.restart(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(series.last(backlog), std::optional<double>(3), 30'000);
    QTRY_VERIFY_WITH_TIMEOUT(monitor.lastError().isEmpty(), 5000);
    const auto points = series.range(backlog, 0, 1000);
    const auto gap = std::find_if(points.cbegin(), points.cend(), [](const QPointF& p) { return std::isnan(p.y()); });
    QVERIFY(gap != points.cend());
    QVERIFY(gap != points.cbegin());
    QVERIFY(gap + 1 != points.cend());
    // Right after its return the node may report the queue empty until its statistics are in again.
    QVERIFY(!std::isnan((gap + 1)->y()));
}

QTEST_GUILESS_MAIN(TestRabbitQueueMonitor)
#include "tst_rabbitqueuemonitor.moc"
