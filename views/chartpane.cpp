// SPDX-License-Identifier: Apache-2.0
#include "chartpane.h"

#include "qtchartsink.h"
#include "seriesdownsampler.h"
#include "seriesstore.h"
#include "topologygraph.h"

#include <QAbstractAxis>
#include <QAction>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QMessageBox>
#include <QSaveFile>
#include <QSplitter>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

using namespace Qt::StringLiterals;

namespace {
// Series ids are "<measure>/<group>/<Kind>/<namespace>/<name>": show namespace/name.
QString labelOf(const QString& key)
{
    const auto parts = key.split(u'/');
    if (parts.size() < 2)
        return key;
    return parts.at(parts.size() - 2) % u'/' % parts.last();
}

QString nameOf(const QString& key) { return key.section(u'/', -1); }

// Fixed colours per measure in the detail chart, so a colour means the same thing whatever is selected.
const QColor backlogColour(0x00, 0x72, 0xb2);
const QColor unackedColour(0x56, 0xb4, 0xe9);
const QColor produceColour(0x00, 0x9e, 0x73);
const QColor consumeColour(0xe6, 0x9f, 0x00);
const QColor replicasColour(0xcc, 0x79, 0xa7);
const QColor kedaColour(0xd5, 0x5e, 0x00);
const std::array<QColor, 3> triggerColours { backlogColour, produceColour, consumeColour };

QString csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text;
    return u'"' % QString(text).replace(u"\""_s, u"\"\""_s) % u'"';
}
} // namespace

ChartPane::ChartPane(SeriesStore* store, const TopologyGraph* graph, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_graph(graph)
    , m_detail(std::make_unique<QtChartSink>(tr("backlog (events)")))
    , m_backlog(std::make_unique<QtChartSink>(tr("events")))
    , m_replicas(std::make_unique<QtChartSink>(tr("replicas")))
    , m_range(new QComboBox)
    , m_status(new QLabel)
    , m_pauseAction(new QAction(tr("&Pause"), this))
    , m_csvAction(new QAction(tr("Export &CSV…"), this))
    , m_pngAction(new QAction(tr("Export P&NG…"), this))
{
    m_detail->setAxisTitle(ChartSink::ValueAxis::Right, tr("events/s"));
    m_detail->setAxisTitle(ChartSink::ValueAxis::Outer, tr("replicas"));
    m_backlog->setTitle(tr("Busiest triggers: backlog"));
    m_replicas->setTitle(tr("Their subscribers: replicas (dashed: wanted by the autoscaler, dotted: by KEDA)"));
    // Side by side the overview charts are narrow: a legend down the right keeps the names readable.
    m_backlog->chart()->legend()->setAlignment(Qt::AlignRight);
    m_replicas->chart()->legend()->setAlignment(Qt::AlignRight);
    m_backlog->widget()->setMinimumHeight(160);
    m_replicas->widget()->setMinimumHeight(160);
    m_detail->widget()->setMinimumHeight(220);

    m_range->addItem(tr("Last 5 minutes"), QVariant::fromValue(Range::FiveMinutes));
    m_range->addItem(tr("Last hour"), QVariant::fromValue(Range::OneHour));
    m_range->addItem(tr("Last 24 hours"), QVariant::fromValue(Range::OneDay));
    m_range->setAccessibleName(tr("Time range"));

    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(tr("Ctrl+Shift+P")));
    m_pauseAction->setToolTip(tr("Freeze the charts; measurements go on being recorded (Ctrl+Shift+P)"));
    m_csvAction->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    m_csvAction->setToolTip(tr("Save the selected chart's data as CSV, times in UTC (Ctrl+Shift+E)"));
    m_pngAction->setShortcut(QKeySequence(tr("Ctrl+Shift+I")));
    m_pngAction->setToolTip(tr("Save the selected chart as a PNG image (Ctrl+Shift+I)"));
    for (auto* action : { m_pauseAction, m_csvAction, m_pngAction }) {
        // Other pages have their own shortcuts; these act only where the charts are.
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_pauseAction, &QAction::toggled, this, &ChartPane::setPaused);
    connect(m_csvAction, &QAction::triggered, this, &ChartPane::exportCsvInteractively);
    connect(m_pngAction, &QAction::triggered, this, &ChartPane::exportPngInteractively);

    auto* controls = new QHBoxLayout;
    auto* rangeLabel = new QLabel(tr("&Range:"));
    rangeLabel->setBuddy(m_range);
    controls->addWidget(rangeLabel);
    controls->addWidget(m_range);
    for (auto* action : { m_pauseAction, m_csvAction, m_pngAction }) {
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        controls->addWidget(button);
    }
    controls->addWidget(m_status, 1);

    auto* overview = new QWidget;
    auto* overviewLayout = new QHBoxLayout(overview);
    overviewLayout->setContentsMargins(0, 0, 0, 0);
    overviewLayout->addWidget(m_backlog->widget());
    overviewLayout->addWidget(m_replicas->widget());
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(QStringLiteral("chartSplitter"));
    splitter->addWidget(m_detail->widget());
    splitter->addWidget(overview);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(splitter, 1);

    applyPalette();

    // Redraws are throttled to the refresh timer, however often measurements arrive.
    m_refreshTimer.setInterval(refreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ChartPane::refresh);
    connect(m_store, &SeriesStore::updated, this, [this] { m_dirty = true; });
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        m_dirty = true;
        if (m_paused)
            redraw(m_to);
        else
            refresh();
    });
}

ChartPane::~ChartPane() = default;

ChartSink* ChartPane::detailChart() const { return m_detail.get(); }
ChartSink* ChartPane::backlogChart() const { return m_backlog.get(); }
ChartSink* ChartPane::replicaChart() const { return m_replicas.get(); }

void ChartPane::setFocusObject(const QString& objectKey)
{
    m_focus = objectKey;
    m_shown.clear();
    m_dirty = true;
    // A paused chart switches object but keeps its moment.
    redraw(m_paused ? m_to : QDateTime::currentMSecsSinceEpoch());
}

void ChartPane::setRange(Range range) { m_range->setCurrentIndex(m_range->findData(QVariant::fromValue(range))); }

ChartPane::Range ChartPane::range() const { return m_range->currentData().value<Range>(); }

qint64 ChartPane::rangeMs(Range range)
{
    switch (range) {
    case Range::FiveMinutes:
        return 5 * 60 * 1000;
    case Range::OneHour:
        return 60 * 60 * 1000;
    case Range::OneDay:
        return 24 * 60 * 60 * 1000;
    }
    return 5 * 60 * 1000;
}

void ChartPane::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    {
        const QSignalBlocker blocker(m_pauseAction);
        m_pauseAction->setChecked(paused);
    }
    m_pauseAction->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_status->setText(paused ? tr("Paused at %1: measurements are still recorded.")
                                   .arg(QDateTime::fromMSecsSinceEpoch(m_to).toString(u"HH:mm:ss"_s))
                             : QString());
    if (!paused) {
        m_dirty = true;
        refresh();
    }
}

void ChartPane::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void ChartPane::applyPalette()
{
    const QPalette colours = palette();
    const QColor text = colours.color(QPalette::Text);
    QColor grid = colours.color(QPalette::Mid);
    for (auto* sink : { m_detail.get(), m_backlog.get(), m_replicas.get() }) {
        QChart* chart = sink->chart();
        chart->setBackgroundBrush(colours.color(QPalette::Base));
        chart->setBackgroundPen(QPen(colours.color(QPalette::Mid)));
        chart->setTitleBrush(text);
        chart->legend()->setLabelColor(text);
        for (auto* axis : chart->axes()) {
            axis->setLabelsColor(text);
            axis->setTitleBrush(text);
            axis->setLinePenColor(grid);
            axis->setGridLineColor(grid);
            axis->setMinorGridLineColor(grid.lighter(colours.color(QPalette::Base).lightness() < 128 ? 70 : 115));
        }
        if (auto* view = qobject_cast<QChartView*>(sink->widget()))
            view->setBackgroundBrush(colours.color(QPalette::Window));
    }
}

void ChartPane::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_refreshTimer.start();
    refresh();
}

void ChartPane::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_refreshTimer.stop();
}

void ChartPane::refresh()
{
    if (m_paused)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_dirty) {
        redraw(now);
        return;
    }
    // Nothing new recorded: what is drawn stays right, only the window slides.
    m_from = now - rangeMs(range());
    m_to = now;
    for (auto* sink : { m_detail.get(), m_backlog.get(), m_replicas.get() })
        sink->setTimeWindow(m_from, m_to);
}

void ChartPane::redraw(qint64 now)
{
    m_dirty = false;
    m_from = now - rangeMs(range());
    m_to = now;

    const auto busiest = busiestTriggers();
    if (!m_focus.isEmpty())
        m_shown = m_focus;
    else if (m_shown.isEmpty() || !m_store->seriesIds().contains(u"backlog/"_s % m_shown))
        // Picked once and kept, so the chart does not jump between triggers as their backlogs overtake each other.
        m_shown = busiest.value(0);
    QString title;
    m_detailLines = detailLines(m_shown, title);
    m_detail->setTitle(m_focus.isEmpty() && !m_shown.isEmpty() ? tr("Busiest trigger: %1").arg(title) : title);
    draw(m_detail.get(), m_detailLines);

    QList<Line> backlogLines;
    QStringList subscribers;
    for (const auto& trigger : busiest) {
        backlogLines.append({ u"backlog/"_s % trigger, nameOf(trigger), {}, false });
        for (const auto& subscriber : subscribersOf(trigger)) {
            if (!subscribers.contains(subscriber))
                subscribers.append(subscriber);
        }
    }
    if (!m_graph) {
        // Without the graph the subscribers of the busiest triggers are unknown: show the largest ones instead.
        std::vector<std::pair<double, QString>> ranked;
        const auto ids = m_store->seriesIds();
        for (const auto& id : ids) {
            if (id.startsWith(u"replicas/"_s))
                ranked.emplace_back(m_store->last(id).value_or(0), id.mid(9));
        }
        std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
        for (const auto& entry : ranked)
            subscribers.append(entry.second);
    }
    draw(m_backlog.get(), backlogLines);
    draw(m_replicas.get(), replicaLines(subscribers.mid(0, maxSeriesPerChart)));
}

QStringList ChartPane::busiestTriggers() const
{
    std::vector<std::pair<double, QString>> ranked;
    const auto ids = m_store->seriesIds();
    for (const auto& id : ids) {
        if (id.startsWith(u"backlog/"_s))
            ranked.emplace_back(m_store->last(id).value_or(0), id.mid(8));
    }
    std::sort(ranked.begin(), ranked.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    QStringList triggers;
    for (const auto& entry : ranked) {
        if (triggers.size() >= maxSeriesPerChart)
            break;
        triggers.append(entry.second);
    }
    return triggers;
}

QStringList ChartPane::subscribersOf(const QString& trigger) const
{
    QStringList subscribers;
    if (!m_graph)
        return subscribers;
    const auto edges = m_graph->edgesFrom(trigger);
    for (const auto& edge : edges) {
        if (edge.kind == EdgeKind::DeliversTo)
            subscribers.append(edge.to);
    }
    return subscribers;
}

QStringList ChartPane::triggersOf(const QString& subscriber) const
{
    QStringList triggers;
    if (!m_graph)
        return triggers;
    const auto edges = m_graph->edgesTo(subscriber);
    for (const auto& edge : edges) {
        if (edge.kind != EdgeKind::DeliversTo)
            continue;
        if (const auto* node = m_graph->node(edge.from); node && node->kind == NodeKind::Trigger)
            triggers.append(edge.from);
    }
    std::sort(triggers.begin(), triggers.end());
    return triggers;
}

QList<ChartPane::Line> ChartPane::replicaLines(const QStringList& subscribers) const
{
    QList<Line> lines;
    for (const auto& subscriber : subscribers) {
        const QString replicas = u"replicas/"_s % subscriber;
        lines.append({ replicas, nameOf(subscriber), {}, true });
        lines.append({ u"desired/"_s % subscriber, nameOf(subscriber) % tr(" (wanted)"),
            { ChartSink::LineStyle::Dashed, ChartSink::ValueAxis::Left, replicas, {} }, true });
        lines.append({ u"keda/"_s % subscriber, nameOf(subscriber) % tr(" (KEDA)"),
            { ChartSink::LineStyle::Dotted, ChartSink::ValueAxis::Left, replicas, {} }, true });
    }
    return lines;
}

QList<ChartPane::Line> ChartPane::detailLines(const QString& object, QString& title) const
{
    using Axis = ChartSink::ValueAxis;
    using Style = ChartSink::LineStyle;
    QList<Line> lines;
    if (object.isEmpty()) {
        title = tr("Select a trigger or subscriber to chart it");
        return lines;
    }
    const auto* node = m_graph ? m_graph->node(object) : nullptr;
    const bool isSubscriber = node ? node->kind == NodeKind::Subscriber
                                   : !m_store->seriesIds().contains(u"backlog/"_s % object)
            && m_store->seriesIds().contains(u"replicas/"_s % object);
    QStringList triggers;
    QStringList subscribers;
    if (isSubscriber) {
        triggers = triggersOf(object).mid(0, int(triggerColours.size()));
        subscribers = { object };
        title = tr("Subscriber %1").arg(labelOf(object));
        if (!triggers.isEmpty())
            title += tr(" ← %n trigger(s)", nullptr, int(triggers.size()));
    } else {
        triggers = { object };
        subscribers = subscribersOf(object);
        title = tr("Trigger %1").arg(labelOf(object));
        if (!subscribers.isEmpty())
            title += tr(" → %1").arg(labelOf(subscribers.constFirst()));
    }

    if (triggers.size() == 1) {
        const QString& trigger = triggers.constFirst();
        lines.append(
            { u"backlog/"_s % trigger, tr("backlog"), { Style::Solid, Axis::Left, {}, backlogColour }, false });
        lines.append(
            { u"unacked/"_s % trigger, tr("unacknowledged"), { Style::Dashed, Axis::Left, {}, unackedColour }, false });
        lines.append(
            { u"produce/"_s % trigger, tr("produced/s"), { Style::Solid, Axis::Right, {}, produceColour }, false });
        lines.append(
            { u"consume/"_s % trigger, tr("consumed/s"), { Style::Solid, Axis::Right, {}, consumeColour }, false });
    } else {
        // Several triggers feed one subscriber: each its backlog and what it consumes, in its own colour.
        for (qsizetype i = 0; i < triggers.size(); ++i) {
            const QString& trigger = triggers.at(i);
            const QColor colour = triggerColours[std::size_t(i)];
            lines.append({ u"backlog/"_s % trigger, tr("backlog %1").arg(nameOf(trigger)),
                { Style::Solid, Axis::Left, {}, colour }, false });
            lines.append({ u"consume/"_s % trigger, tr("consumed/s %1").arg(nameOf(trigger)),
                { Style::Dotted, Axis::Right, {}, colour }, false });
        }
    }
    if (!subscribers.isEmpty()) {
        const QString& subscriber = subscribers.constFirst();
        lines.append(
            { u"replicas/"_s % subscriber, tr("replicas"), { Style::Solid, Axis::Outer, {}, replicasColour }, true });
        lines.append({ u"desired/"_s % subscriber, tr("desired by the autoscaler"),
            { Style::Dashed, Axis::Outer, {}, replicasColour }, true });
    }
    // KEDA scales the subscriber; its wanted replicas may be recorded under the subscriber or the trigger.
    for (const auto& key : subscribers + triggers) {
        lines.append({ u"keda/"_s % key, tr("wanted by KEDA"), { Style::Dotted, Axis::Outer, {}, kedaColour }, true });
    }

    const auto ids = m_store->seriesIds();
    QList<Line> present;
    for (const auto& line : std::as_const(lines)) {
        if (ids.contains(line.id))
            present.append(line);
    }
    return present;
}

void ChartPane::draw(ChartSink* sink, const QList<Line>& lines)
{
    // A column per pixel of the plot; before the first layout the widget's width is the best guess.
    int width = sink->plotWidth();
    if (width <= 0)
        width = std::max(sink->widget()->width(), 100);
    const int buckets = std::max(1, width - 1);

    const auto ids = m_store->seriesIds();
    QStringList wanted;
    for (const auto& line : lines) {
        if (ids.contains(line.id))
            wanted.append(line.id);
    }
    // Gone ones first, so that their colours are free for the new ones.
    const auto present = sink->seriesIds();
    for (const auto& id : present) {
        if (!wanted.contains(id))
            sink->removeSeries(id);
    }
    QStringList shown;
    for (const auto& line : lines) {
        if (!wanted.contains(line.id) || shown.contains(line.id))
            continue;
        const auto samples = recorded(line.id);
        // Silences count as gaps only between raw samples: min/max buckets are spaced unevenly by nature, and the
        // store marks their gaps itself.
        const double gap = rawReaches(line.id) ? gapIntervals * SeriesDownsampler::typicalInterval(samples) : 0;
        auto points = SeriesDownsampler::minMax(samples, double(m_from), double(m_to), buckets, gap);
        if (line.step)
            points = SeriesDownsampler::toSteps(points);
        sink->setSeries(line.id, line.label, points, line.style);
        shown.append(line.id);
    }
    sink->setTimeWindow(m_from, m_to);
}

bool ChartPane::rawReaches(const QString& id) const
{
    if (m_store->size(id) < m_store->capacity())
        return true;
    const auto raw = m_store->points(id);
    return !raw.isEmpty() && raw.constFirst().x() <= double(m_from);
}

QList<QPointF> ChartPane::recorded(const QString& id) const
{
    // Everything the store has for the window: its raw samples while they reach back that far, else its minute or
    // five-minute buckets; NaN marks where a source was unreachable. The pane downsamples to the plot itself.
    auto points = m_store->range(id, m_from, std::numeric_limits<int>::max());
    const auto end = std::upper_bound(
        points.cbegin(), points.cend(), double(m_to), [](double x, const QPointF& point) { return x < point.x(); });
    points.resize(end - points.cbegin());
    return points;
}

bool ChartPane::exportCsv(const QString& path) const
{
    const auto ids = m_store->seriesIds();
    QStringList columns;
    for (const auto& line : m_detailLines) {
        if (ids.contains(line.id))
            columns.append(line.id);
    }
    // Series are sampled at their own moments: one row per moment any of them has a sample.
    std::map<qint64, QList<double>> rows;
    for (qsizetype column = 0; column < columns.size(); ++column) {
        const auto samples = recorded(columns.at(column));
        for (const auto& sample : samples) {
            auto& row = rows[qint64(sample.x())];
            if (row.isEmpty())
                row.fill(std::nan(""), columns.size());
            row[column] = sample.y();
        }
    }

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return false;
    QTextStream out(&file);
    out << "time";
    for (const auto& column : std::as_const(columns))
        out << ',' << csvField(column);
    out << '\n';
    for (const auto& [ms, values] : rows) {
        out << QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
        for (const double value : values) {
            out << ',';
            if (!std::isnan(value))
                out << QString::number(value, 'g', 15);
        }
        out << '\n';
    }
    out.flush();
    return file.commit();
}

bool ChartPane::exportPng(const QString& path) const
{
    auto* widget = m_detail->widget();
    const qreal ratio = std::max<qreal>(2, widget->devicePixelRatioF());
    const QSize size = widget->size().expandedTo(QSize(1, 1));
    QImage image(size * ratio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ratio);
    image.fill(widget->palette().color(QPalette::Window));
    widget->render(&image);
    return image.save(path, "PNG");
}

void ChartPane::exportCsvInteractively()
{
    const QString suggested = (m_shown.isEmpty() ? u"chart"_s : nameOf(m_shown)) % u".csv"_s;
    const auto path = QFileDialog::getSaveFileName(this, tr("Export chart data"), suggested, tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !exportCsv(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
}

void ChartPane::exportPngInteractively()
{
    const QString suggested = (m_shown.isEmpty() ? u"chart"_s : nameOf(m_shown)) % u".png"_s;
    const auto path = QFileDialog::getSaveFileName(this, tr("Export chart"), suggested, tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportPng(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
}
