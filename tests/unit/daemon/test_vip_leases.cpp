// SPDX-License-Identifier: Apache-2.0
// The kernel lease on VIPs (DESIGN.md §4): which VIP removals are expiries (daemon/vip_leases.h),
// and the renewal room (daemon/lease_renewal.h) with fake ports: one batch per interface every
// lease/3, a failed renewal handled as a failed install, a change of lease applied at once.
#include "daemon/vip_leases.h"

#include "daemon/instance.h"
#include "daemon/lease_renewal.h"
#include "daemon/status.h"

#include "common/log.h"

#include "fakes.h"
#include "unit_test.h"

#include <memory>
#include <string>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;
using namespace hafd::daemon::test;
using Gone = VipLeases::Gone;

namespace {

const Prefix kVip = *Prefix::parse("198.51.100.10");
const Prefix kVip2 = *Prefix::parse("198.51.100.11");
const Prefix kVip6 = *Prefix::parse("2001:db8::51");
const TimePoint kT0 = TimePoint{} + 1000s;

std::vector<std::string> gLog;
void captureSink(log::Level, std::string_view m) {
    gLog.emplace_back(m);
}
int logged(const std::string& needle) {
    int n = 0;
    for (const auto& l : gLog)
        n += l.find(needle) != std::string::npos;
    return n;
}

VipLeases leased(std::chrono::seconds lease) {
    VipLeases l;
    l.setLease(lease);
    return l;
}

// --- which removals are expiries ----------------------------------------------------------------

void removal_well_before_the_lease_ends_is_someone_elses(void**) {
    auto l = leased(2s);
    l.renewed(2, kVip, kT0);
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, kT0 + 1s)),
                     static_cast<int>(Gone::Removed));
    // Forgotten: a second event for it is not about a held VIP.
    assert_false(l.held(2, kVip));
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, kT0 + 3s)),
                     static_cast<int>(Gone::NotHeld));
}

// The kernel may remove an address up to ~30 ms before the end hafd counts (HZ/50 and jiffy
// rounding): from end - kExpiryTolerance on, a removal is an expiry.
void removal_at_the_end_of_the_lease_is_an_expiry(void**) {
    auto l = leased(2s);
    l.renewed(2, kVip, kT0);
    l.renewed(2, kVip2, kT0);
    const TimePoint end = kT0 + 2s;
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, end - VipLeases::kExpiryTolerance - 1us)),
                     static_cast<int>(Gone::Removed));
    assert_int_equal(static_cast<int>(l.vanished(2, kVip2, end - VipLeases::kExpiryTolerance)),
                     static_cast<int>(Gone::Expired));
    // Late, as the kernel usually is (bench/lease_expiry): still an expiry.
    l.renewed(2, kVip, kT0);
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, end + 900ms)),
                     static_cast<int>(Gone::Expired));
}

// A renewal moves the end: a removal that would have been an expiry is someone else's now.
void renewal_moves_the_end(void**) {
    auto l = leased(3s);
    l.renewed(2, kVip, kT0);
    l.renewed(2, kVip, kT0 + 1s);
    assert_false(l.ranOut(2, kVip, kT0 + 3s));
    assert_true(l.ranOut(2, kVip, kT0 + 4s));
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, kT0 + 3s)),
                     static_cast<int>(Gone::Removed));
}

void permanent_vips_never_expire(void**) {
    VipLeases l; // no cluster: no lease
    l.renewed(2, kVip, kT0);
    assert_false(l.ranOut(2, kVip, kT0 + 10000s));
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, kT0 + 10000s)),
                     static_cast<int>(Gone::Removed));
}

void addresses_hafd_does_not_hold_are_never_its_own(void**) {
    auto l = leased(2s);
    l.renewed(2, kVip, kT0);
    // Same address on another interface, another address on this one.
    assert_int_equal(static_cast<int>(l.vanished(3, kVip, kT0 + 5s)),
                     static_cast<int>(Gone::NotHeld));
    assert_int_equal(static_cast<int>(l.vanished(2, kVip2, kT0 + 5s)),
                     static_cast<int>(Gone::NotHeld));
    l.forget(2, kVip); // hafd removed it: its own echo is not an expiry either
    assert_int_equal(static_cast<int>(l.vanished(2, kVip, kT0 + 5s)),
                     static_cast<int>(Gone::NotHeld));
}

// A renewal never renews a VIP whose lease ran out (the node was stalled): NLM_F_REPLACE would
// put back an address a peer may hold by now.
void renewal_leaves_run_out_leases_to_the_kernel(void**) {
    auto l = leased(2s);
    l.renewed(2, kVip, kT0);
    l.renewed(2, kVip6, kT0);
    l.renewed(3, kVip2, kT0 + 1s);
    auto r = l.renewable(kT0 + 1s);
    assert_int_equal(r.size(), 2);
    assert_int_equal(r[2].size(), 2);
    r = l.renewable(kT0 + 2s - 10ms);
    assert_int_equal(r.size(), 1);
    assert_true(r[3] == std::vector<Prefix>{kVip2});
    assert_int_equal(l.size(), 3); // still held, until the kernel says they are gone
    assert_true(l.on(2) == (std::vector<Prefix>{kVip, kVip6}));
}

void a_removed_interface_takes_its_vips(void**) {
    auto l = leased(2s);
    l.renewed(2, kVip, kT0);
    l.renewed(3, kVip2, kT0);
    l.renewed(4, kVip6, kT0);
    l.forgetInterface(3);
    assert_true(l.held(2, kVip));
    assert_false(l.held(3, kVip2));
    assert_true(l.held(4, kVip6));
}

// --- the renewal room
// -----------------------------------------------------------------------------

config::Instance baseConfig() {
    config::Instance c = instanceConfig();
    c.addresses = {kVip, kVip2};
    c.announce.count = 1;
    c.announce.interval = 10ms;
    return c;
}

// One master instance on interface 2 whose VIPs the table holds, and the room.
struct Rig {
    TimePoint now = kT0;
    std::optional<TimePoint> armed;
    Scheduler scheduler{[this](std::optional<TimePoint> t) {
        armed = t;
    }};
    FakeSender sender;
    FakeVips vips;
    FakeAnnouncer announcer;
    VipLeases leases;
    Instances instances;
    std::unique_ptr<LeaseRenewal> room;

    explicit Rig(std::optional<std::chrono::seconds> lease) {
        vips.leases = &leases;
        vips.clock = &now;
        room = std::make_unique<LeaseRenewal>(scheduler, leases, vips, instances);
        room->configure(lease, now);
        instances.push_back(
            std::make_unique<Instance>(baseConfig(), scheduler, vips, announcer, nullptr));
        Instance& i = *instances.back();
        Binding b;
        b.ifindex = b.vipIfindex = 2;
        b.sender = &sender;
        b.faults = {};
        b.source = *IpAddress::parse("192.0.2.1");
        i.bind(b);
        i.handle(core::BindingChanged{b.faults, b.source, false}, now);
        i.handle(core::Startup{}, now);
        for (int n = 0; n < 10 && i.router().state() != core::State::Master; ++n)
            step();
        assert_int_equal(static_cast<int>(i.router().state()),
                         static_cast<int>(core::State::Master));
        // What NetlinkVips records for an install.
        for (const auto& v : i.config().addresses)
            leases.renewed(2, v, now);
        vips.calls.clear();
    }
    ~Rig() {
        room.reset();
        instances.clear();
    }
    Instance& instance() { return *instances.front(); }
    void step() {
        assert_true(armed.has_value());
        now = *armed;
        scheduler.fire(now);
    }
    // The loop runs again at `t` (nothing ran since the last step: a stall).
    void fireAt(TimePoint t) {
        now = t;
        scheduler.fire(now);
    }
    // Fires everything due up to `until`.
    void runUntil(TimePoint until) {
        while (armed && *armed <= until)
            step();
        now = until;
    }
    int renewals() const {
        int n = 0;
        for (const auto& c : vips.calls)
            n += c.first == 'r';
        return n;
    }
};

// DESIGN.md §4: renewed every lease/3, all of an interface's VIPs in one batch.
void vips_are_renewed_every_third_of_the_lease_in_one_batch(void**) {
    Rig r(2s);
    // The room's timer runs from configure(), at kT0 (the instance claimed 341 ms later):
    // passes at kT0 + 666.666 ms, 1333.332 ms, 1999.998 ms.
    r.runUntil(kT0 + 2s + 1ms);
    assert_int_equal(r.renewals(), 3);
    for (const auto& batch : r.vips.renewed)
        assert_true(batch == (std::vector<Prefix>{kVip, kVip2}));
    assert_int_equal(r.room->batches(), 3);
    assert_false(r.leases.ranOut(2, kVip, r.now + 1s)); // renewed at ~kT0 + 2 s
}

void without_a_lease_nothing_is_renewed(void**) {
    Rig r(std::nullopt);
    r.runUntil(r.now + 10s);
    assert_int_equal(r.renewals(), 0);
}

// A renewal that fails is a failed install for the router: logged, counted, retried 10 ms
// later (an install, which renews what is there), and after the retries the vips fault.
void failed_renewal_is_a_failed_install(void**) {
    gLog.clear();
    log::setSink(captureSink);
    Rig r(2s);
    r.vips.renewFails = true;
    r.vips.installFails = true;
    r.runUntil(kT0 + 667ms); // the first pass, at kT0 + 666.666 ms
    assert_int_equal(r.renewals(), 1);
    assert_int_equal(logged("instance vi: renewing the kernel lease of its VIPs failed: "
                            "198.51.100.10/32: No such device, 198.51.100.11/32: No such device"),
                     1);
    r.runUntil(kT0 + 667ms + 220ms);
    assert_int_equal(static_cast<int>(r.instance().router().state()),
                     static_cast<int>(core::State::Fault));
    int installs = 0;
    for (const auto& c : r.vips.calls)
        installs += c.first == '+';
    assert_int_equal(installs, 3); // 10, 40, 160 ms after the failure
    assert_int_equal(r.vips.calls.back().first, '-');
    log::setSink(nullptr);
    const auto st = instanceStatus(r.instance(), r.now);
    assert_int_equal(st.counters.at("lease_renew_failures"), 1);
    assert_int_equal(st.counters.at("vip_install_failures"), 4);
    assert_true(st.faults == std::vector<std::string>{"vips"});
    assert_int_equal(r.room->failures(), 2);
}

// A retry that works keeps the master, as after a failed install.
void failed_renewal_then_a_working_retry_keeps_master(void**) {
    Rig r(2s);
    r.vips.renewFails = true;
    r.runUntil(kT0 + 667ms);
    r.vips.renewFails = false;
    r.runUntil(kT0 + 700ms); // the retry, 10 ms after the failure
    assert_int_equal(r.renewals(), 1);
    assert_int_equal(static_cast<int>(r.instance().router().state()),
                     static_cast<int>(core::State::Master));
    assert_int_equal(r.vips.calls.back().first, '+');
}

// Reload: a new lease renews the held VIPs at once; no lease makes them permanent at once and
// stops the timer; a lease that did not change does nothing.
void a_change_of_lease_applies_at_once(void**) {
    Rig r(2s);
    r.room->configure(2s, r.now);
    assert_int_equal(r.renewals(), 0);
    r.room->configure(5s, r.now);
    assert_int_equal(r.renewals(), 1);
    assert_false(r.leases.ranOut(2, kVip, r.now + 4s)); // the new lifetime counts
    r.room->configure(std::nullopt, r.now);
    assert_int_equal(r.renewals(), 2);
    assert_false(r.leases.ranOut(2, kVip, r.now + 100000s));
    r.runUntil(r.now + 10s);
    assert_int_equal(r.renewals(), 2);
    // And back: leased again from now on.
    r.room->configure(1s, r.now);
    assert_int_equal(r.renewals(), 3);
    assert_true(r.leases.ranOut(2, kVip, r.now + 1s));
}

// A held VIP whose lease ran out while the loop was stalled is not renewed when the loop runs
// again (the kernel removes it; a peer may hold it by now).
void a_stalled_node_does_not_renew_a_lease_that_ran_out(void**) {
    Rig r(2s);
    const TimePoint from = r.now; // the VIPs' lease ends at from + 2 s
    r.fireAt(from + 2s + 300ms);  // the loop ran nothing for 2.3 s
    assert_int_equal(r.renewals(), 0);
    assert_true(r.leases.held(2, kVip)); // until the kernel's RTM_DELADDR says it is gone
}

// Status: the lease left on the master's VIPs, from the last renewal; none without a lease.
void status_shows_the_lease_remaining(void**) {
    Rig r(2s);
    r.runUntil(kT0 + 667ms); // renewed at kT0 + 666.666 ms: it ends at kT0 + 2666.666 ms
    auto st = instanceStatus(r.instance(), r.now);
    assert_true(st.leaseRemaining < 0); // instanceStatus() leaves it to addLeaseRemaining()
    addLeaseRemaining(st, r.instance(), r.leases, r.now + 1s);
    assert_true(st.leaseRemaining > 0.99 && st.leaseRemaining < 1.0);
    addLeaseRemaining(st, r.instance(), r.leases, r.now + 5s);
    assert_true(st.leaseRemaining == 0); // ran out: never negative
    Rig permanent(std::nullopt);
    auto none = instanceStatus(permanent.instance(), permanent.now);
    addLeaseRemaining(none, permanent.instance(), permanent.leases, permanent.now);
    assert_true(none.leaseRemaining == -1);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(removal_well_before_the_lease_ends_is_someone_elses),
        cmocka_unit_test(removal_at_the_end_of_the_lease_is_an_expiry),
        cmocka_unit_test(renewal_moves_the_end),
        cmocka_unit_test(permanent_vips_never_expire),
        cmocka_unit_test(addresses_hafd_does_not_hold_are_never_its_own),
        cmocka_unit_test(renewal_leaves_run_out_leases_to_the_kernel),
        cmocka_unit_test(a_removed_interface_takes_its_vips),
        cmocka_unit_test(vips_are_renewed_every_third_of_the_lease_in_one_batch),
        cmocka_unit_test(without_a_lease_nothing_is_renewed),
        cmocka_unit_test(failed_renewal_is_a_failed_install),
        cmocka_unit_test(failed_renewal_then_a_working_retry_keeps_master),
        cmocka_unit_test(a_change_of_lease_applies_at_once),
        cmocka_unit_test(a_stalled_node_does_not_renew_a_lease_that_ran_out),
        cmocka_unit_test(status_shows_the_lease_remaining),
    };
    return cmocka_run_group_tests_name("daemon-vip-leases", tests, nullptr, nullptr);
}
