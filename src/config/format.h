// SPDX-License-Identifier: Apache-2.0
// Small text helpers for diagnostics and documentation. Internal to config/.
#pragma once

#include <string>
#include <string_view>

namespace hafd::config {

// The shortest text that reads back as `v`: 0.015, 40.95, 3600, 1e+300.
std::string formatNumber(double v);
// "text" with the quotes.
std::string quoted(std::string_view text);
// "text" as a libconfig string literal: quoted, with '"', '\\' and control characters escaped.
std::string literal(std::string_view text);

// Edit distance (Levenshtein), ignoring ASCII case: for "did you mean" hints.
std::size_t editDistance(std::string_view a, std::string_view b);

} // namespace hafd::config
