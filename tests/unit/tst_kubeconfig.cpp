// SPDX-License-Identifier: Apache-2.0
#include "kubeconfig.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray twoContexts = R"(apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster:
    server: https://dev.example:6443
    tls-server-name: api.dev
    certificate-authority: certs/ca.crt
    proxy-url: socks5://localhost:1080
- name: prod
  cluster:
    server: https://prod.example:6443
    insecure-skip-tls-verify: true
    certificate-authority-data: LS0tLS1CRUdJTg==
users:
- name: alice
  user:
    client-certificate: alice.crt
    client-key: /abs/alice.key
    token: inline-token
- name: bob
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
    as: admin
    as-groups: [ops, dev]
contexts:
- name: dev
  context: {cluster: dev, user: alice, namespace: shop}
- name: prod
  context: {cluster: prod, user: bob}
current-context: dev
)";

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

QByteArray config(
    const QByteArray& cluster, const QByteArray& server, const QByteArray& context, const QByteArray& current)
{
    QByteArray text = "clusters:\n- name: " + cluster + "\n  cluster:\n    server: " + server
        + "\nusers:\n- name: u\n"
          "  user:\n    token: t-"
        + cluster + "\ncontexts:\n- name: " + context + "\n  context:\n    cluster: " + cluster + "\n    user: u\n";
    if (!current.isEmpty())
        text += "current-context: " + current + "\n";
    return text;
}

bool hasError(const QList<SourceIssue>& issues)
{
    return std::any_of(issues.cbegin(), issues.cend(),
        [](const SourceIssue& issue) { return issue.severity == SourceIssue::Severity::Error; });
}

} // namespace

class TestKubeconfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void singleFile()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(u"config"_s);
        writeFile(path, twoContexts);
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::load({ path, {}, {} }, &issues);
        QVERIFY(config);
        QVERIFY(issues.isEmpty());
        QCOMPARE(config->contextNames(), QStringList({ u"dev"_s, u"prod"_s }));
        QCOMPARE(config->currentContext(), u"dev"_s);

        QString error;
        const auto dev = config->resolve({}, &error);
        QVERIFY2(dev, qPrintable(error));
        QCOMPARE(dev->context.ns, u"shop"_s);
        QCOMPARE(dev->cluster.server, u"https://dev.example:6443"_s);
        QCOMPARE(dev->cluster.tlsServerName, u"api.dev"_s);
        QCOMPARE(dev->cluster.proxyUrl, u"socks5://localhost:1080"_s);
        QCOMPARE(dev->cluster.certificateAuthority, dir.filePath(u"certs/ca.crt"_s));
        QCOMPARE(dev->cluster.file, QFileInfo(path).absoluteFilePath());
        QCOMPARE(dev->user.clientCertificate, dir.filePath(u"alice.crt"_s));
        QCOMPARE(dev->user.clientKey, u"/abs/alice.key"_s);

        const auto prod = config->resolve(u"prod"_s, &error);
        QVERIFY2(prod, qPrintable(error));
        QCOMPARE(prod->context.ns, u"default"_s);
        QVERIFY(prod->cluster.insecureSkipTlsVerify);
        QCOMPARE(prod->cluster.certificateAuthorityData, QByteArray("-----BEGIN"));
        QCOMPARE(prod->user.clientCertificateData, QByteArray("cert"));
        QCOMPARE(prod->user.clientKeyData, QByteArray("key"));
        QCOMPARE(prod->user.impersonate.as, u"admin"_s);
        QCOMPARE(prod->user.impersonate.asGroups, QStringList({ u"ops"_s, u"dev"_s }));
    }

    void defaultHomeFile()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(u".kube/config"_s), twoContexts);
        const auto config = Kubeconfig::load({ {}, {}, dir.path() }, nullptr);
        QVERIFY(config);
        QCOMPARE(config->files(), QStringList { dir.filePath(u".kube/config"_s) });
        QCOMPARE(config->currentContext(), u"dev"_s);
    }

    void merge_data()
    {
        QTest::addColumn<QList<QByteArray>>("files");
        QTest::addColumn<QString>("list"); // names a, b, c, missing: written files are a, b, c
        QTest::addColumn<QString>("current");
        QTest::addColumn<QString>("server"); // of cluster "x"
        QTest::addColumn<QStringList>("contexts");
        QTest::addColumn<int>("warnings");

        QTest::addRow("first wins") << QList<QByteArray> { config("x", "https://a", "ca", "ca"),
            config("x", "https://b", "cb", "cb") }
                                    << u"a:b"_s << u"ca"_s << u"https://a"_s << QStringList { u"ca"_s, u"cb"_s } << 0;
        QTest::addRow("current from first that sets it")
            << QList<QByteArray> { config("x", "https://a", "ca", {}), config("y", "https://b", "cb", "cb"),
                   config("x", "https://c", "cc", "cc") }
            << u"a:b:c"_s << u"cb"_s << u"https://a"_s << QStringList { u"ca"_s, u"cb"_s, u"cc"_s } << 0;
        QTest::addRow("duplicates and empty entries")
            << QList<QByteArray> { config("x", "https://a", "ca", {}), config("x", "https://b", "cb", "cb") }
            << u"b::a:b:"_s << u"cb"_s << u"https://b"_s << QStringList { u"ca"_s, u"cb"_s } << 0;
        QTest::addRow("missing skipped") << QList<QByteArray> { config("x", "https://a", "ca", "ca") } << u"missing:a"_s
                                         << u"ca"_s << u"https://a"_s << QStringList { u"ca"_s } << 1;
        QTest::addRow("all missing") << QList<QByteArray> {} << u"missing:gone"_s << QString() << QString()
                                     << QStringList {} << 3;
    }

    void merge()
    {
        QFETCH(QList<QByteArray>, files);
        QFETCH(QString, list);
        QFETCH(QString, current);
        QFETCH(QString, server);
        QFETCH(QStringList, contexts);
        QFETCH(int, warnings);

        QTemporaryDir dir;
        const QStringList names { u"a"_s, u"b"_s, u"c"_s };
        for (qsizetype i = 0; i < files.size(); ++i)
            writeFile(dir.filePath(names.at(i)), files.at(i));
        QStringList paths;
        for (const auto& name : list.split(u':'))
            paths.append(name.isEmpty() ? QString() : dir.filePath(name));

        QList<SourceIssue> issues;
        const auto config = Kubeconfig::load({ {}, paths.join(u':'), dir.path() }, &issues);
        QVERIFY(config);
        QVERIFY(!hasError(issues));
        QCOMPARE(issues.size(), warnings);
        QCOMPARE(config->currentContext(), current);
        QCOMPARE(config->contextNames(), contexts);
        QCOMPARE(config->clusters().value(u"x"_s).server, server);
        // A whole entry comes from one file: the user "u" of the first file, not a mix.
        if (!server.isEmpty())
            QCOMPARE(config->users().value(u"u"_s).file, config->files().constFirst());
    }

    void explicitPathMustExist()
    {
        QTemporaryDir dir;
        QList<SourceIssue> issues;
        QVERIFY(!Kubeconfig::load({ dir.filePath(u"nope"_s), {}, {} }, &issues));
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.constFirst().location.file, dir.filePath(u"nope"_s));
    }

    void execSection()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(u"sub/config"_s);
        writeFile(path, R"(users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
      args: [token, -i, demo]
      env:
      - {name: AWS_PROFILE, value: dev}
      installHint: install it
      provideClusterInfo: true
      interactiveMode: Never
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
)");
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::load({ path, {}, {} }, &issues);
        QVERIFY(config);
        QVERIFY(issues.isEmpty());
        const auto eks = config->users().value(u"eks"_s).exec;
        QVERIFY(eks);
        QCOMPARE(eks->apiVersion, u"client.authentication.k8s.io/v1"_s);
        QCOMPARE(eks->command, dir.filePath(u"sub/bin/plugin"_s));
        QCOMPARE(eks->args, QStringList({ u"token"_s, u"-i"_s, u"demo"_s }));
        QCOMPARE(eks->env.size(), 1);
        QCOMPARE(eks->env.constFirst().first, u"AWS_PROFILE"_s);
        QCOMPARE(eks->env.constFirst().second, u"dev"_s);
        QCOMPARE(eks->installHint, u"install it"_s);
        QVERIFY(eks->provideClusterInfo);
        QCOMPARE(eks->interactiveMode, u"Never"_s);
        const auto gke = config->users().value(u"gke"_s).exec;
        QVERIFY(gke);
        QCOMPARE(gke->command, u"gke-gcloud-auth-plugin"_s);
        QCOMPARE(gke->interactiveMode, u"IfAvailable"_s);
    }

    void tokenFile()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(u"config"_s);
        writeFile(path,
            "users:\n- name: u\n  user:\n    token: inline\n    tokenFile: tok\n"
            "- name: v\n  user:\n    token: inline\n");
        const auto config = Kubeconfig::load({ path, {}, {} }, nullptr);
        QVERIFY(config);
        const auto user = config->users().value(u"u"_s);
        QCOMPARE(user.tokenFile, dir.filePath(u"tok"_s));

        QString error;
        QCOMPARE(Kubeconfig::readToken(user, &error), QString());
        QVERIFY(error.contains(u"tokenFile"_s));
        QVERIFY(!error.contains(u"inline"_s));
        writeFile(dir.filePath(u"tok"_s), "first\n");
        error.clear();
        QCOMPARE(Kubeconfig::readToken(user, &error), u"first"_s);
        QVERIFY(error.isEmpty());
        writeFile(dir.filePath(u"tok"_s), "second");
        QCOMPARE(Kubeconfig::readToken(user, &error), u"second"_s);
        QCOMPARE(Kubeconfig::readToken(config->users().value(u"v"_s), &error), u"inline"_s);
    }

    void authProvider_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<bool>("isError");
        QTest::addColumn<QString>("hint");
        QTest::addRow("gcp") << u"gcp"_s << true << u"gke-gcloud-auth-plugin"_s;
        QTest::addRow("azure") << u"azure"_s << true << u"kubelogin"_s;
        QTest::addRow("oidc") << u"oidc"_s << false << u"not supported yet"_s;
    }

    void authProvider()
    {
        QFETCH(QString, provider);
        QFETCH(bool, isError);
        QFETCH(QString, hint);
        const QByteArray yaml = "clusters:\n- name: c\n  cluster: {server: https://c}\nusers:\n- name: u\n  user:\n"
                                "    auth-provider:\n      name: "
            + provider.toUtf8()
            + "\n      config: {access-token: secret}\ncontexts:\n- name: x\n"
              "  context: {cluster: c, user: u}\n";
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::parse(yaml, u"/k/config"_s, &issues);
        QVERIFY(config);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.constFirst().severity == SourceIssue::Severity::Error, isError);
        QVERIFY2(issues.constFirst().message.contains(hint), qPrintable(issues.constFirst().message));
        QCOMPARE(issues.constFirst().location.line, 7);
        QVERIFY(!issues.constFirst().message.contains(u"secret"_s));
        QString error;
        QVERIFY(!config->resolve(u"x"_s, &error));
        QVERIFY2(error.contains(hint), qPrintable(error));
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addRow("syntax") << QByteArray("clusters:\n- name: a\n  cluster: {server: [\n") << QString() << 0 << 0;
        QTest::addRow("duplicate cluster")
            << QByteArray("clusters:\n- name: a\n  cluster: {server: https://a}\n- name: a\n  cluster: {}\n")
            << u"duplicate name \"a\" in clusters"_s << 4 << 3;
        QTest::addRow("duplicate context")
            << QByteArray("contexts:\n- name: a\n  context: {}\n- name: b\n  context: {}\n- name: a\n  context: {}\n")
            << u"duplicate name \"a\" in contexts"_s << 6 << 3;
        QTest::addRow("bad base64") << QByteArray("users:\n- name: a\n  user:\n    client-key-data: '%%%'\n")
                                    << u"users[0].user.client-key-data is not valid base64"_s << 4 << 5;
        QTest::addRow("wrong type") << QByteArray("clusters:\n- name: a\n  cluster:\n    server: [1]\n")
                                    << u"clusters[0].cluster.server must be a string, not a list"_s << 4 << 5;
        QTest::addRow("exec v1 without interactiveMode")
            << QByteArray("users:\n- name: a\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                          "      command: x\n")
            << u"users[0].user.exec.interactiveMode is required for client.authentication.k8s.io/v1"_s << 4 << 5;
    }

    void invalid()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        QFETCH(int, line);
        QFETCH(int, column);

        QTemporaryDir dir;
        const auto path = dir.filePath(u"config"_s);
        writeFile(path, yaml);
        QList<SourceIssue> issues;
        QVERIFY(!Kubeconfig::load({ {}, path, {} }, &issues));
        QVERIFY(hasError(issues));
        const auto& issue = issues.constFirst();
        QCOMPARE(issue.location.file, path);
        if (message.isEmpty()) {
            // The syntax error carries a position in the file.
            QVERIFY(issue.location.line >= 3);
            QVERIFY(issue.location.column > 0);
            return;
        }
        QCOMPARE(issue.message, message);
        QCOMPARE(issue.location.line, line);
        QCOMPARE(issue.location.column, column);
    }

    void resolveErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("error");
        const QByteArray base = "clusters:\n- name: c\n  cluster: {server: https://c}\nusers:\n- name: u\n  user: {}\n";
        QTest::addRow("no current-context") << base << QString() << u"current-context is not set"_s;
        QTest::addRow("unknown context") << base << u"x"_s << u"context \"x\" not found in /k/config"_s;
        QTest::addRow("unknown cluster") << base + "contexts:\n- name: x\n  context: {cluster: y, user: u}\n"
                                         << u"x"_s << u"context \"x\" refers to cluster \"y\", which is not defined"_s;
        QTest::addRow("unknown user") << base + "contexts:\n- name: x\n  context: {cluster: c, user: w}\n"
                                      << u"x"_s << u"context \"x\" refers to user \"w\", which is not defined"_s;
        QTest::addRow("current-context unknown") << base + "current-context: gone\n"
                                                 << QString() << u"context \"gone\" not found in /k/config"_s;
    }

    void resolveErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, context);
        QFETCH(QString, error);
        const auto config = Kubeconfig::parse(yaml, u"/k/config"_s, nullptr);
        QVERIFY(config);
        QString message;
        QVERIFY(!config->resolve(context, &message));
        QVERIFY2(message.contains(error), qPrintable(message));
    }

    void anonymousUser()
    {
        const auto config = Kubeconfig::parse(
            "clusters:\n- name: c\n  cluster: {server: https://c}\ncontexts:\n- name: x\n  context: {cluster: c}\n"
            "current-context: x\n",
            u"/k/config"_s, nullptr);
        QVERIFY(config);
        QString error;
        const auto resolved = config->resolve({}, &error);
        QVERIFY2(resolved, qPrintable(error));
        QVERIFY(resolved->user.name.isEmpty());
        QCOMPARE(resolved->context.ns, u"default"_s);
    }
};

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
