// SPDX-License-Identifier: Apache-2.0
#include "execcredential.h"

#include "secretredactor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {
// Enough of the plugin's stderr to explain a failure without flooding the UI.
constexpr qsizetype MaxStderrChars = 1000;

QString trimmedOutput(const QByteArray& bytes)
{
    QString text = QString::fromUtf8(bytes).trimmed();
    if (text.size() > MaxStderrChars)
        text = text.left(MaxStderrChars) + u"…"_s;
    return text;
}
} // namespace

ExecCredentialProvider::ExecCredentialProvider(ExecConfig config, ExecClusterInfo cluster, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_cluster(std::move(cluster))
{
}

ExecCredentialProvider::~ExecCredentialProvider()
{
    if (m_process) {
        // No signal may reach a half-destroyed provider; QProcess's destructor then kills and reaps the plugin.
        m_process->disconnect(this);
        m_process->kill();
        // SIGKILL ends the plugin at once; reaping it here avoids a zombie and QProcess's "destroyed while running".
        m_process->waitForFinished(1000);
    }
}

void ExecCredentialProvider::setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

void ExecCredentialProvider::request()
{
    if (m_cached && (!m_cached->expiration || QDateTime::currentDateTimeUtc() < *m_cached->expiration)) {
        QMetaObject::invokeMethod(
            this, [this, credential = *m_cached] { Q_EMIT ready(credential); }, Qt::QueuedConnection);
        return;
    }
    if (m_process)
        return;
    start();
}

void ExecCredentialProvider::invalidate() { m_cached.reset(); }

QString ExecCredentialProvider::describeCommand() const { return u"exec plugin \""_s + m_config.command + u'"'; }

QByteArray ExecCredentialProvider::execInfo() const
{
    QJsonObject spec { { u"interactive"_s, false } };
    if (m_config.provideClusterInfo) {
        // Optional fields are omitted when empty, as client-go's omitempty JSON tags do.
        QJsonObject cluster { { u"server"_s, m_cluster.server } };
        if (!m_cluster.tlsServerName.isEmpty())
            cluster.insert(u"tls-server-name"_s, m_cluster.tlsServerName);
        if (m_cluster.insecureSkipTlsVerify)
            cluster.insert(u"insecure-skip-tls-verify"_s, true);
        if (!m_cluster.certificateAuthorityData.isEmpty())
            cluster.insert(
                u"certificate-authority-data"_s, QString::fromLatin1(m_cluster.certificateAuthorityData.toBase64()));
        if (!m_cluster.proxyUrl.isEmpty())
            cluster.insert(u"proxy-url"_s, m_cluster.proxyUrl);
        spec.insert(u"cluster"_s, cluster);
    }
    const QJsonObject info {
        { u"apiVersion"_s, m_config.apiVersion },
        { u"kind"_s, u"ExecCredential"_s },
        { u"spec"_s, spec },
    };
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

void ExecCredentialProvider::start()
{
    if (m_config.interactiveMode == u"Always") {
        // A desktop app has no terminal to hand to the plugin; client-go fails the same way without one.
        QMetaObject::invokeMethod(
            this,
            [this] {
                Q_EMIT failed(describeCommand()
                    + u" requires interactive mode (interactiveMode: Always), which Meshscope cannot provide"_s);
            },
            Qt::QueuedConnection);
        return;
    }

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto& [name, value] : m_config.env)
        environment.insert(name, value);
    environment.insert(u"KUBERNETES_EXEC_INFO"_s, QString::fromUtf8(execInfo()));

    m_timedOut = false;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment);
    m_process->setStandardInputFile(QProcess::nullDevice());
    m_process->setProgram(m_config.command);
    m_process->setArguments(m_config.args);
    connect(m_process.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onStartFailed();
    });
    connect(m_process.get(), &QProcess::finished, this,
        [this](int exitCode, QProcess::ExitStatus status) { onFinished(exitCode, status == QProcess::CrashExit); });

    m_timer = std::make_unique<QTimer>();
    m_timer->setSingleShot(true);
    connect(m_timer.get(), &QTimer::timeout, this, [this] {
        m_timedOut = true;
        m_process->kill();
    });
    m_timer->start(m_timeout);
    m_process->start();
}

void ExecCredentialProvider::onStartFailed()
{
    QString message = describeCommand() + u" was not found or could not be started: "_s + m_process->errorString();
    if (!m_config.installHint.isEmpty())
        message += u"\n"_s + m_config.installHint;
    // QProcess may report this from inside start(); queue it so request() never emits synchronously.
    discardProcess();
    QMetaObject::invokeMethod(
        this, [this, message] { Q_EMIT failed(message); }, Qt::QueuedConnection);
}

void ExecCredentialProvider::onFinished(int exitCode, bool crashed)
{
    const QByteArray output = m_process->readAllStandardOutput();
    const QString errors = trimmedOutput(m_process->readAllStandardError());
    const auto withStderr
        = [&errors](const QString& message) { return errors.isEmpty() ? message : message + u": "_s + errors; };

    if (m_timedOut)
        return fail(describeCommand() + u" timed out after %1 s and was killed"_s.arg(m_timeout.count() / 1000.0));
    if (crashed)
        return fail(withStderr(describeCommand() + u" crashed"_s));
    if (exitCode != 0)
        return fail(withStderr(describeCommand() + u" failed with exit code %1"_s.arg(exitCode)));

    QString error;
    std::optional<ExecCredential> credential = parse(output, &error);
    if (!credential)
        return fail(describeCommand() + u' ' + error);

    discardProcess();
    m_cached = credential;
    Q_EMIT ready(*credential);
}

void ExecCredentialProvider::fail(const QString& message)
{
    discardProcess();
    Q_EMIT failed(message);
}

void ExecCredentialProvider::discardProcess()
{
    m_timer.reset();
    // Deferred: we are inside one of the QProcess's own signals. Parented so it cannot outlive the provider.
    QProcess* process = m_process.release();
    process->setParent(this);
    process->deleteLater();
}

std::optional<ExecCredential> ExecCredentialProvider::parse(const QByteArray& output, QString* error) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(output, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
            ? u"did not write valid JSON to stdout: "_s + parseError.errorString()
            : u"did not write a JSON object to stdout"_s;
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    const QString apiVersion = root.value(u"apiVersion"_s).toString();
    if (apiVersion != m_config.apiVersion) {
        *error = u"returned apiVersion \"%1\", expected \"%2\""_s.arg(apiVersion, m_config.apiVersion);
        return std::nullopt;
    }
    const QString kind = root.value(u"kind"_s).toString();
    if (kind != u"ExecCredential") {
        *error = u"returned kind \"%1\", expected \"ExecCredential\""_s.arg(kind);
        return std::nullopt;
    }
    const QJsonValue statusValue = root.value(u"status"_s);
    if (!statusValue.isObject()) {
        *error = u"returned no status"_s;
        return std::nullopt;
    }
    const QJsonObject status = statusValue.toObject();

    ExecCredential credential;
    credential.token = status.value(u"token"_s).toString();
    credential.clientCertificateData = status.value(u"clientCertificateData"_s).toString().toUtf8();
    credential.clientKeyData = status.value(u"clientKeyData"_s).toString().toUtf8();
    SecretRedactor::registerSecret(credential.token);
    SecretRedactor::registerSecret(credential.clientKeyData);
    const bool hasCertificate = !credential.clientCertificateData.isEmpty();
    const bool hasKey = !credential.clientKeyData.isEmpty();
    if (hasCertificate != hasKey) {
        *error = hasCertificate ? u"returned clientCertificateData without clientKeyData"_s
                                : u"returned clientKeyData without clientCertificateData"_s;
        return std::nullopt;
    }
    if (credential.token.isEmpty() && !hasCertificate) {
        *error = u"returned neither a token nor a client certificate and key"_s;
        return std::nullopt;
    }

    const QJsonValue expiration = status.value(u"expirationTimestamp"_s);
    if (!expiration.isUndefined() && !expiration.isNull()) {
        const QDateTime timestamp = QDateTime::fromString(expiration.toString(), Qt::ISODateWithMs);
        if (!expiration.isString() || !timestamp.isValid()) {
            *error = expiration.isString()
                ? u"returned an invalid expirationTimestamp \"%1\" (expected RFC 3339)"_s.arg(expiration.toString())
                : u"returned an invalid expirationTimestamp (expected an RFC 3339 string)"_s;
            return std::nullopt;
        }
        credential.expiration = timestamp.toUTC();
    }
    return credential;
}
