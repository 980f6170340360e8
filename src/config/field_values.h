// SPDX-License-Identifier: Apache-2.0
// The conversions between a setting as written and a field, by the field's type: integers of
// each width, bool, enums, Duration (seconds), strings, addresses, lists of strings, commands and
// role weights. binding.h picks one by the member's type and adds the groups. A reader gets a
// value the schema walk accepted (right type, in range, among the choices, passing the row's
// check), so it converts without judging. Internal to config/.
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "config/config.h"
#include "config/format.h"
#include "config/node.h"
#include "config/report.h"
#include "config/schema.h"
#include "config/section.h"

#include <cmath>
#include <concepts>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace hafd::config {

// What a reader gets: the setting's group, its value as written, its row and the reporter.
struct Input {
    const Section& group;
    const Node& value;
    const Key& key;
    Reporter& report;
};

inline void readLeaf(const Input& in, bool& out) {
    out = in.value.boolean;
}
inline std::string printLeaf(bool v, const Key&, const std::string&) {
    return v ? "true" : "false";
}

template <std::integral T>
requires(!std::same_as<T, bool>) void readLeaf(const Input& in, T& out) {
    // A count of whole seconds (auth.time_window) may be written as a decimal.
    const Node& n = in.value;
    out = static_cast<T>(n.kind == Node::Kind::Int ? n.integer : std::llround(n.number));
}
template <std::integral T>
requires(!std::same_as<T, bool>) std::string printLeaf(T v, const Key&, const std::string&) {
    return std::to_string(static_cast<long long>(v));
}

// An enum is written as its number (version) or, when the row has choices, as the name of its
// choice: the enum's values are 0, 1, ... in the order of the choices (a unit test compares
// them with the names the rest of the tree uses).
template <typename E>
requires std::is_enum_v<E>
void readLeaf(const Input& in, E& out) {
    const Key& k = in.key;
    if (k.choices.empty()) {
        out = static_cast<E>(in.value.integer);
        return;
    }
    for (std::size_t i = 0; i < k.choices.size(); ++i)
        if (k.choices[i] == in.value.text)
            out = static_cast<E>(i);
}
template <typename E>
requires std::is_enum_v<E> std::string printLeaf(E v, const Key& k, const std::string&) {
    const auto i = static_cast<std::size_t>(v);
    if (k.choices.empty())
        return std::to_string(i);
    return i < k.choices.size() ? literal(k.choices[i]) : "?";
}

inline void readLeaf(const Input& in, Duration& out) {
    const Node& n = in.value;
    out = fromSeconds(n.kind == Node::Kind::Int ? static_cast<double>(n.integer) : n.number);
}
inline std::string printLeaf(Duration v, const Key&, const std::string&) {
    return formatNumber(toSeconds(v));
}

// Strings, and the entries of lists of strings: "" (unset) prints as nothing.
inline void fromText(std::string_view text, std::string& out) {
    out = text;
}
inline void fromText(std::string_view text, IpAddress& out) {
    out = *IpAddress::parse(text); // the row's check accepted it
}
inline void fromText(std::string_view text, Prefix& out) {
    out = *Prefix::parse(text);
}
inline std::string toText(const std::string& v) {
    return v;
}
inline std::string toText(const IpAddress& v) {
    return v.toString();
}
inline std::string toText(const Prefix& v) {
    return v.toString();
}
template <typename T>
concept Textual = requires(std::string_view text, T& v) {
    fromText(text, v);
};

template <Textual T>
void readLeaf(const Input& in, T& out) {
    fromText(in.value.text, out);
}
template <Textual T>
std::string printLeaf(const T& v, const Key&, const std::string&) {
    const std::string text = toText(v);
    return text.empty() ? "" : literal(text);
}

inline std::string stringList(const std::vector<std::string>& items) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        s += (i == 0 ? " " : ", ") + literal(items[i]);
    return s + (items.empty() ? "]" : " ]");
}

// The entries that passed their checks, as Section::entries() gives them to the builders that
// judge them further (one family, no repeats).
template <Textual T>
void readLeaf(const Input& in, std::vector<T>& out) {
    out.clear();
    for (const Node* e : in.group.entries(in.key.name))
        fromText(e->text, out.emplace_back());
}
template <Textual T>
std::string printLeaf(const std::vector<T>& v, const Key&, const std::string&) {
    std::vector<std::string> items;
    for (const T& e : v)
        items.push_back(toText(e));
    return stringList(items);
}

inline void readLeaf(const Input& in, Command& out) {
    out.argv.clear();
    for (const Node& e : in.value.children)
        out.argv.push_back(e.text);
    out.where = {in.report.file(in.value.file), in.value.line, in.group.pathOf(in.key.name)};
}
inline std::string printLeaf(const Command& v, const Key&, const std::string&) {
    return v.empty() ? "" : stringList(v.argv);
}

// Role weights: `{ name = integer; ... }`.
inline void readLeaf(const Input& in, std::map<std::string, int>& out) {
    out.clear();
    for (const Node& e : in.value.children)
        out[e.name] = static_cast<int>(e.integer);
}
inline std::string printLeaf(const std::map<std::string, int>& v, const Key&,
                             const std::string& indent) {
    if (v.empty())
        return "";
    std::string s = "{\n";
    for (const auto& [name, weight] : v)
        s += indent + "  " + name + " = " + std::to_string(weight) + ";\n";
    return s + indent + "}";
}

template <typename T>
concept Leaf = requires(const Input& in, T& v) {
    readLeaf(in, v);
};

} // namespace hafd::config
