// SPDX-License-Identifier: Apache-2.0
#include "../unit/localreceiver.h"
#include "cloudeventcodec.h"
#include "eventhistory.h"
#include "objectstore.h"
#include "publisherpage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPublisherPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void invalidFieldShowsMessage_data();
    void invalidFieldShowsMessage();
    void templateWithSequence();
    void prettyPrintKeepsOrderAndPlaceholders();
    void collectionSavedAndReloaded();
    void historyPersistedAndResent();
    void importBatch();
    void bulkWithCancelAndSummary();
    void bulkSendIsOneHistoryEntry();
    void ctrlReturnSends();

private:
    void useReceiver(PublisherPage& page) const
    {
        page.setTarget(PublisherPage::TargetKind::HttpUrl, QString::fromLatin1(m_receiver->url()));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LocalReceiver> m_receiver;
    ObjectStore m_store;
};

void TestPublisherPage::initTestCase() { QStandardPaths::setTestModeEnabled(true); }

void TestPublisherPage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_receiver = std::make_unique<LocalReceiver>();
}

void TestPublisherPage::cleanup()
{
    m_receiver.reset();
    m_dir.reset();
}

void TestPublisherPage::invalidFieldShowsMessage_data()
{
    QTest::addColumn<QString>("widget");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::addRow("empty source") << u"source"_s << QString() << u"source"_s << QString();
    QTest::addRow("empty type") << u"type"_s << QString() << u"type"_s << QString();
    QTest::addRow("unknown placeholder") << u"type"_s << u"com.x.{{nope}}"_s << u"type"_s << u"column 7"_s;
    QTest::addRow("broken json") << u"data"_s << u"{\n  \"a\": 1,\n  oops\n}"_s << u"data"_s << u"line 3, column"_s;
    QTest::addRow("bad extension name") << u"extension"_s << u"Bad-Name"_s << u"extensions"_s << u"Bad-Name"_s;
    QTest::addRow("integer extension") << u"integer"_s << u"twelve"_s << u"extensions"_s << u"count"_s;
    QTest::addRow("no target url") << u"url"_s << QString() << u"target"_s << QString();
}

void TestPublisherPage::invalidFieldShowsMessage()
{
    QFETCH(QString, widget);
    QFETCH(QString, text);
    QFETCH(QString, field);
    QFETCH(QString, message);
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    useReceiver(page);
    page.validateNow();
    QVERIFY2(page.problems().isEmpty(), qPrintable(page.problems().join(u'\n')));
    QVERIFY(page.publishButton()->isEnabled());
    if (widget == u"source")
        page.sourceField()->setText(text);
    else if (widget == u"type")
        page.typeField()->setText(text);
    else if (widget == u"data")
        page.dataField()->setPlainText(text);
    else if (widget == u"extension")
        page.addExtension(text, u"string"_s, u"v"_s);
    else if (widget == u"integer")
        page.addExtension(u"count"_s, u"integer"_s, text);
    else if (widget == u"url")
        page.setTarget(PublisherPage::TargetKind::HttpUrl, text);
    page.validateNow();
    QVERIFY(!page.publishButton()->isEnabled());
    QVERIFY(!page.fieldMessage(field).isEmpty());
    QVERIFY2(page.fieldMessage(field).contains(message), qPrintable(page.fieldMessage(field)));
    QCOMPARE(page.publish(), 0u);
    // Nothing typed is lost.
    if (widget == u"type")
        QCOMPARE(page.typeField()->text(), text);
    if (widget == u"data")
        QCOMPARE(page.dataField()->toPlainText(), text);
}

void TestPublisherPage::templateWithSequence()
{
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    QAbstractItemModelTester tester(page.history());
    useReceiver(page);
    page.idField()->setText(u"evt-{{seq}}"_s);
    page.dataField()->setPlainText(u"{\"n\": {{seq}}}"_s);
    QSignalSpy results(&page, &PublisherPage::resultShown);
    QVERIFY(page.publish() != 0);
    QVERIFY(page.publish() != 0);
    QTRY_COMPARE(results.count(), 2);
    QCOMPARE(page.history()->size(), 2);
    QCOMPARE(page.history()->entry(1).event.id, u"evt-1"_s);
    QCOMPARE(page.history()->entry(0).event.id, u"evt-2"_s);
    QCOMPARE(page.history()->entry(0).event.data, QByteArray("{\"n\": 2}"));
    QVERIFY(page.lastResult().startsWith(u"delivered: HTTP 202"_s));
    QCOMPARE(page.idField()->text(), u"evt-{{seq}}"_s);
    QCOMPARE(m_receiver->requestCount(), 2);
}

void TestPublisherPage::prettyPrintKeepsOrderAndPlaceholders()
{
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    useReceiver(page);
    page.dataField()->setPlainText(u"{\"z\":{{random:1-9}},\"a\":[1,\"x, {y}\",{}],\"e\":[]}"_s);
    page.prettyPrint();
    const auto expected
        = u"{\n  \"z\": {{random:1-9}},\n  \"a\": [\n    1,\n    \"x, {y}\",\n    {}\n  ],\n  \"e\": []\n}\n"_s;
    QCOMPARE(page.dataField()->toPlainText(), expected);
    page.validateNow();
    QVERIFY(page.problems().isEmpty());
    const auto broken = u"{\"a\": }"_s;
    page.dataField()->setPlainText(broken);
    page.prettyPrint();
    QCOMPARE(page.dataField()->toPlainText(), broken);
}

void TestPublisherPage::collectionSavedAndReloaded()
{
    {
        PublisherPage page(&m_store);
        page.setStorageDirectory(m_dir->path());
        useReceiver(page);
        page.typeField()->setText(u"com.example.saved.{{choice:a|b}}"_s);
        page.addExtension(u"priority"_s, u"integer"_s, u"{{random:1-5}}"_s);
        page.addToCollection(u"first"_s);
        QString error;
        QVERIFY2(page.saveCollection(u"smoke tests"_s, &error), qPrintable(error));
    }
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    QCOMPARE(page.collectionNames(), QStringList { u"smoke tests"_s });
    QString error;
    QVERIFY2(page.openCollection(u"smoke tests"_s, &error), qPrintable(error));
    QCOMPARE(page.collection().events.size(), 1);
    page.loadTemplate(page.collection().events.first());
    QCOMPARE(page.typeField()->text(), u"com.example.saved.{{choice:a|b}}"_s);
    QCOMPARE(page.extensionTable()->rowCount(), 1);
    QCOMPARE(page.eventTemplate().extensionTypes.value(u"priority"_s), int(QMetaType::Int));
    QCOMPARE(page.currentTarget().name, QString::fromLatin1(m_receiver->url()));
    QVERIFY(page.problems().isEmpty());
}

void TestPublisherPage::historyPersistedAndResent()
{
    QString firstId;
    {
        PublisherPage page(&m_store);
        page.setStorageDirectory(m_dir->path());
        useReceiver(page);
        QSignalSpy results(&page, &PublisherPage::resultShown);
        QVERIFY(page.publish() != 0);
        QTRY_COMPARE(results.count(), 1);
        firstId = page.history()->entry(0).event.id;
    }
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    QAbstractItemModelTester tester(page.history());
    QCOMPARE(page.history()->size(), 1);
    QCOMPARE(page.history()->entry(0).event.id, firstId);
    QCOMPARE(page.history()->entry(0).state, HistoryEntry::State::Delivered);
    QSignalSpy delivered(&page, &PublisherPage::delivered);
    QCOMPARE(page.resendHistoryRows({ 0 }, false).size(), 1);
    QTRY_COMPARE(delivered.count(), 1);
    QCOMPARE(page.history()->entry(0).event.id, firstId);
    QCOMPARE(page.history()->entry(0).state, HistoryEntry::State::Delivered);
    QCOMPARE(page.resendHistoryRows({ 0, 1 }, true).size(), 2);
    QTRY_COMPARE(delivered.count(), 3);
    QCOMPARE(page.history()->size(), 4);
    QVERIFY(page.history()->entry(0).event.id != firstId);
    QCOMPARE(m_receiver->requestCount(), 4);
}

void TestPublisherPage::importBatch()
{
    QList<CloudEvent> events;
    for (int i = 1; i <= 3; ++i) {
        CloudEvent event;
        event.id = u"import-"_s % QString::number(i);
        event.source = u"/imported"_s;
        event.type = u"com.example.imported."_s % QString::number(i);
        event.extensions.insert(u"count"_s, i);
        event.dataContentType = u"text/plain"_s;
        event.data = "hello";
        event.dataKind = CloudEvent::DataKind::Text;
        events.append(event);
    }
    const auto path = m_dir->filePath(u"batch.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(CloudEventJson::encodeBatch(events));
    file.close();

    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    useReceiver(page);
    QString error;
    QVERIFY2(page.importFile(path, &error), qPrintable(error));
    QCOMPARE(page.typeField()->text(), u"com.example.imported.1"_s);
    QCOMPARE(page.collection().events.size(), 3);
    QVERIFY(page.problems().isEmpty());
    QCOMPARE(page.event().extensions.value(u"count"_s), QVariant(1));
    QCOMPARE(page.event().data, QByteArray("hello"));

    const auto exported = m_dir->filePath(u"out.json"_s);
    QVERIFY(page.exportEvents(exported, events, &error));
    QVERIFY(page.importFile(exported, &error));
    QCOMPARE(page.collection().events.size(), 6);

    QFile broken(m_dir->filePath(u"broken.json"_s));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("[{\"id\": 1}]");
    broken.close();
    QVERIFY(!page.importFile(broken.fileName(), &error));
    QVERIFY(!error.isEmpty());
}

void TestPublisherPage::bulkWithCancelAndSummary()
{
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    useReceiver(page);
    page.idField()->setText(u"bulk-{{seq}}"_s);
    QSignalSpy finished(&page, &PublisherPage::bulkFinished);
    QString error;
    QVERIFY2(page.startBulk(300, 0, 32, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    auto summary = finished.first().first().value<BulkSummary>();
    QCOMPARE(summary.sent, 300);
    QCOMPARE(page.bulkProgress()->value(), 300);
    QVERIFY(page.bulkSummaryLabel()->text().startsWith(u"300 sent, 0 failed"_s));

    QVERIFY(page.startBulk(1'000'000, 400, 32, &error));
    QTRY_VERIFY(page.bulkSender()->completed() >= 20);
    page.cancelBulk();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
    summary = finished.last().first().value<BulkSummary>();
    QVERIFY(summary.cancelled);
    QCOMPARE(summary.sent + summary.failed + summary.notSent, 1'000'000);
    QVERIFY(page.bulkSummaryLabel()->text().contains(u"cancelled"_s));

    m_receiver->setStatus(500);
    QVERIFY(page.startBulk(10, 0, 4, &error));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 10000);
    summary = finished.last().first().value<BulkSummary>();
    QCOMPARE(summary.failed, 10);
    // One line per reason with its count, then one per failed event.
    QCOMPARE(page.bulkFailureList()->count(), 11);
    QVERIFY(page.bulkFailureList()->item(0)->text().contains(u"500"_s));
}

void TestPublisherPage::bulkSendIsOneHistoryEntry()
{
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    QAbstractItemModelTester tester(page.history());
    useReceiver(page);
    page.idField()->setText(u"bulk-{{seq}}"_s);
    QSignalSpy finished(&page, &PublisherPage::bulkFinished);
    QString error;
    QVERIFY2(page.startBulk(40, 0, 8, &error), qPrintable(error));
    QCOMPARE(page.history()->size(), 1);
    QCOMPARE(page.history()->entry(0).state, HistoryEntry::State::Pending);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(page.history()->size(), 1);
    const HistoryEntry first = page.history()->entry(0);
    QVERIFY(first.bulk);
    QCOMPARE(first.state, HistoryEntry::State::Delivered);
    QCOMPARE(first.bulk->sent, 40);
    QCOMPARE(first.bulk->count, 40);
    QCOMPARE(first.event.id, u"bulk-1"_s);
    QCOMPARE(first.bulk->source.eventTemplate.attributes.value(u"id"_s), u"bulk-{{seq}}"_s);
    QVERIFY(EventHistory::resultText(first).startsWith(u"bulk: 40 sent, 0 failed"_s));

    // Replayed from its row with its own template; what the composer holds stays as typed.
    page.idField()->setText(u"typed-{{uuid}}"_s);
    QCOMPARE(page.resendHistoryRows({ 0 }, true).size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    QCOMPARE(page.idField()->text(), u"typed-{{uuid}}"_s);
    QCOMPARE(page.history()->size(), 2);
    QCOMPARE(page.history()->entry(0).bulk->sent, 40);
    QCOMPARE(page.history()->entry(0).event.id, u"bulk-1"_s);
    QCOMPARE(m_receiver->requestCount(), 80);

    // A failing target: the entry says so, with the summary.
    m_receiver->setStatus(500);
    QVERIFY(page.startBulk(5, 0, 4, &error));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 10000);
    QCOMPARE(page.history()->entry(0).state, HistoryEntry::State::Failed);
    QCOMPARE(page.history()->entry(0).bulk->failed, 5);
}

void TestPublisherPage::ctrlReturnSends()
{
    PublisherPage page(&m_store);
    page.setStorageDirectory(m_dir->path());
    useReceiver(page);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.typeField()->setFocus();
    QSignalSpy published(&page, &PublisherPage::published);
    QTest::keyClick(page.typeField(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(published.count(), 1);
    QTRY_COMPARE(m_receiver->requestCount(), 1);
    // Every control says what it is for.
    const auto buttons = page.findChildren<QPushButton*>();
    for (const auto* button : buttons)
        QVERIFY2(!button->toolTip().isEmpty(), qPrintable(button->text()));
}

QTEST_MAIN(TestPublisherPage)
#include "tst_publisherpage.moc"
