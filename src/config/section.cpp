// SPDX-License-Identifier: Apache-2.0
#include "config/section.h"

#include "config/format.h"
#include "config/value_checks.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace hafd::config {

namespace {

const char* expected(Type type) {
    switch (type) {
    case Type::Bool:
        return "expected true or false";
    case Type::Int:
        return "expected an integer";
    case Type::Seconds:
        return "expected a number of seconds";
    case Type::String:
        return "expected a string";
    case Type::StringList:
        return "expected a list of strings [ \"...\", ... ]";
    case Type::Command:
        return "expected a command [ \"/absolute/program\", \"argument\", ... ]";
    case Type::Group:
        return "expected a group { ... }";
    case Type::GroupList:
        return "expected a list of groups ( { ... }, ... )";
    case Type::IntGroup:
        return "expected a group of integers { name = integer; ... }";
    }
    return "expected something else";
}

// `[ "/usr/bin/pgrep", "-x", "nginx" ]` for "/usr/bin/pgrep -x nginx": what a command written
// as one string most likely meant (there is no shell to split it).
std::string asArgv(std::string_view text) {
    std::string out;
    std::size_t begin = text.find_first_not_of(" \t");
    while (begin != std::string_view::npos) {
        const std::size_t end = text.find_first_of(" \t", begin);
        out += (out.empty() ? "[ " : ", ") + literal(text.substr(begin, end - begin));
        begin = text.find_first_not_of(" \t", end);
    }
    return out.empty() ? "[ \"/absolute/program\" ]" : out + " ]";
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// `auth = { enabled = false; }`: a group turned off promises nothing.
bool turnedOff(const Node& n) {
    const Node* enabled = n.kind == Node::Kind::Group ? n.find("enabled") : nullptr;
    return enabled != nullptr && enabled->kind == Node::Kind::Bool && !enabled->boolean;
}

} // namespace

std::string describeNode(const Node& n) {
    switch (n.kind) {
    case Node::Kind::Int:
        return "an integer (" + std::to_string(n.integer) + ")";
    case Node::Kind::Float:
        return "a decimal number (" + formatNumber(n.number) + ")";
    case Node::Kind::String:
        return "a string (" + quoted(n.text) + ")";
    case Node::Kind::Bool:
        return std::string("a boolean (") + (n.boolean ? "true" : "false") + ")";
    case Node::Kind::Group:
        return "a group";
    case Node::Kind::Array:
        return "an array";
    case Node::Kind::List:
        return "a list";
    }
    return "something else";
}

Section::Section(const Node& group, std::span<const Key> keys, std::string path, Reporter& report)
    : group_(group), keys_(keys), path_(std::move(path)) {
    for (const Node& n : group_.children) {
        const Key* k = findKey(keys_, n.name);
        if (k == nullptr) {
            const std::string hint = suggestKey(n.name, keys_);
            report.error(n, pathOf(n.name),
                         hint.empty() ? "unknown setting"
                                      : "unknown setting; did you mean '" + hint + "'?");
            continue;
        }
        if (!checkSetting(n, *k, report))
            bad_.insert(n.name);
        else if (!k->active && !turnedOff(n))
            report.warning(n, pathOf(n.name), std::string(kInactive));
    }
    for (const Key& k : keys_) {
        if (k.required && find(k.name) == nullptr) {
            report.error(group_, pathOf(k.name), "missing required setting");
            bad_.insert(std::string(k.name));
        }
    }
}

std::string Section::pathOf(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

bool Section::checkSetting(const Node& n, const Key& k, Reporter& report) {
    const std::string path = pathOf(n.name);
    auto wrongType = [&] {
        std::string message = std::string(expected(k.type)) + ", found " + describeNode(n);
        if (k.type == Type::StringList && n.kind == Node::Kind::String)
            message += "; write [ " + quoted(n.text) + " ]";
        if (k.type == Type::Command && n.kind == Node::Kind::String)
            message += "; write " + asArgv(n.text);
        if (k.type == Type::Group && n.kind == Node::Kind::Bool &&
            findKey(k.children, "enabled") != nullptr)
            message += std::string("; write ") + n.name +
                       " = { enabled = " + (n.boolean ? "true" : "false") + "; }";
        report.error(n, path, std::move(message));
        return false;
    };
    auto inRange = [&](double v, const std::string& shown) {
        if (k.limited && !(v >= k.min && v <= k.max)) {
            report.error(n, path,
                         shown + " is out of range " + formatNumber(k.min) + ".." +
                             formatNumber(k.max));
            return false;
        }
        return true;
    };
    switch (k.type) {
    case Type::Bool:
        return n.kind == Node::Kind::Bool || wrongType();
    case Type::Int:
        if (n.kind != Node::Kind::Int)
            return wrongType();
        return inRange(static_cast<double>(n.integer), std::to_string(n.integer));
    case Type::Seconds:
        if (n.kind == Node::Kind::Int)
            return inRange(static_cast<double>(n.integer), std::to_string(n.integer));
        if (n.kind != Node::Kind::Float)
            return wrongType();
        if (!std::isfinite(n.number)) {
            report.error(n, path, formatNumber(n.number) + " is not a number of seconds");
            return false;
        }
        return inRange(n.number, formatNumber(n.number));
    case Type::String:
        if (n.kind != Node::Kind::String)
            return wrongType();
        return checkString(n, k, path, report);
    case Type::StringList: {
        if (n.kind != Node::Kind::Array && n.kind != Node::Kind::List)
            return wrongType();
        bool ok = true;
        const std::size_t count = n.children.size();
        if (k.limited && static_cast<double>(count) < k.min) {
            report.error(n, path,
                         count == 0 ? "must not be empty"
                                    : "has " + plural(count, "entry") + ", fewer than " +
                                          formatNumber(k.min));
            ok = false;
        } else if (k.limited && static_cast<double>(count) > k.max) {
            report.error(n, path,
                         "has " + plural(count, "entry") + ", more than " + formatNumber(k.max));
            ok = false;
        }
        for (std::size_t i = 0; i < count; ++i) {
            const Node& e = n.children[i];
            const std::string entryPath = path + "[" + std::to_string(i + 1) + "]";
            if (e.kind != Node::Kind::String) {
                report.error(e, entryPath, "expected a string, found " + describeNode(e));
                ok = false;
            } else if (k.check != nullptr) {
                if (const std::string problem = k.check(e.text); !problem.empty()) {
                    report.error(e, entryPath, quoted(e.text) + " " + problem);
                    ok = false;
                }
            }
        }
        return ok;
    }
    case Type::Command:
        if (n.kind != Node::Kind::Array && n.kind != Node::Kind::List)
            return wrongType();
        return checkCommand(n, path, report);
    case Type::IntGroup: {
        if (n.kind != Node::Kind::Group)
            return wrongType();
        if (n.children.empty()) {
            report.error(n, path, "must not be empty");
            return false;
        }
        bool ok = true;
        for (const Node& e : n.children) {
            const std::string entryPath = path + "." + e.name;
            if (e.kind != Node::Kind::Int) {
                report.error(e, entryPath, "expected an integer, found " + describeNode(e));
                ok = false;
            } else if (k.limited && !(static_cast<double>(e.integer) >= k.min &&
                                      static_cast<double>(e.integer) <= k.max)) {
                report.error(e, entryPath,
                             std::to_string(e.integer) + " is out of range " + formatNumber(k.min) +
                                 ".." + formatNumber(k.max));
                ok = false;
            }
        }
        return ok;
    }
    case Type::Group:
        return n.kind == Node::Kind::Group || wrongType();
    case Type::GroupList:
        // Each entry is the caller's to check: it knows the entry's name for the path.
        return n.kind == Node::Kind::List || (n.kind == Node::Kind::Array && n.children.empty()) ||
               wrongType();
    }
    return false;
}

// A command (an array or list): not empty, strings only, the first an absolute path.
bool Section::checkCommand(const Node& n, const std::string& path, Reporter& report) {
    if (n.children.empty()) {
        report.error(n, path, "must not be empty: name at least the program");
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
        const Node& e = n.children[i];
        const std::string entryPath = path + "[" + std::to_string(i + 1) + "]";
        if (e.kind != Node::Kind::String) {
            report.error(e, entryPath, "expected a string, found " + describeNode(e));
            ok = false;
        } else if (i == 0) {
            if (const std::string problem = checkProgram(e.text); !problem.empty()) {
                report.error(e, entryPath, quoted(e.text) + " " + problem);
                ok = false;
            }
        }
    }
    return ok;
}

bool Section::checkString(const Node& n, const Key& k, const std::string& path, Reporter& report) {
    const std::size_t length = n.text.size();
    if (k.limited && length == 0 && k.min > 0) {
        report.error(n, path, "must not be empty");
        return false;
    }
    // The length alone: the value may be a password.
    if (k.limited && static_cast<double>(length) < k.min) {
        report.error(n, path,
                     "is " + plural(length, "byte") + " long, fewer than the " +
                         formatNumber(k.min) + " required");
        return false;
    }
    if (k.limited && static_cast<double>(length) > k.max) {
        report.error(n, path,
                     "is " + plural(length, "byte") + " long, more than the " +
                         formatNumber(k.max) + " allowed");
        return false;
    }
    if (!k.choices.empty()) {
        bool known = false;
        for (const auto c : k.choices)
            known = known || c == n.text;
        if (!known) {
            std::string message = quoted(n.text) + " is not one of ";
            for (std::size_t i = 0; i < k.choices.size(); ++i)
                message += (i == 0 ? "" : ", ") + quoted(k.choices[i]);
            if (const std::string hint = suggestChoice(n.text, k.choices); !hint.empty())
                message += "; did you mean " + quoted(hint) + "?";
            report.error(n, path, std::move(message));
            return false;
        }
    }
    if (k.check != nullptr) {
        if (const std::string problem = k.check(n.text); !problem.empty()) {
            report.error(n, path, quoted(n.text) + " " + problem);
            return false;
        }
    }
    return true;
}

const Node* Section::find(std::string_view name) const {
    for (const Node& c : group_.children)
        if (c.name == name)
            return &c;
    return nullptr;
}

int Section::line(std::string_view name) const {
    const Node* n = find(name);
    return n != nullptr ? n->line : group_.line;
}

const Key& Section::key(std::string_view name) const {
    const Key* k = findKey(keys_, name);
    assert(k != nullptr && "setting not in the schema table");
    return *k;
}

double Section::seconds(std::string_view name) const {
    const Key& k = key(name);
    assert(k.type == Type::Seconds);
    if (const Node* n = find(name))
        return n->kind == Node::Kind::Int ? static_cast<double>(n->integer) : n->number;
    double v = 0;
    std::from_chars(k.defaultValue.data(), k.defaultValue.data() + k.defaultValue.size(), v);
    return v;
}

std::vector<const Node*> Section::entries(std::string_view name) const {
    [[maybe_unused]] const Key& k = key(name);
    assert(k.type == Type::StringList);
    std::vector<const Node*> out;
    if (const Node* n = find(name)) {
        for (const Node& e : n->children) {
            if (e.kind == Node::Kind::String && (k.check == nullptr || k.check(e.text).empty()))
                out.push_back(&e);
        }
    }
    return out;
}

} // namespace hafd::config
