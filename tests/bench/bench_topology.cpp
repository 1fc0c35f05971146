// SPDX-License-Identifier: Apache-2.0
// Parsing, topology derivation and layout of synthetic meshes: brokers with many triggers each, subscribers
// shared by several triggers. Prints one JSON line per figure.
#include "graphlayout.h"
#include "manifestparser.h"
#include "topologygraph.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {
void report(const char* bench, const QString& metric, double value, const char* unit)
{
    std::printf("{\"bench\": \"%s\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", bench,
        qPrintable(metric), value, unit);
    std::fflush(stdout);
}

QByteArray syntheticMesh(int triggers)
{
    const int brokers = std::max(1, triggers / 50);
    const int services = std::max(1, triggers / 3);
    QByteArray yaml;
    yaml.reserve(triggers * 400);
    for (int b = 0; b < brokers; ++b) {
        yaml += "---\napiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata:\n  name: broker-"
            + QByteArray::number(b) + "\n  namespace: ns-" + QByteArray::number(b % 10) + "\n";
    }
    for (int s = 0; s < services; ++s) {
        yaml += "---\napiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: svc-"
            + QByteArray::number(s) + "\n  namespace: ns-" + QByteArray::number(s % 10)
            + "\nspec:\n  template:\n    spec:\n      containers:\n"
              "        - image: example/svc\n";
    }
    for (int t = 0; t < triggers; ++t) {
        const int b = t % brokers;
        const int ns = b % 10;
        // Subscribers in the trigger's namespace, shared by several triggers.
        const int s = (t / 3) - ((t / 3) % 10) + ns;
        yaml += "---\napiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: trigger-"
            + QByteArray::number(t) + "\n  namespace: ns-" + QByteArray::number(ns) + "\nspec:\n  broker: broker-"
            + QByteArray::number(b) + "\n  filter:\n    attributes:\n      type: com.example.event."
            + QByteArray::number(t % 97)
            + "\n  subscriber:\n    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n      name: "
              "svc-"
            + QByteArray::number(std::min(s, services - 1)) + "\n";
    }
    return yaml;
}
} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    for (const int triggers : { 1000, 5000, 20000 }) {
        const auto yaml = syntheticMesh(triggers);
        QElapsedTimer timer;
        timer.start();
        const auto parsed = ManifestParser::parseYaml(yaml, u"synthetic.yaml"_s);
        const double parseMs = timer.nsecsElapsed() / 1e6;
        if (!parsed.issues.isEmpty()) {
            std::fprintf(stderr, "synthetic mesh has issues: %s\n", qPrintable(parsed.issues.first().toString()));
            return 1;
        }
        ObjectChangeBatch batch;
        batch.reserve(parsed.objects.size());
        for (const auto& object : parsed.objects)
            batch.append({ ObjectChange::Type::Added, object });

        TopologyGraph graph;
        timer.restart();
        graph.applyChanges(batch);
        const double buildMs = timer.nsecsElapsed() / 1e6;

        // One more trigger: the incremental path a watch event takes.
        auto extra = std::make_shared<KnativeObject>(*parsed.objects.last());
        extra->key.name = u"trigger-added"_s;
        timer.restart();
        graph.applyChanges({ { ObjectChange::Type::Added, extra } });
        const double incrementalUs = timer.nsecsElapsed() / 1e3;

        GraphLayoutInput input { graph.nodes().values(), graph.edges().values() };
        timer.restart();
        const auto layout = GraphLayout::compute(input);
        const double layoutMs = timer.nsecsElapsed() / 1e6;

        const auto suffix = QString::number(graph.nodes().size()) + u"_nodes"_s;
        report("topology", u"yaml_parse_ms_"_s + suffix, parseMs, "ms");
        report("topology", u"graph_build_ms_"_s + suffix, buildMs, "ms");
        report("topology", u"add_one_trigger_us_"_s + suffix, incrementalUs, "us");
        report("topology", u"layered_layout_ms_"_s + suffix, layoutMs, "ms");
        if (layout.positions.size() != graph.nodes().size())
            return 1;
    }
    return 0;
}
