// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "topologygraph.h"

#include <QHash>
#include <QPointF>
#include <QRectF>
#include <QSet>
#include <QSizeF>
#include <QStringList>

#include <memory>

// A layered layout for event meshes: sources, then brokers and channels, then triggers and subscriptions, then
// flows, then subscribers; namespaces stacked as bands; within a band a few barycentre sweeps reduce crossings.
// Reply and dead-letter edges, and edges that run against the layers (a trigger delivering to another broker), are
// drawn back and pull nothing out of place. Nodes sit on a grid of columns (layers) and rows, so an incremental update
// can drop a new node into a free row near its neighbours without moving anything else. Pure computation on value
// copies: safe on a worker thread.
struct GraphLayoutInput {
    QList<TopologyNode> nodes;
    QList<TopologyEdge> edges;
    QSet<QString> expandedBundles {}; // bundle ids the user opened
};

struct LayoutBundle {
    QString id; // "bundle:" + broker node id
    QString broker; // broker node id
    QStringList members; // trigger node ids folded into it, sorted
    friend bool operator==(const LayoutBundle&, const LayoutBundle&) = default;
};

// Bookkeeping that lets GraphLayout::update() work in time proportional to the change; opaque to callers.
struct GraphLayoutState;

struct GraphLayoutResult {
    // Top-left of every node that is drawn: folded triggers are absent, bundle nodes present.
    QHash<QString, QPointF> positions;
    QHash<QString, int> layers; // every node of the input, folded ones included, and every bundle node
    QHash<QString, LayoutBundle> bundles; // bundle nodes, by id
    QHash<QString, QString> bundleOf; // folded trigger id -> bundle id
    QList<std::pair<QString, QRectF>> namespaceBands; // namespace and its rectangle, in namespace order
    QRectF bounds;
    QSet<QString> expandedBundles; // the input's, so update() can tell which bundles were opened or closed since
    std::shared_ptr<const GraphLayoutState> state; // shared, never modified once built
};

namespace GraphLayout {
constexpr QSizeF nodeSize { 230, 46 };
constexpr qreal columnPitch = 340; // nodeSize.width() plus the gap edges run through
constexpr qreal rowPitch = 60; // nodeSize.height() plus the gap between rows
constexpr int bundleThreshold = 12; // a broker with more triggers than this folds them into one bundle node
int layerOf(const TopologyNode& node);
QString bundleIdOf(const QString& brokerId);
GraphLayoutResult compute(const GraphLayoutInput& input);
// Incremental: given the previous result and the new input plus what changed (TopologyDelta from
// TopologyGraph::changed, possibly several accumulated), returns a layout in which every node that is not
// added, removed, or a direct neighbour of an added/removed/changed node keeps exactly its previous position.
// In practice only nodes that newly appear move (added ones, triggers unfolded from a bundle, new bundle nodes),
// and a changed node only when its layer changed. A bundle opened or closed (expandedBundles differs from
// previous.expandedBundles) or folding/unfolding as its broker crosses the threshold is handled here too, without a
// full layout: only that broker's triggers and its bundle node appear or go. Removed Routes edges are recognised by
// their TopologyGraph id ("<from>-><to>#Routes"). Falls back to compute() when previous is empty.
GraphLayoutResult update(const GraphLayoutResult& previous, const GraphLayoutInput& input, const TopologyDelta& delta);
} // namespace GraphLayout
