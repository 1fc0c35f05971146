// SPDX-License-Identifier: Apache-2.0
#include "kubeharness.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString Namespace = u"meshscope-test"_s;

struct Response {
    int status = 0;
    QJsonObject json;
    QByteArray body;
};

QJsonObject broker()
{
    return QJsonObject { { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Broker"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, u"default"_s }, { u"namespace"_s, Namespace } } },
        { u"spec"_s, QJsonObject {} } };
}

QJsonObject trigger()
{
    const QJsonObject spec { { u"broker"_s, u"default"_s },
        { u"filter"_s,
            QJsonObject { { u"attributes"_s, QJsonObject { { u"type"_s, u"dev.meshscope.order.created"_s } } } } },
        { u"subscriber"_s,
            QJsonObject { { u"ref"_s,
                QJsonObject {
                    { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Service"_s }, { u"name"_s, u"orders"_s } } } } } };
    return QJsonObject { { u"apiVersion"_s, u"eventing.knative.dev/v1"_s }, { u"kind"_s, u"Trigger"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, u"orders"_s }, { u"namespace"_s, Namespace } } },
        { u"spec"_s, spec } };
}

} // namespace

class TestKubeHarness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        qInfo("harness started in %lld ms", timer.elapsed());
        QVERIFY(m_harness.isRunning());
        const QJsonObject ns { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
            { u"metadata"_s, QJsonObject { { u"name"_s, Namespace } } } };
        QCOMPARE(call("POST", u"/api/v1/namespaces"_s, ns).status, 201);
    }

    void discoveryListsKnative()
    {
        const Response apis = call("GET", u"/apis"_s);
        QCOMPARE(apis.status, 200);
        QStringList groups;
        const QJsonArray listed = apis.json.value(u"groups"_s).toArray();
        for (const QJsonValue group : listed)
            groups.append(group[u"name"].toString());
        for (const QString& expected : { u"eventing.knative.dev"_s, u"serving.knative.dev"_s,
                 u"messaging.knative.dev"_s, u"sources.knative.dev"_s, u"flows.knative.dev"_s }) {
            QVERIFY2(groups.contains(expected), qPrintable(expected));
        }
        QVERIFY(m_harness.installedCrds().contains(u"kafkasinks.eventing.knative.dev"_s));
    }

    void createAndReadBack()
    {
        const QString brokers = u"/apis/eventing.knative.dev/v1/namespaces/%1/brokers"_s.arg(Namespace);
        const QString triggers = u"/apis/eventing.knative.dev/v1/namespaces/%1/triggers"_s.arg(Namespace);
        QCOMPARE(call("POST", brokers, broker()).status, 201);
        const Response created = call("POST", triggers, trigger());
        QCOMPARE(created.status, 201);
        m_triggerUid = created.json[u"metadata"][u"uid"].toString();
        QVERIFY(!m_triggerUid.isEmpty());

        const Response readBroker = call("GET", brokers + u"/default"_s);
        QCOMPARE(readBroker.status, 200);
        QCOMPARE(readBroker.json[u"metadata"][u"name"].toString(), u"default"_s);
        const Response readTrigger = call("GET", triggers + u"/orders"_s);
        QCOMPARE(readTrigger.status, 200);
        QCOMPARE(readTrigger.json.value(u"spec"_s).toObject(), trigger().value(u"spec"_s).toObject());
        const Response list = call("GET", triggers);
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json.value(u"items"_s).toArray().size(), 1);
    }

    // The client certificate authenticates (brokers may be listed) and RBAC forbids the rest.
    void limitedUserIsForbidden()
    {
        const QString base = u"/apis/eventing.knative.dev/v1/namespaces/%1/"_s.arg(Namespace);
        const Response allowed = call("GET", base + u"brokers"_s, {}, KubeHarness::User::Limited);
        QVERIFY2(allowed.status == 200, allowed.body.constData());
        const Response forbidden = call("GET", base + u"triggers"_s, {}, KubeHarness::User::Limited);
        QCOMPARE(forbidden.status, 403);
        QCOMPARE(forbidden.json.value(u"reason"_s).toString(), u"Forbidden"_s);
        const QString message = forbidden.json.value(u"message"_s).toString();
        QVERIFY2(message.contains(KubeHarness::limitedUserName()) && message.contains(u"cannot list"_s)
                && message.contains(Namespace),
            qPrintable(message));

        QNetworkRequest withToken = m_harness.request(base + u"triggers"_s, KubeHarness::User::Limited);
        withToken.setRawHeader("Authorization", "Bearer " + m_harness.limitedToken().toLatin1());
        QCOMPARE(call(withToken, "GET", {}, KubeHarness::User::Limited).status, 403);
    }

    void kubeconfigNamesTheServer()
    {
        const QString path = m_harness.writeKubeconfig(KubeHarness::User::Limited, u"limited.yaml"_s, Namespace);
        QVERIFY(QFileInfo(path).isAbsolute());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(m_harness.server().toString()));
        QVERIFY(text.contains(m_harness.limitedKeyFile()));
        QVERIFY(text.contains(u"current-context: meshscope-limited"_s));
    }

    // Restarted without the watch cache, so that reads at an old resourceVersion go to etcd (see the next test).
    void restartKeepsObjects()
    {
        const QList<qint64> before = m_harness.processIds();
        m_harness.setExtraApiServerArgs({ u"--watch-cache=false"_s });
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(m_harness.restartApiServer(&error), qPrintable(error));
        qInfo("kube-apiserver restarted in %lld ms", timer.elapsed());
        QCOMPARE(m_harness.processIds().size(), 2);
        QVERIFY(m_harness.processIds() != before);
        const Response trigger
            = call("GET", u"/apis/eventing.knative.dev/v1/namespaces/%1/triggers/orders"_s.arg(Namespace));
        QCOMPARE(trigger.status, 200);
        QCOMPARE(trigger.json[u"metadata"][u"uid"].toString(), m_triggerUid);
    }

    // With the watch cache off, a list or a watch at a resourceVersion from before the compaction gets 410 Gone.
    void compactionExpiresOldVersions()
    {
        const QString configMaps = u"/api/v1/namespaces/%1/configmaps"_s.arg(Namespace);
        QJsonObject configMap { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"ConfigMap"_s },
            { u"metadata"_s, QJsonObject { { u"name"_s, u"counter"_s } } },
            { u"data"_s, QJsonObject { { u"n"_s, u"0"_s } } } };
        const Response created = call("POST", configMaps, configMap);
        QCOMPARE(created.status, 201);
        const QString oldVersion = created.json[u"metadata"][u"resourceVersion"].toString();
        // Two changes: a watch from oldVersion starts at the revision after it, which must be compacted too.
        configMap = created.json;
        for (const QString& n : { u"1"_s, u"2"_s }) {
            configMap[u"data"_s] = QJsonObject { { u"n"_s, n } };
            const Response updated = call("PUT", configMaps + u"/counter"_s, configMap);
            QCOMPARE(updated.status, 200);
            configMap = updated.json;
        }
        QString error;
        QVERIFY2(m_harness.compact(&error), qPrintable(error));
        QCOMPARE(m_harness.etcdRevision(), configMap[u"metadata"][u"resourceVersion"].toString().toLongLong());

        const QString atOldVersion = u"resourceVersion=%1"_s.arg(oldVersion);
        QCOMPARE(call("GET", configMaps + u"?resourceVersionMatch=Exact&"_s + atOldVersion).status, 410);
        const Response watch = call("GET", configMaps + u"?watch=1&timeoutSeconds=10&"_s + atOldVersion);
        QCOMPARE(watch.status, 200);
        const QJsonObject event = QJsonDocument::fromJson(watch.body.split('\n').value(0)).object();
        QCOMPARE(event.value(u"type"_s).toString(), u"ERROR"_s);
        QCOMPARE(event[u"object"][u"code"].toInt(), 410);
    }

    void stopEndsTheProcesses()
    {
        const QList<qint64> ids = m_harness.processIds();
        QCOMPARE(ids.size(), 2);
        const QString ca = m_harness.caFile();
        m_harness.stop();
        QVERIFY(!m_harness.isRunning());
        QVERIFY(m_harness.processIds().isEmpty());
        for (const qint64 id : ids) {
            // The harness reaped them: the ids are free again, unless reused by then.
            errno = 0;
            QVERIFY2(::kill(pid_t(id), 0) == -1 && errno == ESRCH, qPrintable(QString::number(id)));
        }
        QVERIFY(!QFile::exists(ca));
    }

private:
    Response call(const QByteArray& verb, const QString& path, const QJsonObject& body = {},
        KubeHarness::User user = KubeHarness::User::Admin)
    {
        return call(m_harness.request(path, user), verb, body, user);
    }

    Response call(QNetworkRequest request, const QByteArray& verb, const QJsonObject& body = {},
        KubeHarness::User user = KubeHarness::User::Admin)
    {
        QByteArray payload;
        if (!body.isEmpty()) {
            payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        }
        QNetworkAccessManager& network = user == KubeHarness::User::Admin ? m_network : m_limitedNetwork;
        std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, verb, payload));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(30'000))
            qWarning("%s %s: no answer", verb.constData(), qPrintable(request.url().toString()));
        Response response;
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        response.body = reply->readAll();
        response.json = QJsonDocument::fromJson(response.body).object();
        if (response.status == 0)
            qWarning(
                "%s %s: %s", verb.constData(), qPrintable(request.url().toString()), qPrintable(reply->errorString()));
        return response;
    }

    KubeHarness m_harness;
    // One manager per user: QNetworkAccessManager reuses a connection to the same host whatever the request's
    // client certificate, so the limited user's requests would go out on the admin's connection.
    QNetworkAccessManager m_network;
    QNetworkAccessManager m_limitedNetwork;
    QString m_triggerUid;
};

QTEST_GUILESS_MAIN(TestKubeHarness)
#include "tst_kubeharness.moc"
