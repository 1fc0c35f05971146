// SPDX-License-Identifier: Apache-2.0
#include "templateengine.h"

#include <QUuid>

#include <array>
#include <limits>
#include <variant>

using namespace Qt::StringLiterals;

namespace {

struct Uuid { };
struct Now { };
struct Sequence { };
struct Random {
    qint64 min = 0;
    qint64 max = 0;
};
struct Choice {
    QStringList options;
};
using Placeholder = std::variant<Uuid, Now, Sequence, Random, Choice>;

const QString knownPlaceholders = u"known: {{uuid}}, {{now}}, {{seq}}, {{random:MIN-MAX}}, {{choice:a|b|c}}"_s;

// The text between "{{" and "}}", or why it is not a placeholder.
std::variant<Placeholder, QString> parsePlaceholder(const QString& content)
{
    const QString name = content.trimmed();
    if (name == u"uuid")
        return Uuid {};
    if (name == u"now")
        return Now {};
    if (name == u"seq")
        return Sequence {};
    if (name.startsWith(u"random:")) {
        // MIN-MAX where either may carry a minus sign: the separator is the first '-' after MIN's first character.
        const QString range = name.mid(7).trimmed();
        const auto dash = range.indexOf(u'-', 1);
        bool minOk = false;
        bool maxOk = false;
        const qint64 min = dash > 0 ? range.left(dash).trimmed().toLongLong(&minOk) : 0;
        const qint64 max = dash > 0 ? range.mid(dash + 1).trimmed().toLongLong(&maxOk) : 0;
        if (!minOk || !maxOk)
            return u"{{random:...}} needs two integers MIN-MAX, e.g. {{random:1-100}}, not \"%1\""_s.arg(range);
        if (min > max)
            return u"{{random:%1}}: MIN is greater than MAX"_s.arg(range);
        return Random { min, max };
    }
    if (name.startsWith(u"choice:")) {
        const QString options = content.mid(content.indexOf(u':') + 1);
        if (options.isEmpty())
            return u"{{choice:...}} needs options separated by '|', e.g. {{choice:a|b|c}}"_s;
        return Choice { options.split(u'|') };
    }
    return u"unknown placeholder {{%1}} (%2)"_s.arg(content, knownPlaceholders);
}

TemplateIssue issueAt(const QString& text, qsizetype index, const QString& field, const QString& message)
{
    const auto lineStart = index == 0 ? -1 : text.lastIndexOf(u'\n', index - 1);
    const auto line = 1 + text.left(index).count(u'\n');
    return { field, int(line), int(index - lineStart), message };
}

// Copies text, replacing each placeholder by value(placeholder); what is not a placeholder is kept as typed.
template <typename Value>
QString scan(const QString& text, const QString& field, QList<TemplateIssue>* issues, Value value)
{
    QString result;
    result.reserve(text.size());
    qsizetype from = 0;
    while (true) {
        const auto open = text.indexOf(u"{{"_s, from);
        if (open < 0)
            break;
        result += QStringView(text).mid(from, open - from);
        const auto close = text.indexOf(u"}}"_s, open + 2);
        if (close < 0) {
            if (issues)
                issues->append(issueAt(text, open, field, u"\"{{\" without a closing \"}}\""_s));
            from = open;
            break;
        }
        const auto parsed = parsePlaceholder(text.mid(open + 2, close - open - 2));
        if (const auto* placeholder = std::get_if<Placeholder>(&parsed)) {
            result += value(*placeholder);
        } else {
            if (issues)
                issues->append(issueAt(text, open, field, std::get<QString>(parsed)));
            result += QStringView(text).mid(open, close + 2 - open);
        }
        from = close + 2;
    }
    result += QStringView(text).mid(from);
    return result;
}

bool expandsData(CloudEvent::DataKind kind)
{
    return kind == CloudEvent::DataKind::Text || kind == CloudEvent::DataKind::Json;
}

// The typed value of an attribute's expanded text, or why it has none.
std::variant<QVariant, QString> typedValue(const QString& name, const QString& text, int type)
{
    if (name == u"time" || type == QMetaType::QDateTime) {
        if (name == u"time" && text.isEmpty())
            return QVariant();
        if (const auto time = parseCloudEventTimestamp(text))
            return QVariant(*time);
        return u"not an RFC 3339 timestamp: \"%1\""_s.arg(text);
    }
    switch (type) {
    case QMetaType::Bool:
        if (text == u"true" || text == u"false")
            return QVariant(text == u"true");
        return u"not a Boolean (true or false): \"%1\""_s.arg(text);
    case QMetaType::Int: {
        bool ok = false;
        const int value = text.toInt(&ok);
        if (ok)
            return QVariant(value);
        return u"not a 32-bit Integer: \"%1\""_s.arg(text);
    }
    case QMetaType::QByteArray: {
        const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (decoded)
            return QVariant(*decoded);
        return u"not base64: \"%1\""_s.arg(text);
    }
    default:
        return QVariant(text);
    }
}

} // namespace

CloudEventTemplate CloudEventTemplate::fromEvent(const CloudEvent& event)
{
    CloudEventTemplate result;
    const QStringList names = event.attributeNames();
    for (const QString& name : names)
        result.attributes.insert(name, event.attribute(name).value_or(QString()));
    for (auto it = event.extensions.constBegin(); it != event.extensions.constEnd(); ++it) {
        const int type = it->typeId();
        if (type != QMetaType::QString && type != QMetaType::QUrl)
            result.extensionTypes.insert(it.key(), type);
    }
    result.data = event.data;
    result.dataKind = event.dataKind;
    return result;
}

TemplateEngine::TemplateEngine()
    : TemplateEngine(QRandomGenerator::system()->generate())
{
}

TemplateEngine::TemplateEngine(quint32 seed)
    : m_random(seed)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

void TemplateEngine::setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

quint64 TemplateEngine::nextSequence() const { return m_nextSequence; }

void TemplateEngine::setNextSequence(quint64 sequence) { m_nextSequence = sequence; }

void TemplateEngine::beginExpansion()
{
    m_sequence = m_nextSequence++;
    m_now = m_clock().toUTC().toString(Qt::ISODateWithMs);
}

QString TemplateEngine::uuid()
{
    // Version 4 from the engine's own generator, so that a seed reproduces the UUIDs too.
    std::array<quint32, 4> words;
    m_random.fillRange(words.data(), qsizetype(words.size()));
    QByteArray bytes(reinterpret_cast<const char*>(words.data()), qsizetype(sizeof words));
    bytes[6] = char((bytes[6] & 0x0F) | 0x40);
    bytes[8] = char((bytes[8] & 0x3F) | 0x80);
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

QString TemplateEngine::expandText(const QString& text, const QString& field, QList<TemplateIssue>* issues)
{
    if (!m_sequence)
        beginExpansion();
    return scan(text, field, issues, [this](const Placeholder& placeholder) -> QString {
        if (std::holds_alternative<Uuid>(placeholder))
            return uuid();
        if (std::holds_alternative<Now>(placeholder))
            return m_now;
        if (std::holds_alternative<Sequence>(placeholder))
            return QString::number(*m_sequence);
        if (const auto* random = std::get_if<Random>(&placeholder)) {
            const quint64 span = quint64(random->max) - quint64(random->min);
            const quint64 offset
                = span == std::numeric_limits<quint64>::max() ? m_random.generate64() : m_random.bounded(span + 1);
            return QString::number(qint64(quint64(random->min) + offset));
        }
        const auto& options = std::get<Choice>(placeholder).options;
        return options.at(qsizetype(m_random.bounded(quint32(options.size()))));
    });
}

std::optional<CloudEvent> TemplateEngine::expand(const CloudEventTemplate& eventTemplate, QList<TemplateIssue>* issues)
{
    beginExpansion();
    QList<TemplateIssue> found;
    CloudEvent event;
    for (auto it = eventTemplate.attributes.constBegin(); it != eventTemplate.attributes.constEnd(); ++it) {
        const QString& name = it.key();
        const QString text = expandText(it.value(), name, &found);
        const bool core = cloudEventCoreAttributeNames().contains(name);
        const int type = core ? int(QMetaType::QString) : eventTemplate.extensionTypes.value(name, QMetaType::QString);
        const auto value = typedValue(name, text, type);
        if (const auto* message = std::get_if<QString>(&value))
            found.append({ name, 1, 1, *message });
        else
            event.setAttribute(name, std::get<QVariant>(value));
    }
    event.dataKind = eventTemplate.dataKind;
    event.data = expandsData(eventTemplate.dataKind)
        ? expandText(QString::fromUtf8(eventTemplate.data), u"data"_s, &found).toUtf8()
        : eventTemplate.data;
    if (issues)
        issues->append(found);
    if (!found.isEmpty())
        return std::nullopt;
    return event;
}

QList<TemplateIssue> TemplateEngine::check(const QString& text, const QString& field)
{
    QList<TemplateIssue> issues;
    scan(text, field, &issues, [](const Placeholder&) { return QString(); });
    return issues;
}

QList<TemplateIssue> TemplateEngine::check(const CloudEventTemplate& eventTemplate)
{
    QList<TemplateIssue> issues;
    for (auto it = eventTemplate.attributes.constBegin(); it != eventTemplate.attributes.constEnd(); ++it)
        issues.append(check(it.value(), it.key()));
    if (expandsData(eventTemplate.dataKind))
        issues.append(check(QString::fromUtf8(eventTemplate.data), u"data"_s));
    return issues;
}
