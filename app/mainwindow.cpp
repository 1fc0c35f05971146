// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "backlogpage.h"
#include "graphview.h"
#include "meshsession.h"
#include "objectstore.h"
#include "problemspane.h"
#include "publisherpage.h"
#include "topologypage.h"
#include "triggereditorpage.h"

#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

MainWindow::MainWindow(MeshSession* session, QWidget* parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_tabs(new QTabWidget)
    , m_topology(new TopologyPage(session))
    , m_backlog(new BacklogPage(session))
    , m_editor(new TriggerEditorPage(session->store()))
    , m_publisher(new PublisherPage(session->store()))
    , m_problems(new ProblemsPane)
    , m_problemsDock(new QDockWidget(tr("Problems")))
    , m_banner(new QLabel)
{
    setWindowTitle(session->isDemo() ? tr("Meshscope — demo mesh") : tr("Meshscope"));
    m_tabs->addTab(m_topology, tr("&Topology"));
    m_tabs->addTab(m_backlog, tr("&Backlog && scaling"));
    m_tabs->addTab(m_editor, tr("Trigger &editor"));
    m_tabs->addTab(m_publisher, tr("&Publish event"));

    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setVisible(session->isDemo());
    m_banner->setText(tr("Demo mesh: a simulated cluster with an in-process Kafka cluster and live traffic. "
                         "Nothing here touches a real cluster."));
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #5c4400; padding: 6px; "
                                           "border-bottom: 1px solid #e0c060; }"));
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_problemsDock->setObjectName(QStringLiteral("problems"));
    m_problemsDock->setWidget(m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    m_problemsDock->hide();

    createMenus();
    statusBar()->showMessage(tr("Loading…"));
    // The first objects replace "Loading…"; later messages (connections, errors) come from the session.
    auto loaded = std::make_shared<QMetaObject::Connection>();
    *loaded = connect(session->store(), &ObjectStore::changed, this, [this, loaded] {
        statusBar()->showMessage(tr("%1 objects loaded").arg(m_session->store()->size()), 5000);
        disconnect(*loaded);
    });

    connect(session, &MeshSession::issuesChanged, this, &MainWindow::updateProblems);
    connect(session, &MeshSession::statusMessage, this,
        [this](const QString& message) { statusBar()->showMessage(message); });
    connect(session, &MeshSession::kafkaConnected, this, [this] { m_publisher->setTransport(m_session->transport()); });
    connect(m_topology, &TopologyPage::editRequested, this, [this](const ObjectKey& trigger) {
        m_editor->editObject(trigger);
        m_tabs->setCurrentWidget(m_editor);
    });
    connect(m_topology, &TopologyPage::publishRequested, this, [this](const ObjectKey& broker) {
        m_publisher->selectBroker(broker);
        m_tabs->setCurrentWidget(m_publisher);
    });
    connect(m_topology, &TopologyPage::showBacklogRequested, this, [this](const ObjectKey& object) {
        m_backlog->focusObject(object.toString());
        m_tabs->setCurrentWidget(m_backlog);
    });
    connect(m_topology, &TopologyPage::objectSelected, this,
        [this](const ObjectKey& key) { m_backlog->focusObject(key.toString()); });
    connect(m_publisher, &PublisherPage::published, this,
        [this](const ObjectKey& broker, const CloudEvent&, const QStringList& triggers) {
            QList<ObjectKey> keys;
            for (const auto& name : triggers)
                keys.append({ QStringLiteral("eventing.knative.dev"), QStringLiteral("Trigger"), broker.ns, name });
            m_topology->traceTriggers(keys);
        });
    connect(m_publisher, &PublisherPage::resultShown, this,
        [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    updateProblems();
    resize(1400, 880);
}

void MainWindow::createMenus()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* openFolder = file->addAction(tr("Open manifest &folder…"), this, &MainWindow::openFolder);
    openFolder->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    auto* openFiles = file->addAction(tr("&Open manifest files…"), this, &MainWindow::openFiles);
    openFiles->setShortcut(QKeySequence::Open);
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    auto* view = menuBar()->addMenu(tr("&View"));
    auto* fit = view->addAction(tr("&Fit graph to window"), this, [this] {
        m_tabs->setCurrentWidget(m_topology);
        m_topology->graphView()->fitToView();
    });
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));
    view->addAction(m_problemsDock->toggleViewAction());

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Meshscope"), this, [this] {
        QMessageBox::about(this, tr("About Meshscope"),
            tr("<h3>Meshscope %1</h3><p>A native desktop console for Knative Eventing meshes: live topology, "
               "backlog and scaling, trigger editing and test events.</p>")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::openFolder()
{
    const auto folder = QFileDialog::getExistingDirectory(this, tr("Open a folder of Knative manifests"));
    if (!folder.isEmpty())
        m_session->openManifests({ folder });
}

void MainWindow::openFiles()
{
    const auto files = QFileDialog::getOpenFileNames(
        this, tr("Open Knative manifests"), QString(), tr("Manifests (*.yaml *.yml *.json);;All files (*)"));
    if (!files.isEmpty())
        m_session->openManifests(files);
}

void MainWindow::updateProblems()
{
    const auto issues = m_session->issues();
    m_problems->setIssues(issues);
    m_problemsDock->setWindowTitle(issues.isEmpty() ? tr("Problems") : tr("Problems (%1)").arg(issues.size()));
    if (!issues.isEmpty()) {
        m_problemsDock->show();
        statusBar()->showMessage(issues.first().toString());
    }
}
