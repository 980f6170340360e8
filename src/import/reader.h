// SPDX-License-Identifier: Apache-2.0
// The thin I/O layer of the importer: reads keepalived.conf and what its `include` lines match.
// A relative pattern is taken relative to the directory of the file that includes it, as
// keepalived does (it changes into that directory before globbing); patterns are glob(3)
// patterns with csh-style braces, matched files in glob's (sorted) order, directories skipped.
#pragma once

#include "import/parser.h"

#include <optional>
#include <string>

namespace hafd::import {

// Files larger than this are not keepalived configurations worth reading.
inline constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

// The whole file, or nullopt with `error` set.
std::optional<std::string> readConfigFile(const std::string& path, std::string& error);

// The resolver parse() needs, over the real file system.
Included resolveInclude(const std::string& pattern, const std::string& from);

} // namespace hafd::import
