// SPDX-License-Identifier: Apache-2.0
#include "triggerdraft.h"

#include "manifestparser.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <functional>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

using ManifestParser::jsonPointer;

QString scalarText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (number == static_cast<double>(static_cast<qint64>(number)))
            return QString::number(static_cast<qint64>(number));
        return QString::number(number);
    }
    default:
        return QString();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

class DraftReader {
public:
    explicit DraftReader(const ManifestParser::YamlDocument& document)
        : m_document(document)
    {
    }

    // The keys of the map at pointer, in the order of the text.
    QStringList orderedKeys(const QJsonObject& map, const QString& pointer) const
    {
        auto keys = map.keys();
        std::stable_sort(keys.begin(), keys.end(), [&](const QString& a, const QString& b) {
            const auto pa = m_document.positions.value(jsonPointer(pointer, a));
            const auto pb = m_document.positions.value(jsonPointer(pointer, b));
            return std::pair(pa.keyLine, pa.keyColumn) < std::pair(pb.keyLine, pb.keyColumn);
        });
        return keys;
    }

    QList<DraftEntry> entries(const QJsonValue& value, const QString& pointer) const
    {
        QList<DraftEntry> result;
        const auto map = value.toObject();
        for (const auto& key : orderedKeys(map, pointer))
            result.append(DraftEntry { key, scalarText(map.value(key)) });
        return result;
    }

    static KReference reference(const QJsonValue& value)
    {
        const auto map = value.toObject();
        return KReference { map.value("apiVersion"_L1).toString(), map.value("kind"_L1).toString(),
            map.value("name"_L1).toString(), map.value("namespace"_L1).toString() };
    }

    static Destination destination(const QJsonValue& value)
    {
        const auto map = value.toObject();
        return Destination { reference(map.value("ref"_L1)), map.value("uri"_L1).toString() };
    }

    // Lenient: the first dialect present wins; the validator reports the rest.
    SubscriptionsApiFilter filter(const QJsonValue& value, const QString& pointer) const
    {
        using Dialect = SubscriptionsApiFilter::Dialect;
        SubscriptionsApiFilter result;
        const auto map = value.toObject();
        for (const auto& key : orderedKeys(map, pointer)) {
            const auto child = map.value(key);
            const auto childPointer = jsonPointer(pointer, key);
            if (key == u"exact" || key == u"prefix" || key == u"suffix") {
                result.dialect = key == u"exact" ? Dialect::Exact
                    : key == u"prefix"           ? Dialect::Prefix
                                                 : Dialect::Suffix;
                const auto attributes = child.toObject();
                for (auto it = attributes.begin(); it != attributes.end(); ++it)
                    result.attributes.insert(it.key(), scalarText(it.value()));
            } else if (key == u"all" || key == u"any") {
                result.dialect = key == u"all" ? Dialect::All : Dialect::Any;
                result.children = filters(child, childPointer);
            } else if (key == u"not") {
                result.dialect = Dialect::Not;
                result.children.append(filter(child, childPointer));
            } else if (key == u"cesql") {
                result.dialect = Dialect::Cesql;
                result.expression = scalarText(child);
            } else {
                continue;
            }
            break;
        }
        return result;
    }

    QList<SubscriptionsApiFilter> filters(const QJsonValue& value, const QString& pointer) const
    {
        QList<SubscriptionsApiFilter> result;
        const auto items = value.toArray();
        for (qsizetype i = 0; i < items.size(); ++i)
            result.append(filter(items.at(i), jsonPointer(pointer, i)));
        return result;
    }

private:
    const ManifestParser::YamlDocument& m_document;
};

// ---------------------------------------------------------------------------------------------------------------
// Editing

// The order kubectl and Knative's docs write the keys in, by parent path; new keys go to their place in it.
QStringList canonicalOrder(const QStringList& parent)
{
    const auto joined = parent.join(u'.');
    if (joined.isEmpty())
        return { u"apiVersion"_s, u"kind"_s, u"metadata"_s, u"spec"_s, u"status"_s };
    if (joined == u"metadata")
        return { u"name"_s, u"namespace"_s, u"labels"_s, u"annotations"_s };
    if (joined == u"spec")
        return { u"broker"_s, u"brokerRef"_s, u"filter"_s, u"filters"_s, u"subscriber"_s, u"delivery"_s };
    if (joined == u"spec.delivery")
        return { u"deadLetterSink"_s, u"retry"_s, u"backoffPolicy"_s, u"backoffDelay"_s, u"timeout"_s };
    if (joined.endsWith(u"ref"))
        return { u"apiVersion"_s, u"kind"_s, u"name"_s, u"namespace"_s };
    if (joined.endsWith(u"subscriber") || joined.endsWith(u"deadLetterSink"))
        return { u"ref"_s, u"uri"_s };
    return {};
}

int indentOf(QStringView line)
{
    int i = 0;
    while (i < line.size() && line.at(i) == u' ')
        ++i;
    return i;
}

bool isBlankOrComment(QStringView line)
{
    const auto trimmed = line.trimmed();
    return trimmed.isEmpty() || trimmed.startsWith(u'#');
}

bool isDocumentMarker(QStringView line)
{
    return (line.startsWith(u"---") || line.startsWith(u"..."))
        && (line.size() == 3 || line.at(3) == u' ' || line.at(3) == u'\t' || line.at(3) == u'\r');
}

// Where one key of a block map is in the text.
struct KeyInfo {
    int line = 0; // 0-based
    int column = 0; // UTF-16 column of the key's first character
    qsizetype keyStart = 0;
    qsizetype keyEnd = 0;
    qsizetype valueStart = 0; // just after the ':'
    qsizetype inlineEnd = 0; // end of the value's text on the key's line, before a comment
    int lastLine = 0; // last line holding content of the value
    QChar firstValueChar; // first character of the value on the key's line, or null
};

// The edit target: the first document of a text, its lines and its nodes' positions.
class EditableDocument {
public:
    explicit EditableDocument(const QString& text)
        : m_text(text)
    {
        m_lineStarts.append(0);
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text.at(i) == u'\n')
                m_lineStarts.append(i + 1);
        }
        const auto loaded = ManifestParser::loadYaml(text.toUtf8(), QString());
        for (const auto& issue : loaded.issues) {
            if (issue.severity == SourceIssue::Severity::Error)
                return;
        }
        if (loaded.documents.isEmpty() || !loaded.documents.first().value.isObject())
            return;
        m_yaml = loaded.documents.first();
        m_valid = true;
        m_endLine = lineCount();
        for (int i = std::max(m_yaml.location.line, 1); i < lineCount(); ++i) {
            if (isDocumentMarker(line(i))) {
                m_endLine = i;
                break;
            }
        }
    }

    bool isValid() const { return m_valid; }
    QJsonObject root() const { return m_yaml.value.toObject(); }
    int lineCount() const { return static_cast<int>(m_lineStarts.size()); }
    qsizetype lineStart(int i) const { return i < lineCount() ? m_lineStarts.at(i) : m_text.size(); }
    // End of line i, before its '\n' (and '\r').
    qsizetype lineEnd(int i) const
    {
        auto end = i + 1 < lineCount() ? m_lineStarts.at(i + 1) - 1 : m_text.size();
        if (end > lineStart(i) && m_text.at(end - 1) == u'\r')
            --end;
        return end;
    }
    QStringView line(int i) const { return QStringView(m_text).mid(lineStart(i), lineEnd(i) - lineStart(i)); }
    const QString& text() const { return m_text; }

    static QString pointerOf(const QStringList& path, qsizetype count)
    {
        QString pointer;
        for (qsizetype i = 0; i < count; ++i)
            pointer = jsonPointer(pointer, path.at(i));
        return pointer;
    }

    std::optional<KeyInfo> keyInfo(const QString& pointer) const
    {
        const auto position = m_yaml.positions.value(pointer);
        if (position.keyLine <= 0 || position.keyLine > lineCount())
            return std::nullopt;
        KeyInfo info;
        info.line = position.keyLine - 1;
        const auto text = line(info.line);
        // yaml-cpp counts columns in UTF-8 bytes.
        info.column
            = static_cast<int>(QString::fromUtf8(text.toUtf8().left(std::max(position.keyColumn - 1, 0))).size());
        const auto base = lineStart(info.line);
        qsizetype i = info.column;
        if (i < text.size() && (text.at(i) == u'"' || text.at(i) == u'\'')) {
            const auto quote = text.at(i);
            for (++i; i < text.size(); ++i) {
                if (quote == u'"' && text.at(i) == u'\\') {
                    ++i;
                } else if (text.at(i) == quote) {
                    if (quote == u'\'' && i + 1 < text.size() && text.at(i + 1) == u'\'') {
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
            }
            info.keyEnd = base + i;
            while (i < text.size() && text.at(i) != u':')
                ++i;
        } else {
            while (i < text.size() && !(text.at(i) == u':' && (i + 1 == text.size() || text.at(i + 1).isSpace())))
                ++i;
            info.keyEnd = base + i;
            while (info.keyEnd > base + info.column && m_text.at(info.keyEnd - 1).isSpace())
                --info.keyEnd;
        }
        if (i >= text.size())
            return std::nullopt;
        info.keyStart = base + info.column;
        info.valueStart = base + i + 1;
        // The value's text on this line ends at a comment; quoted scalars end at their closing quote.
        qsizetype j = i + 1;
        while (j < text.size() && (text.at(j) == u' ' || text.at(j) == u'\t'))
            ++j;
        qsizetype end = j;
        if (j < text.size() && text.at(j) != u'#') {
            info.firstValueChar = text.at(j);
            if (text.at(j) == u'"' || text.at(j) == u'\'') {
                const auto quote = text.at(j);
                end = text.size();
                for (qsizetype k = j + 1; k < text.size(); ++k) {
                    if (quote == u'"' && text.at(k) == u'\\') {
                        ++k;
                    } else if (text.at(k) == quote) {
                        if (quote == u'\'' && k + 1 < text.size() && text.at(k + 1) == u'\'') {
                            ++k;
                            continue;
                        }
                        end = k + 1;
                        break;
                    }
                }
            } else {
                end = text.size();
                for (qsizetype k = j + 1; k < text.size(); ++k) {
                    if (text.at(k) == u'#' && text.at(k - 1).isSpace()) {
                        end = k;
                        break;
                    }
                }
                while (end > j && text.at(end - 1).isSpace())
                    --end;
            }
        }
        info.inlineEnd = base + (info.firstValueChar.isNull() ? i + 1 : end);
        info.lastLine = info.line;
        for (int l = info.line + 1; l < m_endLine; ++l) {
            const auto next = line(l);
            if (isBlankOrComment(next))
                continue;
            const int indent = indentOf(next);
            const bool dash = indent < next.size() && next.at(indent) == u'-'
                && (indent + 1 == next.size() || next.at(indent + 1) == u' ');
            if (indent > info.column || (indent == info.column && dash))
                info.lastLine = l;
            else
                break;
        }
        return info;
    }

    // The keys of the map at pointer with their positions, in text order.
    QList<std::pair<QString, KeyInfo>> children(const QJsonObject& map, const QString& pointer) const
    {
        QList<std::pair<QString, KeyInfo>> result;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (const auto info = keyInfo(jsonPointer(pointer, it.key())))
                result.append({ it.key(), *info });
        }
        std::sort(
            result.begin(), result.end(), [](const auto& a, const auto& b) { return a.second.line < b.second.line; });
        return result;
    }

    // Where a block sequence under the key starts its items, if its value is one.
    std::optional<int> sequenceIndent(const KeyInfo& key) const
    {
        for (int l = key.line + 1; l <= key.lastLine; ++l) {
            const auto next = line(l);
            if (isBlankOrComment(next))
                continue;
            const int indent = indentOf(next);
            if (indent < next.size() && next.at(indent) == u'-')
                return indent;
            return std::nullopt;
        }
        return std::nullopt;
    }

    std::optional<int> mapIndent(const KeyInfo& key) const
    {
        for (int l = key.line + 1; l <= key.lastLine; ++l) {
            const auto next = line(l);
            if (isBlankOrComment(next))
                continue;
            const int indent = indentOf(next);
            if (indent < next.size() && next.at(indent) != u'-')
                return indent;
            return std::nullopt;
        }
        return std::nullopt;
    }

    // The first line of the comments right above line, which belong to it.
    int leadingCommentStart(int lineIndex) const
    {
        int first = lineIndex;
        while (first > 0 && line(first - 1).trimmed().startsWith(u'#'))
            --first;
        return first;
    }

private:
    QString m_text;
    QList<qsizetype> m_lineStarts;
    ManifestParser::YamlDocument m_yaml;
    bool m_valid = false;
    int m_endLine = 0;
};

bool isFlowOrAlias(const KeyInfo& key)
{
    const auto c = key.firstValueChar;
    return c == u'{' || c == u'[' || c == u'&' || c == u'*' || c == u'!';
}

QString indentLines(const QString& block, int indent)
{
    const QString prefix(indent, u' ');
    QStringList lines = block.split(u'\n');
    for (auto& line : lines) {
        if (!line.isEmpty())
            line.prepend(prefix);
    }
    return lines.join(u'\n');
}

// A new value: inline text after "key: ", or a block at indentation 0 for the lines below the key.
struct Fragment {
    QString yaml;
    bool block = false;
    bool sequence = false;
    QJsonValue json;
};

Fragment fragmentFor(const QJsonValue& value)
{
    Fragment fragment;
    fragment.json = value;
    fragment.yaml = TriggerYaml::toBlockYaml(value);
    fragment.block
        = (value.isObject() && !value.toObject().isEmpty()) || (value.isArray() && !value.toArray().isEmpty());
    fragment.sequence = value.isArray() && fragment.block;
    return fragment;
}

// Replaces a key's value, keeping a comment on the key's line.
QList<TextEdit> replaceValue(const EditableDocument& document, const KeyInfo& key, const Fragment& fragment)
{
    QList<TextEdit> edits;
    const auto inlineStart = key.valueStart;
    const auto inlineLength = static_cast<int>(key.inlineEnd - key.valueStart);
    const auto restStart = document.lineEnd(key.line);
    const auto restEnd = document.lineEnd(key.lastLine);
    QString rest;
    QString inlineText;
    if (fragment.block) {
        int indent = key.column + 2;
        if (fragment.sequence)
            indent = document.sequenceIndent(key).value_or(key.column + 2);
        else
            indent = std::max(document.mapIndent(key).value_or(key.column + 2), key.column + 1);
        rest = u'\n' + indentLines(fragment.yaml, indent);
    } else {
        inlineText = u' ' + fragment.yaml;
    }
    if (document.text().mid(inlineStart, inlineLength) != inlineText)
        edits.append(TextEdit { static_cast<int>(inlineStart), inlineLength, inlineText });
    if (document.text().mid(restStart, restEnd - restStart) != rest)
        edits.append(TextEdit { static_cast<int>(restStart), static_cast<int>(restEnd - restStart), rest });
    return edits;
}

QJsonValue withValue(const QJsonValue& node, const QStringList& path, qsizetype from, const QJsonValue& value)
{
    if (from >= path.size())
        return value;
    auto map = node.toObject();
    map.insert(path.at(from), withValue(map.value(path.at(from)), path, from + 1, value));
    return map;
}

QJsonValue withoutKey(const QJsonValue& node, const QStringList& path, qsizetype from)
{
    auto map = node.toObject();
    if (from + 1 >= path.size())
        map.remove(path.at(from));
    else if (map.contains(path.at(from)))
        map.insert(path.at(from), withoutKey(map.value(path.at(from)), path, from + 1));
    return map;
}

QJsonValue withRenamedKey(const QJsonValue& node, const QStringList& path, qsizetype from, const QString& newKey)
{
    auto map = node.toObject();
    if (from + 1 >= path.size()) {
        const auto value = map.take(path.at(from));
        map.insert(newKey, value);
    } else if (map.contains(path.at(from))) {
        map.insert(path.at(from), withRenamedKey(map.value(path.at(from)), path, from + 1, newKey));
    }
    return map;
}

// Walks path through block maps. Returns the index of the first key whose value is flow style, an anchor or an
// alias (its whole value gets rewritten), or -1.
qsizetype flowAncestor(const EditableDocument& document, const QStringList& path, qsizetype depth)
{
    QJsonValue node = document.root();
    for (qsizetype i = 0; i < depth; ++i) {
        const auto map = node.toObject();
        if (!map.contains(path.at(i)))
            return -1;
        const auto key = document.keyInfo(EditableDocument::pointerOf(path, i + 1));
        if (!key || isFlowOrAlias(*key))
            return i;
        node = map.value(path.at(i));
    }
    return -1;
}

QJsonValue valueAt(const QJsonObject& root, const QStringList& path, qsizetype count)
{
    QJsonValue node = root;
    for (qsizetype i = 0; i < count; ++i)
        node = node.toObject().value(path.at(i));
    return node;
}

QList<TextEdit> rewriteKey(
    const EditableDocument& document, const QStringList& path, qsizetype index, const QJsonValue& newValue)
{
    const auto key = document.keyInfo(EditableDocument::pointerOf(path, index + 1));
    if (!key)
        return {};
    return replaceValue(document, *key, fragmentFor(newValue));
}

// The lines "key:\n  child: value" for path[from..] at indent; no final newline.
QString newKeyLines(const QStringList& path, qsizetype from, int indent, const Fragment& fragment)
{
    QString result;
    for (qsizetype i = from; i < path.size(); ++i) {
        const int level = indent + 2 * static_cast<int>(i - from);
        if (i > from)
            result += u'\n';
        result += QString(level, u' ') + TriggerYaml::quoted(path.at(i)) + u':';
        if (i + 1 == path.size()) {
            if (fragment.block)
                result += u'\n' + indentLines(fragment.yaml, level + 2);
            else
                result += u' ' + fragment.yaml;
        }
    }
    return result;
}

QList<TextEdit> setFragment(const QString& text, const QStringList& path, const Fragment& fragment)
{
    const EditableDocument document(text);
    if (!document.isValid() || path.isEmpty())
        return {};
    if (const auto flow = flowAncestor(document, path, path.size() - 1); flow >= 0) {
        const auto current = valueAt(document.root(), path, flow + 1);
        return rewriteKey(document, path, flow, withValue(current, path, flow + 1, fragment.json));
    }
    // The deepest existing key of path.
    QJsonValue node = document.root();
    qsizetype existing = 0;
    while (existing < path.size() && node.isObject() && node.toObject().contains(path.at(existing))) {
        node = node.toObject().value(path.at(existing));
        ++existing;
    }
    if (existing == path.size()) {
        const auto key = document.keyInfo(EditableDocument::pointerOf(path, path.size()));
        if (!key)
            return {};
        return replaceValue(document, *key, fragment);
    }
    const auto parentPointer = EditableDocument::pointerOf(path, existing);
    if (!node.isObject() || node.toObject().isEmpty()) {
        // The parent holds a scalar, a list or nothing: it becomes a map.
        const auto parent = document.keyInfo(parentPointer);
        if (!parent)
            return {};
        const auto block = newKeyLines(path, existing, parent->column + 2, fragment);
        QList<TextEdit> edits;
        if (parent->inlineEnd > parent->valueStart) {
            edits.append(TextEdit { static_cast<int>(parent->valueStart),
                static_cast<int>(parent->inlineEnd - parent->valueStart), QString() });
        }
        const auto restStart = document.lineEnd(parent->line);
        const auto restEnd = document.lineEnd(parent->lastLine);
        edits.append(TextEdit { static_cast<int>(restStart), static_cast<int>(restEnd - restStart), u'\n' + block });
        return edits;
    }
    // Insert among the siblings, at the place kubectl would write the key.
    const auto siblings = document.children(node.toObject(), parentPointer);
    if (siblings.isEmpty())
        return {};
    const int indent = siblings.first().second.column;
    const auto order = canonicalOrder(path.mid(0, existing));
    const auto rank = order.indexOf(path.at(existing));
    std::optional<int> insertLine;
    if (rank >= 0) {
        for (const auto& [name, info] : siblings) {
            const auto r = order.indexOf(name);
            if (r >= 0 && r < rank)
                insertLine = info.lastLine + 1;
        }
        if (!insertLine) {
            for (const auto& [name, info] : siblings) {
                if (order.indexOf(name) > rank) {
                    insertLine = document.leadingCommentStart(info.line);
                    break;
                }
            }
        }
    }
    if (!insertLine) {
        int last = 0;
        for (const auto& sibling : siblings)
            last = std::max(last, sibling.second.lastLine);
        insertLine = last + 1;
    }
    auto lines = newKeyLines(path, existing, indent, fragment);
    const auto offset = document.lineStart(*insertLine);
    if (*insertLine >= document.lineCount() || offset == text.size()) {
        if (!text.isEmpty() && !text.endsWith(u'\n'))
            lines.prepend(u'\n');
        if (*insertLine < document.lineCount())
            lines += u'\n';
    } else {
        lines += u'\n';
    }
    return { TextEdit { static_cast<int>(offset), 0, lines } };
}

bool needsQuotes(const QString& value)
{
    if (value.isEmpty() || value.front().isSpace() || value.back().isSpace())
        return true;
    static constexpr QStringView indicators = u"-?:,[]{}#&*!|>'\"%@`";
    if (indicators.contains(value.front()))
        return true;
    if (value.contains(u": ") || value.contains(u" #") || value.endsWith(u':') || value.contains(u'\t'))
        return true;
    for (const auto c : value) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Format)
            return true;
    }
    // Plain scalars that YAML 1.1 or 1.2 read as something other than a string.
    static const QRegularExpression special(
        uR"(^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|)"
        uR"(no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?\.(?:inf|Inf|INF)|)"
        uR"(\.(?:nan|NaN|NAN)|[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|)"
        uR"(0x[0-9a-fA-F_]+|0o[0-7]+|0b[01_]+|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|)"
        uR"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$)"_s);
    return special.match(value).hasMatch();
}

void emitBlock(const QJsonValue& value, int indent, QString& out);

QString inlineScalar(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return TriggerYaml::quoted(value.toString());
    case QJsonValue::Bool:
    case QJsonValue::Double:
        return scalarText(value);
    case QJsonValue::Object:
        return u"{}"_s;
    case QJsonValue::Array:
        return u"[]"_s;
    default:
        return u"null"_s;
    }
}

bool isNonEmptyCollection(const QJsonValue& value)
{
    return (value.isObject() && !value.toObject().isEmpty()) || (value.isArray() && !value.toArray().isEmpty());
}

void emitBlock(const QJsonValue& value, int indent, QString& out)
{
    const QString prefix(indent, u' ');
    if (value.isObject()) {
        const auto map = value.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            out += prefix + TriggerYaml::quoted(it.key()) + u':';
            if (isNonEmptyCollection(it.value())) {
                out += u'\n';
                emitBlock(it.value(), indent + 2, out);
            } else {
                out += u' ' + inlineScalar(it.value()) + u'\n';
            }
        }
    } else if (value.isArray()) {
        for (const auto& item : value.toArray()) {
            if (isNonEmptyCollection(item)) {
                QString nested;
                emitBlock(item, indent + 2, nested);
                // The first line of the item goes after its dash.
                out += prefix + u"- " + nested.mid(indent + 2);
            } else {
                out += prefix + u"- " + inlineScalar(item) + u'\n';
            }
        }
    } else {
        out += prefix + inlineScalar(value) + u'\n';
    }
}

// yaml-cpp reads some malformed texts leniently (a key's value continued on a line at the key's own indentation):
// an edit is only offered when the edited text reads back as intended, else the text is left alone.
QList<TextEdit> checked(
    const QString& text, QList<TextEdit> edits, const std::function<bool(const QJsonObject&)>& intended)
{
    if (edits.isEmpty())
        return edits;
    const auto loaded = ManifestParser::loadYaml(TriggerYaml::applyEdits(text, edits).toUtf8(), QString());
    for (const auto& issue : loaded.issues) {
        if (issue.severity == SourceIssue::Severity::Error)
            return {};
    }
    if (loaded.documents.isEmpty() || !loaded.documents.first().value.isObject()
        || !intended(loaded.documents.first().value.toObject()))
        return {};
    return edits;
}

} // namespace

TriggerDraft TriggerDraft::parse(const QString& text)
{
    TriggerDraft draft;
    const auto loaded = ManifestParser::loadYaml(text.toUtf8(), QString());
    for (const auto& issue : loaded.issues) {
        if (issue.severity == SourceIssue::Severity::Error) {
            draft.error = issue.message;
            draft.errorLine = issue.location.line;
            return draft;
        }
    }
    if (loaded.documents.isEmpty() || !loaded.documents.first().value.isObject()) {
        draft.error = QStringLiteral("the text holds no YAML map");
        return draft;
    }
    const auto& document = loaded.documents.first();
    const DraftReader reader(document);
    draft.valid = true;
    draft.json = document.value.toObject();
    draft.apiVersion = draft.json.value("apiVersion"_L1).toString();
    draft.kind = draft.json.value("kind"_L1).toString();
    const auto metadata = draft.json.value("metadata"_L1).toObject();
    draft.name = scalarText(metadata.value("name"_L1));
    draft.ns = scalarText(metadata.value("namespace"_L1));
    draft.labels = reader.entries(metadata.value("labels"_L1), u"/metadata/labels"_s);
    draft.annotations = reader.entries(metadata.value("annotations"_L1), u"/metadata/annotations"_s);

    const auto spec = draft.json.value("spec"_L1).toObject();
    draft.broker = scalarText(spec.value("broker"_L1));
    draft.subscriber = DraftReader::destination(spec.value("subscriber"_L1));
    draft.hasFilter = spec.contains("filter"_L1);
    draft.filterAttributes
        = reader.entries(spec.value("filter"_L1).toObject().value("attributes"_L1), u"/spec/filter/attributes"_s);
    draft.filters = reader.filters(spec.value("filters"_L1), u"/spec/filters"_s);
    const auto delivery = spec.value("delivery"_L1).toObject();
    draft.delivery.deadLetterSink = DraftReader::destination(delivery.value("deadLetterSink"_L1));
    if (delivery.value("retry"_L1).isDouble())
        draft.delivery.retry = delivery.value("retry"_L1).toInt();
    draft.delivery.backoffPolicy = scalarText(delivery.value("backoffPolicy"_L1));
    draft.delivery.backoffDelay = scalarText(delivery.value("backoffDelay"_L1));
    draft.delivery.timeout = scalarText(delivery.value("timeout"_L1));
    return draft;
}

namespace TriggerYaml {

static QList<TextEdit> removeKeyEdits(const QString& text, const QStringList& path);
static QList<TextEdit> renameKeyEdits(const QString& text, const QStringList& path, const QString& newKey);

QList<TextEdit> setScalar(const QString& text, const QStringList& path, const QString& value)
{
    return setValue(text, path, QJsonValue(value));
}

QList<TextEdit> setNumber(const QString& text, const QStringList& path, qint64 value)
{
    return setValue(text, path, QJsonValue(value));
}

QList<TextEdit> setValue(const QString& text, const QStringList& path, const QJsonValue& value)
{
    return checked(text, setFragment(text, path, fragmentFor(value)),
        [&](const QJsonObject& root) { return valueAt(root, path, path.size()) == value; });
}

QList<TextEdit> replaceBlock(const QString& text, const QStringList& path, const QString& yamlFragment)
{
    if (yamlFragment.trimmed().isEmpty())
        return removeKey(text, path);
    const auto loaded = ManifestParser::loadYaml(yamlFragment.toUtf8(), QString());
    if (!loaded.issues.isEmpty() || loaded.documents.isEmpty())
        return {};
    Fragment fragment;
    fragment.json = loaded.documents.first().value;
    fragment.block = isNonEmptyCollection(fragment.json);
    fragment.sequence = fragment.block && fragment.json.isArray();
    fragment.yaml = yamlFragment;
    while (fragment.yaml.endsWith(u'\n'))
        fragment.yaml.chop(1);
    if (!fragment.block)
        fragment.yaml = fragment.yaml.trimmed();
    return checked(text, setFragment(text, path, fragment),
        [&](const QJsonObject& root) { return valueAt(root, path, path.size()) == fragment.json; });
}

QList<TextEdit> removeKey(const QString& text, const QStringList& path)
{
    return checked(text, removeKeyEdits(text, path), [&](const QJsonObject& root) {
        return !valueAt(root, path, path.size() - 1).toObject().contains(path.last());
    });
}

static QList<TextEdit> removeKeyEdits(const QString& text, const QStringList& path)
{
    const EditableDocument document(text);
    if (!document.isValid() || path.isEmpty())
        return {};
    if (!valueAt(document.root(), path, path.size() - 1).toObject().contains(path.last()))
        return {};
    if (const auto flow = flowAncestor(document, path, path.size() - 1); flow >= 0) {
        const auto current = valueAt(document.root(), path, flow + 1);
        return rewriteKey(document, path, flow, withoutKey(current, path, flow + 1));
    }
    auto target = path;
    while (target.size() > 2 && valueAt(document.root(), target, target.size() - 1).toObject().size() == 1)
        target.removeLast();
    const auto key = document.keyInfo(EditableDocument::pointerOf(target, target.size()));
    if (!key)
        return {};
    const auto start = document.lineStart(key->line);
    const auto end = document.lineStart(key->lastLine + 1);
    return { TextEdit { static_cast<int>(start), static_cast<int>(end - start), QString() } };
}

QList<TextEdit> renameKey(const QString& text, const QStringList& path, const QString& newKey)
{
    return checked(text, renameKeyEdits(text, path, newKey), [&](const QJsonObject& root) {
        const auto parent = valueAt(root, path, path.size() - 1).toObject();
        return parent.contains(newKey) && !parent.contains(path.last());
    });
}

static QList<TextEdit> renameKeyEdits(const QString& text, const QStringList& path, const QString& newKey)
{
    const EditableDocument document(text);
    if (!document.isValid() || path.isEmpty() || newKey.isEmpty() || newKey == path.last())
        return {};
    const auto parent = valueAt(document.root(), path, path.size() - 1).toObject();
    if (!parent.contains(path.last()) || parent.contains(newKey))
        return {};
    if (const auto flow = flowAncestor(document, path, path.size() - 1); flow >= 0) {
        const auto current = valueAt(document.root(), path, flow + 1);
        return rewriteKey(document, path, flow, withRenamedKey(current, path, flow + 1, newKey));
    }
    const auto key = document.keyInfo(EditableDocument::pointerOf(path, path.size()));
    if (!key)
        return {};
    return { TextEdit {
        static_cast<int>(key->keyStart), static_cast<int>(key->keyEnd - key->keyStart), quoted(newKey) } };
}

QString applyEdits(const QString& text, const QList<TextEdit>& edits)
{
    auto result = text;
    for (auto it = edits.crbegin(); it != edits.crend(); ++it)
        result.replace(it->start, it->length, it->replacement);
    return result;
}

QString quoted(const QString& value)
{
    if (!needsQuotes(value))
        return value;
    bool control = false;
    for (const auto c : value) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            control = true;
    }
    if (!control) {
        auto escaped = value;
        escaped.replace(u'\'', u"''"_s);
        return u'\'' + escaped + u'\'';
    }
    QString result = u"\""_s;
    for (const auto c : value) {
        switch (c.unicode()) {
        case '"':
            result += u"\\\""_s;
            break;
        case '\\':
            result += u"\\\\"_s;
            break;
        case '\n':
            result += u"\\n"_s;
            break;
        case '\t':
            result += u"\\t"_s;
            break;
        case '\r':
            result += u"\\r"_s;
            break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                result += QStringLiteral("\\x%1").arg(static_cast<uint>(c.unicode()), 2, 16, QChar(u'0'));
            else
                result += c;
        }
    }
    return result + u'"';
}

QString toBlockYaml(const QJsonValue& value)
{
    QString out;
    if (isNonEmptyCollection(value))
        emitBlock(value, 0, out);
    else
        out = inlineScalar(value);
    if (out.endsWith(u'\n'))
        out.chop(1);
    return out;
}

QJsonObject filterToJson(const SubscriptionsApiFilter& filter)
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    QJsonObject result;
    switch (filter.dialect) {
    case Dialect::Exact:
    case Dialect::Prefix:
    case Dialect::Suffix: {
        QJsonObject attributes;
        for (auto it = filter.attributes.begin(); it != filter.attributes.end(); ++it)
            attributes.insert(it.key(), it.value());
        const auto key = filter.dialect == Dialect::Exact ? u"exact"_s
            : filter.dialect == Dialect::Prefix           ? u"prefix"_s
                                                          : u"suffix"_s;
        result.insert(key, attributes);
        break;
    }
    case Dialect::All:
    case Dialect::Any:
        result.insert(filter.dialect == Dialect::All ? u"all"_s : u"any"_s, filtersToJson(filter.children));
        break;
    case Dialect::Not:
        result.insert(u"not"_s, filter.children.isEmpty() ? QJsonObject() : filterToJson(filter.children.first()));
        break;
    case Dialect::Cesql:
        result.insert(u"cesql"_s, filter.expression);
        break;
    case Dialect::Invalid:
        break;
    }
    return result;
}

QJsonArray filtersToJson(const QList<SubscriptionsApiFilter>& filters)
{
    QJsonArray result;
    for (const auto& filter : filters)
        result.append(filterToJson(filter));
    return result;
}

bool sameFilters(const QList<SubscriptionsApiFilter>& a, const QList<SubscriptionsApiFilter>& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.dialect == y.dialect && x.attributes == y.attributes && x.expression == y.expression
            && sameFilters(x.children, y.children);
    });
}

QJsonObject referenceToJson(const KReference& ref)
{
    QJsonObject result;
    result.insert(u"apiVersion"_s, ref.apiVersion);
    result.insert(u"kind"_s, ref.kind);
    result.insert(u"name"_s, ref.name);
    if (!ref.ns.isEmpty())
        result.insert(u"namespace"_s, ref.ns);
    return result;
}

} // namespace TriggerYaml
