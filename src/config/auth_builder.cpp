// SPDX-License-Identifier: Apache-2.0
#include "config/auth_builder.h"

#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"
#include "config/section.h"

#include <cmath>
#include <map>

namespace hafd::config {

namespace {

AuthMode modeOf(const std::string& name) {
    for (const auto m : {AuthMode::Enforce, AuthMode::Permissive, AuthMode::ReceiveOnly})
        if (name == authModeName(m))
            return m;
    return AuthMode::Enforce; // the schema's choices are the names (a unit test says so)
}

AntiReplay antiReplayOf(const std::string& name) {
    return name == antiReplayName(AntiReplay::Monotonic) ? AntiReplay::Monotonic : AntiReplay::Time;
}

} // namespace

AuthDraft buildAuth(const Node* group, const std::string& path, Reporter& report) {
    AuthDraft d;
    if (group == nullptr)
        return d;
    d.present = true;
    d.file = group->file;
    d.line = group->line;
    const std::size_t errorsBefore = report.errors();
    const Section s(*group, authKeys(), path, report);

    if (s.ok("enabled") && !s.boolean("enabled")) {
        d.disabled = true;
        if (group->children.size() > 1)
            reportAt(report, s, Diagnostic::Severity::Warning, "enabled",
                     "false: authentication is off, and the group's other settings are ignored");
        return d;
    }

    Auth auth;
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
        const int64_t id = k.integer("id");
        const auto [it, added] = ids.try_emplace(id, k.find("id"));
        if (!added) {
            reportAt(report, k, Diagnostic::Severity::Error, "id",
                     "key id " + std::to_string(id) + " is already defined at " +
                         report.where(it->second->file, it->second->line, k.find("id")->file));
            continue;
        }
        if (!k.ok("file"))
            continue;
        auth.keys.push_back({static_cast<uint8_t>(id), k.string("file"),
                             whereOf(report, *k.find("file"), k.pathOf("file"))});
    }

    if (!s.present("active_key")) {
        report.error(*group, s.pathOf("active_key"), "missing required setting");
    } else if (s.ok("active_key")) {
        const int64_t active = s.integer("active_key");
        auth.activeKey = static_cast<uint8_t>(active);
        if (idsComplete && !ids.empty() && !ids.contains(active)) {
            std::vector<std::string> defined;
            for (const auto& [id, node] : ids)
                defined.push_back(std::to_string(id));
            reportAt(report, s, Diagnostic::Severity::Error, "active_key",
                     "key " + std::to_string(active) + " is not defined (keys: " + listed(defined) +
                         "); hafd never runs unauthenticated instead");
        }
    }

    if (s.ok("mode"))
        auth.mode = modeOf(s.string("mode"));
    if (s.ok("anti_replay"))
        auth.antiReplay = antiReplayOf(s.string("anti_replay"));
    if (s.present("time_window") && s.ok("time_window")) {
        const double w = s.seconds("time_window");
        if (!isWhole(w))
            reportAt(report, s, Diagnostic::Severity::Error, "time_window",
                     "must be whole seconds, not " + formatNumber(w));
        else if (auth.antiReplay == AntiReplay::Monotonic)
            reportAt(report, s, Diagnostic::Severity::Warning, "time_window",
                     "only applies with anti_replay = \"time\"; ignored");
        else
            auth.timeWindow = static_cast<unsigned>(std::lround(w));
    }
    if (report.errors() == errorsBefore)
        d.auth = std::move(auth);
    return d;
}

} // namespace hafd::config
