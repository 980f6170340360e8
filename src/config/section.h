// SPDX-License-Identifier: Apache-2.0
// The schema walk: one group of the file checked against its table in schema.cpp. It reports
// unknown settings (with a "did you mean"), wrong types, values out of range or not among the
// choices, failed value checks and missing required settings, and warns about each setting this
// release parses and validates without acting on it (Key::active); then it serves values to the
// builder. Internal to config/.
#pragma once

#include "config/node.h"
#include "config/report.h"
#include "config/schema.h"
#include "config/suggest.h"

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::config {

class Section {
public:
    // `group` must outlive the Section. `path` names the group in messages ("" at the top
    // level, `instances["web"]`, `instances["web"].announce`).
    Section(const Node& group, std::span<const Key> keys, std::string path, Reporter& report);

    const Node& node() const { return group_; }
    std::span<const Key> keys() const { return keys_; }
    const std::string& path() const { return path_; }
    // `instances["web"].vrid`, or just the name at the top level.
    std::string pathOf(std::string_view name) const;

    // The setting as written, or null when absent.
    const Node* find(std::string_view name) const;
    bool present(std::string_view name) const { return find(name) != nullptr; }
    // Whether the value (or default) may be used: false when the setting was reported.
    bool ok(std::string_view name) const { return !bad_.contains(std::string(name)); }
    // The setting's line, or the group's when it is absent.
    int line(std::string_view name) const;

    // The number of seconds as written (the rules quote it), or the default when absent.
    // Precondition: a Seconds key with a value for a default, and ok(name).
    double seconds(std::string_view name) const;
    // A StringList's entries that passed their checks, in file order (none when absent): what
    // readFields() reads, and the builders judge further.
    std::vector<const Node*> entries(std::string_view name) const;

private:
    const Key& key(std::string_view name) const;
    bool checkSetting(const Node& n, const Key& k, Reporter& report);
    bool checkString(const Node& n, const Key& k, const std::string& path, Reporter& report);
    bool checkCommand(const Node& n, const std::string& path, Reporter& report);

    const Node& group_;
    std::span<const Key> keys_;
    std::string path_;
    std::set<std::string> bad_;
};

// "an integer (5)", "a string (\"x\")", "a group": what was found where something else was
// expected.
std::string describeNode(const Node& n);

// The warning, at the setting, for each inactive setting a file sets: the file must not promise
// what the daemon does not do. One per setting written, not per setting inside it.
inline constexpr std::string_view kInactive =
    "not active in this release: parsed and validated only";

} // namespace hafd::config
