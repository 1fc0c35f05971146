// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

struct SeriesSample {
    QString series;
    qint64 timestampMs = 0;
    double value = 0;
    friend bool operator==(const SeriesSample&, const SeriesSample&) = default;
};
Q_DECLARE_METATYPE(SeriesSample)

// Time series of measurements (backlog per trigger, replicas per subscriber, ...), one bounded ring buffer per
// series id: memory stays bounded however long the console runs. Points are kept in timestamp order; x is the
// timestamp in ms since the epoch, y the value. Lives on the GUI thread (monitors hand their snapshots over first).
class SeriesStore : public QObject {
    Q_OBJECT
public:
    static constexpr qsizetype defaultCapacity = 3600;

    explicit SeriesStore(QObject* parent = nullptr);
    explicit SeriesStore(qsizetype capacityPerSeries, QObject* parent = nullptr);

    qsizetype capacity() const { return m_capacity; }

    void append(const QString& series, qint64 timestampMs, double value);
    // One updated() for the whole batch.
    void appendBatch(const QList<SeriesSample>& samples);
    // Points with timestamp >= sinceMs, oldest first.
    QList<QPointF> points(const QString& series, qint64 sinceMs = 0) const;
    QStringList seriesIds() const;
    std::optional<double> last(const QString& series) const;
    qsizetype size(const QString& series) const;

    // For series whose object is gone, so ids do not pile up either.
    void removeSeries(const QString& series);
    void clear();

Q_SIGNALS:
    void updated();

private:
    // Fixed-capacity ring, oldest point at m_head.
    class Ring {
    public:
        explicit Ring(qsizetype capacity);
        void insert(QPointF point);
        qsizetype size() const { return m_size; }
        const QPointF& at(qsizetype index) const;
        // First logical index whose x >= x.
        qsizetype lowerBound(double x) const;

    private:
        QPointF& slot(qsizetype index);
        std::vector<QPointF> m_points;
        qsizetype m_head = 0;
        qsizetype m_size = 0;
    };

    bool insert(const QString& series, qint64 timestampMs, double value);

    qsizetype m_capacity;
    QHash<QString, Ring> m_series;
};
