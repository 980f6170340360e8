// SPDX-License-Identifier: Apache-2.0
#include "config/auth_builder.h"

#include "config/binding.h"
#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"
#include "config/section.h"

#include <map>

namespace hafd::config {

AuthDraft buildAuth(const Node* group, const std::string& path, Reporter& report) {
    AuthDraft d;
    if (group == nullptr)
        return d;
    d.present = true;
    d.file = group->file;
    d.line = group->line;
    const std::size_t errorsBefore = report.errors();
    const Section s(*group, authKeys(), path, report);

    if (const Node* enabled = s.find("enabled"); enabled && s.ok("enabled") && !enabled->boolean) {
        d.disabled = true;
        if (group->children.size() > 1)
            reportAt(report, s, Diagnostic::Severity::Warning, "enabled",
                     "false: authentication is off, and the group's other settings are ignored");
        return d;
    }

    Auth auth;
    readFields(s, auth, report);
    // Keys by id; every id read, even from an entry with a bad file, so that active_key is
    // judged against what the operator meant.
    std::map<int64_t, const Node*> ids;
    bool idsComplete = s.ok("keys");
    if (!s.present("keys")) {
        report.error(*group, s.pathOf("keys"), "missing required setting");
    } else if (s.ok("keys") && s.find("keys")->children.empty()) {
        report.error(*s.find("keys"), s.pathOf("keys"), "must list at least one key");
    }
    const auto entries = groupEntries(s, "keys", report);
    if (s.present("keys") && s.ok("keys") && entries.size() != s.find("keys")->children.size())
        idsComplete = false;
    for (const auto& [entry, position] : entries) {
        const std::string keyPath = s.pathOf("keys") + "[" + std::to_string(position) + "]";
        const Section k(*entry, authKeyKeys(), keyPath, report);
        if (!k.ok("id")) {
            idsComplete = false;
            continue;
        }
        AuthKey key;
        readFields(k, key, report);
        const int64_t id = key.id;
        const auto [it, added] = ids.try_emplace(id, k.find("id"));
        if (!added) {
            reportAt(report, k, Diagnostic::Severity::Error, "id",
                     "key id " + std::to_string(id) + " is already defined at " +
                         report.where(it->second->file, it->second->line, k.find("id")->file));
            continue;
        }
        if (!k.ok("file"))
            continue;
        key.where = whereOf(report, *k.find("file"), k.pathOf("file"));
        auth.keys.push_back(std::move(key));
    }

    if (!s.present("active_key")) {
        report.error(*group, s.pathOf("active_key"), "missing required setting");
    } else if (s.ok("active_key")) {
        const int64_t active = auth.activeKey;
        if (idsComplete && !ids.empty() && !ids.contains(active)) {
            std::vector<std::string> defined;
            for (const auto& [id, node] : ids)
                defined.push_back(std::to_string(id));
            reportAt(report, s, Diagnostic::Severity::Error, "active_key",
                     "key " + std::to_string(active) + " is not defined (keys: " + listed(defined) +
                         "); hafd never runs unauthenticated instead");
        }
    }

    if (s.present("time_window") && s.ok("time_window")) {
        const double w = s.seconds("time_window");
        if (!isWhole(w))
            reportAt(report, s, Diagnostic::Severity::Error, "time_window",
                     "must be whole seconds, not " + formatNumber(w));
        else if (auth.antiReplay == AntiReplay::Monotonic)
            reportAt(report, s, Diagnostic::Severity::Warning, "time_window",
                     "only applies with anti_replay = \"time\"; ignored");
        if (!isWhole(w) || auth.antiReplay == AntiReplay::Monotonic)
            auth.timeWindow = 0; // derived where it is used, or none
    }
    if (report.errors() == errorsBefore)
        d.auth = std::move(auth);
    return d;
}

} // namespace hafd::config
