// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kafkaprofile.h"
#include "kubeconfig.h"
#include "objectsource.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <optional>

class AmqpTransport;
class BacklogMonitor;
class DeliveryTracer;
class KubeIngressTransport;
class RabbitQueueMonitor;
struct RabbitConnection;
class DemoSource;
class KafkaTransport;
class KubeClient;
class KubeSource;
class ManifestSource;
class ObjectStore;
class ScaleMonitor;
class SeriesStore;
class TopologyGraph;

// Everything one window shows, without the widgets: where objects come from, the store and the graph derived
// from it, the measurements and the transport for test events. The window only wires pages to it.
class MeshSession : public QObject {
    Q_OBJECT
public:
    explicit MeshSession(QObject* parent = nullptr);
    ~MeshSession() override;

    // The embedded demo: bundled manifests, simulated controllers, in-process Kafka with live traffic.
    void startDemo();
    // Manifest files or folders, followed on disk.
    void openManifests(const QStringList& paths);
    // Objects made in-process (e.g. a synthetic mesh), replacing whatever origin showed before.
    void showObjects(const QString& origin, const QList<KnativeObjectPtr>& objects);

    // Reads the kubeconfig as kubectl does (explicitPath = --kubeconfig, else KUBECONFIG, else ~/.kube/config).
    // False when there is none or it cannot be read; its warnings go to issues().
    bool loadKubeconfig(const QString& explicitPath, QString* error);
    const std::optional<Kubeconfig>& kubeconfig() const { return m_kubeconfig; }
    // Shows the live mesh of a context (empty = current-context) in the given namespaces (empty = all), replacing
    // the cluster shown before. False with a message when the context cannot be used.
    bool connectCluster(const QString& context, const QStringList& namespaces, QString* error);
    void disconnectCluster();
    KubeSource* cluster() const { return m_cluster; }
    // A client for the connected context that lives on this thread: apply, delete, namespace lists.
    KubeClient* client() const { return m_client; }
    QString clusterContext() const;
    // The namespaces the user may see in the connected cluster (listed once per connection; empty when forbidden).
    QStringList clusterNamespaces() const { return m_clusterNamespaces; }

    // Measures the lag of every Kafka-backed trigger in the store on the cluster the profile describes, every 5 s,
    // replacing the monitor measuring before (the demo's included). The secret (password, client secret or token,
    // from the keyring) goes into the client configuration only. Errors reach statusMessage in plain words, naming
    // the bootstrap servers and the mechanism, never the secret. kafkaConnected() follows; backlog() is the new
    // monitor, transport() is unchanged.
    void setKafkaProfile(const KafkaProfile& profile, const QString& secret);
    // Stops measuring Kafka; backlog() is null afterwards.
    void clearKafkaProfile();
    const std::optional<KafkaProfile>& kafkaProfile() const { return m_kafkaProfile; }
    // Queue depth of triggers on RabbitMQ brokers, through the management API (5 s interval).
    void setRabbitConnection(const RabbitConnection& connection);
    void clearRabbitConnection();
    RabbitQueueMonitor* rabbit() const { return m_rabbit; }
    // Finds the connected cluster's Kafka bootstrap servers for a new profile: from a Kafka broker's status in the
    // store, else from its config map through client(). kafkaBootstrapDiscovered() gives the servers or a message
    // asking to enter them.
    void discoverKafkaBootstrapServers();

    bool isDemo() const { return m_demo != nullptr; }
    ObjectStore* store() const { return m_store; }
    TopologyGraph* graph() const { return m_graph; }
    SeriesStore* series() const { return m_series; }
    ScaleMonitor* scale() const { return m_scale; }
    BacklogMonitor* backlog() const { return m_backlog; }
    KafkaTransport* transport() const { return m_transport; }
    // Publishes test events to RabbitMQ brokers' exchanges: the management connection's host and user, AMQP port
    // 5672 (5671 with TLS when the management API is https). Null without a RabbitMQ connection.
    AmqpTransport* amqp() const { return m_amqp; }
    // Reaches in-cluster broker addresses through the connected cluster's API server. Null when not connected.
    KubeIngressTransport* ingress() const { return m_ingress; }
    // Follows published events through the triggers' consumer groups, on the Kafka cluster transport() sends to.
    DeliveryTracer* tracer() const { return m_tracer; }
    QList<SourceIssue> issues() const;

Q_SIGNALS:
    void issuesChanged();
    // connectCluster() or disconnectCluster() changed what cluster is shown.
    void clusterChanged();
    void clusterNamespacesListed(const QStringList& namespaces);
    void kafkaConnected();
    // transport(), amqp() or ingress() changed.
    void publishingChanged();
    void kafkaBootstrapDiscovered(const QString& servers, const QString& error);
    void statusMessage(const QString& message);

private:
    void addSource(ObjectSource* source);
    void connectKafka(const QString& bootstrapServers);

    ObjectStore* m_store;
    TopologyGraph* m_graph;
    SeriesStore* m_series;
    ScaleMonitor* m_scale;
    BacklogMonitor* m_backlog = nullptr;
    RabbitQueueMonitor* m_rabbit = nullptr;
    KafkaTransport* m_transport = nullptr;
    AmqpTransport* m_amqp = nullptr;
    KubeIngressTransport* m_ingress = nullptr;
    DeliveryTracer* m_tracer;
    DemoSource* m_demo = nullptr;
    ManifestSource* m_manifests = nullptr;
    std::optional<Kubeconfig> m_kubeconfig;
    std::optional<KafkaProfile> m_kafkaProfile;
    KubeSource* m_cluster = nullptr;
    KubeClient* m_client = nullptr;
    QStringList m_clusterNamespaces;
    QHash<QString, QList<SourceIssue>> m_issues;
};
