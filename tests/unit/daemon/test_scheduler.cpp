// SPDX-License-Identifier: Apache-2.0
// Many logical timers on one hardware timer.
#include "daemon/scheduler.h"

#include "unit_test.h"

#include <optional>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;

namespace {

TimePoint at(int ms) {
    return TimePoint(Duration(ms * 1000));
}

void hardware_timer_is_moved_only_when_it_would_fire_too_late(void**) {
    std::vector<std::optional<TimePoint>> arms;
    Scheduler s([&](std::optional<TimePoint> t) { arms.push_back(t); });
    std::vector<int> fired;
    Scheduler::Timer a(s, [&](TimePoint) { fired.push_back(1); });
    Scheduler::Timer b(s, [&](TimePoint) { fired.push_back(2); });
    a.arm(at(30));
    b.arm(at(10));
    assert_int_equal(arms.size(), 2);
    assert_true(arms.back() == at(10));
    // Later or cancelled deadlines leave it: no system call per pushed-back backup timer.
    b.arm(at(20));
    b.cancel();
    assert_int_equal(arms.size(), 2);
    // It fires early once, finds nothing due, and moves to the real earliest.
    s.fire(at(10));
    assert_true(fired.empty());
    assert_int_equal(arms.size(), 3);
    assert_true(arms.back() == at(30));
    // An earlier deadline moves it at once.
    b.arm(at(25));
    assert_true(arms.back() == at(25));
}

void tighten_moves_an_early_hardware_timer_to_the_real_earliest(void**) {
    std::vector<std::optional<TimePoint>> arms;
    Scheduler s([&](std::optional<TimePoint> t) { arms.push_back(t); });
    Scheduler::Timer a(s, [](TimePoint) {});
    Scheduler::Timer b(s, [](TimePoint) {});
    a.arm(at(10));
    b.arm(at(40));
    a.arm(at(20)); // pushed back: lazily left at 10
    a.arm(at(30));
    assert_int_equal(arms.size(), 1);
    s.tighten();
    assert_int_equal(arms.size(), 2);
    assert_true(arms.back() == at(30));
    s.tighten(); // already right: no call
    assert_int_equal(arms.size(), 2);
    a.cancel();
    s.tighten();
    assert_true(arms.back() == at(40));
    b.cancel();
    s.tighten(); // nothing left: it fires once more, as before
    assert_int_equal(arms.size(), 3);
}

void fire_runs_due_timers_in_order_and_rearms(void**) {
    std::optional<TimePoint> armed;
    Scheduler s([&](std::optional<TimePoint> t) { armed = t; });
    std::vector<int> fired;
    Scheduler::Timer a(s, [&](TimePoint) { fired.push_back(1); });
    Scheduler::Timer b(s, [&](TimePoint) { fired.push_back(2); });
    Scheduler::Timer c(s, [&](TimePoint) { fired.push_back(3); });
    a.arm(at(20));
    b.arm(at(10));
    c.arm(at(50));
    s.fire(at(25));
    assert_int_equal(fired.size(), 2);
    assert_int_equal(fired[0], 2);
    assert_int_equal(fired[1], 1);
    assert_true(armed == at(50));
    assert_false(a.armed());
    assert_true(c.armed());
}

void a_callback_may_rearm_itself_and_cancel_others(void**) {
    std::optional<TimePoint> armed;
    Scheduler s([&](std::optional<TimePoint> t) { armed = t; });
    int ticks = 0;
    std::optional<Scheduler::Timer> other;
    Scheduler::Timer self(s, [&](TimePoint now) {
        ++ticks;
        other->cancel();
        self.arm(now + Duration(10'000));
    });
    other.emplace(s, [&](TimePoint) { fail(); });
    self.arm(at(10));
    other->arm(at(15));
    s.fire(at(12));
    assert_int_equal(ticks, 1);
    assert_true(armed == at(22));
    s.fire(at(22));
    assert_int_equal(ticks, 2);
    assert_true(armed == at(32));
}

void destroying_an_armed_timer_cancels_it(void**) {
    std::optional<TimePoint> armed;
    Scheduler s([&](std::optional<TimePoint> t) { armed = t; });
    {
        Scheduler::Timer t(s, [](TimePoint) { fail(); });
        t.arm(at(5));
        assert_true(armed == at(5));
    }
    s.fire(at(10)); // the early wake-up runs nothing
    assert_false(s.earliest().has_value());
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hardware_timer_is_moved_only_when_it_would_fire_too_late),
        cmocka_unit_test(tighten_moves_an_early_hardware_timer_to_the_real_earliest),
        cmocka_unit_test(fire_runs_due_timers_in_order_and_rearms),
        cmocka_unit_test(a_callback_may_rearm_itself_and_cancel_others),
        cmocka_unit_test(destroying_an_armed_timer_cancels_it),
    };
    return cmocka_run_group_tests_name("daemon-scheduler", tests, nullptr, nullptr);
}
