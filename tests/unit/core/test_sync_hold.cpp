// SPDX-License-Identifier: Apache-2.0
// The sync group's hold (core::GroupHold): a held master resigns with priority 0; a held backup
// does not claim when its Master_Down_Timer expires, and says when it stops following a
// master; released, it claims at once when no master is heard. FollowingChanged marks each
// change of followsLiveMaster() that is not a transition.
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

std::string step(VirtualRouter& r, const Event& e, TimePoint now) {
    return render(r.handle(e, now), true);
}
std::string tick(VirtualRouter& r, TimePoint now) {
    return render(r.onTimeout(now), true);
}

void a_held_master_resigns_with_priority_zero(void**) {
    TimePoint t = kT0;
    VirtualRouter r = started(instance(200));
    t += r.masterDownInterval();
    assert_string_equal(tick(r, t).c_str(),
                        "send(200) install announce(5) state(BACKUP>MASTER master_down)");
    assert_string_equal(step(r, GroupHold{true}, t).c_str(),
                        "send(0) remove state(MASTER>BACKUP sync_group)");
    assert_true(r.held());
    assert_false(r.followsLiveMaster());
}

// A backup follows the master it hears; held, its timer's expiry does not claim but ends the
// following; released with no master heard, it claims at once.
void a_held_backup_waits_and_claims_when_released(void**) {
    TimePoint t = kT0;
    VirtualRouter r = started(instance(100));
    assert_false(r.followsLiveMaster());
    assert_string_equal(step(r, advert("192.0.2.10", 150).event(), t).c_str(), "following");
    assert_true(r.followsLiveMaster());
    assert_string_equal(step(r, advert("192.0.2.10", 150).event(), t).c_str(), "");
    assert_string_equal(step(r, GroupHold{true}, t).c_str(), "");
    t += r.masterDownInterval();
    assert_string_equal(tick(r, t).c_str(), "following"); // no claim, no longer following
    assert_true(r.state() == State::Backup);
    assert_false(r.followsLiveMaster());
    assert_true(r.nextDeadline().has_value());
    assert_string_equal(step(r, GroupHold{false}, t).c_str(), "");
    assert_true(*r.nextDeadline() <= t);
    assert_string_equal(tick(r, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER master_down)");
}

// Released while it still hears a master: it waits for its timer as any backup.
void released_while_following_waits_for_its_timer(void**) {
    TimePoint t = kT0;
    VirtualRouter r = started(instance(100));
    step(r, GroupHold{true}, t);
    step(r, advert("192.0.2.10", 150).event(), t);
    assert_string_equal(step(r, GroupHold{false}, t).c_str(), "");
    assert_true(*r.nextDeadline() == t + r.masterDownInterval());
}

// A priority-0 advert ends the following at once (the group need not wait Skew_Time).
void a_resigning_master_ends_the_following(void**) {
    TimePoint t = kT0;
    VirtualRouter r = started(instance(100));
    step(r, advert("192.0.2.10", 150).event(), t);
    assert_string_equal(step(r, advert("192.0.2.10", 0).event(), t).c_str(), "following");
    assert_false(r.followsLiveMaster());
}

// M4: a master that yields to a higher priority follows that master at once.
void yielding_to_a_higher_master_follows_it(void**) {
    TimePoint t = kT0;
    VirtualRouter r = started(instance(100));
    t += r.masterDownInterval();
    tick(r, t);
    assert_string_equal(step(r, advert("192.0.2.10", 150).event(), t).c_str(),
                        "send(100) remove state(MASTER>BACKUP higher_priority)");
    assert_true(r.followsLiveMaster());
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_held_master_resigns_with_priority_zero),
        cmocka_unit_test(a_held_backup_waits_and_claims_when_released),
        cmocka_unit_test(released_while_following_waits_for_its_timer),
        cmocka_unit_test(a_resigning_master_ends_the_following),
        cmocka_unit_test(yielding_to_a_higher_master_follows_it),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
