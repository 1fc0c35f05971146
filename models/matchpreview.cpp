// SPDX-License-Identifier: Apache-2.0
#include "matchpreview.h"

#include "cesqlevaluator.h"
#include "cesqlparser.h"
#include "objectstore.h"

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

// The same outcomes as FilterEvaluator's: NoFilter lets the event through but does not count as a match inside
// `any` and `not`; Unsupported propagates unless another part decides.
enum class Outcome { Pass, Fail, NoFilter, Unsupported };

// An attribute name resolved once: the core string attributes are read in place, the rest through
// CloudEvent::attribute.
struct Attribute {
    enum class Core { None, SpecVersion, Id, Source, Type, DataContentType, DataSchema, Subject };
    Core core = Core::None;
    QString name;

    explicit Attribute(const QString& attributeName)
        : name(attributeName)
    {
        static const QHash<QString, Core> cores {
            { u"specversion"_s, Core::SpecVersion },
            { u"id"_s, Core::Id },
            { u"source"_s, Core::Source },
            { u"type"_s, Core::Type },
            { u"datacontenttype"_s, Core::DataContentType },
            { u"dataschema"_s, Core::DataSchema },
            { u"subject"_s, Core::Subject },
        };
        core = cores.value(attributeName, Core::None);
    }

    // Null when the event does not have the attribute; storage holds values that had to be converted.
    const QString* read(const CloudEvent& event, std::optional<QString>& storage) const
    {
        // Optional core attributes exist only when set, as in CloudEvent::attribute.
        const auto optional = [](const QString& value) { return value.isEmpty() ? nullptr : &value; };
        switch (core) {
        case Core::SpecVersion:
            return &event.specVersion;
        case Core::Id:
            return &event.id;
        case Core::Source:
            return &event.source;
        case Core::Type:
            return &event.type;
        case Core::DataContentType:
            return optional(event.dataContentType);
        case Core::DataSchema:
            return optional(event.dataSchema);
        case Core::Subject:
            return optional(event.subject);
        case Core::None:
            break;
        }
        storage = event.attribute(name);
        return storage ? &*storage : nullptr;
    }
};

struct Filter {
    enum class Kind { Exact, Prefix, Suffix, All, Any, Not, Cesql, Invalid };
    Kind kind = Kind::Invalid;
    std::vector<std::pair<Attribute, QString>> attributes;
    std::vector<Filter> children;
    std::shared_ptr<const CesqlExpression> expression; // null: an empty expression, which lets everything through
};

Filter compileFilter(
    const SubscriptionsApiFilter& source, QHash<QString, std::shared_ptr<const CesqlExpression>>& parsed)
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    Filter filter;
    switch (source.dialect) {
    case Dialect::Exact:
        filter.kind = Filter::Kind::Exact;
        break;
    case Dialect::Prefix:
        filter.kind = Filter::Kind::Prefix;
        break;
    case Dialect::Suffix:
        filter.kind = Filter::Kind::Suffix;
        break;
    case Dialect::All:
        filter.kind = Filter::Kind::All;
        break;
    case Dialect::Any:
        filter.kind = Filter::Kind::Any;
        break;
    case Dialect::Not:
        filter.kind = Filter::Kind::Not;
        break;
    case Dialect::Cesql:
        filter.kind = Filter::Kind::Cesql;
        break;
    case Dialect::Invalid:
        break;
    }
    for (auto it = source.attributes.cbegin(); it != source.attributes.cend(); ++it)
        filter.attributes.emplace_back(Attribute(it.key()), it.value());
    for (const auto& child : source.children)
        filter.children.push_back(compileFilter(child, parsed));
    if (filter.kind == Filter::Kind::Cesql && !source.expression.trimmed().isEmpty()) {
        auto& expression = parsed[source.expression];
        if (!expression)
            expression = CesqlParser::parse(source.expression);
        filter.expression = expression;
    }
    return filter;
}

Outcome compareAttributes(const Filter& filter, const CloudEvent& event)
{
    if (filter.attributes.empty())
        return Outcome::NoFilter;
    std::optional<QString> storage;
    for (const auto& [attribute, expected] : filter.attributes) {
        const QString* actual = attribute.read(event, storage);
        if (!actual)
            return Outcome::Fail;
        const bool ok = filter.kind == Filter::Kind::Exact ? *actual == expected
            : filter.kind == Filter::Kind::Prefix          ? actual->startsWith(expected)
                                                           : actual->endsWith(expected);
        if (!ok)
            return Outcome::Fail;
    }
    return Outcome::Pass;
}

// Folds outcomes as FilterEvaluator's conjunction (all) and disjunction (any) do, without keeping them.
class Fold {
public:
    explicit Fold(bool all)
        : m_all(all)
    {
    }

    // False when the outcome decides: a failure for all, a pass for any.
    bool add(Outcome outcome)
    {
        m_empty = false;
        m_pass = m_pass || outcome == Outcome::Pass;
        m_fail = m_fail || outcome == Outcome::Fail;
        m_unsupported = m_unsupported || outcome == Outcome::Unsupported;
        m_noFilter = m_noFilter || outcome == Outcome::NoFilter;
        return m_all ? outcome != Outcome::Fail : outcome != Outcome::Pass;
    }

    Outcome result() const
    {
        if (m_all) {
            if (m_fail)
                return Outcome::Fail;
            if (m_unsupported)
                return Outcome::Unsupported;
            return m_pass ? Outcome::Pass : Outcome::NoFilter;
        }
        if (m_pass)
            return Outcome::Pass;
        if (m_unsupported)
            return Outcome::Unsupported;
        return m_empty || m_noFilter ? Outcome::NoFilter : Outcome::Fail;
    }

private:
    bool m_all;
    bool m_empty = true;
    bool m_pass = false;
    bool m_fail = false;
    bool m_unsupported = false;
    bool m_noFilter = false;
};

Outcome evaluateFilter(const Filter& filter, const CloudEvent& event)
{
    switch (filter.kind) {
    case Filter::Kind::Exact:
    case Filter::Kind::Prefix:
    case Filter::Kind::Suffix:
        return compareAttributes(filter, event);
    case Filter::Kind::All:
    case Filter::Kind::Any: {
        Fold fold(filter.kind == Filter::Kind::All);
        for (const auto& child : filter.children) {
            if (!fold.add(evaluateFilter(child, event)))
                break;
        }
        return fold.result();
    }
    case Filter::Kind::Not: {
        if (filter.children.empty())
            return Outcome::NoFilter;
        const auto inner = evaluateFilter(filter.children.front(), event);
        if (inner == Outcome::Pass)
            return Outcome::Fail;
        if (inner == Outcome::Fail)
            return Outcome::Pass;
        return inner;
    }
    case Filter::Kind::Cesql:
        if (!filter.expression)
            return Outcome::Pass;
        if (!filter.expression->isValid())
            return Outcome::Unsupported;
        return CesqlEvaluator::evaluate(*filter.expression, event).passes() ? Outcome::Pass : Outcome::Fail;
    case Filter::Kind::Invalid:
        break;
    }
    return Outcome::Unsupported;
}

// The type an expression requires when `type = 'literal'` is one of its top-level AND operands: an event of
// another type makes that operand false (type always exists), so the expression cannot pass.
QString cesqlRequiredType(const CesqlNode& node)
{
    if (node.kind != CesqlNode::Kind::Binary)
        return QString();
    if (node.op == CesqlNode::Operator::And) {
        for (const auto& child : node.children) {
            if (auto type = cesqlRequiredType(*child); !type.isEmpty())
                return type;
        }
        return QString();
    }
    if (node.op != CesqlNode::Operator::Equal || node.children.size() != 2)
        return QString();
    const auto* left = node.children[0].get();
    const auto* right = node.children[1].get();
    if (left->kind == CesqlNode::Kind::Literal)
        std::swap(left, right);
    if (left->kind != CesqlNode::Kind::Attribute || left->name != u"type" || right->kind != CesqlNode::Kind::Literal)
        return QString();
    const auto* text = std::get_if<QString>(&right->value);
    return text ? *text : QString();
}

QString brokerGroupKey(const ObjectKey& broker) { return broker.ns % u'/' % broker.name; }

} // namespace

struct MatchPreview::CompiledTrigger {
    ObjectKey key;
    bool useFilters = false;
    std::vector<Filter> filters; // spec.filters, ANDed
    std::vector<std::pair<Attribute, QString>> attributes; // spec.filter.attributes; "" = present with any value

    bool matches(const CloudEvent& event) const
    {
        if (useFilters) {
            Fold fold(true);
            for (const auto& filter : filters) {
                if (!fold.add(evaluateFilter(filter, event)))
                    return false;
            }
            const auto outcome = fold.result();
            return outcome == Outcome::Pass || outcome == Outcome::NoFilter;
        }
        std::optional<QString> storage;
        for (const auto& [attribute, expected] : attributes) {
            const QString* actual = attribute.read(event, storage);
            if (!actual || (!expected.isEmpty() && *actual != expected))
                return false;
        }
        return true;
    }

    // The event type every accepted event has, when the filter says so at its top level; empty when it does not.
    QString requiredType() const
    {
        const auto typeIn = [](const std::vector<std::pair<Attribute, QString>>& list) {
            for (const auto& [attribute, expected] : list) {
                if (attribute.core == Attribute::Core::Type)
                    return expected;
            }
            return QString();
        };
        if (!useFilters)
            return typeIn(attributes);
        for (const auto& filter : filters) {
            if (filter.kind == Filter::Kind::Exact) {
                if (auto type = typeIn(filter.attributes); !type.isEmpty())
                    return type;
            }
            if (filter.kind == Filter::Kind::Cesql && filter.expression && filter.expression->isValid()) {
                if (auto type = cesqlRequiredType(*filter.expression->root()); !type.isEmpty())
                    return type;
            }
        }
        return QString();
    }
};

// The triggers of one broker, with the ones that require an event type indexed by it.
struct MatchPreview::BrokerGroup {
    std::vector<CompiledTrigger> triggers;
    QHash<QString, std::vector<int>> byType;
    std::vector<int> anyType;
};

MatchPreview::MatchPreview() = default;
MatchPreview::~MatchPreview() = default;

void MatchPreview::setCandidates(const QList<KnativeObjectPtr>& objects)
{
    QHash<QString, std::shared_ptr<BrokerGroup>> groups;
    QHash<QString, std::shared_ptr<const CesqlExpression>> parsed;
    m_candidateCount = 0;
    for (const auto& object : objects) {
        if (!object || object->kind != ObjectKind::Trigger)
            continue;
        const auto broker = brokerKeyOfTrigger(*object);
        if (!broker.isValid())
            continue;
        CompiledTrigger trigger;
        trigger.key = object->key;
        // spec.filters overrides spec.filter when it is not empty (Knative 1.12 and later).
        trigger.useFilters = !object->filters.isEmpty();
        for (const auto& filter : object->filters)
            trigger.filters.push_back(compileFilter(filter, parsed));
        for (auto it = object->filterAttributes.cbegin(); it != object->filterAttributes.cend(); ++it)
            trigger.attributes.emplace_back(Attribute(it.key()), it.value());
        auto& group = groups[brokerGroupKey(broker)];
        if (!group)
            group = std::make_shared<BrokerGroup>();
        const int index = int(group->triggers.size());
        const auto type = trigger.requiredType();
        if (type.isEmpty())
            group->anyType.push_back(index);
        else
            group->byType[type].push_back(index);
        group->triggers.push_back(std::move(trigger));
        ++m_candidateCount;
    }
    m_groups.clear();
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        m_groups.insert(it.key(), it.value());
}

void MatchPreview::setCandidates(const ObjectStore& store) { setCandidates(store.objects(ObjectKind::Trigger)); }

qsizetype MatchPreview::candidateCount() const { return m_candidateCount; }

QList<MatchPreviewRow> MatchPreview::evaluate(const KnativeObject& draft, const QList<CloudEvent>& events) const
{
    QList<MatchPreviewRow> rows;
    rows.reserve(events.size());
    const auto group = m_groups.value(brokerGroupKey(brokerKeyOfTrigger(draft)));
    static const std::vector<int> none;
    std::vector<int> indices;
    for (const auto& event : events) {
        MatchPreviewRow row;
        const auto result = m_evaluator.evaluateTrigger(draft, event);
        row.matches = result.matches;
        row.unsupported = result.unsupported;
        row.reason = result.reason;
        if (group) {
            // Candidates in their given order: the ones requiring this event's type, and the ones requiring none.
            const auto typed = group->byType.constFind(event.type);
            const auto& sameType = typed == group->byType.cend() ? none : *typed;
            indices.clear();
            std::merge(sameType.begin(), sameType.end(), group->anyType.begin(), group->anyType.end(),
                std::back_inserter(indices));
            for (const int index : indices) {
                const auto& trigger = group->triggers[size_t(index)];
                if (trigger.key != draft.key && trigger.matches(event))
                    row.alsoReceivedBy.append(trigger.key);
            }
        }
        rows.append(std::move(row));
    }
    return rows;
}

QList<MatchPreviewRow> MatchPreview::compute(
    const KnativeObject& draft, const QList<CloudEvent>& events, const QList<KnativeObjectPtr>& candidates)
{
    MatchPreview preview;
    preview.setCandidates(candidates);
    return preview.evaluate(draft, events);
}
