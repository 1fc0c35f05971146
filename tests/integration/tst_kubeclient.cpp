// SPDX-License-Identifier: Apache-2.0
#include "kubeclient.h"
#include "kubeconfig.h"
#include "kubeharness.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString BrokersPath = u"/apis/eventing.knative.dev/v1/namespaces/default/brokers"_s;
const QString TriggersPath = u"/apis/eventing.knative.dev/v1/namespaces/default/triggers"_s;

// An HTTP CONNECT proxy on loopback, enough to show that proxy-url is honoured: it counts the tunnels it opened.
class ConnectProxy {
public:
    ConnectProxy()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, [this] {
            while (QTcpSocket* client = m_server.nextPendingConnection())
                accept(client);
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    int tunnels() const { return m_tunnels; }

private:
    void accept(QTcpSocket* client)
    {
        auto* buffer = new QByteArray;
        QObject::connect(client, &QObject::destroyed, [buffer] { delete buffer; });
        QObject::connect(client, &QTcpSocket::readyRead, client, [this, client, buffer] {
            if (client->property("tunnel").toBool())
                return;
            *buffer += client->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> words = buffer->left(buffer->indexOf("\r\n")).split(' ');
            if (words.size() < 2 || words[0] != "CONNECT") {
                client->write("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const QList<QByteArray> target = words[1].split(':');
            auto* upstream = new QTcpSocket(client);
            client->setProperty("tunnel", true);
            const QByteArray early = buffer->mid(end + 4);
            QObject::connect(upstream, &QTcpSocket::connected, client, [this, client, upstream, early] {
                ++m_tunnels;
                client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                if (!early.isEmpty())
                    upstream->write(early);
                QObject::connect(client, &QTcpSocket::readyRead, upstream,
                    [client, upstream] { upstream->write(client->readAll()); });
                QObject::connect(upstream, &QTcpSocket::readyRead, client,
                    [client, upstream] { client->write(upstream->readAll()); });
                QObject::connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
                QObject::connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
            });
            upstream->connectToHost(QString::fromLatin1(target.value(0)), target.value(1).toUShort());
        });
        QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }

    QTcpServer m_server;
    int m_tunnels = 0;
};

QString quoted(const QString& value)
{
    return u'"' + QString(value).replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s) + u'"';
}

} // namespace

class TestKubeClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        QVERIFY(m_dir.isValid());
        writeFile(u"admin.token"_s, m_harness.adminToken().toUtf8() + '\n');
        writeFile(u"wrong.token"_s, "not-a-token\n");
    }

    void authenticates_data()
    {
        QTest::addColumn<QString>("user"); // the user stanza (indented by four)
        QTest::addColumn<QString>("cluster"); // extra cluster lines
        QTest::addColumn<int>("brokers"); // expected HTTP status of listing brokers
        QTest::addColumn<int>("triggers"); // ... and triggers

        const QString token = quoted(m_harness.adminToken());
        const QString ca = u"    certificate-authority: "_s + quoted(m_harness.caFile()) + u'\n';
        const QString caData = u"    certificate-authority-data: "_s
            + QString::fromLatin1(readFile(m_harness.caFile()).toBase64()) + u'\n';
        QTest::addRow("token") << u"    token: "_s + token << ca << 200 << 200;
        QTest::addRow("token, CA data") << u"    token: "_s + token << caData << 200 << 200;
        QTest::addRow("tokenFile") << u"    tokenFile: "_s + quoted(path(u"admin.token"_s)) << ca << 200 << 200;
        QTest::addRow("wrong token") << u"    token: wrong"_s << ca << 401 << 401;
        QTest::addRow("client certificate files") << u"    client-certificate: "_s + quoted(m_harness.limitedCertFile())
                + u"\n    client-key: "_s + quoted(m_harness.limitedKeyFile())
                                                  << ca << 200 << 403;
        QTest::addRow("client certificate data") << u"    client-certificate-data: "_s
                + QString::fromLatin1(readFile(m_harness.limitedCertFile()).toBase64()) + u"\n    client-key-data: "_s
                + QString::fromLatin1(readFile(m_harness.limitedKeyFile()).toBase64())
                                                 << ca << 200 << 403;
        QTest::addRow("limited token") << u"    token: "_s + quoted(m_harness.limitedToken()) << ca << 200 << 403;
        QTest::addRow("tls-server-name") << u"    token: "_s + token << ca + u"    tls-server-name: localhost\n"_s
                                         << 200 << 200;
        QTest::addRow("insecure-skip-tls-verify")
            << u"    token: "_s + token << u"    insecure-skip-tls-verify: true\n"_s << 200 << 200;
        QTest::addRow("exec v1") << execUser(u"client.authentication.k8s.io/v1"_s, tokenCredential(u"v1"_s)) << ca
                                 << 200 << 200;
        QTest::addRow("exec v1beta1") << execUser(
            u"client.authentication.k8s.io/v1beta1"_s, tokenCredential(u"v1beta1"_s))
                                      << ca << 200 << 200;
        QTest::addRow("exec client certificate")
            << execUser(u"client.authentication.k8s.io/v1"_s, certificateCredential()) << ca << 200 << 403;
    }

    void authenticates()
    {
        QFETCH(QString, user);
        QFETCH(QString, cluster);
        QFETCH(int, brokers);
        QFETCH(int, triggers);
        KubeClient client(resolve(user, cluster));
        QVERIFY2(client.configurationError().isEmpty(), qPrintable(client.configurationError()));
        const KubeResponse brokerList = list(client, BrokersPath, u"brokers.eventing.knative.dev"_s);
        QVERIFY2(brokerList.httpStatus == brokers, qPrintable(brokerList.error.message));
        const KubeResponse triggerList = list(client, TriggersPath, u"triggers.eventing.knative.dev"_s);
        QVERIFY2(triggerList.httpStatus == triggers, qPrintable(triggerList.error.message));
        if (triggers == 403) {
            QCOMPARE(triggerList.error.kind, KubeError::Kind::Forbidden);
            // verb, resource and namespace, in our words and the server's
            QVERIFY2(triggerList.error.message.contains(
                         u"not allowed to list triggers.eventing.knative.dev in namespace \"default\""_s),
                qPrintable(triggerList.error.message));
            QVERIFY(triggerList.error.message.contains(m_harness.limitedUserName()));
        }
        if (triggers == 401) {
            QCOMPARE(triggerList.error.kind, KubeError::Kind::Unauthorized);
            QVERIFY2(triggerList.error.message.contains(u"user \"tester\" of context \"test\""_s),
                qPrintable(triggerList.error.message));
            QVERIFY(!triggerList.error.message.contains(u"wrong"_s));
        }
        QCOMPARE(client.isInsecure(), cluster.contains(u"insecure-skip-tls-verify"_s));
    }

    // tokenFile is read for every request, so a rotated token is used at once.
    void tokenFileIsReadAgain()
    {
        writeFile(u"rotating.token"_s, "not-a-token\n");
        KubeClient client(resolve(u"    tokenFile: "_s + quoted(path(u"rotating.token"_s)), caLine()));
        QCOMPARE(list(client, BrokersPath).httpStatus, 401);
        writeFile(u"rotating.token"_s, m_harness.adminToken().toUtf8());
        QCOMPARE(list(client, BrokersPath).httpStatus, 200);
    }

    // After a 401 the plugin runs again once: its credential may have been revoked before it expired.
    void execRunsAgainAfter401()
    {
        const QString counter = path(u"exec-count"_s);
        QFile::remove(counter);
        const QString script = writeScript(u"rotating-plugin.sh"_s,
            "#!/bin/sh\necho run >> \"$COUNTER\"\nif [ \"$(wc -l < \"$COUNTER\")\" -eq 1 ]; then t=revoked; else "
            "t=\"$TOKEN\"; fi\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
            "\"status\":{\"token\":\"%s\"}}' \"$t\"\n");
        const QString user = u"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: "_s
            + quoted(script) + u"\n      interactiveMode: Never\n      env:\n      - name: COUNTER\n        value: "_s
            + quoted(counter) + u"\n      - name: TOKEN\n        value: "_s + quoted(m_harness.adminToken()) + u'\n';
        KubeClient client(resolve(user, caLine()));
        const KubeResponse response = list(client, BrokersPath);
        QVERIFY2(response.ok(), qPrintable(response.error.message));
        QCOMPARE(readFile(counter).count('\n'), 2);
        // cached now: no third run
        QVERIFY(list(client, BrokersPath).ok());
        QCOMPARE(readFile(counter).count('\n'), 2);
    }

    void failures_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("cluster");
        QTest::addColumn<QString>("server"); // empty: the harness's
        QTest::addColumn<KubeError::Kind>("kind");
        QTest::addColumn<QStringList>("message"); // parts the message must contain

        const QString token = u"    token: "_s + quoted(m_harness.adminToken());
        QTest::addRow("no CA: system roots do not know the test CA")
            << token << QString() << QString() << KubeError::Kind::Tls
            << QStringList { u"TLS with https://127.0.0.1"_s, u"certificate subject \"127.0.0.1\""_s };
        QTest::addRow("tls-server-name not in the certificate")
            << token << caLine() + u"    tls-server-name: api.example.com\n"_s << QString() << KubeError::Kind::Tls
            << QStringList { u"api.example.com"_s, u"valid for localhost, 127.0.0.1"_s };
        QTest::addRow("unreachable") << token << caLine() << u"https://127.0.0.1:1"_s << KubeError::Kind::Unreachable
                                     << QStringList { u"Cannot reach the API server https://127.0.0.1:1"_s,
                                            u"refused"_s };
        QTest::addRow("exec plugin missing")
            << u"    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: "
               "/nonexistent/kubectl-oidc-login\n      installHint: install kubelogin\n"_s
            << caLine() << QString() << KubeError::Kind::Credentials
            << QStringList { u"/nonexistent/kubectl-oidc-login"_s, u"install kubelogin"_s };
        QTest::addRow("exec plugin fails")
            << u"    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: "_s
                + quoted(writeScript(
                    u"failing-plugin.sh"_s, "#!/bin/sh\necho 'error: token expired, run login' >&2\nexit 3\n"))
                + u'\n'
            << caLine() << QString() << KubeError::Kind::Credentials
            << QStringList { u"failing-plugin.sh"_s, u"token expired, run login"_s };
        QTest::addRow("unreadable tokenFile")
            << u"    tokenFile: /nonexistent/token"_s << caLine() << QString() << KubeError::Kind::Credentials
            << QStringList { u"/nonexistent/token"_s };
        QTest::addRow("unsupported proxy scheme")
            << token << caLine() + u"    proxy-url: ftp://proxy:21\n"_s << QString() << KubeError::Kind::Credentials
            << QStringList { u"proxy-url"_s, u"ftp://proxy:21"_s };
    }

    void failures()
    {
        QFETCH(QString, user);
        QFETCH(QString, cluster);
        QFETCH(QString, server);
        QFETCH(KubeError::Kind, kind);
        QFETCH(QStringList, message);
        KubeClient client(resolve(user, cluster, server));
        const KubeResponse response = list(client, BrokersPath, u"brokers.eventing.knative.dev"_s);
        QVERIFY2(response.error.kind == kind, qPrintable(response.error.message));
        for (const QString& part : std::as_const(message))
            QVERIFY2(response.error.message.contains(part), qPrintable(response.error.message));
        QVERIFY(!response.error.message.contains(m_harness.adminToken()));
    }

    void proxyUrl()
    {
        ConnectProxy proxy;
        QVERIFY(proxy.port() != 0);
        KubeClient client(resolve(u"    token: "_s + quoted(m_harness.adminToken()),
            caLine() + u"    proxy-url: http://127.0.0.1:"_s + QString::number(proxy.port()) + u'\n'));
        const KubeResponse response = list(client, BrokersPath);
        QVERIFY2(response.ok(), qPrintable(response.error.message));
        QCOMPARE(proxy.tunnels(), 1);
    }

    // A watch delivers its events line by line as they arrive, and abort() ends it.
    void streamsWatchEvents()
    {
        KubeClient client(resolve(u"    token: "_s + quoted(m_harness.adminToken()), caLine()));
        KubeRequest request;
        request.path = u"/api/v1/namespaces"_s;
        request.query.addQueryItem(u"watch"_s, u"true"_s);
        request.streaming = true;
        KubeCall* call = client.send(request);
        QSignalSpy lines(call, &KubeCall::line);
        QSignalSpy finished(call, &KubeCall::finished);
        // default, kube-system, kube-public and kube-node-lease exist from the start
        QTRY_VERIFY(lines.size() >= 4);
        for (const auto& arguments : std::as_const(lines)) {
            const QJsonObject event = QJsonDocument::fromJson(arguments.at(0).toByteArray()).object();
            QCOMPARE(event.value(u"type"_s).toString(), u"ADDED"_s);
        }
        const QJsonObject ns { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
            { u"metadata"_s, QJsonObject { { u"name"_s, u"watched"_s } } } };
        KubeRequest create;
        create.verb = "POST";
        create.path = u"/api/v1/namespaces"_s;
        create.body = QJsonDocument(ns).toJson(QJsonDocument::Compact);
        create.contentType = "application/json";
        QCOMPARE(sendAndWait(client, create).httpStatus, 201);
        QTRY_VERIFY(QJsonDocument::fromJson(lines.last().at(0).toByteArray())
                        .object()
                        .value(u"object"_s)[u"metadata"_s][u"name"_s]
                        .toString()
            == u"watched"_s);
        QVERIFY(finished.isEmpty());
        call->abort();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).value<KubeResponse>().error.kind, KubeError::Kind::Cancelled);
    }

    // Two contexts of one kubeconfig, two identities: each client keeps its own connection.
    void contextsKeepTheirIdentity()
    {
        const QString file = m_harness.writeKubeconfig(KubeHarness::User::Limited, u"switch.yaml"_s);
        QString yaml = QString::fromUtf8(readFile(file));
        yaml.replace(
            u"users:\n"_s, u"users:\n- name: admin\n  user:\n    token: "_s + quoted(m_harness.adminToken()) + u'\n');
        yaml.replace(u"contexts:\n"_s,
            u"contexts:\n- name: admin\n  context:\n    cluster: meshscope-test\n    user: admin\n"_s);
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::parse(yaml.toUtf8(), file, &issues);
        QVERIFY(config);
        QString error;
        for (int round = 0; round < 2; ++round) {
            const auto limited = config->resolve(QString(), &error);
            const auto admin = config->resolve(u"admin"_s, &error);
            QVERIFY2(limited && admin, qPrintable(error));
            KubeClient limitedClient(*limited);
            KubeClient adminClient(*admin);
            QCOMPARE(list(limitedClient, TriggersPath).httpStatus, 403);
            QCOMPARE(list(adminClient, TriggersPath).httpStatus, 200);
        }
    }

    void cleanupTestCase() { m_harness.stop(); }

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    QString caLine() const { return u"    certificate-authority: "_s + quoted(m_harness.caFile()) + u'\n'; }

    void writeFile(const QString& name, const QByteArray& content)
    {
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
    }

    static QByteArray readFile(const QString& fileName)
    {
        QFile file(fileName);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QString writeScript(const QString& name, const QByteArray& content)
    {
        QFile file(path(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(content);
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return file.fileName();
    }

    // A file holding the ExecCredential JSON, and the exec stanza of a plugin that prints it.
    QString execUser(const QString& apiVersion, const QString& credentialFile)
    {
        return u"    exec:\n      apiVersion: "_s + apiVersion + u"\n      command: cat\n      args: ["_s
            + quoted(credentialFile) + u"]\n"_s
            + (apiVersion.endsWith(u"/v1"_s) ? u"      interactiveMode: Never\n"_s : QString());
    }

    QString tokenCredential(const QString& version)
    {
        const QJsonObject credential { { u"apiVersion"_s, QString(u"client.authentication.k8s.io/"_s + version) },
            { u"kind"_s, u"ExecCredential"_s },
            { u"status"_s, QJsonObject { { u"token"_s, m_harness.adminToken() } } } };
        writeFile(u"credential-"_s + version + u".json"_s, QJsonDocument(credential).toJson());
        return path(u"credential-"_s + version + u".json"_s);
    }

    QString certificateCredential()
    {
        const QJsonObject credential { { u"apiVersion"_s, u"client.authentication.k8s.io/v1"_s },
            { u"kind"_s, u"ExecCredential"_s },
            { u"status"_s,
                QJsonObject {
                    { u"clientCertificateData"_s, QString::fromLatin1(readFile(m_harness.limitedCertFile())) },
                    { u"clientKeyData"_s, QString::fromLatin1(readFile(m_harness.limitedKeyFile())) } } } };
        writeFile(u"credential-cert.json"_s, QJsonDocument(credential).toJson());
        return path(u"credential-cert.json"_s);
    }

    ResolvedContext resolve(const QString& user, const QString& cluster, const QString& server = QString())
    {
        const QString yaml = u"apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: "_s
            + quoted(server.isEmpty() ? m_harness.server().toString() : server) + u'\n' + cluster
            + u"users:\n- name: tester\n  user:\n"_s + user
            + u"\ncontexts:\n- name: test\n  context:\n"
              "    cluster: test\n    user: tester\n"
              "current-context: test\n"_s;
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::parse(yaml.toUtf8(), path(u"kubeconfig"_s), &issues);
        if (!config)
            qFatal("kubeconfig did not parse: %s", qPrintable(issues.value(0).toString()));
        QString error;
        const auto context = config->resolve(QString(), &error);
        if (!context)
            qFatal("context did not resolve: %s", qPrintable(error));
        return *context;
    }

    static KubeResponse sendAndWait(KubeClient& client, const KubeRequest& request)
    {
        KubeCall* call = client.send(request);
        QSignalSpy finished(call, &KubeCall::finished);
        if (!finished.wait(20'000))
            return {};
        return finished.at(0).at(0).value<KubeResponse>();
    }

    static KubeResponse list(KubeClient& client, const QString& path, const QString& resource = QString())
    {
        KubeRequest request;
        request.path = path;
        request.kubeVerb = u"list"_s;
        request.resource = resource;
        request.ns = u"default"_s;
        return sendAndWait(client, request);
    }

    KubeHarness m_harness;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
