// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"

#include <QJsonObject>
#include <QJsonValue>
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
// True for */json and */*+json (parameters ignored) and for an empty content type, which the JSON format
// reads as application/json.
bool isJsonContentType(const QString& contentType);
// Any JSON value (also a bare scalar) from bytes, nullopt when they are not exactly one JSON value.
std::optional<QJsonValue> parseValue(const QByteArray& bytes);
// Compact serialisation of any JSON value (object keys come out sorted, as QJsonObject keeps them).
QByteArray serializeValue(const QJsonValue& value);
// Data: kind Binary -> data_base64. Kinds Json and Text under a JSON content type -> the JSON value itself when
// the bytes parse (else data_base64, so no byte is lost); under any other content type -> a string.
// On decode, data under a JSON content type (a string too) is kept compactly serialised with kind Json;
// a string under another content type is Text.
QJsonObject toJson(const CloudEvent& event);
QByteArray encode(const CloudEvent& event);
std::optional<CloudEvent> fromJson(const QJsonObject& object, QString* error);
std::optional<CloudEvent> decode(const QByteArray& json, QString* error);
QByteArray encodeBatch(const QList<CloudEvent>& events);
std::optional<QList<CloudEvent>> decodeBatch(const QByteArray& json, QString* error);
} // namespace CloudEventJson

// HTTP binding: binary mode (ce- headers, percent-encoded values) and structured mode.
namespace CloudEventHttp {
HttpMessage encodeBinary(const CloudEvent& event);
HttpMessage encodeStructured(const CloudEvent& event);
// Detects the mode from Content-Type (batched mode is rejected). Binary-mode data is kind Json when the
// content type is JSON and the body parses, Text for text/* and JSON types with UTF-8 bodies, else Binary.
// Extension values arrive as strings and stay QString. Decoders in this file also run CloudEventValidator
// and fail with the first issue ("<field>: <message>").
std::optional<CloudEvent> decode(const HttpMessage& message, QString* error);
QByteArray percentEncodeHeaderValue(const QString& value);
std::optional<QString> percentDecodeHeaderValue(const QByteArray& value);
} // namespace CloudEventHttp

// Kafka binding: binary mode as the Knative Kafka broker stores events (ce_ headers with plain UTF-8 values,
// content-type, partitionkey as the record key and also kept in the headers), and structured mode on decode.
namespace CloudEventKafka {
KafkaRecord encodeBinary(const CloudEvent& event);
std::optional<CloudEvent> decode(const KafkaRecord& record, QString* error);
} // namespace CloudEventKafka
