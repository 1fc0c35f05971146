// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QPointer>

#include <vector>

class QAction;

// What the command palette offers and how well each entry matches what was typed: window actions (with their menu
// path and shortcut) and objects of the topology (kind, namespace/name). Matching is a ranked subsequence match
// ("tbp" finds "Trigger billing-process"); only the best maxShownRows rows are shown, so 20,000 objects cost one
// linear scan per keystroke and a short list to the view.
class CommandPaletteModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Kind { Action, Object };
    struct Item {
        Kind kind = Kind::Action;
        QString text; // "Fit graph to window", "Trigger shop/billing-process-trigger"
        QString detail; // "View", the kind
        QString shortcut;
        QPointer<QAction> action;
        QString objectId; // TopologyNode::id
    };
    enum Role { KindRole = Qt::UserRole + 1, DetailRole, ShortcutRole, ObjectIdRole };

    static constexpr int maxShownRows = 200;

    explicit CommandPaletteModel(QObject* parent = nullptr);
    ~CommandPaletteModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    void setItems(std::vector<Item> items);
    qsizetype itemCount() const { return qsizetype(m_items.size()); }
    void setQuery(const QString& query);
    QString query() const { return m_query; }
    const Item& itemAt(int row) const { return m_items[std::size_t(m_shown[std::size_t(row)])]; }

    // Higher is better; -1 when the query is not a subsequence of the text (case-insensitive). Matches at word
    // starts and runs of consecutive characters rank first, then shorter texts.
    static int score(const QString& query, const QString& text);

private:
    void refilter();

    std::vector<Item> m_items;
    // Lower-cased text + detail of each item, searched on every keystroke.
    std::vector<QString> m_haystacks;
    std::vector<int> m_shown;
    QString m_query;
};
