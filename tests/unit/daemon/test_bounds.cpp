// SPDX-License-Identifier: Apache-2.0
// The daemon's bounds on what peers and scripts can make it keep (hafd(8) LIMITS): each test
// pushes past a bound and checks that it holds, and what happens at it.
#include "daemon/checks.h"
#include "daemon/cluster.h"
#include "daemon/instance_record.h"
#include "daemon/logging.h"
#include "daemon/successors.h"

#include "common/log.h"
#include "core/cluster_view.h"
#include "io/loop.h"
#include "io/runner.h"

#include "fakes.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "unit_test.h" // last: cmocka's macros clash with the standard headers

using namespace hafd;
using namespace hafd::daemon;
using namespace hafd::daemon::test;

namespace {

IpAddress ip(const std::string& text) {
    return *IpAddress::parse(text);
}

// An advert for VRID 51 at priority 100 from `source`.
core::AdvertReceived advertFrom(const IpAddress& source) {
    core::AdvertReceived a;
    a.decoded.advert.vrid = 51;
    a.decoded.advert.priority = 100;
    a.decoded.advert.addresses = {ip("198.51.100.10")};
    a.meta.source = source;
    a.meta.destination = ip("224.0.0.18");
    a.meta.hopLimit = 255;
    a.meta.ifindex = 2;
    return a;
}

// The k-th of many distinct sources (k < 62500).
IpAddress peer(int k) {
    return ip("10.0." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1));
}

void the_transition_history_keeps_the_last_ones(void**) {
    InstanceRecord record;
    const std::size_t pushed = InstanceRecord::kTransitionsKept + 5;
    for (std::size_t k = 0; k < pushed; ++k) {
        core::StateChanged c;
        c.priority = static_cast<uint8_t>(k);
        record.transition(c, TimePoint(std::chrono::seconds(k)));
    }
    const auto kept = record.transitions();
    assert_int_equal(kept.size(), InstanceRecord::kTransitionsKept);
    // Newest first; the oldest five are gone.
    assert_int_equal(kept.front()->change.priority, pushed - 1);
    assert_int_equal(kept.back()->change.priority, pushed - InstanceRecord::kTransitionsKept);
}

void the_peers_shown_forget_the_least_recently_heard(void**) {
    InstanceRecord record;
    const int sources = static_cast<int>(InstanceRecord::kPeersShown) + 10;
    for (int k = 0; k < sources; ++k)
        record.heard(advertFrom(peer(k)), TimePoint(std::chrono::seconds(k)));
    assert_int_equal(record.peers().size(), InstanceRecord::kPeersShown);
    // The first one heard again replaces the one heard longest ago; the newest stays.
    record.heard(advertFrom(peer(0)), TimePoint(std::chrono::seconds(sources)));
    assert_int_equal(record.peers().size(), InstanceRecord::kPeersShown);
    bool first = false, newest = false, oldestKept = false;
    for (const auto& p : record.peers()) {
        first |= p.address == peer(0);
        newest |= p.address == peer(sources - 1);
        oldestKept |= p.address == peer(sources - static_cast<int>(InstanceRecord::kPeersShown));
    }
    assert_true(first);
    assert_true(newest);
    assert_false(oldestKept);
}

config::Cluster cluster() {
    config::Cluster c;
    config::ClusterNode a, b;
    a.name = "n1";
    a.address = ip("192.0.2.11");
    b.name = "n2";
    b.address = ip("192.0.2.12");
    c.nodes = {a, b};
    return c;
}

// Adverts from ever new (spoofed) sources on one VRID: Successors judges and remembers only the
// routers the instance still lists, so what it keeps stays within the peers shown, however many
// sources were heard, and one that left judgement as foreign still turns naming off.
void successors_remember_only_the_peers_an_instance_lists(void**) {
    log::setSink([](log::Level, std::string_view) {}); // a warning per router judged foreign
    TimePoint now{};
    Scheduler scheduler{[](std::optional<TimePoint>) {
    }};
    FakeVips vips;
    FakeAnnouncer announcer;
    FakeSender sender;
    Instances instances;
    instances.push_back(
        std::make_unique<Instance>(instanceConfig(), scheduler, vips, announcer,
                                   [](const Instance&, const core::StateChanged&) {}));
    Instance& instance = *instances.front();
    Binding b;
    b.ifindex = b.vipIfindex = 2;
    b.sender = &sender;
    b.source = ip("192.0.2.11");
    instance.bind(b);
    instance.handle(core::BindingChanged{b.faults, b.source, false}, now);
    instance.handle(core::Startup{}, now);

    const core::ClusterView view(cluster(), "n1");
    const Duration lease = 2s;
    Successors successors;
    const int sources = 200;
    for (int k = 0; k < sources; ++k) {
        now += 10ms;
        instance.handle(advertFrom(peer(k)), now);
        successors.update(instances, view, lease, now);
        assert_true(successors.remembered() <= InstanceRecord::kPeersShown);
    }
    assert_int_equal(successors.remembered(), InstanceRecord::kPeersShown);
    assert_false(successors.foreignHeard(instance));
    // One router that keeps advertising for longer than the lease is still found foreign.
    for (int k = 0; k < 300; ++k) {
        now += 10ms;
        instance.handle(advertFrom(ip("192.0.2.250")), now);
        successors.update(instances, view, lease, now);
    }
    assert_true(successors.foreignHeard(instance));
    assert_int_equal(successors.remembered(), InstanceRecord::kPeersShown);
}

// A check has at most one command queued or running: while every child slot is busy, each
// interval whose run cannot start is a failure, and no second run of it waits in the queue.
void a_check_waiting_for_a_slot_queues_one_run_only(void**) {
    io::Loop loop;
    io::Runner runner(loop, 1);
    Commands commands(runner);
    config::Scripts scripts;
    const passwd* pw = ::getpwuid(::getuid());
    scripts.user = pw != nullptr ? pw->pw_name : "root";
    commands.setIdentity(scripts);
    config::Command sleeper;
    sleeper.argv = {"/bin/sleep", "5"};
    commands.run(sleeper, 10s, {}, [](const io::RunOutcome&) {}); // holds the only slot

    Scheduler scheduler{[](std::optional<TimePoint>) {
    }};
    LinkTable links;
    Checks checks(loop, scheduler, commands, links, [](const std::string&, TimePoint) {});
    config::Check c;
    c.name = "web";
    c.exec.argv = {"/bin/true"};
    c.interval = 1s;
    c.timeout = 500ms;
    c.fall = c.rise = 1;
    TimePoint now = io::monotonicNow();
    checks.configure({c}, {"web"}, now);
    const int intervals = 5;
    for (int k = 0; k < intervals; ++k) {
        now = std::max(now, *scheduler.earliest());
        scheduler.fire(now);
        assert_int_equal(runner.queued(), 1);
    }
    const RunningCheck* web = checks.find("web");
    assert_non_null(web);
    assert_int_equal(web->failures, intervals - 1);
    assert_string_equal(web->lastResult.c_str(), "not started: too many commands at once");
    assert_int_equal(runner.running(), 1);
    // The checks' destructor cancels the queued run, the runner's kills the sleeper.
}

// The quorum hook has at most one run under way: an interval that comes while the last run
// still goes starts none (the run's timeout, below the interval, ends it first in real time).
void the_quorum_hook_runs_once_at_a_time(void**) {
    log::setSink([](log::Level, std::string_view) {}); // no heartbeat socket on 192.0.2.11
    io::Loop loop;
    io::Runner runner(loop);
    Commands commands(runner);
    config::Scripts scripts;
    const passwd* pw = ::getpwuid(::getuid());
    scripts.user = pw != nullptr ? pw->pw_name : "root";
    commands.setIdentity(scripts);
    Scheduler scheduler{[](std::optional<TimePoint>) {
    }};
    Instances instances;
    config::Config config;
    config.cluster = cluster();
    config::QuorumHook hook;
    hook.command.argv = {"/bin/sleep", "5"};
    hook.interval = 1s;
    hook.timeout = 500ms;
    config.cluster->quorumHook = hook;
    {
        Cluster c(loop, scheduler, instances, commands, config, "n1");
        TimePoint now = io::monotonicNow();
        for (int k = 0; k < 5; ++k, now += hook.interval)
            scheduler.fire(now);
        assert_int_equal(runner.counters().started, 1);
        assert_int_equal(runner.running() + runner.queued(), 1);
    }
}

// A process check watches at most kMaxWatched matches through pidfds, however many run.
void a_process_check_watches_a_bounded_number_of_matches(void**) {
    // A name of its own (comm is the basename execve() was given: a link to sleep will do).
    const std::string name = "hafdb-" + std::to_string(::getpid());
    char dir[] = "/tmp/hafd-bounds-XXXXXX";
    assert_non_null(::mkdtemp(dir));
    const std::string link = std::string(dir) + "/" + name;
    assert_int_equal(::symlink("/bin/sleep", link.c_str()), 0);
    const std::size_t n = Checks::kMaxWatched + 6;
    std::vector<pid_t> children;
    for (std::size_t k = 0; k < n; ++k) {
        const pid_t pid = ::fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            ::execl(link.c_str(), name.c_str(), "30", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        children.push_back(pid);
    }
    // Every child has exec()ed once its comm is the link's name (a scan that finds some
    // watches them, and looks again only when they end).
    const auto execed = [&] {
        for (const pid_t pid : children) {
            std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
            std::string line;
            if (!std::getline(comm, line) || line != name)
                return false;
        }
        return true;
    };
    for (int tries = 0; tries < 500 && !execed(); ++tries)
        ::usleep(10000);

    io::Loop loop;
    io::Runner runner(loop);
    Commands commands(runner);
    Scheduler scheduler{[](std::optional<TimePoint>) {
    }};
    LinkTable links;
    std::size_t watched = 0;
    {
        Checks checks(loop, scheduler, commands, links, [](const std::string&, TimePoint) {});
        config::Check c;
        c.name = "many";
        c.kind = config::CheckKind::Process;
        c.process = name;
        const TimePoint start = io::monotonicNow();
        checks.configure({c}, {"many"}, start);
        scheduler.fire(start); // the first run, at once
        const RunningCheck* rc = checks.find("many");
        assert_non_null(rc);
        watched = rc->watched.size();
    }
    for (const pid_t pid : children)
        ::kill(pid, SIGKILL);
    for (const pid_t pid : children)
        ::waitpid(pid, nullptr, 0);
    ::unlink(link.c_str());
    ::rmdir(dir);
    assert_int_equal(watched, Checks::kMaxWatched);
}

// Reads what the sink wrote to stderr while `body` ran.
template <typename F>
std::string stderrOf(F body) {
    char path[] = "/tmp/hafd-bounds-XXXXXX";
    const int fd = ::mkstemp(path);
    assert_true(fd >= 0);
    ::unlink(path);
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    body();
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::string out;
    ::lseek(fd, 0, SEEK_SET);
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

// A message longer than a line (a script's output quoted in full, say) is cut at kMaxLogLine
// bytes with a marker, and the next message still starts a line of its own.
void a_long_log_line_is_cut_with_a_marker(void**) {
    ::unsetenv("JOURNAL_STREAM");
    setupLogging(log::Level::Info);
    const std::string huge(3 * kMaxLogLine, 'x');
    const std::string out = stderrOf([&] {
        log::warning("%s", huge.c_str());
        log::warning("the next one");
    });
    const std::size_t eol = out.find('\n');
    assert_true(eol != std::string::npos);
    assert_int_equal(eol + 1, kMaxLogLine);
    const std::string cut(kLogLineCut);
    assert_string_equal(out.substr(eol + 1 - cut.size(), cut.size()).c_str(), cut.c_str());
    const std::string second = out.substr(eol + 1);
    assert_non_null(std::strstr(second.c_str(), "warning: the next one\n"));
    assert_int_equal(second.find("xx"), std::string::npos);
    // A line that fits is written whole.
    const std::string fits(100, 'y');
    const std::string whole = stderrOf([&] { log::warning("%s", fits.c_str()); });
    assert_non_null(std::strstr(whole.c_str(), (": " + fits + "\n").c_str()));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_transition_history_keeps_the_last_ones),
        cmocka_unit_test(the_peers_shown_forget_the_least_recently_heard),
        cmocka_unit_test(successors_remember_only_the_peers_an_instance_lists),
        cmocka_unit_test(a_check_waiting_for_a_slot_queues_one_run_only),
        cmocka_unit_test(the_quorum_hook_runs_once_at_a_time),
        cmocka_unit_test(a_process_check_watches_a_bounded_number_of_matches),
        cmocka_unit_test(a_long_log_line_is_cut_with_a_marker),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
