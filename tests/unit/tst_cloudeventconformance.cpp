// SPDX-License-Identifier: Apache-2.0
//
// The JSON event format importer (CloudEventJson decode with CloudEventValidator) against the CloudEvents conformance
// suite's vectors (github.com/cloudevents/conformance, format/json): every valid event and batch is accepted with its
// attributes intact, every invalid one is rejected, and the reason is shown. The suite is found through
// MESHSCOPE_CE_CONFORMANCE_DIR (a folder holding format/json/) or fetched by tests/conformance/fetch-conformance.sh.
#include "cloudeventcodec.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCloudEventConformance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void validEvents_data() { addRows(u"valid-events.json"_s, u"event"_s); }
    void validEvents();
    void invalidEvents_data() { addRows(u"invalid-events.json"_s, u"event"_s); }
    void invalidEvents();
    void validBatches_data() { addRows(u"valid-batches.json"_s, u"batch"_s); }
    void validBatches();
    void invalidBatches_data() { addRows(u"invalid-batches.json"_s, u"batch"_s); }
    void invalidBatches();

private:
    void addRows(const QString& file, const QString& member);
    static void checkAttributes(const QJsonObject& json, const CloudEvent& event);

    QString m_folder; // format/json of the suite
};

void TestCloudEventConformance::initTestCase()
{
    QString root = qEnvironmentVariable("MESHSCOPE_CE_CONFORMANCE_DIR");
    if (root.isEmpty()) {
        QProcess fetch;
        fetch.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        fetch.start(u"bash"_s, { QStringLiteral(MESHSCOPE_SOURCE_DIR "/tests/conformance/fetch-conformance.sh") });
        QVERIFY2(fetch.waitForFinished(300000), "fetch-conformance.sh did not finish within 5 minutes");
        // The module proxy serves only versions older than the JSON vectors (v0.4.1, March 2022); the commit that
        // has them is not served. Reported as a skip with the reason rather than a failure of our importer.
        if (fetch.exitStatus() == QProcess::NormalExit && fetch.exitCode() == 3)
            QSKIP("the pinned github.com/cloudevents/conformance version has no format/json vectors and no newer "
                  "version is served here; set MESHSCOPE_CE_CONFORMANCE_DIR to a folder holding format/json/");
        QVERIFY2(fetch.exitStatus() == QProcess::NormalExit && fetch.exitCode() == 0,
            "cannot get the CloudEvents conformance suite: tests/conformance/fetch-conformance.sh failed (its reason "
            "is above), and MESHSCOPE_CE_CONFORMANCE_DIR is not set to a folder that holds format/json/");
        root = QString::fromLocal8Bit(fetch.readAllStandardOutput().trimmed().split('\n').constLast());
    }
    m_folder = QDir(root).filePath(u"format/json"_s);
    QVERIFY2(QFile::exists(QDir(m_folder).filePath(u"valid-events.json"_s)),
        qPrintable(u"no valid-events.json in "_s % m_folder));
}

void TestCloudEventConformance::addRows(const QString& file, const QString& member)
{
    QTest::addColumn<QJsonValue>("input");
    QFile input(QDir(m_folder).filePath(file));
    QVERIFY2(input.open(QIODevice::ReadOnly), qPrintable(input.fileName() % u": "_s % input.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(input.readAll(), &error);
    QVERIFY2(document.isObject(), qPrintable(input.fileName() % u": "_s % error.errorString()));
    const QJsonArray tests = document.object().value(u"tests"_s).toArray();
    QVERIFY2(!tests.isEmpty(), qPrintable(input.fileName() % u": no tests"_s));
    for (const auto& test : tests) {
        const QJsonObject object = test.toObject();
        QTest::addRow("%s", qPrintable(object.value(u"id"_s).toString())) << object.value(member);
    }
}

// Every attribute the JSON names arrives with the same value (timestamps as the same instant), and nothing else.
void TestCloudEventConformance::checkAttributes(const QJsonObject& json, const CloudEvent& event)
{
    QStringList expected;
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        const QString name = it.key();
        if (name == u"data" || name == u"data_base64" || it->isNull())
            continue;
        expected.append(name);
        const auto value = event.attribute(name);
        QVERIFY2(value, qPrintable(name % u" is missing"_s));
        if (name == u"time") {
            QCOMPARE(event.time, parseCloudEventTimestamp(it->toString()));
        } else if (it->isString()) {
            QCOMPARE(*value, it->toString());
        } else {
            QCOMPARE(*value, QString::fromUtf8(CloudEventJson::serializeValue(*it)));
        }
    }
    QStringList names = event.attributeNames();
    names.sort();
    expected.sort();
    QCOMPARE(names, expected);
}

void TestCloudEventConformance::validEvents()
{
    QFETCH(QJsonValue, input);
    QString error;
    const auto event = CloudEventJson::fromJson(input.toObject(), &error);
    QVERIFY2(event, qPrintable(u"rejected a valid event: "_s % error));
    checkAttributes(input.toObject(), *event);
    const QJsonValue data = input.toObject().value(u"data"_s);
    if (data.isString() && !CloudEventJson::isJsonContentType(event->dataContentType))
        QCOMPARE(event->data, data.toString().toUtf8());
    // What the importer accepts, the exporter writes back to the same event.
    QCOMPARE(CloudEventJson::decode(CloudEventJson::encode(*event), &error), event);
}

void TestCloudEventConformance::invalidEvents()
{
    QFETCH(QJsonValue, input);
    QString error;
    const auto event = CloudEventJson::fromJson(input.toObject(), &error);
    QVERIFY2(!event,
        qPrintable(u"accepted an invalid event: "_s % QString::fromUtf8(CloudEventJson::serializeValue(input))));
    QVERIFY(!error.isEmpty());
    qInfo().noquote() << "rejected:" << error;
}

void TestCloudEventConformance::validBatches()
{
    QFETCH(QJsonValue, input);
    QString error;
    const auto events = CloudEventJson::decodeBatch(CloudEventJson::serializeValue(input), &error);
    QVERIFY2(events, qPrintable(u"rejected a valid batch: "_s % error));
    QCOMPARE(events->size(), input.toArray().size());
    for (qsizetype i = 0; i < events->size(); ++i)
        checkAttributes(input.toArray().at(i).toObject(), events->at(i));
}

void TestCloudEventConformance::invalidBatches()
{
    QFETCH(QJsonValue, input);
    QString error;
    const auto events = CloudEventJson::decodeBatch(CloudEventJson::serializeValue(input), &error);
    QVERIFY2(!events,
        qPrintable(u"accepted an invalid batch: "_s % QString::fromUtf8(CloudEventJson::serializeValue(input))));
    QVERIFY(!error.isEmpty());
    qInfo().noquote() << "rejected:" << error;
}

QTEST_GUILESS_MAIN(TestCloudEventConformance)
#include "tst_cloudeventconformance.moc"
