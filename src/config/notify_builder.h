// SPDX-License-Identifier: Apache-2.0
// A `notify` group (instances and sync groups alike): one command per state. Internal to config/.
#pragma once

#include "config/config.h"
#include "config/node.h"
#include "config/report.h"

#include <string>

namespace hafd::config {

// `group` is null when the setting is absent; `path` names it (`instances["web"].notify`).
Notify buildNotify(const Node* group, const std::string& path, Reporter& report);

} // namespace hafd::config
