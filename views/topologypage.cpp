// SPDX-License-Identifier: Apache-2.0
#include "topologypage.h"

#include "backlogmonitor.h"
#include "graphview.h"
#include "inspectorpane.h"
#include "meshsession.h"
#include "objectstore.h"
#include "scalemonitor.h"
#include "topologygraph.h"

#include <QHBoxLayout>
#include <QSplitter>

TopologyPage::TopologyPage(MeshSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_graph(new GraphView)
    , m_inspector(new InspectorPane(session->store()))
{
    auto* splitter = new QSplitter;
    splitter->addWidget(m_graph);
    splitter->addWidget(m_inspector);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 900, 340 });
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    m_graph->setGraph(session->graph());
    m_graph->setBadgeProvider([this](const TopologyNode& node) { return badgeFor(node); });
    connect(m_graph, &GraphView::nodeSelected, this, [this](const QString& id) {
        const auto* node = m_session->graph()->node(id);
        m_inspector->showNode(node);
        if (node)
            Q_EMIT objectSelected(node->object);
    });
    connect(session->store(), &ObjectStore::changed, m_inspector, &InspectorPane::refresh);
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

QString TopologyPage::badgeFor(const TopologyNode& node) const
{
    if (node.kind == NodeKind::Trigger) {
        if (const auto* backlog = m_session->backlog()) {
            if (const auto lag = backlog->lagOf(node.object); lag && lag->error.isEmpty())
                return tr("lag %1").arg(lag->totalLag);
        }
    } else if (node.kind == NodeKind::Subscriber) {
        if (const auto scale = m_session->scale()->scaleOf(node.object))
            return scale->actual == 1 ? tr("1 pod") : tr("%1 pods").arg(scale->actual);
    }
    return {};
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
