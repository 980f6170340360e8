// SPDX-License-Identifier: Apache-2.0
// Simulated elections: who becomes master when routers start (RFC 9568 §6.4), equal priorities
// (§6.4.3 tie-break), owners, and the interop differences that split or do not split the brain
// (PROTOCOL.md §6 items 1, 4, 8).
#include "scenario.h"

#include <algorithm>

using namespace hafd;
using namespace hafd::sim;
using core::State;

static void highest_priority_is_elected(void**) {
    Lan lan;
    for (uint8_t p : {100, 150, 200, 120}) {
        NodeSpec s;
        s.priority = p;
        lan.add(s);
    }
    const TimePoint t0 = lan.now();
    startAll(lan);
    lan.run(30s);
    // Priority 200 has the shortest Master_Down_Interval: it fires first, and its advert stops
    // every other timer before it fires. Nobody else is ever master.
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assert_int_equal(lan.transitions().size(), 4 + 1); // 4 x INIT>BACKUP, one BACKUP>MASTER
    assert_true(lan.transitions().back().at == t0 + mdi(200));
    assert_int_equal(lan.maxHoldersSince(t0), 1);
    assertCodecClean(lan);
}

static void staggered_starts_converge_to_highest_priority(void**) {
    // Five routers starting at seeded random moments within 5 s: a lower one may win first;
    // the highest preempts, and from then on there is exactly one holder.
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        Lan lan(LanOptions{.seed = seed});
        const uint8_t prios[] = {90, 200, 120, 150, 60};
        for (uint8_t p : prios) {
            NodeSpec s;
            s.priority = p;
            lan.add(s);
        }
        std::mt19937_64 rng(seed);
        std::vector<std::pair<Duration, std::size_t>> starts;
        for (std::size_t i = 0; i < 5; ++i)
            starts.emplace_back(Duration(static_cast<int64_t>(rng() % 5'000'000)), i);
        std::sort(starts.begin(), starts.end());
        Duration at{0};
        for (const auto& [when, i] : starts) {
            lan.run(when - at);
            at = when;
            lan.start(i);
        }
        const auto converged =
            lan.runUntil([&] { return lan.soleHolder() == std::optional<std::size_t>(1); }, 20s);
        assert_true(converged.has_value());
        lan.run(60s);
        assert_int_equal(lan.maxHoldersSince(*converged + kLatency), 1);
        assert_int_equal(lan.soleHolder().value_or(99), 1);
        assertCodecClean(lan);
    }
}

static void equal_priorities_resolved_by_address(void**) {
    Lan lan;
    for (int i = 0; i < 3; ++i)
        lan.add(NodeSpec{});
    const TimePoint t0 = lan.now();
    startAll(lan);
    lan.run(30s);
    // All three time out together and become master; the highest address (192.0.2.3) wins as
    // soon as the adverts cross (M4 on the others).
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assert_int_equal(lan.becameMaster(0), 1);
    assert_int_equal(lan.becameMaster(1), 1);
    assert_int_equal(lan.becameMaster(2), 1);
    assert_true(lan.longestDualEpisode() <= kLatency);
    assert_int_equal(lan.maxHoldersSince(t0 + mdi(100) + kLatency), 1);
    print_message("sim: 3 equal masters resolved in %s\n",
                  seconds(lan.longestDualEpisode()).c_str());
    assertCodecClean(lan);
}

static void equal_priority_first_master_keeps_it(void**) {
    // PROTOCOL.md §6 item 7: a backup hearing an equal priority stays backup (B4), so the lower
    // address that became master first keeps the role.
    Lan lan;
    for (int i = 0; i < 3; ++i)
        lan.add(NodeSpec{});
    lan.start(0);
    lan.run(5s);
    lan.start(1);
    lan.start(2);
    lan.run(60s);
    assert_int_equal(lan.soleHolder().value_or(99), 0);
    assert_int_equal(lan.transitions().size(), 4);
    assertCodecClean(lan);
}

static void owner_takes_over_at_once(void**) {
    Lan lan = threeRouters();
    lan.start(0);
    lan.start(1);
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), 1);
    NodeSpec owner;
    owner.priority = 255;
    const std::size_t o = lan.add(owner);
    const TimePoint join = lan.now();
    lan.start(o);
    // I1: master at the instant it starts; the old master yields when the first advert lands.
    assert_true(isMaster(lan, o));
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), o);
    assert_true(lan.longestDualEpisode() <= kLatency);
    assert_int_equal(lan.maxHoldersSince(join + kLatency), 1);
    assertCodecClean(lan);
}

static void two_owners_both_stay_master_and_report(void**) {
    Lan lan;
    NodeSpec owner;
    owner.priority = 255;
    lan.add(owner);
    lan.add(owner);
    startAll(lan);
    lan.run(30s);
    // RFC 5798 §7.1: each owner discards the other's adverts. A configuration error, reported
    // once per side.
    assert_true(isMaster(lan, 0) && isMaster(lan, 1));
    assert_int_equal(lan.holders(), 2);
    for (std::size_t i = 0; i < 2; ++i) {
        assert_int_equal(lan.differences(i).size(), 1);
        assert_int_equal(static_cast<int>(lan.differences(i)[0].field),
                         static_cast<int>(core::PeerDifference::Field::Owner));
    }
    assertCodecClean(lan);
}

static void mixed_checksum_forms_elect_one_master(void**) {
    // PROTOCOL.md §6 item 1: a router sending the RFC 9568 form beside keepalived's form. hafd
    // accepts both (one master) and reports the difference once per side.
    Lan lan;
    NodeSpec a;
    a.priority = 150;
    a.checksum = proto::ChecksumForm::MessageOnly;
    lan.add(a);
    NodeSpec b;
    b.priority = 100;
    lan.add(b);
    startAll(lan);
    lan.run(30s);
    assert_int_equal(lan.soleHolder().value_or(99), 0);
    assert_int_equal(lan.differences(1).size(), 1);
    assert_int_equal(static_cast<int>(lan.differences(1)[0].field),
                     static_cast<int>(core::PeerDifference::Field::ChecksumForm));
    assertCodecClean(lan);
}

static void version_mismatch_splits_brain_and_is_reported(void**) {
    // PROTOCOL.md §6 item 4: v2 and v3 on one VRID each drop the other: both become master. The
    // split cannot be avoided, only reported, once per side.
    Lan lan;
    NodeSpec v2;
    v2.priority = 150;
    v2.version = proto::Version::V2;
    lan.add(v2);
    NodeSpec v3;
    v3.priority = 100;
    lan.add(v3);
    startAll(lan);
    lan.run(30s);
    assert_int_equal(lan.holders(), 2);
    for (std::size_t i = 0; i < 2; ++i) {
        assert_int_equal(lan.differences(i).size(), 1);
        assert_int_equal(static_cast<int>(lan.differences(i)[0].field),
                         static_cast<int>(core::PeerDifference::Field::Version));
    }
    assertCodecClean(lan);
}

static void vrrpv2_with_password_elects_highest(void**) {
    NodeSpec top;
    top.version = proto::Version::V2;
    top.v2Password = "secret12";
    Lan lan(LanOptions{});
    for (uint8_t p : {100, 150}) {
        NodeSpec s = top;
        s.priority = p;
        lan.add(s);
    }
    top.priority = 200;
    lan.add(top);
    startAll(lan);
    lan.run(30s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assert_int_equal(lan.transitions().size(), 4);
    assertCodecClean(lan);
}

static void ipv6_election_breaks_ties_on_link_local(void**) {
    Lan lan(LanOptions{.family = Family::V6});
    for (int i = 0; i < 3; ++i)
        lan.add(NodeSpec{});
    startAll(lan);
    lan.run(30s);
    assert_int_equal(lan.soleHolder().value_or(99), 2); // fe80::3 is the greatest
    assert_true(lan.address(2).isLinkLocal());
    assertCodecClean(lan);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(highest_priority_is_elected),
        cmocka_unit_test(staggered_starts_converge_to_highest_priority),
        cmocka_unit_test(equal_priorities_resolved_by_address),
        cmocka_unit_test(equal_priority_first_master_keeps_it),
        cmocka_unit_test(owner_takes_over_at_once),
        cmocka_unit_test(two_owners_both_stay_master_and_report),
        cmocka_unit_test(mixed_checksum_forms_elect_one_master),
        cmocka_unit_test(version_mismatch_splits_brain_and_is_reported),
        cmocka_unit_test(vrrpv2_with_password_elects_highest),
        cmocka_unit_test(ipv6_election_breaks_ties_on_link_local),
    };
    return cmocka_run_group_tests_name("sim-election", tests, nullptr, nullptr);
}
