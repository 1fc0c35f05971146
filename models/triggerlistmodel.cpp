// SPDX-License-Identifier: Apache-2.0
#include "triggerlistmodel.h"

#include "filterevaluator.h"
#include "objectstore.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// Above this many trigger changes in one batch a reset is cheaper than row-by-row signals.
constexpr qsizetype resetThreshold = 100;

QString readinessText(Readiness readiness)
{
    switch (readiness) {
    case Readiness::Ready:
        return u"True"_s;
    case Readiness::NotReady:
        return u"False"_s;
    case Readiness::Unknown:
        break;
    }
    return u"Unknown"_s;
}
} // namespace

TriggerListModel::TriggerListModel(ObjectStore* store, QObject* parent)
    : QAbstractTableModel(parent)
{
    if (!store)
        return;
    auto triggers = store->objects(ObjectKind::Trigger);
    std::sort(triggers.begin(), triggers.end(), [](const auto& a, const auto& b) { return a->key < b->key; });
    m_rows.reserve(triggers.size());
    for (const auto& trigger : std::as_const(triggers))
        m_rows.append(rowFor(trigger));
    reindexFrom(0);
    connect(store, &ObjectStore::changed, this, &TriggerListModel::onStoreChanged);
}

int TriggerListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

int TriggerListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TriggerListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& row = m_rows.at(index.row());
    const auto& object = *row.object;
    switch (role) {
    case ObjectKeyRole:
        return object.key.toString();
    case ReadinessRole:
        return int(object.readiness());
    case Qt::ToolTipRole:
        if (index.column() == ReadyColumn)
            return object.readinessReason();
        if (index.column() == SubscriberColumn && !object.subscriberUri.isEmpty())
            return object.subscriberUri;
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case NamespaceColumn:
        return object.key.ns;
    case NameColumn:
        return object.key.name;
    case BrokerColumn:
        return row.broker;
    case FilterColumn:
        return row.filter;
    case SubscriberColumn:
        return row.subscriber;
    case ReadyColumn:
        return readinessText(object.readiness());
    case BacklogColumn: {
        const auto it = m_backlog.constFind(object.key);
        return it == m_backlog.constEnd() ? QVariant() : QVariant(it.value());
    }
    default:
        return {};
    }
}

QVariant TriggerListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NamespaceColumn:
        return u"Namespace"_s;
    case NameColumn:
        return u"Name"_s;
    case BrokerColumn:
        return u"Broker"_s;
    case FilterColumn:
        return u"Filter"_s;
    case SubscriberColumn:
        return u"Subscriber"_s;
    case ReadyColumn:
        return u"Ready"_s;
    case BacklogColumn:
        return u"Backlog"_s;
    default:
        return {};
    }
}

void TriggerListModel::setBacklog(const QHash<ObjectKey, qint64>& backlogByTrigger)
{
    m_backlog = backlogByTrigger;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, BacklogColumn), index(int(m_rows.size()) - 1, BacklogColumn), { Qt::DisplayRole });
}

KnativeObjectPtr TriggerListModel::trigger(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).object : KnativeObjectPtr();
}

TriggerListModel::Row TriggerListModel::rowFor(const KnativeObjectPtr& object)
{
    Row row;
    row.object = object;
    const auto broker = brokerKeyOfTrigger(*object);
    row.broker = broker.ns == object->key.ns ? broker.name : broker.ns % u'/' % broker.name;
    row.filter = triggerFilterSummary(*object);
    row.subscriber = object->subscriber.ref.isEmpty() ? object->subscriber.uri : object->subscriber.ref.name;
    return row;
}

void TriggerListModel::onStoreChanged(const ObjectChangeBatch& batch)
{
    ObjectChangeBatch triggerChanges;
    for (const auto& change : batch) {
        if (change.object && change.object->kind == ObjectKind::Trigger)
            triggerChanges.append(change);
    }
    if (triggerChanges.isEmpty())
        return;
    if (triggerChanges.size() > resetThreshold) {
        beginResetModel();
        applyWithoutSignals(triggerChanges);
        endResetModel();
        return;
    }
    for (const auto& change : std::as_const(triggerChanges)) {
        const auto& key = change.object->key;
        const int row = m_rowOf.value(key, -1);
        if (change.type == ObjectChange::Type::Deleted) {
            if (row < 0)
                continue;
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            m_rowOf.remove(key);
            reindexFrom(row);
            endRemoveRows();
        } else if (row >= 0) {
            m_rows[row] = rowFor(change.object);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            const int newRow = int(m_rows.size());
            beginInsertRows({}, newRow, newRow);
            m_rows.append(rowFor(change.object));
            m_rowOf.insert(key, newRow);
            endInsertRows();
        }
    }
}

void TriggerListModel::applyWithoutSignals(const ObjectChangeBatch& triggerChanges)
{
    QSet<ObjectKey> removed;
    for (const auto& change : triggerChanges) {
        const auto& key = change.object->key;
        if (change.type == ObjectChange::Type::Deleted) {
            if (m_rowOf.contains(key))
                removed.insert(key);
            continue;
        }
        removed.remove(key);
        const int row = m_rowOf.value(key, -1);
        if (row >= 0) {
            m_rows[row] = rowFor(change.object);
        } else {
            m_rowOf.insert(key, int(m_rows.size()));
            m_rows.append(rowFor(change.object));
        }
    }
    if (removed.isEmpty())
        return;
    m_rows.removeIf([&removed](const Row& row) { return removed.contains(row.object->key); });
    m_rowOf.clear();
    reindexFrom(0);
}

void TriggerListModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows.at(i).object->key, i);
}
