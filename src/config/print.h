// SPDX-License-Identifier: Apache-2.0
// A loaded configuration as text, for `hafd --check-config -v`: every setting of every instance
// with its effective value, in the file's own syntax, each annotated with its range and, when
// the value is the default, "default". Driven by the schema table: a setting the table has and
// this printer does not know shows as "?" (a unit test looks for that).
#pragma once

#include "config/config.h"

#include <string>

namespace hafd::config {

std::string describe(const Config& config);

} // namespace hafd::config
