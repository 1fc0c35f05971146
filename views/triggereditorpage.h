// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QTimer>
#include <QWidget>

class ObjectStore;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

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
    // Apply and delete act on a cluster: enabled while one is connected.
    void setClusterAvailable(bool available, const QString& context = {});
    void jumpTo(int line, int column);

Q_SIGNALS:
    void validated(const QList<SourceIssue>& issues);
    // The user asked to dry-run, diff and apply the text to the connected cluster.
    void applyRequested(const QString& text, const QString& fileName);
    // The user asked to delete the object the text describes from the connected cluster.
    void deleteRequested(const ObjectKey& key, const QString& apiVersion);

private:
    void validate();
    void requestDelete();

    const ObjectStore* m_store;
    QPlainTextEdit* m_editor;
    QListWidget* m_issueList;
    QLabel* m_fileLabel;
    QPushButton* m_applyButton;
    QPushButton* m_deleteButton;
    QTimer m_validateTimer;
    QString m_fileName;
    QList<SourceIssue> m_issues;
};
