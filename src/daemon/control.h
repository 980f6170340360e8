// SPDX-License-Identifier: Apache-2.0
// The control socket: <runtime-dir>/control, AF_UNIX stream, mode 0660. One JSON request line in,
// one JSON reply line out, then the connection closes (ctl/json.h). The reply may come later
// than the request (a command that takes seconds answers when it is done): the handler gets a
// Responder to keep. Only peers that ControlAccess allows are served (the others get an error
// reply). Bounded: a request must be whole (one line, at most 4 KiB) within 5 s of the
// connection, and a reply written within 5 s of being given, or the connection is closed (with
// an error reply when the request was too long or too slow); at most 16 connections are served
// at once (the others get a "busy" error reply), and at most 64 are accepted per wakeup so that a
// flood of clients leaves the loop its adverts and timers. Refusals are counted (counters())
// and logged at most once every 10 s. A slow client never blocks the loop: everything is
// non-blocking.
//
// A reply may also be a stream (hafctl events --follow): lines written as they come, with no
// deadline, until the server ends it with a last line or the client leaves. What a client has
// not read yet is bounded by the caller (Responder::stream refuses more), never by blocking.
#pragma once

#include "common/log_limit.h"
#include "ctl/status.h"
#include "daemon/control_access.h"
#include "io/loop.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hafd::daemon {

// How long a control client may take (the defaults are hafctl(8)'s).
struct ControlLimits {
    Duration request = 5s; // from the connection to the request's newline
    Duration reply = 5s;   // from the reply given to its last byte written
};

class ControlServer {
    struct Connection;

public:
    // The way back to one client. Copyable; sending through any copy answers the request once
    // (later sends are ignored), and sending after the client left, or after the server was
    // destroyed, does nothing.
    class Responder {
    public:
        Responder() = default;
        // Sends `reply` (one line with its trailing newline) and closes the connection; on a
        // stream, the last line.
        void send(std::string reply) const;
        // Queues `lines` on a stream (the connection stays open) unless the client's unread
        // backlog would exceed `backlog` bytes: false then (nothing queued), or when the
        // client is gone.
        bool stream(std::string_view lines, std::size_t backlog) const;
        // Whether the client still waits for this reply (or reads this stream).
        bool waiting() const;

    private:
        friend class ControlServer;
        explicit Responder(std::weak_ptr<Connection> c) : c_(std::move(c)) {}
        std::weak_ptr<Connection> c_;
    };

    // Answers a request line, now or later, through `reply`.
    using Handler = std::function<void(const std::string& requestLine, Responder reply)>;

    // Creates the socket at `path`, replacing a stale one (the caller holds the runtime
    // directory's lock, so no other hafd uses it).

    // The socket's group and modes come from `access`.
    static io::SysResult<std::unique_ptr<ControlServer>> open(io::Loop& loop,
                                                              const std::string& path,
                                                              Handler handler, ControlAccess access,
                                                              ControlLimits limits = {});
    ~ControlServer();

    // Requests read whose reply has not been sent yet (work in flight at shutdown); streams
    // are not counted (their owner ends them).
    std::size_t pendingReplies() const;
    // What became of the connections so far (hafctl status "control").
    const ctl::ControlStatus& counters() const { return counters_; }

private:
    ControlServer(io::Loop& loop, std::string path, io::UniqueFd fd, Handler handler,
                  ControlAccess access, ControlLimits limits, io::PreciseTimer timer);
    void accept();
    // Closes the connections past their deadline and re-arms the timer for the next one.
    void expire();
    void armTimer();
    // A best-effort error reply on a connection being dropped, then closes it.
    void refuse(Connection& c, const std::string& error);
    void refuseTooLong(Connection& c);
    void onReadable(Connection& c);
    void onWritable(Connection& c);
    void close(Connection& c);

    io::Loop& loop_;
    std::string path_;
    io::UniqueFd fd_;
    Handler handler_;
    ControlAccess access_;
    ControlLimits limits_;
    io::IoWatcher watcher_;
    io::PreciseTimer timer_;
    ctl::ControlStatus counters_;
    // One line about refused connections per 10 s at most; the counters have every one.
    log::Limit refusalLog_{10s};
    std::list<std::shared_ptr<Connection>> connections_;
};

} // namespace hafd::daemon
