// SPDX-License-Identifier: Apache-2.0
#include "draftvalidator.h"

#include "cesqlparser.h"
#include "crdschema.h"
#include "manifestparser.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace DraftValidator {

namespace {

using ManifestParser::jsonPointer;

bool present(const QJsonValue& value) { return !value.isUndefined() && !value.isNull(); }

// Seconds, roughly (years of 365 days, months of 30); nullopt when the text is not a duration.
std::optional<double> durationSeconds(const QString& text)
{
    static constexpr QStringView dateDesignators = u"YMWD";
    static constexpr QStringView timeDesignators = u"HMS";
    static constexpr double dateSeconds[] = { 365 * 86400.0, 30 * 86400.0, 7 * 86400.0, 86400.0 };
    static constexpr double timeSeconds[] = { 3600.0, 60.0, 1.0 };
    if (text.size() < 3 || text.front() != u'P')
        return std::nullopt;
    qsizetype i = 1;
    bool inTime = false;
    qsizetype lastDesignator = -1;
    int components = 0;
    double total = 0;
    while (i < text.size()) {
        if (text.at(i) == u'T') {
            if (inTime)
                return std::nullopt;
            inTime = true;
            lastDesignator = -1;
            components = 0;
            ++i;
            continue;
        }
        const auto start = i;
        while (i < text.size() && text.at(i).isDigit() && text.at(i).unicode() < 128)
            ++i;
        if (i == start)
            return std::nullopt;
        if (i < text.size() && (text.at(i) == u'.' || text.at(i) == u',')) {
            const auto fractionStart = ++i;
            while (i < text.size() && text.at(i).isDigit() && text.at(i).unicode() < 128)
                ++i;
            if (i == fractionStart)
                return std::nullopt;
        }
        if (i >= text.size())
            return std::nullopt;
        auto number = text.mid(start, i - start);
        number.replace(u',', u'.');
        const auto designators = inTime ? timeDesignators : dateDesignators;
        const auto designator = designators.indexOf(text.at(i));
        if (designator <= lastDesignator)
            return std::nullopt;
        lastDesignator = designator;
        total += number.toDouble() * (inTime ? timeSeconds[designator] : dateSeconds[designator]);
        ++components;
        ++i;
    }
    // "P" alone, or a "T" without a time component, is not a duration.
    if (components == 0)
        return std::nullopt;
    return total;
}

bool isAbsoluteUri(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.scheme().isEmpty() && !url.host().isEmpty();
}

class TriggerChecker {
public:
    TriggerChecker(const ManifestParser::YamlDocument& document, const QStringList& lines,
        const QStringList& knownBrokers, const QSet<QString>& knownAddressables, QList<SourceIssue>& issues)
        : m_document(document)
        , m_lines(lines)
        , m_knownBrokers(knownBrokers)
        , m_knownAddressables(knownAddressables)
        , m_issues(issues)
    {
    }

    void check(const QJsonObject& root)
    {
        const auto apiVersion = root.value("apiVersion"_L1);
        if (apiVersion.isString() && apiVersion.toString() != u"eventing.knative.dev/v1") {
            error(u"/apiVersion"_s,
                QStringLiteral("apiVersion must be eventing.knative.dev/v1 for a Trigger, not \"%1\"")
                    .arg(apiVersion.toString()));
        }
        rejectUnknown(
            root, QString(), QString(), { u"apiVersion"_s, u"kind"_s, u"metadata"_s, u"spec"_s, u"status"_s });

        const auto metadata = root.value("metadata"_L1).toObject();
        const auto name = metadata.value("name"_L1);
        if (name.isString() && !isValidDns1123Subdomain(name.toString())) {
            error(u"/metadata/name"_s,
                QStringLiteral("metadata.name \"%1\" is not a valid name: use at most 253 lower-case letters, "
                               "digits, '-' and '.', starting and ending with a letter or digit")
                    .arg(name.toString()));
        }
        const auto ns = metadata.value("namespace"_L1);
        if (ns.isString() && !isValidDns1123Label(ns.toString())) {
            error(u"/metadata/namespace"_s,
                QStringLiteral("metadata.namespace \"%1\" is not a valid namespace: use at most 63 lower-case "
                               "letters, digits and '-', starting and ending with a letter or digit")
                    .arg(ns.toString()));
        }
        m_namespace = ns.isString() && !ns.toString().isEmpty() ? ns.toString() : u"default"_s;

        const auto specValue = root.value("spec"_L1);
        if (!present(specValue)) {
            error(QString(), QStringLiteral("spec is required (spec.broker and spec.subscriber)"));
            return;
        }
        if (!specValue.isObject())
            return; // reported by the parser
        const auto spec = specValue.toObject();
        rejectUnknown(spec, u"/spec"_s, u"spec"_s,
            { u"broker"_s, u"brokerRef"_s, u"filter"_s, u"filters"_s, u"subscriber"_s, u"delivery"_s });
        checkBroker(spec);
        checkFilter(spec);
        checkDestination(spec, u"/spec"_s, u"spec"_s, "subscriber"_L1, true);
        checkDelivery(spec);
    }

private:
    void report(const QString& pointer, const QString& message, SourceIssue::Severity severity)
    {
        SourceIssue issue;
        issue.severity = severity;
        issue.location = m_document.locate(pointer);
        issue.message = message;
        m_issues.append(issue);
    }
    void error(const QString& pointer, const QString& message)
    {
        report(pointer, message, SourceIssue::Severity::Error);
    }
    void warning(const QString& pointer, const QString& message)
    {
        report(pointer, message, SourceIssue::Severity::Warning);
    }

    // The CRD keeps unknown fields under spec and spec.delivery (x-kubernetes-preserve-unknown-fields), so the API
    // server accepts them; Knative's webhooks decode with unknown fields disallowed (EV cmd/webhook/main.go), so on a
    // cluster with Knative installed a typo is rejected there. A warning, not an error: the schema allows the field.
    void rejectUnknown(const QJsonObject& object, const QString& pointer, const QString& name, const QStringList& known)
    {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (known.contains(it.key()))
                continue;
            const QString field = name.isEmpty() ? it.key() : name % u'.' % it.key();
            warning(jsonPointer(pointer, it.key()),
                QStringLiteral("unknown field %1: Knative's webhook rejects it (expected one of: %2)")
                    .arg(field, known.join(u", "_s)));
        }
    }

    void checkBroker(const QJsonObject& spec)
    {
        const auto broker = spec.value("broker"_L1);
        const auto brokerRef = spec.value("brokerRef"_L1);
        if (!present(broker) && !present(brokerRef)) {
            error(u"/spec"_s, QStringLiteral("spec.broker is required"));
            return;
        }
        if (present(broker) && present(brokerRef)) {
            error(u"/spec/brokerRef"_s, QStringLiteral("set either spec.broker or spec.brokerRef, not both"));
            return;
        }
        QString brokerNamespace = m_namespace;
        QString brokerName;
        QString pointer;
        if (broker.isString()) {
            brokerName = broker.toString();
            pointer = u"/spec/broker"_s;
            if (brokerName.isEmpty())
                error(pointer, QStringLiteral("spec.broker must not be empty"));
        } else if (brokerRef.isObject()) {
            const auto ref = brokerRef.toObject();
            brokerName = ref.value("name"_L1).toString();
            pointer = u"/spec/brokerRef/name"_s;
            if (brokerName.isEmpty())
                error(u"/spec/brokerRef"_s, QStringLiteral("spec.brokerRef.name is required"));
            const auto refNamespace = ref.value("namespace"_L1).toString();
            if (!refNamespace.isEmpty())
                brokerNamespace = refNamespace;
        }
        const QString key = brokerNamespace % u'/' % brokerName;
        if (!brokerName.isEmpty() && !m_knownBrokers.isEmpty() && !m_knownBrokers.contains(key)) {
            warning(pointer,
                QStringLiteral("broker \"%1\" does not exist in namespace \"%2\"").arg(brokerName, brokerNamespace));
        }
    }

    void checkAttributeNames(const QJsonObject& attributes, const QString& pointer, const QString& what)
    {
        for (auto it = attributes.constBegin(); it != attributes.constEnd(); ++it) {
            if (isValidAttributeName(it.key()))
                continue;
            error(jsonPointer(pointer, it.key()),
                QStringLiteral("%1 attribute name \"%2\" is invalid: it must start with a lower-case letter and "
                               "contain only lower-case letters and digits (^[a-z][a-z0-9]*$)")
                    .arg(what, it.key()));
        }
    }

    void checkFilter(const QJsonObject& spec)
    {
        const auto attributes = spec.value("filter"_L1).toObject().value("attributes"_L1).toObject();
        checkAttributeNames(attributes, u"/spec/filter/attributes"_s, u"filter"_s);
        const auto filters = spec.value("filters"_L1).toArray();
        if (!attributes.isEmpty() && !filters.isEmpty()) {
            warning(u"/spec/filters"_s,
                QStringLiteral("both spec.filter and spec.filters are set: spec.filters wins and spec.filter is "
                               "ignored"));
        }
        checkFilterList(filters, u"/spec/filters"_s, u"spec.filters"_s);
    }

    void checkFilterList(const QJsonArray& filters, const QString& pointer, const QString& name)
    {
        for (qsizetype i = 0; i < filters.size(); ++i) {
            checkSubscriptionsApiFilter(
                filters.at(i).toObject(), jsonPointer(pointer, i), name % u'[' % QString::number(i) % u']');
        }
    }

    // Dialect counts and types are the parser's; this adds what the Knative webhook checks on top.
    void checkSubscriptionsApiFilter(const QJsonObject& filter, const QString& pointer, const QString& name)
    {
        for (const auto& dialect : { u"exact"_s, u"prefix"_s, u"suffix"_s }) {
            const auto attributes = filter.value(dialect).toObject();
            const auto at = jsonPointer(pointer, dialect);
            if (attributes.size() > 1) {
                error(at,
                    QStringLiteral("%1.%2 can have only one attribute; combine several with \"all\"")
                        .arg(name, dialect));
            }
            checkAttributeNames(attributes, at, dialect);
        }
        for (const auto& dialect : { u"all"_s, u"any"_s })
            checkFilterList(filter.value(dialect).toArray(), jsonPointer(pointer, dialect), name % u'.' % dialect);
        checkCesql(filter, pointer, name);
        if (filter.value("not"_L1).isObject()) {
            checkSubscriptionsApiFilter(
                filter.value("not"_L1).toObject(), jsonPointer(pointer, u"not"_s), name % u".not"_s);
        }
    }

    // Syntax errors are what the Knative webhook rejects; warnings are expressions that parse but probably do
    // not mean what they say. Both are shown where they are inside the expression.
    void checkCesql(const QJsonObject& filter, const QString& pointer, const QString& name)
    {
        const QJsonValue value = filter.value("cesql"_L1);
        if (!value.isString())
            return;
        const QString at = jsonPointer(pointer, u"cesql"_s);
        const auto expression = CesqlParser::parse(value.toString());
        const auto place = [&](const CesqlError& problem) {
            SourceIssue issue;
            issue.location = locateInScalar(at, problem.line, problem.column);
            issue.message = name % u".cesql: "_s % problem.message;
            return issue;
        };
        if (!expression->isValid()) {
            m_issues.append(place(*expression->error()));
            return;
        }
        for (const CesqlError& problem : expression->warnings()) {
            SourceIssue issue = place(problem);
            issue.severity = SourceIssue::Severity::Warning;
            m_issues.append(issue);
        }
    }

    // Where line:column of a scalar's text is in the YAML: plain and quoted scalars start at their node, block
    // scalars (| and >) on the next line at its indentation.
    SourceLocation locateInScalar(const QString& pointer, int line, int column) const
    {
        SourceLocation location = m_document.locate(pointer);
        const auto position = m_document.positions.value(pointer);
        if (position.line <= 0 || position.line > m_lines.size())
            return location;
        const QString& text = m_lines.at(position.line - 1);
        const QChar first
            = position.column >= 1 && position.column <= text.size() ? text.at(position.column - 1) : QChar();
        if (first == u'|' || first == u'>') {
            const int blockLine = position.line + line;
            const QString& block = m_lines.value(blockLine - 1);
            qsizetype indentation = 0;
            while (indentation < block.size() && block.at(indentation) == u' ')
                ++indentation;
            location.line = blockLine;
            location.column = int(indentation) + column;
            return location;
        }
        const int quote = first == u'"' || first == u'\'' ? 1 : 0;
        location.line = position.line + line - 1;
        location.column = line == 1 ? position.column + quote + column - 1 : column;
        return location;
    }

    void checkDestination(const QJsonObject& parent, const QString& parentPointer, const QString& parentName,
        QLatin1StringView key, bool required)
    {
        const auto value = parent.value(key);
        const QString name = parentName % u'.' % key;
        const auto pointer = jsonPointer(parentPointer, QString(key));
        if (!present(value)) {
            if (required)
                error(parentPointer, QStringLiteral("%1 is required (a ref or a uri)").arg(name));
            return;
        }
        if (!value.isObject())
            return; // reported by the parser
        const auto destination = value.toObject();
        rejectUnknown(destination, pointer, name, { u"ref"_s, u"uri"_s, u"CACerts"_s, u"audience"_s });
        const auto refValue = destination.value("ref"_L1);
        const auto uri = destination.value("uri"_L1).toString();
        if (!present(refValue) && uri.isEmpty()) {
            error(pointer, QStringLiteral("%1 needs a ref or a uri").arg(name));
            return;
        }
        if (!refValue.isObject()) {
            if (!present(refValue) && !isAbsoluteUri(uri)) {
                error(jsonPointer(pointer, u"uri"_s),
                    QStringLiteral("%1.uri \"%2\" must be an absolute URI such as http://service.namespace.svc"
                                   ".cluster.local when there is no ref")
                        .arg(name, uri));
            }
            return;
        }
        const auto ref = refValue.toObject();
        const auto refPointer = jsonPointer(pointer, u"ref"_s);
        KReference reference { ref.value("apiVersion"_L1).toString(), ref.value("kind"_L1).toString(),
            ref.value("name"_L1).toString(), ref.value("namespace"_L1).toString() };
        bool complete = true;
        for (const auto& [field, text] : { std::pair(u"apiVersion"_s, reference.apiVersion),
                 std::pair(u"kind"_s, reference.kind), std::pair(u"name"_s, reference.name) }) {
            if (text.isEmpty()) {
                error(refPointer, QStringLiteral("%1.ref.%2 is required").arg(name, field));
                complete = false;
            }
        }
        if (!uri.isEmpty() && !QUrl(uri, QUrl::StrictMode).isValid()) {
            error(jsonPointer(pointer, u"uri"_s), QStringLiteral("%1.uri \"%2\" is not a valid URI").arg(name, uri));
        }
        if (complete && !m_knownAddressables.isEmpty()
            && !m_knownAddressables.contains(reference.key(m_namespace).toString())) {
            const auto key = reference.key(m_namespace);
            warning(jsonPointer(refPointer, u"name"_s),
                QStringLiteral("%1 %2 \"%3\" does not exist in namespace \"%4\"")
                    .arg(name, reference.kind, reference.name, key.ns));
        }
    }

    void checkDuration(const QJsonObject& delivery, const QString& field, bool positive)
    {
        const auto value = delivery.value(field);
        if (!value.isString())
            return;
        const auto pointer = jsonPointer(u"/spec/delivery"_s, field);
        const auto seconds = durationSeconds(value.toString());
        if (!seconds) {
            error(pointer,
                QStringLiteral("spec.delivery.%1 \"%2\" is not an ISO 8601 duration (for example PT0.2S, PT1M or P1D)")
                    .arg(field, value.toString()));
        } else if (positive && *seconds <= 0) {
            error(pointer, QStringLiteral("spec.delivery.%1 must be greater than zero").arg(field));
        }
    }

    void checkDelivery(const QJsonObject& spec)
    {
        const auto value = spec.value("delivery"_L1);
        if (!value.isObject())
            return;
        const auto delivery = value.toObject();
        rejectUnknown(delivery, u"/spec/delivery"_s, u"spec.delivery"_s,
            { u"deadLetterSink"_s, u"retry"_s, u"backoffPolicy"_s, u"backoffDelay"_s, u"timeout"_s, u"retryAfterMax"_s,
                u"format"_s });
        const auto policy = delivery.value("backoffPolicy"_L1);
        if (policy.isString() && policy.toString() != u"linear" && policy.toString() != u"exponential") {
            error(u"/spec/delivery/backoffPolicy"_s,
                QStringLiteral("spec.delivery.backoffPolicy must be linear or exponential, not \"%1\"")
                    .arg(policy.toString()));
        }
        checkDuration(delivery, u"backoffDelay"_s, false);
        checkDuration(delivery, u"timeout"_s, true);
        checkDuration(delivery, u"retryAfterMax"_s, false);
        const auto retry = delivery.value("retry"_L1);
        if (retry.isDouble() && retry.toDouble() < 0)
            error(u"/spec/delivery/retry"_s, QStringLiteral("spec.delivery.retry must be 0 or more"));
        const auto format = delivery.value("format"_L1);
        if (format.isString() && format.toString() != u"json" && format.toString() != u"binary") {
            error(u"/spec/delivery/format"_s,
                QStringLiteral("spec.delivery.format must be json or binary, not \"%1\"").arg(format.toString()));
        }
        checkDestination(delivery, u"/spec/delivery"_s, u"spec.delivery"_s, "deadLetterSink"_L1, false);
    }

    const ManifestParser::YamlDocument& m_document;
    const QStringList& m_lines;
    const QStringList& m_knownBrokers;
    const QSet<QString>& m_knownAddressables;
    QList<SourceIssue>& m_issues;
    QString m_namespace;
};

} // namespace

// Semantic issues at a spot the schema already flagged say the same thing less precisely.
void mergeSchemaIssues(QList<SourceIssue>& issues, const QList<SourceIssue>& schemaIssues, qsizetype firstSemantic)
{
    if (schemaIssues.isEmpty())
        return;
    QSet<std::pair<int, int>> flagged;
    for (const auto& issue : schemaIssues)
        flagged.insert({ issue.location.line, issue.location.column });
    const auto duplicate = [&](const SourceIssue& issue) {
        return flagged.contains({ issue.location.line, issue.location.column });
    };
    issues.erase(std::remove_if(issues.begin() + firstSemantic, issues.end(), duplicate), issues.end());
    issues.append(schemaIssues);
}

void checkImmutableBroker(const ManifestParser::YamlDocument& document, const QJsonObject& root,
    const QString& liveBroker, QList<SourceIssue>& issues)
{
    const auto broker = root.value("spec"_L1).toObject().value("broker"_L1);
    const QString draftBroker = broker.toString();
    if (draftBroker == liveBroker)
        return;
    SourceIssue issue;
    issue.location = document.locate(broker.isUndefined() ? u"/spec"_s : u"/spec/broker"_s);
    const QString was = liveBroker.isEmpty() ? u"no spec.broker (it uses spec.brokerRef)"_s
                                             : QStringLiteral("spec.broker \"%1\"").arg(liveBroker);
    issue.message = QStringLiteral("spec.broker is immutable: the trigger exists with %1; Knative rejects the change "
                                   "(delete and re-create the trigger, or give the draft a new name)")
                        .arg(was);
    issues.append(issue);
}

QList<SourceIssue> validateTrigger(const QByteArray& yamlText, const QString& fileName, const QStringList& knownBrokers,
    const QSet<QString>& knownAddressables, const CrdSchema* schema, const std::optional<QString>& liveBroker)
{
    if (!schema)
        schema = &CrdSchema::shippedTrigger();
    auto documents = ManifestParser::loadYaml(yamlText, fileName);
    auto issues = std::move(documents.issues);
    const QStringList lines = QString::fromUtf8(yamlText).split(u'\n');
    bool firstTrigger = true;
    for (const auto& document : std::as_const(documents.documents)) {
        if (!document.value.isObject()) {
            SourceIssue issue;
            issue.location = document.location;
            issue.message = QStringLiteral("the document is not a map; a Trigger starts with apiVersion and kind");
            issues.append(issue);
            continue;
        }
        const auto root = document.value.toObject();
        const auto kind = root.value("kind"_L1);
        if (kind.isString() && kind.toString() != u"Trigger") {
            SourceIssue issue;
            issue.severity = SourceIssue::Severity::Warning;
            issue.location = document.location;
            issue.message = QStringLiteral("not a Trigger (kind %1); only Triggers are checked").arg(kind.toString());
            issues.append(issue);
            continue;
        }
        const auto firstSemantic = issues.size();
        ManifestParser::extract(root, fileName, &document, QString(), issues);
        TriggerChecker(document, lines, knownBrokers, knownAddressables, issues).check(root);
        if (liveBroker && firstTrigger)
            checkImmutableBroker(document, root, *liveBroker, issues);
        firstTrigger = false;
        mergeSchemaIssues(issues, schema->validate(document), firstSemantic);
    }
    std::stable_sort(issues.begin(), issues.end(), [](const SourceIssue& a, const SourceIssue& b) {
        return std::pair(a.location.line, a.location.column) < std::pair(b.location.line, b.location.column);
    });
    return issues;
}

bool isValidIso8601Duration(const QString& duration) { return durationSeconds(duration).has_value(); }

bool isValidDns1123Label(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    return name.size() <= 63 && pattern.match(name).hasMatch();
}

bool isValidDns1123Subdomain(const QString& name)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    return name.size() <= 253 && pattern.match(name).hasMatch();
}

bool isValidAttributeName(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9]*$"));
    return pattern.match(name).hasMatch();
}

} // namespace DraftValidator
