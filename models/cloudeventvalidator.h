// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"

#include <QList>

// One problem with one attribute (or "data").
struct FieldIssue {
    QString field;
    QString message;
    friend bool operator==(const FieldIssue&, const FieldIssue&) = default;
};

// The CloudEvents 1.0.2 rules: required attributes, types, URI and URI-reference, RFC 3339 time, extension names.
// Issues come in attribute order (specversion, id, source, type, datacontenttype, dataschema, subject, time,
// extensions by name, data), so the first one is a stable summary.
namespace CloudEventValidator {
QList<FieldIssue> validate(const CloudEvent& event);
// Non-empty, only 'a'-'z' and '0'-'9' (length over 20 is only a SHOULD and therefore accepted).
bool isValidAttributeName(const QString& name);
// RFC 3986 section 4.1 URI-reference (absolute URI or relative reference).
bool isValidUriReference(const QString& text);
// RFC 3986 URI with a scheme (a fragment is tolerated, as JSON Schema's "uri" format does).
bool isValidAbsoluteUri(const QString& text);
// RFC 2046 / RFC 7231 media type: type "/" subtype *( OWS ";" OWS token "=" ( token / quoted-string ) ).
bool isValidMediaType(const QString& text);
// Strict UTF-8 (Unicode table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(const QByteArray& bytes);
// The String type: no U+0000-001F, U+007F-009F, noncharacters or unpaired surrogates.
bool isValidStringValue(const QString& text);
} // namespace CloudEventValidator
