// SPDX-License-Identifier: Apache-2.0
// The control socket: <runtime-dir>/control, AF_UNIX stream, mode 0660. One JSON request line in,
// one JSON reply line out, then the connection closes (ctl/json.h). The reply may come later
// than the request (a command that takes seconds answers when it is done): the handler gets a
// Responder to keep. Bounded: a request over 4 KiB is cut off, and at most 16 connections are
// served at once.
#pragma once

#include "io/loop.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"

#include <functional>
#include <list>
#include <memory>
#include <string>

namespace hafd::daemon {

class ControlServer {
    struct Connection;

public:
    // The way back to one client. Copyable; sending through any copy answers the request once
    // (later sends are ignored), and sending after the client left, or after the server was
    // destroyed, does nothing.
    class Responder {
    public:
        Responder() = default;
        // Sends `reply` (one line with its trailing newline) and closes the connection.
        void send(std::string reply) const;
        // Whether the client still waits for this reply.
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
    static io::SysResult<std::unique_ptr<ControlServer>>
    open(io::Loop& loop, const std::string& path, Handler handler);
    ~ControlServer();

    // Requests read whose reply has not been sent yet (work in flight at shutdown).
    std::size_t pendingReplies() const;

private:
    ControlServer(io::Loop& loop, std::string path, io::UniqueFd fd, Handler handler);
    void accept();
    void onReadable(Connection& c);
    void onWritable(Connection& c);
    void close(Connection& c);

    io::Loop& loop_;
    std::string path_;
    io::UniqueFd fd_;
    Handler handler_;
    io::IoWatcher watcher_;
    std::list<std::shared_ptr<Connection>> connections_;
};

} // namespace hafd::daemon
