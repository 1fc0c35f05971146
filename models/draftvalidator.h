// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

// Checks a Trigger being edited, before it is applied: what the Knative webhook would reject (errors) and what is
// probably a mistake (warnings), each at the line and column of the offending key or value.
namespace DraftValidator {

// knownBrokers holds "namespace/name"; knownAddressables holds ObjectKey::toString(). An empty list or set
// means "unknown" and disables the matching warnings.
QList<SourceIssue> validateTrigger(const QByteArray& yamlText, const QString& fileName, const QStringList& knownBrokers,
    const QSet<QString>& knownAddressables);

// ISO 8601 durations as Knative parses them: P[nY][nM][nW][nD][T[nH][nM][nS]], at least one component,
// decimal fractions allowed ("PT0.2S", "PT1M", "P1D").
bool isValidIso8601Duration(const QString& duration);
// A Kubernetes object name: lower-case alphanumerics, '-' and '.', alphanumeric at both ends, at most 253.
bool isValidDns1123Subdomain(const QString& name);
// A namespace name: lower-case alphanumerics and '-', alphanumeric at both ends, at most 63.
bool isValidDns1123Label(const QString& name);
// A CloudEvents attribute name as a Trigger filter accepts it: ^[a-z][a-z0-9]*$.
bool isValidAttributeName(const QString& name);

} // namespace DraftValidator
