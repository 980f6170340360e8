// SPDX-License-Identifier: Apache-2.0
// diff() for reload (DESIGN.md §6, §10 "Reload identity"): instances matched by name; identity
// changes are a remove and add, everything else applies in place with the settings named;
// moving or reordering is no change; and which in-place changes peers drop until they follow.
#include "config/diff.h"
#include "config/load.h"

#include "unit_test.h"

#include <functional>

using namespace hafd;
using namespace hafd::config;

namespace {

using Names = std::vector<std::string>;

const char* const kBase = R"(
auth = { keys = ( { id = 1; file = "/etc/hafd/key1"; }, { id = 2; file = "/etc/hafd/key2"; } );
         active_key = 1; mode = "permissive"; };
checks = ( { name = "nginx"; exec = [ "/usr/bin/pgrep", "nginx" ]; },
           { name = "api"; tcp = "127.0.0.1:80"; } );
instances = (
  { name = "web"; interface = "eth0"; vrid = 51; priority = 150;
    addresses = [ "192.0.2.10", "192.0.2.11" ];
    track = ( { check = "nginx"; weight = -60; }, { check = "api"; weight = -10; } );
    notify = { any = [ "/etc/hafd/notify" ]; }; },
  { name = "uni"; interface = "eth0"; vrid = 52; addresses = [ "192.0.2.20" ];
    unicast_peers = [ "192.0.2.2", "192.0.2.3" ]; },
  { name = "old"; interface = "eth1"; vrid = 53; version = 2; addresses = [ "192.0.2.30" ];
    v2_password = "secret"; auth = { enabled = false; }; }
);
groups = ( { name = "g1"; instances = [ "web", "uni" ]; },
           { name = "g2"; instances = [ "old" ]; } );
)";

Config base() {
    const LoadResult r = loadString(kBase, "base.conf");
    for (const Diagnostic& d : r.diagnostics)
        if (d.isError())
            print_message("%s\n", d.toString().c_str());
    assert_true(r.ok());
    return *r.config;
}

Instance& named(Config& c, const std::string& name) {
    for (Instance& i : c.instances)
        if (i.name == name)
            return i;
    fail_msg("no instance %s", name.c_str());
    return c.instances.front();
}

void identical_files_change_nothing(void**) {
    const Config a = base();
    const ConfigDiff d = diff(a, base());
    assert_true(d.empty());
    assert_true(d.unchanged == (Names{"web", "uni", "old"}));
    assert_true(d.added.empty() && d.removed.empty() && d.changed.empty() && d.recreated.empty());
    assert_true(d.sections.empty());
}

// Matched by name: moving instances (and checks, and groups) around is no change, and neither
// is moving a setting to another line or file.
void reordering_changes_nothing(void**) {
    const Config a = base();
    Config b = base();
    std::swap(b.instances[0], b.instances[2]);
    std::swap(b.checks[0], b.checks[1]);
    std::swap(b.groups[0], b.groups[1]);
    b.instances[1].lines.emplace_back("", 99);
    b.instances[1].file = "other.conf";
    b.instances[2].tracks[0].where = {"other.conf", 7, "elsewhere"};
    const ConfigDiff d = diff(a, b);
    assert_true(d.empty());
    assert_true(d.unchanged == (Names{"old", "uni", "web"}));
}

void renaming_is_remove_and_add(void**) {
    const Config a = base();
    Config b = base();
    named(b, "uni").name = "unicast";
    b.groups[0].instances[1] = "unicast";
    const ConfigDiff d = diff(a, b);
    assert_true(d.removed == (Names{"uni"}));
    assert_true(d.added == (Names{"unicast"}));
    assert_true(d.unchanged == (Names{"web", "old"}));
    assert_true(d.sections == (Names{"groups"}));
    assert_false(d.empty());
}

void added_and_removed_instances(void**) {
    const Config a = base();
    Config b = base();
    b.instances.erase(b.instances.begin()); // web
    Instance extra = b.instances[0];
    extra.name = "new";
    extra.vrid = 99;
    b.instances.push_back(extra);
    const ConfigDiff d = diff(a, b);
    assert_true(d.removed == (Names{"web"}));
    assert_true(d.added == (Names{"new"}));
    assert_true(d.unchanged == (Names{"uni", "old"}));
}

struct Case {
    const char* instance;
    std::function<void(Instance&)> change;
    Names settings;
    Names identity; // empty: in place
};

// Each setting alone is named by test_binding.cpp (its cases come from the schema table);
// these are the changes whose naming is a decision of its own.
void each_setting_is_named(void**) {
    const std::vector<Case> cases = {
        // The order of the addresses is a change (adverts list them in order).
        {"web", [](Instance& i) { std::swap(i.addresses[0], i.addresses[1]); }, {"addresses"}, {}},
        {"web", [](Instance& i) { i.announce.refresh = 0s; }, {"announce"}, {}},
        {"web", [](Instance& i) { i.tracks.pop_back(); }, {"track"}, {}},
        {"web", [](Instance& i) { i.notify.edit().master.argv = {"/bin/m"}; }, {"notify"}, {}},
        {"web", [](Instance& i) { i.auth.reset(); }, {"auth"}, {}},
        {"web", [](Instance& i) { i.auth->mode = AuthMode::ReceiveOnly; }, {"auth"}, {}},
        {"web",
         [](Instance& i) {
             i.priority = 1;
             i.notify = Notify{};
         },
         {"priority", "notify"},
         {}},
        // Identity: a graceful remove and add (DESIGN.md §10).
        {"web", [](Instance& i) { i.vrid = 60; }, {"vrid"}, {"vrid"}},
        {"web", [](Instance& i) { i.interface = "eth9"; }, {"interface"}, {"interface"}},
        {"old", [](Instance& i) { i.version = proto::Version::V3; }, {"version"}, {"version"}},
        {"web", [](Instance& i) { i.vmac = true; }, {"vmac"}, {"vmac"}},
        {"web",
         [](Instance& i) {
             i.family = Family::V6;
             i.addresses = {*Prefix::parse("fe80::1")};
         },
         {"addresses"},
         {"family"}},
        {"web",
         [](Instance& i) { i.unicastPeers = {*IpAddress::parse("192.0.2.2")}; },
         {"unicast_peers"},
         {"unicast_peers"}},
        {"uni", [](Instance& i) { i.unicastPeers.clear(); }, {"unicast_peers"}, {"unicast_peers"}},
        // Priority 255 decides at run time whether hafd installs the VIPs (DESIGN.md §10): a
        // priority that becomes or stops being 255 is a remove and add; other changes apply in
        // place.
        {"web", [](Instance& i) { i.priority = 255; }, {"priority"}, {"priority 255"}},
        {"web", [](Instance& i) { i.priority = 254; }, {"priority"}, {}},
        {"web",
         [](Instance& i) {
             i.vrid = 61;
             i.priority = 10;
         },
         {"vrid", "priority"},
         {"vrid"}},
        // In the schema's order.
        {"web",
         [](Instance& i) {
             i.vmac = true;
             i.vrid = 62;
             i.interface = "eth9";
         },
         {"interface", "vrid", "vmac"},
         {"interface", "vrid", "vmac"}},
    };
    for (const Case& c : cases) {
        const Config a = base();
        Config b = base();
        c.change(named(b, c.instance));
        const ConfigDiff d = diff(a, b);
        const InstanceChange expected{c.instance, c.settings, c.identity};
        const auto& list = c.identity.empty() ? d.changed : d.recreated;
        const auto& other = c.identity.empty() ? d.recreated : d.changed;
        if (list.size() != 1 || !(list[0] == expected) || !other.empty()) {
            print_message("%s: expected %s", c.instance,
                          c.identity.empty() ? "changed" : "recreated");
            for (const auto& s : c.settings)
                print_message(" %s", s.c_str());
            print_message("; got changed %zu, recreated %zu:", d.changed.size(),
                          d.recreated.size());
            for (const auto& x : list)
                for (const auto& s : x.settings)
                    print_message(" %s", s.c_str());
            print_message("\n");
            fail();
        }
        assert_int_equal(d.unchanged.size(), 2);
        assert_true(d.added.empty() && d.removed.empty() && d.sections.empty());
    }
}

void sections_are_named(void**) {
    using Change = std::function<void(Config&)>;
    const std::vector<std::pair<Change, Names>> cases = {
        {[](Config& c) { c.node.name = "lb2"; }, {"node"}},
        {[](Config& c) { c.scripts.user = "other"; }, {"scripts"}},
        {[](Config& c) { c.scripts.timeout = 1s; }, {"scripts"}},
        {[](Config& c) { c.cluster = Cluster{}; }, {"cluster"}},
        {[](Config& c) { c.fence = Fence{}; }, {"fence"}},
        {[](Config& c) { c.metrics = Metrics{}; }, {"metrics"}},
        {[](Config& c) {
             c.metrics = Metrics{};
             c.metrics->listenPort = 9650;
         },
         {"metrics"}},
        {[](Config& c) { c.checks[0].interval = 5s; }, {"checks"}},
        {[](Config& c) { c.checks.pop_back(); }, {"checks"}},
        {[](Config& c) { c.checks[1].name = "api2"; }, {"checks"}},
        {[](Config& c) { c.groups.pop_back(); }, {"groups"}},
        {[](Config& c) { c.groups[0].notify.any.argv = {"/bin/n"}; }, {"groups"}},
        {[](Config& c) {
             c.node.name = "x";
             c.groups.clear();
         },
         {"node", "groups"}},
    };
    for (const auto& [change, sections] : cases) {
        const Config a = base();
        Config b = base();
        change(b);
        const ConfigDiff d = diff(a, b);
        if (d.sections != sections) {
            for (const auto& s : d.sections)
                print_message("got %s\n", s.c_str());
            fail();
        }
        assert_int_equal(d.unchanged.size(), 3);
    }
}

// The top-level auth is a section, and also each inheriting instance's effective auth.
void top_level_auth_reaches_the_instances_using_it(void**) {
    const Config a = base();
    Config b = base();
    b.auth->activeKey = 2;
    for (Instance& i : b.instances)
        if (!i.ownAuth)
            i.auth->activeKey = 2;
    const ConfigDiff d = diff(a, b);
    assert_true(d.sections == (Names{"auth"}));
    assert_int_equal(d.changed.size(), 2);
    assert_true(d.changed[0] == (InstanceChange{"web", {"auth"}, {}}));
    assert_true(d.changed[1] == (InstanceChange{"uni", {"auth"}, {}}));
    assert_true(d.unchanged == (Names{"old"})); // it has auth = { enabled = false; }
}

// The same through the loader: a file edited as an operator would.
void loaded_files_diff_as_expected(void**) {
    std::string text = kBase;
    const auto replace = [&](const std::string& from, const std::string& to) {
        const std::size_t at = text.find(from);
        assert_true(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("priority = 150;", "priority = 250;");
    replace("active_key = 1;", "active_key = 2;");
    replace("vrid = 53;", "vrid = 54;");
    const LoadResult r = loadString(text, "next.conf");
    assert_true(r.ok());
    const ConfigDiff d = diff(base(), *r.config);
    assert_true(d.sections == (Names{"auth"}));
    assert_int_equal(d.changed.size(), 2);
    assert_true(d.changed[0] == (InstanceChange{"web", {"priority", "auth"}, {}}));
    assert_true(d.changed[1] == (InstanceChange{"uni", {"auth"}, {}}));
    assert_int_equal(d.recreated.size(), 1);
    assert_true(d.recreated[0] == (InstanceChange{"old", {"vrid"}, {"vrid"}}));
}

// DESIGN.md §10: a VIP list changed one node at a time makes keepalived peers drop our adverts.
void peer_visible_changes(void**) {
    Config a = base();
    const Instance& web = named(a, "web");
    const Instance& old = named(a, "old");
    auto after = [](const Instance& i, const std::function<void(Instance&)>& f) {
        Instance n = i;
        f(n);
        return n;
    };
    assert_true(peerVisibleChanges(web, web).empty());
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) { i.addresses.pop_back(); })) ==
                (Names{"addresses"}));
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) {
                                       i.addresses.push_back(*Prefix::parse("192.0.2.12"));
                                   })) == (Names{"addresses"}));
    // keepalived compares the set: order and prefix lengths are not on its list.
    assert_true(peerVisibleChanges(web, after(web,
                                              [](Instance& i) {
                                                  std::swap(i.addresses[0], i.addresses[1]);
                                                  i.addresses[0].length = 24;
                                              }))
                    .empty());
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) { i.priority = 1; })).empty());
    assert_true(
        peerVisibleChanges(web, after(web, [](Instance& i) { i.advertInterval = 2s; })).empty());
    assert_true(peerVisibleChanges(old, after(old, [](Instance& i) { i.advertInterval = 2s; })) ==
                (Names{"advert_interval"}));
    assert_true(peerVisibleChanges(old, after(old, [](Instance& i) { i.v2Password = "x"; })) ==
                (Names{"v2_password"}));
    // Signing starts, stops or moves to another key: peers without it drop ours.
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) { i.auth->activeKey = 2; })) ==
                (Names{"auth"}));
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) { i.auth.reset(); })) ==
                (Names{"auth"}));
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) {
                                       i.auth->mode = AuthMode::ReceiveOnly;
                                   })) == (Names{"auth"}));
    // Adding a key, or going from enforce to permissive, changes nothing on the wire; nor does
    // adding or removing a receive-only auth (the rollout's first step and its undoing).
    const Instance plain = after(web, [](Instance& i) { i.auth.reset(); });
    const Instance receiving =
        after(web, [](Instance& i) { i.auth->mode = AuthMode::ReceiveOnly; });
    assert_true(peerVisibleChanges(plain, receiving).empty());
    assert_true(peerVisibleChanges(receiving, plain).empty());
    const Instance enforcing = after(web, [](Instance& i) { i.auth->mode = AuthMode::Enforce; });
    assert_true(peerVisibleChanges(enforcing, after(enforcing,
                                                    [](Instance& i) {
                                                        i.auth->keys.push_back({3, "/k3", {}});
                                                        i.auth->mode = AuthMode::Permissive;
                                                    }))
                    .empty());
    assert_true(peerVisibleChanges(web, after(web, [](Instance& i) {
                                       i.addresses.pop_back();
                                       i.auth.reset();
                                   })) == (Names{"addresses", "auth"}));
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(identical_files_change_nothing),
        cmocka_unit_test(reordering_changes_nothing),
        cmocka_unit_test(renaming_is_remove_and_add),
        cmocka_unit_test(added_and_removed_instances),
        cmocka_unit_test(each_setting_is_named),
        cmocka_unit_test(sections_are_named),
        cmocka_unit_test(top_level_auth_reaches_the_instances_using_it),
        cmocka_unit_test(loaded_files_diff_as_expected),
        cmocka_unit_test(peer_visible_changes),
    };
    return cmocka_run_group_tests_name("config-diff", tests, nullptr, nullptr);
}
