// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"

#include <QList>
#include <QString>

// Event meshes of any size shaped like real ones, for benchmarks, tests and `meshscope --synthetic`: namespaces of
// brokers, each fed by 2-5 sources (PingSource, ApiServerSource, KafkaSource) and routing about 40 triggers that
// filter on reverse-DNS event types; Knative Services shared by about three triggers each; some Deployment-backed
// Services, dead-letter sinks, Sequences that reply to their broker, and a few triggers whose subscriber is gone.
// Objects come out of ManifestParser::fromJson, so their typed fields are what a cluster would give.
namespace SyntheticMesh {

QString origin();

// About targetNodes topology nodes (within a few nodes above it); the same seed gives the same mesh.
QList<KnativeObjectPtr> generate(int targetNodes, quint32 seed = 1);

} // namespace SyntheticMesh
