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

QTEST_GUILESS_MAIN(TestEventHistory)
#include "tst_eventhistory.moc"
