// SPDX-License-Identifier: Apache-2.0
#include "draftoverlay.h"

#include "manifestparser.h"
#include "objectstore.h"
#include "triggereditorpage.h"

#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTextCursor>
#include <QTextDocument>

namespace {
// The apiVersion a reference to this object uses: group/version of the object as the store has it.
QString apiVersionOf(const ObjectStore& store, const ObjectKey& key)
{
    if (const auto object = store.find(key); object && !object->apiVersion.isEmpty())
        return object->apiVersion;
    return key.group.isEmpty() ? QStringLiteral("v1") : key.group + QStringLiteral("/v1");
}

// Node ids are ObjectKey::toString(): "group/Kind/namespace/name".
std::optional<ObjectKey> keyOf(const ObjectStore& store, const QString& nodeId)
{
    const auto parts = nodeId.split(u'/');
    if (parts.size() != 4)
        return std::nullopt;
    const ObjectKey key { parts.at(0), parts.at(1), parts.at(2), parts.at(3) };
    return store.find(key) ? std::optional<ObjectKey>(key) : std::nullopt;
}

QString subscriberNodeId(const KnativeObject& trigger)
{
    if (!trigger.subscriber.ref.isEmpty())
        return trigger.subscriber.ref.key(trigger.key.ns).toString();
    return trigger.subscriber.uri.isEmpty() ? QString() : QStringLiteral("uri:") + trigger.subscriber.uri;
}
} // namespace

DraftOverlay::DraftOverlay(const ObjectStore* store, GraphView* graph, TriggerEditorPage* editor, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_graph(graph)
    , m_editor(editor)
{
    connect(editor, &TriggerEditorPage::draftsChanged, this, &DraftOverlay::update);
    connect(store, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (batchTouches(batch, { ObjectKind::Trigger, ObjectKind::Broker }))
            update();
    });
    connect(graph, &GraphView::triggerDrawn, this, &DraftOverlay::drawn);
    connect(graph, &GraphView::triggerRewired, this, &DraftOverlay::rewired);
    update();
}

QList<DraftEdge> DraftOverlay::edgesFor(const QStringList& draftTexts, const ObjectStore& store)
{
    QList<DraftEdge> edges;
    for (int i = 0; i < draftTexts.size(); ++i) {
        const auto parsed = ManifestParser::parseYaml(draftTexts.at(i).toUtf8(), QStringLiteral("draft.yaml"));
        for (const auto& object : parsed.objects) {
            if (object->kind != ObjectKind::Trigger || object->broker.isEmpty())
                continue;
            const QString to = subscriberNodeId(*object);
            if (to.isEmpty())
                continue;
            const ObjectKey broker { QStringLiteral("eventing.knative.dev"), QStringLiteral("Broker"), object->key.ns,
                object->broker };
            if (const auto live = store.find(object->key)) {
                if (live->broker == object->broker && subscriberNodeId(*live) == to)
                    continue;
            }
            edges.append({ QStringLiteral("draft:%1:%2").arg(i).arg(object->key.toString()), broker.toString(), to,
                object->key.name + QObject::tr(" (draft)") });
        }
    }
    return edges;
}

void DraftOverlay::update()
{
    QStringList texts;
    for (int i = 0; i < m_editor->draftCount(); ++i)
        texts.append(m_editor->draftText(i));
    const auto edges = edgesFor(texts, *m_store);
    if (edges != m_graph->draftEdges())
        m_graph->setDraftEdges(edges);
}

void DraftOverlay::drawn(const QString& brokerNodeId, const QString& subscriberNodeId)
{
    const auto broker = keyOf(*m_store, brokerNodeId);
    if (!broker)
        return;
    const auto subscriber = keyOf(*m_store, subscriberNodeId);
    if (subscriber) {
        m_editor->newTriggerFor(*broker, *subscriber, apiVersionOf(*m_store, *subscriber));
    } else {
        // From the keyboard ("New trigger from here…") there is no subscriber yet: the template names one to change.
        m_editor->newTriggerFor(*broker,
            { QStringLiteral("serving.knative.dev"), QStringLiteral("Service"), broker->ns,
                QStringLiteral("subscriber") },
            QStringLiteral("serving.knative.dev/v1"));
    }
    Q_EMIT editorWanted();
}

void DraftOverlay::rewired(const QString& triggerNodeId, const QString& subscriberNodeId)
{
    const auto trigger = keyOf(*m_store, triggerNodeId);
    const auto subscriber = keyOf(*m_store, subscriberNodeId);
    if (!trigger || !subscriber)
        return;
    m_editor->editObject(*trigger);
    // The live trigger's text as editObject() wrote it: replace its subscriber block as one undoable edit.
    auto* document = m_editor->document();
    const QString text = document->toPlainText();
    static const QRegularExpression block(
        QStringLiteral("^  subscriber:\\n(?:    [^\\n]*\\n|      [^\\n]*\\n)*"), QRegularExpression::MultilineOption);
    const auto match = block.match(text);
    if (!match.hasMatch())
        return;
    QString replacement
        = QStringLiteral("  subscriber:\n    ref:\n      apiVersion: %1\n      kind: %2\n      name: %3\n")
              .arg(apiVersionOf(*m_store, *subscriber), subscriber->kind, subscriber->name);
    if (subscriber->ns != trigger->ns)
        replacement += QStringLiteral("      namespace: %1\n").arg(subscriber->ns);
    QTextCursor cursor(document);
    cursor.setPosition(int(match.capturedStart()));
    cursor.setPosition(int(match.capturedEnd()), QTextCursor::KeepAnchor);
    cursor.insertText(replacement);
    Q_EMIT editorWanted();
}
