// SPDX-License-Identifier: Apache-2.0
#include "crdschema.h"

#include "cloudevent.h"
#include "cloudeventcodec.h"

#include <QDate>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

#include <cmath>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

struct CrdSchema::Node {
    enum class Type { Any, Object, Array, String, Integer, Number, Boolean };
    Type type = Type::Any;
    bool nullable = false;
    bool preserveUnknownFields = false;
    bool intOrString = false;
    bool embeddedResource = false;
    QHash<QString, std::shared_ptr<const Node>> properties;
    QStringList propertyNames; // in schema order, for messages
    std::shared_ptr<const Node> additionalProperties; // the schema of a map's values
    bool anyAdditionalProperties = false; // additionalProperties: true
    std::shared_ptr<const Node> items;
    QStringList required;
    QJsonArray enumValues;
    QString format;
    std::optional<QRegularExpression> pattern;
    std::optional<double> minimum;
    std::optional<double> maximum;
    bool exclusiveMinimum = false;
    bool exclusiveMaximum = false;
    std::optional<qint64> minLength;
    std::optional<qint64> maxLength;
    std::optional<qint64> minItems;
    std::optional<qint64> maxItems;
    std::optional<qint64> minProperties;
    std::optional<qint64> maxProperties;
};

namespace {

using Node = CrdSchema::Node;
using ManifestParser::jsonPointer;

// A hostile CRD from a cluster cannot make compiling or validating recurse without bound.
constexpr int maxSchemaDepth = 100;

std::optional<qint64> count(const QJsonObject& schema, QLatin1StringView key)
{
    const auto value = schema.value(key);
    if (!value.isDouble())
        return std::nullopt;
    return qint64(value.toDouble());
}

std::optional<double> number(const QJsonObject& schema, QLatin1StringView key)
{
    const auto value = schema.value(key);
    if (!value.isDouble())
        return std::nullopt;
    return value.toDouble();
}

std::shared_ptr<const Node> compile(const QJsonObject& schema, int depth, QString* error)
{
    if (depth > maxSchemaDepth) {
        if (error && error->isEmpty())
            *error = QStringLiteral("the schema is nested more than %1 levels deep").arg(maxSchemaDepth);
        return std::make_shared<const Node>();
    }
    auto node = std::make_shared<Node>();
    static const QHash<QString, Node::Type> types {
        { u"object"_s, Node::Type::Object },
        { u"array"_s, Node::Type::Array },
        { u"string"_s, Node::Type::String },
        { u"integer"_s, Node::Type::Integer },
        { u"number"_s, Node::Type::Number },
        { u"boolean"_s, Node::Type::Boolean },
    };
    node->type = types.value(schema.value("type"_L1).toString(), Node::Type::Any);
    node->nullable = schema.value("nullable"_L1).toBool();
    node->preserveUnknownFields = schema.value("x-kubernetes-preserve-unknown-fields"_L1).toBool();
    node->intOrString = schema.value("x-kubernetes-int-or-string"_L1).toBool();
    node->embeddedResource = schema.value("x-kubernetes-embedded-resource"_L1).toBool();
    const auto properties = schema.value("properties"_L1).toObject();
    for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
        node->properties.insert(it.key(), compile(it.value().toObject(), depth + 1, error));
        node->propertyNames.append(it.key());
    }
    const auto additional = schema.value("additionalProperties"_L1);
    if (additional.isObject())
        node->additionalProperties = compile(additional.toObject(), depth + 1, error);
    node->anyAdditionalProperties = additional.isBool() && additional.toBool();
    if (schema.value("items"_L1).isObject())
        node->items = compile(schema.value("items"_L1).toObject(), depth + 1, error);
    for (const auto& name : schema.value("required"_L1).toArray())
        node->required.append(name.toString());
    node->enumValues = schema.value("enum"_L1).toArray();
    node->format = schema.value("format"_L1).toString();
    if (schema.value("pattern"_L1).isString()) {
        QRegularExpression pattern(schema.value("pattern"_L1).toString());
        if (pattern.isValid())
            node->pattern = pattern;
    }
    node->minimum = number(schema, "minimum"_L1);
    node->maximum = number(schema, "maximum"_L1);
    node->exclusiveMinimum = schema.value("exclusiveMinimum"_L1).toBool();
    node->exclusiveMaximum = schema.value("exclusiveMaximum"_L1).toBool();
    node->minLength = count(schema, "minLength"_L1);
    node->maxLength = count(schema, "maxLength"_L1);
    node->minItems = count(schema, "minItems"_L1);
    node->maxItems = count(schema, "maxItems"_L1);
    node->minProperties = count(schema, "minProperties"_L1);
    node->maxProperties = count(schema, "maxProperties"_L1);
    return node;
}

// ObjectMeta as kube-apiserver decodes it strictly: the CRD's own schema cannot change it.
const Node& objectMeta()
{
    static const std::shared_ptr<const Node> meta = [] {
        const QByteArray json = R"({"type": "object", "properties": {
            "name": {"type": "string"}, "generateName": {"type": "string"}, "namespace": {"type": "string"},
            "selfLink": {"type": "string"}, "uid": {"type": "string"}, "resourceVersion": {"type": "string"},
            "generation": {"type": "integer", "format": "int64"},
            "creationTimestamp": {"type": "string", "format": "date-time", "nullable": true},
            "deletionTimestamp": {"type": "string", "format": "date-time", "nullable": true},
            "deletionGracePeriodSeconds": {"type": "integer", "format": "int64"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            "ownerReferences": {"type": "array", "items": {"type": "object",
                "required": ["apiVersion", "kind", "name", "uid"], "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"},
                "uid": {"type": "string"}, "controller": {"type": "boolean"},
                "blockOwnerDeletion": {"type": "boolean"}}}},
            "finalizers": {"type": "array", "items": {"type": "string"}},
            "managedFields": {"type": "array", "items": {"type": "object",
                "x-kubernetes-preserve-unknown-fields": true}}}})";
        return compile(QJsonDocument::fromJson(json).object(), 0, nullptr);
    }();
    return *meta;
}

const Node& stringNode()
{
    static const Node node = [] {
        Node string;
        string.type = Node::Type::String;
        return string;
    }();
    return node;
}

QString typeName(Node::Type type)
{
    switch (type) {
    case Node::Type::Object:
        return u"a map"_s;
    case Node::Type::Array:
        return u"a list"_s;
    case Node::Type::String:
        return u"a string"_s;
    case Node::Type::Integer:
        return u"an integer"_s;
    case Node::Type::Number:
        return u"a number"_s;
    case Node::Type::Boolean:
        return u"a boolean"_s;
    case Node::Type::Any:
        break;
    }
    return u"any value"_s;
}

QString shortText(const QString& text)
{
    constexpr qsizetype limit = 40;
    return text.size() <= limit ? text : text.left(limit) % u"…"_s;
}

QString literal(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return u'"' % shortText(value.toString()) % u'"';
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Null:
        return u"null"_s;
    default:
        return shortText(QString::fromUtf8(CloudEventJson::serializeValue(value)));
    }
}

// "a string (\"three\")", "a map".
QString describe(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return u"a string ("_s % literal(value) % u')';
    case QJsonValue::Double:
        return u"a number ("_s % literal(value) % u')';
    case QJsonValue::Bool:
        return u"a boolean ("_s % literal(value) % u')';
    case QJsonValue::Object:
        return u"a map"_s;
    case QJsonValue::Array:
        return u"a list"_s;
    default:
        return u"null"_s;
    }
}

bool isIntegral(const QJsonValue& value)
{
    if (!value.isDouble())
        return false;
    const double number = value.toDouble();
    return std::isfinite(number) && std::trunc(number) == number;
}

bool matchesType(const QJsonValue& value, Node::Type type)
{
    switch (type) {
    case Node::Type::Any:
        return true;
    case Node::Type::Object:
        return value.isObject();
    case Node::Type::Array:
        return value.isArray();
    case Node::Type::String:
        return value.isString();
    case Node::Type::Integer:
        return isIntegral(value);
    case Node::Type::Number:
        return value.isDouble();
    case Node::Type::Boolean:
        return value.isBool();
    }
    return false;
}

bool isPlainName(const QString& key)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
    return plain.match(key).hasMatch();
}

// The readable path of a field: spec.filters[0].exact, metadata.labels["app.kubernetes.io/name"].
QString childPath(const QString& path, const QString& key)
{
    if (!isPlainName(key))
        return path % u"[\""_s % key % u"\"]"_s;
    return path.isEmpty() ? key : path % u'.' % key;
}

// Why a string does not have the format, or an empty string; formats kube-apiserver does not know are ignored.
QString formatProblem(const QString& format, const QString& text)
{
    if (format == u"date-time") {
        if (!parseCloudEventTimestamp(text))
            return u"must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z"_s;
    } else if (format == u"date") {
        if (!QDate::fromString(text, Qt::ISODate).isValid() || text.size() != 10)
            return u"must be a date such as 2024-05-01"_s;
    } else if (format == u"byte") {
        const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return u"must be base64-encoded"_s;
    } else if (format == u"uuid") {
        static const QRegularExpression uuid(
            QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
        if (!uuid.match(text).hasMatch())
            return u"must be a UUID"_s;
    }
    return QString();
}

class Validator {
public:
    Validator(const ManifestParser::YamlDocument& document, QList<SourceIssue>& issues)
        : m_document(document)
        , m_issues(issues)
    {
    }

    void validateRoot(const Node& root)
    {
        if (!m_document.value.isObject()) {
            report(QString(),
                u"the document must be a map with apiVersion, kind, metadata and spec, not "_s
                    % describe(m_document.value));
            return;
        }
        check(m_document.value, root, QString(), QString(), 0, true);
    }

private:
    void report(
        const QString& pointer, const QString& message, SourceIssue::Severity severity = SourceIssue::Severity::Error)
    {
        SourceIssue issue;
        issue.severity = severity;
        issue.location = m_document.locate(pointer);
        issue.message = message;
        m_issues.append(issue);
    }

    static QString name(const QString& path) { return path.isEmpty() ? u"the object"_s : path; }

    void check(const QJsonValue& value, const Node& node, const QString& pointer, const QString& path, int depth,
        bool resourceRoot)
    {
        if (depth > maxSchemaDepth)
            return;
        if (value.isNull() || value.isUndefined()) {
            if (!node.nullable && !resourceRoot) {
                report(pointer, name(path) % u" is null: the API server drops it (write a value or remove the key)"_s,
                    SourceIssue::Severity::Warning);
            }
            return;
        }
        if (node.intOrString) {
            if (!isIntegral(value) && !value.isString()) {
                report(pointer, name(path) % u" must be an integer or a string, not "_s % describe(value));
                return;
            }
        } else if (!matchesType(value, node.type)) {
            report(pointer, name(path) % u" must be "_s % typeName(node.type) % u", not "_s % describe(value));
            return;
        }
        checkValue(value, node, pointer, path);
        if (value.isObject())
            checkObject(value.toObject(), node, pointer, path, depth, resourceRoot || node.embeddedResource);
        else if (value.isArray())
            checkArray(value.toArray(), node, pointer, path, depth);
    }

    void checkObject(const QJsonObject& object, const Node& node, const QString& pointer, const QString& path,
        int depth, bool resource)
    {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const auto& key = it.key();
            const auto childPointer = jsonPointer(pointer, key);
            const auto child = childPath(path, key);
            if (resource && (key == u"apiVersion" || key == u"kind")) {
                check(it.value(), stringNode(), childPointer, child, depth + 1, false);
            } else if (resource && key == u"metadata") {
                check(it.value(), objectMeta(), childPointer, child, depth + 1, false);
            } else if (const auto property = node.properties.constFind(key); property != node.properties.cend()) {
                check(it.value(), **property, childPointer, child, depth + 1, false);
            } else if (node.additionalProperties) {
                check(it.value(), *node.additionalProperties, childPointer, child, depth + 1, false);
            } else if (!node.preserveUnknownFields && !node.anyAdditionalProperties && node.type != Node::Type::Any) {
                auto names = node.propertyNames;
                if (resource)
                    names = QStringList { u"apiVersion"_s, u"kind"_s, u"metadata"_s } + names;
                QString known;
                if (!names.isEmpty())
                    known = u" (known fields: "_s % names.join(u", "_s) % u')';
                report(childPointer, u"unknown field "_s % child % known);
            }
        }
        for (const auto& field : node.required) {
            const auto value = object.value(field);
            const auto property = node.properties.value(field);
            if (value.isUndefined() || (value.isNull() && !(property && property->nullable)))
                report(pointer, childPath(path, field) % u" is required"_s);
        }
        if (node.minProperties && object.size() < *node.minProperties)
            report(
                pointer, name(path) % u" must have at least "_s % QString::number(*node.minProperties) % u" fields"_s);
        if (node.maxProperties && object.size() > *node.maxProperties)
            report(
                pointer, name(path) % u" must have at most "_s % QString::number(*node.maxProperties) % u" fields"_s);
    }

    void checkArray(const QJsonArray& array, const Node& node, const QString& pointer, const QString& path, int depth)
    {
        if (node.minItems && array.size() < *node.minItems)
            report(pointer, name(path) % u" must have at least "_s % QString::number(*node.minItems) % u" items"_s);
        if (node.maxItems && array.size() > *node.maxItems)
            report(pointer, name(path) % u" must have at most "_s % QString::number(*node.maxItems) % u" items"_s);
        if (!node.items)
            return;
        for (qsizetype i = 0; i < array.size(); ++i) {
            check(array.at(i), *node.items, jsonPointer(pointer, i), path % u'[' % QString::number(i) % u']', depth + 1,
                false);
        }
    }

    void checkValue(const QJsonValue& value, const Node& node, const QString& pointer, const QString& path)
    {
        if (!node.enumValues.isEmpty() && !node.enumValues.contains(value)) {
            QStringList allowed;
            for (const auto& option : node.enumValues)
                allowed.append(literal(option));
            report(pointer, name(path) % u" must be one of "_s % allowed.join(u", "_s) % u", not "_s % literal(value));
        }
        if (value.isString())
            checkString(value.toString(), node, pointer, path);
        else if (value.isDouble())
            checkNumber(value.toDouble(), node, pointer, path);
    }

    void checkString(const QString& text, const Node& node, const QString& pointer, const QString& path)
    {
        const auto length = text.toUcs4().size();
        if (node.minLength && length < *node.minLength) {
            report(pointer,
                name(path) % u" must be at least "_s % QString::number(*node.minLength) % u" characters long"_s);
        }
        if (node.maxLength && length > *node.maxLength) {
            report(pointer,
                name(path) % u" must be at most "_s % QString::number(*node.maxLength) % u" characters long"_s);
        }
        if (node.pattern && !node.pattern->match(text).hasMatch()) {
            report(
                pointer, name(path) % u' ' % literal(text) % u" must match the pattern "_s % node.pattern->pattern());
        }
        if (!node.format.isEmpty()) {
            const auto problem = formatProblem(node.format, text);
            if (!problem.isEmpty())
                report(pointer, name(path) % u' ' % literal(text) % u' ' % problem);
        }
    }

    void checkNumber(double number, const Node& node, const QString& pointer, const QString& path)
    {
        const auto text = QString::number(number, 'g', 17);
        if (node.minimum && (number < *node.minimum || (node.exclusiveMinimum && number == *node.minimum))) {
            report(pointer,
                name(path) % (node.exclusiveMinimum ? u" must be greater than "_s : u" must be at least "_s)
                    % QString::number(*node.minimum, 'g', 17) % u", not "_s % text);
        }
        if (node.maximum && (number > *node.maximum || (node.exclusiveMaximum && number == *node.maximum))) {
            report(pointer,
                name(path) % (node.exclusiveMaximum ? u" must be less than "_s : u" must be at most "_s)
                    % QString::number(*node.maximum, 'g', 17) % u", not "_s % text);
        }
        // kube-apiserver stores any integer, but Knative's webhook decodes into Go's int32/int64 and fails.
        if (node.format == u"int32"
            && (number < std::numeric_limits<qint32>::min() || number > std::numeric_limits<qint32>::max())) {
            report(pointer, name(path) % u' ' % text % u" is out of range for a 32-bit integer"_s);
        } else if (node.format == u"int64" && std::abs(number) >= 9223372036854775808.0) {
            report(pointer, name(path) % u' ' % text % u" is out of range for a 64-bit integer"_s);
        }
    }

    const ManifestParser::YamlDocument& m_document;
    QList<SourceIssue>& m_issues;
};

// The CRD object from YAML or JSON text: the first document of kind CustomResourceDefinition.
std::optional<QJsonObject> crdObject(const QByteArray& text, QString* error)
{
    QJsonParseError jsonError;
    const auto json = QJsonDocument::fromJson(text, &jsonError);
    if (jsonError.error == QJsonParseError::NoError && json.isObject())
        return json.object();
    auto documents = ManifestParser::loadYaml(text, u"crd"_s);
    for (const auto& document : std::as_const(documents.documents)) {
        const auto object = document.value.toObject();
        if (object.value("kind"_L1).toString() == u"CustomResourceDefinition")
            return object;
    }
    if (error) {
        *error = documents.issues.isEmpty() ? u"no CustomResourceDefinition in the text"_s
                                            : documents.issues.constFirst().toString();
    }
    return std::nullopt;
}

} // namespace

CrdSchema::CrdSchema() = default;

CrdSchema CrdSchema::fromCrd(const QByteArray& crd, QString* error, const QString& version)
{
    const auto object = crdObject(crd, error);
    if (!object)
        return {};
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return CrdSchema();
    };
    if (object->value("kind"_L1).toString() != u"CustomResourceDefinition")
        return fail(u"not a CustomResourceDefinition"_s);
    const auto spec = object->value("spec"_L1).toObject();
    const auto versions = spec.value("versions"_L1).toArray();
    QJsonObject chosen;
    // The version asked for; else the storage version when served; else the first served one.
    for (const auto& entry : versions) {
        const auto candidate = entry.toObject();
        const auto name = candidate.value("name"_L1).toString();
        if (!version.isEmpty()) {
            if (name == version)
                chosen = candidate;
            continue;
        }
        const bool served = candidate.value("served"_L1).toBool(true);
        if (served && candidate.value("storage"_L1).toBool()) {
            chosen = candidate;
            break;
        }
        if (served && chosen.isEmpty())
            chosen = candidate;
    }
    auto schema = chosen.value("schema"_L1).toObject().value("openAPIV3Schema"_L1);
    QString versionName = chosen.value("name"_L1).toString();
    // apiextensions.k8s.io/v1beta1 CRDs keep one schema for all versions.
    if (!schema.isObject() && spec.value("validation"_L1).isObject()) {
        schema = spec.value("validation"_L1).toObject().value("openAPIV3Schema"_L1);
        if (versionName.isEmpty())
            versionName = version.isEmpty() ? spec.value("version"_L1).toString() : version;
    }
    const QString crdName = object->value("metadata"_L1).toObject().value("name"_L1).toString();
    if (!schema.isObject()) {
        if (versionName.isEmpty()) {
            return fail(version.isEmpty() ? u"%1 serves no version"_s.arg(crdName)
                                          : u"%1 has no version %2"_s.arg(crdName, version));
        }
        return fail(u"%1 has no openAPIV3Schema for version %2"_s.arg(crdName, versionName));
    }
    QString compileError;
    CrdSchema result;
    result.m_root = compile(schema.toObject(), 0, &compileError);
    if (!compileError.isEmpty())
        return fail(compileError);
    result.m_crdName = crdName;
    result.m_group = spec.value("group"_L1).toString();
    result.m_version = versionName;
    result.m_kind = spec.value("names"_L1).toObject().value("kind"_L1).toString();
    return result;
}

const CrdSchema& CrdSchema::shippedTrigger()
{
    static const CrdSchema schema = [] {
        QFile file(u":/schemas/trigger-crd.yaml"_s);
        if (!file.open(QIODevice::ReadOnly)) {
            qWarning("The shipped Trigger CRD schema is missing from the resources");
            return CrdSchema();
        }
        QString error;
        auto loaded = fromCrd(file.readAll(), &error);
        if (loaded.isNull())
            qWarning("The shipped Trigger CRD schema does not load: %s", qPrintable(error));
        return loaded;
    }();
    return schema;
}

QList<SourceIssue> CrdSchema::validate(const ManifestParser::YamlDocument& document) const
{
    QList<SourceIssue> issues;
    if (m_root)
        Validator(document, issues).validateRoot(*m_root);
    return issues;
}

QList<SourceIssue> CrdSchema::validateYaml(const QByteArray& yaml, const QString& fileName) const
{
    auto documents = ManifestParser::loadYaml(yaml, fileName);
    auto issues = std::move(documents.issues);
    for (const auto& document : std::as_const(documents.documents))
        issues.append(validate(document));
    return issues;
}
