// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "topologygraph.h"

#include <QHash>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

// A layered layout for event meshes: sources, then brokers and channels, then triggers and subscriptions,
// then flows, then subscribers; namespaces stacked as bands; within a band nodes follow their upstream
// neighbours (barycentre) so edges run mostly straight. Pure computation on value copies, so it can run
// on a worker thread.
struct GraphLayoutInput {
    QList<TopologyNode> nodes;
    QList<TopologyEdge> edges;
};

struct GraphLayoutResult {
    QHash<QString, QPointF> positions; // top-left corner of each node
    QHash<QString, int> layers;
    QList<std::pair<QString, QRectF>> namespaceBands; // namespace and the rectangle its nodes occupy
    QRectF bounds;
};

namespace GraphLayout {
constexpr QSizeF nodeSize { 230, 46 };
int layerOf(const TopologyNode& node);
GraphLayoutResult compute(const GraphLayoutInput& input);
} // namespace GraphLayout
