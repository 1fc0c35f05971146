// SPDX-License-Identifier: Apache-2.0
#include "graphlayout.h"

#include <QMap>

#include <array>
#include <limits>

#include <algorithm>

namespace {
constexpr qreal columnGap = 110;
constexpr qreal rowGap = 14;
constexpr qreal bandGap = 48;
constexpr int layerCount = 5;

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

GraphLayoutResult GraphLayout::compute(const GraphLayoutInput& input)
{
    GraphLayoutResult result;
    // Namespace bands in name order; plain URIs belong to the band of whatever points at them.
    QHash<QString, QString> bandOf;
    QHash<QString, QList<QString>> predecessors;
    for (const auto& edge : input.edges) {
        if (edge.kind == EdgeKind::Reply || edge.kind == EdgeKind::DeadLetter)
            continue; // back edges must not pull nodes out of their place
        predecessors[edge.to].append(edge.from);
    }
    QHash<QString, const TopologyNode*> byId;
    for (const auto& node : input.nodes)
        byId.insert(node.id, &node);
    for (const auto& node : input.nodes) {
        QString band = node.object.ns;
        if (band.isEmpty()) {
            for (const auto& from : predecessors.value(node.id)) {
                if (const auto* upstream = byId.value(from); upstream && !upstream->object.ns.isEmpty()) {
                    band = upstream->object.ns;
                    break;
                }
            }
        }
        bandOf.insert(node.id, band);
    }

    QMap<QString, std::array<QList<const TopologyNode*>, layerCount>> bands;
    for (const auto& node : input.nodes) {
        const int layer = layerOf(node);
        result.layers.insert(node.id, layer);
        bands[bandOf.value(node.id)][layer].append(&node);
    }

    qreal top = 0;
    QHash<QString, qreal> rowCentre;
    for (auto bandIt = bands.begin(); bandIt != bands.end(); ++bandIt) {
        auto& layers = bandIt.value();
        qreal bandBottom = top;
        for (int layer = 0; layer < layerCount; ++layer) {
            auto& column = layers[layer];
            // Barycentre of already placed upstream nodes; nodes without any keep name order at the end.
            std::vector<std::pair<qreal, const TopologyNode*>> keyed;
            keyed.reserve(column.size());
            for (const auto* node : column) {
                qreal sum = 0;
                int count = 0;
                for (const auto& from : predecessors.value(node->id)) {
                    const auto it = rowCentre.constFind(from);
                    if (it != rowCentre.constEnd()) {
                        sum += it.value();
                        ++count;
                    }
                }
                keyed.emplace_back(count ? sum / count : std::numeric_limits<qreal>::max(), node);
            }
            std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
                if (a.first != b.first)
                    return a.first < b.first;
                return a.second->label < b.second->label;
            });
            qreal y = top;
            for (const auto& [centre, node] : keyed) {
                // Stay level with the upstream node when there is room, so fan-outs read as rows.
                if (centre != std::numeric_limits<qreal>::max())
                    y = std::max(y, centre - nodeSize.height() / 2);
                const QPointF position(layer * (nodeSize.width() + columnGap), y);
                result.positions.insert(node->id, position);
                rowCentre.insert(node->id, y + nodeSize.height() / 2);
                y += nodeSize.height() + rowGap;
            }
            bandBottom = std::max(bandBottom, y);
        }
        const QRectF band(
            -20, top - 28, layerCount * (nodeSize.width() + columnGap) - columnGap + 40, bandBottom - top + 28);
        result.namespaceBands.append({ bandIt.key(), band });
        result.bounds = result.bounds.united(band);
        top = bandBottom + bandGap;
    }
    return result;
}
