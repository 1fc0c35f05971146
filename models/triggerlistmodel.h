// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QAbstractTableModel>
#include <QHash>

class ObjectStore;

// The triggers of an ObjectStore, one row each, kept up to date batch by batch. Rows are in arrival order;
// sorting is left to a proxy.
class TriggerListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NamespaceColumn,
        NameColumn,
        BrokerColumn,
        FilterColumn,
        SubscriberColumn,
        ReadyColumn,
        BacklogColumn,
        ColumnCount
    };
    enum Role {
        ObjectKeyRole = Qt::UserRole + 1, // ObjectKey::toString()
        ReadinessRole, // int(Readiness), for views that colour the Ready column
    };

    explicit TriggerListModel(ObjectStore* store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Messages not yet delivered per trigger (from a lag monitor); triggers absent from the map show nothing.
    void setBacklog(const QHash<ObjectKey, qint64>& backlogByTrigger);

    KnativeObjectPtr trigger(int row) const;
    int rowOf(const ObjectKey& key) const { return m_rowOf.value(key, -1); }

private:
    struct Row {
        KnativeObjectPtr object;
        QString broker;
        QString filter;
        QString subscriber;
    };
    static Row rowFor(const KnativeObjectPtr& object);
    void onStoreChanged(const ObjectChangeBatch& batch);
    void applyWithoutSignals(const ObjectChangeBatch& triggerChanges);
    void reindexFrom(int row);

    QList<Row> m_rows;
    QHash<ObjectKey, int> m_rowOf;
    QHash<ObjectKey, qint64> m_backlog;
};
