// SPDX-License-Identifier: Apache-2.0
// How a schema row binds to its field. Key::field<&Struct::member>() fills in the row's reader,
// printer and comparer from the member's type: a leaf value (field_values.h), a nested group
// (a struct described by the row's children), an optional group, a group kept on the heap
// (Boxed) or a list of groups. Lists and optional groups have rules between their entries or a
// presence to decide, so the builders read them; everything else is read by readFields(). The
// tables of every struct share one Key type, so the struct travels as a void pointer: each row
// records the struct it binds to (Key::owner), a custom part for another struct does not
// compile, and readFields() (and a unit test) check that a table binds one struct. Internal to
// config/.
#pragma once

#include "config/boxed.h"
#include "config/field_values.h"

#include <cassert>
#include <functional>
#include <optional>
#include <span>

namespace hafd::config {

// Addresses that name a struct and a member: Key::owner and Key::member.
template <typename S>
inline constexpr char kOwner = 0;
template <auto M>
inline constexpr char kMember = 0;

// The struct and value type of a member (or a const member function) pointer.
template <auto M>
struct MemberOf;
template <typename S, typename T, T S::*M>
struct MemberOf<M> {
    using Struct = S;
    using Value = T;
};

// The struct a custom part (a lambda in the row) takes first.
template <typename F>
struct ObjectOf : ObjectOf<decltype(&F::operator())> {};
template <typename R, typename C, typename S, typename... A>
struct ObjectOf<R (C::*)(S&, A...) const> {
    using Type = std::remove_const_t<S>;
};

// Reads every row of `s`'s table that has a reader and whose setting is written and accepted
// into `object`, a struct of the table's type. A list of strings is read even when the list as
// a whole was reported (too many entries, a bad entry): its good entries, which the builder
// goes on judging.
void readFields(const Section& s, void* object, Reporter& report);
template <typename S>
void readFields(const Section& s, S& object, Reporter& report) {
    for ([[maybe_unused]] const Key& k : s.keys())
        assert(k.owner == &kOwner<S> && "the table describes another struct");
    readFields(s, static_cast<void*>(&object), report);
}

// `indent name = value;  # range; default` for every row of `keys` that prints (print.cpp).
std::string printSettings(std::span<const Key> keys, const void* object, const std::string& indent);
// `{\n<settings><indent>}`, or "" when none of its settings prints.
std::string printGroup(std::span<const Key> keys, const void* object, const std::string& indent);
// What describe() notes beside an entry of a list: where an instance is written.
std::string entryComment(const Instance& instance);

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <typename T>
inline constexpr bool kIsBoxed = false;
template <typename T>
inline constexpr bool kIsBoxed<Boxed<T>> = true;
template <typename T>
inline constexpr bool kIsList = false;
template <typename T>
inline constexpr bool kIsList<std::vector<T>> = !Leaf<std::vector<T>>;

// Which fields readFields() reads: leaves, and groups the builders need not judge as a whole
// (an optional group's presence and a list's entries are theirs to judge).
template <typename T>
concept Readable = !kIsOptional<T> && !kIsList<T>;

template <typename T>
void readField(const Input& in, T& out) {
    if constexpr (Leaf<T>) {
        readLeaf(in, out);
    } else if constexpr (kIsBoxed<T>) {
        std::remove_cvref_t<decltype(*out)> value;
        readField(in, value);
        out = std::move(value);
    } else {
        const Section group(in.value, in.key.children, in.group.pathOf(in.key.name), in.report);
        readFields(group, out, in.report);
    }
}

template <typename T>
std::string printField(const T& v, const Key& k, const std::string& indent) {
    if constexpr (Leaf<T>) {
        return printLeaf(v, k, indent);
    } else if constexpr (kIsOptional<T>) {
        return v ? printGroup(k.children, &*v, indent) : "";
    } else if constexpr (kIsBoxed<T>) {
        return printGroup(k.children, &*v, indent);
    } else if constexpr (kIsList<T>) {
        if (v.empty())
            return "";
        std::string out = "(\n";
        for (std::size_t i = 0; i < v.size(); ++i) {
            out += indent + "  {";
            if constexpr (std::is_same_v<typename T::value_type, Instance>)
                out += "  # " + entryComment(v[i]);
            out += "\n" + printSettings(k.children, &v[i], indent + "    ") + indent + "  }";
            out += i + 1 < v.size() ? ",\n" : "\n";
        }
        return out + indent + ")";
    } else {
        return printGroup(k.children, &v, indent);
    }
}

// Lists of named entries (checks, instances, groups, cluster nodes) compare as sets: order is no
// change. Instances compare by their settings.
template <typename T>
bool sameField(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, Instance>) {
        return a.sameSettings(b);
    } else if constexpr (kIsList<T> && requires(const T& l) { l.front().name; }) {
        if (a.size() != b.size())
            return false;
        for (const auto& x : a) {
            bool found = false;
            for (const auto& y : b)
                found = found || (x.name == y.name && sameField(x, y));
            if (!found)
                return false;
        }
        return true;
    } else {
        return a == b;
    }
}

// A custom part of a row that takes another struct than the row's field belongs to fails to
// compile: this has no definition and is not constexpr.
void customPartsTakeTheRowsStruct();

namespace binding {

template <auto M>
using StructOf = typename MemberOf<M>::Struct;

template <auto M>
void read(const Section& group, const Node& value, const Key& key, void* object, Reporter& report) {
    readField(Input{group, value, key, report}, static_cast<StructOf<M>*>(object)->*M);
}

template <auto M>
std::string print(const void* object, const Key& key, const std::string& indent) {
    return printField(static_cast<const StructOf<M>*>(object)->*M, key, indent);
}

template <auto M, auto... D>
bool same(const void* a, const void* b) {
    const auto& x = *static_cast<const StructOf<M>*>(a);
    const auto& y = *static_cast<const StructOf<M>*>(b);
    return sameField(x.*M, y.*M) && (sameField(x.*D, y.*D) && ...);
}

template <auto P>
bool sameBy(const void* a, const void* b) {
    const auto& x = *static_cast<const StructOf<P>*>(a);
    const auto& y = *static_cast<const StructOf<P>*>(b);
    return std::invoke(P, x) == std::invoke(P, y);
}

template <auto F>
using Object = typename ObjectOf<decltype(F)>::Type;

template <auto F>
void readVia(const Section&, const Node& value, const Key&, void* object, Reporter&) {
    F(*static_cast<Object<F>*>(object), value);
}

template <auto F>
std::string printVia(const void* object, const Key&, const std::string& indent) {
    return F(*static_cast<const Object<F>*>(object), indent);
}

template <auto F>
bool when(const void* object) {
    return F(*static_cast<const Object<F>*>(object));
}

inline std::string printTrue(const void*, const Key&, const std::string&) {
    return "true";
}

inline bool alwaysSame(const void*, const void*) {
    return true;
}

} // namespace binding

template <auto M, auto... D>
constexpr Key Key::field() const {
    Key k = *this;
    k.owner = &kOwner<binding::StructOf<M>>;
    k.member = &kMember<M>;
    if constexpr (Readable<typename MemberOf<M>::Value>)
        k.read = &binding::read<M>;
    k.print = &binding::print<M>;
    k.same = &binding::same<M, D...>;
    return k;
}

constexpr Key Key::identity() const {
    Key k = *this;
    k.sameIdentity = same;
    k.identityName = name;
    return k;
}

template <typename S>
constexpr Key Key::of() const {
    if (owner != &kOwner<S>)
        customPartsTakeTheRowsStruct();
    return *this;
}

template <auto P>
constexpr Key Key::identityBy(std::string_view n) const {
    Key k = of<binding::StructOf<P>>();
    k.sameIdentity = &binding::sameBy<P>;
    k.identityName = n;
    return k;
}

template <auto F>
constexpr Key Key::readWith() const {
    Key k = of<binding::Object<F>>();
    k.read = &binding::readVia<F>;
    return k;
}

template <auto F>
constexpr Key Key::printWith() const {
    Key k = of<binding::Object<F>>();
    k.print = &binding::printVia<F>;
    return k;
}

template <auto F>
constexpr Key Key::shownWhen() const {
    Key k = of<binding::Object<F>>();
    k.shown = &binding::when<F>;
    return k;
}

template <typename S>
constexpr Key Key::presenceOf() const {
    Key k = *this;
    k.owner = &kOwner<S>;
    k.print = &binding::printTrue;
    k.same = &binding::alwaysSame;
    return k;
}

template <auto M>
constexpr bool Key::binds() const {
    return member == &kMember<M>;
}

} // namespace hafd::config
