// SPDX-License-Identifier: Apache-2.0
// The HTTP server's bounds (io/http_server.h; hafd(8) LIMITS, metrics listener): a request larger
// than the memory limit is refused without reaching the handler; connections beyond the limit
// wait in the listen queue, and an idle one is closed after the timeout, which lets them in.
#include "io/http_server.h"

#include "io/loop.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "io_test.h" // last: cmocka's macros clash with the standard headers

using namespace hafd;

namespace {

constexpr uint16_t kPort = 9650;

// A connected client (blocking connect: the kernel completes it from the listen queue), then
// non-blocking for reads.
int connectClient() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(kPort);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
    return fd;
}

void sendAll(int fd, const std::string& bytes) {
    assert_int_equal(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                     static_cast<ssize_t>(bytes.size()));
}

// What a client has received so far, and whether the server closed it.
struct Received {
    std::string bytes;
    bool closed = false;
};

void readFrom(int fd, Received& r) {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            r.bytes.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            r.closed = true;
        return;
    }
}

// Runs the loop for `limit`, or until `done`.
void pump(io::Loop& loop, Duration limit, const std::function<bool()>& done = {}) {
    const TimePoint end = io::monotonicNow() + limit;
    auto tick = io::PreciseTimer::create(loop, [] {});
    assert_true(tick.ok());
    while (io::monotonicNow() < end && !(done && done())) {
        assert_int_equal(tick->arm(std::min(end, io::monotonicNow() + 10ms)), 0);
        loop.runOnce();
    }
}

struct Rig {
    io::Loop loop;
    int answered = 0;
    std::unique_ptr<io::HttpServer> server;
    explicit Rig(io::HttpServer::Limits limits) {
        auto s = io::HttpServer::open(
            loop, iotest::ip("127.0.0.1"), kPort,
            [this](const std::string&, const std::string&) {
                ++answered;
                return io::HttpResponse{200, "text/plain", "ok\n", {}};
            },
            limits);
        assert_true(s.ok());
        server = std::move(*s);
    }
};

const std::string kGet = "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

void a_request_beyond_the_memory_limit_is_refused(void**) {
    Rig r({4, 2, 4096});
    const int big = connectClient();
    sendAll(big,
            "GET /metrics HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(8192, 'a') + "\r\n\r\n");
    Received got;
    pump(r.loop, 2s, [&] {
        readFrom(big, got);
        return got.closed;
    });
    ::close(big);
    assert_true(got.closed);
    assert_int_equal(got.bytes.find("HTTP/1.1 200"), std::string::npos);
    assert_int_equal(r.answered, 0);
    // A request within the limit is served.
    const int small = connectClient();
    sendAll(small, kGet);
    Received ok;
    pump(r.loop, 2s, [&] {
        readFrom(small, ok);
        return ok.closed;
    });
    ::close(small);
    assert_int_equal(ok.bytes.rfind("HTTP/1.1 200", 0), 0);
    assert_int_equal(r.answered, 1);
}

void connections_beyond_the_limit_wait_until_idle_ones_time_out(void**) {
    Rig r({2, 1, 4096});
    // Two clients that send nothing take both slots.
    const int idle1 = connectClient();
    const int idle2 = connectClient();
    pump(r.loop, 200ms);
    const int third = connectClient();
    sendAll(third, kGet);
    Received waiting, first, second;
    pump(r.loop, 500ms);
    readFrom(third, waiting);
    assert_true(waiting.bytes.empty());
    assert_false(waiting.closed);
    assert_int_equal(r.answered, 0);
    // The idle ones are closed after the timeout (1 s), and the third is served then.
    pump(r.loop, 4s, [&] {
        readFrom(idle1, first);
        readFrom(idle2, second);
        readFrom(third, waiting);
        return first.closed && second.closed && waiting.closed;
    });
    ::close(idle1);
    ::close(idle2);
    ::close(third);
    assert_true(first.closed && first.bytes.empty());
    assert_true(second.closed && second.bytes.empty());
    assert_int_equal(waiting.bytes.rfind("HTTP/1.1 200", 0), 0);
    assert_int_equal(r.answered, 1);
}

} // namespace

int main() {
    iotest::enterPrivateNetns(); // lo is up there
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_request_beyond_the_memory_limit_is_refused),
        cmocka_unit_test(connections_beyond_the_limit_wait_until_idle_ones_time_out),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
