// SPDX-License-Identifier: Apache-2.0
// A non-blocking UDP socket bound to one local address and port, for cluster heartbeats
// (DESIGN.md §4). Bound with IP_FREEBIND, so it can open before the node's address is on an
// interface (it then sends and receives once the address appears).
#pragma once

#include "common/address.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"

#include <cstdint>
#include <optional>
#include <span>

namespace hafd::io {

class UdpSocket {
public:
    static SysResult<UdpSocket> open(const IpAddress& local, uint16_t port);

    int fd() const { return fd_.get(); }
    const IpAddress& local() const { return local_; }
    uint16_t port() const { return port_; }

    // 0, or -errno (never blocks: -EAGAIN when the send buffer is full).
    int sendTo(const IpAddress& destination, uint16_t port, std::span<const uint8_t> bytes);

    struct Datagram {
        std::size_t length = 0; // bytes placed in the buffer
        bool truncated = false; // the datagram was longer than the buffer
        IpAddress source;
        uint16_t sourcePort = 0;
    };
    // One datagram into `buffer`; nullopt when none is waiting (or on an error, counted in
    // errors()).
    std::optional<Datagram> receive(std::span<uint8_t> buffer);
    uint64_t errors() const { return errors_; }

private:
    UdpSocket(UniqueFd fd, const IpAddress& local, uint16_t port)
        : fd_(std::move(fd)), local_(local), port_(port) {}

    UniqueFd fd_;
    IpAddress local_;
    uint16_t port_ = 0;
    uint64_t errors_ = 0;
};

} // namespace hafd::io
