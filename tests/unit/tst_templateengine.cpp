// SPDX-License-Identifier: Apache-2.0
#include "cloudeventvalidator.h"
#include "templateengine.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <limits>

using namespace Qt::StringLiterals;

namespace {

const QDateTime fixedNow(QDate(2026, 11, 26), QTime(9, 30, 0, 123), Qt::UTC);
const QString uuidPattern = u"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"_s;

TemplateEngine seededEngine(quint32 seed = 42)
{
    TemplateEngine engine(seed);
    engine.setClock([] { return fixedNow; });
    return engine;
}

// "line:column:fragment of the message" per issue, so that rows read at a glance.
QStringList describe(const QList<TemplateIssue>& issues)
{
    QStringList result;
    for (const auto& issue : issues)
        result.append(issue.field % u':' % QString::number(issue.line) % u':' % QString::number(issue.column));
    return result;
}

} // namespace

class TestTemplateEngine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void expandText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("pattern"); // a regular expression the whole expansion must match

        QTest::addRow("no placeholder") << u"order created"_s << u"order created"_s;
        QTest::addRow("now") << u"{{now}}"_s << u"2026-11-26T09:30:00\\.123Z"_s;
        QTest::addRow("padded name") << u"{{ now }}"_s << u"2026-11-26T09:30:00\\.123Z"_s;
        QTest::addRow("seq") << u"n={{seq}}"_s << u"n=1"_s;
        QTest::addRow("seq twice in one expansion") << u"{{seq}}/{{seq}}"_s << u"1/1"_s;
        QTest::addRow("uuid") << u"{{uuid}}"_s << uuidPattern;
        QTest::addRow("two uuids") << u"{{uuid}} {{uuid}}"_s << uuidPattern % u' ' % uuidPattern;
        QTest::addRow("random of one value") << u"{{random:5-5}}"_s << u"5"_s;
        QTest::addRow("negative range") << u"{{random:-3--3}}"_s << u"-3"_s;
        QTest::addRow("random in text") << u"qty {{random:1-9}} units"_s << u"qty [1-9] units"_s;
        QTest::addRow("choice of one") << u"{{choice:only}}"_s << u"only"_s;
        QTest::addRow("choice keeps spaces") << u"{{choice: a b }}"_s << u" a b "_s;
        QTest::addRow("non-ASCII around") << u"Zürich ✓ {{seq}} 100%"_s << u"Zürich ✓ 1 100%"_s;
        QTest::addRow("braces that are no placeholder") << u"{ {x} }"_s << u"\\{ \\{x\\} \\}"_s;
        QTest::addRow("JSON data") << u"{\"n\":{{seq}},\"at\":\"{{now}}\"}"_s
                                   << u"\\{\"n\":1,\"at\":\"2026-11-26T09:30:00\\.123Z\"\\}"_s;
    }
    void expandText()
    {
        QFETCH(QString, text);
        QFETCH(QString, pattern);
        auto engine = seededEngine();
        QList<TemplateIssue> issues;
        const QString expanded = engine.expandText(text, u"subject"_s, &issues);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.value(0).message));
        const QRegularExpression expression(QRegularExpression::anchoredPattern(pattern));
        QVERIFY2(expression.match(expanded).hasMatch(), qPrintable(expanded));
        QVERIFY(TemplateEngine::check(text, u"subject"_s).isEmpty());
    }

    void issues_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("kept"); // the expansion: bad placeholders stay as typed
        QTest::addColumn<QStringList>("positions"); // field:line:column per issue
        QTest::addColumn<QString>("message"); // a fragment of the first issue's message

        QTest::addRow("unknown") << u"a {{nope}} b"_s << u"a {{nope}} b"_s << QStringList { u"data:1:3"_s }
                                 << u"unknown placeholder {{nope}}"_s;
        QTest::addRow("unknown lists the known ones")
            << u"{{UUID}}"_s << u"{{UUID}}"_s << QStringList { u"data:1:1"_s } << u"{{uuid}}, {{now}}"_s;
        QTest::addRow("unterminated") << u"x {{seq"_s << u"x {{seq"_s << QStringList { u"data:1:3"_s }
                                      << u"without a closing"_s;
        QTest::addRow("second line") << u"{\n  \"a\": 1,\n    {{when}}\n}"_s << u"{\n  \"a\": 1,\n    {{when}}\n}"_s
                                     << QStringList { u"data:3:5"_s } << u"{{when}}"_s;
        QTest::addRow("random without range")
            << u"{{random}}"_s << u"{{random}}"_s << QStringList { u"data:1:1"_s } << u"unknown placeholder"_s;
        QTest::addRow("random not integers")
            << u"{{random:a-b}}"_s << u"{{random:a-b}}"_s << QStringList { u"data:1:1"_s } << u"needs two integers"_s;
        QTest::addRow("random one number")
            << u"{{random:10}}"_s << u"{{random:10}}"_s << QStringList { u"data:1:1"_s } << u"needs two integers"_s;
        QTest::addRow("random reversed") << u"{{random:10-1}}"_s << u"{{random:10-1}}"_s
                                         << QStringList { u"data:1:1"_s } << u"MIN is greater than MAX"_s;
        QTest::addRow("random overflow") << u"{{random:1-99999999999999999999}}"_s
                                         << u"{{random:1-99999999999999999999}}"_s << QStringList { u"data:1:1"_s }
                                         << u"needs two integers"_s;
        QTest::addRow("choice without options")
            << u"{{choice:}}"_s << u"{{choice:}}"_s << QStringList { u"data:1:1"_s } << u"needs options"_s;
        QTest::addRow("two issues, good one expanded") << u"{{a}}{{seq}}{{b}}"_s << u"{{a}}1{{b}}"_s
                                                       << QStringList { u"data:1:1"_s, u"data:1:13"_s } << u"{{a}}"_s;
        QTest::addRow("column counts UTF-16 units")
            << u"ü✓ {{x}}"_s << u"ü✓ {{x}}"_s << QStringList { u"data:1:4"_s } << u"{{x}}"_s;
    }
    void issues()
    {
        QFETCH(QString, text);
        QFETCH(QString, kept);
        QFETCH(QStringList, positions);
        QFETCH(QString, message);
        auto engine = seededEngine();
        QList<TemplateIssue> issues;
        QCOMPARE(engine.expandText(text, u"data"_s, &issues), kept);
        QCOMPARE(describe(issues), positions);
        QVERIFY2(issues.constFirst().message.contains(message), qPrintable(issues.constFirst().message));
        QCOMPARE(TemplateEngine::check(text, u"data"_s), issues);
    }

    void seedReproducesExpansions()
    {
        const QString text = u"{{uuid}} {{random:1-1000000}} {{choice:a|b|c|d|e|f}}"_s;
        auto first = seededEngine(7);
        auto second = seededEngine(7);
        auto other = seededEngine(8);
        for (int i = 0; i < 5; ++i) {
            const QString expanded = first.expandText(text, u"data"_s, nullptr);
            QCOMPARE(second.expandText(text, u"data"_s, nullptr), expanded);
            QVERIFY(other.expandText(text, u"data"_s, nullptr) != expanded);
        }
    }

    void uuidsDiffer()
    {
        auto engine = seededEngine();
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i)
            seen.insert(engine.expandText(u"{{uuid}}"_s, u"id"_s, nullptr));
        QCOMPARE(seen.size(), 1000);
    }

    void sequenceAndClockPerExpansion()
    {
        auto engine = seededEngine();
        int clockReads = 0;
        engine.setClock([&clockReads] { return fixedNow.addSecs(clockReads++); });
        QCOMPARE(engine.nextSequence(), 1u);
        engine.beginExpansion();
        QCOMPARE(engine.expandText(u"{{seq}} {{now}}"_s, u"id"_s, nullptr), u"1 2026-11-26T09:30:00.123Z"_s);
        QCOMPARE(engine.expandText(u"{{seq}} {{now}}"_s, u"subject"_s, nullptr), u"1 2026-11-26T09:30:00.123Z"_s);
        engine.beginExpansion();
        QCOMPARE(engine.expandText(u"{{seq}} {{now}}"_s, u"id"_s, nullptr), u"2 2026-11-26T09:30:01.123Z"_s);
        QCOMPARE(clockReads, 2);
        engine.setNextSequence(100);
        engine.beginExpansion();
        QCOMPARE(engine.expandText(u"{{seq}}"_s, u"id"_s, nullptr), u"100"_s);
        QCOMPARE(engine.nextSequence(), 101u);
    }

    void nowIsUtcWithMilliseconds()
    {
        TemplateEngine engine(1);
        engine.setClock([] { return QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), QTimeZone(3600)); });
        QCOMPARE(engine.expandText(u"{{now}}"_s, u"time"_s, nullptr), u"2026-01-02T02:04:05.000Z"_s);
    }

    void randomStaysInRange_data()
    {
        QTest::addColumn<qint64>("min");
        QTest::addColumn<qint64>("max");
        QTest::addColumn<bool>("everyValue"); // small ranges: 2000 draws must hit every value

        QTest::addRow("1-100") << qint64(1) << qint64(100) << true;
        QTest::addRow("-5-5") << qint64(-5) << qint64(5) << true;
        QTest::addRow("-10--1") << qint64(-10) << qint64(-1) << true;
        QTest::addRow("0-1") << qint64(0) << qint64(1) << true;
        QTest::addRow("32-bit") << qint64(std::numeric_limits<qint32>::min())
                                << qint64(std::numeric_limits<qint32>::max()) << false;
        QTest::addRow("full 64-bit") << std::numeric_limits<qint64>::min() << std::numeric_limits<qint64>::max()
                                     << false;
    }
    void randomStaysInRange()
    {
        QFETCH(qint64, min);
        QFETCH(qint64, max);
        QFETCH(bool, everyValue);
        auto engine = seededEngine();
        const QString text = u"{{random:%1-%2}}"_s.arg(min).arg(max);
        QSet<qint64> seen;
        for (int i = 0; i < 2000; ++i) {
            bool ok = false;
            const qint64 value = engine.expandText(text, u"data"_s, nullptr).toLongLong(&ok);
            QVERIFY(ok);
            QVERIFY2(value >= min && value <= max, qPrintable(QString::number(value)));
            seen.insert(value);
        }
        if (everyValue)
            QCOMPARE(seen.size(), max - min + 1);
        else
            QVERIFY(seen.size() > 1990);
    }

    void choiceCoversEveryOption_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addRow("three") << u"a|b|c"_s;
        QTest::addRow("empty option") << u"x||y"_s;
        QTest::addRow("non-ASCII") << u"grün|✓|😀"_s;
    }
    void choiceCoversEveryOption()
    {
        QFETCH(QString, options);
        auto engine = seededEngine();
        QSet<QString> seen;
        for (int i = 0; i < 300; ++i)
            seen.insert(engine.expandText(u"{{choice:"_s % options % u"}}"_s, u"type"_s, nullptr));
        const QStringList expected = options.split(u'|');
        QCOMPARE(seen, QSet<QString>(expected.cbegin(), expected.cend()));
    }

    void expandEvent()
    {
        CloudEventTemplate eventTemplate;
        eventTemplate.attributes = {
            { u"specversion"_s, u"1.0"_s },
            { u"id"_s, u"{{uuid}}"_s },
            { u"source"_s, u"/orders/{{random:1-3}}"_s },
            { u"type"_s, u"dev.meshscope.order.{{choice:created|paid}}"_s },
            { u"time"_s, u"{{now}}"_s },
            { u"subject"_s, u"order {{seq}}"_s },
            { u"datacontenttype"_s, u"application/json"_s },
            { u"priority"_s, u"{{random:1-5}}"_s },
            { u"urgent"_s, u"{{choice:true|false}}"_s },
            { u"digest"_s, u"AAEC"_s },
            { u"due"_s, u"{{now}}"_s },
        };
        eventTemplate.extensionTypes = { { u"priority"_s, QMetaType::Int }, { u"urgent"_s, QMetaType::Bool },
            { u"digest"_s, QMetaType::QByteArray }, { u"due"_s, QMetaType::QDateTime } };
        eventTemplate.data = "{\"seq\":{{seq}},\"ref\":\"{{uuid}}\"}";
        eventTemplate.dataKind = CloudEvent::DataKind::Json;

        auto engine = seededEngine();
        for (int seq = 1; seq <= 3; ++seq) {
            QList<TemplateIssue> issues;
            const auto event = engine.expand(eventTemplate, &issues);
            QVERIFY2(event, qPrintable(issues.value(0).message));
            QVERIFY(issues.isEmpty());
            QVERIFY(CloudEventValidator::validate(*event).isEmpty());
            QVERIFY(QRegularExpression(QRegularExpression::anchoredPattern(uuidPattern)).match(event->id).hasMatch());
            QVERIFY(QRegularExpression(u"^/orders/[1-3]$"_s).match(event->source).hasMatch());
            QVERIFY(event->type == u"dev.meshscope.order.created" || event->type == u"dev.meshscope.order.paid");
            QCOMPARE(event->time, std::optional<QDateTime>(fixedNow));
            QCOMPARE(event->subject, u"order "_s % QString::number(seq));
            QCOMPARE(event->extensions.value(u"priority"_s).typeId(), int(QMetaType::Int));
            QVERIFY(event->extensions.value(u"priority"_s).toInt() >= 1);
            QVERIFY(event->extensions.value(u"priority"_s).toInt() <= 5);
            QCOMPARE(event->extensions.value(u"urgent"_s).typeId(), int(QMetaType::Bool));
            QCOMPARE(event->extensions.value(u"digest"_s), QVariant(QByteArray("\x00\x01\x02", 3)));
            QCOMPARE(event->extensions.value(u"due"_s), QVariant(fixedNow));
            const QJsonObject data = QJsonDocument::fromJson(event->data).object();
            QCOMPARE(data.value(u"seq"_s).toInt(), seq);
            QVERIFY(data.value(u"ref"_s).toString() != event->id);
            QCOMPARE(event->dataKind, CloudEvent::DataKind::Json);
        }
    }

    void expandEventReportsConversions_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");

        QTest::addRow("integer") << u"priority"_s << int(QMetaType::Int) << u"{{random:1-10}}x"_s << u"Integer"_s;
        QTest::addRow("integer over 32 bits")
            << u"priority"_s << int(QMetaType::Int) << u"{{random:3000000000-3000000000}}"_s << u"32-bit Integer"_s;
        QTest::addRow("boolean") << u"urgent"_s << int(QMetaType::Bool) << u"{{choice:yes|no}}"_s << u"Boolean"_s;
        QTest::addRow("binary") << u"digest"_s << int(QMetaType::QByteArray) << u"not base64!"_s << u"base64"_s;
        QTest::addRow("timestamp") << u"due"_s << int(QMetaType::QDateTime) << u"tomorrow {{seq}}"_s << u"RFC 3339"_s;
        QTest::addRow("time attribute") << u"time"_s << int(QMetaType::QString) << u"{{seq}}"_s << u"RFC 3339"_s;
    }
    void expandEventReportsConversions()
    {
        QFETCH(QString, name);
        QFETCH(int, type);
        QFETCH(QString, text);
        QFETCH(QString, message);
        CloudEventTemplate eventTemplate = CloudEventTemplate::fromEvent(validEvent());
        eventTemplate.attributes.insert(name, text);
        eventTemplate.extensionTypes.insert(name, type);
        auto engine = seededEngine();
        QList<TemplateIssue> issues;
        QVERIFY(!engine.expand(eventTemplate, &issues));
        QCOMPARE(describe(issues), QStringList { name % u":1:1"_s });
        QVERIFY2(issues.constFirst().message.contains(message), qPrintable(issues.constFirst().message));
    }

    void expandEventReportsPlaceholderIssues()
    {
        CloudEventTemplate eventTemplate = CloudEventTemplate::fromEvent(validEvent());
        eventTemplate.attributes.insert(u"subject"_s, u"for {{customer}}"_s);
        eventTemplate.data = "line one\nline {{two}}";
        eventTemplate.dataKind = CloudEvent::DataKind::Text;
        const QStringList expected { u"subject:1:5"_s, u"data:2:6"_s };
        QCOMPARE(describe(TemplateEngine::check(eventTemplate)), expected);
        auto engine = seededEngine();
        QList<TemplateIssue> issues;
        QVERIFY(!engine.expand(eventTemplate, &issues));
        QCOMPARE(describe(issues), expected);
    }

    void binaryDataIsNotExpanded()
    {
        CloudEventTemplate eventTemplate = CloudEventTemplate::fromEvent(validEvent());
        eventTemplate.data = QByteArray("{{seq}}\xff\x00", 9);
        eventTemplate.dataKind = CloudEvent::DataKind::Binary;
        QVERIFY(TemplateEngine::check(eventTemplate).isEmpty());
        auto engine = seededEngine();
        const auto event = engine.expand(eventTemplate, nullptr);
        QVERIFY(event);
        QCOMPARE(event->data, eventTemplate.data);
    }

    void templateOfAnEventExpandsToIt()
    {
        CloudEvent event = validEvent();
        event.dataContentType = u"text/plain"_s;
        event.dataSchema = u"https://example.com/schema"_s;
        event.subject = u"Zürich ✓ 100%"_s;
        event.time = fixedNow;
        event.extensions = { { u"flag"_s, true }, { u"count"_s, -7 }, { u"label"_s, u"x"_s },
            { u"raw"_s, QByteArray("\x00\xff", 2) }, { u"at"_s, fixedNow }, { u"link"_s, u"https://example.com/a"_s } };
        event.data = "plain text";
        event.dataKind = CloudEvent::DataKind::Text;
        auto engine = seededEngine();
        QList<TemplateIssue> issues;
        const auto expanded = engine.expand(CloudEventTemplate::fromEvent(event), &issues);
        QVERIFY(issues.isEmpty());
        QVERIFY(expanded);
        QCOMPARE(*expanded, event);
    }

private:
    static CloudEvent validEvent()
    {
        CloudEvent event;
        event.id = u"1"_s;
        event.source = u"/tests"_s;
        event.type = u"dev.meshscope.test"_s;
        return event;
    }
};

QTEST_GUILESS_MAIN(TestTemplateEngine)
#include "tst_templateengine.moc"
