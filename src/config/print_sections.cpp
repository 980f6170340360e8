// SPDX-License-Identifier: Apache-2.0
// describe()'s top-level sections other than `instances`, and the auth and notify groups that
// instances share with them.
#include "config/format.h"
#include "config/print_util.h"
#include "config/schema.h"

namespace hafd::config::print {

namespace {

std::string text(const std::string& s) {
    return s.empty() ? "" : literal(s);
}

std::string commandValue(const Notify& n, std::string_view name) {
    if (name == "master")
        return command(n.master);
    if (name == "backup")
        return command(n.backup);
    if (name == "fault")
        return command(n.fault);
    if (name == "stop")
        return command(n.stop);
    if (name == "any")
        return command(n.any);
    return "?";
}

std::string authValue(const Auth& a, std::string_view name, const std::string& indent) {
    if (name == "enabled")
        return "true";
    if (name == "keys")
        return groupList(authKeyKeys(), indent, a.keys.size(), [&](std::size_t i) {
            return [&, i](std::string_view n, const std::string&) -> std::string {
                if (n == "id")
                    return std::to_string(a.keys[i].id);
                if (n == "file")
                    return literal(a.keys[i].file);
                return "?";
            };
        });
    if (name == "active_key")
        return std::to_string(a.activeKey);
    if (name == "mode")
        return literal(authModeName(a.mode));
    if (name == "anti_replay")
        return literal(antiReplayName(a.antiReplay));
    if (name == "time_window") // 0: derived where it is used
        return a.timeWindow == 0 || a.antiReplay != AntiReplay::Time ? ""
                                                                     : std::to_string(a.timeWindow);
    return "?";
}

std::string clusterValue(const Cluster& c, std::string_view name, const std::string& indent) {
    if (name == "nodes")
        return groupList(clusterNodeKeys(), indent, c.nodes.size(), [&](std::size_t i) {
            return [&, i](std::string_view n, const std::string&) -> std::string {
                if (n == "name")
                    return literal(c.nodes[i].name);
                if (n == "address")
                    return literal(c.nodes[i].address.toString());
                if (n == "witness")
                    return boolean(c.nodes[i].witness);
                return "?";
            };
        });
    if (name == "heartbeat")
        return seconds(c.heartbeat);
    if (name == "lease")
        return seconds(c.lease);
    if (name == "margin")
        return seconds(c.margin);
    if (name == "port")
        return std::to_string(c.port);
    if (name == "quorum_hook") {
        if (!c.quorumHook)
            return "";
        const QuorumHook& q = *c.quorumHook;
        return group(quorumHookKeys(), indent, [&](std::string_view n, const std::string&) {
            if (n == "command")
                return command(q.command);
            if (n == "interval")
                return seconds(q.interval);
            if (n == "timeout")
                return seconds(q.timeout);
            return std::string("?");
        });
    }
    return "?";
}

std::string checkValue(const Check& c, std::string_view name) {
    const bool role = c.kind == CheckKind::Role;
    if (name == "name")
        return literal(c.name);
    if (name == "exec")
        return c.kind == CheckKind::Exec || role ? command(c.exec) : "";
    if (name == "tcp") {
        if (c.kind != CheckKind::Tcp)
            return "";
        const std::string a = c.tcpAddress.toString();
        return literal((c.tcpAddress.family() == Family::V6 ? "[" + a + "]" : a) + ":" +
                       std::to_string(c.tcpPort));
    }
    if (name == "file")
        return text(c.file);
    if (name == "file_pattern")
        return c.kind == CheckKind::File ? text(c.pattern) : "";
    if (name == "interface")
        return text(c.interface);
    if (name == "role_pattern")
        return role ? literal(c.pattern) : "";
    if (name == "interval")
        return seconds(c.interval);
    if (name == "timeout")
        return seconds(c.timeout);
    if (name == "fall")
        return std::to_string(c.fall);
    if (name == "rise")
        return std::to_string(c.rise);
    return "?";
}

// A section's value; "" when it is not set.
std::string sectionValue(const Config& c, std::string_view name) {
    if (name == "node")
        return group(nodeKeys(), "", [&](std::string_view n, const std::string&) {
            return n == "name" ? text(c.node.name) : "?";
        });
    if (name == "scripts")
        return group(scriptsKeys(), "", [&](std::string_view n, const std::string&) {
            if (n == "user")
                return literal(c.scripts.user);
            if (n == "group")
                return text(c.scripts.group);
            if (n == "timeout")
                return seconds(c.scripts.timeout);
            return std::string("?");
        });
    if (name == "auth")
        return c.auth ? auth(*c.auth, "") : "";
    if (name == "cluster")
        return c.cluster ? group(clusterKeys(), "",
                                 [&](std::string_view n, const std::string& indent) {
                                     return clusterValue(*c.cluster, n, indent);
                                 })
                         : "";
    if (name == "fence") {
        if (!c.fence)
            return "";
        const Fence& f = *c.fence;
        return group(fenceKeys(), "", [&](std::string_view n, const std::string&) {
            if (n == "command")
                return command(f.command);
            if (n == "timeout")
                return seconds(f.timeout);
            if (n == "retry_interval")
                return seconds(f.retryInterval);
            if (n == "retry_max_interval")
                return seconds(f.retryMaxInterval);
            return std::string("?");
        });
    }
    if (name == "checks")
        return c.checks.empty() ? ""
                                : groupList(checkKeys(), "", c.checks.size(), [&](std::size_t i) {
                                      return [&, i](std::string_view n, const std::string&) {
                                          return checkValue(c.checks[i], n);
                                      };
                                  });
    if (name == "groups")
        return c.groups.empty()
                   ? ""
                   : groupList(groupKeys(), "", c.groups.size(), [&](std::size_t i) {
                         return [&, i](std::string_view n, const std::string& indent) {
                             const SyncGroup& g = c.groups[i];
                             if (n == "name")
                                 return literal(g.name);
                             if (n == "instances")
                                 return strings(g.instances);
                             if (n == "notify")
                                 return g.notify.empty() ? "" : notify(g.notify, indent);
                             return std::string("?");
                         };
                     });
    return "?";
}

} // namespace

std::string auth(const Auth& a, const std::string& indent) {
    return group(authKeys(), indent,
                 [&](std::string_view n, const std::string& ind) { return authValue(a, n, ind); });
}

std::string notify(const Notify& n, const std::string& indent) {
    return group(notifyKeys(), indent,
                 [&](std::string_view name, const std::string&) { return commandValue(n, name); });
}

std::string section(const Config& c, std::string_view name) {
    const std::string v = sectionValue(c, name);
    if (v.empty())
        return "# " + std::string(name) + ": not set\n";
    return std::string(name) + " = " + v + ";\n";
}

} // namespace hafd::config::print
