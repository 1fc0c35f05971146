// SPDX-License-Identifier: Apache-2.0
#include "seriesstore.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

class TestSeriesStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void appendAndRead();
    void bounded();
    void ordering_data();
    void ordering();
    void since_data();
    void since();
    void batchSignalsOnce();
    void removeAndClear();
    void rangeFromRaw_data();
    void rangeFromRaw();
    void rangeKeepsExtremes();
    void rangeLevel_data();
    void rangeLevel();
    void bucketOrder_data();
    void bucketOrder();
    void gaps();
    void gapInBuckets();
    void bucketsBounded();
};

namespace {
QList<double> xs(const QList<QPointF>& points)
{
    QList<double> result;
    for (const auto& point : points)
        result.append(point.x());
    return result;
}
} // namespace

void TestSeriesStore::appendAndRead()
{
    SeriesStore store;
    QCOMPARE(store.capacity(), SeriesStore::defaultCapacity);
    QSignalSpy spy(&store, &SeriesStore::updated);
    QVERIFY(!store.last(u"backlog/a"_s));
    QVERIFY(store.points(u"backlog/a"_s).isEmpty());

    store.append(u"backlog/a"_s, 1000, 5);
    store.append(u"backlog/a"_s, 2000, 7);
    store.append(u"replicas/b"_s, 1500, 1);
    QCOMPARE(spy.size(), 3);
    QCOMPARE(store.seriesIds(), (QStringList { u"backlog/a"_s, u"replicas/b"_s }));
    QCOMPARE(store.points(u"backlog/a"_s), (QList<QPointF> { { 1000, 5 }, { 2000, 7 } }));
    QCOMPARE(store.last(u"backlog/a"_s), std::optional<double>(7));
    QCOMPARE(store.last(u"replicas/b"_s), std::optional<double>(1));
    QCOMPARE(store.size(u"backlog/a"_s), 2);
}

void TestSeriesStore::bounded()
{
    SeriesStore store(100);
    for (int i = 0; i < 1000; ++i)
        store.append(u"s"_s, i * 1000, i);
    QCOMPARE(store.size(u"s"_s), 100);
    const auto points = store.points(u"s"_s);
    QCOMPARE(points.size(), 100);
    // The oldest points went, in order.
    QCOMPARE(points.constFirst(), QPointF(900000, 900));
    QCOMPARE(points.constLast(), QPointF(999000, 999));
    for (qsizetype i = 1; i < points.size(); ++i)
        QVERIFY(points[i - 1].x() < points[i].x());
    QCOMPARE(store.last(u"s"_s), std::optional<double>(999));
}

void TestSeriesStore::ordering_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<QList<qint64>>("timestamps");
    QTest::addColumn<QList<double>>("expected");

    QTest::addRow("in order") << 10 << QList<qint64> { 1, 2, 3 } << QList<double> { 1, 2, 3 };
    QTest::addRow("late sample slotted in") << 10 << QList<qint64> { 1, 3, 2 } << QList<double> { 1, 2, 3 };
    QTest::addRow("late sample first") << 10 << QList<qint64> { 5, 6, 1 } << QList<double> { 1, 5, 6 };
    QTest::addRow("equal timestamps keep arrival order")
        << 10 << QList<qint64> { 1, 2, 2 } << QList<double> { 1, 2, 2 };
    QTest::addRow("full, late sample evicts the oldest")
        << 3 << QList<qint64> { 1, 2, 4, 3 } << QList<double> { 2, 3, 4 };
    QTest::addRow("full, sample older than all dropped")
        << 3 << QList<qint64> { 2, 3, 4, 1 } << QList<double> { 2, 3, 4 };
    QTest::addRow("wraps around") << 3 << QList<qint64> { 1, 2, 3, 4, 5, 7, 6 } << QList<double> { 5, 6, 7 };
}

void TestSeriesStore::ordering()
{
    QFETCH(int, capacity);
    QFETCH(QList<qint64>, timestamps);
    QFETCH(QList<double>, expected);

    SeriesStore store(capacity);
    for (const auto timestamp : timestamps)
        store.append(u"s"_s, timestamp, static_cast<double>(timestamp) * 10);
    const auto points = store.points(u"s"_s);
    QCOMPARE(xs(points), expected);
    for (const auto& point : points)
        QCOMPARE(point.y(), point.x() * 10);
}

void TestSeriesStore::since_data()
{
    QTest::addColumn<qint64>("since");
    QTest::addColumn<QList<double>>("expected");

    QTest::addRow("everything") << qint64(0) << QList<double> { 10, 20, 30, 40 };
    QTest::addRow("inclusive") << qint64(20) << QList<double> { 20, 30, 40 };
    QTest::addRow("between points") << qint64(25) << QList<double> { 30, 40 };
    QTest::addRow("last only") << qint64(40) << QList<double> { 40 };
    QTest::addRow("after the last") << qint64(41) << QList<double> {};
}

void TestSeriesStore::since()
{
    QFETCH(qint64, since);
    QFETCH(QList<double>, expected);

    // Capacity 4 after six appends: the ring has wrapped, which the search must handle.
    SeriesStore store(4);
    for (const qint64 t : { -10, 0, 10, 20, 30, 40 })
        store.append(u"s"_s, t, 1);
    QCOMPARE(xs(store.points(u"s"_s, since)), expected);
}

void TestSeriesStore::batchSignalsOnce()
{
    SeriesStore store(5);
    QSignalSpy spy(&store, &SeriesStore::updated);
    QList<SeriesSample> batch;
    for (int i = 0; i < 20; ++i)
        batch.append({ u"s"_s % QString::number(i % 4), i, static_cast<double>(i) });
    store.appendBatch(batch);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(store.seriesIds().size(), 4);
    QCOMPARE(store.size(u"s0"_s), 5);
    QCOMPARE(store.last(u"s3"_s), std::optional<double>(19));

    store.appendBatch({});
    QCOMPARE(spy.size(), 1);
}

void TestSeriesStore::removeAndClear()
{
    SeriesStore store;
    store.append(u"a"_s, 1, 1);
    store.append(u"b"_s, 1, 1);
    QSignalSpy spy(&store, &SeriesStore::updated);
    store.removeSeries(u"a"_s);
    QCOMPARE(store.seriesIds(), QStringList { u"b"_s });
    store.removeSeries(u"missing"_s);
    QCOMPARE(spy.size(), 1);
    store.clear();
    QVERIFY(store.seriesIds().isEmpty());
    QCOMPARE(spy.size(), 2);
}

void TestSeriesStore::rangeFromRaw_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<int>("maxPoints");
    QTest::addColumn<QList<double>>("expected");

    // Few points come back as they are.
    QTest::addRow("under the limit") << QList<double> { 1, 2, 3 } << 10 << QList<double> { 1, 2, 3 };
    QTest::addRow("at the limit") << QList<double> { 1, 2, 3, 4 } << 4 << QList<double> { 1, 2, 3, 4 };
    // Groups of three: each yields its minimum and maximum in the order they happened.
    QTest::addRow("min then max") << QList<double> { 5, 1, 9, 2, 7, 3 } << 4 << QList<double> { 1, 9, 2, 7 };
    QTest::addRow("max then min") << QList<double> { 9, 5, 1, 7, 3, 2 } << 4 << QList<double> { 9, 1, 7, 2 };
    QTest::addRow("flat group yields one point") << QList<double> { 4, 4, 4, 4, 4, 4 } << 4 << QList<double> { 4, 4 };
    QTest::addRow("last group partial") << QList<double> { 1, 2, 3, 4, 5 } << 4 << QList<double> { 1, 3, 4, 5 };
    QTest::addRow("maxPoints below two means two") << QList<double> { 3, 1, 2 } << 0 << QList<double> { 3, 1 };
}

void TestSeriesStore::rangeFromRaw()
{
    QFETCH(QList<double>, values);
    QFETCH(int, maxPoints);
    QFETCH(QList<double>, expected);

    SeriesStore store;
    for (qsizetype i = 0; i < values.size(); ++i)
        store.append(u"s"_s, 1000 * (i + 1), values.at(i));
    QList<double> ys;
    const auto points = store.range(u"s"_s, 0, maxPoints);
    for (qsizetype i = 0; i < points.size(); ++i) {
        ys.append(points.at(i).y());
        if (i > 0)
            QVERIFY(points.at(i - 1).x() < points.at(i).x());
    }
    QCOMPARE(ys, expected);
}

// Whatever the reduction, a single spike in a long flat run survives.
void TestSeriesStore::rangeKeepsExtremes()
{
    SeriesStore store(5000);
    for (int i = 0; i < 5000; ++i)
        store.append(u"s"_s, i * 1000, i == 3333 ? 1000 : (i == 1234 ? -50 : 10));
    const auto points = store.range(u"s"_s, 0, 100);
    QVERIFY(points.size() <= 100);
    double low = 1e9;
    double high = -1e9;
    for (const auto& point : points) {
        low = std::min(low, point.y());
        high = std::max(high, point.y());
    }
    QCOMPARE(low, -50.0);
    QCOMPARE(high, 1000.0);
    QVERIFY(store.range(u"missing"_s, 0, 100).isEmpty());
}

void TestSeriesStore::rangeLevel_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<qint64>("expectedSpacing");

    // Six hours of 5-second samples into a ring of 360 raw points (30 minutes).
    QTest::addRow("5 minutes from raw points") << qint64(5 * 60'000) << qint64(5'000);
    QTest::addRow("1 hour from minute buckets") << qint64(3'600'000) << qint64(60'000);
    QTest::addRow("6 hours from five-minute buckets") << qint64(6 * 3'600'000) << qint64(300'000);
}

void TestSeriesStore::rangeLevel()
{
    QFETCH(qint64, span);
    QFETCH(qint64, expectedSpacing);

    SeriesStore store;
    const qint64 start = 1'700'000'000'000;
    const qint64 end = start + 6 * 3'600'000;
    for (qint64 t = start; t < end; t += 5000)
        store.append(u"s"_s, t, 7);
    // A constant series yields one point per raw point or bucket, so the spacing tells the level.
    const auto points = store.range(u"s"_s, end - span, 10'000);
    QVERIFY(points.size() >= 2);
    QCOMPARE(qint64(points.at(1).x() - points.at(0).x()), expectedSpacing);
    QVERIFY(points.constFirst().x() >= double(end - span - expectedSpacing));
    QCOMPARE(points.constLast().y(), 7.0);
}

void TestSeriesStore::bucketOrder_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<QList<double>>("expected");

    QTest::addRow("single value") << QList<double> { 3 } << QList<double> { 3 };
    QTest::addRow("rising") << QList<double> { 1, 2, 3 } << QList<double> { 1, 3 };
    QTest::addRow("falling") << QList<double> { 3, 2, 1 } << QList<double> { 3, 1 };
    QTest::addRow("peak then trough") << QList<double> { 5, 9, 4, 1, 6 } << QList<double> { 9, 1 };
    QTest::addRow("trough then peak") << QList<double> { 5, 1, 4, 9, 6 } << QList<double> { 1, 9 };
}

// Each minute bucket keeps its minimum and maximum in the order they happened.
void TestSeriesStore::bucketOrder()
{
    QFETCH(QList<double>, values);
    QFETCH(QList<double>, expected);

    SeriesStore store(2);
    const qint64 minute = 1'700'000'040'000; // a whole minute
    for (qsizetype i = 0; i < values.size(); ++i)
        store.append(u"s"_s, minute + 1000 * i, values.at(i));
    // Push the raw ring past the bucket, so range() reads the buckets.
    store.append(u"s"_s, minute + 60'000, 0);
    store.append(u"s"_s, minute + 61'000, 0);
    QList<double> ys;
    const auto points = store.range(u"s"_s, minute, 100);
    for (const auto& point : points) {
        if (point.x() < double(minute + 60'000))
            ys.append(point.y());
    }
    QCOMPARE(ys, expected);
}

void TestSeriesStore::gaps()
{
    SeriesStore store;
    QSignalSpy spy(&store, &SeriesStore::updated);
    store.markGap(u"unknown"_s, 1000);
    QCOMPARE(spy.size(), 0);
    QVERIFY(store.seriesIds().isEmpty());

    store.append(u"s"_s, 1000, 1);
    store.append(u"s"_s, 2000, 2);
    store.markGaps({ u"s"_s, u"unknown"_s }, 2500);
    QCOMPARE(spy.size(), 3);
    QCOMPARE(store.last(u"s"_s), std::nullopt);
    // A long outage gives one marker, however often it is reported.
    store.markGap(u"s"_s, 3000);
    store.markGap(u"s"_s, 4000);
    QCOMPARE(spy.size(), 3);
    store.append(u"s"_s, 5000, 5);
    QCOMPARE(store.last(u"s"_s), std::optional<double>(5));

    const auto points = store.range(u"s"_s, 0, 100);
    QCOMPARE(points.size(), 4);
    QCOMPARE(points.at(2).x(), 2500.0);
    QVERIFY(std::isnan(points.at(2).y()));
    QCOMPARE(points.at(3), QPointF(5000, 5));
    // points() leaves gaps out for callers that draw a plain line.
    QCOMPARE(xs(store.points(u"s"_s)), (QList<double> { 1000, 2000, 5000 }));
    QCOMPARE(store.size(u"s"_s), 4);
    // A reduced range keeps the break.
    SeriesStore many;
    for (int i = 0; i < 100; ++i)
        many.append(u"s"_s, i * 1000, i);
    many.markGap(u"s"_s, 100'000);
    for (int i = 200; i < 300; ++i)
        many.append(u"s"_s, i * 1000, i);
    const auto reduced = many.range(u"s"_s, 0, 20);
    QVERIFY(reduced.size() <= 23);
    QCOMPARE(std::count_if(reduced.cbegin(), reduced.cend(), [](const auto& p) { return std::isnan(p.y()); }), 1);
}

// An outage longer than a bucket leaves empty buckets: a gap at the coarse levels too, one marker per run.
void TestSeriesStore::gapInBuckets()
{
    SeriesStore store(10);
    const qint64 start = 1'700'000'040'000;
    for (int i = 0; i < 24; ++i)
        store.append(u"s"_s, start + i * 5000, 1); // minutes 0 and 1
    for (int i = 0; i < 24; ++i)
        store.append(u"s"_s, start + 5 * 60'000 + i * 5000, 2); // minutes 5 and 6
    const auto points = store.range(u"s"_s, start, 1000);
    QList<double> ys;
    for (const auto& point : points)
        ys.append(point.y());
    QCOMPARE(ys.size(), 5);
    QCOMPARE(ys.at(1), 1.0);
    QVERIFY(std::isnan(ys.at(2)));
    QCOMPARE(points.at(2).x(), double(start + 2 * 60'000));
    QCOMPARE(ys.at(3), 2.0);
}

// Days of samples: the buckets wrap and the oldest are forgotten; samples older than a whole ring are dropped.
void TestSeriesStore::bucketsBounded()
{
    SeriesStore store(10);
    const qint64 start = 1'700'000'100'000;
    const qint64 day = 24 * 3'600'000;
    for (qint64 t = start; t < start + 3 * day; t += 60'000)
        store.append(u"s"_s, t, double((t - start) / day));
    store.append(u"s"_s, start, 99); // two days too late for any level
    const qint64 end = start + 3 * day;
    const auto all = store.range(u"s"_s, 0, 100'000);
    QCOMPARE(all.size(), SeriesStore::fiveMinuteLevel.buckets);
    QVERIFY(all.constFirst().x() >= double(end - day - SeriesStore::fiveMinuteLevel.bucketMs));
    for (const auto& point : all)
        QCOMPARE(point.y(), 2.0);
    QCOMPARE(store.range(u"s"_s, end - 3'600'000, 100'000).size(), 60);
}

QTEST_GUILESS_MAIN(TestSeriesStore)
#include "tst_seriesstore.moc"
