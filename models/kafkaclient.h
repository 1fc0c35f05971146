// SPDX-License-Identifier: Apache-2.0
#pragma once

// librdkafka plumbing shared by the Kafka monitor, transport and demo: RAII handles and client creation.
// Internal to meshcore; public headers do not include librdkafka.

#include "cloudeventcodec.h"

#include <librdkafka/rdkafka.h>

#include <QLoggingCategory>
#include <QMap>
#include <QString>

#include <functional>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcKafka)

namespace KafkaClient {

struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
struct QueueDeleter {
    void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct TopicDeleter {
    void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
struct EventDeleter {
    void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
struct AdminOptionsDeleter {
    void operator()(rd_kafka_AdminOptions_t* options) const { rd_kafka_AdminOptions_destroy(options); }
};
struct MetadataDeleter {
    void operator()(const struct rd_kafka_metadata* metadata) const { rd_kafka_metadata_destroy(metadata); }
};

using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;
using MetadataPtr = std::unique_ptr<const struct rd_kafka_metadata, MetadataDeleter>;

inline PartitionListPtr newPartitionList(int size = 0)
{
    return PartitionListPtr(rd_kafka_topic_partition_list_new(size));
}

// Creates a client: `defaults` first, then the user's `config` on top, then `customize` (callbacks, opaque).
// librdkafka's log lines go to the lcKafka category instead of stderr. On failure returns null and says why.
HandlePtr createHandle(rd_kafka_type_t type, const QMap<QString, QString>& config,
    const QMap<QString, QString>& defaults, const std::function<void(rd_kafka_conf_t*)>& customize, QString* error);

QString errorString(rd_kafka_resp_err_t error);

// Produces one record (copied) with its headers. Goes through rd_kafka_produceva rather than the
// RD_KAFKA_V_* macros, which are GNU statement expressions that clang rejects under -pedantic -Werror.
// An empty key or value is sent as null.
rd_kafka_resp_err_t produce(rd_kafka_t* producer, const QByteArray& topic, const KafkaRecord& record,
    int partition = RD_KAFKA_PARTITION_UA, void* opaque = nullptr);

} // namespace KafkaClient
