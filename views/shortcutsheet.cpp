// SPDX-License-Identifier: Apache-2.0
#include "shortcutsheet.h"

#include <QAbstractButton>
#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

// A symbol for a label ("◀") says little out of place; its tooltip says what it does.
QString describe(const QAction* action)
{
    const QString text = ShortcutSheet::plainText(action->text());
    const QString tip = action->toolTip().trimmed();
    return text.size() <= 2 && !tip.isEmpty() ? ShortcutSheet::plainText(tip) : text;
}

QString shortcutText(const QAction* action)
{
    QStringList keys;
    for (const auto& key : action->shortcuts())
        keys.append(key.toString(QKeySequence::NativeText));
    return keys.join(u", "_s);
}

void collectMenu(const QMenu* menu, const QString& group, QList<ShortcutSheet::Entry>& out, QSet<QAction*>& seen)
{
    for (QAction* action : menu->actions()) {
        if (action->isSeparator())
            continue;
        if (action->menu()) {
            collectMenu(action->menu(), group % u" \u203a "_s % ShortcutSheet::plainText(action->text()), out, seen);
            continue;
        }
        if (action->text().isEmpty() || seen.contains(action))
            continue;
        seen.insert(action);
        out.append({ action, group, describe(action), shortcutText(action) });
    }
}

// The tab a widget lives on, named as the tab says, else the window.
QString pageOf(const QWidget* widget, const QString& fallback)
{
    for (const QWidget* w = widget; w; w = w->parentWidget()) {
        const auto* stack = qobject_cast<const QStackedWidget*>(w->parentWidget());
        if (const auto* tabs = stack ? qobject_cast<const QTabWidget*>(stack->parentWidget()) : nullptr) {
            const int index = tabs->indexOf(const_cast<QWidget*>(w));
            if (index >= 0)
                return ShortcutSheet::plainText(tabs->tabText(index));
        }
    }
    return fallback;
}

} // namespace

QString ShortcutSheet::plainText(const QString& actionText)
{
    QString text = actionText;
    text.replace(u"&&"_s, u"\u0001"_s);
    text.remove(u'&');
    text.replace(u"\u0001"_s, u"&"_s);
    if (text.endsWith(u'\u2026'))
        text.chop(1);
    else if (text.endsWith(u"..."_s))
        text.chop(3);
    return text.trimmed();
}

QList<ShortcutSheet::Entry> ShortcutSheet::entries(QWidget* window)
{
    QList<Entry> out;
    QSet<QAction*> seen;
    if (auto* main = qobject_cast<QMainWindow*>(window)) {
        for (QAction* top : main->menuBar()->actions()) {
            if (top->menu())
                collectMenu(top->menu(), plainText(top->text()), out, seen);
        }
    }
    const QString windowGroup = tr("Window");
    for (QAction* action : window->findChildren<QAction*>()) {
        if (seen.contains(action) || action->shortcut().isEmpty() || action->text().isEmpty())
            continue;
        seen.insert(action);
        QWidget* owner = qobject_cast<QWidget*>(action->parent());
        if (!owner && !action->associatedObjects().isEmpty())
            owner = qobject_cast<QWidget*>(action->associatedObjects().first());
        out.append({ action, pageOf(owner, windowGroup), describe(action), shortcutText(action) });
    }
    return out;
}

ShortcutSheet::ShortcutSheet(QWidget* window, QWidget* parent)
    : QDialog(parent)
    , m_filter(new QLineEdit)
    , m_tree(new QTreeWidget)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    m_filter->setPlaceholderText(tr("Filter by action or key"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter shortcuts"));
    m_tree->setHeaderLabels({ tr("Action"), tr("Shortcut") });
    m_tree->setRootIsDecorated(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->setAccessibleName(tr("Shortcuts"));

    QHash<QString, QTreeWidgetItem*> groups;
    for (const auto& entry : entries(window)) {
        if (entry.shortcut.isEmpty())
            continue;
        auto*& group = groups[entry.group];
        if (!group) {
            group = new QTreeWidgetItem(m_tree, { entry.group });
            group->setFirstColumnSpanned(true);
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setFlags(Qt::ItemIsEnabled);
        }
        new QTreeWidgetItem(group, { entry.text, entry.shortcut });
    }
    m_tree->expandAll();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(tr("&Filter:"));
    label->setBuddy(m_filter);
    layout->addWidget(label);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutSheet::applyFilter);
    resize(520, 600);
}

int ShortcutSheet::visibleCount() const
{
    int count = 0;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        const auto* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            count += group->child(i)->isHidden() ? 0 : 1;
    }
    return count;
}

void ShortcutSheet::applyFilter(const QString& text)
{
    const QString wanted = text.trimmed();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        auto* group = m_tree->topLevelItem(g);
        const bool groupMatches = group->text(0).contains(wanted, Qt::CaseInsensitive);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            auto* item = group->child(i);
            const bool match = wanted.isEmpty() || groupMatches || item->text(0).contains(wanted, Qt::CaseInsensitive)
                || item->text(1).contains(wanted, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}
