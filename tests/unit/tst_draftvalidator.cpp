// SPDX-License-Identifier: Apache-2.0
#include "draftvalidator.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const auto fileName = u"draft.yaml"_s;

const QByteArray example = R"(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: billing-process-trigger
  namespace: serverless-apps
spec:
  broker: default-event-broker
  filter:
    attributes:
      type: com.shivamitcs.billing.started
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: billing-worker-service
)";

const QStringList brokers { u"serverless-apps/default-event-broker"_s, u"shop/default"_s };
const QSet<QString> addressables { u"serving.knative.dev/Service/serverless-apps/billing-worker-service"_s,
    u"/Service/serverless-apps/plain-service"_s };

// The example with one piece of text replaced; the replaced text must be there.
QByteArray variant(const QByteArray& from, const QByteArray& to)
{
    Q_ASSERT(example.contains(from));
    return QByteArray(example).replace(from, to);
}

QString describe(const QList<SourceIssue>& issues)
{
    QStringList texts;
    for (const auto& issue : issues)
        texts.append(issue.toString());
    return texts.join(u'\n');
}

} // namespace

class TestDraftValidator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validExample()
    {
        const auto issues = DraftValidator::validateTrigger(example, fileName, brokers, addressables);
        QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
        // Without knowledge of the mesh there is nothing to warn about either.
        const auto unknownMesh = DraftValidator::validateTrigger(example, fileName, {}, {});
        QVERIFY2(unknownMesh.isEmpty(), qPrintable(describe(unknownMesh)));
    }

    void validVariants_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addRow("uri subscriber") << variant("    ref:\n      apiVersion: serving.knative.dev/v1\n"
                                                   "      kind: Service\n      name: billing-worker-service\n",
            "    uri: http://billing.serverless-apps.svc.cluster.local/events\n");
        QTest::addRow("ref plus relative uri") << variant(
            "      name: billing-worker-service\n", "      name: billing-worker-service\n    uri: /events\n");
        QTest::addRow("core service") << variant("      apiVersion: serving.knative.dev/v1\n      kind: Service\n"
                                                 "      name: billing-worker-service\n",
            "      apiVersion: v1\n      kind: Service\n      name: plain-service\n");
        QTest::addRow("brokerRef") << variant("  broker: default-event-broker\n",
            "  brokerRef:\n    apiVersion: eventing.knative.dev/v1\n    kind: Broker\n    name: default\n"
            "    namespace: shop\n");
        QTest::addRow("filters") << variant("  filter:\n    attributes:\n      type: com.shivamitcs.billing.started\n",
            "  filters:\n    - exact:\n        type: a\n    - any:\n        - prefix: {source: /x}\n"
            "        - not: {suffix: {subject: .tmp}}\n    - cesql: \"type = 'a'\"\n");
        QTest::addRow("any attribute value") << variant("type: com.shivamitcs.billing.started", "type: \"\"");
        QTest::addRow("delivery") << QByteArray(example
            + "  delivery:\n    retry: 3\n    backoffPolicy: linear\n    backoffDelay: PT0.5S\n    timeout: PT1M\n"
              "    deadLetterSink:\n      uri: http://dls.serverless-apps.svc.cluster.local\n");
        QTest::addRow("default namespace") << variant("  namespace: serverless-apps\n", "");
    }

    void validVariants()
    {
        QFETCH(QByteArray, yaml);
        const auto issues = DraftValidator::validateTrigger(yaml, fileName, {}, {});
        QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    }

    void brokenVariants_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<bool>("warning");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("location");

        QTest::addRow("syntax error") << variant(
            "      name: billing-worker-service\n", "      name: billing-worker-service\n     oops: 1\n")
                                      << false << u"YAML syntax error"_s << u"draft.yaml:16:6"_s;
        QTest::addRow("apiVersion") << variant("eventing.knative.dev/v1\nkind", "eventing.knative.dev/v1beta1\nkind")
                                    << false << u"apiVersion must be eventing.knative.dev/v1"_s << u"draft.yaml:1:1"_s;
        QTest::addRow("missing apiVersion") << variant("apiVersion: eventing.knative.dev/v1\nkind", "kind") << false
                                            << u"apiVersion is required"_s << u"draft.yaml:1:1"_s;
        QTest::addRow("name not DNS-1123")
            << variant("name: billing-process-trigger", "name: Billing_Trigger") << false
            << u"metadata.name \"Billing_Trigger\" is not a valid name"_s << u"draft.yaml:4:3"_s;
        QTest::addRow("name too long") << variant("name: billing-process-trigger", "name: " + QByteArray(254, 'a'))
                                       << false << u"is not a valid name"_s << u"draft.yaml:4:3"_s;
        QTest::addRow("missing name") << variant("  name: billing-process-trigger\n", "") << false
                                      << u"metadata.name is required"_s << u"draft.yaml:3:1"_s;
        QTest::addRow("bad namespace") << variant("namespace: serverless-apps", "namespace: Apps") << false
                                       << u"metadata.namespace \"Apps\""_s << u"draft.yaml:5:3"_s;
        QTest::addRow("missing broker") << variant("  broker: default-event-broker\n", "") << false
                                        << u"spec.broker is required"_s << u"draft.yaml:6:1"_s;
        QTest::addRow("unknown broker") << variant("broker: default-event-broker", "broker: other") << true
                                        << u"broker \"other\" does not exist in namespace \"serverless-apps\""_s
                                        << u"draft.yaml:7:3"_s;
        QTest::addRow("broker and brokerRef")
            << variant("  broker: default-event-broker\n", "  broker: default-event-broker\n  brokerRef: {name: x}\n")
            << false << u"either spec.broker or spec.brokerRef"_s << u"draft.yaml:8:3"_s;
        QTest::addRow("missing spec") << QByteArray(
            "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\n")
                                      << false << u"spec is required"_s << u"draft.yaml:1:1"_s;
        QTest::addRow("missing subscriber")
            << variant("  subscriber:\n    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n"
                       "      name: billing-worker-service\n",
                   "")
            << false << u"spec.subscriber is required"_s << u"draft.yaml:6:1"_s;
        QTest::addRow("empty subscriber")
            << variant("  subscriber:\n    ref:\n      apiVersion: serving.knative.dev/v1\n"
                       "      kind: Service\n      name: billing-worker-service\n",
                   "  subscriber: {}\n")
            << false << u"spec.subscriber needs a ref or a uri"_s << u"draft.yaml:11:3"_s;
        QTest::addRow("relative uri without ref")
            << variant("    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n"
                       "      name: billing-worker-service\n",
                   "    uri: /events\n")
            << false << u"spec.subscriber.uri \"/events\" must be an absolute URI"_s << u"draft.yaml:12:5"_s;
        QTest::addRow("ref without kind") << variant("      kind: Service\n", "") << false
                                          << u"spec.subscriber.ref.kind is required"_s << u"draft.yaml:12:5"_s;
        QTest::addRow("ref without apiVersion")
            << variant("      apiVersion: serving.knative.dev/v1\n", "") << false
            << u"spec.subscriber.ref.apiVersion is required"_s << u"draft.yaml:12:5"_s;
        QTest::addRow("unknown subscriber")
            << variant("name: billing-worker-service", "name: nobody") << true
            << u"spec.subscriber Service \"nobody\" does not exist in namespace \"serverless-apps\""_s
            << u"draft.yaml:15:7"_s;
        QTest::addRow("attribute name upper case")
            << variant("      type: com", "      Type: com") << false << u"filter attribute name \"Type\" is invalid"_s
            << u"draft.yaml:10:7"_s;
        QTest::addRow("attribute name with dash")
            << variant("      type: com", "      ce-type: com") << false << u"\"ce-type\""_s << u"draft.yaml:10:7"_s;
        QTest::addRow("attributes not a map")
            << variant("    attributes:\n      type: com.shivamitcs.billing.started\n", "    attributes: [type]\n")
            << false << u"spec.filter.attributes must be a map, not a list"_s << u"draft.yaml:9:5"_s;
        QTest::addRow("filter and filters")
            << variant("  subscriber:\n", "  filters:\n    - exact: {type: a}\n  subscriber:\n") << true
            << u"spec.filters wins"_s << u"draft.yaml:11:3"_s;
        QTest::addRow("filters with two dialects")
            << variant("  filter:\n    attributes:\n      type: com.shivamitcs.billing.started\n",
                   "  filters:\n    - exact: {type: a}\n    - exact: {type: a}\n      prefix: {source: b}\n")
            << false << u"multiple dialects found (exact, prefix)"_s << u"draft.yaml:10:7"_s;
        QTest::addRow("exact with two attributes")
            << variant("  filter:\n    attributes:\n      type: com.shivamitcs.billing.started\n",
                   "  filters:\n    - exact:\n        type: a\n        source: b\n")
            << false << u"spec.filters[0].exact can have only one attribute"_s << u"draft.yaml:9:7"_s;
        QTest::addRow("nested attribute name")
            << variant("  filter:\n    attributes:\n      type: com.shivamitcs.billing.started\n",
                   "  filters:\n    - all:\n        - suffix:\n            Subject: x\n")
            << false << u"suffix attribute name \"Subject\" is invalid"_s << u"draft.yaml:11:13"_s;
        QTest::addRow("backoffPolicy") << QByteArray(example + "  delivery:\n    backoffPolicy: random\n") << false
                                       << u"backoffPolicy must be linear or exponential"_s << u"draft.yaml:17:5"_s;
        QTest::addRow("backoffDelay") << QByteArray(example + "  delivery:\n    backoffDelay: 0.2s\n") << false
                                      << u"spec.delivery.backoffDelay \"0.2s\" is not an ISO 8601 duration"_s
                                      << u"draft.yaml:17:5"_s;
        QTest::addRow("timeout zero") << QByteArray(example + "  delivery:\n    timeout: PT0S\n") << false
                                      << u"spec.delivery.timeout must be greater than zero"_s << u"draft.yaml:17:5"_s;
        QTest::addRow("timeout") << QByteArray(example + "  delivery:\n    timeout: 5s\n") << false
                                 << u"spec.delivery.timeout \"5s\""_s << u"draft.yaml:17:5"_s;
        QTest::addRow("negative retry") << QByteArray(example + "  delivery:\n    retry: -1\n") << false
                                        << u"spec.delivery.retry must be 0 or more"_s << u"draft.yaml:17:5"_s;
        QTest::addRow("dead letter sink without target")
            << QByteArray(example + "  delivery:\n    deadLetterSink: {}\n") << false
            << u"spec.delivery.deadLetterSink needs a ref or a uri"_s << u"draft.yaml:17:5"_s;
        QTest::addRow("typo in spec") << variant("  subscriber:\n", "  subscribr:\n") << true
                                      << u"unknown field spec.subscribr: Knative's webhook rejects it"_s << u"draft.yaml:11:3"_s;
        QTest::addRow("not a Trigger") << QByteArray(
            "# a broker\napiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata:\n  name: b\n")
                                       << true << u"not a Trigger"_s << u"draft.yaml:2:1"_s;
        QTest::addRow("cesql syntax error, quoted")
            << QByteArray(example + "  filters:\n    - cesql: \"type = 'a' AND (\"\n") << false
            << u"spec.filters[0].cesql: "_s << u"draft.yaml:17:31"_s;
        QTest::addRow("cesql syntax error, block")
            << QByteArray(example + "  filters:\n    - cesql: |-\n        type = 'a'\n        AND source LIKE\n")
            << false << u"spec.filters[0].cesql: "_s << u"draft.yaml:19:24"_s;
        QTest::addRow("cesql warning") << QByteArray(example + "  filters:\n    - cesql: a AND b OR c\n") << true
                                       << u"spec.filters[0].cesql: "_s << u"draft.yaml:17:16"_s;
        QTest::addRow("second document") << QByteArray(example + "---\nkind: Trigger\nmetadata: {name: x}\n") << false
                                         << u"apiVersion is required"_s << u"draft.yaml:17:1"_s;
    }

    void brokenVariants()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(bool, warning);
        QFETCH(QString, message);
        QFETCH(QString, location);
        const auto issues = DraftValidator::validateTrigger(yaml, fileName, brokers, addressables);
        const auto severity = warning ? SourceIssue::Severity::Warning : SourceIssue::Severity::Error;
        const auto match = std::find_if(issues.cbegin(), issues.cend(),
            [&](const SourceIssue& issue) { return issue.message.contains(message) && issue.severity == severity; });
        QVERIFY2(match != issues.cend(), qPrintable(describe(issues)));
        QCOMPARE(match->location.toString(), location);
        for (const auto& issue : issues)
            QVERIFY2(issue.location.line > 0, qPrintable(issue.toString()));
    }

    void immutableBroker_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("liveBroker");
        QTest::addColumn<QString>("location"); // empty: no issue

        QTest::addRow("unchanged") << example << u"default-event-broker"_s << QString();
        QTest::addRow("changed") << example << u"other-broker"_s << u"draft.yaml:7:3"_s;
        QTest::addRow("brokerRef instead")
            << variant("  broker: default-event-broker\n", "  brokerRef:\n    name: default-event-broker\n")
            << u"default-event-broker"_s << u"draft.yaml:6:1"_s;
        QTest::addRow("brokerRef kept") << variant("  broker: default-event-broker\n", "  brokerRef: {name: b}\n")
                                        << QString() << QString();
        QTest::addRow("only the first trigger")
            << QByteArray(example + "---\n" + example) << u"default-event-broker"_s << QString();
    }

    void immutableBroker()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, liveBroker);
        QFETCH(QString, location);
        const auto issues = DraftValidator::validateTrigger(yaml, fileName, {}, {}, nullptr, liveBroker);
        const auto match = std::find_if(issues.cbegin(), issues.cend(),
            [](const SourceIssue& issue) { return issue.message.startsWith(u"spec.broker is immutable"_s); });
        if (location.isEmpty()) {
            QVERIFY2(match == issues.cend(), qPrintable(describe(issues)));
            return;
        }
        QVERIFY2(match != issues.cend(), qPrintable(describe(issues)));
        QCOMPARE(match->severity, SourceIssue::Severity::Error);
        QCOMPARE(match->location.toString(), location);
        QVERIFY2(match->message.contains(liveBroker), qPrintable(match->message));
        // A new trigger may use any broker.
        const auto asNew = DraftValidator::validateTrigger(yaml, fileName, {}, {});
        QVERIFY(std::none_of(asNew.cbegin(), asNew.cend(),
            [](const SourceIssue& issue) { return issue.message.startsWith(u"spec.broker is immutable"_s); }));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("duration");
        QTest::addColumn<bool>("valid");
        const std::pair<const char16_t*, bool> cases[] = {
            { u"PT0.2S", true },
            { u"PT1M", true },
            { u"P1D", true },
            { u"PT1H30M", true },
            { u"P1W", true },
            { u"PT0,5S", true },
            { u"P1Y2M3W4DT5H6M7.5S", true },
            { u"PT0S", true },
            { u"", false },
            { u"P", false },
            { u"PT", false },
            { u"P1DT", false },
            { u"1S", false },
            { u"PT1", false },
            { u"P1S", false },
            { u"PT1D", false },
            { u"PT1S1M", false },
            { u"P1D1Y", false },
            { u"PT.5S", false },
            { u"PT1.S", false },
            { u"-PT1S", false },
            { u"pt1s", false },
            { u"PT1S ", false },
            { u"PTT1S", false },
        };
        for (const auto& [text, valid] : cases)
            QTest::addRow("%s", qPrintable(QString::fromUtf16(text))) << QString::fromUtf16(text) << valid;
    }

    void durations()
    {
        QFETCH(QString, duration);
        QFETCH(bool, valid);
        QCOMPARE(DraftValidator::isValidIso8601Duration(duration), valid);
    }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("subdomain");
        QTest::addColumn<bool>("label");
        QTest::addColumn<bool>("attribute");
        QTest::addRow("simple") << u"abc"_s << true << true << true;
        QTest::addRow("digits") << u"a1b2"_s << true << true << true;
        QTest::addRow("leading digit") << u"1abc"_s << true << true << false;
        QTest::addRow("dash") << u"my-trigger"_s << true << true << false;
        QTest::addRow("dots") << u"a.b.c"_s << true << false << false;
        QTest::addRow("upper") << u"Abc"_s << false << false << false;
        QTest::addRow("trailing dash") << u"abc-"_s << false << false << false;
        QTest::addRow("empty") << QString() << false << false << false;
        QTest::addRow("64 chars") << QString(64, u'a') << true << false << true;
        QTest::addRow("254 chars") << QString(254, u'a') << false << false << true;
    }

    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, subdomain);
        QFETCH(bool, label);
        QFETCH(bool, attribute);
        QCOMPARE(DraftValidator::isValidDns1123Subdomain(name), subdomain);
        QCOMPARE(DraftValidator::isValidDns1123Label(name), label);
        QCOMPARE(DraftValidator::isValidAttributeName(name), attribute);
    }
};

QTEST_GUILESS_MAIN(TestDraftValidator)
#include "tst_draftvalidator.moc"
