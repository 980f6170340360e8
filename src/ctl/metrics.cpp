// SPDX-License-Identifier: Apache-2.0
#include "ctl/metrics.h"

#include <cstdio>
#include <map>
#include <utility>
#include <vector>

namespace hafd::ctl {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Label values escape backslash, double quote and newline (the format's only escapes).
std::string escaped(const std::string& v) {
    std::string out;
    for (char ch : v) {
        if (ch == '\\' || ch == '"')
            out += '\\';
        if (ch == '\n') {
            out += "\\n";
            continue;
        }
        out += ch;
    }
    return out;
}

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Families in the order first declared, each with its HELP, TYPE and samples together, as the
// format requires.
class Exposition {
public:
    void add(const std::string& name, const char* type, const char* help, const Labels& labels,
             double value) {
        auto [it, fresh] = index_.try_emplace(name, families_.size());
        if (fresh)
            families_.push_back({name, type, help, {}});
        std::string line = name;
        if (!labels.empty()) {
            line += '{';
            for (std::size_t i = 0; i < labels.size(); ++i)
                line += (i ? "," : "") + labels[i].first + "=\"" + escaped(labels[i].second) + '"';
            line += '}';
        }
        families_[it->second].samples.push_back(line + ' ' + number(value));
    }
    std::string text() const {
        std::string out;
        for (const Family& f : families_) {
            out += "# HELP " + f.name + ' ' + f.help + '\n';
            out += "# TYPE " + f.name + ' ' + f.type + '\n';
            for (const std::string& s : f.samples)
                out += s + '\n';
        }
        return out;
    }

private:
    struct Family {
        std::string name;
        const char* type;
        const char* help;
        std::vector<std::string> samples;
    };
    std::vector<Family> families_;
    std::map<std::string, std::size_t> index_;
};

double stateValue(const std::string& state) {
    if (state == "BACKUP")
        return 1;
    if (state == "MASTER")
        return 2;
    if (state == "FAULT")
        return 3;
    return 0; // INIT
}

// Instance counters (status counters.*) with a name of their own; the others are
// hafd_<key>_total.
const std::map<std::string, std::pair<std::string, const char*>>& counterNames() {
    static const std::map<std::string, std::pair<std::string, const char*>> names = {
        {"adverts_in", {"hafd_adverts_received_total", "VRRP adverts accepted."}},
        {"adverts_out", {"hafd_adverts_sent_total", "VRRP adverts sent."}},
        {"transitions", {"hafd_transitions_total", "State transitions."}},
        {"became_master", {"hafd_became_master_total", "Transitions to MASTER."}},
        {"priority_zero_in", {"hafd_priority_zero_received_total", "Priority-0 adverts heard."}},
        {"priority_zero_out", {"hafd_priority_zero_sent_total", "Priority-0 adverts sent."}},
    };
    return names;
}

void instances(Exposition& e, const Status& st) {
    for (const InstanceStatus& i : st.instances) {
        const Labels id = {{"instance", i.name},
                           {"interface", i.interface},
                           {"vrid", std::to_string(i.vrid)},
                           {"family", i.family}};
        e.add("hafd_instance_state", "gauge",
              "The instance's state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (keepalived's numbers).",
              id, stateValue(i.state));
        e.add("hafd_instance_priority", "gauge", "Effective priority (base plus track weights).",
              id, i.priority);
        e.add("hafd_instance_base_priority", "gauge", "Configured priority.", id, i.basePriority);
        e.add("hafd_instance_vips_installed", "gauge", "1 while this node holds the VIPs.", id,
              i.vipsInstalled ? 1 : 0);
        if (i.leaseRemaining >= 0)
            e.add("hafd_vip_lease_remaining_seconds", "gauge",
                  "Seconds until the kernel lease of the installed VIPs ends unless renewed.", id,
                  i.leaseRemaining);
        if (i.claim && i.claim->lastFenceDuration >= 0)
            e.add("hafd_hook_duration_seconds", "gauge",
                  "Seconds the last finished run of a hook (quorum, fence) took.",
                  {{"hook", "fence"}, {"instance", i.name}}, i.claim->lastFenceDuration);
        for (const std::string& cause : i.faults) {
            Labels l = id;
            l.emplace_back("cause", cause);
            e.add("hafd_instance_fault", "gauge", "1 for each fault cause present.", l, 1);
        }
        if (!i.lastTransitions.empty())
            e.add("hafd_instance_last_transition_age_seconds", "gauge",
                  "Seconds since the last state transition.", id,
                  i.lastTransitions.front().secondsAgo);
        for (const auto& [key, value] : i.counters) {
            const auto named = counterNames().find(key);
            if (named != counterNames().end())
                e.add(named->second.first, "counter", named->second.second, id,
                      static_cast<double>(value));
            else
                e.add("hafd_" + key + "_total", "counter",
                      "An instance counter (hafctl status: counters).", id,
                      static_cast<double>(value));
        }
        for (const auto& [reason, value] : i.drops) {
            Labels l = id;
            l.emplace_back("reason", reason);
            e.add("hafd_advert_drops_total", "counter", "Adverts dropped, by reason.", l,
                  static_cast<double>(value));
        }
        for (const auto& [cause, value] : i.faultsRaised) {
            Labels l = id;
            l.emplace_back("cause", cause);
            e.add("hafd_faults_raised_total", "counter", "Fault causes raised, by cause.", l,
                  static_cast<double>(value));
        }
    }
}

void checks(Exposition& e, const Status& st) {
    for (const CheckStatus& c : st.checks) {
        const Labels id = {{"check", c.name}, {"kind", c.kind}};
        e.add("hafd_check_up", "gauge", "1 when the check is up, 0 down, -1 not known yet.", id,
              c.health == "up"     ? 1
              : c.health == "down" ? 0
                                   : -1);
        e.add("hafd_check_runs_total", "counter", "Check runs.", id, static_cast<double>(c.runs));
        e.add("hafd_check_failures_total", "counter", "Check runs that failed.", id,
              static_cast<double>(c.failures));
        e.add("hafd_check_timeouts_total", "counter", "Check runs that timed out.", id,
              static_cast<double>(c.timeouts));
        if (c.lastDuration >= 0)
            e.add("hafd_check_duration_seconds", "gauge",
                  "Seconds the check's last finished run took (exec, role, tcp).", id,
                  c.lastDuration);
    }
}

void cluster(Exposition& e, const ClusterStatus& c) {
    e.add("hafd_cluster_quorum", "gauge", "1 while this node has quorum.", {}, c.quorum ? 1 : 0);
    e.add("hafd_cluster_votes", "gauge", "All votes: nodes, plus one for a quorum hook.", {},
          c.votes);
    e.add("hafd_cluster_votes_heard", "gauge", "Votes heard within the lease, ours included.", {},
          c.heard);
    e.add("hafd_cluster_votes_needed", "gauge", "Votes quorum needs (a strict majority).", {},
          c.needed);
    if (c.hookDuration >= 0)
        e.add("hafd_hook_duration_seconds", "gauge",
              "Seconds the last finished run of a hook (quorum, fence) took.", {{"hook", "quorum"}},
              c.hookDuration);
    for (const ClusterNodeStatus& n : c.nodes) {
        if (n.self)
            continue;
        const Labels id = {{"node", n.name}, {"address", n.address}};
        e.add("hafd_cluster_node_votes", "gauge", "1 while the node's vote counts.", id,
              n.votes ? 1 : 0);
        if (n.lastHeardSecondsAgo >= 0)
            e.add("hafd_cluster_heartbeat_age_seconds", "gauge",
                  "Seconds since the node's last heartbeat.", id, n.lastHeardSecondsAgo);
        e.add("hafd_cluster_node_restarts_total", "counter", "Restarts of the node seen.", id,
              static_cast<double>(n.restarts));
    }
    e.add("hafd_heartbeats_sent_total", "counter", "Heartbeats sent.", {},
          static_cast<double>(c.sent));
    e.add("hafd_heartbeats_received_total", "counter", "Heartbeats accepted.", {},
          static_cast<double>(c.received));
    for (const auto& [reason, value] : c.drops)
        e.add("hafd_heartbeat_drops_total", "counter", "Heartbeats dropped, by reason.",
              {{"reason", reason}}, static_cast<double>(value));
}

// hafd_up and hafd_build_info, first in every exposition.
void daemonUp(Exposition& e, bool up, const std::string& version) {
    e.add("hafd_up", "gauge", "1: the daemon answered; 0: it stopped.", {}, up ? 1 : 0);
    e.add("hafd_build_info", "gauge", "The daemon's version.", {{"version", version}}, 1);
}

} // namespace

std::string formatStoppedMetrics(const std::string& version) {
    Exposition e;
    daemonUp(e, false, version);
    return e.text();
}

std::string formatMetrics(const Status& st) {
    Exposition e;
    daemonUp(e, true, st.version);
    e.add("hafd_uptime_seconds", "gauge", "Seconds since the daemon started.", {}, st.uptime);
    instances(e, st);
    checks(e, st);
    for (const SocketStatus& s : st.sockets) {
        const Labels id = {{"interface", s.interface}, {"family", s.family}};
        e.add("hafd_socket_received_total", "counter", "Packets read from the advert socket.", id,
              static_cast<double>(s.received));
        for (const auto& [reason, value] : s.drops) {
            Labels l = id;
            l.emplace_back("reason", reason);
            e.add("hafd_socket_drops_total", "counter",
                  "Packets dropped before reaching an instance, by reason.", l,
                  static_cast<double>(value));
        }
    }
    for (const auto& [key, value] : st.notify) {
        if (key == "pending")
            e.add("hafd_notify_pending", "gauge", "Notify commands queued or running.", {},
                  static_cast<double>(value));
        else
            e.add("hafd_notify_commands_total", "counter", "Notify commands, by outcome.",
                  {{"outcome", key}}, static_cast<double>(value));
    }
    if (st.cluster)
        cluster(e, *st.cluster);
    e.add("hafd_loop_stalls_total", "counter", "Stalls of the daemon's loop of 10 ms or more.", {},
          static_cast<double>(st.stalls.count));
    e.add("hafd_loop_stall_longest_seconds", "gauge", "The longest stall of the loop.", {},
          st.stalls.longest);
    for (const auto& [outcome, n] : {std::pair<const char*, uint64_t>{"served", st.control.served},
                                     {"busy", st.control.busy},
                                     {"denied", st.control.denied},
                                     {"timed_out", st.control.timedOut},
                                     {"too_long", st.control.tooLong}})
        e.add("hafd_control_connections_total", "counter",
              "Connections to the control socket, by outcome.", {{"outcome", outcome}},
              static_cast<double>(n));
    const CommandsStatus& c = st.commands;
    e.add("hafd_commands_running", "gauge", "Commands hafd runs now (checks, notify, hooks).", {},
          static_cast<double>(c.running));
    e.add("hafd_commands_queued", "gauge", "Commands waiting for one of the runner's slots.", {},
          static_cast<double>(c.queued));
    e.add("hafd_commands_queued_max", "gauge", "The longest the queue of commands has been.", {},
          static_cast<double>(c.queuedMax));
    e.add("hafd_commands_started_total", "counter", "Commands started (children forked).", {},
          static_cast<double>(c.started));
    e.add("hafd_commands_timed_out_total", "counter", "Commands killed at their timeout.", {},
          static_cast<double>(c.timedOut));
    e.add("hafd_commands_spawn_failures_total", "counter", "Commands that could not start.", {},
          static_cast<double>(c.spawnFailures));
    if (!st.metrics.textfile.empty()) {
        e.add("hafd_textfile_writes_total", "counter", "Writes of the metrics textfile.", {},
              static_cast<double>(st.metrics.textfileWrites));
        e.add("hafd_textfile_write_failures_total", "counter",
              "Writes of the metrics textfile that failed.", {},
              static_cast<double>(st.metrics.textfileFailures));
    }
    if (!st.metrics.listen.empty())
        e.add("hafd_http_requests_total", "counter", "Requests to the metrics' HTTP listener.", {},
              static_cast<double>(st.metrics.httpRequests));
    return e.text();
}

} // namespace hafd::ctl
