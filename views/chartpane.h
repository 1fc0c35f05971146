// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTimer>
#include <QWidget>

#include <memory>

class ChartSink;
class QCheckBox;
class QComboBox;
class SeriesStore;

// Backlog per trigger and replicas per subscriber on one time axis. Reads the SeriesStore at most a few
// times a second; never talks to a broker itself.
class ChartPane : public QWidget {
    Q_OBJECT
public:
    explicit ChartPane(SeriesStore* store, QWidget* parent = nullptr);
    ~ChartPane() override;

    // Keeps this object's series on the charts besides the busiest ones (the selection in the graph).
    void setFocusObject(const QString& objectKey);
    ChartSink* backlogChart() const { return m_backlog.get(); }
    ChartSink* replicaChart() const { return m_replicas.get(); }

    static constexpr int maxSeriesPerChart = 6;

private:
    void refresh();
    void fill(ChartSink* sink, const QString& prefix, qint64 since, const QStringList& extraPrefixes = {});

    SeriesStore* m_store;
    std::unique_ptr<ChartSink> m_backlog;
    std::unique_ptr<ChartSink> m_replicas;
    QComboBox* m_range;
    QCheckBox* m_pause;
    QTimer m_refreshTimer;
    QString m_focus;
};
