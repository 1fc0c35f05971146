// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "crdschema.h"
#include "draftstore.h"
#include "objectsource.h"

#include <QTimer>
#include <QWidget>

class MatchPreviewPane;
class ObjectStore;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTabBar;
class QTextDocument;
class QToolButton;
class TriggerForm;

// Trigger drafts, one tab each, with YAML highlighting and validation as you type: every message carries its
// line:column and is marked on that line. Drafts are written to a DraftStore shortly after every change and come
// back on the next start, even after the process was killed. The text is never thrown away: a failed save or
// open keeps it. Each draft has its own QTextDocument, whose undo stack is the draft's one history: views that
// change the draft (the form, drawing on the graph) do so through text edits on it.
class TriggerEditorPage : public QWidget {
    Q_OBJECT
public:
    // draftDirectory: where drafts are kept; empty = DraftStore::defaultDirectory().
    explicit TriggerEditorPage(const ObjectStore* store, QWidget* parent = nullptr, const QString& draftDirectory = {});
    ~TriggerEditorPage() override;

    // Replaces the current draft's text (a new history starts).
    void setText(const QString& text, const QString& fileName = {});
    QString text() const;
    QString fileName() const;
    const QList<SourceIssue>& issues() const { return m_issues; }
    QTextDocument* document() const;
    QPlainTextEdit* textEditor() const { return m_editor; }

    int draftCount() const { return int(m_drafts.size()); }
    int currentDraft() const { return m_current; }
    void setCurrentDraft(int index);
    QString draftTitle(int index) const;
    QString draftText(int index) const;
    // Closes a draft and forgets it on disk; asks first when ask is set and the draft is not saved to a file.
    bool closeDraft(int index, bool ask = true);
    // Every draft as one multi-document YAML file, readable by kubectl apply -f.
    bool exportDrafts(const QString& path, QString* error) const;

    // Opens an existing trigger, without its status, in a draft of its own (or the draft already open for it).
    void editObject(const ObjectKey& key);
    bool openFile(const QString& path, QString* error);
    bool saveFile(const QString& path, QString* error);
    // A new draft from the template; or, drawn on the graph, from a broker to a subscriber.
    void newTrigger();
    void newTriggerFor(const ObjectKey& broker, const ObjectKey& subscriber, const QString& subscriberApiVersion);
    void open();
    void save();
    void saveAs();
    void exportAll();
    // Writes pending drafts to disk now (also done on a timer after each change and when the page goes away).
    void flushDrafts();
    QString draftDirectory() const { return m_draftStore.directory(); }

    // Apply and delete act on a cluster: enabled while one is connected.
    void setClusterAvailable(bool available, const QString& context = {});
    void jumpTo(int line, int column);

    // The Trigger schema to validate against: the connected cluster's CRD; a null schema = the one shipped.
    void setSchema(const CrdSchema& schema);
    // Events for the match preview besides the typed ones (e.g. those just published).
    void addSampleEvents(const QList<CloudEvent>& events);

    TriggerForm* form() const { return m_form; }
    MatchPreviewPane* preview() const { return m_preview; }

Q_SIGNALS:
    void validated(const QList<SourceIssue>& issues);
    // A draft was added, closed or changed (reported after the validation delay, not per keystroke).
    void draftsChanged();
    // Another draft became current (its document is document()).
    void currentDraftChanged(QTextDocument* document);
    // The user asked to dry-run, diff and apply the text to the connected cluster.
    void applyRequested(const QString& text, const QString& fileName);
    // The user asked to delete the object the text describes from the connected cluster.
    void deleteRequested(const ObjectKey& key, const QString& apiVersion);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct DraftState {
        QString id;
        QString fileName;
        QString savedText; // what the file holds, to know whether closing loses anything
        qint64 createdMs = 0;
        QTextDocument* document = nullptr;
        bool pendingSave = false;
    };

    int addDraft(const QString& text, const QString& fileName, const QString& id = {}, qint64 createdMs = 0);
    QString titleOf(const DraftState& draft) const;
    void updateTabTitle(int index);
    void updateFileLabel();
    void validate();
    void requestDelete();
    void saveDraftsToStore();

    const ObjectStore* m_store;
    DraftStore m_draftStore;
    QList<DraftState> m_drafts;
    int m_current = -1;
    QTabBar* m_tabs;
    QPlainTextEdit* m_editor;
    QSplitter* m_columns;
    TriggerForm* m_form;
    MatchPreviewPane* m_preview;
    CrdSchema m_schema;
    QListWidget* m_issueList;
    QLabel* m_fileLabel;
    QToolButton* m_undoButton;
    QToolButton* m_redoButton;
    QPushButton* m_applyButton;
    QPushButton* m_deleteButton;
    QTimer m_validateTimer;
    QTimer m_autosaveTimer;
    QList<SourceIssue> m_issues;
};
