// SPDX-License-Identifier: Apache-2.0
// The schema tables of the top level and of its sections other than `instances`. Included by
// schema.cpp only. Internal to config/.
#pragma once

#include "config/binding.h"
#include "config/schema.h"
#include "config/schema_auth.h"
#include "config/schema_instance.h"
#include "config/value_checks.h"

namespace hafd::config::tables {

inline constexpr std::string_view kNodeAliases[] = {"router_id"};
inline constexpr std::string_view kScriptsAliases[] = {"script_user"};
inline constexpr std::string_view kChecksAliases[] = {"vrrp_script"};
inline constexpr std::string_view kInstancesAliases[] = {"vrrp_instance"};
inline constexpr std::string_view kGroupsAliases[] = {"vrrp_sync_group", "sync_groups"};
inline constexpr std::string_view kExecAliases[] = {"script", "command"};
inline constexpr std::string_view kGroupInstancesAliases[] = {"group"};
inline constexpr std::string_view kHookAliases[] = {"quorum"};
inline constexpr std::string_view kCommandAliases[] = {"script", "exec"};

// The same formula for every timeout whose interval is a setting beside it.
inline constexpr std::string_view kTimeoutDefault = "min(1.0, interval / 2)";

inline constexpr Key kNode[] = {
    Key("name", Type::String)
        .limit(1, 64)
        .rangeIs("1..64 of A-Z a-z 0-9 _ . -")
        .checked(checkName)
        .about("This node's name in cluster heartbeats and status; when unset, the host "
               "name. Must be one of cluster.nodes when a cluster is configured.")
        .field<&LocalNode::name>(),
};

inline constexpr Key kScripts[] = {
    Key("user", Type::String)
        .byDefault("hafd-script")
        .limit(1, 32)
        .rangeIs("a user name")
        .checked(checkName)
        .about("The unprivileged user every command (checks, notify, fence, quorum hook) "
               "runs as. It must exist on the host when any command is configured.")
        .field<&Scripts::user>(),
    Key("group", Type::String)
        .limit(1, 32)
        .rangeIs("a group name")
        .checked(checkName)
        .about("The group commands run as; when unset, the user's login group.")
        .field<&Scripts::group>(),
    Key("timeout", Type::Seconds)
        .byDefault("10.0")
        .limit(0.1, 3600)
        .about("The time limit of notify commands; their process group is killed after "
               "it. Checks, fence and the quorum hook have their own.")
        .field<&Scripts::timeout>(),
};

inline constexpr Key kClusterNode[] = {
    Key("name", Type::String)
        .need()
        .limit(1, 64)
        .rangeIs("1..64 of A-Z a-z 0-9 _ . -")
        .checked(checkName)
        .about("The node's name (its node.name, or its host name). Unique.")
        .field<&ClusterNode::name>(),
    Key("address", Type::String)
        .need()
        .rangeIs("an IP address; all nodes of one family")
        .checked(checkNodeAddress)
        .about("Where the node's heartbeats come from and ours go to. Unique.")
        .field<&ClusterNode::address>(),
    Key("witness", Type::Bool)
        .byDefault("false")
        .about("A witness only votes: it runs hafd with no instances (for two-node "
               "clusters).")
        .field<&ClusterNode::witness>(),
};

inline constexpr Key kQuorumHook[] = {
    Key("command", Type::Command)
        .need()
        .alias(kCommandAliases)
        .about("Quorum also needs this command to exit 0, e.g. a linearizable read from "
               "etcd.")
        .field<&QuorumHook::command>(),
    Key("interval", Type::Seconds)
        .byDefault("1.0")
        .limit(0.1, 3600)
        .rangeIs("0.1..3600; interval + timeout at most cluster.lease")
        .about("How often the command runs.")
        .field<&QuorumHook::interval>(),
    Key("timeout", Type::Seconds)
        .byFormula(kTimeoutDefault)
        .limit(0.01, 3600)
        .rangeIs("0.01..3600, below interval")
        .about("A run that takes longer is killed and counts as a failure.")
        .field<&QuorumHook::timeout>(),
};

inline constexpr Key kCluster[] = {
    Key("nodes", Type::GroupList)
        .need()
        .holding(kClusterNode)
        .about("Every node of the cluster, this one included, witnesses too: at least two.")
        .field<&Cluster::nodes>(),
    Key("heartbeat", Type::Seconds)
        .byDefault("0.2")
        .limit(0.05, 10)
        .rangeIs("0.05..10, at most lease / 3")
        .about("Time between the heartbeats each node sends every other.")
        .field<&Cluster::heartbeat>(),
    Key("lease", Type::Seconds)
        .byDefault("2")
        .limit(1, 3600)
        .rangeIs("1..3600 whole seconds")
        .about("A node has quorum while it hears a strict majority of votes within the "
               "lease; a master without quorum releases its addresses, which are installed "
               "with this kernel lifetime.")
        .field<&Cluster::lease>(),
    Key("margin", Type::Seconds)
        .byDefault("1.5")
        .limit(0, 60)
        .rangeIs("0..60, at least heartbeat")
        .about("A backup claims only lease + margin after it last heard the master.")
        .field<&Cluster::margin>(),
    Key("port", Type::Int)
        .byDefault("7112")
        .limit(1, 65535)
        .about("The UDP port heartbeats are sent to and received on, the same on every "
               "node.")
        .field<&Cluster::port>(),
    Key("quorum_hook", Type::Group)
        .holding(kQuorumHook)
        .alias(kHookAliases)
        .about("An optional command that must agree before a node has quorum.")
        .field<&Cluster::quorumHook>(),
};

inline constexpr Key kFence[] = {
    Key("command", Type::Command)
        .need()
        .alias(kCommandAliases)
        .about("Runs before a claim that follows a master failure (not a graceful "
               "release); only exit 0 lets the claim go ahead.")
        .field<&Fence::command>(),
    Key("timeout", Type::Seconds)
        .byDefault("10.0")
        .limit(0.1, 3600)
        .about("A run that takes longer is killed and counts as a failure.")
        .field<&Fence::timeout>(),
    Key("retry_interval", Type::Seconds)
        .byDefault("1.0")
        .limit(0.1, 3600)
        .about("After a failure the node stays backup and retries this much later; the "
               "wait doubles with each failure.")
        .field<&Fence::retryInterval>(),
    Key("retry_max_interval", Type::Seconds)
        .byDefault("60.0")
        .limit(0.1, 86400)
        .rangeIs("0.1..86400, at least retry_interval")
        .about("The longest wait between retries.")
        .field<&Fence::retryMaxInterval>(),
};

inline constexpr Key kMetrics[] = {
    Key("textfile", Type::String)
        .limit(1, 4096)
        .rangeIs("an absolute path in an existing directory, ending in .prom")
        .checked(checkAbsolutePath)
        .about("A file for node_exporter's textfile collector: hafd rewrites it atomically "
               "every textfile_interval, and once more with hafd_up 0 when it stops. Unset: no "
               "textfile.")
        .field<&Metrics::textfile>(),
    Key("textfile_interval", Type::Seconds)
        .byDefault("10.0")
        .limit(1, 3600)
        .about("How often the textfile is rewritten.")
        .field<&Metrics::textfileInterval>(),
    Key("listen", Type::String)
        .rangeIs("\"port\" (on 127.0.0.1), \"address:port\" or \"[IPv6 address]:port\"")
        .checked(checkListen)
        .about("Serve GET /metrics over HTTP here. Unset: no HTTP listener. Only a port "
               "listens on 127.0.0.1; \"0.0.0.0:port\" or \"[::]:port\" listens on every "
               "address.")
        .field<&Metrics::listenAddress, &Metrics::listenPort>()
        .readWith<[](Metrics& m, const Node& value) {
            const auto target = parseListen(value.text); // the row's check accepted it
            m.listenAddress = target->address;
            m.listenPort = target->port;
        }>()
        .printWith<[](const Metrics& m, const std::string&) {
            return m.listens() ? literal(hostPort(m.listenAddress, m.listenPort)) : "";
        }>(),
};

inline constexpr Key kCheck[] = {
    Key("name", Type::String)
        .need()
        .limit(1, 32)
        .rangeIs("1..32 of A-Z a-z 0-9 _ . -")
        .checked(checkName)
        .about("Names the check in tracks, status and logs. Unique.")
        .field<&Check::name>(),
    Key("exec", Type::Command)
        .alias(kExecAliases)
        .about("Kind exec: up while the command exits 0. With role_pattern, kind role.")
        .field<&Check::exec, &Check::kind>(),
    Key("tcp", Type::String)
        .rangeIs("\"address:port\" or \"[IPv6 address]:port\"")
        .checked(checkTcpTarget)
        .about("Kind tcp: up while a TCP connection to the target completes.")
        .field<&Check::tcpAddress, &Check::tcpPort>()
        .readWith<[](Check& c, const Node& value) {
            const auto target = parseTcpTarget(value.text); // the row's check accepted it
            c.tcpAddress = target->address;
            c.tcpPort = target->port;
        }>()
        .printWith<[](const Check& c, const std::string&) {
            return literal(hostPort(c.tcpAddress, c.tcpPort));
        }>()
        .shownWhen<[](const Check& c) {
            return c.kind == CheckKind::Tcp;
        }>(),
    Key("file", Type::String)
        .limit(1, 4096)
        .rangeIs("an absolute path")
        .checked(checkAbsolutePath)
        .about("Kind file (keepalived's track_file): up while the file holds the number 0; "
               "down while it holds another number, holds none, or cannot be read.")
        .field<&Check::file>(),
    Key("interface", Type::String)
        .limit(1, 15)
        .rangeIs("a Linux interface name")
        .checked(checkInterface)
        .about("Kind interface: up while the interface is up with carrier.")
        .field<&Check::interface>(),
    Key("role_pattern", Type::String)
        .limit(1, 1024)
        .rangeIs("a POSIX extended regular expression")
        .checked(checkRegex)
        .about("With exec, kind role: the output must match; the text of the first "
               "parenthesised group (or the whole match) is the role that tracks weigh.")
        .field<&Check::pattern>()
        .shownWhen<[](const Check& c) {
            return c.kind == CheckKind::Role;
        }>(),
    Key("process", Type::String)
        .limit(1, 15)
        .rangeIs("a process name, 1..15 bytes")
        .about("Kind process: up while a process of this exact name (/proc/PID/comm, as "
               "pgrep -x) runs. hafd watches it through a pidfd, so its end is seen at once, "
               "and looks for it again at every interval.")
        .field<&Check::process>(),
    Key("process_args", Type::String)
        .limit(1, 1024)
        .rangeIs("a POSIX extended regular expression")
        .checked(checkRegex)
        .about("With process: only a process whose arguments (after the program, joined by "
               "spaces) match this counts.")
        .field<&Check::processArgs>()
        .shownWhen<[](const Check& c) {
            return c.kind == CheckKind::Process;
        }>(),
    Key("pid_file", Type::String)
        .limit(1, 4096)
        .rangeIs("an absolute path")
        .checked(checkAbsolutePath)
        .about("Kind process: up while the process whose pid this file holds runs.")
        .field<&Check::pidFile>(),
    Key("k_of_n", Type::StringList)
        .limit(2, 64)
        .rangeIs("2..64 names of other checks, none of them a k_of_n check")
        .checked(checkName)
        .about("Kind k_of_n: up while at least min_up of these checks are up, down once "
               "that can no longer be true. Its own interval, fall and rise do not apply.")
        .field<&Check::members>()
        .shownWhen<[](const Check& c) {
            return c.kind == CheckKind::KOfN;
        }>(),
    Key("min_up", Type::Int)
        .byFormula("every check of k_of_n")
        .limit(1, 64)
        .rangeIs("1..the number of checks in k_of_n")
        .about("With k_of_n: how many of its checks must be up.")
        .field<&Check::minUp>()
        .shownWhen<[](const Check& c) {
            return c.kind == CheckKind::KOfN;
        }>(),
    Key("interval", Type::Seconds)
        .byDefault("2.0")
        .limit(0.1, 3600)
        .about("How often the check runs.")
        .field<&Check::interval>(),
    Key("timeout", Type::Seconds)
        .byFormula(kTimeoutDefault)
        .limit(0.01, 3600)
        .rangeIs("0.01..3600, below interval")
        .about("A run that takes longer is killed (exec, role: its whole process group) or "
               "abandoned (tcp) and counts as a failure.")
        .field<&Check::timeout>(),
    Key("fall", Type::Int)
        .byDefault("3")
        .limit(1, 255)
        .about("Consecutive failures that take an up check down.")
        .field<&Check::fall>(),
    Key("rise", Type::Int)
        .byDefault("2")
        .limit(1, 255)
        .about("Consecutive successes that bring a down check up, or that confirm a new "
               "role.")
        .field<&Check::rise>(),
};

inline constexpr Key kGroup[] = {
    Key("name", Type::String)
        .need()
        .limit(1, 32)
        .rangeIs("1..32 of A-Z a-z 0-9 _ . -")
        .checked(checkName)
        .about("Names the group in logs, status and notifications. Unique.")
        .field<&SyncGroup::name>(),
    Key("instances", Type::StringList)
        .need()
        .limit(1, kNoMax)
        .rangeIs("names of instances, each in one group at most")
        .checked(checkName)
        .alias(kGroupInstancesAliases)
        .about("The instances that change state together: one in FAULT puts the group in "
               "FAULT.")
        .field<&SyncGroup::instances>(),
    Key("notify", Type::Group)
        .holding(kNotify)
        .about("Commands run when the group changes state.")
        .field<&SyncGroup::notify>(),
};

inline constexpr Key kRoot[] = {
    Key("node", Type::Group)
        .holding(kNode)
        .alias(kNodeAliases)
        .about("This node.")
        .field<&Config::node>(),
    Key("scripts", Type::Group)
        .holding(kScripts)
        .alias(kScriptsAliases)
        .about("How hafd runs commands: checks, notify, fence and the quorum hook.")
        .field<&Config::scripts>(),
    Key("auth", Type::Group)
        .holding(kAuth)
        .alias(kAuthAliases)
        .about("Authentication of adverts and heartbeats (keepalived's auth_hmac), for "
               "every instance without its own.")
        .field<&Config::auth>(),
    Key("cluster", Type::Group)
        .holding(kCluster)
        .about("Cluster heartbeats, quorum and the split-brain rules.")
        .field<&Config::cluster>(),
    Key("fence", Type::Group)
        .holding(kFence)
        .about("A fence command run before claiming after a master failure.")
        .field<&Config::fence>(),
    Key("metrics", Type::Group)
        .holding(kMetrics)
        .about("Metrics for Prometheus besides hafctl metrics: a node_exporter textfile and an "
               "HTTP listener, both off by default.")
        .field<&Config::metrics>(),
    Key("checks", Type::GroupList)
        .holding(kCheck)
        .alias(kChecksAliases)
        .about("Health checks that instances track.")
        .field<&Config::checks>(),
    Key("instances", Type::GroupList)
        .holding(kInstance)
        .alias(kInstancesAliases)
        .about("The virtual routers this node takes part in.")
        .field<&Config::instances>(),
    Key("groups", Type::GroupList)
        .holding(kGroup)
        .alias(kGroupsAliases)
        .about("Sync groups: instances that change state together.")
        .field<&Config::groups>(),
};

} // namespace hafd::config::tables
