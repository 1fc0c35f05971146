// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"
#include "kubeclient.h"
#include "manifestparser.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <optional>

// A field another manager owns, from a 409 of a server-side apply (status.details.causes of type
// FieldManagerConflict).
struct ApplyConflict {
    QString field; // "spec.subscriber.ref.name"
    QString manager; // "kubectl", "kubectl-client-side-apply"
    // Set when the manager wrote the field with an update (kubectl edit, create, client-side apply, a controller)
    // rather than an apply: the version it used.
    QString apiVersion;
    QString subresource; // "status" when it owns the field through a subresource
    QString message; // the server's text
    friend bool operator==(const ApplyConflict&, const ApplyConflict&) = default;
};

// A problem with one field: the server's validation, strict field validation, an immutable field.
struct ApplyFieldError {
    QString field; // "spec.broker"; empty when the problem is not tied to a field
    QString message;
    SourceLocation location; // where the field is in the applied document, when known
    friend bool operator==(const ApplyFieldError&, const ApplyFieldError&) = default;
};

struct ApplyResult {
    enum class Operation { DryRun, Apply, Delete };
    enum class Outcome {
        Failed,
        Created, // dry run: would be created
        Updated, // dry run: would change
        Unchanged, // the object already is what the document says
        Deleted,
        Deleting, // accepted; finalizers still hold the object
    };

    Operation operation = Operation::DryRun;
    Outcome outcome = Outcome::Failed;
    bool forced = false;
    QString context; // the kubeconfig context
    ObjectKey key;
    KubeResource resource; // empty plural when it could not be determined
    // Unified diff of the live object against the (dry-run) result as YAML, server-written metadata and status
    // left out; empty when unchanged or for deletes. For a conflict: what applying with force would change.
    QString diff;
    QJsonObject live; // the object before; empty for a new one
    QJsonObject result; // what the server returned (the would-be object for a dry run)
    QString message; // one line for the user
    KubeError error; // kind None on success
    QList<ApplyConflict> conflicts; // for a 409: who owns which field
    QList<ApplyFieldError> fieldErrors; // for 422, 400 (strict validation), immutable fields, parse errors

    bool ok() const { return outcome != Outcome::Failed; }
    bool isConflict() const { return !conflicts.isEmpty(); }
    // "namespace/name" or "name", with the resource: "triggers.eventing.knative.dev meshscope/orders".
    QString targetText() const;
};
Q_DECLARE_METATYPE(ApplyResult)

// Applies one object from the editor to a cluster by server-side apply, and deletes objects. Each call is
// asynchronous and ends with exactly one of the signals; starting a new call cancels the one running.
//
// dryRun(): reads the live object and sends the apply with dryRun=All, then diffs the two. apply(): the same
// checks again against the current live object, then the real apply. Both send fieldManager=meshscope and
// fieldValidation=Strict: unknown or duplicate fields are errors naming the field, while the subtrees Knative's
// CRDs mark x-kubernetes-preserve-unknown-fields (a Trigger's spec, delivery, filters) still take any field.
// Fields Knative's webhooks hold immutable (Trigger spec.broker, a Broker's class annotation) are compared between
// the live object and the dry-run result, so the user learns why before the real apply, also where the webhook
// does not run: the CRDs themselves declare no x-kubernetes-validations for them.
// A 409 lists each conflicting field with its manager; a forced dry run then supplies the diff of what forcing
// would change, so the user decides on force knowing it. remove() deletes with propagationPolicy=Background, as
// kubectl does: the object goes at once and the garbage collector removes what it owns (Foreground would keep it,
// with a finalizer, until its dependents are gone, which looks like a delete that did not work).
// Resources come from a table for the kinds Meshscope models, else from discovery (cached per applier).
class KubeApplier : public QObject {
    Q_OBJECT
public:
    static constexpr QLatin1StringView fieldManager { "meshscope" };

    explicit KubeApplier(KubeClient* client, QObject* parent = nullptr);
    ~KubeApplier() override;

    // text: one object as YAML or JSON. A namespaced object without metadata.namespace goes to the context's
    // namespace. fileName only labels positions in field errors.
    void dryRun(const QString& text, const QString& fileName = {});
    // force=true takes ownership of fields other managers hold: a separate, explicit choice of the user.
    void apply(const QString& text, bool force = false, const QString& fileName = {});
    // apiVersion empty: the version Meshscope knows for the kind, else the group's preferred version. uid, when
    // given, is a precondition: only that incarnation of the object is deleted.
    void remove(const ObjectKey& key, const QString& apiVersion = {}, const QString& uid = {});

    // Finishes the running call with Cancelled. An apply the server already received may still take effect.
    void cancel();
    bool isBusy() const { return m_operation.has_value(); }
    KubeClient* client() const { return m_client; }

    // The resource of the kinds Meshscope models (knativeobject.h); nothing for other kinds, which discovery
    // resolves.
    static std::optional<KubeResource> knownResource(const QString& group, const QString& kind);
    // The object as the diff shows it: canonical YAML without status and server-written metadata.
    static QString diffText(const QJsonObject& object);

Q_SIGNALS:
    void dryRunFinished(const ApplyResult& result);
    void applyFinished(const ApplyResult& result);
    void removeFinished(const ApplyResult& result);

private:
    struct Draft {
        QJsonObject object;
        QByteArray body;
        ManifestParser::YamlDocument document;
        QString apiVersion;
    };
    struct Operation {
        quint64 id = 0;
        ApplyResult result;
        Draft draft;
        bool commit = false;
        QString uid;
        // The conflict of an unforced apply, while a forced dry run finds out what forcing would change.
        std::optional<KubeError> conflict;
    };
    using ResourceCallback = std::function<void(const KubeResource&)>;

    bool begin(ApplyResult::Operation operation);
    void startApply(ApplyResult::Operation operation, const QString& text, bool force, const QString& fileName);
    bool parseDraft(const QString& text, const QString& fileName);
    void resolve(const QString& group, const QString& version, const QString& kind, ResourceCallback callback);
    void resolveVersion(const QString& group, const QString& kind, ResourceCallback callback);
    void readLive();
    void sendApply(bool dryRun, bool force);
    void onApplied(const KubeResponse& response, bool dryRun, bool force);
    void sendDelete();
    bool checkImmutable();
    void fail(const KubeError& error);
    void fail(const QString& message, KubeError::Kind kind = KubeError::Kind::Invalid);
    void finish();
    void send(KubeRequest request, std::function<void(const KubeResponse&)> callback);
    QList<ApplyFieldError> fieldErrorsOf(const KubeError& error) const;
    SourceLocation locate(const QString& field) const;

    QPointer<KubeClient> m_client;
    std::optional<Operation> m_operation;
    QPointer<KubeCall> m_call;
    quint64 m_nextId = 1;
    // Discovered resources by "group/version" (core: "v1"), and preferred versions by group.
    QHash<QString, QList<KubeResource>> m_discovered;
    QHash<QString, QString> m_preferredVersions;
};
