// SPDX-License-Identifier: Apache-2.0
// The broker connection dialog with a working keyring (GNOME Keyring in a private D-Bus session, started by
// run-with-keyring.sh): the secrets go to the keyring, come back in a fresh dialog and a fresh store, and never reach
// the settings file. The dialog without a keyring is tests/gui/tst_brokerconnectiondialog.cpp.
#include "brokerconnectiondialog.h"
#include "secretstore.h"

#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

// ASCII, so that the raw settings file would hold them verbatim if they were there.
const QString KafkaPassword = u"kafka-keyring-secret-5d1e"_s;
const QString RabbitPassword = u"rabbit-keyring-secret-8c07"_s;
const QString Service = u"meshscope-test"_s;
const QUrl RabbitUrl(u"http://127.0.0.1:15672/"_s);

template <typename T>
T* child(const QWidget& dialog, const QString& name)
{
    T* widget = dialog.findChild<T*>(name);
    if (!widget)
        qFatal("no widget %s", qPrintable(name));
    return widget;
}

void type(const QWidget& dialog, const QString& name, const QString& text)
{
    child<QLineEdit>(dialog, name)->setText(text);
}

void choose(const QWidget& dialog, const QString& name, const QString& item)
{
    auto* combo = child<QComboBox>(dialog, name);
    const int index = combo->findText(item);
    if (index < 0)
        qFatal("no item %s in %s", qPrintable(item), qPrintable(name));
    combo->setCurrentIndex(index);
}

struct ReadResult {
    bool found = false;
    QString secret;
    QString error;
};

ReadResult readSecret(SecretStore& store, const QString& key)
{
    std::optional<ReadResult> result;
    store.read(key, [&result](bool found, const QString& secret, const QString& error) {
        result = ReadResult { found, secret, error };
    });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20'000))
        return { false, {}, u"no answer from the keyring"_s };
    return *result;
}

} // namespace

class TestBrokerConnectionKeyring : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariable("MESHSCOPE_KEYRING") != u"secret-service"_s)
            QSKIP("needs GNOME Keyring: run through tests/keyring/run-with-keyring.sh (ctest does); without a "
                  "keyring the dialog is tested by tst_brokerconnectiondialog");
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"Meshscope"_s);
        QCoreApplication::setApplicationName(u"meshscope-test-brokers-keyring"_s);
        QSettings().clear();
        BrokerConnectionDialog::forgetSessionSecrets();
    }

    void cleanupTestCase()
    {
        if (qEnvironmentVariable("MESHSCOPE_KEYRING") != u"secret-service"_s)
            return;
        QSettings settings;
        settings.clear();
        settings.sync();
        QFile::remove(settings.fileName());
    }

    void savesInTheKeyring()
    {
        KafkaProfile expected;
        {
            SecretStore secrets(Service, nullptr);
            BrokerConnectionDialog dialog(&secrets, nullptr);
            type(dialog, u"kafkaName"_s, u"prod"_s);
            type(dialog, u"bootstrapServers"_s, u"127.0.0.1:9092"_s);
            choose(dialog, u"securityProtocol"_s, u"SASL_PLAINTEXT"_s);
            choose(dialog, u"saslMechanism"_s, u"PLAIN"_s);
            type(dialog, u"kafkaUsername"_s, u"alice"_s);
            type(dialog, u"kafkaSecret"_s, KafkaPassword);
            child<QGroupBox>(dialog, u"rabbitEnabled"_s)->setChecked(true);
            type(dialog, u"rabbitUrl"_s, RabbitUrl.toString());
            type(dialog, u"rabbitUsername"_s, u"guest"_s);
            type(dialog, u"rabbitPassword"_s, RabbitPassword);
            QVERIFY(dialog.okButton()->isEnabled());
            expected = *dialog.kafkaProfile();

            QSignalSpy accepted(&dialog, &QDialog::accepted);
            dialog.okButton()->click();
            QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, 20'000);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
            // (c) The keyring took both secrets: nothing about a session-only fallback.
            const auto* status = child<QLabel>(dialog, u"keyringStatus"_s);
            QVERIFY2(status->isHidden(), qPrintable(status->text()));
            QVERIFY2(!status->text().contains(u"session only"_s), qPrintable(status->text()));
            QVERIFY(dialog.okButton()->text() != u"Connect for This Session Only"_s);
        }
        // Whatever a session-only fallback might have kept in memory is gone: what comes back below is the keyring's.
        BrokerConnectionDialog::forgetSessionSecrets();

        // (b) The settings file holds the profiles, not the secrets.
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
        const QByteArray raw = file.readAll();
        QVERIFY(raw.contains("alice"));
        QVERIFY(raw.contains("127.0.0.1:15672"));
        QVERIFY(!raw.contains(KafkaPassword.toUtf8()));
        QVERIFY(!raw.contains(RabbitPassword.toUtf8()));
        QVERIFY(!raw.contains("secret-"));

        // (a) A fresh store reads them from the keyring under the dialog's keys.
        SecretStore fresh(Service, nullptr);
        const ReadResult kafka = readSecret(fresh, SecretStore::kafkaKey(u"prod"_s));
        QCOMPARE(kafka.error, QString());
        QVERIFY(kafka.found);
        QCOMPARE(kafka.secret, KafkaPassword);
        const ReadResult rabbit = readSecret(fresh, BrokerConnectionDialog::rabbitKey(RabbitUrl));
        QCOMPARE(rabbit.error, QString());
        QVERIFY(rabbit.found);
        QCOMPARE(rabbit.secret, RabbitPassword);

        // ... and so does a fresh dialog, and the start-up path that reconnects without a dialog.
        BrokerConnectionDialog reopened(&fresh, nullptr);
        QTRY_COMPARE_WITH_TIMEOUT(reopened.kafkaSecret(), KafkaPassword, 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(reopened, u"rabbitPassword"_s)->text(), RabbitPassword, 20'000);
        QCOMPARE(reopened.kafkaProfile().value_or(KafkaProfile()), expected);
        QVERIFY(child<QLabel>(reopened, u"keyringStatus"_s)->isHidden());
        QVERIFY(reopened.okButton()->isEnabled());

        std::optional<BrokerConnectionDialog::Saved> saved;
        BrokerConnectionDialog::loadSaved(
            &fresh, [&saved](const BrokerConnectionDialog::Saved& result) { saved = result; });
        QTRY_VERIFY_WITH_TIMEOUT(saved.has_value(), 20'000);
        QVERIFY2(saved->errors.isEmpty(), qPrintable(saved->errors.join(u'\n')));
        QCOMPARE(saved->kafka.value_or(KafkaProfile()), expected);
        QCOMPARE(saved->kafkaSecret, KafkaPassword);
        QVERIFY(saved->rabbit);
        QCOMPARE(saved->rabbit->password, RabbitPassword);
    }
};

QTEST_MAIN(TestBrokerConnectionKeyring)
#include "tst_brokerconnectionkeyring.moc"
