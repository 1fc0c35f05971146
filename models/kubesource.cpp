// SPDX-License-Identifier: Apache-2.0
#include "kubesource.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// The kinds a discovery lets us watch, in a fixed order: the index is how the worker names a kind to the source.
QList<ObjectKind> watchedKinds(const KubeDiscovery& discovery)
{
    QList<ObjectKind> kinds;
    for (const ObjectKind kind : KubeDiscovery::watchedKinds()) {
        if (discovery.resources.contains(kind))
            kinds.append(kind);
    }
    return kinds;
}

// Which state of several namespaces the kind shows: the one that needs the user's attention most.
int severity(KubeInformer::State state)
{
    switch (state) {
    case KubeInformer::State::Synced:
        return 0;
    case KubeInformer::State::Idle:
        return 1;
    case KubeInformer::State::Listing:
        return 2;
    case KubeInformer::State::Reconnecting:
        return 3;
    case KubeInformer::State::NotInstalled:
        return 4;
    case KubeInformer::State::Failed:
        return 5;
    case KubeInformer::State::Forbidden:
        return 6;
    }
    return 0;
}

QJsonObject jsonObject(const QByteArray& body) { return QJsonDocument::fromJson(body).object(); }

} // namespace

// Lives on the source's thread: the client, discovery, the informers, and the batching of their changes.
class KubeSourceWorker : public QObject {
    Q_OBJECT
public:
    KubeSourceWorker(const ResolvedContext& context, const QStringList& namespaces, const QString& origin,
        const KubeSource::Options& options)
        : m_context(context)
        , m_namespaces(namespaces)
        , m_origin(origin)
        , m_options(options)
        , m_flushTimer(this)
        , m_discoveryRetry(this)
    {
        m_flushTimer.setSingleShot(true);
        m_discoveryRetry.setSingleShot(true);
        connect(&m_flushTimer, &QTimer::timeout, this, &KubeSourceWorker::flush);
        connect(&m_discoveryRetry, &QTimer::timeout, this, &KubeSourceWorker::discover);
        if (m_namespaces.isEmpty())
            m_namespaces.append(QString());
    }

    ~KubeSourceWorker() override { shutdown(); }

    void start()
    {
        m_client = std::make_unique<KubeClient>(m_context);
        discover();
    }

    // Everything that talks to the network goes, on this thread.
    void shutdown()
    {
        m_flushTimer.stop();
        m_discoveryRetry.stop();
        for (const auto& informers : std::as_const(m_informers))
            qDeleteAll(informers);
        m_informers.clear();
        m_client.reset();
    }

    void retryNow()
    {
        if (m_discoveryRetry.isActive()) {
            m_discoveryRetry.stop();
            discover();
        }
        for (const auto& informers : std::as_const(m_informers)) {
            for (KubeInformer* informer : informers)
                informer->retryNow();
        }
    }

Q_SIGNALS:
    void discovered(const KubeDiscovery& discovery);
    void discoveryFailed(const QString& message, const QDateTime& nextRetry);
    void batch(const ObjectChangeBatch& batch);
    void kindState(int index, KubeInformer::State state, const QString& message, const QDateTime& nextRetry);
    void relisted(int index, const QString& reason);
    void synced();

private:
    void discover()
    {
        const quint64 round = ++m_discoveryRound;
        m_core = {};
        m_groups = {};
        m_resourceLists.clear();
        m_discoveryPending = 2;
        m_client->get(u"/api"_s, {}, [this, round](const KubeResponse& response) {
            if (round != m_discoveryRound)
                return;
            if (!response.ok())
                return failDiscovery(response.error);
            m_core = jsonObject(response.body);
            discoveryStepDone();
        });
        m_client->get(u"/apis"_s, {}, [this, round](const KubeResponse& response) {
            if (round != m_discoveryRound)
                return;
            if (!response.ok())
                return failDiscovery(response.error);
            m_groups = jsonObject(response.body);
            const QStringList needed = KubeDiscovery::resourceListsNeeded(m_groups);
            m_discoveryPending += int(needed.size());
            for (const QString& groupVersion : needed) {
                m_client->get(u"/apis/"_s + groupVersion, {}, [this, round, groupVersion](const KubeResponse& list) {
                    if (round != m_discoveryRound)
                        return;
                    // A version listed a moment ago may be gone already (a CRD being removed): it serves nothing.
                    if (!list.ok() && list.error.kind != KubeError::Kind::NotFound)
                        return failDiscovery(list.error);
                    if (list.ok())
                        m_resourceLists.insert(groupVersion, jsonObject(list.body));
                    discoveryStepDone();
                });
            }
            discoveryStepDone();
        });
    }

    void failDiscovery(const KubeError& error)
    {
        ++m_discoveryRound;
        const auto& backoff = m_options.informer.backoff;
        const double base = std::min(double(backoff.max.count()),
            double(backoff.initial.count()) * std::pow(std::max(1.0, backoff.factor), m_discoveryFailures));
        ++m_discoveryFailures;
        const double jitter = QRandomGenerator::global()->generateDouble() * backoff.jitter;
        const auto delay = std::chrono::milliseconds(qint64(base * (1.0 + jitter)));
        m_discoveryRetry.start(delay);
        Q_EMIT discoveryFailed(
            u"Discovery of the APIs of "_s + m_client->server().toDisplayString() + u" failed: "_s + error.message,
            QDateTime::currentDateTime().addMSecs(delay.count()));
    }

    void discoveryStepDone()
    {
        if (--m_discoveryPending > 0)
            return;
        m_discoveryFailures = 0;
        const KubeDiscovery discovery = KubeDiscovery::parse(m_core, m_groups, m_resourceLists);
        m_core = {};
        m_groups = {};
        m_resourceLists.clear();
        Q_EMIT discovered(discovery);
        startInformers(discovery);
    }

    void startInformers(const KubeDiscovery& discovery)
    {
        const QList<ObjectKind> kinds = watchedKinds(discovery);
        m_informers.resize(kinds.size());
        m_reported.resize(kinds.size());
        for (qsizetype index = 0; index < kinds.size(); ++index) {
            const KubeResource resource = *discovery.resource(kinds[index]);
            const QStringList namespaces = resource.namespaced ? m_namespaces : QStringList { QString() };
            for (const QString& ns : namespaces) {
                auto* informer = new KubeInformer(m_client.get(), resource, ns, m_origin, this);
                informer->setOptions(m_options.informer);
                connect(informer, &KubeInformer::changes, this, &KubeSourceWorker::collect);
                connect(informer, &KubeInformer::stateChanged, this, [this, index] { updateKind(int(index)); });
                connect(informer, &KubeInformer::relisting, this,
                    [this, index](const QString& reason) { Q_EMIT relisted(int(index), reason); });
                connect(informer, &KubeInformer::listed, this, &KubeSourceWorker::checkSynced);
                m_informers[index].append(informer);
            }
        }
        for (const auto& informers : std::as_const(m_informers)) {
            for (KubeInformer* informer : informers)
                informer->start();
        }
        checkSynced();
    }

    void updateKind(int index)
    {
        const KubeInformer* worst = nullptr;
        for (const KubeInformer* informer : std::as_const(m_informers[index])) {
            if (!worst || severity(informer->state()) > severity(worst->state()))
                worst = informer;
        }
        if (!worst)
            return;
        auto& reported = m_reported[index];
        if (reported.first == worst->state() && reported.second == worst->stateMessage())
            return;
        reported = { worst->state(), worst->stateMessage() };
        Q_EMIT kindState(index, worst->state(), worst->stateMessage(), worst->nextRetry());
    }

    void checkSynced()
    {
        if (m_synced)
            return;
        for (const auto& informers : std::as_const(m_informers)) {
            for (const KubeInformer* informer : informers) {
                if (!informer->hasSynced())
                    return;
            }
        }
        m_synced = true;
        flush();
        Q_EMIT synced();
    }

    // Several changes of one object within a batch fold into one, so a churning object costs the GUI one update.
    void collect(const ObjectChangeBatch& changes)
    {
        using Type = ObjectChange::Type;
        for (const ObjectChange& change : changes) {
            const ObjectKey& key = change.object->key;
            const auto known = m_pendingIndex.constFind(key);
            if (known == m_pendingIndex.constEnd()) {
                m_pendingIndex.insert(key, m_pending.size());
                m_pending.append(change);
                continue;
            }
            ObjectChange& earlier = m_pending[known.value()];
            if (earlier.type == Type::Added && change.type == Type::Deleted) {
                earlier.object.reset();
                m_pendingIndex.erase(known);
            } else if (earlier.type == Type::Added) {
                earlier.object = change.object;
            } else if (earlier.type == Type::Deleted && change.type != Type::Deleted) {
                earlier = { Type::Modified, change.object };
            } else {
                earlier = change;
            }
        }
        if (m_pending.size() >= m_options.flushAt)
            flush();
        else if (!m_pending.isEmpty() && !m_flushTimer.isActive())
            m_flushTimer.start(m_options.coalesce);
    }

    void flush()
    {
        m_flushTimer.stop();
        m_pendingIndex.clear();
        ObjectChangeBatch ready;
        ready.reserve(m_pending.size());
        for (ObjectChange& change : m_pending) {
            if (change.object)
                ready.append(std::move(change));
        }
        m_pending.clear();
        if (!ready.isEmpty())
            Q_EMIT batch(ready);
    }

    ResolvedContext m_context;
    QStringList m_namespaces; // "" for all namespaces
    QString m_origin;
    KubeSource::Options m_options;
    std::unique_ptr<KubeClient> m_client;

    QTimer m_flushTimer;
    QTimer m_discoveryRetry;
    quint64 m_discoveryRound = 0;
    int m_discoveryPending = 0;
    int m_discoveryFailures = 0;
    QJsonObject m_core;
    QJsonObject m_groups;
    QHash<QString, QJsonObject> m_resourceLists;

    QList<QList<KubeInformer*>> m_informers; // by kind index, one per namespace
    QList<std::pair<KubeInformer::State, QString>> m_reported;
    bool m_synced = false;

    ObjectChangeBatch m_pending;
    QHash<ObjectKey, qsizetype> m_pendingIndex;
};

KubeSource::KubeSource(const ResolvedContext& context, const QStringList& namespaces, QObject* parent)
    : ObjectSource(parent)
    , m_context(context)
    , m_namespaces(namespaces)
    , m_origin(u"kube:"_s + context.context.name)
{
    qRegisterMetaType<ObjectChangeBatch>();
    qRegisterMetaType<KubeDiscovery>();
    m_namespaces.removeDuplicates();
    m_namespaces.removeAll(QString());
}

KubeSource::~KubeSource() { shutdownWorker(); }

void KubeSource::shutdownWorker()
{
    if (!m_thread)
        return;
    ++m_generation;
    // The client and the informers must go on the thread they live on; the worker never waits for this one.
    QMetaObject::invokeMethod(m_worker, &KubeSourceWorker::shutdown, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

void KubeSource::setOptions(const Options& options) { m_options = options; }

QString KubeSource::displayName() const
{
    const QString where = m_namespaces.isEmpty() ? u"all namespaces"_s : m_namespaces.join(u", "_s);
    return m_context.context.name + u" ("_s + where + u')';
}

const KubeDiscovery& KubeSource::discovery() const
{
    static const KubeDiscovery none;
    return m_discovery ? *m_discovery : none;
}

std::optional<KubeSource::KindStatus> KubeSource::kindState(ObjectKind kind) const
{
    for (const KindStatus& status : m_kinds) {
        if (status.kind == kind)
            return status;
    }
    return std::nullopt;
}

void KubeSource::start()
{
    if (m_thread)
        return;
    const quint64 generation = ++m_generation;
    m_discovery.reset();
    m_discoveryError.clear();
    m_kinds.clear();
    m_synced = false;

    m_thread = new QThread;
    m_thread->setObjectName(u"KubeSource "_s + m_context.context.name);
    auto* worker = new KubeSourceWorker(m_context, m_namespaces, m_origin, m_options);
    worker->moveToThread(m_thread);
    m_worker = worker;
    // Deleted on its own thread once that has stopped; shutdown() has released the network by then.
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);

    // Queued from the worker; what arrives after stop() belongs to an earlier generation and is dropped.
    const auto current = [this, generation] { return generation == m_generation; };
    connect(worker, &KubeSourceWorker::batch, this, [this, current](const ObjectChangeBatch& batch) {
        if (current())
            Q_EMIT changes(batch);
    });
    connect(worker, &KubeSourceWorker::discovered, this, [this, current](const KubeDiscovery& discovery) {
        if (current())
            onDiscovered(discovery);
    });
    connect(worker, &KubeSourceWorker::discoveryFailed, this,
        [this, current](const QString& message, const QDateTime& nextRetry) {
            if (!current())
                return;
            m_discoveryError = message;
            Q_EMIT discoveryFailed(message, nextRetry);
        });
    connect(worker, &KubeSourceWorker::kindState, this,
        [this, current](int index, KubeInformer::State state, const QString& message, const QDateTime& nextRetry) {
            if (current())
                onKindState(index, state, message, nextRetry);
        });
    connect(worker, &KubeSourceWorker::relisted, this, [this, current](int index, const QString& reason) {
        if (!current() || index < 0 || index >= m_kinds.size())
            return;
        ++m_kinds[index].relists;
        Q_EMIT relisted(m_kinds[index].resource, reason);
    });
    connect(worker, &KubeSourceWorker::synced, this, [this, current] {
        if (!current())
            return;
        m_synced = true;
        Q_EMIT synced();
    });

    m_thread->start();
    QMetaObject::invokeMethod(worker, &KubeSourceWorker::start, Qt::QueuedConnection);
}

void KubeSource::stop()
{
    if (!m_thread)
        return;
    shutdownWorker();
    m_synced = false;
    for (KindStatus& status : m_kinds) {
        status.state = KubeInformer::State::Idle;
        status.message.clear();
        status.nextRetry = {};
    }
    Q_EMIT snapshot(m_origin, {});
}

void KubeSource::retryNow()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &KubeSourceWorker::retryNow, Qt::QueuedConnection);
}

void KubeSource::onDiscovered(const KubeDiscovery& discovery)
{
    m_discovery = discovery;
    m_discoveryError.clear();
    m_kinds.clear();
    for (const ObjectKind kind : watchedKinds(discovery)) {
        KindStatus status;
        status.kind = kind;
        status.resource = *discovery.resource(kind);
        m_kinds.append(status);
    }
    Q_EMIT discovered(discovery);
}

void KubeSource::onKindState(int index, KubeInformer::State state, const QString& message, const QDateTime& nextRetry)
{
    if (index < 0 || index >= m_kinds.size())
        return;
    KindStatus& status = m_kinds[index];
    status.state = state;
    status.message = message;
    status.nextRetry = nextRetry;
    Q_EMIT kindStateChanged(status.resource, state, message);
}

#include "kubesource.moc"
