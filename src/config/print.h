// SPDX-License-Identifier: Apache-2.0
// A loaded configuration as text, for `hafd --check-config -v`: every section and every setting
// with its effective value (defaults and derived values filled in), in the file's own syntax,
// each annotated with its range and, when the value is the default, "default". Sections that
// are not set show as a comment; v2 passwords as stars. What it prints loads back to the same
// configuration. Driven by the schema tables: each row prints its own field (binding.h).
#pragma once

#include "config/config.h"

#include <string>

namespace hafd::config {

std::string describe(const Config& config);

} // namespace hafd::config
