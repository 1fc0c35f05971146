// SPDX-License-Identifier: Apache-2.0
#include "cloudeventcodec.h"

#include "cloudeventvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

const QString structuredContentType = u"application/cloudevents+json; charset=UTF-8"_s;

QString mediaTypeOf(const QString& contentType)
{
    const auto semicolon = contentType.indexOf(u';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

bool isStructuredContentType(const QString& contentType)
{
    return contentType.trimmed().startsWith(u"application/cloudevents", Qt::CaseInsensitive);
}

bool isBatchContentType(const QString& contentType)
{
    return contentType.trimmed().startsWith(u"application/cloudevents-batch", Qt::CaseInsensitive);
}

// Binding bodies carry no kind, so it is inferred from the content type without losing a byte.
CloudEvent::DataKind dataKindFor(const QString& contentType, const QByteArray& body)
{
    if (body.isEmpty())
        return CloudEvent::DataKind::None;
    const bool json = !contentType.isEmpty() && CloudEventJson::isJsonContentType(contentType);
    if (json && CloudEventJson::parseValue(body))
        return CloudEvent::DataKind::Json;
    if ((json || mediaTypeOf(contentType).startsWith(u"text/")) && CloudEventValidator::isValidUtf8(body))
        return CloudEvent::DataKind::Text;
    return CloudEvent::DataKind::Binary;
}

QJsonValue extensionToJson(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::Int:
        return value.toInt();
    default:
        return cloudEventValueToString(value);
    }
}

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

std::nullopt_t fail(QString* error, const QString& message)
{
    setError(error, message);
    return std::nullopt;
}

// Runs the validator so that every decoder hands out only valid events.
std::optional<CloudEvent> validated(CloudEvent event, QString* error)
{
    const auto issues = CloudEventValidator::validate(event);
    if (!issues.isEmpty())
        return fail(error, issues.constFirst().field % u": "_s % issues.constFirst().message);
    return event;
}

// Sets one attribute from its decoded string form (JSON member or binding header), rejecting empty optional
// core attributes, which the in-memory model cannot tell from unset ones.
bool setStringAttribute(CloudEvent& event, const QString& name, const QString& value, QString* error)
{
    static const QStringList optional { u"datacontenttype"_s, u"dataschema"_s, u"subject"_s, u"time"_s };
    if (value.isEmpty() && optional.contains(name)) {
        setError(error, name % u": must not be empty"_s);
        return false;
    }
    if (name == u"time" && !parseCloudEventTimestamp(value)) {
        setError(error, u"time: not a valid RFC 3339 timestamp"_s);
        return false;
    }
    event.setAttribute(name, value);
    return true;
}

bool hexValue(char c, int* value)
{
    if (c >= '0' && c <= '9')
        *value = c - '0';
    else if (c >= 'a' && c <= 'f')
        *value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        *value = c - 'A' + 10;
    else
        return false;
    return true;
}

// RFC 7230 quoted-string: DQUOTE *( qdtext / quoted-pair ) DQUOTE.
std::optional<QByteArray> unquote(const QByteArray& value)
{
    if (!value.startsWith('"'))
        return value;
    if (value.size() < 2 || !value.endsWith('"'))
        return std::nullopt;
    QByteArray result;
    for (qsizetype i = 1; i < value.size() - 1; ++i) {
        char c = value.at(i);
        if (c == '\\') {
            if (++i >= value.size() - 1)
                return std::nullopt;
            c = value.at(i);
        } else if (c == '"') {
            return std::nullopt;
        }
        result.append(c);
    }
    return result;
}

} // namespace

namespace CloudEventJson {

bool isJsonContentType(const QString& contentType)
{
    const QString media = mediaTypeOf(contentType);
    if (media.isEmpty())
        return true;
    const auto slash = media.indexOf(u'/');
    if (slash <= 0)
        return false;
    const QStringView subtype = QStringView(media).mid(slash + 1);
    return subtype == u"json" || subtype.endsWith(u"+json");
}

std::optional<QJsonValue> parseValue(const QByteArray& bytes)
{
    // Wrapping in an array lets QJsonDocument, which only takes objects and arrays, parse bare scalars too.
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson('[' + bytes + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray() || document.array().size() != 1)
        return std::nullopt;
    return document.array().at(0);
}

QByteArray serializeValue(const QJsonValue& value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

QJsonObject toJson(const CloudEvent& event)
{
    QJsonObject object;
    object.insert(u"specversion"_s, event.specVersion);
    object.insert(u"id"_s, event.id);
    object.insert(u"source"_s, event.source);
    object.insert(u"type"_s, event.type);
    if (!event.dataContentType.isEmpty())
        object.insert(u"datacontenttype"_s, event.dataContentType);
    if (!event.dataSchema.isEmpty())
        object.insert(u"dataschema"_s, event.dataSchema);
    if (!event.subject.isEmpty())
        object.insert(u"subject"_s, event.subject);
    if (event.time)
        object.insert(u"time"_s, cloudEventValueToString(*event.time));
    for (auto it = event.extensions.constBegin(); it != event.extensions.constEnd(); ++it) {
        if (it->isValid())
            object.insert(it.key(), extensionToJson(*it));
    }

    using Kind = CloudEvent::DataKind;
    if (event.dataKind == Kind::None && event.data.isEmpty())
        return object;
    const bool binary = event.dataKind == Kind::Binary || event.dataKind == Kind::None;
    if (!binary && isJsonContentType(event.dataContentType)) {
        if (const auto value = parseValue(event.data)) {
            object.insert(u"data"_s, *value);
            return object;
        }
    } else if (!binary) {
        object.insert(u"data"_s, QString::fromUtf8(event.data));
        return object;
    }
    object.insert(u"data_base64"_s, QString::fromLatin1(event.data.toBase64()));
    return object;
}

QByteArray encode(const CloudEvent& event) { return QJsonDocument(toJson(event)).toJson(QJsonDocument::Compact); }

std::optional<CloudEvent> fromJson(const QJsonObject& object, QString* error)
{
    CloudEvent event;
    // Required attributes start empty so that a missing one is reported rather than defaulted.
    event.specVersion.clear();
    std::optional<QJsonValue> data;
    std::optional<QString> dataBase64;

    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString name = it.key();
        const QJsonValue value = it.value();
        if (value.isNull())
            continue;
        if (name == u"data") {
            data = value;
            continue;
        }
        if (name == u"data_base64") {
            if (!value.isString())
                return fail(error, u"data_base64: must be a string"_s);
            dataBase64 = value.toString();
            continue;
        }
        if (cloudEventCoreAttributeNames().contains(name)) {
            if (!value.isString())
                return fail(error, name % u": must be a string"_s);
            if (!setStringAttribute(event, name, value.toString(), error))
                return std::nullopt;
            continue;
        }
        switch (value.type()) {
        case QJsonValue::String:
            event.extensions.insert(name, value.toString());
            break;
        case QJsonValue::Bool:
            event.extensions.insert(name, value.toBool());
            break;
        case QJsonValue::Double: {
            const double number = value.toDouble();
            if (number != std::trunc(number))
                return fail(error, name % u": extension numbers must be integers"_s);
            if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
                return fail(error, name % u": integer out of the 32-bit range"_s);
            event.extensions.insert(name, static_cast<int>(number));
            break;
        }
        default:
            return fail(error, name % u": extension values must be strings, integers or booleans"_s);
        }
    }

    if (data && dataBase64)
        return fail(error, u"data: data and data_base64 are mutually exclusive"_s);
    if (dataBase64) {
        const QByteArray ascii = dataBase64->toLatin1();
        const auto decoded = QByteArray::fromBase64Encoding(ascii, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || QString::fromLatin1(ascii) != *dataBase64)
            return fail(error, u"data_base64: not valid base64"_s);
        event.data = *decoded;
        event.dataKind = CloudEvent::DataKind::Binary;
    } else if (data) {
        // A string under a JSON content type is a JSON string value and must not be parsed again.
        if (data->isString() && !isJsonContentType(event.dataContentType)) {
            event.data = data->toString().toUtf8();
            event.dataKind = CloudEvent::DataKind::Text;
        } else {
            event.data = serializeValue(*data);
            event.dataKind = CloudEvent::DataKind::Json;
        }
    }
    return validated(std::move(event), error);
}

std::optional<CloudEvent> decode(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, u"invalid JSON: "_s % parseError.errorString());
    if (!document.isObject())
        return fail(error, u"an event must be a JSON object"_s);
    return fromJson(document.object(), error);
}

QByteArray encodeBatch(const QList<CloudEvent>& events)
{
    QJsonArray array;
    for (const auto& event : events)
        array.append(toJson(event));
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

std::optional<QList<CloudEvent>> decodeBatch(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, u"invalid JSON: "_s % parseError.errorString());
    if (!document.isArray())
        return fail(error, u"a batch must be a JSON array"_s);
    const QJsonArray array = document.array();
    QList<CloudEvent> events;
    events.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString prefix = u"event "_s % QString::number(i) % u": "_s;
        if (!array.at(i).isObject())
            return fail(error, prefix % u"must be a JSON object"_s);
        QString eventError;
        auto event = fromJson(array.at(i).toObject(), &eventError);
        if (!event)
            return fail(error, prefix % eventError);
        events.append(std::move(*event));
    }
    return events;
}

} // namespace CloudEventJson

namespace CloudEventHttp {

HttpMessage encodeBinary(const CloudEvent& event)
{
    HttpMessage message;
    if (!event.dataContentType.isEmpty())
        message.headers.append({ QByteArray("content-type"), event.dataContentType.toUtf8() });
    const QStringList names = event.attributeNames();
    for (const QString& name : names) {
        if (name == u"datacontenttype")
            continue;
        message.headers.append(
            { QByteArray("ce-") + name.toUtf8(), percentEncodeHeaderValue(event.attribute(name).value_or(QString())) });
    }
    message.body = event.data;
    return message;
}

HttpMessage encodeStructured(const CloudEvent& event)
{
    return { { { QByteArray("content-type"), structuredContentType.toUtf8() } }, CloudEventJson::encode(event) };
}

std::optional<CloudEvent> decode(const HttpMessage& message, QString* error)
{
    QString contentType;
    for (const auto& [name, value] : message.headers) {
        if (name.compare("content-type", Qt::CaseInsensitive) == 0)
            contentType = QString::fromUtf8(value.trimmed());
    }
    if (isBatchContentType(contentType))
        return fail(error, u"content-type: batched mode is not supported here"_s);
    if (isStructuredContentType(contentType)) {
        if (!CloudEventJson::isJsonContentType(contentType))
            return fail(error, u"content-type: unsupported event format "_s % contentType);
        return CloudEventJson::decode(message.body, error);
    }

    CloudEvent event;
    event.specVersion.clear();
    QStringList seen;
    for (const auto& [rawName, rawValue] : message.headers) {
        if (!rawName.toLower().startsWith("ce-"))
            continue;
        const QString name = QString::fromUtf8(rawName.mid(3)).toLower();
        if (name == u"datacontenttype")
            return fail(error, u"datacontenttype: binary mode carries it in Content-Type, not ce-datacontenttype"_s);
        if (seen.contains(name))
            return fail(error, name % u": duplicate header"_s);
        seen.append(name);
        const auto unquoted = unquote(rawValue.trimmed());
        const auto value = unquoted ? percentDecodeHeaderValue(*unquoted) : std::nullopt;
        if (!value)
            return fail(error, name % u": invalid header value (quoting, percent-encoding or UTF-8)"_s);
        if (!setStringAttribute(event, name, *value, error))
            return std::nullopt;
    }
    if (event.specVersion.isEmpty())
        return fail(error, u"specversion: missing ce-specversion header"_s);
    if (!contentType.isEmpty())
        event.dataContentType = contentType;
    event.data = message.body;
    event.dataKind = dataKindFor(contentType, message.body);
    return validated(std::move(event), error);
}

QByteArray percentEncodeHeaderValue(const QString& value)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    const QByteArray utf8 = value.toUtf8();
    QByteArray encoded;
    encoded.reserve(utf8.size());
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x21 && byte <= 0x7E && byte != '"' && byte != '%') {
            encoded.append(c);
        } else {
            encoded.append('%');
            encoded.append(hex[byte >> 4]);
            encoded.append(hex[byte & 0x0F]);
        }
    }
    return encoded;
}

std::optional<QString> percentDecodeHeaderValue(const QByteArray& value)
{
    QByteArray decoded;
    decoded.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value.at(i) != '%') {
            decoded.append(value.at(i));
            continue;
        }
        int high = 0;
        int low = 0;
        if (i + 2 >= value.size() || !hexValue(value.at(i + 1), &high) || !hexValue(value.at(i + 2), &low))
            return std::nullopt;
        decoded.append(static_cast<char>(high * 16 + low));
        i += 2;
    }
    if (!CloudEventValidator::isValidUtf8(decoded))
        return std::nullopt;
    return QString::fromUtf8(decoded);
}

} // namespace CloudEventHttp

namespace CloudEventKafka {

KafkaRecord encodeBinary(const CloudEvent& event)
{
    KafkaRecord record;
    const QStringList names = event.attributeNames();
    for (const QString& name : names) {
        if (name == u"datacontenttype")
            continue;
        record.headers.append(
            { QByteArray("ce_") + name.toUtf8(), event.attribute(name).value_or(QString()).toUtf8() });
    }
    if (!event.dataContentType.isEmpty())
        record.headers.append({ QByteArray("content-type"), event.dataContentType.toUtf8() });
    if (const auto key = event.attribute(u"partitionkey"_s))
        record.key = key->toUtf8();
    record.value = event.data;
    return record;
}

std::optional<CloudEvent> decode(const KafkaRecord& record, QString* error)
{
    QString contentType;
    for (const auto& [name, value] : record.headers) {
        if (name.compare("content-type", Qt::CaseInsensitive) == 0) {
            if (!CloudEventValidator::isValidUtf8(value))
                return fail(error, u"content-type: header is not valid UTF-8"_s);
            contentType = QString::fromUtf8(value).trimmed();
        }
    }
    if (isBatchContentType(contentType))
        return fail(error, u"content-type: batched mode is not supported here"_s);
    if (isStructuredContentType(contentType)) {
        if (!CloudEventJson::isJsonContentType(contentType))
            return fail(error, u"content-type: unsupported event format "_s % contentType);
        return CloudEventJson::decode(record.value, error);
    }

    CloudEvent event;
    event.specVersion.clear();
    QStringList seen;
    for (const auto& [rawName, rawValue] : record.headers) {
        if (!rawName.startsWith("ce_"))
            continue;
        const QString name = QString::fromUtf8(rawName.mid(3));
        if (name == u"datacontenttype")
            return fail(error, u"datacontenttype: binary mode carries it in content-type, not ce_datacontenttype"_s);
        if (seen.contains(name))
            return fail(error, name % u": duplicate header"_s);
        seen.append(name);
        if (!CloudEventValidator::isValidUtf8(rawValue))
            return fail(error, name % u": header value is not valid UTF-8"_s);
        if (!setStringAttribute(event, name, QString::fromUtf8(rawValue), error))
            return std::nullopt;
    }
    if (event.specVersion.isEmpty())
        return fail(error, u"specversion: missing ce_specversion header"_s);
    if (!contentType.isEmpty())
        event.dataContentType = contentType;
    event.data = record.value;
    event.dataKind = dataKindFor(contentType, record.value);
    return validated(std::move(event), error);
}

} // namespace CloudEventKafka
