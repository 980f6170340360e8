// SPDX-License-Identifier: Apache-2.0
// keepalived's tracked objects defined at the top level as hafd checks: vrrp_script (exec),
// vrrp_track_file (file) and vrrp_track_process (process). Their weights stay in the CheckDef
// for the tracks that name them. Internal to import/.
#pragma once

#include "import/context.h"

namespace hafd::import {

void defineScript(Context& cx, const KNode& n);
void defineTrackFile(Context& cx, const KNode& n);
void defineTrackProcess(Context& cx, const KNode& n);

// The key of a definition in Context::checks.
std::string checkKey(std::string_view kind, std::string_view name);

} // namespace hafd::import
