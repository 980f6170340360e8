// SPDX-License-Identifier: Apache-2.0
// io::TcpProbe, the `tcp` check (DESIGN.md §5), against the loopback of a private network
// namespace: a listener answers (and sees a connection that closes without data), a closed port
// refuses at once, a listener with a full accept queue drops the SYN so the probe times out,
// an address with no route fails from the loop, and cancel(), a new start() or destruction
// keep `done` from running.
#include "io/tcp_probe.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace iotest;
using namespace std::chrono_literals;

namespace {

struct Outcome {
    int calls = 0;
    int result = 1; // no result yet
    TimePoint at{};
};

io::TcpProbe::Done recordInto(Outcome& o) {
    return [&o](int result) {
        ++o.calls;
        o.result = result;
        o.at = io::monotonicNow();
    };
}

io::TcpProbe makeProbe(io::Loop& loop) {
    auto p = io::TcpProbe::create(loop);
    if (!p)
        fail_msg("%s", p.error().message().c_str());
    return std::move(*p);
}

IpAddress loopback(Family f) {
    return ip(f == Family::V4 ? "127.0.0.1" : "::1");
}

// A TCP socket bound to the loopback on a port the kernel picks; listening with `backlog` unless
// it is negative. Returns the fd; *port gets the port.
int boundSocket(Family f, int backlog, uint16_t* port) {
    const int fd = socket(f == Family::V4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (f == Family::V4) {
        auto& sin = reinterpret_cast<sockaddr_in&>(ss);
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof sin;
    } else {
        auto& sin6 = reinterpret_cast<sockaddr_in6&>(ss);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = in6addr_loopback;
        len = sizeof sin6;
    }
    assert_int_equal(bind(fd, reinterpret_cast<sockaddr*>(&ss), len), 0);
    if (backlog >= 0)
        assert_int_equal(listen(fd, backlog), 0);
    assert_int_equal(getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len), 0);
    *port = ntohs(f == Family::V4 ? reinterpret_cast<sockaddr_in&>(ss).sin_port
                                  : reinterpret_cast<sockaddr_in6&>(ss).sin6_port);
    return fd;
}

// Connections waiting in the accept queue of `listener`, and the most it takes.
void acceptQueue(int listener, unsigned* queued, unsigned* max) {
    tcp_info info{};
    socklen_t len = sizeof info;
    assert_int_equal(getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
    *queued = info.tcpi_unacked; // for a listener: its accept queue, and the backlog
    *max = info.tcpi_sacked;
}

// A listener that drops every further SYN: backlog 1, and two connections nobody accepts. The
// kernel takes one more connection than the backlog, then drops SYNs while the queue is full
// (a backlog of 0 would answer with SYN cookies and log a "SYN flooding" warning). Returns the
// listener; `fillers` keeps the connections open.
int fullListener(Family f, uint16_t* port, std::vector<int>& fillers) {
    const int listener = boundSocket(f, 1, port);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    assert_int_equal(getsockname(listener, reinterpret_cast<sockaddr*>(&ss), &len), 0);
    for (unsigned want = 1;; ++want) {
        unsigned queued = 0, max = 0;
        acceptQueue(listener, &queued, &max);
        if (queued > max)
            break;
        const int c = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_int_equal(connect(c, reinterpret_cast<sockaddr*>(&ss), len), 0);
        fillers.push_back(c);
        // The server side joins the queue when the client's ACK arrives: wait for it.
        for (int i = 0; i < 200 && queued < want; ++i) {
            usleep(1000);
            acceptQueue(listener, &queued, &max);
        }
        assert_true(queued == want);
    }
    return listener;
}

// Runs the loop until `o` has a result or `limit` has passed.
void runUntilDone(io::Loop& loop, const Outcome& o, Duration limit = 2s) {
    const TimePoint end = io::monotonicNow() + limit;
    auto guard = io::PreciseTimer::create(loop, [] {});
    assert_true(guard.ok());
    assert_int_equal(guard->arm(end), 0);
    while (o.calls == 0 && io::monotonicNow() < end)
        loop.runOnce();
}

// ---------------------------------------------------------------------------------------------

void connects_to_a_listener(Family f) {
    io::Loop loop;
    uint16_t port = 0;
    const int listener = boundSocket(f, 8, &port);
    Outcome o;
    auto started = makeProbe(loop);
    started.start(loopback(f), port, 2s, recordInto(o));
    assert_int_equal(o.calls, 0); // never inside start()
    assert_true(started.running());
    io::TcpProbe probe = std::move(started); // a running probe may move
    assert_true(probe.running());
    runUntilDone(loop, o);
    assert_int_equal(o.calls, 1);
    assert_int_equal(o.result, 0);
    assert_false(probe.running());

    // The server saw a connection that closed without sending anything.
    const int conn = accept(listener, nullptr, nullptr);
    assert_true(conn >= 0);
    assert_true(waitReadable(conn, 2000ms));
    char buf[16];
    assert_int_equal(read(conn, buf, sizeof buf), 0);
    close(conn);
    close(listener);
    loop.poll();
    assert_int_equal(o.calls, 1);
}

void connects_to_an_ipv4_listener(void**) {
    connects_to_a_listener(Family::V4);
}
void connects_to_an_ipv6_listener(void**) {
    connects_to_a_listener(Family::V6);
}

void closed_port_is_refused_at_once(void**) {
    for (const Family f : {Family::V4, Family::V6}) {
        io::Loop loop;
        uint16_t port = 0;
        const int bound = boundSocket(f, -1, &port); // holds the port, never listens
        Outcome o;
        auto probe = makeProbe(loop);
        const TimePoint start = io::monotonicNow();
        probe.start(loopback(f), port, 2s, recordInto(o));
        assert_int_equal(o.calls, 0);
        runUntilDone(loop, o);
        assert_int_equal(o.calls, 1);
        assert_int_equal(o.result, -ECONNREFUSED);
        assert_true(o.at - start < 500ms);
        close(bound);
    }
}

void a_dropped_syn_times_out(void**) {
    for (const Family f : {Family::V4, Family::V6}) {
        io::Loop loop;
        uint16_t port = 0;
        std::vector<int> fillers;
        const int listener = fullListener(f, &port, fillers);
        Outcome o;
        auto probe = makeProbe(loop);
        const TimePoint start = io::monotonicNow();
        probe.start(loopback(f), port, 200ms, recordInto(o));
        runUntilDone(loop, o);
        assert_int_equal(o.calls, 1);
        assert_int_equal(o.result, -ETIMEDOUT);
        const Duration took = o.at - start;
        print_message("%s timeout after %lld us (200 ms asked)\n", familyName(f),
                      static_cast<long long>(took.count()));
        assert_true(took >= 200ms && took < 700ms); // late only by a loaded machine
        for (const int c : fillers)
            close(c);
        close(listener);
    }
}

// connect() fails at once (no route in this namespace): the result still arrives from the loop.
void no_route_fails_from_the_loop(void**) {
    for (const char* address : {"192.0.2.9", "2001:db8::9"}) {
        io::Loop loop;
        Outcome o;
        auto probe = makeProbe(loop);
        probe.start(ip(address), 80, 2s, recordInto(o));
        assert_int_equal(o.calls, 0);
        assert_true(probe.running());
        runUntilDone(loop, o);
        assert_int_equal(o.calls, 1);
        assert_int_equal(o.result, -ENETUNREACH);
        assert_false(probe.running());
    }
}

void cancel_start_again_or_destroy_prevent_the_callback(void**) {
    io::Loop loop;
    uint16_t port = 0;
    std::vector<int> fillers;
    const int listener = fullListener(Family::V4, &port, fillers);
    const IpAddress lo = loopback(Family::V4);

    Outcome cancelled, replaced, last, destroyed, early;
    auto probe = makeProbe(loop);
    probe.start(lo, port, 50ms, recordInto(cancelled));
    probe.cancel();
    assert_false(probe.running());
    probe.start(ip("192.0.2.9"), 80, 50ms, recordInto(early)); // a result due at once
    probe.cancel();
    probe.start(lo, port, 50ms, recordInto(replaced));
    probe.start(lo, port, 50ms, recordInto(last)); // replaces the run in progress
    {
        auto gone = makeProbe(loop);
        gone.start(lo, port, 50ms, recordInto(destroyed));
    }
    runUntilDone(loop, last);
    assert_int_equal(last.calls, 1);
    assert_int_equal(last.result, -ETIMEDOUT);
    // Long enough for every abandoned deadline to have passed.
    Outcome never;
    runUntilDone(loop, never, 150ms);
    assert_int_equal(cancelled.calls, 0);
    assert_int_equal(early.calls, 0);
    assert_int_equal(replaced.calls, 0);
    assert_int_equal(destroyed.calls, 0);
    assert_int_equal(last.calls, 1);
    for (const int c : fillers)
        close(c);
    close(listener);
}

// The periodic check's pattern: `done` starts the next run, from the writability callback (a
// connection) and from the timer (a result known at once).
void done_may_start_the_next_run(void**) {
    io::Loop loop;
    uint16_t port = 0;
    const int listener = boundSocket(Family::V4, 16, &port);
    auto probe = makeProbe(loop);
    std::vector<int> results;
    io::TcpProbe::Done next = [&](int result) {
        results.push_back(result);
        if (results.size() < 3)
            probe.start(loopback(Family::V4), port, 1s, next);
        else if (results.size() < 6)
            probe.start(ip("192.0.2.9"), 80, 1s, next);
    };
    probe.start(loopback(Family::V4), port, 1s, next);
    const TimePoint end = io::monotonicNow() + 2s;
    auto guard = io::PreciseTimer::create(loop, [] {});
    assert_true(guard.ok());
    assert_int_equal(guard->arm(end), 0);
    while (results.size() < 6 && io::monotonicNow() < end)
        loop.runOnce();
    const std::vector<int> want{0, 0, 0, -ENETUNREACH, -ENETUNREACH, -ENETUNREACH};
    assert_true(results == want);
    assert_false(probe.running());
    close(listener);
}

} // namespace

int main() {
    enterPrivateNetns();
    const CMUnitTest tests[] = {
        cmocka_unit_test(connects_to_an_ipv4_listener),
        cmocka_unit_test(connects_to_an_ipv6_listener),
        cmocka_unit_test(closed_port_is_refused_at_once),
        cmocka_unit_test(a_dropped_syn_times_out),
        cmocka_unit_test(no_route_fails_from_the_loop),
        cmocka_unit_test(cancel_start_again_or_destroy_prevent_the_callback),
        cmocka_unit_test(done_may_start_the_next_run),
    };
    return cmocka_run_group_tests_name("io-tcp-probe", tests, nullptr, nullptr);
}
