// SPDX-License-Identifier: Apache-2.0
#include "cloudeventcodec.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(HeaderList)

namespace {

using Kind = CloudEvent::DataKind;

CloudEvent minimalEvent()
{
    CloudEvent event;
    event.id = u"A234-1234-1234"_s;
    event.source = u"https://github.com/cloudevents/spec/pull"_s;
    event.type = u"com.github.pull_request.opened"_s;
    return event;
}

CloudEvent allCoreEvent()
{
    CloudEvent event = minimalEvent();
    event.dataContentType = u"text/xml"_s;
    event.dataSchema = u"https://example.com/schema.xsd"_s;
    event.subject = u"123"_s;
    event.time = QDateTime(QDate(2018, 4, 5), QTime(17, 31, 0, 250), Qt::UTC);
    return event;
}

CloudEvent allExtensionTypesEvent()
{
    CloudEvent event = minimalEvent();
    event.extensions = { { u"exbool"_s, true }, { u"exint"_s, -42 }, { u"exstring"_s, u"Euro € 😀"_s },
        { u"exbinary"_s, QByteArray("\x00\xff", 2) },
        { u"extime"_s, QDateTime(QDate(2020, 1, 2), QTime(3, 4, 5), Qt::UTC) }, { u"exempty"_s, u""_s } };
    return event;
}

CloudEvent withData(CloudEvent event, const QString& contentType, const QByteArray& data, Kind kind)
{
    event.dataContentType = contentType;
    event.data = data;
    event.dataKind = kind;
    return event;
}

// Binary, timestamp (and in the bindings every) extension value travels as its canonical string.
CloudEvent withStringExtensions(CloudEvent event, bool all)
{
    for (auto it = event.extensions.begin(); it != event.extensions.end(); ++it) {
        const int type = it->typeId();
        if (all || (type != QMetaType::Bool && type != QMetaType::Int))
            *it = cloudEventValueToString(*it);
    }
    return event;
}

QJsonObject jsonObject(const QByteArray& json) { return QJsonDocument::fromJson(json).object(); }

QByteArray headerValue(const HeaderList& headers, const QByteArray& name)
{
    for (const auto& [key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

} // namespace

class TestCloudEventCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void jsonEncode_data();
    void jsonEncode();
    void jsonDecodeData_data();
    void jsonDecodeData();
    void jsonNullIsUnset();
    void jsonInvalid_data();
    void jsonInvalid();
    void batch();
    void batchInvalid_data();
    void batchInvalid();

    void percentEncode_data();
    void percentEncode();
    void percentDecode_data();
    void percentDecode();
    void httpEncodeBinary();
    void httpEncodeStructured();
    void httpRoundTrip_data();
    void httpRoundTrip();
    void httpDecodeBinary_data();
    void httpDecodeBinary();
    void httpDecodeInvalid_data();
    void httpDecodeInvalid();

    void kafkaEncodeBinary();
    void kafkaEncodeWithoutPartitionKey();
    void kafkaRoundTrip_data();
    void kafkaRoundTrip();
    void kafkaDecodeStructured();
    void kafkaDecodeInvalid_data();
    void kafkaDecodeInvalid();
};

void TestCloudEventCodec::jsonRoundTrip_data()
{
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<CloudEvent>("expected");

    QTest::addRow("minimal") << minimalEvent() << minimalEvent();
    QTest::addRow("all core attributes") << allCoreEvent() << allCoreEvent();
    QTest::addRow("all extension types") << allExtensionTypesEvent()
                                         << withStringExtensions(allExtensionTypesEvent(), false);
    const CloudEvent jsonObject = withData(minimalEvent(), u"application/json"_s, R"({"a":[1,true,null]})", Kind::Json);
    QTest::addRow("JSON object data") << jsonObject << jsonObject;
    const CloudEvent jsonNoType = withData(minimalEvent(), QString(), R"([1,2])", Kind::Json);
    QTest::addRow("JSON data without content type") << jsonNoType << jsonNoType;
    const CloudEvent jsonString = withData(minimalEvent(), u"application/json"_s, R"("text")", Kind::Json);
    QTest::addRow("JSON string data") << jsonString << jsonString;
    const CloudEvent suffixJson = withData(minimalEvent(), u"application/vnd.example+json"_s, R"({"x":1})", Kind::Json);
    QTest::addRow("+json data") << suffixJson << suffixJson;
    const CloudEvent text = withData(minimalEvent(), u"text/plain"_s, "Euro \xE2\x82\xAC", Kind::Text);
    QTest::addRow("text data") << text << text;
    const CloudEvent xml = withData(allCoreEvent(), u"text/xml"_s, "<much wow=\"xml\"/>", Kind::Text);
    QTest::addRow("XML data") << xml << xml;
    const CloudEvent binary
        = withData(minimalEvent(), u"application/octet-stream"_s, QByteArray("\x00\x01\xC0\xA0", 4), Kind::Binary);
    QTest::addRow("binary data") << binary << binary;
    const CloudEvent binaryJsonType = withData(minimalEvent(), u"application/json"_s, "\xff", Kind::Binary);
    QTest::addRow("binary data under JSON content type") << binaryJsonType << binaryJsonType;
}

void TestCloudEventCodec::jsonRoundTrip()
{
    QFETCH(CloudEvent, event);
    QFETCH(CloudEvent, expected);

    QString error;
    const auto decoded = CloudEventJson::decode(CloudEventJson::encode(event), &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(*decoded, expected);
}

void TestCloudEventCodec::jsonEncode_data()
{
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray minimal
        = R"("specversion":"1.0","id":"A234-1234-1234","source":"https://github.com/cloudevents/spec/pull",)"
          R"("type":"com.github.pull_request.opened")";
    QTest::addRow("minimal") << minimalEvent() << '{' + minimal + '}';
    QTest::addRow("all core attributes") << allCoreEvent()
                                         << '{' + minimal
            + R"(,"datacontenttype":"text/xml","dataschema":"https://example.com/schema.xsd","subject":"123",)"
              R"("time":"2018-04-05T17:31:00.25Z"})";
    QTest::addRow("all extension types") << allExtensionTypesEvent()
                                         << '{' + minimal
            + R"(,"exbool":true,"exint":-42,"exstring":"Euro € 😀","exbinary":"AP8=",)"
              R"("extime":"2020-01-02T03:04:05Z","exempty":""})";
    QTest::addRow("JSON data is the value itself") << withData(minimalEvent(), u"application/json"_s, R"({"a":1})",
        Kind::Json) << '{' + minimal + R"(,"datacontenttype":"application/json","data":{"a":1}})";
    QTest::addRow("text given for JSON content type is embedded")
        << withData(minimalEvent(), u"application/cloudevents+json"_s, R"({"a":1})", Kind::Text)
        << '{' + minimal + R"(,"datacontenttype":"application/cloudevents+json","data":{"a":1}})";
    QTest::addRow("JSON text under non-JSON content type is a string") << withData(minimalEvent(), u"text/plain"_s,
        R"({"a":1})", Kind::Json) << '{' + minimal + R"(,"datacontenttype":"text/plain","data":"{\"a\":1}"})";
    QTest::addRow("text data is a string") << withData(minimalEvent(), u"text/plain"_s, "hi", Kind::Text)
                                           << '{' + minimal + R"(,"datacontenttype":"text/plain","data":"hi"})";
    QTest::addRow("binary data is data_base64") << withData(minimalEvent(), QString(), QByteArray("\x00\x01", 2),
        Kind::Binary) << '{' + minimal + R"(,"data_base64":"AAE="})";
    QTest::addRow("broken JSON data keeps its bytes as data_base64")
        << withData(minimalEvent(), QString(), "{", Kind::Json) << '{' + minimal + R"(,"data_base64":"ew=="})";
}

void TestCloudEventCodec::jsonEncode()
{
    QFETCH(CloudEvent, event);
    QFETCH(QByteArray, expected);
    QCOMPARE(CloudEventJson::toJson(event), jsonObject(expected));
    QCOMPARE(jsonObject(CloudEventJson::encode(event)), jsonObject(expected));
}

void TestCloudEventCodec::jsonDecodeData_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<int>("kind");

    const QByteArray head = R"({"specversion":"1.0","id":"1","source":"/s","type":"t")";
    QTest::addRow("no data") << head + '}' << QByteArray() << int(Kind::None);
    QTest::addRow("object, no content type")
        << head + R"(,"data":{"b":2, "a":1}})" << QByteArray(R"({"a":1,"b":2})") << int(Kind::Json);
    QTest::addRow("string under JSON content type is not re-parsed")
        << head + R"(,"datacontenttype":"application/json","data":"{\"a\":1}"})" << QByteArray(R"("{\"a\":1}")")
        << int(Kind::Json);
    QTest::addRow("number") << head + R"(,"data":42})" << QByteArray("42") << int(Kind::Json);
    QTest::addRow("null data") << head + R"(,"data":null})" << QByteArray() << int(Kind::None);
    QTest::addRow("string under text content type") << head + R"(,"datacontenttype":"text/plain","data":"Euro \u20ac"})"
                                                    << QByteArray("Euro \xE2\x82\xAC") << int(Kind::Text);
    QTest::addRow("data_base64") << head + R"(,"data_base64":"AAE="})" << QByteArray("\x00\x01", 2)
                                 << int(Kind::Binary);
    QTest::addRow("empty data_base64") << head + R"(,"data_base64":""})" << QByteArray() << int(Kind::Binary);
}

void TestCloudEventCodec::jsonDecodeData()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, data);
    QFETCH(int, kind);

    QString error;
    const auto event = CloudEventJson::decode(json, &error);
    QVERIFY2(event, qPrintable(error));
    QCOMPARE(event->data, data);
    QCOMPARE(int(event->dataKind), kind);
}

void TestCloudEventCodec::jsonNullIsUnset()
{
    QString error;
    const auto event = CloudEventJson::decode(
        R"({"specversion":"1.0","id":"1","source":"/s","type":"t","subject":null,"time":null,"ext":null})", &error);
    QVERIFY2(event, qPrintable(error));
    QVERIFY(event->subject.isEmpty());
    QVERIFY(!event->time);
    QVERIFY(event->extensions.isEmpty());
}

void TestCloudEventCodec::jsonInvalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorPrefix");

    const QByteArray rest = R"("id":"1","source":"/s","type":"t")";
    const QByteArray head = R"({"specversion":"1.0",)" + rest;
    QTest::addRow("not JSON") << QByteArray("{") << u"invalid JSON"_s;
    QTest::addRow("array") << QByteArray("[]") << u"an event must be a JSON object"_s;
    QTest::addRow("specversion missing") << '{' + rest + '}' << u"specversion:"_s;
    QTest::addRow("specversion 0.3") << R"({"specversion":"0.3",)" + rest + '}' << u"specversion:"_s;
    QTest::addRow("specversion number") << R"({"specversion":1.0,)" + rest + '}' << u"specversion: must be a string"_s;
    QTest::addRow("id missing") << QByteArray(R"({"specversion":"1.0","source":"/s","type":"t"})") << u"id:"_s;
    QTest::addRow("id empty") << QByteArray(R"({"specversion":"1.0","id":"","source":"/s","type":"t"})") << u"id:"_s;
    QTest::addRow("id number") << QByteArray(R"({"specversion":"1.0","id":1,"source":"/s","type":"t"})")
                               << u"id: must be a string"_s;
    QTest::addRow("id null") << QByteArray(R"({"specversion":"1.0","id":null,"source":"/s","type":"t"})") << u"id:"_s;
    QTest::addRow("source missing") << QByteArray(R"({"specversion":"1.0","id":"1","type":"t"})") << u"source:"_s;
    QTest::addRow("source invalid") << QByteArray(R"({"specversion":"1.0","id":"1","source":"a b","type":"t"})")
                                    << u"source:"_s;
    QTest::addRow("type missing") << QByteArray(R"({"specversion":"1.0","id":"1","source":"/s"})") << u"type:"_s;
    QTest::addRow("type object") << QByteArray(R"({"specversion":"1.0","id":"1","source":"/s","type":{}})")
                                 << u"type: must be a string"_s;
    QTest::addRow("time malformed") << head + R"(,"time":"2018-04-05 17:31"})" << u"time:"_s;
    QTest::addRow("time number") << head + R"(,"time":1522949460})" << u"time: must be a string"_s;
    QTest::addRow("subject empty") << head + R"(,"subject":""})" << u"subject: must not be empty"_s;
    QTest::addRow("datacontenttype empty") << head + R"(,"datacontenttype":""})" << u"datacontenttype:"_s;
    QTest::addRow("datacontenttype invalid") << head + R"(,"datacontenttype":"json"})" << u"datacontenttype:"_s;
    QTest::addRow("dataschema relative") << head + R"(,"dataschema":"/schema"})" << u"dataschema:"_s;
    QTest::addRow("data and data_base64") << head + R"(,"data":1,"data_base64":"AA=="})" << u"data:"_s;
    QTest::addRow("data_base64 not base64") << head + R"(,"data_base64":"!!!"})" << u"data_base64:"_s;
    QTest::addRow("data_base64 not a string") << head + R"(,"data_base64":12})" << u"data_base64: must be a string"_s;
    QTest::addRow("extension fraction") << head + R"(,"ext":1.5})" << u"ext: extension numbers must be integers"_s;
    QTest::addRow("extension beyond 32 bits") << head + R"(,"ext":3000000000})" << u"ext:"_s;
    QTest::addRow("extension object") << head + R"(,"ext":{"a":1}})" << u"ext:"_s;
    QTest::addRow("extension array") << head + R"(,"ext":[1]})" << u"ext:"_s;
    QTest::addRow("extension name upper-case") << head + R"(,"Ext":"x"})" << u"Ext:"_s;
    QTest::addRow("extension name with dash") << head + R"(,"my-ext":"x"})" << u"my-ext:"_s;
    QTest::addRow("extension string with control character") << head + R"(,"ext":"a\u0000b"})" << u"ext:"_s;
}

void TestCloudEventCodec::jsonInvalid()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorPrefix);

    QString error;
    QVERIFY(!CloudEventJson::decode(json, &error));
    QVERIFY2(error.startsWith(errorPrefix), qPrintable(error));
}

void TestCloudEventCodec::batch()
{
    const QList<CloudEvent> events { minimalEvent(), withData(allCoreEvent(), u"text/plain"_s, "hello", Kind::Text) };
    QString error;
    const auto decoded = CloudEventJson::decodeBatch(CloudEventJson::encodeBatch(events), &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(*decoded, events);

    const auto empty = CloudEventJson::decodeBatch("[]", &error);
    QVERIFY(empty);
    QVERIFY(empty->isEmpty());
    QCOMPARE(CloudEventJson::encodeBatch({}), QByteArray("[]"));
}

void TestCloudEventCodec::batchInvalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorPrefix");

    QTest::addRow("object") << QByteArray(R"({"specversion":"1.0"})") << u"a batch must be a JSON array"_s;
    QTest::addRow("not JSON") << QByteArray("[") << u"invalid JSON"_s;
    QTest::addRow("member not an object") << QByteArray("[1]") << u"event 0: must be a JSON object"_s;
    QTest::addRow("second member invalid")
        << QByteArray(R"([{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0"}])")
        << u"event 1: id:"_s;
}

void TestCloudEventCodec::batchInvalid()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorPrefix);

    QString error;
    QVERIFY(!CloudEventJson::decodeBatch(json, &error));
    QVERIFY2(error.startsWith(errorPrefix), qPrintable(error));
}

void TestCloudEventCodec::percentEncode_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("encoded");

    QTest::addRow("spec example") << u"Euro € 😀"_s << QByteArray("Euro%20%E2%82%AC%20%F0%9F%98%80");
    QTest::addRow("printable ASCII unchanged")
        << u"a-Z_0~!#$&'()*+,/:;=?@[]^`{|}"_s << QByteArray("a-Z_0~!#$&'()*+,/:;=?@[]^`{|}");
    QTest::addRow("double quote") << u"say \"hi\""_s << QByteArray("say%20%22hi%22");
    QTest::addRow("percent") << u"100%"_s << QByteArray("100%25");
    QTest::addRow("controls") << u"a\tb\nc\u007F"_s << QByteArray("a%09b%0Ac%7F");
    QTest::addRow("Latin-1") << u"é"_s << QByteArray("%C3%A9");
    QTest::addRow("empty") << QString() << QByteArray();
}

void TestCloudEventCodec::percentEncode()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, encoded);
    QCOMPARE(CloudEventHttp::percentEncodeHeaderValue(value), encoded);
    QCOMPARE(CloudEventHttp::percentDecodeHeaderValue(encoded), std::optional<QString>(value));
}

void TestCloudEventCodec::percentDecode_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("decoded");

    QTest::addRow("lower-case hex") << QByteArray("Euro%20%e2%82%ac%20%f0%9f%98%80") << true << u"Euro € 😀"_s;
    QTest::addRow("unencoded space tolerated") << QByteArray("a b") << true << u"a b"_s;
    QTest::addRow("raw UTF-8 tolerated") << QByteArray("\xE2\x82\xAC") << true << u"€"_s;
    QTest::addRow("overlong (spec example)") << QByteArray("%C0%A0") << false << QString();
    QTest::addRow("encoded surrogate") << QByteArray("%ED%A0%80") << false << QString();
    QTest::addRow("truncated sequence") << QByteArray("%E2%82") << false << QString();
    QTest::addRow("raw invalid UTF-8") << QByteArray("\xFF") << false << QString();
    QTest::addRow("truncated escape") << QByteArray("abc%4") << false << QString();
    QTest::addRow("non-hex escape") << QByteArray("%zz") << false << QString();
}

void TestCloudEventCodec::percentDecode()
{
    QFETCH(QByteArray, encoded);
    QFETCH(bool, valid);
    QFETCH(QString, decoded);

    const auto result = CloudEventHttp::percentDecodeHeaderValue(encoded);
    QCOMPARE(result.has_value(), valid);
    if (valid)
        QCOMPARE(*result, decoded);
}

void TestCloudEventCodec::httpEncodeBinary()
{
    CloudEvent event = withData(allCoreEvent(), u"application/json"_s, R"({"a":1})", Kind::Json);
    event.subject = u"Euro € 😀"_s;
    event.extensions = { { u"exbool"_s, true }, { u"exint"_s, 7 }, { u"exbinary"_s, QByteArray("hi") } };

    const HttpMessage message = CloudEventHttp::encodeBinary(event);
    const HeaderList expected {
        { "content-type", "application/json" },
        { "ce-specversion", "1.0" },
        { "ce-id", "A234-1234-1234" },
        { "ce-source", "https://github.com/cloudevents/spec/pull" },
        { "ce-type", "com.github.pull_request.opened" },
        { "ce-dataschema", "https://example.com/schema.xsd" },
        { "ce-subject", "Euro%20%E2%82%AC%20%F0%9F%98%80" },
        { "ce-time", "2018-04-05T17:31:00.25Z" },
        { "ce-exbinary", "aGk=" },
        { "ce-exbool", "true" },
        { "ce-exint", "7" },
    };
    QCOMPARE(message.headers, expected);
    QCOMPARE(message.body, QByteArray(R"({"a":1})"));
}

void TestCloudEventCodec::httpEncodeStructured()
{
    const CloudEvent event = withData(allCoreEvent(), u"text/plain"_s, "hello", Kind::Text);
    const HttpMessage message = CloudEventHttp::encodeStructured(event);
    QCOMPARE(message.headers, (HeaderList { { "content-type", "application/cloudevents+json; charset=UTF-8" } }));
    QCOMPARE(message.body, CloudEventJson::encode(event));
}

void TestCloudEventCodec::httpRoundTrip_data()
{
    QTest::addColumn<bool>("structured");
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<CloudEvent>("expected");

    const CloudEvent json = withData(allCoreEvent(), u"application/json"_s, R"({"a":[1,2]})", Kind::Json);
    const CloudEvent text = withData(minimalEvent(), u"text/plain; charset=utf-8"_s, "h\xC3\xA9llo", Kind::Text);
    const CloudEvent binary
        = withData(minimalEvent(), u"application/octet-stream"_s, QByteArray("\x00\xff", 2), Kind::Binary);
    CloudEvent quoted = minimalEvent();
    quoted.subject = u"a \"quoted\" 100% subject, Euro € 😀"_s;
    for (const bool structured : { false, true }) {
        const char* mode = structured ? "structured" : "binary";
        QTest::addRow("%s minimal", mode) << structured << minimalEvent() << minimalEvent();
        QTest::addRow("%s all extension types", mode)
            << structured << allExtensionTypesEvent() << withStringExtensions(allExtensionTypesEvent(), !structured);
        QTest::addRow("%s JSON data", mode) << structured << json << json;
        QTest::addRow("%s text data", mode) << structured << text << text;
        QTest::addRow("%s binary data", mode) << structured << binary << binary;
        QTest::addRow("%s special characters", mode) << structured << quoted << quoted;
    }
}

void TestCloudEventCodec::httpRoundTrip()
{
    QFETCH(bool, structured);
    QFETCH(CloudEvent, event);
    QFETCH(CloudEvent, expected);

    const HttpMessage message
        = structured ? CloudEventHttp::encodeStructured(event) : CloudEventHttp::encodeBinary(event);
    QString error;
    const auto decoded = CloudEventHttp::decode(message, &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(*decoded, expected);
}

void TestCloudEventCodec::httpDecodeBinary_data()
{
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("attribute");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("kind");

    const HeaderList base { { "ce-specversion", "1.0" }, { "ce-id", "1" }, { "ce-source", "/s" }, { "ce-type", "t" } };
    QTest::addRow("header names case-insensitive")
        << HeaderList { { "CE-SpecVersion", "1.0" }, { "Ce-Id", "1" }, { "ce-SOURCE", "/s" }, { "CE-TYPE", "t" },
               { "Content-Type", "text/plain" } }
        << QByteArray("x") << u"datacontenttype"_s << u"text/plain"_s << int(Kind::Text);
    QTest::addRow("extension name lower-cased")
        << base + HeaderList { { "CE-MyExt", "v" } } << QByteArray() << u"myext"_s << u"v"_s << int(Kind::None);
    QTest::addRow("lower-case percent hex") << base + HeaderList { { "ce-subject", "Euro%20%e2%82%ac" } }
                                            << QByteArray() << u"subject"_s << u"Euro €"_s << int(Kind::None);
    QTest::addRow("quoted string unescaped first")
        << base + HeaderList { { "ce-subject", R"("a \"b\" c%25")" } } << QByteArray() << u"subject"_s
        << u"a \"b\" c%"_s << int(Kind::None);
    QTest::addRow("surrounding whitespace trimmed")
        << base + HeaderList { { "ce-subject", "  x " } } << QByteArray() << u"subject"_s << u"x"_s << int(Kind::None);
    QTest::addRow("typed extension stays a string")
        << base + HeaderList { { "ce-count", "42" } } << QByteArray() << u"count"_s << u"42"_s << int(Kind::None);
    QTest::addRow("JSON body") << base + HeaderList { { "content-type", "application/json" } }
                               << QByteArray(R"({"a":1})") << u"datacontenttype"_s << u"application/json"_s
                               << int(Kind::Json);
    QTest::addRow("unparsable JSON body kept as text")
        << base + HeaderList { { "content-type", "application/json" } } << QByteArray("{oops") << u"datacontenttype"_s
        << u"application/json"_s << int(Kind::Text);
    QTest::addRow("body without content type is binary")
        << base << QByteArray("abc") << u"id"_s << u"1"_s << int(Kind::Binary);
    QTest::addRow("other headers ignored") << base + HeaderList { { "accept", "*/*" }, { "cex-foo", "1" } }
                                           << QByteArray() << u"id"_s << u"1"_s << int(Kind::None);
}

void TestCloudEventCodec::httpDecodeBinary()
{
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, attribute);
    QFETCH(QString, value);
    QFETCH(int, kind);

    QString error;
    const auto event = CloudEventHttp::decode({ headers, body }, &error);
    QVERIFY2(event, qPrintable(error));
    QCOMPARE(event->attribute(attribute), std::optional<QString>(value));
    QCOMPARE(int(event->dataKind), kind);
    QCOMPARE(event->data, body);
    for (const QVariant& extension : std::as_const(event->extensions))
        QCOMPARE(extension.typeId(), QMetaType::QString);
}

void TestCloudEventCodec::httpDecodeInvalid_data()
{
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorPrefix");

    const HeaderList base { { "ce-specversion", "1.0" }, { "ce-id", "1" }, { "ce-source", "/s" }, { "ce-type", "t" } };
    QTest::addRow("no specversion") << HeaderList { { "ce-id", "1" } } << QByteArray() << u"specversion:"_s;
    QTest::addRow("invalid UTF-8 (spec example)")
        << base + HeaderList { { "ce-subject", "%C0%A0" } } << QByteArray() << u"subject:"_s;
    QTest::addRow("bad escape") << base + HeaderList { { "ce-ext", "%G0" } } << QByteArray() << u"ext:"_s;
    QTest::addRow("unterminated quoted string")
        << base + HeaderList { { "ce-subject", R"("abc)" } } << QByteArray() << u"subject:"_s;
    QTest::addRow("ce-datacontenttype") << base + HeaderList { { "ce-datacontenttype", "text/plain" } } << QByteArray()
                                        << u"datacontenttype:"_s;
    QTest::addRow("duplicate header") << base + HeaderList { { "CE-ID", "2" } } << QByteArray() << u"id:"_s;
    QTest::addRow("empty subject") << base + HeaderList { { "ce-subject", "" } } << QByteArray()
                                   << u"subject: must not be empty"_s;
    QTest::addRow("bad time") << base + HeaderList { { "ce-time", "today" } } << QByteArray() << u"time:"_s;
    QTest::addRow("validation failure names the field")
        << base + HeaderList { { "ce-dataschema", "relative" } } << QByteArray() << u"dataschema:"_s;
    QTest::addRow("structured body invalid")
        << HeaderList { { "content-type", "application/cloudevents+json; charset=UTF-8" } }
        << QByteArray(R"({"specversion":"1.0","id":"1","source":"/s"})") << u"type:"_s;
    QTest::addRow("batched mode") << HeaderList { { "content-type", "application/cloudevents-batch+json" } }
                                  << QByteArray("[]") << u"content-type:"_s;
    QTest::addRow("unsupported structured format")
        << HeaderList { { "content-type", "application/cloudevents+avro" } } << QByteArray("x") << u"content-type:"_s;
}

void TestCloudEventCodec::httpDecodeInvalid()
{
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, errorPrefix);

    QString error;
    QVERIFY(!CloudEventHttp::decode({ headers, body }, &error));
    QVERIFY2(error.startsWith(errorPrefix), qPrintable(error));
}

void TestCloudEventCodec::kafkaEncodeBinary()
{
    CloudEvent event = withData(allCoreEvent(), u"application/json"_s, R"({"a":1})", Kind::Json);
    event.subject = u"Euro € 😀"_s;
    event.extensions = { { u"partitionkey"_s, u"order-17"_s }, { u"exint"_s, 7 }, { u"exbool"_s, false } };

    const KafkaRecord record = CloudEventKafka::encodeBinary(event);
    const HeaderList expected {
        { "ce_specversion", "1.0" },
        { "ce_id", "A234-1234-1234" },
        { "ce_source", "https://github.com/cloudevents/spec/pull" },
        { "ce_type", "com.github.pull_request.opened" },
        { "ce_dataschema", "https://example.com/schema.xsd" },
        { "ce_subject", "Euro \xE2\x82\xAC \xF0\x9F\x98\x80" },
        { "ce_time", "2018-04-05T17:31:00.25Z" },
        { "ce_exbool", "false" },
        { "ce_exint", "7" },
        { "ce_partitionkey", "order-17" },
        { "content-type", "application/json" },
    };
    QCOMPARE(record.headers, expected);
    QCOMPARE(record.key, QByteArray("order-17"));
    QCOMPARE(record.value, QByteArray(R"({"a":1})"));
    QVERIFY(headerValue(record.headers, "ce_datacontenttype").isNull());
}

void TestCloudEventCodec::kafkaEncodeWithoutPartitionKey()
{
    const KafkaRecord record = CloudEventKafka::encodeBinary(minimalEvent());
    QVERIFY(record.key.isEmpty());
    QVERIFY(record.value.isEmpty());
    QCOMPARE(record.headers.size(), 4);
    QVERIFY(headerValue(record.headers, "content-type").isNull());
}

void TestCloudEventCodec::kafkaRoundTrip_data()
{
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<CloudEvent>("expected");

    CloudEvent keyed = withData(allCoreEvent(), u"application/json"_s, R"({"a":[1,2]})", Kind::Json);
    keyed.extensions.insert(u"partitionkey"_s, u"k1"_s);
    QTest::addRow("minimal") << minimalEvent() << minimalEvent();
    QTest::addRow("all extension types") << allExtensionTypesEvent()
                                         << withStringExtensions(allExtensionTypesEvent(), true);
    QTest::addRow("JSON data with partition key") << keyed << keyed;
    const CloudEvent text = withData(minimalEvent(), u"text/plain"_s, "\"100%\"", Kind::Text);
    QTest::addRow("text data") << text << text;
    const CloudEvent binary = withData(minimalEvent(), u"image/png"_s, "\x89PNG", Kind::Binary);
    QTest::addRow("binary data") << binary << binary;
}

void TestCloudEventCodec::kafkaRoundTrip()
{
    QFETCH(CloudEvent, event);
    QFETCH(CloudEvent, expected);

    QString error;
    const auto decoded = CloudEventKafka::decode(CloudEventKafka::encodeBinary(event), &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(*decoded, expected);
}

void TestCloudEventCodec::kafkaDecodeStructured()
{
    const CloudEvent event = withData(allExtensionTypesEvent(), u"text/plain"_s, "hi", Kind::Text);
    const KafkaRecord record { QByteArray("key"),
        { { "content-type", "application/cloudevents+json; charset=UTF-8" }, { "ce_id", "ignored" } },
        CloudEventJson::encode(event) };
    QString error;
    const auto decoded = CloudEventKafka::decode(record, &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(*decoded, withStringExtensions(event, false));
}

void TestCloudEventCodec::kafkaDecodeInvalid_data()
{
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QString>("errorPrefix");

    const HeaderList base { { "ce_specversion", "1.0" }, { "ce_id", "1" }, { "ce_source", "/s" }, { "ce_type", "t" } };
    QTest::addRow("no specversion") << HeaderList { { "ce_id", "1" } } << u"specversion:"_s;
    QTest::addRow("invalid UTF-8") << base + HeaderList { { "ce_subject", "\xC0\xA0" } } << u"subject:"_s;
    QTest::addRow("values are not percent-decoded")
        << base + HeaderList { { "ce_dataschema", "http://a%20b/%zz" } } << u"dataschema:"_s;
    QTest::addRow("upper-case extension name") << base + HeaderList { { "ce_MyExt", "x" } } << u"MyExt:"_s;
    QTest::addRow("ce_datacontenttype") << base + HeaderList { { "ce_datacontenttype", "a/b" } }
                                        << u"datacontenttype:"_s;
    QTest::addRow("missing type") << HeaderList { { "ce_specversion", "1.0" }, { "ce_id", "1" }, { "ce_source", "/s" } }
                                  << u"type:"_s;
    QTest::addRow("structured value invalid")
        << HeaderList { { "content-type", "application/cloudevents+json" } } << u"invalid JSON"_s;
}

void TestCloudEventCodec::kafkaDecodeInvalid()
{
    QFETCH(HeaderList, headers);
    QFETCH(QString, errorPrefix);

    QString error;
    QVERIFY(!CloudEventKafka::decode({ QByteArray(), headers, QByteArray("{") }, &error));
    QVERIFY2(error.startsWith(errorPrefix), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCloudEventCodec)
#include "tst_cloudeventcodec.moc"
