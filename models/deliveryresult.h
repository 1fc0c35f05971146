// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMetaType>
#include <QString>

// The outcome of one publish by any transport (Kafka, HTTP): where the event landed, or why it did not.
struct DeliveryResult {
    bool ok = false;
    int partition = -1; // Kafka
    qint64 offset = -1; // Kafka
    QString error;
    QString target; // the topic, or the URL
    qint64 latencyMs = 0; // from publish() to the broker's acknowledgement (or the failure)
    int httpStatus = 0; // HTTP: the response's status; 0 when no response arrived
    QString responseExcerpt; // HTTP: the start of the response body, so a person sees why a request was refused
};
Q_DECLARE_METATYPE(DeliveryResult)
