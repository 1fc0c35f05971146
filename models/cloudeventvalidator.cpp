// SPDX-License-Identifier: Apache-2.0
#include "cloudeventvalidator.h"

#include "cloudeventcodec.h"

using namespace Qt::StringLiterals;

namespace {

bool isAsciiAlpha(QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); }

bool isAsciiDigit(QChar c) { return c >= u'0' && c <= u'9'; }

bool isHexDigit(QChar c) { return isAsciiDigit(c) || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'); }

bool isUnreserved(QChar c)
{
    return isAsciiAlpha(c) || isAsciiDigit(c) || c == u'-' || c == u'.' || c == u'_' || c == u'~';
}

bool isSubDelim(QChar c) { return QStringView(u"!$&'()*+,;=").contains(c); }

// Every character is unreserved, a sub-delim, one of `extra`, or part of a %XY escape.
bool hasOnlyUriCharacters(QStringView text, QStringView extra)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'%') {
            if (i + 2 >= text.size() || !isHexDigit(text.at(i + 1)) || !isHexDigit(text.at(i + 2)))
                return false;
            i += 2;
        } else if (!isUnreserved(c) && !isSubDelim(c) && !extra.contains(c)) {
            return false;
        }
    }
    return true;
}

bool isValidScheme(QStringView scheme)
{
    if (scheme.isEmpty() || !isAsciiAlpha(scheme.front()))
        return false;
    for (const QChar c : scheme) {
        if (!isAsciiAlpha(c) && !isAsciiDigit(c) && c != u'+' && c != u'-' && c != u'.')
            return false;
    }
    return true;
}

bool isValidAuthority(QStringView authority)
{
    const auto at = authority.lastIndexOf(u'@');
    if (at >= 0 && !hasOnlyUriCharacters(authority.left(at), u":"))
        return false;
    QStringView hostPort = authority.mid(at + 1);
    QStringView port;
    if (hostPort.startsWith(u'[')) {
        const auto close = hostPort.indexOf(u']');
        if (close < 0)
            return false;
        // IP-literal: IPv6 or IPvFuture; checked for its alphabet only.
        for (const QChar c : hostPort.mid(1, close - 1)) {
            if (!isUnreserved(c) && !isSubDelim(c) && c != u':')
                return false;
        }
        const QStringView rest = hostPort.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(u':'))
            return false;
        port = rest.mid(1);
    } else {
        const auto colon = hostPort.lastIndexOf(u':');
        if (colon >= 0) {
            port = hostPort.mid(colon + 1);
            hostPort = hostPort.left(colon);
        }
        if (!hasOnlyUriCharacters(hostPort, {}))
            return false;
    }
    for (const QChar c : port) {
        if (!isAsciiDigit(c))
            return false;
    }
    return true;
}

// RFC 3986 appendix B splits the reference; each component is then checked against its grammar.
bool isValidUri(const QString& text, bool requireScheme)
{
    QStringView rest(text);
    const auto fragmentStart = rest.indexOf(u'#');
    if (fragmentStart >= 0) {
        if (!hasOnlyUriCharacters(rest.mid(fragmentStart + 1), u":@/?"))
            return false;
        rest = rest.left(fragmentStart);
    }
    const auto queryStart = rest.indexOf(u'?');
    if (queryStart >= 0) {
        if (!hasOnlyUriCharacters(rest.mid(queryStart + 1), u":@/?"))
            return false;
        rest = rest.left(queryStart);
    }
    const auto colon = rest.indexOf(u':');
    const auto slash = rest.indexOf(u'/');
    const bool hasScheme = colon > 0 && (slash < 0 || colon < slash);
    if (hasScheme) {
        if (!isValidScheme(rest.left(colon)))
            return false;
        rest = rest.mid(colon + 1);
    } else if (requireScheme || (colon >= 0 && (slash < 0 || colon < slash))) {
        // A relative reference's first segment must not contain ':' (it would read as a scheme).
        return false;
    }
    if (rest.startsWith(u"//")) {
        rest = rest.mid(2);
        const auto pathStart = rest.indexOf(u'/');
        if (!isValidAuthority(pathStart < 0 ? rest : rest.left(pathStart)))
            return false;
        rest = pathStart < 0 ? QStringView() : rest.mid(pathStart);
    }
    return hasOnlyUriCharacters(rest, u":@/");
}

bool isTokenChar(QChar c) { return isAsciiAlpha(c) || isAsciiDigit(c) || QStringView(u"!#$%&'*+-.^_`|~").contains(c); }

qsizetype skipToken(QStringView text, qsizetype pos)
{
    while (pos < text.size() && isTokenChar(text.at(pos)))
        ++pos;
    return pos;
}

qsizetype skipWhitespace(QStringView text, qsizetype pos)
{
    while (pos < text.size() && (text.at(pos) == u' ' || text.at(pos) == u'\t'))
        ++pos;
    return pos;
}

bool isAllowedExtensionType(int typeId)
{
    switch (typeId) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::QString:
    case QMetaType::QByteArray:
    case QMetaType::QDateTime:
        return true;
    default:
        return false;
    }
}

} // namespace

namespace CloudEventValidator {

bool isValidAttributeName(const QString& name)
{
    if (name.isEmpty())
        return false;
    for (const QChar c : name) {
        if (!(c >= u'a' && c <= u'z') && !isAsciiDigit(c))
            return false;
    }
    return true;
}

bool isValidUriReference(const QString& text) { return isValidUri(text, false); }

bool isValidAbsoluteUri(const QString& text) { return isValidUri(text, true); }

bool isValidMediaType(const QString& text)
{
    const QStringView view(text);
    qsizetype pos = skipToken(view, 0);
    if (pos == 0 || pos >= view.size() || view.at(pos) != u'/')
        return false;
    const qsizetype subtypeStart = ++pos;
    pos = skipToken(view, pos);
    if (pos == subtypeStart)
        return false;
    while (true) {
        pos = skipWhitespace(view, pos);
        if (pos == view.size())
            return true;
        if (view.at(pos) != u';')
            return false;
        pos = skipWhitespace(view, pos + 1);
        const qsizetype nameStart = pos;
        pos = skipToken(view, pos);
        if (pos == nameStart || pos >= view.size() || view.at(pos) != u'=')
            return false;
        ++pos;
        if (pos < view.size() && view.at(pos) == u'"') {
            for (++pos; pos < view.size() && view.at(pos) != u'"'; ++pos) {
                if (view.at(pos) == u'\\')
                    ++pos;
            }
            if (pos >= view.size())
                return false;
            ++pos;
        } else {
            const qsizetype valueStart = pos;
            pos = skipToken(view, pos);
            if (pos == valueStart)
                return false;
        }
    }
}

bool isValidUtf8(const QByteArray& bytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData());
    const auto* const end = p + bytes.size();
    while (p < end) {
        const unsigned char c = *p;
        int continuation = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (c < 0x80) {
            ++p;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            continuation = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            continuation = 2;
            if (c == 0xE0)
                low = 0xA0;
            else if (c == 0xED)
                high = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            continuation = 3;
            if (c == 0xF0)
                low = 0x90;
            else if (c == 0xF4)
                high = 0x8F;
        } else {
            return false;
        }
        if (end - p <= continuation)
            return false;
        ++p;
        for (int i = 0; i < continuation; ++i, ++p) {
            const unsigned char lo = i == 0 ? low : 0x80;
            const unsigned char hi = i == 0 ? high : 0xBF;
            if (*p < lo || *p > hi)
                return false;
        }
    }
    return true;
}

bool isValidStringValue(const QString& text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        char32_t code = c.unicode();
        if (c.isHighSurrogate()) {
            if (i + 1 >= text.size() || !text.at(i + 1).isLowSurrogate())
                return false;
            code = QChar::surrogateToUcs4(c, text.at(++i));
        } else if (c.isLowSurrogate()) {
            return false;
        }
        if (code <= 0x1F || (code >= 0x7F && code <= 0x9F) || QChar::isNonCharacter(code))
            return false;
    }
    return true;
}

QList<FieldIssue> validate(const CloudEvent& event)
{
    QList<FieldIssue> issues;
    const auto add = [&issues](const QString& field, const QString& message) { issues.append({ field, message }); };
    const auto checkString = [&add](const QString& field, const QString& value) {
        if (!isValidStringValue(value))
            add(field, u"contains control characters, noncharacters or unpaired surrogates"_s);
    };
    const auto checkRequired = [&add, &checkString](const QString& field, const QString& value) {
        if (value.isEmpty()) {
            add(field, u"required attribute is missing or empty"_s);
            return false;
        }
        checkString(field, value);
        return true;
    };

    if (checkRequired(u"specversion"_s, event.specVersion) && event.specVersion != u"1.0")
        add(u"specversion"_s, u"must be \"1.0\", not \""_s % event.specVersion % u'"');
    checkRequired(u"id"_s, event.id);
    if (event.source.isEmpty())
        add(u"source"_s, u"required attribute is missing or empty"_s);
    else if (!isValidUriReference(event.source))
        add(u"source"_s, u"not a valid URI-reference"_s);
    checkRequired(u"type"_s, event.type);
    if (!event.dataContentType.isEmpty() && !isValidMediaType(event.dataContentType))
        add(u"datacontenttype"_s, u"not a valid RFC 2046 media type"_s);
    if (!event.dataSchema.isEmpty() && !isValidAbsoluteUri(event.dataSchema))
        add(u"dataschema"_s, u"not an absolute URI"_s);
    if (!event.subject.isEmpty())
        checkString(u"subject"_s, event.subject);
    if (event.time && !event.time->isValid())
        add(u"time"_s, u"not a valid RFC 3339 timestamp"_s);

    for (auto it = event.extensions.constBegin(); it != event.extensions.constEnd(); ++it) {
        const QString& name = it.key();
        const QVariant& value = it.value();
        if (!isValidAttributeName(name))
            add(name, u"attribute names must consist of lower-case letters and digits only"_s);
        else if (name == u"data")
            add(name, u"\"data\" is not allowed as an attribute name"_s);
        else if (cloudEventCoreAttributeNames().contains(name))
            add(name, u"an extension must not reuse a core attribute name"_s);
        if (!value.isValid())
            continue;
        if (!isAllowedExtensionType(value.typeId()))
            add(name,
                u"value type "_s % QString::fromLatin1(value.metaType().name())
                    % u" is not in the CloudEvents type system"_s);
        else if (value.typeId() == QMetaType::QString)
            checkString(name, value.toString());
        else if (value.typeId() == QMetaType::QDateTime && !value.toDateTime().isValid())
            add(name, u"not a valid timestamp"_s);
    }

    if (event.dataKind == CloudEvent::DataKind::Json && !CloudEventJson::parseValue(event.data))
        add(u"data"_s, u"not valid JSON"_s);
    else if (event.dataKind == CloudEvent::DataKind::Text && !isValidUtf8(event.data))
        add(u"data"_s, u"text data is not valid UTF-8"_s);
    return issues;
}

} // namespace CloudEventValidator
