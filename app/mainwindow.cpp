// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "aboutdialog.h"
#include "amqptransport.h"
#include "applydialog.h"
#include "backlogpage.h"
#include "brokerconnectiondialog.h"
#include "chartpane.h"
#include "clusterbar.h"
#include "commandpalette.h"
#include "crdschema.h"
#include "deliverytracer.h"
#include "draftoverlay.h"
#include "graphview.h"
#include "kubeapplier.h"
#include "kubeclient.h"
#include "kubeingresstransport.h"
#include "kubesource.h"
#include "logmodel.h"
#include "logpane.h"
#include "meshsession.h"
#include "objectstore.h"
#include "problemspane.h"
#include "progressnotice.h"
#include "publisherpage.h"
#include "rabbitqueuemonitor.h"
#include "secretstore.h"
#include "shortcutsheet.h"
#include "topologygraph.h"
#include "topologypage.h"
#include "triggereditorpage.h"
#include "windowsettings.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

// Status messages go to the log too: the status bar forgets them, the log pane keeps them.
Q_LOGGING_CATEGORY(lcStatus, "meshscope.status", QtInfoMsg)

namespace {
// Page names as --page and the settings know them, in tab order.
const QStringList pageNames { u"topology"_s, u"backlog"_s, u"editor"_s, u"publish"_s };
} // namespace

MainWindow::MainWindow(MeshSession* session, LogModel* log, QWidget* parent)
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
    , m_clusterBanner(new QLabel)
    , m_clusterBar(new ClusterBar)
    , m_clusterToolBar(new QToolBar(tr("Cluster")))
    , m_logDock(new QDockWidget(tr("Log")))
    , m_log(log ? log : new LogModel(10000, this))
    , m_logPane(new LogPane(m_log))
    , m_palette(new CommandPalette(this))
    , m_progress(new ProgressNotice)
    , m_settings(std::make_unique<WindowSettings>())
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
    m_clusterBanner->setTextFormat(Qt::PlainText);
    m_clusterBanner->setWordWrap(true);
    m_clusterBanner->setObjectName(QStringLiteral("clusterBanner"));
    m_clusterBanner->hide();
    layout->addWidget(m_clusterBanner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_problemsDock->setObjectName(QStringLiteral("problems"));
    m_problemsDock->setWidget(m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    m_problemsDock->hide();
    m_logDock->setObjectName(QStringLiteral("log"));
    m_logDock->setWidget(m_logPane);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    tabifyDockWidget(m_problemsDock, m_logDock);
    m_logDock->hide();
    statusBar()->addPermanentWidget(m_progress);
    connect(m_progress, &ProgressNotice::cancelRequested, m_session, &MeshSession::disconnectCluster);
    connect(m_palette, &CommandPalette::objectChosen, this, &MainWindow::jumpToObject);

    m_clusterToolBar->setObjectName(QStringLiteral("cluster"));
    m_clusterToolBar->setMovable(false);
    m_clusterToolBar->addWidget(m_clusterBar);
    addToolBar(Qt::TopToolBarArea, m_clusterToolBar);
    connect(m_clusterBar, &ClusterBar::contextRequested, this, &MainWindow::switchContext);
    connect(m_clusterBar, &ClusterBar::namespacesRequested, this, &MainWindow::switchNamespaces);
    connect(session, &MeshSession::clusterChanged, this, &MainWindow::updateCluster);
    connect(session, &MeshSession::clusterNamespacesListed, this, [this](const QStringList& names) {
        if (m_session->cluster())
            m_clusterBar->setNamespaces(names, m_session->cluster()->namespaces());
    });
    updateCluster();

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
    connect(statusBar(), &QStatusBar::messageChanged, this, [](const QString& message) {
        if (!message.isEmpty())
            qCInfo(lcStatus, "%s", qUtf8Printable(message));
    });
    connect(session, &MeshSession::publishingChanged, this, &MainWindow::updatePublishing);
    updatePublishing();
    connect(session->tracer(), &DeliveryTracer::traceUpdated, this, [this](quint64 traceId, const TraceState& state) {
        const quint64 requestId = m_traces.value(traceId);
        QStringList texts;
        for (const auto& trigger : state.triggers)
            texts.append(trigger.text());
        m_publisher->setTraceText(requestId, texts.join(u"; "_s));
        if (state.finished())
            m_traces.remove(traceId);
    });
    connect(m_publisher, &PublisherPage::delivered, this, &MainWindow::traceDelivery);
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
    auto* drafts = new DraftOverlay(session->store(), m_topology->graphView(), m_editor, this);
    connect(drafts, &DraftOverlay::editorWanted, this, [this] { m_tabs->setCurrentWidget(m_editor); });
    connect(m_publisher, &PublisherPage::published, this,
        [this](
            const ObjectKey&, const CloudEvent& event, const QStringList&) { m_editor->addSampleEvents({ event }); });
    connect(m_publisher, &PublisherPage::published, this,
        [this](const ObjectKey& broker, const CloudEvent&, const QStringList& triggers) {
            QList<ObjectKey> keys;
            for (const auto& name : triggers)
                keys.append({ QStringLiteral("eventing.knative.dev"), QStringLiteral("Trigger"), broker.ns, name });
            m_topology->traceTriggers(keys);
        });
    connect(m_publisher, &PublisherPage::resultShown, this,
        [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_editor, &TriggerEditorPage::applyRequested, this, &MainWindow::applyDraft);
    connect(m_editor, &TriggerEditorPage::deleteRequested, this, &MainWindow::deleteObject);
    updateProblems();
    resize(1400, 880);
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::restoreSettings()
{
    m_settings->restoreLayout(this);
    if (const auto page = pageNames.indexOf(m_settings->currentPage()); page >= 0)
        m_tabs->setCurrentIndex(int(page));
    auto* charts = m_backlog->charts();
    charts->setRange(ChartPane::Range(m_settings->chartRange(int(charts->range()))));
    rebuildRecentMenus();
}

void MainWindow::saveSettings()
{
    m_settings->saveLayout(this);
    m_settings->setCurrentPage(pageNames.value(m_tabs->currentIndex()));
    m_settings->setChartRange(int(m_backlog->charts()->range()));
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::createMenus()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* openFolder = file->addAction(tr("Open manifest &folder…"), this, &MainWindow::openFolder);
    openFolder->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    auto* openFiles = file->addAction(tr("&Open manifest files…"), this, &MainWindow::openFiles);
    openFiles->setShortcut(QKeySequence::Open);
    m_recentManifests = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    // Through close(), so that the layout is saved as when the window is closed.
    auto* quit = file->addAction(tr("&Quit"), this, [this] {
        if (close())
            QApplication::quit();
    });
    // QKeySequence::Quit is empty on some desktops; Ctrl+Q is what Linux users expect everywhere.
    quit->setShortcut(QKeySequence(tr("Ctrl+Q")));

    auto* view = menuBar()->addMenu(tr("&View"));
    const QList<QWidget*> pages { m_topology, m_backlog, m_editor, m_publisher };
    for (int i = 0; i < int(pages.size()); ++i) {
        auto* page = view->addAction(
            m_tabs->tabText(i), this, [this, widget = pages[i]] { m_tabs->setCurrentWidget(widget); });
        page->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    auto* fit = view->addAction(tr("&Fit graph to window"), this, [this] {
        m_tabs->setCurrentWidget(m_topology);
        m_topology->graphView()->fitToView();
    });
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));
    auto* graphFocus = view->addAction(tr("Focus the &graph"), this, [this] {
        m_tabs->setCurrentWidget(m_topology);
        m_topology->graphView()->setFocus(Qt::ShortcutFocusReason);
    });
    graphFocus->setShortcut(QKeySequence(tr("Ctrl+G")));
    graphFocus->setToolTip(tr("Move the keyboard focus to the graph: arrows move the selection"));
    auto* palette = view->addAction(tr("&Command palette…"), this, &MainWindow::showCommandPalette);
    palette->setShortcut(QKeySequence(tr("Ctrl+K")));
    view->addSeparator();
    auto* problems = m_problemsDock->toggleViewAction();
    problems->setShortcut(QKeySequence(tr("Ctrl+Shift+M")));
    view->addAction(problems);
    auto* logAction = m_logDock->toggleViewAction();
    logAction->setText(tr("&Log"));
    logAction->setShortcut(QKeySequence(tr("Ctrl+Shift+L")));
    view->addAction(logAction);

    auto* cluster = menuBar()->addMenu(tr("&Cluster"));
    auto* connectAction = cluster->addAction(tr("&Connect to kubeconfig context…"), this, [this] {
        QString error;
        if (!m_session->kubeconfig() && !m_session->loadKubeconfig(QString(), &error)) {
            QMessageBox::warning(this, tr("No kubeconfig"), error);
            return;
        }
        updateCluster();
        m_clusterBar->contextBox()->setFocus();
        m_clusterBar->contextBox()->showPopup();
    });
    connectAction->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    auto* namespaces = cluster->addAction(tr("Choose &namespaces…"), this, [this] {
        if (m_clusterToolBar->isVisible())
            m_clusterBar->namespaceButton()->showMenu();
    });
    namespaces->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_recentClusters = cluster->addMenu(tr("Re&cent"));
    auto* reconnect = cluster->addAction(tr("&Reconnect now"), this, [this] {
        if (m_session->cluster())
            m_session->cluster()->retryNow();
    });
    reconnect->setShortcut(QKeySequence(tr("F5")));
    auto* disconnectAction = cluster->addAction(tr("&Disconnect"), this, [this] { m_session->disconnectCluster(); });
    disconnectAction->setShortcut(QKeySequence(tr("Ctrl+Shift+D")));
    cluster->addSeparator();
    auto* brokers = cluster->addAction(tr("&Broker connections…"), this, &MainWindow::editBrokerConnections);
    brokers->setShortcut(QKeySequence(tr("Ctrl+Shift+B")));
    brokers->setToolTip(tr("Kafka and RabbitMQ connections for backlog measurements; secrets go to the keyring"));

    auto* help = menuBar()->addMenu(tr("&Help"));
    auto* shortcuts = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcutSheet);
    shortcuts->setShortcuts({ QKeySequence(Qt::Key_F1), QKeySequence(tr("Ctrl+/")) });
    help->addAction(tr("&About Meshscope"), this, [this] { AboutDialog(this).exec(); });
}

void MainWindow::rebuildRecentMenus()
{
    // The first cluster may be shown before the menus exist; they are filled once they do.
    if (!m_recentManifests || !m_recentClusters)
        return;
    m_recentManifests->clear();
    for (const auto& path : m_settings->recentManifestPaths()) {
        m_recentManifests->addAction(QDir::toNativeSeparators(path), this, [this, path] { openRecentManifests(path); });
    }
    m_recentManifests->setEnabled(!m_recentManifests->isEmpty());

    m_recentClusters->clear();
    for (const auto& recent : m_settings->recentClusters()) {
        const QString namespaces = recent.namespaces.isEmpty() ? tr("all namespaces") : recent.namespaces.join(u", "_s);
        m_recentClusters->addAction(tr("%1 — %2").arg(recent.context, namespaces), this, [this, recent] {
            QString error;
            if (!m_session->kubeconfig() && !m_session->loadKubeconfig(QString(), &error)) {
                QMessageBox::warning(this, tr("No kubeconfig"), error);
                return;
            }
            if (!m_session->connectCluster(recent.context, recent.namespaces, &error))
                QMessageBox::warning(this, tr("Cannot connect"), error);
        });
    }
    m_recentClusters->setEnabled(!m_recentClusters->isEmpty());
}

void MainWindow::openRecentManifests(const QString& path)
{
    if (!QFileInfo::exists(path)) {
        QMessageBox::warning(this, tr("Not found"), tr("%1 no longer exists.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    m_settings->addRecentManifestPath(path);
    rebuildRecentMenus();
    m_session->openManifests({ path });
}

void MainWindow::showCommandPalette()
{
    std::vector<CommandPaletteModel::Item> items;
    for (const auto& entry : ShortcutSheet::entries(this)) {
        if (!entry.action || !entry.action->isEnabled() || entry.action == sender())
            continue;
        CommandPaletteModel::Item item;
        item.kind = CommandPaletteModel::Kind::Action;
        item.text = entry.text;
        item.detail = entry.group;
        item.shortcut = entry.shortcut;
        item.action = entry.action;
        items.push_back(std::move(item));
    }
    const auto& nodes = m_session->graph()->nodes();
    items.reserve(items.size() + std::size_t(nodes.size()));
    for (const auto& node : nodes) {
        CommandPaletteModel::Item item;
        item.kind = CommandPaletteModel::Kind::Object;
        item.text = node.object.ns.isEmpty() ? node.label : QString(node.object.ns + u'/' + node.label);
        item.detail = node.kindLabel;
        item.objectId = node.id;
        items.push_back(std::move(item));
    }
    m_palette->open(std::move(items));
}

void MainWindow::showShortcutSheet()
{
    auto* sheet = new ShortcutSheet(this, this);
    sheet->setAttribute(Qt::WA_DeleteOnClose);
    sheet->open();
}

void MainWindow::jumpToObject(const QString& id)
{
    m_tabs->setCurrentWidget(m_topology);
    m_topology->graphView()->selectNode(id);
    m_topology->graphView()->setFocus(Qt::OtherFocusReason);
}

void MainWindow::openFolder()
{
    const auto folder = QFileDialog::getExistingDirectory(this, tr("Open a folder of Knative manifests"));
    if (folder.isEmpty())
        return;
    m_settings->addRecentManifestPath(folder);
    rebuildRecentMenus();
    m_session->openManifests({ folder });
}

void MainWindow::openFiles()
{
    const auto files = QFileDialog::getOpenFileNames(
        this, tr("Open Knative manifests"), QString(), tr("Manifests (*.yaml *.yml *.json);;All files (*)"));
    if (files.isEmpty())
        return;
    // The folder they came from: one entry for a set of files.
    m_settings->addRecentManifestPath(QFileInfo(files.first()).absolutePath());
    rebuildRecentMenus();
    m_session->openManifests(files);
}

void MainWindow::updateCluster()
{
    const auto& kubeconfig = m_session->kubeconfig();
    m_clusterToolBar->setVisible(kubeconfig.has_value());
    KubeSource* cluster = m_session->cluster();
    if (kubeconfig)
        m_clusterBar->setContexts(kubeconfig->contextNames(), m_session->clusterContext());
    m_editor->setClusterAvailable(cluster != nullptr, m_session->clusterContext());
    // The cluster's own Trigger CRD, where the user may read it; otherwise the shipped schema stays. Asked once per
    // connection, not on every update of the cluster's state.
    auto* client = m_session->client();
    const bool newConnection = client != m_schemaClient;
    if (newConnection) {
        m_schemaClient = client;
        m_editor->setSchema({});
        if (client)
            client->get(
                QStringLiteral("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/triggers.eventing.knative.dev"),
                {},
                [editor = QPointer(m_editor)](const KubeResponse& response) {
                    if (!editor || response.httpStatus != 200)
                        return;
                    if (const auto schema = CrdSchema::fromCrd(response.body); !schema.isNull())
                        editor->setSchema(schema);
                },
                QStringLiteral("get"), QStringLiteral("customresourcedefinitions"));
    }
    if (!cluster) {
        m_progress->finish();
        m_clusterBar->setKindStates({});
        m_clusterBar->setSummary(tr("Not connected"), KindStateRow::Level::Warning);
        m_clusterBanner->hide();
        return;
    }
    setWindowTitle(tr("Meshscope — %1").arg(cluster->context().context.name));
    if (newConnection) {
        m_settings->addRecentCluster({ m_session->clusterContext(), cluster->namespaces() });
        rebuildRecentMenus();
        qCInfo(lcStatus, "Connecting to context %s, namespaces: %s", qUtf8Printable(m_session->clusterContext()),
            qUtf8Printable(cluster->namespaces().isEmpty() ? u"all"_s : cluster->namespaces().join(u", "_s)));
        m_progress->start(tr("Connecting to %1…").arg(m_session->clusterContext()), tr("Cancel"));
        m_progress->cancelButton()->setToolTip(tr("Stop connecting: disconnect from the cluster"));
    }
    if (!m_session->backlog() && !m_session->rabbit())
        restoreBrokerConnections();
    m_clusterBar->setNamespaces(m_session->clusterNamespaces(), cluster->namespaces());
    connect(cluster, &KubeSource::discovered, this, &MainWindow::updateClusterState);
    connect(cluster, &KubeSource::discoveryFailed, this, &MainWindow::updateClusterState);
    connect(cluster, &KubeSource::kindStateChanged, this, &MainWindow::updateClusterState);
    connect(cluster, &KubeSource::synced, this, [this] {
        statusBar()->showMessage(
            tr("Synced %1 objects from %2").arg(m_session->store()->size()).arg(m_session->clusterContext()), 8000);
    });
    updateClusterState();
}

void MainWindow::editBrokerConnections()
{
    auto* dialog = new BrokerConnectionDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &BrokerConnectionDialog::discoverRequested, m_session, &MeshSession::discoverKafkaBootstrapServers);
    connect(m_session, &MeshSession::kafkaBootstrapDiscovered, dialog, &BrokerConnectionDialog::setDiscoveredBootstrap);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (const auto profile = dialog->kafkaProfile())
            m_session->setKafkaProfile(*profile, dialog->kafkaSecret());
        else if (!m_session->isDemo())
            m_session->clearKafkaProfile();
        if (const auto rabbit = dialog->rabbitConnection())
            m_session->setRabbitConnection(*rabbit);
        else
            m_session->clearRabbitConnection();
    });
    dialog->open();
}

// The saved broker connections, with their secrets from the keyring, once a cluster is shown.
void MainWindow::restoreBrokerConnections()
{
    auto* secrets = new SecretStore(this);
    BrokerConnectionDialog::loadSaved(secrets, [this, secrets](const BrokerConnectionDialog::Saved& saved) {
        secrets->deleteLater();
        if (saved.kafka && !m_session->isDemo())
            m_session->setKafkaProfile(*saved.kafka, saved.kafkaSecret);
        if (saved.rabbit)
            m_session->setRabbitConnection(*saved.rabbit);
        if (!saved.errors.isEmpty())
            statusBar()->showMessage(saved.errors.join(u' '), 15000);
    });
}

void MainWindow::updatePublishing()
{
    m_publisher->setTransport(m_session->transport());
    m_publisher->setAmqpTransport(m_session->amqp());
    m_publisher->setClusterTransport(m_session->ingress());
}

// A test event stored in a Kafka broker's topic is followed through each matched trigger's consumer group.
void MainWindow::traceDelivery(quint64 requestId, const ObjectKey& broker, const CloudEvent&,
    const QStringList& matchedTriggers, const DeliveryResult& result)
{
    if (!result.ok || result.partition < 0 || !broker.isValid() || matchedTriggers.isEmpty()
        || m_session->tracer()->kafkaConfig().isEmpty())
        return;
    QList<KnativeObject> triggers;
    for (const auto& name : matchedTriggers) {
        if (const auto trigger = m_session->store()->find(
                { QStringLiteral("eventing.knative.dev"), QStringLiteral("Trigger"), broker.ns, name }))
            triggers.append(*trigger);
    }
    const quint64 traceId = m_session->tracer()->track(
        result.target, result.partition, result.offset, DeliveryTracer::targetsFor(triggers));
    m_traces.insert(traceId, requestId);
}

void MainWindow::applyDraft(const QString& text, const QString& fileName)
{
    if (!m_session->client())
        return;
    auto* dialog = new ApplyDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto* applier = new KubeApplier(m_session->client(), dialog);
    connect(dialog, &ApplyDialog::locationActivated, this, [this](const SourceLocation& location) {
        m_tabs->setCurrentWidget(m_editor);
        m_editor->jumpTo(location.line, location.column);
    });
    connect(dialog, &ApplyDialog::applied, this,
        [this](const ApplyResult& result) { statusBar()->showMessage(result.message, 8000); });
    dialog->start(applier, text, fileName);
    dialog->show();
}

void MainWindow::deleteObject(const ObjectKey& key, const QString& apiVersion)
{
    if (!m_session->client())
        return;
    ApplyDialog::confirmDelete(this, key, m_session->clusterContext(), [this, key, apiVersion] {
        if (!m_session->client())
            return;
        auto* applier = new KubeApplier(m_session->client(), this);
        connect(applier, &KubeApplier::removeFinished, this, [this, applier](const ApplyResult& result) {
            applier->deleteLater();
            if (result.ok())
                statusBar()->showMessage(result.message, 8000);
            else
                QMessageBox::warning(this, tr("Delete failed"), result.message);
        });
        applier->remove(key, apiVersion);
    });
}

void MainWindow::updateClusterState()
{
    KubeSource* cluster = m_session->cluster();
    if (!cluster)
        return;
    QStringList banner;
    bool severe = false;
    if (m_session->client() && m_session->client()->isInsecure()) {
        banner.append(tr("TLS verification is OFF for cluster \"%1\" (insecure-skip-tls-verify in %2): anyone on the "
                         "network path could read or change what you see and apply.")
                          .arg(cluster->context().cluster.name, cluster->context().cluster.file));
        severe = true;
    }
    if (!cluster->discoveryError().isEmpty() && !cluster->hasDiscovery()) {
        banner.append(cluster->discoveryError());
        severe = true;
    }
    if (cluster->hasDiscovery() && !cluster->discovery().eventingInstalled()) {
        banner.append(cluster->discovery().eventingMessage());
        severe = true;
    }
    const QString bannerText = banner.join(u'\n');
    if (bannerText != m_clusterBanner->text() && !bannerText.isEmpty())
        qCWarning(lcStatus, "%s", qUtf8Printable(bannerText));
    m_clusterBanner->setText(bannerText);
    m_clusterBanner->setVisible(!banner.isEmpty());
    m_clusterBanner->setStyleSheet(severe
            ? QStringLiteral("QLabel { background: #f8d7da; color: #58151c; padding: 6px; "
                             "border-bottom: 1px solid #e4a0a7; }")
            : QString());

    QList<KindStateRow> rows;
    int synced = 0;
    int busy = 0;
    int problems = 0;
    for (const auto& status : cluster->kindStates()) {
        KindStateRow row;
        row.kind = status.resource.qualifiedName();
        row.state = KubeInformer::stateName(status.state);
        row.message = status.message;
        switch (status.state) {
        case KubeInformer::State::Synced:
            row.level = KindStateRow::Level::Ok;
            ++synced;
            break;
        case KubeInformer::State::Idle:
        case KubeInformer::State::Listing:
            row.level = KindStateRow::Level::Busy;
            ++busy;
            break;
        case KubeInformer::State::Reconnecting:
        case KubeInformer::State::NotInstalled:
            row.level = KindStateRow::Level::Warning;
            ++problems;
            break;
        case KubeInformer::State::Forbidden:
        case KubeInformer::State::Failed:
            row.level = KindStateRow::Level::Error;
            ++problems;
            break;
        }
        if (status.nextRetry.isValid())
            row.message += tr(" (retrying at %1)").arg(status.nextRetry.toString(QStringLiteral("HH:mm:ss")));
        rows.append(row);
    }
    m_clusterBar->setKindStates(rows);
    const int total = int(rows.size());
    if (!cluster->hasDiscovery())
        m_clusterBar->setSummary(cluster->discoveryError().isEmpty() ? tr("Connecting…") : tr("Cannot connect"),
            cluster->discoveryError().isEmpty() ? KindStateRow::Level::Busy : KindStateRow::Level::Error);
    else if (problems)
        m_clusterBar->setSummary(tr("%1 of %2 kinds synced, %3 with problems").arg(synced).arg(total).arg(problems),
            KindStateRow::Level::Warning);
    else if (busy)
        m_clusterBar->setSummary(tr("Syncing… %1 of %2 kinds").arg(synced).arg(total), KindStateRow::Level::Busy);
    else
        m_clusterBar->setSummary(tr("Synced: %1 kinds").arg(total), KindStateRow::Level::Ok);
    // Busy until every kind has its first list (or gave up); problems are the bar's to show, not a spinner's.
    if (!m_progress->isRunning())
        return;
    if ((cluster->hasDiscovery() && busy == 0) || !cluster->discoveryError().isEmpty())
        m_progress->finish();
    else if (cluster->hasDiscovery())
        m_progress->setText(tr("Syncing %1 of %2 kinds…").arg(synced).arg(total));
}

void MainWindow::switchContext(const QString& context)
{
    if (context == m_session->clusterContext())
        return;
    QString error;
    const auto& kubeconfig = m_session->kubeconfig();
    QStringList namespaces;
    if (kubeconfig && kubeconfig->contexts().contains(context))
        namespaces = { kubeconfig->contexts().value(context).ns };
    if (!m_session->connectCluster(context, namespaces, &error)) {
        QMessageBox::warning(this, tr("Cannot switch context"), error);
        updateCluster();
    }
}

void MainWindow::switchNamespaces(const QStringList& namespaces)
{
    QString error;
    if (!m_session->connectCluster(m_session->clusterContext(), namespaces, &error))
        QMessageBox::warning(this, tr("Cannot show these namespaces"), error);
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
