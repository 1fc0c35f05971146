// SPDX-License-Identifier: Apache-2.0
#include "clusterbar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QStyle>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWidgetAction>

using namespace Qt::StringLiterals;

namespace {
QStyle::StandardPixmap iconFor(KindStateRow::Level level)
{
    switch (level) {
    case KindStateRow::Level::Ok:
        return QStyle::SP_DialogApplyButton;
    case KindStateRow::Level::Busy:
        return QStyle::SP_BrowserReload;
    case KindStateRow::Level::Warning:
        return QStyle::SP_MessageBoxWarning;
    case KindStateRow::Level::Error:
        return QStyle::SP_MessageBoxCritical;
    }
    return QStyle::SP_MessageBoxInformation;
}
} // namespace

ClusterBar::ClusterBar(QWidget* parent)
    : QWidget(parent)
    , m_contexts(new QComboBox)
    , m_namespaceButton(new QToolButton)
    , m_namespaceMenu(new QMenu(this))
    , m_stateButton(new QToolButton)
    , m_statePopup(new QWidget)
    , m_states(new QTreeWidget)
{
    auto* contextLabel = new QLabel(tr("C&ontext:"));
    contextLabel->setBuddy(m_contexts);
    m_contexts->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_contexts->setToolTip(tr("The kubeconfig context to show (Ctrl+Shift+C)"));
    m_contexts->setAccessibleName(tr("Kubeconfig context"));
    connect(m_contexts, &QComboBox::activated, this, [this](int index) {
        if (!m_updating)
            Q_EMIT contextRequested(m_contexts->itemText(index));
    });

    auto* namespaceLabel = new QLabel(tr("&Namespaces:"));
    namespaceLabel->setBuddy(m_namespaceButton);
    m_namespaceButton->setPopupMode(QToolButton::InstantPopup);
    m_namespaceButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_namespaceButton->setMenu(m_namespaceMenu);
    m_namespaceButton->setToolTip(tr("Show one namespace, several, or all"));
    m_namespaceButton->setAccessibleName(tr("Namespaces"));

    m_states->setHeaderLabels({ tr("Resource"), tr("State"), tr("Details") });
    m_states->setRootIsDecorated(false);
    m_states->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_states->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_states->setMinimumSize(980, 340);
    m_states->setAccessibleName(tr("Sync state of each resource"));
    auto* popupLayout = new QVBoxLayout(m_statePopup);
    popupLayout->setContentsMargins(4, 4, 4, 4);
    popupLayout->addWidget(m_states);
    auto* stateMenu = new QMenu(this);
    auto* stateAction = new QWidgetAction(stateMenu);
    stateAction->setDefaultWidget(m_statePopup);
    stateMenu->addAction(stateAction);
    m_stateButton->setMenu(stateMenu);
    m_stateButton->setPopupMode(QToolButton::InstantPopup);
    m_stateButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_stateButton->setToolTip(tr("How each watched resource is syncing"));
    m_stateButton->setAutoRaise(true);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(contextLabel);
    layout->addWidget(m_contexts);
    layout->addSpacing(12);
    layout->addWidget(namespaceLabel);
    layout->addWidget(m_namespaceButton);
    layout->addSpacing(12);
    layout->addWidget(m_stateButton);
    layout->addStretch(1);
    setSummary(tr("Not connected"), KindStateRow::Level::Warning);
    updateNamespaceButton();
}

void ClusterBar::setContexts(const QStringList& names, const QString& current)
{
    m_updating = true;
    m_contexts->clear();
    m_contexts->addItems(names);
    m_contexts->setCurrentIndex(int(names.indexOf(current)));
    m_updating = false;
}

QString ClusterBar::currentContext() const { return m_contexts->currentText(); }

void ClusterBar::setNamespaces(const QStringList& available, const QStringList& selected)
{
    m_available = available;
    for (const QString& ns : selected) {
        if (!m_available.contains(ns))
            m_available.append(ns);
    }
    m_available.sort();
    m_selected = selected;
    rebuildNamespaceMenu();
    updateNamespaceButton();
}

void ClusterBar::rebuildNamespaceMenu()
{
    m_namespaceMenu->clear();
    auto* all = m_namespaceMenu->addAction(tr("All namespaces"));
    all->setCheckable(true);
    all->setChecked(m_selected.isEmpty());
    connect(all, &QAction::triggered, this, [this] {
        m_selected.clear();
        rebuildNamespaceMenu();
        updateNamespaceButton();
        Q_EMIT namespacesRequested({});
    });
    m_namespaceMenu->addSeparator();
    for (const QString& ns : std::as_const(m_available)) {
        auto* action = m_namespaceMenu->addAction(ns);
        action->setCheckable(true);
        action->setChecked(m_selected.contains(ns));
        connect(action, &QAction::triggered, this, [this, ns](bool checked) {
            if (checked && !m_selected.contains(ns))
                m_selected.append(ns);
            else if (!checked)
                m_selected.removeAll(ns);
            m_selected.sort();
            rebuildNamespaceMenu();
            updateNamespaceButton();
            Q_EMIT namespacesRequested(m_selected);
        });
    }
    m_namespaceMenu->addSeparator();
    m_namespaceMenu->addAction(tr("Other namespace…"), this, &ClusterBar::chooseOtherNamespace);
}

void ClusterBar::chooseOtherNamespace()
{
    bool ok = false;
    const QString ns = QInputDialog::getText(this, tr("Show a namespace"),
        tr("Namespace (when the cluster does not let you list namespaces, type it here):"), QLineEdit::Normal,
        QString(), &ok)
                           .trimmed();
    if (!ok || ns.isEmpty() || m_selected.contains(ns))
        return;
    m_selected.append(ns);
    m_selected.sort();
    setNamespaces(m_available, m_selected);
    Q_EMIT namespacesRequested(m_selected);
}

void ClusterBar::updateNamespaceButton()
{
    QString text;
    if (m_selected.isEmpty())
        text = tr("All namespaces");
    else if (m_selected.size() <= 2)
        text = m_selected.join(u", "_s);
    else
        text = tr("%1 namespaces").arg(m_selected.size());
    m_namespaceButton->setText(text + u" ▾"_s);
}

void ClusterBar::setKindStates(const QList<KindStateRow>& rows)
{
    m_states->clear();
    for (const KindStateRow& row : rows) {
        auto* item = new QTreeWidgetItem(m_states, { row.kind, row.state, row.message });
        item->setIcon(1, style()->standardIcon(iconFor(row.level)));
        item->setToolTip(2, row.message);
    }
}

void ClusterBar::setSummary(const QString& text, KindStateRow::Level level)
{
    m_stateButton->setText(text);
    m_stateButton->setIcon(style()->standardIcon(iconFor(level)));
}

QString ClusterBar::summaryText() const { return m_stateButton->text(); }
