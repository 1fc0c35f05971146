// SPDX-License-Identifier: Apache-2.0
//
// HttpTransport against code no one here wrote: cereceiver (tests/conformance/cereceiver) decodes every request with
// the official CloudEvents Go SDK and writes what it decoded, and each row compares every attribute, its type as the
// SDK sees it, and the data byte for byte, in binary and in structured mode.
#include "cereceiver.h"
#include "cloudeventcodec.h"
#include "httptransport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using Mode = HttpTransport::Mode;
using Kind = CloudEvent::DataKind;

Q_DECLARE_METATYPE(HeaderList)

namespace {

CloudEvent minimalEvent()
{
    CloudEvent event;
    event.id = u"A234-1234-1234"_s;
    event.source = u"https://github.com/cloudevents/spec/pull"_s;
    event.type = u"com.github.pull_request.opened"_s;
    return event;
}

CloudEvent withData(CloudEvent event, const QString& contentType, const QByteArray& data, Kind kind)
{
    event.dataContentType = contentType;
    event.data = data;
    event.dataKind = kind;
    return event;
}

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

// The Go type the SDK holds an attribute in: its version-1.0 context types the core attributes; extensions arrive in
// binary mode as header strings, and in structured mode as what JSON says (numbers become int32).
QString sdkType(const CloudEvent& event, const QString& name, Mode mode)
{
    static const QMap<QString, QString> core { { u"source"_s, u"types.URIRef"_s }, { u"dataschema"_s, u"types.URI"_s },
        { u"time"_s, u"types.Timestamp"_s } };
    if (cloudEventCoreAttributeNames().contains(name))
        return core.value(name, u"string"_s);
    if (mode == Mode::Structured) {
        switch (event.extensions.value(name).typeId()) {
        case QMetaType::Bool:
            return u"bool"_s;
        case QMetaType::Int:
            return u"int32"_s;
        default:
            break;
        }
    }
    return u"string"_s;
}

// A server that accepts connections and never answers, for timeouts and cancelling.
class SilentServer : public QTcpServer {
public:
    SilentServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection()) {
                socket->setParent(this);
                ++connections;
            }
        });
        listen(QHostAddress::LocalHost);
    }
    int connections = 0;
};

} // namespace

class TestHttpTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void conformance_data();
    void conformance();
    void failures_data();
    void failures();
    void timeout();
    void tlsPeerIsVerified();
    void extraHeaders();
    void manyInFlight();
    void cancelAll();

private:
    QUrl receiverUrl(const QString& path) const
    {
        return QUrl(u"http://127.0.0.1:"_s % QString::number(m_receiver.port()) % path);
    }
    std::optional<QJsonObject> awaitRecord(const QString& path);
    static std::optional<DeliveryResult> awaitDelivery(QSignalSpy& spy, quint64 id, int timeoutMs = 10000);

    QSet<QString> receivedIds(const QString& path) const;

    CeReceiver m_receiver;
    int m_rows = 0;
};

void TestHttpTransport::initTestCase()
{
    qRegisterMetaType<DeliveryResult>();
    QString error;
    QVERIFY2(m_receiver.start(&error), qPrintable(error));
}

std::optional<QJsonObject> TestHttpTransport::awaitRecord(const QString& path)
{
    return m_receiver.awaitRecord(
        [&path](const QJsonObject& record) { return record.value(u"path"_s).toString() == path; });
}

QSet<QString> TestHttpTransport::receivedIds(const QString& path) const
{
    QSet<QString> ids;
    for (const auto& record : m_receiver.records()) {
        if (record.value(u"path"_s).toString() == path)
            ids.insert(record.value(u"attributes"_s).toObject().value(u"id"_s).toObject().value(u"value"_s).toString());
    }
    return ids;
}

std::optional<DeliveryResult> TestHttpTransport::awaitDelivery(QSignalSpy& spy, quint64 id, int timeoutMs)
{
    std::optional<DeliveryResult> result;
    const bool arrived = QTest::qWaitFor(
        [&] {
            for (const auto& arguments : std::as_const(spy)) {
                if (arguments.at(0).toULongLong() == id)
                    result = arguments.at(1).value<DeliveryResult>();
            }
            return result.has_value();
        },
        timeoutMs);
    return arrived ? result : std::nullopt;
}

void TestHttpTransport::conformance_data()
{
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<CloudEvent>("event");

    CloudEvent allCore = minimalEvent();
    allCore.id = u"id with spaces ✓"_s;
    allCore.type = u"com.example \"quoted\" type with spaces"_s;
    allCore.subject = u"Zürich ✓ 100%"_s;
    allCore.source = u"https://example.com/sources/a?b=c"_s;
    allCore.dataSchema = u"https://example.com/schema.json"_s;
    allCore.time = QDateTime(QDate(2018, 4, 5), QTime(17, 31, 0, 250), Qt::UTC);
    allCore = withData(allCore, u"text/plain; charset=utf-8"_s, "Grüße ✓", Kind::Text);

    CloudEvent extensions = minimalEvent();
    extensions.extensions = {
        { u"exstring"_s, u"Euro € 😀 \"quoted\" 50% off"_s },
        { u"exinteger"_s, -42 },
        { u"exintmax"_s, 2147483647 },
        { u"exboolean"_s, true },
        { u"exfalse"_s, false },
        { u"exbinary"_s, allByteValues() },
        { u"exuri"_s, u"https://example.com/a?b=c#d"_s },
        { u"exurireference"_s, u"../relative/path?x=1"_s },
        { u"extimestamp"_s, QDateTime(QDate(2020, 1, 2), QTime(3, 4, 5, 678), Qt::UTC) },
        { u"partitionkey"_s, u"order-17"_s },
    };

    CloudEvent emptyExtension = minimalEvent();
    emptyExtension.extensions.insert(u"exempty"_s, u""_s);

    CloudEvent wholeSeconds = minimalEvent();
    wholeSeconds.time = QDateTime(QDate(2026, 11, 26), QTime(9, 30, 0), Qt::UTC);

    const QList<std::pair<const char*, CloudEvent>> events {
        { "minimal", minimalEvent() },
        { "all core attributes, percent-encoded in headers", allCore },
        { "every extension type", extensions },
        { "empty string extension", emptyExtension },
        { "time in whole seconds", wholeSeconds },
        { "binary data, all 256 byte values",
            withData(minimalEvent(), u"application/octet-stream"_s, allByteValues(), Kind::Binary) },
        { "binary data without datacontenttype",
            withData(minimalEvent(), QString(), QByteArray("\x00\x01raw\xff", 6), Kind::Binary) },
        { "JSON data",
            withData(
                minimalEvent(), u"application/json"_s, R"({"a":1,"b":[true,null,"ü ✓"],"c":{"d":"e"}})", Kind::Json) },
        { "JSON scalar under a +json type",
            withData(minimalEvent(), u"application/vnd.example+json"_s, "42", Kind::Json) },
        { "text data", withData(minimalEvent(), u"text/plain"_s, "Hello, wörld\nline 2\n", Kind::Text) },
        { "XML text data", withData(minimalEvent(), u"text/xml"_s, "<much wow=\"xml\"/>", Kind::Text) },
        { "empty data", withData(minimalEvent(), u"application/json"_s, {}, Kind::None) },
    };
    for (const auto& [name, event] : events) {
        QTest::addRow("binary: %s", name) << Mode::Binary << event;
        QTest::addRow("structured: %s", name) << Mode::Structured << event;
    }
}

void TestHttpTransport::conformance()
{
    QFETCH(Mode, mode);
    QFETCH(CloudEvent, event);
    const QString path = u"/conformance/"_s % QString::number(++m_rows);

    HttpTransport transport;
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    const quint64 id = transport.publish(receiverUrl(path), event, mode);
    const auto result = awaitDelivery(spy, id);
    QVERIFY(result);
    // JSON format 3.1 makes data under any */*+json type a JSON value, but the SDK (v2.16.2) reads only
    // application/json and text/json as JSON and wants a string for the rest. A Knative broker's ingress decodes with
    // the same SDK, so such events are best sent in binary mode.
    QEXPECT_FAIL("structured: JSON scalar under a +json type",
        "the Go SDK takes only application/json and text/json "
        "as JSON content types",
        Abort);
    QVERIFY2(result->ok, qPrintable(result->error));
    QCOMPARE(result->httpStatus, 202);
    QCOMPARE(result->target, receiverUrl(path).toDisplayString());

    const auto record = awaitRecord(path);
    QVERIFY2(record, "the receiver wrote nothing for this request");
    QVERIFY2(!record->contains(u"error"_s), qPrintable(record->value(u"error"_s).toString()));
    QCOMPARE(record->value(u"mode"_s).toString(), mode == Mode::Binary ? u"binary"_s : u"structured"_s);

    const QJsonObject attributes = record->value(u"attributes"_s).toObject();
    const QJsonObject extensions = record->value(u"extensions"_s).toObject();
    const QStringList names = event.attributeNames();
    // Nothing more and nothing less than what was sent.
    QCOMPARE(attributes.size() + extensions.size(), names.size());
    for (const QString& name : names) {
        const bool core = cloudEventCoreAttributeNames().contains(name);
        const QJsonObject decoded = (core ? attributes : extensions).value(name).toObject();
        QVERIFY2(!decoded.isEmpty(), qPrintable(u"the SDK did not decode "_s % name));
        const QString expected = event.attribute(name).value_or(QString());
        const QString value = decoded.value(u"value"_s).toString();
        QCOMPARE(decoded.value(u"type"_s).toString(), sdkType(event, name, mode));
        if (name == u"time") {
            // The SDK writes timestamps in its own canonical form (RFC 3339 with nanoseconds, trailing zeros
            // dropped: ".25Z" for ".250Z"), so the instants are compared.
            QCOMPARE(parseCloudEventTimestamp(value), event.time);
        } else if (mode == Mode::Binary && name != u"datacontenttype") {
            // The SDK (v2.16.2) does not percent-decode ce- header values as HTTP binding 3.1.3.2 requires
            // (cloudevents/sdk-go#1331): it hands back exactly what was on the wire. So the wire form is checked to
            // be the spec's encoding of the value, and that to decode to the value.
            QCOMPARE(value, QString::fromLatin1(CloudEventHttp::percentEncodeHeaderValue(expected)));
            QCOMPARE(CloudEventHttp::percentDecodeHeaderValue(value.toLatin1()), std::optional<QString>(expected));
        } else {
            QCOMPARE(value, expected);
        }
    }

    // In structured mode JSON data is a JSON value inside the event, so it arrives as this codec serialises it.
    QByteArray expectedData = event.data;
    if (mode == Mode::Structured && event.dataKind == Kind::Json)
        expectedData = CloudEventJson::serializeValue(*CloudEventJson::parseValue(event.data));
    // HTTP has no way to tell "no data" from empty data: an empty body reads as either.
    const QByteArray data = QByteArray::fromBase64(record->value(u"data_base64"_s).toString().toLatin1());
    QCOMPARE(data, expectedData);
}

void TestHttpTransport::failures_data()
{
    QTest::addColumn<QString>("url"); // a path on the receiver, or a whole URL
    QTest::addColumn<CloudEvent>("event");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("excerpt");

    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const QString closedUrl = u"http://127.0.0.1:"_s % QString::number(closed.serverPort()) % u"/broker"_s;
    closed.close();

    CloudEvent invalid = minimalEvent();
    invalid.id.clear();

    QTest::addRow("unreachable URL") << closedUrl << minimalEvent() << HeaderList {} << 0
                                     << u"cannot reach "_s % closedUrl % u": Connection refused"_s << QString();
    QTest::addRow("400 from the receiver")
        << u"/reject"_s << minimalEvent() << HeaderList {} << 400 << u"HTTP 400 Bad Request: {\"error\""_s
        << u"rejected on purpose by cereceiver /reject"_s;
    QTest::addRow("the SDK refuses the event")
        << u"/sdk-refuses"_s << minimalEvent() << HeaderList { { "ce-specversion", "0.9" } } << 400
        << u"HTTP 400 Bad Request: cereceiver: the CloudEvents Go SDK could not decode the event"_s
        << u"could not decode the event"_s;
    QTest::addRow("not an HTTP URL") << u"ftp://127.0.0.1/x"_s << minimalEvent() << HeaderList {} << 0
                                     << u"not an http or https URL: ftp://127.0.0.1/x"_s << QString();
    QTest::addRow("no URL") << QString() << minimalEvent() << HeaderList {} << 0
                            << u"not an http or https URL: (empty)"_s << QString();
    QTest::addRow("invalid event") << u"/never"_s << invalid << HeaderList {} << 0 << u"invalid event, not sent: id"_s
                                   << QString();
}

void TestHttpTransport::failures()
{
    QFETCH(QString, url);
    QFETCH(CloudEvent, event);
    QFETCH(HeaderList, headers);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, excerpt);

    HttpTransport transport;
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    const QUrl target = url.startsWith(u'/') ? receiverUrl(url) : QUrl(url);
    const quint64 id = transport.publish(target, event, Mode::Binary, headers);
    QCOMPARE(id, 1u);
    QVERIFY(spy.isEmpty()); // reported after publish() has returned, even when found at once
    const auto result = awaitDelivery(spy, id);
    QVERIFY(result);
    QVERIFY(!result->ok);
    QCOMPARE(result->httpStatus, status);
    QVERIFY2(result->error.startsWith(error), qPrintable(result->error));
    QVERIFY2(result->responseExcerpt.contains(excerpt), qPrintable(result->responseExcerpt));
    QCOMPARE(spy.size(), 1);
    QCOMPARE(transport.pendingCount(), 0);
}

void TestHttpTransport::timeout()
{
    SilentServer server;
    QVERIFY(server.isListening());
    HttpTransport transport;
    transport.setTimeout(std::chrono::milliseconds(300));
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    const QUrl url(u"http://127.0.0.1:"_s % QString::number(server.serverPort()) % u"/slow"_s);
    const quint64 id = transport.publish(url, minimalEvent());
    const auto result = awaitDelivery(spy, id);
    QVERIFY(result);
    QVERIFY(!result->ok);
    QCOMPARE(result->error, u"no response from "_s % url.toDisplayString() % u" within 300 ms"_s);
    QVERIFY2(result->latencyMs >= 300, qPrintable(QString::number(result->latencyMs)));
}

void TestHttpTransport::tlsPeerIsVerified()
{
    // A server with a certificate no system authority signed: refused, until its certificate is trusted explicitly.
    QTemporaryDir dir;
    QProcess openssl;
    openssl.start(u"openssl"_s,
        { u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s,
            u"-days"_s, u"1"_s, u"-subj"_s, u"/CN=meshscope-test"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s,
            u"-keyout"_s, dir.filePath(u"key.pem"_s), u"-out"_s, dir.filePath(u"cert.pem"_s) });
    QVERIFY2(openssl.waitForFinished() && openssl.exitCode() == 0,
        qPrintable(
            u"openssl could not make a test certificate: "_s % QString::fromLocal8Bit(openssl.readAllStandardError())));
    const auto certificates = QSslCertificate::fromPath(dir.filePath(u"cert.pem"_s));
    QCOMPARE(certificates.size(), 1);
    QFile keyFile(dir.filePath(u"key.pem"_s));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    const QSslKey key(&keyFile, QSsl::Ec);
    QVERIFY(!key.isNull());

    QSslServer server;
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificates.constFirst());
    configuration.setPrivateKey(key);
    server.setSslConfiguration(configuration);
    connect(&server, &QTcpServer::pendingConnectionAvailable, this, [&server] {
        while (QTcpSocket* socket = server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                // The whole request of a small event arrives at once; the answer is all that matters here.
                socket->readAll();
                socket->write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
            });
        }
    });
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QUrl url(u"https://127.0.0.1:"_s % QString::number(server.serverPort()) % u"/default/broker"_s);

    HttpTransport transport;
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    const auto refused = awaitDelivery(spy, transport.publish(url, minimalEvent()));
    QVERIFY(refused);
    QVERIFY(!refused->ok);
    QVERIFY2(refused->error.startsWith(u"cannot reach "_s % url.toDisplayString() % u": SSL handshake failed"_s),
        qPrintable(refused->error));

    transport.setExtraCaCertificates(certificates);
    const auto accepted = awaitDelivery(spy, transport.publish(url, minimalEvent()));
    QVERIFY(accepted);
    QVERIFY2(accepted->ok, qPrintable(accepted->error));
    QCOMPARE(accepted->httpStatus, 202);
}

void TestHttpTransport::extraHeaders()
{
    HttpTransport transport;
    transport.setDefaultHeaders({ { "Authorization", "Bearer token-1" }, { "x-meshscope-run", "default" } });
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    const quint64 id = transport.publish(receiverUrl(u"/headers"_s), minimalEvent(), Mode::Structured,
        { { "X-Meshscope-Run", "per-call" }, { "x-request-id", "r-1" } });
    const auto result = awaitDelivery(spy, id);
    QVERIFY(result && result->ok);
    const auto record = awaitRecord(u"/headers"_s);
    QVERIFY(record);
    const QJsonObject headers = record->value(u"headers"_s).toObject();
    QCOMPARE(headers.value(u"authorization"_s).toString(), u"Bearer token-1"_s);
    QCOMPARE(headers.value(u"x-meshscope-run"_s).toString(), u"per-call"_s);
    QCOMPARE(headers.value(u"x-request-id"_s).toString(), u"r-1"_s);
    QCOMPARE(headers.value(u"content-type"_s).toString(), u"application/cloudevents+json; charset=UTF-8"_s);
    QCOMPARE(headers.value(u"user-agent"_s).toString(), u"Meshscope"_s);
}

void TestHttpTransport::manyInFlight()
{
    constexpr int count = 500;
    HttpTransport transport;
    transport.setMaxInFlight(32);
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    QSet<quint64> ids;
    for (int i = 0; i < count; ++i) {
        CloudEvent event = minimalEvent();
        event.id = u"bulk-"_s % QString::number(i);
        ids.insert(transport.publish(receiverUrl(u"/bulk"_s), event, i % 2 ? Mode::Binary : Mode::Structured));
    }
    QCOMPARE(ids.size(), count);
    QVERIFY(transport.pendingCount() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), count, 60000);
    QCOMPARE(transport.pendingCount(), 0);
    QSet<quint64> reported;
    for (const auto& arguments : std::as_const(spy)) {
        const auto result = arguments.at(1).value<DeliveryResult>();
        QVERIFY2(result.ok, qPrintable(result.error));
        reported.insert(arguments.at(0).toULongLong());
    }
    QCOMPARE(reported, ids);
    QTRY_COMPARE(receivedIds(u"/bulk"_s).size(), count);
}

void TestHttpTransport::cancelAll()
{
    SilentServer server;
    HttpTransport transport;
    transport.setMaxInFlight(4);
    QSignalSpy spy(&transport, &HttpTransport::delivered);
    const QUrl url(u"http://127.0.0.1:"_s % QString::number(server.serverPort()) % u"/"_s);
    for (int i = 0; i < 20; ++i)
        transport.publish(url, minimalEvent());
    QCOMPARE(transport.pendingCount(), 20);
    QTRY_COMPARE(server.connections, 4); // the first four are on the wire, the rest queued
    transport.cancelAll();
    QCOMPARE(transport.pendingCount(), 0);
    QTRY_COMPARE(spy.size(), 20);
    for (const auto& arguments : std::as_const(spy))
        QCOMPARE(arguments.at(1).value<DeliveryResult>().error, u"cancelled"_s);
}

QTEST_GUILESS_MAIN(TestHttpTransport)
#include "tst_httptransport.moc"
