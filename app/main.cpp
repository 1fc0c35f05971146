// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"
#include "meshsession.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("meshscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Meshscope"));
    QApplication::setOrganizationName(QStringLiteral("Meshscope"));
    QApplication::setApplicationVersion(QStringLiteral(MESHSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Meshscope: a desktop console for Knative Eventing meshes. Without arguments it runs the embedded demo."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Run the embedded demo mesh (the default)."));
    parser.addOption(demo);
    parser.addPositionalArgument(QStringLiteral("manifests"),
        QStringLiteral("Knative manifest files or folders to show, followed on disk."), QStringLiteral("[paths...]"));
    parser.process(app);

    MeshSession session;
    const auto paths = parser.positionalArguments();
    if (paths.isEmpty() || parser.isSet(demo))
        session.startDemo();
    MainWindow window(&session);
    if (!paths.isEmpty())
        session.openManifests(paths);
    window.show();
    return QApplication::exec();
}
