// SPDX-License-Identifier: Apache-2.0
// The control socket's replies may come later than the request (daemon/control.h); requests
// that are too long or too slow get an error reply; only allowed peers are served
// (daemon/control_access.h, checked from SO_PEERCRED and SO_PEERGROUPS even when the file's
// mode lets anyone connect); and the bounded wait for work in flight at shutdown
// (daemon/shutdown.h). A real AF_UNIX socket in a temporary directory and a real loop; the
// tests of other users' access run when root (as scripts/test does) and are skipped otherwise.
#include "daemon/control.h"
#include "daemon/control_commands.h"
#include "daemon/shutdown.h"

#include "unit_test.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;

namespace {

struct Rig {
    std::string dir;
    io::Loop loop;
    std::vector<ControlServer::Responder> held;
    std::unique_ptr<ControlServer> server;
    ControlServer::Handler onRequest; // instead of the default ("now" at once, others held)

    // Only root and this user are let in unless `group` names one that exists.
    explicit Rig(const std::string& group = "hafd-test-no-such-group") {
        char tmpl[] = "/tmp/hafd-control-test.XXXXXX";
        dir = mkdtemp(tmpl);
        auto s = ControlServer::open(
            loop, dir + "/control",
            [this](const std::string& line, ControlServer::Responder r) {
                if (onRequest)
                    onRequest(line, r);
                else if (line == "now")
                    r.send("{\"now\":1}\n");
                else
                    held.push_back(r); // answered later
            },
            ControlAccess(group), ControlLimits{200ms, 200ms});
        assert_true(s.ok());
        server = std::move(*s);
    }
    ~Rig() {
        server.reset();
        std::filesystem::remove_all(dir);
    }
    // Connects, without sending anything yet.
    int open() const {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, (dir + "/control").c_str());
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            close(fd);
            return -1;
        }
        return fd;
    }
    // Runs the loop until a reply line arrives on `fd` or the peer closes (at most 2 s).
    std::string replyOn(int fd) {
        std::string got;
        for (int i = 0; i < 2000; ++i) {
            loop.poll();
            char buf[256];
            const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n == 0 || (!got.empty() && got.back() == '\n'))
                break;
            if (n > 0)
                got.append(buf, static_cast<std::size_t>(n));
            else
                usleep(1000);
        }
        return got;
    }
    // Runs `client` in a child process as `uid` with primary group `gid` and supplementary
    // `groups`, pumping the loop meanwhile; its exit status.
    int as(uid_t uid, gid_t gid, std::vector<gid_t> groups, const std::function<int()>& client) {
        const pid_t pid = fork();
        if (pid == 0) {
            if (setgroups(groups.size(), groups.data()) != 0 || setgid(gid) != 0 ||
                setuid(uid) != 0)
                _exit(99);
            _exit(client());
        }
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                return 97; // hung
            }
            loop.poll();
            usleep(1000);
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
    }
    // Loosens the modes so that anyone may connect: only the daemon's own check is left.
    void loosen() const {
        assert_int_equal(chmod(dir.c_str(), 0755), 0);
        assert_int_equal(chmod((dir + "/control").c_str(), 0666), 0);
    }
    // In a child of as(), after loosen(): asks, and returns 0 when served, 1 when refused with
    // "permission denied: uid 65534", 10 when it could not connect, 12 for any other answer.
    int askOpenly() const {
        const int fd = open();
        if (fd < 0)
            return 10;
        // A refused peer may find the connection closed already: the reply decides.
        (void)send(fd, "now\n", 4, MSG_NOSIGNAL);
        char buf[512] = {};
        std::size_t got = 0;
        ssize_t n;
        while (got < sizeof buf - 1 && (n = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0)
            got += static_cast<std::size_t>(n);
        if (std::strcmp(buf, "{\"now\":1}\n") == 0)
            return 0;
        return std::strstr(buf, "permission denied: uid 65534") ? 1 : 12;
    }
    int connect(const std::string& request) {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, (dir + "/control").c_str());
        assert_int_equal(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        assert_int_equal(send(fd, request.data(), request.size(), 0),
                         static_cast<ssize_t>(request.size()));
        return fd;
    }
    // Runs the loop until `done` or 200 rounds of 1 ms.
    template <typename F>
    void until(F done) {
        for (int i = 0; i < 200 && !done(); ++i) {
            loop.poll();
            usleep(1000);
        }
    }
    static std::string readAll(int fd) {
        std::string out;
        char buf[256];
        ssize_t n;
        while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
            out.append(buf, static_cast<std::size_t>(n));
        return out;
    }
};

void reply_can_come_later(void**) {
    Rig r;
    const int fd = r.connect("later\n");
    r.until([&] { return !r.held.empty(); });
    assert_int_equal(r.held.size(), 1);
    assert_int_equal(r.server->pendingReplies(), 1);
    assert_true(r.held[0].waiting());
    r.loop.poll();
    assert_string_equal(Rig::readAll(fd).c_str(), ""); // nothing yet
    r.held[0].send("{\"done\":true}\n");
    assert_false(r.held[0].waiting());
    std::string got;
    r.until([&] { return !(got += Rig::readAll(fd)).empty(); });
    assert_string_equal(got.c_str(), "{\"done\":true}\n");
    assert_int_equal(r.server->pendingReplies(), 0);
    r.held[0].send("{\"twice\":true}\n"); // ignored
    close(fd);
}

void reply_now_still_works(void**) {
    Rig r;
    const int fd = r.connect("now\n");
    std::string got;
    r.until([&] { return !(got += Rig::readAll(fd)).empty(); });
    assert_string_equal(got.c_str(), "{\"now\":1}\n");
    close(fd);
}

// A client that leaves before its reply: the reply is dropped, nothing breaks.
void client_gone_before_the_reply(void**) {
    Rig r;
    const int fd = r.connect("later\n");
    r.until([&] { return !r.held.empty(); });
    close(fd);
    r.held[0].send("{\"late\":true}\n");
    r.until([&] { return r.server->pendingReplies() == 0; });
    assert_int_equal(r.server->pendingReplies(), 0);
    // And after the server is gone, a held responder does nothing either.
    const int fd2 = r.connect("later\n");
    r.until([&] { return r.held.size() == 2; });
    r.server.reset();
    r.held[1].send("{}\n");
    assert_false(r.held[1].waiting());
    close(fd2);
}

// Unknown commands and requests that are not JSON get an error reply and change nothing.
void commands_answer_errors_for_bad_requests(void**) {
    struct Target final : ControlTarget {
        int reloads = 0;
        ctl::Status status() override { return {}; }
        ctl::Verdict reload(const char*) override {
            ++reloads;
            return {true, "ok", {}};
        }
        bool stopping() const override { return stop; }
        EventLog& events() override { return log; }
        ctl::Verdict maintenance(const std::string& instance, bool on) override {
            drained = on ? instance : "-";
            return {true, "ok", {}};
        }
        void switchover(const std::string& instance, const std::string& to,
                        const ControlServer::Responder&) override {
            switched = instance + ">" + to;
        }
        bool stop = false;
        EventLog log;
        std::string drained;
        std::string switched;
    } target;
    ControlCommands commands(target);
    Rig r;
    r.server.reset();
    auto run = [&](const std::string& line) {
        // A responder that is not connected answers nothing; the table is what is tested: a
        // reply through a real connection is in the tests above.
        commands.handle(line, ControlServer::Responder());
    };
    run("not json");
    run("{\"command\":\"bogus\"}");
    assert_int_equal(target.reloads, 0);
    run("{\"command\":\"reload\"}");
    assert_int_equal(target.reloads, 1);
    // Fields are checked by name and type: a typo is an error, not a different request.
    run("{\"command\":\"maintenance\",\"on\":\"yes\"}");
    run("{\"command\":\"maintenance\",\"on\":true,\"instanc\":\"vi\"}");
    run("{\"command\":\"maintenance\"}");
    assert_string_equal(target.drained.c_str(), "");
    run("{\"command\":\"maintenance\",\"on\":true,\"instance\":\"vi\"}");
    assert_string_equal(target.drained.c_str(), "vi");
    run("{\"command\":\"switchover\",\"to\":\"n2\"}"); // no instance
    run("{\"command\":\"switchover\",\"instance\":\"vi\",\"to\":2}");
    assert_string_equal(target.switched.c_str(), "");
    run("{\"command\":\"switchover\",\"instance\":\"vi\",\"to\":\"n2\"}");
    assert_string_equal(target.switched.c_str(), "vi>n2");
    target.stop = true;
    run("{\"command\":\"reload\"}");
    assert_int_equal(target.reloads, 1); // refused while shutting down
    run("{\"command\":\"maintenance\",\"on\":false}");
    assert_string_equal(target.drained.c_str(), "vi");
}

// The sequence numbers in `text` (one JSON line each), and the missed ranges told, in order:
// every number from `first` to the last one seen must be covered exactly once.
void assertCovered(const std::string& text, uint64_t first, uint64_t last) {
    uint64_t expect = first;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t eol = text.find('\n', pos);
        const std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.rfind("{\"ok\":", 0) == 0 || line.rfind("{\"type\":\"end\"", 0) == 0)
            continue;
        unsigned long long a = 0, b = 0, n = 0;
        if (std::sscanf(line.c_str(),
                        "{\"type\":\"missed\",\"count\":%llu,\"first\":%llu,\"last\":%llu", &n, &a,
                        &b) == 3) {
            assert_int_equal(a, expect);
            assert_int_equal(n, b - a + 1);
            expect = b + 1;
        } else {
            assert_int_equal(std::sscanf(line.c_str(), "{\"seq\":%llu", &a), 1);
            assert_int_equal(a, expect);
            ++expect;
        }
    }
    assert_int_equal(expect, last + 1);
}

// hafctl events --follow: the history, then each new event as it happens, then "end".
void events_stream_history_then_news(void**) {
    Rig r;
    EventLog log;
    r.onRequest = [&](const std::string&, ControlServer::Responder reply) {
        log.serve(std::nullopt, true, reply);
    };
    log.record("reload", {{"ok", true}});
    log.record("check", {{"check", "web"}, {"health", "up"}});
    const int fd = r.connect("events\n");
    std::string got;
    const auto readUntil = [&](const std::string& needle) {
        for (int i = 0; i < 2000 && got.find(needle) == std::string::npos; ++i) {
            r.loop.poll();
            char buf[4096];
            const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0)
                got.append(buf, static_cast<std::size_t>(n));
            else
                usleep(1000);
        }
        assert_non_null(std::strstr(got.c_str(), needle.c_str()));
    };
    readUntil("\"seq\":2,");
    assert_int_equal(got.find("{\"ok\":true,\"oldest\":1,\"next\":3}\n"), 0);
    assert_int_equal(log.followers(), 1);
    log.record("transition", {{"instance", "vi"}, {"to", "MASTER"}, {"priority", int64_t{100}}});
    readUntil("\"priority\":100}\n");
    assert_non_null(std::strstr(got.c_str(), "\"seq\":3,\"time\":\""));
    log.close("hafd is stopping");
    readUntil("{\"type\":\"end\",\"reason\":\"hafd is stopping\"}\n");
    assertCovered(got, 1, 3);
    close(fd);
}

// A follower that stops reading is never waited for: what does not fit in its backlog is
// counted, and it is told the count and the sequence numbers before the next event that fits.
// A reader asking for more history than is kept is told what it missed too.
void a_stalled_follower_is_told_what_it_missed(void**) {
    Rig r;
    EventLog log;
    r.onRequest = [&](const std::string&, ControlServer::Responder reply) {
        log.serve(std::nullopt, true, reply);
    };
    const int fd = r.connect("events\n");
    for (int i = 0; i < 50 && log.followers() == 0; ++i) {
        r.loop.poll();
        usleep(1000);
    }
    assert_int_equal(log.followers(), 1);
    const std::string big(1000, 'x');
    constexpr uint64_t kEvents = 2000; // 2 MB: far more than the backlog and the socket hold
    for (uint64_t i = 0; i < kEvents; ++i) {
        log.record("check", {{"result", big}});
        r.loop.poll();
    }
    // Now it reads everything, and one more event brings the notice.
    std::string got;
    const auto drain = [&] {
        for (int idle = 0; idle < 200;) {
            r.loop.poll();
            char buf[65536];
            const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                got.append(buf, static_cast<std::size_t>(n));
                idle = 0;
            } else {
                ++idle;
                usleep(1000);
            }
        }
    };
    drain();
    assert_null(std::strstr(got.c_str(), "\"type\":\"missed\""));
    log.record("quorum", {{"quorum", true}});
    drain();
    assert_non_null(std::strstr(got.c_str(), "\"type\":\"missed\""));
    assertCovered(got, 1, kEvents + 1);
    close(fd);

    // History: the last kHistory events are kept; asking from 1 tells what is gone.
    r.onRequest = [&](const std::string&, ControlServer::Responder reply) {
        log.serve(uint64_t{1}, false, reply);
    };
    const int fd2 = r.connect("events\n");
    got.clear();
    for (int i = 0; i < 5000; ++i) {
        r.loop.poll();
        char buf[65536];
        const ssize_t n = recv(fd2, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0)
            break;
        if (n > 0)
            got.append(buf, static_cast<std::size_t>(n));
        else
            usleep(1000);
    }
    const uint64_t oldest = kEvents + 2 - EventLog::kHistory;
    const std::string head = "{\"ok\":true,\"oldest\":" + std::to_string(oldest) +
                             ",\"next\":" + std::to_string(kEvents + 2) + "}\n";
    assert_int_equal(got.find(head), 0);
    assert_non_null(std::strstr(got.c_str(), ("{\"type\":\"missed\",\"count\":" +
                                              std::to_string(oldest - 1) + ",\"first\":1,")
                                                 .c_str()));
    assertCovered(got, 1, kEvents + 1);
    close(fd2);
}

// Shutdown waits for work in flight, and no longer than its bound.
void drain_waits_for_work_within_its_bound(void**) {
    TimePoint now = TimePoint{} + 10s;
    std::optional<TimePoint> armed;
    Scheduler scheduler([&](std::optional<TimePoint> t) { armed = t; });
    auto fire = [&] {
        now = *armed;
        scheduler.fire(now);
    };
    int done = 0;
    std::size_t inFlight = 2;
    {
        Drain d(scheduler, [&] { ++done; });
        d.await("control replies", [&] { return inFlight; });
        d.start(now, 1s);
        assert_int_equal(done, 0);
        fire();
        inFlight = 0;
        fire();
        assert_int_equal(done, 1);
        assert_true(now < TimePoint{} + 10s + 1s);
    }
    {
        Drain d(scheduler, [&] { ++done; });
        d.await("notify commands", [] { return std::size_t{1}; }); // never ends
        const TimePoint start = now;
        d.start(now, 500ms);
        while (done == 1 && now < start + 2s)
            fire();
        assert_int_equal(done, 2);
        assert_true(now >= start + 500ms && now < start + 520ms);
    }
    {
        Drain d(scheduler, [&] { ++done; });
        d.start(now, 1s); // nothing to wait for: done at once
        assert_int_equal(done, 3);
    }
}

// A request that does not end in time gets an error reply and the connection closes; so does
// one that is too long; neither reaches the handler.
void slow_and_oversized_requests_get_an_error(void**) {
    Rig r;
    const int slow = r.open();
    assert_true(slow >= 0);
    assert_int_equal(send(slow, "{\"command\":", 11, 0), 11); // half a request
    const std::string late = r.replyOn(slow);
    assert_non_null(std::strstr(late.c_str(), "request not complete within 0.2 s"));
    close(slow);
    const int big = r.open();
    const std::string huge(5000, 'x');
    (void)send(big, huge.data(), huge.size(), MSG_NOSIGNAL);
    const std::string refused = r.replyOn(big);
    assert_non_null(std::strstr(refused.c_str(), "request longer than 4096 bytes"));
    close(big);
    assert_true(r.held.empty());
    // The server still answers.
    const int fd = r.connect("now\n");
    assert_string_equal(r.replyOn(fd).c_str(), "{\"now\":1}\n");
    close(fd);
}

// A client that sends nothing at all does not keep a connection slot for ever.
void silent_clients_are_dropped(void**) {
    Rig r;
    std::vector<int> fds;
    for (int i = 0; i < 16; ++i) {
        fds.push_back(r.open());
        r.loop.poll(); // accepted one by one: the backlog is shorter than 16
    }
    const std::string busy = r.replyOn(r.open()); // the 17th
    assert_non_null(std::strstr(busy.c_str(), "busy"));
    for (int fd : fds) {
        assert_non_null(std::strstr(r.replyOn(fd).c_str(), "not complete"));
        close(fd);
    }
    const int fd = r.connect("now\n");
    assert_string_equal(r.replyOn(fd).c_str(), "{\"now\":1}\n");
    close(fd);
}

// Another user is refused from the kernel's word on the peer even when the file's mode lets
// everyone connect; a member of the group (primary or supplementary) is served.
void only_root_and_the_group_are_served(void**) {
    if (geteuid() != 0) {
        skip();
        return;
    }
    const group* nog = getgrnam("nogroup");
    assert_non_null(nog);
    const gid_t gid = nog->gr_gid;
    {
        Rig r("nogroup");
        r.loosen();
        const auto ask = [&r] {
            return r.askOpenly();
        };
        assert_int_equal(r.as(65534, 1, {}, ask), 1);       // neither root nor in the group
        assert_int_equal(r.as(65534, gid, {}, ask), 0);     // the group as primary group
        assert_int_equal(r.as(65534, 1, {2, gid}, ask), 0); // ... or a supplementary one
    }
    {
        Rig other; // no group at all: root only
        other.loosen();
        assert_int_equal(other.as(65534, gid, {gid}, [&other] { return other.askOpenly(); }), 1);
    }
    {
        // The modes hafd gives: the directory 0750 and the socket 0660, both of the group.
        Rig fresh("nogroup");
        struct stat st {};
        assert_int_equal(stat(fresh.dir.c_str(), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        assert_int_equal(st.st_gid, gid);
        assert_int_equal(stat((fresh.dir + "/control").c_str(), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0660);
        assert_int_equal(st.st_gid, gid);
    }
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reply_can_come_later),
        cmocka_unit_test(reply_now_still_works),
        cmocka_unit_test(client_gone_before_the_reply),
        cmocka_unit_test(commands_answer_errors_for_bad_requests),
        cmocka_unit_test(events_stream_history_then_news),
        cmocka_unit_test(a_stalled_follower_is_told_what_it_missed),
        cmocka_unit_test(slow_and_oversized_requests_get_an_error),
        cmocka_unit_test(silent_clients_are_dropped),
        cmocka_unit_test(only_root_and_the_group_are_served),
        cmocka_unit_test(drain_waits_for_work_within_its_bound),
    };
    return cmocka_run_group_tests_name("daemon-control", tests, nullptr, nullptr);
}
