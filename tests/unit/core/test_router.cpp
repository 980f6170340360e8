// SPDX-License-Identifier: Apache-2.0
// The router's advert (RFC 9568 §5.2, RFC 3768 §5.3; DESIGN.md §3), priority changes, counters
// and the stable names used in logs and status.
#include "router_fixture.h"
#include "unit_test.h"

#include <cstring>

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

static void advertisement_carries_instance_fields(void**) {
    VirtualRouter r(instance(100));
    const proto::Advertisement a = r.advertisement(0);
    assert_int_equal(static_cast<int>(a.version), 3);
    assert_int_equal(static_cast<int>(a.family), static_cast<int>(Family::V4));
    assert_int_equal(a.vrid, 51);
    assert_int_equal(a.priority, 0); // the requested priority, not ours
    assert_int_equal(a.intervalCs, 100);
    assert_int_equal(a.addresses.size(), 1);
    assert_true(a.addresses[0] == ip("192.0.2.100"));
    assert_int_equal(static_cast<int>(a.authType), 0);

    config::Instance inst = instance(100);
    inst.advertInterval = 250ms;
    assert_int_equal(VirtualRouter(inst).advertisement(100).intervalCs, 25);
}

static void v2_advertisement_has_whole_seconds_and_auth_data(void**) {
    config::Instance inst = instance(100);
    inst.version = proto::Version::V2;
    inst.advertInterval = 3s;
    inst.v2AuthType = proto::V2AuthType::SimplePassword;
    inst.v2Password = "abc";
    const proto::Advertisement a = VirtualRouter(inst).advertisement(100);
    assert_int_equal(static_cast<int>(a.version), 2);
    assert_int_equal(a.intervalCs, 300);
    assert_int_equal(static_cast<int>(a.authType), 1);
    const uint8_t expected[8] = {'a', 'b', 'c', 0, 0, 0, 0, 0};
    assert_memory_equal(a.authData.data(), expected, 8);
    inst.v2Password = "secret12345"; // only the first 8 bytes go on the wire
    assert_memory_equal(VirtualRouter(inst).advertisement(100).authData.data(), "secret12", 8);
}

static void advertisement_lists_the_vips_that_fit(void**) {
    // DESIGN.md §3: the rest are claimed, not advertised.
    config::Instance inst = instance(100);
    inst.family = Family::V6;
    inst.addresses.clear();
    for (int i = 0; i < 100; ++i) {
        auto a = ip("2001:db8::");
        std::array<uint8_t, 16> b{};
        std::memcpy(b.data(), a.bytes().data(), 16);
        b[15] = static_cast<uint8_t>(i + 1);
        inst.addresses.push_back(Prefix{IpAddress(Family::V6, b), 128});
    }
    const auto a = VirtualRouter(inst).advertisement(100);
    const auto fit = proto::maxAddressesPerAdvert(proto::Version::V3, Family::V6, 1500);
    assert_int_equal(fit, 90);
    assert_int_equal(a.addresses.size(), fit);
    assert_true(a.addresses.front() == inst.addresses.front().address);
    assert_true(a.addresses.back() == inst.addresses[fit - 1].address);
}

static void master_sends_new_priority_with_next_advert(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    assert_string_equal(render(r.handle(PriorityChanged{120}, at + 100ms)).c_str(), "");
    assert_int_equal(r.priority(), 120);
    assert_string_equal(render(r.onTimeout(at + 1s)).c_str(), "send(120)");
}

static void backup_priority_change_recomputes_skew_and_master_down(void**) {
    VirtualRouter r = started(instance(100));
    (void)r.handle(PriorityChanged{200}, kT0 + 1s);
    assert_int_equal(us(r.skewTime()), 218'750);
    assert_int_equal(us(r.masterDownInterval()), 3'218'750);
    // The next advert restarts the timer with the new figure.
    (void)r.handle(advert("192.0.2.10", 250).event(), kT0 + 2s);
    assert_int_equal(deadlineIn(r, kT0 + 2s), 3'218'750);
}

static void raised_priority_lets_backup_preempt(void**) {
    VirtualRouter r = started(instance(100));
    (void)r.handle(advert("192.0.2.10", 150).event(), kT0 + 1s); // B4
    (void)r.handle(PriorityChanged{200}, kT0 + 1500ms);
    (void)r.handle(advert("192.0.2.10", 150).event(), kT0 + 2s); // now B5: no reset
    const TimePoint due = *r.nextDeadline();
    assert_true(due == kT0 + 1s + 3609375us);
    assert_string_equal(render(r.onTimeout(due)).c_str(),
                        "send(200) install announce(5) state(BACKUP>MASTER preempt)");
}

static void priority_zero_is_never_an_effective_priority(void**) {
    VirtualRouter r = started(instance(100));
    (void)r.handle(PriorityChanged{0}, kT0);
    assert_int_equal(r.priority(), 1);
}

static void counters_follow_adverts_and_transitions(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    (void)r.onTimeout(at + 1s);                                   // M2
    (void)r.handle(advert("192.0.2.10", 0).event(), at + 1500ms); // M3
    (void)r.handle(Shutdown{}, at + 2s);                          // M1
    const Counters& c = r.counters();
    assert_int_equal(c.advertsOut, 4); // becoming master, M2, M3, priority 0
    assert_int_equal(c.priorityZeroOut, 1);
    assert_int_equal(c.advertsIn, 1);
    assert_int_equal(c.priorityZeroIn, 1);
    assert_int_equal(c.transitions, 3); // INIT>BACKUP>MASTER>INIT
    assert_int_equal(c.becameMaster, 1);
}

static void state_changed_carries_priority_and_comes_last(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    (void)r.handle(PriorityChanged{90}, at);
    const auto actions = r.handle(advert("192.0.2.10", 150).event(), at + 100ms);
    assert_true(std::holds_alternative<StateChanged>(actions.back()));
    const auto& sc = std::get<StateChanged>(actions.back());
    assert_int_equal(sc.priority, 90);
    assert_int_equal(static_cast<int>(sc.from), static_cast<int>(State::Master));
    assert_int_equal(static_cast<int>(sc.reason), static_cast<int>(Reason::HigherPriority));
}

static void link_source_is_kept_across_link_down(void**) {
    VirtualRouter r = started(instance(100));
    assert_true(r.faults().empty());
    (void)r.handle(linkDown(), kT0 + 1s);
    assert_true(r.faults() == FaultSet{FaultCause::Link});
    assert_true(r.sourceAddress() == ourSource());
}

static void names_are_stable(void**) {
    assert_string_equal(stateName(State::Initialize), "INIT");
    assert_string_equal(stateName(State::Backup), "BACKUP");
    assert_string_equal(stateName(State::Master), "MASTER");
    assert_string_equal(stateName(State::Fault), "FAULT");
    assert_string_equal(reasonName(Reason::MasterResigned), "master_resigned");
    assert_string_equal(reasonName(Reason::Fault), "fault");
    assert_string_equal(reasonName(Reason::FaultCleared), "fault_cleared");
    assert_string_equal(faultCauseName(FaultCause::Link), "link");
    assert_string_equal(faultCauseName(FaultCause::SyncGroup), "sync_group");
    assert_string_equal(faultCauseName(FaultCause::Quorum), "quorum");
    assert_string_equal((FaultSet{FaultCause::Send, FaultCause::Link}).toString().c_str(),
                        "link, send");
    assert_string_equal(fieldName(PeerDifference::Field::ChecksumForm), "checksum_form");
    assert_string_equal(fieldName(PeerDifference::Field::Owner), "owner");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(advertisement_carries_instance_fields),
        cmocka_unit_test(v2_advertisement_has_whole_seconds_and_auth_data),
        cmocka_unit_test(advertisement_lists_the_vips_that_fit),
        cmocka_unit_test(master_sends_new_priority_with_next_advert),
        cmocka_unit_test(backup_priority_change_recomputes_skew_and_master_down),
        cmocka_unit_test(raised_priority_lets_backup_preempt),
        cmocka_unit_test(priority_zero_is_never_an_effective_priority),
        cmocka_unit_test(counters_follow_adverts_and_transitions),
        cmocka_unit_test(state_changed_carries_priority_and_comes_last),
        cmocka_unit_test(link_source_is_kept_across_link_down),
        cmocka_unit_test(names_are_stable),
    };
    return cmocka_run_group_tests_name("core-router", tests, nullptr, nullptr);
}
