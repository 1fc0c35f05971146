// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class KubeClient;

class QNetworkAccessManager;
class QProcess;
class QTemporaryDir;

// A real kube-apiserver backed by etcd on loopback with free ports, with Knative's CRDs installed, started and
// stopped by a test the way controller-runtime's envtest does it. The binaries and CRDs come from
// tests/harness/kube/build-binaries.sh and fetch-crds.sh (built or fetched once, then cached); nothing else is
// downloaded. Everything runs in a temporary folder that goes away with the harness; the processes are killed by
// stop(), by the destructor, and by the kernel if the test process dies first.
//
// Two users: "meshscope-admin" (static token, group system:masters) and "meshscope-limited" (client certificate,
// also a static token) whom RBAC lets only get, list and watch eventing.knative.dev brokers, for the 403 paths.
// Knative's controllers do not run: nothing writes status unless a test does.
//
// The calls block in a local event loop while they wait. Use the harness from the main thread: the kernel's
// parent-death signal is tied to the thread that started the processes.
class KubeHarness {
public:
    enum class User { Admin, Limited };

    KubeHarness();
    ~KubeHarness();
    KubeHarness(const KubeHarness&) = delete;
    KubeHarness& operator=(const KubeHarness&) = delete;

    // Added to kube-apiserver's command line at the next start() or restartApiServer() (e.g. "--watch-cache=false"
    // so that watches read etcd directly and a compaction shows as 410 Gone).
    void setExtraApiServerArgs(const QStringList& args);

    // Certificates, etcd, kube-apiserver, then the CRDs, each waited for until ready. False with a reason when
    // anything fails; whatever was started is stopped again.
    bool start(QString* error);
    // Kills both processes and removes the temporary folder. Safe to call again.
    void stop();
    bool isRunning() const;

    // Stops kube-apiserver and starts it again on the same port with the same etcd, and waits until it is ready
    // and serves the CRDs again.
    bool restartApiServer(QString* error);
    // Compacts etcd at its current revision: every older resourceVersion is gone. The API server answers 410 Gone
    // for them only where it reads etcd: with its watch cache on (the default) it keeps serving recent versions
    // from memory, so a test that needs a 410 starts it with "--watch-cache=false". A watch from the revision just
    // before the current one still starts (it begins after it) but fails for want of the previous object.
    bool compact(QString* error);
    // etcd's current revision, which is the API server's newest resourceVersion; -1 when etcd does not answer.
    qint64 etcdRevision();

    QUrl server() const;
    QUrl etcdServer() const;
    QString adminToken() const;
    QString limitedToken() const;
    static QString limitedUserName();
    QString caFile() const;
    QString limitedCertFile() const;
    QString limitedKeyFile() const;
    // The folders the binaries and the CRD files were taken from.
    QString binaryDir() const;
    QString crdDir() const;
    // The CRDs installed by start(), by name ("brokers.eventing.knative.dev").
    QStringList installedCrds() const;
    // Process ids of etcd and kube-apiserver while they run.
    QList<qint64> processIds() const;

    // Trusts only the harness's CA; for User::Limited it presents the limited user's client certificate.
    QSslConfiguration sslConfiguration(User user) const;
    // A request for path (and query) on the API server with TLS set up and, for the admin, the bearer token.
    // QNetworkAccessManager reuses an open connection to the same host whatever the client certificate of the
    // request: send each user's requests through a manager of their own.
    QNetworkRequest request(const QString& pathAndQuery, User user = User::Admin) const;
    // Writes a kubeconfig with one cluster, the given user and a context for namespace that is current. fileName
    // relative to the harness's temporary folder, or absolute. Returns the path, empty when it cannot be written.
    QString writeKubeconfig(User user, const QString& fileName = QString(), const QString& ns = QString()) const;
    // A client as the app makes one: a kubeconfig for user and namespace written (admin.yaml or limited.yaml),
    // parsed and resolved. Null, with *error, when that fails.
    std::unique_ptr<KubeClient> client(User user, const QString& ns, QString* error = nullptr) const;

private:
    struct Reply {
        int status = 0;
        QByteArray body;
        QString error;
    };
    bool locateInputs(QString* error);
    bool writeCredentials(QString* error);
    bool startEtcd(QString* error);
    bool startApiServer(QString* error);
    bool installRbac(QString* error);
    bool installCrds(QString* error);
    bool waitForCrds(QString* error);
    std::unique_ptr<QProcess> launch(const QString& program, const QStringList& args, const QString& logName);
    bool runOpenssl(const QStringList& args, QString* error);
    Reply send(const QByteArray& verb, const QUrl& url, const QByteArray& body = QByteArray());
    Reply sendToApiServer(const QByteArray& verb, const QString& pathAndQuery, const QByteArray& body = QByteArray());
    Reply exchange(QNetworkRequest request, const QByteArray& verb, const QByteArray& body);
    QString path(const QString& name) const;
    QString logTail(const QString& logName) const;
    static void stopProcess(std::unique_ptr<QProcess>& process);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<QProcess> m_etcd;
    std::unique_ptr<QProcess> m_apiServer;
    QString m_binaryDir;
    QString m_crdDir;
    QStringList m_extraApiServerArgs;
    QStringList m_crdNames;
    QStringList m_crdGroups;
    QString m_adminToken;
    QString m_limitedToken;
    QList<QSslCertificate> m_ca;
    quint16 m_apiPort = 0;
    quint16 m_etcdClientPort = 0;
    quint16 m_etcdPeerPort = 0;
};
