// SPDX-License-Identifier: Apache-2.0
#include "syntheticmesh.h"

#include "manifestparser.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace {

struct Domain {
    QLatin1StringView name;
    std::array<QLatin1StringView, 3> entities;
};

// A namespace is one business domain; its events are com.acme.<domain>.<entity>.<action>.
constexpr Domain domains[] = {
    { "orders"_L1, { "order"_L1, "cart"_L1, "checkout"_L1 } },
    { "payments"_L1, { "payment"_L1, "refund"_L1, "invoice"_L1 } },
    { "inventory"_L1, { "stock"_L1, "reservation"_L1, "warehouse"_L1 } },
    { "shipping"_L1, { "shipment"_L1, "parcel"_L1, "carrier"_L1 } },
    { "customers"_L1, { "customer"_L1, "account"_L1, "address"_L1 } },
    { "notifications"_L1, { "email"_L1, "sms"_L1, "push"_L1 } },
    { "catalog"_L1, { "product"_L1, "price"_L1, "review"_L1 } },
    { "fraud"_L1, { "assessment"_L1, "alert"_L1, "case"_L1 } },
    { "analytics"_L1, { "pageview"_L1, "session"_L1, "metric"_L1 } },
    { "identity"_L1, { "user"_L1, "login"_L1, "token"_L1 } },
    { "billing"_L1, { "subscription"_L1, "charge"_L1, "plan"_L1 } },
    { "support"_L1, { "ticket"_L1, "conversation"_L1, "feedback"_L1 } },
};

constexpr QLatin1StringView actions[] = { "created"_L1, "updated"_L1, "deleted"_L1, "approved"_L1, "rejected"_L1,
    "completed"_L1, "failed"_L1, "cancelled"_L1, "expired"_L1, "requested"_L1 };

constexpr QLatin1StringView roles[] = { "processor"_L1, "projector"_L1, "notifier"_L1, "auditor"_L1, "indexer"_L1,
    "enricher"_L1, "archiver"_L1, "reconciler"_L1, "handler"_L1, "exporter"_L1, "validator"_L1, "aggregator"_L1 };

constexpr auto eventingApi = "eventing.knative.dev/v1"_L1;
constexpr auto servingApi = "serving.knative.dev/v1"_L1;
constexpr auto sourcesApi = "sources.knative.dev/v1"_L1;
constexpr auto kafkaSourcesApi = "sources.knative.dev/v1beta1"_L1;
constexpr auto flowsApi = "flows.knative.dev/v1"_L1;
constexpr auto deadLetterSink = "dead-letter-sink"_L1;

QJsonObject metadata(
    const QString& name, const QString& ns, const QJsonObject& labels = {}, const QJsonObject& annotations = {})
{
    QJsonObject result { { u"name"_s, name }, { u"namespace"_s, ns }, { u"generation"_s, 1 } };
    if (!labels.isEmpty())
        result.insert(u"labels"_s, labels);
    if (!annotations.isEmpty())
        result.insert(u"annotations"_s, annotations);
    return result;
}

QJsonObject manifest(QLatin1StringView apiVersion, QLatin1StringView kind, const QJsonObject& metadata,
    const QJsonObject& spec, const QJsonObject& status)
{
    return QJsonObject { { u"apiVersion"_s, apiVersion }, { u"kind"_s, kind }, { u"metadata"_s, metadata },
        { u"spec"_s, spec }, { u"status"_s, status } };
}

QJsonObject reference(QLatin1StringView apiVersion, QLatin1StringView kind, const QString& name)
{
    return QJsonObject { { u"apiVersion"_s, apiVersion }, { u"kind"_s, kind }, { u"name"_s, name } };
}

QJsonObject destination(QLatin1StringView apiVersion, QLatin1StringView kind, const QString& name)
{
    return QJsonObject { { u"ref"_s, reference(apiVersion, kind, name) } };
}

QJsonObject condition(QLatin1StringView type, bool ok, const QString& reason = {}, const QString& message = {})
{
    QJsonObject result { { u"type"_s, type }, { u"status"_s, ok ? u"True"_s : u"False"_s } };
    if (!reason.isEmpty())
        result.insert(u"reason"_s, reason);
    if (!message.isEmpty())
        result.insert(u"message"_s, message);
    return result;
}

QJsonObject status(const QJsonArray& conditions, const QString& addressUrl = {})
{
    QJsonObject result { { u"observedGeneration"_s, 1 }, { u"conditions"_s, conditions } };
    if (!addressUrl.isEmpty())
        result.insert(u"address"_s, QJsonObject { { u"url"_s, addressUrl } });
    return result;
}

QJsonObject readyStatus(const QString& addressUrl = {})
{
    return status(QJsonArray { condition("Ready"_L1, true) }, addressUrl);
}

QString clusterUrl(const QString& name, const QString& ns)
{
    return u"http://"_s % name % u'.' % ns % u".svc.cluster.local"_s;
}

class Generator {
public:
    Generator(int targetNodes, quint32 seed)
        : m_target(targetNodes)
        , m_random(seed)
    {
    }

    QList<KnativeObjectPtr> run()
    {
        if (m_target <= 0)
            return {};
        // Several namespaces, more for larger meshes, but small meshes are not all namespace overhead.
        const int namespaces = std::clamp(m_target / 1000 + 3, 1, std::max(1, m_target / 100));
        m_objects.reserve(m_target);
        for (int i = 0; i < namespaces; ++i)
            addNamespace(i);
        while (!full())
            addBroker(m_namespaces[m_random.bounded(quint32(m_namespaces.size()))]);
        return m_objects;
    }

private:
    struct Namespace {
        QString name;
        const Domain* domain = nullptr;
        int brokers = 0;
        int serial = 0; // keeps generated names unique within the namespace
        QString subscriber; // the Knative Service new triggers share until its uses run out
        int subscriberUses = 0;
    };

    bool full() const { return m_nodes >= m_target; }
    int between(int low, int high) { return low + int(m_random.bounded(quint32(high - low + 1))); }
    bool chance(int perMille) { return int(m_random.bounded(1000u)) < perMille; }
    template <typename T, size_t N>
    const T& pick(const T (&list)[N])
    {
        return list[m_random.bounded(quint32(N))];
    }
    template <typename T, size_t N>
    const T& pick(const std::array<T, N>& list)
    {
        return list[m_random.bounded(quint32(N))];
    }

    void add(const QJsonObject& json, int nodes)
    {
        m_objects.append(ManifestParser::fromJson(json, SyntheticMesh::origin()));
        m_nodes += nodes;
    }

    QString domainType(const Namespace& ns, QLatin1StringView entity)
    {
        return u"com.acme."_s % ns.domain->name % u'.' % entity % u'.' % pick(actions);
    }

    void addNamespace(int index)
    {
        const auto& domain = domains[index % std::size(domains)];
        Namespace ns;
        ns.domain = &domain;
        ns.name = domain.name;
        if (const int round = index / int(std::size(domains)))
            ns.name += u'-' % QString::number(round + 1);

        addKnativeService(ns, deadLetterSink);

        // A Deployment behind a plain Service: the pre-serverless part of the domain that some triggers still feed.
        const QString legacy = ns.name % u"-legacy-worker"_s;
        const QJsonObject selector { { u"app"_s, legacy } };
        const int ready = chance(900) ? 2 : 1;
        const QString workerImage = u"registry.acme.com/"_s % domain.name % u"/legacy-worker:3.2"_s;
        add(manifest("apps/v1"_L1, "Deployment"_L1, metadata(legacy, ns.name, selector),
                QJsonObject { { u"replicas"_s, 2 }, { u"selector"_s, QJsonObject { { u"matchLabels"_s, selector } } },
                    { u"template"_s,
                        QJsonObject { { u"metadata"_s, QJsonObject { { u"labels"_s, selector } } },
                            { u"spec"_s,
                                QJsonObject { { u"containers"_s,
                                    QJsonArray { QJsonObject {
                                        { u"name"_s, u"worker"_s }, { u"image"_s, workerImage } } } } } } } } },
                QJsonObject { { u"observedGeneration"_s, 1 }, { u"replicas"_s, 2 }, { u"readyReplicas"_s, ready },
                    { u"conditions"_s, QJsonArray { condition("Available"_L1, ready == 2) } } }),
            1);
        add(manifest("v1"_L1, "Service"_L1, metadata(legacy, ns.name, selector),
                QJsonObject { { u"selector"_s, selector },
                    { u"ports"_s, QJsonArray { QJsonObject { { u"port"_s, 80 }, { u"targetPort"_s, 8080 } } } } },
                {}),
            1);
        m_namespaces.append(ns);
    }

    void addKnativeService(const Namespace& ns, const QString& name)
    {
        const QString image
            = u"registry.acme.com/"_s % ns.domain->name % u'/' % name % u":1."_s % QString::number(between(0, 9));
        const QJsonObject spec { { u"template"_s,
            QJsonObject { { u"spec"_s,
                QJsonObject { { u"containers"_s, QJsonArray { QJsonObject { { u"image"_s, image } } } } } } } } };
        // A few services fail to roll out, as in any busy cluster.
        const auto serviceStatus = chance(20)
            ? status(QJsonArray { condition("Ready"_L1, false, u"RevisionFailed"_s,
                u"Revision \""_s % name % u"-00002\" failed with message: Back-off pulling image"_s) })
            : readyStatus(clusterUrl(name, ns.name));
        add(manifest(servingApi, "Service"_L1, metadata(name, ns.name), spec, serviceStatus), 1);
    }

    QString brokerName(Namespace& ns)
    {
        const int index = ns.brokers++;
        if (index == 0)
            return u"default"_s;
        const auto entity = ns.domain->entities[(index - 1) % 3];
        const int round = (index - 1) / 3;
        if (round == 0)
            return entity % u"-events"_s;
        return entity % u"-events-"_s % QString::number(round + 1);
    }

    void addBroker(Namespace& ns)
    {
        const auto name = brokerName(ns);
        const bool kafka = chance(330);
        QJsonObject spec { { u"config"_s,
            QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"ConfigMap"_s },
                { u"name"_s, kafka ? u"kafka-broker-config"_s : u"config-br-default-channel"_s },
                { u"namespace"_s, u"knative-eventing"_s } } } };
        QJsonObject delivery { { u"retry"_s, 5 }, { u"backoffPolicy"_s, u"exponential"_s },
            { u"backoffDelay"_s, u"PT0.2S"_s } };
        if (chance(500))
            delivery.insert(u"deadLetterSink"_s, destination(servingApi, "Service"_L1, deadLetterSink));
        spec.insert(u"delivery"_s, delivery);
        const QJsonObject annotations { { u"eventing.knative.dev/broker.class"_s,
            kafka ? u"Kafka"_s : u"MTChannelBasedBroker"_s } };
        add(manifest(eventingApi, "Broker"_L1, metadata(name, ns.name, {}, annotations), spec,
                readyStatus(u"http://broker-ingress.knative-eventing.svc.cluster.local/"_s % ns.name % u'/' % name)),
            1);

        QStringList sourceTypes;
        const int sources = between(2, 5);
        for (int i = 0; i < sources; ++i)
            sourceTypes.append(addSource(ns, name));

        const int triggers = between(20, 60);
        for (int i = 0; i < triggers && !full(); ++i) {
            const auto entity = pick(ns.domain->entities);
            addTrigger(ns, name, entity,
                chance(150) ? sourceTypes[m_random.bounded(quint32(sourceTypes.size()))] : domainType(ns, entity));
        }
        if (++m_brokers % 8 == 3 && !full())
            addSequence(ns, name);
    }

    // Returns the event type the source emits.
    QString addSource(Namespace& ns, const QString& broker)
    {
        const auto entity = pick(ns.domain->entities);
        const auto serial = QString::number(++ns.serial);
        const auto sink = destination(eventingApi, "Broker"_L1, broker);
        const auto sourceStatus
            = status(QJsonArray { condition("Ready"_L1, true), condition("SinkProvided"_L1, true) });
        switch (m_random.bounded(3u)) {
        case 0: {
            const QString name = entity % u"-heartbeat-"_s % serial;
            add(manifest(sourcesApi, "PingSource"_L1, metadata(name, ns.name),
                    QJsonObject { { u"schedule"_s, QString(u"*/"_s % QString::number(between(1, 15)) % u" * * * *"_s) },
                        { u"contentType"_s, u"application/json"_s },
                        { u"data"_s, QString(u"{\"check\": \""_s % entity % u"\"}"_s) }, { u"sink"_s, sink } },
                    sourceStatus),
                1);
            return u"dev.knative.sources.ping"_s;
        }
        case 1: {
            const QString name = ns.domain->name % u"-cluster-events-"_s % serial;
            add(manifest(sourcesApi, "ApiServerSource"_L1, metadata(name, ns.name),
                    QJsonObject { { u"mode"_s, u"Resource"_s }, { u"serviceAccountName"_s, u"events-reader"_s },
                        { u"resources"_s,
                            QJsonArray { QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Event"_s } } } },
                        { u"sink"_s, sink } },
                    sourceStatus),
                1);
            return u"dev.knative.apiserver.resource.add"_s;
        }
        default: {
            const QString name = entity % u"-ingest-"_s % serial;
            add(manifest(kafkaSourcesApi, "KafkaSource"_L1, metadata(name, ns.name),
                    QJsonObject { { u"consumerGroup"_s, QString(u"knative-"_s % ns.name % u'-' % name) },
                        { u"bootstrapServers"_s, QJsonArray { u"acme-kafka-bootstrap.kafka:9092"_s } },
                        { u"topics"_s, QJsonArray { QString(ns.domain->name % u'.' % entity % u's') } },
                        { u"sink"_s, sink } },
                    sourceStatus),
                1);
            return u"dev.knative.kafka.event"_s;
        }
        }
    }

    QJsonObject filterFor(const Namespace& ns, QLatin1StringView entity, const QString& type)
    {
        const int dice = int(m_random.bounded(100u));
        QJsonObject spec;
        if (dice < 60) {
            spec.insert(u"filter"_s, QJsonObject { { u"attributes"_s, QJsonObject { { u"type"_s, type } } } });
        } else if (dice < 70) {
            const QString source = u"https://acme.com/"_s % ns.domain->name % u'/' % entity % u"-service"_s;
            spec.insert(u"filter"_s,
                QJsonObject { { u"attributes"_s, QJsonObject { { u"type"_s, type }, { u"source"_s, source } } } });
        } else if (dice < 80) {
            const QString prefix = u"com.acme."_s % ns.domain->name % u'.' % entity % u'.';
            spec.insert(
                u"filters"_s, QJsonArray { QJsonObject { { u"prefix"_s, QJsonObject { { u"type"_s, prefix } } } } });
        } else if (dice < 87) {
            const auto other = domainType(ns, pick(ns.domain->entities));
            spec.insert(u"filters"_s,
                QJsonArray { QJsonObject { { u"any"_s,
                    QJsonArray { QJsonObject { { u"exact"_s, QJsonObject { { u"type"_s, type } } } },
                        QJsonObject { { u"exact"_s, QJsonObject { { u"type"_s, other } } } } } } } });
        } else if (dice < 92) {
            spec.insert(u"filters"_s,
                QJsonArray { QJsonObject { { u"exact"_s, QJsonObject { { u"type"_s, type } } } },
                    QJsonObject {
                        { u"not"_s, QJsonObject { { u"suffix"_s, QJsonObject { { u"source"_s, u"-test"_s } } } } } } });
        } else if (dice < 96) {
            spec.insert(u"filters"_s,
                QJsonArray {
                    QJsonObject { { u"cesql"_s, QString(u"type = '"_s % type % u"' AND priority = 'high'"_s) } } });
        } else {
            // Catch-all triggers: auditing and archiving subscribers want every event.
            spec.insert(u"filter"_s, QJsonObject {});
        }
        return spec;
    }

    // The Knative Service the next trigger delivers to; each is shared by one to five triggers, three on average.
    QString sharedSubscriber(Namespace& ns, QLatin1StringView entity)
    {
        if (ns.subscriberUses <= 0) {
            ns.subscriber = entity % u'-' % pick(roles) % u'-' % QString::number(++ns.serial);
            ns.subscriberUses = between(1, 5);
            addKnativeService(ns, ns.subscriber);
        }
        --ns.subscriberUses;
        return ns.subscriber;
    }

    void addTrigger(Namespace& ns, const QString& broker, QLatin1StringView entity, const QString& type,
        const QString& sequence = {})
    {
        const QString name = entity % u'-' % type.section(u'.', -1) % u'-' % QString::number(++ns.serial);
        auto spec = filterFor(ns, entity, type);
        spec.insert(u"broker"_s, broker);

        int nodes = 1;
        QJsonObject subscriber;
        QString subscriberName;
        bool missing = false;
        if (!sequence.isEmpty()) {
            subscriber = destination(flowsApi, "Sequence"_L1, sequence);
            subscriberName = sequence;
        } else if (chance(5)) {
            // The service was deleted and the trigger left behind.
            subscriberName = entity % u"-retired-"_s % QString::number(ns.serial);
            subscriber = destination(servingApi, "Service"_L1, subscriberName);
            missing = true;
            ++nodes;
        } else if (chance(30)) {
            subscriberName = ns.name % u"-legacy-worker"_s;
            subscriber = destination("v1"_L1, "Service"_L1, subscriberName);
            subscriber.insert(u"uri"_s, u"/events"_s);
        } else {
            subscriberName = sharedSubscriber(ns, entity);
            subscriber = destination(servingApi, "Service"_L1, subscriberName);
        }
        spec.insert(u"subscriber"_s, subscriber);
        if (chance(100)) {
            spec.insert(u"delivery"_s,
                QJsonObject { { u"deadLetterSink"_s, destination(servingApi, "Service"_L1, deadLetterSink) },
                    { u"retry"_s, 3 } });
        }

        QJsonObject triggerStatus;
        if (missing) {
            const auto reason = u"Unable to get the Subscriber's URI"_s;
            const QString message = u"services.serving.knative.dev \""_s % subscriberName % u"\" not found"_s;
            triggerStatus = status(QJsonArray { condition("Ready"_L1, false, reason, message),
                condition("BrokerReady"_L1, true), condition("SubscriberResolved"_L1, false, reason, message) });
        } else {
            triggerStatus = readyStatus();
            triggerStatus.insert(u"subscriberUri"_s, clusterUrl(subscriberName, ns.name));
        }
        const QJsonObject labels { { u"eventing.knative.dev/broker"_s, broker } };
        add(manifest(eventingApi, "Trigger"_L1, metadata(name, ns.name, labels), spec, triggerStatus), nodes);
    }

    // A three-step pipeline fed by one trigger that replies to the broker it came from.
    void addSequence(Namespace& ns, const QString& broker)
    {
        const auto entity = pick(ns.domain->entities);
        const auto serial = QString::number(++ns.serial);
        const QString name = entity % u"-pipeline-"_s % serial;
        QJsonArray steps;
        for (const auto step : { "validate"_L1, "enrich"_L1, "persist"_L1 }) {
            const QString service = entity % u'-' % step % u'-' % serial;
            addKnativeService(ns, service);
            steps.append(destination(servingApi, "Service"_L1, service));
        }
        const QJsonObject spec { { u"steps"_s, steps },
            { u"channelTemplate"_s,
                QJsonObject {
                    { u"apiVersion"_s, u"messaging.knative.dev/v1"_s }, { u"kind"_s, u"InMemoryChannel"_s } } },
            { u"reply"_s, destination(eventingApi, "Broker"_L1, broker) } };
        add(manifest(flowsApi, "Sequence"_L1, metadata(name, ns.name), spec,
                readyStatus(u"http://"_s % name % u"-kn-sequence-0-kn-channel."_s % ns.name % u".svc.cluster.local"_s)),
            1);
        addTrigger(ns, broker, entity, u"com.acme."_s % ns.domain->name % u'.' % entity % u".received"_s, name);
    }

    const int m_target;
    QRandomGenerator m_random;
    int m_nodes = 0;
    int m_brokers = 0;
    QList<Namespace> m_namespaces;
    QList<KnativeObjectPtr> m_objects;
};

} // namespace

namespace SyntheticMesh {

QString origin() { return u"synthetic"_s; }

QList<KnativeObjectPtr> generate(int targetNodes, quint32 seed) { return Generator(targetNodes, seed).run(); }

} // namespace SyntheticMesh
