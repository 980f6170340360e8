// SPDX-License-Identifier: Apache-2.0
// An address and port as the socket calls take them.
#pragma once

#include "common/address.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

namespace hafd::io {

// Fills `out` with a sockaddr_in or sockaddr_in6; returns its length.
inline socklen_t toSockaddr(const IpAddress& a, uint16_t port, sockaddr_storage& out) {
    std::memset(&out, 0, sizeof out);
    if (a.family() == Family::V4) {
        auto* s = reinterpret_cast<sockaddr_in*>(&out);
        s->sin_family = AF_INET;
        s->sin_port = htons(port);
        std::memcpy(&s->sin_addr, a.bytes().data(), 4);
        return sizeof(sockaddr_in);
    }
    auto* s = reinterpret_cast<sockaddr_in6*>(&out);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(port);
    std::memcpy(&s->sin6_addr, a.bytes().data(), 16);
    return sizeof(sockaddr_in6);
}

} // namespace hafd::io
