// SPDX-License-Identifier: Apache-2.0
// An `auth` group, at the top level or in an instance: keys by id, the active key, mode, anti-
// replay and time window (AUTH_HMAC.md §7-§9). Unlike keepalived, an undefined active key is an
// error, never a reason to run unauthenticated. Internal to config/.
#pragma once

#include "config/config.h"
#include "config/node.h"
#include "config/report.h"

#include <optional>
#include <string>

namespace hafd::config {

struct AuthDraft {
    bool present = false;  // the group is written
    bool disabled = false; // enabled = false
    // Set when the group is present, enabled and has no error. timeWindow is 0 when not set.
    std::optional<Auth> auth;
    int file = 0; // the group's, for messages about conflicts with it
    int line = 0;
};

// `group` is null when the setting is absent; `path` names it (`auth`, `instances["web"].auth`).
AuthDraft buildAuth(const Node* group, const std::string& path, Reporter& report);

} // namespace hafd::config
