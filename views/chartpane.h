// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "chartsink.h"

#include <QTimer>
#include <QWidget>

#include <memory>

class QAction;
class QComboBox;
class QLabel;
class QtChartSink;
class SeriesStore;
class TopologyGraph;

// Charts of the recorded measurements, all on one time axis: on top the selected trigger (its backlog, produce
// and consume rates, and its subscriber's replicas beside what the autoscaler and KEDA want) or the selected
// subscriber (the triggers that deliver to it); below, the busiest triggers and their subscribers. Reads the
// SeriesStore only while visible and at most twice a second, downsampled to the plot's width; never talks to a
// broker itself.
class ChartPane : public QWidget {
    Q_OBJECT
public:
    enum class Range { FiveMinutes, OneHour, OneDay };
    Q_ENUM(Range)

    // The graph tells which subscriber a trigger delivers to; without it the detail chart shows the object's own
    // series only.
    explicit ChartPane(SeriesStore* store, const TopologyGraph* graph = nullptr, QWidget* parent = nullptr);
    ~ChartPane() override;

    // The object (ObjectKey::toString()) of the detail chart; empty: the busiest trigger.
    void setFocusObject(const QString& objectKey);
    QString focusObject() const { return m_focus; }
    // What the detail chart shows: the focus, or without one the busiest trigger.
    QString shownObject() const { return m_shown; }

    ChartSink* detailChart() const;
    ChartSink* backlogChart() const;
    ChartSink* replicaChart() const;

    void setRange(Range range);
    Range range() const;
    static qint64 rangeMs(Range range);

    // Paused, the charts keep what they show while measurements go on being recorded; resuming jumps to now.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // The time window drawn last.
    qint64 windowFromMs() const { return m_from; }
    qint64 windowToMs() const { return m_to; }

    // The detail chart's series over the drawn window as recorded (raw samples while the store still holds them,
    // else its per-minute or per-5-minute extremes): a "time" column (ISO 8601, UTC) and one column per series,
    // named by its series id; a cell is empty where a series has no sample then, or a gap.
    bool exportCsv(const QString& path) const;
    // The detail chart as drawn, at the screen's device pixel ratio and at least 2.
    bool exportPng(const QString& path) const;

    QAction* pauseAction() const { return m_pauseAction; }
    QAction* exportCsvAction() const { return m_csvAction; }
    QAction* exportPngAction() const { return m_pngAction; }

    // Redraws unless paused. The refresh timer calls it while the pane is visible; data that did not change is
    // not downsampled again, the time axis just moves on.
    void refresh();

    static constexpr int maxSeriesPerChart = 6;
    static constexpr int refreshIntervalMs = 500;
    // A silence longer than this many typical sample intervals is drawn as a gap.
    static constexpr double gapIntervals = 3;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    // Follows the system's light or dark palette: chart backgrounds, titles, axes and legends take its colours.
    void changeEvent(QEvent* event) override;

private:
    struct Line {
        QString id;
        QString label;
        ChartSink::Style style;
        bool step = false;
    };

    void redraw(qint64 now);
    QList<Line> detailLines(const QString& object, QString& title) const;
    QStringList busiestTriggers() const;
    QList<Line> replicaLines(const QStringList& subscribers) const;
    QStringList subscribersOf(const QString& trigger) const;
    QStringList triggersOf(const QString& subscriber) const;
    void draw(ChartSink* sink, const QList<Line>& lines);
    bool rawReaches(const QString& id) const;
    QList<QPointF> recorded(const QString& id) const;
    void exportCsvInteractively();
    void exportPngInteractively();
    void applyPalette();

    SeriesStore* m_store;
    const TopologyGraph* m_graph;
    std::unique_ptr<QtChartSink> m_detail;
    std::unique_ptr<QtChartSink> m_backlog;
    std::unique_ptr<QtChartSink> m_replicas;
    QComboBox* m_range;
    QLabel* m_status;
    QAction* m_pauseAction;
    QAction* m_csvAction;
    QAction* m_pngAction;
    QTimer m_refreshTimer;
    QString m_focus;
    QString m_shown;
    QList<Line> m_detailLines;
    bool m_paused = false;
    bool m_dirty = true;
    qint64 m_from = 0;
    qint64 m_to = 0;
};
