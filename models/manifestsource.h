// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

// Objects from manifest files (*.yaml, *.yml, *.json) and folders of them (recursively), kept up to date with the
// disk. Each file is one origin: a snapshot and an issues report per file, an empty snapshot when it disappears.
class ManifestSource : public ObjectSource {
    Q_OBJECT
public:
    explicit ManifestSource(QObject* parent = nullptr);

    void addPath(const QString& fileOrFolder);
    QStringList paths() const { return m_roots; }

    void start() override;
    QString displayName() const override;

    // Time to let a burst of change notifications (an editor's save, a git checkout) settle.
    void setDebounceInterval(int milliseconds) { m_debounce.setInterval(milliseconds); }

    static bool isManifestFile(const QString& fileName);

private:
    void scheduleFile(const QString& path);
    void scheduleRescan();
    void sync();
    // The files the roots currently stand for, and the folders to watch for files coming and going.
    void scan(QSet<QString>& files, QSet<QString>& folders) const;
    void readFile(const QString& path);
    void forgetFile(const QString& path);
    void updateWatcher(const QSet<QString>& files, const QSet<QString>& folders);

    QStringList m_roots;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QSet<QString> m_files; // files read and reported
    QHash<QString, QByteArray> m_digests; // of the content last read, to skip touches that change nothing
    QSet<QString> m_pendingFiles;
    QSet<QString> m_missingRoots;
    bool m_started = false;
};
