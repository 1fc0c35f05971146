// SPDX-License-Identifier: Apache-2.0
#include "eventpublisher.h"

#include "cloudeventvalidator.h"
#include "kafkatransport.h"
#include "knativekafkanaming.h"
#include "kubeingresstransport.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QString kindName(PublishTarget::Kind kind)
{
    switch (kind) {
    case PublishTarget::Kind::KafkaTopic:
        return u"kafka"_s;
    case PublishTarget::Kind::Http:
        return u"http"_s;
    case PublishTarget::Kind::AmqpExchange:
        return u"amqp"_s;
    case PublishTarget::Kind::None:
        break;
    }
    return u"none"_s;
}

QString invalidEventReason(const CloudEvent& event)
{
    const auto issues = CloudEventValidator::validate(event);
    if (issues.isEmpty())
        return {};
    return u"invalid event, not sent: "_s % issues.constFirst().field % u": "_s % issues.constFirst().message;
}

// The inverse of ObjectKey::toString() ("group/Kind/namespace/name"; names never contain '/').
ObjectKey objectKeyFromString(const QString& text)
{
    const auto parts = text.split(u'/');
    if (parts.size() != 4)
        return {};
    return { parts.at(0), parts.at(1), parts.at(2), parts.at(3) };
}

} // namespace

PublishTarget PublishTarget::kafkaTopic(const QString& topic)
{
    PublishTarget target;
    target.kind = Kind::KafkaTopic;
    target.name = topic;
    return target;
}

PublishTarget PublishTarget::http(const QUrl& url, HttpTransport::Mode mode)
{
    PublishTarget target;
    target.kind = Kind::Http;
    target.name = url.toString();
    target.httpMode = mode;
    return target;
}

PublishTarget PublishTarget::amqpExchange(const QString& exchange)
{
    PublishTarget target;
    target.kind = Kind::AmqpExchange;
    target.name = exchange;
    return target;
}

PublishTarget PublishTarget::forBroker(
    const KnativeObject& broker, bool kafkaConnected, HttpTransport::Mode mode, QString* problem)
{
    PublishTarget target;
    if (broker.brokerClass.startsWith(u"Kafka"_s) && kafkaConnected) {
        target = kafkaTopic(kafkaTopicForBroker(broker));
    } else if (!broker.addressUrl.isEmpty()) {
        target = http(QUrl(broker.addressUrl), mode);
    } else if (problem) {
        *problem = broker.brokerClass.startsWith(u"Kafka"_s)
            ? u"the broker has no ingress address yet and no Kafka connection is configured"_s
            : u"the broker has no ingress address (status.address.url) yet"_s;
    }
    target.broker = broker.key;
    return target;
}

QString PublishTarget::description() const
{
    QString text;
    switch (kind) {
    case Kind::KafkaTopic:
        text = u"Kafka topic "_s % name;
        break;
    case Kind::Http:
        text = u"HTTP "_s % name % (httpMode == HttpTransport::Mode::Binary ? u" (binary)"_s : u" (structured)"_s);
        break;
    case Kind::AmqpExchange:
        text = u"AMQP exchange "_s % name;
        break;
    case Kind::None:
        text = u"no target"_s;
        break;
    }
    if (broker.isValid())
        return broker.ns % u'/' % broker.name % u" \u2192 "_s % text;
    return text;
}

QJsonObject PublishTarget::toJson() const
{
    QJsonObject object { { u"kind"_s, kindName(kind) }, { u"name"_s, name } };
    if (kind == Kind::Http)
        object.insert(u"mode"_s, httpMode == HttpTransport::Mode::Binary ? u"binary"_s : u"structured"_s);
    if (broker.isValid())
        object.insert(u"broker"_s, broker.toString());
    return object;
}

PublishTarget PublishTarget::fromJson(const QJsonObject& object)
{
    PublishTarget target;
    const auto kind = object.value(u"kind"_s).toString();
    for (const auto candidate : { Kind::KafkaTopic, Kind::Http, Kind::AmqpExchange }) {
        if (kindName(candidate) == kind)
            target.kind = candidate;
    }
    target.name = object.value(u"name"_s).toString();
    target.httpMode = object.value(u"mode"_s).toString() == u"structured" ? HttpTransport::Mode::Structured
                                                                          : HttpTransport::Mode::Binary;
    if (object.contains(u"broker"_s))
        target.broker = objectKeyFromString(object.value(u"broker"_s).toString());
    return target;
}

EventPublisher::EventPublisher(QObject* parent)
    : QObject(parent)
    , m_http(new HttpTransport(this))
{
    connect(m_http, &HttpTransport::delivered, this,
        [this](quint64 id, const DeliveryResult& result) { forward(m_httpPending, id, result); });
}

EventPublisher::~EventPublisher()
{
    // The transport may report cancelled requests while it goes; our tables are gone by then.
    disconnect(m_http, nullptr, this, nullptr);
    delete m_http;
    disconnect(m_kafkaConnection);
    disconnect(m_kafkaDestroyed);
    disconnect(m_amqpConnection);
    disconnect(m_amqpDestroyed);
    disconnect(m_clusterConnection);
    disconnect(m_clusterDestroyed);
}

void EventPublisher::setClusterTransport(KubeIngressTransport* transport)
{
    if (transport == m_cluster)
        return;
    disconnect(m_clusterConnection);
    disconnect(m_clusterDestroyed);
    failAll(m_clusterPending, u"the cluster connection was replaced before the ingress answered"_s);
    m_cluster = transport;
    if (!transport)
        return;
    m_clusterConnection = connect(transport, &KubeIngressTransport::delivered, this,
        [this](quint64 id, const DeliveryResult& result) { forward(m_clusterPending, id, result); });
    m_clusterDestroyed = connect(transport, &QObject::destroyed, this,
        [this] { failAll(m_clusterPending, u"the cluster connection closed before the ingress answered"_s); });
}

KubeIngressTransport* EventPublisher::clusterTransport() const { return m_cluster; }

bool EventPublisher::isClusterAddress(const QUrl& url)
{
    const QString host = url.host();
    return (url.scheme() == u"http" || url.scheme() == u"https") && (host.endsWith(u".svc") || host.contains(u".svc."));
}

void EventPublisher::setKafkaTransport(KafkaTransport* transport)
{
    if (transport == m_kafka)
        return;
    disconnect(m_kafkaConnection);
    disconnect(m_kafkaDestroyed);
    failAll(m_kafkaPending, u"the Kafka connection was replaced before the delivery report arrived"_s);
    m_kafka = transport;
    if (!transport)
        return;
    m_kafkaConnection = connect(transport, &KafkaTransport::delivered, this,
        [this](quint64 id, const DeliveryResult& result) { forward(m_kafkaPending, id, result); });
    m_kafkaDestroyed = connect(transport, &QObject::destroyed, this,
        [this] { failAll(m_kafkaPending, u"the Kafka connection closed before the delivery report arrived"_s); });
}

KafkaTransport* EventPublisher::kafkaTransport() const { return m_kafka; }

void EventPublisher::setAmqpBackend(QObject* owner, AmqpPublish publish, std::function<void()> cancel)
{
    clearAmqpTransport();
    m_amqpOwner = owner;
    m_amqpPublish = std::move(publish);
    m_amqpCancel = std::move(cancel);
    m_amqpDestroyed = connect(owner, &QObject::destroyed, this, [this] {
        m_amqpPublish = {};
        m_amqpCancel = {};
        failAll(m_amqpPending, u"the AMQP connection closed before the publisher confirm arrived"_s);
    });
}

void EventPublisher::clearAmqpTransport()
{
    disconnect(m_amqpConnection);
    disconnect(m_amqpDestroyed);
    m_amqpOwner.clear();
    m_amqpPublish = {};
    m_amqpCancel = {};
    failAll(m_amqpPending, u"the AMQP connection was replaced before the publisher confirm arrived"_s);
}

bool EventPublisher::canPublish(const PublishTarget& target, QString* reason) const
{
    QString why;
    if (!target.isValid())
        why = u"choose a target"_s;
    else if (target.kind == PublishTarget::Kind::KafkaTopic && !m_kafka)
        why = u"no Kafka connection is configured (Cluster \u2192 Broker connections)"_s;
    else if (target.kind == PublishTarget::Kind::AmqpExchange && !m_amqpPublish)
        why = u"no RabbitMQ (AMQP) connection is configured"_s;
    else if (target.kind == PublishTarget::Kind::Http) {
        const QUrl url(target.name);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty())
            why = u"the URL must be http:// or https:// with a host"_s;
        else if (isClusterAddress(url) && !m_cluster)
            why = u"the address is inside a cluster: connect to that cluster to reach it through its API server"_s;
    }
    if (reason)
        *reason = why;
    return why.isEmpty();
}

quint64 EventPublisher::publish(const PublishTarget& target, const CloudEvent& event)
{
    const quint64 requestId = m_nextId++;
    QString reason;
    if (!canPublish(target, &reason)) {
        failLater(requestId, target.name, u"not sent: "_s % reason);
        return requestId;
    }
    switch (target.kind) {
    case PublishTarget::Kind::Http:
        // Both transports validate the event themselves and report an invalid one.
        if (isClusterAddress(QUrl(target.name)))
            m_clusterPending.insert(
                m_cluster->publish(QUrl(target.name), event, target.httpMode), { requestId, target.name });
        else
            m_httpPending.insert(
                m_http->publish(QUrl(target.name), event, target.httpMode), { requestId, target.name });
        break;
    case PublishTarget::Kind::KafkaTopic:
        if (reason = invalidEventReason(event); !reason.isEmpty())
            failLater(requestId, target.name, reason);
        else
            m_kafkaPending.insert(m_kafka->publish(target.name, event), { requestId, target.name });
        break;
    case PublishTarget::Kind::AmqpExchange:
        if (reason = invalidEventReason(event); !reason.isEmpty())
            failLater(requestId, target.name, reason);
        else
            m_amqpPending.insert(m_amqpPublish(target.name, event), { requestId, target.name });
        break;
    case PublishTarget::Kind::None:
        break;
    }
    return requestId;
}

quint64 EventPublisher::publishBatch(const PublishTarget& target, const QList<CloudEvent>& events)
{
    if (target.kind != PublishTarget::Kind::KafkaTopic || !canPublish(target)) {
        const quint64 first = m_nextId;
        for (const CloudEvent& event : events)
            publish(target, event);
        return first;
    }
    const quint64 first = m_nextId;
    m_nextId += quint64(events.size());
    QList<CloudEvent> valid;
    QList<quint64> validIds;
    valid.reserve(events.size());
    validIds.reserve(events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (const QString reason = invalidEventReason(events[i]); !reason.isEmpty()) {
            failLater(first + quint64(i), target.name, reason);
        } else {
            valid.append(events[i]);
            validIds.append(first + quint64(i));
        }
    }
    if (valid.isEmpty())
        return first;
    const quint64 transportFirst = m_kafka->publishBatch(target.name, valid);
    m_kafkaPending.reserve(m_kafkaPending.size() + valid.size());
    for (qsizetype i = 0; i < validIds.size(); ++i)
        m_kafkaPending.insert(transportFirst + quint64(i), { validIds[i], target.name });
    return first;
}

void EventPublisher::cancelAll()
{
    m_http->cancelAll();
    if (m_cluster)
        m_cluster->cancelAll();
    if (m_amqpCancel)
        m_amqpCancel();
}

qsizetype EventPublisher::pendingCount() const
{
    return m_httpPending.size() + m_kafkaPending.size() + m_amqpPending.size() + m_clusterPending.size()
        + m_immediatePending;
}

void EventPublisher::onAmqpDelivered(quint64 transportId, const DeliveryResult& result)
{
    forward(m_amqpPending, transportId, result);
}

void EventPublisher::forward(QHash<quint64, Pending>& pending, quint64 transportId, DeliveryResult result)
{
    const auto found = pending.constFind(transportId);
    if (found == pending.constEnd())
        return;
    const Pending request = *found;
    pending.erase(found);
    if (result.target.isEmpty())
        result.target = request.target;
    Q_EMIT delivered(request.requestId, result);
}

void EventPublisher::failLater(quint64 requestId, const QString& target, const QString& error)
{
    ++m_immediatePending;
    DeliveryResult result;
    result.target = target;
    result.error = error;
    QMetaObject::invokeMethod(
        this,
        [this, requestId, result] {
            --m_immediatePending;
            Q_EMIT delivered(requestId, result);
        },
        Qt::QueuedConnection);
}

void EventPublisher::failAll(QHash<quint64, Pending>& pending, const QString& error)
{
    const auto requests = std::exchange(pending, {});
    for (const auto& request : requests)
        failLater(request.requestId, request.target, error);
}
