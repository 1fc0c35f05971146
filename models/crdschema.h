// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifestparser.h"
#include "objectsource.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <memory>

// The openAPIV3Schema of one version of a CustomResourceDefinition, checking objects the way kube-apiserver does
// with fieldValidation=Strict: Kubernetes structural schemas (type, properties, required, additionalProperties, items,
// enum, format, nullable, pattern, minimum/maximum, min/maxLength, min/maxItems, x-kubernetes-preserve-unknown-fields,
// x-kubernetes-int-or-string, x-kubernetes-embedded-resource), with apiVersion, kind and metadata (ObjectMeta) implied
// at the root. Unknown fields are errors unless the schema preserves them there; a null in a non-nullable field is a
// warning, since the API server drops it. allOf/anyOf/oneOf/not and x-kubernetes-validations are not checked.
// Copies share the compiled schema; const use from several threads is safe.
class CrdSchema {
public:
    // A null schema: validates nothing.
    CrdSchema();

    // A CRD as YAML (the first CustomResourceDefinition document) or JSON (as GET
    // /apis/apiextensions.k8s.io/v1/customresourcedefinitions/<name> returns it). Takes the version named, else the
    // storage version if it is served, else the first served one. Null with *error set when there is no usable
    // schema.
    static CrdSchema fromCrd(const QByteArray& crd, QString* error = nullptr, const QString& version = QString());
    // The Trigger CRD shipped with the app (:/schemas/trigger-crd.yaml, embedded at build time); loaded once.
    static const CrdSchema& shippedTrigger();

    bool isNull() const { return !m_root; }
    QString crdName() const { return m_crdName; } // "triggers.eventing.knative.dev"
    QString group() const { return m_group; }
    QString version() const { return m_version; }
    QString kind() const { return m_kind; }

    // Checks one parsed YAML document; issues are located at the offending key (or the value, for array items).
    QList<SourceIssue> validate(const ManifestParser::YamlDocument& document) const;
    // Checks every document of a YAML text; YAML syntax errors are reported too.
    QList<SourceIssue> validateYaml(const QByteArray& yaml, const QString& fileName) const;

    struct Node;

private:
    std::shared_ptr<const Node> m_root;
    QString m_crdName;
    QString m_group;
    QString m_version;
    QString m_kind;
};
