// SPDX-License-Identifier: Apache-2.0
// A lossy or jittery LAN. VRRP has no retransmission: a backup declares the master down after
// missing every advert for Master_Down_Interval, i.e. three in a row at 1 s (the skew is below
// one interval). The scenarios check that the measured false-failover rate matches that model,
// that every transient dual master resolves quickly (M4 / RFC 9568 M5), and that delivery
// jitter below the bound MDI - interval never causes a failover. And a replaying attacker, which
// flaps plain VRRP and moves nothing once adverts are authenticated.
#include "scenario.h"

#include <cmath>

using namespace hafd;
using namespace hafd::sim;
using core::State;

namespace {

uint64_t spuriousTakeovers(const Lan& lan, std::size_t node) {
    uint64_t n = 0;
    for (const auto& t : lan.transitions())
        if (t.node == node && t.to == State::Master)
            ++n;
    return n;
}

// Model for the priority-150 backup under loss p at 1 s adverts: every advert it receives
// restarts its timer, which fires (3.414 s later) iff the next three are all lost. Expected
// false takeovers over `adverts` adverts of the master: adverts * (1 - p) * p^3.
double expectedFalseTakeovers(double p, double adverts) {
    return adverts * (1 - p) * p * p * p;
}

void lossyRun(double loss, uint64_t seed, int runSeconds) {
    Lan lan = threeRouters(LanOptions{.seed = seed});
    startAll(lan);
    lan.run(10s);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    const auto before = spuriousTakeovers(lan, 1);
    lan.setLoss(loss);
    lan.run(std::chrono::seconds(runSeconds));

    const double expected = expectedFalseTakeovers(loss, runSeconds);
    const auto measured = static_cast<double>(spuriousTakeovers(lan, 1) - before);
    // Counts of rare independent events: allow four standard deviations (Poisson).
    assert_true(std::fabs(measured - expected) <= 4 * std::sqrt(expected) + 1);
    // The real master never lost the VIPs, and each dual master ended as soon as an advert
    // crossed: the fraction of time with two holders stays small.
    assert_int_equal(lan.becameMaster(2), 1);
    assert_true(lan.longestDualEpisode() <= 5s);
    const double dualShare = toSeconds(lan.dualHoldingTime()) / runSeconds;
    assert_true(dualShare < 0.02);
    print_message("sim: loss %.0f%% over %d s: %0.f false takeovers by prio 150 (model %.1f), "
                  "%llu by prio 100; dual holding %.3f%% of the time, longest %s\n",
                  loss * 100, runSeconds, measured, expected,
                  static_cast<unsigned long long>(spuriousTakeovers(lan, 0)), dualShare * 100,
                  seconds(lan.longestDualEpisode()).c_str());

    // Loss stops: one master within an interval, and nothing moves afterwards.
    lan.setLoss(0);
    const TimePoint stopped = lan.now();
    const auto calm = lan.runUntil(
        [&] {
            return lan.soleHolder() == std::optional<std::size_t>(2) && !isMaster(lan, 0) &&
                   !isMaster(lan, 1);
        },
        10s);
    assert_true(calm.has_value());
    assert_true(*calm - stopped <= 1s + 2 * kLatency);
    const auto settled = lan.transitions().size();
    lan.run(1000s);
    assert_int_equal(lan.transitions().size(), settled);
    assertCodecClean(lan);
}

} // namespace

static void loss_30_percent_false_takeovers_match_model(void**) {
    // 20000 adverts at p = 0.3: the model expects 378 false takeovers by the first backup.
    // VRRP at 30 % loss is not quiet; what matters is that they end within an advert or two.
    lossyRun(0.3, 42, 20000);
}

static void loss_10_percent_false_takeovers_match_model(void**) {
    lossyRun(0.1, 7, 20000); // model: 18
}

static void jitter_below_bound_causes_no_failover(void**) {
    // 10 ms adverts. A backup fires only if two arrivals are more than its Master_Down_Interval
    // apart; with delivery delay uniform in [0, J] the widest gap is interval + J. For priority
    // 150 the bound is J < 2 x 10 ms + 4.14 ms: 20 ms jitter is safe, with adverts reordered.
    NodeSpec fast;
    fast.interval = 10ms;
    // The bound says nothing about start-up (the first advert may land after a lower backup's
    // first timeout), so the jitter starts once the election is over.
    Lan lan(LanOptions{.seed = 3});
    for (uint8_t p : {100, 150, 200}) {
        fast.priority = p;
        lan.add(fast);
    }
    startAll(lan);
    lan.run(1s);
    assert_int_equal(lan.transitions().size(), 3 + 1);
    lan.setJitter(20ms);
    lan.run(200s); // 20000 adverts
    assert_int_equal(lan.transitions().size(), 3 + 1);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assertCodecClean(lan);
}

static void jitter_beyond_bound_causes_failovers_that_resolve(void**) {
    NodeSpec fast;
    fast.interval = 10ms;
    Lan lan(LanOptions{.seed = 3});
    for (uint8_t p : {100, 150, 200}) {
        fast.priority = p;
        lan.add(fast);
    }
    startAll(lan);
    lan.run(1s);
    lan.setJitter(40ms);
    lan.run(200s);
    const auto falls = spuriousTakeovers(lan, 0) + spuriousTakeovers(lan, 1);
    assert_true(falls > 0); // the bound is real
    print_message("sim: 10 ms adverts, 40 ms jitter over 200 s: %llu false takeovers, longest "
                  "dual master %s\n",
                  static_cast<unsigned long long>(falls),
                  seconds(lan.longestDualEpisode()).c_str());
    // Jitter back to 0: one master, and it stays.
    lan.setJitter(0us);
    lan.run(1s);
    const auto settled = lan.transitions().size();
    lan.run(100s);
    assert_int_equal(lan.transitions().size(), settled);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assertCodecClean(lan);
}

static void jitter_at_one_second_adverts(void**) {
    // At 1 s the bound for priority 100 is 2.609 s: 2 s of jitter, no failover in 5000 s.
    Lan lan = threeRouters(LanOptions{.seed = 11});
    startAll(lan);
    lan.run(10s);
    lan.setJitter(2s);
    lan.run(5000s);
    assert_int_equal(lan.transitions().size(), 3 + 1);
    assert_int_equal(lan.soleHolder().value_or(99), 2);
    assertCodecClean(lan);
}

// After the master (200) crashed and the backup (100) took over, an attacker replays the dead
// master's last advert every 0.5 s. Plain VRRP believes it: each replay sends the new master
// back to BACKUP and the VIP goes until the Master_Down_Interval runs out. With auth the replays
// are dropped (replayed, then stale) and nothing moves; election and failover are unchanged.
static void replayed_adverts_flap_plain_vrrp_but_not_authenticated(void**) {
    for (const bool auth : {false, true}) {
        Lan lan;
        for (const uint8_t priority : {200, 100}) {
            NodeSpec spec;
            spec.priority = priority;
            spec.interval = 100ms;
            spec.auth = auth;
            lan.add(spec);
        }
        lan.start(0);
        lan.start(1);
        lan.run(2s);
        assert_true(lan.soleHolder() == std::optional<std::size_t>(0));
        lan.crash(0);
        assert_true(
            lan.runUntil([&] { return lan.soleHolder() == std::optional<std::size_t>(1); }, 2s)
                .has_value());
        const std::size_t before = lan.transitions().size();
        for (int k = 0; k < 20; ++k) { // 10 s: replays fresh, then older than the 5 s window
            lan.replayLast(0);
            lan.run(500ms);
        }
        const std::size_t moved = lan.transitions().size() - before;
        if (auth) {
            assert_int_equal(moved, 0);
            assert_int_equal(lan.authDrops(1), 20);
            assert_true(lan.soleHolder() == std::optional<std::size_t>(1));
        } else {
            assert_int_equal(moved, 40); // MASTER -> BACKUP -> MASTER for every replay
        }
        assert_int_equal(lan.decodeFailures(), 0);
    }
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loss_30_percent_false_takeovers_match_model),
        cmocka_unit_test(loss_10_percent_false_takeovers_match_model),
        cmocka_unit_test(jitter_below_bound_causes_no_failover),
        cmocka_unit_test(jitter_beyond_bound_causes_failovers_that_resolve),
        cmocka_unit_test(jitter_at_one_second_adverts),
        cmocka_unit_test(replayed_adverts_flap_plain_vrrp_but_not_authenticated),
    };
    return cmocka_run_group_tests_name("sim-adversity", tests, nullptr, nullptr);
}
