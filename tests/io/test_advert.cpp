// SPDX-License-Identifier: Apache-2.0
// io::AdvertSocket round trips between two namespaces joined by a veth (va in ours, vb in the
// peer's): IPv4/IPv6 multicast and unicast, RxMeta (TTL, destination, ifindex), no loopback of
// our own adverts, group leave, draining, and the tentative-source error.
#include "io/advert_socket.h"
#include "io/loop.h"
#include "proto/advert.h"

#include <array>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace iotest;
using namespace std::chrono_literals;

namespace {

int gPeerNs = -1;
uint32_t gVa = 0, gVb = 0;
IpAddress gVaLinkLocal;

io::AdvertSocket openSocket(Family f, const char* ifname, uint32_t idx) {
    auto s = io::AdvertSocket::open(f, ifname, idx);
    if (!s)
        fail_msg("%s", s.error().message().c_str());
    assert_int_equal(s->joinGroup(), 0);
    return std::move(*s);
}

io::AdvertSocket peerSocket(Family f) {
    io::AdvertSocket s;
    inNamespace(gPeerNs, [&] { s = openSocket(f, "vb", gVb); });
    return s;
}

std::vector<uint8_t> advert(Family f, uint8_t vrid, const IpAddress& src, const IpAddress& dst) {
    proto::Advertisement a;
    a.family = f;
    a.vrid = vrid;
    a.priority = 100;
    a.intervalCs = 100;
    a.addresses = {f == Family::V4 ? ip("192.0.2.100") : ip("fe80::64")};
    auto bytes = proto::encode(a, proto::ChecksumForm::PseudoHeader, src, dst);
    assert_false(bytes.empty());
    return bytes;
}

// Receives one packet on `s` within 1 s and checks it is `sent` with the given metadata.
void expectReceived(io::AdvertSocket& s, const std::vector<uint8_t>& sent, const IpAddress& src,
                    const IpAddress& dst) {
    assert_true(waitReadable(s.fd(), 1000ms));
    io::RxPacket p;
    assert_int_equal(s.receive(p), 1);
    assert_false(p.drop.has_value());
    assert_true(p.meta.source == src);
    assert_true(p.meta.destination == dst);
    assert_int_equal(p.meta.hopLimit, 255);
    assert_int_equal(p.meta.ifindex, gVb);
    assert_int_equal(p.payload.size(), sent.size());
    assert_memory_equal(p.payload.data(), sent.data(), sent.size());
    auto decoded = proto::decode(p.payload, p.meta); // checksum as the kernel/peer computed it
    assert_true(decoded.ok());
    assert_int_equal(decoded->advert.vrid, sent[1]);
}

void expectSilent(io::AdvertSocket& s, std::chrono::milliseconds wait) {
    assert_false(waitReadable(s.fd(), wait));
    io::RxPacket p;
    assert_int_equal(s.receive(p), 0);
}

int setup(void**) {
    gPeerNs = newNamespace();
    const std::string ns = "/proc/self/fd/" + std::to_string(gPeerNs);
    mustRun({"ip", "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", ns.c_str()});
    mustRun({"ip", "addr", "add", "192.0.2.1/24", "dev", "va"});
    mustRun({"ip", "addr", "add", "2001:db8:1::1/64", "dev", "va", "nodad"});
    mustRun({"ip", "link", "set", "va", "up"});
    gVa = ifindex("va");
    inNamespace(gPeerNs, [] {
        mustRun({"ip", "addr", "add", "192.0.2.2/24", "dev", "vb"});
        mustRun({"ip", "addr", "add", "2001:db8:1::2/64", "dev", "vb", "nodad"});
        mustRun({"ip", "link", "set", "vb", "up"});
        gVb = ifindex("vb");
        waitIpv6Ready("vb");
    });
    waitIpv6Ready("va");
    gVaLinkLocal = linkLocalOf("va");
    return 0;
}

void ipv4_multicast_round_trip(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    const auto msg = advert(Family::V4, 51, src, group);
    assert_int_equal(a.send(msg, src, group), 0);
    expectReceived(b, msg, src, group);
    expectSilent(a, 200ms); // IP_MULTICAST_LOOP off
}

void ipv6_multicast_round_trip(void**) {
    auto a = openSocket(Family::V6, "va", gVa);
    auto b = peerSocket(Family::V6);
    const auto group = vrrpMulticastGroup(Family::V6);
    const auto msg = advert(Family::V6, 52, gVaLinkLocal, group);
    // The kernel fills the checksum (IPV6_CHECKSUM): send it zeroed to prove it.
    auto zeroed = msg;
    zeroed[6] = zeroed[7] = 0;
    assert_int_equal(a.send(zeroed, gVaLinkLocal, group), 0);
    expectReceived(b, msg, gVaLinkLocal, group);
    expectSilent(a, 200ms);
}

void ipv4_unicast_round_trip(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1"), dst = ip("192.0.2.2");
    const auto msg = advert(Family::V4, 61, src, dst);
    assert_int_equal(a.send(msg, src, dst), 0);
    expectReceived(b, msg, src, dst);
}

void ipv6_unicast_round_trip_with_hop_limit_255(void**) {
    auto a = openSocket(Family::V6, "va", gVa);
    auto b = peerSocket(Family::V6);
    const auto src = ip("2001:db8:1::1"), dst = ip("2001:db8:1::2");
    const auto msg = advert(Family::V6, 62, src, dst);
    assert_int_equal(a.send(msg, src, dst), 0);
    expectReceived(b, msg, src, dst);
}

// Unicast to several peers: one message, re-checksummed per destination (the IPv4 pseudo-header
// holds the destination).
void ipv4_unicast_rechecksum_per_peer(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1");
    auto msg = advert(Family::V4, 63, src, ip("192.0.2.3"));
    assert_true(proto::setChecksum(msg, proto::Version::V3, proto::ChecksumForm::PseudoHeader, src,
                                   ip("192.0.2.2")));
    assert_int_equal(a.send(msg, src, ip("192.0.2.2")), 0);
    expectReceived(b, msg, src, ip("192.0.2.2"));
}

void receive_drains_until_empty(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    for (uint8_t vrid = 1; vrid <= 3; ++vrid)
        assert_int_equal(a.send(advert(Family::V4, vrid, src, group), src, group), 0);
    assert_true(waitReadable(b.fd(), 1000ms));
    int got = 0;
    for (int i = 0; i < 50 && got < 3; ++i) {
        io::RxPacket p;
        const int r = b.receive(p);
        assert_true(r >= 0);
        if (r == 0) {
            waitReadable(b.fd(), 100ms);
            continue;
        }
        ++got;
        assert_int_equal(p.payload[1], got);
    }
    assert_int_equal(got, 3);
    io::RxPacket p;
    assert_int_equal(b.receive(p), 0);
}

void left_group_hears_unicast_only(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    assert_int_equal(b.leaveGroup(), 0);
    assert_int_equal(b.leaveGroup(), 0); // idempotent
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    assert_int_equal(a.send(advert(Family::V4, 51, src, group), src, group), 0);
    expectSilent(b, 300ms);
    const auto msg = advert(Family::V4, 61, src, ip("192.0.2.2"));
    assert_int_equal(a.send(msg, src, ip("192.0.2.2")), 0);
    expectReceived(b, msg, src, ip("192.0.2.2"));
    assert_int_equal(b.joinGroup(), 0);
    assert_int_equal(b.joinGroup(), 0);
}

// Another socket on another interface of the peer, or one that never joined, hears nothing:
// SO_BINDTODEVICE and IP_MULTICAST_ALL=0 (TOOLCHAIN.md §4).
void unjoined_socket_hears_no_multicast(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4); // joined: keeps the group joined on vb
    io::AdvertSocket quiet;
    inNamespace(gPeerNs, [&] {
        auto s = io::AdvertSocket::open(Family::V4, "vb", gVb);
        assert_true(s.ok());
        quiet = std::move(*s);
    });
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    const auto msg = advert(Family::V4, 51, src, group);
    assert_int_equal(a.send(msg, src, group), 0);
    expectReceived(b, msg, src, group);
    expectSilent(quiet, 200ms);
}

// One call takes every queued advert (recvmmsg); a short batch means the queue is empty.
void batch_receive_takes_all_queued_adverts_in_one_call(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    for (uint8_t vrid = 1; vrid <= 3; ++vrid)
        assert_int_equal(a.send(advert(Family::V4, vrid, src, group), src, group), 0);
    assert_true(waitReadable(b.fd(), 1000ms));
    std::this_thread::sleep_for(20ms);
    std::array<io::RxPacket, io::AdvertSocket::kBatch> batch;
    assert_int_equal(b.receive(std::span<io::RxPacket>(batch)), 3);
    for (uint8_t i = 0; i < 3; ++i) {
        assert_false(batch[i].drop.has_value());
        auto d = proto::decode(batch[i].payload, batch[i].meta);
        assert_true(d.ok());
        assert_int_equal(d->advert.vrid, i + 1); // each slot its own bytes
    }
    assert_int_equal(b.receive(std::span<io::RxPacket>(batch)), 0);
}

// The arrival time is the kernel's receive stamp on the monotonic clock: a packet read late keeps
// the time it arrived, so a backup's Master_Down_Timer is not stretched by the loop's delays.
void arrival_time_is_when_the_kernel_received_it(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    const TimePoint before = io::monotonicNow();
    assert_int_equal(a.send(advert(Family::V4, 51, src, group), src, group), 0);
    const TimePoint sent = io::monotonicNow();
    assert_true(waitReadable(b.fd(), 1000ms));
    std::this_thread::sleep_for(50ms); // the loop is busy elsewhere
    io::RxPacket p;
    assert_int_equal(b.receive(p), 1);
    const TimePoint read = io::monotonicNow();
    assert_true(p.arrived >= before - 1ms); // the realtime-to-monotonic conversion's rounding
    assert_true(p.arrived <= sent + 1ms);
    assert_true(read - p.arrived >= 50ms);
}

// Queued messages leave in one flush; each gets its own result, and one that fails (a source
// that is not on the interface) does not stop the ones after it.
void batched_send_reports_each_message_and_goes_past_a_failure(void**) {
    auto a = openSocket(Family::V6, "va", gVa);
    auto b = peerSocket(Family::V6);
    const auto group = vrrpMulticastGroup(Family::V6), absent = ip("fe80::1234");
    assert_int_equal(a.queue(advert(Family::V6, 1, gVaLinkLocal, group), gVaLinkLocal, group), 0);
    assert_int_equal(a.queue(advert(Family::V6, 2, absent, group), absent, group), 0);
    assert_int_equal(a.queue(advert(Family::V6, 3, gVaLinkLocal, group), gVaLinkLocal, group), 0);
    assert_int_equal(a.queued(), 3);
    const auto results = a.flush();
    assert_int_equal(results.size(), 3);
    assert_int_equal(results[0], 0);
    assert_int_equal(results[1], -EADDRNOTAVAIL);
    assert_int_equal(results[2], 0);
    assert_int_equal(a.queued(), 0);
    assert_true(waitReadable(b.fd(), 1000ms));
    std::this_thread::sleep_for(20ms);
    std::array<io::RxPacket, io::AdvertSocket::kBatch> batch;
    assert_int_equal(b.receive(std::span<io::RxPacket>(batch)), 2);
    for (std::size_t i = 0; i < 2; ++i) {
        auto d = proto::decode(batch[i].payload, batch[i].meta);
        assert_true(d.ok());
        assert_int_equal(d->advert.vrid, i == 0 ? 1 : 3);
    }
    // Nothing queued: an empty flush.
    assert_int_equal(a.flush().size(), 0);
}

// Adverts queued before the process was held up (SIGSTOP between queue and flush) are not
// sent: flush(maxAge) drops them with -ESTALE. Sent at once, they leave as usual.
void adverts_queued_before_a_stall_are_not_sent(void**) {
    auto a = openSocket(Family::V4, "va", gVa);
    auto b = peerSocket(Family::V4);
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    const auto sent = advert(Family::V4, 7, src, group);
    assert_int_equal(a.queue(sent, src, group), 0);
    assert_int_equal(a.queue(sent, src, group), 0);
    std::this_thread::sleep_for(60ms); // the stall
    const auto late = a.flush(50ms);
    assert_int_equal(late.size(), 2);
    assert_int_equal(late[0], -ESTALE);
    assert_int_equal(late[1], -ESTALE);
    assert_int_equal(a.queued(), 0);
    expectSilent(b, 200ms);
    assert_int_equal(a.queue(sent, src, group), 0);
    const auto onTime = a.flush(50ms);
    assert_int_equal(onTime.size(), 1);
    assert_int_equal(onTime[0], 0);
    expectReceived(b, sent, src, group);
}

// A link-local that is still tentative (DAD running) cannot be a source yet: a distinct,
// transient error, so the daemon retries (TOOLCHAIN.md §4, §11).
void tentative_source_is_eaddrnotavail(void**) {
    auto a = openSocket(Family::V6, "va", gVa);
    writeSysctl("net/ipv6/conf/va/accept_dad", "1");
    mustRun({"ip", "addr", "add", "fe80::99/64", "dev", "va"});
    const auto tentative = ip("fe80::99"), group = vrrpMulticastGroup(Family::V6);
    const auto msg = advert(Family::V6, 52, tentative, group);
    assert_int_equal(a.send(msg, tentative, group), -EADDRNOTAVAIL);
    // An address that is not there at all: the same answer.
    assert_int_equal(a.send(msg, ip("fe80::1234"), group), -EADDRNOTAVAIL);
    mustRun({"ip", "addr", "del", "fe80::99/64", "dev", "va"});
    writeSysctl("net/ipv6/conf/va/accept_dad", "0");
    // Wrong family is refused before any syscall.
    assert_int_equal(a.send(msg, ip("192.0.2.1"), group), -EAFNOSUPPORT);
}

} // namespace

int main() {
    enterPrivateNetns();
    const CMUnitTest tests[] = {
        cmocka_unit_test(ipv4_multicast_round_trip),
        cmocka_unit_test(ipv6_multicast_round_trip),
        cmocka_unit_test(ipv4_unicast_round_trip),
        cmocka_unit_test(ipv6_unicast_round_trip_with_hop_limit_255),
        cmocka_unit_test(ipv4_unicast_rechecksum_per_peer),
        cmocka_unit_test(receive_drains_until_empty),
        cmocka_unit_test(left_group_hears_unicast_only),
        cmocka_unit_test(unjoined_socket_hears_no_multicast),
        cmocka_unit_test(tentative_source_is_eaddrnotavail),
        cmocka_unit_test(arrival_time_is_when_the_kernel_received_it),
        cmocka_unit_test(batch_receive_takes_all_queued_adverts_in_one_call),
        cmocka_unit_test(batched_send_reports_each_message_and_goes_past_a_failure),
        cmocka_unit_test(adverts_queued_before_a_stall_are_not_sent),
    };
    return cmocka_run_group_tests_name("io-advert", tests, setup, nullptr);
}
