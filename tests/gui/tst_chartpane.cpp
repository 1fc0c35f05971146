// SPDX-License-Identifier: Apache-2.0
// The chart pane over a SeriesStore filled by hand: the downsampling rules on their own (extremes kept, gaps
// broken, steps), then the pane as a user meets it: a day of samples drawn at the plot's width, a gap, pause and
// resume while measurements go on, the detail chart of a trigger and of a subscriber, tooltips, CSV and PNG.
#include "chartpane.h"
#include "manifestparser.h"
#include "meshsession.h"
#include "objectstore.h"
#include "qtchartsink.h"
#include "seriesdownsampler.h"
#include "seriesstore.h"
#include "topologygraph.h"

#include <QDateTime>
#include <QImage>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
const QString trigger = u"eventing.knative.dev/Trigger/shop/orders"_s;
const QString otherTrigger = u"eventing.knative.dev/Trigger/shop/refunds"_s;
const QString subscriber = u"serving.knative.dev/Service/shop/worker"_s;
constexpr qint64 interval = 5000;
constexpr double missing = std::numeric_limits<double>::quiet_NaN();

// A deterministic wiggle with the odd spike, so buckets have distinct minima and maxima.
double valueAt(int i) { return 100 + 40 * std::sin(i * 0.37) + (i % 97 == 0 ? 500 : 0) + (i % 13) * 0.5; }

QList<QPointF> samples(qint64 fromMs, int count)
{
    QList<QPointF> points;
    for (int i = 0; i < count; ++i)
        points.append(QPointF(double(fromMs + i * interval), valueAt(i)));
    return points;
}

qsizetype breaks(const QList<QPointF>& points)
{
    return std::count_if(points.cbegin(), points.cend(), SeriesDownsampler::isBreak);
}

// Now, rounded down to a whole sampling interval, so tests see the same columns however the clock falls.
qint64 now() { return QDateTime::currentMSecsSinceEpoch() / interval * interval; }

KnativeObjectPtr parse(const QJsonObject& json)
{
    auto parsed = ManifestParser::fromJson(json, u"test"_s);
    Q_ASSERT(parsed);
    return parsed;
}

KnativeObjectPtr triggerObject(const QString& name)
{
    const QJsonObject ref { { u"apiVersion"_s, u"serving.knative.dev/v1"_s }, { u"kind"_s, u"Service"_s },
        { u"name"_s, u"worker"_s } };
    return parse({ { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Trigger"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, name }, { u"namespace"_s, u"shop"_s } } },
        { u"spec"_s,
            QJsonObject { { u"broker"_s, u"default"_s }, { u"subscriber"_s, QJsonObject { { u"ref"_s, ref } } } } } });
}

KnativeObjectPtr serviceObject()
{
    return parse({ { u"apiVersion"_s, u"serving.knative.dev/v1"_s }, { u"kind"_s, u"Service"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, u"worker"_s }, { u"namespace"_s, u"shop"_s } } } });
}
} // namespace

class TestChartPane : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void downsamplingKeepsExtremes_data();
    void downsamplingKeepsExtremes();
    void downsamplingKeepsASpike();
    void gapsBecomeBreaks_data();
    void gapsBecomeBreaks();
    void stepsHoldTheValue();
    void dayRangeDrawsAboutThePlotWidth();
    void dayRangeBeyondTheRawSamples();
    void gapIsDrawnAsABreak_data();
    void gapIsDrawnAsABreak();
    void pauseFreezesAndResumeCatchesUp();
    void refreshesOnlyWhileVisible();
    void triggerChartHasItsSubscriber();
    void subscriberChartHasItsTriggers();
    void toolTipShowsEachValue();
    void exportsCsv();
    void exportsPng();
};

void TestChartPane::downsamplingKeepsExtremes_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("buckets");
    QTest::addRow("fewer samples than columns") << 50 << 200;
    QTest::addRow("a few per column") << 1000 << 300;
    QTest::addRow("a day at 5 s into 1000 columns") << 17280 << 1000;
    QTest::addRow("one column") << 500 << 1;
}

void TestChartPane::downsamplingKeepsExtremes()
{
    QFETCH(int, count);
    QFETCH(int, buckets);
    const qint64 from = 1'700'000'000'000;
    const auto points = samples(from, count);
    const double to = double(from + count * interval);
    const auto drawn = SeriesDownsampler::minMax(points, double(from), to, buckets, 0);
    QVERIFY(drawn.size() <= 2 * (buckets + 1));
    QCOMPARE(breaks(drawn), 0);
    for (qsizetype i = 1; i < drawn.size(); ++i)
        QVERIFY(drawn.at(i - 1).x() < drawn.at(i).x());

    // Every column's lowest and highest sample is drawn, exactly.
    const double width = (to - double(from)) / buckets;
    QHash<qint64, std::pair<QPointF, QPointF>> extremes;
    for (const auto& point : points) {
        const auto column = qint64(std::floor(point.x() / width));
        auto it = extremes.find(column);
        if (it == extremes.end()) {
            extremes.insert(column, { point, point });
            continue;
        }
        if (point.y() < it->first.y())
            it->first = point;
        if (point.y() > it->second.y())
            it->second = point;
    }
    for (const auto& [low, high] : std::as_const(extremes)) {
        QVERIFY(drawn.contains(low));
        QVERIFY(drawn.contains(high));
    }
}

void TestChartPane::downsamplingKeepsASpike()
{
    const qint64 from = 1'700'000'000'000;
    auto points = samples(from, 17280);
    for (auto& point : points)
        point.setY(10);
    points[9001].setY(5000);
    const auto drawn = SeriesDownsampler::minMax(points, double(from), double(from + 17280 * interval), 1000, 0);
    QVERIFY(drawn.contains(points.at(9001)));
}

void TestChartPane::gapsBecomeBreaks_data()
{
    QTest::addColumn<QList<QPointF>>("points");
    QTest::addColumn<int>("expectedBreaks");
    const QList<QPointF> steady { { 0, 1 }, { 5000, 2 }, { 10000, 3 }, { 15000, 4 } };
    QTest::addRow("steady") << steady << 0;
    QTest::addRow("a late sample within 3 intervals")
        << QList<QPointF> { { 0, 1 }, { 5000, 2 }, { 19000, 3 }, { 24000, 4 } } << 0;
    QTest::addRow("a silence of 4 intervals")
        << QList<QPointF> { { 0, 1 }, { 5000, 2 }, { 25000, 3 }, { 30000, 4 } } << 1;
    QTest::addRow("a NaN sample") << QList<QPointF> { { 0, 1 }, { 5000, missing }, { 10000, 3 }, { 15000, 4 } } << 1;
    QTest::addRow("NaN twice and a silence")
        << QList<QPointF> { { 0, 1 }, { 5000, missing }, { 10000, missing }, { 15000, 4 }, { 60000, 5 } } << 2;
    QTest::addRow("NaN at the ends") << QList<QPointF> { { 0, missing }, { 5000, 2 }, { 10000, 3 }, { 15000, missing } }
                                     << 0;
}

void TestChartPane::gapsBecomeBreaks()
{
    QFETCH(QList<QPointF>, points);
    QFETCH(int, expectedBreaks);
    // Many more columns than samples: every sample is drawn, so only the gaps decide.
    const auto drawn = SeriesDownsampler::minMax(points, 0, 60000, 1000, 3 * interval);
    QCOMPARE(breaks(drawn), expectedBreaks);
    QCOMPARE(SeriesDownsampler::splitAtBreaks(drawn).size(), expectedBreaks + 1);
    // Breaks carry a time inside the gap, so the drawn list stays in time order for lookups.
    for (qsizetype i = 1; i < drawn.size(); ++i)
        QVERIFY(drawn.at(i - 1).x() <= drawn.at(i).x());
}

void TestChartPane::stepsHoldTheValue()
{
    const QList<QPointF> points { { 0, 1 }, { 10, 1 }, { 20, 3 }, { 30, missing }, { 40, 2 }, { 50, 5 } };
    const QList<QPointF> steps = SeriesDownsampler::toSteps(points);
    QCOMPARE(steps.size(), 8);
    QCOMPARE(steps.at(2), QPointF(20, 1));
    QCOMPARE(steps.at(3), QPointF(20, 3));
    QVERIFY(SeriesDownsampler::isBreak(steps.at(4)));
    QCOMPARE(steps.at(5), QPointF(40, 2));
    QCOMPARE(steps.at(6), QPointF(50, 2));
    QCOMPARE(steps.at(7), QPointF(50, 5));
}

void TestChartPane::dayRangeDrawsAboutThePlotWidth()
{
    SeriesStore store(20000);
    const qint64 end = now();
    const auto day = samples(end - 17279 * interval, 17280);
    QList<SeriesSample> batch;
    for (const auto& point : day)
        batch.append({ u"backlog/"_s % trigger, qint64(point.x()), point.y() });
    store.appendBatch(batch);
    QCOMPARE(store.size(u"backlog/"_s % trigger), 17280);

    ChartPane pane(&store);
    pane.resize(1400, 900);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setRange(ChartPane::Range::OneDay);
    pane.setFocusObject(trigger);
    // The first draw may have guessed the width before the layout; the next one uses the plot's.
    QTRY_VERIFY(pane.detailChart()->plotWidth() > 500);
    store.append(u"backlog/"_s % trigger, end + interval, 1);
    pane.refresh();

    const int width = pane.detailChart()->plotWidth();
    const qsizetype drawn = pane.detailChart()->pointCount();
    QVERIFY2(drawn <= 2 * width, qPrintable(u"%1 points for %2 pixels"_s.arg(drawn).arg(width)));
    QVERIFY2(drawn >= width / 2, qPrintable(u"%1 points for %2 pixels"_s.arg(drawn).arg(width)));
    const auto points = pane.detailChart()->seriesPoints(u"backlog/"_s % trigger);
    // The spikes survive: the highest drawn value is the highest recorded one.
    const auto highest = std::max_element(
        points.cbegin(), points.cend(), [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); });
    const auto recorded
        = std::max_element(day.cbegin(), day.cend(), [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); });
    QCOMPARE(highest->y(), recorded->y());
    // The overview of the busiest triggers is drawn at its own width too.
    QVERIFY(pane.backlogChart()->pointCount() <= 2 * pane.backlogChart()->plotWidth());
    QVERIFY(pane.backlogChart()->pointCount() > 0);
}

void TestChartPane::dayRangeBeyondTheRawSamples()
{
    // The store keeps raw samples for a while only; older ones the chart draws from its per-minute and
    // per-5-minute extremes.
    SeriesStore store;
    const qint64 end = now();
    const auto day = samples(end - 17279 * interval, 17280);
    QList<SeriesSample> batch;
    for (const auto& point : day)
        batch.append({ u"backlog/"_s % trigger, qint64(point.x()), point.y() });
    store.appendBatch(batch);
    QVERIFY(store.size(u"backlog/"_s % trigger) < 17280);

    ChartPane pane(&store);
    pane.resize(1400, 900);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setRange(ChartPane::Range::OneDay);
    pane.setFocusObject(trigger);
    const auto points = pane.detailChart()->seriesPoints(u"backlog/"_s % trigger);
    QVERIFY(!points.isEmpty());
    QVERIFY(points.constFirst().x() < double(end - 23 * 60 * 60 * 1000));
    QVERIFY(pane.detailChart()->pointCount() <= 2 * std::max(pane.detailChart()->plotWidth(), 1400));
    QCOMPARE(breaks(points), 0);
}

void TestChartPane::gapIsDrawnAsABreak_data()
{
    QTest::addColumn<int>("cause");
    QTest::addRow("missing samples") << 0;
    QTest::addRow("a NaN value") << 1;
    QTest::addRow("a gap marked by the store") << 2;
}

void TestChartPane::gapIsDrawnAsABreak()
{
    QFETCH(int, cause);
    SeriesStore store;
    const QString id = u"backlog/"_s % trigger;
    const qint64 end = now();
    for (qint64 t = end - 200 * 1000; t <= end; t += interval) {
        // The broker restarted: a minute without measurements, or one measurement that failed.
        const bool inGap = t > end - 120 * 1000 && t < end - 60 * 1000;
        if (!inGap)
            store.append(id, t, 10);
        else if (cause == 1 && t == end - 100 * 1000)
            store.append(id, t, missing);
        else if (cause == 2 && t == end - 100 * 1000)
            store.markGap(id, t);
    }
    ChartPane pane(&store);
    pane.resize(1200, 800);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(trigger);

    const auto points = pane.detailChart()->seriesPoints(id);
    QCOMPARE(breaks(points), 1);
    auto* sink = static_cast<QtChartSink*>(pane.detailChart());
    QCOMPARE(sink->runCount(id), 2);
    // Hovering the gap says so; either side shows the value.
    QVERIFY(sink->toolTipAt(end - 90 * 1000).contains(u"no data"_s));
    QVERIFY(sink->toolTipAt(end - 150 * 1000).contains(u"backlog: 10"_s));
}

void TestChartPane::pauseFreezesAndResumeCatchesUp()
{
    SeriesStore store;
    const QString id = u"backlog/"_s % trigger;
    // The last sample is the latest moment, so the ones recorded during the pause do not come after a gap.
    const qint64 start = now() - 9 * interval;
    for (int i = 0; i < 10; ++i)
        store.append(id, start + i * interval, i);
    ChartPane pane(&store);
    pane.resize(1200, 800);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(trigger);
    QCOMPARE(pane.detailChart()->seriesPoints(id).size(), 10);

    pane.pauseAction()->trigger();
    QVERIFY(pane.isPaused());
    const auto frozen = pane.detailChart()->seriesPoints(id);
    const qint64 frozenTo = pane.windowToMs();
    // Measurements go on after the moment of pausing; the view keeps that moment through refreshes and a change of
    // range.
    store.append(id, frozenTo + 1, 42);
    QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > frozenTo + 1);
    pane.refresh();
    QCOMPARE(pane.detailChart()->seriesPoints(id), frozen);
    pane.setRange(ChartPane::Range::OneHour);
    QCOMPARE(pane.windowToMs(), frozenTo);
    QCOMPARE(pane.detailChart()->seriesPoints(id), frozen);
    QCOMPARE(store.size(id), 11);

    pane.pauseAction()->trigger();
    QVERIFY(!pane.isPaused());
    const auto resumed = pane.detailChart()->seriesPoints(id);
    QCOMPARE(resumed.size(), 11);
    QCOMPARE(resumed.constLast().y(), 42.0);
    QVERIFY(pane.windowToMs() >= frozenTo);
}

void TestChartPane::refreshesOnlyWhileVisible()
{
    SeriesStore store;
    const QString id = u"backlog/"_s % trigger;
    store.append(id, now() - interval, 1);
    ChartPane pane(&store);
    pane.resize(1000, 700);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QTRY_COMPARE(pane.backlogChart()->seriesPoints(id).size(), 1);
    pane.hide();
    store.append(id, now(), 2);
    // The refresh timer fires every refreshIntervalMs while shown; hidden, nothing is redrawn.
    QTest::qWait(3 * ChartPane::refreshIntervalMs);
    QCOMPARE(pane.backlogChart()->seriesPoints(id).size(), 1);
    pane.show();
    QTRY_COMPARE(pane.backlogChart()->seriesPoints(id).size(), 2);
}

void TestChartPane::triggerChartHasItsSubscriber()
{
    MeshSession session;
    session.store()->replaceOrigin(u"test"_s, { triggerObject(u"orders"_s), serviceObject() });
    QTRY_VERIFY(session.graph()->node(trigger) && session.graph()->node(subscriber));
    auto* store = session.series();
    const qint64 t = now();
    for (const auto& prefix : { u"backlog/"_s, u"produce/"_s, u"consume/"_s, u"timelag/"_s })
        store->append(prefix % trigger, t, 5);
    for (const auto& prefix : { u"replicas/"_s, u"desired/"_s, u"keda/"_s })
        store->append(prefix % subscriber, t, 2);

    ChartPane pane(store, session.graph());
    pane.resize(1200, 800);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(trigger);
    QCOMPARE(pane.shownObject(), trigger);
    QCOMPARE(pane.detailChart()->seriesIds(),
        QStringList({ u"backlog/"_s % trigger, u"produce/"_s % trigger, u"consume/"_s % trigger,
            u"replicas/"_s % subscriber, u"desired/"_s % subscriber, u"keda/"_s % subscriber }));
    QVERIFY(pane.detailChart()->title().contains(u"shop/worker"_s));
    // The overview shows the busiest triggers and, below, their subscribers.
    QCOMPARE(pane.backlogChart()->seriesIds(), QStringList(u"backlog/"_s % trigger));
    QVERIFY(pane.replicaChart()->seriesIds().contains(u"replicas/"_s % subscriber));
    QVERIFY(pane.replicaChart()->pointCount() >= 3);
}

void TestChartPane::subscriberChartHasItsTriggers()
{
    MeshSession session;
    session.store()->replaceOrigin(
        u"test"_s, { triggerObject(u"orders"_s), triggerObject(u"refunds"_s), serviceObject() });
    QTRY_VERIFY(session.graph()->node(otherTrigger) && session.graph()->node(subscriber));
    auto* store = session.series();
    const qint64 t = now();
    for (const auto& key : { trigger, otherTrigger }) {
        store->append(u"backlog/"_s % key, t, 5);
        store->append(u"consume/"_s % key, t, 1);
    }
    store->append(u"replicas/"_s % subscriber, t, 3);

    ChartPane pane(store, session.graph());
    pane.resize(1200, 800);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(subscriber);
    const auto ids = pane.detailChart()->seriesIds();
    QCOMPARE(ids.size(), 5);
    for (const auto& key : { trigger, otherTrigger }) {
        QVERIFY(ids.contains(u"backlog/"_s % key));
        QVERIFY(ids.contains(u"consume/"_s % key));
    }
    QVERIFY(ids.contains(u"replicas/"_s % subscriber));
    QVERIFY(pane.detailChart()->seriesLabel(u"backlog/"_s % otherTrigger).contains(u"refunds"_s));

    // Without a focus the detail chart follows the busiest trigger.
    store->append(u"backlog/"_s % otherTrigger, t + interval, 50);
    pane.setFocusObject({});
    QCOMPARE(pane.shownObject(), otherTrigger);
}

void TestChartPane::toolTipShowsEachValue()
{
    SeriesStore store;
    const qint64 t = now() - 30 * 1000;
    for (int i = 0; i < 4; ++i) {
        store.append(u"backlog/"_s % trigger, t + i * interval, 10 * i);
        store.append(u"consume/"_s % trigger, t + i * interval, 1.25 * i);
    }
    ChartPane pane(&store);
    pane.resize(1200, 800);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(trigger);
    const auto text = pane.detailChart()->toolTipAt(t + 2 * interval + 1000);
    QVERIFY2(text.contains(QDateTime::fromMSecsSinceEpoch(t + 2 * interval + 1000).toString(u"HH:mm:ss"_s)),
        qPrintable(text));
    QVERIFY2(text.contains(u"backlog: 20"_s), qPrintable(text));
    QVERIFY2(text.contains(u"consumed/s: 2.50"_s), qPrintable(text));
}

void TestChartPane::exportsCsv()
{
    SeriesStore store;
    const qint64 t = now() - 60 * 1000;
    store.append(u"backlog/"_s % trigger, t, 3);
    store.append(u"backlog/"_s % trigger, t + interval, 4);
    store.append(u"consume/"_s % trigger, t + interval, 1.5);
    store.append(u"backlog/"_s % otherTrigger, t, 1);
    ChartPane pane(&store);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(trigger);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"chart.csv"_s);
    QVERIFY(pane.exportCsv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const auto lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    const auto iso = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs); };
    QCOMPARE(lines,
        QStringList({ u"time,backlog/"_s % trigger % u",consume/"_s % trigger, iso(t) % u",3,"_s,
            iso(t + interval) % u",4,1.5"_s }));
    static const QRegularExpression utc(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s);
    QVERIFY2(utc.match(lines.at(1).section(u',', 0, 0)).hasMatch(), qPrintable(lines.at(1)));
}

void TestChartPane::exportsPng()
{
    SeriesStore store;
    store.append(u"backlog/"_s % trigger, now() - interval, 3);
    store.append(u"backlog/"_s % trigger, now(), 4);
    ChartPane pane(&store);
    pane.resize(1000, 700);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setFocusObject(trigger);

    QTemporaryDir dir;
    const QString path = dir.filePath(u"chart.png"_s);
    QVERIFY(pane.exportPng(path));
    QVERIFY(QFileInfo(path).size() > 0);
    QImage image(path);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 2 * pane.detailChart()->widget()->width());
}

QTEST_MAIN(TestChartPane)
#include "tst_chartpane.moc"
