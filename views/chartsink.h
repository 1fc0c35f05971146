// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>

class QWidget;

// What the chart pane needs from a plotting library. Qt Charts is deprecated from Qt 6.10 and Qt Graphs has
// no Widgets API, so the rest of the code talks to this interface only.
class ChartSink {
public:
    enum class LineStyle { Solid, Dashed, Dotted };
    // Left: counts (backlog); Right: rates; Outer: replicas, a second axis on the right.
    enum class ValueAxis { Left, Right, Outer };
    struct Style {
        LineStyle line = LineStyle::Solid;
        ValueAxis axis = ValueAxis::Left;
        // A companion (what an autoscaler wants beside what it has) takes this series' colour; no legend entry.
        QString companionOf;
        // Invalid: the chart's next theme colour.
        QColor colour;
    };

    virtual ~ChartSink() = default;
    virtual QWidget* widget() = 0;
    virtual void setTitle(const QString& title) = 0;
    virtual QString title() const = 0;
    // An axis is shown only while a series uses it.
    virtual void setAxisTitle(ValueAxis axis, const QString& title) = 0;
    // Points are (milliseconds since the epoch, value), in time order; a NaN value breaks the line (a gap).
    // Series keep the order in which they were first set.
    virtual void setSeries(const QString& id, const QString& label, const QList<QPointF>& points, const Style& style)
        = 0;
    virtual void removeSeries(const QString& id) = 0;
    virtual QStringList seriesIds() const = 0;
    virtual QString seriesLabel(const QString& id) const = 0;
    // What is drawn of a series, breaks included.
    virtual QList<QPointF> seriesPoints(const QString& id) const = 0;
    virtual void setTimeWindow(qint64 fromMs, qint64 toMs) = 0;
    // Points drawn over all series, breaks not counted.
    virtual qsizetype pointCount() const = 0;
    // Width of the plot in device-independent pixels: how many columns are worth drawing.
    virtual int plotWidth() const = 0;
    // The hover text for a moment: the time and each series' value then ("no data" in a gap).
    virtual QString toolTipAt(qint64 ms) const = 0;
};
