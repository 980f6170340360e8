// SPDX-License-Identifier: Apache-2.0
// The control socket: <runtime-dir>/control, AF_UNIX stream, mode 0660. One JSON request line in,
// one JSON reply line out, then the connection closes (ctl/json.h). Bounded: a request over 4 KiB
// is cut off, and at most 16 connections are served at once.
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
public:
    // Turns a request line into a reply line (with its trailing newline).
    using Handler = std::function<std::string(const std::string& requestLine)>;

    // Creates the socket at `path`, replacing a stale one (the caller holds the runtime
    // directory's lock, so no other hafd uses it).
    static io::SysResult<std::unique_ptr<ControlServer>>
    open(io::Loop& loop, const std::string& path, Handler handler);
    ~ControlServer();

private:
    struct Connection;

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
    std::list<Connection> connections_;
};

} // namespace hafd::daemon
