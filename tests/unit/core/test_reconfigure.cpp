// SPDX-License-Identifier: Apache-2.0
// Reload in place (DESIGN.md §6, §10 reload identity): Reconfigure applies the changed settings
// and nothing else — no transition, no restarted timer, no VIP touched that did not change.
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

static void unchanged_settings_change_nothing(void**) {
    TimePoint at;
    VirtualRouter m = master(instance(150), at);
    const auto adver = m.nextDeadline();
    const auto t = at + 300ms;
    assert_string_equal(render(m.handle(Reconfigure{instance(150)}, t)).c_str(), "");
    assert_true(m.nextDeadline() == adver); // the advert schedule runs on: no gap
    assert_int_equal(static_cast<int>(m.state()), static_cast<int>(State::Master));

    VirtualRouter b = started(instance(100));
    const auto down = b.nextDeadline();
    assert_string_equal(render(b.handle(Reconfigure{instance(100)}, kT0 + 1s)).c_str(), "");
    assert_true(b.nextDeadline() == down);
}

static void a_masters_new_priority_goes_out_with_its_next_advert(void**) {
    TimePoint at;
    VirtualRouter m = master(instance(150), at);
    assert_string_equal(render(m.handle(Reconfigure{instance(120)}, at + 10ms)).c_str(), "");
    assert_int_equal(m.priority(), 120);
    assert_string_equal(render(m.onTimeout(*m.nextDeadline())).c_str(), "send(120)");
}

static void vips_added_and_removed_on_a_master_leave_the_others_alone(void**) {
    config::Instance before = instance(150);
    before.addresses = {*Prefix::parse("192.0.2.100"), *Prefix::parse("192.0.2.101")};
    TimePoint at;
    VirtualRouter m = master(before, at);
    config::Instance after = before;
    after.addresses = {*Prefix::parse("192.0.2.100"), *Prefix::parse("192.0.2.102/24")};
    assert_string_equal(render(m.handle(Reconfigure{after}, at + 10ms)).c_str(),
                        "change(+192.0.2.102/24 -192.0.2.101/32)");
    // The adverts list the new set.
    const auto a = m.advertisement(150);
    assert_int_equal(a.addresses.size(), 2);
    assert_true(a.addresses[1] == ip("192.0.2.102"));
}

static void a_backups_vip_change_touches_nothing(void**) {
    VirtualRouter b = started(instance(100));
    config::Instance after = instance(100);
    after.addresses.push_back(*Prefix::parse("192.0.2.101"));
    assert_string_equal(render(b.handle(Reconfigure{after}, kT0 + 1s)).c_str(), "");
}

static void an_owners_vips_are_never_changed_by_hafd(void**) {
    TimePoint at;
    VirtualRouter o = master(instance(255), at);
    config::Instance after = instance(255);
    after.addresses.push_back(*Prefix::parse("192.0.2.101"));
    assert_string_equal(render(o.handle(Reconfigure{after}, at + 1ms)).c_str(), "");
}

static void a_backup_raised_above_the_master_preempts(void**) {
    // B5 after the reload: the master's lower-priority adverts no longer reset the timer.
    VirtualRouter b = started(instance(100));
    (void)b.handle(advert("192.0.2.10", 150).event(), kT0 + 100ms);
    (void)b.handle(Reconfigure{instance(200)}, kT0 + 200ms);
    const auto deadline = *b.nextDeadline();
    (void)b.handle(advert("192.0.2.10", 150).event(), kT0 + 1100ms);
    assert_true(*b.nextDeadline() == deadline); // not reset
    assert_string_equal(render(b.onTimeout(deadline)).c_str(),
                        "send(200) install announce(5) state(BACKUP>MASTER preempt)");
}

static void a_shorter_interval_takes_effect_within_one_new_interval(void**) {
    TimePoint at;
    VirtualRouter m = master(instance(150), at); // next advert at +1 s
    config::Instance after = instance(150);
    after.advertInterval = 100ms;
    (void)m.handle(Reconfigure{after}, at + 10ms);
    assert_int_equal(us(*m.nextDeadline() - at), 110'000);
    assert_int_equal(m.advertisement(150).intervalCs, 10);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unchanged_settings_change_nothing),
        cmocka_unit_test(a_masters_new_priority_goes_out_with_its_next_advert),
        cmocka_unit_test(vips_added_and_removed_on_a_master_leave_the_others_alone),
        cmocka_unit_test(a_backups_vip_change_touches_nothing),
        cmocka_unit_test(an_owners_vips_are_never_changed_by_hafd),
        cmocka_unit_test(a_backup_raised_above_the_master_preempts),
        cmocka_unit_test(a_shorter_interval_takes_effect_within_one_new_interval),
    };
    return cmocka_run_group_tests_name("core-reconfigure", tests, nullptr, nullptr);
}
