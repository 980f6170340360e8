// SPDX-License-Identifier: Apache-2.0
// Binding instances to links and advert channels (daemon/binder.h), with fake channels: the
// causes the binder owns (link, source, join) reach the router, a failed multicast join is
// retried on a timer until it succeeds, and priority 255 is the address owner only when every
// VIP is already an address of the interface that hafd did not install.
#include "daemon/binder.h"

#include "fakes.h"
#include "unit_test.h"

#include <linux/if.h>

using namespace hafd;
using namespace hafd::daemon;
using namespace hafd::daemon::test;
using core::FaultCause;
using core::FaultSet;
using core::State;

namespace {

constexpr uint32_t kIfindex = 2;

io::LinkInfo eth0(bool up = true) {
    io::LinkInfo l;
    l.ifindex = kIfindex;
    l.name = "eth0";
    l.flags = up ? IFF_UP | IFF_RUNNING | IFF_LOWER_UP : 0;
    l.mac = {2, 0, 0, 0, 0, 1};
    return l;
}

io::AddressInfo address(const char* prefix, bool markedHafd = false) {
    io::AddressInfo a;
    a.ifindex = kIfindex;
    a.prefix = *Prefix::parse(prefix);
    if (markedHafd)
        a.proto = io::kIfaProtoHafd;
    return a;
}

struct Rig {
    TimePoint now = TimePoint{} + 100s;
    std::optional<TimePoint> armed;
    Scheduler scheduler{[this](std::optional<TimePoint> t) {
        armed = t;
    }};
    LinkTable links;
    Instances instances;
    FakeVips vips;
    FakeAnnouncer announcer;
    FakeChannel* channel = nullptr; // the one opened, owned by the binder
    int joinResult = 0;
    std::unique_ptr<Binder> binder;

    explicit Rig(config::Instance cfg,
                 std::vector<io::AddressInfo> addrs = {address("192.0.2.1/24")}) {
        links.reset({eth0()}, std::move(addrs));
        instances.push_back(
            std::make_unique<Instance>(std::move(cfg), scheduler, vips, announcer, nullptr));
        binder = std::make_unique<Binder>(
            scheduler, links, instances,
            [this](const io::LinkInfo&, Family) {
                auto c = std::make_unique<FakeChannel>();
                c->joinResult = joinResult;
                channel = c.get();
                return c;
            },
            [](const io::AddressInfo& a, const std::string&) { return a.installedByHafd(); },
            [this](const IpAddress& a, bool) {
                for (const auto& p : instances[0]->config().addresses)
                    if (p.address == a)
                        return true;
                return false;
            });
    }
    Instance& instance() { return *instances[0]; }
    State state() { return instance().router().state(); }
    void start() {
        binder->bindAll(now);
        instance().handle(core::Startup{}, now);
    }
    // Fires the next timer (binder's join retry or the router's).
    void step() {
        now = *armed;
        scheduler.fire(now);
    }
};

// DESIGN.md §5: a failed join is the fault cause "join", retried 100 ms later, then 200 ms...;
// once joined, every cause is gone and the instance is BACKUP.
void failed_join_faults_and_is_retried_until_it_succeeds(void**) {
    Rig r(instanceConfig());
    r.joinResult = -ENOBUFS; // the kernel's limit on memberships (igmp_max_memberships)
    r.start();
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Fault));
    assert_true(r.instance().router().faults() == FaultSet{FaultCause::Join});
    assert_true(r.instance().binding().sender != nullptr); // it can still send (and resign)
    assert_true(r.armed && *r.armed == r.now + 100ms);
    r.step();
    assert_int_equal(r.channel->joins, 2);
    assert_true(r.armed && *r.armed == r.now + 200ms);
    r.channel->joinResult = 0;
    r.step();
    assert_int_equal(r.channel->joins, 3);
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Backup));
    assert_true(r.instance().router().faults().empty());
}

// A unicast instance never joins the group.
void unicast_instance_needs_no_join(void**) {
    auto cfg = instanceConfig();
    cfg.unicastPeers = {*IpAddress::parse("192.0.2.2")};
    Rig r(cfg);
    r.joinResult = -ENOBUFS;
    r.start();
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Backup));
    assert_int_equal(r.channel->joins, 0);
}

void link_down_and_missing_source_are_causes(void**) {
    Rig r(instanceConfig(), {});
    r.start();
    assert_true(r.instance().router().faults() == FaultSet{FaultCause::Source});
    assert_true(r.instance().binding().sender == nullptr);
    r.links.addAddress(address("192.0.2.1/24"));
    r.binder->bindAll(r.now);
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Backup));
    r.links.upsertLink(eth0(false));
    r.binder->bindAll(r.now);
    assert_true(r.instance().router().faults() == FaultSet{FaultCause::Link});
    assert_true(r.instance().binding().sender == nullptr);
}

// DESIGN.md §10: priority 255 is the RFC's address owner only when its VIPs are already
// addresses of the interface that hafd did not install.
void priority_255_owns_only_addresses_already_there(void**) {
    Rig owner(instanceConfig(255), {address("192.0.2.1/24"), address("198.51.100.10/32")});
    owner.start();
    assert_true(owner.instance().router().owner());
    assert_true(owner.vips.calls.empty()); // master at once, nothing installed

    Rig absent(instanceConfig(255));
    absent.start();
    assert_false(absent.instance().router().owner());
    assert_int_equal(absent.vips.calls.size(), 1);
    assert_int_equal(absent.vips.calls[0].first, '+');

    // Left by an earlier hafd (marked): not the operator's address.
    Rig marked(instanceConfig(255), {address("192.0.2.1/24"), address("198.51.100.10/32", true)});
    marked.start();
    assert_false(marked.instance().router().owner());
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failed_join_faults_and_is_retried_until_it_succeeds),
        cmocka_unit_test(unicast_instance_needs_no_join),
        cmocka_unit_test(link_down_and_missing_source_are_causes),
        cmocka_unit_test(priority_255_owns_only_addresses_already_there),
    };
    return cmocka_run_group_tests_name("daemon-binder", tests, nullptr, nullptr);
}
