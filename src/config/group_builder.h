// SPDX-License-Identifier: Apache-2.0
// The `groups` list (sync groups): unique names, instances that exist, each instance in one group
// at most, no empty group. Internal to config/.
#pragma once

#include "config/config.h"
#include "config/instance_builder.h"
#include "config/report.h"
#include "config/section.h"

#include <vector>

namespace hafd::config {

// The `groups` setting of the top level `root`; `instances` are the instances as read.
std::vector<SyncGroup> buildGroups(const Section& root, const std::vector<Draft>& instances,
                                   Reporter& report);

} // namespace hafd::config
