// SPDX-License-Identifier: Apache-2.0
// io::LinkMonitor against the kernel: carrier loss and return, address events with the
// requester's port id, and the resync event after an overflow.
#include "io/link_monitor.h"
#include "io/netlink.h"

#include <sys/socket.h>

#include <variant>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace iotest;
using namespace std::chrono_literals;

namespace {

uint32_t gVa = 0;

io::LinkMonitor monitor() {
    auto m = io::LinkMonitor::open();
    if (!m)
        fail_msg("%s", m.error().message().c_str());
    return std::move(*m);
}

// Reads events until `match` accepts one (true) or 3 s pass (false).
template <typename Match>
bool waitFor(io::LinkMonitor& m, Match match) {
    const double deadline = nowUs() + 3e6;
    while (nowUs() < deadline) {
        if (!waitReadable(m.fd(), 100ms))
            continue;
        std::vector<io::NetlinkEvent> events;
        assert_true(m.read(events) >= 0);
        for (const auto& e : events)
            if (match(e))
                return true;
    }
    return false;
}

int setup(void**) {
    gVa = vethPairUp();
    return 0;
}

void carrier_follows_the_peer(void**) {
    auto m = monitor();
    mustRun({"ip", "link", "set", "vb", "down"});
    assert_true(waitFor(m, [](const io::NetlinkEvent& e) {
        const auto* l = std::get_if<io::LinkEvent>(&e);
        return l && !l->removed && l->link.ifindex == gVa && l->link.adminUp() &&
               !l->link.carrier();
    }));
    mustRun({"ip", "link", "set", "vb", "up"});
    assert_true(waitFor(m, [](const io::NetlinkEvent& e) {
        const auto* l = std::get_if<io::LinkEvent>(&e);
        return l && l->link.ifindex == gVa && l->link.carrier() && l->link.running();
    }));
}

void link_removal_is_reported(void**) {
    mustRun({"ip", "link", "add", "vc", "type", "veth", "peer", "name", "vd"});
    const uint32_t vc = ifindex("vc");
    auto m = monitor();
    mustRun({"ip", "link", "del", "vc"});
    assert_true(waitFor(m, [vc](const io::NetlinkEvent& e) {
        const auto* l = std::get_if<io::LinkEvent>(&e);
        return l && l->removed && l->link.ifindex == vc && l->link.name == "vc";
    }));
}

void address_events_carry_the_requester(void**) {
    auto m = monitor();
    auto c = io::NetlinkClient::open();
    assert_true(c.ok());
    const uint32_t ours = c->portId();
    const std::vector<Prefix> vip{prefix("198.51.100.20/32")};
    auto r = c->addAddresses(gVa, vip);
    assert_true(r.ok());
    assert_int_equal((*r)[0].error, 0);
    assert_true(waitFor(m, [&](const io::NetlinkEvent& e) {
        const auto* a = std::get_if<io::AddressEvent>(&e);
        return a && !a->removed && a->address.prefix == vip[0] && a->requesterPortId == ours &&
               a->address.installedByHafd() && a->address.ifindex == gVa;
    }));
    // Removed behind hafd's back: another port id, and still recognisable as ours by IFA_PROTO.
    mustRun({"ip", "addr", "del", "198.51.100.20/32", "dev", "va"});
    uint32_t foreign = 0;
    assert_true(waitFor(m, [&](const io::NetlinkEvent& e) {
        const auto* a = std::get_if<io::AddressEvent>(&e);
        if (!(a && a->removed && a->address.prefix == vip[0]))
            return false;
        foreign = a->requesterPortId;
        return a->address.installedByHafd();
    }));
    assert_true(foreign != ours);
    assert_true(foreign != 0);
}

// IPv6 address events carry no port id (the kernel sends them with 0): IFA_PROTO tells.
void ipv6_address_events_carry_proto_not_port(void**) {
    auto m = monitor();
    auto c = io::NetlinkClient::open();
    assert_true(c.ok());
    const std::vector<Prefix> vip{prefix("2001:db8::20/128")};
    auto r = c->addAddresses(gVa, vip);
    assert_true(r.ok());
    assert_true(waitFor(m, [&](const io::NetlinkEvent& e) {
        const auto* a = std::get_if<io::AddressEvent>(&e);
        return a && !a->removed && a->address.prefix == vip[0] && a->requesterPortId == 0 &&
               a->address.installedByHafd() && !a->address.tentative();
    }));
    r = c->removeAddresses(gVa, vip);
    assert_true(r.ok());
    assert_true(waitFor(m, [&](const io::NetlinkEvent& e) {
        const auto* a = std::get_if<io::AddressEvent>(&e);
        return a && a->removed && a->address.prefix == vip[0];
    }));
}

void overflow_becomes_one_resync(void**) {
    auto m = monitor();
    const int tiny = 1; // the kernel's minimum (a few KiB)
    assert_int_equal(setsockopt(m.fd(), SOL_SOCKET, SO_RCVBUFFORCE, &tiny, sizeof tiny), 0);
    auto c = io::NetlinkClient::open();
    assert_true(c.ok());
    std::vector<Prefix> many;
    for (int i = 1; i <= 200; ++i)
        many.push_back(Prefix{IpAddress::v4(198, 18, 7, static_cast<uint8_t>(i)), 32});
    assert_true(c->addAddresses(gVa, many).ok());
    assert_true(waitReadable(m.fd(), 1000ms));
    std::vector<io::NetlinkEvent> events;
    assert_int_equal(m.read(events), 1);
    assert_int_equal(events.size(), 1);
    assert_true(std::holds_alternative<io::ResyncEvent>(events[0]));
    // Quiet afterwards: the next read finds nothing.
    events.clear();
    assert_int_equal(m.read(events), 0);
    assert_true(c->removeAddresses(gVa, many).ok());
}

} // namespace

int main() {
    enterPrivateNetns();
    const CMUnitTest tests[] = {
        cmocka_unit_test(carrier_follows_the_peer),
        cmocka_unit_test(link_removal_is_reported),
        cmocka_unit_test(address_events_carry_the_requester),
        cmocka_unit_test(ipv6_address_events_carry_proto_not_port),
        cmocka_unit_test(overflow_becomes_one_resync),
    };
    return cmocka_run_group_tests_name("io-monitor", tests, setup, nullptr);
}
