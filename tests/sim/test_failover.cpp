// SPDX-License-Identifier: Apache-2.0
// Simulated failovers (RFC 9568 §6.4): master failure (B2 after Master_Down_Interval),
// resignation (B3: Skew_Time), preemption on return (B5) with and without preempt_delay,
// nopreempt, FAULT on link loss (DESIGN.md §10), priority changes, and a partition that heals.
#include "scenario.h"

#include <algorithm>

using namespace hafd;
using namespace hafd::sim;
using core::State;

namespace {

// Starts the three routers and lets node 2 (priority 200) win.
void converge(Lan& lan) {
    startAll(lan);
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
}

} // namespace

static void master_failure_next_highest_takes_over_within_master_down_interval(void**) {
    // The crash falls at 50 seeded phases of the advert cycle: the takeover comes one
    // Master_Down_Interval after the last advert heard, so between MDI - interval and MDI
    // (+ the delivery latency) after the crash.
    Duration fastest = 1h, slowest{0};
    for (uint64_t seed = 1; seed <= 50; ++seed) {
        Lan lan = threeRouters(LanOptions{.seed = seed});
        converge(lan);
        std::mt19937_64 rng(seed);
        lan.run(Duration(static_cast<int64_t>(rng() % 1'000'000)));
        const TimePoint crash = lan.now();
        lan.crash(2);
        const auto took = lan.runUntil([&] { return lan.holds(1); }, 10s);
        assert_true(took.has_value());
        const Duration t = *took - crash;
        assert_true(t <= mdi(150) + kLatency);
        assert_true(t >= mdi(150) - 1s);
        fastest = std::min(fastest, t);
        slowest = std::max(slowest, t);
        lan.run(30s);
        assert_int_equal(lan.becameMaster(0), 0); // priority 100 never fires
        assert_int_equal(lan.soleHolder().value_or(99), 1);
        assertCodecClean(lan);
    }
    print_message("sim: takeover after master crash: %s .. %s (MDI(150) = %s)\n",
                  seconds(fastest).c_str(), seconds(slowest).c_str(), seconds(mdi(150)).c_str());
}

static void resignation_takeover_within_skew_time(void**) {
    Lan lan = threeRouters();
    converge(lan);
    const TimePoint stop = lan.now() + 300ms;
    lan.run(300ms);
    lan.shutdown(2);
    const auto took = lan.runUntil([&] { return lan.holds(1); }, 10s);
    assert_true(took.has_value());
    // The priority-0 advert lands after the latency; B3 sets the timer to Skew_Time(150).
    assert_true(*took - stop == kLatency + skew(150));
    // The old master released before resigning finished; nobody held twice.
    assert_true(lan.dualHoldingTime() == Duration(0));
    lan.run(30s);
    assert_int_equal(lan.becameMaster(0), 0);
    print_message("sim: takeover after resignation: %s (Skew_Time(150) = %s)\n",
                  seconds(*took - stop).c_str(), seconds(skew(150)).c_str());
    assertCodecClean(lan);
}

static void preemption_on_return_of_higher_priority(void**) {
    Lan lan = threeRouters();
    converge(lan);
    lan.crash(2);
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), 1);
    const TimePoint back = lan.now();
    lan.start(2);
    const auto took = lan.runUntil([&] { return isMaster(lan, 2); }, 20s);
    assert_true(took.has_value());
    // B5: the lower master's adverts never reset the returning router's timer.
    assert_true(*took - back == mdi(200));
    assert_int_equal(static_cast<int>(lan.transitions().back().reason),
                     static_cast<int>(core::Reason::Preempt));
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assert_int_equal(lan.maxHoldersSince(*took + kLatency), 1);
    assertCodecClean(lan);
}

static void preempt_delay_postpones_return(void**) {
    NodeSpec top;
    top.preemptDelay = 10s;
    Lan lan = threeRouters(LanOptions{}, top);
    converge(lan);
    lan.crash(2);
    lan.run(10s);
    const TimePoint back = lan.now();
    lan.start(2);
    const auto took = lan.runUntil([&] { return isMaster(lan, 2); }, 30s);
    assert_true(took.has_value());
    // Adverts reset the timer until the delay ends; the last reset fires one MDI later.
    assert_true(*took - back >= 10s);
    assert_true(*took - back <= 10s + mdi(200) + kLatency);
    print_message("sim: return with preempt_delay 10s took %s\n", seconds(*took - back).c_str());
    assertCodecClean(lan);
}

static void nopreempt_keeps_current_master(void**) {
    NodeSpec top;
    top.preempt = false;
    Lan lan = threeRouters(LanOptions{}, top);
    lan.start(0);
    lan.start(1);
    lan.run(10s);
    lan.start(2);
    lan.run(100s);
    assert_int_equal(lan.soleHolder().value_or(99), 1);
    assert_int_equal(lan.becameMaster(2), 0);
    assertCodecClean(lan);
}

static void link_failure_on_master_fails_over_and_recovers(void**) {
    Lan lan = threeRouters();
    converge(lan);
    const TimePoint down = lan.now();
    lan.linkDown(2);
    // FAULT: VIPs released at once; its priority-0 advert cannot leave a dead link, so the
    // backup waits out a full Master_Down_Interval (not Skew_Time).
    assert_int_equal(static_cast<int>(lan.state(2)), static_cast<int>(State::Fault));
    assert_int_equal(lan.holders(), 0);
    const auto took = lan.runUntil([&] { return lan.holds(1); }, 10s);
    assert_true(took.has_value());
    assert_true(*took - down > skew(150) + kLatency);
    assert_true(*took - down <= mdi(150) + kLatency);
    // Link back: Backup, then preemption one MDI later.
    const TimePoint up = lan.now();
    lan.linkUp(2);
    assert_int_equal(static_cast<int>(lan.state(2)), static_cast<int>(State::Backup));
    const auto back = lan.runUntil([&] { return isMaster(lan, 2); }, 10s);
    assert_true(back.has_value());
    assert_true(*back - up == mdi(200));
    lan.run(5s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assertCodecClean(lan);
}

// DESIGN.md §5: a master whose adverts cannot leave (a firewall on the node drops them) notices
// within one advert interval and releases, before any backup claims after its
// Master_Down_Interval: at no instant do two nodes hold the VIP. Once adverts leave again, a
// probe clears the cause within a second and the node preempts.
static void master_that_cannot_send_releases_before_backup_claims(void**) {
    Lan lan = threeRouters();
    converge(lan);
    const TimePoint blocked = lan.now();
    const uint64_t dualBefore = lan.dualEpisodes();
    lan.blockSend(2, true);
    const auto released = lan.runUntil([&] { return lan.state(2) == State::Fault; }, 10s);
    assert_true(released.has_value());
    assert_true(*released - blocked <= 2s); // its next two adverts failed
    assert_false(lan.holds(2));
    assert_true(lan.router(2).faults() == core::FaultSet{core::FaultCause::Send});
    const auto took = lan.runUntil([&] { return lan.holds(1); }, 10s);
    assert_true(took.has_value());
    assert_true(*took > *released);
    assert_int_equal(lan.dualEpisodes(), dualBefore);
    // Probes fail while blocked and reach no one afterwards (VRID 0).
    lan.run(5s);
    assert_true(lan.state(2) == State::Fault);
    lan.blockSend(2, false);
    const TimePoint open = lan.now();
    const auto back = lan.runUntil([&] { return lan.state(2) == State::Backup; }, 5s);
    assert_true(back.has_value());
    assert_true(*back - open <= core::VirtualRouter::kProbeInterval);
    assert_true(lan.runUntil([&] { return isMaster(lan, 2); }, 10s).has_value());
    lan.run(5s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assert_true(lan.unknownVrid() > 0); // the successful probe was decoded and ignored
    assertCodecClean(lan);
}

// DESIGN.md §5: a master entering FAULT while adverts still leave resigns with priority 0, so
// the next backup takes over after its Skew_Time, not its Master_Down_Interval.
static void master_entering_fault_hands_over_after_skew_time(void**) {
    Lan lan = threeRouters();
    converge(lan);
    const TimePoint at = lan.now();
    lan.setFault(2, core::FaultCause::Maintenance, true);
    assert_true(lan.state(2) == State::Fault);
    assert_false(lan.holds(2));
    const auto took = lan.runUntil([&] { return lan.holds(1); }, 10s);
    assert_true(took.has_value());
    assert_true(*took - at <= skew(150) + kLatency);
    lan.setFault(2, core::FaultCause::Maintenance, false);
    assert_true(lan.state(2) == State::Backup);
    assert_true(lan.runUntil([&] { return isMaster(lan, 2); }, 10s).has_value());
    assertCodecClean(lan);
}

static void lowered_priority_hands_over(void**) {
    Lan lan = threeRouters();
    converge(lan);
    const TimePoint change = lan.now();
    lan.setPriority(2, 50);
    // The master keeps advertising at 50; priority 150 sees a lower master (B5) and preempts
    // one Master_Down_Interval after the last advert it counted.
    const auto took = lan.runUntil([&] { return lan.holds(1) && !lan.holds(2); }, 10s);
    assert_true(took.has_value());
    assert_true(*took - change <= mdi(150) + kLatency);
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), 1);
    assertCodecClean(lan);
}

static void partition_gives_two_masters_and_heal_gives_one(void**) {
    Lan lan = threeRouters();
    converge(lan);
    const TimePoint cut = lan.now();
    lan.partition({{2}, {0, 1}});
    const auto split = lan.runUntil([&] { return lan.holds(1); }, 10s);
    assert_true(split.has_value());
    assert_true(*split - cut <= mdi(150) + kLatency);
    lan.run(20s);
    // Each side has its master: that is VRRP's answer to a partition (DESIGN.md §4 adds quorum).
    assert_int_equal(lan.holders(), 2);
    const TimePoint healed = lan.now();
    lan.heal();
    const auto one = lan.runUntil([&] { return lan.holders() == 1; }, 10s);
    assert_true(one.has_value());
    // The first advert to cross decides: at most one interval plus the latency (M4 or M5).
    assert_true(*one - healed <= 1s + 2 * kLatency);
    lan.run(30s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assert_int_equal(lan.maxHoldersSince(*one), 1);
    print_message("sim: partition: second master after %s; healed to one in %s\n",
                  seconds(*split - cut).c_str(), seconds(*one - healed).c_str());
    assertCodecClean(lan);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(master_failure_next_highest_takes_over_within_master_down_interval),
        cmocka_unit_test(resignation_takeover_within_skew_time),
        cmocka_unit_test(preemption_on_return_of_higher_priority),
        cmocka_unit_test(preempt_delay_postpones_return),
        cmocka_unit_test(nopreempt_keeps_current_master),
        cmocka_unit_test(link_failure_on_master_fails_over_and_recovers),
        cmocka_unit_test(master_that_cannot_send_releases_before_backup_claims),
        cmocka_unit_test(master_entering_fault_hands_over_after_skew_time),
        cmocka_unit_test(lowered_priority_hands_over),
        cmocka_unit_test(partition_gives_two_masters_and_heal_gives_one),
    };
    return cmocka_run_group_tests_name("sim-failover", tests, nullptr, nullptr);
}
