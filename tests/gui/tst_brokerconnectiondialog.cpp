// SPDX-License-Identifier: Apache-2.0
// The broker connection dialog with no keyring reachable (no session bus): fields to profile, inline validation,
// the TLS and SCRAM notes, discovery, and saving without secrets in the settings (the session-only path).
#include "brokerconnectiondialog.h"
#include "secretstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

const QString KafkaPassword = u"kafka-Pässwört-7f3a9"_s;
const QString RabbitPassword = u"rabbit-s3cret-91c2"_s;

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

// A valid SASL_PLAINTEXT SCRAM profile.
void fillKafka(const QWidget& dialog)
{
    type(dialog, u"kafkaName"_s, u"prod"_s);
    type(dialog, u"bootstrapServers"_s, u"127.0.0.1:9092"_s);
    choose(dialog, u"securityProtocol"_s, u"SASL_PLAINTEXT"_s);
    choose(dialog, u"saslMechanism"_s, u"SCRAM-SHA-256"_s);
    type(dialog, u"kafkaUsername"_s, u"alice"_s);
    type(dialog, u"kafkaSecret"_s, KafkaPassword);
}

} // namespace

class TestBrokerConnectionDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void fieldsToProfile_data();
    void fieldsToProfile();
    void invalidInputDisablesOk_data();
    void invalidInputDisablesOk();
    void tlsOffWarning();
    void scramNote_data();
    void scramNote();
    void discover();
    void rabbitConnection();
    void savedSettingsHoldNoSecret();

private:
    QTemporaryDir m_runtime;
    std::unique_ptr<SecretStore> m_secrets;
};

void TestBrokerConnectionDialog::initTestCase()
{
    // No session bus and no runtime dir with a bus socket: the keyring is unavailable, fast, and a developer's own
    // keyring is never touched. The service name is the tests' own anyway.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    QVERIFY(m_runtime.isValid());
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime.path()));
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"Meshscope"_s);
    QCoreApplication::setApplicationName(u"meshscope-test-brokers"_s);
    m_secrets = std::make_unique<SecretStore>(u"meshscope-test"_s, nullptr);
}

void TestBrokerConnectionDialog::init()
{
    QSettings().clear();
    BrokerConnectionDialog::forgetSessionSecrets();
}

void TestBrokerConnectionDialog::cleanup()
{
    QSettings settings;
    settings.clear();
    settings.sync();
    QFile::remove(settings.fileName());
}

void TestBrokerConnectionDialog::fieldsToProfile_data()
{
    QTest::addColumn<QString>("security");
    QTest::addColumn<QString>("mechanism");
    QTest::addColumn<bool>("verify");
    QTest::addColumn<QString>("tokenEndpoint");
    QTest::addColumn<KafkaProfile>("expected");
    QTest::addColumn<QString>("secret");

    KafkaProfile base;
    base.name = u"prod"_s;
    base.bootstrapServers = u"k0:9092,k1:9092"_s;

    KafkaProfile plaintext = base;
    QTest::addRow("plaintext") << u"PLAINTEXT"_s << u"PLAIN"_s << true << QString() << plaintext << QString();

    KafkaProfile ssl = base;
    ssl.security = KafkaProfile::Security::Ssl;
    ssl.caFile = QStringLiteral(MESHSCOPE_SOURCE_DIR "/CMakeLists.txt");
    ssl.verifyTls = false;
    QTest::addRow("ssl, not verified") << u"SSL"_s << u"PLAIN"_s << false << QString() << ssl << QString();

    KafkaProfile scram = base;
    scram.security = KafkaProfile::Security::SaslSsl;
    scram.caFile = ssl.caFile;
    scram.mechanism = KafkaProfile::Mechanism::ScramSha512;
    scram.username = u"alice"_s;
    QTest::addRow("sasl_ssl scram-512") << u"SASL_SSL"_s << u"SCRAM-SHA-512"_s << true << QString() << scram
                                        << KafkaPassword;

    KafkaProfile oidc = base;
    oidc.security = KafkaProfile::Security::SaslPlaintext;
    oidc.mechanism = KafkaProfile::Mechanism::OAuthBearer;
    oidc.username = u"alice"_s;
    oidc.tokenEndpoint = u"https://idp.example/token"_s;
    oidc.scope = u"kafka"_s;
    QTest::addRow("oauthbearer oidc") << u"SASL_PLAINTEXT"_s << u"OAUTHBEARER"_s << true << oidc.tokenEndpoint << oidc
                                      << u"client-secret"_s;

    KafkaProfile token = oidc;
    token.username.clear();
    token.tokenEndpoint.clear();
    token.scope.clear();
    QTest::addRow("oauthbearer static token")
        << u"SASL_PLAINTEXT"_s << u"OAUTHBEARER"_s << true << QString() << token << u"token"_s;
}

void TestBrokerConnectionDialog::fieldsToProfile()
{
    QFETCH(QString, security);
    QFETCH(QString, mechanism);
    QFETCH(bool, verify);
    QFETCH(QString, tokenEndpoint);
    QFETCH(KafkaProfile, expected);
    QFETCH(QString, secret);

    BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
    type(dialog, u"kafkaName"_s, expected.name);
    type(dialog, u"bootstrapServers"_s, expected.bootstrapServers);
    choose(dialog, u"securityProtocol"_s, security);
    type(dialog, u"kafkaCaFile"_s, QStringLiteral(MESHSCOPE_SOURCE_DIR "/CMakeLists.txt"));
    child<QCheckBox>(dialog, u"verifyTls"_s)->setChecked(verify);
    choose(dialog, u"saslMechanism"_s, mechanism);
    type(dialog, u"kafkaUsername"_s, expected.username);
    type(dialog, u"tokenEndpoint"_s, tokenEndpoint);
    type(dialog, u"scope"_s, expected.scope);
    // The secret field takes text even when hidden: only a SASL profile returns it.
    type(dialog, u"kafkaSecret"_s, secret.isEmpty() ? u"unused"_s : secret);

    QVERIFY(dialog.okButton()->isEnabled());
    const auto profile = dialog.kafkaProfile();
    QVERIFY(profile);
    QCOMPARE(*profile, expected);
    QCOMPARE(dialog.kafkaSecret(), secret);
    QCOMPARE(child<QLineEdit>(dialog, u"kafkaSecret"_s)->echoMode(), QLineEdit::Password);
    QCOMPARE(child<QWidget>(dialog, u"tokenEndpoint"_s)->isVisibleTo(&dialog),
        expected.mechanism == KafkaProfile::Mechanism::OAuthBearer);
    QCOMPARE(child<QWidget>(dialog, u"kafkaUsername"_s)->isVisibleTo(&dialog), expected.usesSasl());
    QCOMPARE(child<QWidget>(dialog, u"kafkaCaFile"_s)->isVisibleTo(&dialog), expected.usesTls());
}

void TestBrokerConnectionDialog::invalidInputDisablesOk_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    QTest::addRow("no name") << u"kafkaName"_s << QString() << u"no name"_s;
    QTest::addRow("server without port") << u"bootstrapServers"_s << u"k0:9092,k1"_s << u"\"k1\" is not host:port"_s;
    QTest::addRow("no servers") << u"bootstrapServers"_s << QString() << u"bootstrap servers"_s;
    QTest::addRow("scram without user") << u"kafkaUsername"_s << QString() << u"SCRAM-SHA-256 needs a user name"_s;
    QTest::addRow("no password") << u"kafkaSecret"_s << QString() << u"Enter the password"_s;
}

void TestBrokerConnectionDialog::invalidInputDisablesOk()
{
    QFETCH(QString, field);
    QFETCH(QString, text);
    QFETCH(QString, message);

    BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
    fillKafka(dialog);
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(!child<QLabel>(dialog, field + u"Error"_s)->isVisibleTo(&dialog));

    type(dialog, field, text);
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(!dialog.kafkaProfile());
    auto* error = child<QLabel>(dialog, field + u"Error"_s);
    QVERIFY(error->isVisibleTo(&dialog));
    QVERIFY2(error->text().contains(message), qPrintable(error->text()));

    // Switching Kafka off leaves nothing to check.
    child<QGroupBox>(dialog, u"kafkaEnabled"_s)->setChecked(false);
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(!dialog.kafkaProfile());
}

void TestBrokerConnectionDialog::tlsOffWarning()
{
    BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
    fillKafka(dialog);
    auto* warning = child<QLabel>(dialog, u"tlsWarning"_s);
    auto* verify = child<QCheckBox>(dialog, u"verifyTls"_s);
    QVERIFY(verify->isChecked());
    QVERIFY(!verify->isVisibleTo(&dialog)); // no TLS, nothing to verify

    choose(dialog, u"securityProtocol"_s, u"SASL_SSL"_s);
    QVERIFY(verify->isVisibleTo(&dialog));
    QVERIFY(!warning->isVisibleTo(&dialog));
    verify->setChecked(false);
    QVERIFY(warning->isVisibleTo(&dialog));
    QVERIFY(warning->text().contains(u"not verified"_s));
    QVERIFY(dialog.okButton()->isEnabled()); // a warning, not an error
    QCOMPARE(dialog.kafkaProfile()->verifyTls, false);
    verify->setChecked(true);
    QVERIFY(!warning->isVisibleTo(&dialog));

    verify->setChecked(false);
    choose(dialog, u"securityProtocol"_s, u"SASL_PLAINTEXT"_s);
    QVERIFY(!warning->isVisibleTo(&dialog));
}

void TestBrokerConnectionDialog::scramNote_data()
{
    QTest::addColumn<QString>("security");
    QTest::addColumn<QString>("mechanism");
    QTest::addColumn<bool>("shown");

    const bool bug = librdkafkaHasScramBug();
    QTest::addRow("plain") << u"SASL_SSL"_s << u"PLAIN"_s << false;
    QTest::addRow("scram-256") << u"SASL_SSL"_s << u"SCRAM-SHA-256"_s << bug;
    QTest::addRow("scram-512") << u"SASL_PLAINTEXT"_s << u"SCRAM-SHA-512"_s << bug;
    QTest::addRow("oauthbearer") << u"SASL_SSL"_s << u"OAUTHBEARER"_s << false;
    QTest::addRow("scram but no sasl") << u"SSL"_s << u"SCRAM-SHA-256"_s << false;
}

void TestBrokerConnectionDialog::scramNote()
{
    QFETCH(QString, security);
    QFETCH(QString, mechanism);
    QFETCH(bool, shown);

    BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
    fillKafka(dialog);
    choose(dialog, u"saslMechanism"_s, mechanism);
    choose(dialog, u"securityProtocol"_s, security);
    auto* note = child<QLabel>(dialog, u"scramNote"_s);
    QCOMPARE(note->isVisibleTo(&dialog), shown);
    QVERIFY(note->text().contains(u"librdkafka#4895"_s));
    QVERIFY(note->text().contains(u"2.6.1"_s));
    QVERIFY(note->text().contains(u"Kafka 4.x"_s));
}

void TestBrokerConnectionDialog::discover()
{
    BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
    fillKafka(dialog);
    type(dialog, u"bootstrapServers"_s, QString());
    QSignalSpy requested(&dialog, &BrokerConnectionDialog::discoverRequested);
    auto* button = child<QPushButton>(dialog, u"discover"_s);
    button->click();
    QCOMPARE(requested.count(), 1);
    QVERIFY(!button->isEnabled()); // one question at a time

    dialog.setDiscoveredBootstrap({}, u"No Kafka broker in the cluster: enter the servers"_s);
    QVERIFY(button->isEnabled());
    auto* error = child<QLabel>(dialog, u"bootstrapServersError"_s);
    QVERIFY(error->isVisibleTo(&dialog));
    QCOMPARE(error->text(), u"No Kafka broker in the cluster: enter the servers"_s);
    QVERIFY(!dialog.okButton()->isEnabled());

    button->click();
    QCOMPARE(requested.count(), 2);
    dialog.setDiscoveredBootstrap(u"my-cluster-kafka-bootstrap.kafka:9092"_s, {});
    QCOMPARE(child<QLineEdit>(dialog, u"bootstrapServers"_s)->text(), u"my-cluster-kafka-bootstrap.kafka:9092"_s);
    QVERIFY(!error->isVisibleTo(&dialog));
    QVERIFY(dialog.okButton()->isEnabled());
    QCOMPARE(dialog.kafkaProfile()->bootstrapServers, u"my-cluster-kafka-bootstrap.kafka:9092"_s);
}

void TestBrokerConnectionDialog::rabbitConnection()
{
    BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
    child<QGroupBox>(dialog, u"kafkaEnabled"_s)->setChecked(false);
    QVERIFY(!dialog.rabbitConnection());
    child<QGroupBox>(dialog, u"rabbitEnabled"_s)->setChecked(true);
    dialog.findChild<QTabWidget*>()->setCurrentIndex(1);
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(child<QLabel>(dialog, u"rabbitUrlError"_s)->isVisibleTo(&dialog));

    type(dialog, u"rabbitUrl"_s, u"http://127.0.0.1:15672/"_s);
    type(dialog, u"rabbitUsername"_s, u"guest"_s);
    QVERIFY(child<QLabel>(dialog, u"rabbitPasswordError"_s)->isVisibleTo(&dialog));
    type(dialog, u"rabbitPassword"_s, RabbitPassword);
    QVERIFY(dialog.okButton()->isEnabled());
    type(dialog, u"rabbitCaFile"_s, QStringLiteral(MESHSCOPE_SOURCE_DIR "/CMakeLists.txt"));
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(child<QLabel>(dialog, u"rabbitCaFileError"_s)->text().contains(u"no PEM certificate"_s));
    type(dialog, u"rabbitCaFile"_s, QString());

    const auto connection = dialog.rabbitConnection();
    QVERIFY(connection);
    QCOMPARE(connection->managementUrl, QUrl(u"http://127.0.0.1:15672/"_s));
    QCOMPARE(connection->username, u"guest"_s);
    QCOMPARE(connection->password, RabbitPassword);
    QVERIFY(connection->caCertificates.isEmpty());
    QCOMPARE(BrokerConnectionDialog::rabbitKey(connection->managementUrl), u"rabbit/127.0.0.1"_s);
}

void TestBrokerConnectionDialog::savedSettingsHoldNoSecret()
{
    KafkaProfile expected;
    {
        BrokerConnectionDialog dialog(m_secrets.get(), nullptr);
        fillKafka(dialog);
        child<QGroupBox>(dialog, u"rabbitEnabled"_s)->setChecked(true);
        type(dialog, u"rabbitUrl"_s, u"http://127.0.0.1:15672/"_s);
        type(dialog, u"rabbitUsername"_s, u"guest"_s);
        type(dialog, u"rabbitPassword"_s, RabbitPassword);
        expected = *dialog.kafkaProfile();

        // The keyring cannot be reached: its error shows, and OK now connects for this session only.
        dialog.accept();
        auto* status = child<QLabel>(dialog, u"keyringStatus"_s);
        QTRY_VERIFY(status->text().contains(u"system keyring"_s));
        QTRY_VERIFY(dialog.okButton()->isEnabled());
        QVERIFY(status->isVisibleTo(&dialog));
        QVERIFY(status->text().contains(u"this session only"_s));
        QCOMPARE(dialog.okButton()->text(), u"Connect for This Session Only"_s);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        dialog.okButton()->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.kafkaSecret(), KafkaPassword);
    }

    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    const QByteArray raw = file.readAll();
    QVERIFY(raw.contains("alice"));
    QVERIFY(raw.contains("127.0.0.1:15672"));
    QVERIFY(!raw.contains(KafkaPassword.toUtf8()));
    QVERIFY(!raw.contains("kafka-P")); // however the settings file escapes non-ASCII
    QVERIFY(!raw.contains(RabbitPassword.toUtf8()));

    QCOMPARE(BrokerConnectionDialog::savedKafkaProfile().value_or(KafkaProfile()), expected);
    const auto rabbit = BrokerConnectionDialog::savedRabbitConnection();
    QVERIFY(rabbit);
    QCOMPARE(rabbit->managementUrl, QUrl(u"http://127.0.0.1:15672/"_s));
    QVERIFY(rabbit->password.isEmpty());

    // Reopened in the same session: the fields come back, the secrets from memory, the keyring's error shown.
    BrokerConnectionDialog reopened(m_secrets.get(), nullptr);
    QTRY_COMPARE(reopened.kafkaSecret(), KafkaPassword);
    QTRY_COMPARE(reopened.rabbitConnection().value_or(RabbitConnection()).password, RabbitPassword);
    QCOMPARE(*reopened.kafkaProfile(), expected);
    QVERIFY(child<QLabel>(reopened, u"keyringStatus"_s)->isVisibleTo(&reopened));
    QVERIFY(reopened.okButton()->isEnabled());

    // What the window does at start.
    std::optional<BrokerConnectionDialog::Saved> saved;
    BrokerConnectionDialog::loadSaved(
        m_secrets.get(), [&saved](const BrokerConnectionDialog::Saved& loaded) { saved = loaded; });
    QTRY_VERIFY(saved);
    QCOMPARE(saved->kafka.value_or(KafkaProfile()), expected);
    QCOMPARE(saved->kafkaSecret, KafkaPassword);
    QCOMPARE(saved->rabbit->password, RabbitPassword);
    QCOMPARE(saved->errors.size(), 2);

    // Switched off, a broker leaves the settings.
    child<QGroupBox>(reopened, u"rabbitEnabled"_s)->setChecked(false);
    reopened.okButton()->click();
    QCOMPARE(reopened.result(), int(QDialog::Accepted));
    QVERIFY(!BrokerConnectionDialog::savedRabbitConnection());
    QVERIFY(BrokerConnectionDialog::savedKafkaProfile());
}

QTEST_MAIN(TestBrokerConnectionDialog)
#include "tst_brokerconnectiondialog.moc"
