// SPDX-License-Identifier: Apache-2.0
#include "cloudeventvalidator.h"

#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

using Mutation = std::function<void(CloudEvent&)>;
Q_DECLARE_METATYPE(Mutation)

namespace {

CloudEvent minimalEvent()
{
    CloudEvent event;
    event.id = u"A234-1234-1234"_s;
    event.source = u"https://github.com/cloudevents/spec/pull"_s;
    event.type = u"com.github.pull_request.opened"_s;
    return event;
}

QStringList fieldsOf(const QList<FieldIssue>& issues)
{
    QStringList fields;
    for (const auto& issue : issues)
        fields.append(issue.field);
    return fields;
}

} // namespace

class TestCloudEventValidator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void invalid_data();
    void invalid();
    void issuesInAttributeOrder();
    void attributeName_data();
    void attributeName();
    void uriReference_data();
    void uriReference();
    void mediaType_data();
    void mediaType();
    void utf8_data();
    void utf8();
};

void TestCloudEventValidator::valid_data()
{
    QTest::addColumn<Mutation>("mutation");

    QTest::addRow("minimal") << Mutation([](CloudEvent&) {});
    QTest::addRow("relative source") << Mutation([](CloudEvent& e) { e.source = u"/sensors/tn-1234567/alerts"_s; });
    QTest::addRow("URN source") << Mutation([](CloudEvent& e) { e.source = u"urn:uuid:6e8bc430-9c3a-11d9-9669"_s; });
    QTest::addRow("source with port, query, fragment, escapes")
        << Mutation([](CloudEvent& e) { e.source = u"http://user@[::1]:8080/a%20b/c?x=1&y=/z#frag"_s; });
    QTest::addRow("all core attributes") << Mutation([](CloudEvent& e) {
        e.dataContentType = u"application/json; charset=\"utf-8\""_s;
        e.dataSchema = u"https://example.com/schema.json#v1"_s;
        e.subject = u"123"_s;
        e.time = QDateTime(QDate(2018, 4, 5), QTime(17, 31), Qt::UTC);
    });
    QTest::addRow("all extension types") << Mutation([](CloudEvent& e) {
        e.extensions = { { u"exbool"_s, true }, { u"exint"_s, -42 }, { u"exstring"_s, u"Euro € 😀"_s },
            { u"exbinary"_s, QByteArray("\x00\xff", 2) },
            { u"extime"_s, QDateTime(QDate(2020, 1, 1), QTime(0, 0), Qt::UTC) }, { u"exempty"_s, QString() } };
    });
    QTest::addRow("extension name over 20 characters (SHOULD only)")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"averyveryverylongextensionname1"_s, 1); });
    QTest::addRow("extension name starting with a digit")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"1ext"_s, 1); });
    QTest::addRow("JSON object data") << Mutation([](CloudEvent& e) {
        e.data = R"({"a":[1,2,{"b":null}]})";
        e.dataKind = CloudEvent::DataKind::Json;
    });
    QTest::addRow("JSON scalar data") << Mutation([](CloudEvent& e) {
        e.data = R"("just a string")";
        e.dataKind = CloudEvent::DataKind::Json;
    });
    QTest::addRow("text data") << Mutation([](CloudEvent& e) {
        e.dataContentType = u"text/plain"_s;
        e.data = "Euro \xE2\x82\xAC";
        e.dataKind = CloudEvent::DataKind::Text;
    });
    QTest::addRow("binary data") << Mutation([](CloudEvent& e) {
        e.dataContentType = u"application/octet-stream"_s;
        e.data = QByteArray("\xC0\xA0\x00", 3);
        e.dataKind = CloudEvent::DataKind::Binary;
    });
}

void TestCloudEventValidator::valid()
{
    QFETCH(Mutation, mutation);
    CloudEvent event = minimalEvent();
    mutation(event);
    const auto issues = CloudEventValidator::validate(event);
    QVERIFY2(issues.isEmpty(), qPrintable(issues.value(0).field + u": "_s + issues.value(0).message));
}

void TestCloudEventValidator::invalid_data()
{
    QTest::addColumn<Mutation>("mutation");
    QTest::addColumn<QString>("field");

    using Kind = CloudEvent::DataKind;
    QTest::addRow("specversion missing") << Mutation([](CloudEvent& e) { e.specVersion.clear(); }) << u"specversion"_s;
    QTest::addRow("specversion 0.3") << Mutation([](CloudEvent& e) { e.specVersion = u"0.3"_s; }) << u"specversion"_s;
    QTest::addRow("id missing") << Mutation([](CloudEvent& e) { e.id.clear(); }) << u"id"_s;
    QTest::addRow("id with control character") << Mutation([](CloudEvent& e) { e.id = u"a\u0007b"_s; }) << u"id"_s;
    QTest::addRow("source missing") << Mutation([](CloudEvent& e) { e.source.clear(); }) << u"source"_s;
    QTest::addRow("source with space") << Mutation([](CloudEvent& e) { e.source = u"not a uri"_s; }) << u"source"_s;
    QTest::addRow("source with bad escape") << Mutation([](CloudEvent& e) { e.source = u"/a%zzb"_s; }) << u"source"_s;
    QTest::addRow("source with colon in first relative segment")
        << Mutation([](CloudEvent& e) { e.source = u"1abc:def"_s; }) << u"source"_s;
    QTest::addRow("source with non-ASCII")
        << Mutation([](CloudEvent& e) { e.source = u"/sensors/é"_s; }) << u"source"_s;
    QTest::addRow("source with bad port")
        << Mutation([](CloudEvent& e) { e.source = u"http://host:80a/"_s; }) << u"source"_s;
    QTest::addRow("source with two fragments")
        << Mutation([](CloudEvent& e) { e.source = u"/a#b#c"_s; }) << u"source"_s;
    QTest::addRow("type missing") << Mutation([](CloudEvent& e) { e.type.clear(); }) << u"type"_s;
    QTest::addRow("type with C1 control") << Mutation([](CloudEvent& e) { e.type = u"a\u0085"_s; }) << u"type"_s;
    QTest::addRow("datacontenttype without subtype")
        << Mutation([](CloudEvent& e) { e.dataContentType = u"json"_s; }) << u"datacontenttype"_s;
    QTest::addRow("datacontenttype empty subtype")
        << Mutation([](CloudEvent& e) { e.dataContentType = u"text/"_s; }) << u"datacontenttype"_s;
    QTest::addRow("datacontenttype parameter without value")
        << Mutation([](CloudEvent& e) { e.dataContentType = u"text/plain; charset"_s; }) << u"datacontenttype"_s;
    QTest::addRow("datacontenttype unterminated quote")
        << Mutation([](CloudEvent& e) { e.dataContentType = u"text/plain; a=\"b"_s; }) << u"datacontenttype"_s;
    QTest::addRow("dataschema relative") << Mutation([](CloudEvent& e) { e.dataSchema = u"/schema.json"_s; })
                                         << u"dataschema"_s;
    QTest::addRow("dataschema not a URI")
        << Mutation([](CloudEvent& e) { e.dataSchema = u"http://a b"_s; }) << u"dataschema"_s;
    QTest::addRow("subject with control character")
        << Mutation([](CloudEvent& e) { e.subject = u"line\nbreak"_s; }) << u"subject"_s;
    QTest::addRow("time invalid") << Mutation([](CloudEvent& e) { e.time = QDateTime(); }) << u"time"_s;
    QTest::addRow("extension name upper-case")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"Upper"_s, 1); }) << u"Upper"_s;
    QTest::addRow("extension name with dash")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"my-ext"_s, 1); }) << u"my-ext"_s;
    QTest::addRow("extension name empty")
        << Mutation([](CloudEvent& e) { e.extensions.insert(QString(), 1); }) << QString();
    QTest::addRow("extension named data")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"data"_s, 1); }) << u"data"_s;
    QTest::addRow("extension reusing a core name")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"subject"_s, u"x"_s); }) << u"subject"_s;
    QTest::addRow("extension double") << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, 1.5); })
                                      << u"ext"_s;
    QTest::addRow("extension 64-bit integer")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, qint64(1) << 40); }) << u"ext"_s;
    QTest::addRow("extension QUrl") << Mutation([](CloudEvent& e) {
        e.extensions.insert(u"ext"_s, QUrl(u"https://example.com"_s));
    }) << u"ext"_s;
    QTest::addRow("extension list") << Mutation([](CloudEvent& e) {
        e.extensions.insert(u"ext"_s, QStringList { u"a"_s });
    }) << u"ext"_s;
    QTest::addRow("extension string with NUL")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, QString(QChar(0))); }) << u"ext"_s;
    QTest::addRow("extension string with DEL")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, u"\u007F"_s); }) << u"ext"_s;
    QTest::addRow("extension string with noncharacter")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, QString(QChar(0xFFFE))); }) << u"ext"_s;
    QTest::addRow("extension string with unpaired surrogate")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, QString(QChar(0xD800)).append(u'x')); })
        << u"ext"_s;
    QTest::addRow("extension invalid timestamp")
        << Mutation([](CloudEvent& e) { e.extensions.insert(u"ext"_s, QDateTime()); }) << u"ext"_s;
    QTest::addRow("JSON data not JSON") << Mutation([](CloudEvent& e) {
        e.data = "{not json";
        e.dataKind = Kind::Json;
    }) << u"data"_s;
    QTest::addRow("JSON data two values") << Mutation([](CloudEvent& e) {
        e.data = "1, 2";
        e.dataKind = Kind::Json;
    }) << u"data"_s;
    QTest::addRow("JSON data empty") << Mutation([](CloudEvent& e) { e.dataKind = Kind::Json; }) << u"data"_s;
    QTest::addRow("text data not UTF-8") << Mutation([](CloudEvent& e) {
        e.data = "\xC0\xA0";
        e.dataKind = Kind::Text;
    }) << u"data"_s;
}

void TestCloudEventValidator::invalid()
{
    QFETCH(Mutation, mutation);
    QFETCH(QString, field);

    CloudEvent event = minimalEvent();
    mutation(event);
    const auto issues = CloudEventValidator::validate(event);
    QCOMPARE(fieldsOf(issues), QStringList { field });
    QVERIFY(!issues.constFirst().message.isEmpty());
}

void TestCloudEventValidator::issuesInAttributeOrder()
{
    CloudEvent event;
    event.specVersion = u"2.0"_s;
    event.extensions.insert(u"BAD"_s, 1);
    event.data = "{";
    event.dataKind = CloudEvent::DataKind::Json;
    QCOMPARE(fieldsOf(CloudEventValidator::validate(event)),
        (QStringList { u"specversion"_s, u"id"_s, u"source"_s, u"type"_s, u"BAD"_s, u"data"_s }));
}

void TestCloudEventValidator::attributeName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");

    QTest::addRow("letters") << u"comexampleextension"_s << true;
    QTest::addRow("letters and digits") << u"ext1"_s << true;
    QTest::addRow("digits only") << u"123"_s << true;
    QTest::addRow("long") << u"abcdefghijklmnopqrstuvwxyz"_s << true;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("upper-case") << u"Ext"_s << false;
    QTest::addRow("underscore") << u"data_base64"_s << false;
    QTest::addRow("non-ASCII letter") << u"extä"_s << false;
}

void TestCloudEventValidator::attributeName()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(CloudEventValidator::isValidAttributeName(name), valid);
}

void TestCloudEventValidator::uriReference_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("reference");
    QTest::addColumn<bool>("absolute");

    QTest::addRow("http") << u"https://example.com/a?b=c#d"_s << true << true;
    QTest::addRow("urn") << u"urn:isbn:0451450523"_s << true << true;
    QTest::addRow("mailto") << u"mailto:cncf-wg-serverless@lists.cncf.io"_s << true << true;
    QTest::addRow("IPv6 host") << u"http://[2001:db8::7]:8080/x"_s << true << true;
    QTest::addRow("relative path") << u"/cloudevents/spec/pull/123"_s << true << false;
    QTest::addRow("relative path with colon later") << u"a/b:c"_s << true << false;
    QTest::addRow("network-path") << u"//example.com/x"_s << true << false;
    QTest::addRow("query only") << u"?x=1"_s << true << false;
    QTest::addRow("fragment only") << u"#top"_s << true << false;
    QTest::addRow("space") << u"https://example.com/a b"_s << false << false;
    QTest::addRow("colon in first segment") << u"1a:b"_s << false << false;
    QTest::addRow("leading colon") << u":x"_s << false << false;
    QTest::addRow("truncated escape") << u"/a%2"_s << false << false;
    QTest::addRow("unclosed IP literal") << u"http://[::1/x"_s << false << false;
    QTest::addRow("backslash") << u"http://example.com\\x"_s << false << false;
}

void TestCloudEventValidator::uriReference()
{
    QFETCH(QString, text);
    QFETCH(bool, reference);
    QFETCH(bool, absolute);
    QCOMPARE(CloudEventValidator::isValidUriReference(text), reference);
    QCOMPARE(CloudEventValidator::isValidAbsoluteUri(text), absolute);
}

void TestCloudEventValidator::mediaType_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");

    QTest::addRow("json") << u"application/json"_s << true;
    QTest::addRow("suffix") << u"application/vnd.apache.avro+json"_s << true;
    QTest::addRow("parameter") << u"text/plain;charset=utf-8"_s << true;
    QTest::addRow("parameters with spaces") << u"text/plain ; charset=utf-8; format=flowed"_s << true;
    QTest::addRow("quoted parameter") << u"multipart/mixed; boundary=\"a b;c\\\"d\""_s << true;
    QTest::addRow("no slash") << u"json"_s << false;
    QTest::addRow("empty type") << u"/json"_s << false;
    QTest::addRow("space in subtype") << u"text/pl ain"_s << false;
    QTest::addRow("empty parameter value") << u"text/plain; charset="_s << false;
    QTest::addRow("trailing semicolon") << u"text/plain;"_s << false;
}

void TestCloudEventValidator::mediaType()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(CloudEventValidator::isValidMediaType(text), valid);
}

void TestCloudEventValidator::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");

    QTest::addRow("ASCII") << QByteArray("abc") << true;
    QTest::addRow("euro and emoji") << QByteArray("\xE2\x82\xAC\xF0\x9F\x98\x80") << true;
    QTest::addRow("overlong space") << QByteArray("\xC0\xA0") << false;
    QTest::addRow("overlong three bytes") << QByteArray("\xE0\x80\xAF") << false;
    QTest::addRow("surrogate") << QByteArray("\xED\xA0\x80") << false;
    QTest::addRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << false;
    QTest::addRow("truncated") << QByteArray("\xE2\x82") << false;
    QTest::addRow("lone continuation") << QByteArray("\x80") << false;
}

void TestCloudEventValidator::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(CloudEventValidator::isValidUtf8(bytes), valid);
}

QTEST_GUILESS_MAIN(TestCloudEventValidator)
#include "tst_cloudeventvalidator.moc"
