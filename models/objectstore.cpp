// SPDX-License-Identifier: Apache-2.0
#include "objectstore.h"

#include "objectsource.h"

QString SourceIssue::toString() const
{
    const auto where = location.toString();
    return where.isEmpty() ? message : where % QStringLiteral(": ") % message;
}

ObjectStore::ObjectStore(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<ObjectChangeBatch>();
    qRegisterMetaType<KnativeObjectPtr>();
}

void ObjectStore::connectSource(ObjectSource* source)
{
    connect(source, &ObjectSource::changes, this, &ObjectStore::apply);
    connect(source, &ObjectSource::snapshot, this, &ObjectStore::replaceOrigin);
}

void ObjectStore::put(const KnativeObjectPtr& object, ObjectChangeBatch& effective)
{
    auto it = m_objects.find(object->key);
    if (it == m_objects.end()) {
        m_objects.insert(object->key, object);
        effective.append({ ObjectChange::Type::Added, object });
    } else {
        if (it.value()->origin != object->origin)
            m_byOrigin[it.value()->origin].remove(object->key);
        it.value() = object;
        effective.append({ ObjectChange::Type::Modified, object });
    }
    m_byOrigin[object->origin].insert(object->key);
}

void ObjectStore::remove(const ObjectKey& key, ObjectChangeBatch& effective)
{
    const auto it = m_objects.constFind(key);
    if (it == m_objects.constEnd())
        return;
    const auto object = it.value();
    m_objects.erase(it);
    m_byOrigin[object->origin].remove(key);
    effective.append({ ObjectChange::Type::Deleted, object });
}

void ObjectStore::apply(const ObjectChangeBatch& batch)
{
    ObjectChangeBatch effective;
    effective.reserve(batch.size());
    for (const auto& change : batch) {
        if (!change.object)
            continue;
        if (change.type == ObjectChange::Type::Deleted)
            remove(change.object->key, effective);
        else
            put(change.object, effective);
    }
    if (!effective.isEmpty())
        Q_EMIT changed(effective);
}

void ObjectStore::replaceOrigin(const QString& origin, const QList<KnativeObjectPtr>& objects)
{
    ObjectChangeBatch effective;
    QSet<ObjectKey> incoming;
    incoming.reserve(objects.size());
    for (const auto& object : objects)
        incoming.insert(object->key);
    const auto previous = m_byOrigin.value(origin);
    for (const auto& key : previous) {
        if (!incoming.contains(key))
            remove(key, effective);
    }
    for (const auto& object : objects) {
        const auto existing = m_objects.value(object->key);
        // Unchanged documents produce no change, so re-reading a folder touches only what differs.
        if (existing && existing->origin == object->origin && existing->raw == object->raw)
            continue;
        put(object, effective);
    }
    if (!effective.isEmpty())
        Q_EMIT changed(effective);
}

void ObjectStore::clear()
{
    ObjectChangeBatch effective;
    const auto keys = m_objects.keys();
    for (const auto& key : keys)
        remove(key, effective);
    m_byOrigin.clear();
    if (!effective.isEmpty())
        Q_EMIT changed(effective);
}

KnativeObjectPtr ObjectStore::find(const ObjectKey& key) const { return m_objects.value(key); }

QList<KnativeObjectPtr> ObjectStore::objects() const { return m_objects.values(); }

QList<KnativeObjectPtr> ObjectStore::objects(ObjectKind kind) const
{
    QList<KnativeObjectPtr> result;
    for (const auto& object : m_objects) {
        if (object->kind == kind)
            result.append(object);
    }
    return result;
}
