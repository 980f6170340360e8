// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the config tests: where the source tree is, and reading files.
#pragma once

#include "config/config.h"

#include <string>
#include <vector>

namespace hafd::config::test {

// The source root: $HAFD_SOURCE_ROOT, else the one meson configured.
std::string sourceRoot();
// sourceRoot() + "/tests/data/config/" + sub.
std::string dataPath(const std::string& sub);
// The whole file; "" when it cannot be read.
std::string readText(const std::string& path);
// The regular files in `dir` whose names end with `suffix`, sorted.
std::vector<std::string> filesIn(const std::string& dir, const std::string& suffix);
// Loads tests/data/config/good/NAME, which must produce no diagnostic at all (fails the test
// otherwise, printing each).
Config loadGood(const std::string& name);

} // namespace hafd::config::test
