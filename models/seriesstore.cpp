// SPDX-License-Identifier: Apache-2.0
#include "seriesstore.h"

#include <algorithm>

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
    if (series.isEmpty())
        return false;
    auto it = m_series.find(series);
    if (it == m_series.end())
        it = m_series.insert(series, Ring(m_capacity));
    it->insert(QPointF(static_cast<double>(timestampMs), value));
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

QList<QPointF> SeriesStore::points(const QString& series, qint64 sinceMs) const
{
    const auto it = m_series.constFind(series);
    if (it == m_series.cend())
        return {};
    QList<QPointF> result;
    const qsizetype first = it->lowerBound(static_cast<double>(sinceMs));
    result.reserve(it->size() - first);
    for (qsizetype i = first; i < it->size(); ++i)
        result.append(it->at(i));
    return result;
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
    if (it == m_series.cend() || it->size() == 0)
        return std::nullopt;
    return it->at(it->size() - 1).y();
}

qsizetype SeriesStore::size(const QString& series) const
{
    const auto it = m_series.constFind(series);
    return it == m_series.cend() ? 0 : it->size();
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
