// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "matchpreview.h"

#include <QAbstractTableModel>
#include <QList>

// One row per sample event: its id, type and source, whether the draft trigger accepts it, the sub-expression that
// decided, and the other triggers of the broker that receive it too.
class MatchPreviewModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, TypeColumn, SourceColumn, MatchColumn, ReasonColumn, ReceiversColumn, ColumnCount };
    // Where a sample came from, for the tooltip.
    enum class Origin { Typed, Added };

    explicit MatchPreviewModel(QObject* parent = nullptr);

    // results is empty when there is no draft to preview, else one per event. Keeps the view's selection and scroll
    // position when the number of rows stays the same (the usual case while a draft is typed).
    void setRows(const QList<CloudEvent>& events, const QList<Origin>& origins, const QList<MatchPreviewRow>& results);
    const CloudEvent& event(int row) const { return m_events.at(row); }
    // Null when there is no draft.
    const MatchPreviewRow* result(int row) const;
    int matchCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<CloudEvent> m_events;
    QList<Origin> m_origins;
    QList<MatchPreviewRow> m_results;
};
