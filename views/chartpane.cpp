// SPDX-License-Identifier: Apache-2.0
#include "chartpane.h"

#include "qtchartsink.h"
#include "seriesstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace {
QString labelOf(const QString& seriesId)
{
    // Series ids are "<measure>/<group>/<Kind>/<namespace>/<name>": show namespace/name.
    const auto parts = seriesId.split(u'/');
    if (parts.size() < 3)
        return seriesId;
    return parts.at(parts.size() - 2) % u'/' % parts.last();
}
} // namespace

ChartPane::ChartPane(SeriesStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_backlog(std::make_unique<QtChartSink>(tr("events")))
    , m_replicas(std::make_unique<QtChartSink>(tr("replicas")))
    , m_range(new QComboBox)
    , m_pause(new QCheckBox(tr("&Pause")))
{
    m_backlog->setTitle(tr("Backlog per trigger (consumer lag, measured from Kafka)"));
    m_replicas->setTitle(tr("Subscriber replicas (actual, and dashed: what the autoscaler wants)"));
    m_range->addItem(tr("Last minute"), 60 * 1000);
    m_range->addItem(tr("Last 5 minutes"), 5 * 60 * 1000);
    m_range->addItem(tr("Last hour"), 60 * 60 * 1000);
    m_range->addItem(tr("Last 24 hours"), 24 * 60 * 60 * 1000);
    m_range->setAccessibleName(tr("Time range"));
    m_pause->setToolTip(tr("Freeze the charts; measurements go on in the background"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Range:")));
    controls->addWidget(m_range);
    controls->addWidget(m_pause);
    controls->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_backlog->widget(), 1);
    layout->addWidget(m_replicas->widget(), 1);

    // Redraws are throttled to the refresh timer, however often measurements arrive.
    m_refreshTimer.setInterval(500);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ChartPane::refresh);
    connect(m_range, &QComboBox::currentIndexChanged, this, &ChartPane::refresh);
    connect(m_pause, &QCheckBox::toggled, this, [this](bool paused) {
        if (!paused)
            refresh();
    });
    m_refreshTimer.start();
}

ChartPane::~ChartPane() = default;

void ChartPane::setFocusObject(const QString& objectKey)
{
    m_focus = objectKey;
    refresh();
}

void ChartPane::refresh()
{
    if (m_pause->isChecked())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 since = now - m_range->currentData().toLongLong();
    fill(m_backlog.get(), QStringLiteral("backlog/"), since);
    fill(m_replicas.get(), QStringLiteral("replicas/"), since, { QStringLiteral("desired/") });
    m_backlog->setTimeWindow(since, now);
    m_replicas->setTimeWindow(since, now);
}

void ChartPane::fill(ChartSink* sink, const QString& prefix, qint64 since, const QStringList& extraPrefixes)
{
    // The busiest series by their latest value, plus the focused object's.
    std::vector<std::pair<double, QString>> ranked;
    const auto ids = m_store->seriesIds();
    for (const auto& id : ids) {
        if (id.startsWith(prefix))
            ranked.emplace_back(m_store->last(id).value_or(0), id);
    }
    std::sort(ranked.begin(), ranked.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    QStringList chosen;
    const QString focusId = prefix % m_focus;
    if (!m_focus.isEmpty() && ids.contains(focusId))
        chosen.append(focusId);
    for (const auto& entry : ranked) {
        if (chosen.size() >= maxSeriesPerChart)
            break;
        if (!chosen.contains(entry.second))
            chosen.append(entry.second);
    }
    QStringList shown;
    for (const auto& id : std::as_const(chosen)) {
        sink->setSeries(id, labelOf(id), m_store->points(id, since), ChartSink::LineStyle::Solid, {});
        shown.append(id);
        for (const auto& extra : extraPrefixes) {
            const QString extraId = extra % id.mid(prefix.size());
            if (ids.contains(extraId)) {
                sink->setSeries(extraId, labelOf(extraId) % tr(" (wanted)"), m_store->points(extraId, since),
                    ChartSink::LineStyle::Dashed, id);
                shown.append(extraId);
            }
        }
    }
    const auto present = sink->seriesIds();
    for (const auto& id : present) {
        if (!shown.contains(id))
            sink->removeSeries(id);
    }
}
