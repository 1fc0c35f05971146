// SPDX-License-Identifier: Apache-2.0
#include "matchpreviewmodel.h"

#include <QColor>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// Enough names to read in a cell; the tooltip has them all.
constexpr qsizetype shownReceivers = 5;

QString receiverNames(const QList<ObjectKey>& keys, qsizetype limit)
{
    QStringList names;
    for (qsizetype i = 0; i < keys.size() && i < limit; ++i)
        names.append(keys.at(i).name);
    QString text = names.join(u", "_s);
    if (keys.size() > limit)
        text += MatchPreviewModel::tr(" and %n more", nullptr, int(keys.size() - limit));
    return text;
}

} // namespace

MatchPreviewModel::MatchPreviewModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void MatchPreviewModel::setRows(
    const QList<CloudEvent>& events, const QList<Origin>& origins, const QList<MatchPreviewRow>& results)
{
    Q_ASSERT(origins.size() == events.size());
    Q_ASSERT(results.isEmpty() || results.size() == events.size());
    if (events.size() != m_events.size()) {
        beginResetModel();
        m_events = events;
        m_origins = origins;
        m_results = results;
        endResetModel();
        return;
    }
    m_events = events;
    m_origins = origins;
    m_results = results;
    if (!m_events.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_events.size()) - 1, ColumnCount - 1));
}

const MatchPreviewRow* MatchPreviewModel::result(int row) const
{
    return row >= 0 && row < m_results.size() ? &m_results.at(row) : nullptr;
}

int MatchPreviewModel::matchCount() const
{
    return int(std::count_if(
        m_results.cbegin(), m_results.cend(), [](const MatchPreviewRow& result) { return result.matches; }));
}

int MatchPreviewModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_events.size()); }

int MatchPreviewModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant MatchPreviewModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& event = m_events.at(index.row());
    const auto* result = this->result(index.row());
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case IdColumn:
            return event.id;
        case TypeColumn:
            return event.type;
        case SourceColumn:
            return event.source;
        case MatchColumn:
            if (!result)
                return u"–"_s;
            return result->unsupported ? u"?"_s : result->matches ? u"✓"_s : u"✗"_s;
        case ReasonColumn:
            return result ? result->reason : QString();
        case ReceiversColumn:
            return result ? receiverNames(result->alsoReceivedBy, shownReceivers) : QString();
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case IdColumn:
        case TypeColumn:
        case SourceColumn:
            return m_origins.at(index.row()) == Origin::Typed ? tr("Typed sample") : tr("From the publisher's history");
        case MatchColumn:
            if (!result)
                return tr("No draft to preview");
            return result->unsupported ? tr("Cannot tell: part of the filter cannot be evaluated")
                : result->matches      ? tr("The draft receives this event")
                                       : tr("The draft does not receive this event");
        case ReasonColumn:
            return result ? result->reason : QString();
        case ReceiversColumn: {
            if (!result)
                return {};
            QStringList keys;
            for (const auto& key : result->alsoReceivedBy)
                keys.append(key.ns % u'/' % key.name);
            return keys.join(u'\n');
        }
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ForegroundRole && column == MatchColumn && result && !result->unsupported)
        return QColor(result->matches ? Qt::darkGreen : Qt::darkRed);
    if (role == Qt::TextAlignmentRole && column == MatchColumn)
        return int(Qt::AlignCenter);
    return {};
}

QVariant MatchPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case IdColumn:
        return tr("Id");
    case TypeColumn:
        return tr("Type");
    case SourceColumn:
        return tr("Source");
    case MatchColumn:
        return tr("Match");
    case ReasonColumn:
        return tr("Decided by");
    case ReceiversColumn:
        return tr("Also received by");
    case ColumnCount:
        break;
    }
    return {};
}
