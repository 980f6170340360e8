// SPDX-License-Identifier: Apache-2.0
// Rules between instances: unique names, unique VRIDs per (interface, family, multicast or unicast
// peer set), one virtual MAC per VRID and interface, no address in two instances (DESIGN.md §10).
// Each conflict is reported at its second occurrence. Internal to config/.
#pragma once

#include "config/instance_builder.h"
#include "config/report.h"

#include <vector>

namespace hafd::config {

void checkAcrossInstances(const std::vector<Draft>& drafts, Reporter& report);

} // namespace hafd::config
