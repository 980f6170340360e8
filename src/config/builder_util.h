// SPDX-License-Identifier: Apache-2.0
// Small helpers the section builders share: locations, messages, list entry paths. Internal to
// config/.
#pragma once

#include "config/config.h"
#include "config/node.h"
#include "config/report.h"
#include "config/schema.h"
#include "config/section.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace hafd::config {

// Where `n` stands, as a config type records it, for the setting path `setting`.
Where whereOf(const Reporter& report, const Node& n, std::string setting);

// A problem about setting `name` of `s`: at the setting (in the file that holds it) or, when it
// is absent, at the group.
void reportAt(Reporter& report, const Section& s, Diagnostic::Severity severity,
              std::string_view name, std::string message);

// The path that names entry `position` (from 1) of the list `list` (`checks`,
// `cluster.nodes`): `checks["nginx"]` when the group has a valid `name` by the table `keys`,
// else `checks[2]`.
std::string namedEntryPath(const std::string& list, const Node& group, std::size_t position,
                           std::span<const Key> keys);

// Whether `seconds` is a whole number, within float noise.
bool isWhole(double seconds);

// "1, 2 and 5": for messages that list what exists.
std::string listed(const std::vector<std::string>& items);

// The list entries of GroupList setting `name` that are groups; the others are reported as
// `path[i]: expected a group { ... }, found ...`. Pairs of (entry, 1-based position).
std::vector<std::pair<const Node*, std::size_t>>
groupEntries(const Section& s, std::string_view name, Reporter& report);

} // namespace hafd::config
