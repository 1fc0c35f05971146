// SPDX-License-Identifier: Apache-2.0
#include "eventcollection.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QString dataKindName(CloudEvent::DataKind kind)
{
    switch (kind) {
    case CloudEvent::DataKind::Json:
        return u"json"_s;
    case CloudEvent::DataKind::Text:
        return u"text"_s;
    case CloudEvent::DataKind::Binary:
        return u"binary"_s;
    case CloudEvent::DataKind::None:
        break;
    }
    return u"none"_s;
}

CloudEvent::DataKind dataKindOf(const QString& name)
{
    if (name == u"json")
        return CloudEvent::DataKind::Json;
    if (name == u"text")
        return CloudEvent::DataKind::Text;
    if (name == u"binary")
        return CloudEvent::DataKind::Binary;
    return CloudEvent::DataKind::None;
}

QJsonObject toJsonObject(const QMap<QString, QString>& map)
{
    QJsonObject object;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QMap<QString, QString> toStringMap(const QJsonObject& object)
{
    QMap<QString, QString> map;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

} // namespace

void SavedEvent::applyExtensionTypes()
{
    eventTemplate.extensionTypes.clear();
    for (auto it = extensionTypeNames.constBegin(); it != extensionTypeNames.constEnd(); ++it) {
        const int type = EventCollection::metaTypeOf(it.value());
        if (type != QMetaType::QString)
            eventTemplate.extensionTypes.insert(it.key(), type);
    }
}

const QStringList& EventCollection::typeNames()
{
    static const QStringList names { u"string"_s, u"integer"_s, u"boolean"_s, u"binary"_s, u"uri"_s, u"uri-reference"_s,
        u"timestamp"_s };
    return names;
}

int EventCollection::metaTypeOf(const QString& typeName)
{
    if (typeName == u"integer")
        return QMetaType::Int;
    if (typeName == u"boolean")
        return QMetaType::Bool;
    if (typeName == u"binary")
        return QMetaType::QByteArray;
    if (typeName == u"timestamp")
        return QMetaType::QDateTime;
    return QMetaType::QString;
}

QString EventCollection::typeNameOf(int metaType)
{
    switch (metaType) {
    case QMetaType::Int:
        return u"integer"_s;
    case QMetaType::Bool:
        return u"boolean"_s;
    case QMetaType::QByteArray:
        return u"binary"_s;
    case QMetaType::QDateTime:
        return u"timestamp"_s;
    default:
        return u"string"_s;
    }
}

QJsonObject SavedEvent::toJson() const
{
    const auto& t = eventTemplate;
    QMap<QString, QString> types = extensionTypeNames;
    for (auto it = t.extensionTypes.constBegin(); it != t.extensionTypes.constEnd(); ++it) {
        if (!types.contains(it.key()))
            types.insert(it.key(), EventCollection::typeNameOf(it.value()));
    }
    QJsonObject object { { u"name"_s, name }, { u"attributes"_s, toJsonObject(t.attributes) },
        { u"extensionTypes"_s, toJsonObject(types) }, { u"dataKind"_s, dataKindName(t.dataKind) } };
    object.insert(u"data"_s,
        t.dataKind == CloudEvent::DataKind::Binary ? QString::fromLatin1(t.data.toBase64())
                                                   : QString::fromUtf8(t.data));
    if (target.kind != PublishTarget::Kind::None)
        object.insert(u"target"_s, target.toJson());
    return object;
}

std::optional<SavedEvent> SavedEvent::fromJson(const QJsonObject& object, QString* error)
{
    if (!object.value(u"attributes"_s).isObject()) {
        if (error)
            *error = u"\"attributes\" is missing or not an object"_s;
        return std::nullopt;
    }
    SavedEvent saved;
    saved.name = object.value(u"name"_s).toString();
    saved.eventTemplate.attributes = toStringMap(object.value(u"attributes"_s).toObject());
    saved.extensionTypeNames = toStringMap(object.value(u"extensionTypes"_s).toObject());
    saved.applyExtensionTypes();
    saved.eventTemplate.dataKind = dataKindOf(object.value(u"dataKind"_s).toString());
    const auto data = object.value(u"data"_s).toString();
    saved.eventTemplate.data = saved.eventTemplate.dataKind == CloudEvent::DataKind::Binary
        ? QByteArray::fromBase64(data.toLatin1())
        : data.toUtf8();
    if (object.value(u"target"_s).isObject())
        saved.target = PublishTarget::fromJson(object.value(u"target"_s).toObject());
    return saved;
}

QJsonObject EventCollection::toJson() const
{
    QJsonArray array;
    for (const auto& saved : events)
        array.append(saved.toJson());
    return { { u"name"_s, name }, { u"format"_s, u"meshscope.collection/1"_s }, { u"events"_s, array } };
}

std::optional<EventCollection> EventCollection::fromJson(const QJsonObject& object, QString* error)
{
    if (!object.value(u"events"_s).isArray()) {
        if (error)
            *error = u"not a collection: \"events\" is missing or not an array"_s;
        return std::nullopt;
    }
    EventCollection collection;
    collection.name = object.value(u"name"_s).toString();
    const auto array = object.value(u"events"_s).toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        QString reason;
        auto saved = SavedEvent::fromJson(array.at(i).toObject(), &reason);
        if (!saved) {
            if (error)
                *error = u"events["_s % QString::number(i) % u"]: "_s % reason;
            return std::nullopt;
        }
        collection.events.append(*saved);
    }
    return collection;
}

QString EventCollection::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) % u"/collections"_s;
}

QString EventCollection::filePath(const QString& directory, const QString& name)
{
    return directory % u'/' % QString::fromLatin1(QUrl::toPercentEncoding(name)) % u".json"_s;
}

QStringList EventCollection::names(const QString& directory)
{
    QStringList result;
    const auto files = QDir(directory).entryList({ u"*.json"_s }, QDir::Files, QDir::Name);
    for (const auto& file : files)
        result.append(QUrl::fromPercentEncoding(file.chopped(5).toLatin1()));
    result.sort(Qt::CaseInsensitive);
    return result;
}

std::optional<EventCollection> EventCollection::load(const QString& directory, const QString& name, QString* error)
{
    QFile file(filePath(directory, name));
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.fileName() % u": "_s % file.errorString();
        return std::nullopt;
    }
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        if (error)
            *error = file.fileName() % u": "_s
                % (parseError.error != QJsonParseError::NoError ? parseError.errorString() : u"not a JSON object"_s);
        return std::nullopt;
    }
    auto collection = fromJson(document.object(), error);
    if (collection && collection->name.isEmpty())
        collection->name = name;
    return collection;
}

bool EventCollection::save(const QString& directory, QString* error) const
{
    if (name.trimmed().isEmpty()) {
        if (error)
            *error = u"a collection needs a name"_s;
        return false;
    }
    if (!QDir().mkpath(directory)) {
        if (error)
            *error = u"cannot create "_s % directory;
        return false;
    }
    QSaveFile file(filePath(directory, name));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(toJson()).toJson()) < 0 || !file.commit()) {
        if (error)
            *error = file.fileName() % u": "_s % file.errorString();
        return false;
    }
    return true;
}

bool EventCollection::remove(const QString& directory, const QString& name)
{
    return QFile::remove(filePath(directory, name));
}
