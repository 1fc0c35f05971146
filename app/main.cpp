// SPDX-License-Identifier: Apache-2.0
#include "graphview.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "syntheticmesh.h"
#include "topologygraph.h"
#include "topologypage.h"
#include "triggereditorpage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QIcon>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <time.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcApp, "meshscope.app", QtInfoMsg)

namespace {

// The crash report: the last log lines (already redacted), kept in fixed buffers so that a fatal signal handler can
// write them without allocating or locking, to stderr and to a file under AppLocalDataLocation/crash/.
namespace crash {
constexpr int lineCount = 64;
constexpr int lineLength = 512;
char lines[lineCount][lineLength];
std::atomic<unsigned> next { 0 };
char path[4096];

void remember(const QString& line)
{
    const QByteArray utf8 = line.toUtf8();
    char* slot = lines[next.fetch_add(1) % lineCount];
    const auto length = std::min<qsizetype>(utf8.size(), lineLength - 2);
    std::memcpy(slot, utf8.constData(), std::size_t(length));
    slot[length] = '\n';
    slot[length + 1] = '\0';
}

void writeAll(int fd, const char* text)
{
    std::size_t left = std::strlen(text);
    while (left > 0) {
        const auto written = ::write(fd, text, left);
        if (written <= 0)
            return;
        text += written;
        left -= std::size_t(written);
    }
}

void report(int signal)
{
    const int file = path[0] ? ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    char header[96] = "meshscope: fatal signal ";
    char number[12];
    int digits = 0;
    for (int value = signal; digits == 0 || value > 0; value /= 10)
        number[digits++] = char('0' + value % 10);
    std::size_t at = std::strlen(header);
    while (digits > 0)
        header[at++] = number[--digits];
    std::memcpy(header + at, "; the last log lines:\n", 23);
    for (const int fd : { STDERR_FILENO, file }) {
        if (fd < 0)
            continue;
        writeAll(fd, header);
        const unsigned end = next.load();
        for (unsigned i = end > lineCount ? end - lineCount : 0; i < end; ++i)
            writeAll(fd, lines[i % lineCount]);
    }
    if (file >= 0) {
        writeAll(STDERR_FILENO, "meshscope: crash report written to ");
        writeAll(STDERR_FILENO, path);
        writeAll(STDERR_FILENO, "\n");
        ::close(file);
    }
    // SA_RESETHAND restored the default action: the signal now ends the process as it would have.
    ::raise(signal);
}

void install()
{
    const QString folder
        = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/crash");
    if (QDir().mkpath(folder)) {
        const QByteArray file = QDir(folder)
                                    .filePath(QStringLiteral("crash-%1.txt").arg(QCoreApplication::applicationPid()))
                                    .toLocal8Bit();
        if (file.size() < qsizetype(sizeof(path)))
            std::memcpy(path, file.constData(), std::size_t(file.size()) + 1);
    }
    struct sigaction action { };
    action.sa_handler = report;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (const int signal : { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL })
        sigaction(signal, &action, nullptr);
}
} // namespace crash

// SIGTERM and SIGINT (a session logging out, Ctrl+C in a terminal) close the window as the user would, so that its
// settings are saved; the handler only writes to a pipe that the event loop watches.
namespace termination {
int pipe[2] = { -1, -1 };

void handle(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(pipe[1], &byte, 1);
}

void install(QObject* context)
{
    if (::pipe2(pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    auto* notifier = new QSocketNotifier(pipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [] {
        char byte = 0;
        while (::read(pipe[0], &byte, 1) > 0) { }
        QApplication::closeAllWindows();
        QApplication::quit();
    });
    struct sigaction action { };
    action.sa_handler = handle;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : { SIGTERM, SIGINT })
        sigaction(signal, &action, nullptr);
}
} // namespace termination

} // namespace

namespace {

// MESHSCOPE_REPORT_FIRST_PAINT=1 (tests/bench/bench_startup.cpp): once the main window has painted and flushed, print
// on stdout the milliseconds since the process started (its start time in /proc, 10 ms resolution) and since the
// first line of main(), then quit.
class FirstPaintReport : public QObject {
public:
    FirstPaintReport(QWidget* window, const QElapsedTimer& sinceMain)
        : QObject(window)
        , m_window(window)
        , m_sinceMain(sinceMain)
    {
        qApp->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && watched->isWidgetType()
            && static_cast<QWidget*>(watched)->window() == m_window) {
            qApp->removeEventFilter(this);
            // Queued behind the rest of this paint and the flush of the backing store to the window.
            QTimer::singleShot(0, this, [this] { report(); });
        }
        return false;
    }

private:
    void report() const
    {
        const double sinceMainMs = double(m_sinceMain.nsecsElapsed()) / 1e6;
        double firstPaintMs = -1;
        QFile stat(QStringLiteral("/proc/self/stat"));
        timespec now {};
        if (stat.open(QIODevice::ReadOnly) && clock_gettime(CLOCK_BOOTTIME, &now) == 0) {
            // Field 22, counted after the command name's closing parenthesis (the name may hold spaces).
            const QByteArray line = stat.readAll();
            const auto fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
            const double startedS = fields.value(19).toDouble() / double(sysconf(_SC_CLK_TCK));
            firstPaintMs = (double(now.tv_sec) + double(now.tv_nsec) / 1e9 - startedS) * 1000;
        }
        std::printf("{\"firstPaintMs\": %.1f, \"sinceMainMs\": %.1f}\n", firstPaintMs, sinceMainMs);
        std::fflush(stdout);
        QCoreApplication::quit();
    }

    QWidget* m_window;
    QElapsedTimer m_sinceMain;
};

} // namespace

int main(int argc, char* argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("meshscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Meshscope"));
    QApplication::setOrganizationName(QStringLiteral("Meshscope"));
    QApplication::setApplicationVersion(QStringLiteral(MESHSCOPE_VERSION));
    // Wayland compositors match the window to the desktop file (and its icon) by this id.
    QGuiApplication::setDesktopFileName(QStringLiteral(MESHSCOPE_APP_ID));
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral(MESHSCOPE_APP_ID), QIcon(QStringLiteral(":/icons/" MESHSCOPE_APP_ID ".svg"))));
    // Every message, the app's and Qt's, goes through the log (redacted) before it reaches stderr; --log-file keeps
    // a copy for a bug report. The handler is installed before the command line is read so that its errors are in.
    LogModel log;
    auto logFile = std::make_shared<QFile>();
    LogModel::install(&log, [logFile](const LogRecord&, const QString& line) {
        crash::remember(line);
        if (logFile->isOpen()) {
            logFile->write(line.toUtf8() + '\n');
            logFile->flush();
        }
    });
    const auto uninstallLog = qScopeGuard([] { LogModel::uninstall(); });
    crash::install();

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
    const QCommandLineOption logFileOption(QStringLiteral("log-file"),
        QStringLiteral("Also write the log to this file, secrets redacted as in the log pane."),
        QStringLiteral("file"));
    parser.addOption(logFileOption);
    parser.addPositionalArgument(QStringLiteral("manifests"),
        QStringLiteral("Knative manifest files or folders to show, followed on disk."), QStringLiteral("[paths...]"));
    parser.process(app);

    if (parser.isSet(logFileOption)) {
        logFile->setFileName(parser.value(logFileOption));
        if (!logFile->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
            qCritical("meshscope: cannot write the log file %s: %s", qPrintable(logFile->fileName()),
                qPrintable(logFile->errorString()));
            return 2;
        }
    }

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
    MainWindow window(&session, &log);
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
    termination::install(&window);
    if (qEnvironmentVariableIntValue("MESHSCOPE_REPORT_FIRST_PAINT"))
        new FirstPaintReport(&window, sinceMain);
    window.show();
    qCInfo(lcApp, "Meshscope %s started", MESHSCOPE_VERSION);
    return QApplication::exec();
}
