// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

#include <initializer_list>
#include <memory>
#include <optional>

// Identity of an object in the cluster: API group (empty for the core group), kind, namespace, name.
struct ObjectKey {
    QString group;
    QString kind;
    QString ns;
    QString name;

    // "group/Kind/namespace/name"; used as the topology node id, so it must stay stable.
    QString toString() const;
    bool isValid() const { return !kind.isEmpty() && !name.isEmpty(); }
    friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
    friend bool operator<(const ObjectKey& a, const ObjectKey& b);
};
size_t qHash(const ObjectKey& key, size_t seed = 0) noexcept;

// The kinds Meshscope understands; anything else is kept as Unknown with its raw document.
enum class ObjectKind {
    Unknown,
    Broker,
    Trigger,
    Channel,
    InMemoryChannel,
    KafkaChannel,
    Subscription,
    Sequence,
    Parallel,
    PingSource,
    ApiServerSource,
    ContainerSource,
    SinkBinding,
    KafkaSource,
    KnativeService,
    Service,
    Deployment,
    PodAutoscaler,
};

// Maps "eventing.knative.dev"/"Broker" and the like to ObjectKind.
ObjectKind objectKindFor(const QString& group, const QString& kind);
QString groupOfApiVersion(const QString& apiVersion);
bool isSourceKind(ObjectKind kind);
bool isChannelKind(ObjectKind kind);

// knative.dev/pkg KReference: apiVersion, kind, name and (optional) namespace.
struct KReference {
    QString apiVersion;
    QString kind;
    QString name;
    QString ns;

    bool isEmpty() const { return kind.isEmpty() && name.isEmpty(); }
    // The key of the referenced object; an empty namespace becomes defaultNamespace (the holder's).
    ObjectKey key(const QString& defaultNamespace) const;
    friend bool operator==(const KReference&, const KReference&) = default;
};

// duckv1.Destination: a reference, a URI, or a reference plus a relative URI.
struct Destination {
    KReference ref;
    QString uri;

    bool isEmpty() const { return ref.isEmpty() && uri.isEmpty(); }
    friend bool operator==(const Destination&, const Destination&) = default;
};

struct DeliverySpec {
    Destination deadLetterSink;
    std::optional<int> retry;
    QString backoffPolicy; // "linear" or "exponential"
    QString backoffDelay; // ISO 8601 duration
    QString timeout; // ISO 8601 duration; only through preserve-unknown-fields
    bool isEmpty() const
    {
        return deadLetterSink.isEmpty() && !retry && backoffPolicy.isEmpty() && backoffDelay.isEmpty()
            && timeout.isEmpty();
    }
    friend bool operator==(const DeliverySpec&, const DeliverySpec&) = default;
};

// One element of Trigger spec.filters (SubscriptionsAPIFilter): exactly one dialect is set.
struct SubscriptionsApiFilter {
    enum class Dialect { Invalid, Exact, Prefix, Suffix, All, Any, Not, Cesql };
    Dialect dialect = Dialect::Invalid;
    QMap<QString, QString> attributes; // exact, prefix, suffix
    QList<SubscriptionsApiFilter> children; // all, any; not has exactly one child
    QString expression; // cesql
    friend bool operator==(const SubscriptionsApiFilter&, const SubscriptionsApiFilter&) = default;
};

struct Condition {
    QString type;
    QString status; // "True", "False", "Unknown"
    QString reason;
    QString message;
    QString severity;
    QString lastTransitionTime;
    friend bool operator==(const Condition&, const Condition&) = default;
};

enum class Readiness { Unknown, Ready, NotReady };

struct SourceLocation {
    QString file;
    int line = 0; // 1-based; 0 when unknown
    int column = 0; // 1-based
    QString toString() const; // "file:line:column"
    friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

struct ParallelBranch {
    Destination filter;
    Destination subscriber;
    Destination reply;
};

// One Kubernetes object as Meshscope sees it. The raw document is kept whole, so fields the model
// does not know survive a round trip; the typed fields below are filled for the kinds that have them.
struct KnativeObject {
    ObjectKey key;
    ObjectKind kind = ObjectKind::Unknown;
    QString apiVersion;
    QString uid;
    QString resourceVersion;
    qint64 generation = 0;
    QMap<QString, QString> labels;
    QMap<QString, QString> annotations;
    QJsonObject raw;
    SourceLocation location; // where the document starts, for objects read from files
    QString origin; // which source produced it: a file path, "demo", a cluster context

    // status (duckv1.Status and Addressable)
    QList<Condition> conditions;
    qint64 observedGeneration = 0;
    QMap<QString, QString> statusAnnotations;
    QString addressUrl;

    // Broker
    QString brokerClass; // metadata.annotations["eventing.knative.dev/broker.class"]
    KReference config;

    // Trigger
    QString broker; // spec.broker, or spec.brokerRef.name
    KReference brokerRef;
    bool hasFilter = false;
    QMap<QString, QString> filterAttributes; // spec.filter.attributes
    QList<SubscriptionsApiFilter> filters; // spec.filters
    QString subscriberUri; // status.subscriberUri

    // Trigger, Subscription, Parallel branch
    Destination subscriber;
    Destination reply;
    DeliverySpec delivery;

    // Subscription
    KReference channel;

    // Sources
    Destination sink;
    QStringList kafkaTopics; // KafkaSource spec.topics
    QString schedule; // PingSource

    // Flows
    QList<Destination> steps; // Sequence
    QList<ParallelBranch> branches; // Parallel

    // Scaling: Deployment spec/status replicas; PodAutoscaler desiredScale/actualScale
    std::optional<int> replicas;
    std::optional<int> readyReplicas;
    std::optional<int> desiredScale;
    std::optional<int> actualScale;

    const Condition* condition(const QString& type) const;
    // Ready condition, falling back to Deployment availability and "Unknown" when status is stale.
    Readiness readiness() const;
    QString readinessReason() const;
};

using KnativeObjectPtr = std::shared_ptr<const KnativeObject>;

struct ObjectChange {
    enum class Type { Added, Modified, Deleted };
    Type type = Type::Added;
    KnativeObjectPtr object; // for Deleted: the last known state
};
using ObjectChangeBatch = QList<ObjectChange>;

// Whether a batch changes any object of the given kinds; lets listeners skip the steady stream of scaling updates.
bool batchTouches(const ObjectChangeBatch& batch, std::initializer_list<ObjectKind> kinds);

Q_DECLARE_METATYPE(KnativeObjectPtr)
Q_DECLARE_METATYPE(ObjectChangeBatch)
