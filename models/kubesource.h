// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeconfig.h"
#include "kubediscovery.h"
#include "kubeinformer.h"
#include "objectsource.h"

#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QStringList>

#include <chrono>
#include <optional>

class KubeSourceWorker;
class QThread;

// The live mesh of one kubeconfig context: discovery, then one KubeInformer per kind Meshscope models that the
// cluster serves (per namespace when namespaces are given, else across all namespaces).
//
// The network and the JSON parsing run on a worker thread that owns the KubeClient and the informers; the GUI
// thread only receives ObjectChangeBatch values through ObjectSource::changes, coalesced (at most every
// Options::coalesce, at once when a batch reaches Options::flushAt) so that a list of thousands of objects
// arrives in a few batches and the graph is updated a batch at a time.
class KubeSource : public ObjectSource {
    Q_OBJECT
public:
    struct Options {
        KubeInformer::Options informer;
        std::chrono::milliseconds coalesce { 50 };
        qsizetype flushAt = 2000;
    };

    struct KindStatus {
        ObjectKind kind = ObjectKind::Unknown;
        KubeResource resource;
        // The worst state over the kind's namespaces (Forbidden, Failed, NotInstalled, Reconnecting, Listing,
        // Synced), with that namespace's message.
        KubeInformer::State state = KubeInformer::State::Idle;
        QString message;
        QDateTime nextRetry; // set while a retry is pending
        int relists = 0; // lists started because of a 410, summed over the namespaces
    };

    // namespaces empty: all namespaces.
    KubeSource(const ResolvedContext& context, const QStringList& namespaces, QObject* parent = nullptr);
    ~KubeSource() override;

    // Before start().
    void setOptions(const Options& options);
    const Options& options() const { return m_options; }

    void start() override;
    // Shuts the worker down (every request is cancelled) and withdraws the objects of origin() from the store
    // (an empty snapshot). start() begins anew.
    void stop();
    // Skips the wait of every pending retry.
    void retryNow();
    QString displayName() const override;

    bool isRunning() const { return m_thread != nullptr; }
    // KnativeObject::origin of every object from here: "kube:<context>".
    QString origin() const { return m_origin; }
    const ResolvedContext& context() const { return m_context; }
    QStringList namespaces() const { return m_namespaces; }

    bool hasDiscovery() const { return m_discovery.has_value(); }
    // Valid once discovered() was emitted.
    const KubeDiscovery& discovery() const;
    QString discoveryError() const { return m_discoveryError; }
    // Every informer has listed once.
    bool isSynced() const { return m_synced; }
    QList<KindStatus> kindStates() const { return m_kinds; }
    std::optional<KindStatus> kindState(ObjectKind kind) const;

Q_SIGNALS:
    void discovered(const KubeDiscovery& discovery);
    // Discovery failed (the server cannot be reached, credentials...); it is retried at nextRetry.
    void discoveryFailed(const QString& message, const QDateTime& nextRetry);
    void kindStateChanged(const KubeResource& resource, KubeInformer::State state, const QString& message);
    // A 410 made the informer of resource list again.
    void relisted(const KubeResource& resource, const QString& reason);
    // Every informer has listed once; the objects of those lists have all been emitted before.
    void synced();

private:
    void shutdownWorker();
    void onDiscovered(const KubeDiscovery& discovery);
    void onKindState(int index, KubeInformer::State state, const QString& message, const QDateTime& nextRetry);

    ResolvedContext m_context;
    QStringList m_namespaces;
    QString m_origin;
    Options m_options;
    QThread* m_thread = nullptr;
    QPointer<KubeSourceWorker> m_worker;
    quint64 m_generation = 0;
    std::optional<KubeDiscovery> m_discovery;
    QString m_discoveryError;
    QList<KindStatus> m_kinds;
    bool m_synced = false;
};
