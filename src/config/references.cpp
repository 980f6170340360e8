// SPDX-License-Identifier: Apache-2.0
#include "config/references.h"

#include "config/builder_util.h"
#include "config/format.h"
#include "config/section.h"
#include "config/value_checks.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace hafd::config {

namespace {

void error(Reporter& report, const Node& at, std::string setting, std::string message) {
    report.error(at, std::move(setting), std::move(message));
}

// "\"master\" or \"slave\"".
std::string alternatives(const std::set<std::string>& roles) {
    std::vector<std::string> q;
    for (const auto& r : roles)
        q.push_back(config::quoted(r));
    std::string s = listed(q);
    if (const std::size_t at = s.rfind(" and "); at != std::string::npos)
        s.replace(at, 5, " or ");
    return s;
}

// Each member of a k_of_n check is another check, named once, and not a k_of_n itself (so no
// composite can contain itself).
void checkMembers(const CheckDraft& c, const std::map<std::string, const CheckDraft*>& byName,
                  const std::vector<std::string_view>& names, bool allNamed, Reporter& report) {
    if (!c.kindOk || c.check.kind != CheckKind::KOfN)
        return;
    const Node* list = c.entry->find("k_of_n");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->children.size(); ++i) {
        const Node& e = list->children[i];
        const std::string path = c.path + ".k_of_n[" + std::to_string(i + 1) + "]";
        const auto it = byName.find(e.text);
        if (!seen.insert(e.text).second) {
            error(report, e, path, config::quoted(e.text) + " is listed twice");
        } else if (e.text == c.check.name) {
            error(report, e, path, "a k_of_n check cannot count itself");
        } else if (it == byName.end()) {
            if (!allNamed)
                continue;
            std::string message = "no check named " + config::quoted(e.text);
            if (const std::string hint = suggestChoice(e.text, names); !hint.empty())
                message += "; did you mean " + config::quoted(hint) + "?";
            error(report, e, path, std::move(message));
        } else if (it->second->kindOk && it->second->check.kind == CheckKind::KOfN) {
            error(report, e, path,
                  it->second->path + " is a k_of_n check; the checks a k_of_n counts are plain "
                                     "ones");
        }
    }
}

void checkTracks(const std::vector<CheckDraft>& checks, std::vector<Draft>& instances,
                 Reporter& report) {
    std::map<std::string, const CheckDraft*> byName;
    std::vector<std::string_view> names;
    bool allNamed = true;
    for (const CheckDraft& c : checks) {
        allNamed = allNamed && c.nameOk;
        if (c.nameOk && byName.try_emplace(c.check.name, &c).second)
            names.push_back(c.check.name);
    }
    for (const CheckDraft& c : checks)
        checkMembers(c, byName, names, allNamed, report);
    std::set<std::string> tracked;
    bool tracksKnown = true; // every instance's track list could be read
    for (Draft& d : instances) {
        tracksKnown = tracksKnown && d.tracksOk;
        for (const TrackDraft& t : d.tracks) {
            tracked.insert(t.named);
            if (t.checkNode == nullptr)
                continue;
            const std::string& name = t.track.check;
            const auto it = byName.find(name);
            if (it == byName.end()) {
                if (!allNamed)
                    continue; // it may be the check whose name was reported
                std::string message = "no check named " + config::quoted(name);
                if (const std::string hint = suggestChoice(name, names); !hint.empty())
                    message += "; did you mean " + config::quoted(hint) + "?";
                else if (names.empty())
                    message += " (checks defines none)";
                error(report, *t.checkNode, t.path + ".check", std::move(message));
                continue;
            }
            const CheckDraft& c = *it->second;
            if (t.weightsNode == nullptr || !c.kindOk)
                continue;
            if (c.check.kind != CheckKind::Role) {
                const std::string kind = checkKindName(c.check.kind);
                error(report, *t.weightsNode, t.path + ".weights",
                      c.path + (kind.front() == 'e' || kind.front() == 'i' ? " is an " : " is a ") +
                          kind + " check; weights apply to role checks only (use weight)");
                continue;
            }
            const auto roles = literalRoles(c.check.pattern);
            if (!roles)
                continue;
            std::vector<std::string_view> choices(roles->begin(), roles->end());
            for (const Node& w : t.weightsNode->children) {
                if (roles->contains(w.name))
                    continue;
                std::string message = "role_pattern " + config::quoted(c.check.pattern) + " of " +
                                      c.path + " reports only " + alternatives(*roles);
                if (const std::string hint = suggestChoice(w.name, choices); !hint.empty())
                    message += "; did you mean " + config::quoted(hint) + "?";
                error(report, w, t.path + ".weights." + w.name, std::move(message));
            }
        }
    }
    // What a tracked k_of_n counts runs too.
    for (const CheckDraft& c : checks)
        if (c.kindOk && c.check.kind == CheckKind::KOfN && tracked.contains(c.check.name))
            tracked.insert(c.check.members.begin(), c.check.members.end());
    for (const CheckDraft& c : checks)
        if (tracksKnown && c.nameOk && !tracked.contains(c.check.name))
            report.warning(*c.entry, c.path, "no instance tracks this check: it never runs");
}

// The instance's effective auth (Instance::auth) and its clash with a v2 password.
void resolveAuth(const AuthDraft& global, Draft& d, Reporter& report) {
    Instance& in = d.instance;
    const AuthDraft& own = d.auth;
    in.ownAuth = own.present;
    const AuthDraft& used = own.present ? own : global;
    if (used.present && !used.disabled && in.v2AuthType == proto::V2AuthType::SimplePassword) {
        const int passwordLine = in.lineOf("v2_password");
        const std::string where = report.where(used.file, used.line, d.file);
        if (!own.present)
            report.add(Diagnostic::Severity::Error, d.file, passwordLine, d.path + ".v2_password",
                       "cannot be combined with the top-level auth (" + where +
                           "); set auth = { enabled = false; } in this instance to keep the "
                           "v2 password");
        else if (passwordLine >= own.line)
            report.add(Diagnostic::Severity::Error, d.file, passwordLine, d.path + ".v2_password",
                       "cannot be combined with auth (" + where +
                           "): use the HMAC authentication or the v2 password, not both");
        else
            report.add(Diagnostic::Severity::Error, own.file, own.line, d.path + ".auth",
                       "cannot be combined with v2_password (line " + std::to_string(passwordLine) +
                           "): use the HMAC authentication or the v2 password, not both");
        return;
    }
    if (!used.auth)
        return;
    in.auth = used.auth;
    if (in.auth->timeWindow == 0)
        in.auth->timeWindow = defaultTimeWindow(in.advertInterval);
}

void checkCluster(const Globals& g, const std::vector<Draft>& instances, Reporter& report) {
    if (g.cluster.group == nullptr)
        return;
    if (!g.auth.present || g.auth.disabled)
        report.warning(*g.cluster.group, "cluster",
                       "heartbeats are not authenticated without a top-level auth: anyone who "
                       "can reach their UDP port can forge votes");
    if (!g.cluster.cluster || g.node.name.empty())
        return;
    const Cluster& c = *g.cluster.cluster;
    const ClusterNode* self = c.find(g.node.name);
    if (self == nullptr) {
        std::vector<std::string> names;
        for (const ClusterNode& n : c.nodes)
            names.push_back(n.name);
        if (g.nodeName != nullptr)
            report.error(*g.nodeName, "node.name",
                         config::quoted(g.node.name) + " is not among cluster.nodes (" +
                             listed(names) + ")");
        return;
    }
    if (self->witness && !instances.empty() && g.instances != nullptr) {
        const Node& entry = *g.cluster.nodeEntries[static_cast<std::size_t>(self - c.nodes.data())];
        report.error(*g.instances, "instances",
                     "this node (" + config::quoted(self->name) + ") is a witness (" +
                         self->where.setting + ", " +
                         report.where(entry.file, entry.line, g.instances->file) +
                         "): a witness only votes and runs no instances");
    }
}

} // namespace

bool mayBeWitness(const Globals& globals) {
    if (!globals.cluster.cluster)
        return false;
    const Cluster& c = *globals.cluster.cluster;
    if (globals.node.name.empty())
        return std::any_of(c.nodes.begin(), c.nodes.end(),
                           [](const ClusterNode& n) { return n.witness; });
    const ClusterNode* self = c.find(globals.node.name);
    return self != nullptr && self->witness;
}

void resolveReferences(const Globals& globals, const std::vector<CheckDraft>& checks,
                       std::vector<Draft>& instances, Reporter& report) {
    checkTracks(checks, instances, report);
    for (Draft& d : instances)
        resolveAuth(globals.auth, d, report);
    checkCluster(globals, instances, report);
}

} // namespace hafd::config
