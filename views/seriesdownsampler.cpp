// SPDX-License-Identifier: Apache-2.0
#include "seriesdownsampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {
// Appends a break at a time inside the gap (so lists stay in time order for lookups), unless the list is empty or
// already ends in one: runs never start or end with a break.
void appendBreak(QList<QPointF>& out, double x)
{
    if (!out.isEmpty() && !SeriesDownsampler::isBreak(out.constLast()))
        out.append(QPointF(std::max(x, out.constLast().x()), std::numeric_limits<double>::quiet_NaN()));
}
} // namespace

bool SeriesDownsampler::isBreak(const QPointF& point) { return std::isnan(point.y()); }

double SeriesDownsampler::typicalInterval(const QList<QPointF>& points)
{
    if (points.size() < 2)
        return 0;
    std::vector<double> gaps;
    gaps.reserve(std::size_t(points.size() - 1));
    for (qsizetype i = 1; i < points.size(); ++i)
        gaps.push_back(points.at(i).x() - points.at(i - 1).x());
    const auto middle = gaps.begin() + std::ptrdiff_t(gaps.size() / 2);
    std::nth_element(gaps.begin(), middle, gaps.end());
    return *middle;
}

QList<QPointF> SeriesDownsampler::minMax(
    const QList<QPointF>& points, double fromMs, double toMs, int buckets, double gapMs)
{
    QList<QPointF> out;
    if (buckets <= 0 || toMs <= fromMs)
        return out;
    out.reserve(std::min<qsizetype>(points.size(), qsizetype(buckets) * 2 + 16));
    const double width = (toMs - fromMs) / buckets;
    const auto first = std::lower_bound(
        points.cbegin(), points.cend(), fromMs, [](const QPointF& point, double x) { return point.x() < x; });

    // The open column: its index and the indices of its lowest and highest sample.
    double column = std::numeric_limits<double>::quiet_NaN();
    qsizetype low = -1;
    qsizetype high = -1;
    const auto flush = [&] {
        if (low < 0)
            return;
        const qsizetype a = std::min(low, high);
        const qsizetype b = std::max(low, high);
        out.append(points.at(a));
        if (b != a)
            out.append(points.at(b));
        low = high = -1;
    };

    double previousX = std::numeric_limits<double>::quiet_NaN();
    for (auto it = first; it != points.cend() && it->x() <= toMs; ++it) {
        const qsizetype index = it - points.cbegin();
        if (std::isnan(it->y())) {
            flush();
            appendBreak(out, it->x());
            previousX = std::numeric_limits<double>::quiet_NaN();
            continue;
        }
        if (gapMs > 0 && !std::isnan(previousX) && it->x() - previousX > gapMs) {
            flush();
            appendBreak(out, (previousX + it->x()) / 2);
        }
        previousX = it->x();
        const double itsColumn = std::floor(it->x() / width);
        if (itsColumn != column) {
            flush();
            column = itsColumn;
        }
        if (low < 0 || it->y() < points.at(low).y())
            low = index;
        if (high < 0 || it->y() > points.at(high).y())
            high = index;
    }
    flush();
    if (!out.isEmpty() && isBreak(out.constLast()))
        out.removeLast();
    return out;
}

QList<QPointF> SeriesDownsampler::toSteps(const QList<QPointF>& points)
{
    QList<QPointF> out;
    out.reserve(points.size() * 2);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const auto& point = points.at(i);
        if (i > 0 && !isBreak(point) && !isBreak(points.at(i - 1)) && point.y() != points.at(i - 1).y())
            out.append(QPointF(point.x(), points.at(i - 1).y()));
        out.append(point);
    }
    return out;
}

QList<QList<QPointF>> SeriesDownsampler::splitAtBreaks(const QList<QPointF>& points)
{
    QList<QList<QPointF>> runs;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= points.size(); ++i) {
        if (i == points.size() || isBreak(points.at(i))) {
            if (i > start)
                runs.append(points.mid(start, i - start));
            start = i + 1;
        }
    }
    return runs;
}
