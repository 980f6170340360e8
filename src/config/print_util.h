// SPDX-License-Identifier: Apache-2.0
// The pieces describe() is made of: values as the file would write them, and one group of
// settings driven by its schema table. Internal to config/.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "config/schema.h"

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::config::print {

// The value of setting `name` as written in a file ("5", "\"eth0\"", "[ \"a\" ]", a whole
// group); "" when the setting is unset and left out; "?" for a name the printer does not know.
// Group values are complete blocks whose inner lines are indented by `indent` + 2 spaces.
using ValueOf = std::function<std::string(std::string_view name, const std::string& indent)>;

std::string seconds(Duration d);
std::string boolean(bool b);
std::string strings(const std::vector<std::string>& items);
std::string command(const Command& c); // "" when empty

// `indent name = value;  # range; default` for every key of `keys` whose value is not "".
std::string settings(std::span<const Key> keys, const std::string& indent, const ValueOf& value);

// `{\n<settings>\n<indent>}`: a group's value, its settings one level deeper than `indent`.
std::string group(std::span<const Key> keys, const std::string& indent, const ValueOf& value);

// `(\n<indent+2>{ ... },\n...<indent>)`: a list of groups, one entry per element of `count`.
std::string groupList(std::span<const Key> keys, const std::string& indent, std::size_t count,
                      const std::function<ValueOf(std::size_t)>& entry,
                      const std::function<std::string(std::size_t)>& comment = nullptr);

// An auth or notify group's value, its settings one level deeper than `indent`.
std::string auth(const Auth& a, const std::string& indent);
std::string notify(const Notify& n, const std::string& indent);

// A top-level section other than `instances`: `name = value;\n`, or a comment saying it is
// not set.
std::string section(const Config& c, std::string_view name);

} // namespace hafd::config::print
