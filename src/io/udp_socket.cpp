// SPDX-License-Identifier: Apache-2.0
#include "io/udp_socket.h"

#include "io/sockaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace hafd::io {

SysResult<UdpSocket> UdpSocket::open(const IpAddress& local, uint16_t port) {
    const bool v4 = local.family() == Family::V4;
    const int domain = v4 ? AF_INET : AF_INET6;
    UniqueFd fd(::socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        return sysFail(errno, "socket(UDP)");
    const int on = 1;
    if (v4 ? ::setsockopt(fd.get(), IPPROTO_IP, IP_FREEBIND, &on, sizeof on) != 0
           : ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof on) != 0)
        return sysFail(errno, "setsockopt(FREEBIND)");
    if (!v4 && ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
        return sysFail(errno, "setsockopt(IPV6_V6ONLY)");
    sockaddr_storage sa;
    const socklen_t len = toSockaddr(local, port, sa);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), len) != 0)
        return sysFail(errno, "bind(" + local.toString() + " port " + std::to_string(port) + ")");
    return UdpSocket(std::move(fd), local, port);
}

int UdpSocket::sendTo(const IpAddress& destination, uint16_t port, std::span<const uint8_t> bytes) {
    sockaddr_storage sa;
    const socklen_t len = toSockaddr(destination, port, sa);
    const ssize_t n = ::sendto(fd_.get(), bytes.data(), bytes.size(), MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&sa), len);
    return n < 0 ? -errno : 0;
}

std::optional<UdpSocket::Datagram> UdpSocket::receive(std::span<uint8_t> buffer) {
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    const ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), MSG_TRUNC | MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&sa), &len);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            ++errors_;
        return std::nullopt;
    }
    Datagram d;
    d.truncated = static_cast<std::size_t>(n) > buffer.size();
    d.length = d.truncated ? buffer.size() : static_cast<std::size_t>(n);
    if (sa.ss_family == AF_INET) {
        const auto* s = reinterpret_cast<const sockaddr_in*>(&sa);
        d.source = IpAddress(Family::V4, {reinterpret_cast<const uint8_t*>(&s->sin_addr), 4});
        d.sourcePort = ntohs(s->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        const auto* s = reinterpret_cast<const sockaddr_in6*>(&sa);
        d.source = IpAddress(Family::V6, {reinterpret_cast<const uint8_t*>(&s->sin6_addr), 16});
        d.sourcePort = ntohs(s->sin6_port);
    }
    return d;
}

} // namespace hafd::io
