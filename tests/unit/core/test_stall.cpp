// SPDX-License-Identifier: Apache-2.0
// Freeze (DESIGN.md §4, core/stall.cpp): a master silent for the shortest Master_Down_Interval a
// peer can use steps down to Backup without sending anything; a backup stalled for a whole
// Master_Down_Interval restarts its timer, and one whose timer fell due during a shorter stall
// puts the claim just after the next read, so the adverts queued meanwhile are read before it
// claims; Initialize and Fault do nothing.
// instance(): v3, 1 s adverts, so the peers' shortest Master_Down_Interval is 3 s + 1 s / 256.
#include "common/stall.h"
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

std::string step(VirtualRouter& r, const Event& e, TimePoint now) {
    return render(r.handle(e, now));
}
std::string tick(VirtualRouter& r, TimePoint now) {
    return render(r.onTimeout(now));
}

constexpr Duration kShortest = 3s + 3906us; // 3 x 1 s + (256 - 255) x 1 s / 256, truncated

void the_threshold_is_the_master_down_interval_at_priority_255(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    assert_int_equal(us(r.shortestPeerMasterDown()), us(kShortest));
    // Whatever our own priority: it is the peers' wait, not ours.
    VirtualRouter low = master(instance(1), at);
    assert_int_equal(us(low.shortestPeerMasterDown()), us(kShortest));
    config::Instance fast = instance(100);
    fast.advertInterval = centiseconds(10);
    VirtualRouter f = master(fast, at);
    assert_int_equal(us(f.shortestPeerMasterDown()), us(300ms + 390us));
}

// Stalled from just after its first advert for the peers' whole wait: it may have been
// replaced. It releases the VIPs and becomes Backup: no advert (not even priority 0), no
// announcement. Its Master_Down_Timer runs from now.
void a_master_stalled_past_the_peers_wait_steps_down_silently(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    const TimePoint now = at + kShortest;
    assert_string_equal(step(r, Stalled{kShortest}, now).c_str(),
                        "remove state(MASTER>BACKUP stalled)");
    assert_true(r.state() == State::Backup);
    assert_int_equal(r.counters().priorityZeroOut, 0);
    assert_int_equal(deadlineIn(r, now), us(r.masterDownInterval()));
    // The expired Adver_Timer of the master it was sends nothing now.
    assert_string_equal(tick(r, now).c_str(), "");
}

// One microsecond less and no peer can have given up on it yet: it stays master and sends the
// advert that fell due during the stall.
void a_master_stalled_less_than_the_peers_wait_stays(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    const TimePoint now = at + kShortest - 1us;
    assert_string_equal(step(r, Stalled{kShortest - 1us}, now).c_str(), "");
    assert_true(r.state() == State::Master);
    assert_string_equal(tick(r, now).c_str(), "send(100)");
}

// The peers' wait began at our last advert, before the stall: a stall of 2.6 s that began
// 0.5 s after an advert left the peers without one for 3.1 s, enough for one to claim.
void the_silence_before_the_stall_counts(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    assert_string_equal(step(r, Stalled{2600ms}, at + 3100ms).c_str(),
                        "remove state(MASTER>BACKUP stalled)");
    VirtualRouter s = master(instance(100), at);
    assert_string_equal(step(s, Stalled{2500ms}, at + 3000ms).c_str(), "");
}

// Stepped down, it is a backup like any other: it claims again when no master is heard (and
// announces then), or follows the master that replaced it.
void after_stepping_down_it_claims_again_by_the_rules(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    TimePoint now = at + 10s;
    step(r, Stalled{10s}, now);
    now += r.masterDownInterval();
    assert_string_equal(tick(r, now).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");

    VirtualRouter f = master(instance(100), at);
    now = at + 10s;
    step(f, Stalled{10s}, now);
    assert_string_equal(step(f, advert("192.0.2.10", 150).event(), now).c_str(), "");
    now += f.masterDownInterval() - 1us;
    assert_string_equal(tick(f, now).c_str(), "");
    assert_true(f.state() == State::Backup);
}

// The address owner keeps its addresses (they are the interface's own) but steps down too.
void an_owner_steps_down_without_removing(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(255), at);
    assert_true(r.owner());
    assert_string_equal(step(r, Stalled{5s}, at + 5s).c_str(), "state(MASTER>BACKUP stalled)");
}

// The bug this fixes: a backup frozen past its Master_Down_Interval finds its timer expired and
// the master's adverts unread in its socket. It restarts the timer instead of claiming; the
// queued advert then keeps it a backup.
void a_backup_stalled_past_its_timer_restarts_it(void**) {
    VirtualRouter r = started(instance(100));
    TimePoint t = kT0 + 1s;
    step(r, advert("192.0.2.10", 150).event(), t);
    const Duration mdi = r.masterDownInterval();
    const TimePoint now = t + 500ms + mdi; // stalled 500 ms after the advert, for mdi
    assert_string_equal(step(r, Stalled{mdi}, now).c_str(), "");
    assert_int_equal(deadlineIn(r, now), us(mdi));
    assert_string_equal(tick(r, now).c_str(), ""); // the timer pass of the same wake-up
    assert_string_equal(step(r, advert("192.0.2.10", 150).event(), now).c_str(), "");
    assert_true(r.state() == State::Backup);
    // With no master at all, it claims a whole interval later.
    assert_string_equal(tick(r, now + 2 * mdi).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// A stall shorter than the interval over the timer's expiry (a loaded host waking the loop
// late) puts the claim just after what is queued: an advert read in that pass keeps it a
// backup; with none, it claims a moment later rather than a whole interval later.
void a_short_stall_over_the_timers_expiry_reads_first(void**) {
    VirtualRouter r = started(instance(100));
    step(r, advert("192.0.2.10", 150).event(), kT0);
    const Duration mdi = r.masterDownInterval();
    const TimePoint now = kT0 + mdi + 20ms; // the timer fell due 20 ms into a 50 ms stall
    assert_string_equal(step(r, Stalled{50ms}, now).c_str(), "");
    assert_int_equal(deadlineIn(r, now), us(kReadFirst));
    assert_string_equal(tick(r, now).c_str(), ""); // the timer pass of the same wake-up
    VirtualRouter kept = r;
    assert_string_equal(step(kept, advert("192.0.2.10", 150).event(), now).c_str(), "");
    assert_int_equal(deadlineIn(kept, now), us(kept.masterDownInterval()));
    assert_string_equal(tick(r, now + kReadFirst).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// The threshold while the timer is not due yet: a whole Master_Down_Interval restarts it, less
// leaves it where it is (a timer pushed out meanwhile by a lower priority, say).
void a_backup_stall_threshold_is_its_master_down_interval(void**) {
    VirtualRouter r = started(instance(100));
    step(r, advert("192.0.2.10", 150).event(), kT0);
    const Duration mdi = r.masterDownInterval();
    const TimePoint now = kT0 + 1s;
    assert_string_equal(step(r, Stalled{mdi - 1us}, now).c_str(), "");
    assert_int_equal(deadlineIn(r, now), us(mdi - 1s));
    assert_string_equal(step(r, Stalled{mdi}, now).c_str(), "");
    assert_int_equal(deadlineIn(r, now), us(mdi));
}

// A stall that covered no expiry changes nothing for a backup.
void a_backup_with_time_left_is_untouched(void**) {
    VirtualRouter r = started(instance(100));
    step(r, advert("192.0.2.10", 150).event(), kT0);
    const TimePoint now = kT0 + 1s;
    const long long left = deadlineIn(r, now);
    assert_string_equal(step(r, Stalled{200ms}, now).c_str(), "");
    assert_int_equal(deadlineIn(r, now), left);
}

void fault_and_initialize_ignore_stalls(void**) {
    VirtualRouter init(instance(100));
    assert_string_equal(step(init, Stalled{60s}, kT0).c_str(), "");
    assert_true(init.state() == State::Initialize);

    VirtualRouter r = started(instance(100));
    step(r, linkDown(), kT0);
    assert_true(r.state() == State::Fault);
    const long long before = deadlineIn(r, kT0 + 60s);
    assert_string_equal(step(r, Stalled{60s}, kT0 + 60s).c_str(), "");
    assert_true(r.state() == State::Fault);
    assert_int_equal(deadlineIn(r, kT0 + 60s), before);
}

// Its VIPs' kernel lease ran out: a master that did not renew in time steps down the same way,
// without an advert; a backup has nothing to step down from.
void a_master_whose_lease_expired_steps_down_silently(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    assert_string_equal(step(r, VipsExpired{}, at).c_str(),
                        "remove state(MASTER>BACKUP lease_expired)");
    assert_int_equal(r.counters().priorityZeroOut, 0);
    assert_string_equal(step(r, VipsExpired{}, at).c_str(), "");
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_threshold_is_the_master_down_interval_at_priority_255),
        cmocka_unit_test(a_master_stalled_past_the_peers_wait_steps_down_silently),
        cmocka_unit_test(a_master_stalled_less_than_the_peers_wait_stays),
        cmocka_unit_test(the_silence_before_the_stall_counts),
        cmocka_unit_test(after_stepping_down_it_claims_again_by_the_rules),
        cmocka_unit_test(an_owner_steps_down_without_removing),
        cmocka_unit_test(a_backup_stalled_past_its_timer_restarts_it),
        cmocka_unit_test(a_short_stall_over_the_timers_expiry_reads_first),
        cmocka_unit_test(a_backup_stall_threshold_is_its_master_down_interval),
        cmocka_unit_test(a_backup_with_time_left_is_untouched),
        cmocka_unit_test(fault_and_initialize_ignore_stalls),
        cmocka_unit_test(a_master_whose_lease_expired_steps_down_silently),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
