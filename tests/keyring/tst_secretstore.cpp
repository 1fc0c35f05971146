// SPDX-License-Identifier: Apache-2.0
#include "secretstore.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

struct ReadResult {
    bool found = false;
    QString secret;
    QString error;
};

} // namespace

// Run by run-with-keyring.sh: MESHSCOPE_KEYRING says whether a Secret Service (GNOME Keyring in a private D-Bus
// session) is there and unlocked ("secret-service"), started by D-Bus activation without a login keyring
// ("no-login-keyring"), or there is no session bus at all ("none").
class TestSecretStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_mode = qEnvironmentVariable("MESHSCOPE_KEYRING");
        if (m_mode.isEmpty())
            QSKIP("run through tests/keyring/run-with-keyring.sh (ctest does)");
        // A service of its own, so nothing of a real user's keyring is touched even outside the wrapper.
        m_store = std::make_unique<SecretStore>(u"meshscope-test"_s, nullptr);
    }

    void roundTrip()
    {
        if (m_mode != u"secret-service"_s)
            QSKIP("needs a Secret Service");
        const QString key = SecretStore::kafkaKey(u"prod"_s);
        QCOMPARE(key, u"kafka/prod"_s);
        QCOMPARE(write(key, u"pässwörd 1"_s), QString());
        ReadResult read = this->read(key);
        QCOMPARE(read.error, QString());
        QVERIFY(read.found);
        QCOMPARE(read.secret, u"pässwörd 1"_s);
        QCOMPARE(write(key, u"second"_s), QString());
        QCOMPARE(this->read(key).secret, u"second"_s);
        // Keys are separate.
        QCOMPARE(write(SecretStore::kafkaKey(u"staging"_s), u"other"_s), QString());
        QCOMPARE(this->read(key).secret, u"second"_s);
        QCOMPARE(remove(key), QString());
        read = this->read(key);
        QCOMPARE(read.error, QString());
        QVERIFY(!read.found);
        QCOMPARE(remove(key), QString()); // nothing to remove is fine
        QCOMPARE(this->read(SecretStore::kafkaKey(u"staging"_s)).secret, u"other"_s);
    }

    // Without a keyring every call fails with a message that says so, and never with the secret in it.
    void noKeyring()
    {
        if (m_mode != u"none"_s && m_mode != u"no-login-keyring"_s)
            QSKIP("needs the absence of a Secret Service with a login keyring");
        const QString secret = u"never-in-a-message"_s;
        const QString written = write(u"kafka/prod"_s, secret);
        qInfo("%s", qPrintable(written));
        QVERIFY2(written.startsWith(u"Cannot store \"kafka/prod\" in the system keyring: no keyring is available"_s),
            qPrintable(written));
        QVERIFY(!written.contains(secret));
        const ReadResult read = this->read(u"kafka/prod"_s);
        QVERIFY(!read.found);
        // A Secret Service without a login keyring has nothing to read: not found, no error.
        if (m_mode == u"none"_s || !read.error.isEmpty())
            QVERIFY2(
                read.error.startsWith(u"Cannot read \"kafka/prod\" in the system keyring: no keyring is available"_s),
                qPrintable(read.error));
    }

private:
    QString write(const QString& key, const QString& secret)
    {
        std::optional<QString> result;
        m_store->write(key, secret, [&result](const QString& error) { result = error; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 20'000))
            return u"no answer"_s;
        return *result;
    }

    ReadResult read(const QString& key)
    {
        std::optional<ReadResult> result;
        m_store->read(key, [&result](bool found, const QString& secret, const QString& error) {
            result = ReadResult { found, secret, error };
        });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 20'000))
            return { false, {}, u"no answer"_s };
        return *result;
    }

    QString remove(const QString& key)
    {
        std::optional<QString> result;
        m_store->remove(key, [&result](const QString& error) { result = error; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 20'000))
            return u"no answer"_s;
        return *result;
    }

    QString m_mode;
    std::unique_ptr<SecretStore> m_store;
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
