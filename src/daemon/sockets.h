// SPDX-License-Identifier: Apache-2.0
// The daemon's advert channels: one io::AdvertSocket per (interface, family), shared by the
// instances bound to that interface, with its read watcher, the sender the instances use and the
// counters of what was dropped before any instance was known.
#pragma once

#include "common/log_limit.h"
#include "daemon/io_ports.h"
#include "daemon/ports.h"
#include "io/advert_socket.h"
#include "io/loop.h"
#include "proto/drop_reason.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace hafd::daemon {

class Socket final : public AdvertChannel {
public:
    // Opens the socket for `link` and watches it; `readable` runs when adverts are queued.
    // Null (the error logged) when the socket cannot be opened.
    static std::unique_ptr<Socket> open(io::Loop& loop, uint32_t ifindex, const std::string& ifname,
                                        Family family, std::function<void(Socket&)> readable);

    AdvertSender& sender() override { return sender_; }
    int joinGroup() override;
    bool joined() const override { return socket_.joined(); }

    io::AdvertSocket& socket() { return socket_; }
    const io::AdvertSocket& socket() const { return socket_; }

    // Counted by the receiver (daemon/receiver.h) and the binder.
    proto::DropCounters drops{};
    uint64_t unknownVrid = 0;
    // The receiver logs one line a second at most about them.
    log::Limit unknownVridLog{1s};
    uint64_t received = 0;
    uint64_t joinFailures = 0;

private:
    explicit Socket(io::AdvertSocket socket) : socket_(std::move(socket)), sender_(socket_) {}

    io::AdvertSocket socket_;
    SocketSender sender_; // refers to socket_
    io::IoWatcher watcher_;
};

} // namespace hafd::daemon
