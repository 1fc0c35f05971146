// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class LogModel;
class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

// The log dock's content: the app's recent messages (already redacted), filtered by minimum level and text, with
// "Save log…" (redacted again on save). Follows new messages while scrolled to the bottom.
class LogPane : public QWidget {
    Q_OBJECT
public:
    explicit LogPane(LogModel* model, QWidget* parent = nullptr);

    void setMinimumLevel(QtMsgType level);
    QtMsgType minimumLevel() const;
    void setFilterText(const QString& text);
    QTableView* view() const { return m_view; }
    QComboBox* levelBox() const { return m_level; }
    QLineEdit* filterField() const { return m_filter; }
    // Rows shown under the current filters.
    int shownCount() const;
    bool saveTo(const QString& path, QString* error) const;

private:
    void saveInteractively();

    LogModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QComboBox* m_level;
    QLineEdit* m_filter;
};
