// SPDX-License-Identifier: Apache-2.0
#include "graphview.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "syntheticmesh.h"
#include "topologygraph.h"
#include "topologypage.h"
#include "triggereditorpage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTabWidget>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("meshscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Meshscope"));
    QApplication::setOrganizationName(QStringLiteral("Meshscope"));
    QApplication::setApplicationVersion(QStringLiteral(MESHSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Meshscope: a desktop console for Knative Eventing meshes. Without arguments it shows the current context of "
        "your kubeconfig, or the embedded demo when there is no kubeconfig."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(
        QStringLiteral("demo"), QStringLiteral("Run the embedded demo mesh (the default without a kubeconfig)."));
    parser.addOption(demo);
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
        QStringLiteral("The kubeconfig file to use (else KUBECONFIG, else ~/.kube/config)."), QStringLiteral("file"));
    parser.addOption(kubeconfig);
    const QCommandLineOption context(QStringLiteral("context"),
        QStringLiteral("The kubeconfig context to show (else its current-context)."), QStringLiteral("name"));
    parser.addOption(context);
    const QCommandLineOption ns(QStringList { QStringLiteral("n"), QStringLiteral("namespace") },
        QStringLiteral("A namespace to show; repeat it or separate by commas for several (else the context's)."),
        QStringLiteral("name"));
    parser.addOption(ns);
    const QCommandLineOption allNamespaces(
        QStringList { QStringLiteral("A"), QStringLiteral("all-namespaces") }, QStringLiteral("Show all namespaces."));
    parser.addOption(allNamespaces);
    const QCommandLineOption page(QStringLiteral("page"),
        QStringLiteral("Open on a page: topology, backlog, editor or publish."), QStringLiteral("name"));
    parser.addOption(page);
    const QCommandLineOption edit(QStringLiteral("edit"),
        QStringLiteral("Open a trigger YAML file in the trigger editor."), QStringLiteral("file"));
    parser.addOption(edit);
    const QCommandLineOption select(QStringLiteral("select"),
        QStringLiteral("Select an object in the graph once it is shown, e.g. serverless-apps/billing-process-trigger."),
        QStringLiteral("namespace/name"));
    parser.addOption(select);
    const QCommandLineOption synthetic(QStringLiteral("synthetic"),
        QStringLiteral("Show a generated mesh of about this many nodes instead of the demo, e.g. 20000."),
        QStringLiteral("nodes"));
    parser.addOption(synthetic);
    parser.addPositionalArgument(QStringLiteral("manifests"),
        QStringLiteral("Knative manifest files or folders to show, followed on disk."), QStringLiteral("[paths...]"));
    parser.process(app);

    int syntheticNodes = 0;
    if (parser.isSet(synthetic)) {
        bool ok = false;
        syntheticNodes = parser.value(synthetic).toInt(&ok);
        if (!ok || syntheticNodes <= 0) {
            qCritical("meshscope: --synthetic wants a positive number of nodes, not \"%s\"",
                qPrintable(parser.value(synthetic)));
            return 2;
        }
    }

    MeshSession session;
    const auto paths = parser.positionalArguments();
    const bool clusterAsked
        = parser.isSet(kubeconfig) || parser.isSet(context) || parser.isSet(ns) || parser.isSet(allNamespaces);
    bool clusterShown = false;
    if (clusterAsked || (!parser.isSet(demo) && paths.isEmpty() && !syntheticNodes)) {
        QString error;
        if (session.loadKubeconfig(parser.value(kubeconfig), &error)) {
            QStringList namespaces;
            for (const QString& value : parser.values(ns))
                namespaces += value.split(u',', Qt::SkipEmptyParts);
            const auto resolved = session.kubeconfig()->resolve(parser.value(context), &error);
            if (namespaces.isEmpty() && !parser.isSet(allNamespaces) && resolved)
                namespaces = { resolved->context.ns };
            clusterShown = resolved && session.connectCluster(parser.value(context), namespaces, &error);
        }
        if (!clusterShown && clusterAsked) {
            qCritical("meshscope: %s", qPrintable(error));
            return 2;
        }
    }
    if ((paths.isEmpty() && !syntheticNodes && !clusterShown) || parser.isSet(demo))
        session.startDemo();
    MainWindow window(&session);
    if (!paths.isEmpty())
        session.openManifests(paths);
    if (syntheticNodes)
        session.showObjects(SyntheticMesh::origin(), SyntheticMesh::generate(syntheticNodes));
    if (parser.isSet(page)) {
        const QStringList pages { QStringLiteral("topology"), QStringLiteral("backlog"), QStringLiteral("editor"),
            QStringLiteral("publish") };
        const auto index = pages.indexOf(parser.value(page));
        if (index < 0) {
            qCritical("meshscope: unknown page \"%s\"; choose one of %s", qPrintable(parser.value(page)),
                qPrintable(pages.join(QStringLiteral(", "))));
            return 2;
        }
        window.tabs()->setCurrentIndex(int(index));
    }
    if (parser.isSet(edit)) {
        QString error;
        if (!window.editorPage()->openFile(parser.value(edit), &error))
            qWarning("meshscope: %s", qPrintable(error));
        window.tabs()->setCurrentWidget(window.editorPage());
    }
    if (parser.isSet(select)) {
        auto* graph = window.topologyPage()->graphView();
        const auto wanted = parser.value(select);
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = QObject::connect(graph, &GraphView::layoutApplied, graph, [graph, &session, wanted, connection] {
            for (const auto& node : session.graph()->nodes()) {
                if (node.object.ns % u'/' % node.object.name == wanted) {
                    graph->selectNode(node.id);
                    QObject::disconnect(*connection);
                    return;
                }
            }
        });
    }
    window.show();
    return QApplication::exec();
}
