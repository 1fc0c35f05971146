// SPDX-License-Identifier: Apache-2.0
#include "kubeharness.h"

#include "harnesssupport.h"
#include "kubeclient.h"
#include "kubeconfig.h"
#include "manifestparser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
#include <unistd.h>

#include <array>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

constexpr int ReadyTimeoutMs = 120'000;
constexpr int RequestTimeoutMs = 15'000;
constexpr int ScriptTimeoutMs = 60 * 60 * 1000; // a cold kube-apiserver build on two busy cores
const QString LimitedUser = u"meshscope-limited"_s;

QString quoted(const QString& value)
{
    // A JSON string is a valid YAML double-quoted scalar.
    const QByteArray array = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

} // namespace

KubeHarness::KubeHarness() = default;

KubeHarness::~KubeHarness() { stop(); }

void KubeHarness::setExtraApiServerArgs(const QStringList& args) { m_extraApiServerArgs = args; }

bool KubeHarness::start(QString* error)
{
    stop();
    QElapsedTimer total;
    total.start();
    QString failure;
    const auto fail = [&](const QString& what) {
        *error = what + u": "_s + failure;
        stop();
        return false;
    };
    if (!locateInputs(&failure))
        return fail(u"kube-apiserver, etcd or the CRDs are missing"_s);
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/meshscope-kube-XXXXXX"_s);
    if (!m_dir->isValid()) {
        failure = m_dir->errorString();
        return fail(u"cannot create a temporary folder"_s);
    }
    m_network = std::make_unique<QNetworkAccessManager>();
    const QList<quint16> ports = HarnessSupport::freePorts(3);
    if (ports.size() != 3) {
        failure = u"no free loopback port"_s;
        return fail(u"cannot start"_s);
    }
    m_apiPort = ports[0];
    m_etcdClientPort = ports[1];
    m_etcdPeerPort = ports[2];
    if (!writeCredentials(&failure))
        return fail(u"cannot create the certificates and keys"_s);

    QElapsedTimer step;
    step.start();
    if (!startEtcd(&failure))
        return fail(u"etcd did not start"_s);
    const qint64 etcdMs = step.restart();
    if (!startApiServer(&failure))
        return fail(u"kube-apiserver did not start"_s);
    const qint64 apiServerMs = step.restart();
    if (!installRbac(&failure))
        return fail(u"cannot create the limited user's role"_s);
    if (!installCrds(&failure) || !waitForCrds(&failure))
        return fail(u"cannot install Knative's CRDs"_s);
    qInfo("KubeHarness: ready at %s in %lld ms (etcd %lld ms, kube-apiserver %lld ms, %lld CRDs %lld ms); files in %s",
        qPrintable(server().toString()), total.elapsed(), etcdMs, apiServerMs, qint64(m_crdNames.size()),
        step.elapsed(), qPrintable(m_dir->path()));
    return true;
}

void KubeHarness::stop()
{
    stopProcess(m_apiServer);
    stopProcess(m_etcd);
    m_network.reset();
    m_dir.reset();
    m_crdNames.clear();
    m_crdGroups.clear();
    m_ca.clear();
}

bool KubeHarness::isRunning() const
{
    return m_etcd && m_apiServer && m_etcd->state() == QProcess::Running && m_apiServer->state() == QProcess::Running;
}

bool KubeHarness::restartApiServer(QString* error)
{
    if (!m_etcd || !m_dir) {
        *error = u"the harness is not running"_s;
        return false;
    }
    stopProcess(m_apiServer);
    // Connections to the old process are dead; a fresh manager does not try them first.
    m_network = std::make_unique<QNetworkAccessManager>();
    QString failure;
    if (!startApiServer(&failure) || !waitForCrds(&failure)) {
        *error = u"kube-apiserver did not come back: "_s + failure;
        return false;
    }
    return true;
}

qint64 KubeHarness::etcdRevision()
{
    QUrl url = etcdServer();
    url.setPath(u"/v3/kv/range"_s);
    const Reply reply = send("POST", url, R"({"key":"Lw==","limit":1})");
    if (reply.status != 200)
        return -1;
    const QJsonValue revision = QJsonDocument::fromJson(reply.body)[u"header"][u"revision"];
    // The gRPC gateway writes 64-bit integers as strings.
    bool ok = false;
    const qint64 value = revision.toString().toLongLong(&ok);
    return ok ? value : -1;
}

bool KubeHarness::compact(QString* error)
{
    const qint64 revision = etcdRevision();
    if (revision < 0) {
        *error = u"etcd did not tell its revision"_s;
        return false;
    }
    QUrl url = etcdServer();
    url.setPath(u"/v3/kv/compaction"_s);
    const QJsonObject body { { u"revision"_s, QString::number(revision) }, { u"physical"_s, true } };
    const Reply reply = send("POST", url, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (reply.status != 200) {
        *error = u"etcd compaction at revision %1 failed: %2 %3 %4"_s.arg(revision)
                     .arg(reply.status)
                     .arg(reply.error, QString::fromUtf8(reply.body));
        return false;
    }
    qInfo("KubeHarness: etcd compacted at revision %lld", revision);
    return true;
}

QUrl KubeHarness::server() const { return QUrl(u"https://127.0.0.1:%1"_s.arg(m_apiPort)); }

QUrl KubeHarness::etcdServer() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_etcdClientPort)); }

QString KubeHarness::adminToken() const { return m_adminToken; }

QString KubeHarness::limitedToken() const { return m_limitedToken; }

QString KubeHarness::limitedUserName() { return LimitedUser; }

QString KubeHarness::caFile() const { return path(u"ca.crt"_s); }

QString KubeHarness::limitedCertFile() const { return path(u"limited.crt"_s); }

QString KubeHarness::limitedKeyFile() const { return path(u"limited.key"_s); }

QString KubeHarness::binaryDir() const { return m_binaryDir; }

QString KubeHarness::crdDir() const { return m_crdDir; }

QStringList KubeHarness::installedCrds() const { return m_crdNames; }

QList<qint64> KubeHarness::processIds() const
{
    QList<qint64> ids;
    for (const auto* process : { m_etcd.get(), m_apiServer.get() }) {
        if (process && process->state() != QProcess::NotRunning)
            ids.append(process->processId());
    }
    return ids;
}

QSslConfiguration KubeHarness::sslConfiguration(User user) const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(m_ca);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (user == User::Limited) {
        configuration.setLocalCertificate(QSslCertificate::fromPath(limitedCertFile()).value(0));
        QFile key(limitedKeyFile());
        if (key.open(QIODevice::ReadOnly))
            configuration.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec));
    }
    return configuration;
}

QNetworkRequest KubeHarness::request(const QString& pathAndQuery, User user) const
{
    QNetworkRequest request(server().resolved(QUrl(pathAndQuery)));
    request.setSslConfiguration(sslConfiguration(user));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(RequestTimeoutMs);
    if (user == User::Admin)
        request.setRawHeader("Authorization", "Bearer " + m_adminToken.toLatin1());
    return request;
}

QString KubeHarness::writeKubeconfig(User user, const QString& fileName, const QString& ns) const
{
    if (!m_dir)
        return {};
    const QString target = QDir(m_dir->path()).absoluteFilePath(fileName.isEmpty() ? u"kubeconfig"_s : fileName);
    const QString userName = user == User::Admin ? u"meshscope-admin"_s : LimitedUser;
    QString text = u"apiVersion: v1\nkind: Config\nclusters:\n- name: meshscope-test\n  cluster:\n"_s
        + u"    server: "_s + quoted(server().toString()) + u"\n    certificate-authority: "_s + quoted(caFile())
        + u"\nusers:\n- name: "_s + userName + u"\n  user:\n"_s;
    if (user == User::Admin)
        text += u"    token: "_s + quoted(m_adminToken) + u"\n"_s;
    else
        text += u"    client-certificate: "_s + quoted(limitedCertFile()) + u"\n    client-key: "_s
            + quoted(limitedKeyFile()) + u"\n"_s;
    text += u"contexts:\n- name: "_s + userName + u"\n  context:\n    cluster: meshscope-test\n    user: "_s + userName
        + u"\n"_s;
    if (!ns.isEmpty())
        text += u"    namespace: "_s + quoted(ns) + u"\n"_s;
    text += u"current-context: "_s + userName + u"\n"_s;
    QFile file(target);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0)
        return {};
    return target;
}

bool KubeHarness::locateInputs(QString* error)
{
    // Set by a developer who keeps the binaries or CRDs elsewhere; otherwise the scripts build, fetch or reuse them.
    m_binaryDir = qEnvironmentVariable("MESHSCOPE_KUBE_BIN_DIR");
    m_crdDir = qEnvironmentVariable("MESHSCOPE_KUBE_CRD_DIR");
    const QString scripts = QStringLiteral(MESHSCOPE_SOURCE_DIR) + u"/tests/harness/kube/"_s;
    if (m_binaryDir.isEmpty()) {
        qInfo("KubeHarness: looking for kube-apiserver and etcd through %s", qPrintable(scripts));
        m_binaryDir = HarnessSupport::runScript(scripts + u"build-binaries.sh"_s, ScriptTimeoutMs, error);
    }
    if (m_binaryDir.isEmpty())
        return false;
    if (m_crdDir.isEmpty()) {
        qInfo("KubeHarness: looking for Knative's CRDs through %s", qPrintable(scripts));
        m_crdDir = HarnessSupport::runScript(scripts + u"fetch-crds.sh"_s, ScriptTimeoutMs, error);
    }
    if (m_crdDir.isEmpty())
        return false;
    for (const QString& binary : { u"etcd"_s, u"kube-apiserver"_s }) {
        if (!QFileInfo(m_binaryDir + u'/' + binary).isExecutable()) {
            *error = u"no executable %1 in %2"_s.arg(binary, m_binaryDir);
            return false;
        }
    }
    qInfo("KubeHarness: binaries from %s, CRDs from %s", qPrintable(m_binaryDir), qPrintable(m_crdDir));
    return true;
}

bool KubeHarness::writeCredentials(QString* error)
{
    QFile config(path(u"openssl.cnf"_s));
    // A config of its own: the system's would add CA:TRUE to every certificate that req -x509 makes.
    if (!config.open(QIODevice::WriteOnly) || config.write("[req]\ndistinguished_name = dn\n[dn]\n") < 0) {
        *error = config.errorString();
        return false;
    }
    config.close();
    const QStringList common { u"req"_s, u"-config"_s, u"openssl.cnf"_s, u"-x509"_s, u"-days"_s, u"2"_s, u"-nodes"_s,
        u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s };
    const QStringList signedByCa { u"-CA"_s, u"ca.crt"_s, u"-CAkey"_s, u"ca.key"_s, u"-addext"_s,
        u"basicConstraints=critical,CA:FALSE"_s };
    const bool ok = runOpenssl(common
                            + QStringList { u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.crt"_s, u"-subj"_s,
                                u"/CN=meshscope-test-ca"_s, u"-addext"_s, u"basicConstraints=critical,CA:TRUE"_s,
                                u"-addext"_s, u"keyUsage=critical,keyCertSign,cRLSign"_s },
                        error)
        && runOpenssl(common + signedByCa
                + QStringList { u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.crt"_s, u"-subj"_s,
                    u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s, u"-addext"_s,
                    u"extendedKeyUsage=serverAuth"_s },
            error)
        && runOpenssl(common + signedByCa
                + QStringList { u"-keyout"_s, u"limited.key"_s, u"-out"_s, u"limited.crt"_s, u"-subj"_s,
                    u"/CN="_s + LimitedUser + u"/O=meshscope-testers"_s, u"-addext"_s,
                    u"extendedKeyUsage=clientAuth"_s },
            error)
        && runOpenssl({ u"genpkey"_s, u"-algorithm"_s, u"EC"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s, u"-out"_s,
                          u"service-account.key"_s },
            error)
        && runOpenssl(
            { u"pkey"_s, u"-in"_s, u"service-account.key"_s, u"-pubout"_s, u"-out"_s, u"service-account.pub"_s },
            error);
    if (!ok)
        return false;
    m_ca = QSslCertificate::fromPath(caFile());
    if (m_ca.isEmpty()) {
        *error = u"openssl wrote no readable CA certificate"_s;
        return false;
    }
    m_adminToken = HarnessSupport::randomHex(16);
    m_limitedToken = HarnessSupport::randomHex(16);
    QFile tokens(path(u"tokens.csv"_s));
    const QString lines = m_adminToken + u",meshscope-admin,meshscope-admin,\"system:masters\"\n"_s + m_limitedToken
        + u',' + LimitedUser + u',' + LimitedUser + u",\"meshscope-testers\"\n"_s;
    if (!tokens.open(QIODevice::WriteOnly) || tokens.write(lines.toUtf8()) < 0) {
        *error = tokens.errorString();
        return false;
    }
    return true;
}

bool KubeHarness::runOpenssl(const QStringList& args, QString* error)
{
    QProcess openssl;
    openssl.setWorkingDirectory(m_dir->path());
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(u"openssl"_s, args);
    if (!openssl.waitForStarted()) {
        *error = u"cannot run openssl (Debian package openssl): "_s + openssl.errorString();
        return false;
    }
    if (!openssl.waitForFinished(30'000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        *error = u"openssl %1 failed: %2"_s.arg(args.join(u' '), QString::fromUtf8(openssl.readAll()));
        return false;
    }
    return true;
}

std::unique_ptr<QProcess> KubeHarness::launch(const QString& program, const QStringList& args, const QString& logName)
{
    return HarnessSupport::launch(program, args, m_dir->path(), path(logName));
}

bool KubeHarness::startEtcd(QString* error)
{
    const QString client = etcdServer().toString();
    const QString peer = u"http://127.0.0.1:%1"_s.arg(m_etcdPeerPort);
    m_etcd = launch(m_binaryDir + u"/etcd"_s,
        { u"--name=meshscope"_s, u"--data-dir="_s + path(u"etcd"_s), u"--listen-client-urls="_s + client,
            u"--advertise-client-urls="_s + client, u"--listen-peer-urls="_s + peer,
            u"--initial-advertise-peer-urls="_s + peer, u"--initial-cluster=meshscope="_s + peer,
            // Test data is thrown away: fsync only slows every write down.
            u"--unsafe-no-fsync"_s, u"--log-level=warn"_s },
        u"etcd.log"_s);
    QUrl health = etcdServer();
    health.setPath(u"/health"_s);
    const bool ready = HarnessSupport::poll(
        ReadyTimeoutMs,
        [&](QString* failure) {
            if (m_etcd->state() == QProcess::NotRunning) {
                *failure = u"etcd exited: "_s + logTail(u"etcd.log"_s);
                return false;
            }
            const Reply reply = send("GET", health);
            return reply.status == 200 && reply.body.contains("\"true\"");
        },
        error);
    if (!ready && error->isEmpty())
        *error = u"etcd not healthy after %1 s: "_s.arg(ReadyTimeoutMs / 1000) + logTail(u"etcd.log"_s);
    return ready;
}

bool KubeHarness::startApiServer(QString* error)
{
    QStringList args { u"--etcd-servers="_s + etcdServer().toString(), u"--bind-address=127.0.0.1"_s,
        u"--advertise-address=127.0.0.1"_s, u"--secure-port=%1"_s.arg(m_apiPort), u"--cert-dir="_s + path(u"certs"_s),
        u"--tls-cert-file="_s + path(u"server.crt"_s), u"--tls-private-key-file="_s + path(u"server.key"_s),
        u"--client-ca-file="_s + caFile(), u"--token-auth-file="_s + path(u"tokens.csv"_s),
        u"--authorization-mode=RBAC"_s, u"--service-account-issuer="_s + server().toString(),
        u"--service-account-key-file="_s + path(u"service-account.pub"_s),
        u"--service-account-signing-key-file="_s + path(u"service-account.key"_s),
        // A flag the API server requires; nothing is ever sent to these addresses.
        u"--service-cluster-ip-range=10.0.0.0/24"_s,
        // No controller manager creates service account tokens, so pods could not be admitted with it.
        u"--disable-admission-plugins=ServiceAccount"_s,
        // No endpoints for the "kubernetes" service: nothing else here could reach it.
        u"--endpoint-reconciler-type=none"_s, u"--allow-privileged=true"_s, u"--profiling=false"_s };
    args += m_extraApiServerArgs;
    m_apiServer = launch(m_binaryDir + u"/kube-apiserver"_s, args, u"kube-apiserver.log"_s);
    const bool ready = HarnessSupport::poll(
        ReadyTimeoutMs,
        [&](QString* failure) {
            if (m_apiServer->state() == QProcess::NotRunning) {
                *failure = u"kube-apiserver exited: "_s + logTail(u"kube-apiserver.log"_s);
                return false;
            }
            return sendToApiServer("GET", u"/readyz"_s).status == 200;
        },
        error);
    if (!ready && error->isEmpty()) {
        *error = u"/readyz not 200 after %1 s: %2"_s.arg(ReadyTimeoutMs / 1000)
                     .arg(QString::fromUtf8(sendToApiServer("GET", u"/readyz?verbose"_s).body));
    }
    return ready;
}

bool KubeHarness::installRbac(QString* error)
{
    // Brokers only, so that a client sees both what it may read and a 403 for the rest.
    const QJsonObject role { { u"apiVersion"_s, u"rbac.authorization.k8s.io/v1"_s }, { u"kind"_s, u"ClusterRole"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, LimitedUser } } },
        { u"rules"_s,
            QJsonArray { QJsonObject { { u"apiGroups"_s, QJsonArray { u"eventing.knative.dev"_s } },
                { u"resources"_s, QJsonArray { u"brokers"_s } },
                { u"verbs"_s, QJsonArray { u"get"_s, u"list"_s, u"watch"_s } } } } } };
    const QJsonObject binding { { u"apiVersion"_s, u"rbac.authorization.k8s.io/v1"_s },
        { u"kind"_s, u"ClusterRoleBinding"_s }, { u"metadata"_s, QJsonObject { { u"name"_s, LimitedUser } } },
        { u"roleRef"_s,
            QJsonObject { { u"apiGroup"_s, u"rbac.authorization.k8s.io"_s }, { u"kind"_s, u"ClusterRole"_s },
                { u"name"_s, LimitedUser } } },
        { u"subjects"_s,
            QJsonArray { QJsonObject { { u"apiGroup"_s, u"rbac.authorization.k8s.io"_s }, { u"kind"_s, u"User"_s },
                { u"name"_s, LimitedUser } } } } };
    const std::array<std::pair<QString, QJsonObject>, 2> objects { {
        { u"/apis/rbac.authorization.k8s.io/v1/clusterroles"_s, role },
        { u"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"_s, binding },
    } };
    for (const auto& [collection, object] : objects) {
        const Reply reply = sendToApiServer("POST", collection, QJsonDocument(object).toJson(QJsonDocument::Compact));
        if (reply.status != 201 && reply.status != 409) {
            *error = u"POST %1: %2 %3"_s.arg(collection).arg(reply.status).arg(QString::fromUtf8(reply.body));
            return false;
        }
    }
    return true;
}

bool KubeHarness::installCrds(QString* error)
{
    m_crdNames.clear();
    m_crdGroups.clear();
    const QDir dir(m_crdDir);
    const QStringList files = dir.entryList({ u"*.yaml"_s, u"*.yml"_s }, QDir::Files, QDir::Name);
    for (const QString& name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = file.fileName() + u": "_s + file.errorString();
            return false;
        }
        const ManifestParser::YamlDocuments yaml = ManifestParser::loadYaml(file.readAll(), file.fileName());
        // Warnings are Knative's to fix (jobsink.yaml repeats a key, for instance); the API server gets the same
        // last value that kubectl would send.
        for (const SourceIssue& issue : yaml.issues) {
            if (issue.severity == SourceIssue::Severity::Error) {
                *error = issue.toString();
                return false;
            }
        }
        for (const auto& document : yaml.documents) {
            QJsonObject crd = document.value.toObject();
            if (crd.value(u"kind"_s).toString() != u"CustomResourceDefinition"_s)
                continue;
            // Knative's conversion webhooks cannot run here (no controllers, no pods): without them every list of
            // such a kind fails. Their versions differ only in what is served, so None converts well enough.
            QJsonObject spec = crd.value(u"spec"_s).toObject();
            if (spec.value(u"conversion"_s)[u"strategy"_s].toString() == u"Webhook"_s) {
                spec.insert(u"conversion"_s, QJsonObject { { u"strategy"_s, u"None"_s } });
                crd.insert(u"spec"_s, spec);
            }
            const Reply reply = sendToApiServer("POST", u"/apis/apiextensions.k8s.io/v1/customresourcedefinitions"_s,
                QJsonDocument(crd).toJson(QJsonDocument::Compact));
            if (reply.status != 201 && reply.status != 409) {
                *error = u"%1: %2 %3 %4"_s.arg(file.fileName())
                             .arg(reply.status)
                             .arg(reply.error, QString::fromUtf8(reply.body.left(2000)));
                return false;
            }
            m_crdNames.append(crd[u"metadata"][u"name"].toString());
            const QString group = crd[u"spec"][u"group"].toString();
            if (!m_crdGroups.contains(group))
                m_crdGroups.append(group);
        }
    }
    if (m_crdNames.isEmpty()) {
        *error = u"no CustomResourceDefinition in "_s + m_crdDir;
        return false;
    }
    return true;
}

// Until every CRD is Established and discovery lists every group, which is what a client looks at first.
bool KubeHarness::waitForCrds(QString* error)
{
    QStringList pending = m_crdNames;
    const bool ready = HarnessSupport::poll(
        ReadyTimeoutMs,
        [&](QString* failure) {
            if (m_apiServer->state() == QProcess::NotRunning) {
                *failure = u"kube-apiserver exited: "_s + logTail(u"kube-apiserver.log"_s);
                return false;
            }
            const Reply list = sendToApiServer("GET", u"/apis/apiextensions.k8s.io/v1/customresourcedefinitions"_s);
            if (list.status != 200)
                return false;
            QSet<QString> established;
            const QJsonArray items = QJsonDocument::fromJson(list.body)[u"items"].toArray();
            for (const QJsonValue item : items) {
                const QJsonArray conditions = item[u"status"][u"conditions"].toArray();
                for (const QJsonValue condition : conditions) {
                    if (condition[u"type"] == u"Established"_s && condition[u"status"] == u"True"_s)
                        established.insert(item[u"metadata"][u"name"].toString());
                }
            }
            pending.removeIf([&](const QString& name) { return established.contains(name); });
            if (!pending.isEmpty())
                return false;
            const Reply apis = sendToApiServer("GET", u"/apis"_s);
            QSet<QString> groups;
            const QJsonArray listed = QJsonDocument::fromJson(apis.body)[u"groups"].toArray();
            for (const QJsonValue group : listed)
                groups.insert(group[u"name"].toString());
            for (const QString& group : std::as_const(m_crdGroups)) {
                if (!groups.contains(group))
                    return false;
            }
            return true;
        },
        error);
    if (!ready && error->isEmpty()) {
        *error = pending.isEmpty() ? u"discovery does not list every group of "_s + m_crdGroups.join(u", "_s)
                                   : u"not established: "_s + pending.join(u", "_s);
    }
    return ready;
}

KubeHarness::Reply KubeHarness::send(const QByteArray& verb, const QUrl& url, const QByteArray& body)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(RequestTimeoutMs);
    return exchange(request, verb, body);
}

KubeHarness::Reply KubeHarness::sendToApiServer(
    const QByteArray& verb, const QString& pathAndQuery, const QByteArray& body)
{
    return exchange(request(pathAndQuery), verb, body);
}

KubeHarness::Reply KubeHarness::exchange(QNetworkRequest request, const QByteArray& verb, const QByteArray& body)
{
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const std::unique_ptr<QNetworkReply> reply(m_network->sendCustomRequest(request, verb, body));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    Reply result { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
        reply->error() == QNetworkReply::NoError ? QString() : reply->errorString() };
    return result;
}

QString KubeHarness::path(const QString& name) const { return m_dir ? QDir(m_dir->path()).filePath(name) : QString(); }

QString KubeHarness::logTail(const QString& logName) const { return HarnessSupport::logTail(path(logName)); }

void KubeHarness::stopProcess(std::unique_ptr<QProcess>& process) { HarnessSupport::stopProcess(process, 10'000); }

std::unique_ptr<KubeClient> KubeHarness::client(User user, const QString& ns, QString* error) const
{
    QString why;
    const QString path = writeKubeconfig(user, user == User::Admin ? u"admin.yaml"_s : u"limited.yaml"_s, ns);
    QFile file(path);
    QList<SourceIssue> issues;
    const auto config
        = file.open(QIODevice::ReadOnly) ? Kubeconfig::parse(file.readAll(), path, &issues) : std::nullopt;
    const auto context = config ? config->resolve({}, &why) : std::nullopt;
    if (!context) {
        if (error)
            *error = why.isEmpty() ? u"cannot read the kubeconfig written to "_s + path : why;
        return {};
    }
    return std::make_unique<KubeClient>(*context);
}
