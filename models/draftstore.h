// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>

// Drafts the user is composing (trigger YAML and where it came from), kept on disk so that they survive a crash
// or a killed process. Each draft is one small JSON file written atomically (QSaveFile: a new file is renamed
// over the old one), so a kill at any moment leaves either the previous or the new version, never half of one.
class DraftStore {
public:
    struct Draft {
        QString id; // stable file name part; made by newId()
        QString title;
        QString fileName; // the file the draft was opened from or saved to; empty if none
        QString text;
        qint64 createdMs = 0; // keeps the order of drafts across runs
        qint64 modifiedMs = 0;
        friend bool operator==(const Draft&, const Draft&) = default;
    };

    // directory: where drafts live; created on first save. Empty = defaultDirectory().
    explicit DraftStore(QString directory = {});

    // <AppLocalDataLocation>/drafts, e.g. ~/.local/share/meshscope/drafts.
    static QString defaultDirectory();
    static QString newId();

    QString directory() const { return m_directory; }
    bool save(const Draft& draft, QString* error);
    void remove(const QString& id);
    // Every readable draft, in the order they were created; unreadable files are named in *problems (and left alone).
    QList<Draft> load(QStringList* problems = nullptr) const;

private:
    QString pathOf(const QString& id) const;
    QString m_directory;
};
