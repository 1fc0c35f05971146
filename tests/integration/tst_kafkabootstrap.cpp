// SPDX-License-Identifier: Apache-2.0
#include "kafkabootstrap.h"
#include "kubebulk.h"
#include "kubeclient.h"
#include "kubeconfig.h"
#include "kubeharness.h"
#include "objectstore.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

KnativeObjectPtr kafkaBroker(const QString& ns, const KReference& config, const QString& statusServers)
{
    auto broker = std::make_shared<KnativeObject>();
    broker->kind = ObjectKind::Broker;
    broker->key = { u"eventing.knative.dev"_s, u"Broker"_s, ns, u"default"_s };
    broker->brokerClass = u"Kafka"_s;
    broker->config = config;
    if (!statusServers.isEmpty())
        broker->statusAnnotations.insert(u"bootstrap.servers"_s, statusServers);
    return broker;
}

} // namespace

// The bootstrap servers of a cluster's Knative Kafka brokers: from a broker's status, or from its config map read
// through KubeClient from a real kube-apiserver (KubeHarness), where the limited user gets a 403.
class TestKafkaBootstrap : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        KubeBulk bulk(m_harness);
        const auto ns = bulk.call({ "POST", u"/api/v1/namespaces"_s,
            QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
                { u"metadata"_s, QJsonObject { { u"name"_s, u"knative-eventing"_s } } } } });
        QVERIFY2(ns.status == 201 || ns.status == 409, qPrintable(QString::number(ns.status) + ns.error));
        for (const auto& [name, servers] :
            { std::pair { u"kafka-broker-config"_s, u"my-cluster-kafka-bootstrap.kafka:9092"_s },
                std::pair { u"no-servers"_s, QString() } }) {
            QJsonObject data { { u"default.topic.partitions"_s, u"10"_s } };
            if (!servers.isEmpty())
                data.insert(u"bootstrap.servers"_s, servers);
            const auto created = bulk.call({ "POST", u"/api/v1/namespaces/knative-eventing/configmaps"_s,
                QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"ConfigMap"_s },
                    { u"metadata"_s, QJsonObject { { u"name"_s, name } } }, { u"data"_s, data } } });
            QCOMPARE(created.status, 201);
        }
    }

    void configRef()
    {
        const KReference defaulted = kafkaBrokerConfigRef(*kafkaBroker(u"shop"_s, {}, {}));
        QCOMPARE(defaulted.ns, u"knative-eventing"_s);
        QCOMPARE(defaulted.name, u"kafka-broker-config"_s);
        const KReference own
            = kafkaBrokerConfigRef(*kafkaBroker(u"shop"_s, { u"v1"_s, u"ConfigMap"_s, u"shop-kafka"_s, {} }, {}));
        QCOMPARE(own.ns, u"shop"_s);
        QCOMPARE(own.name, u"shop-kafka"_s);
    }

    void fromStatus()
    {
        ObjectStore store;
        QCOMPARE(kafkaBootstrapFromStore(store), QString());
        auto mtBroker = std::make_shared<KnativeObject>(*kafkaBroker(u"a"_s, {}, u"wrong:1"_s));
        mtBroker->brokerClass = u"MTChannelBasedBroker"_s;
        store.replaceOrigin(u"test"_s, { mtBroker, kafkaBroker(u"shop"_s, {}, u"kafka:9092"_s) });
        QCOMPARE(kafkaBootstrapFromStore(store), u"kafka:9092"_s);
    }

    void fromConfigMap_data()
    {
        QTest::addColumn<bool>("admin");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("servers");
        QTest::addColumn<QString>("error");
        QTest::addRow("default config map")
            << true << u"kafka-broker-config"_s << u"my-cluster-kafka-bootstrap.kafka:9092"_s << QString();
        QTest::addRow("forbidden") << false << u"kafka-broker-config"_s << QString()
                                   << u"The Kafka broker's config map knative-eventing/kafka-broker-config may not be "
                                      "read (403 Forbidden): enter the bootstrap servers"_s;
        QTest::addRow("missing") << true << u"gone"_s << QString()
                                 << u"The Kafka broker's config map knative-eventing/gone does not exist: enter the "
                                    "bootstrap servers"_s;
        QTest::addRow("no key") << true << u"no-servers"_s << QString()
                                << u"The Kafka broker's config map knative-eventing/no-servers has no "
                                   "bootstrap.servers: enter the bootstrap servers"_s;
    }

    void fromConfigMap()
    {
        QFETCH(bool, admin);
        QFETCH(QString, name);
        QFETCH(QString, servers);
        QFETCH(QString, error);
        const QString file = m_harness.writeKubeconfig(
            admin ? KubeHarness::User::Admin : KubeHarness::User::Limited, admin ? u"admin.yaml"_s : u"limited.yaml"_s);
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::load({ file, {}, {} }, &issues);
        QVERIFY(config);
        QString failure;
        const auto context = config->resolve(QString(), &failure);
        QVERIFY2(context, qPrintable(failure));
        KubeClient client(*context);
        std::optional<std::pair<QString, QString>> result;
        readKafkaBootstrapServers(&client, { u"v1"_s, u"ConfigMap"_s, name, u"knative-eventing"_s },
            [&result](const QString& found, const QString& message) {
                result = std::pair { found, message };
            });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20'000);
        QCOMPARE(result->second, error);
        QCOMPARE(result->first, servers);
    }

private:
    KubeHarness m_harness;
};

QTEST_GUILESS_MAIN(TestKafkaBootstrap)
#include "tst_kafkabootstrap.moc"
