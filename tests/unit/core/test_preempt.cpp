// SPDX-License-Identifier: Apache-2.0
// Preemption (RFC 9568 §6.4.2 B4/B5, Preempt_Mode), preempt_delay (DESIGN.md §10), the
// equal-priority tie-break (RFC 9568 §6.4.3 M4; PROTOCOL.md §6 item 7) and address owners
// (PROTOCOL.md §6 item 8).
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

// Master_Down_Interval of priority 150 at 1 s: 3 s + 106/256 s.
constexpr Duration kMdi150 = 3'414'062us;

int stateOf(const VirtualRouter& r) {
    return static_cast<int>(r.state());
}
constexpr int kBackup = static_cast<int>(State::Backup);
constexpr int kMaster = static_cast<int>(State::Master);

// Feeds `r` an advert from a live priority-100 master every second at kT0 + first .. last
// seconds, firing timers that fall due in between; returns the first transition's rendering.
std::string lowerMasterAdvertises(VirtualRouter& r, int first, int last) {
    for (int s = first; s <= last; ++s) {
        const TimePoint t = kT0 + s * 1s;
        while (r.nextDeadline() && *r.nextDeadline() <= t) {
            const TimePoint due = *r.nextDeadline();
            const auto actions = r.onTimeout(due);
            if (r.state() == State::Master)
                return render(actions) + " at " + std::to_string(us(due - kT0));
        }
        (void)r.handle(advert("192.0.2.10", 100).event(), t);
    }
    return "";
}

} // namespace

static void backup_preempts_lower_priority_master(void**) {
    VirtualRouter r = started(instance(150));
    // B5: the lower master's adverts do not reset the timer, which fires one Master_Down_Interval
    // after start-up.
    assert_string_equal(lowerMasterAdvertises(r, 1, 10).c_str(),
                        "send(150) install announce(5) state(BACKUP>MASTER preempt) at 3414062");
}

static void nopreempt_keeps_lower_priority_master(void**) {
    config::Instance inst = instance(150);
    inst.preempt = false;
    VirtualRouter r = started(inst);
    // B4 for every advert: 100 s of a live lower master and the backup never takes over.
    assert_string_equal(lowerMasterAdvertises(r, 1, 100).c_str(), "");
    assert_int_equal(stateOf(r), kBackup);
}

static void preempt_delay_holds_preemption_during_delay(void**) {
    config::Instance inst = instance(150);
    inst.preemptDelay = 10s;
    VirtualRouter r = started(inst);
    // Until kT0 + 10 s adverts count as B4 and reset the timer: no preemption at 3.41 s.
    assert_string_equal(lowerMasterAdvertises(r, 1, 9).c_str(), "");
    assert_int_equal(deadlineIn(r, kT0 + 9s), us(kMdi150));
}

static void preempt_delay_preempts_after_delay(void**) {
    config::Instance inst = instance(150);
    inst.preemptDelay = 10s;
    VirtualRouter r = started(inst);
    // The last reset is the advert at 9 s; from 10 s on it is B5, so the timer set at 9 s fires.
    assert_string_equal(lowerMasterAdvertises(r, 1, 30).c_str(),
                        "send(150) install announce(5) state(BACKUP>MASTER preempt) at 12414062");
}

static void preempt_delay_never_delays_master_failure(void**) {
    config::Instance inst = instance(150);
    inst.preemptDelay = 10s;
    VirtualRouter r = started(inst);
    (void)r.handle(advert("192.0.2.10", 100).event(), kT0 + 1s);
    // The master falls silent: it is declared down one Master_Down_Interval after its last
    // advert, deep inside the 10 s delay.
    assert_int_equal(deadlineIn(r, kT0 + 1s), us(kMdi150));
    assert_string_equal(render(r.onTimeout(kT0 + 1s + kMdi150)).c_str(),
                        "send(150) install announce(5) state(BACKUP>MASTER master_down)");
}

static void preempt_delay_restarts_on_entering_backup(void**) {
    config::Instance inst = instance(150);
    inst.preemptDelay = 10s;
    VirtualRouter r = started(inst);
    (void)r.handle(linkDown(), kT0 + 20s);
    (void)r.handle(linkUp(), kT0 + 30s);
    assert_int_equal(stateOf(r), kBackup);
    // A new delay runs from kT0 + 30 s: adverts up to 39 s still reset the timer...
    assert_string_equal(lowerMasterAdvertises(r, 31, 39).c_str(), "");
    assert_int_equal(deadlineIn(r, kT0 + 39s), us(kMdi150));
    // ...one at 40 s no longer does (B5).
    (void)r.handle(advert("192.0.2.10", 100).event(), kT0 + 40s);
    assert_int_equal(deadlineIn(r, kT0 + 40s), us(kMdi150 - 1s));
}

static void equal_priority_tie_break_compares_addresses_as_numbers(void**) {
    // 192.0.2.10 > 192.0.2.9 as unsigned numbers although "192.0.2.10" < "192.0.2.9" as text.
    TimePoint at;
    VirtualRouter a = master(instance(100), at);
    assert_string_equal(render(a.handle(advert("192.0.2.10", 100).event(), at)).c_str(),
                        "send(100) remove state(MASTER>BACKUP higher_priority)");
    VirtualRouter b = master(instance(100), at);
    assert_string_equal(render(b.handle(advert("192.0.2.8", 100).event(), at)).c_str(),
                        "send(100) announce(5)");
}

static void equal_priority_tie_break_over_ipv6_link_local(void**) {
    config::Instance inst = instance(100);
    inst.family = Family::V6;
    inst.addresses = {Prefix{ip("fe80::52"), 128}};
    VirtualRouter r(inst);
    (void)r.handle(BindingChanged{{}, ip("fe80::ff:fe00:a"), false}, kT0);
    (void)r.handle(Startup{}, kT0);
    const TimePoint at = *r.nextDeadline();
    (void)r.onTimeout(at);
    auto lower = advert("fe80::ff:fe00:9", 100).addresses({ip("fe80::52")});
    lower.meta.destination = vrrpMulticastGroup(Family::V6);
    lower.decoded.advert.family = Family::V6;
    assert_string_equal(render(r.handle(lower.event(), at)).c_str(), "send(100) announce(5)");
    auto higher = lower;
    higher.meta.source = ip("fe80::ff:fe00:b");
    assert_string_equal(render(r.handle(higher.event(), at)).c_str(),
                        "send(100) remove state(MASTER>BACKUP higher_priority)");
}

static void master_yields_to_owner_even_without_preempt(void**) {
    // Preempt_Mode is not consulted in Master (RFC 9568 §6.4.3).
    config::Instance inst = instance(254);
    inst.preempt = false;
    TimePoint at;
    VirtualRouter r = master(inst, at);
    assert_string_equal(render(r.handle(advert("192.0.2.1", 255).event(), at)).c_str(),
                        "send(254) remove state(MASTER>BACKUP higher_priority)");
}

static void two_owners_stay_master_and_report_once(void**) {
    VirtualRouter r = started(instance(255));
    assert_int_equal(stateOf(r), kMaster);
    // RFC 5798 §7.1: the owner discards the other owner's advert: no reply (two owners answering
    // each other would never stop), no transition, one loud difference.
    assert_string_equal(render(r.handle(advert("192.0.2.10", 255).event(), kT0 + 1s)).c_str(),
                        "diff(owner 255/255)");
    assert_string_equal(render(r.handle(advert("192.0.2.10", 255).event(), kT0 + 2s)).c_str(), "");
    assert_int_equal(stateOf(r), kMaster);
    // The other side lowers itself (as keepalived does, K6): the difference clears, and its
    // advert is an ordinary lower-priority one (M5).
    assert_string_equal(render(r.handle(advert("192.0.2.10", 254).event(), kT0 + 3s)).c_str(),
                        "diff(owner 255/) send(255) announce(5)");
}

static void m5_reannounces_at_most_once_per_master_down_interval(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    const auto lower = advert("192.0.2.10", 50).event();
    assert_string_equal(render(r.handle(lower, at + 100ms)).c_str(), "send(100) announce(5)");
    // A sender that keeps advertising (it does not hear us) gets our advert every time, but
    // not a GARP burst every time.
    assert_string_equal(render(r.handle(lower, at + 1100ms)).c_str(), "send(100)");
    assert_string_equal(render(r.handle(lower, at + 3100ms)).c_str(), "send(100)");
    assert_string_equal(render(r.handle(lower, at + 100ms + 3609375us)).c_str(),
                        "send(100) announce(5)");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backup_preempts_lower_priority_master),
        cmocka_unit_test(nopreempt_keeps_lower_priority_master),
        cmocka_unit_test(preempt_delay_holds_preemption_during_delay),
        cmocka_unit_test(preempt_delay_preempts_after_delay),
        cmocka_unit_test(preempt_delay_never_delays_master_failure),
        cmocka_unit_test(preempt_delay_restarts_on_entering_backup),
        cmocka_unit_test(equal_priority_tie_break_compares_addresses_as_numbers),
        cmocka_unit_test(equal_priority_tie_break_over_ipv6_link_local),
        cmocka_unit_test(master_yields_to_owner_even_without_preempt),
        cmocka_unit_test(two_owners_stay_master_and_report_once),
        cmocka_unit_test(m5_reannounces_at_most_once_per_master_down_interval),
    };
    return cmocka_run_group_tests_name("core-preempt", tests, nullptr, nullptr);
}
