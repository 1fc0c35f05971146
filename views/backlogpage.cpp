// SPDX-License-Identifier: Apache-2.0
#include "backlogpage.h"

#include "backlogmonitor.h"
#include "chartpane.h"
#include "meshsession.h"
#include "triggerlistmodel.h"

#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

BacklogPage::BacklogPage(MeshSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new TriggerListModel(session->store(), this))
    , m_table(new QTableView)
    , m_charts(new ChartPane(session->series(), session->graph()))
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    // Read-only rows: arrow keys move between them, Tab moves on to the next control.
    m_table->setTabKeyNavigation(false);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    m_table->setAccessibleName(tr("Triggers and their backlog"));

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(QStringLiteral("backlogSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_charts);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({ 260, 520 });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    // The chart shortcuts work from the table as well.
    addActions(m_charts->actions());

    connect(
        m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
            if (current.isValid())
                m_charts->setFocusObject(current.data(TriggerListModel::ObjectKeyRole).toString());
        });
    connect(session, &MeshSession::kafkaConnected, this, [this] {
        connect(m_session->backlog(), &BacklogMonitor::measured, this,
            [this] { m_model->setBacklog(m_session->backlog()->totals()); });
    });
}

void BacklogPage::focusObject(const QString& objectKey) { m_charts->setFocusObject(objectKey); }
