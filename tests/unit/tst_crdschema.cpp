// SPDX-License-Identifier: Apache-2.0
#include "crdschema.h"
#include "draftvalidator.h"
#include "manifestparser.h"

#include <QJsonDocument>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const auto fileName = u"trigger.yaml"_s;

// From Knative's documentation (docs/versioned/eventing/triggers/README.md).
const QByteArray example = R"(apiVersion: eventing.knative.dev/v1
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
)";

QByteArray variant(const QByteArray& from, const QByteArray& to)
{
    Q_ASSERT(example.contains(from));
    return QByteArray(example).replace(from, to);
}

QString describe(const QList<SourceIssue>& issues)
{
    QStringList texts;
    for (const auto& issue : issues)
        texts.append(
            issue.toString() + (issue.severity == SourceIssue::Severity::Warning ? u" (warning)"_s : QString()));
    return texts.join(u'\n');
}

QList<SourceIssue> errorsOf(const QList<SourceIssue>& issues)
{
    QList<SourceIssue> errors;
    std::copy_if(issues.cbegin(), issues.cend(), std::back_inserter(errors),
        [](const SourceIssue& issue) { return issue.severity == SourceIssue::Severity::Error; });
    return errors;
}

// A CRD with one version whose openAPIV3Schema is `schema` (JSON) under spec.
QByteArray crdWithSpec(const QByteArray& specSchema)
{
    return R"({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "scope": "Namespaced",
        "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
            "type": "object", "properties": {"spec": )"
        + specSchema + "}}}}]}}";
}

} // namespace

class TestCrdSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shippedSchema()
    {
        const auto& schema = CrdSchema::shippedTrigger();
        QVERIFY(!schema.isNull());
        QCOMPARE(schema.crdName(), u"triggers.eventing.knative.dev"_s);
        QCOMPARE(schema.group(), u"eventing.knative.dev"_s);
        QCOMPARE(schema.version(), u"v1"_s);
        QCOMPARE(schema.kind(), u"Trigger"_s);
    }

    void documentedTriggers_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addRow("filter attributes") << example;
        QTest::addRow("filters: cesql") << variant(
            "  filter:\n    attributes:\n      type: dev.knative.foo.bar\n      myextension: my-extension-value\n",
            "  filters:\n    - cesql: \"source LIKE '%commerce%' AND type IN ('order.created', 'order.updated', "
            "'order.canceled')\"\n");
        QTest::addRow("filters: exact, prefix, suffix, any, all, not") << variant(
            "  filter:\n    attributes:\n      type: dev.knative.foo.bar\n      myextension: my-extension-value\n",
            "  filters:\n"
            "    - any:\n"
            "        - exact:\n            type: com.github.push\n"
            "        - exact:\n            type: com.github.pull.create\n"
            "    - all:\n"
            "        - prefix:\n            source: https://github.com/\n"
            "        - suffix:\n            subject: .json\n"
            "    - not:\n        exact:\n          type: com.github.issue.comment\n"
            "    - any:\n        - not:\n            all:\n              - cesql: \"subject = 'x'\"\n");
        QTest::addRow("delivery with timeout") << QByteArray(example
            + "  delivery:\n"
              "    deadLetterSink:\n      ref:\n        apiVersion: serving.knative.dev/v1\n        kind: Service\n"
              "        name: example-sink\n"
              "    backoffDelay: PT0.5S\n    backoffPolicy: exponential\n    retry: 5\n    timeout: PT10S\n"
              "    format: json\n");
        QTest::addRow("uri subscriber with CA and audience")
            << variant("    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n"
                       "      name: my-service\n",
                   "    uri: https://my-service.default.svc.cluster.local/events\n"
                   "    CACerts: |\n      -----BEGIN CERTIFICATE-----\n      MIIB\n      -----END CERTIFICATE-----\n"
                   "    audience: my-service\n");
        QTest::addRow("brokerRef") << variant("  broker: default\n",
            "  brokerRef:\n    apiVersion: eventing.knative.dev/v1\n    kind: Broker\n"
            "    name: default\n");
        QTest::addRow("Kafka trigger with KEDA annotations") << variant("  name: my-service-trigger\n",
            "  name: my-service-trigger\n  namespace: default\n  labels:\n    app.kubernetes.io/name: shop\n"
            "  annotations:\n    autoscaling.eventing.knative.dev/class: keda.autoscaling.knative.dev\n"
            "    autoscaling.eventing.knative.dev/min-scale: \"0\"\n"
            "    autoscaling.eventing.knative.dev/max-scale: \"5\"\n"
            "    keda.autoscaling.knative.dev/kafkaLagThreshold: \"10\"\n");
        QTest::addRow("as the API server returns it")
            << variant("  name: my-service-trigger\n",
                   "  name: my-service-trigger\n  namespace: default\n  uid: 4a0ec6a2-3c3c-4f6b-9d0e-0d7f1f6c2b1a\n"
                   "  resourceVersion: \"1234\"\n  generation: 2\n  creationTimestamp: \"2024-05-01T12:00:00Z\"\n"
                   "  finalizers: [triggers.eventing.knative.dev]\n"
                   "  managedFields:\n    - manager: kubectl\n      operation: Apply\n      fieldsV1: {f:spec: {}}\n")
                + "status:\n  observedGeneration: 2\n  subscriberUri: http://my-service.default.svc.cluster.local\n"
                  "  conditions:\n    - type: Ready\n      status: \"True\"\n      lastTransitionTime: "
                  "\"2024-05-01T12:00:01Z\"\n  annotations:\n    group.id: "
                  "knative-trigger-default-my-service-trigger\n";
        QTest::addRow("kubectl's null creationTimestamp")
            << variant("  name: my-service-trigger\n", "  name: my-service-trigger\n  creationTimestamp: null\n");
        QTest::addRow("empty filter") << variant(
            "  filter:\n    attributes:\n      type: dev.knative.foo.bar\n      myextension: my-extension-value\n",
            "  filter: {}\n");
    }

    void documentedTriggers()
    {
        QFETCH(QByteArray, yaml);
        const auto schemaIssues = CrdSchema::shippedTrigger().validateYaml(yaml, fileName);
        QVERIFY2(schemaIssues.isEmpty(), qPrintable(describe(schemaIssues)));
        const auto issues = errorsOf(DraftValidator::validateTrigger(yaml, fileName, {}, {}));
        QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    }

    // What the shipped schema rejects by itself, at the offending key (or the item, in lists).
    void brokenTriggers_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("location");
        QTest::addColumn<bool>("warning");

        QTest::addRow("broker not a string")
            << variant("broker: default", "broker: 5") << u"spec.broker must be a string, not a number (5)"_s
            << u"trigger.yaml:6:3"_s << false;
        QTest::addRow("retry not an integer")
            << QByteArray(example + "  delivery:\n    retry: three\n")
            << u"spec.delivery.retry must be an integer, not a string (\"three\")"_s << u"trigger.yaml:17:5"_s << false;
        QTest::addRow("retry a fraction")
            << QByteArray(example + "  delivery:\n    retry: 2.5\n")
            << u"spec.delivery.retry must be an integer, not a number (2.5)"_s << u"trigger.yaml:17:5"_s << false;
        QTest::addRow("retry beyond int32") << QByteArray(example + "  delivery:\n    retry: 3000000000\n")
                                            << u"spec.delivery.retry 3000000000 is out of range for a 32-bit integer"_s
                                            << u"trigger.yaml:17:5"_s << false;
        QTest::addRow("filters not a list")
            << variant("  filter:\n    attributes:\n", "  filters:\n    attributes:\n")
            << u"spec.filters must be a list, not a map"_s << u"trigger.yaml:7:3"_s << false;
        QTest::addRow("cesql not a string")
            << variant("  filter:\n    attributes:\n      type: dev.knative.foo.bar\n"
                       "      myextension: my-extension-value\n",
                   "  filters:\n    - cesql:\n        type: x\n")
            << u"spec.filters[0].cesql must be a string, not a map"_s << u"trigger.yaml:8:7"_s << false;
        QTest::addRow("filter item not a map")
            << variant("  filter:\n    attributes:\n      type: dev.knative.foo.bar\n"
                       "      myextension: my-extension-value\n",
                   "  filters:\n    - exact\n")
            << u"spec.filters[0] must be a map, not a string (\"exact\")"_s << u"trigger.yaml:8:7"_s << false;
        QTest::addRow("unknown dialect") << variant("  filter:\n    attributes:\n      type: dev.knative.foo.bar\n"
                                                    "      myextension: my-extension-value\n",
            "  filters:\n    - exakt:\n        type: a\n")
                                         << u"unknown field spec.filters[0].exakt (known fields: "_s
                                         << u"trigger.yaml:8:7"_s << false;
        QTest::addRow("unknown field in filter")
            << variant("    attributes:\n", "    atributes:\n")
            << u"unknown field spec.filter.atributes (known fields: attributes)"_s << u"trigger.yaml:8:5"_s << false;
        QTest::addRow("unknown field in subscriber")
            << variant("      name: my-service\n", "      name: my-service\n    url: http://x\n")
            << u"unknown field spec.subscriber.url (known fields: "_s << u"trigger.yaml:16:5"_s << false;
        QTest::addRow("unknown field in ref")
            << variant("      name: my-service\n", "      name: my-service\n      namespce: x\n")
            << u"unknown field spec.subscriber.ref.namespce"_s << u"trigger.yaml:16:7"_s << false;
        QTest::addRow("unknown field in dead letter sink")
            << QByteArray(example + "  delivery:\n    deadLetterSink:\n      uri: http://dls\n      urll: x\n")
            << u"unknown field spec.delivery.deadLetterSink.urll"_s << u"trigger.yaml:19:7"_s << false;
        QTest::addRow("ref not a map") << variant("    ref:\n      apiVersion: serving.knative.dev/v1\n"
                                                  "      kind: Service\n      name: my-service\n",
            "    ref: my-service\n") << u"spec.subscriber.ref must be a map, not a string (\"my-service\")"_s
                                       << u"trigger.yaml:12:5"_s << false;
        QTest::addRow("unknown top-level field")
            << QByteArray(example + "specs: {}\n")
            << u"unknown field specs (known fields: apiVersion, kind, metadata, spec, status)"_s
            << u"trigger.yaml:16:1"_s << false;
        QTest::addRow("unknown metadata field")
            << variant("  name: my-service-trigger\n", "  name: my-service-trigger\n  label:\n    app: shop\n")
            << u"unknown field metadata.label (known fields: "_s << u"trigger.yaml:5:3"_s << false;
        QTest::addRow("label value not a string")
            << variant("  name: my-service-trigger\n", "  name: my-service-trigger\n  labels:\n    version: 2\n")
            << u"metadata.labels.version must be a string, not a number (2)"_s << u"trigger.yaml:6:5"_s << false;
        QTest::addRow("annotation with a dotted name") << variant("  name: my-service-trigger\n",
            "  name: my-service-trigger\n  annotations:\n    autoscaling.eventing.knative.dev/max-scale: 5\n")
                                                       << u"metadata.annotations[\"autoscaling.eventing.knative.dev/"
                                                          u"max-scale\"] must be a string, not a number (5)"_s
                                                       << u"trigger.yaml:6:5"_s << false;
        QTest::addRow("metadata not a map")
            << variant("  name: my-service-trigger\n", "  - my-service-trigger\n")
            << u"metadata must be a map, not a list"_s << u"trigger.yaml:3:1"_s << false;
        QTest::addRow("bad creationTimestamp")
            << variant("  name: my-service-trigger\n", "  name: my-service-trigger\n  creationTimestamp: yesterday\n")
            << u"metadata.creationTimestamp \"yesterday\" must be an RFC 3339"_s << u"trigger.yaml:5:3"_s << false;
        QTest::addRow("null retry") << QByteArray(example + "  delivery:\n    retry:\n")
                                    << u"spec.delivery.retry is null: the API server drops it"_s
                                    << u"trigger.yaml:17:5"_s << true;
        QTest::addRow("document not a map")
            << QByteArray("- a\n- b\n") << u"the document must be a map"_s << u"trigger.yaml:1:1"_s << false;
        QTest::addRow("condition without status")
            << QByteArray(example + "status:\n  conditions:\n    - type: Ready\n")
            << u"status.conditions[0].status is required"_s << u"trigger.yaml:18:7"_s << false;
    }

    void brokenTriggers()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        QFETCH(QString, location);
        QFETCH(bool, warning);
        const auto issues = CrdSchema::shippedTrigger().validateYaml(yaml, fileName);
        QVERIFY2(issues.size() == 1, qPrintable(describe(issues)));
        QVERIFY2(issues.first().message.startsWith(message), qPrintable(describe(issues)));
        QCOMPARE(issues.first().location.toString(), location);
        QCOMPARE(issues.first().severity, warning ? SourceIssue::Severity::Warning : SourceIssue::Severity::Error);
    }

    // What the schema lets through (spec keeps unknown fields; backoffPolicy has no enum) but Knative's webhook
    // rejects: the full draft validation reports it, once, at the same place.
    void rejectedByValidation_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("location");

        QTest::addRow("missing subscriber")
            << variant("  subscriber:\n    ref:\n      apiVersion: serving.knative.dev/v1\n"
                       "      kind: Service\n      name: my-service\n",
                   "")
            << u"spec.subscriber is required"_s << u"trigger.yaml:5:1"_s;
        QTest::addRow("bad backoffPolicy")
            << QByteArray(example + "  delivery:\n    backoffPolicy: random\n")
            << u"spec.delivery.backoffPolicy must be linear or exponential"_s << u"trigger.yaml:17:5"_s;
        QTest::addRow("bad timeout") << QByteArray(example + "  delivery:\n    timeout: 10s\n")
                                     << u"spec.delivery.timeout \"10s\" is not an ISO 8601 duration"_s
                                     << u"trigger.yaml:17:5"_s;
        QTest::addRow("schema and semantics on one spot")
            << variant("    attributes:\n      type: dev.knative.foo.bar\n"
                       "      myextension: my-extension-value\n",
                   "    attributes: [type]\n")
            << u"spec.filter.attributes must be a map, not a list"_s << u"trigger.yaml:8:5"_s;
    }

    // The CRD keeps unknown fields under spec and spec.delivery, so they are accepted (with a warning, since
    // Knative's webhook rejects them where it runs).
    void warnedByValidation_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("location");
        QTest::addRow("unknown field under spec")
            << variant("  subscriber:\n", "  subscribr:\n")
            << u"unknown field spec.subscribr: Knative's webhook rejects it"_s << u"trigger.yaml:11:3"_s;
        QTest::addRow("unknown field under delivery")
            << QByteArray(example + "  delivery:\n    retries: 3\n")
            << u"unknown field spec.delivery.retries: Knative's webhook rejects it"_s << u"trigger.yaml:17:5"_s;
    }

    void warnedByValidation()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        QFETCH(QString, location);
        const auto issues = DraftValidator::validateTrigger(yaml, fileName, {}, {});
        const auto match = std::find_if(issues.cbegin(), issues.cend(), [&](const SourceIssue& issue) {
            return issue.message.startsWith(message) && issue.severity == SourceIssue::Severity::Warning;
        });
        QVERIFY2(match != issues.cend(), qPrintable(describe(issues)));
        QCOMPARE(match->location.toString(), location);
    }

    void rejectedByValidation()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        QFETCH(QString, location);
        const auto issues = errorsOf(DraftValidator::validateTrigger(yaml, fileName, {}, {}));
        const auto match = std::find_if(issues.cbegin(), issues.cend(),
            [&](const SourceIssue& issue) { return issue.message.startsWith(message); });
        QVERIFY2(match != issues.cend(), qPrintable(describe(issues)));
        QCOMPARE(match->location.toString(), location);
        const auto atSpot = std::count_if(issues.cbegin(), issues.cend(),
            [&](const SourceIssue& issue) { return issue.location == match->location; });
        QVERIFY2(atSpot == 1, qPrintable(describe(issues)));
    }

    // Every keyword on a schema of its own.
    void keywords_data()
    {
        QTest::addColumn<QByteArray>("specSchema");
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<QString>("message"); // empty: accepted

        const QByteArray policy = R"({"type": "object", "properties": {"policy": {"type": "string",
            "enum": ["linear", "exponential"]}}})";
        QTest::addRow("enum ok") << policy << QByteArray("policy: linear") << QString();
        QTest::addRow("enum") << policy << QByteArray("policy: random")
                              << u"spec.policy must be one of \"linear\", \"exponential\", not \"random\""_s;
        const QByteArray name = R"({"type": "object", "properties": {"name": {"type": "string",
            "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 4}}})";
        QTest::addRow("pattern ok") << name << QByteArray("name: abc") << QString();
        QTest::addRow("pattern") << name << QByteArray("name: aB")
                                 << u"spec.name \"aB\" must match the pattern ^[a-z]+$"_s;
        QTest::addRow("minLength") << name << QByteArray("name: a") << u"spec.name must be at least 2 characters"_s;
        QTest::addRow("maxLength") << name << QByteArray("name: abcde") << u"spec.name must be at most 4 characters"_s;
        const QByteArray replicas = R"({"type": "object", "properties": {"replicas": {"type": "integer",
            "minimum": 1, "maximum": 10}, "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true}}})";
        QTest::addRow("range ok") << replicas << QByteArray("{replicas: 10, ratio: 0.5}") << QString();
        QTest::addRow("minimum") << replicas << QByteArray("replicas: 0")
                                 << u"spec.replicas must be at least 1, not 0"_s;
        QTest::addRow("maximum") << replicas << QByteArray("replicas: 11")
                                 << u"spec.replicas must be at most 10, not 11"_s;
        QTest::addRow("exclusive minimum")
            << replicas << QByteArray("ratio: 0") << u"spec.ratio must be greater than 0, not 0"_s;
        QTest::addRow("number not a boolean")
            << replicas << QByteArray("ratio: true") << u"spec.ratio must be a number, not a boolean (true)"_s;
        const QByteArray port = R"({"type": "object", "properties": {"port": {"x-kubernetes-int-or-string": true}}})";
        QTest::addRow("int-or-string: integer") << port << QByteArray("port: 8080") << QString();
        QTest::addRow("int-or-string: string") << port << QByteArray("port: http") << QString();
        QTest::addRow("int-or-string") << port << QByteArray("port: [1]")
                                       << u"spec.port must be an integer or a string, not a list"_s;
        const QByteArray nullable = R"({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "string", "nullable": true}, "b": {"type": "string"}}})";
        QTest::addRow("nullable") << nullable << QByteArray("a: null") << QString();
        QTest::addRow("required") << nullable << QByteArray("b: x") << u"spec.a is required"_s;
        const QByteArray map = R"({"type": "object", "properties": {"limits": {"type": "object",
            "additionalProperties": {"type": "integer"}, "maxProperties": 2}}})";
        QTest::addRow("map ok") << map << QByteArray("limits: {a: 1, b: 2}") << QString();
        QTest::addRow("map value") << map << QByteArray("limits: {a: x}")
                                   << u"spec.limits.a must be an integer, not a string (\"x\")"_s;
        QTest::addRow("maxProperties") << map << QByteArray("limits: {a: 1, b: 2, c: 3}")
                                       << u"spec.limits must have at most 2 fields"_s;
        const QByteArray list = R"({"type": "object", "properties": {"tags": {"type": "array", "minItems": 1,
            "items": {"type": "string", "format": "uuid"}}}})";
        QTest::addRow("list ok") << list << QByteArray("tags: [4a0ec6a2-3c3c-4f6b-9d0e-0d7f1f6c2b1a]") << QString();
        QTest::addRow("minItems") << list << QByteArray("tags: []") << u"spec.tags must have at least 1 items"_s;
        QTest::addRow("format uuid") << list << QByteArray("tags: [x]") << u"spec.tags[0] \"x\" must be a UUID"_s;
        const QByteArray preserve = R"({"type": "object", "properties": {"free": {"type": "object",
            "x-kubernetes-preserve-unknown-fields": true, "properties": {"n": {"type": "integer"}}}}})";
        QTest::addRow("preserved fields") << preserve << QByteArray("free: {anything: {deep: [1]}, n: 1}") << QString();
        QTest::addRow("known field under preserve")
            << preserve << QByteArray("free: {n: x}") << u"spec.free.n must be an integer"_s;
        QTest::addRow("unknown field") << preserve << QByteArray("other: 1") << u"unknown field spec.other"_s;
        const QByteArray embedded = R"({"type": "object", "properties": {"template": {"type": "object",
            "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object",
            "x-kubernetes-preserve-unknown-fields": true}}}}})";
        QTest::addRow("embedded resource") << embedded
                                           << QByteArray("template: {apiVersion: v1, kind: Pod, metadata: {name: p}, "
                                                         "spec: {x: 1}}")
                                           << QString();
        QTest::addRow("embedded metadata") << embedded << QByteArray("template: {metadata: {nme: p}}")
                                           << u"unknown field spec.template.metadata.nme"_s;
    }

    void keywords()
    {
        QFETCH(QByteArray, specSchema);
        QFETCH(QByteArray, spec);
        QFETCH(QString, message);
        QString error;
        const auto schema = CrdSchema::fromCrd(crdWithSpec(specSchema), &error);
        QVERIFY2(!schema.isNull(), qPrintable(error));
        const QByteArray body = spec.startsWith('{') ? spec : '{' + spec + '}';
        const QByteArray yaml = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: " + body + "\n";
        const auto issues = schema.validateYaml(yaml, fileName);
        if (message.isEmpty()) {
            QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
            return;
        }
        QVERIFY2(issues.size() == 1 && issues.first().message.startsWith(message), qPrintable(describe(issues)));
        QCOMPARE(issues.first().location.line, 4);
    }

    void versions()
    {
        const QByteArray crd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget}
  versions:
    - name: v1alpha1
      served: true
      storage: false
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {a: {type: string}}}}}}
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {b: {type: string}}}}}}
    - name: v2
      served: false
      storage: false
      schema: {openAPIV3Schema: {type: object}}
)";
        QString error;
        QCOMPARE(CrdSchema::fromCrd(crd, &error).version(), u"v1"_s);
        QCOMPARE(CrdSchema::fromCrd(crd, &error, u"v1alpha1"_s).version(), u"v1alpha1"_s);
        const auto alpha = CrdSchema::fromCrd(crd, &error, u"v1alpha1"_s);
        QCOMPARE(alpha.validateYaml("spec: {a: x}\n", fileName).size(), 0);
        QCOMPARE(alpha.validateYaml("spec: {b: x}\n", fileName).size(), 1);
        QVERIFY(CrdSchema::fromCrd(crd, &error, u"v9"_s).isNull());
        QVERIFY2(error.contains(u"no version v9"_s), qPrintable(error));
        // A second document before it does not matter.
        QCOMPARE(CrdSchema::fromCrd("apiVersion: v1\nkind: ConfigMap\n---\n" + crd, &error).kind(), u"Widget"_s);
    }

    void notACrd_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::addRow("empty") << QByteArray() << u"no CustomResourceDefinition"_s;
        QTest::addRow("a ConfigMap") << QByteArray("apiVersion: v1\nkind: ConfigMap\n")
                                     << u"no CustomResourceDefinition"_s;
        QTest::addRow("JSON not a CRD") << QByteArray(R"({"kind": "Pod"})") << u"not a CustomResourceDefinition"_s;
        QTest::addRow("no schema") << QByteArray(R"({"kind": "CustomResourceDefinition", "metadata": {"name": "a.b"},
            "spec": {"versions": [{"name": "v1", "served": true, "storage": true}]}})")
                                   << u"a.b has no openAPIV3Schema for version v1"_s;
        QTest::addRow("syntax error") << QByteArray("kind: [\n") << u"YAML syntax error"_s;
    }

    void notACrd()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        QString actual;
        QVERIFY(CrdSchema::fromCrd(text, &actual).isNull());
        QVERIFY2(actual.contains(error), qPrintable(actual));
        QVERIFY(CrdSchema().validateYaml(example, fileName).isEmpty());
    }

    // The cluster returns the CRD as JSON; it must give the same answers as the shipped YAML.
    void crdFromCluster()
    {
        QFile file(u":/schemas/trigger-crd.yaml"_s);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto documents = ManifestParser::loadYaml(file.readAll(), u"crd"_s);
        QCOMPARE(documents.documents.size(), 1);
        const auto json = QJsonDocument(documents.documents.first().value.toObject()).toJson();
        QString error;
        const auto schema = CrdSchema::fromCrd(json, &error);
        QVERIFY2(!schema.isNull(), qPrintable(error));
        QCOMPARE(schema.crdName(), u"triggers.eventing.knative.dev"_s);
        const auto broken = QByteArray(example + "  delivery:\n    retry: three\n");
        QCOMPARE(schema.validateYaml(broken, fileName), CrdSchema::shippedTrigger().validateYaml(broken, fileName));
        const auto issues = DraftValidator::validateTrigger(broken, fileName, {}, {}, &schema);
        QCOMPARE(errorsOf(issues).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCrdSchema)
#include "tst_crdschema.moc"
