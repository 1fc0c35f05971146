// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "chartsink.h"

#include <QHash>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

// ChartSink on Qt Charts: one line series per id on a shared date-time axis.
class QtChartSink : public ChartSink {
public:
    explicit QtChartSink(const QString& valueTitle);
    ~QtChartSink() override;

    QWidget* widget() override;
    void setTitle(const QString& title) override;
    void setSeries(const QString& id, const QString& label, const QList<QPointF>& points, LineStyle style,
        const QString& companionOf) override;
    void removeSeries(const QString& id) override;
    QStringList seriesIds() const override { return m_series.keys(); }
    void setTimeWindow(qint64 fromMs, qint64 toMs) override;
    qsizetype pointCount() const override;

private:
    void rescaleValues();

    QChartView* m_view;
    QChart* m_chart;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_valueAxis;
    QHash<QString, QLineSeries*> m_series;
};
