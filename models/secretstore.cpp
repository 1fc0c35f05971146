// SPDX-License-Identifier: Apache-2.0
#include "secretstore.h"

#include "secretredactor.h"

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace {

// What a failed job means for the user. QtKeychain's own text names the backend's complaint, never the data.
QString describe(const QKeychain::Job& job, const QString& action)
{
    const QString what = u"Cannot "_s % action % u" \""_s % job.key() % u"\" in the system keyring: "_s;
    // On Linux, no session bus, no Secret Service on it, or one without a login keyring come back as OtherError
    // with D-Bus's words.
    const QString text = job.errorString();
    const bool noService = text.contains(u"D-Bus"_s) || text.contains(u"DBus"_s)
        || text.contains(u"org.freedesktop.secrets"_s) || text.contains(u"/org/freedesktop/secrets"_s)
        || text.contains(u"ServiceUnknown"_s);
    if (job.error() == QKeychain::NoBackendAvailable || (job.error() == QKeychain::OtherError && noService))
        return what
            % u"no keyring is available (on Linux a Secret Service such as GNOME Keyring or KWallet must be running "
              u"on the session bus and be unlocked): "_s
            % text;
    switch (job.error()) {
    case QKeychain::AccessDeniedByUser:
        return what % u"access was denied in the keyring's prompt"_s;
    case QKeychain::AccessDenied:
        return what % u"access denied (is the keyring locked?): "_s % job.errorString();
    case QKeychain::NotImplemented:
        return what % u"this platform's keyring does not support it"_s;
    default:
        return what % job.errorString();
    }
}

} // namespace

SecretStore::SecretStore(QObject* parent)
    : SecretStore(u"meshscope"_s, parent)
{
}

SecretStore::SecretStore(const QString& service, QObject* parent)
    : QObject(parent)
    , m_service(service)
{
}

QString SecretStore::kafkaKey(const QString& profileName) { return u"kafka/"_s % profileName; }

void SecretStore::read(const QString& key, ReadCallback callback)
{
    auto* job = new QKeychain::ReadPasswordJob(m_service, this);
    // Never fall back to a plain-text file when there is no keyring.
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [callback = std::move(callback)](QKeychain::Job* finished) {
        const auto* read = static_cast<QKeychain::ReadPasswordJob*>(finished);
        if (read->error() == QKeychain::NoError) {
            SecretRedactor::registerSecret(read->textData());
            callback(true, read->textData(), {});
        } else if (read->error() == QKeychain::EntryNotFound)
            callback(false, {}, {});
        else
            callback(false, {}, describe(*read, u"read"_s));
    });
    job->start();
}

void SecretStore::write(const QString& key, const QString& secret, DoneCallback callback)
{
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key);
    SecretRedactor::registerSecret(secret);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [callback = std::move(callback)](QKeychain::Job* finished) {
        callback(finished->error() == QKeychain::NoError ? QString() : describe(*finished, u"store"_s));
    });
    job->start();
}

void SecretStore::remove(const QString& key, DoneCallback callback)
{
    auto* job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [callback = std::move(callback)](QKeychain::Job* finished) {
        const bool removed = finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound;
        callback(removed ? QString() : describe(*finished, u"remove"_s));
    });
    job->start();
}
