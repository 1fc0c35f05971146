// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>
#include <QPointer>

class QAction;
class QLineEdit;
class QTreeWidget;

// Help → Keyboard shortcuts: every action of a window that has a shortcut, grouped by its menu (or the page it
// acts on), generated from the actions themselves so it never goes stale, and filterable by name or key.
class ShortcutSheet : public QDialog {
    Q_OBJECT
public:
    struct Entry {
        QPointer<QAction> action;
        QString group; // "File", "Cluster › Recent", "Topology" for a page's own actions
        QString text; // without mnemonics or a trailing ellipsis
        QString shortcut; // native text, "Ctrl+Shift+O"; several joined by ", "
    };

    explicit ShortcutSheet(QWidget* window, QWidget* parent = nullptr);

    // The window's menu actions in menu order (with or without shortcuts), then the actions that live in its pages
    // and have a shortcut. Separators and submenu entries are skipped.
    static QList<Entry> entries(QWidget* window);
    static QString plainText(const QString& actionText);

    QLineEdit* filterField() const { return m_filter; }
    QTreeWidget* tree() const { return m_tree; }
    // Rows shown under the current filter.
    int visibleCount() const;

private:
    void applyFilter(const QString& text);

    QLineEdit* m_filter;
    QTreeWidget* m_tree;
};
