// SPDX-License-Identifier: Apache-2.0
#include "problemspane.h"

#include <QHeaderView>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

ProblemsPane::ProblemsPane(QWidget* parent)
    : QWidget(parent)
    , m_list(new QTreeWidget)
{
    m_list->setHeaderLabels({ tr("Where"), tr("Problem") });
    m_list->setRootIsDecorated(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->setAccessibleName(tr("Problems in the input"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
}

void ProblemsPane::setIssues(const QList<SourceIssue>& issues)
{
    m_list->clear();
    for (const auto& issue : issues) {
        const bool error = issue.severity == SourceIssue::Severity::Error;
        auto* item = new QTreeWidgetItem(m_list, { issue.location.toString(), issue.message });
        item->setIcon(0, style()->standardIcon(error ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning));
        item->setToolTip(1, issue.message);
    }
}

int ProblemsPane::count() const { return m_list->topLevelItemCount(); }

QStringList ProblemsPane::texts() const
{
    QStringList texts;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const auto* item = m_list->topLevelItem(i);
        texts.append(item->text(0) % QStringLiteral(": ") % item->text(1));
    }
    return texts;
}
