// SPDX-License-Identifier: Apache-2.0
#include "topologypage.h"

#include "backlogmonitor.h"
#include "graphview.h"
#include "inspectorpane.h"
#include "laganalyzer.h"
#include "meshsession.h"
#include "objectstore.h"
#include "rabbitqueuemonitor.h"
#include "scalemonitor.h"
#include "topologygraph.h"

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSplitter>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
// Every value a trigger filters the event type on, in any dialect that names it.
void collectTypes(const SubscriptionsApiFilter& filter, QStringList& out)
{
    if (const auto type = filter.attributes.find(u"type"_s); type != filter.attributes.end())
        out.append(type.value());
    for (const auto& child : filter.children)
        collectTypes(child, out);
}
} // namespace

TopologyPage::TopologyPage(MeshSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_graph(new GraphView)
    , m_inspector(new InspectorPane(session->store()))
    , m_splitter(new QSplitter)
    , m_search(new QLineEdit)
    , m_matchLabel(new QLabel)
    , m_focusAction(nullptr)
{
    auto* graphArea = new QWidget;
    auto* graphLayout = new QVBoxLayout(graphArea);
    graphLayout->setContentsMargins(0, 0, 0, 0);
    graphLayout->setSpacing(0);
    graphLayout->addWidget(createToolBar());
    graphLayout->addWidget(m_graph, 1);

    m_splitter->setObjectName(QStringLiteral("topologySplitter"));
    m_splitter->addWidget(graphArea);
    m_splitter->addWidget(m_inspector);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 900, 340 });
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    m_graph->setGraph(session->graph());
    m_graph->setBadgeProvider([this](const TopologyNode& node) { return badgeFor(node); });
    m_graph->setHealthProvider([this](const TopologyNode& node) { return healthFor(node); });
    m_graph->setSearchTermsProvider([this](const TopologyNode& node) { return searchTermsFor(node); });
    connect(m_graph, &GraphView::nodeSelected, this, [this](const QString& id) {
        const auto* node = m_session->graph()->node(id);
        m_inspector->showNode(node);
        if (node)
            Q_EMIT objectSelected(node->object);
    });
    connect(m_graph, &GraphView::actionRequested, this, [this](GraphView::NodeAction action, const QString& id) {
        const auto* node = m_session->graph()->node(id);
        if (!node)
            return;
        switch (action) {
        case GraphView::NodeAction::ShowYaml:
            // The inspector shows the selected node's YAML; make sure it is not collapsed away.
            if (m_splitter->sizes().value(1) == 0)
                m_splitter->setSizes({ 900, 340 });
            break;
        case GraphView::NodeAction::EditTrigger:
            Q_EMIT editRequested(node->object);
            break;
        case GraphView::NodeAction::PublishTestEvent:
            Q_EMIT publishRequested(node->object);
            break;
        case GraphView::NodeAction::ShowBacklog:
            Q_EMIT showBacklogRequested(node->object);
            break;
        default:
            break;
        }
    });
    connect(m_graph, &GraphView::searchMatchesChanged, this, &TopologyPage::updateMatchLabel);
    connect(m_graph, &GraphView::focusChanged, this,
        [this](const QString& id) { m_focusAction->setChecked(!id.isEmpty()); });
    connect(session->store(), &ObjectStore::changed, m_inspector, &InspectorPane::onStoreChanged);
    connect(m_inspector, &InspectorPane::editRequested, this, &TopologyPage::editRequested);
    connect(m_inspector, &InspectorPane::publishRequested, this, &TopologyPage::publishRequested);

    // Badges follow the measurements at a calm pace, without relayout.
    m_badgeTimer.setInterval(1000);
    connect(&m_badgeTimer, &QTimer::timeout, m_graph, &GraphView::refreshBadges);
    m_badgeTimer.start();
    m_traceTimer.setSingleShot(true);
    m_traceTimer.setInterval(4000);
    connect(&m_traceTimer, &QTimer::timeout, this, [this] { m_graph->highlightEdges({}); });
}

QWidget* TopologyPage::createToolBar()
{
    auto* bar = new QToolBar;
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_search->setPlaceholderText(tr("Find by name, kind, namespace, event type or label=value"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Find in graph"));
    m_search->setMinimumWidth(260);
    m_search->setMaximumWidth(420);
    m_search->installEventFilter(this);
    bar->addWidget(m_search);
    // Every keystroke would rescan 20,000 nodes; a short pause batches them.
    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(150);
    connect(m_search, &QLineEdit::textChanged, &m_searchTimer, qOverload<>(&QTimer::start));
    connect(&m_searchTimer, &QTimer::timeout, this, [this] { m_graph->setSearchText(m_search->text()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (m_searchTimer.isActive()) {
            m_searchTimer.stop();
            m_graph->setSearchText(m_search->text());
        }
        m_graph->nextMatch();
    });
    auto* previous = bar->addAction(tr("◀"), m_graph, &GraphView::previousMatch);
    previous->setToolTip(tr("Previous match (Shift+F3)"));
    previous->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3));
    previous->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    auto* next = bar->addAction(tr("▶"), m_graph, &GraphView::nextMatch);
    next->setToolTip(tr("Next match (F3 or Enter)"));
    next->setShortcut(QKeySequence(Qt::Key_F3));
    next->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_matchLabel->setMinimumWidth(90);
    m_matchLabel->setContentsMargins(6, 0, 6, 0);
    bar->addWidget(m_matchLabel);
    auto* find = new QAction(tr("Find in graph"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    addAction(find);

    bar->addSeparator();
    auto* fit = bar->addAction(tr("Fit"), m_graph, &GraphView::fitToView);
    fit->setToolTip(tr("Fit the whole graph in the view (0)"));
    auto* zoom = bar->addAction(tr("Zoom to selection"), m_graph, &GraphView::zoomToSelection);
    zoom->setToolTip(tr("Zoom to the selected node and its neighbours (Enter)"));
    m_focusAction = bar->addAction(tr("Focus"));
    m_focusAction->setCheckable(true);
    m_focusAction->setToolTip(tr("Show only the selected node's neighbourhood, dim the rest (F; Esc leaves)"));
    connect(m_focusAction, &QAction::triggered, this, [this](bool on) {
        m_graph->setFocusNode(on ? m_graph->selectedNodeId() : QString());
        m_focusAction->setChecked(!m_graph->focusNodeId().isEmpty());
    });
    auto* minimap = bar->addAction(tr("Minimap"));
    minimap->setCheckable(true);
    minimap->setChecked(m_graph->isMinimapEnabled());
    minimap->setToolTip(tr("Show an overview in the corner when the graph is larger than the view"));
    connect(minimap, &QAction::toggled, m_graph, &GraphView::setMinimapEnabled);

    bar->addSeparator();
    auto* exportButton = new QToolButton;
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    exportButton->setToolTip(tr("Save the current view as SVG or PNG"));
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(tr("View as &SVG…"), this, &TopologyPage::exportInteractively)->setData(u"svg"_s);
    exportMenu->addAction(tr("View as &PNG…"), this, &TopologyPage::exportInteractively)->setData(u"png"_s);
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);
    updateMatchLabel();
    return bar;
}

bool TopologyPage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ShiftModifier)) {
            m_graph->previousMatch();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            m_search->clear();
            m_graph->setFocus(Qt::OtherFocusReason);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void TopologyPage::updateMatchLabel()
{
    const auto count = m_graph->searchMatches().size();
    if (m_graph->searchText().trimmed().isEmpty())
        m_matchLabel->clear();
    else if (count == 0)
        m_matchLabel->setText(tr("No matches"));
    else
        m_matchLabel->setText(tr("%1 of %2").arg(std::max(0, m_graph->currentMatchIndex()) + 1).arg(count));
}

void TopologyPage::exportInteractively()
{
    const auto* action = qobject_cast<QAction*>(sender());
    const bool svg = action && action->data().toString() == u"svg";
    const auto path = QFileDialog::getSaveFileName(this, svg ? tr("Export view as SVG") : tr("Export view as PNG"),
        svg ? u"topology.svg"_s : u"topology.png"_s, svg ? tr("SVG images (*.svg)") : tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (!exportView(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
}

bool TopologyPage::exportView(const QString& path)
{
    if (path.endsWith(u".svg"_s, Qt::CaseInsensitive))
        return m_graph->exportSvg(path);
    return m_graph->exportPng(path);
}

GraphRenderer::Health TopologyPage::healthFor(const TopologyNode& node) const
{
    const auto* backlog = m_session->backlog();
    if (node.kind != NodeKind::Trigger || !backlog)
        return GraphRenderer::Health::None;
    const auto health = backlog->healthOf(node.object);
    if (!health)
        return GraphRenderer::Health::None;
    switch (health->status) {
    case LagStatus::Ok:
        return GraphRenderer::Health::Ok;
    case LagStatus::Warn:
        return GraphRenderer::Health::Warn;
    case LagStatus::Stall:
        return GraphRenderer::Health::Stall;
    case LagStatus::Stop:
        return GraphRenderer::Health::Stop;
    case LagStatus::Rewind:
        return GraphRenderer::Health::Rewind;
    }
    return GraphRenderer::Health::None;
}

QString TopologyPage::badgeFor(const TopologyNode& node) const
{
    if (node.kind == NodeKind::Trigger) {
        if (const auto* backlog = m_session->backlog()) {
            if (const auto lag = backlog->lagOf(node.object); lag && lag->error.isEmpty()) {
                const auto health = backlog->healthOf(node.object);
                if (health && health->timeLagSeconds && *health->timeLagSeconds >= 1)
                    return tr("lag %1 · %2 s").arg(lag->totalLag).arg(qRound(*health->timeLagSeconds));
                return tr("lag %1").arg(lag->totalLag);
            }
        }
        if (const auto* rabbit = m_session->rabbit()) {
            if (const auto stats = rabbit->statsOf(node.object); stats && stats->error.isEmpty())
                return tr("ready %1").arg(stats->ready);
        }
    } else if (node.kind == NodeKind::Subscriber) {
        if (const auto scale = m_session->scale()->scaleOf(node.object))
            return scale->actual == 1 ? tr("1 pod") : tr("%1 pods").arg(scale->actual);
    }
    return {};
}

QStringList TopologyPage::searchTermsFor(const TopologyNode& node) const
{
    QStringList terms;
    const auto object = m_session->store()->find(node.object);
    if (!object)
        return terms;
    for (auto it = object->labels.cbegin(); it != object->labels.cend(); ++it)
        terms.append(it.key() % u'=' % it.value());
    QStringList types;
    if (const auto type = object->filterAttributes.find(u"type"_s); type != object->filterAttributes.cend())
        types.append(type.value());
    for (const auto& filter : object->filters)
        collectTypes(filter, types);
    for (const auto& type : std::as_const(types))
        terms << type << u"type="_s % type;
    return terms;
}

void TopologyPage::traceTriggers(const QList<ObjectKey>& triggers)
{
    QSet<QString> edges;
    for (const auto& trigger : triggers) {
        const auto id = trigger.toString();
        const auto incoming = m_session->graph()->edgesTo(id);
        for (const auto& edge : incoming)
            edges.insert(edge.id);
        const auto outgoing = m_session->graph()->edgesFrom(id);
        for (const auto& edge : outgoing) {
            if (edge.kind == EdgeKind::DeliversTo)
                edges.insert(edge.id);
        }
    }
    m_graph->highlightEdges(edges);
    m_traceTimer.start();
}
