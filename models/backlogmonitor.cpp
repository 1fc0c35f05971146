// SPDX-License-Identifier: Apache-2.0
#include "backlogmonitor.h"

#include "knativekafkanaming.h"
#include "objectstore.h"
#include "seriesstore.h"

using namespace Qt::StringLiterals;

BacklogMonitor::BacklogMonitor(
    const ObjectStore* objects, SeriesStore* series, QMap<QString, QString> kafkaConfig, QObject* parent)
    : QObject(parent)
    , m_objects(objects)
    , m_series(series)
    , m_monitor(std::move(kafkaConfig))
{
    // Store changes come in bursts (a relist, a folder re-read): recompute the targets once per burst.
    m_targetsTimer.setSingleShot(true);
    m_targetsTimer.setInterval(200);
    connect(&m_targetsTimer, &QTimer::timeout, this, &BacklogMonitor::updateTargets);
    connect(objects, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (batchTouches(batch, { ObjectKind::Trigger, ObjectKind::Broker }))
            m_targetsTimer.start();
    });
    connect(&m_monitor, &KafkaLagMonitor::snapshot, this, &BacklogMonitor::onSnapshot);
}

QString BacklogMonitor::backlogSeries(const ObjectKey& trigger) { return u"backlog/"_s % trigger.toString(); }

QString BacklogMonitor::produceSeries(const ObjectKey& trigger) { return u"produce/"_s % trigger.toString(); }

QString BacklogMonitor::consumeSeries(const ObjectKey& trigger) { return u"consume/"_s % trigger.toString(); }

QString BacklogMonitor::timeLagSeries(const ObjectKey& trigger) { return u"timelag/"_s % trigger.toString(); }

void BacklogMonitor::setInterval(std::chrono::milliseconds interval) { m_monitor.setInterval(interval); }

void BacklogMonitor::start()
{
    updateTargets();
    m_monitor.start();
}

void BacklogMonitor::updateTargets()
{
    QList<LagTarget> targets;
    const auto triggers = m_objects->objects(ObjectKind::Trigger);
    for (const auto& trigger : triggers) {
        const auto broker = m_objects->find({ u"eventing.knative.dev"_s, u"Broker"_s,
            trigger->brokerRef.ns.isEmpty() ? trigger->key.ns : trigger->brokerRef.ns, trigger->broker });
        if (!broker || !broker->brokerClass.startsWith(u"Kafka"_s))
            continue;
        targets.append({ trigger->key, kafkaTopicForBroker(*broker), kafkaGroupForTrigger(*trigger) });
    }
    std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.trigger < b.trigger; });
    if (targets == m_monitor.targets())
        return;
    QSet<ObjectKey> measured;
    for (const auto& target : std::as_const(targets))
        measured.insert(target.trigger);
    // Forget triggers that are gone, so neither badges nor series outlive their object.
    for (auto it = m_latest.begin(); it != m_latest.end();) {
        if (!measured.contains(it.key())) {
            m_series->removeSeries(backlogSeries(it.key()));
            m_series->removeSeries(produceSeries(it.key()));
            m_series->removeSeries(consumeSeries(it.key()));
            m_series->removeSeries(timeLagSeries(it.key()));
            it = m_latest.erase(it);
        } else {
            ++it;
        }
    }
    m_analyzer.retain(measured);
    m_monitor.setTargets(targets);
}

void BacklogMonitor::onSnapshot(const LagSnapshot& snapshot)
{
    QList<SeriesSample> samples;
    samples.reserve(snapshot.triggers.size() * 4);
    for (const auto& lag : snapshot.triggers) {
        m_latest.insert(lag.trigger, lag);
        if (!lag.error.isEmpty())
            continue;
        const TriggerHealth health = m_analyzer.add(lag, snapshot.timestampMs);
        samples.append({ backlogSeries(lag.trigger), snapshot.timestampMs, double(lag.totalLag) });
        if (health.produceRate)
            samples.append({ produceSeries(lag.trigger), snapshot.timestampMs, *health.produceRate });
        if (health.consumeRate)
            samples.append({ consumeSeries(lag.trigger), snapshot.timestampMs, *health.consumeRate });
        if (health.timeLagSeconds)
            samples.append({ timeLagSeries(lag.trigger), snapshot.timestampMs, *health.timeLagSeconds });
    }
    if (!samples.isEmpty())
        m_series->appendBatch(samples);
    if (snapshot.error != m_lastError) {
        m_lastError = snapshot.error;
        Q_EMIT errorChanged(m_lastError);
    }
    Q_EMIT measured();
}

std::optional<TriggerLag> BacklogMonitor::lagOf(const ObjectKey& trigger) const
{
    const auto it = m_latest.constFind(trigger);
    if (it == m_latest.constEnd())
        return std::nullopt;
    return it.value();
}

std::optional<TriggerHealth> BacklogMonitor::healthOf(const ObjectKey& trigger) const
{
    return m_analyzer.health(trigger);
}

QHash<ObjectKey, qint64> BacklogMonitor::totals() const
{
    QHash<ObjectKey, qint64> result;
    for (auto it = m_latest.constBegin(); it != m_latest.constEnd(); ++it)
        result.insert(it.key(), it.value().totalLag);
    return result;
}
