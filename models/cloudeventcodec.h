// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"

#include <QJsonObject>
#include <QList>

#include <optional>
#include <utility>

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// An HTTP request body and headers as the HTTP protocol binding maps an event.
struct HttpMessage {
    HeaderList headers; // header names in lower case
    QByteArray body;
};

// A Kafka record as the Kafka protocol binding maps an event.
struct KafkaRecord {
    QByteArray key; // empty = null key
    HeaderList headers;
    QByteArray value;
};

// JSON event format (application/cloudevents+json), both ways. Decoding errors name the member at fault.
namespace CloudEventJson {
QJsonObject toJson(const CloudEvent& event);
QByteArray encode(const CloudEvent& event);
std::optional<CloudEvent> fromJson(const QJsonObject& object, QString* error);
std::optional<CloudEvent> decode(const QByteArray& json, QString* error);
QByteArray encodeBatch(const QList<CloudEvent>& events);
std::optional<QList<CloudEvent>> decodeBatch(const QByteArray& json, QString* error);
}

// HTTP binding: binary mode (ce- headers, percent-encoded values) and structured mode.
namespace CloudEventHttp {
HttpMessage encodeBinary(const CloudEvent& event);
HttpMessage encodeStructured(const CloudEvent& event);
// Detects the mode from Content-Type.
std::optional<CloudEvent> decode(const HttpMessage& message, QString* error);
QByteArray percentEncodeHeaderValue(const QString& value);
std::optional<QString> percentDecodeHeaderValue(const QByteArray& value);
}

// Kafka binding: binary mode as the Knative Kafka broker stores events (ce_ headers, content-type,
// partitionkey as the record key), and structured mode on decode.
namespace CloudEventKafka {
KafkaRecord encodeBinary(const CloudEvent& event);
std::optional<CloudEvent> decode(const KafkaRecord& record, QString* error);
}
