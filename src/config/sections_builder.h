// SPDX-License-Identifier: Apache-2.0
// The top-level sections other than checks, instances and groups: node, scripts, cluster, fence
// and metrics, each with the rules between its own settings (DESIGN.md §4, §10). The schema
// table reads node and scripts (readFields() on the top level); what is left here is where they
// stand. Internal to config/.
#pragma once

#include "config/config.h"
#include "config/node.h"
#include "config/report.h"
#include "config/section.h"

#include <optional>

namespace hafd::config {

struct ClusterDraft {
    std::optional<Cluster> cluster;       // set when the section is present and has no error
    const Node* group = nullptr;          // the section as written, when present
    std::vector<const Node*> nodeEntries; // parallel to cluster->nodes
};

// Where node.name stands (or would stand), for messages about the host name.
void placeNode(const Section& root, LocalNode& node, const Reporter& report);
// Where scripts.user and scripts.group stand; a warning for "root".
void checkScripts(const Section& root, Scripts& scripts, Reporter& report);
ClusterDraft buildCluster(const Section& root, Reporter& report);
std::optional<Fence> buildFence(const Section& root, Reporter& report);
// metrics: its settings, and where the textfile and the listener stand (for host facts).
std::optional<Metrics> buildMetrics(const Section& root, Reporter& report);

} // namespace hafd::config
