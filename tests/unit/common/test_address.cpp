// SPDX-License-Identifier: Apache-2.0
#include "common/address.h"
#include "common/time.h"

#include "unit_test.h"

using namespace hafd;

static void parses_and_prints_both_families(void**) {
    auto a = IpAddress::parse("192.0.2.10");
    assert_true(a.has_value());
    assert_int_equal(static_cast<int>(a->family()), static_cast<int>(Family::V4));
    assert_string_equal(a->toString().c_str(), "192.0.2.10");
    auto b = IpAddress::parse("2001:db8:0:0::1");
    assert_true(b.has_value());
    assert_string_equal(b->toString().c_str(), "2001:db8::1");
    assert_false(IpAddress::parse("192.0.2.256").has_value());
    assert_false(IpAddress::parse("").has_value());
    assert_false(IpAddress::parse("fe80::1%eth0").has_value());
    assert_false(IpAddress::parse("192.0.2.1/24").has_value());
}

static void compares_as_unsigned_big_endian(void**) {
    // RFC 9568 tie-break: 192.0.2.2 beats 192.0.2.1; 192.0.2.200 beats 192.0.2.20.
    assert_true(*IpAddress::parse("192.0.2.2") > *IpAddress::parse("192.0.2.1"));
    assert_true(*IpAddress::parse("192.0.2.200") > *IpAddress::parse("192.0.2.20"));
    assert_true(*IpAddress::parse("fe80::ff:fe00:b") > *IpAddress::parse("fe80::ff:fe00:a"));
    assert_true(*IpAddress::parse("fe80::1") == *IpAddress::parse("fe80:0::1"));
}

static void classifies_multicast_and_link_local(void**) {
    assert_true(vrrpMulticastGroup(Family::V4).isMulticast());
    assert_string_equal(vrrpMulticastGroup(Family::V6).toString().c_str(), "ff02::12");
    assert_true(IpAddress::parse("fe80::52")->isLinkLocal());
    assert_false(IpAddress::parse("2001:db8::1")->isLinkLocal());
    assert_false(IpAddress::parse("192.0.2.1")->isMulticast());
}

static void parses_prefixes_with_host_default(void**) {
    auto p = Prefix::parse("198.51.100.10/24");
    assert_true(p.has_value());
    assert_int_equal(p->length, 24);
    assert_int_equal(Prefix::parse("198.51.100.10")->length, 32);
    assert_int_equal(Prefix::parse("2001:db8::10")->length, 128);
    assert_false(Prefix::parse("198.51.100.10/33").has_value());
    assert_false(Prefix::parse("198.51.100.10/").has_value());
    assert_false(Prefix::parse("198.51.100.10/2x").has_value());
    assert_true(p->contains(*IpAddress::parse("198.51.100.200")));
    assert_false(p->contains(*IpAddress::parse("198.51.101.1")));
    assert_true(p->overlaps(*Prefix::parse("198.51.100.77/32")));
    assert_false(Prefix::parse("198.51.100.1/32")->overlaps(*Prefix::parse("198.51.100.2/32")));
}

static void formats_durations(void**) {
    assert_string_equal(formatDuration(1s).c_str(), "1s");
    assert_string_equal(formatDuration(100ms).c_str(), "100ms");
    assert_string_equal(formatDuration(Duration(609375)).c_str(), "609.375ms");
    assert_int_equal(toCentiseconds(centiseconds(37)), 37);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_prints_both_families),
        cmocka_unit_test(compares_as_unsigned_big_endian),
        cmocka_unit_test(classifies_multicast_and_link_local),
        cmocka_unit_test(parses_prefixes_with_host_default),
        cmocka_unit_test(formats_durations),
    };
    return cmocka_run_group_tests_name("common", tests, nullptr, nullptr);
}
