// SPDX-License-Identifier: Apache-2.0
#include "amqptransport.h"
#include "rabbitharness.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Names as the Knative RabbitMQ broker gives them (knative-facts.md, section 3) for broker "default" and trigger
// "orders" in namespace "meshscope".
const QString BrokerUid = u"3f0c7a52-1c1e-4c51-9a36-8b3a4f1e2d10"_s;
const QString Exchange = u"b.meshscope.default."_s + BrokerUid;
const QString OrdersQueue = u"meshscope.orders."_s + BrokerUid;
const QString FilteredQueue = u"meshscope.filtered."_s + BrokerUid;
const QString FullExchange = u"meshscope-full"_s;
const QString FullQueue = u"meshscope-full"_s;
constexpr int Timeout = 20'000;

CloudEvent baseEvent(const QString& id)
{
    CloudEvent event;
    event.id = id;
    event.source = u"/meshscope/tests"_s;
    event.type = u"dev.meshscope.order"_s;
    return event;
}

DeliveryResult resultOf(const QSignalSpy& spy, quint64 id)
{
    for (const QList<QVariant>& arguments : spy) {
        if (arguments.at(0).toULongLong() == id)
            return arguments.at(1).value<DeliveryResult>();
    }
    DeliveryResult missing;
    missing.error = u"no delivered() for this id"_s;
    return missing;
}

} // namespace

class TestAmqpTransportRabbitMq : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void publishedAsTheIngressDoes_data();
    void publishedAsTheIngressDoes();
    void triggerFilterMatchesHeaders();
    void manyInFlight();
    void nackIsReported();
    void missingExchange();
    void wrongPassword();
    void tlsAgainstPlainPort();
    void cancelAll();
    void serverStoppedThenBack();

private:
    AmqpConnection connection() const
    {
        AmqpConnection c;
        c.host = u"127.0.0.1"_s;
        c.port = m_harness.amqpPort();
        c.user = m_harness.user();
        c.password = m_harness.password();
        return c;
    }
    // Publishes one event and waits for its result.
    DeliveryResult publishOne(AmqpTransport& transport, const QString& exchange, const CloudEvent& event)
    {
        QSignalSpy delivered(&transport, &AmqpTransport::delivered);
        const quint64 id = transport.publish(exchange, event);
        if (!delivered.wait(Timeout)) {
            DeliveryResult none;
            none.error = u"timed out"_s;
            return none;
        }
        return resultOf(delivered, id);
    }

    RabbitHarness m_harness;
    RabbitConsumer m_orders;
};

void TestAmqpTransportRabbitMq::initTestCase()
{
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    // The broker's exchange (type headers) and a trigger's queue bound as eventing-rabbitmq binds one without a
    // filter: only x- arguments, which a headers exchange ignores, so everything matches.
    QVERIFY2(m_harness.declareExchange(Exchange, u"headers"_s, &error), qPrintable(error));
    QVERIFY2(m_harness.declareQueue(OrdersQueue, &error), qPrintable(error));
    QVERIFY2(m_harness.bindQueue(Exchange, OrdersQueue,
                 { { u"x-knative-trigger"_s, u"orders"_s }, { u"x-match"_s, u"all"_s } }, &error),
        qPrintable(error));
    QVERIFY2(m_orders.start(m_harness, OrdersQueue, 0, &error), qPrintable(error));
}

void TestAmqpTransportRabbitMq::publishedAsTheIngressDoes_data()
{
    QTest::addColumn<CloudEvent>("event");

    CloudEvent json = baseEvent(u"json-1"_s);
    json.dataContentType = u"application/json"_s;
    json.data = "{\"items\":[1,2,3],\"total\":42.5}";
    json.dataKind = CloudEvent::DataKind::Json;
    json.time = QDateTime(QDate(2026, 11, 26), QTime(14, 1, 3, 250), Qt::UTC);
    json.subject = u"order-42"_s;
    json.dataSchema = u"https://schemas.example/order.json"_s;
    QTest::addRow("JSON data") << json;

    CloudEvent text = baseEvent(u"text-1"_s);
    text.dataContentType = u"text/plain; charset=utf-8"_s;
    text.data = u"grüße, 世界"_s.toUtf8();
    text.dataKind = CloudEvent::DataKind::Text;
    QTest::addRow("text data") << text;

    CloudEvent binary = baseEvent(u"binary-1"_s);
    binary.dataContentType = u"application/octet-stream"_s;
    for (int i = 0; i < 256; ++i)
        binary.data.append(char(i));
    binary.dataKind = CloudEvent::DataKind::Binary;
    QTest::addRow("binary bytes 0..255") << binary;

    CloudEvent nonAscii = baseEvent(u"ünïcode-€"_s);
    nonAscii.source = u"/shops/koeln?name=K%C3%B6ln"_s;
    nonAscii.subject = u"Euro € 😀 \"quoted\" 100%"_s;
    nonAscii.extensions.insert(u"customer"_s, u"Zoë Ørsted"_s);
    QTest::addRow("non-ASCII attribute values") << nonAscii;

    CloudEvent extensions = baseEvent(u"extensions-1"_s);
    extensions.extensions = { { u"flag"_s, false }, { u"count"_s, 2147483647 }, { u"region"_s, u"eu-west"_s },
        { u"blob"_s, QByteArray("\x00\x01\xfe\xff", 4) }, { u"origin"_s, u"https://shop.example/a?b=c"_s },
        { u"ref"_s, u"../relative"_s }, { u"seen"_s, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC) },
        { u"partitionkey"_s, u"customer-7"_s },
        { u"traceparent"_s, u"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"_s } };
    QTest::addRow("every extension type") << extensions;

    QTest::addRow("no data, no time") << baseEvent(u"empty-1"_s);
}

// The consumer on the real server sees exactly the headers and properties that the ingress sets.
void TestAmqpTransportRabbitMq::publishedAsTheIngressDoes()
{
    QFETCH(CloudEvent, event);
    AmqpTransport transport(connection());
    const DeliveryResult result = publishOne(transport, Exchange, event);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.target, Exchange);
    QVERIFY(result.latencyMs >= 0);

    QString error;
    const auto delivery = m_orders.next(Timeout, &error);
    QVERIFY2(delivery, qPrintable(error));
    QVERIFY(m_orders.ack(delivery->deliveryTag, &error));
    QCOMPARE(delivery->exchange, Exchange.toUtf8());
    QCOMPARE(delivery->routingKey, QByteArray());
    const AmqpMessage expected = AmqpTransport::encode(event);
    QCOMPARE(delivery->headers, expected.headers);
    QCOMPARE(delivery->headerKinds, QByteArray(expected.headers.size(), 'S'));
    QCOMPARE(delivery->body, event.data);
    QCOMPARE(delivery->deliveryMode, 2);
    QCOMPARE(delivery->messageId, std::optional<QByteArray>(event.id.toUtf8()));
    QCOMPARE(delivery->contentType,
        event.dataContentType.isEmpty() ? std::nullopt : std::optional<QByteArray>(event.dataContentType.toUtf8()));
    // Spot checks independent of encode(): names without prefix, values as UTF-8.
    const auto header = [&delivery](const QByteArray& name) {
        for (const auto& [key, value] : delivery->headers) {
            if (key == name)
                return std::optional<QByteArray>(value);
        }
        return std::optional<QByteArray>();
    };
    QCOMPARE(header("id"), std::optional<QByteArray>(event.id.toUtf8()));
    QCOMPARE(header("source"), std::optional<QByteArray>(event.source.toUtf8()));
    QCOMPARE(header("specversion"), std::optional<QByteArray>("1.0"));
    QVERIFY(!header("ce-id"));
    QVERIFY(!header("ce_id"));
    for (auto it = event.extensions.cbegin(); it != event.extensions.cend(); ++it)
        QCOMPARE(header(it.key().toUtf8()), std::optional<QByteArray>(cloudEventValueToString(it.value()).toUtf8()));
}

// A trigger's filter becomes binding arguments; the event's headers are what the headers exchange matches.
void TestAmqpTransportRabbitMq::triggerFilterMatchesHeaders()
{
    QString error;
    QVERIFY2(m_harness.declareQueue(FilteredQueue, &error), qPrintable(error));
    QVERIFY2(m_harness.bindQueue(Exchange, FilteredQueue,
                 { { u"type"_s, u"dev.meshscope.refund"_s }, { u"region"_s, u"eu-west"_s },
                     { u"x-knative-trigger"_s, u"filtered"_s }, { u"x-match"_s, u"all"_s } },
                 &error),
        qPrintable(error));
    AmqpTransport transport(connection());
    CloudEvent refund = baseEvent(u"refund-1"_s);
    refund.type = u"dev.meshscope.refund"_s;
    refund.extensions.insert(u"region"_s, u"eu-west"_s);
    CloudEvent otherRegion = refund;
    otherRegion.id = u"refund-2"_s;
    otherRegion.extensions.insert(u"region"_s, u"us-east"_s);
    QVERIFY(publishOne(transport, Exchange, refund).ok);
    QVERIFY(publishOne(transport, Exchange, otherRegion).ok);
    QVERIFY(publishOne(transport, Exchange, baseEvent(u"order-9"_s)).ok);
    RabbitConsumer filtered;
    QVERIFY2(filtered.start(m_harness, FilteredQueue, 0, &error), qPrintable(error));
    const auto delivery = filtered.next(Timeout, &error);
    QVERIFY2(delivery, qPrintable(error));
    QCOMPARE(delivery->messageId, std::optional<QByteArray>("refund-1"));
    QVERIFY(filtered.ack(delivery->deliveryTag, &error));
    QVERIFY(!filtered.next(300, &error));
    for (int i = 0; i < 3; ++i) {
        const auto all = m_orders.next(Timeout, &error);
        QVERIFY2(all, qPrintable(error));
        QVERIFY(m_orders.ack(all->deliveryTag, &error));
    }
}

// Publishes pipeline on one channel; every one is confirmed and arrives once, in order.
void TestAmqpTransportRabbitMq::manyInFlight()
{
    constexpr int Count = 1000;
    AmqpTransport transport(connection());
    QSignalSpy delivered(&transport, &AmqpTransport::delivered);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Count; ++i) {
        const quint64 id = transport.publish(Exchange, baseEvent(u"bulk-%1"_s.arg(i)));
        QCOMPARE(id, quint64(i + 1));
    }
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), Count, 60'000);
    qInfo("%d confirmed publishes in %lld ms", Count, timer.elapsed());
    QSet<quint64> ids;
    for (const QList<QVariant>& arguments : delivered) {
        const auto result = arguments.at(1).value<DeliveryResult>();
        QVERIFY2(result.ok, qPrintable(result.error));
        ids.insert(arguments.at(0).toULongLong());
    }
    QCOMPARE(ids.size(), Count);
    QString error;
    for (int i = 0; i < Count; ++i) {
        const auto delivery = m_orders.next(Timeout, &error);
        QVERIFY2(delivery, qPrintable(error));
        QCOMPARE(delivery->messageId, std::optional<QByteArray>(u"bulk-%1"_s.arg(i).toUtf8()));
        QVERIFY(m_orders.ack(delivery->deliveryTag, &error));
    }
}

// A full queue that rejects publishes makes the server nack: the publish fails with a clear reason.
void TestAmqpTransportRabbitMq::nackIsReported()
{
    QString error;
    QVERIFY2(m_harness.declareExchange(FullExchange, u"fanout"_s, &error), qPrintable(error));
    QVERIFY2(m_harness.declareQueue(
                 FullQueue, { { u"x-max-length"_s, 1 }, { u"x-overflow"_s, u"reject-publish"_s } }, &error),
        qPrintable(error));
    QVERIFY2(m_harness.bindQueue(FullExchange, FullQueue, {}, &error), qPrintable(error));
    AmqpTransport transport(connection());
    const DeliveryResult first = publishOne(transport, FullExchange, baseEvent(u"fits"_s));
    QVERIFY2(first.ok, qPrintable(first.error));
    const DeliveryResult second = publishOne(transport, FullExchange, baseEvent(u"overflows"_s));
    QVERIFY(!second.ok);
    qInfo("%s", qPrintable(second.error));
    QVERIFY2(second.error.contains(u"basic.nack"_s), qPrintable(second.error));
    QCOMPARE(second.target, FullExchange);
    // The channel stays usable after a nack.
    QVERIFY(publishOne(transport, Exchange, baseEvent(u"after-nack"_s)).ok);
    const auto delivery = m_orders.next(Timeout, &error);
    QVERIFY2(delivery, qPrintable(error));
    QVERIFY(m_orders.ack(delivery->deliveryTag, &error));
}

// The server closes the channel (404): the publish fails naming the exchange; the next one opens a new channel.
void TestAmqpTransportRabbitMq::missingExchange()
{
    AmqpTransport transport(connection());
    QVERIFY(publishOne(transport, Exchange, baseEvent(u"before"_s)).ok);
    const DeliveryResult missing = publishOne(transport, u"b.meshscope.gone"_s, baseEvent(u"lost"_s));
    QVERIFY(!missing.ok);
    qInfo("%s", qPrintable(missing.error));
    QVERIFY2(missing.error.contains(u"exchange \"b.meshscope.gone\" does not exist"_s), qPrintable(missing.error));
    QVERIFY2(missing.error.contains(u"NOT_FOUND"_s), qPrintable(missing.error));
    QCOMPARE(missing.target, u"b.meshscope.gone"_s);
    const DeliveryResult after = publishOne(transport, Exchange, baseEvent(u"after"_s));
    QVERIFY2(after.ok, qPrintable(after.error));
    QString error;
    for (const char* id : { "before", "after" }) {
        const auto delivery = m_orders.next(Timeout, &error);
        QVERIFY2(delivery, qPrintable(error));
        QCOMPARE(delivery->messageId, std::optional<QByteArray>(id));
        QVERIFY(m_orders.ack(delivery->deliveryTag, &error));
    }
}

void TestAmqpTransportRabbitMq::wrongPassword()
{
    AmqpConnection wrong = connection();
    wrong.password = u"not-the-password-42"_s;
    AmqpTransport transport(wrong);
    const DeliveryResult result = publishOne(transport, Exchange, baseEvent(u"refused"_s));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(u"refused the login of user \""_s + m_harness.user()), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"ACCESS_REFUSED"_s), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"127.0.0.1:%1"_s.arg(m_harness.amqpPort())), qPrintable(result.error));
    QVERIFY(!result.error.contains(wrong.password));
    qInfo("%s", qPrintable(result.error));
    // A vhost the user may not use.
    AmqpConnection vhost = connection();
    vhost.vhost = u"/elsewhere"_s;
    AmqpTransport other(vhost);
    const DeliveryResult denied = publishOne(other, Exchange, baseEvent(u"denied"_s));
    QVERIFY(!denied.ok);
    QVERIFY2(denied.error.contains(u"/elsewhere"_s), qPrintable(denied.error));
    QVERIFY(!denied.error.contains(m_harness.password()));
    qInfo("%s", qPrintable(denied.error));
}

// TLS is really on: a plain AMQP port fails the handshake; a CA file that cannot be read is named.
void TestAmqpTransportRabbitMq::tlsAgainstPlainPort()
{
    AmqpConnection tls = connection();
    tls.host = u"localhost"_s;
    tls.tls = true;
    AmqpTransport transport(tls);
    const DeliveryResult result = publishOne(transport, Exchange, baseEvent(u"tls"_s));
    QVERIFY(!result.ok);
    QVERIFY2(result.error.startsWith(u"cannot connect to RabbitMQ at localhost:"_s), qPrintable(result.error));
    QVERIFY2(result.error.contains(u"SSL"_s), qPrintable(result.error));
    qInfo("%s", qPrintable(result.error));
    tls.caFile = u"/nonexistent/ca.pem"_s;
    AmqpTransport withCa(tls);
    const DeliveryResult ca = publishOne(withCa, Exchange, baseEvent(u"tls"_s));
    QVERIFY2(ca.error.contains(u"cannot read the CA certificates in /nonexistent/ca.pem"_s), qPrintable(ca.error));
}

// Queued publishes fail at once with "cancelled"; every id is reported exactly once either way.
void TestAmqpTransportRabbitMq::cancelAll()
{
    constexpr int Count = 2000;
    AmqpTransport transport(connection());
    QSignalSpy delivered(&transport, &AmqpTransport::delivered);
    for (int i = 0; i < Count; ++i)
        transport.publish(Exchange, baseEvent(u"cancel-%1"_s.arg(i)));
    transport.cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), Count, 60'000);
    QSet<quint64> ids;
    int cancelled = 0;
    int sent = 0;
    for (const QList<QVariant>& arguments : delivered) {
        ids.insert(arguments.at(0).toULongLong());
        const auto result = arguments.at(1).value<DeliveryResult>();
        if (result.ok)
            ++sent;
        else if (result.error == u"cancelled")
            ++cancelled;
    }
    QCOMPARE(ids.size(), Count);
    QCOMPARE(sent + cancelled, Count);
    QVERIFY(cancelled > 0);
    qInfo("%d sent before the cancel, %d cancelled", sent, cancelled);
    QString error;
    for (int i = 0; i < sent; ++i) {
        const auto delivery = m_orders.next(Timeout, &error);
        QVERIFY2(delivery, qPrintable(error));
        QVERIFY(m_orders.ack(delivery->deliveryTag, &error));
    }
    QVERIFY(!m_orders.next(300, &error));
}

// Down: a clear error. Back: the same transport publishes again; an idle connection that the restart closed is
// replaced without failing the next publish.
void TestAmqpTransportRabbitMq::serverStoppedThenBack()
{
    m_orders.close();
    AmqpTransport transport(connection());
    QVERIFY(publishOne(transport, Exchange, baseEvent(u"up"_s)).ok);
    QString error;
    QVERIFY2(m_harness.shutDown(&error), qPrintable(error));
    const DeliveryResult down = publishOne(transport, Exchange, baseEvent(u"down"_s));
    QVERIFY(!down.ok);
    qInfo("%s", qPrintable(down.error));
    QVERIFY2(down.error.contains(u"cannot connect to RabbitMQ at 127.0.0.1:%1"_s.arg(m_harness.amqpPort())),
        qPrintable(down.error));
    QVERIFY2(down.error.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(down.error));

    QVERIFY2(m_harness.restart(&error), qPrintable(error));
    const DeliveryResult back = publishOne(transport, Exchange, baseEvent(u"back"_s));
    QVERIFY2(back.ok, qPrintable(back.error));
    QVERIFY2(m_harness.restart(&error), qPrintable(error));
    const DeliveryResult again = publishOne(transport, Exchange, baseEvent(u"again"_s));
    QVERIFY2(again.ok, qPrintable(again.error));

    // Persistent messages in the durable queue survived both restarts.
    RabbitConsumer consumer;
    QVERIFY2(consumer.start(m_harness, OrdersQueue, 0, &error), qPrintable(error));
    for (const char* id : { "up", "back", "again" }) {
        const auto delivery = consumer.next(Timeout, &error);
        QVERIFY2(delivery, qPrintable(error));
        QCOMPARE(delivery->messageId, std::optional<QByteArray>(id));
        QVERIFY(consumer.ack(delivery->deliveryTag, &error));
    }
}

QTEST_GUILESS_MAIN(TestAmqpTransportRabbitMq)
#include "tst_amqptransportrabbitmq.moc"
