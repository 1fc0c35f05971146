// SPDX-License-Identifier: Apache-2.0
#include "manifestparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const auto fileName = u"mesh.yaml"_s;

// The editor's reference Trigger; it must parse exactly like this.
const QByteArray triggerExample = R"(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: billing-process-trigger
  namespace: serverless-apps
spec:
  broker: default-event-broker
  filter:
    attributes:
      type: com.shivamitcs.billing.started
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: billing-worker-service
)";

const QByteArray allKinds = R"(# One object of each kind Meshscope knows.
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
  namespace: shop
  uid: 7d9b6c1e-0000-4000-8000-000000000001
  resourceVersion: "4711"
  generation: 3
  labels:
    team: payments
  annotations:
    eventing.knative.dev/broker.class: Kafka
spec:
  config:
    apiVersion: v1
    kind: ConfigMap
    name: kafka-broker-config
    namespace: knative-eventing
  delivery:
    retry: 5
    backoffPolicy: exponential
    backoffDelay: PT0.2S
    deadLetterSink:
      ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: dead-letters
status:
  observedGeneration: 3
  address:
    url: http://kafka-broker-ingress.knative-eventing.svc.cluster.local/shop/default
  annotations:
    default.topic: knative-broker-shop-default
  conditions:
    - type: Ready
      status: "True"
      lastTransitionTime: "2026-01-01T10:00:00Z"
    - type: TopicReady
      status: "False"
      reason: TopicNotFound
      message: topic missing
      severity: Warning
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: orders
  namespace: shop
spec:
  brokerRef:
    apiVersion: eventing.knative.dev/v1
    kind: Broker
    name: default
  filters:
    - exact:
        type: order.created
    - prefix:
        source: /shop
    - suffix:
        subject: .pdf
    - cesql: "source LIKE '%shop%'"
    - not:
        exact:
          type: order.deleted
    - any:
        - exact:
            region: eu
        - all:
            - exact:
                region: us
            - suffix:
                type: .v2
  subscriber:
    uri: http://orders.shop.svc.cluster.local/events
  delivery:
    timeout: PT5S
status:
  subscriberUri: http://orders.shop.svc.cluster.local/events
---
apiVersion: messaging.knative.dev/v1
kind: InMemoryChannel
metadata:
  name: audit
  namespace: shop
status:
  address:
    url: http://audit-kn-channel.shop.svc.cluster.local
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata:
  name: audit-sub
  namespace: shop
spec:
  channel:
    apiVersion: messaging.knative.dev/v1
    kind: InMemoryChannel
    name: audit
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: auditor
      namespace: compliance
    uri: /ingest
  reply:
    ref:
      apiVersion: eventing.knative.dev/v1
      kind: Broker
      name: default
---
apiVersion: flows.knative.dev/v1
kind: Sequence
metadata:
  name: pipeline
  namespace: shop
spec:
  steps:
    - ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: enrich
    - uri: http://score.shop.svc.cluster.local
  reply:
    ref:
      apiVersion: eventing.knative.dev/v1
      kind: Broker
      name: default
---
apiVersion: flows.knative.dev/v1
kind: Parallel
metadata:
  name: fanout
  namespace: shop
spec:
  branches:
    - filter:
        uri: http://is-big.shop.svc.cluster.local
      subscriber:
        ref:
          apiVersion: serving.knative.dev/v1
          kind: Service
          name: big-orders
    - subscriber:
        uri: http://all.shop.svc.cluster.local
      reply:
        uri: http://replies.shop.svc.cluster.local
  reply:
    uri: http://done.shop.svc.cluster.local
---
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata:
  name: heartbeat
  namespace: shop
spec:
  schedule: "*/1 * * * *"
  data: '{"beat": true}'
  sink:
    ref:
      apiVersion: eventing.knative.dev/v1
      kind: Broker
      name: default
---
apiVersion: sources.knative.dev/v1beta1
kind: KafkaSource
metadata:
  name: payments-in
  namespace: shop
spec:
  bootstrapServers: [my-cluster-kafka-bootstrap.kafka:9092]
  topics:
    - payments
    - refunds
  sink:
    uri: http://ingest.shop.svc.cluster.local
---
apiVersion: sources.knative.dev/v1
kind: SinkBinding
metadata:
  name: bind
  namespace: shop
spec:
  subject:
    apiVersion: apps/v1
    kind: Deployment
    name: emitter
  sink:
    ref:
      apiVersion: eventing.knative.dev/v1
      kind: Broker
      name: default
---
apiVersion: sources.knative.dev/v1
kind: RabbitmqSource
metadata:
  name: rabbit
  namespace: shop
spec:
  sink:
    uri: http://rabbit-sink.shop.svc.cluster.local
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: auditor
  namespace: compliance
status:
  url: https://auditor.compliance.example.com
  address:
    url: http://auditor.compliance.svc.cluster.local
  conditions:
    - type: Ready
      status: "True"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: emitter
  namespace: shop
spec:
  replicas: 3
status:
  replicas: 3
  readyReplicas: 2
  conditions:
    - type: Available
      status: "False"
---
apiVersion: autoscaling.internal.knative.dev/v1alpha1
kind: PodAutoscaler
metadata:
  name: auditor-00001
  namespace: compliance
status:
  desiredScale: 4
  actualScale: 1
---
apiVersion: v1
kind: Service
metadata:
  name: plain
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: gadget
  namespace: shop
spec:
  size: 10
  color: "10"
  nested:
    list: [1, two, {three: 3}]
)";

const KnativeObject* find(const ManifestParser::ParseResult& result, const QString& kind, const QString& name)
{
    for (const auto& object : result.objects) {
        if (object->key.kind == kind && object->key.name == name)
            return object.get();
    }
    return nullptr;
}

KReference ref(const QString& apiVersion, const QString& kind, const QString& name, const QString& ns = {})
{
    return KReference { apiVersion, kind, name, ns };
}

QStringList issueTexts(const QList<SourceIssue>& issues)
{
    QStringList texts;
    for (const auto& issue : issues)
        texts.append(issue.toString());
    return texts;
}

QByteArray compactJson(const QJsonValue& value)
{
    return QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
}

} // namespace

class TestManifestParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void triggerExample()
    {
        const auto result = ManifestParser::parseYaml(::triggerExample, fileName);
        QVERIFY2(result.issues.isEmpty(), qPrintable(issueTexts(result.issues).join(u'\n')));
        QCOMPARE(result.objects.size(), 1);
        const auto& trigger = *result.objects.constFirst();
        QCOMPARE(trigger.kind, ObjectKind::Trigger);
        QCOMPARE(trigger.key.toString(), u"eventing.knative.dev/Trigger/serverless-apps/billing-process-trigger"_s);
        QCOMPARE(trigger.apiVersion, u"eventing.knative.dev/v1"_s);
        QCOMPARE(trigger.broker, u"default-event-broker"_s);
        QVERIFY(trigger.brokerRef.isEmpty());
        QVERIFY(trigger.hasFilter);
        QCOMPARE(
            trigger.filterAttributes, (QMap<QString, QString> { { u"type"_s, u"com.shivamitcs.billing.started"_s } }));
        QVERIFY(trigger.filters.isEmpty());
        QCOMPARE(trigger.subscriber.ref, ref(u"serving.knative.dev/v1"_s, u"Service"_s, u"billing-worker-service"_s));
        QVERIFY(trigger.subscriber.uri.isEmpty());
        QCOMPARE(trigger.subscriber.ref.key(trigger.key.ns).toString(),
            u"serving.knative.dev/Service/serverless-apps/billing-worker-service"_s);
        QVERIFY(trigger.delivery.isEmpty());
        QCOMPARE(trigger.location.toString(), u"mesh.yaml:1:1"_s);
        QCOMPARE(trigger.origin, fileName);
        QCOMPARE(trigger.raw.value("spec"_L1).toObject().value("broker"_L1).toString(), u"default-event-broker"_s);
    }

    void allKinds()
    {
        const auto result = ManifestParser::parseYaml(::allKinds, fileName);
        QVERIFY2(result.issues.isEmpty(), qPrintable(issueTexts(result.issues).join(u'\n')));
        QCOMPARE(result.objects.size(), 15);

        const auto* broker = find(result, u"Broker"_s, u"default"_s);
        QVERIFY(broker);
        QCOMPARE(broker->kind, ObjectKind::Broker);
        QCOMPARE(broker->location.toString(), u"mesh.yaml:2:1"_s);
        QCOMPARE(broker->uid, u"7d9b6c1e-0000-4000-8000-000000000001"_s);
        QCOMPARE(broker->resourceVersion, u"4711"_s);
        QCOMPARE(broker->generation, 3);
        QCOMPARE(broker->labels.value(u"team"_s), u"payments"_s);
        QCOMPARE(broker->brokerClass, u"Kafka"_s);
        QCOMPARE(broker->config, ref(u"v1"_s, u"ConfigMap"_s, u"kafka-broker-config"_s, u"knative-eventing"_s));
        QCOMPARE(broker->delivery.retry, 5);
        QCOMPARE(broker->delivery.backoffPolicy, u"exponential"_s);
        QCOMPARE(broker->delivery.backoffDelay, u"PT0.2S"_s);
        QCOMPARE(broker->delivery.deadLetterSink.ref.name, u"dead-letters"_s);
        QCOMPARE(broker->observedGeneration, 3);
        QCOMPARE(broker->addressUrl, u"http://kafka-broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
        QCOMPARE(broker->statusAnnotations.value(u"default.topic"_s), u"knative-broker-shop-default"_s);
        QCOMPARE(broker->conditions.size(), 2);
        QCOMPARE(broker->conditions.at(1),
            (Condition { u"TopicReady"_s, u"False"_s, u"TopicNotFound"_s, u"topic missing"_s, u"Warning"_s, {} }));
        QCOMPARE(broker->readiness(), Readiness::Ready);

        const auto* trigger = find(result, u"Trigger"_s, u"orders"_s);
        QVERIFY(trigger);
        QCOMPARE(trigger->broker, u"default"_s);
        QCOMPARE(trigger->brokerRef, ref(u"eventing.knative.dev/v1"_s, u"Broker"_s, u"default"_s));
        QVERIFY(!trigger->hasFilter);
        QCOMPARE(trigger->subscriber.uri, u"http://orders.shop.svc.cluster.local/events"_s);
        QCOMPARE(trigger->subscriberUri, u"http://orders.shop.svc.cluster.local/events"_s);
        QCOMPARE(trigger->delivery.timeout, u"PT5S"_s);
        using Dialect = SubscriptionsApiFilter::Dialect;
        const auto& filters = trigger->filters;
        QCOMPARE(filters.size(), 6);
        QCOMPARE(filters.at(0).dialect, Dialect::Exact);
        QCOMPARE(filters.at(0).attributes.value(u"type"_s), u"order.created"_s);
        QCOMPARE(filters.at(1).dialect, Dialect::Prefix);
        QCOMPARE(filters.at(1).attributes.value(u"source"_s), u"/shop"_s);
        QCOMPARE(filters.at(2).dialect, Dialect::Suffix);
        QCOMPARE(filters.at(3).dialect, Dialect::Cesql);
        QCOMPARE(filters.at(3).expression, u"source LIKE '%shop%'"_s);
        QCOMPARE(filters.at(4).dialect, Dialect::Not);
        QCOMPARE(filters.at(4).children.size(), 1);
        QCOMPARE(filters.at(4).children.at(0).attributes.value(u"type"_s), u"order.deleted"_s);
        QCOMPARE(filters.at(5).dialect, Dialect::Any);
        QCOMPARE(filters.at(5).children.size(), 2);
        QCOMPARE(filters.at(5).children.at(1).dialect, Dialect::All);
        QCOMPARE(filters.at(5).children.at(1).children.size(), 2);
        QCOMPARE(filters.at(5).children.at(1).children.at(1).dialect, Dialect::Suffix);
        QCOMPARE(filters.at(5).children.at(1).children.at(1).attributes.value(u"type"_s), u".v2"_s);

        const auto* channel = find(result, u"InMemoryChannel"_s, u"audit"_s);
        QVERIFY(channel);
        QCOMPARE(channel->kind, ObjectKind::InMemoryChannel);
        QCOMPARE(channel->addressUrl, u"http://audit-kn-channel.shop.svc.cluster.local"_s);

        const auto* subscription = find(result, u"Subscription"_s, u"audit-sub"_s);
        QVERIFY(subscription);
        QCOMPARE(subscription->channel, ref(u"messaging.knative.dev/v1"_s, u"InMemoryChannel"_s, u"audit"_s));
        QCOMPARE(subscription->subscriber.ref.ns, u"compliance"_s);
        QCOMPARE(subscription->subscriber.uri, u"/ingest"_s);
        QCOMPARE(subscription->reply.ref.kind, u"Broker"_s);

        const auto* sequence = find(result, u"Sequence"_s, u"pipeline"_s);
        QVERIFY(sequence);
        QCOMPARE(sequence->steps.size(), 2);
        QCOMPARE(sequence->steps.at(0).ref.name, u"enrich"_s);
        QCOMPARE(sequence->steps.at(1).uri, u"http://score.shop.svc.cluster.local"_s);
        QCOMPARE(sequence->reply.ref.name, u"default"_s);

        const auto* parallel = find(result, u"Parallel"_s, u"fanout"_s);
        QVERIFY(parallel);
        QCOMPARE(parallel->branches.size(), 2);
        QCOMPARE(parallel->branches.at(0).filter.uri, u"http://is-big.shop.svc.cluster.local"_s);
        QCOMPARE(parallel->branches.at(0).subscriber.ref.name, u"big-orders"_s);
        QVERIFY(parallel->branches.at(0).reply.isEmpty());
        QCOMPARE(parallel->branches.at(1).reply.uri, u"http://replies.shop.svc.cluster.local"_s);
        QCOMPARE(parallel->reply.uri, u"http://done.shop.svc.cluster.local"_s);

        const auto* ping = find(result, u"PingSource"_s, u"heartbeat"_s);
        QVERIFY(ping);
        QCOMPARE(ping->schedule, u"*/1 * * * *"_s);
        QCOMPARE(ping->sink.ref.kind, u"Broker"_s);

        const auto* kafka = find(result, u"KafkaSource"_s, u"payments-in"_s);
        QVERIFY(kafka);
        QCOMPARE(kafka->kind, ObjectKind::KafkaSource);
        QCOMPARE(kafka->kafkaTopics, (QStringList { u"payments"_s, u"refunds"_s }));
        QCOMPARE(kafka->sink.uri, u"http://ingest.shop.svc.cluster.local"_s);

        const auto* binding = find(result, u"SinkBinding"_s, u"bind"_s);
        QVERIFY(binding);
        QCOMPARE(binding->sink.ref.name, u"default"_s);

        const auto* rabbit = find(result, u"RabbitmqSource"_s, u"rabbit"_s);
        QVERIFY(rabbit);
        QCOMPARE(rabbit->kind, ObjectKind::Unknown);
        QCOMPARE(rabbit->sink.uri, u"http://rabbit-sink.shop.svc.cluster.local"_s);

        const auto* ksvc = find(result, u"Service"_s, u"auditor"_s);
        QVERIFY(ksvc);
        QCOMPARE(ksvc->kind, ObjectKind::KnativeService);
        QCOMPARE(ksvc->addressUrl, u"http://auditor.compliance.svc.cluster.local"_s);
        QCOMPARE(ksvc->readiness(), Readiness::Ready);

        const auto* deployment = find(result, u"Deployment"_s, u"emitter"_s);
        QVERIFY(deployment);
        QCOMPARE(deployment->replicas, 3);
        QCOMPARE(deployment->readyReplicas, 2);
        QCOMPARE(deployment->readiness(), Readiness::NotReady);

        const auto* pa = find(result, u"PodAutoscaler"_s, u"auditor-00001"_s);
        QVERIFY(pa);
        QCOMPARE(pa->desiredScale, 4);
        QCOMPARE(pa->actualScale, 1);

        const auto* service = find(result, u"Service"_s, u"plain"_s);
        QVERIFY(service);
        QCOMPARE(service->kind, ObjectKind::Service);
        QCOMPARE(service->key.ns, u"default"_s);
        QCOMPARE(service->key.group, QString());
    }

    void unknownFieldsKept()
    {
        const auto result = ManifestParser::parseYaml(::allKinds, fileName);
        const auto* widget = find(result, u"Widget"_s, u"gadget"_s);
        QVERIFY(widget);
        QCOMPARE(widget->kind, ObjectKind::Unknown);
        const auto spec = widget->raw.value("spec"_L1).toObject();
        QCOMPARE(
            compactJson(spec), QByteArray(R"([{"color":"10","nested":{"list":[1,"two",{"three":3}]},"size":10}])"));
        const auto* ping = find(result, u"PingSource"_s, u"heartbeat"_s);
        QCOMPARE(ping->raw.value("spec"_L1).toObject().value("data"_L1).toString(), u"{\"beat\": true}"_s);
    }

    void scalarTypes_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QByteArray>("json");
        QTest::addRow("int") << QByteArray("10") << QByteArray(R"([10])");
        QTest::addRow("negative int") << QByteArray("-5") << QByteArray(R"([-5])");
        QTest::addRow("plus int") << QByteArray("+5") << QByteArray(R"([5])");
        QTest::addRow("leading zero is decimal") << QByteArray("012") << QByteArray(R"([12])");
        QTest::addRow("hex") << QByteArray("0x1F") << QByteArray(R"([31])");
        QTest::addRow("octal") << QByteArray("0o17") << QByteArray(R"([15])");
        QTest::addRow("int64") << QByteArray("9007199254740993") << QByteArray(R"([9007199254740993])");
        QTest::addRow("float") << QByteArray("10.5") << QByteArray(R"([10.5])");
        QTest::addRow("exponent") << QByteArray("1e3") << QByteArray(R"([1000])");
        QTest::addRow("leading dot") << QByteArray(".5") << QByteArray(R"([0.5])");
        QTest::addRow("double-quoted int") << QByteArray(R"("10")") << QByteArray(R"(["10"])");
        QTest::addRow("single-quoted int") << QByteArray("'10'") << QByteArray(R"(["10"])");
        QTest::addRow("str tag") << QByteArray("!!str 10") << QByteArray(R"(["10"])");
        QTest::addRow("int tag on quoted") << QByteArray(R"(!!int "10")") << QByteArray(R"([10])");
        QTest::addRow("true") << QByteArray("true") << QByteArray(R"([true])");
        QTest::addRow("True") << QByteArray("True") << QByteArray(R"([true])");
        QTest::addRow("FALSE") << QByteArray("FALSE") << QByteArray(R"([false])");
        QTest::addRow("quoted true") << QByteArray(R"("true")") << QByteArray(R"(["true"])");
        QTest::addRow("yes is a string in 1.2") << QByteArray("yes") << QByteArray(R"(["yes"])");
        QTest::addRow("null") << QByteArray("null") << QByteArray(R"([null])");
        QTest::addRow("tilde") << QByteArray("~") << QByteArray(R"([null])");
        QTest::addRow("empty") << QByteArray("") << QByteArray(R"([null])");
        QTest::addRow("quoted null") << QByteArray("'null'") << QByteArray(R"(["null"])");
        QTest::addRow("inf stays text") << QByteArray(".inf") << QByteArray(R"([".inf"])");
        QTest::addRow("version") << QByteArray("1.2.3") << QByteArray(R"(["1.2.3"])");
        QTest::addRow("time") << QByteArray("12:30") << QByteArray(R"(["12:30"])");
        QTest::addRow("literal block") << QByteArray("|\n    a\n    b") << QByteArray(R"(["a\nb\n"])");
        QTest::addRow("folded block") << QByteArray(">-\n    10") << QByteArray(R"(["10"])");
        QTest::addRow("flow") << QByteArray("[1, '2', {a: ~}]") << QByteArray(R"([[1,"2",{"a":null}]])");
    }

    void scalarTypes()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QByteArray, json);
        const auto documents = ManifestParser::loadYaml("value: " + yaml + '\n', fileName);
        QVERIFY2(documents.issues.isEmpty(), qPrintable(issueTexts(documents.issues).join(u'\n')));
        QCOMPARE(documents.documents.size(), 1);
        QCOMPARE(compactJson(documents.documents.at(0).value.toObject().value("value"_L1)), json);
    }

    void syntaxErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("location");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("names");

        QTest::addRow("bad indentation") << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                                       "data:\n    a: b\n  c: d\n")
                                         << u"mesh.yaml:7:3"_s << u"end of map not found"_s << QStringList();
        QTest::addRow("map value in a scalar") << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                                             "data:\n  a: b\n   c: d\n")
                                               << u"mesh.yaml:7:5"_s << u"illegal map value"_s << QStringList();
        QTest::addRow("unclosed flow") << QByteArray("a: [1, 2\nb: 3\n") << u"mesh.yaml:2:2"_s
                                       << u"end of sequence flow not found"_s << QStringList();
        QTest::addRow("tab indentation") << QByteArray("a:\n\t- x\n") << u"mesh.yaml:2:2"_s << u"illegal block entry"_s
                                         << QStringList();
        QTest::addRow("undefined alias") << QByteArray("a: *nowhere\n") << u"mesh.yaml:1:4"_s
                                         << u"anchor is not defined"_s << QStringList();
        // The broken document is skipped; the ones around it are still read.
        QTest::addRow("middle document broken")
            << QByteArray("apiVersion: v1\nkind: Service\nmetadata:\n  name: first\n"
                          "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: broken\n   oops: 1\n"
                          "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: third\n")
            << u"mesh.yaml:10:8"_s << u"illegal map value"_s << QStringList { u"first"_s, u"third"_s };
    }

    void syntaxErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, location);
        QFETCH(QString, message);
        QFETCH(QStringList, names);
        const auto result = ManifestParser::parseYaml(yaml, fileName);
        QCOMPARE(result.issues.size(), 1);
        const auto& issue = result.issues.constFirst();
        QCOMPARE(issue.severity, SourceIssue::Severity::Error);
        QCOMPARE(issue.location.toString(), location);
        QVERIFY2(issue.message.contains(message), qPrintable(issue.message));
        QVERIFY(issue.message.startsWith(u"YAML syntax error"_s));
        QStringList parsed;
        for (const auto& object : result.objects)
            parsed.append(object->key.name);
        QCOMPARE(parsed, names);
    }

    void invalidDocuments_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("location");
        QTest::addColumn<QString>("message");

        QTest::addRow("missing name") << QByteArray("apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n")
                                      << u"mesh.yaml:3:1"_s << u"metadata.name is required"_s;
        QTest::addRow("missing metadata") << QByteArray("# comment\napiVersion: v1\nkind: Service\n")
                                          << u"mesh.yaml:2:1"_s << u"metadata.name is required"_s;
        QTest::addRow("missing apiVersion")
            << QByteArray("kind: Service\nmetadata:\n  name: x\n") << u"mesh.yaml:1:1"_s << u"apiVersion is required"_s;
        QTest::addRow("missing kind") << QByteArray("apiVersion: v1\nmetadata:\n  name: x\n") << u"mesh.yaml:1:1"_s
                                      << u"kind is required"_s;
        QTest::addRow("name not a string") << QByteArray("apiVersion: v1\nkind: Service\nmetadata:\n  name: 42\n")
                                           << u"mesh.yaml:4:3"_s << u"metadata.name must be a string, not a number"_s;
        QTest::addRow("not a mapping") << QByteArray("---\n- a\n- b\n") << u"mesh.yaml:2:1"_s
                                       << u"not a Kubernetes object"_s;
        QTest::addRow("scalar document") << QByteArray("hello\n") << u"mesh.yaml:1:1"_s
                                         << u"the document is a string"_s;
        QTest::addRow("label not a string")
            << QByteArray("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n    version: 2\n")
            << u"mesh.yaml:6:5"_s << u"metadata.labels.version must be a string, not a number"_s;
        QTest::addRow("annotation with dots")
            << QByteArray("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n    a.b/c: [1]\n")
            << u"mesh.yaml:6:5"_s << uR"(metadata.annotations["a.b/c"] must be a string, not a list)"_s;
        QTest::addRow("filter attributes not a map")
            << QByteArray("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\nspec:\n"
                          "  broker: b\n  filter:\n    attributes: [type]\n")
            << u"mesh.yaml:8:5"_s << u"spec.filter.attributes must be a map, not a list"_s;
        QTest::addRow("filters with two dialects")
            << QByteArray("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\nspec:\n"
                          "  broker: b\n  filters:\n    - exact:\n        type: a\n"
                          "    - exact:\n        type: a\n      prefix:\n        source: b\n")
            << u"mesh.yaml:10:7"_s << u"spec.filters[1]: multiple dialects found (exact, prefix)"_s;
        QTest::addRow("filters element without dialect")
            << QByteArray("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\nspec:\n"
                          "  broker: b\n  filters:\n    - exatc:\n        type: a\n")
            << u"mesh.yaml:8:7"_s << u"spec.filters[0] sets no dialect"_s;
        QTest::addRow("nested filter with two dialects")
            << QByteArray("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\nspec:\n"
                          "  broker: b\n  filters:\n    - any:\n        - exact: {type: a}\n"
                          "        - {cesql: \"true\", not: {exact: {type: b}}}\n")
            << u"mesh.yaml:10:11"_s << u"spec.filters[0].any[1]: multiple dialects found (not, cesql)"_s;
        QTest::addRow("retry not an integer")
            << QByteArray("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\nspec:\n"
                          "  broker: b\n  delivery:\n    retry: \"3\"\n")
            << u"mesh.yaml:8:5"_s << u"spec.delivery.retry must be an integer, not a string"_s;
        QTest::addRow("recursive alias") << QByteArray("a: &x [1, *x]\n") << u"mesh.yaml:1:11"_s
                                         << u"alias refers to the node that contains it"_s;
        QTest::addRow("complex key") << QByteArray("? [a, b]\n: c\n") << u"mesh.yaml:1:3"_s
                                     << u"only strings are supported as mapping keys"_s;
    }

    void invalidDocuments()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, location);
        QFETCH(QString, message);
        // The bad document must not hide a good one after it.
        const auto good = QByteArray("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: good\n");
        const auto result = ManifestParser::parseYaml(yaml + good, fileName);
        QVERIFY2(result.issues.size() == 1, qPrintable(issueTexts(result.issues).join(u'\n')));
        const auto& issue = result.issues.constFirst();
        QCOMPARE(issue.severity, SourceIssue::Severity::Error);
        QCOMPARE(issue.location.toString(), location);
        QVERIFY2(issue.message.contains(message), qPrintable(issue.message));
        QCOMPARE(result.objects.size(), 1);
        QCOMPARE(result.objects.constFirst()->key.name, u"good"_s);
    }

    void emptyDocuments_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addRow("nothing") << QByteArray();
        QTest::addRow("comments") << QByteArray("# nothing here\n\n");
        QTest::addRow("separators") << QByteArray("---\n---\n# still nothing\n---\n");
        QTest::addRow("end marker") << QByteArray("---\n...\n");
    }

    void emptyDocuments()
    {
        QFETCH(QByteArray, yaml);
        const auto result = ManifestParser::parseYaml(yaml, fileName);
        QVERIFY(result.objects.isEmpty());
        QVERIFY(result.issues.isEmpty());
    }

    void duplicateKeyWarns()
    {
        const auto result
            = ManifestParser::parseYaml("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n", fileName);
        QCOMPARE(result.objects.size(), 1);
        QCOMPARE(result.objects.constFirst()->key.name, u"b"_s);
        QCOMPARE(result.issues.size(), 1);
        QCOMPARE(result.issues.constFirst().severity, SourceIssue::Severity::Warning);
        QCOMPARE(result.issues.constFirst().location.toString(), u"mesh.yaml:5:3"_s);
    }

    void aliases()
    {
        const auto result = ManifestParser::parseYaml("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n"
                                                      "  labels: &labels\n    app: shop\n  annotations: *labels\n",
            fileName);
        QVERIFY(result.issues.isEmpty());
        QCOMPARE(result.objects.constFirst()->annotations.value(u"app"_s), u"shop"_s);
    }

    void aliasBombIsBounded()
    {
        QByteArray yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 10; ++i) {
            const QByteArray previous = "*a" + QByteArray::number(i - 1);
            yaml += 'a' + QByteArray::number(i) + ": &a" + QByteArray::number(i) + " [" + previous;
            for (int j = 1; j < 10; ++j)
                yaml += ", " + previous;
            yaml += "]\n";
        }
        const auto result = ManifestParser::parseYaml(yaml, fileName);
        QCOMPARE(result.issues.size(), 1);
        QVERIFY2(result.issues.constFirst().message.contains(u"too large"_s), qPrintable(result.issues.at(0).message));
    }

    void deepNestingIsBounded()
    {
        const QByteArray yaml = "a: " + QByteArray(1000, '[') + QByteArray(1000, ']') + '\n';
        const auto result = ManifestParser::parseYaml(yaml, fileName);
        QVERIFY(result.objects.isEmpty());
        QCOMPARE(result.issues.size(), 1);
    }

    void listInYaml()
    {
        const auto result = ManifestParser::parseYaml("apiVersion: v1\nkind: List\nitems:\n"
                                                      "  - apiVersion: v1\n    kind: Service\n    metadata:\n"
                                                      "      name: one\n"
                                                      "  - apiVersion: v1\n    kind: Service\n    metadata: {}\n",
            fileName);
        QCOMPARE(result.objects.size(), 1);
        QCOMPARE(result.objects.constFirst()->location.toString(), u"mesh.yaml:4:5"_s);
        QCOMPARE(result.issues.size(), 1);
        QCOMPARE(result.issues.constFirst().location.toString(), u"mesh.yaml:10:5"_s);
        QVERIFY(result.issues.constFirst().message.contains(u"items[1].metadata.name is required"_s));
    }

    void json_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<int>("issueCount");

        const QByteArray one = R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"one","namespace":"a"}})";
        const QByteArray two = R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"two"}})";
        const QByteArray nameless = R"({"apiVersion":"v1","kind":"Service","metadata":{}})";
        QTest::addRow("object") << one << QStringList { u"one"_s } << 0;
        QTest::addRow("List") << QByteArray(R"({"apiVersion":"v1","kind":"List","items":[)" + one + ',' + two + "]}")
                              << QStringList { u"one"_s, u"two"_s } << 0;
        QTest::addRow("TriggerList") << QByteArray(
            R"({"apiVersion":"eventing.knative.dev/v1","kind":"TriggerList","metadata":{},"items":[)" + two + "]}")
                                     << QStringList { u"two"_s } << 0;
        QTest::addRow("array") << QByteArray('[' + one + ',' + nameless + ',' + two + ",42]")
                               << QStringList { u"one"_s, u"two"_s } << 2;
        QTest::addRow("scalar") << QByteArray("42") << QStringList() << 1;
    }

    void json()
    {
        QFETCH(QByteArray, json);
        QFETCH(QStringList, names);
        QFETCH(int, issueCount);
        const auto result = ManifestParser::parseJson(json, u"cluster.json"_s);
        QStringList parsed;
        for (const auto& object : result.objects) {
            parsed.append(object->key.name);
            QCOMPARE(object->origin, u"cluster.json"_s);
        }
        QCOMPARE(parsed, names);
        QCOMPARE(result.issues.size(), issueCount);
    }

    void jsonSyntaxError()
    {
        const auto result
            = ManifestParser::parseJson("{\n  \"apiVersion\": \"v1\",\n  \"kind\" \"Service\"\n}", u"x.json"_s);
        QVERIFY(result.objects.isEmpty());
        QCOMPARE(result.issues.size(), 1);
        QVERIFY(result.issues.constFirst().message.startsWith(u"JSON syntax error"_s));
        QCOMPARE(result.issues.constFirst().location.file, u"x.json"_s);
        QCOMPARE(result.issues.constFirst().location.line, 3);
    }

    void fromJsonIsLenient()
    {
        const auto document = QJsonDocument::fromJson(R"({"apiVersion":"eventing.knative.dev/v1","kind":"Trigger",
            "metadata":{"name":"t","namespace":"n","generation":2},
            "spec":{"broker":"b","filter":{"attributes":["not","a","map"]}},
            "status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True"}]}})");
        const auto object = ManifestParser::fromJson(document.object(), u"minikube"_s);
        QVERIFY(object);
        QCOMPARE(object->broker, u"b"_s);
        QVERIFY(object->filterAttributes.isEmpty());
        QCOMPARE(object->origin, u"minikube"_s);
        QCOMPARE(object->generation, 2);
        QCOMPARE(object->readiness(), Readiness::Unknown); // stale status
        QVERIFY(!ManifestParser::fromJson(QJsonObject { { u"kind"_s, u"Trigger"_s } }, u"minikube"_s));
    }

    void toYamlRoundTrip()
    {
        const auto parsed = ManifestParser::parseYaml(::allKinds, fileName);
        QVERIFY(!parsed.objects.isEmpty());
        for (const auto& object : parsed.objects) {
            const auto yaml = ManifestParser::toYaml(object->raw);
            QVERIFY(yaml.startsWith(u"apiVersion: "_s));
            const auto reparsed = ManifestParser::parseYaml(yaml.toUtf8(), fileName);
            QVERIFY2(reparsed.issues.isEmpty(), qPrintable(yaml));
            QCOMPARE(reparsed.objects.size(), 1);
            QCOMPARE(reparsed.objects.constFirst()->raw, object->raw);
        }
    }

    void toYamlQuotesAmbiguousStrings()
    {
        const QJsonObject object { { u"kind"_s, u"X"_s }, { u"apiVersion"_s, u"v1"_s },
            { u"data"_s,
                QJsonObject { { u"number"_s, u"10"_s }, { u"flag"_s, u"true"_s }, { u"empty"_s, u""_s },
                    { u"nothing"_s, QJsonValue::Null }, { u"script"_s, u"line 1\nline 2\n"_s },
                    { u"list"_s, QJsonArray {} }, { u"real"_s, 0.25 } } } };
        const auto yaml = ManifestParser::toYaml(object);
        QVERIFY2(yaml.startsWith(u"apiVersion: v1\nkind: X\ndata:\n"_s), qPrintable(yaml));
        QVERIFY2(yaml.contains(u"number: \"10\""_s), qPrintable(yaml));
        QVERIFY2(yaml.contains(u"flag: \"true\""_s), qPrintable(yaml));
        QVERIFY2(yaml.contains(u"script: |\n"_s), qPrintable(yaml));
        const auto documents = ManifestParser::loadYaml(yaml.toUtf8(), fileName);
        QCOMPARE(documents.documents.size(), 1);
        QCOMPARE(documents.documents.constFirst().value.toObject(), object);
    }

    void garbageDoesNotCrash_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addRow("binary") << QByteArray("\x00\xff\xfe{[}]:\x01", 9);
        QTest::addRow("lone colon") << QByteArray(":");
        // Makes yaml-cpp 0.7 report empty documents at one position forever.
        QTest::addRow("stuck parser") << QByteArray("{\"\"},");
        QTest::addRow("directive") << QByteArray("%YAML 1.2\n%TAG ! tag:x,2000:\n--- !foo\na: !bar b\n");
        QTest::addRow("bad directive") << QByteArray("%YAML\n---\na: b\n");
        QTest::addRow("anchors everywhere") << QByteArray("&a a: &b b\n*a : *b\n");
        QTest::addRow("null key") << QByteArray("? \n: v\n~: w\n");
        QTest::addRow("unterminated") << QByteArray("a: \"x\n- [\n{");
        QTest::addRow("kind types") << QByteArray("apiVersion: [1]\nkind: {a: b}\nmetadata: 3\nspec: x\nstatus: []\n");
        QTest::addRow("items not objects") << QByteArray("apiVersion: v1\nkind: List\nitems: [1, [2], null]\n");
        QTest::addRow("huge int") << QByteArray("apiVersion: v1\nkind: Deployment\nmetadata: {name: x, generation: "
                                                "99999999999999999999999}\nspec: {replicas: 1e300}\n");
    }

    void garbageDoesNotCrash()
    {
        QFETCH(QByteArray, input);
        const auto yaml = ManifestParser::parseYaml(input, fileName);
        const auto json = ManifestParser::parseJson(input, fileName);
        QVERIFY(!yaml.issues.isEmpty());
        QVERIFY(!json.issues.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestManifestParser)
#include "tst_manifestparser.moc"
