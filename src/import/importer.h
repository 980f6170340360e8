// SPDX-License-Identifier: Apache-2.0
// hafctl import-keepalived: keepalived.conf (with its includes) -> hafd.conf on stdout and
// findings on stderr. The exit status: 0 everything translated, 1 the output needs review
// (there are findings), 2 the input cannot be used (unreadable, not keepalived's language, no
// vrrp_instance).
#pragma once

#include "import/parser.h"
#include "import/tree.h"

#include <string>
#include <vector>

namespace hafd::import {

inline constexpr int kImportClean = 0;
inline constexpr int kImportReview = 1;
inline constexpr int kImportUnusable = 2;

inline constexpr const char* kDefaultKeepalivedConf = "/etc/keepalived/keepalived.conf";

struct ImportResult {
    std::string text; // empty when unusable
    std::vector<Finding> findings;
    int exitStatus = kImportClean;
};

// Pure: the text of the top file and a resolver for its includes.
ImportResult importText(const Source& top, const IncludeResolver& resolve);

// Reads `path` and what it includes from the file system.
ImportResult importFile(const std::string& path);

} // namespace hafd::import
