// SPDX-License-Identifier: Apache-2.0
#include "meshsession.h"

#include "amqptransport.h"
#include "backlogmonitor.h"
#include "deliverytracer.h"
#include "demosource.h"
#include "kafkabootstrap.h"
#include "kafkatransport.h"
#include "kubeclient.h"
#include "kubeingresstransport.h"
#include "kubesource.h"
#include "manifestsource.h"
#include "objectstore.h"
#include "rabbitqueuemonitor.h"
#include "scalemonitor.h"
#include "secretredactor.h"
#include "seriesstore.h"
#include "topologygraph.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

MeshSession::MeshSession(QObject* parent)
    : QObject(parent)
    , m_store(new ObjectStore(this))
    , m_graph(new TopologyGraph(this))
    , m_series(new SeriesStore(this))
    , m_scale(new ScaleMonitor(m_store, m_series, this))
    , m_tracer(new DeliveryTracer(this))
{
    connect(m_store, &ObjectStore::changed, m_graph, &TopologyGraph::applyChanges);
    // KEDA's wish is computed from the lag the backlog monitor measured, whichever monitor that is at the time.
    m_scale->setLagSource([this](const ObjectKey& trigger) -> std::optional<TriggerLag> {
        return m_backlog ? m_backlog->lagOf(trigger) : std::nullopt;
    });
    m_scale->start();
}

MeshSession::~MeshSession() = default;

void MeshSession::addSource(ObjectSource* source)
{
    m_store->connectSource(source);
    connect(source, &ObjectSource::issues, this, [this](const QString& origin, const QList<SourceIssue>& issues) {
        if (issues.isEmpty())
            m_issues.remove(origin);
        else
            m_issues.insert(origin, issues);
        Q_EMIT issuesChanged();
    });
    source->start();
}

void MeshSession::startDemo()
{
    if (m_demo)
        return;
    m_demo = new DemoSource(this);
    connect(m_demo, &DemoSource::kafkaStarted, this, &MeshSession::connectKafka);
    connect(m_demo, &DemoSource::kafkaError, this, &MeshSession::statusMessage);
    addSource(m_demo);
}

void MeshSession::openManifests(const QStringList& paths)
{
    if (!m_manifests) {
        m_manifests = new ManifestSource(this);
        for (const auto& path : paths)
            m_manifests->addPath(path);
        addSource(m_manifests);
        return;
    }
    for (const auto& path : paths)
        m_manifests->addPath(path);
    m_manifests->start();
}

void MeshSession::showObjects(const QString& origin, const QList<KnativeObjectPtr>& objects)
{
    m_store->replaceOrigin(origin, objects);
}

void MeshSession::connectKafka(const QString& bootstrapServers)
{
    const QMap<QString, QString> config { { u"bootstrap.servers"_s, bootstrapServers } };
    m_backlog = new BacklogMonitor(m_store, m_series, config, this);
    // The demo's broker is in-process, so it can be asked often; real clusters keep the 5 s default.
    m_backlog->setInterval(std::chrono::seconds(1));
    connect(m_backlog, &BacklogMonitor::errorChanged, this, &MeshSession::statusMessage);
    m_backlog->start();
    m_transport = new KafkaTransport(config, this);
    m_tracer->setKafkaConfig(config);
    Q_EMIT statusMessage(tr("Connected to the demo's Kafka cluster at %1").arg(bootstrapServers));
    Q_EMIT kafkaConnected();
    Q_EMIT publishingChanged();
}

void MeshSession::setKafkaProfile(const KafkaProfile& profile, const QString& secret)
{
    const QString problem = profile.validate();
    if (!problem.isEmpty()) {
        Q_EMIT statusMessage(tr("Kafka profile \"%1\": %2").arg(profile.name, problem));
        return;
    }
    clearKafkaProfile();
    m_kafkaProfile = profile;
    const auto config = profile.toKafkaConfig(secret);
    m_backlog = new BacklogMonitor(m_store, m_series, config, this);
    delete m_transport;
    m_transport = new KafkaTransport(config, this);
    m_tracer->setKafkaConfig(config);
    connect(m_backlog, &BacklogMonitor::errorChanged, this, [this](const QString& error) {
        if (!m_kafkaProfile)
            return;
        Q_EMIT statusMessage(error.isEmpty() ? tr("Kafka at %1 answers again").arg(m_kafkaProfile->describe())
                                             : m_kafkaProfile->explainError(error));
    });
    m_backlog->start();
    Q_EMIT statusMessage(tr("Measuring Kafka lag at %1").arg(profile.describe()));
    Q_EMIT kafkaConnected();
    Q_EMIT publishingChanged();
}

void MeshSession::clearKafkaProfile()
{
    delete m_backlog;
    m_backlog = nullptr;
    if (!m_kafkaProfile)
        return;
    m_kafkaProfile.reset();
    delete m_transport;
    m_transport = nullptr;
    m_tracer->cancelAll();
    m_tracer->setKafkaConfig({});
    Q_EMIT publishingChanged();
}

void MeshSession::setRabbitConnection(const RabbitConnection& connection)
{
    SecretRedactor::registerSecret(connection.password);
    clearRabbitConnection();
    m_rabbit = new RabbitQueueMonitor(m_store, m_series, this);
    m_rabbit->setConnection(connection);
    connect(m_rabbit, &RabbitQueueMonitor::errorChanged, this,
        [this, url = connection.managementUrl](const QString& error) {
            Q_EMIT statusMessage(
                error.isEmpty() ? tr("RabbitMQ at %1 answers again").arg(url.toDisplayString()) : error);
        });
    m_rabbit->start();
    AmqpConnection amqp;
    amqp.host = connection.managementUrl.host();
    amqp.tls = connection.managementUrl.scheme() == u"https";
    amqp.port = amqp.tls ? 5671 : 5672;
    amqp.user = connection.username;
    amqp.password = connection.password;
    m_amqp = new AmqpTransport(amqp, this);
    Q_EMIT statusMessage(tr("Measuring RabbitMQ queues at %1").arg(connection.managementUrl.toDisplayString()));
    Q_EMIT publishingChanged();
}

void MeshSession::clearRabbitConnection()
{
    delete m_rabbit;
    m_rabbit = nullptr;
    if (!m_amqp)
        return;
    delete m_amqp;
    m_amqp = nullptr;
    Q_EMIT publishingChanged();
}

void MeshSession::discoverKafkaBootstrapServers()
{
    const QString fromStatus = kafkaBootstrapFromStore(*m_store);
    if (!fromStatus.isEmpty()) {
        Q_EMIT kafkaBootstrapDiscovered(fromStatus, {});
        return;
    }
    if (!m_client) {
        Q_EMIT kafkaBootstrapDiscovered({}, tr("No cluster is connected: enter the bootstrap servers"));
        return;
    }
    KReference configMap { u"v1"_s, u"ConfigMap"_s, u"kafka-broker-config"_s, u"knative-eventing"_s };
    const auto brokers = m_store->objects(ObjectKind::Broker);
    for (const auto& broker : brokers) {
        if (broker->brokerClass.startsWith(u"Kafka"_s)) {
            configMap = kafkaBrokerConfigRef(*broker);
            break;
        }
    }
    readKafkaBootstrapServers(m_client, configMap,
        [this, client = QPointer<KubeClient>(m_client)](const QString& servers, const QString& error) {
            if (client && client == m_client)
                Q_EMIT kafkaBootstrapDiscovered(servers, error);
        });
}

bool MeshSession::loadKubeconfig(const QString& explicitPath, QString* error)
{
    QList<SourceIssue> issues;
    m_kubeconfig = Kubeconfig::load({ explicitPath, qEnvironmentVariable("KUBECONFIG"), QDir::homePath() }, &issues);
    if (issues.isEmpty())
        m_issues.remove(u"kubeconfig"_s);
    else
        m_issues.insert(u"kubeconfig"_s, issues);
    Q_EMIT issuesChanged();
    if (!m_kubeconfig) {
        *error = issues.isEmpty() ? tr("The kubeconfig cannot be read") : issues.first().toString();
        return false;
    }
    if (m_kubeconfig->contexts().isEmpty()) {
        *error = tr("The kubeconfig (%1) has no contexts").arg(m_kubeconfig->files().join(u", "_s));
        m_kubeconfig.reset();
        return false;
    }
    return true;
}

bool MeshSession::connectCluster(const QString& context, const QStringList& namespaces, QString* error)
{
    if (!m_kubeconfig) {
        *error = tr("No kubeconfig is loaded");
        return false;
    }
    const auto resolved = m_kubeconfig->resolve(context, error);
    if (!resolved)
        return false;
    disconnectCluster();
    m_client = new KubeClient(*resolved, this);
    m_cluster = new KubeSource(*resolved, namespaces, this);
    m_ingress = new KubeIngressTransport(m_client, this);
    addSource(m_cluster);
    m_client->get(
        u"/api/v1/namespaces"_s, {},
        [this, client = QPointer<KubeClient>(m_client)](const KubeResponse& response) {
            if (!client || client != m_client || !response.ok())
                return;
            QStringList names;
            const QJsonArray items = QJsonDocument::fromJson(response.body).object().value("items"_L1).toArray();
            for (const QJsonValue& item : items)
                names.append(item[u"metadata"_s][u"name"_s].toString());
            names.sort();
            m_clusterNamespaces = names;
            Q_EMIT clusterNamespacesListed(names);
        },
        u"list"_s, u"namespaces"_s);
    Q_EMIT clusterChanged();
    Q_EMIT publishingChanged();
    return true;
}

void MeshSession::disconnectCluster()
{
    if (!m_cluster)
        return;
    m_issues.remove(m_cluster->origin());
    m_cluster->stop();
    m_store->replaceOrigin(m_cluster->origin(), {});
    delete m_cluster;
    m_cluster = nullptr;
    // The profile belonged to that cluster; the demo's in-process Kafka stays.
    if (!m_demo)
        clearKafkaProfile();
    delete m_ingress;
    m_ingress = nullptr;
    delete m_client;
    m_client = nullptr;
    m_clusterNamespaces.clear();
    Q_EMIT issuesChanged();
    Q_EMIT clusterChanged();
    Q_EMIT publishingChanged();
}

QString MeshSession::clusterContext() const { return m_cluster ? m_cluster->context().context.name : QString(); }

QList<SourceIssue> MeshSession::issues() const
{
    QList<SourceIssue> all;
    for (const auto& list : m_issues)
        all.append(list);
    std::sort(all.begin(), all.end(), [](const SourceIssue& a, const SourceIssue& b) {
        if (a.location.file != b.location.file)
            return a.location.file < b.location.file;
        return a.location.line < b.location.line;
    });
    return all;
}
