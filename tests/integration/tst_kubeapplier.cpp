// SPDX-License-Identifier: Apache-2.0
// Server-side apply and delete against a real kube-apiserver with Knative's CRDs. Knative's webhooks do not run
// here, so the immutable spec.broker is caught by KubeApplier's own comparison, as it would be without them.
#include "kubeapplier.h"
#include "kubeclient.h"
#include "kubeharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString Namespace = u"meshscope-apply"_s;
const QString TriggerPath = u"/apis/eventing.knative.dev/v1/namespaces/meshscope-apply/triggers/orders"_s;

// As a user writes it: comments and an order of their own. No namespace: the context's namespace applies.
QString triggerYaml(const QString& type = u"dev.meshscope.order.created"_s, const QString& subscriber = u"orders"_s,
    const QString& broker = u"default"_s)
{
    return uR"(# the orders trigger
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: orders
spec:
  broker: %3
  filter:
    attributes:
      type: %1
  subscriber:
    ref:
      apiVersion: v1
      kind: Service
      name: %2
)"_s.arg(type, subscriber, broker);
}

// An API server stand-in on loopback that answers each HTTP method with a fixed reply: for what the harness cannot
// show, here the answer of Knative's validating webhook, which does not run there.
class ScriptedServer {
public:
    void reply(const QByteArray& method, int status, const QByteArray& body)
    {
        m_replies.insert(method, { status, body });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }

    ScriptedServer()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
            }
        });
    }

private:
    void answer(QTcpSocket* socket)
    {
        QByteArray request = socket->property("request").toByteArray() + socket->readAll();
        socket->setProperty("request", request);
        const qsizetype headerEnd = request.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray& line : request.left(headerEnd).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (request.size() < headerEnd + 4 + length)
            return;
        const auto [status, body] = m_replies.value(request.left(request.indexOf(' ')), { 500, QByteArray() });
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QByteArray, std::pair<int, QByteArray>> m_replies;
};

struct Raw {
    int status = 0;
    QJsonObject json;
};

} // namespace

class TestKubeApplier : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dryRunOfNewTrigger();
    void applyCreates();
    void dryRunOfSameDocumentIsUnchanged();
    void dryRunOfModifiedTrigger();
    void applyUpdates();
    void conflictWithoutForce();
    void conflictWithUpdateManager();
    void conflictWithForce();
    void immutableBrokerExplained();
    void invalidFieldNamed_data();
    void invalidFieldNamed();
    void strictValidation();
    void unknownKindThroughDiscovery();
    void webhookImmutableExplained();
    void newCallCancelsRunningOne();
    void removeDeletes();
    void forbiddenNamesVerbResourceNamespace_data();
    void forbiddenNamesVerbResourceNamespace();

private:
    std::unique_ptr<KubeClient> client(KubeHarness::User user);
    ApplyResult dryRun(const QString& text, KubeApplier* applier = nullptr);
    ApplyResult apply(const QString& text, bool force = false);
    ApplyResult remove(const ObjectKey& key, KubeApplier* applier = nullptr, const QString& uid = {});
    ApplyResult wait(QSignalSpy& spy);
    Raw raw(const QByteArray& verb, const QString& path, const QByteArray& body = {}, const QUrlQuery& query = {},
        const QByteArray& contentType = "application/json");
    // The managers and their operations in the live trigger's managedFields.
    QStringList managers();

    KubeHarness m_harness;
    std::unique_ptr<KubeClient> m_admin;
    std::unique_ptr<KubeApplier> m_applier;
};

void TestKubeApplier::initTestCase()
{
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
    m_admin = client(KubeHarness::User::Admin);
    QVERIFY(m_admin);
    m_applier = std::make_unique<KubeApplier>(m_admin.get());
    const QJsonObject ns { { u"apiVersion"_s, u"v1"_s }, { u"kind"_s, u"Namespace"_s },
        { u"metadata"_s, QJsonObject { { u"name"_s, Namespace } } } };
    QCOMPARE(raw("POST", u"/api/v1/namespaces"_s, QJsonDocument(ns).toJson()).status, 201);
}

void TestKubeApplier::dryRunOfNewTrigger()
{
    const ApplyResult result = dryRun(triggerYaml());
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.operation, ApplyResult::Operation::DryRun);
    QCOMPARE(result.outcome, ApplyResult::Outcome::Created);
    QCOMPARE(result.context, u"meshscope-admin"_s);
    QCOMPARE(result.key, (ObjectKey { u"eventing.knative.dev"_s, u"Trigger"_s, Namespace, u"orders"_s }));
    QCOMPARE(result.resource.qualifiedName(), u"triggers.eventing.knative.dev"_s);
    QCOMPARE(result.targetText(), u"triggers.eventing.knative.dev meshscope-apply/orders"_s);
    QVERIFY(result.live.isEmpty());
    QCOMPARE(result.result[u"metadata"][u"namespace"].toString(), Namespace);

    // Everything added, nothing the server writes for itself.
    const QStringList lines = result.diff.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0), u"--- /dev/null"_s);
    QCOMPARE(lines.value(1), u"+++ dry run"_s);
    QVERIFY(lines.value(2).startsWith(u"@@ -0,0 +1,"_s));
    for (const QString& line : lines.mid(3))
        QVERIFY2(line.startsWith(u'+'), qPrintable(line));
    QVERIFY(lines.contains(u"+  broker: default"_s));
    QVERIFY(lines.contains(u"+      type: dev.meshscope.order.created"_s));
    for (const auto* server : { "managedFields", "uid", "resourceVersion", "creationTimestamp", "generation" })
        QVERIFY2(!result.diff.contains(QLatin1StringView(server)), server);

    QCOMPARE(raw("GET", TriggerPath).status, 404); // a dry run creates nothing
}

void TestKubeApplier::applyCreates()
{
    const ApplyResult result = apply(triggerYaml());
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.outcome, ApplyResult::Outcome::Created);
    QCOMPARE(result.message, u"Created Trigger meshscope-apply/orders"_s);
    QVERIFY(result.diff.startsWith(u"--- /dev/null\n+++ applied\n"_s));
    const Raw live = raw("GET", TriggerPath);
    QCOMPARE(live.status, 200);
    QCOMPARE(live.json[u"spec"][u"subscriber"][u"ref"][u"name"].toString(), u"orders"_s);
    QCOMPARE(managers(), QStringList { u"meshscope Apply"_s });
}

void TestKubeApplier::dryRunOfSameDocumentIsUnchanged()
{
    const ApplyResult result = dryRun(triggerYaml());
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.outcome, ApplyResult::Outcome::Unchanged);
    QVERIFY(result.diff.isEmpty());
    QVERIFY(!result.live.isEmpty());
}

void TestKubeApplier::dryRunOfModifiedTrigger()
{
    const QString resourceVersion = raw("GET", TriggerPath).json[u"metadata"][u"resourceVersion"].toString();
    const ApplyResult result = dryRun(triggerYaml(u"dev.meshscope.order.shipped"_s));
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.outcome, ApplyResult::Outcome::Updated);
    QCOMPARE(result.message, u"Applying changes Trigger meshscope-apply/orders"_s);
    const QString expected = uR"(--- live
+++ dry run
@@ -7,7 +7,7 @@
   broker: default
   filter:
     attributes:
-      type: dev.meshscope.order.created
+      type: dev.meshscope.order.shipped
   subscriber:
     ref:
       apiVersion: v1
)"_s;
    QCOMPARE(result.diff, expected);
    QCOMPARE(raw("GET", TriggerPath).json[u"metadata"][u"resourceVersion"].toString(), resourceVersion);
}

void TestKubeApplier::applyUpdates()
{
    const ApplyResult result = apply(triggerYaml(u"dev.meshscope.order.shipped"_s));
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.outcome, ApplyResult::Outcome::Updated);
    QVERIFY(result.diff.contains(u"+      type: dev.meshscope.order.shipped"_s));
    QCOMPARE(raw("GET", TriggerPath).json[u"spec"][u"filter"][u"attributes"][u"type"].toString(),
        u"dev.meshscope.order.shipped"_s);
}

// Another manager ("kubectl", with kubectl apply --server-side --force-conflicts) takes spec.subscriber.
void TestKubeApplier::conflictWithoutForce()
{
    const QByteArray kubectlDocument = R"({"apiVersion":"eventing.knative.dev/v1","kind":"Trigger",
        "metadata":{"name":"orders"},"spec":{"broker":"default","subscriber":{"ref":{"apiVersion":"v1",
        "kind":"Service","name":"billing"}}}})";
    const QUrlQuery query { { u"fieldManager"_s, u"kubectl"_s }, { u"force"_s, u"true"_s } };
    QCOMPARE(raw("PATCH", TriggerPath, kubectlDocument, query, "application/apply-patch+yaml").status, 200);

    for (const bool dry : { true, false }) {
        const ApplyResult result = dry ? dryRun(triggerYaml(u"dev.meshscope.order.shipped"_s))
                                       : apply(triggerYaml(u"dev.meshscope.order.shipped"_s));
        QVERIFY(!result.ok());
        QCOMPARE(result.error.kind, KubeError::Kind::Conflict);
        QVERIFY(result.isConflict());
        QCOMPARE(result.conflicts.size(), 1);
        const ApplyConflict& conflict = result.conflicts.constFirst();
        QCOMPARE(conflict.field, u"spec.subscriber.ref.name"_s);
        QCOMPARE(conflict.manager, u"kubectl"_s);
        QVERIFY(conflict.apiVersion.isEmpty()); // an apply, not an update
        QVERIFY2(result.message.contains(u"spec.subscriber.ref.name (\"kubectl\")"_s), qPrintable(result.message));
        QVERIFY2(result.message.contains(u"force"_s), qPrintable(result.message));
        // What force would change, from a forced dry run.
        QVERIFY2(result.diff.contains(u"-      name: billing\n+      name: orders\n"_s), qPrintable(result.diff));
    }
    QCOMPARE(raw("GET", TriggerPath).json[u"spec"][u"subscriber"][u"ref"][u"name"].toString(), u"billing"_s);
}

// A field last written by an update (kubectl edit, client-side apply) names the version it was written with.
void TestKubeApplier::conflictWithUpdateManager()
{
    const QByteArray patch = R"({"spec":{"delivery":{"retry":5}}})";
    const QUrlQuery query { { u"fieldManager"_s, u"kubectl-client-side-apply"_s } };
    QCOMPARE(raw("PATCH", TriggerPath, patch, query, "application/merge-patch+json").status, 200);
    const QString text = triggerYaml(u"dev.meshscope.order.shipped"_s, u"billing"_s) + u"  delivery:\n    retry: 3\n"_s;
    const ApplyResult result = dryRun(text);
    QCOMPARE(result.error.kind, KubeError::Kind::Conflict);
    QCOMPARE(result.conflicts.size(), 1);
    QCOMPARE(result.conflicts.constFirst().field, u"spec.delivery.retry"_s);
    QCOMPARE(result.conflicts.constFirst().manager, u"kubectl-client-side-apply"_s);
    QCOMPARE(result.conflicts.constFirst().apiVersion, u"eventing.knative.dev/v1"_s);
}

void TestKubeApplier::conflictWithForce()
{
    const ApplyResult result = apply(triggerYaml(u"dev.meshscope.order.shipped"_s), true);
    QVERIFY2(result.ok(), qPrintable(result.message));
    QVERIFY(result.forced);
    QCOMPARE(result.outcome, ApplyResult::Outcome::Updated);
    QVERIFY(result.diff.contains(u"-      name: billing\n+      name: orders\n"_s));
    const Raw live = raw("GET", TriggerPath);
    QCOMPARE(live.json[u"spec"][u"subscriber"][u"ref"][u"name"].toString(), u"orders"_s);
    // meshscope now owns the subscriber; kubectl keeps only what it still shares.
    const QJsonArray entries = live.json[u"metadata"][u"managedFields"].toArray();
    for (const QJsonValue& entry : entries) {
        const QJsonObject subscriber = entry[u"fieldsV1"][u"f:spec"][u"f:subscriber"].toObject();
        if (entry[u"manager"].toString() == "meshscope"_L1)
            QVERIFY(subscriber[u"f:ref"].toObject().contains(u"f:name"_s));
        else
            QVERIFY(!subscriber[u"f:ref"].toObject().contains(u"f:name"_s));
    }
}

void TestKubeApplier::immutableBrokerExplained()
{
    const QString text = triggerYaml(u"dev.meshscope.order.shipped"_s, u"orders"_s, u"other"_s);
    for (const bool dry : { true, false }) {
        const ApplyResult result = dry ? dryRun(text) : apply(text);
        QVERIFY(!result.ok());
        QCOMPARE(result.error.kind, KubeError::Kind::Invalid);
        QCOMPARE(result.fieldErrors.size(), 1);
        const ApplyFieldError& error = result.fieldErrors.constFirst();
        QCOMPARE(error.field, u"spec.broker"_s);
        QVERIFY2(error.message.startsWith(u"spec.broker is immutable: delete and recreate the trigger"_s),
            qPrintable(error.message));
        QVERIFY2(error.message.contains(u"\"default\""_s) && error.message.contains(u"\"other\""_s),
            qPrintable(error.message));
        QCOMPARE(error.location.line, 7); // "broker:" in the document
        QCOMPARE(error.location.column, 3);
        QCOMPARE(result.message, error.message);
        QVERIFY(result.diff.contains(u"-  broker: default\n+  broker: other\n"_s));
    }
    QCOMPARE(raw("GET", TriggerPath).json[u"spec"][u"broker"].toString(), u"default"_s);
}

void TestKubeApplier::invalidFieldNamed_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("line");
    // The schema, checked as the apply builds its typed patch (HTTP 500, reclassified).
    QTest::addRow("type") << u"broker: default"_s << u"broker: 5"_s << u"spec.broker"_s
                          << u"spec.broker: expected string, got 5"_s << 7;
    // Validation proper (422 with causes).
    QTest::addRow("name") << u"name: orders"_s << u"name: Orders_1"_s << u"metadata.name"_s
                          << u"a lowercase RFC 1123 subdomain"_s << 5;
}

void TestKubeApplier::invalidFieldNamed()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, field);
    QFETCH(QString, message);
    QFETCH(int, line);
    const QString text = triggerYaml(u"dev.meshscope.order.shipped"_s).replace(from, to);
    const ApplyResult result = dryRun(text);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.kind, KubeError::Kind::Invalid);
    QVERIFY2(!result.fieldErrors.isEmpty(), qPrintable(result.message));
    const ApplyFieldError& error = result.fieldErrors.constFirst();
    QCOMPARE(error.field, field);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.location.line, line);
    QVERIFY2(
        result.message.contains(u"patch triggers.eventing.knative.dev in namespace"_s), qPrintable(result.message));
}

// Strict: a misspelt field outside the subtrees Knative leaves open is an error naming it; inside them (a
// Trigger's spec) unknown fields still pass, as the CRD preserves them.
void TestKubeApplier::strictValidation()
{
    QString misspelt = triggerYaml(u"dev.meshscope.order.shipped"_s);
    misspelt.replace(u"  name: orders\nspec:"_s, u"  name: orders\n  lables:\n    team: shop\nspec:"_s);
    const ApplyResult rejected = dryRun(misspelt);
    QVERIFY(!rejected.ok());
    QVERIFY2(!rejected.fieldErrors.isEmpty(), qPrintable(rejected.message));
    QCOMPARE(rejected.fieldErrors.constFirst().field, u"metadata.lables"_s);
    QCOMPARE(rejected.fieldErrors.constFirst().location.line, 6);

    QString twice = triggerYaml(u"dev.meshscope.order.shipped"_s);
    twice.replace(u"  broker: default\n"_s, u"  broker: default\n  broker: default\n"_s);
    const ApplyResult duplicate = dryRun(twice);
    QCOMPARE(duplicate.error.kind, KubeError::Kind::Invalid);
    QCOMPARE(duplicate.fieldErrors.size(), 1);
    QCOMPARE(duplicate.fieldErrors.constFirst().message, u"\"broker\" is given twice in one mapping"_s);
    QCOMPARE(duplicate.fieldErrors.constFirst().location.line, 8);
    QCOMPARE(duplicate.fieldErrors.constFirst().location.column, 3);

    const QString preserved = triggerYaml(u"dev.meshscope.order.shipped"_s) + u"  futureField: kept\n"_s;
    const ApplyResult accepted = dryRun(preserved);
    QVERIFY2(accepted.ok(), qPrintable(accepted.message));
    QVERIFY(accepted.diff.contains(u"+  futureField: kept\n"_s));
}

void TestKubeApplier::unknownKindThroughDiscovery()
{
    const QString configMap = u"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n"_s;
    const ApplyResult created = apply(configMap);
    QVERIFY2(created.ok(), qPrintable(created.message));
    QCOMPARE(created.resource.plural, u"configmaps"_s);
    QCOMPARE(created.outcome, ApplyResult::Outcome::Created);
    QCOMPARE(raw("GET", u"/api/v1/namespaces/meshscope-apply/configmaps/settings"_s).status, 200);

    const QString eventType = u"apiVersion: eventing.knative.dev/v1beta2\nkind: EventType\nmetadata:\n"
                              u"  name: order-created\nspec:\n  type: dev.meshscope.order.created\n"_s;
    const ApplyResult knative = dryRun(eventType);
    QVERIFY2(knative.ok(), qPrintable(knative.message));
    QCOMPARE(knative.resource.qualifiedName(), u"eventtypes.eventing.knative.dev"_s);

    const ApplyResult unknownKind
        = dryRun(u"apiVersion: eventing.knative.dev/v1\nkind: Gizmo\nmetadata:\n  name: g\n"_s);
    QVERIFY(!unknownKind.ok());
    QCOMPARE(unknownKind.message,
        u"The cluster of context \"meshscope-admin\" serves no kind Gizmo in eventing.knative.dev/v1"_s);
    const ApplyResult unknownGroup = dryRun(u"apiVersion: example.com/v9\nkind: Gizmo\nmetadata:\n  name: g\n"_s);
    QCOMPARE(unknownGroup.error.kind, KubeError::Kind::NotFound);
    QCOMPARE(unknownGroup.message, u"The cluster of context \"meshscope-admin\" does not serve example.com/v9"_s);

    const ApplyResult twoDocuments = dryRun(configMap + u"---\n"_s + configMap);
    QCOMPARE(twoDocuments.message, u"The text holds 2 documents: apply them one at a time"_s);
    const ApplyResult nameless = dryRun(u"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n"_s);
    QCOMPARE(nameless.fieldErrors.size(), 1);
    QCOMPARE(nameless.fieldErrors.constFirst().field, u"metadata.name"_s);
    QCOMPARE(nameless.fieldErrors.constFirst().location.line, 3);
}

void TestKubeApplier::webhookImmutableExplained()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.reply("GET", 200,
        R"({"apiVersion":"eventing.knative.dev/v1","kind":"Trigger","metadata":{"name":"orders","namespace":"shop"},
            "spec":{"broker":"default"}})");
    // As kube-apiserver passes on the denial of Knative's webhook (knative.dev/pkg webhook: 400 BadRequest).
    server.reply("PATCH", 400,
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"admission webhook \"validation.webhook.eventing.knative.dev\" denied the request: validation failed: Immutable fields changed (-old +new): spec.broker\n{string}:\n\t-: \"default\"\n\t+: \"other\"\n","reason":"BadRequest","code":400})");
    ResolvedContext context;
    context.context.name = u"with-webhooks"_s;
    context.context.ns = u"shop"_s;
    context.cluster.server = server.url();
    KubeClient client(context);
    KubeApplier applier(&client);
    const ApplyResult result = dryRun(triggerYaml(u"dev.meshscope.order.created"_s, u"orders"_s, u"other"_s), &applier);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.kind, KubeError::Kind::Invalid);
    QCOMPARE(result.fieldErrors.size(), 1);
    QCOMPARE(result.fieldErrors.constFirst().field, u"spec.broker"_s);
    QCOMPARE(result.fieldErrors.constFirst().message, u"spec.broker is immutable: delete and recreate the trigger"_s);
    QCOMPARE(result.fieldErrors.constFirst().location.line, 7);
    QCOMPARE(result.message,
        u"Invalid: patch triggers.eventing.knative.dev in namespace \"shop\": spec.broker is immutable: delete and "
        u"recreate the trigger"_s);
    QVERIFY(result.error.status.value(u"message"_s).toString().contains(u"admission webhook"_s));
}

void TestKubeApplier::newCallCancelsRunningOne()
{
    QSignalSpy spy(m_applier.get(), &KubeApplier::dryRunFinished);
    m_applier->dryRun(triggerYaml());
    QVERIFY(m_applier->isBusy());
    m_applier->dryRun(triggerYaml(u"dev.meshscope.order.shipped"_s));
    QCOMPARE(spy.size(), 1);
    QCOMPARE(qvariant_cast<ApplyResult>(spy.at(0).at(0)).error.kind, KubeError::Kind::Cancelled);
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, 30'000);
    const ApplyResult second = qvariant_cast<ApplyResult>(spy.at(1).at(0));
    QVERIFY2(second.ok(), qPrintable(second.message));
    QCOMPARE(second.outcome, ApplyResult::Outcome::Unchanged);
    QVERIFY(!m_applier->isBusy());

    m_applier->dryRun(triggerYaml());
    m_applier->cancel();
    QCOMPARE(spy.size(), 3);
    QCOMPARE(qvariant_cast<ApplyResult>(spy.at(2).at(0)).error.kind, KubeError::Kind::Cancelled);
    QTest::qWait(100); // the aborted call's answer must not surface as another signal
    QCOMPARE(spy.size(), 3);
}

void TestKubeApplier::removeDeletes()
{
    const QString uid = raw("GET", TriggerPath).json[u"metadata"][u"uid"].toString();
    QVERIFY(!uid.isEmpty());
    const ObjectKey key { u"eventing.knative.dev"_s, u"Trigger"_s, Namespace, u"orders"_s };
    // The uid precondition: a trigger recreated since the user looked at it is not deleted.
    const ApplyResult stale = remove(key, nullptr, u"00000000-0000-0000-0000-000000000000"_s);
    QCOMPARE(stale.error.kind, KubeError::Kind::Conflict);
    QCOMPARE(raw("GET", TriggerPath).status, 200);

    const ApplyResult deleted = remove(key, nullptr, uid);
    QVERIFY2(deleted.ok(), qPrintable(deleted.message));
    QCOMPARE(deleted.operation, ApplyResult::Operation::Delete);
    QCOMPARE(deleted.outcome, ApplyResult::Outcome::Deleted);
    QCOMPARE(deleted.message, u"Deleted Trigger meshscope-apply/orders"_s);
    QCOMPARE(raw("GET", TriggerPath).status, 404);

    const ApplyResult again = remove(key);
    QVERIFY(!again.ok());
    QCOMPARE(again.error.kind, KubeError::Kind::NotFound);
    QVERIFY2(again.message.contains(u"delete triggers.eventing.knative.dev in namespace \"meshscope-apply\""_s),
        qPrintable(again.message));
}

void TestKubeApplier::forbiddenNamesVerbResourceNamespace_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("expected");
    // Triggers may not even be read; brokers may be read but not written.
    QTest::addRow("dry run of a trigger")
        << u"trigger"_s
        << u"Forbidden: not allowed to get triggers.eventing.knative.dev in namespace \"meshscope-apply\""_s;
    QTest::addRow("dry run of a broker")
        << u"broker"_s
        << u"Forbidden: not allowed to patch brokers.eventing.knative.dev in namespace \"meshscope-apply\""_s;
    QTest::addRow("delete of a broker")
        << u"delete"_s
        << u"Forbidden: not allowed to delete brokers.eventing.knative.dev in namespace \"meshscope-apply\""_s;
}

void TestKubeApplier::forbiddenNamesVerbResourceNamespace()
{
    QFETCH(QString, operation);
    QFETCH(QString, expected);
    const auto limited = client(KubeHarness::User::Limited);
    QVERIFY(limited);
    KubeApplier applier(limited.get());
    const QString broker = u"apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata:\n  name: default\n"_s;
    ApplyResult result;
    if (operation == "trigger"_L1)
        result = dryRun(triggerYaml(), &applier);
    else if (operation == "broker"_L1)
        result = dryRun(broker, &applier);
    else
        result = remove({ u"eventing.knative.dev"_s, u"Broker"_s, Namespace, u"default"_s }, &applier);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.kind, KubeError::Kind::Forbidden);
    QVERIFY2(result.message.startsWith(expected), qPrintable(result.message));
    QCOMPARE(result.context, u"meshscope-limited"_s);
}

std::unique_ptr<KubeClient> TestKubeApplier::client(KubeHarness::User user)
{
    QString error;
    auto client = m_harness.client(user, Namespace, &error);
    if (!client)
        qWarning("%s", qPrintable(error));
    return client;
}

ApplyResult TestKubeApplier::dryRun(const QString& text, KubeApplier* applier)
{
    applier = applier ? applier : m_applier.get();
    QSignalSpy spy(applier, &KubeApplier::dryRunFinished);
    applier->dryRun(text);
    return wait(spy);
}

ApplyResult TestKubeApplier::apply(const QString& text, bool force)
{
    QSignalSpy spy(m_applier.get(), &KubeApplier::applyFinished);
    m_applier->apply(text, force);
    return wait(spy);
}

ApplyResult TestKubeApplier::remove(const ObjectKey& key, KubeApplier* applier, const QString& uid)
{
    applier = applier ? applier : m_applier.get();
    QSignalSpy spy(applier, &KubeApplier::removeFinished);
    applier->remove(key, {}, uid);
    return wait(spy);
}

ApplyResult TestKubeApplier::wait(QSignalSpy& spy)
{
    if (spy.isEmpty() && !spy.wait(30'000))
        return {};
    if (spy.size() != 1)
        qWarning("%lld results for one call", qlonglong(spy.size()));
    return qvariant_cast<ApplyResult>(spy.constFirst().constFirst());
}

Raw TestKubeApplier::raw(const QByteArray& verb, const QString& path, const QByteArray& body, const QUrlQuery& query,
    const QByteArray& contentType)
{
    KubeRequest request;
    request.verb = verb;
    request.path = path;
    request.query = query;
    request.body = body;
    if (!body.isEmpty())
        request.contentType = contentType;
    KubeCall* call = m_admin->send(request);
    QSignalSpy spy(call, &KubeCall::finished);
    if (!spy.wait(30'000))
        return {};
    const auto response = qvariant_cast<KubeResponse>(spy.constFirst().constFirst());
    if (!response.ok() && response.httpStatus != 404)
        qWarning("%s %s: %s", verb.constData(), qPrintable(path), qPrintable(response.error.message));
    return { response.httpStatus, QJsonDocument::fromJson(response.body).object() };
}

QStringList TestKubeApplier::managers()
{
    QStringList result;
    const QJsonArray entries = raw("GET", TriggerPath).json[u"metadata"][u"managedFields"].toArray();
    for (const QJsonValue& entry : entries)
        result.append(entry[u"manager"].toString() + u' ' + entry[u"operation"].toString());
    return result;
}

QTEST_GUILESS_MAIN(TestKubeApplier)
#include "tst_kubeapplier.moc"
