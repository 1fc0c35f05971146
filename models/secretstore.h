// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>

#include <functional>

// Passwords and tokens in the system keyring (Secret Service such as GNOME Keyring or KWallet on Linux, the
// Keychain on macOS, the Credential Manager on Windows) through QtKeychain, never in settings files. Every call is
// asynchronous: the callback runs on this object's thread once the keyring answered (it may ask the user to unlock
// it). Error messages say what failed and why, and never contain a secret.
class SecretStore : public QObject {
    Q_OBJECT
public:
    explicit SecretStore(QObject* parent = nullptr); // service "meshscope"
    SecretStore(const QString& service, QObject* parent);

    QString service() const { return m_service; }

    // error empty on success. A key with nothing stored gives found = false and no error.
    using ReadCallback = std::function<void(bool found, const QString& secret, const QString& error)>;
    using DoneCallback = std::function<void(const QString& error)>;
    void read(const QString& key, ReadCallback callback);
    void write(const QString& key, const QString& secret, DoneCallback callback);
    // Removing a key that holds nothing succeeds.
    void remove(const QString& key, DoneCallback callback);

    // "kafka/<profile>"
    static QString kafkaKey(const QString& profileName);

private:
    QString m_service;
};
