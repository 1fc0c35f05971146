// SPDX-License-Identifier: Apache-2.0
#include "brokerconnectiondialog.h"

#include "secretstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSslCertificate>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <array>
#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

const QString SettingsGroup = u"brokers"_s;
const QString KafkaSettingsKey = u"kafkaProfile"_s;
const QString RabbitSettingsKey = u"rabbit"_s;
const QString ErrorStyle = u"color: #c62828;"_s;

// Secrets the keyring could not take, kept for the rest of this process's life so that reopening the dialog or
// reconnecting does not ask again.
QHash<QString, QString>& sessionSecrets()
{
    static QHash<QString, QString> secrets;
    return secrets;
}

struct RabbitFields {
    QString url;
    QString user;
    QString caFile;
};

std::optional<QJsonObject> savedObject(const QString& key)
{
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    const QString text = settings.value(key).toString();
    if (text.isEmpty())
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    if (!document.isObject())
        return std::nullopt;
    return document.object();
}

std::optional<RabbitFields> savedRabbitFields()
{
    const auto json = savedObject(RabbitSettingsKey);
    if (!json)
        return std::nullopt;
    RabbitFields fields;
    fields.url = json->value("url"_L1).toString();
    fields.user = json->value("user"_L1).toString();
    fields.caFile = json->value("caFile"_L1).toString();
    if (fields.url.isEmpty())
        return std::nullopt;
    return fields;
}

bool isScram(KafkaProfile::Mechanism mechanism)
{
    return mechanism == KafkaProfile::Mechanism::ScramSha256 || mechanism == KafkaProfile::Mechanism::ScramSha512;
}

QString secretName(const KafkaProfile& profile)
{
    if (profile.mechanism != KafkaProfile::Mechanism::OAuthBearer)
        return u"password"_s;
    return profile.tokenEndpoint.isEmpty() ? u"token"_s : u"client secret"_s;
}

QLabel* errorLabel(const QString& objectName)
{
    auto* label = new QLabel;
    label->setObjectName(objectName);
    label->setStyleSheet(ErrorStyle);
    label->setWordWrap(true);
    label->hide();
    return label;
}

QUrl managementUrl(const QString& text) { return QUrl(text.trimmed(), QUrl::StrictMode); }

} // namespace

BrokerConnectionDialog::BrokerConnectionDialog(QWidget* parent)
    : BrokerConnectionDialog(nullptr, parent)
{
}

BrokerConnectionDialog::BrokerConnectionDialog(SecretStore* secrets, QWidget* parent)
    : QDialog(parent)
    , m_secrets(secrets ? secrets : new SecretStore(this))
{
    setWindowTitle(tr("Broker Connections"));
    auto* layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget;
    layout->addWidget(m_tabs);
    buildKafkaTab(m_tabs);
    buildRabbitTab(m_tabs);

    m_keyringStatus = new QLabel;
    m_keyringStatus->setObjectName(u"keyringStatus"_s);
    m_keyringStatus->setWordWrap(true);
    m_keyringStatus->setStyleSheet(ErrorStyle);
    m_keyringStatus->hide();
    layout->addWidget(m_keyringStatus);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &BrokerConnectionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &BrokerConnectionDialog::reject);
    layout->addWidget(m_buttons);

    load();
    updateState();
}

BrokerConnectionDialog::~BrokerConnectionDialog() = default;

QWidget* BrokerConnectionDialog::withError(QLineEdit* field, QWidget* beside)
{
    auto* container = new QWidget;
    auto* column = new QVBoxLayout(container);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    if (beside) {
        auto* row = new QHBoxLayout;
        row->addWidget(field);
        row->addWidget(beside);
        column->addLayout(row);
    } else {
        column->addWidget(field);
    }
    QLabel* error = errorLabel(field->objectName() % u"Error"_s);
    column->addWidget(error);
    m_fieldErrors.insert(field, error);
    connect(field, &QLineEdit::textChanged, this, &BrokerConnectionDialog::updateState);
    return container;
}

void BrokerConnectionDialog::buildKafkaTab(QTabWidget* tabs)
{
    m_kafkaEnabled = new QGroupBox(tr("Measure Kafka lag on these brokers"));
    m_kafkaEnabled->setObjectName(u"kafkaEnabled"_s);
    m_kafkaEnabled->setCheckable(true);
    connect(m_kafkaEnabled, &QGroupBox::toggled, this, &BrokerConnectionDialog::updateState);
    m_kafkaForm = new QFormLayout(m_kafkaEnabled);

    m_kafkaName = new QLineEdit;
    m_kafkaName->setObjectName(u"kafkaName"_s);
    m_kafkaForm->addRow(tr("Profile name:"), withError(m_kafkaName));

    m_bootstrap = new QLineEdit;
    m_bootstrap->setObjectName(u"bootstrapServers"_s);
    m_bootstrap->setPlaceholderText(u"kafka-0.example:9092,kafka-1.example:9092"_s);
    m_discover = new QPushButton(tr("Discover"));
    m_discover->setObjectName(u"discover"_s);
    m_discover->setToolTip(tr("Read the bootstrap servers from the cluster's Knative Kafka broker"));
    connect(m_discover, &QPushButton::clicked, this, [this] {
        m_discovering = true;
        m_discoverError.clear();
        updateState();
        Q_EMIT discoverRequested();
    });
    // A hand edit replaces what discovery said about the field.
    connect(m_bootstrap, &QLineEdit::textEdited, this, [this] {
        m_discoverError.clear();
        updateState();
    });
    m_kafkaForm->addRow(tr("Bootstrap servers:"), withError(m_bootstrap, m_discover));

    m_security = new QComboBox;
    m_security->setObjectName(u"securityProtocol"_s);
    for (const auto security : { KafkaProfile::Security::Plaintext, KafkaProfile::Security::Ssl,
             KafkaProfile::Security::SaslPlaintext, KafkaProfile::Security::SaslSsl })
        m_security->addItem(KafkaProfile::securityName(security), static_cast<int>(security));
    connect(m_security, &QComboBox::currentIndexChanged, this, &BrokerConnectionDialog::updateState);
    m_kafkaForm->addRow(tr("Security protocol:"), m_security);

    m_kafkaCaFile = new QLineEdit;
    m_kafkaCaFile->setObjectName(u"kafkaCaFile"_s);
    m_kafkaCaFile->setPlaceholderText(tr("The system's certificate authorities"));
    auto* browse = new QToolButton;
    browse->setText(tr("Browse…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA Certificate of the Kafka Brokers"),
            m_kafkaCaFile->text(), tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
        if (!file.isEmpty())
            m_kafkaCaFile->setText(file);
    });
    m_kafkaCaRow = withError(m_kafkaCaFile, browse);
    m_kafkaForm->addRow(tr("CA file:"), m_kafkaCaRow);

    m_verifyRow = new QWidget;
    auto* verifyColumn = new QVBoxLayout(m_verifyRow);
    verifyColumn->setContentsMargins(0, 0, 0, 0);
    m_verifyTls = new QCheckBox(tr("Verify the brokers' certificates and host names"));
    m_verifyTls->setObjectName(u"verifyTls"_s);
    m_verifyTls->setChecked(true);
    connect(m_verifyTls, &QCheckBox::toggled, this, &BrokerConnectionDialog::updateState);
    m_tlsWarning = errorLabel(u"tlsWarning"_s);
    m_tlsWarning->setText(tr("Certificates are not verified: anyone on the network path can pose as the brokers and "
                             "read the password and the data."));
    verifyColumn->addWidget(m_verifyTls);
    verifyColumn->addWidget(m_tlsWarning);
    m_kafkaForm->addRow(QString(), m_verifyRow);

    m_mechanismRow = new QWidget;
    auto* mechanismColumn = new QVBoxLayout(m_mechanismRow);
    mechanismColumn->setContentsMargins(0, 0, 0, 0);
    m_mechanism = new QComboBox;
    m_mechanism->setObjectName(u"saslMechanism"_s);
    for (const auto mechanism : { KafkaProfile::Mechanism::Plain, KafkaProfile::Mechanism::ScramSha256,
             KafkaProfile::Mechanism::ScramSha512, KafkaProfile::Mechanism::OAuthBearer })
        m_mechanism->addItem(KafkaProfile::mechanismName(mechanism), static_cast<int>(mechanism));
    connect(m_mechanism, &QComboBox::currentIndexChanged, this, &BrokerConnectionDialog::updateState);
    m_scramNote = new QLabel(
        tr("This build's librdkafka (Debian 12 ships 2.0.2) cannot authenticate with SCRAM against Kafka 4.x brokers; "
           "Kafka 3.x works. See <a href=\"https://github.com/confluentinc/librdkafka/issues/4895\">librdkafka#4895"
           "</a>, fixed in 2.6.1."));
    m_scramNote->setObjectName(u"scramNote"_s);
    m_scramNote->setWordWrap(true);
    m_scramNote->setOpenExternalLinks(true);
    m_scramNote->hide();
    mechanismColumn->addWidget(m_mechanism);
    mechanismColumn->addWidget(m_scramNote);
    m_kafkaForm->addRow(tr("SASL mechanism:"), m_mechanismRow);

    m_kafkaUsername = new QLineEdit;
    m_kafkaUsername->setObjectName(u"kafkaUsername"_s);
    m_usernameRow = withError(m_kafkaUsername);
    m_kafkaForm->addRow(tr("User name:"), m_usernameRow);

    m_kafkaSecret = new QLineEdit;
    m_kafkaSecret->setObjectName(u"kafkaSecret"_s);
    m_kafkaSecret->setEchoMode(QLineEdit::Password);
    m_secretRow = withError(m_kafkaSecret);
    m_kafkaForm->addRow(tr("Password:"), m_secretRow);

    m_tokenEndpoint = new QLineEdit;
    m_tokenEndpoint->setObjectName(u"tokenEndpoint"_s);
    m_tokenEndpoint->setPlaceholderText(tr("Empty: the secret is a static bearer token"));
    m_tokenEndpointRow = withError(m_tokenEndpoint);
    m_kafkaForm->addRow(tr("Token endpoint:"), m_tokenEndpointRow);

    m_scope = new QLineEdit;
    m_scope->setObjectName(u"scope"_s);
    m_scopeRow = withError(m_scope);
    m_kafkaForm->addRow(tr("Scope:"), m_scopeRow);

    m_kafkaGeneralError = errorLabel(u"kafkaError"_s);
    m_kafkaForm->addRow(m_kafkaGeneralError);

    auto* page = new QWidget;
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->addWidget(m_kafkaEnabled);
    pageLayout->addStretch();
    tabs->addTab(page, tr("Kafka"));
}

void BrokerConnectionDialog::buildRabbitTab(QTabWidget* tabs)
{
    m_rabbitEnabled = new QGroupBox(tr("Measure RabbitMQ queues through the management API"));
    m_rabbitEnabled->setObjectName(u"rabbitEnabled"_s);
    m_rabbitEnabled->setCheckable(true);
    connect(m_rabbitEnabled, &QGroupBox::toggled, this, &BrokerConnectionDialog::updateState);
    auto* form = new QFormLayout(m_rabbitEnabled);

    m_rabbitUrl = new QLineEdit;
    m_rabbitUrl->setObjectName(u"rabbitUrl"_s);
    m_rabbitUrl->setPlaceholderText(u"https://rabbit.example:15671/"_s);
    form->addRow(tr("Management URL:"), withError(m_rabbitUrl));

    m_rabbitUsername = new QLineEdit;
    m_rabbitUsername->setObjectName(u"rabbitUsername"_s);
    form->addRow(tr("User name:"), withError(m_rabbitUsername));

    m_rabbitPassword = new QLineEdit;
    m_rabbitPassword->setObjectName(u"rabbitPassword"_s);
    m_rabbitPassword->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Password:"), withError(m_rabbitPassword));

    m_rabbitCaFile = new QLineEdit;
    m_rabbitCaFile->setObjectName(u"rabbitCaFile"_s);
    m_rabbitCaFile->setPlaceholderText(tr("The system's certificate authorities"));
    auto* browse = new QToolButton;
    browse->setText(tr("Browse…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA Certificate of the RabbitMQ Server"),
            m_rabbitCaFile->text(), tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
        if (!file.isEmpty())
            m_rabbitCaFile->setText(file);
    });
    form->addRow(tr("CA file:"), withError(m_rabbitCaFile, browse));

    auto* page = new QWidget;
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->addWidget(m_rabbitEnabled);
    pageLayout->addStretch();
    tabs->addTab(page, tr("RabbitMQ"));
}

void BrokerConnectionDialog::load()
{
    const auto kafka = savedKafkaProfile();
    const auto rabbit = savedRabbitFields();
    // A first start offers Kafka, the common case; afterwards the saved choice counts.
    m_kafkaEnabled->setChecked(kafka.has_value() || !rabbit.has_value());
    m_rabbitEnabled->setChecked(rabbit.has_value());

    KafkaProfile fresh;
    fresh.name = u"default"_s;
    const KafkaProfile profile = kafka.value_or(fresh);
    m_kafkaName->setText(profile.name);
    m_bootstrap->setText(profile.bootstrapServers);
    m_security->setCurrentIndex(m_security->findData(static_cast<int>(profile.security)));
    m_kafkaCaFile->setText(profile.caFile);
    m_verifyTls->setChecked(profile.verifyTls);
    m_mechanism->setCurrentIndex(m_mechanism->findData(static_cast<int>(profile.mechanism)));
    m_kafkaUsername->setText(profile.username);
    m_tokenEndpoint->setText(profile.tokenEndpoint);
    m_scope->setText(profile.scope);
    if (kafka && kafka->needsSecret())
        readSecret(SecretStore::kafkaKey(kafka->name), m_kafkaSecret);

    if (rabbit) {
        m_rabbitUrl->setText(rabbit->url);
        m_rabbitUsername->setText(rabbit->user);
        m_rabbitCaFile->setText(rabbit->caFile);
        readSecret(rabbitKey(managementUrl(rabbit->url)), m_rabbitPassword);
    }
}

void BrokerConnectionDialog::readSecret(const QString& key, QLineEdit* field)
{
    if (!m_secrets)
        return;
    ++m_pendingReads;
    field->setPlaceholderText(tr("Reading the system keyring…"));
    m_secrets->read(key,
        [guard = QPointer<BrokerConnectionDialog>(this), key, field](
            bool found, const QString& secret, const QString& error) {
            if (!guard)
                return;
            --guard->m_pendingReads;
            field->setPlaceholderText({});
            if (!error.isEmpty())
                guard->showKeyringError(error);
            const QString value = found ? secret : sessionSecrets().value(key);
            // What the user typed meanwhile wins.
            if (field->text().isEmpty())
                field->setText(value);
            guard->updateState();
        });
}

void BrokerConnectionDialog::showKeyringError(const QString& error)
{
    m_sessionOnly = true;
    m_keyringStatus->setText(error
        % tr("\nYou can still connect: the passwords are then kept in memory for this session only, saved nowhere, "
             "and asked for again after Meshscope restarts."));
    m_keyringStatus->show();
    okButton()->setText(tr("Connect for This Session Only"));
}

KafkaProfile BrokerConnectionDialog::profileFromFields() const
{
    KafkaProfile profile;
    profile.name = m_kafkaName->text().trimmed();
    profile.bootstrapServers = m_bootstrap->text().trimmed();
    profile.security = static_cast<KafkaProfile::Security>(m_security->currentData().toInt());
    profile.caFile = m_kafkaCaFile->text().trimmed();
    profile.verifyTls = m_verifyTls->isChecked();
    profile.mechanism = static_cast<KafkaProfile::Mechanism>(m_mechanism->currentData().toInt());
    profile.username = m_kafkaUsername->text().trimmed();
    profile.tokenEndpoint = m_tokenEndpoint->text().trimmed();
    profile.scope = m_scope->text().trimmed();
    // Fields the protocol does not use are not part of the profile, so they never reach the settings.
    if (!profile.usesTls()) {
        profile.caFile.clear();
        profile.verifyTls = true;
    }
    if (!profile.usesSasl()) {
        profile.mechanism = KafkaProfile::Mechanism::Plain;
        profile.username.clear();
    }
    if (profile.mechanism != KafkaProfile::Mechanism::OAuthBearer) {
        profile.tokenEndpoint.clear();
        profile.scope.clear();
    }
    return profile;
}

QString BrokerConnectionDialog::kafkaProblem(QLineEdit** field) const
{
    const KafkaProfile profile = profileFromFields();
    *field = nullptr;
    if (const QString problem = profile.validate(); !problem.isEmpty()) {
        // validate() names the first problem only: the field it is about is the first one whose repair changes it.
        const std::array<std::pair<QLineEdit*, void (*)(KafkaProfile&)>, 3> repairs { {
            { m_kafkaName, [](KafkaProfile& p) { p.name = u"x"_s; } },
            { m_bootstrap, [](KafkaProfile& p) { p.bootstrapServers = u"localhost:9092"_s; } },
            { m_kafkaUsername, [](KafkaProfile& p) { p.username = u"x"_s; } },
        } };
        for (const auto& [candidate, repair] : repairs) {
            KafkaProfile repaired = profile;
            repair(repaired);
            if (repaired.validate() != problem) {
                *field = candidate;
                break;
            }
        }
        return problem;
    }
    if (profile.usesTls() && !profile.caFile.isEmpty() && !QFileInfo(profile.caFile).isReadable()) {
        *field = m_kafkaCaFile;
        return tr("Cannot read the CA file %1").arg(profile.caFile);
    }
    if (profile.mechanism == KafkaProfile::Mechanism::OAuthBearer && !profile.tokenEndpoint.isEmpty()) {
        const QUrl url(profile.tokenEndpoint, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"https"_s && url.scheme() != u"http"_s) || url.host().isEmpty()) {
            *field = m_tokenEndpoint;
            return tr("The token endpoint must be an http(s) URL");
        }
    }
    if (profile.needsSecret() && m_kafkaSecret->text().isEmpty()) {
        *field = m_kafkaSecret;
        return m_pendingReads > 0 ? tr("Reading the %1 from the system keyring…").arg(secretName(profile))
                                  : tr("Enter the %1").arg(secretName(profile));
    }
    return {};
}

QString BrokerConnectionDialog::rabbitProblem(QLineEdit** field) const
{
    const QUrl url = managementUrl(m_rabbitUrl->text());
    if (!url.isValid() || (url.scheme() != u"https"_s && url.scheme() != u"http"_s) || url.host().isEmpty()) {
        *field = m_rabbitUrl;
        return tr("Enter the management URL, such as https://rabbit.example:15671/");
    }
    if (m_rabbitUsername->text().trimmed().isEmpty()) {
        *field = m_rabbitUsername;
        return tr("Enter the user name");
    }
    if (m_rabbitPassword->text().isEmpty()) {
        *field = m_rabbitPassword;
        return m_pendingReads > 0 ? tr("Reading the password from the system keyring…") : tr("Enter the password");
    }
    const QString caFile = m_rabbitCaFile->text().trimmed();
    if (!caFile.isEmpty()) {
        *field = m_rabbitCaFile;
        if (!QFileInfo(caFile).isReadable())
            return tr("Cannot read the CA file %1").arg(caFile);
        if (QSslCertificate::fromPath(caFile, QSsl::Pem).isEmpty())
            return tr("%1 holds no PEM certificate").arg(caFile);
    }
    *field = nullptr;
    return {};
}

void BrokerConnectionDialog::setFieldError(QLineEdit* field, const QString& message)
{
    if (QLabel* label = m_fieldErrors.value(field)) {
        label->setText(message);
        label->setVisible(!message.isEmpty());
    }
}

void BrokerConnectionDialog::updateState()
{
    const KafkaProfile profile = profileFromFields();
    m_kafkaForm->setRowVisible(m_kafkaCaRow, profile.usesTls());
    m_kafkaForm->setRowVisible(m_verifyRow, profile.usesTls());
    m_tlsWarning->setVisible(profile.usesTls() && !m_verifyTls->isChecked());
    m_kafkaForm->setRowVisible(m_mechanismRow, profile.usesSasl());
    m_scramNote->setVisible(profile.usesSasl() && isScram(profile.mechanism) && librdkafkaHasScramBug());
    const bool oauth = profile.usesSasl() && profile.mechanism == KafkaProfile::Mechanism::OAuthBearer;
    m_kafkaForm->setRowVisible(m_usernameRow, profile.usesSasl());
    m_kafkaForm->setRowVisible(m_secretRow, profile.usesSasl());
    m_kafkaForm->setRowVisible(m_tokenEndpointRow, oauth);
    m_kafkaForm->setRowVisible(m_scopeRow, oauth);
    if (auto* label = qobject_cast<QLabel*>(m_kafkaForm->labelForField(m_usernameRow)))
        label->setText(oauth ? tr("Client id:") : tr("User name:"));
    if (auto* label = qobject_cast<QLabel*>(m_kafkaForm->labelForField(m_secretRow))) {
        const QString name = secretName(profile);
        label->setText(name.at(0).toUpper() % name.mid(1) % u':');
    }
    m_discover->setEnabled(!m_discovering);
    m_discover->setText(m_discovering ? tr("Discovering…") : tr("Discover"));

    for (QLabel* label : std::as_const(m_fieldErrors)) {
        label->clear();
        label->hide();
    }
    m_kafkaGeneralError->hide();
    bool valid = !m_saving;

    QLineEdit* field = nullptr;
    const QString kafka = m_kafkaEnabled->isChecked() ? kafkaProblem(&field) : QString();
    if (!kafka.isEmpty()) {
        valid = false;
        if (field) {
            setFieldError(field, kafka);
        } else {
            m_kafkaGeneralError->setText(kafka);
            m_kafkaGeneralError->show();
        }
    }
    // Discovery's answer is about the servers; it outranks a validation message on the same field.
    if (!m_discoverError.isEmpty())
        setFieldError(m_bootstrap, m_discoverError);
    m_tabs->setTabIcon(0, kafka.isEmpty() ? QIcon() : style()->standardIcon(QStyle::SP_MessageBoxWarning));

    const QString rabbit = m_rabbitEnabled->isChecked() ? rabbitProblem(&field) : QString();
    if (!rabbit.isEmpty()) {
        valid = false;
        setFieldError(field, rabbit);
    }
    m_tabs->setTabIcon(1, rabbit.isEmpty() ? QIcon() : style()->standardIcon(QStyle::SP_MessageBoxWarning));

    okButton()->setEnabled(valid);
}

QPushButton* BrokerConnectionDialog::okButton() const { return m_buttons->button(QDialogButtonBox::Ok); }

std::optional<KafkaProfile> BrokerConnectionDialog::kafkaProfile() const
{
    QLineEdit* field = nullptr;
    if (!m_kafkaEnabled->isChecked() || !kafkaProblem(&field).isEmpty())
        return std::nullopt;
    return profileFromFields();
}

QString BrokerConnectionDialog::kafkaSecret() const
{
    const auto profile = kafkaProfile();
    return profile && profile->needsSecret() ? m_kafkaSecret->text() : QString();
}

std::optional<RabbitConnection> BrokerConnectionDialog::rabbitConnection() const
{
    QLineEdit* field = nullptr;
    if (!m_rabbitEnabled->isChecked() || !rabbitProblem(&field).isEmpty())
        return std::nullopt;
    RabbitConnection connection;
    connection.managementUrl = managementUrl(m_rabbitUrl->text());
    connection.username = m_rabbitUsername->text().trimmed();
    connection.password = m_rabbitPassword->text();
    const QString caFile = m_rabbitCaFile->text().trimmed();
    if (!caFile.isEmpty())
        connection.caCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
    return connection;
}

void BrokerConnectionDialog::setDiscoveredBootstrap(const QString& servers, const QString& error)
{
    m_discovering = false;
    m_discoverError = error;
    if (error.isEmpty() && !servers.isEmpty())
        m_bootstrap->setText(servers);
    updateState();
}

void BrokerConnectionDialog::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    if (const auto profile = kafkaProfile())
        settings.setValue(
            KafkaSettingsKey, QString::fromUtf8(QJsonDocument(profile->toJson()).toJson(QJsonDocument::Compact)));
    else
        settings.remove(KafkaSettingsKey);
    if (const auto rabbit = rabbitConnection()) {
        const QJsonObject json {
            { u"url"_s, rabbit->managementUrl.toString() },
            { u"user"_s, rabbit->username },
            { u"caFile"_s, m_rabbitCaFile->text().trimmed() },
        };
        settings.setValue(RabbitSettingsKey, QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)));
    } else {
        settings.remove(RabbitSettingsKey);
    }
}

void BrokerConnectionDialog::accept()
{
    if (m_saving || !okButton()->isEnabled())
        return;
    saveSettings();
    QList<std::pair<QString, QString>> secrets;
    if (const auto profile = kafkaProfile(); profile && profile->needsSecret())
        secrets.append({ SecretStore::kafkaKey(profile->name), m_kafkaSecret->text() });
    if (const auto rabbit = rabbitConnection())
        secrets.append({ rabbitKey(rabbit->managementUrl), rabbit->password });
    if (m_sessionOnly || !m_secrets || secrets.isEmpty()) {
        finishAccept();
        return;
    }

    m_saving = true;
    m_keyringStatus->setStyleSheet({});
    m_keyringStatus->setText(tr("Saving in the system keyring…"));
    m_keyringStatus->show();
    updateState();
    auto remaining = std::make_shared<qsizetype>(secrets.size());
    auto errors = std::make_shared<QStringList>();
    for (const auto& [key, secret] : std::as_const(secrets)) {
        m_secrets->write(
            key, secret, [guard = QPointer<BrokerConnectionDialog>(this), remaining, errors](const QString& error) {
                if (!guard)
                    return;
                if (!error.isEmpty())
                    errors->append(error);
                if (--*remaining > 0)
                    return;
                guard->m_saving = false;
                guard->m_keyringStatus->setStyleSheet(ErrorStyle);
                if (errors->isEmpty()) {
                    guard->m_keyringStatus->hide();
                    guard->finishAccept();
                    return;
                }
                guard->showKeyringError(errors->join(u'\n'));
                guard->updateState();
            });
    }
}

void BrokerConnectionDialog::finishAccept()
{
    QList<std::pair<QString, QString>> secrets;
    if (const auto profile = kafkaProfile(); profile && profile->needsSecret())
        secrets.append({ SecretStore::kafkaKey(profile->name), m_kafkaSecret->text() });
    if (const auto rabbit = rabbitConnection())
        secrets.append({ rabbitKey(rabbit->managementUrl), rabbit->password });
    for (const auto& [key, secret] : std::as_const(secrets)) {
        if (m_sessionOnly)
            sessionSecrets().insert(key, secret);
        else
            sessionSecrets().remove(key); // the keyring holds it now
    }
    QDialog::accept();
}

std::optional<KafkaProfile> BrokerConnectionDialog::savedKafkaProfile()
{
    const auto json = savedObject(KafkaSettingsKey);
    if (!json)
        return std::nullopt;
    QString error;
    return KafkaProfile::fromJson(*json, &error);
}

std::optional<RabbitConnection> BrokerConnectionDialog::savedRabbitConnection()
{
    const auto fields = savedRabbitFields();
    if (!fields)
        return std::nullopt;
    RabbitConnection connection;
    connection.managementUrl = managementUrl(fields->url);
    connection.username = fields->user;
    if (!fields->caFile.isEmpty())
        connection.caCertificates = QSslCertificate::fromPath(fields->caFile, QSsl::Pem);
    return connection;
}

QString BrokerConnectionDialog::rabbitKey(const QUrl& managementUrl) { return u"rabbit/"_s % managementUrl.host(); }

void BrokerConnectionDialog::loadSaved(SecretStore* secrets, std::function<void(const Saved&)> done)
{
    auto saved = std::make_shared<Saved>();
    saved->kafka = savedKafkaProfile();
    saved->rabbit = savedRabbitConnection();
    QList<std::pair<QString, QString*>> wanted;
    if (saved->kafka && saved->kafka->needsSecret())
        wanted.append({ SecretStore::kafkaKey(saved->kafka->name), &saved->kafkaSecret });
    if (saved->rabbit)
        wanted.append({ rabbitKey(saved->rabbit->managementUrl), &saved->rabbit->password });
    if (wanted.isEmpty() || !secrets) {
        done(*saved);
        return;
    }
    auto remaining = std::make_shared<qsizetype>(wanted.size());
    auto finish = std::make_shared<std::function<void(const Saved&)>>(std::move(done));
    for (const auto& [key, target] : std::as_const(wanted)) {
        secrets->read(key,
            [saved, remaining, finish, key = key, target = target](
                bool found, const QString& secret, const QString& error) {
                if (!error.isEmpty())
                    saved->errors.append(error);
                *target = found ? secret : sessionSecrets().value(key);
                if (--*remaining == 0)
                    (*finish)(*saved);
            });
    }
}

void BrokerConnectionDialog::forgetSessionSecrets() { sessionSecrets().clear(); }
