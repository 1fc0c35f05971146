// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QHash>
#include <QObject>
#include <QSet>

class ObjectSource;

// The current objects, whatever their source. Emits the effective changes of every update as one batch.
class ObjectStore : public QObject {
    Q_OBJECT
public:
    explicit ObjectStore(QObject* parent = nullptr);

    void connectSource(ObjectSource* source);

    // Applies incremental changes; an Added for a known key counts as Modified, a Deleted for an unknown one is
    // dropped.
    void apply(const ObjectChangeBatch& batch);
    // Replaces the objects of one origin by the given set.
    void replaceOrigin(const QString& origin, const QList<KnativeObjectPtr>& objects);
    void clear();

    KnativeObjectPtr find(const ObjectKey& key) const;
    QList<KnativeObjectPtr> objects() const;
    QList<KnativeObjectPtr> objects(ObjectKind kind) const;
    qsizetype size() const { return m_objects.size(); }

Q_SIGNALS:
    void changed(const ObjectChangeBatch& batch);

private:
    void put(const KnativeObjectPtr& object, ObjectChangeBatch& effective);
    void remove(const ObjectKey& key, ObjectChangeBatch& effective);

    QHash<ObjectKey, KnativeObjectPtr> m_objects;
    QHash<QString, QSet<ObjectKey>> m_byOrigin;
};
