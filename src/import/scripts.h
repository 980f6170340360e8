// SPDX-License-Identifier: Apache-2.0
// keepalived's script settings as hafd commands: `script` of vrrp_script, and notify_master,
// notify_backup, notify_fault, notify_stop and notify of instances and sync groups. Internal to
// import/.
#pragma once

#include "import/context.h"

#include <optional>
#include <string>
#include <vector>

namespace hafd::import {

// The argv of a script statement, or nullopt with a finding. `userAfter`: the command is the
// first word and up to two more are keepalived's user and group (notify); otherwise every
// word is part of the command line (vrrp_script's script).
std::optional<std::vector<std::string>> scriptArgv(Context& cx, const KNode& n,
                                                   const std::string& setting, bool userAfter);

// Whether `keyword` is one of the notify settings translated by translateNotify().
bool isNotify(const std::string& keyword);

// hafd's `notify = { ... };` for the notify statements among `nodes` (empty when none
// translate); `owner` names the instance or group in findings.
std::string translateNotify(Context& cx, const std::vector<const KNode*>& nodes,
                            const std::string& owner);

} // namespace hafd::import
