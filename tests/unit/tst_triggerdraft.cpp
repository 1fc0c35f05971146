// SPDX-License-Identifier: Apache-2.0
// TriggerDraft reads a Trigger's YAML into typed fields; TriggerYaml edits change only the lines they must, so that
// form -> YAML -> form round trips keep comments, unknown fields and ordering.
#include "triggerdraft.h"

#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

const QString Base = uR"(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: orders
  namespace: shop
  labels:
    zeta: last
    alpha: first   # keep me
spec:
  # the broker
  broker: default  # trailing
  foo: bar
  filter:
    attributes:
      type: dev.example.order
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: orders-svc
# end
)"_s;

// The Base text with one line replaced (or removed when replacement is empty and remove is set).
QString baseWith(const QString& line, const QString& replacement)
{
    auto text = Base;
    const auto at = text.indexOf(line);
    Q_ASSERT(at >= 0);
    text.replace(at, line.size(), replacement);
    return text;
}

QString insertedAfter(const QString& line, const QString& lines) { return baseWith(line, line + lines); }

enum class Op { Set, Number, Remove, Rename, Block };

} // namespace

Q_DECLARE_METATYPE(Op)

class TestTriggerDraft : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void edits_data();
    void edits();
    void composedEditsKeepEverythingElse();
    void quoting_data();
    void quoting();
    void blockYamlRoundTrip();
    void parsesDocsExamples();
    void parseReportsSyntaxErrors();
    void noEditsOnBrokenText();
};

void TestTriggerDraft::edits_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Op>("op");
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");

    const QStringList broker { u"spec"_s, u"broker"_s };
    QTest::addRow("scalar keeps trailing comment")
        << Base << Op::Set << broker << u"billing"_s << baseWith(u"broker: default  #"_s, u"broker: billing  #"_s);
    QTest::addRow("scalar quoted when needed") << Base << Op::Set << QStringList { u"metadata"_s, u"name"_s }
                                               << u"yes"_s << baseWith(u"name: orders\n"_s, u"name: 'yes'\n"_s);
    QTest::addRow("label value keeps comment")
        << Base << Op::Set << QStringList { u"metadata"_s, u"labels"_s, u"alpha"_s } << u"one"_s
        << baseWith(u"alpha: first"_s, u"alpha: one"_s);
    QTest::addRow("new label appended, order kept")
        << Base << Op::Set << QStringList { u"metadata"_s, u"labels"_s, u"beta"_s } << u"two"_s
        << insertedAfter(u"# keep me\n"_s, u"    beta: two\n"_s);
    QTest::addRow("label renamed in place")
        << Base << Op::Rename << QStringList { u"metadata"_s, u"labels"_s, u"zeta"_s } << u"app.kubernetes.io/name"_s
        << baseWith(u"zeta: last"_s, u"app.kubernetes.io/name: last"_s);
    QTest::addRow("label removed") << Base << Op::Remove << QStringList { u"metadata"_s, u"labels"_s, u"zeta"_s }
                                   << QString() << baseWith(u"    zeta: last\n"_s, QString());
    QTest::addRow("missing parents inserted in kubectl order")
        << Base << Op::Set
        << QStringList { u"metadata"_s, u"annotations"_s, u"autoscaling.eventing.knative.dev/min-scale"_s } << u"0"_s
        << insertedAfter(u"# keep me\n"_s, u"  annotations:\n    autoscaling.eventing.knative.dev/min-scale: '0'\n"_s);
    QTest::addRow("delivery inserted after subscriber")
        << Base << Op::Number << QStringList { u"spec"_s, u"delivery"_s, u"retry"_s } << u"3"_s
        << insertedAfter(u"name: orders-svc\n"_s, u"  delivery:\n    retry: 3\n"_s);
    QTest::addRow("filter row added") << Base << Op::Set
                                      << QStringList { u"spec"_s, u"filter"_s, u"attributes"_s, u"myext"_s } << u""_s
                                      << insertedAfter(u"type: dev.example.order\n"_s, u"      myext: ''\n"_s);
    QTest::addRow("last filter row removed with its empty parents")
        << Base << Op::Remove << QStringList { u"spec"_s, u"filter"_s, u"attributes"_s, u"type"_s } << QString()
        << baseWith(u"  filter:\n    attributes:\n      type: dev.example.order\n"_s, QString());
    QTest::addRow("filters tree inserted before subscriber")
        << Base << Op::Block << QStringList { u"spec"_s, u"filters"_s }
        << u"- any:\n    - exact:\n        type: a\n    - cesql: source LIKE '%x'\n"_s
        << insertedAfter(u"type: dev.example.order\n"_s,
               u"  filters:\n    - any:\n        - exact:\n            type: a\n        - cesql: source LIKE '%x'\n"_s);
    QTest::addRow("subscriber ref replaced")
        << Base << Op::Block << QStringList { u"spec"_s, u"subscriber"_s, u"ref"_s }
        << u"apiVersion: v1\nkind: Service\nname: other\nnamespace: ops\n"_s
        << baseWith(u"      apiVersion: serving.knative.dev/v1\n      kind: Service\n      name: orders-svc\n"_s,
               u"      apiVersion: v1\n      kind: Service\n      name: other\n      namespace: ops\n"_s);
    QTest::addRow("subscriber uri beside ref")
        << Base << Op::Set << QStringList { u"spec"_s, u"subscriber"_s, u"uri"_s } << u"http://x.example/a"_s
        << insertedAfter(u"name: orders-svc\n"_s, u"    uri: http://x.example/a\n"_s);
    QTest::addRow("unknown field removed, comment above broker kept")
        << Base << Op::Remove << QStringList { u"spec"_s, u"foo"_s } << QString()
        << baseWith(u"  foo: bar\n"_s, QString());
    QTest::addRow("broker removed, its comment kept")
        << Base << Op::Remove << broker << QString() << baseWith(u"  broker: default  # trailing\n"_s, QString());
    QTest::addRow("absent key removal is no edit")
        << Base << Op::Remove << QStringList { u"spec"_s, u"delivery"_s } << QString() << Base;

    const QString delivery = u"spec:\n  delivery:\n    # how often\n    retry: 2\n    backoffPolicy: linear\n"_s;
    QTest::addRow("delivery scalar")
        << delivery << Op::Set << QStringList { u"spec"_s, u"delivery"_s, u"backoffPolicy"_s } << u"exponential"_s
        << u"spec:\n  delivery:\n    # how often\n    retry: 2\n    backoffPolicy: exponential\n"_s;
    QTest::addRow("delivery number")
        << delivery << Op::Number << QStringList { u"spec"_s, u"delivery"_s, u"retry"_s } << u"7"_s
        << u"spec:\n  delivery:\n    # how often\n    retry: 7\n    backoffPolicy: linear\n"_s;
    QTest::addRow("delivery backoffDelay in order")
        << delivery << Op::Set << QStringList { u"spec"_s, u"delivery"_s, u"backoffDelay"_s } << u"PT0.2S"_s
        << u"spec:\n  delivery:\n    # how often\n    retry: 2\n    backoffPolicy: linear\n    backoffDelay: PT0.2S\n"_s;
    QTest::addRow("dead letter sink before retry, above its comment")
        << delivery << Op::Block << QStringList { u"spec"_s, u"delivery"_s, u"deadLetterSink"_s }
        << u"uri: http://dls.example"_s
        << u"spec:\n  delivery:\n    deadLetterSink:\n      uri: http://dls.example\n    # how often\n    retry: 2\n"
           u"    backoffPolicy: linear\n"_s;

    // kubectl writes sequences at the indentation of their key: a replacement keeps that.
    const QString kubectl = u"spec:\n  filters:\n  - exact:\n      type: a\n  subscriber:\n    uri: http://s\n"_s;
    QTest::addRow("kubectl-style sequence replaced in its style")
        << kubectl << Op::Block << QStringList { u"spec"_s, u"filters"_s } << u"- prefix:\n    type: b\n"_s
        << u"spec:\n  filters:\n  - prefix:\n      type: b\n  subscriber:\n    uri: http://s\n"_s;
    QTest::addRow("filters removed") << kubectl << Op::Remove << QStringList { u"spec"_s, u"filters"_s } << QString()
                                     << u"spec:\n  subscriber:\n    uri: http://s\n"_s;

    const QString flow = u"spec:\n  filter: {attributes: {type: a}} # flow\n  broker: b\n"_s;
    QTest::addRow("flow value rewritten as block")
        << flow << Op::Set << QStringList { u"spec"_s, u"filter"_s, u"attributes"_s, u"source"_s } << u"s"_s
        << u"spec:\n  filter: # flow\n    attributes:\n      source: s\n      type: a\n  broker: b\n"_s;
    const QString nullParent = u"metadata:\n  name: x\n  labels:\n"_s;
    QTest::addRow("null parent becomes a map")
        << nullParent << Op::Set << QStringList { u"metadata"_s, u"labels"_s, u"app"_s } << u"web"_s
        << u"metadata:\n  name: x\n  labels:\n    app: web\n"_s;
    const QString noNewline = u"metadata:\n  name: x"_s;
    QTest::addRow("insert at end without final newline")
        << noNewline << Op::Set << QStringList { u"metadata"_s, u"namespace"_s } << u"ops"_s
        << u"metadata:\n  name: x\n  namespace: ops"_s;
    const QString multiline = u"spec:\n  filters:\n    - cesql: >-\n        type = 'a'\n  broker: b\n"_s;
    QTest::addRow("block scalar replaced by a plain one")
        << multiline << Op::Set << QStringList { u"spec"_s, u"broker"_s } << u"c"_s
        << u"spec:\n  filters:\n    - cesql: >-\n        type = 'a'\n  broker: c\n"_s;
    const QString unicode = u"metadata:\n  labels:\n    \u00e9t\u00e9: \u00e9t\u00e9 # \u00fc\n  name: x\n"_s;
    QTest::addRow("non-ASCII keys") << unicode << Op::Set
                                    << QStringList { u"metadata"_s, u"labels"_s, u"\u00e9t\u00e9"_s } << u"hiver"_s
                                    << u"metadata:\n  labels:\n    \u00e9t\u00e9: hiver # \u00fc\n  name: x\n"_s;
    const QString crlf = u"metadata:\r\n  name: x\r\n"_s;
    QTest::addRow("CRLF line ends") << crlf << Op::Set << QStringList { u"metadata"_s, u"name"_s } << u"z"_s
                                    << u"metadata:\r\n  name: z\r\n"_s;
}

void TestTriggerDraft::edits()
{
    QFETCH(QString, text);
    QFETCH(Op, op);
    QFETCH(QStringList, path);
    QFETCH(QString, value);
    QFETCH(QString, expected);

    QList<TextEdit> edits;
    switch (op) {
    case Op::Set:
        edits = TriggerYaml::setScalar(text, path, value);
        break;
    case Op::Number:
        edits = TriggerYaml::setNumber(text, path, value.toLongLong());
        break;
    case Op::Remove:
        edits = TriggerYaml::removeKey(text, path);
        break;
    case Op::Rename:
        edits = TriggerYaml::renameKey(text, path, value);
        break;
    case Op::Block:
        edits = TriggerYaml::replaceBlock(text, path, value);
        break;
    }
    for (qsizetype i = 1; i < edits.size(); ++i)
        QVERIFY(edits.at(i - 1).start + edits.at(i - 1).length <= edits.at(i).start);
    const auto result = TriggerYaml::applyEdits(text, edits);
    QCOMPARE(result, expected);

    // Form -> YAML -> form: the edit reads back, and setting the same value again changes nothing.
    const auto draft = TriggerDraft::parse(result);
    QVERIFY2(draft.valid, qPrintable(draft.error));
    if (op == Op::Set) {
        QJsonValue node = draft.json;
        for (const auto& key : path)
            node = node.toObject().value(key);
        QCOMPARE(node.toString(), value);
        QVERIFY(TriggerYaml::setScalar(result, path, value).isEmpty());
    }
    if (text == Base && path != QStringList { u"spec"_s, u"foo"_s })
        QCOMPARE(draft.json.value("spec"_L1).toObject().value("foo"_L1).toString(), u"bar"_s);
}

void TestTriggerDraft::composedEditsKeepEverythingElse()
{
    // What the form does when a subscriber is re-wired to a URI: two edits in sequence.
    auto text = Base;
    text = TriggerYaml::applyEdits(
        text, TriggerYaml::setScalar(text, { u"spec"_s, u"subscriber"_s, u"uri"_s }, u"http://a"_s));
    text = TriggerYaml::applyEdits(text, TriggerYaml::removeKey(text, { u"spec"_s, u"subscriber"_s, u"ref"_s }));
    QCOMPARE(text,
        baseWith(u"    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n      name: orders-svc\n"_s,
            u"    uri: http://a\n"_s));
    const auto draft = TriggerDraft::parse(text);
    QCOMPARE(draft.subscriber.uri, u"http://a"_s);
    QVERIFY(draft.subscriber.ref.isEmpty());
    QCOMPARE(draft.labels, (QList<DraftEntry> { { u"zeta"_s, u"last"_s }, { u"alpha"_s, u"first"_s } }));
}

void TestTriggerDraft::quoting_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << u"dev.knative.foo"_s << u"dev.knative.foo"_s;
    QTest::addRow("url") << u"http://a.b/c?d=e"_s << u"http://a.b/c?d=e"_s;
    QTest::addRow("duration") << u"PT0.2S"_s << u"PT0.2S"_s;
    QTest::addRow("empty") << QString() << u"''"_s;
    QTest::addRow("number") << u"10"_s << u"'10'"_s;
    QTest::addRow("float") << u"1.5e3"_s << u"'1.5e3'"_s;
    QTest::addRow("bool 1.1") << u"on"_s << u"'on'"_s;
    QTest::addRow("null") << u"~"_s << u"'~'"_s;
    QTest::addRow("colon space") << u"a: b"_s << u"'a: b'"_s;
    QTest::addRow("comment") << u"a #b"_s << u"'a #b'"_s;
    QTest::addRow("indicator") << u"*x"_s << u"'*x'"_s;
    QTest::addRow("single quote") << u"'it''s'"_s << u"'''it''''s'''"_s;
    QTest::addRow("newline") << u"a\nb"_s << u"\"a\\nb\""_s;
    QTest::addRow("cesql") << u"type = 'a'"_s << u"type = 'a'"_s;
}

void TestTriggerDraft::quoting()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QCOMPARE(TriggerYaml::quoted(value), expected);
    const auto draft = TriggerDraft::parse(u"metadata:\n  name: "_s + TriggerYaml::quoted(value) + u'\n');
    QCOMPARE(draft.name, value);
}

void TestTriggerDraft::blockYamlRoundTrip()
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    SubscriptionsApiFilter exact { Dialect::Exact, { { u"type"_s, u"a"_s }, { u"source"_s, u"10"_s } }, {}, {} };
    SubscriptionsApiFilter cesql { Dialect::Cesql, {}, {}, u"subject LIKE 'x%'"_s };
    SubscriptionsApiFilter negated { Dialect::Not, {}, { exact }, {} };
    SubscriptionsApiFilter any { Dialect::Any, {}, { cesql, negated }, {} };
    const QList<SubscriptionsApiFilter> filters { any, exact };
    const auto yaml = TriggerYaml::toBlockYaml(TriggerYaml::filtersToJson(filters));
    const auto text = u"spec:\n  broker: b\n"_s;
    const auto edited
        = TriggerYaml::applyEdits(text, TriggerYaml::replaceBlock(text, { u"spec"_s, u"filters"_s }, yaml));
    QVERIFY(TriggerYaml::sameFilters(TriggerDraft::parse(edited).filters, filters));
    QCOMPARE(
        TriggerYaml::applyEdits(edited, TriggerYaml::replaceBlock(edited, { u"spec"_s, u"filters"_s }, yaml)), edited);
}

void TestTriggerDraft::parsesDocsExamples()
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    // knative.dev docs, "Triggers": filter on attributes, an extension included.
    const auto attributes = TriggerDraft::parse(uR"(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: my-service-trigger
spec:
  broker: default
  filter:
    attributes:
      type: dev.knative.foo.bar
      myextension: my-extension-value
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: my-service
)"_s);
    QVERIFY(attributes.valid);
    QCOMPARE(attributes.kind, u"Trigger"_s);
    QCOMPARE(attributes.name, u"my-service-trigger"_s);
    QCOMPARE(attributes.broker, u"default"_s);
    QVERIFY(attributes.hasFilter);
    QCOMPARE(attributes.filterAttributes,
        (QList<DraftEntry> { { u"type"_s, u"dev.knative.foo.bar"_s }, { u"myextension"_s, u"my-extension-value"_s } }));
    QCOMPARE(attributes.subscriber.ref,
        (KReference { u"serving.knative.dev/v1"_s, u"Service"_s, u"my-service"_s, QString() }));

    // "Advanced filters" in the docs: any of two exact filters; plus cesql, not and all with flow maps.
    const auto filters = TriggerDraft::parse(uR"yaml(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: my-service-trigger
spec:
  broker: default
  filters:
    - any:
      - exact:
          type: com.github.push
      - exact:
          subject: https://github.com/knative/eventing
    - cesql: "source LIKE '%commerce%' AND type IN ('order.created', 'order.updated')"
    - not:
        exact:
          type: com.github.pull
    - all:
      - prefix: {type: com.}
      - suffix:
          source: .io
  subscriber:
    uri: http://my-service.default.svc.cluster.local/events
  delivery:
    deadLetterSink:
      ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: example-sink
    backoffDelay: PT0.5S
    backoffPolicy: exponential
    retry: 5
    timeout: PT10S
)yaml"_s);
    QVERIFY(filters.valid);
    QCOMPARE(filters.filters.size(), 4);
    const auto& any = filters.filters.at(0);
    QCOMPARE(any.dialect, Dialect::Any);
    QCOMPARE(any.children.size(), 2);
    QCOMPARE(any.children.at(1).attributes.value(u"subject"_s), u"https://github.com/knative/eventing"_s);
    QCOMPARE(filters.filters.at(1).dialect, Dialect::Cesql);
    QCOMPARE(
        filters.filters.at(1).expression, u"source LIKE '%commerce%' AND type IN ('order.created', 'order.updated')"_s);
    QCOMPARE(filters.filters.at(2).dialect, Dialect::Not);
    QCOMPARE(filters.filters.at(2).children.first().attributes.value(u"type"_s), u"com.github.pull"_s);
    QCOMPARE(filters.filters.at(3).dialect, Dialect::All);
    QCOMPARE(filters.filters.at(3).children.at(0).dialect, Dialect::Prefix);
    QCOMPARE(filters.filters.at(3).children.at(1).attributes.value(u"source"_s), u".io"_s);
    QVERIFY(!filters.hasFilter);
    QCOMPARE(filters.subscriber.uri, u"http://my-service.default.svc.cluster.local/events"_s);
    QCOMPARE(filters.delivery.retry, 5);
    QCOMPARE(filters.delivery.backoffPolicy, u"exponential"_s);
    QCOMPARE(filters.delivery.backoffDelay, u"PT0.5S"_s);
    QCOMPARE(filters.delivery.timeout, u"PT10S"_s);
    QCOMPARE(filters.delivery.deadLetterSink.ref.name, u"example-sink"_s);
}

void TestTriggerDraft::parseReportsSyntaxErrors()
{
    const auto draft = TriggerDraft::parse(u"metadata:\n  name: [a\n"_s);
    QVERIFY(!draft.valid);
    QVERIFY(!draft.error.isEmpty());
    QVERIFY(draft.errorLine > 0);
    QVERIFY(!TriggerDraft::parse(u"- a\n- b\n"_s).valid);
}

void TestTriggerDraft::noEditsOnBrokenText()
{
    const auto broken = u"metadata:\n  name: [a\n"_s;
    QVERIFY(TriggerYaml::setScalar(broken, { u"metadata"_s, u"name"_s }, u"b"_s).isEmpty());
    QVERIFY(TriggerYaml::removeKey(broken, { u"metadata"_s }).isEmpty());
}

QTEST_GUILESS_MAIN(TestTriggerDraft)
#include "tst_triggerdraft.moc"
