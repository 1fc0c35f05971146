// SPDX-License-Identifier: Apache-2.0
#include "logpane.h"

#include "logmodel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

// QtMsgType is not ordered by severity (info comes after critical); this is.
int severity(QtMsgType level)
{
    switch (level) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 4;
    }
    return 0;
}

class LogFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setMinimumLevel(QtMsgType level)
    {
        m_minimum = level;
        invalidateRowsFilter();
    }
    QtMsgType minimumLevel() const { return m_minimum; }
    void setText(const QString& text)
    {
        m_text = text;
        invalidateRowsFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const auto* model = static_cast<const LogModel*>(sourceModel());
        const auto& record = model->record(row);
        if (severity(record.level) < severity(m_minimum))
            return false;
        Q_UNUSED(parent)
        return m_text.isEmpty() || record.message.contains(m_text, Qt::CaseInsensitive)
            || record.category.contains(m_text, Qt::CaseInsensitive);
    }

private:
    QtMsgType m_minimum = QtDebugMsg;
    QString m_text;
};

} // namespace

LogPane::LogPane(LogModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new LogFilter(this))
    , m_view(new QTableView)
    , m_level(new QComboBox)
    , m_filter(new QLineEdit)
{
    m_proxy->setSourceModel(model);
    m_view->setModel(m_proxy);
    // Read-only rows: arrow keys move between them, Tab moves on to the next control.
    m_view->setTabKeyNavigation(false);
    m_view->setAccessibleName(tr("Log messages"));
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(LogModel::TimeColumn, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(LogModel::LevelColumn, QHeaderView::ResizeToContents);
    m_view->setColumnWidth(LogModel::CategoryColumn, 160);

    m_level->addItem(tr("Debug and up"), int(QtDebugMsg));
    m_level->addItem(tr("Info and up"), int(QtInfoMsg));
    m_level->addItem(tr("Warnings and errors"), int(QtWarningMsg));
    m_level->addItem(tr("Errors only"), int(QtCriticalMsg));
    m_level->setAccessibleName(tr("Minimum level"));
    m_level->setToolTip(tr("Show messages of this level and more severe"));
    connect(m_level, &QComboBox::currentIndexChanged, this,
        [this] { setMinimumLevel(QtMsgType(m_level->currentData().toInt())); });

    m_filter->setPlaceholderText(tr("Filter messages"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter messages"));
    connect(m_filter, &QLineEdit::textChanged, this, &LogPane::setFilterText);

    auto* save = new QToolButton;
    save->setText(tr("&Save log…"));
    save->setToolTip(tr("Save the log to a file; secrets stay hidden"));
    connect(save, &QToolButton::clicked, this, &LogPane::saveInteractively);
    auto* clear = new QToolButton;
    clear->setText(tr("C&lear"));
    clear->setToolTip(tr("Forget the messages shown so far"));
    connect(clear, &QToolButton::clicked, m_model, &LogModel::clear);

    auto* levelLabel = new QLabel(tr("Le&vel:"));
    levelLabel->setBuddy(m_level);
    auto* controls = new QHBoxLayout;
    controls->addWidget(levelLabel);
    controls->addWidget(m_level);
    controls->addWidget(m_filter, 1);
    controls->addWidget(save);
    controls->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_view, 1);

    // Follow the tail only when the user is already there; reading older messages is not interrupted.
    connect(m_model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        auto* bar = m_view->verticalScrollBar();
        m_view->setProperty("follow", bar->value() >= bar->maximum());
    });
    connect(m_model, &LogModel::recordsAdded, this, [this] {
        if (m_view->property("follow").toBool())
            m_view->scrollToBottom();
    });
    setMinimumLevel(QtInfoMsg);
}

void LogPane::setMinimumLevel(QtMsgType level)
{
    static_cast<LogFilter*>(m_proxy)->setMinimumLevel(level);
    const int index = m_level->findData(int(level));
    if (index >= 0 && index != m_level->currentIndex())
        m_level->setCurrentIndex(index);
}

QtMsgType LogPane::minimumLevel() const { return static_cast<LogFilter*>(m_proxy)->minimumLevel(); }

void LogPane::setFilterText(const QString& text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    static_cast<LogFilter*>(m_proxy)->setText(text.trimmed());
}

int LogPane::shownCount() const { return m_proxy->rowCount(); }

bool LogPane::saveTo(const QString& path, QString* error) const { return m_model->save(path, error); }

void LogPane::saveInteractively()
{
    const auto path
        = QFileDialog::getSaveFileName(this, tr("Save log"), QStringLiteral("meshscope.log"), tr("Logs (*.log *.txt)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTo(path, &error))
        QMessageBox::warning(this, tr("Cannot save the log"), error);
}
