// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

// One key and value of a YAML map, in the order the text has them.
struct DraftEntry {
    QString key;
    QString value;
    friend bool operator==(const DraftEntry&, const DraftEntry&) = default;
};

// The typed fields of a Trigger being edited, read from its YAML text (the first document). The text stays the
// source of truth: the form shows these fields and writes back through the TriggerYaml edits below.
struct TriggerDraft {
    bool valid = false; // the text parses as YAML and its first document is a map
    QString error; // the first syntax error, when not valid
    int errorLine = 0;

    QJsonObject json;
    QString apiVersion;
    QString kind;
    QString name;
    QString ns;
    QList<DraftEntry> labels;
    QList<DraftEntry> annotations;

    QString broker;
    Destination subscriber;
    bool hasFilter = false;
    QList<DraftEntry> filterAttributes;
    QList<SubscriptionsApiFilter> filters;
    DeliverySpec delivery;

    static TriggerDraft parse(const QString& text);
};
Q_DECLARE_METATYPE(TriggerDraft)

// A replacement of text[start, start + length) by replacement, in UTF-16 offsets of the QString.
struct TextEdit {
    int start = 0;
    int length = 0;
    QString replacement;
    friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

// Minimal edits of block-style YAML (what kubectl and kn write) at a path of map keys in the first document:
// everything outside the touched key's lines stays byte-identical, so comments, ordering and unknown fields are
// kept. Missing parent maps are inserted at the indentation of their siblings, in the order kubectl writes them.
// Where the path goes through a flow collection, an anchor or an alias, that key's whole value is rewritten in block
// style. Each function returns non-overlapping edits sorted by start, relative to its input; an empty list when
// nothing changes or the text does not parse.
namespace TriggerYaml {

QList<TextEdit> setScalar(const QString& text, const QStringList& path, const QString& value);
QList<TextEdit> setNumber(const QString& text, const QStringList& path, qint64 value);
// Sets a structured value (or a scalar) given as JSON.
QList<TextEdit> setValue(const QString& text, const QStringList& path, const QJsonValue& value);
// Replaces the value at path by yamlFragment: block YAML at indentation 0 (a map, a sequence or one scalar). An
// empty fragment removes the key.
QList<TextEdit> replaceBlock(const QString& text, const QStringList& path, const QString& yamlFragment);
// Removes the key's lines; maps that become empty below the top level are removed with it.
QList<TextEdit> removeKey(const QString& text, const QStringList& path);
// Renames the last key of path in place; nothing when newKey is already a sibling.
QList<TextEdit> renameKey(const QString& text, const QStringList& path, const QString& newKey);

QString applyEdits(const QString& text, const QList<TextEdit>& edits);

// A scalar as YAML writes it: plain when that reads back as the same string, else quoted.
QString quoted(const QString& value);
// Block YAML at indentation 0, sequences indented under their key as Knative's docs write them; no final newline.
QString toBlockYaml(const QJsonValue& value);

QJsonArray filtersToJson(const QList<SubscriptionsApiFilter>& filters);
QJsonObject filterToJson(const SubscriptionsApiFilter& filter);
QJsonObject referenceToJson(const KReference& ref);
// SubscriptionsApiFilter's defaulted == cannot compare its own nested list; this does, recursively.
bool sameFilters(const QList<SubscriptionsApiFilter>& a, const QList<SubscriptionsApiFilter>& b);

} // namespace TriggerYaml
