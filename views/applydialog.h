// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeapplier.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class DiffHighlighter;
class QLabel;
class QListWidget;
class QMessageBox;
class QPlainTextEdit;
class QPushButton;

// Shows what an apply would do before it happens: the target (context, namespace, resource and name), the
// unified diff of the live object against the server's dry run, and what went wrong, field by field. Apply is
// one button; when other field managers own fields, their list and a separate "Force apply (take ownership)"
// button with its consequences appear. Never blocks: results arrive through showResult().
//
// The dialog only shows: start() connects it to a KubeApplier (dry run at once, apply and force on the buttons);
// without it, feed results to showResult() and act on applyRequested() and forceApplyRequested().
class ApplyDialog : public QDialog {
    Q_OBJECT
public:
    explicit ApplyDialog(QWidget* parent = nullptr);
    ~ApplyDialog() override;

    // Runs the dry run of text now and the apply when asked, through applier. Call once. Closing the dialog
    // while a call runs cancels it.
    void start(KubeApplier* applier, const QString& text, const QString& fileName = {});

    // Asks before deleting: names kind, name, namespace and context. Window-modal and asynchronous: confirmed runs
    // when the user chose Delete. The box deletes itself when closed; it is returned for tests.
    static QMessageBox* confirmDelete(
        QWidget* parent, const ObjectKey& key, const QString& context, std::function<void()> confirmed);

    // For tests and callers that drive the dialog themselves.
    QString diffText() const;
    QString statusText() const;
    QStringList problemTexts() const;
    QStringList conflictTexts() const;
    QPushButton* applyButton() const { return m_apply; }
    QPushButton* forceButton() const { return m_force; }
    QPushButton* closeButton() const { return m_close; }
    bool isBusy() const { return m_busy; }

public Q_SLOTS:
    void setTarget(const QString& context, const QString& ns, const QString& object);
    // A call is running: buttons wait, the text says what happens.
    void showPending(const QString& text);
    // The end of a dry run or an apply; other results are ignored.
    void showResult(const ApplyResult& result);

Q_SIGNALS:
    void applyRequested();
    void forceApplyRequested();
    // The apply went through; the dialog stays open to show what changed.
    void applied(const ApplyResult& result);
    // The user picked a field error that has a place in the document.
    void locationActivated(const SourceLocation& location);

protected:
    void done(int result) override;

private:
    enum class Tone { Neutral, Good, Bad };
    void setStatus(const QString& text, Tone tone);

    QLabel* m_context = nullptr;
    QLabel* m_namespace = nullptr;
    QLabel* m_object = nullptr;
    QLabel* m_status = nullptr;
    QPlainTextEdit* m_diff = nullptr;
    DiffHighlighter* m_highlighter = nullptr;
    QListWidget* m_problems = nullptr;
    QLabel* m_conflictExplanation = nullptr;
    QListWidget* m_conflicts = nullptr;
    QPushButton* m_apply = nullptr;
    QPushButton* m_force = nullptr;
    QPushButton* m_close = nullptr;
    QPointer<KubeApplier> m_applier;
    bool m_busy = false;
};
