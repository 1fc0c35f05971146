// SPDX-License-Identifier: Apache-2.0
// The log keeps a bounded ring of redacted records from any thread, forwards them to the previous handler, and
// saves them without secrets.
#include "logmodel.h"
#include "secretredactor.h"

#include <QAbstractItemModelTester>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcTest, "meshscope.test", QtDebugMsg)

namespace {
QStringList forwarded;
void previousHandler(QtMsgType, const QMessageLogContext&, const QString& message) { forwarded.append(message); }
} // namespace

class TestLogModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void appendsRecords();
    void ringIsBounded();
    void handlerRedactsAndForwards();
    void fromOtherThreads();
    void savesRedacted();
    void tapSeesEachMessage();
};

void TestLogModel::init()
{
    SecretRedactor::clear();
    forwarded.clear();
}

void TestLogModel::cleanup()
{
    LogModel::uninstall();
    SecretRedactor::clear();
}

void TestLogModel::appendsRecords()
{
    LogModel model(100);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(QtWarningMsg, u"meshscope.kube"_s, u"cannot connect"_s);
    model.append(QtDebugMsg, u"meshscope.kafka"_s, u"hello"_s);
    QCOMPARE(model.rowCount(), 0);
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(LogModel::ColumnCount));
    QCOMPARE(model.index(0, LogModel::LevelColumn).data().toString(), u"warning"_s);
    QCOMPARE(model.index(0, LogModel::CategoryColumn).data().toString(), u"meshscope.kube"_s);
    QCOMPARE(model.index(1, LogModel::MessageColumn).data().toString(), u"hello"_s);
    QCOMPARE(model.index(1, 0).data(LogModel::LevelRole).toInt(), int(QtDebugMsg));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestLogModel::ringIsBounded()
{
    LogModel model(10);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 7; ++i)
        model.append(QtInfoMsg, u"c"_s, QString::number(i));
    model.flush();
    for (int i = 7; i < 25; ++i)
        model.append(QtInfoMsg, u"c"_s, QString::number(i));
    model.flush();
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.record(0).message, u"15"_s);
    QCOMPARE(model.record(9).message, u"24"_s);
}

void TestLogModel::handlerRedactsAndForwards()
{
    SecretRedactor::registerSecret(u"tok-abcdef-123"_s);
    const auto original = qInstallMessageHandler(previousHandler);
    LogModel model;
    LogModel::install(&model);
    qCWarning(lcTest) << "using" << u"tok-abcdef-123"_s;
    qCDebug(lcTest, "Authorization: Bearer xyz987");
    model.flush();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.record(0).category, u"meshscope.test"_s);
    QCOMPARE(model.record(0).level, QtWarningMsg);
    QVERIFY(!model.record(0).message.contains(u"tok-abcdef-123"_s));
    QVERIFY(model.record(0).message.contains(SecretRedactor::mask()));
    QVERIFY(!model.record(1).message.contains(u"xyz987"_s));
    QCOMPARE(forwarded.size(), 2);
    QVERIFY(!forwarded.join(u'\n').contains(u"tok-abcdef-123"_s));
    QVERIFY(!forwarded.join(u'\n').contains(u"xyz987"_s));
    LogModel::uninstall();
    qInstallMessageHandler(original);
}

void TestLogModel::fromOtherThreads()
{
    LogModel model(100000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<QThread*> threads;
    for (int t = 0; t < 4; ++t) {
        threads.append(QThread::create([&model, t] {
            for (int i = 0; i < 500; ++i)
                model.append(QtInfoMsg, u"thread"_s, u"%1/%2"_s.arg(t).arg(i));
        }));
        threads.last()->start();
    }
    for (auto* thread : std::as_const(threads)) {
        QVERIFY(thread->wait(10000));
        delete thread;
    }
    QTRY_COMPARE(model.rowCount(), 2000);
}

void TestLogModel::savesRedacted()
{
    LogModel model;
    model.append(QtWarningMsg, u"meshscope.kafka"_s, u"SASL login for alice with late-registered-secret failed"_s);
    model.flush();
    // Registered after the message was kept: the saved log hides it all the same.
    SecretRedactor::registerSecret(u"late-registered-secret"_s);
    QTemporaryDir dir;
    QString error;
    const QString path = dir.filePath(u"meshscope.log"_s);
    QVERIFY2(model.save(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString saved = QString::fromUtf8(file.readAll());
    QVERIFY(!saved.contains(u"late-registered-secret"_s));
    QVERIFY(saved.contains(u"warning meshscope.kafka: SASL login for alice"_s));
    QVERIFY(!model.save(dir.filePath(u"missing/x.log"_s), &error));
    QVERIFY(error.contains(u"missing"_s));
}

void TestLogModel::tapSeesEachMessage()
{
    const auto original = qInstallMessageHandler(previousHandler);
    QStringList lines;
    LogModel::install(nullptr, [&lines](const LogRecord&, const QString& line) { lines.append(line); });
    qCInfo(lcTest, "password=hunter22 ready");
    QCOMPARE(lines.size(), 1);
    QVERIFY(lines.first().contains(u"info meshscope.test: password="_s));
    QVERIFY(!lines.first().contains(u"hunter22"_s));
    LogModel::uninstall();
    qInstallMessageHandler(original);
}

QTEST_GUILESS_MAIN(TestLogModel)

#include "tst_logmodel.moc"
