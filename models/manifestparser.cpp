// SPDX-License-Identifier: Apache-2.0
#include "manifestparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <istream>
#include <limits>
#include <streambuf>
#include <string_view>

using namespace Qt::StringLiterals;

namespace ManifestParser {

namespace {

// Bounds for hostile input: nesting and alias expansion ("billion laughs") per document.
constexpr int maxDepth = 256;
constexpr qint64 maxNodes = 500000;

constexpr std::string_view coreTagPrefix = "tag:yaml.org,2002:";

SourceIssue makeIssue(const SourceLocation& location, const QString& message,
    SourceIssue::Severity severity = SourceIssue::Severity::Error)
{
    SourceIssue issue;
    issue.severity = severity;
    issue.location = location;
    issue.message = message;
    return issue;
}

// YAML 1.2 core schema resolution of plain scalars.
bool isNullScalar(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::optional<bool> boolScalar(std::string_view s)
{
    if (s == "true" || s == "True" || s == "TRUE")
        return true;
    if (s == "false" || s == "False" || s == "FALSE")
        return false;
    return std::nullopt;
}

bool allOf(std::string_view s, bool (*accept)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), accept); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<QJsonValue> intScalar(std::string_view s)
{
    const auto radix = [](std::string_view digits, int base) -> std::optional<QJsonValue> {
        qint64 value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
        if (ec != std::errc() || end != digits.data() + digits.size())
            return std::nullopt;
        return QJsonValue(value);
    };
    if (s.size() > 2 && s[0] == '0' && s[1] == 'o')
        return allOf(s.substr(2), [](char c) { return c >= '0' && c <= '7'; }) ? radix(s.substr(2), 8) : std::nullopt;
    if (s.size() > 2 && s[0] == '0' && s[1] == 'x') {
        return allOf(s.substr(2), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })
            ? radix(s.substr(2), 16)
            : std::nullopt;
    }
    auto digits = s;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+'))
        digits.remove_prefix(1);
    if (!allOf(digits, isDigit))
        return std::nullopt;
    if (s[0] == '+')
        s.remove_prefix(1);
    qint64 value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size())
        return QJsonValue(value);
    // Beyond 64 bits: a float, as Kubernetes' YAML-to-JSON conversion does.
    double big = 0;
    const auto [bigEnd, bigEc] = std::from_chars(s.data(), s.data() + s.size(), big);
    if (bigEc == std::errc() && bigEnd == s.data() + s.size() && std::isfinite(big))
        return QJsonValue(big);
    return std::nullopt;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?; .inf and .nan stay strings as JSON cannot hold them.
std::optional<QJsonValue> floatScalar(std::string_view s)
{
    size_t i = 0;
    const auto digits = [&] {
        const auto start = i;
        while (i < s.size() && isDigit(s[i]))
            ++i;
        return i - start;
    };
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
        ++i;
    const auto intDigits = digits();
    size_t fracDigits = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        fracDigits = digits();
    }
    if (intDigits == 0 && fracDigits == 0)
        return std::nullopt;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+'))
            ++i;
        if (digits() == 0)
            return std::nullopt;
    }
    if (i != s.size())
        return std::nullopt;
    if (s[0] == '+')
        s.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value))
        return std::nullopt;
    return QJsonValue(value);
}

QJsonValue plainScalar(const std::string& text)
{
    if (isNullScalar(text))
        return QJsonValue(QJsonValue::Null);
    if (const auto b = boolScalar(text))
        return QJsonValue(*b);
    if (auto i = intScalar(text))
        return *i;
    if (auto f = floatScalar(text))
        return *f;
    return QJsonValue(QString::fromStdString(text));
}

QJsonValue taggedScalar(const std::string& tag, const std::string& text)
{
    if (tag == "?")
        return plainScalar(text);
    const auto string = QJsonValue(QString::fromStdString(text));
    if (!tag.starts_with(coreTagPrefix))
        return string; // "!" (quoted or block scalars) and application tags
    const auto type = std::string_view(tag).substr(coreTagPrefix.size());
    if (type == "null" && isNullScalar(text))
        return QJsonValue(QJsonValue::Null);
    if (type == "bool") {
        if (const auto b = boolScalar(text))
            return QJsonValue(*b);
    }
    if (type == "int" || type == "float") {
        if (auto i = intScalar(text))
            return *i;
    }
    if (type == "float") {
        if (auto f = floatScalar(text))
            return *f;
    }
    return string;
}

SourceLocation toLocation(const QString& file, const YAML::Mark& mark, int lineOffset)
{
    if (mark.is_null() || mark.line < 0)
        return SourceLocation { file, 0, 0 };
    return SourceLocation { file, mark.line + lineOffset + 1, std::max(mark.column, 0) + 1 };
}

// Builds QJsonValues from parser events, one document at a time; remembers every node's position.
class JsonBuilder final : public YAML::EventHandler {
public:
    JsonBuilder(const QString& fileName, int lineOffset, YamlDocuments& out)
        : m_fileName(fileName)
        , m_lineOffset(lineOffset)
        , m_out(out)
    {
    }

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        reset();
        m_documentStart = mark;
    }

    const YAML::Mark& documentStart() const { return m_documentStart; }

    void OnDocumentEnd() override
    {
        if (!m_failed && m_haveRoot && !m_root.isNull()) {
            m_document.value = m_root;
            m_out.documents.append(std::move(m_document));
        }
        reset();
    }

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        scalar(mark, anchor, QJsonValue(QJsonValue::Null), QStringLiteral("null"));
    }

    void OnScalar(
        const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override
    {
        if (m_failed)
            return;
        scalar(mark, anchor, taggedScalar(tag, value), QString::fromStdString(value));
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        if (m_failed)
            return;
        const auto it = m_anchors.constFind(anchor);
        if (it == m_anchors.cend()) {
            fail(mark, QStringLiteral("an alias refers to the node that contains it"));
            return;
        }
        // A copy: registering values below may rehash the table.
        const auto anchored = *it;
        if (!count(mark, anchored.nodes))
            return;
        if (expectsKey()) {
            if (!anchored.value.isString()) {
                fail(mark, QStringLiteral("only strings are supported as mapping keys"));
                return;
            }
            setKey(mark, anchored.value.toString());
            return;
        }
        finishValue(anchored.value, position(mark), 0, anchored.nodes);
    }

    void OnSequenceStart(
        const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
    {
        startCollection(mark, anchor, false);
    }

    void OnSequenceEnd() override { endCollection(); }

    void OnMapStart(
        const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
    {
        startCollection(mark, anchor, true);
    }

    void OnMapEnd() override { endCollection(); }

    // The parser threw in the middle of a document: drop what was built of it. True if it had failed already.
    bool abandon()
    {
        const bool failed = m_failed;
        reset();
        return failed;
    }

private:
    struct Frame {
        bool isMap = false;
        QJsonObject object;
        QJsonArray array;
        QString pointer;
        NodePosition position;
        YAML::anchor_t anchor = 0;
        qint64 nodes = 1;
        bool haveKey = false;
        QString key;
        NodePosition keyPosition;
    };

    struct Anchored {
        QJsonValue value;
        qint64 nodes = 1;
    };

    void reset()
    {
        m_stack.clear();
        m_anchors.clear();
        m_document = YamlDocument {};
        m_document.location.file = m_fileName;
        m_root = QJsonValue();
        m_haveRoot = false;
        m_failed = false;
        m_nodes = 0;
    }

    void fail(const YAML::Mark& mark, const QString& message)
    {
        if (m_failed)
            return;
        m_failed = true;
        m_out.issues.append(makeIssue(toLocation(m_fileName, mark, m_lineOffset), message));
    }

    bool count(const YAML::Mark& mark, qint64 nodes)
    {
        m_nodes += nodes;
        if (m_nodes > maxNodes) {
            fail(
                mark, QStringLiteral("the document is too large (more than %1 nodes, counting aliases)").arg(maxNodes));
            return false;
        }
        return true;
    }

    bool expectsKey() const { return !m_stack.isEmpty() && m_stack.last().isMap && !m_stack.last().haveKey; }

    void setKey(const YAML::Mark& mark, const QString& key)
    {
        auto& top = m_stack.last();
        const auto location = toLocation(m_fileName, mark, m_lineOffset);
        if (top.object.contains(key)) {
            m_out.issues.append(makeIssue(location,
                QStringLiteral("duplicate key \"%1\": the last value wins").arg(key), SourceIssue::Severity::Warning));
        }
        top.key = key;
        top.haveKey = true;
        top.keyPosition = NodePosition { location.line, location.column, 0, 0 };
    }

    // The position of a new value node: its own mark, plus the key it is the value of.
    NodePosition position(const YAML::Mark& mark) const
    {
        const auto location = toLocation(m_fileName, mark, m_lineOffset);
        NodePosition result { 0, 0, location.line, location.column };
        if (!m_stack.isEmpty() && m_stack.last().isMap) {
            result.keyLine = m_stack.last().keyPosition.keyLine;
            result.keyColumn = m_stack.last().keyPosition.keyColumn;
        }
        return result;
    }

    QString childPointer() const
    {
        if (m_stack.isEmpty())
            return QString();
        const auto& top = m_stack.last();
        return top.isMap ? jsonPointer(top.pointer, top.key) : jsonPointer(top.pointer, top.array.size());
    }

    void scalar(const YAML::Mark& mark, YAML::anchor_t anchor, const QJsonValue& value, const QString& text)
    {
        if (m_failed || !count(mark, 1))
            return;
        if (expectsKey()) {
            setKey(mark, text);
            if (anchor != 0)
                m_anchors.insert(anchor, Anchored { QJsonValue(text), 1 });
            return;
        }
        finishValue(value, position(mark), anchor, 1);
    }

    void startCollection(const YAML::Mark& mark, YAML::anchor_t anchor, bool isMap)
    {
        if (m_failed || !count(mark, 1))
            return;
        if (m_stack.size() >= maxDepth) {
            fail(mark, QStringLiteral("the document is nested more than %1 levels deep").arg(maxDepth));
            return;
        }
        if (expectsKey()) {
            fail(mark, QStringLiteral("only strings are supported as mapping keys"));
            return;
        }
        Frame frame;
        frame.isMap = isMap;
        frame.anchor = anchor;
        frame.pointer = childPointer();
        frame.position = position(mark);
        m_stack.append(std::move(frame));
    }

    void endCollection()
    {
        if (m_failed || m_stack.isEmpty())
            return;
        auto frame = m_stack.takeLast();
        const auto value = frame.isMap ? QJsonValue(std::move(frame.object)) : QJsonValue(std::move(frame.array));
        // The frame's own node was counted when it started.
        finishValue(value, frame.position, frame.anchor, frame.nodes, frame.pointer);
    }

    void finishValue(const QJsonValue& value, const NodePosition& position, YAML::anchor_t anchor, qint64 nodes)
    {
        finishValue(value, position, anchor, nodes, childPointer());
    }

    void finishValue(const QJsonValue& value, const NodePosition& position, YAML::anchor_t anchor, qint64 nodes,
        const QString& pointer)
    {
        m_document.positions.insert(pointer, position);
        if (anchor != 0)
            m_anchors.insert(anchor, Anchored { value, nodes });
        if (m_stack.isEmpty()) {
            m_root = value;
            m_haveRoot = true;
            m_document.location = SourceLocation { m_fileName, position.line, position.column };
            return;
        }
        auto& top = m_stack.last();
        top.nodes += nodes;
        if (top.isMap) {
            top.object.insert(top.key, value);
            top.haveKey = false;
        } else {
            top.array.append(value);
        }
    }

    QString m_fileName;
    int m_lineOffset = 0;
    YamlDocuments& m_out;
    QList<Frame> m_stack;
    QHash<YAML::anchor_t, Anchored> m_anchors;
    YamlDocument m_document;
    QJsonValue m_root;
    bool m_haveRoot = false;
    bool m_failed = false;
    qint64 m_nodes = 0;
    YAML::Mark m_documentStart = YAML::Mark::null_mark();
};

// The line after `afterLine` (0-based) that starts a new document ("---"), as (line, byte offset).
// The first line after `afterLine` that starts a new document ("---"), as (line, byte offset); the search starts at
// `start`, the beginning of line `line`, so that resuming after many errors stays linear.
std::optional<std::pair<int, qsizetype>> nextDocumentStart(
    const QByteArray& text, qsizetype start, int line, int afterLine)
{
    const QByteArrayView view(text);
    while (start < view.size()) {
        if (line > afterLine && view.sliced(start).startsWith("---")) {
            const auto next = start + 3;
            if (next >= view.size() || view[next] == ' ' || view[next] == '\t' || view[next] == '\n'
                || view[next] == '\r')
                return std::make_pair(line, start);
        }
        const auto newline = view.indexOf('\n', start);
        if (newline < 0)
            break;
        start = newline + 1;
        ++line;
    }
    return std::nullopt;
}

// Reads a byte range in place: a std::istringstream would copy the rest of the text at each resume.
class MemoryBuffer final : public std::streambuf {
public:
    MemoryBuffer(const char* begin, const char* end)
    {
        // std::streambuf wants mutable pointers but only reads through them.
        auto* first = const_cast<char*>(begin);
        setg(first, first, const_cast<char*>(end));
    }
};

// A field path, both as a JSON pointer (for positions) and as a readable name (for messages).
struct Path {
    QString pointer;
    QString name;

    Path child(const QString& key) const
    {
        const bool plain = !key.isEmpty() && std::all_of(key.cbegin(), key.cend(), [](QChar c) {
            return c.isLetterOrNumber() || c == u'_' || c == u'-';
        });
        QString childName;
        if (!plain)
            childName = name % u"[\""_s % key % u"\"]"_s;
        else if (name.isEmpty())
            childName = key;
        else
            childName = name % u'.' % key;
        return Path { jsonPointer(pointer, key), childName };
    }
    Path child(QLatin1StringView key) const { return child(QString(key)); }
    Path at(qsizetype index) const
    {
        return Path { jsonPointer(pointer, index), name % u'[' % QString::number(index) % u']' };
    }
    QString display() const { return name.isEmpty() ? QStringLiteral("the document") : name; }
};

QString typeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("a map");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("null");
}

bool present(const QJsonValue& value) { return !value.isUndefined() && !value.isNull(); }

// As Knative counts dialects: empty maps, lists and expressions are unset, "not" is set whenever present.
bool isDialectSet(const QJsonValue& value, SubscriptionsApiFilter::Dialect dialect)
{
    if (!present(value))
        return false;
    if (dialect == SubscriptionsApiFilter::Dialect::Not)
        return true;
    if (value.isObject())
        return !value.toObject().isEmpty();
    if (value.isArray())
        return !value.toArray().isEmpty();
    if (value.isString())
        return !value.toString().isEmpty();
    return true;
}

// The typed view of one object, reporting every field of the wrong type at its position.
class Extractor {
public:
    Extractor(const QString& file, const YamlDocument* document, QList<SourceIssue>& issues)
        : m_file(file)
        , m_document(document)
        , m_issues(issues)
    {
    }

    KnativeObjectPtr run(const QJsonObject& root, const Path& path, const QString& origin)
    {
        auto object = std::make_shared<KnativeObject>();
        object->raw = root;
        object->origin = origin;
        object->location = locate(path);

        object->apiVersion = string(root, path, "apiVersion"_L1);
        const auto kind = string(root, path, "kind"_L1);
        if (!present(root.value("apiVersion"_L1)))
            error(path, QStringLiteral("%1 is required").arg(path.child("apiVersion"_L1).display()));
        if (!present(root.value("kind"_L1)))
            error(path, QStringLiteral("%1 is required").arg(path.child("kind"_L1).display()));

        const auto metadataPath = path.child("metadata"_L1);
        const auto metadataValue = root.value("metadata"_L1);
        const auto metadata = mapping(root, path, "metadata"_L1);
        const auto name = string(metadata, metadataPath, "name"_L1);
        if (!present(metadataValue))
            error(path, QStringLiteral("%1 is required").arg(metadataPath.child("name"_L1).display()));
        else if (metadataValue.isObject() && !present(metadata.value("name"_L1)))
            error(metadataPath, QStringLiteral("%1 is required").arg(metadataPath.child("name"_L1).display()));
        auto ns = string(metadata, metadataPath, "namespace"_L1);
        if (ns.isEmpty())
            ns = QStringLiteral("default");
        object->labels = stringMap(metadata, metadataPath, "labels"_L1);
        object->annotations = stringMap(metadata, metadataPath, "annotations"_L1);
        object->uid = string(metadata, metadataPath, "uid"_L1);
        object->resourceVersion = string(metadata, metadataPath, "resourceVersion"_L1);
        object->generation = integer(metadata, metadataPath, "generation"_L1).value_or(0);

        const auto group = groupOfApiVersion(object->apiVersion);
        object->key = ObjectKey { group, kind, ns, name };
        object->kind = objectKindFor(group, kind);

        const auto statusPath = path.child("status"_L1);
        const auto status = mapping(root, path, "status"_L1);
        readStatus(*object, status, statusPath);

        const auto specPath = path.child("spec"_L1);
        const auto spec = mapping(root, path, "spec"_L1);
        readSpec(*object, group, spec, specPath, status, statusPath);

        if (object->apiVersion.isEmpty() || !object->key.isValid())
            return nullptr;
        return object;
    }

private:
    SourceLocation locate(const Path& path) const
    {
        if (m_document)
            return m_document->locate(path.pointer);
        return SourceLocation { m_file, 0, 0 };
    }

    void error(const Path& at, const QString& message) { m_issues.append(makeIssue(locate(at), message)); }

    void typeError(const Path& at, const QJsonValue& value, const QString& expected)
    {
        error(at, QStringLiteral("%1 must be %2, not %3").arg(at.display(), expected, typeName(value)));
    }

    QString string(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        const auto value = object.value(key);
        if (!present(value))
            return QString();
        if (!value.isString()) {
            typeError(path.child(key), value, QStringLiteral("a string"));
            return QString();
        }
        return value.toString();
    }

    std::optional<qint64> integer(const QJsonObject& object, const Path& path, QLatin1StringView key,
        qint64 min = std::numeric_limits<qint64>::min(), qint64 max = std::numeric_limits<qint64>::max())
    {
        const auto value = object.value(key);
        if (!present(value))
            return std::nullopt;
        const auto d = value.toDouble();
        // 2^63 itself is not representable as qint64, hence the strict upper bound.
        if (!value.isDouble() || std::trunc(d) != d || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) {
            typeError(path.child(key), value, QStringLiteral("an integer"));
            return std::nullopt;
        }
        const auto result = value.toInteger(static_cast<qint64>(d));
        if (result < min || result > max) {
            error(path.child(key), QStringLiteral("%1 is out of range").arg(path.child(key).display()));
            return std::nullopt;
        }
        return result;
    }

    std::optional<int> int32(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        const auto value = integer(object, path, key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
        return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
    }

    QJsonObject mapping(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        const auto value = object.value(key);
        if (!present(value))
            return QJsonObject();
        if (!value.isObject()) {
            typeError(path.child(key), value, QStringLiteral("a map"));
            return QJsonObject();
        }
        return value.toObject();
    }

    QJsonArray list(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        const auto value = object.value(key);
        if (!present(value))
            return QJsonArray();
        if (!value.isArray()) {
            typeError(path.child(key), value, QStringLiteral("a list"));
            return QJsonArray();
        }
        return value.toArray();
    }

    QMap<QString, QString> stringMap(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        return stringMap(mapping(object, path, key), path.child(key));
    }

    QMap<QString, QString> stringMap(const QJsonObject& map, const Path& path)
    {
        QMap<QString, QString> result;
        for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
            const auto value = it.value();
            if (value.isString())
                result.insert(it.key(), value.toString());
            else if (value.isNull())
                result.insert(it.key(), QString());
            else
                typeError(path.child(it.key()), value, QStringLiteral("a string"));
        }
        return result;
    }

    QStringList stringList(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        QStringList result;
        const auto items = list(object, path, key);
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (items.at(i).isString())
                result.append(items.at(i).toString());
            else
                typeError(path.child(key).at(i), items.at(i), QStringLiteral("a string"));
        }
        return result;
    }

    KReference reference(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        const auto map = mapping(object, path, key);
        const auto at = path.child(key);
        return KReference { string(map, at, "apiVersion"_L1), string(map, at, "kind"_L1), string(map, at, "name"_L1),
            string(map, at, "namespace"_L1) };
    }

    Destination destinationFields(const QJsonObject& map, const Path& path)
    {
        return Destination { reference(map, path, "ref"_L1), string(map, path, "uri"_L1) };
    }

    Destination destination(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        return destinationFields(mapping(object, path, key), path.child(key));
    }

    DeliverySpec delivery(const QJsonObject& spec, const Path& specPath)
    {
        const auto map = mapping(spec, specPath, "delivery"_L1);
        const auto path = specPath.child("delivery"_L1);
        DeliverySpec result;
        result.deadLetterSink = destination(map, path, "deadLetterSink"_L1);
        result.retry = int32(map, path, "retry"_L1);
        result.backoffPolicy = string(map, path, "backoffPolicy"_L1);
        result.backoffDelay = string(map, path, "backoffDelay"_L1);
        result.timeout = string(map, path, "timeout"_L1);
        return result;
    }

    SubscriptionsApiFilter filter(const QJsonValue& value, const Path& path)
    {
        using Dialect = SubscriptionsApiFilter::Dialect;
        SubscriptionsApiFilter result;
        if (!value.isObject()) {
            typeError(path, value, QStringLiteral("a map"));
            return result;
        }
        const auto map = value.toObject();
        static const std::pair<QLatin1StringView, Dialect> dialects[] = {
            { "exact"_L1, Dialect::Exact },
            { "prefix"_L1, Dialect::Prefix },
            { "suffix"_L1, Dialect::Suffix },
            { "all"_L1, Dialect::All },
            { "any"_L1, Dialect::Any },
            { "not"_L1, Dialect::Not },
            { "cesql"_L1, Dialect::Cesql },
        };
        QStringList found;
        QLatin1StringView key;
        for (const auto& [name, dialect] : dialects) {
            if (isDialectSet(map.value(name), dialect)) {
                found.append(name);
                key = name;
                result.dialect = dialect;
            }
        }
        if (found.size() != 1) {
            error(path,
                found.isEmpty()
                    ? QStringLiteral(
                        "%1 sets no dialect; set exactly one of exact, prefix, suffix, all, any, not, cesql")
                          .arg(path.display())
                    : QStringLiteral("%1: multiple dialects found (%2), filters can have only one dialect set")
                          .arg(path.display(), found.join(u", "_s)));
            result.dialect = Dialect::Invalid;
            return result;
        }
        switch (result.dialect) {
        case Dialect::Exact:
        case Dialect::Prefix:
        case Dialect::Suffix:
            result.attributes = stringMap(map, path, key);
            break;
        case Dialect::All:
        case Dialect::Any:
            result.children = filterList(map, path, key);
            break;
        case Dialect::Not:
            result.children.append(filter(map.value(key), path.child(key)));
            break;
        case Dialect::Cesql:
            result.expression = string(map, path, key);
            break;
        case Dialect::Invalid:
            break;
        }
        return result;
    }

    QList<SubscriptionsApiFilter> filterList(const QJsonObject& object, const Path& path, QLatin1StringView key)
    {
        QList<SubscriptionsApiFilter> result;
        const auto items = list(object, path, key);
        for (qsizetype i = 0; i < items.size(); ++i)
            result.append(filter(items.at(i), path.child(key).at(i)));
        return result;
    }

    void readStatus(KnativeObject& object, const QJsonObject& status, const Path& path)
    {
        const auto conditions = list(status, path, "conditions"_L1);
        for (qsizetype i = 0; i < conditions.size(); ++i) {
            const auto at = path.child("conditions"_L1).at(i);
            if (!conditions.at(i).isObject()) {
                typeError(at, conditions.at(i), QStringLiteral("a map"));
                continue;
            }
            const auto map = conditions.at(i).toObject();
            object.conditions.append(Condition { string(map, at, "type"_L1), string(map, at, "status"_L1),
                string(map, at, "reason"_L1), string(map, at, "message"_L1), string(map, at, "severity"_L1),
                string(map, at, "lastTransitionTime"_L1) });
        }
        object.observedGeneration = integer(status, path, "observedGeneration"_L1).value_or(0);
        object.statusAnnotations = stringMap(status, path, "annotations"_L1);
        object.addressUrl = string(mapping(status, path, "address"_L1), path.child("address"_L1), "url"_L1);
    }

    void readSpec(KnativeObject& object, const QString& group, const QJsonObject& spec, const Path& path,
        const QJsonObject& status, const Path& statusPath)
    {
        switch (object.kind) {
        case ObjectKind::Broker:
            object.brokerClass = object.annotations.value(QStringLiteral("eventing.knative.dev/broker.class"));
            object.config = reference(spec, path, "config"_L1);
            object.delivery = delivery(spec, path);
            break;
        case ObjectKind::Trigger: {
            object.broker = string(spec, path, "broker"_L1);
            object.brokerRef = reference(spec, path, "brokerRef"_L1);
            if (object.broker.isEmpty())
                object.broker = object.brokerRef.name;
            const auto filterValue = spec.value("filter"_L1);
            object.hasFilter = filterValue.isObject();
            object.filterAttributes
                = stringMap(mapping(spec, path, "filter"_L1), path.child("filter"_L1), "attributes"_L1);
            object.filters = filterList(spec, path, "filters"_L1);
            object.subscriber = destination(spec, path, "subscriber"_L1);
            object.delivery = delivery(spec, path);
            object.subscriberUri = string(status, statusPath, "subscriberUri"_L1);
            break;
        }
        case ObjectKind::Channel:
        case ObjectKind::InMemoryChannel:
        case ObjectKind::KafkaChannel:
            object.delivery = delivery(spec, path);
            break;
        case ObjectKind::Subscription:
            object.channel = reference(spec, path, "channel"_L1);
            object.subscriber = destination(spec, path, "subscriber"_L1);
            object.reply = destination(spec, path, "reply"_L1);
            object.delivery = delivery(spec, path);
            break;
        case ObjectKind::Sequence: {
            const auto steps = list(spec, path, "steps"_L1);
            for (qsizetype i = 0; i < steps.size(); ++i) {
                const auto at = path.child("steps"_L1).at(i);
                if (steps.at(i).isObject())
                    object.steps.append(destinationFields(steps.at(i).toObject(), at));
                else
                    typeError(at, steps.at(i), QStringLiteral("a map"));
            }
            object.reply = destination(spec, path, "reply"_L1);
            break;
        }
        case ObjectKind::Parallel: {
            const auto branches = list(spec, path, "branches"_L1);
            for (qsizetype i = 0; i < branches.size(); ++i) {
                const auto at = path.child("branches"_L1).at(i);
                if (!branches.at(i).isObject()) {
                    typeError(at, branches.at(i), QStringLiteral("a map"));
                    continue;
                }
                const auto branch = branches.at(i).toObject();
                object.branches.append(ParallelBranch { destination(branch, at, "filter"_L1),
                    destination(branch, at, "subscriber"_L1), destination(branch, at, "reply"_L1) });
            }
            object.reply = destination(spec, path, "reply"_L1);
            break;
        }
        case ObjectKind::KafkaSource:
            object.kafkaTopics = stringList(spec, path, "topics"_L1);
            object.delivery = delivery(spec, path);
            break;
        case ObjectKind::PingSource:
            object.schedule = string(spec, path, "schedule"_L1);
            break;
        case ObjectKind::Deployment: {
            object.replicas = int32(spec, path, "replicas"_L1);
            const auto statusReplicas = int32(status, statusPath, "replicas"_L1);
            if (!object.replicas)
                object.replicas = statusReplicas;
            object.readyReplicas = int32(status, statusPath, "readyReplicas"_L1);
            // The API omits zero counts, so a reported status without readyReplicas means none is ready.
            if (!object.readyReplicas && !status.isEmpty())
                object.readyReplicas = 0;
            break;
        }
        case ObjectKind::PodAutoscaler:
            object.desiredScale = int32(status, statusPath, "desiredScale"_L1);
            object.actualScale = int32(status, statusPath, "actualScale"_L1);
            break;
        default:
            break;
        }
        // Every kind of the sources group has a sink, including ones Meshscope has no ObjectKind for.
        if (group == u"sources.knative.dev")
            object.sink = destination(spec, path, "sink"_L1);
    }

    QString m_file;
    const YamlDocument* m_document = nullptr;
    QList<SourceIssue>& m_issues;
};

Path pathOfPointer(const QString& pointer)
{
    Path path;
    const auto segments = pointer.split(u'/', Qt::SkipEmptyParts);
    for (auto segment : segments) {
        segment.replace(u"~1"_s, u"/"_s).replace(u"~0"_s, u"~"_s);
        bool isIndex = false;
        const auto index = segment.toLongLong(&isIndex);
        path = isIndex ? path.at(index) : path.child(segment);
    }
    path.pointer = pointer;
    return path;
}

bool isList(const QJsonObject& object)
{
    return object.value("kind"_L1).toString().endsWith("List"_L1) && object.value("items"_L1).isArray();
}

void extractInto(ParseResult& result, const QJsonObject& object, const QString& origin, const YamlDocument* document,
    const QString& pointer)
{
    QList<SourceIssue> issues;
    auto extracted = extract(object, origin, document, pointer, issues);
    const bool clean = std::none_of(issues.cbegin(), issues.cend(),
        [](const SourceIssue& issue) { return issue.severity == SourceIssue::Severity::Error; });
    if (extracted && clean)
        result.objects.append(std::move(extracted));
    result.issues.append(issues);
}

// Objects, "*List" objects and arrays; items are located through document when there is one.
void extractValue(ParseResult& result, const QJsonValue& value, const QString& origin, const YamlDocument* document,
    const SourceLocation& location, bool acceptArray)
{
    const auto itemsOf = [&](const QJsonArray& items, const QString& pointer) {
        for (qsizetype i = 0; i < items.size(); ++i) {
            const auto itemPointer = jsonPointer(pointer, i);
            if (items.at(i).isObject()) {
                extractInto(result, items.at(i).toObject(), origin, document, itemPointer);
            } else {
                result.issues.append(makeIssue(document ? document->locate(itemPointer) : location,
                    QStringLiteral("%1 is not a Kubernetes object (a map)").arg(pathOfPointer(itemPointer).name)));
            }
        }
    };
    if (value.isArray() && acceptArray) {
        itemsOf(value.toArray(), QString());
    } else if (value.isObject()) {
        const auto object = value.toObject();
        if (isList(object))
            itemsOf(object.value("items"_L1).toArray(), QStringLiteral("/items"));
        else
            extractInto(result, object, origin, document, QString());
    } else {
        result.issues.append(makeIssue(
            location, QStringLiteral("the document is %1, not a Kubernetes object (a map)").arg(typeName(value))));
    }
}

SourceLocation locationOfOffset(const QString& file, const QByteArray& text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    const auto before = QByteArrayView(text).first(offset);
    const auto line = before.count('\n') + 1;
    const auto lineStart = before.lastIndexOf('\n') + 1;
    return SourceLocation { file, static_cast<int>(line), static_cast<int>(offset - lineStart + 1) };
}

// Strings that would read back as another type, or not at all, are quoted.
void emitString(YAML::Emitter& emitter, const QString& text)
{
    const auto utf8 = text.toStdString();
    if (plainScalar(utf8).isString() && !text.isEmpty()) {
        const bool multiLine = text.contains(u'\n');
        // A literal block reads back exactly only when it ends with a single newline and has no trailing blanks.
        const bool literal = multiLine && text.endsWith(u'\n') && !text.endsWith(u"\n\n"_s) && !text.contains(u" \n"_s)
            && !text.contains(u"\t"_s) && !text.startsWith(u' ');
        if (literal)
            emitter << YAML::Literal << utf8;
        else if (multiLine)
            emitter << YAML::DoubleQuoted << utf8;
        else
            emitter << utf8;
        return;
    }
    emitter << YAML::DoubleQuoted << utf8;
}

void emitValue(YAML::Emitter& emitter, const QJsonValue& value, bool topLevel = false);

void emitObject(YAML::Emitter& emitter, const QJsonObject& object, bool topLevel)
{
    if (object.isEmpty()) {
        emitter << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
    }
    QStringList keys = object.keys();
    if (topLevel) {
        static const QStringList first = { u"apiVersion"_s, u"kind"_s, u"metadata"_s, u"spec"_s, u"status"_s };
        QStringList ordered;
        for (const auto& key : first) {
            if (object.contains(key))
                ordered.append(key);
        }
        for (const auto& key : std::as_const(keys)) {
            if (!first.contains(key))
                ordered.append(key);
        }
        keys = ordered;
    }
    emitter << YAML::BeginMap;
    for (const auto& key : std::as_const(keys)) {
        emitter << YAML::Key;
        emitString(emitter, key);
        emitter << YAML::Value;
        emitValue(emitter, object.value(key));
    }
    emitter << YAML::EndMap;
}

void emitValue(YAML::Emitter& emitter, const QJsonValue& value, bool topLevel)
{
    switch (value.type()) {
    case QJsonValue::Object:
        emitObject(emitter, value.toObject(), topLevel);
        break;
    case QJsonValue::Array: {
        const auto array = value.toArray();
        if (array.isEmpty())
            emitter << YAML::Flow;
        emitter << YAML::BeginSeq;
        for (const auto& item : array)
            emitValue(emitter, item);
        emitter << YAML::EndSeq;
        break;
    }
    case QJsonValue::String:
        emitString(emitter, value.toString());
        break;
    case QJsonValue::Double: {
        const auto d = value.toDouble();
        if (std::trunc(d) == d && std::abs(d) < 9.0e15)
            emitter << static_cast<long long>(value.toInteger(static_cast<qint64>(d)));
        else
            emitter << QString::number(d, 'g', QLocale::FloatingPointShortest).toStdString();
        break;
    }
    case QJsonValue::Bool:
        emitter << value.toBool();
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        emitter << YAML::Null;
        break;
    }
}

} // namespace

SourceLocation YamlDocument::locate(const QString& pointer) const
{
    auto current = pointer;
    while (true) {
        const auto it = positions.constFind(current);
        if (it != positions.cend()) {
            if (it->keyLine > 0)
                return SourceLocation { location.file, it->keyLine, it->keyColumn };
            return SourceLocation { location.file, it->line, it->column };
        }
        if (current.isEmpty())
            return location;
        current.truncate(std::max<qsizetype>(current.lastIndexOf(u'/'), 0));
    }
}

QString jsonPointer(const QString& parent, const QString& key)
{
    auto escaped = key;
    escaped.replace(u'~', u"~0"_s).replace(u'/', u"~1"_s);
    return parent % u'/' % escaped;
}

QString jsonPointer(const QString& parent, qsizetype index) { return parent % u'/' % QString::number(index); }

YamlDocuments loadYaml(const QByteArray& text, const QString& fileName)
{
    YamlDocuments result;
    qsizetype offset = 0;
    int lineOffset = 0;
    while (true) {
        MemoryBuffer buffer(text.constData() + offset, text.constData() + text.size());
        std::istream in(&buffer);
        JsonBuilder builder(fileName, lineOffset, result);
        try {
            YAML::Parser parser(in);
            // yaml-cpp 0.7 can report empty documents at one spot forever on some invalid input.
            int previousStart = -1;
            while (parser.HandleNextDocument(builder)) {
                const auto& start = builder.documentStart();
                if (start.pos == previousStart) {
                    result.issues.append(makeIssue(toLocation(fileName, start, lineOffset),
                        QStringLiteral("YAML syntax error: cannot read past this point (invalid characters?)")));
                    break;
                }
                previousStart = start.pos;
            }
            return result;
        } catch (const YAML::DeepRecursion& e) {
            // The builder stops at a lower depth and has said so already, unless yaml-cpp got there first.
            if (!builder.abandon()) {
                result.issues.append(makeIssue(toLocation(fileName, e.mark, lineOffset),
                    QStringLiteral("the document is nested more than %1 levels deep").arg(maxDepth)));
            }
            return result;
        } catch (const YAML::Exception& e) {
            builder.abandon();
            const auto message = QString::fromStdString(e.msg);
            result.issues.append(makeIssue(toLocation(fileName, e.mark, lineOffset),
                QStringLiteral("YAML syntax error: %1").arg(message.isEmpty() ? u"invalid document"_s : message)));
            if (e.mark.is_null())
                return result;
            // Later documents are independent: resume at the next "---".
            const auto next = nextDocumentStart(text, offset, lineOffset, lineOffset + std::max(e.mark.line, 0));
            if (!next)
                return result;
            lineOffset = next->first;
            offset = next->second;
        } catch (const std::exception& e) {
            builder.abandon();
            result.issues.append(makeIssue(SourceLocation { fileName, 0, 0 },
                QStringLiteral("cannot read YAML: %1").arg(QString::fromLocal8Bit(e.what()))));
            return result;
        }
    }
}

KnativeObjectPtr extract(const QJsonObject& object, const QString& origin, const YamlDocument* document,
    const QString& pointer, QList<SourceIssue>& issues)
{
    const auto file = document ? document->location.file : origin;
    Extractor extractor(file, document, issues);
    return extractor.run(object, pathOfPointer(pointer), origin);
}

KnativeObjectPtr fromJson(const QJsonObject& object, const QString& origin)
{
    QList<SourceIssue> ignored;
    Extractor extractor(QString(), nullptr, ignored);
    return extractor.run(object, Path {}, origin);
}

ParseResult parseYaml(const QByteArray& text, const QString& fileName)
{
    ParseResult result;
    auto documents = loadYaml(text, fileName);
    result.issues = std::move(documents.issues);
    for (const auto& document : std::as_const(documents.documents))
        extractValue(result, document.value, fileName, &document, document.location, false);
    // Syntax errors were collected first; report in file order.
    std::stable_sort(result.issues.begin(), result.issues.end(), [](const SourceIssue& a, const SourceIssue& b) {
        return std::pair(a.location.line, a.location.column) < std::pair(b.location.line, b.location.column);
    });
    return result;
}

ParseResult parseJson(const QByteArray& json, const QString& origin)
{
    ParseResult result;
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        result.issues.append(makeIssue(locationOfOffset(origin, json, error.offset),
            QStringLiteral("JSON syntax error: %1").arg(error.errorString())));
        return result;
    }
    const auto value = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    extractValue(result, value, origin, nullptr, SourceLocation { origin, 0, 0 }, true);
    return result;
}

QString toYaml(const QJsonObject& object)
{
    YAML::Emitter emitter;
    emitter.SetNullFormat(YAML::LowerNull);
    emitter.SetIndent(2);
    emitter.SetSeqFormat(YAML::Block);
    emitter.SetMapFormat(YAML::Block);
    emitValue(emitter, QJsonValue(object), true);
    if (!emitter.good())
        return QString();
    return QString::fromUtf8(emitter.c_str()) % u'\n';
}

} // namespace ManifestParser
