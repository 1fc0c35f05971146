// SPDX-License-Identifier: Apache-2.0
// The topology graph at scale, on synthetic meshes of 1,000 to 50,000 nodes: generation, YAML parsing, graph
// derivation, full and incremental layout, painting a frame of the whole and of a zoomed-in view, resident memory;
// and Graphviz's dot on the same meshes for comparison. Prints one JSON line per figure.
//
// Each mesh size runs in a child process (`bench_graph --nodes N`), so that its resident memory is its own and not
// what the allocator kept from a previous size.
#include "benchsupport.h"
#include "graphlayout.h"
#include "graphview.h"
#include "manifestparser.h"
#include "syntheticmesh.h"
#include "topologygraph.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

constexpr int meshSizes[] = { 1000, 5000, 20000, 50000 };
constexpr int graphvizSizes[] = { 1000, 5000 };
constexpr int graphvizTimeoutMs = 120'000;
const QSize frameSize { 1600, 1000 };

class Reporter {
public:
    explicit Reporter(int nodes)
        : m_suffix(u"_"_s % QString::number(nodes) % u"_nodes"_s)
    {
    }

    void operator()(const QString& metric, double value, const char* unit) const
    {
        std::printf("{\"bench\": \"graph\", \"metric\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n",
            qPrintable(metric + m_suffix), value, unit);
        std::fflush(stdout);
    }

private:
    QString m_suffix;
};

double elapsedMs(const std::function<void()>& work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return double(timer.nsecsElapsed()) / 1e6;
}

double bestOfMs(int runs, const std::function<void()>& work)
{
    double best = std::numeric_limits<double>::max();
    for (int i = 0; i < runs; ++i)
        best = std::min(best, elapsedMs(work));
    return best;
}

GraphLayoutInput layoutInput(const TopologyGraph& graph)
{
    return GraphLayoutInput { graph.nodes().values(), graph.edges().values(), {} };
}

// A trigger the mesh does not have yet, made like the generator's own, as a watch event would bring it.
KnativeObjectPtr extraTrigger(const QList<KnativeObjectPtr>& objects)
{
    const auto model = std::find_if(objects.cbegin(), objects.cend(),
        [](const KnativeObjectPtr& object) { return object->kind == ObjectKind::Trigger; });
    auto raw = (*model)->raw;
    auto metadata = raw.value(u"metadata"_s).toObject();
    metadata.insert(u"name"_s, u"bench-added-trigger"_s);
    raw.insert(u"metadata"_s, metadata);
    return ManifestParser::fromJson(raw, SyntheticMesh::origin());
}

QByteArray quoted(const QString& text) { return '"' + text.toUtf8().replace('\\', "\\\\").replace('"', "\\\"") + '"'; }

QByteArray toDot(const TopologyGraph& graph)
{
    QByteArray dot = "digraph mesh {\n  rankdir=LR;\n  node [shape=box];\n";
    QHash<QString, QByteArray> names;
    for (const auto& node : graph.nodes()) {
        const QByteArray name = 'n' + QByteArray::number(names.size());
        names.insert(node.id, name);
        dot += "  " + name + " [label=" + quoted(node.label) + "];\n";
    }
    for (const auto& edge : graph.edges())
        dot += "  " + names.value(edge.from) + " -> " + names.value(edge.to) + ";\n";
    dot += "}\n";
    return dot;
}

// Milliseconds `dot -Tplain` takes on the graph; nothing if dot is missing, fails or needs more than the cap.
std::optional<double> graphvizMs(const TopologyGraph& graph)
{
    const auto dot = QStandardPaths::findExecutable(u"dot"_s);
    if (dot.isEmpty()) {
        std::fprintf(stderr, "bench_graph: Graphviz's dot is not installed, skipping the comparison\n");
        return std::nullopt;
    }
    QTemporaryFile file(QDir::tempPath() + u"/bench_graph-XXXXXX.dot"_s);
    if (!file.open() || file.write(toDot(graph)) < 0 || !file.flush()) {
        std::fprintf(stderr, "bench_graph: cannot write a DOT file for Graphviz\n");
        return std::nullopt;
    }
    QProcess process;
    process.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    process.start(dot, { u"-Tplain"_s, file.fileName() });
    if (!process.waitForFinished(graphvizTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        std::fprintf(stderr, "bench_graph: dot took more than %d s on %lld nodes, stopped\n", graphvizTimeoutMs / 1000,
            static_cast<long long>(graph.nodes().size()));
        return std::nullopt;
    }
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        std::fprintf(stderr, "bench_graph: dot failed: %s\n", process.readAllStandardError().constData());
        return std::nullopt;
    }
    return ms;
}

bool waitForLayout(const bool& applied)
{
    QElapsedTimer timer;
    timer.start();
    while (!applied && timer.elapsed() < 60'000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return applied;
}

double frameMs(GraphView& view)
{
    QImage image(frameSize, QImage::Format_ARGB32_Premultiplied);
    const auto paint = [&] {
        QPainter painter(&image);
        view.renderView(&painter, QRect(QPoint(0, 0), frameSize));
    };
    paint(); // warm-up: glyph caches, pixmaps
    return bestOfMs(5, paint);
}

// The application's side: the view lays the graph out on its worker, then paints. The resident figure is taken with
// what the application holds (objects, graph, view with its layout and scene) and nothing the benchmark adds.
bool measureView(const Reporter& report, const TopologyGraph& graph, const QString& zoomOn, double startMb)
{
    GraphView view;
    view.resize(frameSize);
    bool applied = false;
    QObject::connect(&view, &GraphView::layoutApplied, [&applied] { applied = true; });
    QElapsedTimer firstLayout;
    firstLayout.start();
    view.setGraph(&graph);
    view.show();
    if (!waitForLayout(applied)) {
        std::fprintf(stderr, "bench_graph: the view did not apply a layout within a minute\n");
        return false;
    }
    report(u"view_first_layout_ms"_s, double(firstLayout.nsecsElapsed()) / 1e6, "ms");

    const double residentNow = residentMb();
    report(u"resident_mb"_s, residentNow, "MB");
    report(u"resident_growth_mb"_s, residentNow - startMb, "MB");

    view.fitToView();
    report(u"paint_whole_view_ms"_s, frameMs(view), "ms");
    // Zoomed in at 1:1 on a broker's triggers, where every node is drawn in full.
    const auto bundle = view.bundleOf(zoomOn);
    view.setView(view.nodeRect(bundle.isEmpty() ? zoomOn : bundle).center(), 1.0);
    report(u"paint_zoomed_view_ms"_s, frameMs(view), "ms");
    return true;
}

// The layout engine on its own: full, with every bundle opened, next to Graphviz, and incremental after one more
// trigger arrives the way a watch event brings it.
bool measureLayout(
    const Reporter& report, TopologyGraph& graph, const QList<KnativeObjectPtr>& objects, int targetNodes)
{
    const auto input = layoutInput(graph);
    GraphLayoutResult layout;
    const double fullMs = bestOfMs(3, [&] { layout = GraphLayout::compute(input); });
    report(u"layout_full_ms"_s, fullMs, "ms");
    if (layout.positions.isEmpty()) {
        std::fprintf(stderr, "bench_graph: the layout placed nothing\n");
        return false;
    }
    // With every bundle opened, every trigger gets a place of its own, as in Graphviz's layout.
    auto unfoldedInput = input;
    for (auto it = layout.bundles.cbegin(); it != layout.bundles.cend(); ++it)
        unfoldedInput.expandedBundles.insert(it.key());
    GraphLayoutResult unfolded;
    const double unfoldedMs = bestOfMs(3, [&] { unfolded = GraphLayout::compute(unfoldedInput); });
    report(u"layout_full_unfolded_ms"_s, unfoldedMs, "ms");
    if (unfolded.positions.size() < layout.positions.size()) {
        std::fprintf(stderr, "bench_graph: opening every bundle placed fewer nodes\n");
        return false;
    }
    if (std::find(std::begin(graphvizSizes), std::end(graphvizSizes), targetNodes) != std::end(graphvizSizes)) {
        if (const auto dotMs = graphvizMs(graph)) {
            report(u"graphviz_dot_ms"_s, *dotMs, "ms");
            std::fprintf(stderr,
                "bench_graph: %lld nodes: Meshscope layout %.1f ms (%.1f ms with every bundle opened), "
                "Graphviz dot -Tplain %.1f ms\n",
                static_cast<long long>(graph.nodes().size()), fullMs, unfoldedMs, *dotMs);
        }
    }

    TopologyDelta delta;
    QObject::connect(&graph, &TopologyGraph::changed, [&delta](const TopologyDelta& changed) { delta = changed; });
    const auto added = extraTrigger(objects);
    report(u"graph_add_trigger_ms"_s, elapsedMs([&] {
        graph.applyChanges({ { ObjectChange::Type::Added, added } });
    }),
        "ms");
    if (delta.nodesAdded.isEmpty()) {
        std::fprintf(stderr, "bench_graph: adding a trigger changed nothing\n");
        return false;
    }
    GraphLayoutInput updatedInput;
    report(u"layout_input_snapshot_ms"_s, elapsedMs([&] { updatedInput = layoutInput(graph); }), "ms");
    GraphLayoutResult updated;
    report(u"layout_incremental_ms"_s, bestOfMs(5, [&] { updated = GraphLayout::update(layout, updatedInput, delta); }),
        "ms");
    if (!updated.layers.contains(added->key.toString())) {
        std::fprintf(stderr, "bench_graph: the incremental layout left the new trigger out\n");
        return false;
    }
    return true;
}

bool measureYaml(const Reporter& report, const QList<KnativeObjectPtr>& objects)
{
    QByteArray yaml;
    for (const auto& object : objects)
        yaml += "---\n" + ManifestParser::toYaml(object->raw).toUtf8();
    ManifestParser::ParseResult parsed;
    report(u"yaml_parse_ms"_s, elapsedMs([&] { parsed = ManifestParser::parseYaml(yaml, u"synthetic.yaml"_s); }), "ms");
    if (!parsed.issues.isEmpty() || parsed.objects.size() != objects.size()) {
        std::fprintf(stderr, "bench_graph: the synthetic mesh does not read back from YAML\n");
        return false;
    }
    return true;
}

int measure(int targetNodes, double startMb)
{
    const Reporter report(targetNodes);

    QList<KnativeObjectPtr> objects;
    report(u"generate_ms"_s, elapsedMs([&] { objects = SyntheticMesh::generate(targetNodes); }), "ms");
    TopologyGraph graph;
    {
        ObjectChangeBatch batch;
        batch.reserve(objects.size());
        for (const auto& object : std::as_const(objects))
            batch.append({ ObjectChange::Type::Added, object });
        report(u"graph_build_ms"_s, elapsedMs([&] { graph.applyChanges(batch); }), "ms");
    }
    report(u"mesh_nodes"_s, double(graph.nodes().size()), "nodes");
    report(u"mesh_edges"_s, double(graph.edges().size()), "edges");

    const auto firstTrigger = std::find_if(objects.cbegin(), objects.cend(),
        [](const KnativeObjectPtr& object) { return object->kind == ObjectKind::Trigger; });
    const bool ok = measureView(report, graph, (*firstTrigger)->key.toString(), startMb)
        && measureLayout(report, graph, objects, targetNodes) && measureYaml(report, objects);
    return ok ? 0 : 1;
}

// Runs every mesh size in its own process and passes their output through.
int measureAll()
{
    int status = 0;
    for (const int nodes : meshSizes) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(QCoreApplication::applicationFilePath(), { u"--nodes"_s, QString::number(nodes) });
        if (!child.waitForFinished(-1) || child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0) {
            std::fprintf(stderr, "bench_graph: the %d-node run failed\n", nodes);
            status = 1;
        }
    }
    return status;
}

} // namespace

int main(int argc, char* argv[])
{
    const double startMb = residentMb();
    if (argc == 3 && std::strcmp(argv[1], "--nodes") == 0) {
        // Frames are painted into images; a window system would only add noise.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        bool ok = false;
        const int nodes = QString::fromLocal8Bit(argv[2]).toInt(&ok);
        return ok && nodes > 0 ? measure(nodes, startMb) : 2;
    }
    QCoreApplication app(argc, argv);
    return measureAll();
}
