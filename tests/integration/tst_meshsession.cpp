// SPDX-License-Identifier: Apache-2.0
#include "kubeclient.h"
#include "kubeharness.h"
#include "kubesource.h"
#include "meshsession.h"
#include "objectstore.h"
#include "topologygraph.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject object(const QString& apiVersion, const QString& kind, const QString& ns, const QString& name,
    const QJsonObject& spec = {})
{
    QJsonObject metadata { { u"name"_s, name } };
    if (!ns.isEmpty())
        metadata.insert(u"namespace"_s, ns);
    QJsonObject result { { u"apiVersion"_s, apiVersion }, { u"kind"_s, kind }, { u"metadata"_s, metadata } };
    if (!spec.isEmpty())
        result.insert(u"spec"_s, spec);
    return result;
}

QJsonObject trigger(const QString& ns, const QString& name)
{
    return object(u"eventing.knative.dev/v1"_s, u"Trigger"_s, ns, name,
        { { u"broker"_s, u"default"_s },
            { u"subscriber"_s,
                QJsonObject { { u"ref"_s,
                    QJsonObject {
                        { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Service"_s }, { u"name"_s, name } } } } } });
}

QStringList names(const ObjectStore* store, ObjectKind kind)
{
    QStringList result;
    const auto objects = store->objects(kind);
    for (const auto& object : objects)
        result.append(object->key.ns + u'/' + object->key.name);
    result.sort();
    return result;
}

} // namespace

// The session as the window drives it: a kubeconfig of two files (KUBECONFIG), contexts of two users, and the
// namespaces switched while it runs, against a real kube-apiserver.
class TestMeshSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        QVERIFY(m_dir.isValid());
        KubeClient client(resolvedAdmin());
        for (const QString& ns : { u"team-a"_s, u"team-b"_s }) {
            QCOMPARE(create(client, u"/api/v1/namespaces"_s, object(u"v1"_s, u"Namespace"_s, {}, ns)), 201);
            const QString base = u"/apis/eventing.knative.dev/v1/namespaces/"_s + ns;
            QCOMPARE(create(client, base + u"/brokers"_s,
                         object(u"eventing.knative.dev/v1"_s, u"Broker"_s, ns, u"default"_s)),
                201);
            QCOMPARE(create(client, base + u"/triggers"_s, trigger(ns, ns + u"-orders"_s)), 201);
        }

        // Two files as KUBECONFIG lists them: the first holds the admin and is current, the second adds the
        // limited user and an insecure context.
        const QString admin
            = m_harness.writeKubeconfig(KubeHarness::User::Admin, m_dir.filePath(u"admin.yaml"_s), u"team-a"_s);
        QString limited = QString::fromUtf8(read(
            m_harness.writeKubeconfig(KubeHarness::User::Limited, m_dir.filePath(u"limited.yaml"_s), u"team-b"_s)));
        limited.replace(u"contexts:\n"_s,
            u"contexts:\n- name: insecure\n  context:\n    cluster: insecure\n    user: meshscope-limited\n"_s);
        limited.replace(u"clusters:\n"_s,
            u"clusters:\n- name: insecure\n  cluster:\n    server: \""_s + m_harness.server().toString()
                + u"\"\n    insecure-skip-tls-verify: true\n"_s);
        write(m_dir.filePath(u"limited.yaml"_s), limited.toUtf8());
        qputenv("KUBECONFIG", (admin + u':' + m_dir.filePath(u"limited.yaml"_s)).toUtf8());
    }

    void contextsFromEveryFile()
    {
        MeshSession session;
        QString error;
        QVERIFY2(session.loadKubeconfig({}, &error), qPrintable(error));
        QCOMPARE(session.kubeconfig()->contextNames(),
            (QStringList { u"insecure"_s, u"meshscope-admin"_s, u"meshscope-limited"_s }));
        // the first file to set current-context wins
        QCOMPARE(session.kubeconfig()->currentContext(), u"meshscope-admin"_s);
    }

    void switchesNamespacesAndContexts()
    {
        MeshSession session;
        QString error;
        QVERIFY2(session.loadKubeconfig({}, &error), qPrintable(error));
        QSignalSpy changed(&session, &MeshSession::clusterChanged);

        QVERIFY2(session.connectCluster({}, { u"team-a"_s }, &error), qPrintable(error));
        QCOMPARE(session.clusterContext(), u"meshscope-admin"_s);
        QVERIFY(!session.client()->isInsecure());
        QTRY_VERIFY_WITH_TIMEOUT(session.cluster()->isSynced(), 20'000);
        QCOMPARE(names(session.store(), ObjectKind::Trigger), QStringList { u"team-a/team-a-orders"_s });
        QVERIFY(session.graph()->node(
            ObjectKey { u"eventing.knative.dev"_s, u"Trigger"_s, u"team-a"_s, u"team-a-orders"_s }.toString()));
        QTRY_VERIFY(session.clusterNamespaces().contains(u"team-b"_s));

        // several namespaces
        QVERIFY2(session.connectCluster({}, { u"team-a"_s, u"team-b"_s }, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(session.cluster()->isSynced(), 20'000);
        QCOMPARE(names(session.store(), ObjectKind::Trigger),
            (QStringList { u"team-a/team-a-orders"_s, u"team-b/team-b-orders"_s }));

        // one again: the other namespace's objects leave the graph
        QVERIFY2(session.connectCluster({}, { u"team-b"_s }, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(session.cluster()->isSynced(), 20'000);
        QCOMPARE(names(session.store(), ObjectKind::Trigger), QStringList { u"team-b/team-b-orders"_s });
        QVERIFY(!session.graph()->node(
            ObjectKey { u"eventing.knative.dev"_s, u"Trigger"_s, u"team-a"_s, u"team-a-orders"_s }.toString()));

        // all namespaces
        QVERIFY2(session.connectCluster({}, {}, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(session.cluster()->isSynced(), 20'000);
        QCOMPARE(names(session.store(), ObjectKind::Trigger),
            (QStringList { u"team-a/team-a-orders"_s, u"team-b/team-b-orders"_s }));

        // another context, another identity: brokers sync, triggers are forbidden and say so
        QVERIFY2(session.connectCluster(u"meshscope-limited"_s, { u"team-b"_s }, &error), qPrintable(error));
        QCOMPARE(session.clusterContext(), u"meshscope-limited"_s);
        QTRY_VERIFY_WITH_TIMEOUT(session.cluster()->kindState(ObjectKind::Trigger).has_value()
                && session.cluster()->kindState(ObjectKind::Trigger)->state == KubeInformer::State::Forbidden,
            20'000);
        const QString message = session.cluster()->kindState(ObjectKind::Trigger)->message;
        QVERIFY2(
            message.contains(u"list triggers.eventing.knative.dev in namespace \"team-b\""_s), qPrintable(message));
        QTRY_COMPARE_WITH_TIMEOUT(
            session.cluster()->kindState(ObjectKind::Broker)->state, KubeInformer::State::Synced, 20'000);
        QTRY_COMPARE(names(session.store(), ObjectKind::Broker), QStringList { u"team-b/default"_s });
        QCOMPARE(names(session.store(), ObjectKind::Trigger), QStringList());

        QVERIFY2(session.connectCluster(u"insecure"_s, { u"team-b"_s }, &error), qPrintable(error));
        QVERIFY(session.client()->isInsecure());
        QTRY_COMPARE_WITH_TIMEOUT(
            session.cluster()->kindState(ObjectKind::Broker)->state, KubeInformer::State::Synced, 20'000);

        QVERIFY(session.connectCluster(u"no-such-context"_s, {}, &error) == false);
        QVERIFY2(error.contains(u"no-such-context"_s), qPrintable(error));
        QCOMPARE(session.clusterContext(), u"insecure"_s); // a failed switch keeps what was shown

        session.disconnectCluster();
        QVERIFY(!session.cluster());
        QCOMPARE(session.store()->size(), 0);
        QVERIFY(changed.size() >= 7);
    }

    void explicitKubeconfigMustExist()
    {
        MeshSession session;
        QString error;
        QVERIFY(!session.loadKubeconfig(m_dir.filePath(u"missing.yaml"_s), &error));
        QVERIFY2(error.contains(u"missing.yaml"_s), qPrintable(error));
    }

    void cleanupTestCase() { m_harness.stop(); }

private:
    ResolvedContext resolvedAdmin()
    {
        const QString file = m_harness.writeKubeconfig(KubeHarness::User::Admin, m_dir.filePath(u"setup.yaml"_s));
        QList<SourceIssue> issues;
        const auto config = Kubeconfig::parse(read(file), file, &issues);
        QString error;
        return *config->resolve({}, &error);
    }

    static QByteArray read(const QString& fileName)
    {
        QFile file(fileName);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static void write(const QString& fileName, const QByteArray& content)
    {
        QFile file(fileName);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write(content);
    }

    static int create(KubeClient& client, const QString& path, const QJsonObject& body)
    {
        KubeRequest request;
        request.verb = "POST";
        request.path = path;
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.contentType = "application/json";
        KubeCall* call = client.send(request);
        QSignalSpy finished(call, &KubeCall::finished);
        if (!finished.wait(20'000))
            return 0;
        return finished.at(0).at(0).value<KubeResponse>().httpStatus;
    }

    KubeHarness m_harness;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestMeshSession)
#include "tst_meshsession.moc"
