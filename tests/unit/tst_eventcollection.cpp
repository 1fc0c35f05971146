// SPDX-License-Identifier: Apache-2.0
#include "eventcollection.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(SavedEvent)

namespace {

SavedEvent savedEvent(const QString& name, CloudEvent::DataKind kind, const QByteArray& data)
{
    SavedEvent saved;
    saved.name = name;
    saved.eventTemplate.attributes = { { u"id"_s, u"{{uuid}}"_s }, { u"source"_s, u"/s"_s },
        { u"type"_s, u"dev.meshscope.{{choice:a|b}}"_s }, { u"time"_s, u"{{now}}"_s } };
    saved.eventTemplate.dataKind = kind;
    saved.eventTemplate.data = data;
    return saved;
}

} // namespace

class TestEventCollection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void namesAreListedSorted();
    void badFilesAreReported_data();
    void badFilesAreReported();
    void typeNames_data();
    void typeNames();
};

void TestEventCollection::roundTrip_data()
{
    QTest::addColumn<SavedEvent>("saved");
    QTest::addRow("json data") << savedEvent(u"json"_s, CloudEvent::DataKind::Json, "{\"n\": {{seq}}}");
    QTest::addRow("text, non-ASCII") << savedEvent(u"text \u00e9"_s, CloudEvent::DataKind::Text, "gr\xc3\xbc\xc3\x9f");
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    QTest::addRow("binary") << savedEvent(u"binary"_s, CloudEvent::DataKind::Binary, bytes);
    QTest::addRow("no data") << savedEvent(u"none"_s, CloudEvent::DataKind::None, QByteArray());
    auto typed = savedEvent(u"typed extensions"_s, CloudEvent::DataKind::None, QByteArray());
    const QStringList types = EventCollection::typeNames();
    for (const auto& type : types) {
        const QString name = u"ext"_s % QString(type).remove(u'-');
        typed.eventTemplate.attributes.insert(name, u"v"_s);
        typed.extensionTypeNames.insert(name, type);
    }
    typed.applyExtensionTypes();
    typed.target = PublishTarget::http(QUrl(u"http://127.0.0.1:8080/"_s), HttpTransport::Mode::Structured);
    QTest::addRow("typed extensions and a target") << typed;
    auto kafka = savedEvent(u"kafka"_s, CloudEvent::DataKind::Json, "{}");
    kafka.target = PublishTarget::kafkaTopic(u"knative-broker-ns-default"_s);
    QTest::addRow("kafka target") << kafka;
}

void TestEventCollection::roundTrip()
{
    QFETCH(SavedEvent, saved);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    EventCollection collection;
    collection.name = u"Billing / smoke tests"_s;
    collection.events = { saved, saved };
    QString error;
    QVERIFY2(collection.save(dir.path(), &error), qPrintable(error));
    QCOMPARE(EventCollection::names(dir.path()), QStringList { collection.name });
    const auto loaded = EventCollection::load(dir.path(), collection.name, &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(*loaded, collection);
    QVERIFY(EventCollection::remove(dir.path(), collection.name));
    QVERIFY(EventCollection::names(dir.path()).isEmpty());
}

void TestEventCollection::namesAreListedSorted()
{
    QTemporaryDir dir;
    for (const auto& name : { u"zeta"_s, u"Alpha beta"_s, u"a/b?c"_s, u"\u00fcber"_s }) {
        EventCollection collection;
        collection.name = name;
        QVERIFY(collection.save(dir.path() % u"/nested/collections"_s, nullptr));
    }
    const QStringList expected { u"a/b?c"_s, u"Alpha beta"_s, u"zeta"_s, u"\u00fcber"_s };
    QCOMPARE(EventCollection::names(dir.path() % u"/nested/collections"_s), expected);
    EventCollection unnamed;
    QString error;
    QVERIFY(!unnamed.save(dir.path(), &error));
    QVERIFY(error.contains(u"name"_s));
}

void TestEventCollection::badFilesAreReported_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("reason");
    QTest::addRow("not json") << QByteArray("{ nope") << u"broken.json"_s;
    QTest::addRow("no events") << QByteArray("{\"name\": \"x\"}") << u"\"events\""_s;
    QTest::addRow("event without attributes") << QByteArray("{\"events\": [{\"name\": \"x\"}]}") << u"events[0]"_s;
}

void TestEventCollection::badFilesAreReported()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QFile file(EventCollection::filePath(dir.path(), u"broken"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    QString error;
    QVERIFY(!EventCollection::load(dir.path(), u"broken"_s, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!EventCollection::load(dir.path(), u"missing"_s, &error));
}

void TestEventCollection::typeNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("metaType");
    QTest::addColumn<QString>("back");
    QTest::addRow("string") << u"string"_s << int(QMetaType::QString) << u"string"_s;
    QTest::addRow("integer") << u"integer"_s << int(QMetaType::Int) << u"integer"_s;
    QTest::addRow("boolean") << u"boolean"_s << int(QMetaType::Bool) << u"boolean"_s;
    QTest::addRow("binary") << u"binary"_s << int(QMetaType::QByteArray) << u"binary"_s;
    QTest::addRow("timestamp") << u"timestamp"_s << int(QMetaType::QDateTime) << u"timestamp"_s;
    QTest::addRow("uri is a string") << u"uri"_s << int(QMetaType::QString) << u"string"_s;
    QTest::addRow("uri-reference is a string") << u"uri-reference"_s << int(QMetaType::QString) << u"string"_s;
}

void TestEventCollection::typeNames()
{
    QFETCH(QString, name);
    QFETCH(int, metaType);
    QFETCH(QString, back);
    QCOMPARE(EventCollection::metaTypeOf(name), metaType);
    QCOMPARE(EventCollection::typeNameOf(metaType), back);
    QVERIFY(EventCollection::typeNames().contains(name));
}

QTEST_GUILESS_MAIN(TestEventCollection)
#include "tst_eventcollection.moc"
