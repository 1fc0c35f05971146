// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QObject>

// A problem a source found in its input, with where it is (file:line:column, or a field).
struct SourceIssue {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    SourceLocation location;
    QString message;
    QString toString() const;
    friend bool operator==(const SourceIssue&, const SourceIssue&) = default;
};
Q_DECLARE_METATYPE(SourceIssue)

// Anything objects come from: manifest files, the bundled demo, a cluster.
// A source reports the complete current set of its objects per origin; the ObjectStore works out what changed.
class ObjectSource : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void start() = 0;
    virtual QString displayName() const = 0;

Q_SIGNALS:
    // Incremental changes (from a watch, or a simulated controller).
    void changes(const ObjectChangeBatch& batch);
    // Everything that one origin (a file, the demo) now holds; objects of that origin not in the list are gone.
    void snapshot(const QString& origin, const QList<KnativeObjectPtr>& objects);
    // Problems found in the input; an empty list for an origin clears earlier ones.
    void issues(const QString& origin, const QList<SourceIssue>& issues);
};
