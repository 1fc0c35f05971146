// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class BacklogMonitor;
class DemoSource;
class KafkaTransport;
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

    bool isDemo() const { return m_demo != nullptr; }
    ObjectStore* store() const { return m_store; }
    TopologyGraph* graph() const { return m_graph; }
    SeriesStore* series() const { return m_series; }
    ScaleMonitor* scale() const { return m_scale; }
    BacklogMonitor* backlog() const { return m_backlog; }
    KafkaTransport* transport() const { return m_transport; }
    QList<SourceIssue> issues() const;

Q_SIGNALS:
    void issuesChanged();
    void kafkaConnected();
    void statusMessage(const QString& message);

private:
    void addSource(ObjectSource* source);
    void connectKafka(const QString& bootstrapServers);

    ObjectStore* m_store;
    TopologyGraph* m_graph;
    SeriesStore* m_series;
    ScaleMonitor* m_scale;
    BacklogMonitor* m_backlog = nullptr;
    KafkaTransport* m_transport = nullptr;
    DemoSource* m_demo = nullptr;
    ManifestSource* m_manifests = nullptr;
    QHash<QString, QList<SourceIssue>> m_issues;
};
