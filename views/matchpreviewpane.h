// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "matchpreview.h"
#include "matchpreviewmodel.h"
#include "objectsource.h"

#include <QPointer>
#include <QWidget>

class ObjectStore;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

// The match preview of the trigger editor: sample events, typed as CloudEvents JSON (one event, a batch array, or
// several events one after the other) or added from the publisher's history, and for each one whether the draft
// receives it, the sub-expression that decided, and which other triggers of the broker receive it too. Evaluates
// again whenever the draft, the samples or the candidate triggers change; that is cheap enough for every keystroke.
class MatchPreviewPane : public QWidget {
    Q_OBJECT
public:
    explicit MatchPreviewPane(QWidget* parent = nullptr);

    // The trigger being edited, as ManifestParser reads the draft's YAML; null when the draft does not parse.
    void setDraft(const KnativeObjectPtr& draft);
    KnativeObjectPtr draft() const { return m_draft; }
    // The existing triggers, as a fixed list; stops following a store.
    void setCandidates(const QList<KnativeObjectPtr>& objects);
    // The existing triggers of the store, followed as they change; null stops following.
    void setStore(const ObjectStore* store);

    // Events from elsewhere (the publisher's recent events), listed after the typed ones.
    void addSamples(const QList<CloudEvent>& events);
    void clearAddedSamples();

    // The typed samples, kept as typed even when they do not parse.
    QString samplesText() const;
    void setSamplesText(const QString& text);
    // Problems in the typed text, at their line and column (file "samples").
    QList<SourceIssue> sampleIssues() const { return m_issues; }
    // Every sample: the typed ones that parse, then the added ones.
    QList<CloudEvent> samples() const;

    MatchPreviewModel* model() const { return m_model; }

Q_SIGNALS:
    void samplesTextChanged();

private:
    void parseTypedSamples();
    void evaluate();
    void updateIssues();

    QPlainTextEdit* m_editor;
    QLabel* m_issuesLabel;
    QLabel* m_summary;
    QPushButton* m_clearAdded;
    QTableView* m_table;
    MatchPreviewModel* m_model;
    MatchPreview m_preview;
    QPointer<const ObjectStore> m_store;
    QMetaObject::Connection m_storeConnection;
    KnativeObjectPtr m_draft;
    QList<CloudEvent> m_typed;
    QList<CloudEvent> m_added;
    QList<SourceIssue> m_issues;
};
