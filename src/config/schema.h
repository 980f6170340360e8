// SPDX-License-Identifier: Apache-2.0
// The configuration schema: one table per group of settings, one row (Key) per setting. A row
// is all there is to know about its setting: name, type, default, range, documentation, whether
// this release acts on it, and its binding to a field of config.h's structs, which says how the
// value is read into the field, printed in file syntax and compared on reload (binding.h).
// From the tables follow the schema walk (section.h), reading (readFields()), equality and
// diff() (diff.h), `hafd --check-config -v` (describe(), formatSchema()) and the test that the
// man page documents every setting (STYLE.md habit 8). Rules that tie settings together (a v2
// interval in whole seconds, one address family per instance, unique VRIDs) live in the
// builders. The tables themselves are in schema_*.h.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::config {

class Reporter;
class Section;
struct Node;

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

struct Key;

// The binding of a row to its field. Each receives the struct the row's table describes (an
// Instance for instanceKeys(), an Announce for announceKeys() ...) as a void pointer, so that
// the tables of every struct share one Key type; Key::owner records which struct it is.
//
// Reads the accepted setting `value` of `group` into the field. Not called for absent settings:
// the struct's member initializer is the default (a unit test compares it with the table's).
using Reader = void (*)(const Section& group, const Node& value, const Key& key, void* object,
                        Reporter& report);
// The field as the file would write it ("5", "\"eth0\"", a whole group whose inner lines are
// indented by `indent` + 2 spaces); "" when it is unset and left out.
using Printer = std::string (*)(const void* object, const Key& key, const std::string& indent);
// Whether the field (and what the setting derives, e.g. the family of `addresses`) is the same.
using Comparer = bool (*)(const void* a, const void* b);
// Whether the setting is in effect (printed, compared) for this struct.
using Predicate = bool (*)(const void* object);

// One setting. The tables build each row with the chained setters below; fields left alone
// are off. The binding setters (field<>() and the rest) are defined in binding.h.
struct Key {
    std::string_view name;
    Type type = Type::Bool;
    bool required = false;
    // The default as an operator would write it ("100", "1.0", "true", "pseudo_header", "[]");
    // empty when the setting is required, unset by default, or a group.
    std::string_view defaultValue;
    // The default is a formula of other settings ("min(1.0, interval / 2)"), which the builder
    // computes; otherwise it is a value and the struct's member initializer.
    bool formula = false;
    // When `limited`, min..max bound the value (Int, Seconds, each entry of an IntGroup), the
    // length in bytes (String) or the number of entries (StringList).
    bool limited = false;
    double min = 0;
    double max = 0;
    // The range in words where min..max alone would mislead; otherwise generated from them.
    std::string_view range;
    // String: the accepted values. A field of enum type holds the index of its choice.
    std::span<const std::string_view> choices;
    // String, and each StringList entry: "" when the value is acceptable, else the problem as it
    // reads after the quoted value ("is not an IP address").
    std::string (*check)(std::string_view value) = nullptr;
    // Group, GroupList: the settings inside.
    std::span<const Key> children;
    // Names an operator coming from keepalived might try; they earn a "did you mean" hint.
    std::span<const std::string_view> aliases;
    std::string_view description;
    // False when this release parses and validates the setting but does not act on it: loading
    // a file that sets it earns a warning (section.cpp), and the documentation says so.
    bool active = true;

    // The binding (binding.h). `read` is null where the builder of the enclosing group reads
    // the setting: lists of groups, optional groups, and auth's `enabled`.
    const void* owner = nullptr;  // the struct bound to (binding.h: kOwner<S>)
    const void* member = nullptr; // the member read and printed (binding.h: kMember<&S::m>)
    Reader read = nullptr;
    Printer print = nullptr;
    Comparer same = nullptr;
    Predicate shown = nullptr; // null: always in effect
    // Reload identity (DESIGN.md §10): a change for which `sameIdentity` is false replaces the
    // instance (remove and add), reported as `identityName`.
    Comparer sameIdentity = nullptr;
    std::string_view identityName;

private:
    // A copy of this row with `f` applied: the chained setters below. Defined before them:
    // clang (14 and 16) does not see a member template defined further down the class as
    // defined when a constant expression calls it through them.
    template <typename F>
    constexpr Key with(F f) const {
        Key k = *this;
        f(k);
        return k;
    }

public:
    constexpr Key(std::string_view n, Type t) : name(n), type(t) {}
    constexpr Key need() const {
        return with([](Key& k) { k.required = true; });
    }
    constexpr Key byDefault(std::string_view v) const {
        return with([v](Key& k) { k.defaultValue = v; });
    }
    constexpr Key byFormula(std::string_view v) const {
        return with([v](Key& k) {
            k.defaultValue = v;
            k.formula = true;
        });
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
    constexpr Key inactive() const {
        return with([](Key& k) { k.active = false; });
    }

    // Binds the row to member M, with what the setting derives (D...: compared with it, set by
    // a custom reader or the builder).
    template <auto M, auto... D>
    constexpr Key field() const;
    // A change of the field replaces the instance; identityBy<P>(name): a change of P does (P a
    // member or a const member function), reported as `name`.
    constexpr Key identity() const;
    template <auto P>
    constexpr Key identityBy(std::string_view name) const;
    // Custom parts, each a lambda of the bound struct S written in the row: F(S&, const Node&)
    // reads, F(const S&, const std::string& indent) prints, F(const S&) says when the setting is
    // in effect (printed and compared only then). A '>' in it needs parentheses.
    template <auto F>
    constexpr Key readWith() const;
    template <auto F>
    constexpr Key printWith() const;
    template <auto F>
    constexpr Key shownWhen() const;
    // The setting is whether an S exists at all (auth's `enabled`): printed as true, never a
    // difference of its own; the builder of the group reads it.
    template <typename S>
    constexpr Key presenceOf() const;
    // Whether this row binds member M.
    template <auto M>
    constexpr bool binds() const;

    // The field as the file would write it; "" when unset or not in effect.
    std::string printIn(const void* object, const std::string& indent) const;
    // Whether the setting is the same in `a` and `b`; one in effect in neither is.
    bool sameIn(const void* a, const void* b) const;
    // Whether going from `a` to `b` changes the identity this row carries.
    bool identityChanges(const void* a, const void* b) const;

private:
    // This row, which must be bound to S already.
    template <typename S>
    constexpr Key of() const;
};

// The top level of the file.
std::span<const Key> rootKeys();
// The settings of one `instances` entry and of the groups inside it.
std::span<const Key> instanceKeys();
std::span<const Key> announceKeys();
std::span<const Key> trackKeys();
std::span<const Key> notifyKeys(); // instances and groups alike
std::span<const Key> switchoverKeys();
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
std::span<const Key> metricsKeys();
std::span<const Key> checkKeys();
std::span<const Key> groupKeys();

// The range as documentation shows it: Key::range, else generated from the limits and choices.
std::string rangeText(const Key& key);

// The lookup the walk and the builders use; null when `name` is not in `keys`.
const Key* findKey(std::span<const Key> keys, std::string_view name);

// Whether every row of `keys` is the same in the structs `a` and `b` (of the table's type).
bool sameFields(std::span<const Key> keys, const void* a, const void* b);

// A flattened view for people: `hafd --check-config -v` and the man page test.
struct SettingInfo {
    std::string path; // "instances", "instances.vrid", "instances.announce.count"
    Type type = Type::Bool;
    bool required = false;
    std::string defaultValue; // as written in a file (strings quoted); "" when there is none
    std::string range;        // "1..255", "\"a\" | \"b\"", "" when anything of the type goes
    std::string description;
    bool active = true; // Key::active
};

// Every setting, depth first in table order (a group before its settings).
std::vector<SettingInfo> describeSchema();

// The listing `hafd --check-config -v` prints: one block per setting with type, default, range
// and description.
std::string formatSchema();

} // namespace hafd::config
