// SPDX-License-Identifier: Apache-2.0
// The transition table of RFC 9568 §6.4 (PROTOCOL.md §3.2 rows I1-I2, B1-B5, M1-M5) and the FAULT
// rules of DESIGN.md §10, one row each: a starting state, one event (or a timeout) at a time
// after reaching that state, the exact actions expected in order, the next state and when the
// next timer is due. Each row runs as its own CMocka test, named after the rule.
#include "router_fixture.h"
#include "unit_test.h"

#include <vector>

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

enum class From {
    Initialize,       // link usable, before Startup
    InitializeNoLink, // nothing known about the link
    Backup,           // after Startup at kT0
    Master,           // after the Master_Down_Timer fired (an owner: after Startup)
    Fault,            // Backup, then the link went down at kT0
};

constexpr long long kNone = -1;
constexpr long long kMdi100 = 3'609'375; // Master_Down_Interval, priority 100 @ 1 s
constexpr long long kSkew100 = 609'375;  // Skew_Time, priority 100 @ 1 s
constexpr long long kSecond = 1'000'000;

struct Row {
    const char* name;
    uint8_t priority;
    bool preempt;
    From from;
    Duration after;             // when the event happens, after the start state was reached
    std::optional<Event> event; // nullopt: onTimeout()
    const char* actions;
    State next;
    long long deadlineUs; // next deadline after the event, from the event's time
};

const std::vector<Row>& rows() {
    static const std::vector<Row> table = {
        // RFC 9568 §6.4.1 Initialize.
        {"i1_owner_startup_becomes_master_at_once", 255, true, From::Initialize, 0s, Startup{},
         "send(255) announce(5) state(INIT>MASTER owner_startup)", State::Master, kSecond},
        {"i2_startup_becomes_backup_with_master_down_timer", 100, true, From::Initialize, 0s,
         Startup{}, "state(INIT>BACKUP startup)", State::Backup, kMdi100},
        // RFC 9568 §6.4.2 Backup.
        {"b1_backup_shutdown_cancels_master_down_timer", 100, true, From::Backup, 1s, Shutdown{},
         "state(BACKUP>INIT shutdown)", State::Initialize, kNone},
        {"b2_master_down_timer_makes_backup_master", 100, true, From::Backup, Duration(kMdi100),
         std::nullopt, "send(100) install announce(5) state(BACKUP>MASTER master_down)",
         State::Master, kSecond},
        {"b2_master_down_timer_does_not_fire_early", 100, true, From::Backup, Duration(kMdi100 - 1),
         std::nullopt, "", State::Backup, 1},
        {"b3_priority_zero_sets_timer_to_skew_time", 100, true, From::Backup, 1s,
         advert("192.0.2.10", 0).event(), "", State::Backup, kSkew100},
        {"b4_higher_priority_advert_resets_master_down_timer", 100, true, From::Backup, 2s,
         advert("192.0.2.10", 150).event(), "", State::Backup, kMdi100},
        {"b4_equal_priority_advert_keeps_backup_whatever_the_address", 100, true, From::Backup, 2s,
         advert("192.0.2.5", 100).event(), "", State::Backup, kMdi100},
        {"b4_lower_priority_advert_resets_timer_without_preempt", 100, false, From::Backup, 2s,
         advert("192.0.2.10", 50).event(), "", State::Backup, kMdi100},
        {"b5_lower_priority_advert_is_discarded_with_preempt", 100, true, From::Backup, 2s,
         advert("192.0.2.10", 50).event(), "", State::Backup, kMdi100 - 2 * kSecond},
        // RFC 9568 §6.4.3 Master.
        {"m1_master_shutdown_sends_priority_zero_then_releases", 100, true, From::Master, 500ms,
         Shutdown{}, "send(0) remove state(MASTER>INIT shutdown)", State::Initialize, kNone},
        {"m2_adver_timer_sends_advert_and_rearms", 100, true, From::Master, 1s, std::nullopt,
         "send(100)", State::Master, kSecond},
        {"m3_priority_zero_advert_makes_master_advertise_at_once", 100, true, From::Master, 300ms,
         advert("192.0.2.10", 0).event(), "send(100)", State::Master, kSecond},
        {"m4_higher_priority_advert_makes_master_advertise_once_and_back_up", 100, true,
         From::Master, 500ms, advert("192.0.2.5", 150).event(),
         "send(100) remove state(MASTER>BACKUP higher_priority)", State::Backup, kMdi100},
        {"m4_equal_priority_greater_address_makes_master_advertise_once_and_back_up", 100, true,
         From::Master, 500ms, advert("192.0.2.10", 100).event(),
         "send(100) remove state(MASTER>BACKUP higher_priority)", State::Backup, kMdi100},
        {"m5_lower_priority_advert_sends_advert_and_reannounces", 100, true, From::Master, 500ms,
         advert("192.0.2.10", 50).event(), "send(100) announce(5)", State::Master, kSecond / 2},
        {"m5_equal_priority_lower_address_sends_advert_and_reannounces", 100, true, From::Master,
         500ms, advert("192.0.2.5", 100).event(), "send(100) announce(5)", State::Master,
         kSecond / 2},
        {"owner_master_answers_lower_priority_like_m5", 255, true, From::Master, 500ms,
         advert("192.0.2.10", 254).event(), "send(255) announce(5)", State::Master, kSecond / 2},
        {"owner_shutdown_resigns_without_removing_vips", 255, true, From::Master, 500ms, Shutdown{},
         "send(0) state(MASTER>INIT shutdown)", State::Initialize, kNone},
        // FAULT (DESIGN.md §5, §10; keepalived K1): the causes of the binding.
        {"fault_startup_without_usable_link", 100, true, From::InitializeNoLink, 0s, Startup{},
         "state(INIT>FAULT fault[link])", State::Fault, kNone},
        {"fault_owner_startup_without_usable_link", 255, true, From::InitializeNoLink, 0s,
         Startup{}, "state(INIT>FAULT fault[link])", State::Fault, kNone},
        {"fault_link_down_in_backup", 100, true, From::Backup, 1s, linkDown(),
         "state(BACKUP>FAULT fault[link])", State::Fault, kNone},
        // Without a link no advert leaves: no priority 0 is tried (core/fault.h kSilencingFaults).
        {"fault_link_down_in_master_releases_without_resigning", 100, true, From::Master, 500ms,
         linkDown(), "remove state(MASTER>FAULT fault[link])", State::Fault, kNone},
        {"fault_owner_link_down_keeps_its_addresses", 255, true, From::Master, 500ms, linkDown(),
         "state(MASTER>FAULT fault[link])", State::Fault, kNone},
        // A cause that leaves adverts able to leave: priority 0 first (DESIGN.md §5).
        {"fault_join_in_master_resigns_then_releases", 100, true, From::Master, 500ms,
         BindingChanged{{FaultCause::Join}, ourSource(), false},
         "send(0) remove state(MASTER>FAULT fault[join])", State::Fault, kNone},
        {"fault_link_up_enters_backup_with_fresh_timer", 100, true, From::Fault, 10s, linkUp(),
         "state(FAULT>BACKUP fault_cleared)", State::Backup, kMdi100},
        {"fault_owner_link_up_enters_master_at_once", 255, true, From::Fault, 10s, linkUp(true),
         "send(255) announce(5) state(FAULT>MASTER fault_cleared)", State::Master, kSecond},
        {"fault_link_up_without_source_stays_fault", 100, true, From::Fault, 10s,
         BindingChanged{{FaultCause::Source}, IpAddress(), false}, "causes(link>source)",
         State::Fault, kNone},
        {"fault_ignores_adverts", 100, true, From::Fault, 1s, advert("192.0.2.10", 150).event(),
         "drop(not_listening)", State::Fault, kNone},
        {"fault_runs_no_timer", 100, true, From::Fault, 10s, std::nullopt, "", State::Fault, kNone},
        {"fault_shutdown_enters_initialize", 100, true, From::Fault, 1s, Shutdown{},
         "state(FAULT>INIT shutdown)", State::Initialize, kNone},
        {"fault_link_down_again_changes_nothing", 100, true, From::Fault, 1s, linkDown(), "",
         State::Fault, kNone},
        // Initialize and repeated events.
        {"initialize_ignores_adverts", 100, true, From::Initialize, 0s,
         advert("192.0.2.10", 150).event(), "drop(not_listening)", State::Initialize, kNone},
        {"initialize_records_link_down_without_transition", 100, true, From::Initialize, 0s,
         linkDown(), "", State::Initialize, kNone},
        {"initialize_shutdown_does_nothing", 100, true, From::Initialize, 0s, Shutdown{}, "",
         State::Initialize, kNone},
        {"startup_twice_is_ignored", 100, true, From::Backup, 1s, Startup{}, "", State::Backup,
         kMdi100 - kSecond},
        // A VIP removed behind our back (DESIGN.md §3).
        {"vips_lost_as_master_reinstalls", 100, true, From::Master, 500ms, VipsLost{}, "install",
         State::Master, kSecond / 2},
        {"vips_lost_as_backup_is_ignored", 100, true, From::Backup, 1s, VipsLost{}, "",
         State::Backup, kMdi100 - kSecond},
        {"vips_lost_as_owner_is_ignored", 255, true, From::Master, 500ms, VipsLost{}, "",
         State::Master, kSecond / 2},
    };
    return table;
}

void runRow(void** state) {
    const Row& row = *static_cast<const Row*>(*state);
    config::Instance inst = instance(row.priority);
    inst.preempt = row.preempt;

    VirtualRouter r(inst);
    TimePoint base = kT0;
    switch (row.from) {
    case From::InitializeNoLink:
        break;
    case From::Initialize:
        (void)r.handle(linkUp(inst.priority == 255), kT0);
        break;
    case From::Backup:
        r = started(inst);
        break;
    case From::Master:
        if (inst.priority == 255)
            r = started(inst);
        else
            r = master(inst, base);
        break;
    case From::Fault:
        r = started(inst);
        (void)r.handle(linkDown(), kT0);
        break;
    }

    const TimePoint now = base + row.after;
    const auto actions = row.event ? r.handle(*row.event, now) : r.onTimeout(now);
    assert_string_equal(render(actions).c_str(), row.actions);
    assert_string_equal(stateName(r.state()), stateName(row.next));
    assert_int_equal(deadlineIn(r, now), row.deadlineUs);
}

} // namespace

int main() {
    std::vector<CMUnitTest> tests;
    for (const Row& row : rows())
        tests.push_back(CMUnitTest{row.name, runRow, nullptr, nullptr,
                                   const_cast<void*>(static_cast<const void*>(&row))});
    return _cmocka_run_group_tests("core-transitions", tests.data(), tests.size(), nullptr,
                                   nullptr);
}
