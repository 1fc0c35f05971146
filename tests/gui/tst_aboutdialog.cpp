// SPDX-License-Identifier: Apache-2.0
#include "aboutdialog.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QTest>

#include <librdkafka/rdkafka.h>

using namespace Qt::StringLiterals;

class TestAboutDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QGuiApplication::setApplicationDisplayName(u"Meshscope"_s);
        QCoreApplication::setApplicationVersion(QStringLiteral(MESHSCOPE_VERSION));
    }

    void showsNameVersionAndLibraries()
    {
        AboutDialog dialog;
        QVERIFY(dialog.windowTitle().contains(u"Meshscope"_s));
        QStringList texts;
        const auto labels = dialog.findChildren<QLabel*>();
        for (const QLabel* label : labels)
            texts += label->text();
        const QString all = texts.join(u'\n');
        QVERIFY2(all.contains(u"Meshscope "_s + QStringLiteral(MESHSCOPE_VERSION)), qPrintable(all));
        const QString versions = dialog.versionsLabel()->text();
        QVERIFY2(versions.contains(QString::fromLatin1(qVersion())), qPrintable(versions));
        QVERIFY2(versions.contains(QString::fromLatin1(rd_kafka_version_str())), qPrintable(versions));
        QVERIFY2(versions.contains(u"yaml-cpp"_s), qPrintable(versions));
        QVERIFY2(all.contains(u"Apache License 2.0"_s), qPrintable(all));
        QVERIFY2(all.contains(u"https://github.com/meshscope/meshscope"_s), qPrintable(all));
    }

    void copiesDetailsForABugReport()
    {
        AboutDialog dialog;
        QGuiApplication::clipboard()->clear();
        QTest::mouseClick(dialog.copyButton(), Qt::LeftButton);
        const QString copied = QGuiApplication::clipboard()->text();
        QCOMPARE(copied, AboutDialog::details());
        const QStringList lines = copied.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0), u"Meshscope "_s + QStringLiteral(MESHSCOPE_VERSION));
        QVERIFY2(lines.contains(u"Qt: "_s + QString::fromLatin1(qVersion())), qPrintable(copied));
        QVERIFY2(lines.contains(u"librdkafka: "_s + QString::fromLatin1(rd_kafka_version_str())), qPrintable(copied));
        QVERIFY2(lines.contains(u"yaml-cpp: 0.7.0"_s), qPrintable(copied));
        QVERIFY2(lines.last().startsWith(u"Platform: "_s), qPrintable(copied));
        QVERIFY2(lines.last().contains(u"offscreen"_s), qPrintable(copied));
    }

    void closes()
    {
        AboutDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }
};

QTEST_MAIN(TestAboutDialog)
#include "tst_aboutdialog.moc"
