// SPDX-License-Identifier: Apache-2.0
#include "graphlayout.h"

#include <QMap>

#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;

namespace {
constexpr int layerCount = 5;
constexpr int bundleLayer = 2;
constexpr int bandGapRows = 1; // one empty row between bands leaves room for the next band's label
constexpr qreal bandLabelHeight = 28;
constexpr qreal bandSideMargin = 20;
constexpr int sweepRounds = 2; // down and up sweeps before the final down sweep
constexpr int refinePasses = 2;
// Nodes without neighbours barely pull on their row: they just keep their place in the order.
constexpr double looseWeight = 1e-3;
} // namespace

struct GraphLayoutState {
    struct Band {
        QString ns;
        int firstRow = -1; // rows the full layout gave the band, or -1 for a band an update started
        int lastRow = -1;
        // Rows the band's nodes span now. An update only widens this, so a band can stay a little taller than
        // its nodes after removals until the next full layout.
        int minRow = 0;
        int maxRow = 0;
        int count = 0; // drawn nodes; an emptied band is not shown
    };
    QList<Band> bands; // those of the full layout first, in row order; an index stays valid
    int fullBands = 0;
    // A node the full layout placed is in the band whose rows hold it; only nodes placed by updates are listed,
    // which keeps what an update copies small.
    QHash<QString, int> placedBand;
    QSet<QString> brokers; // only brokers fold their triggers
    std::array<std::vector<bool>, layerCount> occupied; // per layer, per row
};

namespace {

bool isBackEdge(EdgeKind kind) { return kind == EdgeKind::Reply || kind == EdgeKind::DeadLetter; }

bool isBroker(const TopologyNode& node)
{
    return node.kind == NodeKind::Broker
        || (node.kind == NodeKind::Missing && objectKindFor(node.object.group, node.object.kind) == ObjectKind::Broker);
}

int layerOfKind(const QString& group, const QString& kind)
{
    const auto objectKind = objectKindFor(group, kind);
    if (isSourceKind(objectKind))
        return 0;
    if (objectKind == ObjectKind::Broker || isChannelKind(objectKind))
        return 1;
    if (objectKind == ObjectKind::Trigger || objectKind == ObjectKind::Subscription)
        return 2;
    if (objectKind == ObjectKind::Sequence || objectKind == ObjectKind::Parallel)
        return 3;
    return 4;
}

QPointF positionOf(int layer, int row) { return { layer * GraphLayout::columnPitch, row * GraphLayout::rowPitch }; }

int rowOf(const QPointF& position) { return int(std::lround(position.y() / GraphLayout::rowPitch)); }

QRectF bandRect(int minRow, int maxRow)
{
    const qreal width
        = (layerCount - 1) * GraphLayout::columnPitch + GraphLayout::nodeSize.width() + 2 * bandSideMargin;
    const qreal top = minRow * GraphLayout::rowPitch - bandLabelHeight;
    const qreal bottom = (maxRow + 1) * GraphLayout::rowPitch;
    return { -bandSideMargin, top, width, bottom - top };
}

bool isFree(const std::vector<bool>& column, int row) { return row >= int(column.size()) || !column[row]; }

void setOccupied(std::vector<bool>& column, int row, bool occupied)
{
    if (row >= int(column.size())) {
        if (!occupied)
            return;
        column.resize(row + 1);
    }
    column[row] = occupied;
}

// The free row nearest to target, looking below first on ties.
int nearestFreeRow(const std::vector<bool>& column, int target)
{
    target = std::max(target, 0);
    for (int distance = 0;; ++distance) {
        if (isFree(column, target + distance))
            return target + distance;
        if (target - distance >= 0 && isFree(column, target - distance))
            return target - distance;
    }
}

// Rows for one ordered column: as close as possible (least squares, weighted) to the desired rows while staying
// in order at least one row apart. With z = row - index that is isotonic regression, solved by pool adjacent
// violators in linear time. A NaN desired row follows its neighbours in the order.
void fitRows(const std::vector<double>& desired, const std::vector<double>& weight, std::vector<int>& rows)
{
    const int size = int(desired.size());
    std::vector<double> z(size, std::numeric_limits<double>::quiet_NaN());
    std::vector<double> w(size);
    double carried = std::numeric_limits<double>::quiet_NaN();
    for (int i = 0; i < size; ++i) {
        if (!std::isnan(desired[i])) {
            z[i] = desired[i] - i;
            w[i] = weight[i];
            carried = z[i];
        } else {
            z[i] = carried;
            w[i] = looseWeight;
        }
    }
    carried = 0;
    for (int i = size - 1; i >= 0; --i) {
        if (std::isnan(z[i]))
            z[i] = carried;
        else
            carried = z[i];
    }
    struct Block {
        double weightedSum;
        double weight;
        int begin;
        int end;
        double mean() const { return weightedSum / weight; }
    };
    std::vector<Block> blocks;
    blocks.reserve(size);
    for (int i = 0; i < size; ++i) {
        Block block { z[i] * w[i], w[i], i, i + 1 };
        while (!blocks.empty() && blocks.back().mean() > block.mean()) {
            const auto& previous = blocks.back();
            block = { previous.weightedSum + block.weightedSum, previous.weight + block.weight, previous.begin,
                block.end };
            blocks.pop_back();
        }
        blocks.push_back(block);
    }
    rows.resize(size);
    for (const auto& block : blocks) {
        const int base = int(std::lround(block.mean()));
        for (int i = block.begin; i < block.end; ++i)
            rows[i] = base + i;
    }
}

// A set of ids with a pre-check on the length, which a QString holds inline: scanning every node or edge of a
// large mesh against a few ids then reads almost no string data.
class IdSet {
public:
    void insert(const QString& id)
    {
        m_ids.insert(id);
        m_sizes.set(bucket(id));
    }
    bool contains(const QString& id) const { return m_sizes.test(bucket(id)) && m_ids.contains(id); }
    bool isEmpty() const { return m_ids.isEmpty(); }

private:
    static constexpr size_t longest = 1023;
    static size_t bucket(const QString& id) { return std::min(size_t(id.size()), longest); }
    QSet<QString> m_ids;
    std::bitset<longest + 1> m_sizes;
};

int bandAt(const GraphLayoutState& state, const QString& id, const QPointF& position)
{
    if (const auto it = state.placedBand.constFind(id); it != state.placedBand.cend())
        return it.value();
    const int row = rowOf(position);
    const auto begin = state.bands.cbegin();
    auto it = std::upper_bound(begin, begin + state.fullBands, row,
        [](int value, const GraphLayoutState::Band& band) { return value < band.firstRow; });
    if (it == begin)
        return -1;
    --it;
    return row <= it->lastRow ? int(it - begin) : -1;
}

void publishBands(GraphLayoutResult& result, const GraphLayoutState& state)
{
    QMap<QString, QRectF> bands;
    for (const auto& band : state.bands) {
        if (band.count > 0)
            bands.insert(band.ns, bandRect(band.minRow, band.maxRow));
    }
    result.namespaceBands.clear();
    result.namespaceBands.reserve(bands.size());
    result.bounds = {};
    for (auto it = bands.cbegin(); it != bands.cend(); ++it) {
        result.namespaceBands.append({ it.key(), it.value() });
        result.bounds = result.bounds.united(it.value());
    }
}

// The full layout works on indexes: nodes of the input, then "vertices", the boxes that are drawn (nodes that are
// not folded, and bundle nodes).
class FullLayout {
public:
    explicit FullLayout(const GraphLayoutInput& input)
        : m_input(input)
    {
    }
    GraphLayoutResult run();

private:
    struct Link {
        int from;
        int to;
        EdgeKind kind;
    };
    struct Vertex {
        QString id;
        const QString* label;
        int layer;
        int band;
    };
    using Column = std::vector<int>;

    void indexNodes();
    void assignBands();
    void foldBundles();
    void buildVertices();
    void buildAdjacency();
    void orderBand(std::array<Column, layerCount>& columns);
    void sortColumn(Column& column, bool byPredecessors);
    void renumber(const Column& column);
    void placeBand(std::array<Column, layerCount>& columns);
    void fitColumn(const Column& column, bool usePredecessors, bool useSuccessors, bool onlyPlaced);
    GraphLayoutResult publish();

    const GraphLayoutInput& m_input;
    std::vector<const TopologyNode*> m_nodes;
    QHash<QString, int> m_indexOf;
    std::vector<int> m_layer;
    std::vector<Link> m_links;
    std::vector<int> m_band;
    QStringList m_bandNames;
    std::vector<int> m_bundleOf; // node -> bundle number, or -1
    std::vector<int> m_bundleBroker; // bundle number -> broker node
    std::vector<std::vector<int>> m_bundleMembers;
    std::vector<Vertex> m_vertices;
    std::vector<int> m_vertexOf; // node -> vertex
    std::vector<int> m_predecessorStart, m_predecessors, m_successorStart, m_successors;
    std::vector<qint64> m_order; // position within its column, scaled to [0, 2^20) so columns compare
    std::vector<int> m_row;
    std::vector<char> m_placed;
    std::vector<std::array<Column, layerCount>> m_columns; // per band
};

void FullLayout::indexNodes()
{
    m_nodes.reserve(m_input.nodes.size());
    m_indexOf.reserve(m_input.nodes.size());
    for (const auto& node : m_input.nodes) {
        if (m_indexOf.contains(node.id))
            continue;
        m_indexOf.insert(node.id, int(m_nodes.size()));
        m_nodes.push_back(&node);
        m_layer.push_back(GraphLayout::layerOf(node));
    }
    m_links.reserve(m_input.edges.size());
    for (const auto& edge : m_input.edges) {
        const int from = m_indexOf.value(edge.from, -1);
        const int to = m_indexOf.value(edge.to, -1);
        if (from >= 0 && to >= 0 && from != to)
            m_links.push_back({ from, to, edge.kind });
    }
}

// A node's namespace; nodes without one (plain URIs, cluster-scoped objects) join the first namespace, by name,
// of whatever points at them.
void FullLayout::assignBands()
{
    const int count = int(m_nodes.size());
    std::vector<const QString*> name(count, nullptr);
    for (int i = 0; i < count; ++i) {
        if (!m_nodes[i]->object.ns.isEmpty())
            name[i] = &m_nodes[i]->object.ns;
    }
    for (const auto& link : m_links) {
        const auto& fromNs = m_nodes[link.from]->object.ns;
        if (m_nodes[link.to]->object.ns.isEmpty() && !fromNs.isEmpty() && (!name[link.to] || fromNs < *name[link.to]))
            name[link.to] = &fromNs;
    }
    static const QString noNamespace;
    QMap<QString, int> bands;
    for (int i = 0; i < count; ++i)
        bands.insert(name[i] ? *name[i] : noNamespace, 0);
    int index = 0;
    for (auto it = bands.begin(); it != bands.end(); ++it) {
        it.value() = index++;
        m_bandNames.append(it.key());
    }
    m_band.resize(count);
    for (int i = 0; i < count; ++i)
        m_band[i] = bands.value(name[i] ? *name[i] : noNamespace);
}

void FullLayout::foldBundles()
{
    const int count = int(m_nodes.size());
    m_bundleOf.assign(count, -1);
    std::vector<std::vector<int>> routed(count);
    std::vector<int> brokers;
    for (int i = 0; i < count; ++i) {
        if (isBroker(*m_nodes[i]))
            brokers.push_back(i);
    }
    for (const auto& link : m_links) {
        if (link.kind == EdgeKind::Routes && isBroker(*m_nodes[link.from]))
            routed[link.from].push_back(link.to);
    }
    const auto byId = [this](int a, int b) { return m_nodes[a]->id < m_nodes[b]->id; };
    std::sort(brokers.begin(), brokers.end(), byId);
    for (const int broker : brokers) {
        auto& triggers = routed[broker];
        std::sort(triggers.begin(), triggers.end(), byId);
        triggers.erase(std::unique(triggers.begin(), triggers.end()), triggers.end());
        if (int(triggers.size()) <= GraphLayout::bundleThreshold
            || m_input.expandedBundles.contains(GraphLayout::bundleIdOf(m_nodes[broker]->id)))
            continue;
        const int bundle = int(m_bundleBroker.size());
        m_bundleBroker.push_back(broker);
        auto& members = m_bundleMembers.emplace_back();
        for (const int trigger : triggers) {
            // A trigger routes from one broker; should a mesh say otherwise, the first bundle keeps it.
            if (m_bundleOf[trigger] < 0) {
                m_bundleOf[trigger] = bundle;
                members.push_back(trigger);
            }
        }
    }
}

void FullLayout::buildVertices()
{
    const int count = int(m_nodes.size());
    m_vertexOf.assign(count, -1);
    m_vertices.reserve(count);
    for (int i = 0; i < count; ++i) {
        if (m_bundleOf[i] >= 0)
            continue;
        m_vertexOf[i] = int(m_vertices.size());
        m_vertices.push_back({ m_nodes[i]->id, &m_nodes[i]->label, m_layer[i], m_band[i] });
    }
    std::vector<int> bundleVertex;
    for (const int broker : m_bundleBroker) {
        bundleVertex.push_back(int(m_vertices.size()));
        // Sorted like its broker, so it lines up with it.
        m_vertices.push_back(
            { GraphLayout::bundleIdOf(m_nodes[broker]->id), &m_nodes[broker]->label, bundleLayer, m_band[broker] });
    }
    for (int i = 0; i < count; ++i) {
        if (m_bundleOf[i] >= 0)
            m_vertexOf[i] = bundleVertex[m_bundleOf[i]];
    }
}

// Forward edges between drawn boxes of one band. Reply and dead-letter edges, and edges that run against the
// layers (a trigger delivering to another broker), do not pull anything out of place.
void FullLayout::buildAdjacency()
{
    const int count = int(m_vertices.size());
    std::vector<std::pair<int, int>> forward;
    forward.reserve(m_links.size());
    for (const auto& link : m_links) {
        if (isBackEdge(link.kind))
            continue;
        const int from = m_vertexOf[link.from];
        const int to = m_vertexOf[link.to];
        if (from == to || m_vertices[from].layer >= m_vertices[to].layer
            || m_vertices[from].band != m_vertices[to].band)
            continue;
        forward.emplace_back(from, to);
    }
    const auto build = [&](std::vector<int>& start, std::vector<int>& list, bool byTarget) {
        start.assign(count + 1, 0);
        for (const auto& [from, to] : forward)
            ++start[(byTarget ? to : from) + 1];
        for (int i = 0; i < count; ++i)
            start[i + 1] += start[i];
        list.resize(forward.size());
        auto fill = start;
        for (const auto& [from, to] : forward) {
            if (byTarget)
                list[fill[to]++] = from;
            else
                list[fill[from]++] = to;
        }
    };
    build(m_predecessorStart, m_predecessors, true);
    build(m_successorStart, m_successors, false);
}

void FullLayout::renumber(const Column& column)
{
    const qint64 size = qint64(column.size());
    for (qint64 i = 0; i < size; ++i)
        m_order[column[i]] = ((2 * i + 1) << 20) / (2 * size);
}

// Barycentre of the neighbours on one side; a node without any keeps its place. Integer sums keep the result
// independent of the order edges come in.
void FullLayout::sortColumn(Column& column, bool byPredecessors)
{
    const auto& start = byPredecessors ? m_predecessorStart : m_successorStart;
    const auto& list = byPredecessors ? m_predecessors : m_successors;
    std::vector<std::pair<double, int>> keyed;
    keyed.reserve(column.size());
    for (const int vertex : column) {
        qint64 sum = 0;
        const int begin = start[vertex];
        const int end = start[vertex + 1];
        for (int i = begin; i < end; ++i)
            sum += m_order[list[i]];
        keyed.emplace_back(end > begin ? double(sum) / (end - begin) : double(m_order[vertex]), vertex);
    }
    std::sort(keyed.begin(), keyed.end(), [this](const auto& a, const auto& b) {
        if (a.first != b.first)
            return a.first < b.first;
        return m_order[a.second] < m_order[b.second];
    });
    for (size_t i = 0; i < keyed.size(); ++i)
        column[i] = keyed[i].second;
    renumber(column);
}

void FullLayout::orderBand(std::array<Column, layerCount>& columns)
{
    for (auto& column : columns) {
        std::sort(column.begin(), column.end(), [this](int a, int b) {
            const auto& va = m_vertices[a];
            const auto& vb = m_vertices[b];
            if (*va.label != *vb.label)
                return *va.label < *vb.label;
            return va.id < vb.id;
        });
        renumber(column);
    }
    for (int round = 0; round <= sweepRounds; ++round) {
        for (int layer = 1; layer < layerCount; ++layer)
            sortColumn(columns[layer], true);
        if (round == sweepRounds)
            break;
        for (int layer = layerCount - 2; layer >= 0; --layer)
            sortColumn(columns[layer], false);
    }
}

void FullLayout::fitColumn(const Column& column, bool usePredecessors, bool useSuccessors, bool onlyPlaced)
{
    if (column.empty())
        return;
    std::vector<double> desired(column.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<double> weight(column.size(), 0);
    for (size_t i = 0; i < column.size(); ++i) {
        const int vertex = column[i];
        qint64 sum = 0;
        int count = 0;
        const auto add = [&](const std::vector<int>& start, const std::vector<int>& list) {
            for (int k = start[vertex]; k < start[vertex + 1]; ++k) {
                if (!onlyPlaced || m_placed[list[k]]) {
                    sum += m_row[list[k]];
                    ++count;
                }
            }
        };
        if (usePredecessors)
            add(m_predecessorStart, m_predecessors);
        if (useSuccessors)
            add(m_successorStart, m_successors);
        if (count > 0) {
            desired[i] = double(sum) / count;
            weight[i] = count;
        } else if (m_placed[vertex]) {
            desired[i] = m_row[vertex];
            weight[i] = looseWeight;
        }
    }
    std::vector<int> rows;
    fitRows(desired, weight, rows);
    for (size_t i = 0; i < column.size(); ++i) {
        m_row[column[i]] = rows[i];
        m_placed[column[i]] = 1;
    }
}

// Rows within a band: the tallest column packed, the others drawn level with their neighbours, then a few passes
// that let every column settle between both sides.
void FullLayout::placeBand(std::array<Column, layerCount>& columns)
{
    int tallest = 0;
    for (int layer = 1; layer < layerCount; ++layer) {
        if (columns[layer].size() > columns[tallest].size())
            tallest = layer;
    }
    for (size_t i = 0; i < columns[tallest].size(); ++i) {
        m_row[columns[tallest][i]] = int(i);
        m_placed[columns[tallest][i]] = 1;
    }
    for (int layer = tallest + 1; layer < layerCount; ++layer)
        fitColumn(columns[layer], true, false, true);
    for (int layer = tallest - 1; layer >= 0; --layer)
        fitColumn(columns[layer], false, true, true);
    for (int pass = 0; pass < refinePasses; ++pass) {
        for (int layer = 0; layer < layerCount; ++layer)
            fitColumn(columns[layer], true, true, false);
    }
}

GraphLayoutResult FullLayout::run()
{
    indexNodes();
    assignBands();
    foldBundles();
    buildVertices();
    buildAdjacency();
    m_order.assign(m_vertices.size(), 0);
    m_row.assign(m_vertices.size(), 0);
    m_placed.assign(m_vertices.size(), 0);
    m_columns.resize(m_bandNames.size());
    for (int v = 0; v < int(m_vertices.size()); ++v)
        m_columns[m_vertices[v].band][m_vertices[v].layer].push_back(v);
    for (auto& columns : m_columns) {
        orderBand(columns);
        placeBand(columns);
    }
    return publish();
}

GraphLayoutResult FullLayout::publish()
{
    GraphLayoutResult result;
    result.expandedBundles = m_input.expandedBundles;
    auto state = std::make_shared<GraphLayoutState>();
    result.positions.reserve(m_vertices.size());
    result.layers.reserve(m_nodes.size() + m_bundleBroker.size());

    // Bands stacked in name order, each starting a gap below the previous one.
    int top = 0;
    for (int band = 0; band < int(m_columns.size()); ++band) {
        int minRow = std::numeric_limits<int>::max();
        int maxRow = std::numeric_limits<int>::min();
        int count = 0;
        for (const auto& column : m_columns[band]) {
            for (const int vertex : column) {
                minRow = std::min(minRow, m_row[vertex]);
                maxRow = std::max(maxRow, m_row[vertex]);
                ++count;
            }
        }
        if (count == 0)
            continue;
        for (int layer = 0; layer < layerCount; ++layer) {
            auto& occupied = state->occupied[layer];
            for (const int vertex : m_columns[band][layer]) {
                const int row = m_row[vertex] - minRow + top;
                setOccupied(occupied, row, true);
                result.positions.insert(m_vertices[vertex].id, positionOf(layer, row));
            }
        }
        const int bottom = maxRow - minRow + top;
        state->bands.append({ m_bandNames.at(band), top, bottom, top, bottom, count });
        top = bottom + 1 + bandGapRows;
    }
    state->fullBands = int(state->bands.size());

    for (size_t i = 0; i < m_nodes.size(); ++i) {
        const auto& id = m_nodes[i]->id;
        result.layers.insert(id, m_layer[i]);
        if (isBroker(*m_nodes[i]))
            state->brokers.insert(id);
    }
    for (size_t bundle = 0; bundle < m_bundleBroker.size(); ++bundle) {
        const int broker = m_bundleBroker[bundle];
        LayoutBundle info { GraphLayout::bundleIdOf(m_nodes[broker]->id), m_nodes[broker]->id, {} };
        info.members.reserve(m_bundleMembers[bundle].size());
        for (const int member : m_bundleMembers[bundle]) {
            info.members.append(m_nodes[member]->id);
            result.bundleOf.insert(m_nodes[member]->id, info.id);
        }
        result.layers.insert(info.id, bundleLayer);
        result.bundles.insert(info.id, info);
    }
    publishBands(result, *state);
    result.state = std::move(state);
    return result;
}

// The incremental layout. It reads only the nodes and edges the delta names (one pass over the input's lists with
// a cheap check, and one more when a broker's triggers must be counted again), frees the rows of nodes that went
// away and drops each node that newly appears into the free row nearest its neighbours. Nothing else moves.
// Opening or closing a bundle goes the same way rather than through a full layout: only that broker's triggers
// and the bundle node change.
class IncrementalLayout {
public:
    IncrementalLayout(const GraphLayoutResult& previous, const GraphLayoutInput& input, const TopologyDelta& delta)
        : m_previous(previous)
        , m_before(*previous.state)
        , m_input(input)
        , m_delta(delta)
        , m_result(previous)
        , m_state(*previous.state)
    {
    }
    GraphLayoutResult run();

private:
    struct BrokerPlan {
        QString bundle;
        bool present = false;
        bool wasBundled = false;
        bool recount = false; // its triggers must be counted in the input again
        QStringList triggers; // sorted
    };

    void scanNamed();
    void collect(const TopologyEdge& edge);
    bool isPresent(const QString& id) const;
    bool isBrokerId(const QString& id) const;
    QStringList routedFrom(const QString& broker) const;
    int bandIndex(const QString& ns);
    int bandOfDrawn(const QString& id) const;
    int bandFor(const QString& id);
    void findTouchedBrokers();
    void planBrokers();
    void scanBrokers();
    void resolveBundles();
    void resolveNode(const QString& id);
    void release(const QString& id, int layer);
    std::optional<int> desiredRow(const QString& id, int band) const;
    void place(const QString& id, int band, std::optional<int> target);
    void placeAll();

    const GraphLayoutResult& m_previous;
    const GraphLayoutState& m_before;
    const GraphLayoutInput& m_input;
    const TopologyDelta& m_delta;
    GraphLayoutResult m_result;
    GraphLayoutState m_state;

    IdSet m_named; // nodes the delta names
    QHash<QString, const TopologyNode*> m_found; // named nodes that still exist
    std::vector<bool> m_collectedEdge; // by index into the input's edges
    QHash<QString, QList<const TopologyEdge*>> m_edgesOf; // collected edges, by either end
    QList<std::pair<QString, QString>> m_removedRoutes; // broker and trigger of each removed Routes edge
    QSet<QString> m_touchedBrokers; // brokers whose bundle may fold, unfold or change members
    QMap<QString, BrokerPlan> m_plans; // touched brokers, in id order
    IdSet m_recount; // brokers whose Routes edges the second pass collects
    IdSet m_unfolding; // folded triggers whose edges the second pass collects
    QHash<QString, QString> m_newBundleOf; // trigger of a touched broker -> its bundle, if it folds
    QHash<QString, QList<int>> m_freedRows; // new bundle -> rows its triggers had, where it should go
    QHash<QString, int> m_bandByName;
    QStringList m_toPlace;
    int m_bottomRow = -1;
};

void IncrementalLayout::collect(const TopologyEdge& edge)
{
    m_edgesOf[edge.from].append(&edge);
    m_edgesOf[edge.to].append(&edge);
}

bool IncrementalLayout::isPresent(const QString& id) const
{
    return m_named.contains(id) ? m_found.contains(id) : m_previous.layers.contains(id);
}

bool IncrementalLayout::isBrokerId(const QString& id) const
{
    if (const auto* node = m_found.value(id))
        return isBroker(*node);
    return m_state.brokers.contains(id);
}

QStringList IncrementalLayout::routedFrom(const QString& broker) const
{
    QStringList triggers;
    for (const auto* edge : m_edgesOf.value(broker)) {
        if (edge->kind == EdgeKind::Routes && edge->from == broker && edge->to != broker)
            triggers.append(edge->to);
    }
    std::sort(triggers.begin(), triggers.end());
    triggers.erase(std::unique(triggers.begin(), triggers.end()), triggers.end());
    return triggers;
}

int IncrementalLayout::bandIndex(const QString& ns)
{
    if (const auto it = m_bandByName.constFind(ns); it != m_bandByName.constEnd())
        return it.value();
    m_state.bands.append({ ns, -1, -1, 0, 0, 0 });
    m_bandByName.insert(ns, int(m_state.bands.size() - 1));
    return int(m_state.bands.size() - 1);
}

int IncrementalLayout::bandOfDrawn(const QString& id) const
{
    const auto it = m_result.positions.constFind(id);
    return it == m_result.positions.cend() ? -1 : bandAt(m_state, id, it.value());
}

// The band a node about to be placed belongs to, by the full layout's rule: its namespace, else the first by name
// of whatever points at it. A bundle goes with its broker, a trigger coming out of a bundle where the bundle was.
int IncrementalLayout::bandFor(const QString& id)
{
    if (const auto bundle = m_result.bundles.constFind(id); bundle != m_result.bundles.cend()) {
        if (const int band = bandOfDrawn(bundle->broker); band >= 0)
            return band;
        const auto* broker = m_found.value(bundle->broker);
        return bandIndex(broker ? broker->object.ns : QString());
    }
    if (const auto* node = m_found.value(id)) {
        if (!node->object.ns.isEmpty())
            return bandIndex(node->object.ns);
        QString best;
        for (const auto* edge : m_edgesOf.value(id)) {
            if (edge->to != id)
                continue;
            QString ns;
            if (const auto* from = m_found.value(edge->from))
                ns = from->object.ns;
            else if (const int band = bandOfDrawn(m_result.bundleOf.value(edge->from, edge->from)); band >= 0)
                ns = m_state.bands.at(band).ns;
            if (!ns.isEmpty() && (best.isEmpty() || ns < best))
                best = ns;
        }
        return bandIndex(best);
    }
    const auto bundle = m_previous.bundleOf.value(id);
    if (const auto it = m_previous.positions.constFind(bundle.isEmpty() ? id : bundle);
        it != m_previous.positions.cend()) {
        if (const int band = bandAt(m_before, it.key(), it.value()); band >= 0)
            return band;
    }
    return bandIndex(QString());
}

void IncrementalLayout::scanNamed()
{
    for (const auto* list : { &m_delta.nodesAdded, &m_delta.nodesChanged, &m_delta.nodesRemoved }) {
        for (const auto& id : *list)
            m_named.insert(id);
    }
    // Removed edges are gone from the input; their id ("<from>-><to>#<kind>") is all that is left of them.
    const QString routesSuffix = u'#' + edgeKindName(EdgeKind::Routes);
    for (const auto& id : m_delta.edgesRemoved) {
        const auto arrow = id.indexOf(u"->");
        if (arrow > 0 && id.endsWith(routesSuffix))
            m_removedRoutes.append({ id.left(arrow), id.mid(arrow + 2, id.size() - arrow - 2 - routesSuffix.size()) });
    }
    if (!m_named.isEmpty()) {
        for (const auto& node : m_input.nodes) {
            if (m_named.contains(node.id) && !m_found.contains(node.id))
                m_found.insert(node.id, &node);
        }
    }
    // An edge comes or goes with a change to the object that declares it, usually one of its ends; new edges are
    // also looked up by id, since that object's node may be unchanged.
    IdSet addedEdges;
    for (const auto& id : m_delta.edgesAdded)
        addedEdges.insert(id);
    m_collectedEdge.assign(m_input.edges.size(), false);
    if (m_named.isEmpty() && addedEdges.isEmpty())
        return;
    for (qsizetype i = 0; i < m_input.edges.size(); ++i) {
        const auto& edge = m_input.edges.at(i);
        if (m_named.contains(edge.from) || m_named.contains(edge.to) || addedEdges.contains(edge.id)) {
            m_collectedEdge[i] = true;
            collect(edge);
        }
    }
}

void IncrementalLayout::findTouchedBrokers()
{
    const auto touchBundleOf = [this](const QString& id) {
        if (const auto bundle = m_previous.bundleOf.value(id); !bundle.isEmpty())
            m_touchedBrokers.insert(m_previous.bundles.value(bundle).broker);
    };
    for (const auto* list : { &m_delta.nodesAdded, &m_delta.nodesChanged, &m_delta.nodesRemoved }) {
        for (const auto& id : *list) {
            if (isBrokerId(id))
                m_touchedBrokers.insert(id);
            touchBundleOf(id);
        }
    }
    for (auto it = m_edgesOf.cbegin(); it != m_edgesOf.cend(); ++it) {
        for (const auto* edge : it.value()) {
            if (edge->kind == EdgeKind::Routes && isBrokerId(edge->from)) {
                m_touchedBrokers.insert(edge->from);
                touchBundleOf(edge->to);
            }
        }
    }
    // A broker losing a trigger matters only when it has a bundle, which may unfold.
    for (const auto& [broker, trigger] : std::as_const(m_removedRoutes)) {
        if (m_previous.bundles.contains(GraphLayout::bundleIdOf(broker)))
            m_touchedBrokers.insert(broker);
    }
    const auto opened = m_input.expandedBundles - m_previous.expandedBundles;
    const auto closed = m_previous.expandedBundles - m_input.expandedBundles;
    for (const auto* set : { &opened, &closed }) {
        for (const auto& bundle : *set) {
            if (!bundle.startsWith(u"bundle:"))
                continue;
            if (const auto broker = bundle.mid(7); isBrokerId(broker))
                m_touchedBrokers.insert(broker);
        }
    }
}

// What each touched broker's triggers are now. A bundle's members follow from the delta alone; only when a bundle
// may appear or go are the broker's triggers counted in the input, and the edges of triggers that may unfold
// collected so they can be placed.
void IncrementalLayout::planBrokers()
{
    for (const auto& broker : std::as_const(m_touchedBrokers)) {
        BrokerPlan plan;
        plan.bundle = GraphLayout::bundleIdOf(broker);
        plan.present = isPresent(broker);
        plan.wasBundled = m_previous.bundles.contains(plan.bundle);
        const bool folds = plan.present && !m_input.expandedBundles.contains(plan.bundle);
        if (plan.wasBundled) {
            const auto members = m_previous.bundles.value(plan.bundle).members;
            QSet<QString> triggers(members.cbegin(), members.cend());
            for (const auto& [from, to] : std::as_const(m_removedRoutes)) {
                if (from == broker)
                    triggers.remove(to);
            }
            // A named trigger's edges are all collected: it is back below if it still routes from here.
            for (const auto& member : members) {
                if (m_named.contains(member))
                    triggers.remove(member);
            }
            for (const auto& trigger : routedFrom(broker))
                triggers.insert(trigger);
            plan.triggers = QStringList(triggers.cbegin(), triggers.cend());
            std::sort(plan.triggers.begin(), plan.triggers.end());
            if (!folds || plan.triggers.size() <= GraphLayout::bundleThreshold) {
                for (const auto& member : members)
                    m_unfolding.insert(member);
                plan.recount = folds;
            }
        } else if (folds) {
            // A named broker's edges are all collected already.
            plan.recount = !m_named.contains(broker);
            plan.triggers = routedFrom(broker);
        }
        if (plan.recount)
            m_recount.insert(broker);
        m_plans.insert(broker, plan);
    }
}

void IncrementalLayout::scanBrokers()
{
    if (m_recount.isEmpty() && m_unfolding.isEmpty())
        return;
    for (qsizetype i = 0; i < m_input.edges.size(); ++i) {
        if (m_collectedEdge[i])
            continue;
        // A trigger's one incoming edge is its broker's Routes edge, known already: what places it is where it
        // delivers to.
        const auto& edge = m_input.edges.at(i);
        if (edge.kind == EdgeKind::Routes ? m_recount.contains(edge.from) : m_unfolding.contains(edge.from)) {
            m_collectedEdge[i] = true;
            collect(edge);
        }
    }
    for (auto it = m_plans.begin(); it != m_plans.end(); ++it) {
        if (it->recount)
            it->triggers = routedFrom(it.key());
    }
}

void IncrementalLayout::release(const QString& id, int layer)
{
    const auto position = m_previous.positions.value(id);
    const int band = bandAt(m_before, id, position);
    setOccupied(m_state.occupied[layer], rowOf(position), false);
    m_result.positions.remove(id);
    if (m_state.placedBand.contains(id))
        m_state.placedBand.remove(id);
    if (band >= 0)
        --m_state.bands[band].count;
}

void IncrementalLayout::resolveBundles()
{
    QSet<QString> affected;
    for (const auto* list : { &m_delta.nodesAdded, &m_delta.nodesChanged, &m_delta.nodesRemoved }) {
        for (const auto& id : *list)
            affected.insert(id);
    }
    for (auto it = m_plans.cbegin(); it != m_plans.cend(); ++it) {
        const auto& plan = it.value();
        for (const auto& member : m_previous.bundles.value(plan.bundle).members)
            affected.insert(member);
        for (const auto& trigger : plan.triggers)
            affected.insert(trigger);
        const bool folds = plan.present && !m_input.expandedBundles.contains(plan.bundle)
            && plan.triggers.size() > GraphLayout::bundleThreshold;
        if (folds) {
            LayoutBundle info { plan.bundle, it.key(), {} };
            for (const auto& trigger : plan.triggers) {
                if (!m_newBundleOf.contains(trigger)) {
                    m_newBundleOf.insert(trigger, plan.bundle);
                    info.members.append(trigger);
                }
            }
            if (m_previous.bundles.value(plan.bundle) != info)
                m_result.bundles.insert(plan.bundle, info);
        } else if (plan.wasBundled) {
            m_result.bundles.remove(plan.bundle);
        }
    }
    // Triggers first: they free the rows a new bundle takes.
    QStringList ordered(affected.cbegin(), affected.cend());
    std::sort(ordered.begin(), ordered.end());
    for (const auto& id : std::as_const(ordered))
        resolveNode(id);

    for (const auto& plan : std::as_const(m_plans)) {
        const bool is = m_result.bundles.contains(plan.bundle);
        if (plan.wasBundled && !is) {
            release(plan.bundle, bundleLayer);
            m_result.layers.remove(plan.bundle);
        } else if (!plan.wasBundled && is) {
            m_result.layers.insert(plan.bundle, bundleLayer);
            m_toPlace.append(plan.bundle);
        }
    }
}

void IncrementalLayout::resolveNode(const QString& id)
{
    const int oldLayer = m_previous.layers.value(id, -1);
    const bool wasDrawn = m_previous.positions.contains(id);
    const bool wasFolded = m_previous.bundleOf.contains(id);
    const auto* node = m_found.value(id);
    if (!isPresent(id)) {
        if (wasDrawn)
            release(id, oldLayer);
        if (oldLayer >= 0)
            m_result.layers.remove(id);
        if (wasFolded)
            m_result.bundleOf.remove(id);
        if (m_state.brokers.contains(id))
            m_state.brokers.remove(id);
        return;
    }
    if (oldLayer < 0 && !node)
        return; // an edge end the delta did not announce; the next full layout picks it up
    const int layer = node ? GraphLayout::layerOf(*node) : oldLayer;
    if (layer != oldLayer)
        m_result.layers.insert(id, layer);
    if (node && isBroker(*node) && !m_state.brokers.contains(id))
        m_state.brokers.insert(id);

    const auto bundle = m_newBundleOf.value(id);
    if (bundle != m_previous.bundleOf.value(id)) {
        if (bundle.isEmpty())
            m_result.bundleOf.remove(id);
        else
            m_result.bundleOf.insert(id, bundle);
    }
    const bool drawn = bundle.isEmpty();
    if (wasDrawn && (!drawn || layer != oldLayer)) {
        if (!drawn)
            m_freedRows[bundle].append(rowOf(m_previous.positions.value(id)));
        release(id, oldLayer);
    }
    if (drawn && (!wasDrawn || layer != oldLayer))
        m_toPlace.append(id);
}

// Level with the node's drawn neighbours in its band (a folded neighbour counts as its bundle); a new bundle goes
// where its triggers were.
std::optional<int> IncrementalLayout::desiredRow(const QString& id, int band) const
{
    const auto freed = m_freedRows.value(id);
    if (!freed.isEmpty()) {
        qint64 sum = 0;
        for (const int row : freed)
            sum += row;
        return int(std::lround(double(sum) / freed.size()));
    }
    qint64 sum = 0;
    int count = 0;
    const auto addNeighbours = [&](const QString& of) {
        for (const auto* edge : m_edgesOf.value(of)) {
            const auto& other = edge->from == of ? edge->to : edge->from;
            const auto drawnAs = m_result.bundleOf.value(other, other);
            if (drawnAs == id)
                continue;
            const auto it = m_result.positions.constFind(drawnAs);
            if (it != m_result.positions.constEnd() && bandAt(m_state, drawnAs, it.value()) == band) {
                sum += rowOf(it.value());
                ++count;
            }
        }
    };
    if (const auto it = m_result.bundles.constFind(id); it != m_result.bundles.constEnd()) {
        for (const auto& member : it->members)
            addNeighbours(member);
    } else {
        addNeighbours(id);
    }
    if (count == 0)
        return std::nullopt;
    return int(std::lround(double(sum) / count));
}

// Into the free row of its column nearest the target; without one, below the rest of its band; a band that is new
// (or was emptied) starts below everything.
void IncrementalLayout::place(const QString& id, int band, std::optional<int> target)
{
    const int layer = m_result.layers.value(id);
    auto& info = m_state.bands[band];
    auto& column = m_state.occupied[layer];
    int row;
    if (info.count == 0) {
        row = nearestFreeRow(column, m_bottomRow + 1 + bandGapRows);
        info.minRow = info.maxRow = row;
    } else {
        row = nearestFreeRow(column, target.value_or(info.maxRow));
        info.minRow = std::min(info.minRow, row);
        info.maxRow = std::max(info.maxRow, row);
    }
    ++info.count;
    m_bottomRow = std::max(m_bottomRow, info.maxRow);
    setOccupied(column, row, true);
    m_result.positions.insert(id, positionOf(layer, row));
    m_state.placedBand.insert(id, band);
}

// Upstream first, so a new trigger and its new subscriber line up; nodes with no drawn neighbour yet wait for a
// later round, and go to the bottom of their band when none comes.
void IncrementalLayout::placeAll()
{
    std::sort(m_toPlace.begin(), m_toPlace.end(), [this](const QString& a, const QString& b) {
        const int la = m_result.layers.value(a);
        const int lb = m_result.layers.value(b);
        return la != lb ? la < lb : a < b;
    });
    QStringList pending = m_toPlace;
    while (!pending.isEmpty()) {
        QStringList waiting;
        for (const auto& id : std::as_const(pending)) {
            const int band = bandFor(id);
            if (const auto row = desiredRow(id, band))
                place(id, band, row);
            else
                waiting.append(id);
        }
        if (waiting.size() == pending.size()) {
            for (const auto& id : std::as_const(waiting))
                place(id, bandFor(id), std::nullopt);
            break;
        }
        pending = waiting;
    }
}

GraphLayoutResult IncrementalLayout::run()
{
    m_result.expandedBundles = m_input.expandedBundles;
    for (int i = 0; i < int(m_state.bands.size()); ++i) {
        m_bandByName.insert(m_state.bands.at(i).ns, i);
        if (m_state.bands.at(i).count > 0)
            m_bottomRow = std::max(m_bottomRow, m_state.bands.at(i).maxRow);
    }
    scanNamed();
    findTouchedBrokers();
    planBrokers();
    scanBrokers();
    resolveBundles();
    placeAll();
    publishBands(m_result, m_state);
    m_result.state = std::make_shared<const GraphLayoutState>(std::move(m_state));
    return m_result;
}

} // namespace

int GraphLayout::layerOf(const TopologyNode& node)
{
    switch (node.kind) {
    case NodeKind::Source:
        return 0;
    case NodeKind::Broker:
    case NodeKind::Channel:
        return 1;
    case NodeKind::Trigger:
    case NodeKind::Subscription:
        return 2;
    case NodeKind::Flow:
        return 3;
    case NodeKind::Subscriber:
    case NodeKind::Uri:
        return 4;
    case NodeKind::Missing:
        return layerOfKind(node.object.group, node.object.kind);
    }
    return 4;
}

QString GraphLayout::bundleIdOf(const QString& brokerId) { return u"bundle:"_s + brokerId; }

GraphLayoutResult GraphLayout::compute(const GraphLayoutInput& input) { return FullLayout(input).run(); }

GraphLayoutResult GraphLayout::update(
    const GraphLayoutResult& previous, const GraphLayoutInput& input, const TopologyDelta& delta)
{
    if (!previous.state || previous.positions.isEmpty())
        return compute(input);
    return IncrementalLayout(previous, input, delta).run();
}
