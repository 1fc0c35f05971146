// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPointF>
#include <QString>

class QWidget;

// What the chart pane needs from a plotting library. Qt Charts is deprecated from Qt 6.10 and Qt Graphs has
// no Widgets API, so the rest of the code talks to this interface only.
class ChartSink {
public:
    enum class LineStyle { Solid, Dashed };

    virtual ~ChartSink() = default;
    virtual QWidget* widget() = 0;
    virtual void setTitle(const QString& title) = 0;
    // Points are (milliseconds since the epoch, value), in time order. A dashed series is a companion of the
    // solid series `companionOf` (what an autoscaler wants beside what it has): same colour, no legend entry.
    virtual void setSeries(const QString& id, const QString& label, const QList<QPointF>& points, LineStyle style,
        const QString& companionOf)
        = 0;
    virtual void removeSeries(const QString& id) = 0;
    virtual QStringList seriesIds() const = 0;
    virtual void setTimeWindow(qint64 fromMs, qint64 toMs) = 0;
    virtual qsizetype pointCount() const = 0;
};
