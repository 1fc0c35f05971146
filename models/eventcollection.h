// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "eventpublisher.h"
#include "templateengine.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// One saved event template, with the target it was composed for (Kind None when none).
struct SavedEvent {
    QString name;
    CloudEventTemplate eventTemplate;
    // Extension types as the CloudEvents type system names them: boolean, integer, string, binary, uri,
    // uri-reference, timestamp. They keep the URI kinds, which CloudEventTemplate holds as strings.
    QMap<QString, QString> extensionTypeNames;
    PublishTarget target;

    // The template's extension types from extensionTypeNames (a missing name is a string).
    void applyExtensionTypes();
    // As a collection file holds it; fromJson() says which field is wrong.
    QJsonObject toJson() const;
    static std::optional<SavedEvent> fromJson(const QJsonObject& object, QString* error);
    friend bool operator==(const SavedEvent&, const SavedEvent&) = default;
};

// A named collection of event templates, one JSON file each under a directory (by default
// QStandardPaths::AppDataLocation/collections), written atomically with QSaveFile.
class EventCollection {
public:
    QString name;
    QList<SavedEvent> events;

    QJsonObject toJson() const;
    static std::optional<EventCollection> fromJson(const QJsonObject& object, QString* error);

    static QString defaultDirectory();
    // Names of the collections saved in the directory, sorted.
    static QStringList names(const QString& directory);
    static std::optional<EventCollection> load(const QString& directory, const QString& name, QString* error);
    bool save(const QString& directory, QString* error) const;
    static bool remove(const QString& directory, const QString& name);
    // The file a collection is kept in: the name percent-encoded (so '/' and the like are safe) plus ".json".
    static QString filePath(const QString& directory, const QString& name);

    // CloudEvents type names <-> the QMetaType ids CloudEventTemplate uses (uri and uri-reference -> QString).
    static int metaTypeOf(const QString& typeName);
    static QString typeNameOf(int metaType);
    static const QStringList& typeNames();

    friend bool operator==(const EventCollection&, const EventCollection&) = default;
};
