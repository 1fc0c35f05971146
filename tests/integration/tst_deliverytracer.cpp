// SPDX-License-Identifier: Apache-2.0
//
// DeliveryTracer against a real Kafka broker (KafkaHarness): an event published with KafkaTransport is followed
// for two triggers' consumer groups. The dispatcher of the Knative Kafka broker is played by a librdkafka consumer
// in the test that reads the event and commits past it, as the dispatcher does once the subscriber accepted it.
#include "deliverytracer.h"
#include "kafkabulk.h"
#include "kafkaclient.h"
#include "kafkaharness.h"
#include "kafkatransport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using State = TriggerTrace::State;

namespace {

const QString Topic = u"knative-broker-shop-default"_s;
const ObjectKey Orders { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };
const ObjectKey Audit { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"audit"_s };
const QString OrdersGroup = u"knative-trigger-shop-orders"_s;
const QString AuditGroup = u"knative-trigger-shop-audit"_s;

std::optional<TraceState> latest(const QSignalSpy& spy, quint64 id)
{
    std::optional<TraceState> state;
    for (const auto& arguments : spy) {
        if (arguments.at(0).toULongLong() == id)
            state = arguments.at(1).value<TraceState>();
    }
    return state;
}

} // namespace

class TestDeliveryTracer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void twoTriggersOneEvent();
    void alreadyCommittedIsDeliveredAtOnce();
    void missingTopicIsAnErrorUntilTimeout();
    void emptyTriggerListFinishesAtOnce();
    void cancelStopsUpdates();

private:
    DeliveryResult publish(const QString& id);
    // What the Knative dispatcher does with a record it delivered: consume it as the group and commit past it.
    bool consumeAndCommit(const QString& group, int partition, qint64 offset, QString* error);
    QMap<QString, QString> config() const { return { { u"bootstrap.servers"_s, m_harness.bootstrapServers() } }; }

    KafkaHarness m_harness;
};

void TestDeliveryTracer::initTestCase()
{
    qRegisterMetaType<DeliveryResult>();
    qRegisterMetaType<TraceState>();
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    QVERIFY2(KafkaBulk::createTopics(m_harness.bootstrapServers(), { { Topic, 1 } }, &error), qPrintable(error));
    // Two records before the events of the tests.
    QVERIFY2(KafkaBulk::produce(m_harness.bootstrapServers(), { { Topic, { { 0, 2 } } } }, &error), qPrintable(error));
}

void TestDeliveryTracer::twoTriggersOneEvent()
{
    QString error;
    // The orders trigger's dispatcher has consumed everything before the event; the audit trigger's never runs.
    QVERIFY2(KafkaBulk::commit(m_harness.bootstrapServers(), { { OrdersGroup, { { { Topic, 0 }, 2 } } } }, &error),
        qPrintable(error));
    const DeliveryResult published = publish(u"traced-1"_s);
    QVERIFY2(published.ok, qPrintable(published.error));
    QCOMPARE(published.partition, 0);
    QCOMPARE(published.offset, 2);

    DeliveryTracer tracer;
    tracer.setKafkaConfig(config());
    tracer.setPollInterval(std::chrono::milliseconds(200));
    const std::chrono::milliseconds timeout(12'000);
    tracer.setTimeout(timeout);
    QSignalSpy spy(&tracer, &DeliveryTracer::traceUpdated);
    QElapsedTimer elapsed;
    elapsed.start();
    const quint64 id = tracer.track(
        Topic, published.partition, published.offset, { { Orders, OrdersGroup }, { Audit, AuditGroup } });
    QCOMPARE(id, quint64(1));
    QVERIFY(tracer.state(id));
    QCOMPARE(tracer.state(id)->triggers.size(), 2);

    QTRY_VERIFY_WITH_TIMEOUT(latest(spy, id) && latest(spy, id)->triggers.at(0).lag >= 0, 10'000);
    TraceState state = *latest(spy, id);
    QCOMPARE(state.topic, Topic);
    QCOMPARE(state.offset, 2);
    const TriggerTrace orders = state.triggers.at(0);
    QCOMPARE(orders.trigger, Orders);
    QCOMPARE(orders.state, State::Waiting);
    QCOMPARE(orders.lag, 1);
    QCOMPARE(orders.committed, 2);
    QCOMPARE(orders.text(), u"still waiting for trigger orders (lag 1)"_s);
    const TriggerTrace audit = state.triggers.at(1);
    QCOMPARE(audit.state, State::Waiting);
    QCOMPARE(audit.committed, -1);
    QCOMPARE(audit.lag, 3); // nothing committed: everything retained is ahead of it
    QVERIFY(!state.finished());

    const QDateTime beforeCommit = QDateTime::currentDateTimeUtc();
    QVERIFY2(consumeAndCommit(OrdersGroup, published.partition, published.offset, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(latest(spy, id) && latest(spy, id)->triggers.at(0).state == State::Delivered, 10'000);
    state = *latest(spy, id);
    const TriggerTrace delivered = state.triggers.at(0);
    QCOMPARE(delivered.committed, 3);
    QCOMPARE(delivered.lag, 0);
    // Seen by a poll after the commit, within a few poll intervals.
    QVERIFY(delivered.deliveredAt >= beforeCommit.addSecs(-1));
    QVERIFY(delivered.deliveredAt <= QDateTime::currentDateTimeUtc());
    QCOMPARE(delivered.text(),
        u"delivered to trigger orders at "_s + delivered.deliveredAt.toLocalTime().toString(u"HH:mm:ss"_s));
    QCOMPARE(state.triggers.at(1).state, State::Waiting);
    QVERIFY(!state.finished());

    QTRY_VERIFY_WITH_TIMEOUT(latest(spy, id) && latest(spy, id)->finished(), 20'000);
    QVERIFY2(elapsed.elapsed() >= timeout.count() - 50, qPrintable(QString::number(elapsed.elapsed())));
    state = *latest(spy, id);
    QCOMPARE(state.triggers.at(0).state, State::Delivered);
    QCOMPARE(state.triggers.at(1).state, State::TimedOut);
    QCOMPARE(state.triggers.at(1).text(), u"not delivered to trigger audit in time"_s);
    QVERIFY(!tracer.state(id));
    QCOMPARE(tracer.pendingCount(), 0);
    // Nothing after the final update.
    const qsizetype updates = spy.size();
    QTest::qWait(600);
    QCOMPARE(spy.size(), updates);
}

void TestDeliveryTracer::alreadyCommittedIsDeliveredAtOnce()
{
    QString error;
    const DeliveryResult published = publish(u"traced-2"_s);
    QVERIFY2(published.ok, qPrintable(published.error));
    const QString group = u"knative-trigger-shop-fast"_s;
    QVERIFY2(KafkaBulk::commit(
                 m_harness.bootstrapServers(), { { group, { { { Topic, 0 }, published.offset + 1 } } } }, &error),
        qPrintable(error));
    DeliveryTracer tracer;
    tracer.setKafkaConfig(config());
    tracer.setPollInterval(std::chrono::milliseconds(200));
    QSignalSpy spy(&tracer, &DeliveryTracer::traceUpdated);
    const ObjectKey fast { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"fast"_s };
    const quint64 id = tracer.track(Topic, 0, published.offset, { { fast, group } });
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10'000);
    const TraceState state = *latest(spy, id);
    QVERIFY(state.finished());
    QCOMPARE(state.triggers.at(0).state, State::Delivered);
    QVERIFY(state.triggers.at(0).deliveredAt.isValid());
}

void TestDeliveryTracer::missingTopicIsAnErrorUntilTimeout()
{
    DeliveryTracer tracer;
    tracer.setKafkaConfig(config());
    tracer.setPollInterval(std::chrono::milliseconds(200));
    tracer.setTimeout(std::chrono::milliseconds(3000));
    QSignalSpy spy(&tracer, &DeliveryTracer::traceUpdated);
    const quint64 id = tracer.track(u"knative-broker-shop-missing"_s, 0, 0, { { Orders, OrdersGroup } });
    QTRY_VERIFY_WITH_TIMEOUT(latest(spy, id) && latest(spy, id)->triggers.at(0).state == State::Error, 10'000);
    TriggerTrace trace = latest(spy, id)->triggers.at(0);
    QCOMPARE(trace.error, u"topic does not exist"_s);
    QCOMPARE(trace.text(), u"cannot follow trigger orders: topic does not exist"_s);
    QTRY_VERIFY_WITH_TIMEOUT(latest(spy, id)->finished(), 10'000);
    trace = latest(spy, id)->triggers.at(0);
    QCOMPARE(trace.state, State::TimedOut);
    QCOMPARE(trace.text(), u"not delivered to trigger orders in time (last error: topic does not exist)"_s);
}

void TestDeliveryTracer::emptyTriggerListFinishesAtOnce()
{
    DeliveryTracer tracer;
    QSignalSpy spy(&tracer, &DeliveryTracer::traceUpdated);
    const quint64 id = tracer.track(Topic, 0, 0, {});
    QCOMPARE(spy.size(), 0);
    QTRY_COMPARE(spy.size(), 1);
    QCOMPARE(spy.constFirst().at(0).toULongLong(), id);
    QVERIFY(spy.constFirst().at(1).value<TraceState>().finished());
    QCOMPARE(tracer.pendingCount(), 0);
}

void TestDeliveryTracer::cancelStopsUpdates()
{
    DeliveryTracer tracer;
    tracer.setKafkaConfig(config());
    tracer.setPollInterval(std::chrono::milliseconds(100));
    QSignalSpy spy(&tracer, &DeliveryTracer::traceUpdated);
    const quint64 id = tracer.track(Topic, 0, 1'000'000, { { Audit, AuditGroup } });
    QTRY_VERIFY_WITH_TIMEOUT(spy.size() >= 1, 10'000);
    tracer.cancel(id);
    QVERIFY(!tracer.state(id));
    const qsizetype updates = spy.size();
    QTest::qWait(500);
    QCOMPARE(spy.size(), updates);
}

DeliveryResult TestDeliveryTracer::publish(const QString& id)
{
    KafkaTransport transport(config());
    QSignalSpy spy(&transport, &KafkaTransport::delivered);
    CloudEvent event;
    event.id = id;
    event.source = u"/meshscope/tests"_s;
    event.type = u"dev.meshscope.order.created"_s;
    event.dataContentType = u"application/json"_s;
    event.data = R"({"order":17})";
    event.dataKind = CloudEvent::DataKind::Json;
    transport.publish(Topic, event);
    if (!spy.wait(30'000))
        return { false, -1, -1, u"no delivery report"_s, {}, 0, 0, {} };
    return spy.constFirst().at(1).value<DeliveryResult>();
}

bool TestDeliveryTracer::consumeAndCommit(const QString& group, int partition, qint64 offset, QString* error)
{
    const QMap<QString, QString> settings { { u"group.id"_s, group }, { u"enable.auto.commit"_s, u"false"_s },
        { u"auto.offset.reset"_s, u"earliest"_s } };
    QMap<QString, QString> consumerConfig = config();
    consumerConfig.insert(settings);
    KafkaClient::HandlePtr consumer = KafkaClient::createHandle(RD_KAFKA_CONSUMER, consumerConfig, {}, {}, error);
    if (!consumer)
        return false;
    bool committed = false;
    {
        const KafkaClient::PartitionListPtr assignment = KafkaClient::newPartitionList(1);
        rd_kafka_topic_partition_list_add(assignment.get(), Topic.toUtf8().constData(), partition)->offset
            = RD_KAFKA_OFFSET_STORED;
        rd_kafka_assign(consumer.get(), assignment.get());
        QElapsedTimer waited;
        waited.start();
        while (!committed && waited.elapsed() < 30'000) {
            rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 200);
            if (!message)
                continue;
            if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR && message->offset == offset) {
                const rd_kafka_resp_err_t result = rd_kafka_commit_message(consumer.get(), message, 0);
                if (result == RD_KAFKA_RESP_ERR_NO_ERROR)
                    committed = true;
                else
                    *error = u"commit: "_s + KafkaClient::errorString(result);
            }
            rd_kafka_message_destroy(message);
            if (!error->isEmpty())
                break;
        }
    }
    rd_kafka_consumer_close(consumer.get());
    if (!committed && error->isEmpty())
        *error = u"the consumer did not read offset "_s + QString::number(offset) + u" within 30 s"_s;
    return committed;
}

QTEST_GUILESS_MAIN(TestDeliveryTracer)
#include "tst_deliverytracer.moc"
