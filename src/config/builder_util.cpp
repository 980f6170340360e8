// SPDX-License-Identifier: Apache-2.0
#include "config/builder_util.h"

#include "config/format.h"

#include <cmath>

namespace hafd::config {

Where whereOf(const Reporter& report, const Node& n, std::string setting) {
    return {report.file(n.file), n.line, std::move(setting)};
}

void reportAt(Reporter& report, const Section& s, Diagnostic::Severity severity,
              std::string_view name, std::string message) {
    const Node* n = s.find(name);
    report.add(severity, n != nullptr ? n->file : s.node().file, s.line(name), s.pathOf(name),
               std::move(message));
}

std::string namedEntryPath(const std::string& list, const Node& group, std::size_t position,
                           std::span<const Key> keys) {
    const Node* name = group.find("name");
    const Key* key = findKey(keys, "name");
    if (name != nullptr && key != nullptr && name->kind == Node::Kind::String &&
        !name->text.empty() && name->text.size() <= static_cast<std::size_t>(key->max) &&
        (key->check == nullptr || key->check(name->text).empty()))
        return list + "[" + quoted(name->text) + "]";
    return list + "[" + std::to_string(position) + "]";
}

bool isWhole(double seconds) {
    return std::fabs(seconds - std::round(seconds)) < 1e-6;
}

std::string listed(const std::vector<std::string>& items) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i)
        s += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return s;
}

std::vector<std::pair<const Node*, std::size_t>>
groupEntries(const Section& s, std::string_view name, Reporter& report) {
    std::vector<std::pair<const Node*, std::size_t>> out;
    const Node* list = s.find(name);
    if (list == nullptr || !s.ok(name))
        return out;
    for (std::size_t i = 0; i < list->children.size(); ++i) {
        const Node& e = list->children[i];
        if (e.kind != Node::Kind::Group) {
            report.error(e, s.pathOf(name) + "[" + std::to_string(i + 1) + "]",
                         "expected a group { ... }, found " + describeNode(e));
            continue;
        }
        out.emplace_back(&e, i + 1);
    }
    return out;
}

} // namespace hafd::config
