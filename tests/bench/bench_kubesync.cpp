// SPDX-License-Identifier: Apache-2.0
// The live topology from a real kube-apiserver at scale: (a) the initial sync of 10,000 triggers, 2,000 brokers and
// 5,000 Knative Services (serving.knative.dev, the triggers' subscribers) until the ObjectStore and the
// TopologyGraph hold all of them, with the resident memory it took; (b) watch churn of 200 changes per second:
// the model update time per change (store and graph) and the longest block of the main event loop, measured with
// a 5 ms heartbeat. Prints one JSON line per figure.
//
// The parent starts the API server, creates the objects (not measured) and, later, makes the churn; the
// measurements run in a child process (`bench_kubesync --measure ...`) whose memory and event loop are its own.
// MESHSCOPE_BENCH_CHURN_SECONDS shortens the churn (default 60).
#include "benchsupport.h"
#include "kubebulk.h"
#include "kubeharness.h"
#include "kubesource.h"
#include "objectstore.h"
#include "topologygraph.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

namespace {

constexpr int Triggers = 10'000;
constexpr int Brokers = 2'000;
constexpr int Services = 5'000;
constexpr int ChangesPerSecond = 200;
constexpr int TickMs = 50;
const QString Namespace = u"bench"_s;

void report(const char* metric, double value, const char* unit)
{
    std::printf(
        "{\"bench\": \"kubesync\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", metric, value, unit);
    std::fflush(stdout);
}

int churnSeconds()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("MESHSCOPE_BENCH_CHURN_SECONDS", &ok);
    return ok && seconds > 0 ? seconds : 60;
}

QString brokerName(int i) { return u"b"_s + QString::number(i); }
QString triggerName(int i) { return u"t"_s + QString::number(i); }
QString serviceName(int i) { return u"s"_s + QString::number(i); }

// The longest gap between two ticks of a 5 ms timer: how long the event loop was blocked at most.
class Heartbeat {
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_maxGapNs = std::max(m_maxGapNs, now - m_lastNs);
            m_lastNs = now;
        });
        m_clock.start();
        m_timer.start(5);
    }
    void reset()
    {
        m_lastNs = m_clock.nsecsElapsed();
        m_maxGapNs = 0;
    }
    double maxGapMs() const { return double(m_maxGapNs) / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_maxGapNs = 0;
};

// The child: the window's model fed by a KubeSource, as MeshSession wires it.
int measure(const QStringList& args)
{
    if (args.size() != 4)
        return 2;
    ResolvedContext context;
    context.context.name = u"bench"_s;
    context.cluster.name = u"bench"_s;
    context.cluster.server = args[0];
    context.cluster.certificateAuthority = args[1];
    context.user.name = u"admin"_s;
    context.user.token = args[2];
    const int seconds = args[3].toInt();

    const double baselineMb = residentMb();
    ObjectStore store;
    TopologyGraph graph;
    QObject::connect(&store, &ObjectStore::changed, &graph, &TopologyGraph::applyChanges);
    KubeSource source(context, { Namespace });
    qint64 updateNs = 0;
    qint64 changes = 0;
    int batches = 0;
    // ObjectStore::connectSource, timed.
    QObject::connect(&source, &ObjectSource::changes, &store, [&](const ObjectChangeBatch& batch) {
        QElapsedTimer timer;
        timer.start();
        store.apply(batch);
        updateNs += timer.nsecsElapsed();
        changes += batch.size();
        ++batches;
    });
    Heartbeat heartbeat;

    QEventLoop loop;
    QObject::connect(&source, &KubeSource::synced, &loop, &QEventLoop::quit);
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    QElapsedTimer wall;
    wall.start();
    source.start();
    loop.exec();
    const double syncMs = double(wall.nsecsElapsed()) / 1e6;
    const double growthMb = residentMb() - baselineMb;
    const qsizetype expected = Triggers + Brokers + Services;
    if (!source.isSynced() || store.size() != expected || graph.nodes().size() < expected) {
        std::fprintf(stderr, "bench_kubesync: synced %d, %lld objects, %lld nodes; expected %lld\n",
            int(source.isSynced()), qint64(store.size()), qint64(graph.nodes().size()), qint64(expected));
        return 1;
    }
    report("initial_sync_wall", syncMs, "ms");
    report("initial_sync_rss_growth", growthMb, "MB");
    report("initial_sync_batches", batches, "count");
    report("initial_sync_model_update", double(updateNs) / 1e6, "ms");
    report("initial_sync_max_loop_block", heartbeat.maxGapMs(), "ms");
    report("graph_nodes", double(graph.nodes().size()), "count");
    report("graph_edges", double(graph.edges().size()), "count");

    updateNs = 0;
    changes = 0;
    batches = 0;
    heartbeat.reset();
    std::printf("churn-start\n");
    std::fflush(stdout);
    // The parent churns for `seconds`; a little longer here, so the last changes arrive too.
    QTimer::singleShot(seconds * 1000 + 2000, &loop, &QEventLoop::quit);
    loop.exec();
    report("churn_changes_applied", double(changes), "count");
    report("churn_batches", double(batches), "count");
    report("churn_update_per_change", changes > 0 ? double(updateNs) / 1e3 / double(changes) : 0, "us");
    report("churn_max_loop_block", heartbeat.maxGapMs(), "ms");
    report("churn_rss_growth", residentMb() - baselineMb, "MB");
    return 0;
}

bool createObjects(KubeBulk& bulk)
{
    QList<KubeBulk::Op> ops { { "POST", u"/api/v1/namespaces"_s, KubeBulk::namespaceObject(Namespace) } };
    const QString apis = u"/apis/%1/namespaces/"_s + Namespace + u"/%2"_s;
    for (int i = 0; i < Brokers; ++i)
        ops.append({ "POST", apis.arg(u"eventing.knative.dev/v1"_s, u"brokers"_s),
            KubeBulk::broker(Namespace, brokerName(i)) });
    for (int i = 0; i < Services; ++i)
        ops.append({ "POST", apis.arg(u"serving.knative.dev/v1"_s, u"services"_s),
            KubeBulk::knativeService(Namespace, serviceName(i)) });
    for (int i = 0; i < Triggers; ++i)
        ops.append({ "POST", apis.arg(u"eventing.knative.dev/v1"_s, u"triggers"_s),
            KubeBulk::trigger(Namespace, triggerName(i), brokerName(i % Brokers), serviceName(i % Services)) });
    QElapsedTimer timer;
    timer.start();
    // The namespace first.
    if (bulk.call(ops.takeFirst()).status != 201)
        return false;
    const auto results = bulk.run(ops, 128);
    for (const auto& result : results) {
        if (result.status != 201) {
            std::fprintf(stderr, "bench_kubesync: create failed: %d %s\n", result.status, qPrintable(result.error));
            return false;
        }
    }
    std::fprintf(stderr, "bench_kubesync: created %lld objects in %lld ms\n", qint64(ops.size()), timer.elapsed());
    return true;
}

// 200 changes per second, in ticks of 50 ms: mostly triggers, some services and brokers (a new label each time,
// so each is a real change), round robin so that no object changes twice within a batch.
void churn(const KubeHarness& harness, int seconds)
{
    QNetworkAccessManager network;
    const QString apis = u"/apis/%1/namespaces/"_s + Namespace + u"/%2/%3"_s;
    int sent = 0;
    int failed = 0;
    int open = 0;
    const int perTick = ChangesPerSecond * TickMs / 1000;
    const int ticks = seconds * 1000 / TickMs;
    int tick = 0;
    QEventLoop loop;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        if (tick++ >= ticks) {
            timer.stop();
            if (open == 0)
                loop.quit();
            return;
        }
        for (int i = 0; i < perTick; ++i, ++sent) {
            QString path;
            if (sent % 10 == 8)
                path = apis.arg(u"serving.knative.dev/v1"_s, u"services"_s, serviceName(sent % Services));
            else if (sent % 10 == 9)
                path = apis.arg(u"eventing.knative.dev/v1"_s, u"brokers"_s, brokerName(sent % Brokers));
            else
                path = apis.arg(u"eventing.knative.dev/v1"_s, u"triggers"_s, triggerName(sent % Triggers));
            const KubeBulk::Op op = KubeBulk::relabel(path, sent);
            QNetworkRequest request = harness.request(op.path);
            request.setHeader(QNetworkRequest::ContentTypeHeader, op.contentType);
            QNetworkReply* reply
                = network.sendCustomRequest(request, op.verb, QJsonDocument(op.body).toJson(QJsonDocument::Compact));
            ++open;
            QObject::connect(reply, &QNetworkReply::finished, [&, reply] {
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                    ++failed;
                reply->deleteLater();
                if (--open == 0 && !timer.isActive())
                    loop.quit();
            });
        }
    });
    timer.start(TickMs);
    loop.exec();
    std::fprintf(stderr, "bench_kubesync: churn sent %d changes in %d s, %d failed\n", sent, seconds, failed);
}

int run()
{
    KubeHarness harness;
    QString error;
    if (!harness.start(&error)) {
        std::fprintf(stderr, "bench_kubesync: %s\n", qPrintable(error));
        return 1;
    }
    {
        KubeBulk bulk(harness);
        if (!createObjects(bulk))
            return 1;
    }
    const int seconds = churnSeconds();
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    bool churned = false;
    QObject::connect(&child, &QProcess::readyReadStandardOutput, [&] {
        while (child.canReadLine()) {
            const QByteArray line = child.readLine();
            if (line.trimmed() == "churn-start") {
                churned = true;
                churn(harness, seconds);
                continue;
            }
            std::fputs(line.constData(), stdout);
            std::fflush(stdout);
        }
    });
    child.start(QCoreApplication::applicationFilePath(),
        { u"--measure"_s, harness.server().toString(), harness.caFile(), harness.adminToken(),
            QString::number(seconds) });
    if (!child.waitForStarted())
        return 1;
    QEventLoop loop;
    QObject::connect(&child, &QProcess::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray rest = child.readAllStandardOutput();
    std::fputs(rest.constData(), stdout);
    return child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0 && churned ? 0 : 1;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "--measure") == 0)
        return measure(app.arguments().mid(2));
    return run();
}
