// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the config tests: where the source tree is, and reading files.
#pragma once

#include "config/config.h"
#include "config/load.h"

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
// The diagnostics a corpus file lists in its `# expect:` lines, FILE and DIR/ replaced by the
// path it is loaded by and its directory.
std::vector<std::string> expectations(const std::string& path);
// Whether `r` has the diagnostics a good file may have: exactly its `# expect:` lines, each a
// warning that a setting is not active in this release (prints what differs).
bool loadsAsGood(const LoadResult& r, const std::string& path);
// Loads tests/data/config/good/NAME, which must load as good (fails the test otherwise).
Config loadGood(const std::string& name);

} // namespace hafd::config::test
