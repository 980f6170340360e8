// SPDX-License-Identifier: Apache-2.0
// The stall arithmetic (common/stall.h): a late wake-up on CLOCK_MONOTONIC, a suspend seen only
// as CLOCK_BOOTTIME running ahead, both together, and what is not a stall.
#include "common/stall.h"

#include "unit_test.h"

using namespace hafd;

namespace {

// The loop's last wake-up: MONOTONIC at 1000 s, BOOTTIME 5 s ahead (suspended 5 s earlier on).
constexpr TimePoint kLast = TimePoint{} + 1000s;
constexpr ClockSample kLastRun{kLast, 1005s};

// A reading `elapsed` of MONOTONIC after kLastRun, during which the machine was suspended for
// `suspended` more (BOOTTIME advanced by both).
ClockSample after(Duration elapsed, Duration suspended = Duration::zero()) {
    return {kLast + elapsed, kLastRun.boottime + elapsed + suspended};
}

long long us(Duration d) {
    return static_cast<long long>(d.count());
}

// Woken by its timer on time (or early, by a socket): no stall.
void waking_by_the_deadline_is_no_stall(void**) {
    const Stall on = measureStall(kLastRun, after(100ms), kLast + 100ms);
    assert_int_equal(us(on.length()), 0);
    assert_string_equal(on.clocks().c_str(), "");
    const Stall early = measureStall(kLastRun, after(40ms), kLast + 100ms);
    assert_int_equal(us(early.length()), 0);
}

// SIGSTOP or starvation: the timer fired 500 ms after its deadline; MONOTONIC saw it all,
// BOOTTIME ran along (no suspend).
void a_late_timer_is_a_monotonic_stall(void**) {
    const Stall s = measureStall(kLastRun, after(600ms), kLast + 100ms);
    assert_int_equal(us(s.late), us(500ms));
    assert_int_equal(us(s.suspended), 0);
    assert_int_equal(us(s.length()), us(500ms));
    assert_string_equal(s.clocks().c_str(), "monotonic");
}

// A suspended VM: MONOTONIC stood still for 30 s, so the timer fired on time by its clock;
// only BOOTTIME running ahead shows it.
void a_suspend_shows_only_on_boottime(void**) {
    const Stall s = measureStall(kLastRun, after(100ms, 30s), kLast + 100ms);
    assert_int_equal(us(s.late), 0);
    assert_int_equal(us(s.suspended), us(30s));
    assert_int_equal(us(s.length()), us(30s));
    assert_string_equal(s.clocks().c_str(), "boottime");
}

// Stopped for 2 s, then suspended for 3 s: the peers missed it for 5 s.
void stop_and_suspend_add_up(void**) {
    const Stall s = measureStall(kLastRun, after(2100ms, 3s), kLast + 100ms);
    assert_int_equal(us(s.late), us(2s));
    assert_int_equal(us(s.suspended), us(3s));
    assert_int_equal(us(s.length()), us(5s));
    assert_string_equal(s.clocks().c_str(), "monotonic+boottime");
}

// Without a deadline the loop may sleep as long as it likes: a late socket wake-up is no stall
// by MONOTONIC, but a suspend still is.
void without_a_deadline_only_a_suspend_counts(void**) {
    assert_int_equal(us(measureStall(kLastRun, after(60s), std::nullopt).length()), 0);
    assert_int_equal(us(measureStall(kLastRun, after(60s, 1s), std::nullopt).length()), us(1s));
}

// A deadline already behind the last wake-up (callbacks ran past it, or a stall already
// counted left it overdue): only the time since that wake-up counts, so the stall the previous
// wake-up reported is not counted again.
void an_overdue_deadline_counts_from_the_last_run(void**) {
    const Stall s = measureStall(kLastRun, after(2ms), kLast - 500ms);
    assert_int_equal(us(s.late), us(2ms));
    // Stopped while the callbacks after the last wake-up ran: the time since then.
    const Stall stopped = measureStall(kLastRun, after(700ms), kLast - 500ms);
    assert_int_equal(us(stopped.late), us(700ms));
}

// Reading the two clocks one after the other moves their offset by microseconds, either way:
// never a suspend, nor a negative one. A millisecond is.
void offset_jitter_is_no_suspend(void**) {
    const ClockSample smaller{kLast + 100ms, kLastRun.boottime + 100ms - 3us};
    assert_int_equal(us(measureStall(kLastRun, smaller, kLast + 100ms).length()), 0);
    const ClockSample larger{kLast + 100ms, kLastRun.boottime + 100ms + 999us};
    const Stall s = measureStall(kLastRun, larger, kLast + 100ms);
    assert_int_equal(us(s.suspended), 0);
    assert_string_equal(s.clocks().c_str(), "");
    const ClockSample real{kLast + 100ms, kLastRun.boottime + 100ms + 1ms};
    assert_int_equal(us(measureStall(kLastRun, real, kLast + 100ms).suspended), us(1ms));
}

void the_floor_is_below_any_master_down_interval(void**) {
    // The shortest Master_Down_Interval: 3 x 1 cs (+ Skew_Time).
    assert_true(kStallFloor < 30ms);
    assert_true(kStallFloor > Duration::zero());
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waking_by_the_deadline_is_no_stall),
        cmocka_unit_test(a_late_timer_is_a_monotonic_stall),
        cmocka_unit_test(a_suspend_shows_only_on_boottime),
        cmocka_unit_test(stop_and_suspend_add_up),
        cmocka_unit_test(without_a_deadline_only_a_suspend_counts),
        cmocka_unit_test(an_overdue_deadline_counts_from_the_last_run),
        cmocka_unit_test(offset_jitter_is_no_suspend),
        cmocka_unit_test(the_floor_is_below_any_master_down_interval),
    };
    return cmocka_run_group_tests_name("common-stall", tests, nullptr, nullptr);
}
