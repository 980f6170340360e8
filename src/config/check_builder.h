// SPDX-License-Identifier: Apache-2.0
// The `checks` list: one kind per check (exec, tcp, file, interface, or role: exec with a
// role_pattern), a timeout below the interval, patterns that compile, unique names. Internal to
// config/.
#pragma once

#include "config/config.h"
#include "config/node.h"
#include "config/report.h"
#include "config/section.h"

#include <string>
#include <vector>

namespace hafd::config {

struct CheckDraft {
    Check check;
    std::string path; // `checks["nginx"]`, or `checks[2]` without a usable name
    const Node* entry = nullptr;
    bool nameOk = false; // tracks may refer to it
    bool kindOk = false; // check.kind is known
};

// The `checks` setting of the top level `root`.
std::vector<CheckDraft> buildChecks(const Section& root, Reporter& report);

} // namespace hafd::config
