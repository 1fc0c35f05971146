// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>

// Turns recorded samples (x = ms since the epoch, y = value, oldest first) into what a chart draws. Pure functions,
// so the chart pane's drawing rules are tested without a chart.
class SeriesDownsampler {
public:
    // A y of NaN in an output list breaks the line there.
    static bool isBreak(const QPointF& point);

    // The typical spacing of the samples: the median distance between neighbours (0 with fewer than two).
    static double typicalInterval(const QList<QPointF>& points);

    // Min/max downsampling: the window [fromMs, toMs] is cut into `buckets` columns, aligned to multiples of their
    // width so that columns do not shift as the window slides (the window then meets at most buckets + 1 of them).
    // Each column keeps its lowest and highest sample in time order: two points per column, no spike lost. A sample of
    // NaN, or a silence longer than gapMs (0: never) between two samples, becomes a break. Samples outside the window
    // are dropped.
    static QList<QPointF> minMax(const QList<QPointF>& points, double fromMs, double toMs, int buckets, double gapMs);

    // A value holds until the next sample: each change becomes a vertical step. Breaks stay breaks.
    static QList<QPointF> toSteps(const QList<QPointF>& points);

    // The unbroken runs of a list with breaks; empty runs are left out.
    static QList<QList<QPointF>> splitAtBreaks(const QList<QPointF>& points);
};
