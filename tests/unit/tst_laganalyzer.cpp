// SPDX-License-Identifier: Apache-2.0
#include "laganalyzer.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const ObjectKey Trigger { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };

// One measurement of partition 0 per "seconds:end:committed" (committed "-" = none), with lag as the monitor
// computes it.
QList<std::pair<qint64, TriggerLag>> measurements(const QString& steps)
{
    QList<std::pair<qint64, TriggerLag>> result;
    const QStringList list = steps.split(u' ', Qt::SkipEmptyParts);
    for (const QString& step : list) {
        const QStringList parts = step.split(u':');
        PartitionLag partition;
        partition.endOffset = parts[1].toLongLong();
        partition.committed = parts[2] == u"-"_s ? -1 : parts[2].toLongLong();
        partition.lag = partition.committed >= 0 ? partition.endOffset - partition.committed : partition.endOffset;
        TriggerLag lag { Trigger, u"topic"_s, u"group"_s, { partition }, partition.lag, {} };
        result.append({ qint64(parts[0].toDouble() * 1000), lag });
    }
    return result;
}

TriggerHealth feed(LagAnalyzer& analyzer, const QString& steps)
{
    TriggerHealth health;
    for (const auto& [timestampMs, lag] : measurements(steps))
        health = analyzer.add(lag, timestampMs);
    return health;
}

// n measurements, every 5 s from `from`, of an end offset and a committed offset that grow by endStep and
// committedStep each time.
QString series(int n, qint64 end, qint64 endStep, qint64 committed, qint64 committedStep, int from = 0)
{
    QStringList steps;
    for (int i = 0; i < n; ++i)
        steps.append(u"%1:%2:%3"_s.arg(from + 5 * i).arg(end + i * endStep).arg(committed + i * committedStep));
    return steps.join(u' ');
}

} // namespace

class TestLagAnalyzer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statusNames()
    {
        QCOMPARE(lagStatusName(LagStatus::Ok), u"OK"_s);
        QCOMPARE(lagStatusName(LagStatus::Warn), u"WARN"_s);
        QCOMPARE(lagStatusName(LagStatus::Stop), u"STOP"_s);
        QCOMPARE(lagStatusName(LagStatus::Stall), u"STALL"_s);
        QCOMPARE(lagStatusName(LagStatus::Rewind), u"REWIND"_s);
    }

    void burrowRules_data()
    {
        QTest::addColumn<QString>("steps");
        QTest::addColumn<LagStatus>("status");
        QTest::addColumn<QString>("reason");

        QTest::addRow("caught up") << series(10, 100, 10, 100, 10) << LagStatus::Ok << u"caught up"_s;
        QTest::addRow("lag, window not full") << series(3, 100, 10, 50, 0) << LagStatus::Ok
                                              << u"partition 0: lag 70, collecting measurements (3 of 10)"_s;
        QTest::addRow("consuming with lag")
            << series(10, 1000, 10, 500, 12) << LagStatus::Ok << u"partition 0: lag 482, the group is consuming"_s;
        QTest::addRow("lag zero within the window") << (u"0:10:10 "_s + series(9, 20, 10, 10, 9, 5)) << LagStatus::Ok
                                                    << u"partition 0: lag 18, but it was zero within the last 45 s"_s;
        QTest::addRow("lag growing: WARN") << series(10, 100, 20, 50, 10) << LagStatus::Warn
                                           << u"partition 0: the lag grew from 50 to 140 over the last 45 s"_s;
        QTest::addRow("lag growing with a dip: OK")
            << u"0:100:50 5:110:52 10:120:54 15:130:56 20:140:58 25:150:100 30:160:102 35:170:104 40:180:106 45:190:108"_s
            << LagStatus::Ok << u"partition 0: lag 82, the group is consuming"_s;
        QTest::addRow("lag steady, offset moving: OK")
            << series(10, 100, 10, 50, 10) << LagStatus::Ok << u"partition 0: lag 50, the group is consuming"_s;
        QTest::addRow("stuck over the window: STALL")
            << series(10, 100, 10, 50, 0) << LagStatus::Stall
            << u"partition 0: the committed offset is stuck at 50 over the last 45 s while the lag is 140"_s;
        QTest::addRow("stuck, no new records: STALL")
            << series(10, 100, 0, 50, 0) << LagStatus::Stall
            << u"partition 0: the committed offset is stuck at 50 over the last 45 s while the lag is 50"_s;
        QTest::addRow("stuck for two windows: STOP")
            << series(19, 100, 0, 50, 0) << LagStatus::Stop
            << u"partition 0: the committed offset has not moved from 50 for 90 s (lag 50): the consumer looks stopped"_s;
        QTest::addRow("stuck after progress: STALL, then STOP")
            << (series(10, 100, 10, 60, 5) + u' ' + series(10, 200, 0, 105, 0, 50)) << LagStatus::Stall
            << u"partition 0: the committed offset is stuck at 105 over the last 45 s while the lag is 95"_s;
        QTest::addRow("stuck without lag: OK") << series(19, 100, 0, 100, 0) << LagStatus::Ok << u"caught up"_s;
        QTest::addRow("offset went back: REWIND")
            << u"0:100:90 5:110:95 10:120:40"_s << LagStatus::Rewind
            << u"partition 0: the committed offset went back from 95 to 40 (lag 80)"_s;
        QTest::addRow("rewound, then caught up: OK") << u"0:100:90 5:110:40 10:120:120 15:130:125"_s << LagStatus::Ok
                                                     << u"partition 0: lag 5, collecting measurements (4 of 10)"_s;
        QTest::addRow("rewind ahead of a stall")
            << (u"0:100:90 "_s + series(9, 100, 0, 20, 0, 5)) << LagStatus::Rewind
            << u"partition 0: the committed offset went back from 90 to 20 (lag 80)"_s;
        QTest::addRow("nothing committed")
            << u"0:100:- 5:110:-"_s << LagStatus::Ok
            << u"the group has committed no offsets: its lag of 110 counts every retained record"_s;
    }

    // The rules read as Burrow's, on a window of 10 measurements 5 s apart.
    void burrowRules()
    {
        QFETCH(QString, steps);
        QFETCH(LagStatus, status);
        QFETCH(QString, reason);
        LagAnalyzer analyzer;
        const TriggerHealth health = feed(analyzer, steps);
        QCOMPARE(lagStatusName(health.status), lagStatusName(status));
        QCOMPARE(health.reason, reason);
        QVERIFY(analyzer.health(Trigger));
        QCOMPARE(analyzer.health(Trigger)->reason, reason);
    }

    void rates_data()
    {
        QTest::addColumn<QString>("steps");
        QTest::addColumn<double>("produce");
        QTest::addColumn<double>("consume");

        QTest::addRow("steady") << u"0:100:50 5:150:70"_s << 10.0 << 4.0;
        QTest::addRow("over a gap of 10 s") << u"0:100:50 10:150:70"_s << 5.0 << 2.0;
        QTest::addRow("idle") << u"0:100:50 5:100:50"_s << 0.0 << 0.0;
        QTest::addRow("rewind consumes nothing") << u"0:100:50 5:100:10"_s << 0.0 << 0.0;
        QTest::addRow("first commit consumes nothing") << u"0:100:- 5:120:30"_s << 4.0 << 0.0;
        QTest::addRow("topic recreated") << u"0:100:50 5:20:10"_s << 0.0 << 0.0;
    }

    // Records per second between the last two measurements.
    void rates()
    {
        QFETCH(QString, steps);
        QFETCH(double, produce);
        QFETCH(double, consume);
        LagAnalyzer analyzer;
        const TriggerHealth health = feed(analyzer, steps);
        QVERIFY(health.produceRate && health.consumeRate);
        QCOMPARE(*health.produceRate, produce);
        QCOMPARE(*health.consumeRate, consume);
    }

    void firstMeasurementHasNoRates()
    {
        LagAnalyzer analyzer;
        const TriggerHealth health = feed(analyzer, u"0:100:50"_s);
        QVERIFY(!health.produceRate);
        QVERIFY(!health.consumeRate);
        QCOMPARE(health.totalLag, 50);
    }

    void timeLag_data()
    {
        QTest::addColumn<QString>("steps");
        QTest::addColumn<double>("seconds");
        QTest::addColumn<bool>("lowerBound");

        QTest::addRow("no lag") << u"0:100:100 5:110:110"_s << 0.0 << false;
        // The end offset was 130 half way between 10 s and 15 s.
        QTest::addRow("interpolated") << u"0:100:100 5:110:110 10:120:115 15:140:130 20:150:130"_s << 7.5 << false;
        // The end offset was exactly 110 at 5 s (and until 10 s, when the next record came).
        QTest::addRow("on a plateau") << u"0:100:100 5:110:105 10:110:110 15:130:110"_s << 5.0 << false;
        QTest::addRow("older than the history") << u"0:100:50 5:110:60 10:120:70"_s << 10.0 << true;
        QTest::addRow("stopped consumer") << u"0:100:100 5:200:100 10:300:100 15:400:100"_s << 15.0 << false;
    }

    // Seconds since the topic's end offset was the group's committed offset.
    void timeLag()
    {
        QFETCH(QString, steps);
        QFETCH(double, seconds);
        QFETCH(bool, lowerBound);
        LagAnalyzer analyzer;
        const TriggerHealth health = feed(analyzer, steps);
        QVERIFY(health.timeLagSeconds);
        QCOMPARE(*health.timeLagSeconds, seconds);
        QCOMPARE(health.timeLagIsLowerBound, lowerBound);
    }

    // Thinned history keeps the time lag close: one record a second for an hour, the group 30 minutes behind.
    void longHistoryIsBounded()
    {
        LagAnalyzer analyzer;
        TriggerHealth health;
        for (int i = 0; i <= 720; ++i) {
            const qint64 end = 5 * i;
            const qint64 committed = i < 360 ? end : 5 * 360 - 1;
            PartitionLag partition { 0, end, committed, end - committed };
            health = analyzer.add({ Trigger, u"t"_s, u"g"_s, { partition }, partition.lag, {} }, qint64(i) * 5000);
        }
        QVERIFY(health.timeLagSeconds);
        QVERIFY2(
            std::abs(*health.timeLagSeconds - 1800.0) <= 30.0, qPrintable(QString::number(*health.timeLagSeconds)));
        QCOMPARE(lagStatusName(health.status), u"STOP"_s);
    }

    // The worst partition decides; the one with the largest lag among equals.
    void worstPartitionDecides()
    {
        LagAnalyzer analyzer;
        TriggerHealth health;
        for (int i = 0; i < 10; ++i) {
            const PartitionLag consuming { 0, 100 + 10 * i, 50 + 10 * i, 50 };
            const PartitionLag stuck { 1, 100 + 10 * i, 80, 20 + 10 * i };
            const PartitionLag caughtUp { 2, 100, 100, 0 };
            health = analyzer.add(
                { Trigger, u"t"_s, u"g"_s, { consuming, stuck, caughtUp }, 70 + 10 * i, {} }, qint64(i) * 5000);
        }
        QCOMPARE(lagStatusName(health.status), u"STALL"_s);
        QCOMPARE(health.partition, 1);
        QCOMPARE(health.totalLag, 160);
        QVERIFY(health.reason.startsWith(u"partition 1: "_s));
    }

    void errorsLeaveAGapAndChangesReset()
    {
        LagAnalyzer analyzer;
        feed(analyzer, u"0:100:50 5:150:70"_s);
        TriggerLag failed { Trigger, u"topic"_s, u"group"_s, {}, 0, u"timed out"_s };
        QCOMPARE(analyzer.add(failed, 10'000).totalLag, 80);
        // The next good measurement rates over the gap.
        const auto [timestampMs, lag] = measurements(u"15:250:170"_s).first();
        const TriggerHealth health = analyzer.add(lag, timestampMs);
        QCOMPARE(*health.produceRate, 10.0);
        QCOMPARE(*health.consumeRate, 10.0);
        // A different group is a different consumer: nothing carries over.
        TriggerLag other = lag;
        other.group = u"other"_s;
        QVERIFY(!analyzer.add(other, 20'000).produceRate);
        // Measurements out of order change nothing.
        QCOMPARE(analyzer.add(other, 1000).timestampMs, 20'000);
        analyzer.retain({});
        QCOMPARE(analyzer.size(), 0);
        QVERIFY(!analyzer.health(Trigger));
    }
};

QTEST_GUILESS_MAIN(TestLagAnalyzer)
#include "tst_laganalyzer.moc"
