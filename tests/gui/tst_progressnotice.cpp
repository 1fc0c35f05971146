// SPDX-License-Identifier: Apache-2.0
// The busy notice shows only for work still running after half a second, and its Cancel asks to cancel.
#include "progressnotice.h"

#include <QElapsedTimer>
#include <QToolButton>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestProgressNotice : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quickWorkNeverShows();
    void slowWorkShowsAfterTheDelay();
    void cancel();
};

void TestProgressNotice::quickWorkNeverShows()
{
    QWidget host;
    auto* notice = new ProgressNotice(&host);
    host.show();
    notice->start(u"Exporting…"_s);
    QVERIFY(notice->isRunning());
    QVERIFY(!notice->isVisible());
    notice->finish();
    QTest::qWait(ProgressNotice::delayMs + 200);
    QVERIFY(!notice->isVisible());
}

void TestProgressNotice::slowWorkShowsAfterTheDelay()
{
    QWidget host;
    auto* notice = new ProgressNotice(&host);
    host.show();
    QElapsedTimer timer;
    timer.start();
    notice->start(u"Connecting to kind-dev…"_s, u"Cancel"_s);
    QTRY_VERIFY(notice->isVisible());
    QVERIFY(timer.elapsed() >= ProgressNotice::delayMs - 20);
    QCOMPARE(notice->text(), u"Connecting to kind-dev…"_s);
    QVERIFY(notice->cancelButton()->isVisible());
    notice->setText(u"Syncing 3 of 9 kinds…"_s);
    QCOMPARE(notice->text(), u"Syncing 3 of 9 kinds…"_s);
    notice->finish();
    QVERIFY(!notice->isVisible());
    QVERIFY(!notice->isRunning());
}

void TestProgressNotice::cancel()
{
    QWidget host;
    auto* notice = new ProgressNotice(&host);
    host.show();
    QSignalSpy cancelled(notice, &ProgressNotice::cancelRequested);
    notice->start(u"Connecting…"_s, u"Cancel"_s);
    QTRY_VERIFY(notice->isVisible());
    QTest::mouseClick(notice->cancelButton(), Qt::LeftButton);
    QCOMPARE(cancelled.size(), 1);
    // Without a cancel text there is nothing to click.
    notice->start(u"Exporting…"_s);
    QVERIFY(!notice->cancelButton()->isVisibleTo(notice));
}

QTEST_MAIN(TestProgressNotice)

#include "tst_progressnotice.moc"
