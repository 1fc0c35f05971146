// SPDX-License-Identifier: Apache-2.0
// meshscope-testcluster: a real kube-apiserver with Knative's CRDs (the test harness), filled with the demo
// mesh and the status Knative's controllers would write, for trying the app against a live cluster and for
// screenshots. Runs until interrupted; everything goes away with it.
#include "demosource.h"
#include "kubeclient.h"
#include "kubeconfig.h"
#include "kubediscovery.h"
#include "kubeharness.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
int signalPipe[2];

KubeResponse sendAndWait(KubeClient& client, const QByteArray& verb, const QString& path, const QJsonObject& body)
{
    KubeRequest request;
    request.verb = verb;
    request.path = path;
    // Who made the objects shows in their managedFields, as kubectl's name shows for objects it made.
    request.query.addQueryItem(u"fieldManager"_s, u"meshscope-testcluster"_s);
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.contentType = "application/json";
    KubeCall* call = client.send(request);
    KubeResponse result;
    QEventLoop loop;
    QObject::connect(call, &KubeCall::finished, &loop, [&](const KubeResponse& response) {
        result = response;
        loop.quit();
    });
    loop.exec();
    return result;
}
} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"A live test cluster holding the Meshscope demo mesh."_s);
    parser.addHelpOption();
    const QCommandLineOption kubeconfigOption(
        u"kubeconfig"_s, u"Where to write the admin kubeconfig."_s, u"file"_s, u"meshscope-testcluster.yaml"_s);
    parser.addOption(kubeconfigOption);
    parser.process(app);

    KubeHarness harness;
    QString error;
    if (!harness.start(&error)) {
        qCritical("%s", qPrintable(error));
        return 1;
    }
    const QString kubeconfigFile = harness.writeKubeconfig(
        KubeHarness::User::Admin, QFileInfo(parser.value(kubeconfigOption)).absoluteFilePath(), u"shop"_s);
    QList<SourceIssue> issues;
    QFile file(kubeconfigFile);
    const auto config
        = file.open(QIODevice::ReadOnly) ? Kubeconfig::parse(file.readAll(), kubeconfigFile, &issues) : std::nullopt;
    const auto context = config ? config->resolve({}, &error) : std::nullopt;
    if (!context) {
        qCritical("cannot read the kubeconfig just written: %s", qPrintable(error));
        return 1;
    }
    KubeClient client(*context);

    // DemoSource plays Knative's controllers: its objects carry the status they would write.
    DemoSource demo;
    QList<KnativeObjectPtr> objects;
    // start() emits one snapshot per bundled file before it returns.
    QObject::connect(&demo, &ObjectSource::snapshot,
        [&objects](const QString&, const QList<KnativeObjectPtr>& snapshot) { objects += snapshot; });
    demo.start();

    QSet<QString> namespaces;
    int created = 0;
    for (const KnativeObjectPtr& object : std::as_const(objects)) {
        if (!namespaces.contains(object->key.ns)) {
            namespaces.insert(object->key.ns);
            sendAndWait(client, "POST", u"/api/v1/namespaces"_s,
                QJsonObject { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
                    { u"metadata"_s, QJsonObject { { u"name"_s, object->key.ns } } } });
        }
        KubeResource resource = KubeDiscovery::resourceTemplate(object->kind);
        if (resource.plural.isEmpty())
            continue;
        resource.version = object->apiVersion.section(u'/', -1);
        QJsonObject body = object->raw;
        const QJsonObject status = body.take(u"status"_s).toObject();
        const KubeResponse response = sendAndWait(client, "POST", resource.path(object->key.ns), body);
        if (!response.ok()) {
            qWarning("%s: %s", qPrintable(object->key.toString()), qPrintable(response.error.message));
            continue;
        }
        ++created;
        if (status.isEmpty() || object->key.group.isEmpty() || object->key.group == "apps"_L1)
            continue;
        QJsonObject live = QJsonDocument::fromJson(response.body).object();
        live.insert(u"status"_s, status);
        const KubeResponse statusResponse
            = sendAndWait(client, "PUT", resource.path(object->key.ns, object->key.name) + u"/status"_s, live);
        if (!statusResponse.ok())
            qWarning("%s status: %s", qPrintable(object->key.toString()), qPrintable(statusResponse.error.message));
    }
    printf("meshscope-testcluster: %d objects in %lld namespaces at %s\nKUBECONFIG=%s\n", created,
        qlonglong(namespaces.size()), qPrintable(harness.server().toString()), qPrintable(kubeconfigFile));
    fflush(stdout);

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return 1;
    QSocketNotifier notifier(signalPipe[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    const auto onSignal = [](int) {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(signalPipe[0], &byte, 1);
    };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const int result = QCoreApplication::exec();
    harness.stop();
    return result;
}
