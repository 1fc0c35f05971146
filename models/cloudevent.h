// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVariant>

#include <optional>

// A CloudEvents 1.0.2 event. Attribute values are kept as typed QVariants in the spec's type system:
// Boolean -> bool, Integer -> int, String -> QString, Binary -> QByteArray, URI and URI-reference -> QString
// (kept as typed text, since QUrl would normalise it), Timestamp -> QDateTime (UTC).
class CloudEvent {
public:
    enum class DataKind { None, Text, Json, Binary };

    // Core context attributes.
    QString specVersion = QStringLiteral("1.0");
    QString id;
    QString source; // URI-reference
    QString type;
    QString dataContentType; // empty = unset
    QString dataSchema; // URI, empty = unset
    QString subject; // empty = unset
    std::optional<QDateTime> time;

    // Extension attributes by name; values typed as above.
    QMap<QString, QVariant> extensions;

    // The payload: bytes plus how they were given (JSON value, text, or binary).
    QByteArray data;
    DataKind dataKind = DataKind::None;

    // The canonical string form of any attribute (core or extension) as the spec's type system defines it,
    // or nullopt when the event does not have it. Filters, CESQL and the bindings all read attributes through this.
    std::optional<QString> attribute(const QString& name) const;
    // Names of all attributes present (core ones set, then extensions).
    QStringList attributeNames() const;
    // Sets an attribute by name from its canonical string form; core attributes go to their members.
    // An invalid/null QVariant unsets, as does an empty string for a core attribute (an extension keeps "").
    // "time" takes a QDateTime or an RFC 3339 string; a malformed string is kept as an invalid QDateTime so that
    // validation reports it. Extension values are normalised to the type system: QUrl -> QString,
    // QDateTime -> UTC, integral types within 32 bits -> int; other types are stored as given (the validator
    // rejects them).
    void setAttribute(const QString& name, const QVariant& value);

    friend bool operator==(const CloudEvent&, const CloudEvent&) = default;
};
Q_DECLARE_METATYPE(CloudEvent)

// Canonical string form of one typed attribute value (RFC 3339 for timestamps, base64 for binary, ...).
QString cloudEventValueToString(const QVariant& value);
// Parses an RFC 3339 date-time ("2018-04-05T17:31:00Z", "...:00.123+02:00") into UTC; nullopt when malformed.
// Fractional seconds beyond milliseconds are truncated (QDateTime's precision).
std::optional<QDateTime> parseCloudEventTimestamp(QStringView text);
// The eight core context attribute names in spec order: specversion, id, source, type, datacontenttype,
// dataschema, subject, time.
const QStringList& cloudEventCoreAttributeNames();
