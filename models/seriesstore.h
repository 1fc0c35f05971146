// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

struct SeriesSample {
    QString series;
    qint64 timestampMs = 0;
    double value = 0;
    friend bool operator==(const SeriesSample&, const SeriesSample&) = default;
};
Q_DECLARE_METATYPE(SeriesSample)

// A point of range(): x is the timestamp in ms since the epoch; y is NaN for a gap (the source was unreachable
// there, or nothing was recorded for a whole bucket), where a chart must break its line.
using SeriesPoint = QPointF;

// Time series of measurements (backlog per trigger, replicas per subscriber, ...). Memory stays bounded however
// long the console runs: each series keeps a ring of its latest raw points (the recent window) plus two rings of
// min/max buckets, one per minute for the last 2 hours and one per 5 minutes for the last 24 hours. range() serves
// a chart of any span from the finest level that covers it, downsampled so that every peak and trough stays
// visible. Lives on the GUI thread (monitors hand their snapshots over first).
class SeriesStore : public QObject {
    Q_OBJECT
public:
    // Raw points per series: 30 minutes of 5-second samples.
    static constexpr qsizetype defaultCapacity = 360;
    struct Level {
        qint64 bucketMs;
        qsizetype buckets;
    };
    static constexpr Level minuteLevel { 60'000, 120 };
    static constexpr Level fiveMinuteLevel { 300'000, 288 };

    explicit SeriesStore(QObject* parent = nullptr);
    explicit SeriesStore(qsizetype capacityPerSeries, QObject* parent = nullptr);

    qsizetype capacity() const { return m_capacity; }

    void append(const QString& series, qint64 timestampMs, double value);
    // One updated() for the whole batch.
    void appendBatch(const QList<SeriesSample>& samples);
    // The source of these series could not be measured from timestampMs on (a broker went away): range() shows a
    // gap there until the next sample. Unknown series are ignored. One updated() for the call.
    void markGap(const QString& series, qint64 timestampMs);
    void markGaps(const QStringList& series, qint64 timestampMs);

    // Raw points with timestamp >= sinceMs, oldest first, gaps left out (so old callers see a plain line).
    QList<QPointF> points(const QString& series, qint64 sinceMs = 0) const;
    // At most maxPoints points (plus up to three per gap) from sinceMs on, oldest first: the raw points when the
    // raw ring still reaches back to sinceMs, else the minute or five-minute buckets. When there are more than
    // maxPoints, consecutive points are merged into groups that each yield their minimum and maximum in time order.
    QList<SeriesPoint> range(const QString& series, qint64 sinceMs, int maxPoints) const;
    QStringList seriesIds() const;
    // The latest value; nullopt while the series is in a gap.
    std::optional<double> last(const QString& series) const;
    // Raw points held, gap markers included.
    qsizetype size(const QString& series) const;

    // For series whose object is gone, so ids do not pile up either.
    void removeSeries(const QString& series);
    void clear();

Q_SIGNALS:
    void updated();

private:
    // Fixed-capacity ring, oldest point at m_head.
    class Ring {
    public:
        explicit Ring(qsizetype capacity);
        void insert(QPointF point);
        qsizetype size() const { return m_size; }
        qsizetype capacity() const { return static_cast<qsizetype>(m_points.size()); }
        const QPointF& at(qsizetype index) const;
        // First logical index whose x >= x.
        qsizetype lowerBound(double x) const;

    private:
        QPointF& slot(qsizetype index);
        std::vector<QPointF> m_points;
        qsizetype m_head = 0;
        qsizetype m_size = 0;
    };

    // Buckets of a fixed width, addressed by bucket number (timestamp / width) modulo the ring size. Each keeps its
    // two extremes in the order they happened, as floats to halve the memory: first and second, whichever of them
    // is the minimum. An empty bucket holds NaN.
    class BucketRing {
    public:
        explicit BucketRing(Level level);
        void insert(qint64 timestampMs, double value);
        // Whether the buckets still hold everything recorded since sinceMs (nothing that recent was dropped).
        bool reaches(qint64 sinceMs) const;
        void appendPoints(qint64 sinceMs, QList<SeriesPoint>& out) const;

    private:
        struct Bucket {
            float first;
            float second;
        };
        Level m_level;
        std::vector<Bucket> m_buckets;
        qint64 m_newest; // bucket number of the newest bucket
        qint64 m_oldest; // bucket number of the first bucket with data, to not draw a gap before the start
    };

    struct Series {
        explicit Series(qsizetype capacity);
        Ring raw;
        BucketRing minutes;
        BucketRing fiveMinutes;
    };

    bool insert(const QString& series, qint64 timestampMs, double value);
    bool gap(const QString& series, qint64 timestampMs);

    qsizetype m_capacity;
    QHash<QString, Series> m_series;
};
