// SPDX-License-Identifier: Apache-2.0
// KubeInformer against a real kube-apiserver: pages, watch events, resumed watches, a forced 410 and its relist
// that reports exactly the differences, 403 and 404, and the backoff.
#include "kubebulk.h"
#include "kubeclient.h"
#include "kubeharness.h"
#include "kubeinformer.h"

#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString Namespace = u"informer"_s;

KubeResource triggers() { return { u"eventing.knative.dev"_s, u"v1"_s, u"triggers"_s, u"Trigger"_s, true }; }

QString triggerPath(const QString& name = {}) { return triggers().path(Namespace, name); }

QString triggerName(int i) { return u"t"_s + QString::number(i).rightJustified(4, u'0'); }

// Counts the changes an informer reported, and checks they never repeat or miss anything: an Added for a key
// already there, a Modified or Deleted for one that is not, is an error.
class Ledger {
public:
    explicit Ledger(KubeInformer* informer)
    {
        m_connection
            = QObject::connect(informer, &KubeInformer::changes, informer, [this](const ObjectChangeBatch& batch) {
                  ++batches;
                  for (const ObjectChange& change : batch) {
                      const QString key = change.object->key.toString();
                      switch (change.type) {
                      case ObjectChange::Type::Added:
                          ++added;
                          if (objects.contains(key))
                              errors.append(u"duplicate Added "_s + key);
                          objects.insert(key, change.object->resourceVersion);
                          break;
                      case ObjectChange::Type::Modified:
                          ++modified;
                          if (!objects.contains(key))
                              errors.append(u"Modified for unknown "_s + key);
                          else if (objects.value(key) == change.object->resourceVersion)
                              errors.append(u"Modified without change "_s + key);
                          objects.insert(key, change.object->resourceVersion);
                          break;
                      case ObjectChange::Type::Deleted:
                          ++deleted;
                          if (objects.remove(key) == 0)
                              errors.append(u"ghost Deleted "_s + key);
                          break;
                      }
                  }
              });
    }
    ~Ledger() { QObject::disconnect(m_connection); }
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;
    void resetCounts() { batches = added = modified = deleted = 0; }

    QHash<QString, QString> objects; // key -> resourceVersion
    QStringList errors;
    int batches = 0;
    int added = 0;
    int modified = 0;
    int deleted = 0;

private:
    QMetaObject::Connection m_connection;
};

} // namespace

class TestKubeInformer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Qt reports every watch the API server restarts cut off; that is what these tests do on purpose.
        QLoggingCategory::setFilterRules(u"qt.network.http2.warning=false"_s);
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        m_bulk = std::make_unique<KubeBulk>(m_harness);
        QCOMPARE(m_bulk->call({ "POST", u"/api/v1/namespaces"_s, KubeBulk::namespaceObject(Namespace) }).status, 201);
        m_client = std::make_unique<KubeClient>(context(KubeHarness::User::Admin));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_bulk.reset();
    }

    // 1,050 objects in pages of 100: eleven batches, all Added, one list.
    void listsInPages()
    {
        QList<KubeBulk::Op> creates;
        for (int i = 0; i < 1050; ++i) {
            const QString name = triggerName(i);
            creates.append({ "POST", triggerPath(), KubeBulk::trigger(Namespace, name, u"default"_s, u"sink"_s) });
        }
        const auto results = m_bulk->run(creates);
        for (const auto& result : results)
            QCOMPARE(result.status, 201);

        KubeInformer informer(m_client.get(), triggers(), Namespace, u"test"_s);
        informer.setOptions(options(100));
        Ledger ledger(&informer);
        QSignalSpy listed(&informer, &KubeInformer::listed);
        informer.start();
        QCOMPARE(informer.state(), KubeInformer::State::Listing);
        QVERIFY(listed.wait(60'000));
        QCOMPARE(informer.state(), KubeInformer::State::Synced);
        QCOMPARE(ledger.batches, 11);
        QCOMPARE(ledger.added, 1050);
        QCOMPARE(informer.size(), 1050);
        QCOMPARE(informer.listCount(), 1);
        QVERIFY(!informer.resourceVersion().isEmpty());
        QVERIFY2(ledger.errors.isEmpty(), qPrintable(ledger.errors.join(u'\n')));
        const auto object = informer.objects().constFirst();
        QCOMPARE(object->origin, u"test"_s);
        QCOMPARE(object->kind, ObjectKind::Trigger);
        QVERIFY(!object->raw.value(u"metadata"_s).toObject().contains(u"managedFields"_s));
    }

    // Created, changed and deleted through the API: one event each, in order, with the objects' final state.
    void watchesEvents()
    {
        KubeInformer informer(m_client.get(), triggers(), Namespace, u"test"_s);
        informer.setOptions(options(500));
        Ledger ledger(&informer);
        QSignalSpy listed(&informer, &KubeInformer::listed);
        informer.start();
        QVERIFY(listed.wait(60'000));
        ledger.resetCounts();

        QSignalSpy changes(&informer, &KubeInformer::changes);
        QCOMPARE(
            m_bulk->call({ "POST", triggerPath(), KubeBulk::trigger(Namespace, u"w"_s, u"default"_s, u"a"_s) }).status,
            201);
        QCOMPARE(m_bulk->call(KubeBulk::relabel(triggerPath(u"w"_s), 1)).status, 200);
        QCOMPARE(m_bulk->call({ "DELETE", triggerPath(u"w"_s), {} }).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(changes.size(), 3, 10'000);
        const QList<ObjectChange::Type> expected { ObjectChange::Type::Added, ObjectChange::Type::Modified,
            ObjectChange::Type::Deleted };
        for (int i = 0; i < 3; ++i) {
            const auto batch = changes.at(i).at(0).value<ObjectChangeBatch>();
            QCOMPARE(batch.size(), 1);
            QCOMPARE(batch.first().type, expected[i]);
            QCOMPARE(batch.first().object->key.name, u"w"_s);
        }
        QCOMPARE(
            changes.at(1).at(0).value<ObjectChangeBatch>().first().object->labels.value(u"meshscope.dev/revision"_s),
            u"1"_s);
        QVERIFY2(ledger.errors.isEmpty(), qPrintable(ledger.errors.join(u'\n')));
        QCOMPARE(informer.size(), 1050);
    }

    // Watches that the server ends after a second are resumed from the last resourceVersion, quietly: no state
    // change, no repeated events, and what changes in between still arrives once.
    void resumesEndedWatches()
    {
        KubeInformer informer(m_client.get(), triggers(), Namespace, u"test"_s);
        KubeInformer::Options shortWatches = options(500);
        shortWatches.minWatchTimeout = 1s;
        shortWatches.maxWatchTimeout = 1s;
        informer.setOptions(shortWatches);
        Ledger ledger(&informer);
        QSignalSpy listed(&informer, &KubeInformer::listed);
        informer.start();
        QVERIFY(listed.wait(60'000));
        ledger.resetCounts();
        QSignalSpy states(&informer, &KubeInformer::stateChanged);

        const int watches = informer.watchCount();
        QTRY_VERIFY_WITH_TIMEOUT(informer.watchCount() >= watches + 2, 10'000);
        QCOMPARE(m_bulk->call(KubeBulk::relabel(triggerPath(u"t0001"_s), 2)).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(ledger.modified, 1, 10'000);
        const int after = informer.watchCount();
        QTRY_VERIFY_WITH_TIMEOUT(informer.watchCount() >= after + 2, 10'000);
        QCOMPARE(ledger.modified, 1);
        QCOMPARE(ledger.added + ledger.deleted, 0);
        QVERIFY2(states.isEmpty(), qPrintable(informer.stateMessage()));
        QCOMPARE(informer.listCount(), 1);
        QVERIFY2(ledger.errors.isEmpty(), qPrintable(ledger.errors.join(u'\n')));
    }

    void forbidden()
    {
        KubeClient limited(context(KubeHarness::User::Limited));
        KubeInformer informer(&limited, triggers(), Namespace, u"test"_s);
        informer.setOptions(options(500));
        informer.start();
        QTRY_COMPARE_WITH_TIMEOUT(informer.state(), KubeInformer::State::Forbidden, 10'000);
        const QString message = informer.stateMessage();
        QVERIFY2(
            message.contains(u"list triggers.eventing.knative.dev in namespace \"informer\""_s), qPrintable(message));
        QCOMPARE(informer.lastError().kind, KubeError::Kind::Forbidden);
        QVERIFY(informer.nextRetry().isValid());
        QVERIFY(!informer.hasSynced());

        // Brokers it may read.
        KubeInformer brokers(
            &limited, { u"eventing.knative.dev"_s, u"v1"_s, u"brokers"_s, u"Broker"_s, true }, Namespace, u"test"_s);
        brokers.setOptions(options(500));
        brokers.start();
        QTRY_COMPARE_WITH_TIMEOUT(brokers.state(), KubeInformer::State::Synced, 10'000);
    }

    void notInstalled()
    {
        KubeInformer informer(m_client.get(),
            { u"keda.sh"_s, u"v1alpha1"_s, u"scaledobjects"_s, u"ScaledObject"_s, true }, Namespace, u"test"_s);
        informer.setOptions(options(500));
        informer.start();
        QTRY_COMPARE_WITH_TIMEOUT(informer.state(), KubeInformer::State::NotInstalled, 10'000);
        QVERIFY2(informer.stateMessage().contains(u"scaledobjects.keda.sh"_s), qPrintable(informer.stateMessage()));
    }

    // Against a port nobody listens on: Reconnecting, with the delay growing x2 up to the cap, without jitter.
    void backsOff()
    {
        ResolvedContext nowhere = context(KubeHarness::User::Admin);
        nowhere.cluster.server = u"https://127.0.0.1:1"_s;
        KubeClient client(nowhere);
        KubeInformer informer(&client, triggers(), Namespace, u"test"_s);
        KubeInformer::Options fast = options(500);
        fast.backoff = { 20ms, 2.0, 160ms, 0.0, 60s };
        informer.setOptions(fast);
        QList<qint64> delays;
        connect(&informer, &KubeInformer::stateChanged, this, [&](KubeInformer::State state) {
            if (state == KubeInformer::State::Reconnecting)
                delays.append(informer.retryDelay().count());
        });
        // Every failure changes the message (its next attempt time), so each one is reported.
        informer.start();
        QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 6, 10'000);
        QCOMPARE(delays.mid(0, 6), QList<qint64>({ 20, 40, 80, 160, 160, 160 }));
        QCOMPARE(informer.lastError().kind, KubeError::Kind::Unreachable);
        QVERIFY(informer.stateMessage().contains(u"127.0.0.1:1"_s));

        // Jitter 1.0 waits between d and 2d; a reset after 1 ms of calm starts every wait at the initial delay.
        informer.stop();
        fast.backoff = { 20ms, 2.0, 160ms, 1.0, 1ms };
        informer.setOptions(fast);
        delays.clear();
        informer.start();
        QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 4, 10'000);
        for (const qint64 delay : std::as_const(delays))
            QVERIFY2(delay >= 20 && delay <= 40, qPrintable(QString::number(delay)));
    }

    // The informer is away (large backoff) while the API server restarts without its watch cache, objects change
    // and etcd is compacted: resuming the watch gets a 410, and the relist reports exactly what changed.
    void relistsAfterCompaction()
    {
        KubeInformer informer(m_client.get(), triggers(), Namespace, u"test"_s);
        KubeInformer::Options patient = options(200);
        patient.backoff = { 60s, 2.0, 60s, 0.0, 120s };
        informer.setOptions(patient);
        Ledger ledger(&informer);
        QSignalSpy listed(&informer, &KubeInformer::listed);
        informer.start();
        QVERIFY(listed.wait(60'000));
        QCOMPARE(informer.size(), 1050);
        ledger.resetCounts();
        QSignalSpy relisting(&informer, &KubeInformer::relisting);

        m_harness.setExtraApiServerArgs({ u"--watch-cache=false"_s });
        QString error;
        QVERIFY2(m_harness.restartApiServer(&error), qPrintable(error));
        m_bulk->resetConnections();
        QTRY_COMPARE_WITH_TIMEOUT(informer.state(), KubeInformer::State::Reconnecting, 10'000);

        QList<KubeBulk::Op> changes;
        for (int i = 0; i < 30; ++i)
            changes.append({ "DELETE", triggerPath(triggerName(i)), {} });
        for (int i = 100; i < 120; ++i)
            changes.append(KubeBulk::relabel(triggerPath(triggerName(i)), 3));
        for (int i = 0; i < 40; ++i)
            changes.append({ "POST", triggerPath(), KubeBulk::trigger(Namespace, u"new%1"_s.arg(i), u"b"_s, u"s"_s) });
        for (const auto& result : m_bulk->run(changes))
            QVERIFY2(result.status == 200 || result.status == 201, qPrintable(QString::number(result.status)));
        QVERIFY2(m_harness.compact(&error), qPrintable(error));
        QCOMPARE(ledger.batches, 0);

        listed.clear();
        informer.retryNow();
        QVERIFY(listed.wait(60'000));
        QCOMPARE(relisting.size(), 1);
        QCOMPARE(informer.relistCount(), 1);
        QCOMPARE(informer.listCount(), 2);
        QCOMPARE(ledger.deleted, 30);
        QCOMPARE(ledger.modified, 20);
        QCOMPARE(ledger.added, 40);
        QCOMPARE(informer.size(), 1050 - 30 + 40);
        QVERIFY2(ledger.errors.isEmpty(), qPrintable(ledger.errors.join(u'\n')));
        QCOMPARE(informer.state(), KubeInformer::State::Synced);

        // And it watches again.
        QCOMPARE(m_bulk->call(KubeBulk::relabel(triggerPath(u"t0500"_s), 4)).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(ledger.modified, 21, 10'000);
    }

private:
    ResolvedContext context(KubeHarness::User user) const
    {
        ResolvedContext context;
        context.context.name = u"test"_s;
        context.cluster.name = u"test"_s;
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

    static KubeInformer::Options options(int pageSize)
    {
        KubeInformer::Options options;
        options.pageSize = pageSize;
        options.backoff = { 50ms, 2.0, 1s, 0.5, 120s };
        return options;
    }

    KubeHarness m_harness;
    std::unique_ptr<KubeBulk> m_bulk;
    std::unique_ptr<KubeClient> m_client;
};

QTEST_GUILESS_MAIN(TestKubeInformer)
#include "tst_kubeinformer.moc"
