// SPDX-License-Identifier: Apache-2.0
// The status as Prometheus text (ctl/metrics.h): every family once, with HELP and TYPE before
// its samples; label values escaped; the state as keepalived's numbers; counters end in _total.
#include "ctl/metrics.h"

#include <sstream>
#include <string>

// cmocka last: its macros clash with the standard headers.
#include "unit_test.h"

using namespace hafd::ctl;

namespace {

Status sample() {
    Status st;
    st.version = "0.1.0";
    st.uptime = 12.5;
    InstanceStatus i;
    i.name = "web \"a\"\\b";
    i.interface = "eth0";
    i.vrid = 51;
    i.family = "ipv4";
    i.state = "MASTER";
    i.priority = 140;
    i.basePriority = 200;
    i.vipsInstalled = true;
    i.counters = {{"adverts_out", 7}, {"transitions", 2}, {"dual_holders", 0}};
    i.drops = {{"bad_ttl", 3}};
    st.instances = {i, i};
    st.instances[1].name = "db";
    st.instances[1].state = "FAULT";
    st.instances[1].faults = {"link", "quorum"};
    CheckStatus c;
    c.name = "svc";
    c.kind = "exec";
    c.health = "down";
    c.runs = 9;
    st.checks = {c};
    ClusterStatus cl;
    cl.quorum = true;
    cl.votes = 3;
    cl.heard = 2;
    cl.needed = 2;
    ClusterNodeStatus self, peer, silent;
    self.name = "n1";
    self.self = true;
    peer.name = "n2";
    peer.votes = true;
    peer.lastHeardSecondsAgo = 0.25;
    silent.name = "n3";
    cl.nodes = {self, peer, silent};
    st.cluster = cl;
    return st;
}

bool has(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

void families_come_whole_with_help_and_type(void**) {
    const std::string text = formatMetrics(sample());
    // Every sample line belongs to the family declared last; no family is declared twice.
    std::istringstream in(text);
    std::string line, current;
    std::string declared;
    while (std::getline(in, line)) {
        if (line.rfind("# TYPE ", 0) == 0) {
            current = line.substr(7, line.find(' ', 7) - 7);
            assert_true(declared.find(" " + current + " ") == std::string::npos);
            declared += " " + current + " ";
        } else if (line.rfind("# HELP ", 0) != 0) {
            assert_true(line.rfind(current, 0) == 0);
        }
    }
    assert_true(has(text, "# TYPE hafd_instance_state gauge"));
    assert_true(has(text, "# TYPE hafd_adverts_sent_total counter"));
}

void values_and_labels(void**) {
    const std::string text = formatMetrics(sample());
    const std::string id = R"(instance="web \"a\"\\b",interface="eth0",vrid="51",family="ipv4")";
    assert_true(has(text, "hafd_instance_state{" + id + "} 2"));
    assert_true(has(text, "hafd_instance_priority{" + id + "} 140"));
    assert_true(has(text, "hafd_instance_base_priority{" + id + "} 200"));
    assert_true(has(text, "hafd_adverts_sent_total{" + id + "} 7"));
    assert_true(has(text, "hafd_dual_holders_total{" + id + "} 0"));
    assert_true(has(text, "hafd_advert_drops_total{" + id + ",reason=\"bad_ttl\"} 3"));
    assert_true(has(
        text, R"(hafd_instance_state{instance="db",interface="eth0",vrid="51",family="ipv4"} 3)"));
    assert_true(has(
        text,
        R"(hafd_instance_fault{instance="db",interface="eth0",vrid="51",family="ipv4",cause="quorum"} 1)"));
    assert_true(has(text, R"(hafd_check_up{check="svc",kind="exec"} 0)"));
    assert_true(has(text, "hafd_cluster_quorum 1"));
    assert_true(has(text, R"(hafd_cluster_heartbeat_age_seconds{node="n2",address=""} 0.25)"));
    // A node never heard has no age, and this node none of its own.
    assert_true(text.find(R"(hafd_cluster_heartbeat_age_seconds{node="n3")") == std::string::npos);
    assert_true(text.find(R"(node="n1")") == std::string::npos);
    assert_true(has(text, "hafd_uptime_seconds 12.5"));
}

// The kernel lease left on the VIPs, and how long checks and hooks took: gauges only where
// there is a value (-1 in status means none).
void lease_and_durations(void**) {
    Status st = sample();
    st.instances[0].leaseRemaining = 1.5;
    st.instances[1].claim = ClaimStatus{};
    st.instances[1].claim->lastFenceDuration = 0.75;
    st.checks[0].lastDuration = 0.125;
    CheckStatus never = st.checks[0];
    never.name = "tcp1";
    never.kind = "tcp";
    st.checks.push_back(never);
    st.checks[1].lastDuration = -1;
    st.cluster->hookDuration = 0.5;
    const std::string text = formatMetrics(st);
    const std::string id = R"(instance="web \"a\"\\b",interface="eth0",vrid="51",family="ipv4")";
    assert_true(has(text, "# TYPE hafd_vip_lease_remaining_seconds gauge"));
    assert_true(has(text, "hafd_vip_lease_remaining_seconds{" + id + "} 1.5"));
    // The instance without a lease (leaseRemaining -1) has none.
    assert_true(text.find(R"(hafd_vip_lease_remaining_seconds{instance="db")") ==
                std::string::npos);
    assert_true(has(text, "# TYPE hafd_check_duration_seconds gauge"));
    assert_true(has(text, R"(hafd_check_duration_seconds{check="svc",kind="exec"} 0.125)"));
    assert_true(text.find(R"(hafd_check_duration_seconds{check="tcp1")") == std::string::npos);
    assert_true(has(text, "# TYPE hafd_hook_duration_seconds gauge"));
    assert_true(has(text, R"(hafd_hook_duration_seconds{hook="quorum"} 0.5)"));
    assert_true(has(text, R"(hafd_hook_duration_seconds{hook="fence",instance="db"} 0.75)"));
    // One family, declared once, though its samples come from the instances and the cluster.
    assert_true(text.find("# TYPE hafd_hook_duration_seconds") ==
                text.rfind("# TYPE hafd_hook_duration_seconds"));
}

// Nothing ran yet: no duration or lease gauge at all.
void no_durations_before_the_first_run(void**) {
    const std::string text = formatMetrics(sample());
    for (const char* name : {"hafd_vip_lease_remaining_seconds", "hafd_check_duration_seconds",
                             "hafd_hook_duration_seconds"})
        assert_true(text.find(name) == std::string::npos);
}

// The runner's counters: two gauges of now, the longest queue, three counters.
void commands(void**) {
    Status st = sample();
    st.commands = {.running = 3,
                   .queued = 1,
                   .queuedMax = 4,
                   .started = 90,
                   .timedOut = 2,
                   .spawnFailures = 5};
    const std::string text = formatMetrics(st);
    assert_true(has(text, "# TYPE hafd_commands_running gauge"));
    assert_true(has(text, "hafd_commands_running 3"));
    assert_true(has(text, "hafd_commands_queued 1"));
    assert_true(has(text, "hafd_commands_queued_max 4"));
    assert_true(has(text, "# TYPE hafd_commands_started_total counter"));
    assert_true(has(text, "hafd_commands_started_total 90"));
    assert_true(has(text, "hafd_commands_timed_out_total 2"));
    assert_true(has(text, "hafd_commands_spawn_failures_total 5"));
}

// A stopped daemon's last words: down, its version, and no gauge that could look current.
void stopped_says_down_only(void**) {
    const std::string text = formatStoppedMetrics("0.1.0");
    assert_true(has(text, "hafd_up 0"));
    assert_true(has(text, R"(hafd_build_info{version="0.1.0"} 1)"));
    assert_true(text.find("hafd_instance") == std::string::npos);
    assert_true(has(formatMetrics(sample()), "hafd_up 1"));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(families_come_whole_with_help_and_type),
        cmocka_unit_test(values_and_labels),
        cmocka_unit_test(lease_and_durations),
        cmocka_unit_test(no_durations_before_the_first_run),
        cmocka_unit_test(commands),
        cmocka_unit_test(stopped_says_down_only),
    };
    return cmocka_run_group_tests_name("ctl-metrics", tests, nullptr, nullptr);
}
