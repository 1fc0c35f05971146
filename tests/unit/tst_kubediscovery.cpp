// SPDX-License-Identifier: Apache-2.0
#include "kubediscovery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject json(const char* text) { return QJsonDocument::fromJson(QByteArray(text)).object(); }

// GET /api and /apis of a cluster with Knative Eventing and Serving, the Kafka extensions, RabbitMQ's broker and
// KEDA, trimmed to what matters.
const char* const coreVersions = R"({"kind":"APIVersions","versions":["v1"]})";
const char* const fullGroups = R"({"kind":"APIGroupList","apiVersion":"v1","groups":[
 {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],
  "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
 {"name":"eventing.knative.dev","versions":[{"groupVersion":"eventing.knative.dev/v1","version":"v1"},
  {"groupVersion":"eventing.knative.dev/v1alpha1","version":"v1alpha1"}],
  "preferredVersion":{"groupVersion":"eventing.knative.dev/v1","version":"v1"}},
 {"name":"messaging.knative.dev","versions":[{"groupVersion":"messaging.knative.dev/v1","version":"v1"},
  {"groupVersion":"messaging.knative.dev/v1beta1","version":"v1beta1"}],
  "preferredVersion":{"groupVersion":"messaging.knative.dev/v1","version":"v1"}},
 {"name":"flows.knative.dev","versions":[{"groupVersion":"flows.knative.dev/v1","version":"v1"}],
  "preferredVersion":{"groupVersion":"flows.knative.dev/v1","version":"v1"}},
 {"name":"sources.knative.dev","versions":[{"groupVersion":"sources.knative.dev/v1","version":"v1"},
  {"groupVersion":"sources.knative.dev/v1beta1","version":"v1beta1"}],
  "preferredVersion":{"groupVersion":"sources.knative.dev/v1","version":"v1"}},
 {"name":"serving.knative.dev","versions":[{"groupVersion":"serving.knative.dev/v1","version":"v1"}],
  "preferredVersion":{"groupVersion":"serving.knative.dev/v1","version":"v1"}},
 {"name":"autoscaling.internal.knative.dev","versions":[
  {"groupVersion":"autoscaling.internal.knative.dev/v1alpha1","version":"v1alpha1"}],
  "preferredVersion":{"groupVersion":"autoscaling.internal.knative.dev/v1alpha1","version":"v1alpha1"}},
 {"name":"internal.kafka.eventing.knative.dev","versions":[
  {"groupVersion":"internal.kafka.eventing.knative.dev/v1alpha1","version":"v1alpha1"}],
  "preferredVersion":{"groupVersion":"internal.kafka.eventing.knative.dev/v1alpha1","version":"v1alpha1"}},
 {"name":"rabbitmq.com","versions":[{"groupVersion":"rabbitmq.com/v1beta1","version":"v1beta1"}],
  "preferredVersion":{"groupVersion":"rabbitmq.com/v1beta1","version":"v1beta1"}},
 {"name":"keda.sh","versions":[{"groupVersion":"keda.sh/v1alpha1","version":"v1alpha1"}],
  "preferredVersion":{"groupVersion":"keda.sh/v1alpha1","version":"v1alpha1"}}]})";

QJsonObject resourceList(const QString& groupVersion, const QList<std::pair<QString, QString>>& resources)
{
    QJsonArray array;
    for (const auto& [name, kind] : resources) {
        array.append(QJsonObject { { u"name"_s, name }, { u"kind"_s, kind }, { u"namespaced"_s, true } });
        array.append(QJsonObject {
            { u"name"_s, QString(name + u"/status"_s) }, { u"kind"_s, kind }, { u"namespaced"_s, true } });
    }
    return { { u"kind"_s, u"APIResourceList"_s }, { u"groupVersion"_s, groupVersion }, { u"resources"_s, array } };
}

QHash<QString, QJsonObject> fullResourceLists()
{
    return {
        { u"eventing.knative.dev/v1"_s,
            resourceList(
                u"eventing.knative.dev/v1"_s, { { u"brokers"_s, u"Broker"_s }, { u"triggers"_s, u"Trigger"_s } }) },
        { u"eventing.knative.dev/v1alpha1"_s,
            resourceList(u"eventing.knative.dev/v1alpha1"_s,
                { { u"rabbitmqbrokerconfigs"_s, u"RabbitmqBrokerConfig"_s }, { u"kafkasinks"_s, u"KafkaSink"_s } }) },
        { u"messaging.knative.dev/v1"_s,
            resourceList(u"messaging.knative.dev/v1"_s,
                { { u"channels"_s, u"Channel"_s }, { u"inmemorychannels"_s, u"InMemoryChannel"_s },
                    { u"subscriptions"_s, u"Subscription"_s } }) },
        { u"messaging.knative.dev/v1beta1"_s,
            resourceList(u"messaging.knative.dev/v1beta1"_s, { { u"kafkachannels"_s, u"KafkaChannel"_s } }) },
        { u"flows.knative.dev/v1"_s,
            resourceList(
                u"flows.knative.dev/v1"_s, { { u"sequences"_s, u"Sequence"_s }, { u"parallels"_s, u"Parallel"_s } }) },
        { u"sources.knative.dev/v1"_s,
            resourceList(u"sources.knative.dev/v1"_s,
                { { u"pingsources"_s, u"PingSource"_s }, { u"apiserversources"_s, u"ApiServerSource"_s },
                    { u"containersources"_s, u"ContainerSource"_s }, { u"sinkbindings"_s, u"SinkBinding"_s } }) },
        // Older Kafka releases serve KafkaSource only at v1beta1.
        { u"sources.knative.dev/v1beta1"_s,
            resourceList(u"sources.knative.dev/v1beta1"_s,
                { { u"kafkasources"_s, u"KafkaSource"_s }, { u"pingsources"_s, u"PingSource"_s } }) },
        { u"serving.knative.dev/v1"_s,
            resourceList(
                u"serving.knative.dev/v1"_s, { { u"services"_s, u"Service"_s }, { u"routes"_s, u"Route"_s } }) },
        { u"autoscaling.internal.knative.dev/v1alpha1"_s,
            resourceList(u"autoscaling.internal.knative.dev/v1alpha1"_s,
                { { u"podautoscalers"_s, u"PodAutoscaler"_s }, { u"metrics"_s, u"Metric"_s } }) },
    };
}

} // namespace

class TestKubeDiscovery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsOnlyKnativeGroups()
    {
        const QStringList needed = KubeDiscovery::resourceListsNeeded(json(fullGroups));
        QCOMPARE(needed,
            QStringList({ u"eventing.knative.dev/v1"_s, u"eventing.knative.dev/v1alpha1"_s,
                u"messaging.knative.dev/v1"_s, u"messaging.knative.dev/v1beta1"_s, u"flows.knative.dev/v1"_s,
                u"sources.knative.dev/v1"_s, u"sources.knative.dev/v1beta1"_s, u"serving.knative.dev/v1"_s,
                u"autoscaling.internal.knative.dev/v1alpha1"_s }));
    }

    void apis_data()
    {
        QTest::addColumn<KubeDiscovery::Api>("api");
        QTest::addColumn<QString>("apiVersion");
        QTest::addRow("eventing") << KubeDiscovery::Api::Eventing << u"eventing.knative.dev/v1"_s;
        QTest::addRow("messaging") << KubeDiscovery::Api::Messaging << u"messaging.knative.dev/v1"_s;
        QTest::addRow("flows") << KubeDiscovery::Api::Flows << u"flows.knative.dev/v1"_s;
        QTest::addRow("sources") << KubeDiscovery::Api::Sources << u"sources.knative.dev/v1"_s;
        QTest::addRow("serving") << KubeDiscovery::Api::Serving << u"serving.knative.dev/v1"_s;
        QTest::addRow("autoscaling") << KubeDiscovery::Api::Autoscaling
                                     << u"autoscaling.internal.knative.dev/v1alpha1"_s;
        QTest::addRow("kafka broker") << KubeDiscovery::Api::KafkaBroker
                                      << u"internal.kafka.eventing.knative.dev/v1alpha1"_s;
        QTest::addRow("kafka channel") << KubeDiscovery::Api::KafkaChannel << u"messaging.knative.dev/v1beta1"_s;
        QTest::addRow("kafka source") << KubeDiscovery::Api::KafkaSource << u"sources.knative.dev/v1beta1"_s;
        QTest::addRow("rabbitmq broker") << KubeDiscovery::Api::RabbitmqBroker << u"eventing.knative.dev/v1alpha1"_s;
        QTest::addRow("rabbitmq") << KubeDiscovery::Api::Rabbitmq << u"rabbitmq.com/v1beta1"_s;
        QTest::addRow("keda") << KubeDiscovery::Api::Keda << u"keda.sh/v1alpha1"_s;
    }

    void apis()
    {
        QFETCH(KubeDiscovery::Api, api);
        QFETCH(QString, apiVersion);
        const auto discovery = KubeDiscovery::parse(json(coreVersions), json(fullGroups), fullResourceLists());
        QVERIFY(discovery.isInstalled(api));
        QCOMPARE(discovery.apiVersion(api), apiVersion);
        QVERIFY(discovery.eventingInstalled());
        QVERIFY(discovery.eventingMessage().isEmpty());
    }

    void resources()
    {
        const auto discovery = KubeDiscovery::parse(json(coreVersions), json(fullGroups), fullResourceLists());
        QCOMPARE(discovery.resources.size(), KubeDiscovery::watchedKinds().size());
        const auto trigger = discovery.resource(ObjectKind::Trigger);
        QVERIFY(trigger);
        QCOMPARE(trigger->path(u"ns"_s), u"/apis/eventing.knative.dev/v1/namespaces/ns/triggers"_s);
        QCOMPARE(trigger->kind, u"Trigger"_s);
        // The preferred version wins when it has the resource; KafkaSource falls back to v1beta1.
        QCOMPARE(discovery.resource(ObjectKind::PingSource)->version, u"v1"_s);
        QCOMPARE(discovery.resource(ObjectKind::KafkaSource)->version, u"v1beta1"_s);
        QCOMPARE(discovery.resource(ObjectKind::KnativeService)->apiVersion(), u"serving.knative.dev/v1"_s);
        QCOMPARE(discovery.resource(ObjectKind::Service)->apiVersion(), u"v1"_s);
        QCOMPARE(discovery.resource(ObjectKind::Service)->path(u"ns"_s), u"/api/v1/namespaces/ns/services"_s);
        QCOMPARE(discovery.resource(ObjectKind::Deployment)->apiVersion(), u"apps/v1"_s);
        QCOMPARE(discovery.preferredVersions.value(u"keda.sh"_s), u"v1alpha1"_s);
        QCOMPARE(discovery.summary().first(), u"Knative Eventing: eventing.knative.dev/v1"_s);
    }

    // Serving alone: the "no eventing" banner, and only what is there is watched.
    void withoutEventing()
    {
        const char* const groups = R"({"kind":"APIGroupList","groups":[
         {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"version":"v1"}},
         {"name":"serving.knative.dev","versions":[{"groupVersion":"serving.knative.dev/v1","version":"v1"}],
          "preferredVersion":{"groupVersion":"serving.knative.dev/v1","version":"v1"}}]})";
        const QHash<QString, QJsonObject> lists { { u"serving.knative.dev/v1"_s,
            resourceList(u"serving.knative.dev/v1"_s, { { u"services"_s, u"Service"_s } }) } };
        const auto discovery = KubeDiscovery::parse(json(coreVersions), json(groups), lists);
        QVERIFY(!discovery.eventingInstalled());
        QVERIFY(discovery.eventingMessage().contains(u"Knative Eventing is not installed"_s));
        QVERIFY(discovery.eventingMessage().contains(u"eventing.knative.dev"_s));
        QVERIFY(discovery.isInstalled(KubeDiscovery::Api::Serving));
        QVERIFY(!discovery.isInstalled(KubeDiscovery::Api::Keda));
        QVERIFY(!discovery.resource(ObjectKind::Trigger));
        QCOMPARE(discovery.resources.keys(),
            QList<ObjectKind>({ ObjectKind::KnativeService, ObjectKind::Service, ObjectKind::Deployment }));
        QVERIFY(discovery.summary().contains(u"Knative Eventing: not installed"_s));
    }

    // The group is there (a KafkaSink alone installs eventing.knative.dev), but brokers and triggers are not.
    void eventingGroupWithoutBrokers()
    {
        const char* const groups = R"({"kind":"APIGroupList","groups":[
         {"name":"eventing.knative.dev","versions":[{"groupVersion":"eventing.knative.dev/v1alpha1",
          "version":"v1alpha1"}],"preferredVersion":{"version":"v1alpha1"}}]})";
        const QHash<QString, QJsonObject> lists { { u"eventing.knative.dev/v1alpha1"_s,
            resourceList(u"eventing.knative.dev/v1alpha1"_s, { { u"kafkasinks"_s, u"KafkaSink"_s } }) } };
        const auto discovery = KubeDiscovery::parse(json(coreVersions), json(groups), lists);
        QVERIFY(!discovery.eventingInstalled());
        QVERIFY(discovery.eventingMessage().contains(u"without brokers and triggers"_s));
        QCOMPARE(discovery.resources.keys(), QList<ObjectKind>({ ObjectKind::Service }));
    }

    void emptyAnswers()
    {
        const auto discovery = KubeDiscovery::parse({}, {}, {});
        QVERIFY(discovery.resources.isEmpty());
        QVERIFY(discovery.apis.isEmpty());
        QVERIFY(!discovery.eventingMessage().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestKubeDiscovery)
#include "tst_kubediscovery.moc"
