// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "knativeobject.h"

#include <functional>
#include <optional>

struct FilterResult {
    bool matches = false;
    // The deciding sub-expression, readable: "type = com.x.y matched", "source: expected prefix 'a', got 'b'".
    QString reason;
    // The answer depends on something not evaluated (CESQL without an evaluator, an invalid filter).
    bool unsupported = false;
};

// The broker a trigger subscribes to: spec.brokerRef, or spec.broker in the trigger's namespace. Invalid if neither.
ObjectKey brokerKeyOfTrigger(const KnativeObject& trigger);
// A short text for a trigger's filter: "type=com.x, source=/a*", "any(type=a, type=b)", "all events".
QString triggerFilterSummary(const KnativeObject& trigger);

// Answers "does this event pass this trigger's filter" the way the MT channel-based and Kafka brokers do, and says why.
class FilterEvaluator {
public:
    // Returns nullopt when the expression cannot be evaluated; *reason may explain (parse error, ...).
    using CesqlEvaluator
        = std::function<std::optional<bool>(const QString& expression, const CloudEvent& event, QString* reason)>;

    // Evaluates `cesql` filters with CesqlEvaluator::filterEngine(), as Knative does with sdk-go's CESQL.
    FilterEvaluator();

    // Replaces the CESQL engine; an empty function leaves every `cesql` filter unsupported.
    void setCesqlEvaluator(CesqlEvaluator evaluator) { m_cesql = std::move(evaluator); }

    // spec.filters when non-empty (it overrides spec.filter since Knative 1.12), else spec.filter.attributes.
    FilterResult evaluateTrigger(const KnativeObject& trigger, const CloudEvent& event) const;
    // Top-level elements are ANDed; an empty list accepts everything.
    FilterResult evaluateFilters(const QList<SubscriptionsApiFilter>& filters, const CloudEvent& event) const;
    // spec.filter.attributes: exact, case-sensitive; "" means the attribute must be present, with any value.
    static FilterResult evaluateAttributes(const QMap<QString, QString>& attributes, const CloudEvent& event);

    // The triggers of `broker` among `candidates` that accept the event, in the order given.
    QList<KnativeObjectPtr> matchingTriggers(
        const QList<KnativeObjectPtr>& candidates, const ObjectKey& broker, const CloudEvent& event) const;

private:
    CesqlEvaluator m_cesql;
};
