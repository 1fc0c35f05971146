// SPDX-License-Identifier: Apache-2.0
// The log pane filters by level and text and saves what the log holds, without secrets.
#include "logmodel.h"
#include "logpane.h"
#include "secretredactor.h"

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestLogPane : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void filters();
    void savesRedacted();
};

void TestLogPane::filters()
{
    LogModel model;
    LogPane pane(&model);
    model.append(QtDebugMsg, u"meshscope.kube"_s, u"GET /apis"_s);
    model.append(QtInfoMsg, u"meshscope.status"_s, u"Synced 40 objects"_s);
    model.append(QtWarningMsg, u"meshscope.kafka"_s, u"broker down"_s);
    model.append(QtCriticalMsg, u"meshscope.kube"_s, u"cannot connect"_s);
    model.flush();
    // Info and up by default: debug chatter is one click away.
    QCOMPARE(pane.minimumLevel(), QtInfoMsg);
    QCOMPARE(pane.shownCount(), 3);
    pane.levelBox()->setCurrentIndex(pane.levelBox()->findData(int(QtDebugMsg)));
    QCOMPARE(pane.shownCount(), 4);
    pane.setMinimumLevel(QtWarningMsg);
    QCOMPARE(pane.shownCount(), 2);
    pane.setMinimumLevel(QtCriticalMsg);
    QCOMPARE(pane.shownCount(), 1);
    pane.setMinimumLevel(QtDebugMsg);
    pane.filterField()->setText(u"KUBE"_s);
    QCOMPARE(pane.shownCount(), 2);
    pane.filterField()->setText(u"synced"_s);
    QCOMPARE(pane.shownCount(), 1);
    pane.filterField()->clear();
    QCOMPARE(pane.shownCount(), 4);
}

void TestLogPane::savesRedacted()
{
    SecretRedactor::registerSecret(u"pane-secret-1234"_s);
    LogModel model;
    LogPane pane(&model);
    model.append(QtWarningMsg, u"meshscope.kafka"_s, u"login with pane-secret-1234 failed"_s);
    model.flush();
    QVERIFY(!model.index(0, LogModel::MessageColumn).data().toString().contains(u"pane-secret-1234"_s));
    QTemporaryDir dir;
    QString error;
    QVERIFY(pane.saveTo(dir.filePath(u"log.txt"_s), &error));
    QFile file(dir.filePath(u"log.txt"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    QVERIFY(saved.contains("login with"));
    QVERIFY(!saved.contains("pane-secret-1234"));
    SecretRedactor::clear();
}

QTEST_MAIN(TestLogPane)

#include "tst_logpane.moc"
