// SPDX-License-Identifier: Apache-2.0
#include "eventhistory.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

CloudEvent sampleEvent(int n)
{
    CloudEvent event;
    event.id = u"evt-"_s % QString::number(n);
    event.source = u"/meshscope/test"_s;
    event.type = u"dev.meshscope.test"_s;
    event.time = QDateTime(QDate(2026, 11, 26), QTime(12, 0, n % 60), Qt::UTC);
    event.extensions.insert(u"count"_s, n);
    event.dataContentType = u"application/json"_s;
    event.data = "{\"n\":" + QByteArray::number(n) + '}';
    event.dataKind = CloudEvent::DataKind::Json;
    return event;
}

DeliveryResult kafkaResult()
{
    DeliveryResult result;
    result.ok = true;
    result.partition = 2;
    result.offset = 17;
    result.latencyMs = 3;
    result.target = u"topic"_s;
    return result;
}

} // namespace

class TestEventHistory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void resultText_data();
    void resultText();
    void newestFirstAndBounded();
    void persisted();
    void traceText();
    void bulkEntry_data();
    void bulkEntry();
};

void TestEventHistory::resultText_data()
{
    QTest::addColumn<bool>("answered");
    QTest::addColumn<DeliveryResult>("result");
    QTest::addColumn<QString>("text");
    QTest::addRow("pending") << false << DeliveryResult {} << u"sending…"_s;
    QTest::addRow("kafka") << true << kafkaResult() << u"delivered: partition 2, offset 17 (3 ms)"_s;
    DeliveryResult http;
    http.ok = true;
    http.httpStatus = 202;
    http.latencyMs = 4;
    QTest::addRow("http") << true << http << u"delivered: HTTP 202 (4 ms)"_s;
    DeliveryResult failed;
    failed.error = u"HTTP 404: not found"_s;
    QTest::addRow("failed") << true << failed << u"failed: HTTP 404: not found"_s;
}

void TestEventHistory::resultText()
{
    QFETCH(bool, answered);
    QFETCH(DeliveryResult, result);
    QFETCH(QString, text);
    EventHistory history;
    QAbstractItemModelTester tester(&history);
    history.add(PublishTarget::kafkaTopic(u"topic"_s), sampleEvent(1), 7);
    if (answered)
        QVERIFY(history.setResult(7, result));
    QCOMPARE(EventHistory::resultText(history.entry(0)), text);
    QCOMPARE(history.data(history.index(0, EventHistory::ResultColumn)).toString(), text);
    QVERIFY(!history.setResult(8, result));
}

void TestEventHistory::newestFirstAndBounded()
{
    EventHistory history(QString(), 5);
    QAbstractItemModelTester tester(&history);
    for (int i = 1; i <= 8; ++i)
        history.add(PublishTarget::kafkaTopic(u"topic"_s), sampleEvent(i), quint64(i));
    QCOMPARE(history.rowCount(), 5);
    QCOMPARE(history.entry(0).event.id, u"evt-8"_s);
    QCOMPARE(history.entry(4).event.id, u"evt-4"_s);
    QCOMPARE(history.rowOf(3), -1);
    QCOMPARE(history.rowOf(6), 2);
    QCOMPARE(history.data(history.index(0, EventHistory::IdColumn)).toString(), u"evt-8"_s);
    QCOMPARE(history.data(history.index(0, EventHistory::TargetColumn)).toString(), u"Kafka topic topic"_s);
    history.clear();
    QCOMPARE(history.rowCount(), 0);
}

void TestEventHistory::persisted()
{
    QTemporaryDir dir;
    const auto path = dir.filePath(u"sub/history.json"_s);
    {
        EventHistory history(path);
        QAbstractItemModelTester tester(&history);
        history.add(PublishTarget::kafkaTopic(u"topic"_s), sampleEvent(1), 1, { u"trigger-a"_s });
        history.add(PublishTarget::http(QUrl(u"http://x/"_s), HttpTransport::Mode::Structured), sampleEvent(2), 2);
        history.add(PublishTarget::amqpExchange(u"ex"_s), sampleEvent(3), 3);
        history.setResult(1, kafkaResult());
        DeliveryResult failed;
        failed.error = u"refused"_s;
        history.setResult(2, failed);
        // Written shortly after the changes, without waiting for the history to go away.
        QTRY_VERIFY(QFile::exists(path));
    }
    EventHistory loaded(path);
    QAbstractItemModelTester tester(&loaded);
    QVERIFY(loaded.load());
    QCOMPARE(loaded.rowCount(), 3);
    QCOMPARE(loaded.entry(2).event, sampleEvent(1));
    QCOMPARE(loaded.entry(2).state, HistoryEntry::State::Delivered);
    QCOMPARE(loaded.entry(2).result.offset, 17);
    QCOMPARE(loaded.entry(2).matchedTriggers, QStringList { u"trigger-a"_s });
    QCOMPARE(loaded.entry(2).requestId, 0u);
    QCOMPARE(loaded.entry(1).target.httpMode, HttpTransport::Mode::Structured);
    QCOMPARE(loaded.entry(1).state, HistoryEntry::State::Failed);
    QCOMPARE(loaded.entry(1).result.error, u"refused"_s);
    // Still pending when saved: shown as failed with the reason, never as "sending…" forever.
    QCOMPARE(loaded.entry(0).state, HistoryEntry::State::Failed);
    QVERIFY(loaded.entry(0).result.error.contains(u"closed"_s));
    EventHistory broken(dir.filePath(u"missing.json"_s));
    QVERIFY(broken.load());
    QCOMPARE(broken.rowCount(), 0);
}

void TestEventHistory::traceText()
{
    EventHistory history;
    QAbstractItemModelTester tester(&history);
    history.add(PublishTarget::kafkaTopic(u"topic"_s), sampleEvent(1), 11, { u"t1"_s, u"t2"_s });
    QSignalSpy changed(&history, &QAbstractItemModel::dataChanged);
    QVERIFY(history.setTraceText(11, u"delivered to trigger t1 at 12:01:03"_s));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(
        history.data(history.index(0, EventHistory::TraceColumn)).toString(), u"delivered to trigger t1 at 12:01:03"_s);
    QVERIFY(history.data(history.index(0, EventHistory::TraceColumn), Qt::ToolTipRole).toString().contains(u"t2"_s));
    QVERIFY(!history.setTraceText(12, u"x"_s));
}

void TestEventHistory::bulkEntry_data()
{
    QTest::addColumn<bool>("finished");
    QTest::addColumn<qint64>("sent");
    QTest::addColumn<qint64>("failed");
    QTest::addColumn<bool>("cancelled");
    QTest::addColumn<HistoryEntry::State>("state");
    QTest::addColumn<QString>("text");
    QTest::addRow("sending") << false << qint64(0) << qint64(0) << false << HistoryEntry::State::Pending
                             << u"bulk: sending 500 events…"_s;
    QTest::addRow("all sent") << true << qint64(500) << qint64(0) << false << HistoryEntry::State::Delivered
                              << u"bulk: 500 sent"_s;
    QTest::addRow("some failed") << true << qint64(490) << qint64(10) << false << HistoryEntry::State::Failed
                                 << u"bulk: 490 sent, 10 failed"_s;
    QTest::addRow("cancelled") << true << qint64(20) << qint64(0) << true << HistoryEntry::State::Delivered
                               << u"bulk: 20 sent, cancelled"_s;
}

void TestEventHistory::bulkEntry()
{
    QFETCH(bool, finished);
    QFETCH(qint64, sent);
    QFETCH(qint64, failed);
    QFETCH(bool, cancelled);
    QFETCH(HistoryEntry::State, state);
    QFETCH(QString, text);
    QTemporaryDir dir;
    const auto path = dir.filePath(u"history.json"_s);
    HistoryEntry::Bulk bulk;
    bulk.source.eventTemplate = CloudEventTemplate::fromEvent(sampleEvent(1));
    bulk.source.eventTemplate.attributes.insert(u"id"_s, u"bulk-{{seq}}"_s);
    bulk.source.extensionTypeNames.insert(u"count"_s, u"integer"_s);
    bulk.source.target = PublishTarget::kafkaTopic(u"topic"_s);
    bulk.count = 500;
    bulk.ratePerSecond = 250;
    bulk.window = 64;
    const quint64 id = (quint64(1) << 63) | 1;
    {
        EventHistory history(path);
        QAbstractItemModelTester tester(&history);
        history.add(PublishTarget::kafkaTopic(u"topic"_s), sampleEvent(2), 1);
        history.addBulk(PublishTarget::kafkaTopic(u"topic"_s), bulk, sampleEvent(1), id);
        QCOMPARE(history.rowCount(), 2);
        if (finished)
            QVERIFY(history.setBulkResult(id, sent, failed, cancelled, text.mid(6)));
        QVERIFY(!history.setBulkResult(1, 1, 0, false, u"not a bulk send"_s));
        QCOMPARE(history.entry(0).state, state);
        QCOMPARE(EventHistory::resultText(history.entry(0)), text);
        QCOMPARE(history.data(history.index(0, EventHistory::IdColumn)).toString(), u"500 events from a template"_s);
        QCOMPARE(history.data(history.index(0, EventHistory::TypeColumn)).toString(), sampleEvent(1).type);
        QVERIFY(history.save());
    }
    // The template, its types and target, the options and the outcome survive a restart.
    EventHistory loaded(path);
    QAbstractItemModelTester tester(&loaded);
    QVERIFY(loaded.load());
    QCOMPARE(loaded.rowCount(), 2);
    QVERIFY(!loaded.entry(1).bulk);
    const auto& entry = loaded.entry(0);
    QVERIFY(entry.bulk);
    QCOMPARE(entry.event, sampleEvent(1));
    QCOMPARE(entry.bulk->source.eventTemplate, bulk.source.eventTemplate);
    QCOMPARE(entry.bulk->source.target.name, u"topic"_s);
    QCOMPARE(entry.bulk->count, 500);
    QCOMPARE(entry.bulk->ratePerSecond, 250.0);
    QCOMPARE(entry.bulk->window, 64);
    QCOMPARE(entry.bulk->sent, sent);
    QCOMPARE(entry.bulk->failed, failed);
    QCOMPARE(entry.bulk->cancelled, cancelled);
    if (finished) {
        QCOMPARE(entry.state, state);
        QCOMPARE(EventHistory::resultText(entry), text);
    } else {
        // Still sending when saved: failed with the reason, like a single event.
        QCOMPARE(entry.state, HistoryEntry::State::Failed);
        QVERIFY(EventHistory::resultText(entry).contains(u"closed"_s));
    }
}

QTEST_GUILESS_MAIN(TestEventHistory)
#include "tst_eventhistory.moc"
