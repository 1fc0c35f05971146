// SPDX-License-Identifier: Apache-2.0
#include "kafkabootstrap.h"

#include "kubeclient.h"
#include "objectstore.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

KReference kafkaBrokerConfigRef(const KnativeObject& broker)
{
    KReference ref = broker.config;
    if (ref.name.isEmpty())
        return { u"v1"_s, u"ConfigMap"_s, u"kafka-broker-config"_s, u"knative-eventing"_s };
    if (ref.ns.isEmpty())
        ref.ns = broker.key.ns;
    return ref;
}

QString kafkaBootstrapFromStore(const ObjectStore& store)
{
    const auto brokers = store.objects(ObjectKind::Broker);
    for (const auto& broker : brokers) {
        if (!broker->brokerClass.startsWith(u"Kafka"_s))
            continue;
        const QString servers = broker->statusAnnotations.value(u"bootstrap.servers"_s).trimmed();
        if (!servers.isEmpty())
            return servers;
    }
    return {};
}

void readKafkaBootstrapServers(KubeClient* client, const KReference& configMap,
    std::function<void(const QString& servers, const QString& error)> callback)
{
    const QString name = configMap.ns % u'/' % configMap.name;
    const QString path = u"/api/v1/namespaces/"_s % configMap.ns % u"/configmaps/"_s % configMap.name;
    client->get(
        path, {},
        [name, callback = std::move(callback)](const KubeResponse& response) {
            const QString enter = u": enter the bootstrap servers"_s;
            if (response.error.kind == KubeError::Kind::Forbidden) {
                callback({}, u"The Kafka broker's config map %1 may not be read (403 Forbidden)"_s.arg(name) % enter);
                return;
            }
            if (response.error.kind == KubeError::Kind::NotFound) {
                callback({}, u"The Kafka broker's config map %1 does not exist"_s.arg(name) % enter);
                return;
            }
            if (!response.ok()) {
                callback({},
                    u"The Kafka broker's config map %1 cannot be read (%2)"_s.arg(name, response.error.message)
                        % enter);
                return;
            }
            const QJsonObject data = QJsonDocument::fromJson(response.body).object().value("data"_L1).toObject();
            const QString servers = data.value("bootstrap.servers"_L1).toString().trimmed();
            if (servers.isEmpty()) {
                callback({}, u"The Kafka broker's config map %1 has no bootstrap.servers"_s.arg(name) % enter);
                return;
            }
            callback(servers, {});
        },
        u"get"_s, u"configmaps"_s, configMap.ns);
}
