// SPDX-License-Identifier: Apache-2.0
// The control socket's replies may come later than the request (daemon/control.h), and the
// bounded wait for work in flight at shutdown (daemon/shutdown.h). A real AF_UNIX socket in a
// temporary directory and a real loop; no root.
#include "daemon/control.h"
#include "daemon/control_commands.h"
#include "daemon/shutdown.h"

#include "unit_test.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

    Rig() {
        char tmpl[] = "/tmp/hafd-control-test.XXXXXX";
        dir = mkdtemp(tmpl);
        auto s = ControlServer::open(loop, dir + "/control",
                                     [this](const std::string& line, ControlServer::Responder r) {
                                         if (line == "now")
                                             r.send("{\"now\":1}\n");
                                         else
                                             held.push_back(r); // answered later
                                     });
        assert_true(s.ok());
        server = std::move(*s);
    }
    ~Rig() {
        server.reset();
        std::filesystem::remove_all(dir);
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
        bool stop = false;
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
    target.stop = true;
    run("{\"command\":\"reload\"}");
    assert_int_equal(target.reloads, 1); // refused while shutting down
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

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reply_can_come_later),
        cmocka_unit_test(reply_now_still_works),
        cmocka_unit_test(client_gone_before_the_reply),
        cmocka_unit_test(commands_answer_errors_for_bad_requests),
        cmocka_unit_test(drain_waits_for_work_within_its_bound),
    };
    return cmocka_run_group_tests_name("daemon-control", tests, nullptr, nullptr);
}
