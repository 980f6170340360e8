// SPDX-License-Identifier: Apache-2.0
// Rules between sections, once each is read: tracks name checks that exist (and weigh roles
// only of role checks, and only roles their pattern can report); checks that nothing tracks;
// each instance's effective auth and its clash with a v2 password; this node's place in the
// cluster (listed; a witness runs no instances). Internal to config/.
#pragma once

#include "config/auth_builder.h"
#include "config/check_builder.h"
#include "config/config.h"
#include "config/instance_builder.h"
#include "config/report.h"
#include "config/sections_builder.h"

#include <vector>

namespace hafd::config {

struct Globals {
    LocalNode node;
    const Node* nodeName = nullptr; // node.name as written, when present and valid
    AuthDraft auth;
    ClusterDraft cluster;
    const Node* instances = nullptr; // the `instances` list as written, when present
};

// Sets each instance's `auth` and `ownAuth`; reports what does not fit.
void resolveReferences(const Globals& globals, const std::vector<CheckDraft>& checks,
                       std::vector<Draft>& instances, Reporter& report);

// Whether this node may be a cluster witness: node.name is listed as one, or node.name is unset
// (the host name decides, which only the daemon knows) and the cluster has a witness.
bool mayBeWitness(const Globals& globals);

} // namespace hafd::config
