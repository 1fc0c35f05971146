// SPDX-License-Identifier: Apache-2.0
#pragma once

// Filling a test broker fast through librdkafka's Admin API: topics, records, and committed offsets for groups that
// never run a consumer (AlterConsumerGroupOffsets, as `kafka-consumer-groups --reset-offsets` does). Every call
// blocks until the broker answered or timeoutMs ran out; false with the reason otherwise.

#include "kafkaclient.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <list>
#include <map>
#include <utility>

namespace KafkaBulk {

inline KafkaClient::HandlePtr client(const QString& bootstrapServers, QString* error)
{
    return KafkaClient::createHandle(RD_KAFKA_PRODUCER,
        { { QStringLiteral("bootstrap.servers"), bootstrapServers },
            { QStringLiteral("acks"), QStringLiteral("all") } },
        {}, {}, error);
}

// Creates the topics (name, partitions) with one replica, in requests of up to 100.
inline bool createTopics(const QString& bootstrapServers, const QList<std::pair<QString, int>>& topics, QString* error,
    int timeoutMs = 60'000)
{
    const KafkaClient::HandlePtr admin = client(bootstrapServers, error);
    if (!admin)
        return false;
    const KafkaClient::QueuePtr queue(rd_kafka_queue_new(admin.get()));
    for (qsizetype from = 0; from < topics.size(); from += 100) {
        QList<rd_kafka_NewTopic_t*> batch;
        char message[256];
        for (qsizetype i = from; i < std::min(from + 100, topics.size()); ++i)
            batch.append(rd_kafka_NewTopic_new(
                topics[i].first.toUtf8().constData(), topics[i].second, 1, message, sizeof message));
        rd_kafka_CreateTopics(admin.get(), batch.data(), size_t(batch.size()), nullptr, queue.get());
        for (rd_kafka_NewTopic_t* topic : std::as_const(batch))
            rd_kafka_NewTopic_destroy(topic);
        const KafkaClient::EventPtr event(rd_kafka_queue_poll(queue.get(), timeoutMs));
        if (!event || rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            *error = QStringLiteral("CreateTopics: ")
                + (event ? QString::fromUtf8(rd_kafka_event_error_string(event.get())) : QStringLiteral("no answer"));
            return false;
        }
        size_t count = 0;
        const rd_kafka_topic_result_t** results
            = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
        for (size_t i = 0; i < count; ++i) {
            if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
                *error = QStringLiteral("CreateTopics %1: %2")
                             .arg(QString::fromUtf8(rd_kafka_topic_result_name(results[i])),
                                 QString::fromUtf8(rd_kafka_topic_result_error_string(results[i])));
                return false;
            }
        }
    }
    return true;
}

// Produces counts[topic][partition] small records and waits until the broker has them all.
inline bool produce(const QString& bootstrapServers, const std::map<QString, std::map<int, int>>& counts,
    QString* error, int timeoutMs = 60'000)
{
    const KafkaClient::HandlePtr producer = client(bootstrapServers, error);
    if (!producer)
        return false;
    for (const auto& [topic, partitions] : counts) {
        const QByteArray name = topic.toUtf8();
        for (const auto& [partition, count] : partitions) {
            for (int i = 0; i < count; ++i) {
                const KafkaRecord record { {}, {}, QByteArray::number(i) };
                rd_kafka_resp_err_t result = KafkaClient::produce(producer.get(), name, record, partition);
                while (result == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    rd_kafka_poll(producer.get(), 100);
                    result = KafkaClient::produce(producer.get(), name, record, partition);
                }
                if (result != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    *error = QStringLiteral("produce: ") + KafkaClient::errorString(result);
                    return false;
                }
            }
        }
    }
    const rd_kafka_resp_err_t flushed = rd_kafka_flush(producer.get(), timeoutMs);
    if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
        *error = QStringLiteral("flush: ") + KafkaClient::errorString(flushed);
        return false;
    }
    return true;
}

// Commits offsets[group][(topic, partition)] for groups without members. librdkafka 2.0.2 takes one group per
// AlterConsumerGroupOffsets call: up to `inFlight` go out at once.
inline bool commit(const QString& bootstrapServers,
    const std::map<QString, std::map<std::pair<QString, int>, qint64>>& offsets, QString* error,
    int timeoutMs = 120'000, int inFlight = 32)
{
    const KafkaClient::HandlePtr admin = client(bootstrapServers, error);
    if (!admin)
        return false;
    const KafkaClient::QueuePtr queue(rd_kafka_queue_new(admin.get()));
    auto next = offsets.cbegin();
    QStringList retry;
    std::list<QByteArray> names;
    QHash<QString, int> retries;
    int pending = 0;
    while (next != offsets.cend() || pending > 0 || !retry.isEmpty()) {
        while ((next != offsets.cend() || !retry.isEmpty()) && pending < inFlight) {
            const auto group = retry.isEmpty() ? next++ : offsets.find(retry.takeFirst());
            const KafkaClient::PartitionListPtr list = KafkaClient::newPartitionList(int(group->second.size()));
            for (const auto& [topicPartition, offset] : group->second)
                rd_kafka_topic_partition_list_add(
                    list.get(), topicPartition.first.toUtf8().constData(), topicPartition.second)
                    ->offset
                    = offset;
            rd_kafka_AlterConsumerGroupOffsets_t* request
                = rd_kafka_AlterConsumerGroupOffsets_new(group->first.toUtf8().constData(), list.get());
            // The group's name, alive as long as offsets, identifies a timed-out request.
            const KafkaClient::AdminOptionsPtr options(
                rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS));
            names.push_back(group->first.toUtf8());
            rd_kafka_AdminOptions_set_opaque(options.get(), const_cast<char*>(names.back().constData()));
            rd_kafka_AlterConsumerGroupOffsets(admin.get(), &request, 1, options.get(), queue.get());
            rd_kafka_AlterConsumerGroupOffsets_destroy(request);
            ++pending;
        }
        const KafkaClient::EventPtr event(rd_kafka_queue_poll(queue.get(), timeoutMs));
        if (!event) {
            *error = QStringLiteral("AlterConsumerGroupOffsets: no answer");
            return false;
        }
        --pending;
        // A busy coordinator may answer a burst of commits late: send that group again.
        if (rd_kafka_event_error(event.get()) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            const QString group = QString::fromUtf8(static_cast<const char*>(rd_kafka_event_opaque(event.get())));
            if (++retries[group] > 5) {
                *error = QStringLiteral("AlterConsumerGroupOffsets %1: timed out 5 times").arg(group);
                return false;
            }
            retry.append(group);
            continue;
        }
        if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            *error = QStringLiteral("AlterConsumerGroupOffsets: ")
                + QString::fromUtf8(rd_kafka_event_error_string(event.get()));
            return false;
        }
        size_t count = 0;
        const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
            rd_kafka_event_AlterConsumerGroupOffsets_result(event.get()), &count);
        for (size_t i = 0; i < count; ++i) {
            const QString group = QString::fromUtf8(rd_kafka_group_result_name(groups[i]));
            const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(groups[i]);
            // A fresh broker loads its group coordinator for a moment: send that group again.
            const rd_kafka_resp_err_t first
                = partitions && partitions->cnt > 0 ? partitions->elems[0].err : RD_KAFKA_RESP_ERR_NO_ERROR;
            if (first == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS
                || first == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || first == RD_KAFKA_RESP_ERR_NOT_COORDINATOR) {
                if (++retries[group] > 100) {
                    *error = QStringLiteral("AlterConsumerGroupOffsets %1: the coordinator is not ready").arg(group);
                    return false;
                }
                rd_kafka_poll(admin.get(), 100);
                retry.append(group);
                continue;
            }
            if (const rd_kafka_error_t* failure = rd_kafka_group_result_error(groups[i])) {
                *error = QStringLiteral("AlterConsumerGroupOffsets %1: %2")
                             .arg(QString::fromUtf8(rd_kafka_group_result_name(groups[i])),
                                 QString::fromUtf8(rd_kafka_error_string(failure)));
                return false;
            }
            for (int j = 0; partitions && j < partitions->cnt; ++j) {
                if (partitions->elems[j].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    *error = QStringLiteral("AlterConsumerGroupOffsets %1 %2/%3: %4")
                                 .arg(QString::fromUtf8(rd_kafka_group_result_name(groups[i])),
                                     QString::fromUtf8(partitions->elems[j].topic),
                                     QString::number(partitions->elems[j].partition),
                                     KafkaClient::errorString(partitions->elems[j].err));
                    return false;
                }
            }
        }
    }
    return true;
}

} // namespace KafkaBulk
