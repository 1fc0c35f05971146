// SPDX-License-Identifier: Apache-2.0
#include "triggerdraft.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <cstdint>

namespace {

QJsonValue valueAt(const QJsonObject& root, const QStringList& path)
{
    QJsonValue node = root;
    for (const auto& key : path)
        node = node.toObject().value(key);
    return node;
}

// An edit of a text that parses must leave a text that parses, with the value set where the form asked.
void checkSet(const QString& text, const QStringList& path, const QString& value)
{
    const auto edits = TriggerYaml::setScalar(text, path, value);
    if (edits.isEmpty())
        return;
    const auto result = TriggerYaml::applyEdits(text, edits);
    const auto draft = TriggerDraft::parse(result);
    if (!draft.valid || valueAt(draft.json, path).toString() != value)
        __builtin_trap();
}

} // namespace

// The form edits whatever the user typed into the YAML editor: parsing and editing must never crash, and an edit of
// a parsable text must keep it parsable.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto text = QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto draft = TriggerDraft::parse(text);
    if (!draft.valid)
        return 0;
    checkSet(text, { QStringLiteral("spec"), QStringLiteral("broker") }, QStringLiteral("default"));
    checkSet(
        text, { QStringLiteral("metadata"), QStringLiteral("labels"), QStringLiteral("app") }, QStringLiteral("a: b"));
    checkSet(text, { QStringLiteral("spec"), QStringLiteral("delivery"), QStringLiteral("backoffDelay") },
        QStringLiteral("PT1S"));
    TriggerYaml::applyEdits(text, TriggerYaml::removeKey(text, { QStringLiteral("spec"), QStringLiteral("filter") }));
    TriggerYaml::applyEdits(text,
        TriggerYaml::renameKey(text, { QStringLiteral("metadata"), QStringLiteral("name") }, QStringLiteral("x")));
    TriggerYaml::applyEdits(text,
        TriggerYaml::setValue(
            text, { QStringLiteral("spec"), QStringLiteral("filters") }, TriggerYaml::filtersToJson(draft.filters)));
    return 0;
}
