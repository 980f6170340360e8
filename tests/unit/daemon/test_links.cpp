// SPDX-License-Identifier: Apache-2.0
// The advert source an instance gets from the interface's addresses (daemon::LinkTable).
#include "daemon/links.h"

#include "unit_test.h"

#include <linux/if_addr.h>

using namespace hafd;
using namespace hafd::daemon;

namespace {

io::AddressInfo addr(const char* prefix, uint32_t flags = 0) {
    io::AddressInfo a;
    a.ifindex = 2;
    a.prefix = *Prefix::parse(prefix);
    a.flags = flags;
    return a;
}

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

bool none(const IpAddress&) {
    return false;
}

void ipv4_source_is_the_primary_and_never_a_vip_or_secondary(void**) {
    LinkTable t;
    t.addAddress(addr("198.51.100.10/32")); // a VIP, installed first by an earlier run
    t.addAddress(addr("192.0.2.1/24"));
    t.addAddress(addr("192.0.2.7/24", IFA_F_SECONDARY));
    const auto isVip = [](const IpAddress& a) {
        return a == ip("198.51.100.10");
    };
    assert_true(t.sourceFor(2, Family::V4, IpAddress(), isVip) == ip("192.0.2.1"));
}

void the_current_source_is_kept_while_it_is_usable(void**) {
    LinkTable t;
    t.addAddress(addr("192.0.2.1/24"));
    t.addAddress(addr("203.0.113.1/24"));
    assert_true(t.sourceFor(2, Family::V4, ip("203.0.113.1"), none) == ip("203.0.113.1"));
    t.removeAddress(addr("203.0.113.1/24"));
    assert_true(t.sourceFor(2, Family::V4, ip("203.0.113.1"), none) == ip("192.0.2.1"));
    t.removeAddress(addr("192.0.2.1/24"));
    assert_false(t.sourceFor(2, Family::V4, ip("192.0.2.1"), none).has_value());
}

void ipv6_multicast_adverts_leave_from_the_link_local(void**) {
    LinkTable t;
    t.addAddress(addr("2001:db8::1/64"));
    t.addAddress(addr("fe80::1/64", IFA_F_TENTATIVE)); // not usable until DAD is done
    assert_false(t.sourceFor(2, Family::V6, IpAddress(), none).has_value());
    t.addAddress(addr("fe80::1/64"));
    assert_true(t.sourceFor(2, Family::V6, IpAddress(), none) == ip("fe80::1"));
}

void ipv6_unicast_to_global_peers_leaves_from_a_global_address_in_their_prefix(void**) {
    // The peers check the source against the addresses they list (PROTOCOL.md §2.4).
    LinkTable t;
    t.addAddress(addr("fe80::1/64"));
    t.addAddress(addr("2001:db8:1::1/64"));
    t.addAddress(addr("2001:db8::1/64"));
    const std::vector<IpAddress> peers{ip("2001:db8::2")};
    assert_true(t.sourceFor(2, Family::V6, IpAddress(), none, peers) == ip("2001:db8::1"));
    const std::vector<IpAddress> linkLocalPeers{ip("fe80::2")};
    assert_true(t.sourceFor(2, Family::V6, IpAddress(), none, linkLocalPeers) == ip("fe80::1"));
}

void addresses_keep_the_kernels_order_through_updates(void**) {
    LinkTable t;
    t.addAddress(addr("192.0.2.1/24"));
    t.addAddress(addr("203.0.113.1/24"));
    t.addAddress(addr("192.0.2.1/24", IFA_F_SECONDARY)); // an update, not a new address
    assert_int_equal(t.addresses(2).size(), 2);
    assert_true(t.addresses(2).front().secondary());
    assert_true(t.sourceFor(2, Family::V4, IpAddress(), none) == ip("203.0.113.1"));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv4_source_is_the_primary_and_never_a_vip_or_secondary),
        cmocka_unit_test(the_current_source_is_kept_while_it_is_usable),
        cmocka_unit_test(ipv6_multicast_adverts_leave_from_the_link_local),
        cmocka_unit_test(ipv6_unicast_to_global_peers_leaves_from_a_global_address_in_their_prefix),
        cmocka_unit_test(addresses_keep_the_kernels_order_through_updates),
    };
    return cmocka_run_group_tests_name("daemon-links", tests, nullptr, nullptr);
}
