// SPDX-License-Identifier: Apache-2.0
#include "io/arp_watch.h"

#include "io/unique_fd.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <string>

namespace hafd::io {

namespace {

// At most this many frames per readiness: an ARP storm on the link must not hold the loop.
constexpr int kReadsPerWake = 64;

// Passes Ethernet/IPv4 ARP (RFC 826) requests and replies whose sender IP is not 0.0.0.0,
// truncated to the 42 bytes the parser reads; drops everything else. Offsets are from the start
// of the Ethernet frame (SOCK_RAW).
constexpr std::array<sock_filter, 15> kFilter{{
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), // EtherType
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 0, 12),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14), // hardware type
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 10),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 16), // protocol type
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 18), // hardware and protocol address lengths
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0604, 0, 6),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20), // operation: request or reply
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 28), // sender IP
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, proto::kArpFrameLength),
    BPF_STMT(BPF_RET | BPF_K, 0),
}};

} // namespace

struct ArpWatch::State {
    UniqueFd fd;
    IoWatcher io; // after fd: stopped before the descriptor closes
    Heard heard;
    uint64_t ignored = 0;

    void read() {
        std::array<uint8_t, proto::kArpFrameLength> frame;
        for (int n = 0; n < kReadsPerWake; ++n) {
            sockaddr_ll from{};
            socklen_t len = sizeof from;
            const ssize_t r = ::recvfrom(fd.get(), frame.data(), frame.size(), MSG_TRUNC,
                                         reinterpret_cast<sockaddr*>(&from), &len);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                return; // EAGAIN: all read; anything else: the next readiness tries again
            }
            // Our own probes (and anything else this host sends) come back as PACKET_OUTGOING.
            const auto p = from.sll_pkttype == PACKET_OUTGOING
                               ? std::nullopt
                               : proto::parseArp(std::span(frame).first(std::min<std::size_t>(
                                     static_cast<std::size_t>(r), frame.size())));
            if (!p) {
                ++ignored;
                continue;
            }
            heard(*p);
        }
    }
};

SysResult<ArpWatch> ArpWatch::open(Loop& loop, uint32_t ifindex, Heard heard) {
    // Protocol 0: nothing is queued until bind(), which comes after the filter.
    UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd)
        return sysFail(errno, "socket(AF_PACKET, SOCK_RAW) for ARP");
    sock_fprog prog{static_cast<unsigned short>(kFilter.size()),
                    const_cast<sock_filter*>(kFilter.data())};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
        return sysFail(errno, "setsockopt(SO_ATTACH_FILTER) for ARP");
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_ARP);
    ll.sll_ifindex = static_cast<int>(ifindex);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&ll), sizeof ll) < 0)
        return sysFail(errno, "bind(AF_PACKET, ETH_P_ARP) to ifindex " + std::to_string(ifindex));
    ArpWatch w;
    w.s_ = std::make_unique<State>();
    State* self = w.s_.get(); // on the heap: moving the watch does not move it
    self->fd = std::move(fd);
    self->heard = std::move(heard);
    self->io = IoWatcher(loop, self->fd.get(), IoWatcher::Read, [self](int) { self->read(); });
    return w;
}

ArpWatch::ArpWatch() = default;
ArpWatch::ArpWatch(ArpWatch&&) noexcept = default;
ArpWatch& ArpWatch::operator=(ArpWatch&&) noexcept = default;
ArpWatch::~ArpWatch() = default;

void ArpWatch::drain() {
    if (s_)
        s_->read();
}

uint64_t ArpWatch::ignored() const {
    return s_ ? s_->ignored : 0;
}

} // namespace hafd::io
