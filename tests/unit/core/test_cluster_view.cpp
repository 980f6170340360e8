// SPDX-License-Identifier: Apache-2.0
// The cluster view and its quorum (core/cluster_view.h): a strict majority of the votes heard
// within lease, ours included; a quorum hook is one more vote that must be given; a leaving
// node stops voting at once; out-of-order heartbeats are ignored.
#include "core/cluster_view.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;

namespace {

constexpr TimePoint kT0 = TimePoint{} + 1000s;

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

config::Cluster cluster(std::size_t nodes, bool hook = false) {
    config::Cluster c;
    for (std::size_t i = 0; i < nodes; ++i) {
        config::ClusterNode n;
        n.name = "n" + std::to_string(i + 1);
        n.address = ip(("192.0.2." + std::to_string(i + 1)).c_str());
        c.nodes.push_back(n);
    }
    c.lease = 2s;
    if (hook)
        c.quorumHook = config::QuorumHook{};
    return c;
}

proto::heartbeat::Heartbeat hb(const char* name, uint64_t counter, uint64_t start = 7) {
    proto::heartbeat::Heartbeat h;
    h.name = name;
    h.counter = counter;
    h.startId = start;
    return h;
}

void a_majority_within_the_lease_is_quorum(void**) {
    ClusterView v(cluster(3), "n1");
    assert_int_equal(v.votes(), 3);
    assert_int_equal(v.needed(), 2);
    assert_false(v.quorum(kT0)); // only our own vote
    assert_true(v.heard(1, hb("n2", 1), kT0));
    assert_true(v.quorum(kT0));
    assert_int_equal(v.votesHeard(kT0), 2);
    // The vote lasts exactly one lease.
    assert_true(v.quorum(kT0 + 2s - 1us));
    assert_false(v.quorum(kT0 + 2s));
    assert_true(*v.nextChange(kT0) == kT0 + 2s);
}

void four_nodes_need_three(void**) {
    ClusterView v(cluster(4), "n1");
    v.heard(1, hb("n2", 1), kT0);
    assert_false(v.quorum(kT0));
    v.heard(2, hb("n3", 1), kT0);
    assert_true(v.quorum(kT0));
}

// Two nodes and a hook: the survivor of either node's loss keeps quorum with the hook's vote,
// and nobody has quorum while the hook fails.
void a_hook_is_a_vote_that_must_be_given(void**) {
    ClusterView v(cluster(2, true), "n1");
    assert_int_equal(v.votes(), 3);
    assert_false(v.quorum(kT0));
    v.heard(1, hb("n2", 1), kT0);
    assert_false(v.quorum(kT0));     // 2 of 3 votes, but the hook has not said yes
    v.hookAnswer(true, kT0 - 500ms); // a run that started before, answered now
    assert_true(v.quorum(kT0));
    // One lease from the run's start, like a heartbeat: then it needs a new answer, even while
    // n2 is heard.
    assert_true(v.quorum(kT0 + 1500ms - 1us));
    assert_false(v.quorum(kT0 + 1500ms));
    v.hookAnswer(true, kT0 + 1s);
    assert_true(v.quorum(kT0 + 2500ms)); // n2 expired at 2 s: ours and the hook's
    assert_false(v.quorum(kT0 + 3s));    // the hook's vote is gone too
    v.hookAnswer(false, kT0 + 2s);
    assert_false(v.quorum(kT0 + 2s));
}

void a_leaving_node_stops_voting_at_once(void**) {
    ClusterView v(cluster(3), "n1");
    v.heard(1, hb("n2", 1), kT0);
    auto bye = hb("n2", 2);
    bye.leaving = true;
    v.heard(1, bye, kT0 + 100ms);
    assert_false(v.quorum(kT0 + 100ms));
}

void out_of_order_heartbeats_are_ignored_and_restarts_counted(void**) {
    ClusterView v(cluster(3), "n1");
    assert_true(v.heard(1, hb("n2", 5), kT0));
    assert_false(v.heard(1, hb("n2", 5), kT0 + 1s));
    assert_false(v.heard(1, hb("n2", 4), kT0 + 1s));
    assert_true(*v.nodes()[1].lastHeard == kT0);
    assert_int_equal(v.nodes()[1].outOfOrder, 2);
    assert_true(v.heard(1, hb("n2", 1, 8), kT0 + 1s)); // a new start
    assert_int_equal(v.nodes()[1].restarts, 1);
}

void the_master_of_a_vrid_is_the_node_that_says_so(void**) {
    ClusterView v(cluster(3), "n1");
    auto h = hb("n2", 1);
    proto::heartbeat::InstanceEntry e;
    e.vrid = 51;
    e.state = 2;
    h.instances.push_back(e);
    v.heard(1, h, kT0);
    assert_non_null(v.masterOf(Family::V4, 51));
    assert_string_equal(v.masterOf(Family::V4, 51)->name.c_str(), "n2");
    assert_null(v.masterOf(Family::V6, 51));
    assert_null(v.masterOf(Family::V4, 52));
}

// The fence asks lease + margin after the master fell silent: its last word still names it.
void a_silent_master_is_still_the_master_its_last_heartbeat_named(void**) {
    ClusterView v(cluster(3), "n1");
    proto::heartbeat::InstanceEntry master;
    master.vrid = 51;
    master.state = 2;
    auto h = hb("n2", 1);
    h.instances.push_back(master);
    v.heard(1, h, kT0);
    assert_false(v.quorum(kT0 + 3s));                                    // n2 is long silent ...
    assert_string_equal(v.masterOf(Family::V4, 51)->name.c_str(), "n2"); // ... but was master
    // Of two that said so, the one heard last; a later heartbeat saying backup counts too.
    auto h3 = hb("n3", 1);
    h3.instances.push_back(master);
    v.heard(2, h3, kT0 + 10s);
    assert_string_equal(v.masterOf(Family::V4, 51)->name.c_str(), "n3");
    auto backup = hb("n3", 2);
    backup.instances.push_back(master);
    backup.instances.back().state = 1;
    v.heard(2, backup, kT0 + 11s);
    assert_string_equal(v.masterOf(Family::V4, 51)->name.c_str(), "n2");
}

proto::heartbeat::Heartbeat saying(const char* name, uint64_t counter, uint8_t vrid, uint8_t state,
                                   uint8_t priority) {
    auto h = hb(name, counter);
    proto::heartbeat::InstanceEntry e;
    e.vrid = vrid;
    e.state = state;
    e.priority = priority;
    h.instances.push_back(e);
    return h;
}

// The live backup of a VRID that claims before this node: a higher priority, or the same and a
// greater name; not a master, not a node out of the lease or leaving.
void a_backup_ahead_is_live_and_higher(void**) {
    ClusterView v(cluster(4), "n2");
    assert_null(v.backupAhead(Family::V4, 51, 100, kT0));
    v.heard(0, saying("n1", 1, 51, 1, 100), kT0); // same priority, smaller name
    v.heard(2, saying("n3", 1, 51, 1, 90), kT0);  // lower
    v.heard(3, saying("n4", 1, 51, 2, 200), kT0); // master
    assert_null(v.backupAhead(Family::V4, 51, 100, kT0));
    v.heard(2, saying("n3", 2, 51, 1, 100), kT0); // same priority, greater name
    assert_string_equal(v.backupAhead(Family::V4, 51, 100, kT0)->name.c_str(), "n3");
    v.heard(0, saying("n1", 2, 51, 1, 150), kT0); // higher: first
    assert_string_equal(v.backupAhead(Family::V4, 51, 100, kT0)->name.c_str(), "n1");
    assert_null(v.backupAhead(Family::V4, 52, 100, kT0));
    assert_null(v.backupAhead(Family::V6, 51, 100, kT0));
    // n1 silent for a lease, then n3 leaving: nobody ahead.
    v.heard(2, saying("n3", 3, 51, 1, 100), kT0 + 1s);
    assert_string_equal(v.backupAhead(Family::V4, 51, 100, kT0 + 2s)->name.c_str(), "n3");
    auto leaving = saying("n3", 4, 51, 1, 100);
    leaving.leaving = true;
    v.heard(2, leaving, kT0 + 2s);
    assert_null(v.backupAhead(Family::V4, 51, 100, kT0 + 2s));
}

// A node whose instance list changes (a reload there) is found under its new VRIDs only.
void a_node_s_new_instances_replace_its_old_ones(void**) {
    ClusterView v(cluster(3), "n1");
    v.heard(1, saying("n2", 1, 51, 1, 200), kT0);
    assert_non_null(v.backupAhead(Family::V4, 51, 100, kT0));
    auto h = saying("n2", 2, 52, 2, 200);
    h.instances.push_back(h.instances[0]);
    h.instances[1].vrid = 53;
    h.instances[1].state = 1;
    v.heard(1, h, kT0);
    assert_null(v.backupAhead(Family::V4, 51, 100, kT0));
    assert_null(v.masterOf(Family::V4, 51));
    assert_string_equal(v.masterOf(Family::V4, 52)->name.c_str(), "n2");
    assert_string_equal(v.backupAhead(Family::V4, 53, 100, kT0)->name.c_str(), "n2");
}

void differences_name_the_field(void**) {
    proto::heartbeat::InstanceEntry a;
    a.vrid = 51;
    a.intervalCs = 10;
    a.vipCount = 1;
    a.vipDigest = 1;
    proto::heartbeat::InstanceEntry b = a;
    assert_int_equal(ClusterView::compare("n2", a, b).size(), 0);
    b.intervalCs = 100;
    b.vipDigest = 2;
    const auto d = ClusterView::compare("n2", a, b);
    assert_int_equal(d.size(), 2);
    assert_string_equal(d[0].field.c_str(), "interval");
    assert_string_equal(d[0].ours.c_str(), "0.10 s");
    assert_string_equal(d[0].theirs.c_str(), "1.00 s");
    assert_string_equal(d[1].field.c_str(), "addresses");
}

// A reload keeps what was heard of the nodes that stay.
void a_reload_keeps_what_was_heard(void**) {
    ClusterView v(cluster(3), "n1");
    v.heard(1, hb("n2", 1), kT0);
    v.reconfigure(cluster(4), "n1");
    assert_int_equal(v.nodes().size(), 4);
    assert_true(v.nodes()[1].lastHeard.has_value());
    assert_false(v.quorum(kT0)); // 2 of 4
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_majority_within_the_lease_is_quorum),
        cmocka_unit_test(four_nodes_need_three),
        cmocka_unit_test(a_hook_is_a_vote_that_must_be_given),
        cmocka_unit_test(a_leaving_node_stops_voting_at_once),
        cmocka_unit_test(out_of_order_heartbeats_are_ignored_and_restarts_counted),
        cmocka_unit_test(the_master_of_a_vrid_is_the_node_that_says_so),
        cmocka_unit_test(a_silent_master_is_still_the_master_its_last_heartbeat_named),
        cmocka_unit_test(a_backup_ahead_is_live_and_higher),
        cmocka_unit_test(a_node_s_new_instances_replace_its_old_ones),
        cmocka_unit_test(differences_name_the_field),
        cmocka_unit_test(a_reload_keeps_what_was_heard),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
