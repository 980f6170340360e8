// SPDX-License-Identifier: Apache-2.0
#include "config/group_builder.h"

#include "config/binding.h"
#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"

#include <map>
#include <string_view>

namespace hafd::config {

namespace {

// Where an instance was first put in a group.
struct Membership {
    std::string group; // `groups["g1"]`
    const Node* entry;
};

} // namespace

std::vector<SyncGroup> buildGroups(const Section& root, const std::vector<Draft>& instances,
                                   Reporter& report) {
    std::vector<SyncGroup> out;
    // Instance names a group may list: those read well enough to be named. An instance whose
    // name was reported is not "missing": it is left alone rather than reported twice.
    std::map<std::string, bool> known;
    std::vector<std::string_view> candidates;
    bool allNamed = true;
    for (const Draft& d : instances) {
        allNamed = allNamed && d.nameOk;
        if (d.nameOk) {
            known[d.instance.name] = true;
            candidates.push_back(d.instance.name);
        }
    }
    std::map<std::string, const Node*> groupNames;
    std::map<std::string, Membership> members;

    for (const auto& [entry, position] : groupEntries(root, "groups", report)) {
        const std::string path = namedEntryPath("groups", *entry, position, groupKeys());
        const std::size_t errorsBefore = report.errors();
        const Section s(*entry, groupKeys(), path, report);
        SyncGroup g;
        readFields(s, g, report);
        g.where = whereOf(report, *entry, path);
        if (s.ok("name")) {
            const Node* at = s.find("name");
            const auto [it, added] = groupNames.try_emplace(g.name, at);
            if (!added)
                reportAt(report, s, Diagnostic::Severity::Error, "name",
                         quoted(g.name) + " is already the name of the group at " +
                             report.where(it->second->file, it->second->line, at->file));
        }
        // Only the instances that exist, each in one group: what the table read is checked.
        const Node* list = s.find("instances");
        g.instances.clear();
        for (const Node* e : s.entries("instances")) {
            const std::size_t index = static_cast<std::size_t>(e - list->children.data()) + 1;
            const std::string entryPath = path + ".instances[" + std::to_string(index) + "]";
            const std::string& name = e->text;
            if (!known.contains(name)) {
                if (!allNamed)
                    continue;
                std::string message = "no instance named " + quoted(name);
                if (const std::string hint = suggestChoice(name, candidates); !hint.empty())
                    message += "; did you mean " + quoted(hint) + "?";
                report.error(*e, entryPath, std::move(message));
                continue;
            }
            const auto [it, added] = members.try_emplace(name, Membership{path, e});
            if (!added) {
                const Membership& first = it->second;
                report.error(*e, entryPath,
                             quoted(name) +
                                 (first.group == path ? " is listed twice"
                                                      : " is already in " + first.group) +
                                 " (" +
                                 report.where(first.entry->file, first.entry->line, e->file) +
                                 "); an instance belongs to one group at most");
                continue;
            }
            g.instances.push_back(name);
        }
        if (report.errors() == errorsBefore && s.ok("instances") && list != nullptr &&
            list->children.size() == 1)
            reportAt(report, s, Diagnostic::Severity::Warning, "instances",
                     "a group of one instance changes nothing");
        out.push_back(std::move(g));
    }
    return out;
}

} // namespace hafd::config
