// SPDX-License-Identifier: Apache-2.0
// A named handover (core/handover.cpp): with the claim rule on (a cluster), a releasing master
// that knows its successor removes its VIPs, names it, then sends priority 0; the named backup
// claims at once on HandedOver. Without a successor, without the rules, or for an owner, the
// release is RFC 9568's alone; a backup that is held, in FAULT or without the rules ignores
// HandedOver. (An owner keeps its addresses, so it names nobody either.)
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

ClaimRules rules() {
    ClaimRules r;
    r.on = true;
    r.wait = 5s;
    return r;
}

std::string step(VirtualRouter& r, const Event& e, TimePoint now) {
    return render(r.handle(e, now));
}

void a_master_names_its_successor_between_removal_and_priority_zero(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    step(r, RulesChanged{rules()}, at);
    step(r, SuccessorKnown{"n2"}, at);
    assert_string_equal(r.successor().c_str(), "n2");
    assert_string_equal(step(r, FaultChanged{FaultCause::Maintenance, true}, at).c_str(),
                        "remove name_successor(n2) send(0) state(MASTER>FAULT fault[maintenance])");
    // And on a graceful stop.
    VirtualRouter s = master(instance(100), at);
    step(s, RulesChanged{rules()}, at);
    step(s, SuccessorKnown{"n3"}, at);
    assert_string_equal(step(s, Shutdown{}, at).c_str(),
                        "remove name_successor(n3) send(0) state(MASTER>INIT shutdown)");
}

void without_a_successor_or_the_rules_the_release_is_the_rfcs(void**) {
    TimePoint at;
    VirtualRouter none = master(instance(100), at);
    step(none, RulesChanged{rules()}, at);
    step(none, SuccessorKnown{"n2"}, at);
    step(none, SuccessorKnown{""}, at); // the backup went away, or a foreign router was heard
    assert_string_equal(step(none, Shutdown{}, at).c_str(),
                        "remove send(0) state(MASTER>INIT shutdown)");
    VirtualRouter plain = master(instance(100), at);
    step(plain, SuccessorKnown{"n2"}, at);
    assert_string_equal(step(plain, Shutdown{}, at).c_str(),
                        "send(0) remove state(MASTER>INIT shutdown)");
}

void the_named_backup_claims_at_once(void**) {
    VirtualRouter r = started(instance(100));
    step(r, RulesChanged{rules()}, kT0);
    step(r, advert("192.0.2.10", 150).event(), kT0);
    const TimePoint t = kT0 + 300ms; // long before Master_Down_Interval, lease or Skew_Time
    assert_string_equal(step(r, HandedOver{}, t).c_str(),
                        "send(100) install announce(5) state(BACKUP>MASTER handed_over)");
    // The priority-0 advert that follows changes nothing for a master.
    assert_true(r.state() == State::Master);
}

void a_held_faulty_or_plain_backup_ignores_it(void**) {
    VirtualRouter held = started(instance(100));
    step(held, RulesChanged{rules()}, kT0);
    step(held, GroupHold{true}, kT0);
    assert_string_equal(step(held, HandedOver{}, kT0).c_str(), "");
    VirtualRouter fault = started(instance(100));
    step(fault, RulesChanged{rules()}, kT0);
    step(fault, FaultChanged{FaultCause::Maintenance, true}, kT0);
    assert_string_equal(step(fault, HandedOver{}, kT0).c_str(), "");
    VirtualRouter plain = started(instance(100));
    assert_string_equal(step(plain, HandedOver{}, kT0).c_str(), "");
    assert_true(plain.state() == State::Backup);
}

// hafctl switchover: the master relinquishes to the operator's node and yields to it, so a
// lower-priority new master's adverts keep it a backup (no preemption).
void a_relinquishing_master_names_the_target_and_yields_to_it(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    step(r, RulesChanged{rules()}, at);
    assert_string_equal(step(r, Relinquish{"n3"}, at).c_str(),
                        "remove name_successor(n3) send(0) state(MASTER>BACKUP switchover)");
    assert_true(r.yielding());
    const TimePoint t = at + 10ms;
    assert_string_equal(step(r, advert("192.0.2.13", 50).event(), t).c_str(), "");
    assert_int_equal(deadlineIn(r, t), us(r.masterDownInterval())); // B4, not B5
    // With the rules a node is always named: a release without one is not done.
    assert_string_equal(step(r, Relinquish{""}, t).c_str(), "");
}

// Without the rules (no cluster, nobody to name): RFC 9568's release (priority 0, then the
// VIPs), and the router yields to whichever backup claims after its Skew_Time; a named node
// (which cannot be told) is refused.
void without_the_rules_a_relinquishing_master_yields_to_the_rfcs_winner(void**) {
    TimePoint at;
    VirtualRouter plain = master(instance(100), at);
    assert_string_equal(step(plain, Relinquish{"n3"}, at).c_str(), "");
    assert_true(plain.state() == State::Master);
    assert_string_equal(step(plain, Relinquish{""}, at).c_str(),
                        "send(0) remove state(MASTER>BACKUP switchover)");
    assert_true(plain.yielding());
    const TimePoint t = at + 500ms;
    step(plain, advert("192.0.2.12", 50).event(), t);
    assert_int_equal(deadlineIn(plain, t), us(plain.masterDownInterval())); // B4, not B5
    assert_true(plain.followsLiveMaster());
    assert_string_equal(plain.lastMaster().toString().c_str(), "192.0.2.12");
}

// A backup told that another node was named yields until the next election: a release by a
// master other than the one that named it.
void a_backup_yields_to_the_named_node_until_the_next_election(void**) {
    VirtualRouter r = started(instance(200));
    step(r, RulesChanged{rules()}, kT0);
    step(r, advert("192.0.2.10", 250).event(), kT0); // the master that will name someone
    step(r, Yield{}, kT0 + 1ms);
    assert_true(r.yielding());
    step(r, advert("192.0.2.10", 0).event(), kT0 + 2ms); // its own release: still yielding
    assert_true(r.yielding());
    const TimePoint t = kT0 + 3ms;
    step(r, advert("192.0.2.13", 100).event(), t); // the named node, below us
    assert_int_equal(deadlineIn(r, t), us(r.masterDownInterval()));
    step(r, advert("192.0.2.13", 0).event(), t + 1s); // it releases in turn: an election
    assert_false(r.yielding());
    step(r, advert("192.0.2.14", 100).event(), t + 1s + 1ms);
    assert_int_equal(deadlineIn(r, t + 1s + 1ms), us(r.skewTime()) - 1000); // B5: discarded
}

// The namer's heartbeat, its priority 0 and the named node's first advert come from two senders
// over two sockets: on a busy host they arrive in any order. None starts Skew_Time, which would
// let this backup (above the named node) claim it back (a CI failure: claimed 0.41 s after a
// switchover when the release came after the named node's advert).
void the_namers_release_in_any_order_starts_no_election(void**) {
    const auto run = [](const char* order) {
        VirtualRouter r = started(instance(150));
        step(r, RulesChanged{rules()}, kT0);
        step(r, advert("192.0.2.10", 200).event(), kT0); // the namer, master
        TimePoint t = kT0;
        for (const char* c = order; *c; ++c) {
            t += 1ms;
            if (*c == 'y')
                step(r, Yield{}, t);
            else if (*c == 'z')
                step(r, advert("192.0.2.10", 0).event(), t);
            else
                step(r, advert("192.0.2.13", 100).event(), t); // the named node, below us
        }
        assert_true(r.yielding());
        assert_true(deadlineIn(r, t) > us(r.masterDownInterval()) - 3000);
        // Still yielding to the named node: its adverts hold us in Backup.
        step(r, advert("192.0.2.13", 100).event(), t + 1s);
        assert_int_equal(deadlineIn(r, t + 1s), us(r.masterDownInterval()));
        assert_true(r.state() == State::Backup);
    };
    for (const char* order : {"yzn", "ynz", "zyn", "zny", "nyz", "nzy"})
        run(order);
}

// The same for a router that yields already, after its own switchover: the next master hands
// over in turn, and its release comes before the heartbeat that names the successor (a netns
// failure: it ended the yield, and this router, the highest, claimed after its Skew_Time).
void a_yielding_router_meets_the_next_handover_in_any_order(void**) {
    for (const bool releaseFirst : {true, false}) {
        TimePoint at;
        VirtualRouter r = master(instance(200), at);
        step(r, RulesChanged{rules()}, at);
        step(r, Relinquish{"n3"}, at);
        TimePoint t = at + 10ms;
        step(r, advert("192.0.2.13", 100).event(), t); // n3, master
        t += 1s;
        if (releaseFirst) {
            step(r, advert("192.0.2.13", 0).event(), t); // n3 hands over to n2
            step(r, Yield{}, t + 1ms);
        } else {
            step(r, Yield{}, t);
            step(r, advert("192.0.2.13", 0).event(), t + 1ms);
        }
        assert_true(r.yielding());
        assert_true(deadlineIn(r, t + 1ms) > us(r.masterDownInterval()) - 3000);
        step(r, advert("192.0.2.12", 150).event(), t + 2ms); // n2, below us: B4
        assert_int_equal(deadlineIn(r, t + 2ms), us(r.masterDownInterval()));
    }
    // n3's release, n2's first advert (B5: no yield yet), then the heartbeat; n2 hands back to
    // n3 before its next advert, the heartbeat first this time (a netns failure: the first
    // release, still on record, took the place of the second, which then ended the yield).
    TimePoint at;
    VirtualRouter r = master(instance(200), at);
    step(r, RulesChanged{rules()}, at);
    step(r, Relinquish{"n3"}, at);
    TimePoint t = at + 10ms;
    step(r, advert("192.0.2.13", 100).event(), t);
    t += 1s;
    step(r, advert("192.0.2.13", 0).event(), t);
    step(r, advert("192.0.2.12", 150).event(), t + 1ms);
    step(r, Yield{}, t + 2ms);
    t += 400ms;
    step(r, Yield{}, t);
    step(r, advert("192.0.2.12", 0).event(), t + 1ms);
    step(r, advert("192.0.2.13", 100).event(), t + 2ms);
    assert_true(r.yielding());
    assert_int_equal(deadlineIn(r, t + 2ms), us(r.masterDownInterval()));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_master_names_its_successor_between_removal_and_priority_zero),
        cmocka_unit_test(without_a_successor_or_the_rules_the_release_is_the_rfcs),
        cmocka_unit_test(the_named_backup_claims_at_once),
        cmocka_unit_test(a_held_faulty_or_plain_backup_ignores_it),
        cmocka_unit_test(a_relinquishing_master_names_the_target_and_yields_to_it),
        cmocka_unit_test(without_the_rules_a_relinquishing_master_yields_to_the_rfcs_winner),
        cmocka_unit_test(a_backup_yields_to_the_named_node_until_the_next_election),
        cmocka_unit_test(the_namers_release_in_any_order_starts_no_election),
        cmocka_unit_test(a_yielding_router_meets_the_next_handover_in_any_order),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
