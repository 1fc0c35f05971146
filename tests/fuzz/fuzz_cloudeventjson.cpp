// SPDX-License-Identifier: Apache-2.0
#include "cloudeventcodec.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

// Everything a decoder accepts is valid, so every encoding of it must decode again.
void reencode(const CloudEvent& event)
{
    const QByteArray json = CloudEventJson::encode(event);
    if (!CloudEventJson::decode(json, nullptr))
        abort();
    if (!CloudEventHttp::decode(CloudEventHttp::encodeBinary(event), nullptr))
        abort();
    if (!CloudEventHttp::decode(CloudEventHttp::encodeStructured(event), nullptr))
        abort();
    if (!CloudEventKafka::decode(CloudEventKafka::encodeBinary(event), nullptr))
        abort();
    CloudEventJson::encodeBatch({ event });
}

// "name: value" lines up to the first empty line are headers, the rest is the body.
HttpMessage splitHttp(const QByteArray& input)
{
    HttpMessage message;
    const auto end = input.indexOf("\n\n");
    const QByteArray head = end < 0 ? input : input.left(end);
    message.body = end < 0 ? QByteArray() : input.mid(end + 2);
    const QList<QByteArray> lines = head.split('\n');
    for (const QByteArray& line : lines) {
        const auto colon = line.indexOf(':');
        if (colon > 0)
            message.headers.append({ line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed() });
    }
    return message;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    if (const auto event = CloudEventJson::decode(input, &error))
        reencode(*event);
    if (const auto events = CloudEventJson::decodeBatch(input, &error)) {
        for (const CloudEvent& event : *events)
            reencode(event);
        CloudEventJson::encodeBatch(*events);
    }
    if (const auto event = CloudEventHttp::decode(splitHttp(input), &error))
        reencode(*event);
    return 0;
}
