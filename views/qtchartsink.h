// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "chartsink.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <array>

class QChart;
class QChartView;
class QDateTimeAxis;
class QGraphicsLineItem;
class QLineSeries;
class QValueAxis;

// ChartSink on Qt Charts: all series on one date-time axis, up to three value axes. A series with gaps is drawn as
// one QLineSeries per unbroken run (Qt Charts draws no gaps of its own); the runs are kept and refilled with
// replace() on every update, so a refresh costs one model reset per run and no new objects. Hovering the plot
// shows a crosshair and the values under it.
class QtChartSink : public QObject, public ChartSink {
    Q_OBJECT
public:
    explicit QtChartSink(const QString& valueTitle, QObject* parent = nullptr);
    ~QtChartSink() override;

    QWidget* widget() override;
    void setTitle(const QString& title) override;
    QString title() const override;
    void setAxisTitle(ValueAxis axis, const QString& title) override;
    void setSeries(const QString& id, const QString& label, const QList<QPointF>& points, const Style& style) override;
    void removeSeries(const QString& id) override;
    QStringList seriesIds() const override { return m_order; }
    QString seriesLabel(const QString& id) const override;
    QList<QPointF> seriesPoints(const QString& id) const override;
    void setTimeWindow(qint64 fromMs, qint64 toMs) override;
    qsizetype pointCount() const override;
    int plotWidth() const override;
    QString toolTipAt(qint64 ms) const override;

    QChart* chart() const { return m_chart; }
    // How many QLineSeries draw a series (one per unbroken run, at least one).
    qsizetype runCount(const QString& id) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Entry {
        QString label;
        Style style;
        QColor colour;
        QList<QPointF> points;
        qsizetype drawn = 0;
        double spacing = 0;
        QList<QLineSeries*> runs;
    };

    QLineSeries* addRun(const Entry& entry, bool inLegend);
    QColor freeColour(const QString& id);
    QValueAxis* valueAxis(ValueAxis axis) const { return m_valueAxes[std::size_t(axis)]; }
    void rescaleValues();
    void hover(const QPoint& viewportPos);
    QString valueAt(const Entry& entry, qint64 ms) const;

    QChartView* m_view;
    QChart* m_chart;
    QDateTimeAxis* m_timeAxis;
    std::array<QValueAxis*, 3> m_valueAxes {};
    QGraphicsLineItem* m_crosshair;
    QStringList m_order;
    QHash<QString, Entry> m_entries;
    qint64 m_from = 0;
    qint64 m_to = 0;
    // Bounded by the ids ever charted: the objects of the mesh.
    QHash<QString, QColor> m_formerColours;
};
