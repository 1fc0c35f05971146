// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

// A busy indicator for work that may take a while (connecting, a first sync, an export): it appears only when the
// work is still running delayMs after start(), so quick work does not flicker, and offers Cancel when the work can
// be cancelled. Meant for a status bar's permanent area; one notice shows one piece of work at a time.
class ProgressNotice : public QWidget {
    Q_OBJECT
public:
    static constexpr int delayMs = 500;

    explicit ProgressNotice(QWidget* parent = nullptr);

    // Starts (or restarts with a new text) the work. cancelText empty: no Cancel button.
    void start(const QString& text, const QString& cancelText = {});
    void setText(const QString& text);
    void finish();
    bool isRunning() const { return m_running; }
    QToolButton* cancelButton() const { return m_cancel; }
    QString text() const;

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel* m_label;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
    QTimer m_delay;
    bool m_running = false;
};
