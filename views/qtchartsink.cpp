// SPDX-License-Identifier: Apache-2.0
#include "qtchartsink.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>

QtChartSink::QtChartSink(const QString& valueTitle)
    : m_view(new QChartView)
    , m_chart(new QChart)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
{
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTickCount(6);
    m_valueAxis->setTitleText(valueTitle);
    m_valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_valueAxis->setRange(0, 10);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_view->setChart(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(180);
}

QtChartSink::~QtChartSink()
{
    // The view owns the chart, which owns axes and series; the caller owns the widget once taken.
    if (!m_view->parent())
        delete m_view;
}

QWidget* QtChartSink::widget() { return m_view; }

void QtChartSink::setTitle(const QString& title) { m_chart->setTitle(title); }

void QtChartSink::setSeries(
    const QString& id, const QString& label, const QList<QPointF>& points, LineStyle style, const QString& companionOf)
{
    auto* series = m_series.value(id);
    if (!series) {
        series = new QLineSeries;
        series->setName(label);
        m_chart->addSeries(series);
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_valueAxis);
        m_series.insert(id, series);
        if (style == LineStyle::Dashed) {
            auto pen = series->pen();
            if (const auto* solid = m_series.value(companionOf))
                pen.setColor(solid->color());
            pen.setStyle(Qt::DashLine);
            pen.setWidthF(1.5);
            series->setPen(pen);
            const auto markers = m_chart->legend()->markers(series);
            for (auto* marker : markers)
                marker->setVisible(false);
        }
    }
    // replace() is one model reset, where clear() plus append() would be one per point.
    series->replace(points);
    rescaleValues();
}

void QtChartSink::removeSeries(const QString& id)
{
    if (auto* series = m_series.take(id)) {
        m_chart->removeSeries(series);
        delete series;
        rescaleValues();
    }
}

void QtChartSink::setTimeWindow(qint64 fromMs, qint64 toMs)
{
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
}

qsizetype QtChartSink::pointCount() const
{
    qsizetype count = 0;
    for (const auto* series : m_series)
        count += series->count();
    return count;
}

void QtChartSink::rescaleValues()
{
    qreal maximum = 0;
    for (const auto* series : std::as_const(m_series)) {
        const auto points = series->points();
        for (const auto& point : points)
            maximum = std::max(maximum, point.y());
    }
    // Four intervals of a tidy step (1, 2 or 5 times a power of ten), so ticks are whole numbers and the axis
    // does not jitter with every sample.
    const qreal wanted = std::max<qreal>(maximum * 1.1, 4) / 4;
    const qreal magnitude = std::pow(10.0, std::floor(std::log10(wanted)));
    qreal step = magnitude;
    for (const qreal factor : { 1.0, 2.0, 5.0, 10.0 }) {
        step = factor * magnitude;
        if (step >= wanted)
            break;
    }
    const qreal top = std::ceil(step) * 4;
    if (!qFuzzyCompare(m_valueAxis->max(), top)) {
        m_valueAxis->setRange(0, top);
        m_valueAxis->setTickCount(5);
    }
}
