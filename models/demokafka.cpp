// SPDX-License-Identifier: Apache-2.0
#include "demokafka.h"

#include "cloudeventcodec.h"
#include "kafkaclient.h"
#include "knativekafkanaming.h"

#include <librdkafka/rdkafka_mock.h>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUuid>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <numbers>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;
using namespace KafkaClient;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int partitionCount = 3;
constexpr auto tick = std::chrono::milliseconds(100);
constexpr double commitIntervalS = 1.0;
constexpr double scaleIntervalS = 1.0;
constexpr double scaleStepS = 2.0;
constexpr double scaleDownCooldownS = 10.0;
constexpr double maxRate = 60.0;
constexpr double noiseShare = 0.08;
const KafkaScalingSpec demoScalingDefaults { 0, 10, 100 };

// Attribute values an event needs to pass one trigger's filter.
using EventProfile = QMap<QString, QString>;

struct DemoPlan {
    struct Topic {
        QString name;
        QString source;
        QList<EventProfile> profiles;
    };
    struct Consumer {
        ObjectKey trigger;
        QString topic;
        QString group;
        ObjectKey subscriber; // invalid when not autoscaled: it then works at a fixed size
        double perReplicaRate = 10;
    };
    struct Subscriber {
        ObjectKey key;
        KafkaScalingSpec scaling;
        int initialReplicas = 0;
    };
    QList<Topic> topics;
    QList<Consumer> consumers;
    QList<Subscriber> subscribers;
};

bool isAutoscaled(const ObjectKey& key)
{
    return (key.group == u"serving.knative.dev" && key.kind == u"Service")
        || (key.group == u"apps" && key.kind == u"Deployment");
}

// Values that pass a filter: exact values as they are, prefixes and suffixes completed; "any" takes its first
// branch, "not" and CESQL are left to chance.
void collectProfile(const SubscriptionsApiFilter& filter, EventProfile& profile)
{
    using Dialect = SubscriptionsApiFilter::Dialect;
    switch (filter.dialect) {
    case Dialect::Exact:
        profile.insert(filter.attributes);
        break;
    case Dialect::Prefix:
        for (auto it = filter.attributes.cbegin(); it != filter.attributes.cend(); ++it)
            profile.insert(it.key(), it.value() % u"demo"_s);
        break;
    case Dialect::Suffix:
        for (auto it = filter.attributes.cbegin(); it != filter.attributes.cend(); ++it)
            profile.insert(it.key(), u"demo"_s % it.value());
        break;
    case Dialect::All:
        for (const auto& child : filter.children)
            collectProfile(child, profile);
        break;
    case Dialect::Any:
        if (!filter.children.isEmpty())
            collectProfile(filter.children.constFirst(), profile);
        break;
    default:
        break;
    }
}

EventProfile profileFor(const KnativeObject& trigger)
{
    EventProfile profile = trigger.filterAttributes;
    for (const auto& filter : trigger.filters)
        collectProfile(filter, profile);
    // Attributes the generator owns.
    for (const auto& own : { u"id"_s, u"time"_s, u"specversion"_s, u"datacontenttype"_s })
        profile.remove(own);
    return profile;
}

ObjectKey brokerKeyOf(const KnativeObject& trigger)
{
    const QString name = trigger.broker.isEmpty() ? trigger.brokerRef.name : trigger.broker;
    const QString ns = trigger.brokerRef.ns.isEmpty() ? trigger.key.ns : trigger.brokerRef.ns;
    return { u"eventing.knative.dev"_s, u"Broker"_s, ns, name };
}

DemoPlan buildPlan(const QList<KnativeObjectPtr>& objects)
{
    DemoPlan plan;
    QHash<ObjectKey, KnativeObjectPtr> byKey;
    for (const auto& object : objects) {
        if (object)
            byKey.insert(object->key, object);
    }
    QHash<ObjectKey, qsizetype> topicOfBroker;
    for (const auto& object : objects) {
        if (!object || object->kind != ObjectKind::Broker)
            continue;
        topicOfBroker.insert(object->key, plan.topics.size());
        plan.topics.append({ kafkaTopicForBroker(*object),
            u"/apis/v1/namespaces/"_s % object->key.ns % u"/demo-traffic/"_s % object->key.name, {} });
    }
    QHash<ObjectKey, qsizetype> subscriberIndex;
    for (const auto& object : objects) {
        if (!object || object->kind != ObjectKind::Trigger)
            continue;
        const auto topic = topicOfBroker.constFind(brokerKeyOf(*object));
        if (topic == topicOfBroker.cend())
            continue;
        plan.topics[*topic].profiles.append(profileFor(*object));
        DemoPlan::Consumer consumer;
        consumer.trigger = object->key;
        consumer.topic = plan.topics[*topic].name;
        consumer.group = kafkaGroupForTrigger(*object);
        // 8 to 15 events/s per replica, stable per trigger.
        consumer.perReplicaRate = 8 + static_cast<double>(qHash(object->key.toString(), 7) % 8);
        const ObjectKey subscriber = object->subscriber.ref.key(object->key.ns);
        if (!object->subscriber.ref.isEmpty() && isAutoscaled(subscriber)) {
            consumer.subscriber = subscriber;
            const KafkaScalingSpec scaling = kafkaScalingSpecForTrigger(*object, demoScalingDefaults);
            auto index = subscriberIndex.constFind(subscriber);
            if (index == subscriberIndex.cend()) {
                DemoPlan::Subscriber entry { subscriber, scaling, 0 };
                if (const auto target = byKey.value(subscriber))
                    entry.initialReplicas = target->replicas.value_or(target->actualScale.value_or(0));
                index = subscriberIndex.insert(subscriber, plan.subscribers.size());
                plan.subscribers.append(entry);
            } else {
                // Triggers sharing a subscriber: the widest bounds, the most eager threshold.
                auto& shared = plan.subscribers[*index].scaling;
                shared.minScale = std::max(shared.minScale, scaling.minScale);
                shared.maxScale = std::max(shared.maxScale, scaling.maxScale);
                shared.lagThreshold = std::min(shared.lagThreshold, scaling.lagThreshold);
            }
        }
        plan.consumers.append(consumer);
    }
    for (auto& subscriber : plan.subscribers)
        subscriber.initialReplicas
            = std::clamp(subscriber.initialReplicas, subscriber.scaling.minScale, subscriber.scaling.maxScale);
    return plan;
}

// Runs on the worker thread: owns the mock cluster (through its producer) and all simulation state.
class Simulation {
public:
    using Post = std::function<void(std::function<void(DemoKafka*)>)>;

    explicit Simulation(Post post)
        : m_post(std::move(post))
        , m_started(Clock::now())
    {
    }

    ~Simulation()
    {
        if (!m_producer)
            return;
        // Undelivered demo traffic is simply dropped.
        rd_kafka_purge(m_producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(m_producer.get(), 1000);
        m_adminQueue.reset();
        // Destroying the producer takes the mock cluster down with it.
    }

    bool setUp()
    {
        QString error;
        m_producer = createHandle(
            RD_KAFKA_PRODUCER, {},
            { { u"test.mock.num.brokers"_s, u"3"_s }, { u"client.id"_s, u"meshscope-demo-traffic"_s },
                { u"enable.idempotence"_s, u"true"_s }, { u"acks"_s, u"all"_s } },
            [this](rd_kafka_conf_t* conf) {
                rd_kafka_conf_set_opaque(conf, this);
                rd_kafka_conf_set_dr_msg_cb(conf, &Simulation::onDelivery);
            },
            &error);
        if (!m_producer) {
            reportError(u"Cannot start the demo's Kafka cluster: "_s % error);
            return false;
        }
        m_cluster = rd_kafka_handle_mock_cluster(m_producer.get());
        if (!m_cluster) {
            reportError(u"Cannot start the demo's Kafka cluster: librdkafka has no mock cluster support"_s);
            return false;
        }
        m_adminQueue.reset(rd_kafka_queue_new(m_producer.get()));
        m_bootstrap = QString::fromUtf8(rd_kafka_mock_cluster_bootstraps(m_cluster));
        return true;
    }

    QString bootstrapServers() const { return m_bootstrap; }

    void apply(const DemoPlan& plan);
    void step();

private:
    struct TopicState {
        DemoPlan::Topic spec;
        std::vector<qint64> acked = std::vector<qint64>(partitionCount, 0); // end offsets from delivery reports
        double carry = 0;
        double phase = 0;
        double period = 90;
        double burstUntil = 0;
        double burstRate = 0;
        quint64 sequence = 0;
    };
    struct ConsumerState {
        DemoPlan::Consumer spec;
        std::vector<qint64> position = std::vector<qint64>(partitionCount, 0);
        std::vector<qint64> committed = std::vector<qint64>(partitionCount, -1);
        std::vector<qint64> committing;
        quintptr commitId = 0; // the commit in flight, 0 = none
        double carry = 0;
    };
    struct SubscriberState {
        DemoPlan::Subscriber spec;
        int desired = 0;
        int actual = 0;
        double lastStep = -1e9;
        double lastPressure = 0;
    };

    static void onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
    double now() const { return std::chrono::duration<double>(Clock::now() - m_started).count(); }
    double rateOf(TopicState& topic, double t);
    void produce(TopicState& topic, int count);
    void consume(double dt);
    void commit();
    void collectCommits();
    void scale();
    void reportError(const QString& message);

    Post m_post;
    Clock::time_point m_started;
    HandlePtr m_producer;
    rd_kafka_mock_cluster_t* m_cluster = nullptr;
    QueuePtr m_adminQueue;
    QString m_bootstrap;
    std::vector<TopicState> m_topics;
    std::vector<ConsumerState> m_consumers;
    std::vector<SubscriberState> m_subscribers;
    QRandomGenerator m_random { 20240611 };
    double m_lastTick = 0;
    double m_lastCommit = 0;
    double m_lastScale = 0;
    double m_lastErrorReport = -1e9;
    quintptr m_nextCommitId = 1;
};

void Simulation::reportError(const QString& message)
{
    m_post([message](DemoKafka* kafka) { Q_EMIT kafka->error(message); });
}

void Simulation::apply(const DemoPlan& plan)
{
    // Keep the progress of what stays, so a reconfiguration does not reset offsets or replicas.
    std::vector<TopicState> topics;
    for (const auto& spec : plan.topics) {
        auto it
            = std::find_if(m_topics.begin(), m_topics.end(), [&](const auto& t) { return t.spec.name == spec.name; });
        if (it != m_topics.end()) {
            it->spec = spec;
            topics.push_back(std::move(*it));
            continue;
        }
        const auto error = rd_kafka_mock_topic_create(m_cluster, spec.name.toUtf8().constData(), partitionCount, 3);
        if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
            reportError(u"Demo Kafka: cannot create topic "_s % spec.name % u": "_s % errorString(error));
        TopicState state;
        state.spec = spec;
        // Each broker gets its own rhythm.
        const auto seed = qHash(spec.name, 11);
        state.phase = static_cast<double>(seed % 628) / 100.0;
        state.period = 60 + static_cast<double>(seed % 60);
        topics.push_back(std::move(state));
    }
    m_topics = std::move(topics);

    std::vector<ConsumerState> consumers;
    for (const auto& spec : plan.consumers) {
        auto it = std::find_if(m_consumers.begin(), m_consumers.end(),
            [&](const auto& c) { return c.spec.group == spec.group && c.spec.topic == spec.topic; });
        if (it != m_consumers.end()) {
            it->spec = spec;
            consumers.push_back(std::move(*it));
        } else {
            ConsumerState state;
            state.spec = spec;
            consumers.push_back(std::move(state));
        }
    }
    m_consumers = std::move(consumers);

    std::vector<SubscriberState> subscribers;
    for (const auto& spec : plan.subscribers) {
        auto it = std::find_if(
            m_subscribers.begin(), m_subscribers.end(), [&](const auto& s) { return s.spec.key == spec.key; });
        if (it != m_subscribers.end()) {
            it->spec = spec;
            subscribers.push_back(std::move(*it));
        } else {
            SubscriberState state;
            state.spec = spec;
            state.desired = state.actual = spec.initialReplicas;
            state.lastPressure = now();
            subscribers.push_back(std::move(state));
        }
    }
    m_subscribers = std::move(subscribers);
}

void Simulation::onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque)
{
    auto* self = static_cast<Simulation*>(opaque);
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (message->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE && message->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT
            && self->now() - self->m_lastErrorReport > 10) {
            self->m_lastErrorReport = self->now();
            self->reportError(u"Demo Kafka: delivery failed: "_s % errorString(message->err));
        }
        return;
    }
    const QString topic = QString::fromUtf8(rd_kafka_topic_name(message->rkt));
    for (auto& state : self->m_topics) {
        if (state.spec.name == topic && message->partition >= 0 && message->partition < partitionCount) {
            auto& acked = state.acked[static_cast<size_t>(message->partition)];
            acked = std::max<qint64>(acked, message->offset + 1);
        }
    }
}

double Simulation::rateOf(TopicState& topic, double t)
{
    // Two slow waves, between a few and ~40 events/s, plus occasional bursts towards 60/s.
    double rate = 18 + 13 * std::sin(2 * std::numbers::pi * t / topic.period + topic.phase)
        + 6 * std::sin(2 * std::numbers::pi * t / 23 + 2 * topic.phase);
    if (t >= topic.burstUntil && m_random.generateDouble() < tick.count() / 1000.0 / 45.0) {
        topic.burstUntil = t + 4 + m_random.bounded(7);
        topic.burstRate = 20 + m_random.bounded(20);
    }
    if (t < topic.burstUntil)
        rate += topic.burstRate;
    return std::clamp(rate, 2.0, maxRate);
}

void Simulation::produce(TopicState& topic, int count)
{
    static const QStringList customers { u"ada"_s, u"grace"_s, u"linus"_s, u"barbara"_s, u"ken"_s, u"margaret"_s,
        u"dennis"_s, u"frances"_s, u"edsger"_s, u"radia"_s };
    for (int i = 0; i < count; ++i) {
        CloudEvent event;
        event.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        event.source = topic.spec.source;
        event.type = u"dev.meshscope.demo.noise"_s;
        event.time = QDateTime::currentDateTimeUtc();
        const QString customer = customers.at(m_random.bounded(customers.size()));
        event.extensions.insert(u"partitionkey"_s, customer);
        if (!topic.spec.profiles.isEmpty() && m_random.generateDouble() >= noiseShare) {
            const auto& profile = topic.spec.profiles.at(m_random.bounded(topic.spec.profiles.size()));
            for (auto it = profile.cbegin(); it != profile.cend(); ++it)
                event.setAttribute(it.key(), it.value());
        }
        event.dataContentType = u"application/json"_s;
        event.dataKind = CloudEvent::DataKind::Json;
        event.data = QJsonDocument(
            QJsonObject { { u"sequence"_s, static_cast<qint64>(++topic.sequence) }, { u"customer"_s, customer },
                { u"amount"_s, static_cast<int>(m_random.bounded(5, 500)) } })
                         .toJson(QJsonDocument::Compact);

        const auto error
            = KafkaClient::produce(m_producer.get(), topic.spec.name.toUtf8(), CloudEventKafka::encodeBinary(event));
        if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            // A full local queue only means the cluster fell behind: skip this tick's remainder.
            return;
        }
    }
}

void Simulation::consume(double dt)
{
    QHash<ObjectKey, int> replicas;
    for (const auto& subscriber : m_subscribers)
        replicas.insert(subscriber.spec.key, subscriber.actual);
    for (auto& consumer : m_consumers) {
        const auto topic = std::find_if(
            m_topics.begin(), m_topics.end(), [&](const auto& t) { return t.spec.name == consumer.spec.topic; });
        if (topic == m_topics.end())
            continue;
        // A subscriber nobody scales (a plain Service, a URI) is sized for the usual load, as its owner would
        // size it: its backlog builds up in bursts and drains afterwards instead of growing for ever.
        constexpr int fixedWorkers = 5;
        const int workers
            = consumer.spec.subscriber.isValid() ? replicas.value(consumer.spec.subscriber) : fixedWorkers;
        double budget = workers * consumer.spec.perReplicaRate * dt + consumer.carry;
        auto remaining = static_cast<qint64>(budget);
        // Round robin over the partitions with records waiting, as a consumer's fetches would.
        bool progressed = true;
        while (remaining > 0 && progressed) {
            progressed = false;
            for (size_t p = 0; p < consumer.position.size() && remaining > 0; ++p) {
                if (consumer.position[p] < topic->acked[p]) {
                    ++consumer.position[p];
                    --remaining;
                    progressed = true;
                }
            }
        }
        // Unused capacity cannot be banked for later.
        consumer.carry = progressed ? budget - std::floor(budget) : 0;
    }
}

void Simulation::commit()
{
    for (auto& consumer : m_consumers) {
        if (consumer.commitId != 0 || consumer.position == consumer.committed)
            continue;
        auto partitions = newPartitionList(partitionCount);
        const QByteArray topic = consumer.spec.topic.toUtf8();
        for (int p = 0; p < partitionCount; ++p)
            rd_kafka_topic_partition_list_add(partitions.get(), topic.constData(), p)->offset
                = consumer.position[static_cast<size_t>(p)];
        rd_kafka_AlterConsumerGroupOffsets_t* request
            = rd_kafka_AlterConsumerGroupOffsets_new(consumer.spec.group.toUtf8().constData(), partitions.get());
        const AdminOptionsPtr options(
            rd_kafka_AdminOptions_new(m_producer.get(), RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS));
        consumer.commitId = m_nextCommitId++;
        consumer.committing = consumer.position;
        rd_kafka_AdminOptions_set_opaque(options.get(), reinterpret_cast<void*>(consumer.commitId));
        // The offsets a trigger's dispatcher would commit; the 2.0.2 mock accepts them for a group nobody joined.
        rd_kafka_AlterConsumerGroupOffsets(m_producer.get(), &request, 1, options.get(), m_adminQueue.get());
        rd_kafka_AlterConsumerGroupOffsets_destroy(request);
    }
}

void Simulation::collectCommits()
{
    while (const EventPtr event { rd_kafka_queue_poll(m_adminQueue.get(), 0) }) {
        const auto id = reinterpret_cast<quintptr>(rd_kafka_event_opaque(event.get()));
        auto consumer
            = std::find_if(m_consumers.begin(), m_consumers.end(), [id](const auto& c) { return c.commitId == id; });
        if (consumer == m_consumers.end())
            continue;
        consumer->commitId = 0;
        bool ok = rd_kafka_event_error(event.get()) == RD_KAFKA_RESP_ERR_NO_ERROR;
        QString message = QString::fromUtf8(rd_kafka_event_error_string(event.get()));
        if (const auto* result = rd_kafka_event_AlterConsumerGroupOffsets_result(event.get()); ok && result) {
            size_t count = 0;
            const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(result, &count);
            for (size_t i = 0; i < count; ++i) {
                if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[i])) {
                    ok = false;
                    message = QString::fromUtf8(rd_kafka_error_string(error));
                }
            }
        }
        if (ok) {
            consumer->committed = consumer->committing;
        } else if (now() - m_lastErrorReport > 10) {
            m_lastErrorReport = now();
            reportError(u"Demo Kafka: committing offsets of "_s % consumer->spec.group % u" failed: "_s % message);
        }
    }
}

void Simulation::scale()
{
    const double t = now();
    QList<ScaleSample> samples;
    for (auto& subscriber : m_subscribers) {
        // KEDA's Kafka scaler: enough replicas that each has at most lagThreshold records waiting, summed over
        // all triggers the subscriber serves.
        qint64 lag = 0;
        for (const auto& consumer : m_consumers) {
            if (consumer.spec.subscriber != subscriber.spec.key)
                continue;
            const auto topic = std::find_if(
                m_topics.cbegin(), m_topics.cend(), [&](const auto& x) { return x.spec.name == consumer.spec.topic; });
            if (topic == m_topics.cend())
                continue;
            for (size_t p = 0; p < consumer.position.size(); ++p)
                lag += std::max<qint64>(topic->acked[p] - consumer.position[p], 0);
        }
        const auto& scaling = subscriber.spec.scaling;
        const auto wanted = static_cast<int>(
            std::min<qint64>((lag + scaling.lagThreshold - 1) / scaling.lagThreshold, std::numeric_limits<int>::max()));
        subscriber.desired = std::clamp(wanted, scaling.minScale, scaling.maxScale);
        if (subscriber.desired >= subscriber.actual)
            subscriber.lastPressure = t;
        // Pods take a moment each; scaling down waits for a quiet spell.
        if (t - subscriber.lastStep >= scaleStepS) {
            if (subscriber.desired > subscriber.actual) {
                ++subscriber.actual;
                subscriber.lastStep = t;
            } else if (subscriber.desired < subscriber.actual && t - subscriber.lastPressure >= scaleDownCooldownS) {
                --subscriber.actual;
                subscriber.lastStep = t;
            }
        }
        samples.append({ subscriber.spec.key, subscriber.desired, subscriber.actual });
    }
    if (!samples.isEmpty())
        m_post([samples](DemoKafka* kafka) { Q_EMIT kafka->scaleChanged(samples); });
}

void Simulation::step()
{
    const double t = now();
    const double dt = std::clamp(t - m_lastTick, 0.0, 1.0);
    m_lastTick = t;
    for (auto& topic : m_topics) {
        topic.carry += rateOf(topic, t) * dt;
        const auto count = static_cast<int>(topic.carry);
        topic.carry -= count;
        produce(topic, count);
    }
    rd_kafka_poll(m_producer.get(), 0); // delivery reports
    consume(dt);
    collectCommits();
    if (t - m_lastCommit >= commitIntervalS) {
        m_lastCommit = t;
        commit();
    }
    if (t - m_lastScale >= scaleIntervalS) {
        m_lastScale = t;
        scale();
    }
}

} // namespace

struct DemoKafka::Shared {
    std::mutex mutex;
    std::condition_variable wake;
    quint64 runGeneration = 0;
    std::optional<DemoPlan> pendingPlan;
};

DemoKafka::DemoKafka(QObject* parent)
    : QObject(parent)
    , m_shared(std::make_unique<Shared>())
{
    qRegisterMetaType<QList<ScaleSample>>();
}

DemoKafka::~DemoKafka()
{
    stop();
    joinWorker();
}

void DemoKafka::start(const QList<KnativeObjectPtr>& objects)
{
    m_topics.clear();
    m_groups.clear();
    for (const auto& object : objects) {
        if (object && object->kind == ObjectKind::Broker)
            m_topics.insert(object->key, kafkaTopicForBroker(*object));
        else if (object && object->kind == ObjectKind::Trigger)
            m_groups.insert(object->key, kafkaGroupForTrigger(*object));
    }
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->pendingPlan = buildPlan(objects);
    }
    if (m_running) {
        m_shared->wake.notify_all();
        return;
    }
    joinWorker();
    m_running = true;
    m_bootstrapServers.clear();
    const quint64 generation = ++m_generation;
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->runGeneration = generation;
    }
    m_thread = std::thread([this, generation] { run(generation); });
}

void DemoKafka::stop()
{
    if (!m_running)
        return;
    m_running = false;
    ++m_generation;
    m_bootstrapServers.clear();
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->runGeneration = 0;
    }
    m_shared->wake.notify_all();
}

void DemoKafka::joinWorker()
{
    if (m_thread.joinable())
        m_thread.join();
}

void DemoKafka::run(quint64 generation)
{
    // Results go to this object's thread; whatever a stop() overtook is dropped there.
    const auto post = [this, generation](std::function<void(DemoKafka*)> action) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, action = std::move(action)] {
                if (m_running && m_generation == generation)
                    action(this);
            },
            Qt::QueuedConnection);
    };
    Simulation simulation(post);
    if (!simulation.setUp())
        return;
    bool announced = false;
    auto next = Clock::now();
    while (true) {
        std::optional<DemoPlan> plan;
        {
            std::unique_lock lock(m_shared->mutex);
            m_shared->wake.wait_until(
                lock, next, [&] { return m_shared->runGeneration != generation || m_shared->pendingPlan.has_value(); });
            if (m_shared->runGeneration != generation)
                return;
            plan.swap(m_shared->pendingPlan);
        }
        if (plan)
            simulation.apply(*plan);
        if (!announced) {
            // Topics exist before anyone is told where to find them.
            announced = true;
            post([bootstrap = simulation.bootstrapServers()](DemoKafka* kafka) {
                kafka->m_bootstrapServers = bootstrap;
                Q_EMIT kafka->started(bootstrap);
            });
        }
        if (Clock::now() >= next) {
            simulation.step();
            next += tick;
            if (next < Clock::now())
                next = Clock::now() + tick;
        }
    }
}
