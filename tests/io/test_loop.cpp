// SPDX-License-Identifier: Apache-2.0
// io/loop.h: the precise timer lands within a millisecond of its deadline (DESIGN.md §1), and
// the fd, signal and child watchers call back from the loop. Needs no root and no namespace.
#include "io/loop.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace std::chrono_literals;

namespace {

void monotonic_now_is_clock_monotonic(void**) {
    const auto a = io::monotonicNow();
    const auto s = std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
    const auto b = io::monotonicNow();
    assert_true(a <= s && s <= b + 1us);
}

void timer_fires_within_a_millisecond(void**) {
    io::Loop loop;
    TimePoint firedAt{};
    int fired = 0;
    auto timer = io::PreciseTimer::create(loop, [&] {
        firedAt = io::monotonicNow();
        ++fired;
        loop.stop();
    });
    assert_true(timer.ok());
    std::vector<int64_t> lateness;
    for (int i = 0; i < 20; ++i) {
        // Odd offsets: libev would round these up to whole milliseconds.
        const TimePoint deadline = io::monotonicNow() + Duration(3'337 + 111 * i);
        assert_int_equal(timer->arm(deadline), 0);
        assert_true(timer->armed());
        assert_true(timer->deadline() == deadline);
        loop.run();
        assert_int_equal(fired, i + 1);
        assert_false(timer->armed());
        assert_true(firedAt >= deadline);
        lateness.push_back((firedAt - deadline).count());
    }
    std::sort(lateness.begin(), lateness.end());
    // Printed, not asserted: timing goals live in bench/ (a loaded CI machine is no measure).
    print_message("timer lateness: median %lld us, worst %lld us\n",
                  static_cast<long long>(lateness[lateness.size() / 2]),
                  static_cast<long long>(lateness.back()));
}

void timer_in_the_past_fires_at_once_and_disarm_cancels(void**) {
    io::Loop loop;
    int fired = 0;
    auto timer = io::PreciseTimer::create(loop, [&] { ++fired; });
    assert_true(timer.ok());
    assert_int_equal(timer->arm(io::monotonicNow() - 1s), 0);
    loop.runOnce();
    assert_int_equal(fired, 1);
    assert_int_equal(timer->arm(TimePoint{}), 0); // epoch: fires too, never "disarmed by zero"
    loop.runOnce();
    assert_int_equal(fired, 2);

    // Expired but not yet handled, then disarmed: dropped.
    assert_int_equal(timer->arm(io::monotonicNow()), 0);
    usleep(2000);
    assert_int_equal(timer->disarm(), 0);
    loop.poll();
    assert_int_equal(fired, 2);
    // Re-arming replaces the deadline.
    assert_int_equal(timer->arm(io::monotonicNow() + 1h), 0);
    assert_int_equal(timer->arm(io::monotonicNow() + 1ms), 0);
    loop.runOnce();
    assert_int_equal(fired, 3);
}

// The expiry is read only when the callback neither re-armed nor disarmed the timer (a re-arm
// resets it): a timer left alone must not fire again, one re-armed in its callback keeps firing
// at its deadlines.
void expiry_is_consumed_unless_the_callback_rearms(void**) {
    io::Loop loop;
    int fired = 0;
    auto timer = io::PreciseTimer::create(loop, [&] { ++fired; });
    assert_true(timer.ok());
    assert_int_equal(timer->arm(io::monotonicNow() - 1ms), 0);
    loop.runOnce();
    assert_int_equal(fired, 1);
    loop.poll();
    loop.poll();
    assert_int_equal(fired, 1); // consumed: no second run

    int ticks = 0;
    std::vector<TimePoint> late;
    io::PreciseTimer* self = nullptr;
    auto again = io::PreciseTimer::create(loop, [&] {
        late.push_back(io::monotonicNow());
        if (++ticks < 3)
            assert_int_equal(self->arm(io::monotonicNow() + 2ms), 0);
        else
            loop.stop();
    });
    assert_true(again.ok());
    self = &*again;
    const TimePoint start = io::monotonicNow();
    assert_int_equal(again->arm(start + 2ms), 0);
    loop.run();
    assert_int_equal(ticks, 3);
    assert_true(late[2] - start >= 6ms); // each run at or after its deadline
}

void io_watcher_reports_readiness(void**) {
    io::Loop loop;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    int calls = 0, seen = 0;
    io::IoWatcher w(loop, fds[0], io::IoWatcher::Read, [&](int events) {
        ++calls;
        seen = events;
        char c;
        if (events & io::IoWatcher::Read)
            assert_int_equal(read(fds[0], &c, 1), 1);
    });
    assert_true(w.active());
    assert_int_equal(write(fds[1], "x", 1), 1);
    loop.runOnce();
    assert_int_equal(calls, 1);
    assert_int_equal(seen, io::IoWatcher::Read);
    w.stop();
    assert_false(w.active());
    assert_int_equal(write(fds[1], "x", 1), 1);
    loop.poll();
    assert_int_equal(calls, 1);
    // Moved watchers keep working.
    io::IoWatcher moved = std::move(w);
    moved.start();
    loop.runOnce();
    assert_int_equal(calls, 2);
    moved.setEvents(io::IoWatcher::Write);
    loop.runOnce();
    assert_int_equal(seen, io::IoWatcher::Write);
    close(fds[0]);
    close(fds[1]);
}

void signal_watcher_runs_in_the_loop(void**) {
    io::Loop loop;
    int got = 0;
    io::SignalWatcher s(loop, SIGUSR1, [&] { ++got; });
    raise(SIGUSR1);
    loop.runOnce();
    assert_int_equal(got, 1);
}

void child_watcher_reaps_with_status(void**) {
    io::Loop loop;
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(3);
    pid_t reaped = 0;
    int status = -1;
    io::ChildWatcher c(loop, pid, [&](pid_t p, int st) {
        reaped = p;
        status = st;
    });
    while (reaped == 0)
        loop.runOnce();
    assert_int_equal(reaped, pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(monotonic_now_is_clock_monotonic),
        cmocka_unit_test(timer_fires_within_a_millisecond),
        cmocka_unit_test(timer_in_the_past_fires_at_once_and_disarm_cancels),
        cmocka_unit_test(expiry_is_consumed_unless_the_callback_rearms),
        cmocka_unit_test(io_watcher_reports_readiness),
        cmocka_unit_test(signal_watcher_runs_in_the_loop),
        cmocka_unit_test(child_watcher_reaps_with_status),
    };
    return cmocka_run_group_tests_name("io-loop", tests, nullptr, nullptr);
}
