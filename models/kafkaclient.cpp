// SPDX-License-Identifier: Apache-2.0
#include "kafkaclient.h"

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

} // namespace KafkaClient
