// SPDX-License-Identifier: Apache-2.0
// The configuration schema: one table per group of settings (name, type, default, range,
// description). The same table drives the schema walk (unknown names, types, ranges, required
// settings), the defaults the builders apply, `hafd --check-config -v` and the test that the man
// page documents every setting (STYLE.md habit 8). Rules that tie settings together (a v2 interval
// in whole seconds, one address family per instance, unique VRIDs) live in the builders. The
// tables themselves are in schema_*.h.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::config {

enum class Type : uint8_t {
    Bool,
    Int,
    Seconds, // an integer or a decimal number of seconds
    String,
    StringList, // [ "a", "b" ] or ( "a", "b" )
    Command,    // [ "/absolute/program", "argument", ... ]: at least the program
    Group,      // { ... }
    GroupList,  // ( { ... }, { ... } )
    IntGroup,   // { any_name = integer; ... }: names chosen by the operator (role weights)
};
// "boolean", "integer", "seconds", "string", "list of strings", "command", "group",
// "list of groups", "group of integers".
const char* typeName(Type type);

// Key::max for "no upper bound".
inline constexpr double kNoMax = std::numeric_limits<double>::infinity();

// One setting. The tables in schema.cpp build each entry with the chained setters below; fields
// left alone are off.
struct Key {
    std::string_view name;
    Type type = Type::Bool;
    bool required = false;
    // The default as an operator would write it ("100", "1.0", "true", "pseudo_header", "[]");
    // empty when the setting is required, unset by default, or a group. A default that depends
    // on other settings is written as a formula ("min(1.0, interval / 2)"): the builder computes
    // it, and Section::seconds() and friends must not be asked for it.
    std::string_view defaultValue;
    // When `limited`, min..max bound the value (Int, Seconds, each entry of an IntGroup), the
    // length in bytes (String) or the number of entries (StringList).
    bool limited = false;
    double min = 0;
    double max = 0;
    // The range in words where min..max alone would mislead; otherwise generated from them.
    std::string_view range;
    // String: the accepted values.
    std::span<const std::string_view> choices;
    // String, and each StringList entry: "" when the value is acceptable, else the problem as it
    // reads after the quoted value ("is not an IP address").
    std::string (*check)(std::string_view value) = nullptr;
    // Group, GroupList: the settings inside.
    std::span<const Key> children;
    // Names an operator coming from keepalived might try; they earn a "did you mean" hint.
    std::span<const std::string_view> aliases;
    std::string_view description;

    constexpr Key(std::string_view n, Type t) : name(n), type(t) {}
    constexpr Key need() const {
        return with([](Key& k) { k.required = true; });
    }
    constexpr Key byDefault(std::string_view v) const {
        return with([v](Key& k) { k.defaultValue = v; });
    }
    constexpr Key limit(double lo, double hi) const {
        return with([lo, hi](Key& k) {
            k.limited = true;
            k.min = lo;
            k.max = hi;
        });
    }
    constexpr Key rangeIs(std::string_view r) const {
        return with([r](Key& k) { k.range = r; });
    }
    constexpr Key oneOf(std::span<const std::string_view> c) const {
        return with([c](Key& k) { k.choices = c; });
    }
    constexpr Key checked(std::string (*f)(std::string_view)) const {
        return with([f](Key& k) { k.check = f; });
    }
    constexpr Key holding(std::span<const Key> c) const {
        return with([c](Key& k) { k.children = c; });
    }
    constexpr Key alias(std::span<const std::string_view> a) const {
        return with([a](Key& k) { k.aliases = a; });
    }
    constexpr Key about(std::string_view d) const {
        return with([d](Key& k) { k.description = d; });
    }

private:
    template <typename F>
    constexpr Key with(F f) const {
        Key k = *this;
        f(k);
        return k;
    }
};

// The top level of the file.
std::span<const Key> rootKeys();
// The settings of one `instances` entry and of the groups inside it.
std::span<const Key> instanceKeys();
std::span<const Key> announceKeys();
std::span<const Key> trackKeys();
std::span<const Key> notifyKeys(); // instances and groups alike
// `auth` (top level and instances alike) and one entry of its `keys`.
std::span<const Key> authKeys();
std::span<const Key> authKeyKeys();
// The other top-level sections, and the groups inside them.
std::span<const Key> nodeKeys();
std::span<const Key> scriptsKeys();
std::span<const Key> clusterKeys();
std::span<const Key> clusterNodeKeys();
std::span<const Key> quorumHookKeys();
std::span<const Key> fenceKeys();
std::span<const Key> checkKeys();
std::span<const Key> groupKeys();

// The range as documentation shows it: Key::range, else generated from the limits and choices.
std::string rangeText(const Key& key);

// The lookup the walk and the builders use; null when `name` is not in `keys`.
const Key* findKey(std::span<const Key> keys, std::string_view name);

// A flattened view for people: `hafd --check-config -v` and the man page test.
struct SettingInfo {
    std::string path; // "instances", "instances.vrid", "instances.announce.count"
    Type type = Type::Bool;
    bool required = false;
    std::string defaultValue; // as written in a file (strings quoted); "" when there is none
    std::string range;        // "1..255", "\"a\" | \"b\"", "" when anything of the type goes
    std::string description;
};

// Every setting, depth first in table order (a group before its settings).
std::vector<SettingInfo> describeSchema();

// The listing `hafd --check-config -v` prints: one block per setting with type, default, range
// and description.
std::string formatSchema();

} // namespace hafd::config
