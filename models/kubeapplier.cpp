// SPDX-License-Identifier: Apache-2.0
#include "kubeapplier.h"

#include "kubediscovery.h"

#include "textdiff.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// Written by the API server, never by the user: left out of diffs and of apply bodies.
constexpr QLatin1StringView serverMetadata[] = { "managedFields"_L1, "resourceVersion"_L1, "generation"_L1, "uid"_L1,
    "creationTimestamp"_L1, "selfLink"_L1, "deletionTimestamp"_L1, "deletionGracePeriodSeconds"_L1 };

QJsonObject withoutServerFields(QJsonObject object)
{
    object.remove(u"status"_s);
    QJsonObject metadata = object.value(u"metadata"_s).toObject();
    for (const QLatin1StringView field : serverMetadata)
        metadata.remove(field);
    object.insert(u"metadata"_s, metadata);
    return object;
}

bool hasServerFields(const QJsonObject& object)
{
    const QJsonObject metadata = object.value(u"metadata"_s).toObject();
    for (const QLatin1StringView field : serverMetadata) {
        if (metadata.contains(field))
            return true;
    }
    return object.contains(u"status"_s);
}

// A field whose change Knative's validating webhook refuses on update.
struct ImmutableField {
    QLatin1StringView group;
    QLatin1StringView kind;
    QStringList pointer; // path in the object
    QLatin1StringView field; // as the server names it
    QLatin1StringView noun;
};

const QList<ImmutableField>& immutableFields()
{
    static const QList<ImmutableField> fields = {
        // trigger_validation.go CheckImmutableFields
        { "eventing.knative.dev"_L1, "Trigger"_L1, { u"spec"_s, u"broker"_s }, "spec.broker"_L1, "trigger"_L1 },
        // broker_validation.go CheckImmutableFields
        { "eventing.knative.dev"_L1, "Broker"_L1,
            { u"metadata"_s, u"annotations"_s, u"eventing.knative.dev/broker.class"_s },
            "metadata.annotations[eventing.knative.dev/broker.class]"_L1, "broker"_L1 },
    };
    return fields;
}

QJsonValue valueAt(const QJsonObject& object, const QStringList& path)
{
    QJsonValue value = object;
    for (const QString& key : path)
        value = value.toObject().value(key);
    return value;
}

QString describeValue(const QJsonValue& value)
{
    if (value.isUndefined() || value.isNull())
        return u"unset"_s;
    if (value.isString())
        return u'"' + value.toString() + u'"';
    return QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

QString immutableExplanation(const QString& field, const QString& noun)
{
    return field + u" is immutable: delete and recreate the "_s + noun;
}

QString describeTarget(const ApplyResult& result)
{
    QString text = result.key.kind.isEmpty() ? u"object"_s : result.key.kind;
    text += u' ';
    if (!result.key.ns.isEmpty())
        text += result.key.ns + u'/';
    return text + result.key.name;
}

// "conflict with \"kubectl\" using eventing.knative.dev/v1 at 2026-11-26T08:00:00Z", "conflict with \"mgr\" with
// subresource \"status\"" (apimachinery fieldmanager/internal/conflict.go printManager).
ApplyConflict parseConflict(const QJsonObject& cause)
{
    static const QRegularExpression pattern(
        uR"re(conflict with "((?:[^"\\]|\\.)*)"(?: with subresource "([^"]*)")?(?: using (\S+))?)re"_s);
    ApplyConflict conflict;
    conflict.message = cause.value(u"message"_s).toString();
    conflict.field = cause.value(u"field"_s).toString();
    if (conflict.field.startsWith(u'.'))
        conflict.field.remove(0, 1);
    const auto match = pattern.match(conflict.message);
    if (match.hasMatch()) {
        conflict.manager = match.captured(1).replace(u"\\\""_s, u"\""_s);
        conflict.subresource = match.captured(2);
        conflict.apiVersion = match.captured(3);
    }
    return conflict;
}

// "spec.filters[0].exact" or ".spec.subscriber.ref.name" as a JSON pointer ("/spec/filters/0/exact").
QString pointerOf(const QString& field)
{
    QString pointer;
    QString key;
    const auto flush = [&] {
        if (!key.isEmpty())
            pointer = ManifestParser::jsonPointer(pointer, key);
        key.clear();
    };
    for (qsizetype i = 0; i < field.size(); ++i) {
        const QChar c = field.at(i);
        if (c == u'.') {
            flush();
        } else if (c == u'[') {
            flush();
            const qsizetype end = field.indexOf(u']', i);
            if (end < 0)
                break;
            key = field.mid(i + 1, end - i - 1);
            flush();
            i = end;
        } else {
            key += c;
        }
    }
    flush();
    return pointer;
}

QString outcomeMessage(const ApplyResult& result)
{
    const QString target = describeTarget(result);
    const bool dryRun = result.operation == ApplyResult::Operation::DryRun;
    switch (result.outcome) {
    case ApplyResult::Outcome::Created:
        return dryRun ? target + u" does not exist yet: applying creates it"_s : u"Created "_s + target;
    case ApplyResult::Outcome::Updated:
        return dryRun ? u"Applying changes "_s + target : u"Updated "_s + target;
    case ApplyResult::Outcome::Unchanged:
        return target + u" already is as the document says: nothing to change"_s;
    case ApplyResult::Outcome::Deleted:
        return u"Deleted "_s + target;
    case ApplyResult::Outcome::Deleting: {
        const QJsonArray finalizers = result.result[u"metadata"][u"finalizers"].toArray();
        QStringList names;
        for (const QJsonValue& finalizer : finalizers)
            names.append(finalizer.toString());
        return u"Deleting "_s + target
            + (names.isEmpty() ? QString() : u": waiting for the finalizers "_s + names.join(u", "_s));
    }
    case ApplyResult::Outcome::Failed:
        break;
    }
    return {};
}

} // namespace

QString ApplyResult::targetText() const
{
    QString text = resource.plural.isEmpty() ? key.kind : resource.qualifiedName();
    text += u' ';
    if (!key.ns.isEmpty())
        text += key.ns + u'/';
    return text + key.name;
}

KubeApplier::KubeApplier(KubeClient* client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    qRegisterMetaType<ApplyResult>();
    // The client takes its calls with it: end the operation instead of waiting for an answer that never comes.
    if (client)
        connect(client, &QObject::destroyed, this, &KubeApplier::cancel);
}

KubeApplier::~KubeApplier()
{
    // Quietly: no signal from a destructor.
    m_operation.reset();
    if (m_call)
        m_call->abort();
}

std::optional<KubeResource> KubeApplier::knownResource(const QString& group, const QString& kind)
{
    const ObjectKind objectKind = objectKindFor(group, kind);
    if (objectKind == ObjectKind::Unknown)
        return std::nullopt;
    KubeResource resource = KubeDiscovery::resourceTemplate(objectKind);
    if (resource.plural.isEmpty())
        return std::nullopt;
    // The storage versions of Knative 1.16; a document's own apiVersion replaces it.
    switch (objectKind) {
    case ObjectKind::KafkaChannel:
    case ObjectKind::KafkaSource:
        resource.version = u"v1beta1"_s;
        break;
    case ObjectKind::PodAutoscaler:
        resource.version = u"v1alpha1"_s;
        break;
    default:
        resource.version = u"v1"_s;
        break;
    }
    return resource;
}

QString KubeApplier::diffText(const QJsonObject& object)
{
    if (object.isEmpty())
        return {};
    return ManifestParser::toYaml(withoutServerFields(object));
}

void KubeApplier::dryRun(const QString& text, const QString& fileName)
{
    startApply(ApplyResult::Operation::DryRun, text, false, fileName);
}

void KubeApplier::apply(const QString& text, bool force, const QString& fileName)
{
    startApply(ApplyResult::Operation::Apply, text, force, fileName);
}

void KubeApplier::startApply(ApplyResult::Operation operation, const QString& text, bool force, const QString& fileName)
{
    if (!begin(operation))
        return;
    m_operation->commit = operation == ApplyResult::Operation::Apply;
    m_operation->result.forced = force;
    if (!parseDraft(text, fileName))
        return;
    const ObjectKey& key = m_operation->result.key;
    resolve(key.group, m_operation->draft.apiVersion.section(u'/', -1), key.kind,
        [this](const KubeResource&) { readLive(); });
}

void KubeApplier::remove(const ObjectKey& key, const QString& apiVersion, const QString& uid)
{
    if (!begin(ApplyResult::Operation::Delete))
        return;
    m_operation->result.key = key;
    m_operation->uid = uid;
    if (!key.isValid()) {
        fail(u"Nothing to delete: the object has no kind or name"_s);
        return;
    }
    const ResourceCallback next = [this](const KubeResource&) { sendDelete(); };
    if (apiVersion.isEmpty())
        resolveVersion(key.group, key.kind, next);
    else
        resolve(key.group, apiVersion.section(u'/', -1), key.kind, next);
}

void KubeApplier::cancel()
{
    if (!m_operation)
        return;
    if (m_call)
        m_call->abort(); // finishes through the call's callback
    if (m_operation) {
        KubeError error;
        error.kind = KubeError::Kind::Cancelled;
        error.message = u"Cancelled"_s;
        fail(error);
    }
}

bool KubeApplier::begin(ApplyResult::Operation operation)
{
    cancel();
    m_operation = Operation {};
    m_operation->id = m_nextId++;
    m_operation->result.operation = operation;
    if (!m_client) {
        fail(u"No connection to a cluster"_s, KubeError::Kind::Unreachable);
        return false;
    }
    m_operation->result.context = m_client->context().context.name;
    return true;
}

bool KubeApplier::parseDraft(const QString& text, const QString& fileName)
{
    ApplyResult& result = m_operation->result;
    const QByteArray bytes = text.toUtf8();
    ManifestParser::YamlDocuments documents = ManifestParser::loadYaml(bytes, fileName);
    // Warnings (a duplicate key) are left to the server, whose strict field validation names them.
    for (const SourceIssue& issue : std::as_const(documents.issues)) {
        if (issue.severity == SourceIssue::Severity::Error)
            result.fieldErrors.append({ QString(), issue.message, issue.location });
    }
    if (!result.fieldErrors.isEmpty()) {
        const ApplyFieldError& first = result.fieldErrors.constFirst();
        fail(u"The document is not valid YAML: "_s + first.message
            + (first.location.line > 0 ? u" (line "_s + QString::number(first.location.line) + u')' : QString()));
        return false;
    }
    if (documents.documents.size() != 1 || !documents.documents.constFirst().value.isObject()) {
        fail(documents.documents.size() > 1
                ? u"The text holds %1 documents: apply them one at a time"_s.arg(documents.documents.size())
                : u"The text holds no object to apply"_s);
        return false;
    }

    Draft& draft = m_operation->draft;
    draft.document = std::move(documents.documents.first());
    draft.object = draft.document.value.toObject();
    draft.apiVersion = draft.object.value(u"apiVersion"_s).toString();
    const QJsonObject metadata = draft.object.value(u"metadata"_s).toObject();
    result.key.group = groupOfApiVersion(draft.apiVersion);
    result.key.kind = draft.object.value(u"kind"_s).toString();
    result.key.name = metadata.value(u"name"_s).toString();
    result.key.ns = metadata.value(u"namespace"_s).toString();
    if (result.key.ns.isEmpty())
        result.key.ns = m_client->context().context.ns;

    // Server-side apply needs all three; generateName cannot be applied.
    for (const auto& [field, value] : { std::pair { u"apiVersion"_s, draft.apiVersion },
             std::pair { u"kind"_s, result.key.kind }, std::pair { u"metadata.name"_s, result.key.name } }) {
        if (value.isEmpty())
            result.fieldErrors.append({ field, field + u" is required"_s, locate(field) });
    }
    if (!result.fieldErrors.isEmpty()) {
        fail(u"The document does not name the object to apply"_s);
        return false;
    }

    // The user's text is the body, so the server reads exactly what they wrote; a copy of a live object (status,
    // managedFields, resourceVersion) goes as JSON without them, since apply refuses managedFields.
    draft.body = hasServerFields(draft.object)
        ? QJsonDocument(withoutServerFields(draft.object)).toJson(QJsonDocument::Compact)
        : bytes;
    return true;
}

void KubeApplier::resolve(const QString& group, const QString& version, const QString& kind, ResourceCallback callback)
{
    const auto ready = [this, callback](KubeResource resource) {
        if (!resource.namespaced)
            m_operation->result.key.ns.clear();
        m_operation->result.resource = resource;
        callback(resource);
    };
    if (auto known = knownResource(group, kind)) {
        known->version = version;
        ready(*known);
        return;
    }
    const QString groupVersion = group.isEmpty() ? version : group + u'/' + version;
    const auto lookup = [this, groupVersion, kind, ready] {
        for (const KubeResource& resource : m_discovered.value(groupVersion)) {
            if (resource.kind == kind) {
                ready(resource);
                return;
            }
        }
        fail(u"The cluster of context \""_s + m_operation->result.context + u"\" serves no kind "_s + kind + u" in "_s
                + groupVersion,
            KubeError::Kind::NotFound);
    };
    if (m_discovered.contains(groupVersion)) {
        lookup();
        return;
    }

    KubeRequest request;
    request.path = group.isEmpty() ? u"/api/"_s + version : u"/apis/"_s + groupVersion;
    request.kubeVerb = u"get"_s;
    send(request, [this, group, version, groupVersion, lookup](const KubeResponse& response) {
        if (response.error.kind == KubeError::Kind::NotFound) {
            fail(u"The cluster of context \""_s + m_operation->result.context + u"\" does not serve "_s + groupVersion,
                KubeError::Kind::NotFound);
            return;
        }
        if (!response.ok()) {
            fail(response.error);
            return;
        }
        QList<KubeResource> resources;
        const QJsonArray listed = QJsonDocument::fromJson(response.body).object().value(u"resources"_s).toArray();
        for (const QJsonValue& value : listed) {
            const QJsonObject entry = value.toObject();
            const QString name = entry.value(u"name"_s).toString();
            if (name.contains(u'/')) // a subresource such as "triggers/status"
                continue;
            resources.append(
                { group, version, name, entry.value(u"kind"_s).toString(), entry.value(u"namespaced"_s).toBool() });
        }
        m_discovered.insert(groupVersion, resources);
        lookup();
    });
}

void KubeApplier::resolveVersion(const QString& group, const QString& kind, ResourceCallback callback)
{
    if (const auto known = knownResource(group, kind)) {
        resolve(group, known->version, kind, std::move(callback));
        return;
    }
    if (group.isEmpty()) {
        resolve(group, u"v1"_s, kind, std::move(callback));
        return;
    }
    if (m_preferredVersions.contains(group)) {
        resolve(group, m_preferredVersions.value(group), kind, std::move(callback));
        return;
    }
    KubeRequest request;
    request.path = u"/apis/"_s + group;
    request.kubeVerb = u"get"_s;
    send(request, [this, group, kind, callback](const KubeResponse& response) {
        if (response.error.kind == KubeError::Kind::NotFound) {
            fail(u"The cluster of context \""_s + m_operation->result.context + u"\" does not serve the API group "_s
                    + group,
                KubeError::Kind::NotFound);
            return;
        }
        if (!response.ok()) {
            fail(response.error);
            return;
        }
        const QJsonObject groupInfo = QJsonDocument::fromJson(response.body).object();
        const QString version = groupInfo[u"preferredVersion"][u"version"].toString();
        if (version.isEmpty()) {
            fail(u"The API group "_s + group + u" names no preferred version"_s, KubeError::Kind::Protocol);
            return;
        }
        m_preferredVersions.insert(group, version);
        resolve(group, version, kind, callback);
    });
}

void KubeApplier::readLive()
{
    const ApplyResult& result = m_operation->result;
    KubeRequest request;
    request.path = result.resource.path(result.key.ns, result.key.name);
    request.kubeVerb = u"get"_s;
    request.resource = result.resource.qualifiedName();
    request.ns = result.key.ns;
    send(request, [this](const KubeResponse& response) {
        if (response.error.kind == KubeError::Kind::NotFound) {
            m_operation->result.live = {};
        } else if (!response.ok()) {
            fail(response.error);
            return;
        } else {
            m_operation->result.live = QJsonDocument::fromJson(response.body).object();
        }
        // Even for apply: the dry run shows conflicts and immutable fields before anything is written.
        sendApply(true, m_operation->result.forced);
    });
}

void KubeApplier::sendApply(bool dryRun, bool force)
{
    const ApplyResult& result = m_operation->result;
    KubeRequest request;
    request.verb = "PATCH";
    request.path = result.resource.path(result.key.ns, result.key.name);
    request.query.addQueryItem(u"fieldManager"_s, fieldManager);
    request.query.addQueryItem(u"fieldValidation"_s, u"Strict"_s);
    if (dryRun)
        request.query.addQueryItem(u"dryRun"_s, u"All"_s);
    if (force)
        request.query.addQueryItem(u"force"_s, u"true"_s);
    request.body = m_operation->draft.body;
    request.contentType = "application/apply-patch+yaml";
    request.kubeVerb = u"patch"_s;
    request.resource = result.resource.qualifiedName();
    request.ns = result.key.ns;
    send(request, [this, dryRun, force](const KubeResponse& response) { onApplied(response, dryRun, force); });
}

void KubeApplier::onApplied(const KubeResponse& response, bool dryRun, bool force)
{
    ApplyResult& result = m_operation->result;
    if (!response.ok() && m_operation->conflict) {
        fail(*m_operation->conflict);
        return;
    }
    if (!response.ok()) {
        const QJsonArray causes = response.error.status[u"details"][u"causes"].toArray();
        for (const QJsonValue& cause : causes) {
            if (cause[u"reason"].toString() == "FieldManagerConflict"_L1)
                result.conflicts.append(parseConflict(cause.toObject()));
        }
        KubeError error = response.error;
        result.fieldErrors.append(fieldErrorsOf(error));
        if (!result.fieldErrors.isEmpty()) {
            // Problems of the document, not of the server: say them plainly (the server's text stays in status).
            error.kind = KubeError::Kind::Invalid;
            QStringList problems;
            for (const ApplyFieldError& fieldError : std::as_const(result.fieldErrors))
                problems.append(fieldError.message);
            error.message = u"Invalid: patch "_s + result.resource.qualifiedName()
                + (result.key.ns.isEmpty() ? QString() : u" in namespace \""_s + result.key.ns + u'"') + u": "_s
                + problems.join(u"; "_s);
        }
        if (dryRun && !force && !result.conflicts.isEmpty()) {
            // What would forcing change? A dry run with force tells, and whether an immutable field is in the way.
            m_operation->conflict = error;
            sendApply(true, true);
            return;
        }
        fail(error);
        return;
    }
    result.result = QJsonDocument::fromJson(response.body).object();
    if (!result.live.isEmpty() && !checkImmutable())
        return;
    result.diff = TextDiff::unified(diffText(result.live), diffText(result.result),
        result.live.isEmpty() ? u"/dev/null"_s : u"live"_s, dryRun ? u"dry run"_s : u"applied"_s);
    if (m_operation->conflict) {
        fail(*m_operation->conflict);
        return;
    }
    if (dryRun && m_operation->commit) {
        sendApply(false, m_operation->result.forced);
        return;
    }
    result.outcome = result.live.isEmpty() ? ApplyResult::Outcome::Created
        : result.diff.isEmpty()            ? ApplyResult::Outcome::Unchanged
                                           : ApplyResult::Outcome::Updated;
    finish();
}

bool KubeApplier::checkImmutable()
{
    ApplyResult& result = m_operation->result;
    for (const ImmutableField& rule : immutableFields()) {
        if (result.key.group != rule.group || result.key.kind != rule.kind)
            continue;
        const QJsonValue before = valueAt(result.live, rule.pointer);
        const QJsonValue after = valueAt(result.result, rule.pointer);
        if (before == after)
            continue;
        const QString field = rule.field;
        result.fieldErrors.append({ field,
            immutableExplanation(field, rule.noun) + u" (it is "_s + describeValue(before)
                + u", the document makes it "_s + describeValue(after) + u')',
            locate(field) });
    }
    if (result.fieldErrors.isEmpty())
        return true;
    result.conflicts.clear(); // forcing would not help
    result.diff = TextDiff::unified(diffText(result.live), diffText(result.result), u"live"_s, u"dry run"_s);
    KubeError error;
    error.kind = KubeError::Kind::Invalid;
    error.message = result.fieldErrors.constFirst().message;
    fail(error);
    return false;
}

void KubeApplier::sendDelete()
{
    const ApplyResult& result = m_operation->result;
    QJsonObject options { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"DeleteOptions"_s },
        { u"propagationPolicy"_s, u"Background"_s } };
    if (!m_operation->uid.isEmpty())
        options.insert(u"preconditions"_s, QJsonObject { { u"uid"_s, m_operation->uid } });
    KubeRequest request;
    request.verb = "DELETE";
    request.path = result.resource.path(result.key.ns, result.key.name);
    request.body = QJsonDocument(options).toJson(QJsonDocument::Compact);
    request.contentType = "application/json";
    request.kubeVerb = u"delete"_s;
    request.resource = result.resource.qualifiedName();
    request.ns = result.key.ns;
    send(request, [this](const KubeResponse& response) {
        if (!response.ok()) {
            fail(response.error);
            return;
        }
        ApplyResult& result = m_operation->result;
        const QJsonObject answer = QJsonDocument::fromJson(response.body).object();
        // The object itself comes back while finalizers hold it; a Status once it is gone.
        if (answer.value(u"kind"_s).toString() != "Status"_L1)
            result.result = answer;
        const bool pending = response.httpStatus == 202 || result.result[u"metadata"][u"deletionTimestamp"].isString();
        result.outcome = pending ? ApplyResult::Outcome::Deleting : ApplyResult::Outcome::Deleted;
        finish();
    });
}

QList<ApplyFieldError> KubeApplier::fieldErrorsOf(const KubeError& error) const
{
    QList<ApplyFieldError> errors;
    const QJsonArray causes = error.status[u"details"][u"causes"].toArray();
    for (const QJsonValue& value : causes) {
        const QJsonObject cause = value.toObject();
        if (cause.value(u"reason"_s).toString() == "FieldManagerConflict"_L1)
            continue;
        QString field = cause.value(u"field"_s).toString();
        if (field.startsWith(u'.'))
            field.remove(0, 1);
        errors.append({ field, cause.value(u"message"_s).toString(), locate(field) });
    }
    const QString message = error.status.value(u"message"_s).toString();
    // Knative's webhook: "validation failed: Immutable fields changed (-old +new): spec.broker\n{string}: ..."
    static const QRegularExpression immutable(
        uR"re(Immutable (?:fields|annotations) changed \(-old \+new\): (\S+))re"_s);
    const auto match = immutable.match(message);
    if (match.hasMatch()) {
        const QString field = match.captured(1);
        errors.append({ field, immutableExplanation(field, m_operation->result.key.kind.toLower()), locate(field) });
    }
    // Server-side apply checks the document against the schema before anything else and answers 500 with
    // "failed to create typed patch object (/orders; ...): .spec.broker: expected string, got ...", or
    // "...): errors:\n  .a: ...\n  .b: ..." for several fields. Unknown fields outside the subtrees the CRD
    // preserves are among them: "field not declared in schema".
    static const QRegularExpression typedPatch(u"failed to create typed patch object \\([^)]*\\): "_s);
    static const QRegularExpression fieldLine(u"^\\s*\\.?([^\\s:]+): (.+)$"_s);
    static const QRegularExpression goValue(u"&value\\.value\\w+\\{Value:(.*)\\}"_s);
    const auto typed = typedPatch.match(message);
    if (typed.hasMatch()) {
        const QStringList lines = message.mid(typed.capturedEnd()).split(u'\n');
        for (const QString& line : lines) {
            const auto fieldMatch = fieldLine.match(line);
            if (!fieldMatch.hasMatch())
                continue;
            const QString field = fieldMatch.captured(1);
            QString text = fieldMatch.captured(2);
            text.replace(goValue, u"\\1"_s);
            errors.append({ field, field + u": "_s + text, locate(field) });
        }
    }
    // Strict field validation of the YAML itself, lines counted in the user's text (the body):
    // "yaml: unmarshal errors:\n  line 8: key \"broker\" already set in map".
    static const QRegularExpression duplicate(uR"re(line (\d+): key "([^"]+)" already set in map)re"_s);
    auto duplicates = duplicate.globalMatch(message);
    while (duplicates.hasNext()) {
        const auto match = duplicates.next();
        const int line = match.captured(1).toInt();
        const QString key = match.captured(2);
        const QByteArray text = m_operation->draft.body.split('\n').value(line - 1);
        qsizetype indent = 0;
        while (indent < text.size() && text.at(indent) == ' ')
            ++indent;
        errors.append({ key, u"\""_s + key + u"\" is given twice in one mapping"_s,
            { m_operation->draft.document.location.file, line, int(indent) + 1 } });
    }
    return errors;
}

SourceLocation KubeApplier::locate(const QString& field) const
{
    if (field.isEmpty() || m_operation->draft.document.positions.isEmpty())
        return {};
    return m_operation->draft.document.locate(pointerOf(field));
}

void KubeApplier::send(KubeRequest request, std::function<void(const KubeResponse&)> callback)
{
    KubeCall* call = m_client->send(request);
    m_call = call;
    const quint64 id = m_operation->id;
    connect(call, &KubeCall::finished, this, [this, id, callback = std::move(callback)](const KubeResponse& response) {
        if (!m_operation || m_operation->id != id)
            return;
        m_call = nullptr;
        callback(response);
    });
}

void KubeApplier::fail(const KubeError& error)
{
    ApplyResult& result = m_operation->result;
    result.outcome = ApplyResult::Outcome::Failed;
    result.error = error;
    if (!result.conflicts.isEmpty()) {
        QStringList owners;
        for (const ApplyConflict& conflict : std::as_const(result.conflicts))
            owners.append(conflict.field + u" (\""_s + conflict.manager + u"\")"_s);
        const qsizetype count = result.conflicts.size();
        result.message = QString::number(count) + (count == 1 ? u" field of "_s : u" fields of "_s)
            + describeTarget(result) + (count == 1 ? u" belongs"_s : u" belong"_s) + u" to another field manager: "_s
            + owners.join(u", "_s) + u". Apply with force to take them over, or leave them out of the document."_s;
    } else {
        result.message = error.message;
    }
    finish();
}

void KubeApplier::fail(const QString& message, KubeError::Kind kind)
{
    KubeError error;
    error.kind = kind;
    error.message = message;
    fail(error);
}

void KubeApplier::finish()
{
    ApplyResult result = std::move(m_operation->result);
    m_operation.reset();
    if (result.ok())
        result.message = outcomeMessage(result);
    switch (result.operation) {
    case ApplyResult::Operation::DryRun:
        Q_EMIT dryRunFinished(result);
        break;
    case ApplyResult::Operation::Apply:
        Q_EMIT applyFinished(result);
        break;
    case ApplyResult::Operation::Delete:
        Q_EMIT removeFinished(result);
        break;
    }
}
