// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QTimer>
#include <QWidget>

class ObjectStore;
class QLabel;
class QListWidget;
class QPlainTextEdit;

// Trigger YAML with highlighting and validation as you type: every message carries its line:column and is
// marked on that line. The text is never thrown away: a failed save keeps it, and so does a failed open.
class TriggerEditorPage : public QWidget {
    Q_OBJECT
public:
    explicit TriggerEditorPage(const ObjectStore* store, QWidget* parent = nullptr);

    void setText(const QString& text, const QString& fileName = {});
    QString text() const;
    QString fileName() const { return m_fileName; }
    const QList<SourceIssue>& issues() const { return m_issues; }
    // Loads an existing trigger, without its status, for editing.
    void editObject(const ObjectKey& key);

    bool openFile(const QString& path, QString* error);
    bool saveFile(const QString& path, QString* error);

    void newTrigger();
    void open();
    void save();
    void saveAs();

Q_SIGNALS:
    void validated(const QList<SourceIssue>& issues);

private:
    void validate();
    void jumpTo(int line, int column);

    const ObjectStore* m_store;
    QPlainTextEdit* m_editor;
    QListWidget* m_issueList;
    QLabel* m_fileLabel;
    QTimer m_validateTimer;
    QString m_fileName;
    QList<SourceIssue> m_issues;
};
