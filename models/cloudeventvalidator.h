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
namespace CloudEventValidator {
QList<FieldIssue> validate(const CloudEvent& event);
bool isValidAttributeName(const QString& name);
}
