// SPDX-License-Identifier: Apache-2.0
// KubeSource against a real kube-apiserver, as the window uses it: an ObjectStore fed through connectSource must
// hold exactly the cluster's objects after a paginated list of 5,000 triggers, after 1,000 changes while watching,
// after an API server restart in the middle of a watch, and after a forced 410. Also discovery, a 403 for one kind
// while another syncs, and a cluster that lost Knative Eventing.
#include "kubebulk.h"
#include "kubeharness.h"
#include "kubesource.h"
#include "objectstore.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString NamespaceA = u"mesh-a"_s;
const QString NamespaceB = u"mesh-b"_s;

using Snapshot = QHash<QString, QString>; // ObjectKey::toString() -> resourceVersion

QString triggersPath(const QString& ns, const QString& name = {})
{
    return u"/apis/eventing.knative.dev/v1/namespaces/"_s + ns + u"/triggers"_s
        + (name.isEmpty() ? QString() : u'/' + name);
}

QString triggerName(int i) { return u"t"_s + QString::number(i).rightJustified(5, u'0'); }

Snapshot storeSnapshot(const ObjectStore& store)
{
    Snapshot snapshot;
    const auto objects = store.objects();
    for (const auto& object : objects)
        snapshot.insert(object->key.toString(), object->resourceVersion);
    return snapshot;
}

// What differs, for a readable failure.
QString difference(const Snapshot& actual, const Snapshot& expected)
{
    QStringList lines;
    for (auto it = expected.constBegin(); it != expected.constEnd() && lines.size() < 10; ++it) {
        if (!actual.contains(it.key()))
            lines.append(u"missing "_s + it.key());
        else if (actual.value(it.key()) != it.value())
            lines.append(u"stale "_s + it.key() + u' ' + actual.value(it.key()) + u" != "_s + it.value());
    }
    for (auto it = actual.constBegin(); it != actual.constEnd() && lines.size() < 10; ++it) {
        if (!expected.contains(it.key()))
            lines.append(u"ghost "_s + it.key());
    }
    return u"%1 objects, expected %2: "_s.arg(actual.size()).arg(expected.size()) + lines.join(u"; "_s);
}

// Checks the changes a source emits: never an Added for a key it reported already, never a Modified or Deleted
// for one it did not.
class Ledger {
public:
    explicit Ledger(ObjectSource* source)
    {
        m_connection = QObject::connect(source, &ObjectSource::changes, source, [this](const ObjectChangeBatch& batch) {
            ++batches;
            for (const ObjectChange& change : batch) {
                const QString key = change.object->key.toString();
                const bool known = objects.contains(key);
                if (change.type == ObjectChange::Type::Added && known)
                    errors.append(u"duplicate "_s + key);
                if (change.type != ObjectChange::Type::Added && !known)
                    errors.append(u"ghost "_s + key);
                if (change.type == ObjectChange::Type::Deleted)
                    objects.remove(key);
                else
                    objects.insert(key);
            }
        });
    }
    ~Ledger() { QObject::disconnect(m_connection); }
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    QSet<QString> objects;
    QStringList errors;
    int batches = 0;

private:
    QMetaObject::Connection m_connection;
};

} // namespace

class TestKubeSource : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Qt reports every watch the API server restarts cut off; that is what these tests do on purpose.
        QLoggingCategory::setFilterRules(u"qt.network.http2.warning=false"_s);
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        m_bulk = std::make_unique<KubeBulk>(m_harness);
        for (const QString& ns : { NamespaceA, NamespaceB })
            QCOMPARE(m_bulk->call({ "POST", u"/api/v1/namespaces"_s, KubeBulk::namespaceObject(ns) }).status, 201);
    }

    void cleanupTestCase()
    {
        m_source.reset();
        m_bulk.reset();
    }

    void discoversKnative()
    {
        KubeSource source(context(KubeHarness::User::Admin), { NamespaceB });
        source.setOptions(options());
        QSignalSpy discovered(&source, &KubeSource::discovered);
        QSignalSpy synced(&source, &KubeSource::synced);
        source.start();
        QVERIFY(discovered.wait(30'000));
        const KubeDiscovery& discovery = source.discovery();
        QVERIFY(discovery.eventingInstalled());
        QVERIFY(discovery.eventingMessage().isEmpty());
        using Api = KubeDiscovery::Api;
        QCOMPARE(discovery.apiVersion(Api::Eventing), u"eventing.knative.dev/v1"_s);
        QCOMPARE(discovery.apiVersion(Api::Messaging), u"messaging.knative.dev/v1"_s);
        QCOMPARE(discovery.apiVersion(Api::Flows), u"flows.knative.dev/v1"_s);
        QCOMPARE(discovery.apiVersion(Api::Sources), u"sources.knative.dev/v1"_s);
        QCOMPARE(discovery.apiVersion(Api::Serving), u"serving.knative.dev/v1"_s);
        QCOMPARE(discovery.apiVersion(Api::Autoscaling), u"autoscaling.internal.knative.dev/v1alpha1"_s);
        QCOMPARE(discovery.apiVersion(Api::KafkaBroker), u"internal.kafka.eventing.knative.dev/v1alpha1"_s);
        QCOMPARE(discovery.apiVersion(Api::KafkaChannel), u"messaging.knative.dev/v1beta1"_s);
        QVERIFY(discovery.apiVersion(Api::KafkaSource).startsWith(u"sources.knative.dev/"_s));
        // Neither is installed by the harness.
        QVERIFY(!discovery.isInstalled(Api::RabbitmqBroker));
        QVERIFY(!discovery.isInstalled(Api::Keda));
        qInfo("%s", qPrintable(discovery.summary().join(u"; "_s)));

        QCOMPARE(source.kindStates().size(), KubeDiscovery::watchedKinds().size());
        QVERIFY(synced.wait(30'000));
        QVERIFY(source.isSynced());
        const auto states = source.kindStates();
        for (const auto& status : states)
            QVERIFY2(status.state == KubeInformer::State::Synced, qPrintable(status.resource.qualifiedName()));
    }

    // 5,000 triggers listed in pages of 500 reach the store in a few batches, exactly once each.
    void listsFiveThousandTriggers()
    {
        QList<KubeBulk::Op> creates { { "POST",
            u"/apis/eventing.knative.dev/v1/namespaces/%1/brokers"_s.arg(NamespaceA),
            KubeBulk::broker(NamespaceA, u"default"_s) } };
        for (int i = 0; i < 5000; ++i) {
            creates.append({ "POST", triggersPath(NamespaceA),
                KubeBulk::trigger(NamespaceA, triggerName(i), u"default"_s, u"sink%1"_s.arg(i % 50)) });
        }
        QElapsedTimer timer;
        timer.start();
        for (const auto& result : m_bulk->run(creates, 128))
            QCOMPARE(result.status, 201);
        qInfo("created 5,001 objects in %lld ms", timer.elapsed());

        m_source = std::make_unique<KubeSource>(context(KubeHarness::User::Admin), QStringList { NamespaceA });
        m_source->setOptions(options());
        m_store = std::make_unique<ObjectStore>();
        m_store->connectSource(m_source.get());
        m_ledger = std::make_unique<Ledger>(m_source.get());
        QSignalSpy synced(m_source.get(), &KubeSource::synced);
        timer.restart();
        m_source->start();
        QVERIFY(synced.wait(120'000));
        qInfo("synced 5,001 objects in %lld ms, %d batches", timer.elapsed(), m_ledger->batches);
        QCOMPARE(m_store->objects(ObjectKind::Trigger).size(), 5000);
        QCOMPARE(storeSnapshot(*m_store), clusterSnapshot({ NamespaceA }));
        QVERIFY2(m_ledger->batches <= 30, qPrintable(QString::number(m_ledger->batches)));
        QVERIFY2(m_ledger->errors.isEmpty(), qPrintable(m_ledger->errors.join(u'\n')));
        const auto trigger = m_store->find({ u"eventing.knative.dev"_s, u"Trigger"_s, NamespaceA, triggerName(7) });
        QVERIFY(trigger);
        QCOMPARE(trigger->origin, m_source->origin());
        QCOMPARE(trigger->broker, u"default"_s);
    }

    // 400 creates, 300 updates and 300 deletes at once while it watches.
    void followsThousandChanges()
    {
        QVERIFY(m_source && m_source->isSynced());
        QList<KubeBulk::Op> changes;
        for (int i = 0; i < 400; ++i) {
            changes.append({ "POST", triggersPath(NamespaceA),
                KubeBulk::trigger(NamespaceA, u"c"_s + triggerName(i), u"default"_s, u"sink"_s) });
        }
        for (int i = 0; i < 300; ++i)
            changes.append(KubeBulk::relabel(triggersPath(NamespaceA, triggerName(1000 + i)), 1));
        for (int i = 0; i < 300; ++i)
            changes.append({ "DELETE", triggersPath(NamespaceA, triggerName(2000 + i)), {} });
        // Interleaved, so that creates, updates and deletes arrive mixed.
        QList<KubeBulk::Op> mixed;
        for (int i = 0; i < 400; ++i) {
            mixed.append(changes[i]);
            if (i < 300) {
                mixed.append(changes[400 + i]);
                mixed.append(changes[700 + i]);
            }
        }
        QCOMPARE(mixed.size(), 1000);
        for (const auto& result : m_bulk->run(mixed, 64))
            QVERIFY2(result.status == 200 || result.status == 201, qPrintable(QString::number(result.status)));

        const Snapshot expected = clusterSnapshot({ NamespaceA });
        QCOMPARE(expected.size(), 5001 + 400 - 300);
        QTRY_VERIFY2_WITH_TIMEOUT(
            storeSnapshot(*m_store) == expected, qPrintable(difference(storeSnapshot(*m_store), expected)), 60'000);
        QVERIFY2(m_ledger->errors.isEmpty(), qPrintable(m_ledger->errors.join(u'\n')));
    }

    // The API server goes away in the middle of the watches and comes back; objects change right after.
    void survivesApiServerRestart()
    {
        QVERIFY(m_source && m_source->isSynced());
        QSignalSpy states(m_source.get(), &KubeSource::kindStateChanged);
        QString error;
        QVERIFY2(m_harness.restartApiServer(&error), qPrintable(error));
        m_bulk->resetConnections();
        QList<KubeBulk::Op> changes;
        for (int i = 0; i < 50; ++i) {
            changes.append({ "DELETE", triggersPath(NamespaceA, triggerName(3000 + i)), {} });
            changes.append({ "POST", triggersPath(NamespaceA),
                KubeBulk::trigger(NamespaceA, u"r"_s + triggerName(i), u"default"_s, u"sink"_s) });
            changes.append(KubeBulk::relabel(triggersPath(NamespaceA, triggerName(4000 + i)), 2));
        }
        for (const auto& result : m_bulk->run(changes, 64))
            QVERIFY2(result.status == 200 || result.status == 201, qPrintable(QString::number(result.status)));

        const Snapshot expected = clusterSnapshot({ NamespaceA });
        QTRY_VERIFY2_WITH_TIMEOUT(
            storeSnapshot(*m_store) == expected, qPrintable(difference(storeSnapshot(*m_store), expected)), 60'000);
        QVERIFY2(m_ledger->errors.isEmpty(), qPrintable(m_ledger->errors.join(u'\n')));
        bool reconnected = false;
        for (const auto& arguments : std::as_const(states))
            reconnected |= arguments.at(1).value<KubeInformer::State>() == KubeInformer::State::Reconnecting;
        QVERIFY(reconnected);
        QTRY_COMPARE_WITH_TIMEOUT(m_source->kindState(ObjectKind::Trigger)->state, KubeInformer::State::Synced, 10'000);
    }

    // The watches break while the API server restarts without its watch cache; the source waits (a long backoff)
    // while objects change and etcd is compacted, then resumes from a resourceVersion that is gone: 410, relist.
    void relistsAfterCompaction()
    {
        m_source->stop();
        QCOMPARE(m_store->size(), 0); // stop() withdrew its objects
        m_ledger = std::make_unique<Ledger>(m_source.get());

        KubeSource::Options patient = options();
        patient.informer.backoff = { 60s, 2.0, 60s, 0.0, 120s };
        m_source->setOptions(patient);
        QSignalSpy synced(m_source.get(), &KubeSource::synced);
        m_source->start();
        QVERIFY(synced.wait(120'000));
        QCOMPARE(storeSnapshot(*m_store), clusterSnapshot({ NamespaceA }));
        QSignalSpy relisted(m_source.get(), &KubeSource::relisted);

        m_harness.setExtraApiServerArgs({ u"--watch-cache=false"_s });
        QString error;
        QVERIFY2(m_harness.restartApiServer(&error), qPrintable(error));
        m_bulk->resetConnections();
        QTRY_COMPARE_WITH_TIMEOUT(
            m_source->kindState(ObjectKind::Trigger)->state, KubeInformer::State::Reconnecting, 10'000);
        QList<KubeBulk::Op> changes;
        for (int i = 0; i < 20; ++i) {
            changes.append({ "DELETE", triggersPath(NamespaceA, triggerName(100 + i)), {} });
            changes.append({ "POST", triggersPath(NamespaceA),
                KubeBulk::trigger(NamespaceA, u"g"_s + triggerName(i), u"default"_s, u"sink"_s) });
            changes.append(KubeBulk::relabel(triggersPath(NamespaceA, triggerName(200 + i)), 3));
        }
        for (const auto& result : m_bulk->run(changes, 64))
            QVERIFY2(result.status == 200 || result.status == 201, qPrintable(QString::number(result.status)));
        QVERIFY2(m_harness.compact(&error), qPrintable(error));
        const Snapshot expected = clusterSnapshot({ NamespaceA });
        QVERIFY(storeSnapshot(*m_store) != expected);

        m_source->retryNow();
        QTRY_VERIFY2_WITH_TIMEOUT(
            storeSnapshot(*m_store) == expected, qPrintable(difference(storeSnapshot(*m_store), expected)), 60'000);
        bool triggersRelisted = false;
        for (const auto& arguments : std::as_const(relisted))
            triggersRelisted |= arguments.at(0).value<KubeResource>().plural == u"triggers"_s;
        QVERIFY(triggersRelisted);
        QVERIFY(m_source->kindState(ObjectKind::Trigger)->relists >= 1);
        QVERIFY2(m_ledger->errors.isEmpty(), qPrintable(m_ledger->errors.join(u'\n')));
    }

    // The limited user may read brokers only: brokers sync, triggers (and the rest) are Forbidden, and say why.
    void forbiddenKindsDoNotStopOthers()
    {
        QCOMPARE(m_bulk
                     ->call({ "POST", u"/apis/eventing.knative.dev/v1/namespaces/%1/brokers"_s.arg(NamespaceB),
                         KubeBulk::broker(NamespaceB, u"limited"_s) })
                     .status,
            201);
        KubeSource source(context(KubeHarness::User::Limited), { NamespaceB });
        source.setOptions(options());
        ObjectStore store;
        store.connectSource(&source);
        source.start();
        const auto stateOf = [&source](ObjectKind kind) {
            const auto status = source.kindState(kind);
            return status ? status->state : KubeInformer::State::Idle;
        };
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(ObjectKind::Broker), KubeInformer::State::Synced, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(ObjectKind::Trigger), KubeInformer::State::Forbidden, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(ObjectKind::Deployment), KubeInformer::State::Forbidden, 30'000);
        const QString message = source.kindState(ObjectKind::Trigger)->message;
        QVERIFY2(
            message.contains(u"list triggers.eventing.knative.dev in namespace \"mesh-b\""_s), qPrintable(message));
        QVERIFY(source.kindState(ObjectKind::Trigger)->nextRetry.isValid());
        QTRY_COMPARE_WITH_TIMEOUT(store.objects(ObjectKind::Broker).size(), 1, 10'000);
        QCOMPARE(store.size(), 1);
        QVERIFY(!source.isSynced());
    }

    // Without brokers and triggers, discovery says Knative Eventing is missing, and the running source sees its
    // trigger kind go NotInstalled.
    void clusterWithoutEventing()
    {
        for (const QString& crd : { u"triggers.eventing.knative.dev"_s, u"brokers.eventing.knative.dev"_s }) {
            const auto result
                = m_bulk->call({ "DELETE", u"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"_s + crd, {} });
            QCOMPARE(result.status, 200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_bulk->call({ "GET", u"/apis/eventing.knative.dev/v1"_s, {} }).status, 404, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_source->kindState(ObjectKind::Trigger)->state, KubeInformer::State::NotInstalled, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_store->objects(ObjectKind::Trigger).size(), 0, 30'000);

        KubeSource source(context(KubeHarness::User::Admin), { NamespaceB });
        source.setOptions(options());
        QSignalSpy discovered(&source, &KubeSource::discovered);
        source.start();
        QVERIFY(discovered.wait(30'000));
        QVERIFY(!source.discovery().eventingInstalled());
        QVERIFY2(source.discovery().eventingMessage().contains(u"Knative Eventing is not installed"_s),
            qPrintable(source.discovery().eventingMessage()));
        QVERIFY(!source.kindState(ObjectKind::Trigger));
        QVERIFY(!source.kindState(ObjectKind::Broker));
        QVERIFY(source.kindState(ObjectKind::Subscription));
    }

private:
    ResolvedContext context(KubeHarness::User user) const
    {
        ResolvedContext context;
        context.context.name = u"harness"_s;
        context.cluster.name = u"harness"_s;
        context.cluster.server = m_harness.server().toString();
        context.cluster.certificateAuthority = m_harness.caFile();
        if (user == KubeHarness::User::Admin) {
            context.user.name = u"admin"_s;
            context.user.token = m_harness.adminToken();
        } else {
            context.user.name = KubeHarness::limitedUserName();
            context.user.clientCertificate = m_harness.limitedCertFile();
            context.user.clientKey = m_harness.limitedKeyFile();
        }
        return context;
    }

    static KubeSource::Options options()
    {
        KubeSource::Options options;
        options.informer.backoff = { 100ms, 2.0, 1s, 0.5, 120s };
        return options;
    }

    // Every object of the kinds Meshscope watches in namespaces, as the API lists them.
    Snapshot clusterSnapshot(const QStringList& namespaces)
    {
        Snapshot snapshot;
        const KubeDiscovery& discovery = m_source->discovery();
        for (const ObjectKind kind : KubeDiscovery::watchedKinds()) {
            const auto resource = discovery.resource(kind);
            if (!resource)
                continue;
            for (const QString& ns : namespaces) {
                const QJsonArray items = m_bulk->list(resource->path(ns));
                for (const QJsonValue& item : items) {
                    const QJsonObject metadata = item[u"metadata"].toObject();
                    const ObjectKey key { resource->group, resource->kind, metadata.value(u"namespace"_s).toString(),
                        metadata.value(u"name"_s).toString() };
                    snapshot.insert(key.toString(), metadata.value(u"resourceVersion"_s).toString());
                }
            }
        }
        return snapshot;
    }

    KubeHarness m_harness;
    std::unique_ptr<KubeBulk> m_bulk;
    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<KubeSource> m_source;
    std::unique_ptr<Ledger> m_ledger;
};

QTEST_GUILESS_MAIN(TestKubeSource)
#include "tst_kubesource.moc"
