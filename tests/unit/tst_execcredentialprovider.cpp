// SPDX-License-Identifier: Apache-2.0
#include "execcredential.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {
const QString V1 = u"client.authentication.k8s.io/v1"_s;
const QString V1Beta1 = u"client.authentication.k8s.io/v1beta1"_s;

QString credentialJson(const QString& apiVersion, const QString& status)
{
    return u"{\"apiVersion\":\"%1\",\"kind\":\"ExecCredential\",\"status\":%2}"_s.arg(apiVersion, status);
}

// Expected JSON written with single quotes for readability.
QByteArray json(const char* singleQuoted) { return QByteArray(singleQuoted).replace('\'', '"'); }

QString timestamp(QDateTime when) { return when.toUTC().toString(Qt::ISODate); }
} // namespace

class TestExecCredentialProvider : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_scripts = 0;

    // Writes an executable /bin/sh plugin; $DIR in the body is the temporary directory.
    QString writePlugin(const QString& body)
    {
        const QString path = m_dir.filePath(u"plugin%1.sh"_s.arg(++m_scripts));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write("#!/bin/sh\nDIR='" + m_dir.path().toUtf8() + "'\n" + body.toUtf8() + '\n');
        file.setPermissions(file.permissions() | QFile::ExeOwner);
        return path;
    }

    // A plugin that appends a line to a counter file per run and prints the given JSON.
    QString writeCountingPlugin(const QString& counter, const QString& json)
    {
        return writePlugin(u"echo run >> \"$DIR/%1\"\ncat <<'EOF'\n%2\nEOF"_s.arg(counter, json));
    }

    int runs(const QString& counter)
    {
        QFile file(m_dir.filePath(counter));
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        return int(file.readAll().count('\n'));
    }

    static ExecConfig config(const QString& command, const QString& apiVersion = V1)
    {
        ExecConfig result;
        result.apiVersion = apiVersion;
        result.command = command;
        result.interactiveMode = u"Never"_s;
        return result;
    }

    static ExecCredential waitReady(ExecCredentialProvider& provider)
    {
        QSignalSpy ready(&provider, &ExecCredentialProvider::ready);
        QSignalSpy failed(&provider, &ExecCredentialProvider::failed);
        provider.request();
        [&] { QTRY_VERIFY(!ready.isEmpty() || !failed.isEmpty()); }();
        if (!failed.isEmpty())
            qWarning() << "unexpected failure:" << failed.first().first().toString();
        return ready.isEmpty() ? ExecCredential {} : ready.first().first().value<ExecCredential>();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void credential_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QByteArray>("certificate");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QDateTime>("expiration");

        const QDateTime noExpiry;
        QTest::addRow("token v1") << V1 << u"{\"token\":\"t-v1\"}"_s << u"t-v1"_s << QByteArray() << QByteArray()
                                  << noExpiry;
        QTest::addRow("token v1beta1") << V1Beta1 << u"{\"token\":\"t-beta\"}"_s << u"t-beta"_s << QByteArray()
                                       << QByteArray() << noExpiry;
        QTest::addRow("cert and key") << V1
                                      << u"{\"clientCertificateData\":\"CERT\\nPEM\",\"clientKeyData\":\"KEY PEM\"}"_s
                                      << QString() << QByteArray("CERT\nPEM") << QByteArray("KEY PEM") << noExpiry;
        QTest::addRow("token with expiry")
            << V1 << u"{\"token\":\"t\",\"expirationTimestamp\":\"2030-01-02T03:04:05Z\"}"_s << u"t"_s << QByteArray()
            << QByteArray() << QDateTime(QDate(2030, 1, 2), QTime(3, 4, 5), Qt::UTC);
        QTest::addRow("expiry with offset and fraction")
            << V1 << u"{\"token\":\"t\",\"expirationTimestamp\":\"2030-01-02T05:04:05.250+02:00\"}"_s << u"t"_s
            << QByteArray() << QByteArray() << QDateTime(QDate(2030, 1, 2), QTime(3, 4, 5, 250), Qt::UTC);
    }

    void credential()
    {
        QFETCH(QString, apiVersion);
        QFETCH(QString, status);
        QFETCH(QString, token);
        QFETCH(QByteArray, certificate);
        QFETCH(QByteArray, key);
        QFETCH(QDateTime, expiration);

        const QString plugin = writePlugin(u"cat <<'EOF'\n%1\nEOF"_s.arg(credentialJson(apiVersion, status)));
        ExecCredentialProvider provider(config(plugin, apiVersion), {});
        const ExecCredential credential = waitReady(provider);
        QCOMPARE(credential.token, token);
        QCOMPARE(credential.clientCertificateData, certificate);
        QCOMPARE(credential.clientKeyData, key);
        QCOMPARE(credential.expiration.has_value(), expiration.isValid());
        if (expiration.isValid())
            QCOMPARE(*credential.expiration, expiration);
    }

    void execInfo_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<bool>("provideClusterInfo");
        QTest::addColumn<QByteArray>("expected");

        QTest::addRow("v1 without cluster") << V1 << false
                                            << json("{'apiVersion':'client.authentication.k8s.io/"
                                                    "v1','kind':'ExecCredential','spec':{'interactive':false}}");
        QTest::addRow("v1beta1 without cluster")
            << V1Beta1 << false
            << json("{'apiVersion':'client.authentication.k8s.io/"
                    "v1beta1','kind':'ExecCredential','spec':{'interactive':false}}");
        QTest::addRow("v1 with cluster")
            << V1 << true
            << json("{'apiVersion':'client.authentication.k8s.io/"
                    "v1','kind':'ExecCredential','spec':{'interactive':false,'cluster':{'server':'https://"
                    "k8s.example:6443','tls-server-name':'api.internal','insecure-skip-tls-verify':true,'certificate-"
                    "authority-data':'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==','proxy-url':'http://proxy:3128'}}}");
    }

    void execInfo()
    {
        QFETCH(QString, apiVersion);
        QFETCH(bool, provideClusterInfo);
        QFETCH(QByteArray, expected);

        const QString file = u"info-%1.json"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'));
        const QString plugin
            = writePlugin(u"printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$DIR/%1\"\n"
                          "cat <<'EOF'\n%2\nEOF"_s.arg(file, credentialJson(apiVersion, u"{\"token\":\"t\"}"_s)));
        ExecConfig execConfig = config(plugin, apiVersion);
        execConfig.provideClusterInfo = provideClusterInfo;
        const ExecClusterInfo cluster { u"https://k8s.example:6443"_s, u"api.internal"_s, true,
            QByteArray("-----BEGIN CERTIFICATE-----\n"), u"http://proxy:3128"_s };
        ExecCredentialProvider provider(execConfig, cluster);
        QCOMPARE(waitReady(provider).token, u"t"_s);

        QFile written(m_dir.filePath(file));
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QJsonDocument actual = QJsonDocument::fromJson(written.readAll());
        QCOMPARE(actual, QJsonDocument::fromJson(expected));
        QCOMPARE(provider.execInfo(), actual.toJson(QJsonDocument::Compact));
    }

    void argsAndEnvironment()
    {
        // The token echoes what the plugin saw; stdin is empty because the plugin is never interactive.
        const QString plugin = writePlugin(
            u"read -r line; printf "
            u"'{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s|%s|%s|%s|%s\"}}' "
            "\"$API\" \"$1\" \"$2\" \"$FOO\" \"$BAR\" \"$line\""_s);
        ExecConfig execConfig = config(plugin);
        execConfig.args = { u"first arg"_s, u"--second"_s };
        execConfig.env = { { u"API"_s, V1 }, { u"FOO"_s, u"foo value"_s }, { u"BAR"_s, u"bar"_s } };
        qputenv("BAR", "from parent");
        ExecCredentialProvider provider(execConfig, {});
        QCOMPARE(waitReady(provider).token, u"first arg|--second|foo value|bar|"_s);
        qunsetenv("BAR");
    }

    void processEnvironmentInherited()
    {
        qputenv("MESHSCOPE_EXEC_TEST", "inherited");
        const QString plugin = writePlugin(u"printf "
                                           u"'{\"apiVersion\":\"client.authentication.k8s.io/"
                                           u"v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s\"}}' "
                                           "\"$MESHSCOPE_EXEC_TEST\""_s);
        ExecCredentialProvider provider(config(plugin), {});
        QCOMPARE(waitReady(provider).token, u"inherited"_s);
        qunsetenv("MESHSCOPE_EXEC_TEST");
    }

    void cachesUntilExpiry_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("expectedRuns");

        QTest::addRow("no expiry") << u"{\"token\":\"t\"}"_s << 1;
        QTest::addRow("future expiry") << u"{\"token\":\"t\",\"expirationTimestamp\":\"%1\"}"_s.arg(
            timestamp(QDateTime::currentDateTimeUtc().addSecs(3600)))
                                       << 1;
        QTest::addRow("expired") << u"{\"token\":\"t\",\"expirationTimestamp\":\"%1\"}"_s.arg(
            timestamp(QDateTime::currentDateTimeUtc().addSecs(-3600)))
                                 << 2;
    }

    void cachesUntilExpiry()
    {
        QFETCH(QString, status);
        QFETCH(int, expectedRuns);

        const QString counter = u"count-%1"_s.arg(++m_scripts);
        ExecCredentialProvider provider(config(writeCountingPlugin(counter, credentialJson(V1, status))), {});
        QCOMPARE(waitReady(provider).token, u"t"_s);
        QCOMPARE(runs(counter), 1);
        QCOMPARE(waitReady(provider).token, u"t"_s);
        QCOMPARE(runs(counter), expectedRuns);
    }

    void cachedCredentialIsQueued()
    {
        const QString counter = u"count-queued"_s;
        ExecCredentialProvider provider(
            config(writeCountingPlugin(counter, credentialJson(V1, u"{\"token\":\"t\"}"_s))), {});
        waitReady(provider);
        QSignalSpy ready(&provider, &ExecCredentialProvider::ready);
        provider.request();
        QCOMPARE(ready.size(), 0);
        QTRY_COMPARE(ready.size(), 1);
        QCOMPARE(runs(counter), 1);
    }

    void invalidateRunsAgain()
    {
        const QString counter = u"count-invalidate"_s;
        ExecCredentialProvider provider(
            config(writeCountingPlugin(counter, credentialJson(V1, u"{\"token\":\"t\"}"_s))), {});
        waitReady(provider);
        provider.invalidate();
        QCOMPARE(waitReady(provider).token, u"t"_s);
        QCOMPARE(runs(counter), 2);
        waitReady(provider);
        QCOMPARE(runs(counter), 2);
    }

    void concurrentRequestsShareOneRun()
    {
        const QString counter = u"count-concurrent"_s;
        ExecCredentialProvider provider(
            config(writeCountingPlugin(counter, credentialJson(V1, u"{\"token\":\"t\"}"_s))), {});
        QSignalSpy ready(&provider, &ExecCredentialProvider::ready);
        provider.request();
        QVERIFY(provider.isRunning());
        provider.request();
        provider.request();
        QTRY_COMPARE(ready.size(), 1);
        QCOMPARE(runs(counter), 1);
        QVERIFY(!provider.isRunning());
    }

    void errors_data()
    {
        QTest::addColumn<QString>("script"); // empty: the command does not exist
        QTest::addColumn<QString>("installHint");
        QTest::addColumn<QString>("interactiveMode");
        QTest::addColumn<QStringList>("expected");

        const auto print = [](const QString& json) { return u"cat <<'EOF'\n%1\nEOF"_s.arg(json); };
        const QString never = u"Never"_s;

        QTest::addRow("missing command") << QString() << QString() << never << QStringList { u"not found"_s };
        QTest::addRow("missing command with hint")
            << QString() << u"Install it with: apt install my-auth"_s << never
            << QStringList { u"not found"_s, u"Install it with: apt install my-auth"_s };
        QTest::addRow("non-zero exit") << u"echo 'token expired, run login' >&2\nexit 3"_s << QString() << never
                                       << QStringList { u"exit code 3"_s, u"token expired, run login"_s };
        QTest::addRow("not JSON") << u"echo hello"_s << QString() << never
                                  << QStringList { u"did not write valid JSON"_s };
        QTest::addRow("JSON array") << u"echo '[1]'"_s << QString() << never
                                    << QStringList { u"did not write a JSON object"_s };
        QTest::addRow("wrong apiVersion")
            << print(credentialJson(V1Beta1, u"{\"token\":\"t\"}"_s)) << QString() << never
            << QStringList { u"apiVersion \"client.authentication.k8s.io/v1beta1\""_s,
                   u"expected \"client.authentication.k8s.io/v1\""_s };
        QTest::addRow("wrong kind") << print(
            u"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"Pod\",\"status\":{}}"_s)
                                    << QString() << never << QStringList { u"kind \"Pod\""_s };
        QTest::addRow("no status") << print(
            u"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\"}"_s)
                                   << QString() << never << QStringList { u"no status"_s };
        QTest::addRow("empty status") << print(credentialJson(V1, u"{}"_s)) << QString() << never
                                      << QStringList { u"neither a token nor a client certificate and key"_s };
        QTest::addRow("only certificate")
            << print(credentialJson(V1, u"{\"clientCertificateData\":\"C\"}"_s)) << QString() << never
            << QStringList { u"clientCertificateData without clientKeyData"_s };
        QTest::addRow("only key") << print(credentialJson(V1, u"{\"clientKeyData\":\"K\"}"_s)) << QString() << never
                                  << QStringList { u"clientKeyData without clientCertificateData"_s };
        QTest::addRow("bad expirationTimestamp")
            << print(credentialJson(V1, u"{\"token\":\"t\",\"expirationTimestamp\":\"tomorrow\"}"_s)) << QString()
            << never << QStringList { u"invalid expirationTimestamp \"tomorrow\""_s };
        QTest::addRow("numeric expirationTimestamp")
            << print(credentialJson(V1, u"{\"token\":\"t\",\"expirationTimestamp\":12}"_s)) << QString() << never
            << QStringList { u"invalid expirationTimestamp"_s };
        QTest::addRow("timeout") << u"exec sleep 30"_s << QString() << never
                                 << QStringList { u"timed out after 0.3 s"_s };
        QTest::addRow("interactive always") << print(credentialJson(V1, u"{\"token\":\"t\"}"_s)) << QString()
                                            << u"Always"_s << QStringList { u"interactiveMode: Always"_s };
    }

    void errors()
    {
        QFETCH(QString, script);
        QFETCH(QString, installHint);
        QFETCH(QString, interactiveMode);
        QFETCH(QStringList, expected);

        const QString command = script.isEmpty() ? m_dir.filePath(u"no-such-plugin"_s) : writePlugin(script);
        ExecConfig execConfig = config(command);
        execConfig.installHint = installHint;
        execConfig.interactiveMode = interactiveMode;
        ExecCredentialProvider provider(execConfig, {});
        provider.setTimeout(300ms);
        QSignalSpy ready(&provider, &ExecCredentialProvider::ready);
        QSignalSpy failed(&provider, &ExecCredentialProvider::failed);
        provider.request();
        QCOMPARE(failed.size(), 0); // never synchronously
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(ready.size(), 0);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(command), qPrintable(message));
        for (const QString& part : expected)
            QVERIFY2(message.contains(part), qPrintable(message));
        QVERIFY(!provider.isRunning());
    }

    void missingCommandOnPath()
    {
        ExecConfig execConfig = config(u"meshscope-no-such-auth-plugin"_s);
        execConfig.installHint = u"see https://example.com/install"_s;
        ExecCredentialProvider provider(execConfig, {});
        QSignalSpy failed(&provider, &ExecCredentialProvider::failed);
        provider.request();
        QTRY_COMPARE(failed.size(), 1);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(u"\"meshscope-no-such-auth-plugin\" was not found"_s), qPrintable(message));
        QVERIFY2(message.contains(u"see https://example.com/install"_s), qPrintable(message));
    }

    void longStderrIsTrimmed()
    {
        const QString plugin = writePlugin(u"i=0; while [ $i -lt 500 ]; do echo 'some long diagnostic line' >&2; "
                                           "i=$((i+1)); done; exit 1"_s);
        ExecCredentialProvider provider(config(plugin), {});
        QSignalSpy failed(&provider, &ExecCredentialProvider::failed);
        provider.request();
        QTRY_COMPARE(failed.size(), 1);
        const QString message = failed.first().first().toString();
        QVERIFY(message.contains(u"some long diagnostic line"_s));
        QVERIFY2(message.size() < 1500, qPrintable(QString::number(message.size())));
    }

    void failureIsNotCachedAndRetries()
    {
        // First run fails, the second succeeds: a failure must not stick.
        const QString plugin = writePlugin(
            u"if [ -f \"$DIR/failed-once\" ]; then cat <<'EOF'\n%1\nEOF\nelse touch \"$DIR/failed-once\"; exit 1; fi"_s
                .arg(credentialJson(V1, u"{\"token\":\"second\"}"_s)));
        ExecCredentialProvider provider(config(plugin), {});
        QSignalSpy failed(&provider, &ExecCredentialProvider::failed);
        provider.request();
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(waitReady(provider).token, u"second"_s);
    }

    void destroyWhileRunning()
    {
        auto provider
            = std::make_unique<ExecCredentialProvider>(config(writePlugin(u"exec sleep 30"_s)), ExecClusterInfo {});
        provider->request();
        QVERIFY(provider->isRunning());
        provider.reset();
    }
};

QTEST_GUILESS_MAIN(TestExecCredentialProvider)
#include "tst_execcredentialprovider.moc"
