// SPDX-License-Identifier: Apache-2.0
#include "rabbitqueuemonitor.h"

#include "objectstore.h"
#include "seriesstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const QString triggerLabel = u"eventing.knative.dev/trigger"_s;
const QString columns = u"name,vhost,messages_ready,messages_unacknowledged,consumers,"
                        "message_stats.publish_details.rate,message_stats.deliver_get_details.rate"_s;

// The queue CR eventing-rabbitmq made for a trigger, if the store has it: the trigger's own queue, not its
// dead-letter queue (which carries the same label).
std::optional<std::pair<QString, QString>> queueFromCustomResource(
    const QList<KnativeObjectPtr>& queues, const KnativeObject& trigger)
{
    for (const auto& queue : queues) {
        if (queue->key.ns != trigger.key.ns || queue->labels.value(triggerLabel) != trigger.key.name)
            continue;
        const QJsonObject spec = queue->raw.value(u"spec"_s).toObject();
        const QString name = spec.value(u"name"_s).toString(queue->key.name);
        if (name.contains(u".dlq."_s))
            continue;
        return std::pair { spec.value(u"vhost"_s).toString(u"/"_s), name };
    }
    return std::nullopt;
}

double number(const QJsonObject& object, QStringView path)
{
    QJsonValue value = object;
    for (const auto part : path.split(u'.'))
        value = value.toObject().value(part);
    return value.toDouble(0);
}

} // namespace

RabbitQueueMonitor::RabbitQueueMonitor(const ObjectStore* objects, SeriesStore* series, QObject* parent)
    : QObject(parent)
    , m_objects(objects)
    , m_series(series)
    , m_network(new QNetworkAccessManager(this))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RabbitQueueMonitor::refresh);
    // Store changes come in bursts (a relist, a folder re-read): recompute the targets once per burst.
    m_targetsTimer.setSingleShot(true);
    m_targetsTimer.setInterval(200);
    connect(&m_targetsTimer, &QTimer::timeout, this, &RabbitQueueMonitor::updateTargets);
    connect(objects, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        // Queue CRs are of no kind Meshscope knows, so Unknown counts too.
        if (batchTouches(batch, { ObjectKind::Trigger, ObjectKind::Broker, ObjectKind::Unknown }))
            m_targetsTimer.start();
    });
}

RabbitQueueMonitor::~RabbitQueueMonitor() { stop(); }

QString RabbitQueueMonitor::backlogSeries(const ObjectKey& trigger) { return u"backlog/"_s % trigger.toString(); }
QString RabbitQueueMonitor::unackedSeries(const ObjectKey& trigger) { return u"unacked/"_s % trigger.toString(); }
QString RabbitQueueMonitor::produceSeries(const ObjectKey& trigger) { return u"produce/"_s % trigger.toString(); }
QString RabbitQueueMonitor::consumeSeries(const ObjectKey& trigger) { return u"consume/"_s % trigger.toString(); }

QString RabbitQueueMonitor::queueNameFor(const KnativeObject& trigger, const KnativeObject& broker)
{
    return trigger.key.ns % u'.' % trigger.key.name % u'.' % broker.uid;
}

QList<RabbitQueueTarget> RabbitQueueMonitor::targetsIn(const ObjectStore& objects)
{
    QList<KnativeObjectPtr> queues;
    const auto all = objects.objects(ObjectKind::Unknown);
    for (const auto& object : all) {
        if (object->key.group == u"rabbitmq.com"_s && object->key.kind == u"Queue"_s)
            queues.append(object);
    }
    QList<RabbitQueueTarget> targets;
    const auto triggers = objects.objects(ObjectKind::Trigger);
    for (const auto& trigger : triggers) {
        const auto broker = objects.find({ u"eventing.knative.dev"_s, u"Broker"_s,
            trigger->brokerRef.ns.isEmpty() ? trigger->key.ns : trigger->brokerRef.ns, trigger->broker });
        if (!broker || broker->brokerClass != u"RabbitMQBroker"_s)
            continue;
        if (const auto found = queueFromCustomResource(queues, *trigger))
            targets.append({ trigger->key, found->first, found->second });
        else if (!broker->uid.isEmpty()) // without the UID (a manifest not yet applied) there is no queue yet
            targets.append({ trigger->key, u"/"_s, queueNameFor(*trigger, *broker) });
    }
    std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.trigger < b.trigger; });
    return targets;
}

void RabbitQueueMonitor::setConnection(const RabbitConnection& connection)
{
    m_connection = connection;
    // Pooled connections may belong to the old peer or credentials.
    m_network->clearConnectionCache();
}

void RabbitQueueMonitor::setInterval(std::chrono::milliseconds interval)
{
    m_interval = std::max(interval, std::chrono::milliseconds(100));
}

void RabbitQueueMonitor::start()
{
    if (m_running)
        return;
    m_running = true;
    updateTargets();
    refresh();
}

void RabbitQueueMonitor::stop()
{
    m_running = false;
    m_timer.stop();
    const auto inFlight = std::exchange(m_inFlight, {});
    for (const auto& reply : inFlight) {
        if (reply) {
            reply->disconnect(this);
            reply->abort();
            reply->deleteLater();
        }
    }
    m_answers.clear();
}

std::optional<RabbitQueueStats> RabbitQueueMonitor::statsOf(const ObjectKey& trigger) const
{
    const auto it = m_latest.constFind(trigger);
    if (it == m_latest.constEnd())
        return std::nullopt;
    return it.value();
}

QString RabbitQueueMonitor::endpoint() const { return m_connection.managementUrl.toString(QUrl::RemoveUserInfo); }

void RabbitQueueMonitor::updateTargets()
{
    const auto targets = targetsIn(*m_objects);
    if (targets == m_targets)
        return;
    QSet<ObjectKey> measured;
    for (const auto& target : targets)
        measured.insert(target.trigger);
    // Forget triggers that are gone, so neither badges nor series outlive their object.
    for (const auto& target : std::as_const(m_targets)) {
        if (measured.contains(target.trigger))
            continue;
        m_latest.remove(target.trigger);
        m_series->removeSeries(backlogSeries(target.trigger));
        m_series->removeSeries(unackedSeries(target.trigger));
        m_series->removeSeries(produceSeries(target.trigger));
        m_series->removeSeries(consumeSeries(target.trigger));
    }
    m_targets = targets;
}

void RabbitQueueMonitor::refresh()
{
    if (!m_running || !m_inFlight.isEmpty())
        return;
    m_started.start();
    m_refreshError.clear();
    m_answers.clear();
    if (m_targets.isEmpty()) {
        scheduleNext();
        return;
    }
    if (!m_connection.managementUrl.isValid() || m_connection.managementUrl.isEmpty()) {
        finishRefresh(tr("No RabbitMQ management URL is configured."));
        return;
    }
    QSet<QString> vhosts;
    for (const auto& target : std::as_const(m_targets))
        vhosts.insert(target.vhost);
    const QByteArray credentials = m_connection.username.toUtf8() + ':' + m_connection.password.toUtf8();
    const QByteArray authorization = "Basic " + credentials.toBase64();
    const auto timeout = std::clamp(m_interval, std::chrono::milliseconds(1000), std::chrono::milliseconds(10000));
    for (const auto& vhost : std::as_const(vhosts)) {
        QUrl url = m_connection.managementUrl;
        QString path = url.path(QUrl::FullyEncoded);
        if (!path.endsWith(u'/'))
            path += u'/';
        // "/" must reach the API as %2F: encode the vhost as one path segment.
        path += u"api/queues/"_s % QString::fromLatin1(QUrl::toPercentEncoding(vhost));
        url.setPath(path, QUrl::TolerantMode);
        url.setQuery(u"columns="_s % columns);
        url.setUserInfo({});
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", authorization);
        request.setRawHeader("Accept", "application/json");
        request.setTransferTimeout(static_cast<int>(timeout.count()));
        if (!m_connection.caCertificates.isEmpty()) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.addCaCertificates(m_connection.caCertificates);
            request.setSslConfiguration(tls);
        }
        QNetworkReply* reply = m_network->get(request);
        reply->setProperty("vhost", vhost);
        connect(reply, &QNetworkReply::finished, this, [this, reply]() { onFinished(reply); });
        m_inFlight.append(reply);
    }
}

QString RabbitQueueMonitor::describeFailure(QNetworkReply* reply) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401)
        return tr("RabbitMQ at %1 refused the credentials of user \"%2\" (401).")
            .arg(endpoint(), m_connection.username);
    if (status == 403)
        return tr("RabbitMQ at %1: user \"%2\" may not read the queues of virtual host \"%3\" (403).")
            .arg(endpoint(), m_connection.username, reply->property("vhost").toString());
    if (status == 404)
        return tr("RabbitMQ at %1 has no virtual host \"%2\" (404).")
            .arg(endpoint(), reply->property("vhost").toString());
    if (status != 0)
        return tr("RabbitMQ at %1 answered HTTP %2.").arg(endpoint()).arg(status);
    if (reply->error() == QNetworkReply::OperationCanceledError)
        return tr("RabbitMQ management API at %1 did not answer in time.").arg(endpoint());
    return tr("RabbitMQ management API at %1 is unreachable: %2").arg(endpoint(), reply->errorString());
}

void RabbitQueueMonitor::onFinished(QNetworkReply* reply)
{
    reply->deleteLater();
    m_inFlight.removeAll(reply);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        if (m_refreshError.isEmpty())
            m_refreshError = describeFailure(reply);
    } else {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(reply->readAll(), &parseError);
        if (!document.isArray() && m_refreshError.isEmpty())
            m_refreshError = tr("RabbitMQ at %1 answered something that is not a list of queues.").arg(endpoint());
        m_answers.insert(reply->property("vhost").toString(), document.array());
    }
    if (m_inFlight.isEmpty())
        finishRefresh(m_refreshError);
}

void RabbitQueueMonitor::finishRefresh(const QString& error)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QHash<std::pair<QString, QString>, QJsonObject> queues;
    for (auto it = m_answers.constBegin(); it != m_answers.constEnd(); ++it) {
        for (const auto& value : it.value()) {
            const QJsonObject queue = value.toObject();
            queues.insert({ queue.value(u"vhost"_s).toString(it.key()), queue.value(u"name"_s).toString() }, queue);
        }
    }
    QList<SeriesSample> samples;
    QStringList gaps;
    for (const auto& target : std::as_const(m_targets)) {
        RabbitQueueStats stats = m_latest.value(target.trigger);
        stats.trigger = target.trigger;
        stats.vhost = target.vhost;
        stats.queue = target.queue;
        const auto queue = queues.constFind({ target.vhost, target.queue });
        if (!error.isEmpty() || queue == queues.constEnd()) {
            stats.error = error.isEmpty() ? tr("Queue \"%1\" does not exist in RabbitMQ.").arg(target.queue) : error;
            gaps << backlogSeries(target.trigger) << unackedSeries(target.trigger) << produceSeries(target.trigger)
                 << consumeSeries(target.trigger);
        } else {
            // Fields are absent on a new or idle queue: they count as 0.
            stats.ready = qint64(number(*queue, u"messages_ready"));
            stats.unacknowledged = qint64(number(*queue, u"messages_unacknowledged"));
            stats.consumers = int(number(*queue, u"consumers"));
            stats.publishRate = number(*queue, u"message_stats.publish_details.rate");
            stats.deliverRate = number(*queue, u"message_stats.deliver_get_details.rate");
            stats.timestampMs = now;
            stats.error.clear();
            samples.append({ backlogSeries(target.trigger), now, double(stats.ready) });
            samples.append({ unackedSeries(target.trigger), now, double(stats.unacknowledged) });
            samples.append({ produceSeries(target.trigger), now, stats.publishRate });
            samples.append({ consumeSeries(target.trigger), now, stats.deliverRate });
        }
        m_latest.insert(target.trigger, stats);
    }
    m_answers.clear();
    if (!samples.isEmpty())
        m_series->appendBatch(samples);
    if (!gaps.isEmpty())
        m_series->markGaps(gaps, now);
    if (error != m_lastError) {
        m_lastError = error;
        Q_EMIT errorChanged(m_lastError);
    }
    Q_EMIT measured();
    scheduleNext();
}

void RabbitQueueMonitor::scheduleNext()
{
    if (!m_running)
        return;
    const auto elapsed = std::chrono::milliseconds(m_started.elapsed());
    m_timer.start(std::max(m_interval - elapsed, std::chrono::milliseconds(0)));
}
