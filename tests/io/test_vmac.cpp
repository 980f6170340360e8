// SPDX-License-Identifier: Apache-2.0
// io::VmacManager: create, adopt, refuse, delete macvlan VMACs; the IPv6 VMAC carries the
// parent's link-local and nothing derived from the VMAC; adverts sent through a VMAC reach the
// peer's parent with the VMAC as source MAC, also when the peer has the same VMAC (bridge mode),
// and would not in private mode (why hafd uses bridge mode).
#include "io/advert_socket.h"
#include "io/netlink.h"
#include "io/unique_fd.h"
#include "io/vmac.h"
#include "proto/advert.h"
#include "proto/frames.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
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

io::VmacManager manager() {
    auto m = io::VmacManager::open();
    if (!m)
        fail_msg("%s", m.error().message().c_str());
    return std::move(*m);
}

io::LinkInfo link(const std::string& name) {
    auto c = io::NetlinkClient::open();
    assert_true(c.ok());
    auto links = c->dumpLinks();
    assert_true(links.ok());
    for (const auto& l : *links)
        if (l.name == name)
            return l;
    fail_msg("no link %s", name.c_str());
    return {};
}

std::vector<io::AddressInfo> addresses(uint32_t ifindex) {
    auto c = io::NetlinkClient::open();
    assert_true(c.ok());
    auto all = c->dumpAddresses();
    assert_true(all.ok());
    std::vector<io::AddressInfo> out;
    for (const auto& a : *all)
        if (a.ifindex == ifindex)
            out.push_back(a);
    return out;
}

bool modeIs(const char* name, const char* mode) {
    const std::string out = capture({"ip", "-d", "link", "show", name});
    return out.find(std::string("macvlan mode ") + mode) != std::string::npos;
}

int setup(void**) {
    gPeerNs = newNamespace();
    const std::string ns = "/proc/self/fd/" + std::to_string(gPeerNs);
    mustRun({"ip", "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", ns.c_str()});
    mustRun({"ip", "addr", "add", "192.0.2.1/24", "dev", "va"});
    mustRun({"ip", "link", "set", "va", "up"});
    gVa = ifindex("va");
    inNamespace(gPeerNs, [] {
        mustRun({"ip", "addr", "add", "192.0.2.2/24", "dev", "vb"});
        mustRun({"ip", "link", "set", "vb", "up"});
        gVb = ifindex("vb");
        waitIpv6Ready("vb");
    });
    waitIpv6Ready("va");
    return 0;
}

void ipv4_vmac_created_adopted_and_removed(void**) {
    auto m = manager();
    auto v = m.ensure(Family::V4, 51, gVa);
    if (!v)
        fail_msg("%s", v.error().message().c_str());
    assert_true(v->created);
    assert_string_equal(v->name.c_str(), "vrrp.51");
    assert_true(v->warnings.empty());
    const auto l = link("vrrp.51");
    assert_int_equal(l.ifindex, v->ifindex);
    assert_string_equal(l.kind.c_str(), "macvlan");
    assert_int_equal(l.parentIfindex, gVa);
    const auto vmac = proto::virtualMac(Family::V4, 51);
    assert_int_equal(l.mac.size(), 6);
    assert_memory_equal(l.mac.data(), vmac.data(), 6);
    assert_true(l.adminUp());
    assert_true(modeIs("vrrp.51", "bridge"));
    assert_string_equal(readSysctl("net/ipv4/conf/vrrp.51/arp_ignore").c_str(), "1");
    assert_string_equal(readSysctl("net/ipv6/conf/vrrp.51/disable_ipv6").c_str(), "1");
    assert_true(addresses(v->ifindex).empty()); // no IPv6 link-local from the VMAC

    // Adopted as it is; a wrong mode is corrected.
    mustRun({"ip", "link", "set", "vrrp.51", "type", "macvlan", "mode", "private"});
    auto again = m.ensure(Family::V4, 51, gVa);
    assert_true(again.ok());
    assert_false(again->created);
    assert_int_equal(again->ifindex, v->ifindex);
    assert_true(modeIs("vrrp.51", "bridge"));

    assert_true(m.remove("vrrp.51").ok());
    assert_true(m.remove("vrrp.51").ok()); // absent: fine
    assert_int_equal(run({"ip", "link", "show", "vrrp.51"}) == 0, 0);
}

void foreign_links_are_refused_not_touched(void**) {
    auto m = manager();
    // A macvlan with another MAC.
    mustRun({"ip", "link", "add", "link", "va", "name", "vrrp.60", "type", "macvlan"});
    auto r = m.ensure(Family::V4, 60, gVa);
    assert_false(r.ok());
    assert_int_equal(r.error().code, EEXIST);
    // The right MAC on another parent.
    mustRun({"ip", "link", "add", "vc", "type", "veth", "peer", "name", "vd"});
    mustRun({"ip", "link", "add", "link", "vc", "name", "vrrp.61", "address", "00:00:5e:00:01:3d",
             "type", "macvlan"});
    r = m.ensure(Family::V4, 61, gVa);
    assert_false(r.ok());
    assert_int_equal(r.error().code, EEXIST);
    // Not a macvlan: never deleted.
    auto del = m.remove("va");
    assert_false(del.ok());
    assert_int_equal(del.error().code, EPERM);
    assert_int_equal(ifindex("va"), gVa);
    assert_true(m.remove("vrrp.60").ok());
    assert_true(m.remove("vrrp.61").ok());
    mustRun({"ip", "link", "del", "vc"});
    // No such parent.
    r = m.ensure(Family::V4, 62, 999999);
    assert_false(r.ok());
}

void ipv6_vmac_carries_the_parents_link_local_only(void**) {
    auto m = manager();
    auto notLinkLocal = m.ensure(Family::V6, 52, gVa, ip("2001:db8::1"));
    assert_false(notLinkLocal.ok());
    assert_int_equal(notLinkLocal.error().code, EINVAL);

    const IpAddress ll = linkLocalOf("va");
    auto v = m.ensure(Family::V6, 52, gVa, ll);
    if (!v)
        fail_msg("%s", v.error().message().c_str());
    assert_string_equal(v->name.c_str(), "vrrp6.52");
    assert_true(v->warnings.empty());
    assert_string_equal(readSysctl("net/ipv6/conf/vrrp6.52/accept_dad").c_str(), "0");
    assert_string_equal(readSysctl("net/ipv6/conf/vrrp6.52/accept_ra").c_str(), "0");
    assert_string_equal(readSysctl("net/ipv6/conf/vrrp6.52/autoconf").c_str(), "0");
    waitIpv6Ready("vrrp6.52");
    // Give the kernel time to (not) make a link-local of its own.
    for (int i = 0; i < 3; ++i) {
        const auto addrs = addresses(v->ifindex);
        assert_int_equal(addrs.size(), 1);
        assert_true(addrs[0].prefix.address == ll);
        assert_int_equal(addrs[0].prefix.length, 64);
        assert_true(addrs[0].flags & IFA_F_NODAD);
        assert_false(addrs[0].tentative());
        std::this_thread::sleep_for(100ms);
    }

    // Adopting a link that has a VMAC-derived link-local drops it.
    mustRun({"ip", "addr", "add", "fe80::200:5eff:fe00:234/64", "dev", "vrrp6.52"});
    auto again = m.ensure(Family::V6, 52, gVa, ll);
    assert_true(again.ok());
    assert_false(again->created);
    const auto addrs = addresses(v->ifindex);
    assert_int_equal(addrs.size(), 1);
    assert_true(addrs[0].prefix.address == ll);
    assert_true(m.remove("vrrp6.52").ok());
}

// Without parentLinkLocal the VMAC has no address until the daemon installs one (marked as
// hafd's), which a later ensure() keeps; unmarked link-locals are removed.
void ipv6_vmac_without_address_until_the_daemon_adds_one(void**) {
    auto m = manager();
    auto v = m.ensure(Family::V6, 53, gVa);
    if (!v)
        fail_msg("%s", v.error().message().c_str());
    assert_true(v->created);
    waitIpv6Ready("vrrp6.53");
    std::this_thread::sleep_for(200ms);
    assert_true(addresses(v->ifindex).empty());

    auto c = io::NetlinkClient::open();
    assert_true(c.ok());
    const std::vector<Prefix> ll{Prefix{linkLocalOf("va"), 64}};
    assert_true(c->addAddresses(v->ifindex, ll).ok());
    mustRun({"ip", "addr", "add", "fe80::200:5eff:fe00:235/64", "dev", "vrrp6.53"});
    auto again = m.ensure(Family::V6, 53, gVa);
    assert_true(again.ok());
    assert_false(again->created);
    const auto addrs = addresses(v->ifindex);
    assert_int_equal(addrs.size(), 1);
    assert_true(addrs[0].prefix == ll[0]);
    assert_true(addrs[0].installedByHafd());
    assert_true(m.remove("vrrp6.53").ok());
}

// A backup's VMAC that holds the parent's link-local answers Neighbour Solicitations for it with
// the VMAC as source MAC (a switch would move the VMAC to the backup); one without an address
// stays silent. Why ensure() can leave the link-local to the daemon.
void backup_vmac_with_link_local_answers_nd_with_the_vmac(void**) {
    IpAddress peerLl;
    proto::MacAddress peerMac{};
    inNamespace(gPeerNs, [&] {
        peerLl = linkLocalOf("vb");
        peerMac = macOf("vb");
        auto pm = manager();
        assert_true(pm.ensure(Family::V6, 54, gVb).ok());
        waitIpv6Ready("vrrp6.54");
    });
    const auto vmac = proto::virtualMac(Family::V6, 54);
    io::UniqueFd sniff(openPacketListener("va"));
    // Any datagram to the peer's link-local makes the kernel solicit its neighbour entry.
    const auto solicit = [&] {
        io::UniqueFd udp(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_in6 to{};
        to.sin6_family = AF_INET6;
        to.sin6_port = htons(9);
        std::memcpy(&to.sin6_addr, peerLl.bytes().data(), 16);
        to.sin6_scope_id = gVa;
        assert_int_equal(sendto(udp.get(), "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
                         1);
    };
    const auto naFromVmac = [&](const std::vector<uint8_t>& f) {
        return f.size() > 54 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 58 && f[54] == 136 &&
               std::memcmp(f.data() + 6, vmac.data(), 6) == 0;
    };
    solicit();
    const auto naFromParent = [&](const std::vector<uint8_t>& f) {
        return f.size() > 54 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 58 && f[54] == 136 &&
               std::memcmp(f.data() + 6, peerMac.data(), 6) == 0;
    };
    bool parentAnswered = false, vmacAnswered = false;
    nextFrame(
        sniff.get(),
        [&](const std::vector<uint8_t>& f) {
            parentAnswered = parentAnswered || naFromParent(f);
            vmacAnswered = vmacAnswered || naFromVmac(f);
            return false; // look at everything for 800 ms
        },
        800ms);
    assert_true(parentAnswered); // it was solicited...
    assert_false(vmacAnswered);  // ...and the VMAC kept quiet

    inNamespace(gPeerNs, [&] {
        auto pm = manager();
        assert_true(pm.ensure(Family::V6, 54, gVb, peerLl).ok());
        waitSolicitedNodeJoined("vrrp6.54", peerLl);
    });
    mustRun({"ip", "-6", "neigh", "flush", "dev", "va"});
    solicit();
    assert_false(nextFrame(sniff.get(), naFromVmac, 1000ms).empty());
    inNamespace(gPeerNs, [] {
        auto pm = manager();
        assert_true(pm.remove("vrrp6.54").ok());
    });
}

// The master's advert leaves its VMAC with the VMAC as source MAC and the parent's primary as
// source address, and the backup (which has a VMAC with the same MAC) hears it on its parent.
void advert_through_vmac_reaches_peer_with_the_same_vmac(void**) {
    auto m = manager();
    auto ours = m.ensure(Family::V4, 51, gVa);
    assert_true(ours.ok());
    io::AdvertSocket tx;
    {
        auto s = io::AdvertSocket::open(Family::V4, "va", gVa);
        assert_true(s.ok());
        tx = std::move(*s);
    }
    io::AdvertSocket rx;
    io::UniqueFd sniff;
    inNamespace(gPeerNs, [&] {
        auto pm = manager();
        assert_true(pm.ensure(Family::V4, 51, gVb).ok()); // the backup's VMAC
        auto s = io::AdvertSocket::open(Family::V4, "vb", gVb);
        assert_true(s.ok());
        rx = std::move(*s);
        assert_int_equal(rx.joinGroup(), 0);
        sniff.reset(openPacketListener("vb"));
    });
    const auto src = ip("192.0.2.1"), group = vrrpMulticastGroup(Family::V4);
    proto::Advertisement a;
    a.vrid = 51;
    a.priority = 150;
    a.addresses = {ip("192.0.2.100")};
    const auto msg = proto::encode(a, proto::ChecksumForm::PseudoHeader, src, group);
    const auto vmac = proto::virtualMac(Family::V4, 51);
    const auto isAdvert = [](const std::vector<uint8_t>& f) {
        return f.size() >= 34 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 112;
    };

    assert_int_equal(tx.send(msg, src, group, ours->ifindex), 0);
    const auto frame = nextFrame(sniff.get(), isAdvert, 1000ms);
    assert_false(frame.empty());
    assert_memory_equal(frame.data() + 6, vmac.data(), 6); // source MAC: the VMAC
    assert_int_equal(frame[15], 0xc0);                     // TOS
    assert_true(waitReadable(rx.fd(), 1000ms));
    io::RxPacket p;
    assert_int_equal(rx.receive(p), 1);
    assert_true(p.meta.source == src);
    assert_int_equal(p.meta.hopLimit, 255);
    assert_memory_equal(p.payload.data(), msg.data(), msg.size());

    // Why bridge mode: with the backup's VMAC in private mode, the macvlan driver hands the frame
    // (source MAC = one of its own private macvlans) to that macvlan only, not to the parent.
    inNamespace(gPeerNs, [] {
        mustRun({"ip", "link", "set", "vrrp.51", "type", "macvlan", "mode", "private"});
    });
    assert_int_equal(tx.send(msg, src, group, ours->ifindex), 0);
    assert_false(nextFrame(sniff.get(), isAdvert, 1000ms).empty()); // on the wire...
    assert_false(waitReadable(rx.fd(), 300ms));                     // ...but not on vb
    inNamespace(gPeerNs, [] {
        auto pm = manager();
        assert_true(pm.remove("vrrp.51").ok());
    });
    assert_true(m.remove("vrrp.51").ok());
}

void ipv6_advert_through_vmac_keeps_the_link_local_source(void**) {
    auto m = manager();
    const IpAddress ll = linkLocalOf("va");
    auto ours = m.ensure(Family::V6, 52, gVa, ll);
    assert_true(ours.ok());
    waitIpv6Ready("vrrp6.52");
    io::AdvertSocket tx;
    {
        auto s = io::AdvertSocket::open(Family::V6, "va", gVa);
        assert_true(s.ok());
        tx = std::move(*s);
    }
    io::AdvertSocket rx;
    io::UniqueFd sniff;
    inNamespace(gPeerNs, [&] {
        auto s = io::AdvertSocket::open(Family::V6, "vb", gVb);
        assert_true(s.ok());
        rx = std::move(*s);
        assert_int_equal(rx.joinGroup(), 0);
        sniff.reset(openPacketListener("vb"));
    });
    const auto group = vrrpMulticastGroup(Family::V6);
    proto::Advertisement a;
    a.family = Family::V6;
    a.vrid = 52;
    a.priority = 150;
    a.addresses = {ip("fe80::52")};
    const auto msg = proto::encode(a, proto::ChecksumForm::PseudoHeader, ll, group);
    assert_int_equal(tx.send(msg, ll, group, ours->ifindex), 0);
    const auto frame = nextFrame(
        sniff.get(),
        [](const std::vector<uint8_t>& f) {
            return f.size() >= 54 && f[12] == 0x86 && f[20] == 112;
        },
        1000ms);
    assert_false(frame.empty());
    const auto vmac = proto::virtualMac(Family::V6, 52);
    assert_memory_equal(frame.data() + 6, vmac.data(), 6);
    assert_true(waitReadable(rx.fd(), 1000ms));
    io::RxPacket p;
    assert_int_equal(rx.receive(p), 1);
    assert_true(p.meta.source == ll);
    assert_int_equal(p.meta.hopLimit, 255);
    assert_true(proto::decode(p.payload, p.meta).ok());
    assert_true(m.remove("vrrp6.52").ok());
}

} // namespace

int main() {
    enterPrivateNetns();
    const CMUnitTest tests[] = {
        cmocka_unit_test(ipv4_vmac_created_adopted_and_removed),
        cmocka_unit_test(foreign_links_are_refused_not_touched),
        cmocka_unit_test(ipv6_vmac_carries_the_parents_link_local_only),
        cmocka_unit_test(ipv6_vmac_without_address_until_the_daemon_adds_one),
        cmocka_unit_test(backup_vmac_with_link_local_answers_nd_with_the_vmac),
        cmocka_unit_test(advert_through_vmac_reaches_peer_with_the_same_vmac),
        cmocka_unit_test(ipv6_advert_through_vmac_keeps_the_link_local_source),
    };
    return cmocka_run_group_tests_name("io-vmac", tests, setup, nullptr);
}
