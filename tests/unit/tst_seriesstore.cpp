// SPDX-License-Identifier: Apache-2.0
#include "seriesstore.h"

#include <QSignalSpy>
#include <QTest>

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

QTEST_GUILESS_MAIN(TestSeriesStore)
#include "tst_seriesstore.moc"
