// SPDX-License-Identifier: Apache-2.0
// FAULT as a set of causes (DESIGN.md §5): the router's own causes fed by the results of its
// actions (a VIP install that keeps failing, adverts that cannot leave), the causes of later
// features, several causes at once, and leftovers found on the interface outside Master.
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

std::string step(VirtualRouter& r, const Event& e, TimePoint now) {
    return render(r.handle(e, now));
}
std::string tick(VirtualRouter& r, TimePoint now) {
    return render(r.onTimeout(now));
}

// A failed install is retried 10, 40 and 160 ms later; when the third retry fails too, the
// master resigns (priority 0 first: adverts still leave) and releases what it installed.
void install_failure_retries_then_faults_vips(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    assert_string_equal(step(r, VipsInstalled{false}, t).c_str(), "");
    assert_int_equal(deadlineIn(r, t), 10'000);
    assert_string_equal(tick(r, t + 10ms).c_str(), "install");
    assert_string_equal(step(r, VipsInstalled{false}, t + 10ms).c_str(), "");
    assert_int_equal(deadlineIn(r, t + 10ms), 40'000);
    assert_string_equal(tick(r, t + 50ms).c_str(), "install");
    assert_string_equal(step(r, VipsInstalled{false}, t + 50ms).c_str(), "");
    assert_int_equal(deadlineIn(r, t + 50ms), 160'000);
    assert_string_equal(tick(r, t + 210ms).c_str(), "install");
    assert_string_equal(step(r, VipsInstalled{false}, t + 210ms).c_str(),
                        "send(0) remove state(MASTER>FAULT fault[vips])");
    assert_true(r.faults() == FaultSet{FaultCause::Vips});
    assert_int_equal(r.counters().vipInstallFailures, 4);
    assert_int_equal(r.counters().faultsRaised[static_cast<int>(FaultCause::Vips)], 1);
}

// A retry that succeeds ends the episode: nothing more is scheduled for it.
void install_retry_that_succeeds_keeps_master(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    (void)r.handle(VipsInstalled{false}, t);
    assert_string_equal(tick(r, t + 10ms).c_str(), "install");
    assert_string_equal(step(r, VipsInstalled{true}, t + 10ms).c_str(), "announce(5)");
    assert_true(r.state() == State::Master);
    assert_string_equal(step(r, VipsInstalled{true}, t + 20ms).c_str(), ""); // nothing pending
    assert_int_equal(deadlineIn(r, t + 10ms), 990'000); // the next advert, no retry
}

// The vips cause clears after a hold-down of 1 s, then 2 s for the next consecutive fault; the
// router goes back to Backup and waits to be elected like any backup.
void vips_cause_clears_after_a_growing_hold_down(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    auto fault = [&](TimePoint at) {
        (void)r.handle(VipsInstalled{false}, at);
        for (Duration d : {10ms, 40ms, 160ms}) {
            at += d;
            (void)r.onTimeout(at);
            (void)r.handle(VipsInstalled{false}, at);
        }
        return at;
    };
    TimePoint f = fault(t);
    assert_true(r.state() == State::Fault);
    assert_int_equal(deadlineIn(r, f), 1'000'000);
    assert_string_equal(tick(r, f + 1s).c_str(), "state(FAULT>BACKUP fault_cleared)");
    // Elected again (nobody else there), failing again: a 2 s hold-down.
    (void)r.onTimeout(*r.nextDeadline());
    assert_true(r.state() == State::Master);
    f = fault(*r.nextDeadline() - 1s);
    assert_true(r.state() == State::Fault);
    assert_int_equal(deadlineIn(r, f), 2'000'000);
}

// Adverts that fail for one Advertisement_Interval make the master release its VIPs, without a
// priority-0 advert (it could not leave either).
void send_failure_for_an_interval_faults_send(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    assert_string_equal(step(r, AdvertSent{false}, t).c_str(), "");
    assert_true(r.state() == State::Master);
    assert_string_equal(tick(r, t + 1s).c_str(), "send(100)");
    assert_string_equal(step(r, AdvertSent{false}, t + 1s).c_str(),
                        "remove state(MASTER>FAULT fault[send])");
    assert_int_equal(r.counters().sendFailures, 2);
}

// A failure followed by a success is no fault; a later failure starts a new count.
void send_success_resets_the_failure_count(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    (void)r.handle(AdvertSent{false}, t);
    (void)r.handle(AdvertSent{true}, t + 1s);
    (void)r.handle(AdvertSent{false}, t + 2s);
    assert_true(r.state() == State::Master);
    assert_string_equal(step(r, AdvertSent{false}, t + 3s).c_str(),
                        "remove state(MASTER>FAULT fault[send])");
}

// In FAULT for send the router probes once a second; a probe that fails changes nothing, the
// first that leaves clears the cause.
void send_cause_is_probed_until_adverts_leave(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    (void)r.handle(AdvertSent{false}, t);
    (void)r.handle(AdvertSent{false}, t + 1s);
    const TimePoint f = t + 1s;
    assert_int_equal(deadlineIn(r, f), 1'000'000);
    assert_string_equal(tick(r, f + 1s).c_str(), "probe");
    assert_string_equal(step(r, AdvertSent{false}, f + 1s).c_str(), "");
    assert_string_equal(tick(r, f + 2s).c_str(), "probe");
    assert_string_equal(step(r, AdvertSent{true}, f + 2s).c_str(),
                        "state(FAULT>BACKUP fault_cleared)");
    const proto::Advertisement probe = r.probeAdvertisement();
    assert_int_equal(probe.vrid, 0);
    assert_int_equal(probe.priority, 0);
}

// A backup has nothing to release: its failed sends (a resignation, a probe) are only counted.
void send_failure_in_backup_is_only_counted(void**) {
    VirtualRouter r = started(instance());
    assert_string_equal(step(r, AdvertSent{false}, kT0 + 1s).c_str(), "");
    assert_string_equal(step(r, AdvertSent{false}, kT0 + 3s).c_str(), "");
    assert_true(r.state() == State::Backup);
    assert_int_equal(r.counters().sendFailures, 2);
}

// A failed multicast join is a cause of the binding; every cause gone -> Backup.
void join_failure_faults_until_joined(void**) {
    VirtualRouter r = started(instance());
    assert_string_equal(
        step(r, BindingChanged{{FaultCause::Join}, ourSource(), false}, kT0 + 1s).c_str(),
        "state(BACKUP>FAULT fault[join])");
    assert_string_equal(step(r, linkUp(), kT0 + 2s).c_str(), "state(FAULT>BACKUP fault_cleared)");
}

// Several causes: FAULT stays until the last one goes, and each change is reported.
void fault_leaves_only_when_every_cause_is_gone(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    (void)r.handle(AdvertSent{false}, t);
    (void)r.handle(AdvertSent{false}, t + 1s);
    assert_string_equal(step(r, FaultChanged{FaultCause::Maintenance, true}, t + 2s).c_str(),
                        "causes(send>send,maintenance)");
    assert_string_equal(step(r, linkDown(), t + 3s).c_str(), "causes(send,maintenance>link,send,"
                                                             "maintenance)");
    // The link is back: the send cause is probed at once.
    assert_string_equal(step(r, linkUp(), t + 4s).c_str(), "causes(link,send,maintenance>send,"
                                                           "maintenance)");
    assert_int_equal(deadlineIn(r, t + 4s), 0);
    assert_string_equal(tick(r, t + 4s).c_str(), "probe");
    assert_string_equal(step(r, AdvertSent{true}, t + 4s).c_str(),
                        "causes(send,maintenance>maintenance)");
    assert_string_equal(step(r, FaultChanged{FaultCause::Maintenance, false}, t + 5s).c_str(),
                        "state(FAULT>BACKUP fault_cleared)");
    const auto& raised = r.counters().faultsRaised;
    assert_int_equal(raised[static_cast<int>(FaultCause::Send)], 1);
    assert_int_equal(raised[static_cast<int>(FaultCause::Link)], 1);
    assert_int_equal(raised[static_cast<int>(FaultCause::Maintenance)], 1);
}

// A cause of a later feature puts a master in FAULT with a priority-0 advert first, so that a
// backup takes over after Skew_Time.
void later_cause_in_master_resigns_first(void**) {
    TimePoint t;
    VirtualRouter r = master(instance(), t);
    assert_string_equal(step(r, FaultChanged{FaultCause::Track, true}, t + 1ms).c_str(),
                        "send(0) remove state(MASTER>FAULT fault[track])");
}

// The transition records the causes present.
void state_changed_names_the_causes(void**) {
    VirtualRouter r = started(instance());
    const auto actions = r.handle(
        BindingChanged{{FaultCause::Source, FaultCause::Join}, IpAddress(), false}, kT0 + 1s);
    const auto& sc = std::get<StateChanged>(actions.back());
    assert_true(sc.reason == Reason::Fault);
    assert_true(sc.faults == (FaultSet{FaultCause::Source, FaultCause::Join}));
}

// Marked VIPs found outside Master go; a master keeps what it holds; an owner's are its own.
void stray_vips_are_removed_outside_master(void**) {
    const Prefix vip{ip("192.0.2.100"), 32};
    VirtualRouter backup = started(instance());
    assert_string_equal(step(backup, StrayVips{{vip}}, kT0 + 1s).c_str(), "stray(192.0.2.100/32)");
    TimePoint t;
    VirtualRouter m = master(instance(), t);
    assert_string_equal(step(m, StrayVips{{vip}}, t).c_str(), "");
    VirtualRouter fault = started(instance());
    (void)fault.handle(linkDown(), kT0 + 1s);
    assert_string_equal(step(fault, StrayVips{{vip}}, kT0 + 2s).c_str(), "stray(192.0.2.100/32)");
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(install_failure_retries_then_faults_vips),
        cmocka_unit_test(install_retry_that_succeeds_keeps_master),
        cmocka_unit_test(vips_cause_clears_after_a_growing_hold_down),
        cmocka_unit_test(send_failure_for_an_interval_faults_send),
        cmocka_unit_test(send_success_resets_the_failure_count),
        cmocka_unit_test(send_cause_is_probed_until_adverts_leave),
        cmocka_unit_test(send_failure_in_backup_is_only_counted),
        cmocka_unit_test(join_failure_faults_until_joined),
        cmocka_unit_test(fault_leaves_only_when_every_cause_is_gone),
        cmocka_unit_test(later_cause_in_master_resigns_first),
        cmocka_unit_test(state_changed_names_the_causes),
        cmocka_unit_test(stray_vips_are_removed_outside_master),
    };
    return cmocka_run_group_tests_name("core-faults", tests, nullptr, nullptr);
}
