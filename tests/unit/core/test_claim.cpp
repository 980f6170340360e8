// SPDX-License-Identifier: Apache-2.0
// The claim rule (core/claim.cpp, DESIGN.md §4): with a cluster, a backup claims after a master
// failure only lease + margin after it last heard the master (adverts or heartbeats) and, with
// a fence, once the fence exited 0; a graceful release needs neither; a leaving master removes
// its VIPs before its priority-0 advert.
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

constexpr Duration kWait = 5s; // lease 4 + margin 1: longer than Master_Down_Interval (3.6 s)
// The claim also waits its Skew_Time (priority 100 at 1 s), so backups keep the RFC's order.
constexpr Duration kSkew = 609375us;

ClaimRules rules(bool fence = false) {
    ClaimRules r;
    r.on = true;
    r.wait = kWait;
    r.fence = fence;
    r.fenceRetry = 1s;
    r.fenceRetryMax = 3s;
    return r;
}

std::string step(VirtualRouter& r, const Event& e, TimePoint now) {
    return render(r.handle(e, now));
}
std::string tick(VirtualRouter& r, TimePoint now) {
    return render(r.onTimeout(now));
}

// A backup under `rules` at kT0 that heard the master 192.0.2.10 at kT0.
VirtualRouter following(const ClaimRules& rs) {
    VirtualRouter r = started(instance(100));
    step(r, RulesChanged{rs}, kT0);
    step(r, advert("192.0.2.10", 150).event(), kT0);
    return r;
}

void plain_vrrp_claims_at_master_down(void**) {
    VirtualRouter r = started(instance(100));
    step(r, advert("192.0.2.10", 150).event(), kT0);
    const TimePoint t = kT0 + r.masterDownInterval();
    assert_string_equal(tick(r, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

void a_claim_waits_lease_and_margin_after_the_master_was_heard(void**) {
    VirtualRouter r = following(rules());
    TimePoint t = kT0 + r.masterDownInterval();
    assert_string_equal(tick(r, t).c_str(), ""); // Master_Down expired: held
    assert_true(r.state() == State::Backup);
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Waiting);
    assert_int_equal(us(*r.nextDeadline() - kT0), us(kWait + kSkew));
    t = kT0 + kWait + kSkew - 1us;
    assert_string_equal(tick(r, t).c_str(), "");
    t = kT0 + kWait + kSkew;
    assert_string_equal(tick(r, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Idle);
}

// Every backup counts from the same last advert: the Skew_Time in the wait keeps the RFC's order,
// so the highest priority claims first and the others hear it before their own time comes.
void backups_claim_in_priority_order(void**) {
    VirtualRouter high = started(instance(200));
    VirtualRouter low = started(instance(100));
    for (VirtualRouter* r : {&high, &low}) {
        step(*r, RulesChanged{rules()}, kT0);
        step(*r, advert("192.0.2.10", 250).event(), kT0);
        tick(*r, kT0 + r->masterDownInterval());
    }
    assert_true(*high.nextDeadline() < *low.nextDeadline());
    assert_int_equal(us(*low.nextDeadline() - *high.nextDeadline()),
                     us(low.skewTime() - high.skewTime()));
}

// Heartbeats that say the master is alive push the claim back, even without adverts.
void a_heartbeat_from_the_master_pushes_the_claim_back(void**) {
    VirtualRouter r = following(rules());
    TimePoint t = kT0 + r.masterDownInterval();
    tick(r, t);
    step(r, MasterHeard{}, kT0 + 4s);
    assert_int_equal(us(*r.nextDeadline() - kT0), us(4s + kWait + kSkew));
    assert_string_equal(tick(r, kT0 + kWait + kSkew).c_str(), "");
    assert_string_equal(tick(r, kT0 + 4s + kWait + kSkew).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// A master that speaks again cancels the held claim: the timer runs as in any backup.
void an_advert_cancels_a_held_claim(void**) {
    VirtualRouter r = following(rules());
    TimePoint t = kT0 + r.masterDownInterval();
    tick(r, t);
    t += 100ms;
    assert_string_equal(step(r, advert("192.0.2.10", 150).event(), t).c_str(), "");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Idle);
    assert_int_equal(us(*r.nextDeadline() - t), us(r.masterDownInterval()));
}

// Priority 0: the master released first (below); the claim needs neither the wait nor a fence.
void a_graceful_release_is_claimed_after_skew_time(void**) {
    VirtualRouter r = following(rules(true));
    const TimePoint t = kT0 + 10ms;
    step(r, advert("192.0.2.10", 0).event(), t);
    assert_string_equal(tick(r, t + r.skewTime()).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_resigned)");
}

void the_fence_runs_before_the_claim_and_must_succeed(void**) {
    VirtualRouter r = following(rules(true));
    TimePoint t = kT0 + kWait + kSkew;
    tick(r, kT0 + r.masterDownInterval());
    assert_string_equal(tick(r, t).c_str(), "fence(1 192.0.2.10)");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Fencing);
    assert_false(r.nextDeadline().has_value()); // the outcome decides
    t += 500ms;
    assert_string_equal(step(r, FenceDone{1, false}, t).c_str(), "");
    assert_true(r.state() == State::Backup);
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::FenceFailed);
    assert_int_equal(r.claim().fenceFailures, 1);
    assert_int_equal(us(*r.nextDeadline() - t), us(1s));
    t += 1s;
    assert_string_equal(tick(r, t).c_str(), "fence(2 192.0.2.10)");
    // The first run's late outcome counts for nothing.
    assert_string_equal(step(r, FenceDone{1, true}, t).c_str(), "");
    assert_string_equal(step(r, FenceDone{2, false}, t).c_str(), "");
    assert_int_equal(us(*r.nextDeadline() - t), us(2s)); // doubled
    t += 2s;
    assert_string_equal(tick(r, t).c_str(), "fence(3 192.0.2.10)");
    assert_string_equal(step(r, FenceDone{3, false}, t).c_str(), "");
    assert_int_equal(us(*r.nextDeadline() - t), us(3s)); // at most fenceRetryMax
    t += 3s;
    assert_string_equal(tick(r, t).c_str(), "fence(4 192.0.2.10)");
    assert_string_equal(step(r, FenceDone{4, true}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// A master back while the fence runs: the claim is off and the outcome is ignored.
void a_master_back_during_the_fence_cancels_it(void**) {
    VirtualRouter r = following(rules(true));
    tick(r, kT0 + r.masterDownInterval());
    TimePoint t = kT0 + kWait + kSkew;
    assert_string_equal(tick(r, t).c_str(), "fence(1 192.0.2.10)");
    step(r, advert("192.0.2.10", 150).event(), t);
    assert_string_equal(step(r, FenceDone{1, true}, t).c_str(), "");
    assert_true(r.state() == State::Backup);
}

// With the rules on, a leaving master's VIPs go before its priority-0 advert says so.
void a_leaving_master_removes_its_vips_before_priority_zero(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    step(r, RulesChanged{rules()}, at);
    assert_string_equal(step(r, FaultChanged{FaultCause::Quorum, true}, at).c_str(),
                        "remove send(0) state(MASTER>FAULT fault[quorum])");
    VirtualRouter plain = master(instance(100), at);
    assert_string_equal(step(plain, Shutdown{}, at).c_str(),
                        "send(0) remove state(MASTER>INIT shutdown)");
}

// Entering Backup (start, leaving FAULT) counts as having heard a master then.
void a_backup_that_was_not_listening_waits_too(void**) {
    VirtualRouter r = started(instance(100));
    step(r, RulesChanged{rules()}, kT0);
    step(r, FaultChanged{FaultCause::Quorum, true}, kT0);
    const TimePoint back = kT0 + 10s;
    step(r, FaultChanged{FaultCause::Quorum, false}, back);
    assert_true(r.state() == State::Backup);
    assert_string_equal(tick(r, back + r.masterDownInterval()).c_str(), "");
    assert_string_equal(tick(r, back + kWait + kSkew).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// Rules turned off on reload: a held claim goes ahead.
void rules_turned_off_release_a_held_claim(void**) {
    VirtualRouter r = following(rules());
    const TimePoint t = kT0 + r.masterDownInterval();
    tick(r, t);
    assert_string_equal(step(r, RulesChanged{}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// Duplicate detection (probe_before_claim): an ARP probe right before a claim after a failure;
// an answer from another MAC is a dual holder, and the claim looks again a
// Master_Down_Interval later. Also without a cluster.
void a_probe_goes_before_a_claim_after_a_failure(void**) {
    config::Instance inst = instance(100);
    inst.probeBeforeClaim = true;
    VirtualRouter r = started(inst);
    step(r, advert("192.0.2.10", 150).event(), kT0);
    TimePoint t = kT0 + r.masterDownInterval();
    assert_string_equal(tick(r, t).c_str(), "probe_vips(1)");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Probing);
    assert_string_equal(step(r, ProbeDone{1, true}, t).c_str(), "");
    assert_int_equal(r.counters().dualHolders, 1);
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Conflict);
    assert_int_equal(us(*r.nextDeadline() - t), us(r.masterDownInterval()));
    t += r.masterDownInterval();
    assert_string_equal(tick(r, t).c_str(), "probe_vips(2)");
    assert_string_equal(step(r, ProbeDone{1, false}, t).c_str(), ""); // stale
    assert_string_equal(step(r, ProbeDone{2, false}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// After the wait and the fence: the probe is the last step, right before the claim.
void with_the_rules_the_probe_follows_the_fence(void**) {
    config::Instance inst = instance(100);
    inst.probeBeforeClaim = true;
    VirtualRouter r = started(inst);
    step(r, RulesChanged{rules(true)}, kT0);
    step(r, advert("192.0.2.10", 150).event(), kT0);
    tick(r, kT0 + r.masterDownInterval());
    const TimePoint t = kT0 + kWait + kSkew;
    assert_string_equal(tick(r, t).c_str(), "fence(1 192.0.2.10)");
    assert_string_equal(step(r, FenceDone{1, true}, t).c_str(), "probe_vips(1)");
    assert_string_equal(step(r, ProbeDone{1, false}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

void a_graceful_release_is_not_probed(void**) {
    config::Instance inst = instance(100);
    inst.probeBeforeClaim = true;
    VirtualRouter r = started(inst);
    step(r, advert("192.0.2.10", 0).event(), kT0);
    assert_string_equal(tick(r, kT0 + r.skewTime()).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_resigned)");
}

// A live backup ahead of this one (from heartbeats) claims first: this one neither fences nor
// claims while it is there, and goes on when it is gone.
void a_backup_ahead_fences_and_claims_first(void**) {
    VirtualRouter r = following(rules(true));
    step(r, BackupAhead{"beta"}, kT0 + 1s);
    tick(r, kT0 + r.masterDownInterval());
    TimePoint t = kT0 + kWait + kSkew;
    assert_string_equal(tick(r, t).c_str(), ""); // no fence
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Deferring);
    assert_string_equal(r.claim().aheadOf.c_str(), "beta");
    assert_false(r.nextDeadline().has_value()); // BackupAhead decides
    t += 1s;
    assert_string_equal(step(r, BackupAhead{"gamma"}, t).c_str(), "");
    assert_string_equal(r.claim().aheadOf.c_str(), "gamma");
    t += 1s;
    assert_string_equal(step(r, BackupAhead{}, t).c_str(), "fence(1 192.0.2.10)");
    assert_string_equal(step(r, FenceDone{1, true}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// One that appears while our fence runs: the fence's success does not claim; the claim goes
// when it is gone, without a second fence.
void a_backup_ahead_that_appears_during_the_fence_still_goes_first(void**) {
    VirtualRouter r = following(rules(true));
    tick(r, kT0 + r.masterDownInterval());
    TimePoint t = kT0 + kWait + kSkew;
    assert_string_equal(tick(r, t).c_str(), "fence(1 192.0.2.10)");
    assert_string_equal(step(r, BackupAhead{"beta"}, t).c_str(), "");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Fencing);
    assert_string_equal(step(r, FenceDone{1, true}, t).c_str(), "");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Deferring);
    t += 2s;
    assert_string_equal(step(r, BackupAhead{}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// The backup ahead became master: its heartbeat (or advert) restarts the wait, and its going
// from the list of backups ahead does not claim.
void a_backup_ahead_that_became_master_restarts_the_wait(void**) {
    VirtualRouter r = following(rules());
    step(r, BackupAhead{"beta"}, kT0);
    tick(r, kT0 + r.masterDownInterval());
    TimePoint t = kT0 + kWait + kSkew;
    assert_string_equal(tick(r, t).c_str(), "");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Deferring);
    step(r, MasterHeard{}, t);
    assert_string_equal(step(r, BackupAhead{}, t).c_str(), "");
    assert_true(r.claim().stage == VirtualRouter::ClaimStage::Waiting);
    assert_int_equal(us(*r.nextDeadline() - t), us(kWait + kSkew));
}

// A graceful release is the RFC's: Skew_Time orders the backups, nothing is deferred.
void a_graceful_release_is_not_deferred(void**) {
    VirtualRouter r = following(rules(true));
    step(r, BackupAhead{"beta"}, kT0);
    const TimePoint t = kT0 + 10ms;
    step(r, advert("192.0.2.10", 0).event(), t);
    assert_string_equal(tick(r, t + r.skewTime()).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_resigned)");
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_vrrp_claims_at_master_down),
        cmocka_unit_test(a_claim_waits_lease_and_margin_after_the_master_was_heard),
        cmocka_unit_test(backups_claim_in_priority_order),
        cmocka_unit_test(a_heartbeat_from_the_master_pushes_the_claim_back),
        cmocka_unit_test(an_advert_cancels_a_held_claim),
        cmocka_unit_test(a_graceful_release_is_claimed_after_skew_time),
        cmocka_unit_test(the_fence_runs_before_the_claim_and_must_succeed),
        cmocka_unit_test(a_master_back_during_the_fence_cancels_it),
        cmocka_unit_test(a_leaving_master_removes_its_vips_before_priority_zero),
        cmocka_unit_test(a_backup_that_was_not_listening_waits_too),
        cmocka_unit_test(rules_turned_off_release_a_held_claim),
        cmocka_unit_test(a_probe_goes_before_a_claim_after_a_failure),
        cmocka_unit_test(with_the_rules_the_probe_follows_the_fence),
        cmocka_unit_test(a_graceful_release_is_not_probed),
        cmocka_unit_test(a_backup_ahead_fences_and_claims_first),
        cmocka_unit_test(a_backup_ahead_that_appears_during_the_fence_still_goes_first),
        cmocka_unit_test(a_backup_ahead_that_became_master_restarts_the_wait),
        cmocka_unit_test(a_graceful_release_is_not_deferred),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
