// SPDX-License-Identifier: Apache-2.0
#include "cloudevent.h"

#include <QTest>
#include <QTimeZone>

#include <limits>

using namespace Qt::StringLiterals;

namespace {

CloudEvent minimalEvent()
{
    CloudEvent event;
    event.id = u"A234-1234-1234"_s;
    event.source = u"https://github.com/cloudevents/spec/pull"_s;
    event.type = u"com.github.pull_request.opened"_s;
    return event;
}

QDateTime utc(int year, int month, int day, int hour, int minute, int second, int ms = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, ms), Qt::UTC);
}

} // namespace

class TestCloudEvent : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void valueToString_data();
    void valueToString();
    void attribute_data();
    void attribute();
    void attributeNames();
    void setAttributeCore();
    void setAttributeTime_data();
    void setAttributeTime();
    void setAttributeExtension_data();
    void setAttributeExtension();
    void unsetAttribute();
    void parseTimestamp_data();
    void parseTimestamp();
};

void TestCloudEvent::valueToString_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("expected");

    QTest::addRow("bool true") << QVariant(true) << u"true"_s;
    QTest::addRow("bool false") << QVariant(false) << u"false"_s;
    QTest::addRow("integer") << QVariant(42) << u"42"_s;
    QTest::addRow("negative integer") << QVariant(-7) << u"-7"_s;
    QTest::addRow("integer min") << QVariant(std::numeric_limits<int>::min()) << u"-2147483648"_s;
    QTest::addRow("integer max") << QVariant(std::numeric_limits<int>::max()) << u"2147483647"_s;
    QTest::addRow("binary") << QVariant(QByteArray("\x00\x01\xfehello", 8)) << u"AAH+aGVsbG8="_s;
    QTest::addRow("binary empty") << QVariant(QByteArray()) << QString();
    QTest::addRow("timestamp whole seconds") << QVariant(utc(2018, 4, 5, 17, 31, 0)) << u"2018-04-05T17:31:00Z"_s;
    QTest::addRow("timestamp milliseconds")
        << QVariant(utc(2018, 4, 5, 17, 31, 0, 123)) << u"2018-04-05T17:31:00.123Z"_s;
    QTest::addRow("timestamp trailing zeros trimmed")
        << QVariant(utc(2018, 4, 5, 17, 31, 0, 500)) << u"2018-04-05T17:31:00.5Z"_s;
    QTest::addRow("timestamp with offset becomes UTC")
        << QVariant(QDateTime(QDate(2018, 4, 5), QTime(19, 31), QTimeZone(2 * 3600))) << u"2018-04-05T17:31:00Z"_s;
    QTest::addRow("string") << QVariant(u"Euro € 😀"_s) << u"Euro € 😀"_s;
    QTest::addRow("URI string as given") << QVariant(u"HTTP://Example.COM/%7euser?q=a b"_s)
                                         << u"HTTP://Example.COM/%7euser?q=a b"_s;
}

void TestCloudEvent::valueToString()
{
    QFETCH(QVariant, value);
    QFETCH(QString, expected);
    QCOMPARE(cloudEventValueToString(value), expected);
}

void TestCloudEvent::attribute_data()
{
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("present");
    QTest::addColumn<QString>("expected");

    const CloudEvent minimal = minimalEvent();
    CloudEvent full = minimalEvent();
    full.dataContentType = u"application/json"_s;
    full.dataSchema = u"https://example.com/schema.json"_s;
    full.subject = u"123"_s;
    full.time = utc(2018, 4, 5, 17, 31, 0, 10);
    full.extensions
        = { { u"comexampleflag"_s, true }, { u"comexamplenumber"_s, 10 }, { u"comexamplebinary"_s, QByteArray("bin") },
              { u"comexampletime"_s, utc(2020, 1, 2, 3, 4, 5) }, { u"partitionkey"_s, u"key-1"_s } };

    QTest::addRow("specversion") << minimal << u"specversion"_s << true << u"1.0"_s;
    QTest::addRow("id") << minimal << u"id"_s << true << u"A234-1234-1234"_s;
    QTest::addRow("source") << minimal << u"source"_s << true << u"https://github.com/cloudevents/spec/pull"_s;
    QTest::addRow("type") << minimal << u"type"_s << true << u"com.github.pull_request.opened"_s;
    QTest::addRow("datacontenttype unset") << minimal << u"datacontenttype"_s << false << QString();
    QTest::addRow("dataschema unset") << minimal << u"dataschema"_s << false << QString();
    QTest::addRow("subject unset") << minimal << u"subject"_s << false << QString();
    QTest::addRow("time unset") << minimal << u"time"_s << false << QString();
    QTest::addRow("datacontenttype") << full << u"datacontenttype"_s << true << u"application/json"_s;
    QTest::addRow("dataschema") << full << u"dataschema"_s << true << u"https://example.com/schema.json"_s;
    QTest::addRow("subject") << full << u"subject"_s << true << u"123"_s;
    QTest::addRow("time") << full << u"time"_s << true << u"2018-04-05T17:31:00.01Z"_s;
    QTest::addRow("boolean extension") << full << u"comexampleflag"_s << true << u"true"_s;
    QTest::addRow("integer extension") << full << u"comexamplenumber"_s << true << u"10"_s;
    QTest::addRow("binary extension") << full << u"comexamplebinary"_s << true << u"Ymlu"_s;
    QTest::addRow("timestamp extension") << full << u"comexampletime"_s << true << u"2020-01-02T03:04:05Z"_s;
    QTest::addRow("string extension") << full << u"partitionkey"_s << true << u"key-1"_s;
    QTest::addRow("missing extension") << full << u"nosuch"_s << false << QString();
    QTest::addRow("data is not an attribute") << full << u"data"_s << false << QString();
}

void TestCloudEvent::attribute()
{
    QFETCH(CloudEvent, event);
    QFETCH(QString, name);
    QFETCH(bool, present);
    QFETCH(QString, expected);

    const auto value = event.attribute(name);
    QCOMPARE(value.has_value(), present);
    if (present)
        QCOMPARE(*value, expected);
}

void TestCloudEvent::attributeNames()
{
    CloudEvent event = minimalEvent();
    QCOMPARE(event.attributeNames(), (QStringList { u"specversion"_s, u"id"_s, u"source"_s, u"type"_s }));

    event.time = utc(2020, 1, 1, 0, 0, 0);
    event.subject = u"s"_s;
    event.dataContentType = u"text/plain"_s;
    event.extensions.insert(u"zeta"_s, 1);
    event.extensions.insert(u"alpha"_s, u"a"_s);
    QCOMPARE(event.attributeNames(),
        (QStringList { u"specversion"_s, u"id"_s, u"source"_s, u"type"_s, u"datacontenttype"_s, u"subject"_s, u"time"_s,
            u"alpha"_s, u"zeta"_s }));
    for (const QString& name : event.attributeNames())
        QVERIFY2(event.attribute(name).has_value(), qPrintable(name));
}

void TestCloudEvent::setAttributeCore()
{
    CloudEvent event;
    event.setAttribute(u"specversion"_s, u"1.0"_s);
    event.setAttribute(u"id"_s, u"1"_s);
    event.setAttribute(u"source"_s, QUrl(u"urn:example:source"_s));
    event.setAttribute(u"type"_s, u"t"_s);
    event.setAttribute(u"datacontenttype"_s, u"text/plain"_s);
    event.setAttribute(u"dataschema"_s, u"https://example.com/s"_s);
    event.setAttribute(u"subject"_s, u"sub"_s);

    QCOMPARE(event.specVersion, u"1.0"_s);
    QCOMPARE(event.id, u"1"_s);
    QCOMPARE(event.source, u"urn:example:source"_s);
    QCOMPARE(event.type, u"t"_s);
    QCOMPARE(event.dataContentType, u"text/plain"_s);
    QCOMPARE(event.dataSchema, u"https://example.com/s"_s);
    QCOMPARE(event.subject, u"sub"_s);
    QVERIFY(event.extensions.isEmpty());
}

void TestCloudEvent::setAttributeTime_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QDateTime>("expected");

    QTest::addRow("RFC 3339 string") << QVariant(u"2018-04-05T17:31:00Z"_s) << true << utc(2018, 4, 5, 17, 31, 0);
    QTest::addRow("string with offset") << QVariant(u"2018-04-05T19:31:00.25+02:00"_s) << true
                                        << utc(2018, 4, 5, 17, 31, 0, 250);
    QTest::addRow("QDateTime") << QVariant(utc(2020, 2, 29, 0, 0, 0)) << true << utc(2020, 2, 29, 0, 0, 0);
    QTest::addRow("malformed string kept invalid") << QVariant(u"yesterday"_s) << false << QDateTime();
}

void TestCloudEvent::setAttributeTime()
{
    QFETCH(QVariant, value);
    QFETCH(bool, valid);
    QFETCH(QDateTime, expected);

    CloudEvent event = minimalEvent();
    event.setAttribute(u"time"_s, value);
    QVERIFY(event.time.has_value());
    QCOMPARE(event.time->isValid(), valid);
    if (valid) {
        QCOMPARE(*event.time, expected);
        QCOMPARE(event.time->timeSpec(), Qt::UTC);
    }
    QVERIFY(!event.extensions.contains(u"time"_s));
}

void TestCloudEvent::setAttributeExtension_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QVariant>("stored");

    QTest::addRow("string") << QVariant(u"v"_s) << QVariant(u"v"_s);
    QTest::addRow("empty string kept") << QVariant(QString()) << QVariant(QString());
    QTest::addRow("bool") << QVariant(true) << QVariant(true);
    QTest::addRow("int") << QVariant(5) << QVariant(5);
    QTest::addRow("qint64 in range becomes int") << QVariant(qint64(-5)) << QVariant(-5);
    QTest::addRow("uint in range becomes int") << QVariant(5u) << QVariant(5);
    QTest::addRow("qint64 out of range kept") << QVariant(qint64(1) << 40) << QVariant(qint64(1) << 40);
    QTest::addRow("binary") << QVariant(QByteArray("x")) << QVariant(QByteArray("x"));
    QTest::addRow("QUrl becomes string") << QVariant(QUrl(u"https://example.com/x"_s))
                                         << QVariant(u"https://example.com/x"_s);
}

void TestCloudEvent::setAttributeExtension()
{
    QFETCH(QVariant, value);
    QFETCH(QVariant, stored);

    CloudEvent event = minimalEvent();
    event.setAttribute(u"ext"_s, value);
    QCOMPARE(event.extensions.value(u"ext"_s).typeId(), stored.typeId());
    QCOMPARE(event.extensions.value(u"ext"_s), stored);
}

void TestCloudEvent::unsetAttribute()
{
    CloudEvent event = minimalEvent();
    event.subject = u"s"_s;
    event.time = utc(2020, 1, 1, 0, 0, 0);
    event.extensions.insert(u"ext"_s, 1);

    event.dataSchema = u"https://example.com/s"_s;
    event.setAttribute(u"subject"_s, QVariant());
    event.setAttribute(u"dataschema"_s, QString());
    event.setAttribute(u"time"_s, QString());
    event.setAttribute(u"ext"_s, QVariant::fromValue(nullptr));
    QVERIFY(event.subject.isEmpty());
    QVERIFY(!event.time.has_value());
    QVERIFY(event.extensions.isEmpty());
    QCOMPARE(event, minimalEvent());
}

void TestCloudEvent::parseTimestamp_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QDateTime>("expected");

    QTest::addRow("Z") << u"2018-04-05T17:31:00Z"_s << true << utc(2018, 4, 5, 17, 31, 0);
    QTest::addRow("lower-case t and z") << u"2018-04-05t17:31:00z"_s << true << utc(2018, 4, 5, 17, 31, 0);
    QTest::addRow("negative offset") << u"2018-04-05T17:31:00-05:30"_s << true << utc(2018, 4, 5, 23, 1, 0);
    QTest::addRow("nanoseconds truncated")
        << u"2018-04-05T17:31:00.123456789Z"_s << true << utc(2018, 4, 5, 17, 31, 0, 123);
    QTest::addRow("one fraction digit") << u"2018-04-05T17:31:00.5Z"_s << true << utc(2018, 4, 5, 17, 31, 0, 500);
    QTest::addRow("leap day") << u"2020-02-29T00:00:00Z"_s << true << utc(2020, 2, 29, 0, 0, 0);
    QTest::addRow("no offset") << u"2018-04-05T17:31:00"_s << false << QDateTime();
    QTest::addRow("no seconds") << u"2018-04-05T17:31Z"_s << false << QDateTime();
    QTest::addRow("date only") << u"2018-04-05"_s << false << QDateTime();
    QTest::addRow("bad month") << u"2018-13-05T17:31:00Z"_s << false << QDateTime();
    QTest::addRow("not a leap year") << u"2019-02-29T00:00:00Z"_s << false << QDateTime();
    QTest::addRow("hour 24") << u"2018-04-05T24:00:00Z"_s << false << QDateTime();
    QTest::addRow("offset out of range") << u"2018-04-05T17:31:00+24:00"_s << false << QDateTime();
    QTest::addRow("empty fraction") << u"2018-04-05T17:31:00.Z"_s << false << QDateTime();
    QTest::addRow("non-ASCII digits") << u"٢٠١٨-04-05T17:31:00Z"_s << false << QDateTime();
    QTest::addRow("trailing text") << u"2018-04-05T17:31:00Z "_s << false << QDateTime();
    QTest::addRow("empty") << QString() << false << QDateTime();
}

void TestCloudEvent::parseTimestamp()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QDateTime, expected);

    const auto parsed = parseCloudEventTimestamp(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(parsed->timeSpec(), Qt::UTC);
    }
}

QTEST_GUILESS_MAIN(TestCloudEvent)
#include "tst_cloudevent.moc"
