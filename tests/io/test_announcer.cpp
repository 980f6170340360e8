// SPDX-License-Identifier: Apache-2.0
// io::Announcer: gratuitous ARPs and unsolicited NAs leave va and arrive on vb (in the peer
// namespace) byte-equal to the proto builders' frames; 1000 of them in one round, timed.
#include "io/announcer.h"
#include "io/unique_fd.h"
#include "proto/frames.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace iotest;
using namespace std::chrono_literals;

namespace {

int gPeerNs = -1;
uint32_t gVa = 0;
io::UniqueFd gListener; // PF_PACKET on vb, in the peer namespace

io::Announcer announcer() {
    auto a = io::Announcer::open();
    if (!a)
        fail_msg("%s", a.error().message().c_str());
    return std::move(*a);
}

// The next `n` frames of `ethertype` that arrived on vb (others are skipped), within 2 s.
std::vector<std::vector<uint8_t>> receiveFrames(uint16_t ethertype, std::size_t n) {
    std::vector<std::vector<uint8_t>> out;
    std::array<uint8_t, 2048> buf;
    while (out.size() < n && waitReadable(gListener.get(), 2000ms)) {
        sockaddr_ll from{};
        socklen_t len = sizeof from;
        const ssize_t got = recvfrom(gListener.get(), buf.data(), buf.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &len);
        assert_true(got > 0);
        if (from.sll_pkttype == PACKET_OUTGOING || ntohs(from.sll_protocol) != ethertype)
            continue;
        if (ethertype == ETH_P_IPV6 && (got < 55 || buf[20] != 58 || buf[54] != 136))
            continue; // IPv6 but not an NA (MLD reports and the like)
        out.emplace_back(buf.begin(), buf.begin() + got);
    }
    return out;
}

void drainListener() {
    std::array<uint8_t, 2048> buf;
    while (recv(gListener.get(), buf.data(), buf.size(), MSG_DONTWAIT) > 0) {
    }
}

std::vector<IpAddress> benchVips(std::size_t n) {
    std::vector<IpAddress> v;
    for (uint32_t i = 1; i <= n; ++i)
        v.push_back(IpAddress::v4(198, 18, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)));
    return v;
}

int setup(void**) {
    gPeerNs = newNamespace();
    const std::string ns = "/proc/self/fd/" + std::to_string(gPeerNs);
    mustRun({"ip", "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", ns.c_str()});
    mustRun({"ip", "link", "set", "va", "up"});
    gVa = ifindex("va");
    inNamespace(gPeerNs, [] {
        mustRun({"ip", "link", "set", "vb", "up"});
        gListener.reset(openPacketListener("vb"));
    });
    return 0;
}

void garps_arrive_byte_equal(void**) {
    auto a = announcer();
    drainListener();
    const auto mac = proto::virtualMac(Family::V4, 51);
    const std::vector<IpAddress> vips{ip("192.0.2.100"), ip("198.51.100.7"), ip("203.0.113.1")};
    assert_int_equal(a.announce(gVa, mac, vips, false), 3);
    const auto frames = receiveFrames(ETH_P_ARP, 3);
    assert_int_equal(frames.size(), 3);
    for (std::size_t i = 0; i < vips.size(); ++i) {
        std::array<uint8_t, proto::kGarpFrameLength> want{};
        assert_int_equal(proto::buildGratuitousArp(want, mac, vips[i]), want.size());
        assert_int_equal(frames[i].size(), want.size());
        assert_memory_equal(frames[i].data(), want.data(), want.size());
    }
}

void nas_arrive_byte_equal_with_router_flag(void**) {
    auto a = announcer();
    drainListener();
    const auto mac = proto::virtualMac(Family::V6, 52);
    const std::vector<IpAddress> vips{ip("fe80::52"), ip("2001:db8::100")};
    for (const bool router : {false, true}) {
        assert_int_equal(a.announce(gVa, mac, vips, router), 2);
        const auto frames = receiveFrames(ETH_P_IPV6, 2);
        assert_int_equal(frames.size(), 2);
        for (std::size_t i = 0; i < vips.size(); ++i) {
            std::array<uint8_t, proto::kNaFrameLength> want{};
            assert_int_equal(proto::buildUnsolicitedNa(want, mac, vips[i], router), want.size());
            assert_int_equal(frames[i].size(), want.size());
            assert_memory_equal(frames[i].data(), want.data(), want.size());
        }
    }
}

void thousand_garps_in_one_round(void**) {
    auto a = announcer();
    const auto mac = proto::virtualMac(Family::V4, 51);
    const auto vips = benchVips(1000);
    std::vector<double> times;
    for (int run = 0; run < 5; ++run) {
        drainListener();
        const double t0 = nowUs();
        const int sent = a.announce(gVa, mac, vips, false);
        times.push_back(nowUs() - t0);
        assert_int_equal(sent, 1000);
        const auto frames = receiveFrames(ETH_P_ARP, 1000);
        assert_int_equal(frames.size(), 1000);
        for (std::size_t i = 0; i < vips.size(); ++i) {
            std::array<uint8_t, proto::kGarpFrameLength> want{};
            proto::buildGratuitousArp(want, mac, vips[i]);
            assert_memory_equal(frames[i].data(), want.data(), want.size());
        }
    }
    std::sort(times.begin(), times.end());
    print_message("1000 GARPs (build + sendmmsg): best %.2f ms, median %.2f ms, worst %.2f ms\n",
                  times.front() / 1e3, times[2] / 1e3, times.back() / 1e3);
}

void thousand_nas_in_one_round(void**) {
    auto a = announcer();
    const auto mac = proto::virtualMac(Family::V6, 52);
    std::vector<IpAddress> vips;
    for (uint32_t i = 1; i <= 1000; ++i) {
        uint8_t raw[16] = {0x20, 0x01, 0x0d, 0xb8};
        raw[14] = static_cast<uint8_t>(i >> 8);
        raw[15] = static_cast<uint8_t>(i);
        vips.emplace_back(Family::V6, raw);
    }
    drainListener();
    const double t0 = nowUs();
    assert_int_equal(a.announce(gVa, mac, vips, false), 1000);
    const double us = nowUs() - t0;
    assert_int_equal(receiveFrames(ETH_P_IPV6, 1000).size(), 1000);
    print_message("1000 NAs (build + sendmmsg): %.2f ms\n", us / 1e3);
}

void down_interface_is_an_error(void**) {
    auto a = announcer();
    mustRun({"ip", "link", "set", "va", "down"});
    const std::vector<IpAddress> vips{ip("192.0.2.100")};
    assert_int_equal(a.announce(gVa, proto::virtualMac(Family::V4, 1), vips, false), -ENETDOWN);
    mustRun({"ip", "link", "set", "va", "up"});
    assert_int_equal(a.announce(999999, proto::virtualMac(Family::V4, 1), vips, false), -ENXIO);
    assert_int_equal(a.announce(gVa, proto::virtualMac(Family::V4, 1), {}, false), 0);
}

void ipv6_forwarding_is_read_per_interface(void**) {
    assert_int_equal(io::ipv6Forwarding("va"), 0);
    writeSysctl("net/ipv6/conf/va/forwarding", "1");
    assert_int_equal(io::ipv6Forwarding("va"), 1);
    writeSysctl("net/ipv6/conf/va/forwarding", "0");
    assert_int_equal(io::ipv6Forwarding("va"), 0);
    assert_int_equal(io::ipv6Forwarding("nosuchif0"), -ENOENT);
    assert_int_equal(io::ipv6Forwarding("../all"), -EINVAL);
    assert_int_equal(io::ipv6Forwarding(""), -EINVAL);
}

} // namespace

int main() {
    enterPrivateNetns();
    const CMUnitTest tests[] = {
        cmocka_unit_test(garps_arrive_byte_equal),
        cmocka_unit_test(nas_arrive_byte_equal_with_router_flag),
        cmocka_unit_test(thousand_garps_in_one_round),
        cmocka_unit_test(thousand_nas_in_one_round),
        cmocka_unit_test(down_interface_is_an_error),
        cmocka_unit_test(ipv6_forwarding_is_read_per_interface),
    };
    return cmocka_run_group_tests_name("io-announcer", tests, setup, nullptr);
}
