// SPDX-License-Identifier: Apache-2.0
#include "cloudevent.h"

#include <QRegularExpression>

#include <limits>

using namespace Qt::StringLiterals;

namespace {

QString formatTimestamp(const QDateTime& value)
{
    if (!value.isValid())
        return {};
    const QDateTime utc = value.toUTC();
    QString text = utc.toString(u"yyyy-MM-dd'T'HH:mm:ss"_s);
    // Fractional seconds only when non-zero, without trailing zeros, like Go's RFC3339Nano.
    if (const int ms = utc.time().msec(); ms != 0) {
        QString fraction = QString::number(ms).rightJustified(3, u'0');
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        text += u'.' % fraction;
    }
    return text + u'Z';
}

bool isIntegralType(int typeId)
{
    switch (typeId) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
        return true;
    default:
        return false;
    }
}

std::optional<int> toInt32(const QVariant& value)
{
    constexpr qlonglong min = std::numeric_limits<int>::min();
    constexpr qlonglong max = std::numeric_limits<int>::max();
    switch (value.typeId()) {
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::ULong:
    case QMetaType::UShort:
        if (value.toULongLong() > static_cast<qulonglong>(max))
            return std::nullopt;
        return static_cast<int>(value.toULongLong());
    default:
        if (value.toLongLong() < min || value.toLongLong() > max)
            return std::nullopt;
        return static_cast<int>(value.toLongLong());
    }
}

bool isNullValue(const QVariant& value) { return !value.isValid() || value.typeId() == QMetaType::Nullptr; }

} // namespace

QString cloudEventValueToString(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::ULong:
    case QMetaType::UShort:
        return QString::number(value.toULongLong());
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::Long:
    case QMetaType::Short:
        return QString::number(value.toLongLong());
    case QMetaType::QByteArray:
        return QString::fromLatin1(value.toByteArray().toBase64());
    case QMetaType::QDateTime:
        return formatTimestamp(value.toDateTime());
    case QMetaType::QUrl:
        return value.toUrl().toString(QUrl::FullyEncoded);
    default:
        return value.toString();
    }
}

std::optional<QDateTime> parseCloudEventTimestamp(QStringView text)
{
    // RFC 3339 section 5.6 date-time; [0-9] rather than \d, which would match any Unicode digit.
    static const QRegularExpression pattern(u"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
                                            u"(?:\\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$"_s);
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const auto number = [&match](int group) { return match.capturedView(group).toInt(); };
    const QDate date(number(1), number(2), number(3));
    int ms = 0;
    if (const QStringView fraction = match.capturedView(7); !fraction.isEmpty())
        ms = fraction.left(3).toString().leftJustified(3, u'0').toInt();
    const QTime time(number(4), number(5), number(6), ms);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    int offsetSeconds = 0;
    if (match.capturedView(8).isEmpty()) {
        const int hours = number(10);
        const int minutes = number(11);
        if (hours > 23 || minutes > 59)
            return std::nullopt;
        offsetSeconds = (hours * 60 + minutes) * 60 * (match.capturedView(9) == u"-" ? -1 : 1);
    }
    return QDateTime(date, time, Qt::UTC).addSecs(-offsetSeconds);
}

const QStringList& cloudEventCoreAttributeNames()
{
    static const QStringList names { u"specversion"_s, u"id"_s, u"source"_s, u"type"_s, u"datacontenttype"_s,
        u"dataschema"_s, u"subject"_s, u"time"_s };
    return names;
}

std::optional<QString> CloudEvent::attribute(const QString& name) const
{
    // Required attributes always exist (possibly empty on an invalid event); optional ones only when set.
    if (name == u"specversion")
        return specVersion;
    if (name == u"id")
        return id;
    if (name == u"source")
        return source;
    if (name == u"type")
        return type;
    const auto optionalString = [](const QString& value) -> std::optional<QString> {
        if (value.isEmpty())
            return std::nullopt;
        return value;
    };
    if (name == u"datacontenttype")
        return optionalString(dataContentType);
    if (name == u"dataschema")
        return optionalString(dataSchema);
    if (name == u"subject")
        return optionalString(subject);
    if (name == u"time") {
        if (!time)
            return std::nullopt;
        return cloudEventValueToString(*time);
    }
    const auto it = extensions.constFind(name);
    if (it == extensions.constEnd() || !it->isValid())
        return std::nullopt;
    return cloudEventValueToString(*it);
}

QStringList CloudEvent::attributeNames() const
{
    QStringList names { u"specversion"_s, u"id"_s, u"source"_s, u"type"_s };
    if (!dataContentType.isEmpty())
        names.append(u"datacontenttype"_s);
    if (!dataSchema.isEmpty())
        names.append(u"dataschema"_s);
    if (!subject.isEmpty())
        names.append(u"subject"_s);
    if (time)
        names.append(u"time"_s);
    for (auto it = extensions.constBegin(); it != extensions.constEnd(); ++it) {
        if (it->isValid())
            names.append(it.key());
    }
    return names;
}

void CloudEvent::setAttribute(const QString& name, const QVariant& value)
{
    // Core attributes have no "set but empty" state, so an empty string unsets them too.
    const bool unset = isNullValue(value) || (value.typeId() == QMetaType::QString && value.toString().isEmpty());
    if (name == u"time") {
        if (unset)
            time.reset();
        else if (value.typeId() == QMetaType::QDateTime)
            time = value.toDateTime().toUTC();
        else
            time = parseCloudEventTimestamp(value.toString()).value_or(QDateTime());
        return;
    }
    QString* const core = name == u"specversion" ? &specVersion
        : name == u"id"                          ? &id
        : name == u"source"                      ? &source
        : name == u"type"                        ? &type
        : name == u"datacontenttype"             ? &dataContentType
        : name == u"dataschema"                  ? &dataSchema
        : name == u"subject"                     ? &subject
                                                 : nullptr;
    if (core) {
        *core = unset ? QString() : cloudEventValueToString(value);
        return;
    }
    if (isNullValue(value)) {
        extensions.remove(name);
        return;
    }
    switch (value.typeId()) {
    case QMetaType::QUrl:
        extensions.insert(name, value.toUrl().toString(QUrl::FullyEncoded));
        return;
    case QMetaType::QDateTime:
        extensions.insert(name, value.toDateTime().toUTC());
        return;
    default:
        break;
    }
    if (isIntegralType(value.typeId()) && value.typeId() != QMetaType::Int) {
        if (const auto number = toInt32(value)) {
            extensions.insert(name, *number);
            return;
        }
    }
    extensions.insert(name, value);
}
