// SPDX-License-Identifier: Apache-2.0
#include "filterevaluator.h"

#include <QTest>

using namespace Qt::StringLiterals;

using Filters = QList<SubscriptionsApiFilter>;
using Attributes = QMap<QString, QString>;

// Test data column for a filter list. QMetaType cannot register QList<SubscriptionsApiFilter> itself: its
// operator== check recurses through the type's own children list.
struct FilterColumn {
    Filters filters;
};
Q_DECLARE_METATYPE(FilterColumn)

namespace {

using Dialect = SubscriptionsApiFilter::Dialect;

SubscriptionsApiFilter withAttributes(Dialect dialect, const Attributes& attributes)
{
    SubscriptionsApiFilter filter;
    filter.dialect = dialect;
    filter.attributes = attributes;
    return filter;
}
SubscriptionsApiFilter exact(const Attributes& attributes) { return withAttributes(Dialect::Exact, attributes); }
SubscriptionsApiFilter prefix(const Attributes& attributes) { return withAttributes(Dialect::Prefix, attributes); }
SubscriptionsApiFilter suffix(const Attributes& attributes) { return withAttributes(Dialect::Suffix, attributes); }
SubscriptionsApiFilter nested(Dialect dialect, const Filters& children)
{
    SubscriptionsApiFilter filter;
    filter.dialect = dialect;
    filter.children = children;
    return filter;
}
SubscriptionsApiFilter all(const Filters& children) { return nested(Dialect::All, children); }
SubscriptionsApiFilter any(const Filters& children) { return nested(Dialect::Any, children); }
SubscriptionsApiFilter negate(const SubscriptionsApiFilter& child) { return nested(Dialect::Not, { child }); }
SubscriptionsApiFilter cesql(const QString& expression)
{
    SubscriptionsApiFilter filter;
    filter.dialect = Dialect::Cesql;
    filter.expression = expression;
    return filter;
}

CloudEvent orderEvent()
{
    CloudEvent event;
    event.id = u"42"_s;
    event.source = u"/apis/v1/namespaces/shop/pingsources/orders"_s;
    event.type = u"com.example.order.created"_s;
    event.subject = u"orders/42"_s;
    event.extensions.insert(u"region"_s, u"eu-west"_s);
    event.extensions.insert(u"priority"_s, 5);
    return event;
}

KnativeObjectPtr makeTrigger(const QString& ns, const QString& name, const QString& broker,
    const Attributes& attributes, const Filters& filters = {})
{
    auto trigger = std::make_shared<KnativeObject>();
    trigger->key = ObjectKey { u"eventing.knative.dev"_s, u"Trigger"_s, ns, name };
    trigger->kind = ObjectKind::Trigger;
    trigger->broker = broker;
    trigger->hasFilter = !attributes.isEmpty();
    trigger->filterAttributes = attributes;
    trigger->filters = filters;
    return trigger;
}

} // namespace

class TestFilterEvaluator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void attributes_data();
    void attributes();
    void filters_data();
    void filters();
    void filtersOverrideFilter_data();
    void filtersOverrideFilter();
    void cesqlExtensionPoint();
    void matchingTriggers();
    void summary_data();
    void summary();
};

void TestFilterEvaluator::attributes_data()
{
    QTest::addColumn<Attributes>("attributes");
    QTest::addColumn<bool>("matches");
    QTest::addColumn<QString>("reason");

    QTest::addRow("no attributes") << Attributes {} << true << u"no filter: all events pass"_s;
    QTest::addRow("type equal") << Attributes { { u"type"_s, u"com.example.order.created"_s } } << true
                                << u"type = com.example.order.created matched"_s;
    QTest::addRow("type is case-sensitive")
        << Attributes { { u"type"_s, u"com.example.Order.created"_s } } << false
        << u"type: expected 'com.example.Order.created', got 'com.example.order.created'"_s;
    QTest::addRow("source differs") << Attributes { { u"source"_s,
        u"/other"_s } } << false << u"source: expected '/other', got '/apis/v1/namespaces/shop/pingsources/orders'"_s;
    QTest::addRow("string extension") << Attributes { { u"region"_s, u"eu-west"_s } } << true
                                      << u"region = eu-west matched"_s;
    QTest::addRow("integer extension by canonical string")
        << Attributes { { u"priority"_s, u"5"_s } } << true << u"priority = 5 matched"_s;
    QTest::addRow("missing extension") << Attributes { { u"tenant"_s, u"a"_s } } << false
                                       << u"tenant: expected 'a', attribute missing"_s;
    QTest::addRow("any value, present extension")
        << Attributes { { u"region"_s, QString() } } << true << u"region present (any value)"_s;
    QTest::addRow("any value, present optional core attribute")
        << Attributes { { u"subject"_s, QString() } } << true << u"subject present (any value)"_s;
    QTest::addRow("any value, absent extension") << Attributes { { u"tenant"_s, QString() } } << false
                                                 << u"tenant: must be present (any value), attribute missing"_s;
    QTest::addRow("any value, unset optional core attribute")
        << Attributes { { u"dataschema"_s, QString() } } << false
        << u"dataschema: must be present (any value), attribute missing"_s;
    QTest::addRow("several, all equal") << Attributes { { u"type"_s, u"com.example.order.created"_s },
        { u"region"_s, u"eu-west"_s } } << true
                                        << u"region = eu-west matched; type = com.example.order.created matched"_s;
    QTest::addRow("several, one differs")
        << Attributes { { u"type"_s, u"com.example.order.created"_s }, { u"region"_s, u"us-east"_s } } << false
        << u"region: expected 'us-east', got 'eu-west'"_s;
}

void TestFilterEvaluator::attributes()
{
    QFETCH(Attributes, attributes);
    QFETCH(bool, matches);
    QFETCH(QString, reason);

    const auto trigger = makeTrigger(u"shop"_s, u"t"_s, u"default"_s, attributes);
    const auto result = FilterEvaluator().evaluateTrigger(*trigger, orderEvent());
    QCOMPARE(result.matches, matches);
    QCOMPARE(result.reason, reason);
    QVERIFY(!result.unsupported);
}

void TestFilterEvaluator::filters_data()
{
    QTest::addColumn<FilterColumn>("filters");
    QTest::addColumn<bool>("matches");
    QTest::addColumn<QString>("reason");

    const auto typeIs = [](const QString& type) { return exact({ { u"type"_s, type } }); };

    QTest::addRow("empty list") << FilterColumn { Filters {} } << true << u"no filter: all events pass"_s;
    QTest::addRow("exact match") << FilterColumn { Filters { typeIs(u"com.example.order.created"_s) } } << true
                                 << u"type = com.example.order.created matched"_s;
    QTest::addRow("exact mismatch") << FilterColumn { Filters { typeIs(u"com.example.order.paid"_s) } } << false
                                    << u"type: expected 'com.example.order.paid', got 'com.example.order.created'"_s;
    QTest::addRow("exact extension") << FilterColumn { Filters { exact({ { u"priority"_s, u"5"_s } }) } } << true
                                     << u"priority = 5 matched"_s;
    QTest::addRow("prefix match") << FilterColumn { Filters { prefix({ { u"type"_s, u"com.example."_s } }) } } << true
                                  << u"type starts with 'com.example.'"_s;
    QTest::addRow("prefix mismatch") << FilterColumn { Filters { prefix({ { u"source"_s, u"/apis/v2"_s } }) } } << false
                                     << u"source: expected prefix '/apis/v2', got "
                                        u"'/apis/v1/namespaces/shop/pingsources/orders'"_s;
    QTest::addRow("prefix on missing attribute") << FilterColumn { Filters { prefix({ { u"tenant"_s, u"a"_s } }) } }
                                                 << false << u"tenant: expected prefix 'a', attribute missing"_s;
    QTest::addRow("suffix match") << FilterColumn { Filters { suffix({ { u"type"_s, u".created"_s } }) } } << true
                                  << u"type ends with '.created'"_s;
    QTest::addRow("suffix mismatch") << FilterColumn { Filters { suffix({ { u"subject"_s, u"/43"_s } }) } } << false
                                     << u"subject: expected suffix '/43', got 'orders/42'"_s;
    QTest::addRow("all true") << FilterColumn {
        Filters { all({ typeIs(u"com.example.order.created"_s), suffix({ { u"subject"_s, u"/42"_s } }) }) }
    } << true << u"type = com.example.order.created matched; subject ends with '/42'"_s;
    QTest::addRow("all, second false") << FilterColumn {
        Filters { all({ typeIs(u"com.example.order.created"_s), exact({ { u"region"_s, u"us"_s } }) }) }
    } << false << u"region: expected 'us', got 'eu-west'"_s;
    QTest::addRow("any, second true") << FilterColumn {
        Filters { any({ typeIs(u"a"_s), prefix({ { u"region"_s, u"eu-"_s } }) }) }
    } << true << u"region starts with 'eu-'"_s;
    QTest::addRow("any, none true") << FilterColumn { Filters { any({ typeIs(u"a"_s), typeIs(u"b"_s) }) } } << false
                                    << u"any: none matched (type: expected 'a', got 'com.example.order.created'; "
                                       u"type: expected 'b', got 'com.example.order.created')"_s;
    QTest::addRow("not of a match") << FilterColumn { Filters { negate(typeIs(u"com.example.order.created"_s)) } }
                                    << false << u"not: type = com.example.order.created matched"_s;
    QTest::addRow("not of a mismatch") << FilterColumn { Filters { negate(typeIs(u"a"_s)) } } << true
                                       << u"not: type: expected 'a', got 'com.example.order.created'"_s;
    QTest::addRow("nested all(any, not) true")
        << FilterColumn { Filters { all({ any({ typeIs(u"a"_s), typeIs(u"com.example.order.created"_s) }),
               negate(prefix({ { u"source"_s, u"/internal"_s } })) }) } }
        << true
        << u"type = com.example.order.created matched; not: source: expected prefix '/internal', got "
           u"'/apis/v1/namespaces/shop/pingsources/orders'"_s;
    QTest::addRow("nested not(any(...)) false") << FilterColumn {
        Filters { negate(any({ typeIs(u"a"_s), all({ exact({ { u"region"_s, u"eu-west"_s } }) }) })) }
    } << false << u"not: region = eu-west matched"_s;
    QTest::addRow("top-level elements are ANDed") << FilterColumn {
        Filters { typeIs(u"com.example.order.created"_s), prefix({ { u"subject"_s, u"invoices/"_s } }) }
    } << false << u"subject: expected prefix 'invoices/', got 'orders/42'"_s;
    QTest::addRow("top-level elements all true") << FilterColumn {
        Filters { typeIs(u"com.example.order.created"_s), prefix({ { u"subject"_s, u"orders/"_s } }) }
    } << true << u"type = com.example.order.created matched; subject starts with 'orders/'"_s;
}

void TestFilterEvaluator::filters()
{
    QFETCH(FilterColumn, filters);
    QFETCH(bool, matches);
    QFETCH(QString, reason);

    const auto result = FilterEvaluator().evaluateFilters(filters.filters, orderEvent());
    QCOMPARE(result.matches, matches);
    QCOMPARE(result.reason, reason);
    QVERIFY(!result.unsupported);
}

void TestFilterEvaluator::filtersOverrideFilter_data()
{
    QTest::addColumn<Attributes>("attributes");
    QTest::addColumn<FilterColumn>("filters");
    QTest::addColumn<bool>("matches");

    const Attributes matchingAttributes { { u"type"_s, u"com.example.order.created"_s } };
    const Attributes otherAttributes { { u"type"_s, u"other"_s } };
    QTest::addRow("filters match, filter would not")
        << otherAttributes << FilterColumn { Filters { prefix({ { u"type"_s, u"com.example"_s } }) } } << true;
    QTest::addRow("filters do not match, filter would")
        << matchingAttributes << FilterColumn { Filters { prefix({ { u"type"_s, u"org."_s } }) } } << false;
    QTest::addRow("empty filters fall back to filter") << otherAttributes << FilterColumn { Filters {} } << false;
    QTest::addRow("neither") << Attributes {} << FilterColumn { Filters {} } << true;
}

void TestFilterEvaluator::filtersOverrideFilter()
{
    QFETCH(Attributes, attributes);
    QFETCH(FilterColumn, filters);
    QFETCH(bool, matches);

    const auto trigger = makeTrigger(u"shop"_s, u"t"_s, u"default"_s, attributes, filters.filters);
    QCOMPARE(FilterEvaluator().evaluateTrigger(*trigger, orderEvent()).matches, matches);
}

void TestFilterEvaluator::cesqlExtensionPoint()
{
    const auto event = orderEvent();
    FilterEvaluator evaluator;

    // The default engine is CesqlEvaluator's.
    auto result = evaluator.evaluateFilters({ cesql(u"type LIKE 'com.%' AND priority > 3"_s) }, event);
    QVERIFY(result.matches);
    QVERIFY(!result.unsupported);
    QCOMPARE(result.reason, u"cesql 'type LIKE 'com.%' AND priority > 3' is true"_s);
    result = evaluator.evaluateFilters({ cesql(u"type LIKE 'com.%' AND (priority > 3"_s) }, event);
    QVERIFY(result.unsupported);
    QCOMPARE(result.reason,
        u"cesql 'type LIKE 'com.%' AND (priority > 3': syntax error at 1:36: expected ')' to close the '(' at 1:23, "
        u"got the end of the expression"_s);

    evaluator.setCesqlEvaluator({});
    result = evaluator.evaluateFilters({ cesql(u"type LIKE 'com.%'"_s) }, event);
    QVERIFY(!result.matches);
    QVERIFY(result.unsupported);
    QCOMPARE(result.reason, u"CESQL not evaluated yet"_s);

    // Another sub-expression can decide on its own.
    result = evaluator.evaluateFilters({ any({ cesql(u"x"_s), exact({ { u"region"_s, u"eu-west"_s } }) }) }, event);
    QVERIFY(result.matches);
    QVERIFY(!result.unsupported);
    result = evaluator.evaluateFilters({ cesql(u"x"_s), exact({ { u"region"_s, u"us"_s } }) }, event);
    QVERIFY(!result.matches);
    QVERIFY(!result.unsupported);
    result = evaluator.evaluateFilters({ negate(cesql(u"x"_s)) }, event);
    QVERIFY(result.unsupported);

    QString seenExpression;
    evaluator.setCesqlEvaluator([&](const QString& expression, const CloudEvent& e, QString* reason) {
        seenExpression = expression;
        if (expression == u"broken")
            return std::optional<bool>();
        if (expression == u"explained") {
            *reason = u"explained by the engine"_s;
            return std::optional<bool>(false);
        }
        return std::optional<bool>(e.type.startsWith(u"com."));
    });
    result = evaluator.evaluateFilters({ cesql(u"type LIKE 'com.%'"_s) }, event);
    QCOMPARE(seenExpression, u"type LIKE 'com.%'"_s);
    QVERIFY(result.matches);
    QCOMPARE(result.reason, u"cesql 'type LIKE 'com.%'' is true"_s);
    result = evaluator.evaluateFilters({ cesql(u"explained"_s) }, event);
    QVERIFY(!result.matches);
    QCOMPARE(result.reason, u"explained by the engine"_s);
    result = evaluator.evaluateFilters({ cesql(u"broken"_s) }, event);
    QVERIFY(!result.matches);
    QVERIFY(result.unsupported);
    result = evaluator.evaluateFilters({ negate(cesql(u"other"_s)) }, event);
    QVERIFY(!result.matches);
    QVERIFY(!result.unsupported);
}

void TestFilterEvaluator::matchingTriggers()
{
    const Attributes created { { u"type"_s, u"com.example.order.created"_s } };
    const auto matching = makeTrigger(u"shop"_s, u"matching"_s, u"default"_s, created);
    const auto unfiltered = makeTrigger(u"shop"_s, u"unfiltered"_s, u"default"_s, {});
    const auto otherType = makeTrigger(u"shop"_s, u"other-type"_s, u"default"_s, { { u"type"_s, u"x"_s } });
    const auto otherBroker = makeTrigger(u"shop"_s, u"other-broker"_s, u"audit"_s, created);
    const auto otherNamespace = makeTrigger(u"billing"_s, u"other-namespace"_s, u"default"_s, created);
    auto viaRef = std::make_shared<KnativeObject>(*makeTrigger(u"billing"_s, u"via-ref"_s, u"default"_s, created));
    viaRef->brokerRef = KReference { u"eventing.knative.dev/v1"_s, u"Broker"_s, u"default"_s, u"shop"_s };
    auto broker = std::make_shared<KnativeObject>();
    broker->key = ObjectKey { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"default"_s };
    broker->kind = ObjectKind::Broker;

    const QList<KnativeObjectPtr> candidates { matching, broker, unfiltered, otherType, otherBroker, otherNamespace,
        viaRef };
    const auto result = FilterEvaluator().matchingTriggers(candidates, broker->key, orderEvent());
    QCOMPARE(result, (QList<KnativeObjectPtr> { matching, unfiltered, viaRef }));
    QCOMPARE(brokerKeyOfTrigger(*viaRef), broker->key);
    QCOMPARE(brokerKeyOfTrigger(*otherNamespace).ns, u"billing"_s);
}

void TestFilterEvaluator::summary_data()
{
    QTest::addColumn<Attributes>("attributes");
    QTest::addColumn<FilterColumn>("filters");
    QTest::addColumn<QString>("summary");

    QTest::addRow("none") << Attributes {} << FilterColumn { Filters {} } << u"all events"_s;
    QTest::addRow("attributes") << Attributes { { u"type"_s, u"com.x"_s }, { u"source"_s, QString() } }
                                << FilterColumn { Filters {} } << u"source=*, type=com.x"_s;
    QTest::addRow("filters") << Attributes { { u"type"_s, u"ignored"_s } }
                             << FilterColumn { Filters { prefix({ { u"type"_s, u"com."_s } }),
                                    any({ exact({ { u"region"_s, u"eu"_s } }), negate(suffix({ { u"id"_s, u"0"_s } })),
                                        cesql(u"true"_s) }) } }
                             << u"type=com.*, any(region=eu, not(id=*0), cesql: true)"_s;
}

void TestFilterEvaluator::summary()
{
    QFETCH(Attributes, attributes);
    QFETCH(FilterColumn, filters);
    QFETCH(QString, summary);
    QCOMPARE(triggerFilterSummary(*makeTrigger(u"ns"_s, u"t"_s, u"b"_s, attributes, filters.filters)), summary);
}

QTEST_GUILESS_MAIN(TestFilterEvaluator)
#include "tst_filterevaluator.moc"
