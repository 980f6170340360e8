// SPDX-License-Identifier: Apache-2.0
#include "import/translate.h"

#include "import/checks.h"
#include "import/context.h"
#include "import/instance.h"
#include "import/scripts.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>

namespace hafd::import {

namespace {

// Top-level sections hafd has nothing for.
constexpr std::pair<std::string_view, std::string_view> kSections[] = {
    {"virtual_server", "hafd does not do LVS"},
    {"virtual_server_group", "hafd does not do LVS"},
    {"static_ipaddress", "hafd installs no static addresses: leave them to the network setup"},
    {"static_routes", "hafd installs no static routes: leave them to the network setup"},
    {"static_rules", "hafd installs no static rules: leave them to the network setup"},
    {"bfd_instance", "hafd has no BFD"},
    {"vrrp_track_bfd", "hafd has no BFD"},
    {"linkbeat_interfaces", "hafd watches links through netlink only"},
    {"garp_group", "hafd has no GARP groups"},
    {"net_namespace", "run hafd inside the namespace instead"},
};

// global_defs settings hafd has nothing for, with what to say.
constexpr std::pair<std::string_view, std::string_view> kGlobals[] = {
    {"notification_email", "hafd sends no mail: use notify commands"},
    {"notification_email_from", "hafd sends no mail: use notify commands"},
    {"smtp_server", "hafd sends no mail: use notify commands"},
    {"smtp_connect_timeout", "hafd sends no mail: use notify commands"},
    {"smtp_helo_name", "hafd sends no mail: use notify commands"},
    {"enable_snmp_vrrp", "hafd has no SNMP: hafctl metrics serves Prometheus"},
    {"enable_snmp_keepalived", "hafd has no SNMP: hafctl metrics serves Prometheus"},
    {"enable_snmp_rfcv2", "hafd has no SNMP: hafctl metrics serves Prometheus"},
    {"enable_snmp_rfcv3", "hafd has no SNMP: hafctl metrics serves Prometheus"},
    {"enable_traps", "hafd has no SNMP: hafctl events streams the transitions"},
    {"snmp_socket", "hafd has no SNMP"},
    {"enable_dbus", "hafd has no DBus: hafctl events streams the transitions"},
    {"vrrp_strict", "hafd has no strict mode"},
    {"vrrp_mcast_group4", "hafd sends to the RFC's group 224.0.0.18"},
    {"vrrp_mcast_group6", "hafd sends to the RFC's group ff02::12"},
    {"vrrp_notify_fifo", "hafd has no FIFO: hafctl events streams the transitions"},
    {"notify_fifo", "hafd has no FIFO: hafctl events streams the transitions"},
};

// global_defs: what goes to node and scripts, and the defaults of the instances.
// A keyword the importer does not translate: why, from `known` (keyword -> reason), or that it
// does not know it.
void reportUntranslated(Context& cx, const KNode& n, const std::string& setting,
                        std::span<const std::pair<std::string_view, std::string_view>> known) {
    for (const auto& [name, why] : known)
        if (n.keyword() == name)
            return cx.report(n, setting, std::string(why) + ": not translated");
    cx.report(n, setting, "not known to the importer: not translated");
}

// keepalived keeps the last router_id and the last script_user: a line written for an earlier
// one (`last`) is taken out of `head` and the new one added, with a finding.
void replaceSetting(Context& cx, std::string& head, std::string& last, const std::string& line,
                    const KNode& c, const std::string& setting) {
    if (!last.empty()) {
        if (const std::size_t at = head.find(last); at != std::string::npos)
            head.erase(at, last.size());
        cx.report(c, setting, "set again: the last one counts, as in keepalived");
    }
    head += line;
    last = line;
}

// Appends what `block` translates to to `head`.
void globalDefs(Context& cx, const KNode& block, std::string& head) {
    for (const KNode& c : block.children) {
        const std::string& k = c.keyword();
        const std::string setting = "global_defs." + k;
        if (k == "router_id") {
            if (const auto v = oneValue(cx, c, setting)) {
                const std::string name = hafdName(*v, 64);
                if (name != *v)
                    cx.report(c, setting,
                              "hafd node names are 1..64 of A-Z a-z 0-9 _ . -: " + name);
                replaceSetting(cx, head, cx.nodeLine,
                               "# keepalived router_id\nnode = { name = " + quote(name) + "; };\n",
                               c, setting);
            }
        } else if (k == "script_user" && (c.words.size() == 2 || c.words.size() == 3)) {
            replaceSetting(
                cx, head, cx.scriptsLine,
                "# keepalived script_user: every command runs as this user\nscripts = { user = " +
                    quote(hafdName(c.words[1], 32)) + ";" +
                    (c.words.size() == 3 ? " group = " + quote(hafdName(c.words[2], 32)) + ";"
                                         : std::string()) +
                    " };\n",
                c, setting);
        } else if (k == "enable_script_security") {
            head += "# keepalived enable_script_security: hafd always enforces it (commands by\n"
                    "# absolute path, owned by root, writable by nobody else)\n";
        } else if (k == "vrrp_version") {
            const auto v = oneValue(cx, c, setting);
            cx.version = v ? toInt(*v, 2, 3) : std::nullopt;
            if (v && !cx.version)
                cx.report(c, setting, "expected 2 or 3: keepalived's default kept");
        } else if (k.starts_with("vrrp_") && readGarp(cx, cx.garp, c, setting, k.substr(5))) {
            // vrrp_garp_* and vrrp_gna_interval: the defaults of every instance's garp_*
        } else if (k == "vrrp_skip_check_adv_addr" || k == "vrrp_check_unicast_src") {
            // hafd logs a different address list and hears unicast peers only: nothing to set
        } else {
            reportUntranslated(cx, c, setting, kGlobals);
        }
    }
}

// What the translated groups hold so far: hafd refuses a second group of one name and an
// instance in two groups (or twice in one).
struct Groups {
    std::map<std::string, std::string> memberOf; // hafd instance name -> its group's name
    std::set<std::string> names;
};

std::string syncGroup(Context& cx, Groups& done, const KNode& n) {
    if (n.words.size() != 2 || !n.hasBlock) {
        cx.report(n, "vrrp_sync_group", "expected a name and a block: not translated");
        return "";
    }
    const std::string setting = "vrrp_sync_group." + n.words[1];
    const std::string groupName = hafdName(n.words[1], 32);
    if (done.names.contains(groupName)) {
        cx.report(n, setting,
                  "a group named " + quote(groupName) + " is already translated: not translated");
        return "";
    }
    std::vector<std::string> members;
    std::vector<const KNode*> notify;
    for (const KNode& c : n.children) {
        const std::string& k = c.keyword();
        if (k == "group") {
            for (const KNode& m : c.children) {
                const std::string name = hafdName(m.keyword(), 32);
                if (std::find(cx.instanceNames.begin(), cx.instanceNames.end(), name) ==
                    cx.instanceNames.end())
                    cx.report(m, setting + ".group",
                              m.keyword() + ": no translated instance of that name: left out");
                else if (const auto it = done.memberOf.find(name); it != done.memberOf.end())
                    cx.report(m, setting + ".group",
                              m.keyword() +
                                  (it->second == groupName
                                       ? ": listed twice"
                                       : ": already in group " + quote(it->second)) +
                                  "; an instance belongs to one group at most: left out");
                else {
                    done.memberOf.emplace(name, groupName);
                    members.push_back(name);
                }
            }
        } else if (isNotify(k)) {
            notify.push_back(&c);
        } else if (k.starts_with("track_")) {
            cx.report(c, setting + "." + k,
                      "hafd tracks per instance: add it to each member instead; not translated");
        } else {
            cx.report(c, setting + "." + k, "not translated");
        }
    }
    if (members.empty()) {
        cx.report(n, setting, "no member translated: the group is not translated");
        return "";
    }
    done.names.insert(groupName);
    std::string out =
        "  { name = " + quote(groupName) + "; instances = " + quoteList(members) + ";";
    if (const std::string nt = translateNotify(cx, notify, setting); !nt.empty())
        out += "\n    " + nt;
    return out + " }";
}

std::string list(const std::string& name, const std::vector<std::string>& entries) {
    std::string out = name + " = (\n";
    for (std::size_t i = 0; i < entries.size(); ++i)
        out += entries[i] + (i + 1 < entries.size() ? ",\n" : "\n");
    return out + ");\n";
}

// The statements, with those inside a block that belongs to no statement (a stray `{`, already
// reported by the parser) taken out of it, as keepalived would have read them.
void flatten(const std::vector<KNode>& in, std::vector<const KNode*>& out) {
    for (const KNode& n : in) {
        if (n.keyword() == "{")
            flatten(n.children, out);
        else
            out.push_back(&n);
    }
}

} // namespace

Translation translate(const std::vector<KNode>& all, const std::string& source) {
    std::vector<const KNode*> statements;
    flatten(all, statements);
    Context cx;
    std::string head;
    // The definitions first: the instances take their weights.
    for (const KNode* p : statements) {
        const KNode& n = *p;
        const std::string& k = n.keyword();
        if (k == "global_defs")
            globalDefs(cx, n, head);
        else if (k == "vrrp_script")
            defineScript(cx, n);
        else if (k == "vrrp_track_file")
            defineTrackFile(cx, n);
        else if (k == "vrrp_track_process")
            defineTrackProcess(cx, n);
    }
    std::vector<std::string> instances, groups, checks;
    bool anyInstance = false;
    for (const KNode* p : statements) {
        const KNode& n = *p;
        const std::string& k = n.keyword();
        if (k == "vrrp_instance") {
            anyInstance = true;
            if (std::string e = translateInstance(cx, n); !e.empty())
                instances.push_back(std::move(e));
        } else if (k == "global_defs" || k == "vrrp_script" || k == "vrrp_track_file" ||
                   k == "vrrp_track_process" || k == "vrrp_sync_group") {
        } else {
            reportUntranslated(cx, n, k, kSections);
        }
    }
    Groups done;
    for (const KNode* p : statements)
        if (p->keyword() == "vrrp_sync_group")
            if (std::string g = syncGroup(cx, done, *p); !g.empty())
                groups.push_back(std::move(g));
    // keepalived does not run what no instance tracks; hafd would warn about it.
    for (const auto& [_, def] : cx.checks) {
        if (def.text.empty())
            continue;
        if (def.tracked)
            checks.push_back(def.text);
        else
            cx.report(*def.at, def.kind + "." + def.at->words[1],
                      "no translated instance tracks it (keepalived does not run it either): "
                      "not translated");
    }

    Translation t;
    t.unusable = !anyInstance;
    t.text = "# hafd.conf translated from " + source +
             " by hafctl import-keepalived.\n# Review it and the findings printed with it; "
             "hafd.conf(5) describes every setting.\n" +
             (head.empty() ? "" : "\n" + head);
    if (cx.scriptsUsed && head.find("scripts = ") == std::string::npos)
        t.text += "# keepalived ran scripts as keepalived_script or root; hafd runs them as "
                  "scripts.user (hafd-script)\n";
    if (!checks.empty())
        t.text += "\n" + list("checks", checks);
    t.text += "\n" + list("instances", instances);
    if (!groups.empty())
        t.text += "\n" + list("groups", groups);
    t.findings = std::move(cx.findings);
    return t;
}

} // namespace hafd::import
