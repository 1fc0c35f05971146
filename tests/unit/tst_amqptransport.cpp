// SPDX-License-Identifier: Apache-2.0
#include "amqptransport.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

CloudEvent minimalEvent()
{
    CloudEvent event;
    event.id = u"1"_s;
    event.source = u"/orders"_s;
    event.type = u"dev.meshscope.order"_s;
    return event;
}

} // namespace

class TestAmqpTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void encode_data();
    void encode();
    void invalidEventIsNotSent();
};

// Expected values written out by hand from eventing-rabbitmq's CloudEventToRabbitMQMessage.
void TestAmqpTransport::encode_data()
{
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("contentType");

    // Like the ingress, time and content-type are written even when the event has neither.
    QTest::addRow("minimal") << minimalEvent()
                             << HeaderList { { "content-type", "" }, { "specversion", "1.0" },
                                    { "time", "0001-01-01T00:00:00Z" }, { "id", "1" },
                                    { "type", "dev.meshscope.order" }, { "source", "/orders" } }
                             << QByteArray();

    CloudEvent full = minimalEvent();
    full.dataContentType = u"application/json"_s;
    full.dataSchema = u"https://schemas.example/order.json"_s;
    full.subject = u"order-42"_s;
    full.time = QDateTime(QDate(2026, 11, 26), QTime(12, 1, 3, 500), Qt::UTC);
    full.data = "{\"total\":42}";
    full.dataKind = CloudEvent::DataKind::Json;
    QTest::addRow("all core attributes") << full
                                         << HeaderList { { "content-type", "application/json" },
                                                { "specversion", "1.0" }, { "time", "2026-11-26T12:01:03.5Z" },
                                                { "id", "1" }, { "type", "dev.meshscope.order" },
                                                { "source", "/orders" }, { "subject", "order-42" },
                                                { "dataschema", "https://schemas.example/order.json" } }
                                         << QByteArray("application/json");

    // Every extension as a string in its canonical form, by name: what the ingress has after reading HTTP headers.
    CloudEvent extensions = minimalEvent();
    extensions.extensions = { { u"flag"_s, true }, { u"count"_s, -7 }, { u"region"_s, u"eu-west"_s },
        { u"blob"_s, QByteArray("\x00\xff", 2) }, { u"origin"_s, u"https://shop.example/a?b=c"_s },
        { u"seen"_s, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC) } };
    QTest::addRow("every extension type")
        << extensions
        << HeaderList { { "content-type", "" }, { "specversion", "1.0" }, { "time", "0001-01-01T00:00:00Z" },
               { "id", "1" }, { "type", "dev.meshscope.order" }, { "source", "/orders" }, { "blob", "AP8=" },
               { "count", "-7" }, { "flag", "true" }, { "origin", "https://shop.example/a?b=c" },
               { "region", "eu-west" }, { "seen", "2026-01-02T03:04:05Z" } }
        << QByteArray();

    // AMQP long strings are bytes: UTF-8 as it is, no percent-encoding as in HTTP headers.
    CloudEvent text = minimalEvent();
    text.subject = u"Euro € 😀"_s;
    text.extensions.insert(u"note"_s, u"naïve \"quoted\" 100%"_s);
    text.dataContentType = u"text/plain; charset=utf-8"_s;
    text.data = u"grüße"_s.toUtf8();
    text.dataKind = CloudEvent::DataKind::Text;
    QTest::addRow("non-ASCII text") << text
                                    << HeaderList { { "content-type", "text/plain; charset=utf-8" },
                                           { "specversion", "1.0" }, { "time", "0001-01-01T00:00:00Z" }, { "id", "1" },
                                           { "type", "dev.meshscope.order" }, { "source", "/orders" },
                                           { "subject", u"Euro € 😀"_s.toUtf8() },
                                           { "note", u"naïve \"quoted\" 100%"_s.toUtf8() } }
                                    << QByteArray("text/plain; charset=utf-8");
}

void TestAmqpTransport::encode()
{
    QFETCH(CloudEvent, event);
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, contentType);
    const AmqpMessage message = AmqpTransport::encode(event);
    QCOMPARE(message.headers, headers);
    QCOMPARE(message.contentType, contentType);
    QCOMPARE(message.messageId, event.id.toUtf8());
    QCOMPARE(message.deliveryMode, quint8(2));
    QCOMPARE(message.body, event.data);
}

// Validation happens before any connection: no server is needed to learn that an event cannot be sent.
void TestAmqpTransport::invalidEventIsNotSent()
{
    AmqpTransport transport({ u"127.0.0.1"_s, 1, u"/"_s, u"user"_s, u"secret"_s, false, {} });
    QSignalSpy delivered(&transport, &AmqpTransport::delivered);
    CloudEvent event = minimalEvent();
    event.id.clear();
    QCOMPARE(transport.publish(u"b.exchange"_s, event), 1u);
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.first().at(0).toULongLong(), 1u);
    const auto result = delivered.first().at(1).value<DeliveryResult>();
    QVERIFY(!result.ok);
    QCOMPARE(result.target, u"b.exchange"_s);
    QVERIFY2(result.error.startsWith(u"invalid event, not sent: id"_s), qPrintable(result.error));
}

QTEST_GUILESS_MAIN(TestAmqpTransport)
#include "tst_amqptransport.moc"
