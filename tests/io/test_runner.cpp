// SPDX-License-Identifier: Apache-2.0
// io::Runner against real processes: what a child gets (argv without a shell, exactly its
// environment, /dev/null as stdin, default signals, no inherited descriptors, the configured
// user, death with the daemon), the timeout that kills the whole group, bounded output that
// cannot starve the loop, the bound on children, cancel, and the destructor. Needs no namespace;
// the identity tests need root and are skipped without it.
//
// The test process is a child subreaper, so whatever a command leaves behind is re-parented here
// and every test ends by checking that no process is left (expectNoChildren).
#include "io/runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace std::chrono_literals;

namespace {

io::RunSpec spec(std::vector<std::string> argv, Duration timeout = 3s) {
    io::RunSpec s;
    s.argv = std::move(argv);
    s.env = {"PATH=/usr/bin:/bin"};
    s.timeout = timeout;
    return s;
}

// Runs the loop until done() or until `limit` has passed; returns done().
template <typename Pred>
bool runUntil(io::Loop& loop, Duration limit, Pred done) {
    const TimePoint end = io::monotonicNow() + limit;
    auto guard = io::PreciseTimer::create(loop, [] {}); // wakes the loop at the end
    assert_true(guard.ok());
    assert_int_equal(guard->arm(end), 0);
    while (!done() && io::monotonicNow() < end)
        loop.runOnce();
    return done();
}

// Runs one command to its outcome, and checks that `done` did not run inside run().
io::RunOutcome runOne(io::Loop& loop, io::Runner& runner, io::RunSpec s) {
    std::optional<io::RunOutcome> got;
    runner.run(std::move(s), [&](const io::RunOutcome& o) { got = o; });
    assert_false(got.has_value());
    assert_true(runUntil(loop, 5s, [&] { return got.has_value(); }));
    return *got;
}

// The children of `parent` (from /proc/*/stat) with their command names.
std::vector<std::pair<pid_t, std::string>> childrenOf(pid_t parent) {
    std::vector<std::pair<pid_t, std::string>> out;
    DIR* proc = opendir("/proc");
    assert_non_null(proc);
    while (const dirent* e = readdir(proc)) {
        const pid_t pid = std::atoi(e->d_name);
        if (pid <= 0)
            continue;
        char path[64], stat[512] = {};
        std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
        FILE* f = std::fopen(path, "r");
        if (!f)
            continue;
        const bool got = std::fgets(stat, sizeof stat, f) != nullptr;
        std::fclose(f);
        const char* open = std::strchr(stat, '(');
        const char* close = std::strrchr(stat, ')');
        int ppid = 0;
        if (got && open && close && std::sscanf(close + 1, " %*c %d", &ppid) == 1 && ppid == parent)
            out.emplace_back(pid, std::string(open + 1, close));
    }
    closedir(proc);
    return out;
}

// Waits (up to 3 s) until a child of this process named `name` has a child named `grandchild`:
// a command that has got as far as starting its own children. Returns the child's pid, or 0.
pid_t waitForGrandchild(const char* name, const char* grandchild) {
    const TimePoint end = io::monotonicNow() + 3s;
    while (io::monotonicNow() < end) {
        for (const auto& [pid, comm] : childrenOf(getpid()))
            for (const auto& [sub, subComm] : childrenOf(pid))
                if (comm == name && subComm == grandchild)
                    return pid;
        usleep(2000);
    }
    return 0;
}

// Every test ends here, after its Loop is gone: whatever it started must have ended (reaped
// here, as the subreaper) within a short while. Stragglers are killed so later tests start clean.
void expectNoChildren() {
    const TimePoint end = io::monotonicNow() + 3s;
    for (;;) {
        const pid_t pid = waitpid(-1, nullptr, WNOHANG);
        if (pid < 0 && errno == ECHILD)
            return;
        if (pid > 0)
            continue;
        if (io::monotonicNow() > end)
            break;
        usleep(2000);
    }
    // Killed in rounds: the children of a killed child come to us next.
    std::string names;
    for (int round = 0; round < 100; ++round) {
        const auto left = childrenOf(getpid());
        if (left.empty())
            break;
        for (const auto& [pid, comm] : left) {
            if (names.find(" " + comm) == std::string::npos)
                names += " " + comm;
            kill(pid, SIGKILL);
        }
        usleep(10000);
        while (waitpid(-1, nullptr, WNOHANG) > 0) {
        }
    }
    fail_msg("processes outlived the test:%s", names.c_str());
}

std::optional<io::Credentials> nobody() {
    const passwd* pw = getpwnam("nobody");
    if (!pw)
        return std::nullopt;
    return io::Credentials{pw->pw_uid, pw->pw_gid, {}};
}

// CPU time this thread has used.
Duration threadCpuTime() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return Duration(static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000);
}

bool groupExists(pid_t pgid) {
    return kill(-pgid, 0) == 0 || errno != ESRCH;
}

void exit_status_and_output_in_order(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        auto o = runOne(loop, runner, spec({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}));
        assert_int_equal(static_cast<int>(o.end), static_cast<int>(io::RunOutcome::End::Exited));
        assert_int_equal(o.exitCode, 3);
        assert_string_equal(o.output.c_str(), "out\nerr\n"); // one pipe: the order is kept
        assert_int_equal(o.outputBytes, 8);
        assert_false(o.truncated);
        assert_false(o.ok());
        assert_string_equal(o.describe().c_str(), "exit 3");

        o = runOne(loop, runner, spec({"/bin/true"}));
        assert_true(o.ok());
        assert_string_equal(o.describe().c_str(), "exit 0");

        o = runOne(loop, runner, spec({"/bin/sh", "-c", "kill -KILL $$"}));
        assert_int_equal(static_cast<int>(o.end), static_cast<int>(io::RunOutcome::End::Signaled));
        assert_int_equal(o.signal, SIGKILL);
        assert_string_equal(o.describe().c_str(), "killed by signal 9");

        // No shell between us and the command: nothing is split, expanded or interpreted.
        o = runOne(loop, runner, spec({"/bin/echo", "a  b", "$PATH", ";", "*", "`id`"}));
        assert_string_equal(o.output.c_str(), "a  b $PATH ; * `id`\n");
        assert_int_equal(runner.counters().started, 4);
        assert_int_equal(runner.running(), 0);
    }
    expectNoChildren();

    io::RunOutcome timedOut;
    timedOut.end = io::RunOutcome::End::TimedOut;
    timedOut.elapsed = 1'000'400us;
    assert_string_equal(timedOut.describe().c_str(), "timed out after 1.0 s");
    timedOut.elapsed = 250'100us;
    assert_string_equal(timedOut.describe().c_str(), "timed out after 0.25 s");
}

// Reported from the loop, never from inside run(), and as the step that failed with its errno:
// not as exit 127, which a command may return too.
void spawn_failure_is_reported_from_the_loop(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        auto o = runOne(loop, runner, spec({"/nonexistent/command"}));
        assert_int_equal(static_cast<int>(o.end),
                         static_cast<int>(io::RunOutcome::End::SpawnFailed));
        assert_int_equal(o.spawnError, ENOENT);
        assert_int_equal(o.exitCode, -1);
        assert_string_equal(o.describe().c_str(),
                            "could not start: execve: No such file or directory");
        assert_false(o.ok());

        // Refused before fork: still reported from the loop.
        o = runOne(loop, runner, spec({"bin/true"}));
        assert_int_equal(static_cast<int>(o.end),
                         static_cast<int>(io::RunOutcome::End::SpawnFailed));
        assert_int_equal(o.spawnError, EINVAL);
        o = runOne(loop, runner, spec({}));
        assert_int_equal(o.spawnError, EINVAL);

        assert_int_equal(runner.counters().started, 1);
        assert_int_equal(runner.counters().spawnFailures, 3);
        assert_int_equal(runner.running(), 0);
    }
    expectNoChildren();
}

void environment_is_exactly_env(void**) {
    setenv("HAFD_TEST_INHERITED", "1", 1);
    {
        io::Loop loop;
        io::Runner runner(loop);
        auto s = spec({"/usr/bin/env"});
        s.env = {"A=1", "B=two words"};
        const auto o = runOne(loop, runner, s);
        unsetenv("HAFD_TEST_INHERITED");
        assert_true(o.ok());
        assert_string_equal(o.output.c_str(), "A=1\nB=two words\n");
    }
    expectNoChildren();
}

// The daemon's stdin here is a pipe that never ends and holds data: a child reading it would
// print the data and then wait until its timeout.
void stdin_is_dev_null(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        const int saved = dup(STDIN_FILENO);
        int p[2];
        assert_int_equal(pipe(p), 0);
        assert_int_equal(write(p[1], "daemon's stdin\n", 15), 15);
        dup2(p[0], STDIN_FILENO);
        close(p[0]);
        const auto o = runOne(loop, runner, spec({"/bin/sh", "-c", "cat"}, 1s));
        dup2(saved, STDIN_FILENO);
        close(saved);
        close(p[1]);
        assert_true(o.ok());
        assert_string_equal(o.output.c_str(), "");
    }
    expectNoChildren();
}

// The daemon ignores SIGPIPE (main() here does too), and an ignored disposition survives
// execve: a script would then never die of a closed pipe. A blocked signal would survive too.
void signals_are_default_and_unblocked(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        auto o = runOne(loop, runner, spec({"/bin/sh", "-c", "kill -PIPE $$"}));
        assert_int_equal(static_cast<int>(o.end), static_cast<int>(io::RunOutcome::End::Signaled));
        assert_int_equal(o.signal, SIGPIPE);

        sigset_t usr1, old;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, &old);
        o = runOne(loop, runner, spec({"/bin/sh", "-c", "kill -USR1 $$"}));
        sigprocmask(SIG_SETMASK, &old, nullptr);
        assert_int_equal(static_cast<int>(o.end), static_cast<int>(io::RunOutcome::End::Signaled));
        assert_int_equal(o.signal, SIGUSR1);
    }
    expectNoChildren();
}

// Descriptors the daemon left without close-on-exec (sockets, the journal) and the runner's own
// status pipe (fd 3 in the child until execve) never reach the command.
void other_descriptors_are_closed(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        int p[2];
        assert_int_equal(pipe(p), 0); // no O_CLOEXEC: inherited unless closed
        assert_int_equal(dup2(p[1], 40), 40);
        const std::string fds =
            "3 4 5 6 7 8 9 " + std::to_string(p[0]) + " " + std::to_string(p[1]) + " 40";
        const auto o = runOne(
            loop, runner,
            spec({"/bin/sh", "-c",
                  "for n in " + fds + "; do [ -e /proc/$$/fd/$n ] && echo $n; done; exit 0"}));
        close(p[0]);
        close(p[1]);
        close(40);
        assert_true(o.ok());
        assert_string_equal(o.output.c_str(), ""); // the open ones, if any
    }
    expectNoChildren();
}

void runs_as_the_given_user(void**) {
    const auto as = nobody();
    if (geteuid() != 0 || !as)
        skip();
    {
        io::Loop loop;
        io::Runner runner(loop);
        const std::string uid = std::to_string(as->uid) + "\n";
        auto s = spec({"/usr/bin/id", "-u"});
        s.as = as;
        auto o = runOne(loop, runner, s);
        assert_true(o.ok());
        assert_string_equal(o.output.c_str(), uid.c_str());

        // root's supplementary groups are dropped, the given ones set.
        s = spec({"/usr/bin/id", "-G"});
        s.as = as;
        o = runOne(loop, runner, s);
        assert_string_equal(o.output.c_str(), (std::to_string(as->gid) + "\n").c_str());
        s.as->groups = {4242};
        o = runOne(loop, runner, s);
        assert_string_equal(o.output.c_str(), (std::to_string(as->gid) + " 4242\n").c_str());
    }
    expectNoChildren();
}

// Any failed step of the identity change ends the start: the command never runs as a mix of
// the daemon's identity and the configured one.
void a_failed_identity_change_aborts_the_start(void**) {
    const auto as = nobody();
    if (geteuid() != 0 || !as)
        skip();
    {
        io::Loop loop;
        io::Runner runner(loop);
        const auto expectFailure = [&](io::Credentials who, const char* step) {
            auto s = spec({"/usr/bin/id", "-u"});
            s.as = std::move(who);
            const auto o = runOne(loop, runner, s);
            assert_int_equal(static_cast<int>(o.end),
                             static_cast<int>(io::RunOutcome::End::SpawnFailed));
            assert_string_equal(o.spawnStep.c_str(), step);
            assert_int_equal(o.spawnError, EINVAL);
            assert_string_equal(o.output.c_str(), "");
        };
        expectFailure({as->uid, static_cast<gid_t>(-1), {}}, "setgid");
        expectFailure({static_cast<uid_t>(-1), as->gid, {}}, "setuid");
        expectFailure({as->uid, as->gid, std::vector<gid_t>(70000, as->gid)}, "setgroups");
    }
    expectNoChildren();
}

// The child gets SIGKILL when the daemon dies. As root the command runs as another user:
// changing identity clears the parent-death signal, so it must be set after.
void children_die_with_the_daemon(void**) {
    const auto as = geteuid() == 0 ? nobody() : std::nullopt;
    const pid_t daemon = fork();
    assert_true(daemon >= 0);
    if (daemon == 0) {
        io::Loop loop;
        io::Runner runner(loop);
        auto s = spec({"/bin/sleep", "100"}, 100s);
        s.as = as;
        runner.run(s, [](const io::RunOutcome&) {});
        loop.run();
        _exit(0);
    }
    // Wait until the command runs (execve done, so its set-up is complete).
    pid_t child = 0;
    const TimePoint end = io::monotonicNow() + 3s;
    while (child == 0 && io::monotonicNow() < end) {
        for (const auto& [pid, comm] : childrenOf(daemon))
            if (comm == "sleep")
                child = pid;
        usleep(2000);
    }
    kill(daemon, SIGKILL);
    assert_int_equal(waitpid(daemon, nullptr, 0), daemon);
    assert_true(child > 0);
    // Re-parented to us, the subreaper: it must die at once, not in 100 s.
    int status = 0;
    pid_t reaped = 0;
    while (reaped == 0 && io::monotonicNow() < end + 2s) {
        reaped = waitpid(child, &status, WNOHANG);
        usleep(2000);
    }
    assert_int_equal(reaped, child);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    expectNoChildren();
}

// The outcome comes at the timeout; the group, grandchildren included, gets SIGTERM then
// SIGKILL, and the slot is held until that sequence is over. The script and its children ignore
// SIGTERM (an ignored disposition is inherited), so only the SIGKILL ends them.
void timeout_reports_at_once_and_kills_the_whole_group(void**) {
    pid_t pgid = 0;
    {
        io::Loop loop;
        const Duration grace = 300ms;
        io::Runner runner(loop, 32, grace);
        std::optional<io::RunOutcome> got;
        TimePoint reportedAt{};
        runner.run(spec({"/bin/sh", "-c", "trap '' TERM; echo $$; sleep 100 & sleep 100"}, 200ms),
                   [&](const io::RunOutcome& o) {
                       got = o;
                       reportedAt = io::monotonicNow();
                   });
        assert_true(runUntil(loop, 3s, [&] { return got.has_value(); }));
        assert_int_equal(static_cast<int>(got->end),
                         static_cast<int>(io::RunOutcome::End::TimedOut));
        assert_true(got->elapsed >= 200ms);
        assert_true(got->describe().rfind("timed out after ", 0) == 0);
        assert_int_equal(runner.counters().timedOut, 1);
        pgid = std::atoi(got->output.c_str());
        assert_true(pgid > 0);
        // Reported without waiting for the kill: SIGTERM changed nothing, the slot is still taken.
        assert_true(groupExists(pgid));
        assert_int_equal(runner.running(), 1);

        assert_true(runUntil(loop, 3s, [&] { return runner.running() == 0; }));
        assert_true(io::monotonicNow() - reportedAt >= grace - 50ms);
        // The orphaned `sleep 100 &` comes to us and the loop reaps it.
        assert_true(runUntil(loop, 2s, [&] { return !groupExists(pgid); }));
    }
    expectNoChildren();
}

// A stopped command acts on SIGTERM only once continued: without SIGCONT it would hold its slot
// until the SIGKILL, 5 s later here.
void stopped_command_is_continued_to_see_sigterm(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop, 32, 5s);
        const auto o = runOne(loop, runner, spec({"/bin/sh", "-c", "kill -STOP $$"}, 100ms));
        assert_int_equal(static_cast<int>(o.end), static_cast<int>(io::RunOutcome::End::TimedOut));
        assert_true(runUntil(loop, 2s, [&] { return runner.running() == 0; }));
    }
    expectNoChildren();
}

// `yes` writes as fast as it can: only RunSpec::kOutputLimit bytes (the default) are kept, the
// rest is counted and flagged, and a 10 ms timer in the same loop keeps its pace meanwhile.
// (On the machines tried, reading until
// EAGAIN would not starve the loop either: a pipe reader keeps up with `yes`. The 64 KiB per
// callback is what makes that hold when it does not.)
void flood_is_bounded_and_does_not_starve_the_loop(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        const auto s = spec({"/usr/bin/yes"}, 1s);
        std::optional<io::RunOutcome> got;
        runner.run(s, [&](const io::RunOutcome& o) { got = o; });

        // Measured from here: the fork() itself (slow for an ASan process) is not the flood.
        TimePoint last = io::monotonicNow();
        Duration lastCpu = threadCpuTime();
        Duration worst{}, worstCpu{};
        io::PreciseTimer* self = nullptr;
        auto tick = io::PreciseTimer::create(loop, [&] {
            const TimePoint now = io::monotonicNow();
            const Duration cpu = threadCpuTime();
            worst = std::max(worst, now - last);
            worstCpu = std::max(worstCpu, cpu - lastCpu);
            last = now;
            lastCpu = cpu;
            assert_int_equal(self->arm(now + 10ms), 0);
        });
        assert_true(tick.ok());
        self = &*tick;
        assert_int_equal(tick->arm(last + 10ms), 0);
        assert_true(runUntil(loop, 5s, [&] { return got.has_value(); }));
        assert_int_equal(tick->disarm(), 0);

        assert_int_equal(static_cast<int>(got->end),
                         static_cast<int>(io::RunOutcome::End::TimedOut));
        assert_int_equal(got->output.size(), io::RunSpec::kOutputLimit);
        assert_true(got->truncated);
        assert_true(got->outputBytes > 1024 * 1024);
        assert_string_equal(got->output.substr(0, 6).c_str(), "y\ny\ny\n");
        print_message("flood: %zu bytes read in 1 s; worst gap between ticks %lld us, of which "
                      "%lld us on the CPU\n",
                      got->outputBytes, static_cast<long long>(worst.count()),
                      static_cast<long long>(worstCpu.count()));
        // Asserted in CPU time: the time the loop spent in its own work without serving the
        // timer. A busy machine adds wall-clock time the loop cannot help (gaps of 100 ms at a
        // load of 10 on two CPUs); a starved loop would spend the whole second on the CPU.
        assert_true(worstCpu < 50ms);
        assert_true(runUntil(loop, 3s, [&] { return runner.running() == 0; }));
    }
    expectNoChildren();
}

// The outcome waits for the end of output after the exit (a grandchild may still write), but not
// for ever: `sleep 5 &` keeps the pipe open long after its parent is gone. The first grandchild
// writes once the leader has been reaped (until then `kill -0` finds its zombie).
void output_after_exit_waits_for_eof_but_not_forever(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        auto o = runOne(loop, runner,
                        spec({"/bin/sh", "-c",
                              "echo early; "
                              "(while kill -0 $$ 2>/dev/null; do :; done; echo late) &"}));
        assert_true(o.ok());
        assert_string_equal(o.output.c_str(), "early\nlate\n");

        o = runOne(loop, runner, spec({"/bin/sh", "-c", "echo $$; sleep 5 &"}));
        assert_true(o.ok());
        assert_true(o.elapsed >= io::Runner::kEofWait);
        assert_true(o.elapsed < 1s);
        const pid_t pgid = std::atoi(o.output.c_str());
        assert_true(pgid > 0);
        assert_int_equal(runner.running(), 0);
        kill(-pgid, SIGKILL); // what the command left behind is not the runner's
    }
    expectNoChildren();
}

// By default at most kMaxChildren children run at once: the ones beyond wait in the queue and
// start as slots free.
void children_beyond_the_default_bound_wait(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop);
        const std::size_t n = io::Runner::kMaxChildren + 3;
        std::size_t done = 0, most = 0;
        for (std::size_t i = 0; i < n; ++i)
            runner.run(spec({"/bin/sleep", "0.2"}), [&](const io::RunOutcome& o) {
                assert_true(o.ok());
                ++done;
            });
        assert_int_equal(runner.running(), io::Runner::kMaxChildren);
        assert_int_equal(runner.queued(), 3);
        assert_true(runUntil(loop, 10s, [&] {
            most = std::max(most, runner.running());
            return done == n;
        }));
        assert_int_equal(most, io::Runner::kMaxChildren);
        assert_int_equal(runner.counters().queuedMax, 3);
    }
    expectNoChildren();
}

// With 2 slots, 5 commands: 3 wait, never more than 2 run, and waiting ones start in order.
void runs_beyond_the_bound_wait_in_order(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop, 2);
        std::vector<int> order;
        std::size_t most = 0;
        const TimePoint start = io::monotonicNow();
        for (int i = 0; i < 5; ++i)
            runner.run(spec({"/bin/sh", "-c", "sleep 0.05"}), [&, i](const io::RunOutcome& o) {
                assert_true(o.ok());
                order.push_back(i);
            });
        assert_int_equal(runner.running(), 2);
        assert_int_equal(runner.queued(), 3);
        assert_int_equal(runner.counters().queuedMax, 3);
        assert_true(runUntil(loop, 5s, [&] {
            most = std::max(most, runner.running());
            return order.size() == 5;
        }));
        assert_int_equal(most, 2);
        assert_true(io::monotonicNow() - start >= 150ms); // three rounds of 50 ms
        assert_int_equal(runner.counters().started, 5);

        // One slot: the order of completion is the order of the run() calls.
        io::Runner one(loop, 1);
        order.clear();
        for (int i = 0; i < 4; ++i)
            one.run(spec({"/bin/true"}), [&, i](const io::RunOutcome&) { order.push_back(i); });
        assert_int_equal(one.queued(), 3);
        assert_true(runUntil(loop, 5s, [&] { return order.size() == 4; }));
        assert_true((order == std::vector<int>{0, 1, 2, 3}));
    }
    expectNoChildren();
}

void cancel_forgets_queued_and_running_jobs(void**) {
    {
        io::Loop loop;
        io::Runner runner(loop, 1, 5s);
        int calls = 0;
        const auto count = [&](const io::RunOutcome&) {
            ++calls;
        };
        // `sleep` as a grandchild: the shell waits for it, so SIGTERM must reach the group.
        const uint64_t sleeper =
            runner.run(spec({"/bin/sh", "-c", "sleep 100; true"}, 100s), count);
        const uint64_t waiting = runner.run(spec({"/bin/true"}), count);
        assert_true(sleeper > 0 && waiting > 0 && sleeper != waiting);
        assert_int_equal(runner.queued(), 1);
        // Cancelled once the shell waits for its sleep, not while the child is still starting.
        assert_true(waitForGrandchild("sh", "sleep") > 0);

        runner.cancel(waiting);
        assert_int_equal(runner.queued(), 0);
        runner.cancel(sleeper);
        assert_int_equal(runner.running(), 1); // until reaped
        // SIGTERM ends both long before the 5 s grace: the slot frees when the leader is reaped
        // and nothing is left in its group.
        assert_true(runUntil(loop, 2s, [&] { return runner.running() == 0; }));

        // A failure before fork, cancelled before the loop reported it.
        runner.cancel(runner.run(spec({"relative"}), count));
        assert_false(runUntil(loop, 50ms, [&] { return calls > 0; }));
        assert_int_equal(calls, 0);

        runner.cancel(12345); // unknown: nothing happens
        const auto o = runOne(loop, runner, spec({"/bin/true"}));
        assert_true(o.ok());
        assert_int_equal(calls, 0);
    }
    expectNoChildren();
}

// The daemon going away takes its commands along, and calls nobody back.
void destroying_the_runner_kills_without_callbacks(void**) {
    {
        io::Loop loop;
        int calls = 0;
        {
            io::Runner runner(loop);
            const auto count = [&](const io::RunOutcome&) {
                ++calls;
            };
            runner.run(spec({"/bin/sleep", "100"}, 100s), count);
            runner.run(spec({"/bin/sh", "-c", "sleep 100 & sleep 100"}, 100s), count);
            runner.run(spec({"/nonexistent"}), count);
            runner.run(spec({"relative"}), count); // its report was due on the next loop pass
        }
        loop.poll();
        assert_int_equal(calls, 0);
    }
    expectNoChildren();
}

} // namespace

int main() {
    // As the daemon does; and orphans come here, so expectNoChildren() sees all descendants.
    std::signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
    const CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_and_output_in_order),
        cmocka_unit_test(spawn_failure_is_reported_from_the_loop),
        cmocka_unit_test(environment_is_exactly_env),
        cmocka_unit_test(stdin_is_dev_null),
        cmocka_unit_test(signals_are_default_and_unblocked),
        cmocka_unit_test(other_descriptors_are_closed),
        cmocka_unit_test(runs_as_the_given_user),
        cmocka_unit_test(a_failed_identity_change_aborts_the_start),
        cmocka_unit_test(children_die_with_the_daemon),
        cmocka_unit_test(timeout_reports_at_once_and_kills_the_whole_group),
        cmocka_unit_test(stopped_command_is_continued_to_see_sigterm),
        cmocka_unit_test(flood_is_bounded_and_does_not_starve_the_loop),
        cmocka_unit_test(output_after_exit_waits_for_eof_but_not_forever),
        cmocka_unit_test(runs_beyond_the_bound_wait_in_order),
        cmocka_unit_test(children_beyond_the_default_bound_wait),
        cmocka_unit_test(cancel_forgets_queued_and_running_jobs),
        cmocka_unit_test(destroying_the_runner_kills_without_callbacks),
    };
    return cmocka_run_group_tests_name("io-runner", tests, nullptr, nullptr);
}
