// SPDX-License-Identifier: Apache-2.0
// Loading the configuration the way the daemon needs it: config::loadFile (pure) plus the facts
// about this host that the file cannot know. DESIGN.md §10: host facts are warnings for
// --check-config (so a file can be checked on a build host) and errors at start and on reload —
// except a missing interface, which is never an error: its instances wait in FAULT, and a key
// file problem or a program others could change, which are errors in both.
#pragma once

#include "config/load.h"

#include <string>
#include <vector>

namespace hafd::daemon {

enum class HostFacts { AsWarnings, AsErrors };

config::LoadResult loadConfiguration(const std::string& path, HostFacts hostFacts);

} // namespace hafd::daemon
