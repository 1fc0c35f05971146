// SPDX-License-Identifier: Apache-2.0
// What the trigger editor does on every keystroke: validate the draft (Trigger CRD schema and semantic checks), read
// it, and preview its matches against 1,000 sample events together with the 500 triggers of its broker. Must stay
// under 50 ms in a release build. Prints one JSON line per figure.
#include "crdschema.h"
#include "draftvalidator.h"
#include "manifestparser.h"
#include "matchpreview.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

constexpr int triggerCount = 500;
constexpr int eventCount = 1000;
constexpr int typeCount = 60;
constexpr int runs = 20;
constexpr double budgetMs = 50;

void report(const char* metric, double value, const char* unit)
{
    std::printf(
        "{\"bench\": \"matchpreview\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", metric, value, unit);
    std::fflush(stdout);
}

double bestOfMs(const std::function<void()>& work)
{
    double best = std::numeric_limits<double>::max();
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        best = std::min(best, double(timer.nsecsElapsed()) / 1e6);
    }
    return best;
}

QByteArray typeName(int i) { return "com.example.shop.t" + QByteArray::number(i % typeCount); }

// Filters shaped like real ones: mostly an exact type, some prefixes, any/not combinations and CESQL.
QByteArray filterOf(int i)
{
    switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
        return "  filter:\n    attributes:\n      type: " + typeName(i) + "\n";
    case 5:
    case 6:
        return "  filters:\n    - exact: {type: " + typeName(i) + "}\n    - prefix: {source: /region/"
            + QByteArray::number(i % 5) + "}\n";
    case 7:
        return "  filters:\n    - cesql: \"type = '" + typeName(i)
            + "' AND source LIKE '/region/%' AND EXISTS tier\"\n";
    case 8:
        return "  filters:\n    - any:\n        - exact: {type: " + typeName(i)
            + "}\n        - exact: {type: " + typeName(i + 1) + "}\n";
    default:
        return "  filters:\n    - prefix: {type: com.example.shop.t" + QByteArray::number(i % 9)
            + "}\n    - not: {suffix: {source: /test}}\n";
    }
}

QByteArray triggersYaml()
{
    QByteArray yaml;
    for (int i = 0; i < triggerCount; ++i) {
        yaml += "---\napiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: trigger-"
            + QByteArray::number(i) + "\n  namespace: shop\nspec:\n  broker: default\n" + filterOf(i)
            + "  subscriber:\n    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n      name: svc-"
            + QByteArray::number(i % 170) + "\n";
    }
    return yaml;
}

const QByteArray draftYaml = R"yaml(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: trigger-7
  namespace: shop
  labels:
    app.kubernetes.io/part-of: shop
  annotations:
    autoscaling.eventing.knative.dev/class: keda.autoscaling.knative.dev
spec:
  broker: default
  filters:
    - any:
        - exact:
            type: com.example.shop.t7
        - prefix:
            type: com.example.shop.t1
    - not:
        suffix:
          source: /test
    - cesql: "source LIKE '/region/%' AND (tier = 'gold' OR NOT EXISTS tier)"
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: svc-7
  delivery:
    retry: 5
    backoffPolicy: exponential
    backoffDelay: PT0.5S
    timeout: PT10S
    deadLetterSink:
      uri: http://dls.shop.svc.cluster.local
)yaml";

QList<CloudEvent> sampleEvents()
{
    static const QString tiers[] = { u"gold"_s, u"silver"_s };
    QList<CloudEvent> events;
    for (int i = 0; i < eventCount; ++i) {
        CloudEvent event;
        event.id = QString::number(i);
        event.type = QString::fromLatin1(typeName(i * 7 + i / 100));
        event.source = i % 11 == 0 ? u"/region/1/test"_s : u"/region/"_s % QString::number(i % 6) % u"/web"_s;
        event.subject = u"order-"_s % QString::number(i);
        if (i % 3 != 0)
            event.setAttribute(u"tier"_s, tiers[i % 2]);
        event.setAttribute(u"attempt"_s, i % 4);
        events.append(event);
    }
    return events;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const auto parsed = ManifestParser::parseYaml(triggersYaml(), u"triggers.yaml"_s);
    if (parsed.objects.size() != triggerCount || !parsed.issues.isEmpty()) {
        std::fprintf(stderr, "bench_matchpreview: the generated triggers do not parse\n");
        return 1;
    }
    const auto events = sampleEvents();
    const QStringList brokers { u"shop/default"_s };
    QSet<QString> addressables;
    for (int i = 0; i < 170; ++i)
        addressables.insert(u"serving.knative.dev/Service/shop/svc-"_s % QString::number(i));
    const auto& schema = CrdSchema::shippedTrigger();
    if (schema.isNull()) {
        std::fprintf(stderr, "bench_matchpreview: the shipped Trigger schema is missing\n");
        return 1;
    }

    MatchPreview preview;
    const double compileMs = bestOfMs([&] { preview.setCandidates(parsed.objects); });
    KnativeObjectPtr draft;
    QList<SourceIssue> issues;
    QList<MatchPreviewRow> rows;
    const double schemaMs = bestOfMs([&] { issues = schema.validateYaml(draftYaml, u"draft.yaml"_s); });
    const double validateMs = bestOfMs(
        [&] { issues = DraftValidator::validateTrigger(draftYaml, u"draft.yaml"_s, brokers, addressables); });
    const double readMs
        = bestOfMs([&] { draft = ManifestParser::parseYaml(draftYaml, u"draft.yaml"_s).objects.value(0); });
    if (!issues.isEmpty() || !draft) {
        std::fprintf(stderr, "bench_matchpreview: the draft is not valid: %s\n",
            issues.isEmpty() ? "it does not parse" : qPrintable(issues.first().toString()));
        return 1;
    }
    const double previewMs = bestOfMs([&] { rows = preview.evaluate(*draft, events); });
    const double keystrokeMs = bestOfMs([&] {
        issues = DraftValidator::validateTrigger(draftYaml, u"draft.yaml"_s, brokers, addressables);
        draft = ManifestParser::parseYaml(draftYaml, u"draft.yaml"_s).objects.value(0);
        rows = preview.evaluate(*draft, events);
    });
    const double coldMs = bestOfMs([&] {
        issues = DraftValidator::validateTrigger(draftYaml, u"draft.yaml"_s, brokers, addressables);
        draft = ManifestParser::parseYaml(draftYaml, u"draft.yaml"_s).objects.value(0);
        rows = MatchPreview::compute(*draft, events, parsed.objects);
    });

    qsizetype matched = 0;
    qsizetype deliveries = 0;
    for (const auto& row : std::as_const(rows)) {
        matched += row.matches ? 1 : 0;
        deliveries += row.alsoReceivedBy.size();
    }
    report("compile_500_triggers_ms", compileMs, "ms");
    report("schema_validation_ms", schemaMs, "ms");
    report("validation_schema_and_semantic_ms", validateMs, "ms");
    report("read_draft_ms", readMs, "ms");
    report("preview_1000_events_500_triggers_ms", previewMs, "ms");
    report("keystroke_total_ms", keystrokeMs, "ms");
    report("keystroke_total_with_compile_ms", coldMs, "ms");
    report("draft_matches", double(matched), "events");
    report("other_receivers", double(deliveries), "deliveries");
    report("budget_ms", budgetMs, "ms");
    return keystrokeMs < budgetMs && coldMs < budgetMs ? 0 : 1;
}
