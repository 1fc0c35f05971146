// SPDX-License-Identifier: Apache-2.0
#include "commandpalette.h"

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QVBoxLayout>

CommandPalette::CommandPalette(QWidget* parent)
    : QFrame(parent, Qt::Popup)
    , m_model(new CommandPaletteModel(this))
    , m_edit(new QLineEdit)
    , m_list(new QListView)
{
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("commandPalette"));
    m_edit->setPlaceholderText(tr("Type an action or an object: kind, namespace/name"));
    m_edit->setAccessibleName(tr("Command palette"));
    m_edit->setClearButtonEnabled(true);
    m_list->setModel(m_model);
    m_list->setUniformItemSizes(true);
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->setAccessibleName(tr("Matching actions and objects"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_edit);
    layout->addWidget(m_list);
    m_edit->installEventFilter(this);
    connect(m_edit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_model->setQuery(text);
        moveCurrent(0);
    });
    connect(m_list, &QListView::activated, this, [this](const QModelIndex& index) {
        m_list->setCurrentIndex(index);
        activateCurrent();
    });
}

void CommandPalette::open(std::vector<CommandPaletteModel::Item> items)
{
    m_model->setItems(std::move(items));
    m_edit->clear();
    m_model->setQuery({});
    moveCurrent(0);
    if (auto* host = parentWidget()) {
        const int width = std::min(640, std::max(360, host->width() - 80));
        const int height = std::min(420, std::max(200, host->height() - 120));
        resize(width, height);
        move(host->mapToGlobal(QPoint((host->width() - width) / 2, 60)));
    }
    show();
    raise();
    activateWindow();
    m_edit->setFocus(Qt::PopupFocusReason);
}

void CommandPalette::activateCurrent()
{
    const auto index = m_list->currentIndex();
    if (!index.isValid())
        return;
    const CommandPaletteModel::Item item = m_model->itemAt(index.row());
    hide();
    if (item.kind == CommandPaletteModel::Kind::Action) {
        if (item.action && item.action->isEnabled())
            item.action->trigger();
    } else {
        Q_EMIT objectChosen(item.objectId);
    }
}

void CommandPalette::moveCurrent(int delta)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return;
    const int row = m_list->currentIndex().isValid() && delta != 0 ? m_list->currentIndex().row() + delta : 0;
    m_list->setCurrentIndex(m_model->index(std::clamp(row, 0, rows - 1)));
}

bool CommandPalette::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
        case Qt::Key_Down:
            moveCurrent(1);
            return true;
        case Qt::Key_Up:
            moveCurrent(-1);
            return true;
        case Qt::Key_PageDown:
            moveCurrent(10);
            return true;
        case Qt::Key_PageUp:
            moveCurrent(-10);
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            activateCurrent();
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            break;
        }
    }
    return QFrame::eventFilter(watched, event);
}
