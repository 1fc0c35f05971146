// SPDX-License-Identifier: Apache-2.0
#include "draftstore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
const auto suffix = u".draft.json"_s;

bool isValidId(const QString& id)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9-]{1,64}$"_s);
    return pattern.match(id).hasMatch();
}
} // namespace

DraftStore::DraftStore(QString directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : std::move(directory))
{
}

QString DraftStore::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + u"/drafts"_s;
}

QString DraftStore::newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

QString DraftStore::pathOf(const QString& id) const { return m_directory + u'/' + id + suffix; }

bool DraftStore::save(const Draft& draft, QString* error)
{
    if (!isValidId(draft.id)) {
        *error = QStringLiteral("invalid draft id \"%1\"").arg(draft.id);
        return false;
    }
    if (!QDir().mkpath(m_directory)) {
        *error = QStringLiteral("cannot create the drafts folder %1").arg(m_directory);
        return false;
    }
    const QJsonObject json {
        { u"title"_s, draft.title },
        { u"fileName"_s, draft.fileName },
        { u"text"_s, draft.text },
        { u"created"_s, draft.createdMs },
        { u"modified"_s, draft.modifiedMs },
    };
    QSaveFile file(pathOf(draft.id));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson(QJsonDocument::Compact)) < 0
        || !file.commit()) {
        *error = QStringLiteral("cannot save the draft to %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

void DraftStore::remove(const QString& id)
{
    if (isValidId(id))
        QFile::remove(pathOf(id));
}

QList<DraftStore::Draft> DraftStore::load(QStringList* problems) const
{
    QList<Draft> drafts;
    const QDir dir(m_directory);
    const auto names = dir.entryList({ u"*"_s + suffix }, QDir::Files);
    for (const auto& name : names) {
        QFile file(dir.filePath(name));
        QJsonParseError parseError;
        const auto document
            = file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll(), &parseError) : QJsonDocument();
        const auto json = document.object();
        if (!document.isObject() || !json.value(u"text"_s).isString()) {
            if (problems)
                problems->append(QStringLiteral("%1: not a readable draft").arg(file.fileName()));
            continue;
        }
        Draft draft;
        draft.id = name.chopped(suffix.size());
        draft.title = json.value(u"title"_s).toString();
        draft.fileName = json.value(u"fileName"_s).toString();
        draft.text = json.value(u"text"_s).toString();
        draft.createdMs = json.value(u"created"_s).toInteger();
        draft.modifiedMs = json.value(u"modified"_s).toInteger();
        drafts.append(draft);
    }
    std::stable_sort(
        drafts.begin(), drafts.end(), [](const Draft& a, const Draft& b) { return a.createdMs < b.createdMs; });
    return drafts;
}
