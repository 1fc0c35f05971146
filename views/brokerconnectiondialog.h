// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kafkaprofile.h"
#include "rabbitqueuemonitor.h"

#include <QDialog>
#include <QHash>
#include <QPointer>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class SecretStore;

// Edits how Meshscope reaches the cluster's brokers: a Kafka profile with its password or token, and the RabbitMQ
// management API with its password. Profiles go to QSettings (group "brokers") without their secrets; secrets go to
// the system keyring. When the keyring cannot be used, its error is shown and the user may connect for this session
// only: the secret then lives in this process's memory until it quits.
//
// Widgets carry object names (kafkaEnabled, kafkaName, bootstrapServers, securityProtocol, kafkaCaFile, verifyTls,
// saslMechanism, kafkaUsername, kafkaSecret, tokenEndpoint, scope, discover, rabbitEnabled, rabbitUrl, rabbitUsername,
// rabbitPassword, rabbitCaFile) and the inline message below a field is named <field>Error; the TLS warning is
// tlsWarning, the SCRAM note scramNote, the keyring message keyringStatus.
class BrokerConnectionDialog : public QDialog {
    Q_OBJECT
public:
    // Secrets in the keyring service "meshscope".
    explicit BrokerConnectionDialog(QWidget* parent = nullptr);
    // Secrets through secrets (not owned; must outlive the dialog's pending calls or be destroyed with them).
    BrokerConnectionDialog(SecretStore* secrets, QWidget* parent);
    ~BrokerConnectionDialog() override;

    // What the user entered; nullopt when that broker is switched off or its fields are invalid.
    std::optional<KafkaProfile> kafkaProfile() const;
    QString kafkaSecret() const;
    // With the password and the CA file's certificates.
    std::optional<RabbitConnection> rabbitConnection() const;

    // The answer to discoverRequested(): the servers fill the field; an error is shown below it instead.
    void setDiscoveredBootstrap(const QString& servers, const QString& error);

    // The profiles saved by the last accepted dialog, without secrets; nullopt when none (or switched off).
    static std::optional<KafkaProfile> savedKafkaProfile();
    // password empty; caCertificates read from the saved CA file.
    static std::optional<RabbitConnection> savedRabbitConnection();
    // "rabbit/<host of the management URL>"
    static QString rabbitKey(const QUrl& managementUrl);

    // Everything needed to reconnect at start.
    struct Saved {
        std::optional<KafkaProfile> kafka;
        QString kafkaSecret;
        std::optional<RabbitConnection> rabbit; // password filled in
        QStringList errors; // keyring failures, in words; the dialog lets the user re-enter the secret
    };
    // Reads the saved profiles and their secrets (keyring first, then this session's memory); done runs once, on
    // secrets' thread, when the keyring answered. Nothing runs if secrets is destroyed first.
    static void loadSaved(SecretStore* secrets, std::function<void(const Saved&)> done);
    // Forgets the secrets kept in memory for this session (when the keyring was unusable).
    static void forgetSessionSecrets();

    QPushButton* okButton() const;

Q_SIGNALS:
    // The user asked for the cluster's bootstrap servers; answer with setDiscoveredBootstrap().
    void discoverRequested();

public Q_SLOTS:
    // Saves the settings and the secrets, then closes; stays open showing the keyring's error when it fails.
    void accept() override;

private:
    void buildKafkaTab(QTabWidget* tabs);
    void buildRabbitTab(QTabWidget* tabs);
    void load();
    void readSecret(const QString& key, QLineEdit* field);
    void updateState();
    void setFieldError(QLineEdit* field, const QString& message);
    // The field in a container with its error label below it (and extra widgets beside it).
    QWidget* withError(QLineEdit* field, QWidget* beside = nullptr);
    void showKeyringError(const QString& error);
    void saveSettings() const;
    void finishAccept();
    KafkaProfile profileFromFields() const;
    QString kafkaProblem(QLineEdit** field) const;
    QString rabbitProblem(QLineEdit** field) const;

    QPointer<SecretStore> m_secrets;
    QTabWidget* m_tabs = nullptr;

    QGroupBox* m_kafkaEnabled = nullptr;
    QFormLayout* m_kafkaForm = nullptr;
    QLineEdit* m_kafkaName = nullptr;
    QLineEdit* m_bootstrap = nullptr;
    QPushButton* m_discover = nullptr;
    QComboBox* m_security = nullptr;
    QLineEdit* m_kafkaCaFile = nullptr;
    QWidget* m_kafkaCaRow = nullptr;
    QWidget* m_verifyRow = nullptr;
    QWidget* m_mechanismRow = nullptr;
    QWidget* m_usernameRow = nullptr;
    QWidget* m_secretRow = nullptr;
    QWidget* m_tokenEndpointRow = nullptr;
    QWidget* m_scopeRow = nullptr;
    QCheckBox* m_verifyTls = nullptr;
    QLabel* m_tlsWarning = nullptr;
    QComboBox* m_mechanism = nullptr;
    QLabel* m_scramNote = nullptr;
    QLineEdit* m_kafkaUsername = nullptr;
    QLineEdit* m_kafkaSecret = nullptr;
    QLineEdit* m_tokenEndpoint = nullptr;
    QLineEdit* m_scope = nullptr;
    QLabel* m_kafkaGeneralError = nullptr;

    QGroupBox* m_rabbitEnabled = nullptr;
    QLineEdit* m_rabbitUrl = nullptr;
    QLineEdit* m_rabbitUsername = nullptr;
    QLineEdit* m_rabbitPassword = nullptr;
    QLineEdit* m_rabbitCaFile = nullptr;

    QHash<QLineEdit*, QLabel*> m_fieldErrors;
    QString m_discoverError;
    bool m_discovering = false;

    QLabel* m_keyringStatus = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    // The keyring failed: OK keeps the secrets in memory for this session instead.
    bool m_sessionOnly = false;
    bool m_saving = false;
    int m_pendingReads = 0;
};
