// SPDX-License-Identifier: Apache-2.0
// No secret given to the app appears in the log, the settings file or a crash report. The real application gets a
// kubeconfig with a bearer token and an exec plugin that prints a token, debug logging on, a log file, and is then
// killed by SIGABRT so that it writes its crash report; in-process, a window with a SASL password and a RabbitMQ
// password logs them carelessly and saves its log and settings. Every output is searched for every secret.
#include "draftstore.h"
#include "kafkaprofile.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "meshsession.h"
#include "rabbitqueuemonitor.h"
#include "secretredactor.h"
#include "windowsettings.h"

#include <QDir>
#include <QDirIterator>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCareless, "meshscope.careless", QtDebugMsg)

namespace {
const QByteArray bearerToken = "bearer-Zm9vYmFyLXRva2VuLTE2MzQ1";
const QByteArray kubePassword = "kube-basic-pass-8812";
const QByteArray execToken = "exec-eyJhbGciOiJSUzI1NiJ9.c2VjcmV0";
const QByteArray saslPassword = "sasl-pw-Qx7!v2#kk";
const QByteArray rabbitPassword = "rabbit-pw-41aa9";

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every file under a folder, concatenated.
QByteArray readTree(const QString& folder)
{
    QByteArray all;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        all += readAll(it.next());
    return all;
}

QStringList leaks(const QByteArray& text, const QList<QByteArray>& secrets)
{
    QStringList found;
    for (const auto& secret : secrets) {
        if (text.contains(secret))
            found.append(QString::fromUtf8(secret));
    }
    return found;
}

QStringList forwarded;
void recordForwarded(QtMsgType, const QMessageLogContext&, const QString& message) { forwarded.append(message); }
} // namespace

class TestSecretsNotLeaked : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void realAppLogSettingsAndCrashReport();
    void inProcessLogAndSettings();

private:
    QTemporaryDir m_dir;
};

void TestSecretsNotLeaked::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"MeshscopeTest"_s);
    QDir(DraftStore::defaultDirectory()).removeRecursively();
}

void TestSecretsNotLeaked::realAppLogSettingsAndCrashReport()
{
    const QString plugin = m_dir.filePath(u"token-plugin.sh"_s);
    const QString ran = m_dir.filePath(u"plugin-ran"_s);
    {
        QFile file(plugin);
        QVERIFY(file.open(QIODevice::WriteOnly));
        // The plugin also chatters about the token on stderr, as real plugins do in verbose mode.
        file.write("#!/bin/sh\ntouch '" + ran.toUtf8() + "'\necho \"issued " + execToken
            + "\" >&2\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
              "\"status\":{\"token\":\"%s\"}}\\n' '"
            + execToken + "'\n");
        file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
    }
    const QString kubeconfig = m_dir.filePath(u"kubeconfig"_s);
    {
        QFile file(kubeconfig);
        QVERIFY(file.open(QIODevice::WriteOnly));
        // A port nothing listens on: connecting fails and is retried, which is logged.
        file.write("apiVersion: v1\nkind: Config\ncurrent-context: exec\nclusters:\n"
                   "- name: dead\n  cluster:\n    server: https://127.0.0.1:9\n    insecure-skip-tls-verify: true\n"
                   "users:\n- name: bearer\n  user:\n    token: "
            + bearerToken + "\n- name: basic\n  user:\n    username: admin\n    password: " + kubePassword
            + "\n- name: exec\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
              "      command: "
            + plugin.toUtf8()
            + "\n      interactiveMode: Never\ncontexts:\n- name: exec\n  context:\n    cluster: dead\n    user: exec\n"
              "    namespace: shop\n- name: bearer\n  context:\n    cluster: dead\n    user: bearer\n");
    }
    const QString config = m_dir.filePath(u"config"_s);
    const QString data = m_dir.filePath(u"data"_s);
    const QString logFile = m_dir.filePath(u"meshscope.log"_s);
    QProcess app;
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_CONFIG_HOME"_s, config);
    environment.insert(u"XDG_DATA_HOME"_s, data);
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"QT_LOGGING_RULES"_s, u"meshscope.*=true"_s);
    environment.remove(u"KUBECONFIG"_s);
    app.setProcessEnvironment(environment);
    app.start(QStringLiteral(MESHSCOPE_BINARY),
        { u"--kubeconfig"_s, kubeconfig, u"--context"_s, u"exec"_s, u"--log-file"_s, logFile });
    QVERIFY(app.waitForStarted());
    // The plugin ran (the app holds its token) and the failing connection was logged.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(ran), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(readAll(logFile).size() > 0, 20000);
    // Settings are written when the window closes; a crash writes none, so a first clean run must leave them.
    ::kill(pid_t(app.processId()), SIGABRT);
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitStatus(), QProcess::CrashExit);
    const QByteArray stderrText = app.readAllStandardError();
    QVERIFY2(stderrText.contains("meshscope: fatal signal"), stderrText.right(2000).constData());

    const QString crashFolder = data + u"/Meshscope/meshscope/crash"_s;
    const QByteArray crash = readTree(crashFolder);
    QVERIFY2(crash.contains("fatal signal 6"), qPrintable(crashFolder));
    // The report holds the last log lines, e.g. the connection trouble.
    QVERIFY(crash.count('\n') > 1);
    const QByteArray log = readAll(logFile);

    // A second run that ends normally writes the settings file.
    QProcess second;
    second.setProcessEnvironment(environment);
    second.start(QStringLiteral(MESHSCOPE_BINARY),
        { u"--kubeconfig"_s, kubeconfig, u"--context"_s, u"exec"_s, u"--log-file"_s, logFile });
    QVERIFY(second.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(readAll(logFile).size() > log.size(), 20000);
    second.terminate();
    QVERIFY(second.waitForFinished(20000));
    const QByteArray settings = readTree(config);

    const QList<QByteArray> secrets { bearerToken, kubePassword, execToken };
    QVERIFY2(leaks(stderrText, secrets).isEmpty(), qPrintable(leaks(stderrText, secrets).join(u", "_s)));
    QVERIFY2(leaks(crash, secrets).isEmpty(), qPrintable(leaks(crash, secrets).join(u", "_s)));
    QVERIFY2(leaks(log, secrets).isEmpty(), qPrintable(leaks(log, secrets).join(u", "_s)));
    QVERIFY2(leaks(readAll(logFile), secrets).isEmpty(), "second run's log");
    QVERIFY2(leaks(second.readAllStandardError(), secrets).isEmpty(), "second run's stderr");
    QVERIFY2(leaks(settings, secrets).isEmpty(), qPrintable(leaks(settings, secrets).join(u", "_s)));
}

void TestSecretsNotLeaked::inProcessLogAndSettings()
{
    const QtMessageHandler original = qInstallMessageHandler(recordForwarded);
    LogModel log;
    LogModel::install(&log);
    QString settingsFile;
    {
        MeshSession session;
        session.startDemo();
        MainWindow window(&session, &log);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        KafkaProfile profile;
        profile.name = u"prod"_s;
        profile.bootstrapServers = u"127.0.0.1:9"_s;
        profile.security = KafkaProfile::Security::SaslPlaintext;
        profile.mechanism = KafkaProfile::Mechanism::ScramSha256;
        profile.username = u"alice"_s;
        session.setKafkaProfile(profile, QString::fromUtf8(saslPassword));
        RabbitConnection rabbit;
        rabbit.managementUrl = QUrl(u"http://127.0.0.1:9/"_s);
        rabbit.username = u"guest"_s;
        rabbit.password = QString::fromUtf8(rabbitPassword);
        session.setRabbitConnection(rabbit);

        // Careless code logging what it should not: the log must still hide it.
        qCWarning(lcCareless) << "SASL login failed with" << QString::fromUtf8(saslPassword);
        qCDebug(lcCareless, "rabbit url amqp://guest:%s@rabbit/", rabbitPassword.constData());
        qCInfo(lcCareless, "sasl.password=%s", saslPassword.constData());
        QTest::qWait(200);
        log.flush();
        window.close();
        settingsFile = WindowSettings().settings().fileName();
    }
    LogModel::uninstall();
    qInstallMessageHandler(original);

    const QList<QByteArray> secrets { saslPassword, rabbitPassword };
    QByteArray shown;
    for (int row = 0; row < log.rowCount(); ++row)
        shown += log.record(row).toString().toUtf8() + '\n';
    QVERIFY(shown.contains("SASL login failed with"));
    QVERIFY2(leaks(shown, secrets).isEmpty(), qPrintable(leaks(shown, secrets).join(u", "_s)));
    QString error;
    const QString saved = m_dir.filePath(u"saved.log"_s);
    QVERIFY2(log.save(saved, &error), qPrintable(error));
    QVERIFY2(leaks(readAll(saved), secrets).isEmpty(), "saved log");
    const QByteArray stderrText = forwarded.join(u'\n').toUtf8();
    QVERIFY(stderrText.contains("SASL login failed with"));
    QVERIFY2(leaks(stderrText, secrets).isEmpty(), qPrintable(leaks(stderrText, secrets).join(u", "_s)));
    QVERIFY(QFile::exists(settingsFile));
    QVERIFY2(leaks(readAll(settingsFile), secrets).isEmpty(), qPrintable(settingsFile));
}

QTEST_MAIN(TestSecretsNotLeaked)

#include "tst_secretsnotleaked.moc"
