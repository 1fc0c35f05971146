// SPDX-License-Identifier: Apache-2.0
#include "manifestsource.h"

#include "manifestparser.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

using namespace Qt::StringLiterals;

ManifestSource::ManifestSource(QObject* parent)
    : ObjectSource(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &ManifestSource::sync);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &ManifestSource::scheduleFile);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &ManifestSource::scheduleRescan);
}

bool ManifestSource::isManifestFile(const QString& fileName)
{
    return fileName.endsWith(u".yaml"_s, Qt::CaseInsensitive) || fileName.endsWith(u".yml"_s, Qt::CaseInsensitive)
        || fileName.endsWith(u".json"_s, Qt::CaseInsensitive);
}

void ManifestSource::addPath(const QString& fileOrFolder)
{
    const auto path = QDir::cleanPath(QFileInfo(fileOrFolder).absoluteFilePath());
    if (m_roots.contains(path))
        return;
    m_roots.append(path);
    if (m_started)
        scheduleRescan();
}

void ManifestSource::start()
{
    m_started = true;
    sync();
}

QString ManifestSource::displayName() const
{
    QStringList native;
    for (const auto& root : m_roots)
        native.append(QDir::toNativeSeparators(root));
    return native.join(u", "_s);
}

void ManifestSource::scheduleFile(const QString& path)
{
    m_pendingFiles.insert(path);
    m_debounce.start();
}

void ManifestSource::scheduleRescan() { m_debounce.start(); }

void ManifestSource::scan(QSet<QString>& files, QSet<QString>& folders) const
{
    for (const auto& root : m_roots) {
        const QFileInfo info(root);
        if (info.isDir()) {
            folders.insert(root);
            QDirIterator dirs(root, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (dirs.hasNext())
                folders.insert(QDir::cleanPath(dirs.next()));
            QDirIterator entries(root, QDir::Files, QDirIterator::Subdirectories);
            while (entries.hasNext()) {
                const auto path = QDir::cleanPath(entries.next());
                if (isManifestFile(path))
                    files.insert(path);
            }
        } else {
            if (info.isFile())
                files.insert(root);
            // The parent folder tells when a file given by name is created again after a delete or a rename.
            const auto parent = info.absolutePath();
            if (QFileInfo(parent).isDir())
                folders.insert(parent);
        }
    }
}

void ManifestSource::sync()
{
    if (!m_started)
        return;
    QSet<QString> files;
    QSet<QString> folders;
    scan(files, folders);

    auto gone = QStringList(m_files.cbegin(), m_files.cend());
    gone.erase(std::remove_if(gone.begin(), gone.end(), [&](const QString& path) { return files.contains(path); }),
        gone.end());
    gone.sort();
    for (const auto& path : std::as_const(gone))
        forgetFile(path);

    QStringList toRead;
    for (const auto& path : std::as_const(files)) {
        if (!m_files.contains(path) || m_pendingFiles.contains(path))
            toRead.append(path);
    }
    m_pendingFiles.clear();
    toRead.sort();
    for (const auto& path : std::as_const(toRead))
        readFile(path);

    for (const auto& root : std::as_const(m_roots)) {
        const bool exists = QFileInfo::exists(root);
        if (!exists && !m_missingRoots.contains(root)) {
            m_missingRoots.insert(root);
            SourceIssue issue;
            issue.location.file = root;
            issue.message = QStringLiteral("no such file or folder");
            Q_EMIT issues(root, { issue });
        } else if (exists && m_missingRoots.remove(root) && !files.contains(root)) {
            Q_EMIT issues(root, {});
        }
    }

    updateWatcher(files, folders);
}

void ManifestSource::readFile(const QString& path)
{
    m_files.insert(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_digests.remove(path);
        SourceIssue issue;
        issue.location.file = path;
        issue.message = QStringLiteral("cannot read the file: %1").arg(file.errorString());
        Q_EMIT snapshot(path, {});
        Q_EMIT issues(path, { issue });
        return;
    }
    const auto content = file.readAll();
    const auto digest = QCryptographicHash::hash(content, QCryptographicHash::Sha256);
    const auto known = m_digests.constFind(path);
    if (known != m_digests.cend() && *known == digest)
        return;
    m_digests.insert(path, digest);
    const auto result = path.endsWith(u".json"_s, Qt::CaseInsensitive) ? ManifestParser::parseJson(content, path)
                                                                       : ManifestParser::parseYaml(content, path);
    Q_EMIT snapshot(path, result.objects);
    Q_EMIT issues(path, result.issues);
}

void ManifestSource::forgetFile(const QString& path)
{
    m_files.remove(path);
    m_digests.remove(path);
    Q_EMIT snapshot(path, {});
    Q_EMIT issues(path, {});
}

void ManifestSource::updateWatcher(const QSet<QString>& files, const QSet<QString>& folders)
{
    const auto wanted = files + folders;
    QStringList obsolete;
    const auto watchedFiles = m_watcher.files();
    const auto watchedFolders = m_watcher.directories();
    QSet<QString> watched;
    for (const auto& path : watchedFiles + watchedFolders) {
        if (wanted.contains(path))
            watched.insert(path);
        else
            obsolete.append(path);
    }
    if (!obsolete.isEmpty())
        m_watcher.removePaths(obsolete);
    QStringList added;
    for (const auto& path : wanted) {
        if (!watched.contains(path))
            added.append(path);
    }
    if (!added.isEmpty())
        m_watcher.addPaths(added);
}
