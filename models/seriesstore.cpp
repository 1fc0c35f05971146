// SPDX-License-Identifier: Apache-2.0
#include "seriesstore.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

constexpr qint64 noBucket = std::numeric_limits<qint64>::min();
constexpr double gapValue = std::numeric_limits<double>::quiet_NaN();

qint64 floorDiv(qint64 value, qint64 divisor)
{
    const qint64 quotient = value / divisor;
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

bool isGap(const QPointF& point) { return std::isnan(point.y()); }

// Appends a gap marker unless the list is empty or already ends in one: a chart needs one break, not many.
void appendGap(QList<SeriesPoint>& out, double x)
{
    if (!out.isEmpty() && !isGap(out.constLast()))
        out.append(SeriesPoint(x, gapValue));
}

// Merges runs of points into groups that yield their minimum and maximum in time order. Gap markers end a group
// and are kept, so a chart still breaks its line there.
QList<SeriesPoint> downsample(const QList<SeriesPoint>& points, int maxPoints)
{
    maxPoints = std::max(maxPoints, 2);
    if (points.size() <= maxPoints)
        return points;
    const auto values = std::count_if(points.cbegin(), points.cend(), [](const auto& p) { return !isGap(p); });
    const qsizetype groups = maxPoints / 2;
    const qsizetype groupSize = (values + groups - 1) / groups;
    QList<SeriesPoint> out;
    out.reserve(maxPoints + 8);
    qsizetype count = 0;
    qsizetype minIndex = 0;
    qsizetype maxIndex = 0;
    const auto flush = [&]() {
        if (count == 0)
            return;
        const qsizetype first = std::min(minIndex, maxIndex);
        const qsizetype second = std::max(minIndex, maxIndex);
        out.append(points.at(first));
        if (second != first)
            out.append(points.at(second));
        count = 0;
    };
    for (qsizetype i = 0; i < points.size(); ++i) {
        const auto& point = points.at(i);
        if (isGap(point)) {
            flush();
            appendGap(out, point.x());
            continue;
        }
        if (count == 0) {
            minIndex = maxIndex = i;
        }
        if (point.y() < points.at(minIndex).y())
            minIndex = i;
        if (point.y() > points.at(maxIndex).y())
            maxIndex = i;
        if (++count == groupSize)
            flush();
    }
    flush();
    return out;
}

} // namespace

SeriesStore::Ring::Ring(qsizetype capacity)
    : m_points(static_cast<size_t>(std::max<qsizetype>(capacity, 1)))
{
}

QPointF& SeriesStore::Ring::slot(qsizetype index)
{
    return m_points[static_cast<size_t>((m_head + index) % static_cast<qsizetype>(m_points.size()))];
}

const QPointF& SeriesStore::Ring::at(qsizetype index) const
{
    return m_points[static_cast<size_t>((m_head + index) % static_cast<qsizetype>(m_points.size()))];
}

qsizetype SeriesStore::Ring::lowerBound(double x) const
{
    qsizetype low = 0;
    qsizetype high = m_size;
    while (low < high) {
        const qsizetype mid = low + (high - low) / 2;
        if (at(mid).x() < x)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

void SeriesStore::Ring::insert(QPointF point)
{
    const auto capacity = static_cast<qsizetype>(m_points.size());
    // Samples normally arrive in order; a late one is slotted in place, and one older than a full buffer is dropped.
    qsizetype position = m_size;
    if (m_size > 0 && point.x() < at(m_size - 1).x()) {
        position = lowerBound(point.x());
        while (position < m_size && at(position).x() == point.x())
            ++position;
    }
    if (m_size == capacity) {
        if (position == 0)
            return;
        m_head = (m_head + 1) % capacity;
        --m_size;
        --position;
    }
    for (qsizetype i = m_size; i > position; --i)
        slot(i) = at(i - 1);
    slot(position) = point;
    ++m_size;
}

SeriesStore::BucketRing::BucketRing(Level level)
    : m_level(level)
    , m_buckets(static_cast<size_t>(level.buckets),
          Bucket { std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::quiet_NaN() })
    , m_newest(noBucket)
    , m_oldest(noBucket)
{
}

void SeriesStore::BucketRing::insert(qint64 timestampMs, double value)
{
    const qint64 number = floorDiv(timestampMs, m_level.bucketMs);
    const auto size = static_cast<qint64>(m_buckets.size());
    const auto index = [size](qint64 bucket) { return static_cast<size_t>(((bucket % size) + size) % size); };
    if (m_newest == noBucket) {
        m_newest = m_oldest = number;
    } else if (number > m_newest) {
        // Buckets skipped over (nothing was recorded in them) are emptied of what they held a ring ago.
        const qint64 skipped = std::min(number - m_newest, size);
        for (qint64 i = 1; i <= skipped; ++i)
            m_buckets[index(m_newest + i)]
                = { std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::quiet_NaN() };
        m_newest = number;
    } else if (number <= m_newest - size) {
        return;
    }
    m_oldest = std::min(m_oldest, number);
    Bucket& bucket = m_buckets[index(number)];
    const auto v = static_cast<float>(value);
    if (std::isnan(bucket.first)) {
        bucket = { v, v };
        return;
    }
    // A new extreme is always the later of the two.
    const float low = std::min(bucket.first, bucket.second);
    const float high = std::max(bucket.first, bucket.second);
    if (v < low)
        bucket = { high, v };
    else if (v > high)
        bucket = { low, v };
}

bool SeriesStore::BucketRing::reaches(qint64 sinceMs) const
{
    if (m_newest == noBucket)
        return true;
    const qint64 firstKept = m_newest - static_cast<qint64>(m_buckets.size()) + 1;
    return m_oldest >= firstKept || firstKept * m_level.bucketMs <= sinceMs;
}

void SeriesStore::BucketRing::appendPoints(qint64 sinceMs, QList<SeriesPoint>& out) const
{
    if (m_newest == noBucket)
        return;
    const auto size = static_cast<qint64>(m_buckets.size());
    const qint64 from = std::max({ m_oldest, m_newest - size + 1, floorDiv(sinceMs, m_level.bucketMs) });
    for (qint64 number = from; number <= m_newest; ++number) {
        const Bucket& bucket = m_buckets[static_cast<size_t>(((number % size) + size) % size)];
        const auto start = static_cast<double>(number * m_level.bucketMs);
        if (std::isnan(bucket.first)) {
            appendGap(out, start);
            continue;
        }
        out.append(SeriesPoint(start, bucket.first));
        if (bucket.second != bucket.first)
            out.append(SeriesPoint(start + static_cast<double>(m_level.bucketMs) / 2, bucket.second));
    }
}

SeriesStore::Series::Series(qsizetype capacity)
    : raw(capacity)
    , minutes(minuteLevel)
    , fiveMinutes(fiveMinuteLevel)
{
}

SeriesStore::SeriesStore(QObject* parent)
    : SeriesStore(defaultCapacity, parent)
{
}

SeriesStore::SeriesStore(qsizetype capacityPerSeries, QObject* parent)
    : QObject(parent)
    , m_capacity(std::max<qsizetype>(capacityPerSeries, 1))
{
}

bool SeriesStore::insert(const QString& series, qint64 timestampMs, double value)
{
    if (series.isEmpty() || std::isnan(value))
        return false;
    auto it = m_series.find(series);
    if (it == m_series.end())
        it = m_series.insert(series, Series(m_capacity));
    it->raw.insert(QPointF(static_cast<double>(timestampMs), value));
    it->minutes.insert(timestampMs, value);
    it->fiveMinutes.insert(timestampMs, value);
    return true;
}

bool SeriesStore::gap(const QString& series, qint64 timestampMs)
{
    const auto it = m_series.find(series);
    if (it == m_series.end() || (it->raw.size() > 0 && isGap(it->raw.at(it->raw.size() - 1))))
        return false;
    it->raw.insert(QPointF(static_cast<double>(timestampMs), gapValue));
    return true;
}

void SeriesStore::append(const QString& series, qint64 timestampMs, double value)
{
    if (insert(series, timestampMs, value))
        Q_EMIT updated();
}

void SeriesStore::appendBatch(const QList<SeriesSample>& samples)
{
    bool any = false;
    for (const auto& sample : samples)
        any = insert(sample.series, sample.timestampMs, sample.value) || any;
    if (any)
        Q_EMIT updated();
}

void SeriesStore::markGap(const QString& series, qint64 timestampMs)
{
    if (gap(series, timestampMs))
        Q_EMIT updated();
}

void SeriesStore::markGaps(const QStringList& series, qint64 timestampMs)
{
    bool any = false;
    for (const auto& id : series)
        any = gap(id, timestampMs) || any;
    if (any)
        Q_EMIT updated();
}

QList<QPointF> SeriesStore::points(const QString& series, qint64 sinceMs) const
{
    const auto it = m_series.constFind(series);
    if (it == m_series.cend())
        return {};
    QList<QPointF> result;
    const qsizetype first = it->raw.lowerBound(static_cast<double>(sinceMs));
    result.reserve(it->raw.size() - first);
    for (qsizetype i = first; i < it->raw.size(); ++i) {
        if (!isGap(it->raw.at(i)))
            result.append(it->raw.at(i));
    }
    return result;
}

QList<SeriesPoint> SeriesStore::range(const QString& series, qint64 sinceMs, int maxPoints) const
{
    const auto it = m_series.constFind(series);
    if (it == m_series.cend())
        return {};
    const Ring& raw = it->raw;
    QList<SeriesPoint> points;
    // The raw ring reaches back far enough while it has not wrapped, or when its oldest point is old enough.
    if (raw.size() < raw.capacity() || raw.at(0).x() <= static_cast<double>(sinceMs)) {
        const qsizetype first = raw.lowerBound(static_cast<double>(sinceMs));
        points.reserve(raw.size() - first);
        for (qsizetype i = first; i < raw.size(); ++i) {
            if (isGap(raw.at(i)))
                appendGap(points, raw.at(i).x());
            else
                points.append(raw.at(i));
        }
    } else if (it->minutes.reaches(sinceMs)) {
        it->minutes.appendPoints(sinceMs, points);
    } else {
        it->fiveMinutes.appendPoints(sinceMs, points);
    }
    return downsample(points, maxPoints);
}

QStringList SeriesStore::seriesIds() const
{
    QStringList ids = m_series.keys();
    ids.sort();
    return ids;
}

std::optional<double> SeriesStore::last(const QString& series) const
{
    const auto it = m_series.constFind(series);
    if (it == m_series.cend() || it->raw.size() == 0 || isGap(it->raw.at(it->raw.size() - 1)))
        return std::nullopt;
    return it->raw.at(it->raw.size() - 1).y();
}

qsizetype SeriesStore::size(const QString& series) const
{
    const auto it = m_series.constFind(series);
    return it == m_series.cend() ? 0 : it->raw.size();
}

void SeriesStore::removeSeries(const QString& series)
{
    if (m_series.remove(series))
        Q_EMIT updated();
}

void SeriesStore::clear()
{
    if (m_series.isEmpty())
        return;
    m_series.clear();
    Q_EMIT updated();
}
