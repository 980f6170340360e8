// SPDX-License-Identifier: Apache-2.0
// libconfig text -> Document. The only place libconfig is used: its types and exceptions stay in
// parser.cpp. libconfig stops at the first syntax error, so a failed parse has exactly one
// diagnostic (DESIGN.md §10).
#pragma once

#include "common/result.h"
#include "config/diagnostic.h"
#include "config/node.h"

#include <string>
#include <string_view>

namespace hafd::config {

// Reads `path`. @include paths are resolved against the directory of `path` (libconfig 1.5 has a
// single include directory, so nested includes resolve against it too, not against the file that
// includes them).
Result<Document, Diagnostic> parseFile(const std::string& path);

// Parses `text` as if it were the file `name`; @include paths resolve against `name`'s directory.
Result<Document, Diagnostic> parseString(std::string_view text, const std::string& name);

} // namespace hafd::config
