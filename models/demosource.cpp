// SPDX-License-Identifier: Apache-2.0
#include "demosource.h"

#include "demokafka.h"
#include "knativekafkanaming.h"
#include "manifestparser.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {
constexpr auto clusterDomain = "svc.cluster.local"_L1;

QJsonObject condition(const QString& type, bool ready, const QString& reason = {}, const QString& message = {})
{
    QJsonObject c { { u"type"_s, type }, { u"status"_s, ready ? u"True"_s : u"False"_s },
        { u"lastTransitionTime"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate) } };
    if (!reason.isEmpty())
        c.insert(u"reason"_s, reason);
    if (!message.isEmpty())
        c.insert(u"message"_s, message);
    return c;
}

QJsonArray conditions(const QStringList& types, bool ready, const QString& reason = {}, const QString& message = {})
{
    QJsonArray list;
    for (const auto& type : types)
        list.append(condition(type, ready || type != u"Ready", type == u"Ready" ? reason : QString(),
            type == u"Ready" ? message : QString()));
    return list;
}

KnativeObjectPtr reparse(const QJsonObject& raw, const KnativeObject& from)
{
    auto parsed = ManifestParser::fromJson(raw, from.origin);
    if (!parsed)
        return {};
    auto object = std::make_shared<KnativeObject>(*parsed);
    object->location = from.location;
    return object;
}
} // namespace

DemoSource::DemoSource(QObject* parent)
    : ObjectSource(parent)
    , m_kafka(new DemoKafka(this))
{
    connect(m_kafka, &DemoKafka::started, this, [this](const QString& bootstrapServers) {
        m_bootstrapServers = bootstrapServers;
        Q_EMIT kafkaStarted(bootstrapServers);
    });
    connect(m_kafka, &DemoKafka::error, this, &DemoSource::kafkaError);
    connect(m_kafka, &DemoKafka::scaleChanged, this, &DemoSource::onScaleChanged);
}

DemoSource::~DemoSource() = default;

QString DemoSource::displayName() const { return tr("Demo mesh (simulated cluster, in-process Kafka)"); }

QStringList DemoSource::manifestFiles() { return { u":/demo/serverless-apps.yaml"_s, u":/demo/shop.yaml"_s }; }

void DemoSource::start()
{
    QList<KnativeObjectPtr> objects;
    const auto files = manifestFiles();
    for (const auto& path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            Q_EMIT issues(
                path, { { SourceIssue::Severity::Error, { path, 0, 0 }, tr("cannot read the bundled demo") } });
            continue;
        }
        auto result = ManifestParser::parseYaml(file.readAll(), path);
        Q_EMIT issues(path, result.issues);
        objects.append(result.objects);
    }
    for (const auto& object : std::as_const(objects))
        m_objects.insert(object->key, object);
    QList<KnativeObjectPtr> withStatus;
    withStatus.reserve(objects.size());
    for (const auto& object : std::as_const(objects)) {
        auto updated = withControllerStatus(object);
        m_objects.insert(updated->key, updated);
        withStatus.append(updated);
    }
    // One snapshot per file, as a manifest folder would give.
    QHash<QString, QList<KnativeObjectPtr>> byFile;
    for (const auto& object : std::as_const(withStatus))
        byFile[object->origin].append(object);
    for (const auto& path : files)
        Q_EMIT snapshot(path, byFile.value(path));
    m_kafka->start(withStatus);
}

KnativeObjectPtr DemoSource::withControllerStatus(const KnativeObjectPtr& object) const
{
    QJsonObject raw = object->raw;
    QJsonObject status;
    const auto& key = object->key;
    const auto exists = [this](const Destination& destination, const QString& ns) {
        return destination.ref.isEmpty() || m_objects.contains(destination.ref.key(ns));
    };
    const auto addressOf = [](const ObjectKey& target) {
        return QString(u"http://"_s % target.name % u'.' % target.ns % u'.' % clusterDomain);
    };
    switch (object->kind) {
    case ObjectKind::Broker: {
        const QString url
            = u"http://kafka-broker-ingress.knative-eventing."_s % clusterDomain % u'/' % key.ns % u'/' % key.name;
        status.insert(u"address"_s, QJsonObject { { u"name"_s, u"http"_s }, { u"url"_s, url } });
        status.insert(u"annotations"_s,
            QJsonObject { { u"default.topic"_s, kafkaTopicForBroker(*object) },
                { u"default.topic.partitions"_s, u"3"_s }, { u"default.topic.replication.factor"_s, u"1"_s } });
        status.insert(u"conditions"_s,
            conditions(
                { u"Addressable"_s, u"DataPlaneAvailable"_s, u"TopicReady"_s, u"ConfigParsed"_s, u"Ready"_s }, true));
        break;
    }
    case ObjectKind::Trigger: {
        const bool brokerFound = m_objects.contains({ u"eventing.knative.dev"_s, u"Broker"_s, key.ns, object->broker });
        const bool subscriberFound = exists(object->subscriber, key.ns);
        QString reason;
        QString message;
        if (!brokerFound) {
            reason = u"BrokerDoesNotExist"_s;
            message = u"Broker \"%1\" does not exist"_s.arg(object->broker);
        } else if (!subscriberFound) {
            reason = u"Unable to get the Subscriber's URI"_s;
            message = u"failed to get object %1/%2: %3 \"%2\" not found"_s.arg(
                key.ns, object->subscriber.ref.name, object->subscriber.ref.kind.toLower());
        }
        const bool ready = brokerFound && subscriberFound;
        if (ready) {
            const auto& subscriber = object->subscriber;
            status.insert(u"subscriberUri"_s,
                subscriber.ref.isEmpty() ? subscriber.uri
                                         : QString(addressOf(subscriber.ref.key(key.ns)) % subscriber.uri));
        }
        status.insert(u"annotations"_s, QJsonObject { { u"group.id"_s, kafkaGroupForTrigger(*object) } });
        status.insert(u"conditions"_s,
            conditions(
                { u"BrokerReady"_s, u"SubscriberResolved"_s, u"DependencyReady"_s, u"SubscriptionReady"_s, u"Ready"_s },
                ready, reason, message));
        break;
    }
    case ObjectKind::KnativeService: {
        const auto url = addressOf(key);
        status.insert(u"url"_s, url);
        status.insert(u"address"_s, QJsonObject { { u"url"_s, url } });
        const QString revision = key.name % u"-00001"_s;
        status.insert(u"latestReadyRevisionName"_s, revision);
        status.insert(u"latestCreatedRevisionName"_s, revision);
        status.insert(u"conditions"_s, conditions({ u"ConfigurationsReady"_s, u"RoutesReady"_s, u"Ready"_s }, true));
        break;
    }
    case ObjectKind::Deployment: {
        const int replicas = object->replicas.value_or(1);
        status.insert(u"replicas"_s, replicas);
        status.insert(u"readyReplicas"_s, replicas);
        status.insert(u"availableReplicas"_s, replicas);
        status.insert(u"conditions"_s, QJsonArray { condition(u"Available"_s, true, u"MinimumReplicasAvailable"_s) });
        break;
    }
    case ObjectKind::PingSource:
    case ObjectKind::ApiServerSource:
    case ObjectKind::ContainerSource:
    case ObjectKind::SinkBinding:
    case ObjectKind::KafkaSource: {
        const bool sinkFound = exists(object->sink, key.ns);
        if (sinkFound && !object->sink.ref.isEmpty())
            status.insert(u"sinkUri"_s, QString(u"http://kafka-broker-ingress.knative-eventing."_s % clusterDomain));
        status.insert(u"conditions"_s,
            conditions(
                { u"SinkProvided"_s, u"Deployed"_s, u"Ready"_s }, sinkFound, sinkFound ? QString() : u"NotFound"_s));
        break;
    }
    case ObjectKind::Sequence:
    case ObjectKind::Parallel:
    case ObjectKind::Channel:
    case ObjectKind::InMemoryChannel:
    case ObjectKind::Subscription:
        if (object->kind == ObjectKind::InMemoryChannel) {
            status.insert(u"address"_s,
                QJsonObject { { u"url"_s,
                    QString(u"http://"_s % key.name % u"-kn-channel."_s % key.ns % u'.' % clusterDomain) } });
        }
        status.insert(u"conditions"_s, conditions({ u"Ready"_s }, true));
        break;
    default:
        return object;
    }
    status.insert(u"observedGeneration"_s, 1);
    raw.insert(u"status"_s, status);
    auto metadata = raw.value(u"metadata"_s).toObject();
    metadata.insert(u"generation"_s, 1);
    metadata.insert(u"uid"_s,
        QString::fromLatin1(QCryptographicHash::hash(key.toString().toUtf8(), QCryptographicHash::Md5).toHex()));
    raw.insert(u"metadata"_s, metadata);
    auto updated = reparse(raw, *object);
    return updated ? updated : object;
}

void DemoSource::onScaleChanged(const QList<ScaleSample>& samples)
{
    ObjectChangeBatch batch;
    for (const auto& sample : samples) {
        const auto subscriber = m_objects.value(sample.subscriber);
        if (!subscriber)
            continue;
        if (subscriber->kind == ObjectKind::Deployment) {
            if (subscriber->replicas == sample.actual && subscriber->readyReplicas == sample.actual)
                continue;
            auto raw = subscriber->raw;
            auto spec = raw.value(u"spec"_s).toObject();
            spec.insert(u"replicas"_s, sample.desired);
            raw.insert(u"spec"_s, spec);
            auto status = raw.value(u"status"_s).toObject();
            status.insert(u"replicas"_s, sample.actual);
            status.insert(u"readyReplicas"_s, sample.actual);
            status.insert(u"availableReplicas"_s, sample.actual);
            raw.insert(u"status"_s, status);
            if (auto updated = reparse(raw, *subscriber)) {
                m_objects.insert(updated->key, updated);
                batch.append({ ObjectChange::Type::Modified, updated });
            }
        } else if (subscriber->kind == ObjectKind::KnativeService) {
            // Knative's autoscaler reports through the revision's PodAutoscaler, named after the revision.
            const ObjectKey paKey { u"autoscaling.internal.knative.dev"_s, u"PodAutoscaler"_s, subscriber->key.ns,
                QString(subscriber->key.name % u"-00001"_s) };
            const auto existing = m_objects.value(paKey);
            if (existing && existing->desiredScale == sample.desired && existing->actualScale == sample.actual)
                continue;
            const QJsonObject raw {
                { u"apiVersion"_s, u"autoscaling.internal.knative.dev/v1alpha1"_s },
                { u"kind"_s, u"PodAutoscaler"_s },
                { u"metadata"_s,
                    QJsonObject { { u"name"_s, paKey.name }, { u"namespace"_s, paKey.ns }, { u"generation"_s, 1 },
                        { u"labels"_s,
                            QJsonObject { { u"serving.knative.dev/service"_s, subscriber->key.name },
                                { u"serving.knative.dev/revision"_s, paKey.name } } } } },
                { u"spec"_s,
                    QJsonObject { { u"protocolType"_s, u"http1"_s },
                        { u"scaleTargetRef"_s,
                            QJsonObject { { u"apiVersion"_s, u"apps/v1"_s }, { u"kind"_s, u"Deployment"_s },
                                { u"name"_s, QString(paKey.name % u"-deployment"_s) } } } } },
                { u"status"_s,
                    QJsonObject { { u"desiredScale"_s, sample.desired }, { u"actualScale"_s, sample.actual },
                        { u"serviceName"_s, paKey.name },
                        { u"metricsServiceName"_s, QString(paKey.name % u"-private"_s) },
                        { u"observedGeneration"_s, 1 },
                        { u"conditions"_s,
                            QJsonArray { condition(u"Active"_s, sample.actual > 0,
                                             sample.actual > 0 ? QString() : u"NoTraffic"_s),
                                condition(u"Ready"_s, true) } } } },
            };
            auto pa = ManifestParser::fromJson(raw, QString(origin));
            if (!pa)
                continue;
            m_objects.insert(paKey, pa);
            batch.append({ existing ? ObjectChange::Type::Modified : ObjectChange::Type::Added, pa });
        }
    }
    if (!batch.isEmpty())
        Q_EMIT changes(batch);
}
