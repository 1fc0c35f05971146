// SPDX-License-Identifier: Apache-2.0
#include "bulksender.h"
#include "localreceiver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

CloudEventTemplate sampleTemplate(const QString& id = u"evt-{{seq}}"_s)
{
    CloudEventTemplate t;
    t.attributes = { { u"id"_s, id }, { u"source"_s, u"/meshscope/bulk"_s }, { u"type"_s, u"dev.meshscope.bulk"_s },
        { u"datacontenttype"_s, u"application/json"_s } };
    t.data = "{\"n\": {{seq}}}";
    t.dataKind = CloudEvent::DataKind::Json;
    return t;
}

// Records what it is given and acknowledges it on the next event-loop turn, like an AMQP transport with confirms.
class RecordingAmqp : public QObject {
    Q_OBJECT
public:
    quint64 publish(const QString&, const CloudEvent& event)
    {
        const quint64 id = ++m_next;
        events.append(event);
        QMetaObject::invokeMethod(
            this,
            [this, id] {
                DeliveryResult result;
                result.ok = true;
                Q_EMIT delivered(id, result);
            },
            Qt::QueuedConnection);
        return id;
    }
    void cancelAll() { }
    QList<CloudEvent> events;

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);

private:
    quint64 m_next = 0;
};

BulkSummary finishedSummary(QSignalSpy& spy) { return spy.first().first().value<BulkSummary>(); }

} // namespace

class TestBulkSender : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sendsEveryEventOverHttp_data();
    void sendsEveryEventOverHttp();
    void sequenceNumbersInOrder();
    void paceFollowsTheRate();
    void failuresAreListedWithTheirReason();
    void cancelCountsEveryEvent();
    void refusesToStart_data();
    void refusesToStart();
};

void TestBulkSender::sendsEveryEventOverHttp_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("window");
    QTest::addColumn<HttpTransport::Mode>("mode");
    QTest::addRow("one") << 1 << 16 << HttpTransport::Mode::Binary;
    QTest::addRow("window of one") << 20 << 1 << HttpTransport::Mode::Binary;
    QTest::addRow("many, structured") << 500 << 64 << HttpTransport::Mode::Structured;
    QTest::addRow("none") << 0 << 8 << HttpTransport::Mode::Binary;
}

void TestBulkSender::sendsEveryEventOverHttp()
{
    QFETCH(int, count);
    QFETCH(int, window);
    QFETCH(HttpTransport::Mode, mode);
    LocalReceiver receiver;
    EventPublisher publisher;
    BulkSender sender(&publisher);
    QSignalSpy finished(&sender, &BulkSender::finished);
    QSignalSpy progress(&sender, &BulkSender::progress);
    BulkSender::Options options;
    options.count = count;
    options.window = window;
    QString error;
    QVERIFY2(sender.start(sampleTemplate(), PublishTarget::http(QUrl(QString::fromLatin1(receiver.url())), mode),
                 options, &error),
        qPrintable(error));
    QVERIFY(sender.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    const auto summary = finishedSummary(finished);
    QCOMPARE(summary.requested, count);
    QCOMPARE(summary.sent, count);
    QCOMPARE(summary.failed, 0);
    QCOMPARE(summary.notSent, 0);
    QVERIFY(!summary.cancelled);
    QCOMPARE(receiver.requestCount(), count);
    QVERIFY(summary.p50Ms <= summary.p90Ms && summary.p90Ms <= summary.p99Ms && summary.p99Ms <= summary.maxMs);
    if (count > 0)
        QVERIFY(summary.p50Ms > 0);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toLongLong(), count);
    QVERIFY(!sender.isRunning());
}

void TestBulkSender::sequenceNumbersInOrder()
{
    EventPublisher publisher;
    RecordingAmqp amqp;
    publisher.setAmqpTransport(&amqp);
    BulkSender sender(&publisher);
    QSignalSpy finished(&sender, &BulkSender::finished);
    BulkSender::Options options;
    options.count = 300;
    options.window = 7;
    options.firstSequence = 41;
    QVERIFY(sender.start(sampleTemplate(), PublishTarget::amqpExchange(u"x"_s), options));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(amqp.events.size(), 300);
    for (int i = 0; i < 300; ++i) {
        QCOMPARE(amqp.events.at(i).id, u"evt-"_s % QString::number(41 + i));
        QCOMPARE(amqp.events.at(i).data, "{\"n\": " + QByteArray::number(41 + i) + '}');
    }
}

void TestBulkSender::paceFollowsTheRate()
{
    EventPublisher publisher;
    RecordingAmqp amqp;
    publisher.setAmqpTransport(&amqp);
    BulkSender sender(&publisher);
    QSignalSpy finished(&sender, &BulkSender::finished);
    BulkSender::Options options;
    options.count = 30;
    options.ratePerSecond = 200;
    QElapsedTimer timer;
    timer.start();
    QVERIFY(sender.start(sampleTemplate(), PublishTarget::amqpExchange(u"x"_s), options));
    QTRY_COMPARE(finished.count(), 1);
    // 30 events at 200/s: the last one is due after 145 ms.
    QVERIFY2(timer.elapsed() >= 140, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(finishedSummary(finished).sent, 30);
}

void TestBulkSender::failuresAreListedWithTheirReason()
{
    LocalReceiver receiver(503);
    EventPublisher publisher;
    BulkSender sender(&publisher);
    QSignalSpy finished(&sender, &BulkSender::finished);
    BulkSender::Options options;
    options.count = 25;
    QVERIFY(sender.start(sampleTemplate(), PublishTarget::http(QUrl(QString::fromLatin1(receiver.url()))), options));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    const auto summary = finishedSummary(finished);
    QCOMPARE(summary.sent, 0);
    QCOMPARE(summary.failed, 25);
    QCOMPARE(summary.failures.size(), 25);
    QCOMPARE(summary.failureReasons.size(), 1);
    QCOMPARE(summary.failureReasons.first(), 25);
    QVERIFY2(summary.failureReasons.firstKey().contains(u"503"_s), qPrintable(summary.failureReasons.firstKey()));
    QSet<quint64> sequences;
    for (const auto& failure : summary.failures)
        sequences.insert(failure.sequence);
    QCOMPARE(sequences.size(), 25);
    QVERIFY(summary.text().contains(u"25 failed"_s));
}

void TestBulkSender::cancelCountsEveryEvent()
{
    LocalReceiver receiver;
    EventPublisher publisher;
    BulkSender sender(&publisher);
    QSignalSpy finished(&sender, &BulkSender::finished);
    BulkSender::Options options;
    options.count = 100000;
    options.ratePerSecond = 500;
    QVERIFY(sender.start(sampleTemplate(), PublishTarget::http(QUrl(QString::fromLatin1(receiver.url()))), options));
    QTRY_VERIFY(sender.completed() >= 10);
    sender.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    const auto summary = finishedSummary(finished);
    QVERIFY(summary.cancelled);
    QVERIFY(summary.notSent > 0);
    QCOMPARE(summary.sent + summary.failed + summary.notSent, 100000);
    QVERIFY(summary.text().contains(u"cancelled"_s));
    QVERIFY(!sender.isRunning());
}

void TestBulkSender::refusesToStart_data()
{
    QTest::addColumn<CloudEventTemplate>("eventTemplate");
    QTest::addColumn<PublishTarget>("target");
    QTest::addColumn<int>("window");
    QTest::addColumn<QString>("reason");
    const auto http = PublishTarget::http(QUrl(u"http://127.0.0.1:9/"_s));
    QTest::addRow("unknown placeholder") << sampleTemplate(u"{{nope}}"_s) << http << 4 << u"unknown placeholder"_s;
    QTest::addRow("no kafka") << sampleTemplate() << PublishTarget::kafkaTopic(u"t"_s) << 4 << u"Kafka"_s;
    QTest::addRow("zero window") << sampleTemplate() << http << 0 << u"window"_s;
}

void TestBulkSender::refusesToStart()
{
    QFETCH(CloudEventTemplate, eventTemplate);
    QFETCH(PublishTarget, target);
    QFETCH(int, window);
    QFETCH(QString, reason);
    EventPublisher publisher;
    BulkSender sender(&publisher);
    BulkSender::Options options;
    options.window = window;
    QString error;
    QVERIFY(!sender.start(eventTemplate, target, options, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!sender.isRunning());
}

QTEST_GUILESS_MAIN(TestBulkSender)
#include "tst_bulksender.moc"
