// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

class CrdSchema;

// Checks a Trigger being edited, before it is applied: what the Knative webhook would reject (errors) and what is
// probably a mistake (warnings), each at the line and column of the offending key or value.
namespace DraftValidator {

// knownBrokers holds "namespace/name"; knownAddressables holds ObjectKey::toString(). An empty list or set
// means "unknown" and disables the matching warnings.
// Each Trigger is also checked against schema, the Trigger CRD's (the cluster's when connected); null means
// CrdSchema::shippedTrigger(). Where the schema and a semantic check flag the same spot, the schema's message is kept.
// liveBroker is the spec.broker of the trigger as it exists in the cluster ("" when it uses brokerRef), nullopt for
// a new trigger: the first Trigger in the text must keep it, since Knative makes spec.broker immutable.
QList<SourceIssue> validateTrigger(const QByteArray& yamlText, const QString& fileName, const QStringList& knownBrokers,
    const QSet<QString>& knownAddressables, const CrdSchema* schema = nullptr,
    const std::optional<QString>& liveBroker = std::nullopt);

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
