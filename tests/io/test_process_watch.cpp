// SPDX-License-Identifier: Apache-2.0
// io::findProcesses and io::PidWatch, the `process` check (DESIGN.md §5), against real
// processes: `sleep` run under the name hafdtestproc (a symlink: the kernel takes comm from the
// name exec'd), found by name, by arguments and through a pid file; zombies, threads and the
// caller skipped; a pidfd that reports a kill at once, reaps nothing and works for a process that
// is not our child, also inside a private network namespace. Needs no root except the last test.
#include "io/process_watch.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace std::chrono_literals;

namespace {

constexpr const char* kName = "hafdtestproc";

std::string gDir;
std::string gProc;           // gDir/hafdtestproc -> /bin/sleep
std::string gShell;          // gDir/hafdtestsh -> /bin/sh
std::vector<pid_t> gStarted; // killed and reaped by teardown if a failing test left them

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Waits (up to 2 s) until `pid` runs the program and argv asked for: its cmdline is the last
// thing exec sets, after comm.
void waitExeced(pid_t pid, const std::vector<std::string>& argv) {
    std::string want;
    for (const auto& a : argv)
        want += a + '\0';
    const std::string path = "/proc/" + std::to_string(pid) + "/cmdline";
    for (int i = 0; i < 200; ++i) {
        if (readFile(path) == want)
            return;
        std::this_thread::sleep_for(10ms);
    }
    fail_msg("pid %d never exec'd %s", pid, argv[0].c_str());
}

// Runs `path` with `argv` (argv[0] first) as our child; returns once it has exec'd.
pid_t spawn(const std::string& path, const std::vector<std::string>& argv, int stdinFd = -1) {
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (stdinFd >= 0)
            dup2(stdinFd, STDIN_FILENO);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(path.c_str(), args.data());
        _exit(127);
    }
    gStarted.push_back(pid);
    waitExeced(pid, argv);
    return pid;
}

pid_t spawnTestProc(const std::vector<std::string>& args) {
    std::vector<std::string> argv{kName};
    argv.insert(argv.end(), args.begin(), args.end());
    return spawn(gProc, argv);
}

// Reaps one of ours; returns its wait status (0 if the libev default loop, which reaps every child
// while it runs, got there first).
int reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    gStarted.erase(std::remove(gStarted.begin(), gStarted.end(), pid), gStarted.end());
    return status;
}

int killAndReap(pid_t pid) {
    kill(pid, SIGKILL);
    return reap(pid);
}

// Waits (up to 2 s) until `pid` is a zombie.
void waitZombie(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    for (int i = 0; i < 200; ++i) {
        const std::string stat = readFile(path);
        const auto paren = stat.rfind(')');
        if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z')
            return;
        std::this_thread::sleep_for(10ms);
    }
    fail_msg("pid %d never became a zombie", pid);
}

std::vector<pid_t> find(const io::ProcessMatch& match) {
    auto r = io::findProcesses(match);
    if (!r)
        fail_msg("findProcesses: %s", r.error().message().c_str());
    return *r;
}

io::ProcessMatch byName(const std::string& name, const std::string& args = "") {
    return io::ProcessMatch{name, args, ""};
}

io::ProcessMatcher compiled(const io::ProcessMatch& match) {
    auto m = io::ProcessMatcher::compile(match);
    if (!m)
        fail_msg("compile: %s", m.error().message.c_str());
    return std::move(*m);
}

// Runs the loop until *flag or 2 s have passed.
void runUntil(io::Loop& loop, const bool* flag) {
    const TimePoint start = io::monotonicNow();
    auto guard = io::PreciseTimer::create(loop, [&] { loop.stop(); });
    assert_true(guard.ok());
    assert_int_equal(guard->arm(start + 2s), 0);
    while (!*flag && io::monotonicNow() < start + 2s)
        loop.runOnce();
}

int setup(void**) {
    char tmpl[] = "/tmp/hafd-io-proc-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    gDir = tmpl;
    gProc = gDir + "/" + kName;
    gShell = gDir + "/hafdtestsh";
    assert_int_equal(symlink("/bin/sleep", gProc.c_str()), 0);
    assert_int_equal(symlink("/bin/sh", gShell.c_str()), 0);
    return 0;
}

int teardown(void**) {
    for (const pid_t pid : std::vector<pid_t>(gStarted))
        killAndReap(pid);
    for (const char* f : {"/hafdtestproc", "/hafdtestsh", "/pid", "/fifo"})
        unlink((gDir + f).c_str());
    rmdir(gDir.c_str());
    return 0;
}

// ---------------------------------------------------------------------------------------------

void finds_a_process_by_its_exact_name(void**) {
    const pid_t pid = spawnTestProc({"100"});
    assert_true(find(byName(kName)) == std::vector<pid_t>{pid});
    assert_true(find(byName("hafdtestpro")).empty()); // exact, as pgrep -x: no prefixes
    const auto sleeps = find(byName("sleep"));
    assert_true(std::find(sleeps.begin(), sleeps.end(), pid) == sleeps.end());
    killAndReap(pid);
    assert_true(find(byName(kName)).empty());
}

void bad_matches_are_errors_that_name_the_fault(void**) {
    auto tooLong = io::ProcessMatcher::compile(byName("a-name-of-16-chr"));
    assert_false(tooLong.ok());
    assert_non_null(std::strstr(tooLong.error().message.c_str(), "a-name-of-16-chr"));
    assert_true(io::ProcessMatcher::compile(byName("a-name-of-15-ch")).ok());

    assert_false(io::ProcessMatcher::compile(io::ProcessMatch{"", "", ""}).ok());
    assert_false(io::ProcessMatcher::compile(io::ProcessMatch{kName, "", "/run/x.pid"}).ok());

    auto badPattern = io::ProcessMatcher::compile(byName(kName, "--port=(80"));
    assert_false(badPattern.ok());
    assert_non_null(std::strstr(badPattern.error().message.c_str(), "'--port=(80'"));
    // The struct form compiles on each call and fails the same way.
    auto found = io::findProcesses(byName(kName, "--port=(80"));
    assert_false(found.ok());
    assert_int_equal(found.error().code, EINVAL);
    assert_non_null(std::strstr(found.error().what.c_str(), "'--port=(80'"));
}

void an_args_pattern_picks_one_of_two(void**) {
    const pid_t a = spawnTestProc({"100"});
    const pid_t b = spawnTestProc({"200"});
    const pid_t c = spawnTestProc({"100", "5"});
    assert_true(find(byName(kName, "^2[0-9]+$")) == std::vector<pid_t>{b});
    assert_true(find(byName(kName, "^100$")) == std::vector<pid_t>{a});
    // The arguments are joined by single spaces; argv[0] is not among them.
    assert_true(find(byName(kName, "^100 5$")) == std::vector<pid_t>{c});
    assert_true(find(byName(kName, kName)).empty());
    // Searched, not anchored; several matches come in ascending order.
    std::vector<pid_t> all{a, b, c};
    std::sort(all.begin(), all.end());
    assert_true(find(byName(kName, "00")) == all);
    assert_true(find(byName(kName, "300")).empty());
    killAndReap(a);
    killAndReap(b);
    killAndReap(c);
}

void finds_the_process_named_by_a_pid_file(void**) {
    const std::string pidFile = gDir + "/pid";
    const io::ProcessMatch match{"", "", pidFile};
    assert_true(find(match).empty()); // no file: not running

    const pid_t pid = spawnTestProc({"100"});
    writeFile(pidFile, "  " + std::to_string(pid) + "\n");
    assert_true(find(match) == std::vector<pid_t>{pid});
    assert_true(find(io::ProcessMatch{"", "^100$", pidFile}) == std::vector<pid_t>{pid});
    assert_true(find(io::ProcessMatch{"", "^200$", pidFile}).empty());
    assert_true(compiled(match).matches(pid));

    // Never followed to pid 0, a negative pid, or no pid at all.
    for (const char* nonsense : {"0\n", "-1\n", "abc\n", "", "99999999999\n"}) {
        writeFile(pidFile, nonsense);
        auto r = io::findProcesses(match);
        assert_false(r.ok());
        assert_int_equal(r.error().code, EINVAL);
        assert_false(compiled(match).matches(pid));
    }
    // The caller itself is skipped.
    writeFile(pidFile, std::to_string(getpid()) + "\n");
    assert_true(find(match).empty());
    // A pid whose process has gone.
    writeFile(pidFile, std::to_string(pid) + "\n");
    killAndReap(pid);
    assert_true(find(match).empty());

    // A FIFO in the file's place is refused without blocking.
    const std::string fifo = gDir + "/fifo";
    assert_int_equal(mkfifo(fifo.c_str(), 0600), 0);
    auto r = io::findProcesses(io::ProcessMatch{"", "", fifo});
    assert_false(r.ok());
    assert_int_equal(r.error().code, EINVAL);
}

// A thread's id is no process's pid: a pid file naming one finds nothing, and a pidfd is refused.
void threads_are_not_processes(void**) {
    std::atomic<pid_t> tid{0};
    std::atomic<bool> quit{false};
    std::thread t([&] {
        tid = gettid();
        while (!quit)
            std::this_thread::sleep_for(1ms);
    });
    while (tid == 0)
        std::this_thread::sleep_for(1ms);
    const std::string pidFile = gDir + "/pid";
    writeFile(pidFile, std::to_string(tid) + "\n");
    const bool found = find(io::ProcessMatch{"", "", pidFile}).empty();
    io::Loop loop;
    auto w = io::PidWatch::open(loop, tid, [] {});
    quit = true;
    t.join();
    assert_true(found);
    assert_false(w.ok());
    // ENOENT since kernel 6.9 (which added PIDFD_THREAD), EINVAL before.
    assert_true(w.error().code == ENOENT || w.error().code == EINVAL);
}

void zombies_are_skipped(void**) {
    const pid_t pid = spawnTestProc({"100"});
    kill(pid, SIGKILL); // not reaped yet: a zombie
    waitZombie(pid);
    assert_true(find(byName(kName)).empty());
    const std::string pidFile = gDir + "/pid";
    writeFile(pidFile, std::to_string(pid) + "\n");
    assert_true(find(io::ProcessMatch{"", "", pidFile}).empty());
    io::Loop loop;
    auto w = io::PidWatch::open(loop, pid, compiled(byName(kName)), [] {});
    assert_false(w.ok());
    assert_int_equal(w.error().code, ESRCH);
    killAndReap(pid);
}

// From kill -9 to onExit, measured on the monotonic clock over several processes. What is
// measured is the pidfd path (exit, wake-up, epoll, callback), not how long a loaded machine
// makes a killed process wait for a CPU to die on: as root the test and its children run at nice
// -20 (restored after), and the median is asserted, as one sample can still be unlucky.
void pid_watch_reports_a_kill_within_20ms(void**) {
    errno = 0;
    const int niceBefore = getpriority(PRIO_PROCESS, 0);
    assert_int_equal(errno, 0);
    if (geteuid() == 0)
        assert_int_equal(setpriority(PRIO_PROCESS, 0, -20), 0);
    io::Loop loop;
    std::vector<Duration> took;
    for (int i = 0; i < 7; ++i) {
        const pid_t pid = spawnTestProc({"100"});
        bool ended = false;
        auto w = io::PidWatch::open(loop, pid, [&] { ended = true; });
        assert_true(w.ok());
        loop.poll();
        assert_false(ended);
        const TimePoint killed = io::monotonicNow();
        kill(pid, SIGKILL);
        runUntil(loop, &ended);
        took.push_back(io::monotonicNow() - killed);
        assert_true(ended);
        killAndReap(pid);
    }
    assert_int_equal(setpriority(PRIO_PROCESS, 0, niceBefore), 0);
    std::sort(took.begin(), took.end());
    const Duration median = took[took.size() / 2];
    print_message("onExit after SIGKILL: median %lld us, worst %lld us\n",
                  static_cast<long long>(median.count()),
                  static_cast<long long>(took.back().count()));
    assert_true(median <= 20ms);
    assert_true(took.back() < 2s);
}

// The watched process is a grandchild: its parent is another process, which must still collect
// its exit status (it reports over a pipe whether it did: our libev default loop reaps any child
// of ours, so our own children could not show this).
void pid_watch_needs_no_child_and_reaps_nothing(void**) {
    int fds[2];
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    const pid_t parent = fork();
    assert_true(parent >= 0);
    if (parent == 0) {
        const pid_t child = fork();
        if (child == 0) {
            execl(gProc.c_str(), kName, "100", nullptr);
            _exit(127);
        }
        (void)!write(fds[1], &child, sizeof child);
        int status = 0;
        const char collected = waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
                               WTERMSIG(status) == SIGKILL;
        (void)!write(fds[1], &collected, 1);
        _exit(0);
    }
    gStarted.push_back(parent);
    close(fds[1]);
    pid_t pid = 0;
    assert_int_equal(read(fds[0], &pid, sizeof pid), sizeof pid);
    waitExeced(pid, {kName, "100"});
    assert_int_equal(waitpid(pid, nullptr, WNOHANG), -1); // not ours: ECHILD
    assert_int_equal(errno, ECHILD);

    io::Loop loop;
    bool ended = false;
    int calls = 0;
    const auto matcher = compiled(byName(kName));
    auto w = io::PidWatch::openFirst(loop, matcher, [&] {
        ended = true;
        ++calls;
    });
    assert_true(w.ok());
    assert_true(w->active());
    assert_int_equal(w->pid(), pid);
    loop.poll();
    assert_false(ended);

    kill(pid, SIGKILL);
    runUntil(loop, &ended);
    assert_true(ended);
    assert_false(w->active());
    assert_int_equal(w->pid(), pid);
    loop.poll();
    assert_int_equal(calls, 1);

    char collected = 0;
    assert_true(iotest::waitReadable(fds[0], 2000ms));
    assert_int_equal(read(fds[0], &collected, 1), 1);
    close(fds[0]);
    assert_int_equal(collected, 1); // its parent got the SIGKILL status
    reap(parent);
}

// A moved watch still reports; a destroyed one never calls; a pid that is gone is ESRCH.
void a_pid_watch_moves_and_stops_with_its_owner(void**) {
    io::Loop loop;
    const pid_t pid = spawnTestProc({"100"});
    bool ended = false;
    auto opened = io::PidWatch::open(loop, pid, [&] { ended = true; });
    assert_true(opened.ok());
    io::PidWatch w;
    w = std::move(*opened);
    assert_true(w.active());
    assert_int_equal(w.pid(), pid);

    const pid_t other = spawnTestProc({"200"});
    int otherCalls = 0;
    {
        auto gone = io::PidWatch::open(loop, other, [&] { ++otherCalls; });
        assert_true(gone.ok());
    }
    kill(other, SIGKILL);
    kill(pid, SIGKILL);
    runUntil(loop, &ended);
    assert_true(ended);
    assert_false(w.active());
    killAndReap(pid);
    killAndReap(other);
    loop.poll();
    assert_int_equal(otherCalls, 0);

    auto dead = io::PidWatch::open(loop, pid, [] {});
    assert_false(dead.ok());
    assert_int_equal(dead.error().code, ESRCH);
    assert_false(io::PidWatch().active());
    assert_int_equal(io::PidWatch().pid(), 0);
}

// The re-check after pidfd_open(): a pid that matched at the scan but then became another program
// (exec, as a reused pid would look) is not watched.
void a_pid_that_changed_since_the_scan_is_refused(void**) {
    int in[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    const pid_t pid = spawn(gShell, {"hafdtestsh", "-c", "read line; exec /bin/sleep 100"}, in[0]);
    close(in[0]);
    const auto matcher = compiled(byName("hafdtestsh"));
    assert_true(find(byName("hafdtestsh")) == std::vector<pid_t>{pid});
    assert_true(matcher.matches(pid));

    assert_int_equal(write(in[1], "go\n", 3), 3);
    close(in[1]);
    waitExeced(pid, {"/bin/sleep", "100"});
    io::Loop loop;
    auto w = io::PidWatch::open(loop, pid, matcher, [] {});
    assert_false(w.ok());
    assert_int_equal(w.error().code, ESRCH);
    auto first = io::PidWatch::openFirst(loop, matcher, [] {});
    assert_true(first.ok());
    assert_false(first->active());
    // The plain open() does not look: the pid is alive.
    assert_true(io::PidWatch::open(loop, pid, [] {}).ok());
    killAndReap(pid);
}

// Everything above again, one level down: in a fresh network namespace, where the proc
// connector would not work. Last, because the process stays in that namespace.
void works_inside_a_private_network_namespace(void**) {
    if (geteuid() != 0)
        skip();
    struct stat before {};
    assert_int_equal(stat("/proc/self/ns/net", &before), 0);
    iotest::enterPrivateNetns();
    struct stat after {};
    assert_int_equal(stat("/proc/self/ns/net", &after), 0);
    assert_true(before.st_ino != after.st_ino);

    const pid_t pid = spawnTestProc({"100"});
    assert_true(find(byName(kName, "^100$")) == std::vector<pid_t>{pid});
    io::Loop loop;
    bool ended = false;
    auto w = io::PidWatch::openFirst(loop, compiled(byName(kName)), [&] { ended = true; });
    assert_true(w.ok());
    assert_int_equal(w->pid(), pid);
    kill(pid, SIGKILL);
    runUntil(loop, &ended);
    assert_true(ended);
    killAndReap(pid);
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(finds_a_process_by_its_exact_name),
        cmocka_unit_test(bad_matches_are_errors_that_name_the_fault),
        cmocka_unit_test(an_args_pattern_picks_one_of_two),
        cmocka_unit_test(finds_the_process_named_by_a_pid_file),
        cmocka_unit_test(threads_are_not_processes),
        cmocka_unit_test(zombies_are_skipped),
        cmocka_unit_test(pid_watch_reports_a_kill_within_20ms),
        cmocka_unit_test(pid_watch_needs_no_child_and_reaps_nothing),
        cmocka_unit_test(a_pid_watch_moves_and_stops_with_its_owner),
        cmocka_unit_test(a_pid_that_changed_since_the_scan_is_refused),
        cmocka_unit_test(works_inside_a_private_network_namespace),
    };
    return cmocka_run_group_tests_name("io-process-watch", tests, setup, teardown);
}
