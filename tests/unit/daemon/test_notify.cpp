// SPDX-License-Identifier: Apache-2.0
// Notify queues (daemon/notify.h) with the real runner: calls of one instance run one at a time
// in transition order with the event's variables and keepalived's arguments; a queue beyond its
// bound drops its oldest waiting calls and counts them.
#include "daemon/notify.h"

#include "io/loop.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "unit_test.h" // last: cmocka's macros clash with the standard headers

using namespace hafd;
using namespace hafd::daemon;

namespace {

// Commands run as whoever runs the test (root in CI).
config::Scripts me() {
    config::Scripts s;
    const passwd* pw = ::getpwuid(::getuid());
    s.user = pw != nullptr ? pw->pw_name : "root";
    return s;
}

config::Instance instance(const config::Command& any) {
    config::Instance i;
    i.name = "vi";
    i.interface = "eth0";
    i.vrid = 51;
    config::Notify n;
    n.any = any;
    i.notify = n;
    return i;
}

core::StateChanged change(core::State from, core::State to) {
    core::StateChanged c;
    c.from = from;
    c.to = to;
    c.reason = core::Reason::Startup;
    c.priority = 150;
    return c;
}

// A loop, the runner on it and notify queues running commands as the test's user.
struct Rig {
    io::Loop loop;
    io::Runner runner{loop};
    Commands commands{runner};
    NotifyQueues q{commands};
    Rig() { commands.setIdentity(me()); }
};

void run_until_idle(io::Loop& loop, const NotifyQueues& q) {
    const TimePoint end = io::monotonicNow() + 10s;
    while (q.pending() > 0 && io::monotonicNow() < end)
        loop.runOnce();
}

void calls_run_in_order_with_the_event(void**) {
    char path[] = "/tmp/hafd-notify-test.XXXXXX";
    const int fd = ::mkstemp(path);
    assert_true(fd >= 0);
    ::close(fd);
    Rig rig;
    NotifyQueues& q = rig.q;
    // Each call sleeps a little: were two to run at once, their lines would swap.
    config::Command any;
    any.argv = {"/bin/sh", "-c",
                "sleep 0.0$((5 - HAFD_SEQ % 5)); "
                "echo \"$HAFD_SEQ $HAFD_STATE $HAFD_PREV_STATE $HAFD_PRIORITY $1 $2 $3 $4\" >> " +
                    std::string(path),
                "sh"};
    const config::Instance in = instance(any);
    using S = core::State;
    const S states[] = {S::Initialize, S::Backup, S::Master, S::Fault, S::Backup, S::Initialize};
    for (std::size_t k = 1; k < std::size(states); ++k)
        q.instanceChanged(in, change(states[k - 1], states[k]), {});
    assert_int_equal(q.pending(), 5);
    run_until_idle(rig.loop, q);
    std::ifstream f(path);
    std::stringstream got;
    got << f.rdbuf();
    std::remove(path);
    assert_string_equal(got.str().c_str(), "1 BACKUP INIT 150 INSTANCE vi BACKUP 150\n"
                                           "2 MASTER BACKUP 150 INSTANCE vi MASTER 150\n"
                                           "3 FAULT MASTER 150 INSTANCE vi FAULT 150\n"
                                           "4 BACKUP FAULT 150 INSTANCE vi BACKUP 150\n"
                                           "5 STOP BACKUP 150 INSTANCE vi STOP 150\n");
    assert_int_equal(q.counters().started, 5);
    assert_int_equal(q.counters().failed, 0);
}

void a_full_queue_drops_its_oldest_waiting_calls(void**) {
    Rig rig;
    NotifyQueues& q = rig.q;
    config::Command any;
    any.argv = {"/bin/sleep", "5"};
    const config::Instance in = instance(any);
    for (int k = 0; k < 40; ++k)
        q.instanceChanged(in, change(core::State::Backup, core::State::Master), {});
    // One runs, the bound waits, the rest were dropped and counted.
    assert_int_equal(q.pending(), NotifyQueues::kQueueLimit + 1);
    assert_int_equal(q.counters().dropped, 40 - 1 - NotifyQueues::kQueueLimit);
    // The runner's destructor kills the sleeping call's process group.
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calls_run_in_order_with_the_event),
        cmocka_unit_test(a_full_queue_drops_its_oldest_waiting_calls),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
