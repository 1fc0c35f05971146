// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "commandpalettemodel.h"

#include <QFrame>

class QLineEdit;
class QListView;

// Ctrl+K: a popup with a line edit over a list of the window's actions and the topology's objects, filtered as one
// types. Keyboard only: Up/Down move, Enter runs the action or jumps to the object, Escape closes.
class CommandPalette : public QFrame {
    Q_OBJECT
public:
    explicit CommandPalette(QWidget* parent = nullptr);

    // Shows the palette centred at the top of the parent over the given items, with an empty query.
    void open(std::vector<CommandPaletteModel::Item> items);
    CommandPaletteModel* model() const { return m_model; }
    QLineEdit* lineEdit() const { return m_edit; }
    QListView* list() const { return m_list; }
    // Runs the current row (as Enter does).
    void activateCurrent();

Q_SIGNALS:
    void objectChosen(const QString& objectId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void moveCurrent(int delta);

    CommandPaletteModel* m_model;
    QLineEdit* m_edit;
    QListView* m_list;
};
