// SPDX-License-Identifier: Apache-2.0
#include "kafkaclient.h"

#include <array>

Q_LOGGING_CATEGORY(lcKafka, "meshscope.kafka", QtWarningMsg)

namespace KafkaClient {

namespace {
void logToCategory(const rd_kafka_t*, int level, const char* facility, const char* message)
{
    // syslog levels: 0-2 critical, 3 error, 4 warning, 5-6 notice/info, 7 debug. Errors that matter reach the
    // user through snapshots and delivery results; librdkafka's own lines (a refused connection on every retry)
    // are for whoever enables the category.
    if (level <= 2)
        qCWarning(lcKafka, "%s: %s", facility, message);
    else if (level <= 6)
        qCInfo(lcKafka, "%s: %s", facility, message);
    else
        qCDebug(lcKafka, "%s: %s", facility, message);
}
} // namespace

HandlePtr createHandle(rd_kafka_type_t type, const QMap<QString, QString>& config,
    const QMap<QString, QString>& defaults, const std::function<void(rd_kafka_conf_t*)>& customize, QString* error)
{
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char message[512];
    QMap<QString, QString> merged = defaults;
    merged.insert(config);
    for (auto it = merged.cbegin(); it != merged.cend(); ++it) {
        if (rd_kafka_conf_set(
                conf, it.key().toUtf8().constData(), it.value().toUtf8().constData(), message, sizeof message)
            != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            if (error)
                *error = QString::fromUtf8(message);
            return {};
        }
    }
    rd_kafka_conf_set_log_cb(conf, logToCategory);
    if (customize)
        customize(conf);
    // On success rd_kafka_new owns conf; on failure it is still ours.
    rd_kafka_t* handle = rd_kafka_new(type, conf, message, sizeof message);
    if (!handle) {
        rd_kafka_conf_destroy(conf);
        if (error)
            *error = QString::fromUtf8(message);
        return {};
    }
    return HandlePtr(handle);
}

QString errorString(rd_kafka_resp_err_t error) { return QString::fromUtf8(rd_kafka_err2str(error)); }

rd_kafka_resp_err_t produce(
    rd_kafka_t* producer, const QByteArray& topic, const KafkaRecord& record, int partition, void* opaque)
{
    rd_kafka_headers_t* headers = rd_kafka_headers_new(static_cast<size_t>(record.headers.size()));
    for (const auto& [name, value] : record.headers)
        rd_kafka_header_add(headers, name.constData(), name.size(), value.constData(), value.size());
    std::array<rd_kafka_vu_t, 7> values {};
    values[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    values[0].u.cstr = topic.constData();
    values[1].vtype = RD_KAFKA_VTYPE_PARTITION;
    values[1].u.i32 = partition;
    values[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    values[2].u.i = RD_KAFKA_MSG_F_COPY;
    values[3].vtype = RD_KAFKA_VTYPE_KEY;
    values[3].u.mem.ptr = record.key.isEmpty() ? nullptr : const_cast<char*>(record.key.constData());
    values[3].u.mem.size = static_cast<size_t>(record.key.size());
    values[4].vtype = RD_KAFKA_VTYPE_VALUE;
    values[4].u.mem.ptr = record.value.isEmpty() ? nullptr : const_cast<char*>(record.value.constData());
    values[4].u.mem.size = static_cast<size_t>(record.value.size());
    values[5].vtype = RD_KAFKA_VTYPE_HEADERS;
    values[5].u.headers = headers;
    values[6].vtype = RD_KAFKA_VTYPE_OPAQUE;
    values[6].u.ptr = opaque;
    rd_kafka_error_t* error = rd_kafka_produceva(producer, values.data(), values.size());
    if (!error)
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    // On failure the headers stay ours.
    rd_kafka_headers_destroy(headers);
    const auto code = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    return code;
}

} // namespace KafkaClient
