// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

// Keeps the secrets the app was given out of anything it writes: the log pane, saved logs, stderr, crash reports.
// Every place that receives a secret (kubeconfig tokens and passwords, exec plugin credentials, key data, Kafka and
// RabbitMQ passwords from the keyring) registers it; redact() replaces each registered secret and whatever looks
// like a credential by pattern (Authorization headers, password=…, "token": "…", private key blocks) with mask.
// Process-wide and thread-safe: the message handler calls it from any thread.
class SecretRedactor {
public:
    SecretRedactor() = delete;

    // Shorter values are too likely to occur in ordinary text to be replaced; patterns still catch them.
    static constexpr int minimumLength = 4;
    static QString mask() { return QStringLiteral("\u2022\u2022\u2022"); }

    static void registerSecret(const QString& secret);
    // Key data (PEM): the whole and each of its base64 lines, since a line may be quoted alone.
    static void registerSecret(const QByteArray& secret);
    static QString redact(const QString& text);
    static qsizetype secretCount();
    // Forgets every registered secret (tests).
    static void clear();
};
