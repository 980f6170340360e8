// SPDX-License-Identifier: Apache-2.0
// Priority 255 as operators expect it (DESIGN.md §10): the RFC's address owner, whose VIPs are
// already addresses of its interface, never installs or removes them; a priority-255 router
// that does not own them installs and removes them like any master. Both become master at once
// and always preempt.
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

VirtualRouter at255(bool owner) {
    VirtualRouter r(instance(255));
    (void)r.handle(linkUp(owner), kT0);
    return r;
}

void owner_becomes_master_without_touching_its_addresses(void**) {
    VirtualRouter r = at255(true);
    assert_string_equal(render(r.handle(Startup{}, kT0)).c_str(),
                        "send(255) announce(5) state(INIT>MASTER owner_startup)");
    assert_true(r.owner());
    assert_string_equal(render(r.handle(Shutdown{}, kT0 + 1s)).c_str(),
                        "send(0) state(MASTER>INIT shutdown)");
}

void priority_255_without_the_addresses_installs_and_removes_them(void**) {
    VirtualRouter r = at255(false);
    assert_string_equal(render(r.handle(Startup{}, kT0)).c_str(),
                        "send(255) install announce(5) state(INIT>MASTER owner_startup)");
    assert_false(r.owner());
    // A VIP removed behind its back is put back, as for any master.
    assert_string_equal(render(r.handle(VipsLost{}, kT0 + 1s)).c_str(), "install");
    assert_string_equal(render(r.handle(Shutdown{}, kT0 + 2s)).c_str(),
                        "send(0) remove state(MASTER>INIT shutdown)");
}

// What the router became master with holds until it leaves Master: the VIPs it installed look
// like interface addresses to the binder, and an owner's address an operator removed must not
// make hafd remove the others.
void ownership_is_frozen_while_master(void**) {
    VirtualRouter r = at255(true);
    (void)r.handle(Startup{}, kT0);
    (void)r.handle(linkUp(false), kT0 + 1s);
    assert_true(r.owner());
    assert_string_equal(render(r.handle(VipsLost{}, kT0 + 1s)).c_str(), "");
    assert_string_equal(render(r.handle(linkDown(), kT0 + 2s)).c_str(),
                        "state(MASTER>FAULT fault[link])");
    // Out of Master the binding's word applies.
    assert_false(r.owner());
    assert_string_equal(render(r.handle(linkUp(false), kT0 + 3s)).c_str(),
                        "send(255) install announce(5) state(FAULT>MASTER fault_cleared)");
}

// A priority-255 router that installs its VIPs still preempts a live lower-priority master.
void priority_255_without_the_addresses_preempts(void**) {
    VirtualRouter r = at255(false);
    (void)r.handle(Startup{}, kT0);
    assert_string_equal(render(r.handle(advert("192.0.2.10", 200).event(), kT0 + 1s)).c_str(),
                        "send(255) announce(5)");
    assert_true(r.state() == State::Master);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(owner_becomes_master_without_touching_its_addresses),
        cmocka_unit_test(priority_255_without_the_addresses_installs_and_removes_them),
        cmocka_unit_test(ownership_is_frozen_while_master),
        cmocka_unit_test(priority_255_without_the_addresses_preempts),
    };
    return cmocka_run_group_tests_name("core-owner", tests, nullptr, nullptr);
}
