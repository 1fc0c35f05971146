// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

// Reads Kubernetes manifests (multi-document YAML, JSON objects, lists and arrays) into KnativeObjects.
// YAML and JSON share one typed extractor: YAML is first converted to JSON (YAML 1.2 core schema), keeping the
// position of every node so that problems can be reported as file:line:column. Nothing here throws.
namespace ManifestParser {

struct ParseResult {
    QList<KnativeObjectPtr> objects;
    QList<SourceIssue> issues;
};

// Where one node of a YAML document is, 1-based; key* are 0 for nodes that are not mapping values.
struct NodePosition {
    int keyLine = 0;
    int keyColumn = 0;
    int line = 0;
    int column = 0;
};

// One YAML document as JSON, with the position of each node by JSON pointer (RFC 6901, "/spec/filters/0").
struct YamlDocument {
    QJsonValue value;
    SourceLocation location; // the first node of the document
    QHash<QString, NodePosition> positions;

    // The key of the node at pointer if it has one, else the node itself; the nearest known ancestor when the
    // pointer is not in the document (a missing field is reported at its parent).
    SourceLocation locate(const QString& pointer) const;
};

struct YamlDocuments {
    QList<YamlDocument> documents; // empty documents are left out
    QList<SourceIssue> issues; // syntax errors; parsing resumes at the next "---" line after one
};

YamlDocuments loadYaml(const QByteArray& text, const QString& fileName);

ParseResult parseYaml(const QByteArray& text, const QString& fileName);
// A single object, a "kind: *List" object with items, or an array of objects.
ParseResult parseJson(const QByteArray& json, const QString& origin);

// The typed fields of one object as the Kubernetes API returns it. Lenient: null only when the object has no
// apiVersion, kind or metadata.name; fields of the wrong type are left empty.
KnativeObjectPtr fromJson(const QJsonObject& object, const QString& origin);

// The typed extraction with every problem reported. document (may be null) gives positions for nodes under
// pointer. Returns null when the object cannot be identified; other errors still return the object.
KnativeObjectPtr extract(const QJsonObject& object, const QString& origin, const YamlDocument* document,
    const QString& pointer, QList<SourceIssue>& issues);

// Block-style YAML for display; apiVersion, kind, metadata, spec and status come first, other keys sorted.
QString toYaml(const QJsonObject& object);

// "parent/key" with '~' and '/' escaped as RFC 6901 requires.
QString jsonPointer(const QString& parent, const QString& key);
QString jsonPointer(const QString& parent, qsizetype index);

} // namespace ManifestParser
