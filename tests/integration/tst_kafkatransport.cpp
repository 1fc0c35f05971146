// SPDX-License-Identifier: Apache-2.0
//
// KafkaTransport against a real Kafka broker (KafkaHarness) and code no one here wrote: cekafkareader
// (tests/conformance/cekafkareader) reads what was published with Sarama and decodes it with the official CloudEvents
// Go SDK's Kafka binding (protocol/kafka_sarama/v2). Each row compares every attribute, the type the SDK holds it
// in, the data byte for byte, the record key (partitionkey) and where the record landed (partition and offset, as
// the delivery report gave them and as the SDK's kafkapartition/kafkaoffset extensions read them).
#include "bulksender.h"
#include "cloudeventcodec.h"
#include "eventpublisher.h"
#include "kafkaharness.h"
#include "kafkatransport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using Kind = CloudEvent::DataKind;

namespace {

// Exit status of build-go-tool.sh when Go or a module is not to be had here: the test skips.
constexpr int readerUnavailable = 2;

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

// The Go type the SDK holds an attribute in: its version-1.0 context types the core attributes; in binary mode
// every extension arrives as its header's string.
QString sdkType(const QString& name)
{
    static const QMap<QString, QString> core { { u"source"_s, u"types.URIRef"_s }, { u"dataschema"_s, u"types.URI"_s },
        { u"time"_s, u"types.Timestamp"_s } };
    return core.value(name, u"string"_s);
}

// Extensions the SDK's NewMessageFromConsumerMessage adds from where the record was read.
const QStringList readerExtensions { u"kafkaoffset"_s, u"kafkapartition"_s, u"kafkatopic"_s };

} // namespace

class TestKafkaTransportIntegration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void conformance_data();
    void conformance();
    void batchIsReadInOrder();
    void bulkSenderPublishesInBatches();

private:
    // Runs the reader over the topic until count records arrived; its JSON lines.
    QList<QJsonObject> read(const QString& topic, int count);

    KafkaHarness m_kafka;
    QString m_reader;
    QTemporaryDir m_dir;
    int m_rows = 0;
};

void TestKafkaTransportIntegration::initTestCase()
{
    qRegisterMetaType<DeliveryResult>();
    QVERIFY(m_dir.isValid());
    m_reader = qEnvironmentVariable("MESHSCOPE_CEKAFKAREADER");
    if (m_reader.isEmpty()) {
        // Builds once (about 30 s, Sarama and the SDK fetched through the Go module proxy), then milliseconds.
        QProcess build;
        build.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        build.start(u"bash"_s,
            { QStringLiteral(MESHSCOPE_SOURCE_DIR "/tests/conformance/build-go-tool.sh"), u"cekafkareader"_s });
        QVERIFY2(build.waitForFinished(600000), "build-go-tool.sh cekafkareader did not finish within 10 minutes");
        const QList<QByteArray> lines = build.readAllStandardOutput().trimmed().split('\n');
        if (build.exitStatus() == QProcess::NormalExit && build.exitCode() == readerUnavailable)
            QSKIP("the CloudEvents Go SDK's Kafka reader cannot be built here: no Go toolchain, or the Go module "
                  "proxy does not serve its modules (build-go-tool.sh said why above)");
        QVERIFY2(build.exitStatus() == QProcess::NormalExit && build.exitCode() == 0,
            "tests/conformance/build-go-tool.sh cekafkareader failed (see its output above); set "
            "MESHSCOPE_CEKAFKAREADER to "
            "a built cekafkareader to skip the build");
        m_reader = QString::fromLocal8Bit(lines.constLast());
    }
    QVERIFY2(QFileInfo(m_reader).isExecutable(), qPrintable(u"no cekafkareader at "_s % m_reader));
    QString error;
    QVERIFY2(m_kafka.start(&error), qPrintable(error));
}

void TestKafkaTransportIntegration::cleanupTestCase() { m_kafka.stop(); }

QList<QJsonObject> TestKafkaTransportIntegration::read(const QString& topic, int count)
{
    const QString out = m_dir.filePath(topic % u".jsonl"_s);
    QProcess reader;
    reader.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    reader.start(m_reader,
        { u"-brokers"_s, m_kafka.bootstrapServers(), u"-topic"_s, topic, u"-count"_s, QString::number(count),
            u"-timeout"_s, u"60s"_s, u"-out"_s, out });
    if (!reader.waitForFinished(90000) || reader.exitStatus() != QProcess::NormalExit || reader.exitCode() != 0) {
        qWarning("cekafkareader failed on %s (see its output above)", qPrintable(topic));
        return {};
    }
    QFile file(out);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> records;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray& line : lines) {
        if (!line.isEmpty())
            records.append(QJsonDocument::fromJson(line).object());
    }
    return records;
}

void TestKafkaTransportIntegration::conformance_data()
{
    QTest::addColumn<CloudEvent>("event");

    CloudEvent allCore = minimalEvent();
    allCore.id = u"id with spaces ✓"_s;
    allCore.type = u"com.example \"quoted\" type with spaces"_s;
    allCore.subject = u"Zürich ✓ 100% 😀"_s;
    allCore.source = u"https://example.com/sources/a?b=c"_s;
    allCore.dataSchema = u"https://example.com/schema.json"_s;
    allCore.time = QDateTime(QDate(2018, 4, 5), QTime(17, 31, 0, 250), Qt::UTC);
    allCore = withData(allCore, u"text/plain; charset=utf-8"_s, "Grüße ✓ 世界", Kind::Text);

    CloudEvent extensions = minimalEvent();
    extensions.extensions = {
        { u"exstring"_s, u"Euro € 😀 \"quoted\" 50% off"_s },
        { u"exinteger"_s, -42 },
        { u"exintmin"_s, int(-2147483647 - 1) },
        { u"exintmax"_s, 2147483647 },
        { u"exboolean"_s, true },
        { u"exfalse"_s, false },
        { u"exbinary"_s, allByteValues() },
        { u"exuri"_s, u"https://example.com/a?b=c#d"_s },
        { u"exurireference"_s, u"../relative/path?x=1"_s },
        { u"extimestamp"_s, QDateTime(QDate(2020, 1, 2), QTime(3, 4, 5, 678), Qt::UTC) },
        { u"partitionkey"_s, u"order-17"_s },
    };

    CloudEvent nonAsciiKey = minimalEvent();
    nonAsciiKey.extensions.insert(u"partitionkey"_s, u"kunde-Müller-東京"_s);

    CloudEvent emptyExtension = minimalEvent();
    emptyExtension.extensions.insert(u"exempty"_s, u""_s);

    CloudEvent wholeSeconds = minimalEvent();
    wholeSeconds.time = QDateTime(QDate(2026, 11, 26), QTime(9, 30, 0), Qt::UTC);

    const QList<std::pair<const char*, CloudEvent>> events {
        { "minimal, no key", minimalEvent() },
        { "all core attributes, non-ASCII", allCore },
        { "every extension type, partitionkey as key", extensions },
        { "non-ASCII partitionkey", nonAsciiKey },
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
    };
    for (const auto& [name, event] : events)
        QTest::addRow("%s", name) << event;
}

void TestKafkaTransportIntegration::conformance()
{
    QFETCH(CloudEvent, event);
    const QString topic = u"conformance-"_s % QString::number(++m_rows);

    KafkaTransport transport({ { u"bootstrap.servers"_s, m_kafka.bootstrapServers() } });
    QSignalSpy spy(&transport, &KafkaTransport::delivered);
    const quint64 id = transport.publish(topic, event);
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 30000);
    QCOMPARE(spy.at(0).at(0).toULongLong(), id);
    const auto result = spy.at(0).at(1).value<DeliveryResult>();
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.target, topic);
    QVERIFY(result.partition >= 0);
    QVERIFY(result.offset >= 0);

    const QList<QJsonObject> records = read(topic, 1);
    QCOMPARE(records.size(), 1);
    const QJsonObject& record = records.constFirst();
    QVERIFY2(!record.contains(u"error"_s), qPrintable(record.value(u"error"_s).toString()));
    QCOMPARE(record.value(u"mode"_s).toString(), u"binary"_s);
    // Where the delivery report said the record landed.
    QCOMPARE(record.value(u"topic"_s).toString(), topic);
    QCOMPARE(record.value(u"partition"_s).toInt(), result.partition);
    QCOMPARE(record.value(u"offset"_s).toInteger(), result.offset);

    // The record key is the partitionkey's bytes as they are; no partitionkey, no key.
    const std::optional<QString> partitionKey = event.attribute(u"partitionkey"_s);
    QCOMPARE(record.contains(u"key_base64"_s), partitionKey.has_value());
    if (partitionKey)
        QCOMPARE(QByteArray::fromBase64(record.value(u"key_base64"_s).toString().toLatin1()), partitionKey->toUtf8());

    // Binary mode's header names: ce_<attribute>, and content-type for datacontenttype (never ce_datacontenttype).
    const QJsonObject headers = record.value(u"headers"_s).toObject();
    QVERIFY(!headers.contains(u"ce_datacontenttype"_s));
    QCOMPARE(headers.contains(u"content-type"_s), !event.dataContentType.isEmpty());

    const QJsonObject attributes = record.value(u"attributes"_s).toObject();
    const QJsonObject extensions = record.value(u"extensions"_s).toObject();
    const QStringList names = event.attributeNames();
    // Nothing more and nothing less than what was sent, besides the reader's own three.
    QCOMPARE(attributes.size() + extensions.size(), names.size() + readerExtensions.size());
    for (const QString& name : names) {
        const bool core = cloudEventCoreAttributeNames().contains(name);
        const QJsonObject decoded = (core ? attributes : extensions).value(name).toObject();
        QVERIFY2(!decoded.isEmpty(), qPrintable(u"the SDK did not decode "_s % name));
        const QString expected = event.attribute(name).value_or(QString());
        const QString value = decoded.value(u"value"_s).toString();
        QCOMPARE(decoded.value(u"type"_s).toString(), sdkType(name));
        if (name == u"time") {
            // The SDK writes timestamps in its own canonical form (RFC 3339 with nanoseconds, trailing zeros
            // dropped), so the instants are compared.
            QCOMPARE(parseCloudEventTimestamp(value), event.time);
        } else {
            // Kafka headers carry UTF-8 as it is: no encoding, so the exact text.
            QCOMPARE(value, expected);
        }
    }
    QCOMPARE(extensions.value(u"kafkatopic"_s).toObject().value(u"value"_s).toString(), topic);
    QCOMPARE(extensions.value(u"kafkapartition"_s).toObject().value(u"value"_s).toString(),
        QString::number(result.partition));
    QCOMPARE(
        extensions.value(u"kafkaoffset"_s).toObject().value(u"value"_s).toString(), QString::number(result.offset));

    // No data is a null record value, which the SDK reads as an event without data.
    QCOMPARE(record.contains(u"data_base64"_s), !event.data.isEmpty());
    QCOMPARE(QByteArray::fromBase64(record.value(u"data_base64"_s).toString().toLatin1()), event.data);
}

void TestKafkaTransportIntegration::batchIsReadInOrder()
{
    // One partition key, so one partition: the SDK reads the batch back in publishing order, every report in both
    // signals once. The subjects repeat, shared between events, changed in runs and non-ASCII at times: the encoder
    // reuses a header while its value stays the same and must notice every change.
    const QString topic = u"conformance-batch"_s;
    constexpr int count = 500;
    const QStringList subjects { u"orders/1"_s, u"orders/1"_s.toUpper(), u"Bestellung/Größe"_s };
    QList<CloudEvent> events;
    for (int i = 0; i < count; ++i) {
        CloudEvent event = withData(
            minimalEvent(), u"application/json"_s, QByteArray(R"({"seq":)") + QByteArray::number(i) + '}', Kind::Json);
        event.id = u"batch-"_s % QString::number(i);
        event.subject = subjects.at((i / 3) % subjects.size());
        event.extensions.insert(u"partitionkey"_s, u"one key"_s);
        event.extensions.insert(u"seq"_s, i);
        events.append(event);
    }

    KafkaTransport transport({ { u"bootstrap.servers"_s, m_kafka.bootstrapServers() } });
    QSignalSpy single(&transport, &KafkaTransport::delivered);
    QSignalSpy batches(&transport, &KafkaTransport::deliveredBatch);
    const quint64 first = transport.publishBatch(topic, events);
    QList<quint64> ids;
    for (int i = 0; i < count; ++i)
        ids.append(first + quint64(i));
    QCOMPARE(transport.inFlight(), count);
    QTRY_COMPARE_WITH_TIMEOUT(single.size(), count, 30000);
    QCOMPARE(transport.inFlight(), 0);

    QHash<quint64, DeliveryResult> reports;
    for (const auto& arguments : std::as_const(batches)) {
        QCOMPARE(arguments.at(0).toString(), topic);
        const auto list = arguments.at(1).value<QList<KafkaTransport::Report>>();
        for (const KafkaTransport::Report& report : list) {
            QVERIFY2(!reports.contains(report.id), "an id was reported twice");
            reports.insert(report.id, KafkaTransport::result(topic, report));
        }
    }
    QCOMPARE(reports.size(), count);
    QVERIFY2(batches.size() < count / 10, "the reports were not gathered");
    QSet<quint64> singleIds;
    for (const auto& arguments : std::as_const(single))
        singleIds.insert(arguments.at(0).toULongLong());
    QCOMPARE(singleIds, QSet<quint64>(ids.cbegin(), ids.cend()));

    const QList<QJsonObject> records = read(topic, count);
    QCOMPARE(records.size(), count);
    for (int i = 0; i < count; ++i) {
        const QJsonObject& record = records.at(i);
        const DeliveryResult& result = reports.value(ids.at(i));
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(record.value(u"partition"_s).toInt(), result.partition);
        QCOMPARE(record.value(u"offset"_s).toInteger(), result.offset);
        const QJsonObject attributes = record.value(u"attributes"_s).toObject();
        QCOMPARE(attributes.value(u"id"_s).toObject().value(u"value"_s).toString(), events.at(i).id);
        QCOMPARE(attributes.value(u"subject"_s).toObject().value(u"value"_s).toString(), events.at(i).subject);
        const QJsonObject extensions = record.value(u"extensions"_s).toObject();
        QCOMPARE(extensions.value(u"seq"_s).toObject().value(u"value"_s).toString(), QString::number(i));
        QCOMPARE(QByteArray::fromBase64(record.value(u"data_base64"_s).toString().toLatin1()), events.at(i).data);
    }
}

void TestKafkaTransportIntegration::bulkSenderPublishesInBatches()
{
    // The publisher page's bulk path: BulkSender expands the template and hands EventPublisher batches, which go to
    // librdkafka in one publishBatch() call each. One partition key keeps the topic in publishing order.
    const QString topic = u"bulk-sender"_s;
    constexpr qint64 count = 3000;
    KafkaTransport transport({ { u"bootstrap.servers"_s, m_kafka.bootstrapServers() } });
    EventPublisher publisher;
    publisher.setKafkaTransport(&transport);
    BulkSender sender(&publisher);
    QSignalSpy finished(&sender, &BulkSender::finished);
    CloudEventTemplate eventTemplate;
    eventTemplate.attributes = { { u"id"_s, u"bulk-{{seq}}"_s }, { u"source"_s, u"/meshscope/bulk"_s },
        { u"type"_s, u"dev.meshscope.bulk"_s }, { u"datacontenttype"_s, u"application/json"_s },
        { u"partitionkey"_s, u"one key"_s } };
    eventTemplate.data = "{\"n\": {{seq}}}";
    eventTemplate.dataKind = CloudEvent::DataKind::Json;
    BulkSender::Options options;
    options.count = count;
    options.window = 1000;
    QString error;
    QVERIFY2(sender.start(eventTemplate, PublishTarget::kafkaTopic(topic), options, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    const auto summary = finished.first().first().value<BulkSummary>();
    QCOMPARE(summary.sent, count);
    QCOMPARE(summary.failed, 0);
    QCOMPARE(publisher.pendingCount(), 0);
    QCOMPARE(transport.inFlight(), 0);

    const QList<QJsonObject> records = read(topic, int(count));
    QCOMPARE(records.size(), int(count));
    for (int i = 0; i < int(count); ++i) {
        const QJsonObject attributes = records.at(i).value(u"attributes"_s).toObject();
        QCOMPARE(
            attributes.value(u"id"_s).toObject().value(u"value"_s).toString(), u"bulk-"_s % QString::number(i + 1));
    }
}

QTEST_GUILESS_MAIN(TestKafkaTransportIntegration)
#include "tst_kafkatransport.moc"
