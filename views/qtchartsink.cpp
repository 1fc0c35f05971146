// SPDX-License-Identifier: Apache-2.0
#include "qtchartsink.h"

#include "seriesdownsampler.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLineItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
// Distinct in light and dark themes, and in the common colour-vision deficiencies (Okabe-Ito order).
const std::array<QColor, 7> palette { QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00), QColor(0x00, 0x9e, 0x73),
    QColor(0xcc, 0x79, 0xa7), QColor(0xd5, 0x5e, 0x00), QColor(0x56, 0xb4, 0xe9), QColor(0x7f, 0x7f, 0x7f) };

// Hovering this close (in pixels) to a sample shows it even beside a gap or past the last one.
constexpr qreal hoverReachPixels = 8;

QString formatValue(double value)
{
    return value == std::floor(value) ? QString::number(value, 'f', 0) : QString::number(value, 'f', 2);
}
} // namespace

QtChartSink::QtChartSink(const QString& valueTitle, QObject* parent)
    : QObject(parent)
    , m_view(new QChartView)
    , m_chart(new QChart)
    , m_timeAxis(new QDateTimeAxis)
    , m_crosshair(new QGraphicsLineItem(m_chart))
{
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_timeAxis->setFormat(u"HH:mm:ss"_s);
    m_timeAxis->setTickCount(6);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    for (std::size_t i = 0; i < m_valueAxes.size(); ++i) {
        auto* axis = new QValueAxis;
        axis->setLabelFormat(u"%.0f"_s);
        axis->setRange(0, 4);
        axis->setTickCount(5);
        axis->setVisible(false);
        m_chart->addAxis(axis, i == std::size_t(ValueAxis::Left) ? Qt::AlignLeft : Qt::AlignRight);
        m_valueAxes[i] = axis;
    }
    valueAxis(ValueAxis::Left)->setTitleText(valueTitle);
    valueAxis(ValueAxis::Left)->setVisible(true);
    // Only the left axis draws grid lines: three grids over each other would be noise.
    valueAxis(ValueAxis::Right)->setGridLineVisible(false);
    valueAxis(ValueAxis::Outer)->setGridLineVisible(false);

    QColor crosshair = m_chart->titleBrush().color();
    crosshair.setAlpha(110);
    m_crosshair->setPen(QPen(crosshair, 1, Qt::DashLine));
    m_crosshair->setZValue(1000);
    m_crosshair->hide();

    m_view->setChart(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(180);
    m_view->viewport()->setMouseTracking(true);
    m_view->viewport()->installEventFilter(this);
}

QtChartSink::~QtChartSink()
{
    // The view owns the chart, which owns axes and series; a layout owns the view once it is placed in one.
    if (!m_view->parent())
        delete m_view;
}

QWidget* QtChartSink::widget() { return m_view; }

void QtChartSink::setTitle(const QString& title) { m_chart->setTitle(title); }

QString QtChartSink::title() const { return m_chart->title(); }

void QtChartSink::setAxisTitle(ValueAxis axis, const QString& title) { valueAxis(axis)->setTitleText(title); }

QLineSeries* QtChartSink::addRun(const Entry& entry, bool inLegend)
{
    auto* series = new QLineSeries;
    series->setName(entry.label);
    QPen pen(entry.colour, entry.style.line == LineStyle::Solid ? 2 : 1.6);
    pen.setStyle(entry.style.line == LineStyle::Dashed ? Qt::DashLine
            : entry.style.line == LineStyle::Dotted    ? Qt::DotLine
                                                       : Qt::SolidLine);
    series->setPen(pen);
    m_chart->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(valueAxis(entry.style.axis));
    if (!inLegend) {
        const auto markers = m_chart->legend()->markers(series);
        for (auto* marker : markers)
            marker->setVisible(false);
    }
    return series;
}

void QtChartSink::setSeries(const QString& id, const QString& label, const QList<QPointF>& points, const Style& style)
{
    auto it = m_entries.find(id);
    if (it != m_entries.end()
        && (it->style.line != style.line || it->style.axis != style.axis || it->style.companionOf != style.companionOf
            || (style.colour.isValid() && it->colour != style.colour))) {
        // The same measure in another role (one of several triggers instead of the only one): drawn anew.
        removeSeries(id);
        it = m_entries.end();
    }
    if (it == m_entries.end()) {
        Entry entry;
        entry.label = label;
        entry.style = style;
        if (style.colour.isValid())
            entry.colour = style.colour;
        else if (const auto companion = m_entries.constFind(style.companionOf); companion != m_entries.cend())
            entry.colour = companion->colour;
        else
            entry.colour = freeColour(id);
        // The first run carries the legend entry; a series always has one, so the legend does not flicker.
        entry.runs.append(addRun(entry, style.companionOf.isEmpty()));
        it = m_entries.insert(id, entry);
        m_order.append(id);
    } else if (it->label != label) {
        it->label = label;
        for (auto* run : std::as_const(it->runs))
            run->setName(label);
    }

    const auto runs = SeriesDownsampler::splitAtBreaks(points);
    while (it->runs.size() < std::max<qsizetype>(runs.size(), 1))
        it->runs.append(addRun(*it, false));
    while (it->runs.size() > std::max<qsizetype>(runs.size(), 1)) {
        auto* run = it->runs.takeLast();
        m_chart->removeSeries(run);
        delete run;
    }
    qsizetype drawn = 0;
    for (qsizetype i = 0; i < it->runs.size(); ++i) {
        // replace() is one model reset, where clear() plus append() would be one per point.
        it->runs.at(i)->replace(i < runs.size() ? runs.at(i) : QList<QPointF>());
        drawn += i < runs.size() ? runs.at(i).size() : 0;
    }
    it->points = points;
    it->drawn = drawn;
    it->spacing = SeriesDownsampler::typicalInterval(points);
    valueAxis(style.axis)->setVisible(true);
    rescaleValues();
}

QColor QtChartSink::freeColour(const QString& id)
{
    // A series that comes back (the busiest set changes all the time) gets its colour back if no one took it.
    const auto taken = [this](const QColor& colour) {
        return std::any_of(
            m_entries.cbegin(), m_entries.cend(), [&colour](const Entry& entry) { return entry.colour == colour; });
    };
    QColor colour = m_formerColours.value(id);
    if (!colour.isValid() || taken(colour)) {
        const auto free = std::find_if_not(palette.cbegin(), palette.cend(), taken);
        colour = free != palette.cend() ? *free : palette[std::size_t(m_entries.size()) % palette.size()];
    }
    m_formerColours.insert(id, colour);
    return colour;
}

void QtChartSink::removeSeries(const QString& id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    for (auto* run : std::as_const(it->runs)) {
        m_chart->removeSeries(run);
        delete run;
    }
    const auto axis = it->style.axis;
    m_entries.erase(it);
    m_order.removeOne(id);
    if (axis != ValueAxis::Left) {
        const bool used = std::any_of(
            m_entries.cbegin(), m_entries.cend(), [axis](const Entry& entry) { return entry.style.axis == axis; });
        valueAxis(axis)->setVisible(used);
    }
    rescaleValues();
}

QString QtChartSink::seriesLabel(const QString& id) const { return m_entries.value(id).label; }

QList<QPointF> QtChartSink::seriesPoints(const QString& id) const { return m_entries.value(id).points; }

void QtChartSink::setTimeWindow(qint64 fromMs, qint64 toMs)
{
    m_from = fromMs;
    m_to = toMs;
    m_timeAxis->setFormat(toMs - fromMs > 6 * 60 * 60 * 1000 ? u"ddd HH:mm"_s : u"HH:mm:ss"_s);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
}

qsizetype QtChartSink::pointCount() const
{
    qsizetype count = 0;
    for (const auto& entry : m_entries)
        count += entry.drawn;
    return count;
}

int QtChartSink::plotWidth() const { return int(m_chart->plotArea().width()); }

qsizetype QtChartSink::runCount(const QString& id) const { return m_entries.value(id).runs.size(); }

void QtChartSink::rescaleValues()
{
    for (std::size_t i = 0; i < m_valueAxes.size(); ++i) {
        double maximum = 0;
        for (const auto& entry : std::as_const(m_entries)) {
            if (std::size_t(entry.style.axis) != i)
                continue;
            for (const auto& point : entry.points) {
                if (!std::isnan(point.y()))
                    maximum = std::max(maximum, point.y());
            }
        }
        // Four intervals of a tidy step (1, 2 or 5 times a power of ten), so ticks are whole numbers and the axis
        // does not jitter with every sample.
        const double wanted = std::max(maximum * 1.1, 4.0) / 4;
        const double magnitude = std::pow(10.0, std::floor(std::log10(wanted)));
        double step = magnitude;
        for (const double factor : { 1.0, 2.0, 5.0, 10.0 }) {
            step = factor * magnitude;
            if (step >= wanted)
                break;
        }
        const double top = std::ceil(step) * 4;
        if (!qFuzzyCompare(m_valueAxes[i]->max(), top))
            m_valueAxes[i]->setRange(0, top);
    }
}

QString QtChartSink::valueAt(const Entry& entry, qint64 ms) const
{
    const auto& points = entry.points;
    const double x = double(ms);
    const qsizetype next = std::upper_bound(points.cbegin(), points.cend(), x, [](double value, const QPointF& point) {
        return value < point.x();
    }) - points.cbegin();
    const qsizetype previous = next - 1;
    const auto usable = [&](qsizetype i) { return i >= 0 && i < points.size() && !std::isnan(points.at(i).y()); };
    const double pixel = m_to > m_from && plotWidth() > 0 ? double(m_to - m_from) / plotWidth() : 0;
    const double reach = std::max(hoverReachPixels * pixel, 1.5 * entry.spacing);
    // Between two samples of one run: the nearer one. Beside a gap or the ends: only a sample within reach.
    if (usable(previous) && usable(next))
        return formatValue(
            x - points.at(previous).x() <= points.at(next).x() - x ? points.at(previous).y() : points.at(next).y());
    if (usable(previous) && x - points.at(previous).x() <= reach)
        return formatValue(points.at(previous).y());
    if (usable(next) && points.at(next).x() - x <= reach)
        return formatValue(points.at(next).y());
    return tr("no data");
}

QString QtChartSink::toolTipAt(qint64 ms) const
{
    QString text = u"<b>"_s % QDateTime::fromMSecsSinceEpoch(ms).toString(u"yyyy-MM-dd HH:mm:ss"_s) % u"</b>"_s;
    for (const auto& id : m_order) {
        const auto& entry = m_entries[id];
        text += u"<br><span style=\"color:"_s % entry.colour.name() % u"\">&#9632;</span> "_s
            % entry.label.toHtmlEscaped() % u": "_s % valueAt(entry, ms);
    }
    return text;
}

void QtChartSink::hover(const QPoint& viewportPos)
{
    const QPointF inChart = m_chart->mapFromScene(m_view->mapToScene(viewportPos));
    const QRectF plot = m_chart->plotArea();
    if (!plot.contains(inChart) || m_to <= m_from || m_order.isEmpty()) {
        m_crosshair->hide();
        QToolTip::hideText();
        return;
    }
    m_crosshair->setLine(QLineF(inChart.x(), plot.top(), inChart.x(), plot.bottom()));
    m_crosshair->show();
    const auto ms = m_from + qint64((inChart.x() - plot.left()) / plot.width() * double(m_to - m_from));
    QToolTip::showText(m_view->viewport()->mapToGlobal(viewportPos), toolTipAt(ms), m_view->viewport());
}

bool QtChartSink::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport()) {
        if (event->type() == QEvent::MouseMove) {
            hover(static_cast<QMouseEvent*>(event)->position().toPoint());
        } else if (event->type() == QEvent::Leave) {
            m_crosshair->hide();
            QToolTip::hideText();
        }
    }
    return QObject::eventFilter(watched, event);
}
