// SPDX-License-Identifier: Apache-2.0
// Loading a configuration: parse (libconfig), walk the schema, build each section (node,
// scripts, auth, cluster, fence, checks, instances, groups), check the rules within and between
// them. Every problem found is returned, not just the first; the caller prints them as they are
// (Diagnostic::toString()) and decides (DESIGN.md §6: exit 2 at start, keep the old
// configuration on reload). Facts about the host are not checked here (config/ makes no system
// call): src/hostcheck does that on the loaded Config.
#pragma once

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/diff.h"  // diff(), for reload
#include "config/print.h" // describe(), for `hafd --check-config -v`

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::config {

struct LoadResult {
    // Set only when there is no error; warnings may come with it.
    std::optional<Config> config;
    // Errors and warnings, ordered by file and line. A syntax error is the only diagnostic:
    // libconfig stops at the first.
    std::vector<Diagnostic> diagnostics;

    bool ok() const { return config.has_value(); }
};

// Reads and validates `path`. @include paths are relative to the directory of `path`.
LoadResult loadFile(const std::string& path);

// The same for text held in memory (tests); `name` stands for the file in diagnostics and its
// directory anchors @include paths.
LoadResult loadString(std::string_view text, const std::string& name);

// The path that names an instance's setting in diagnostics: `instances["web"].interface`,
// `instances["web"].announce.count`; the instance itself when `setting` is empty.
std::string settingPath(const Instance& instance, std::string_view setting);

// A diagnostic about a loaded instance in the loader's form, for facts checked later against
// the host (interface exists…): warnings for --check-config, errors at start (DESIGN.md §10).
Diagnostic diagnose(const Instance& instance, std::string_view setting,
                    Diagnostic::Severity severity, std::string message);

// The same for any setting whose Where the configuration keeps (commands, key files, tracks,
// checks, scripts.user, node.name).
Diagnostic diagnose(const Where& where, Diagnostic::Severity severity, std::string message);

} // namespace hafd::config
