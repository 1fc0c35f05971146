// SPDX-License-Identifier: Apache-2.0
#include "commandpalettemodel.h"

#include <QAction>

#include <algorithm>

CommandPaletteModel::CommandPaletteModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

CommandPaletteModel::~CommandPaletteModel() = default;

int CommandPaletteModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

QVariant CommandPaletteModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Item& item = itemAt(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        // "View › Fit graph to window    Ctrl+0"; "shop/orders  (Broker)".
        QString shown = item.kind == Kind::Action && !item.detail.isEmpty()
            ? QString(item.detail + QStringLiteral(" \u203a ") + item.text)
            : item.text;
        if (item.kind == Kind::Object && !item.detail.isEmpty())
            shown += QStringLiteral("  (") + item.detail + QLatin1Char(')');
        if (!item.shortcut.isEmpty())
            shown += QStringLiteral("    ") + item.shortcut;
        return shown;
    }
    case Qt::ToolTipRole:
        return item.detail.isEmpty() ? item.text : QString(item.detail + QStringLiteral(": ") + item.text);
    case KindRole:
        return int(item.kind);
    case DetailRole:
        return item.detail;
    case ShortcutRole:
        return item.shortcut;
    case ObjectIdRole:
        return item.objectId;
    default:
        return {};
    }
}

void CommandPaletteModel::setItems(std::vector<Item> items)
{
    beginResetModel();
    m_items = std::move(items);
    m_haystacks.clear();
    m_haystacks.reserve(m_items.size());
    for (const auto& item : m_items)
        m_haystacks.push_back(QString(item.text + QLatin1Char(' ') + item.detail).toLower());
    m_shown.clear();
    endResetModel();
    refilter();
}

void CommandPaletteModel::setQuery(const QString& query)
{
    if (query == m_query)
        return;
    m_query = query;
    refilter();
}

int CommandPaletteModel::score(const QString& query, const QString& text)
{
    if (query.isEmpty())
        return 0;
    int result = 0;
    int run = 0;
    qsizetype at = 0;
    for (const QChar wanted : query) {
        if (wanted.isSpace())
            continue;
        const QChar lower = wanted.toLower();
        bool found = false;
        for (; at < text.size(); ++at) {
            if (text[at].toLower() != lower) {
                run = 0;
                continue;
            }
            const bool wordStart = at == 0 || !text[at - 1].isLetterOrNumber();
            result += 1 + (wordStart ? 8 : 0) + run * 4 + (at == 0 ? 6 : 0);
            ++run;
            ++at;
            found = true;
            break;
        }
        if (!found)
            return -1;
    }
    // Among equal matches the shorter text is the more specific one.
    return std::max(1, result * 16 - int(std::min<qsizetype>(text.size(), 200)) / 8);
}

void CommandPaletteModel::refilter()
{
    std::vector<std::pair<int, int>> ranked; // (score, item)
    const QString query = m_query.trimmed().toLower();
    ranked.reserve(query.isEmpty() ? std::min<std::size_t>(m_items.size(), maxShownRows) : m_items.size() / 4);
    for (int i = 0; i < int(m_items.size()); ++i) {
        if (query.isEmpty()) {
            // Without a query: the actions first, in menu order, as a browsable list.
            if (int(ranked.size()) >= maxShownRows)
                break;
            ranked.emplace_back(0, i);
            continue;
        }
        const int s = score(query, m_haystacks[std::size_t(i)]);
        if (s >= 0)
            ranked.emplace_back(s, i);
    }
    const auto shown = std::min<std::size_t>(ranked.size(), maxShownRows);
    std::partial_sort(ranked.begin(), ranked.begin() + qsizetype(shown), ranked.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    beginResetModel();
    m_shown.clear();
    for (std::size_t i = 0; i < shown; ++i)
        m_shown.push_back(ranked[i].second);
    endResetModel();
}
