// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "filterevaluator.h"
#include "knativeobject.h"

#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

class ObjectStore;

// What one sample event does with the draft trigger.
struct MatchPreviewRow {
    bool matches = false;
    // The answer depends on something that could not be evaluated (a CESQL syntax error, an invalid filter).
    bool unsupported = false;
    // The deciding sub-expression, as FilterEvaluator explains it: "type = com.x matched", "cesql '...' is false".
    QString reason;
    // The other triggers of the draft's broker that accept the event, in candidate order.
    QList<ObjectKey> alsoReceivedBy;
};

// Answers, for a draft trigger and sample events: does the draft accept each event, why, and which existing triggers
// of the same broker receive it too. The existing triggers are compiled once by setCandidates (CESQL parsed once,
// attribute names resolved, an index on the event type they require), so evaluate() is cheap enough for every
// keystroke: the draft is evaluated with explanations, the candidates only for a yes or no with the same semantics
// as FilterEvaluator.
class MatchPreview {
public:
    MatchPreview();
    ~MatchPreview();
    MatchPreview(const MatchPreview&) = delete;
    MatchPreview& operator=(const MatchPreview&) = delete;

    // Triggers among objects (other kinds are skipped); replaces the earlier candidates.
    void setCandidates(const QList<KnativeObjectPtr>& objects);
    void setCandidates(const ObjectStore& store);
    qsizetype candidateCount() const;

    // One row per event, in order. A candidate with the draft's own key is the draft's live version, not another
    // receiver, and is left out.
    QList<MatchPreviewRow> evaluate(const KnativeObject& draft, const QList<CloudEvent>& events) const;

    // Everything in one call: compiles the candidates for this call only.
    static QList<MatchPreviewRow> compute(
        const KnativeObject& draft, const QList<CloudEvent>& events, const QList<KnativeObjectPtr>& candidates);

    struct CompiledTrigger;
    struct BrokerGroup;

private:
    FilterEvaluator m_evaluator;
    // By "namespace/name" of the broker.
    QHash<QString, std::shared_ptr<const BrokerGroup>> m_groups;
    qsizetype m_candidateCount = 0;
};
