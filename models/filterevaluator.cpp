// SPDX-License-Identifier: Apache-2.0
#include "filterevaluator.h"

#include "cesqlevaluator.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

// Knative's filter results: NoFilter (an empty filter) lets everything through but does not count as a match
// inside `any`/`not`; Unsupported propagates unless another sub-expression decides on its own.
enum class Outcome { Pass, Fail, NoFilter, Unsupported };

struct Verdict {
    Outcome outcome = Outcome::NoFilter;
    QString reason;
};

QString quoted(const QString& text) { return u'\'' % text % u'\''; }

Verdict joinPasses(const QList<Verdict>& verdicts)
{
    QStringList reasons;
    for (const auto& verdict : verdicts) {
        if (verdict.outcome == Outcome::Pass)
            reasons.append(verdict.reason);
    }
    if (reasons.isEmpty())
        return { Outcome::NoFilter, u"no filter: all events pass"_s };
    return { Outcome::Pass, reasons.join(u"; "_s) };
}

// AND: the first failure decides; otherwise an unsupported part leaves the answer open.
Verdict conjunction(const QList<Verdict>& verdicts)
{
    for (const auto& verdict : verdicts) {
        if (verdict.outcome == Outcome::Fail)
            return verdict;
    }
    for (const auto& verdict : verdicts) {
        if (verdict.outcome == Outcome::Unsupported)
            return verdict;
    }
    return joinPasses(verdicts);
}

Verdict disjunction(const QList<Verdict>& verdicts)
{
    for (const auto& verdict : verdicts) {
        if (verdict.outcome == Outcome::Pass)
            return verdict;
    }
    for (const auto& verdict : verdicts) {
        if (verdict.outcome == Outcome::Unsupported)
            return verdict;
    }
    QStringList reasons;
    for (const auto& verdict : verdicts) {
        if (verdict.outcome == Outcome::NoFilter)
            return verdict;
        reasons.append(verdict.reason);
    }
    if (reasons.isEmpty())
        return { Outcome::NoFilter, u"no filter: all events pass"_s };
    return { Outcome::Fail, u"any: none matched ("_s % reasons.join(u"; "_s) % u')' };
}

enum class Comparison { Exact, Prefix, Suffix };

Verdict compareAttributes(const QMap<QString, QString>& attributes, Comparison comparison, const CloudEvent& event)
{
    QList<Verdict> verdicts;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        const auto& name = it.key();
        const auto& expected = it.value();
        const auto actual = event.attribute(name);
        switch (comparison) {
        case Comparison::Exact:
            if (!actual)
                return { Outcome::Fail, name % u": expected "_s % quoted(expected) % u", attribute missing"_s };
            if (*actual != expected)
                return { Outcome::Fail, name % u": expected "_s % quoted(expected) % u", got "_s % quoted(*actual) };
            verdicts.append({ Outcome::Pass, name % u" = "_s % expected % u" matched"_s });
            break;
        case Comparison::Prefix:
            if (!actual || !actual->startsWith(expected)) {
                return { Outcome::Fail,
                    name % u": expected prefix "_s % quoted(expected)
                        % (actual ? u", got "_s % quoted(*actual) : u", attribute missing"_s) };
            }
            verdicts.append({ Outcome::Pass, name % u" starts with "_s % quoted(expected) });
            break;
        case Comparison::Suffix:
            if (!actual || !actual->endsWith(expected)) {
                return { Outcome::Fail,
                    name % u": expected suffix "_s % quoted(expected)
                        % (actual ? u", got "_s % quoted(*actual) : u", attribute missing"_s) };
            }
            verdicts.append({ Outcome::Pass, name % u" ends with "_s % quoted(expected) });
            break;
        }
    }
    return joinPasses(verdicts);
}

Verdict evaluateOne(
    const SubscriptionsApiFilter& filter, const CloudEvent& event, const FilterEvaluator::CesqlEvaluator& cesql)
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    switch (filter.dialect) {
    case Dialect::Exact:
        return compareAttributes(filter.attributes, Comparison::Exact, event);
    case Dialect::Prefix:
        return compareAttributes(filter.attributes, Comparison::Prefix, event);
    case Dialect::Suffix:
        return compareAttributes(filter.attributes, Comparison::Suffix, event);
    case Dialect::All:
    case Dialect::Any: {
        QList<Verdict> verdicts;
        verdicts.reserve(filter.children.size());
        for (const auto& child : filter.children) {
            verdicts.append(evaluateOne(child, event, cesql));
            // Short-circuit as the brokers do; later children cannot change the answer.
            if (filter.dialect == Dialect::All && verdicts.last().outcome == Outcome::Fail)
                break;
            if (filter.dialect == Dialect::Any && verdicts.last().outcome == Outcome::Pass)
                break;
        }
        return filter.dialect == Dialect::All ? conjunction(verdicts) : disjunction(verdicts);
    }
    case Dialect::Not: {
        if (filter.children.isEmpty())
            return { Outcome::NoFilter, u"no filter: all events pass"_s };
        auto inner = evaluateOne(filter.children.first(), event, cesql);
        if (inner.outcome == Outcome::Pass)
            return { Outcome::Fail, u"not: "_s % inner.reason };
        if (inner.outcome == Outcome::Fail)
            return { Outcome::Pass, u"not: "_s % inner.reason };
        return inner;
    }
    case Dialect::Cesql: {
        if (!cesql)
            return { Outcome::Unsupported, u"CESQL not evaluated yet"_s };
        QString reason;
        const auto result = cesql(filter.expression, event, &reason);
        if (!result) {
            return { Outcome::Unsupported,
                reason.isEmpty() ? u"CESQL expression could not be evaluated: "_s % filter.expression : reason };
        }
        if (reason.isEmpty())
            reason = u"cesql "_s % quoted(filter.expression) % (*result ? u" is true"_s : u" is false"_s);
        return { *result ? Outcome::Pass : Outcome::Fail, reason };
    }
    case Dialect::Invalid:
        break;
    }
    return { Outcome::Unsupported, u"invalid filter: no dialect set"_s };
}

FilterResult toResult(const Verdict& verdict)
{
    FilterResult result;
    result.matches = verdict.outcome == Outcome::Pass || verdict.outcome == Outcome::NoFilter;
    result.unsupported = verdict.outcome == Outcome::Unsupported;
    result.reason = verdict.reason;
    return result;
}

QString summarizeAttributes(const QMap<QString, QString>& attributes, const QString& before, const QString& after)
{
    QStringList parts;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it)
        parts.append(it.key() % u'=' % before % it.value() % after);
    return parts.join(u", "_s);
}

QString summarize(const SubscriptionsApiFilter& filter)
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    switch (filter.dialect) {
    case Dialect::Exact:
        return summarizeAttributes(filter.attributes, {}, {});
    case Dialect::Prefix:
        return summarizeAttributes(filter.attributes, {}, u"*"_s);
    case Dialect::Suffix:
        return summarizeAttributes(filter.attributes, u"*"_s, {});
    case Dialect::All:
    case Dialect::Any:
    case Dialect::Not: {
        QStringList parts;
        for (const auto& child : filter.children)
            parts.append(summarize(child));
        const auto name = filter.dialect == Dialect::All ? u"all"_s
            : filter.dialect == Dialect::Any             ? u"any"_s
                                                         : u"not"_s;
        return name % u'(' % parts.join(u", "_s) % u')';
    }
    case Dialect::Cesql:
        return u"cesql: "_s % filter.expression;
    case Dialect::Invalid:
        break;
    }
    return u"(invalid)"_s;
}

} // namespace

ObjectKey brokerKeyOfTrigger(const KnativeObject& trigger)
{
    static const auto eventingGroup = u"eventing.knative.dev"_s;
    static const auto brokerKind = u"Broker"_s;
    if (!trigger.brokerRef.isEmpty()) {
        auto key = trigger.brokerRef.key(trigger.key.ns);
        // brokerRef is usually written as just {name}; it can only mean a Broker then.
        if (trigger.brokerRef.apiVersion.isEmpty())
            key.group = eventingGroup;
        if (key.kind.isEmpty())
            key.kind = brokerKind;
        return key;
    }
    if (trigger.broker.isEmpty())
        return {};
    return ObjectKey { eventingGroup, brokerKind, trigger.key.ns, trigger.broker };
}

QString triggerFilterSummary(const KnativeObject& trigger)
{
    if (!trigger.filters.isEmpty()) {
        QStringList parts;
        for (const auto& filter : trigger.filters)
            parts.append(summarize(filter));
        return parts.join(u", "_s);
    }
    if (trigger.filterAttributes.isEmpty())
        return u"all events"_s;
    QStringList parts;
    for (auto it = trigger.filterAttributes.cbegin(); it != trigger.filterAttributes.cend(); ++it)
        parts.append(it.key() % u'=' % (it.value().isEmpty() ? u"*"_s : it.value()));
    return parts.join(u", "_s);
}

FilterEvaluator::FilterEvaluator()
    : m_cesql(::CesqlEvaluator::filterEngine())
{
}

FilterResult FilterEvaluator::evaluateTrigger(const KnativeObject& trigger, const CloudEvent& event) const
{
    if (!trigger.filters.isEmpty())
        return evaluateFilters(trigger.filters, event);
    return evaluateAttributes(trigger.filterAttributes, event);
}

FilterResult FilterEvaluator::evaluateFilters(
    const QList<SubscriptionsApiFilter>& filters, const CloudEvent& event) const
{
    QList<Verdict> verdicts;
    verdicts.reserve(filters.size());
    for (const auto& filter : filters) {
        verdicts.append(evaluateOne(filter, event, m_cesql));
        if (verdicts.last().outcome == Outcome::Fail)
            break;
    }
    return toResult(conjunction(verdicts));
}

FilterResult FilterEvaluator::evaluateAttributes(const QMap<QString, QString>& attributes, const CloudEvent& event)
{
    QList<Verdict> verdicts;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        const auto& name = it.key();
        const auto& expected = it.value();
        const auto actual = event.attribute(name);
        if (expected.isEmpty()) {
            if (!actual)
                return toResult({ Outcome::Fail, name % u": must be present (any value), attribute missing"_s });
            verdicts.append({ Outcome::Pass, name % u" present (any value)"_s });
            continue;
        }
        const auto single = compareAttributes({ { name, expected } }, Comparison::Exact, event);
        if (single.outcome == Outcome::Fail)
            return toResult(single);
        verdicts.append(single);
    }
    return toResult(joinPasses(verdicts));
}

QList<KnativeObjectPtr> FilterEvaluator::matchingTriggers(
    const QList<KnativeObjectPtr>& candidates, const ObjectKey& broker, const CloudEvent& event) const
{
    QList<KnativeObjectPtr> result;
    for (const auto& candidate : candidates) {
        if (!candidate || candidate->kind != ObjectKind::Trigger)
            continue;
        const auto key = brokerKeyOfTrigger(*candidate);
        if (key.name != broker.name || key.ns != broker.ns)
            continue;
        if (evaluateTrigger(*candidate, event).matches)
            result.append(candidate);
    }
    return result;
}
