// SPDX-License-Identifier: Apache-2.0
// "Did you mean" hints for unknown settings, values and names. Internal to config/.
#pragma once

#include "config/schema.h"

#include <span>
#include <string>
#include <string_view>

namespace hafd::config {

// The "did you mean" candidate for `unknown` among `keys` (and the aliases of each), or ""
// when nothing is close.
std::string suggestKey(std::string_view unknown, std::span<const Key> keys);
// The same among `choices`: a value of a setting, or a name defined elsewhere in the file.
std::string suggestChoice(std::string_view unknown, std::span<const std::string_view> choices);

} // namespace hafd::config
