// SPDX-License-Identifier: Apache-2.0
// The schema rows drive reading, equality, diff() and printing (binding.h): every row is bound,
// each table to one struct; changing what one row reads is seen by that row's comparer alone,
// named by diff(), and printed by describe(); the table's defaults are the structs'. The cases
// come from the tables: a row added without its binding, or bound to a field another row
// already compares, fails here.
#include "config/binding.h"
#include "config/diff.h"
#include "config/load.h"
#include "config/report.h"
#include "config/section.h"
#include "config_test.h"

#include "unit_test.h"

#include <charconv>
#include <functional>
#include <set>

using namespace hafd;
using namespace hafd::config;

namespace {

using Names = std::vector<std::string>;

// Every table, the struct it describes and an object of it to change, from good files.
struct Table {
    const char* name;
    std::span<const Key> keys;
    const void* owner;
};

const std::vector<Table>& tables() {
    static const std::vector<Table> all = {
        {"root", rootKeys(), &kOwner<Config>},
        {"node", nodeKeys(), &kOwner<LocalNode>},
        {"scripts", scriptsKeys(), &kOwner<Scripts>},
        {"auth", authKeys(), &kOwner<Auth>},
        {"auth.keys", authKeyKeys(), &kOwner<AuthKey>},
        {"cluster", clusterKeys(), &kOwner<Cluster>},
        {"cluster.nodes", clusterNodeKeys(), &kOwner<ClusterNode>},
        {"cluster.quorum_hook", quorumHookKeys(), &kOwner<QuorumHook>},
        {"fence", fenceKeys(), &kOwner<Fence>},
        {"metrics", metricsKeys(), &kOwner<Metrics>},
        {"checks", checkKeys(), &kOwner<Check>},
        {"instances", instanceKeys(), &kOwner<Instance>},
        {"instances.announce", announceKeys(), &kOwner<Announce>},
        {"instances.track", trackKeys(), &kOwner<Track>},
        {"notify", notifyKeys(), &kOwner<Notify>},
        {"instances.switchover", switchoverKeys(), &kOwner<Switchover>},
        {"groups", groupKeys(), &kOwner<SyncGroup>},
    };
    return all;
}

void collect(std::span<const Key> keys, std::set<const Key*>& out) {
    if (!out.insert(keys.data()).second)
        return;
    for (const Key& k : keys)
        if (!k.children.empty())
            collect(k.children, out);
}

bool isGroup(const Key& k) {
    return k.type == Type::Group || k.type == Type::GroupList;
}

void every_row_is_bound(void**) {
    std::set<const Key*> reachable;
    collect(rootKeys(), reachable);
    std::set<const Key*> listed;
    for (const Table& t : tables()) {
        listed.insert(t.keys.data());
        for (const Key& k : t.keys) {
            if (k.owner != t.owner)
                fail_msg("%s.%s is not bound to the table's struct", t.name, k.name.data());
            if (k.print == nullptr || k.same == nullptr)
                fail_msg("%s.%s has no printer or comparer", t.name, k.name.data());
            // Only the builders read lists, optional groups and auth's `enabled`.
            if (k.read == nullptr && !isGroup(k) && k.name != "enabled")
                fail_msg("%s.%s has no reader", t.name, k.name.data());
            if (isGroup(k) && k.children.empty())
                fail_msg("%s.%s is a group without settings", t.name, k.name.data());
            if (k.sameIdentity != nullptr && t.keys.data() != instanceKeys().data())
                fail_msg("%s.%s: only instances have an identity", t.name, k.name.data());
        }
    }
    assert_true(reachable == listed);
}

// Values of the row's type to try, in order; the schema walk turns down those that do not fit.
std::vector<Node> candidates(const Key& k) {
    std::vector<Node> out;
    auto add = [&](Node::Kind kind) -> Node& {
        Node& n = out.emplace_back();
        n.kind = kind;
        n.name = std::string(k.name);
        n.line = 1;
        return n;
    };
    auto entry = [&](Node::Kind kind, Node::Kind of, const std::string& name) -> Node& {
        Node& list = add(kind);
        Node& e = list.children.emplace_back();
        e.kind = of;
        e.name = name;
        e.line = 1;
        return e;
    };
    switch (k.type) {
    case Type::Bool:
        add(Node::Kind::Bool).boolean = true;
        add(Node::Kind::Bool).boolean = false;
        break;
    case Type::Int:
        for (const double v : {k.min, k.max, 1.0, 2.0})
            add(Node::Kind::Int).integer = static_cast<int64_t>(v);
        break;
    case Type::Seconds:
        for (const double v : {k.min, k.max, 1.0, 2.0})
            add(Node::Kind::Float).number = v;
        break;
    case Type::String:
        for (const auto c : k.choices)
            add(Node::Kind::String).text = c;
        for (const char* text : {"changed", "/changed", "192.0.2.99", "127.0.0.1:9"})
            add(Node::Kind::String).text = text;
        break;
    case Type::StringList:
        for (const char* text : {"192.0.2.99", "changed"})
            entry(Node::Kind::Array, Node::Kind::String, "").text = text;
        entry(Node::Kind::Array, Node::Kind::String, "").text = "changed"; // and a second:
        out.back().children.push_back(out.back().children.front());
        out.back().children.back().text = "other"; // lists of at least two (k_of_n)
        break;
    case Type::Command:
        entry(Node::Kind::Array, Node::Kind::String, "").text = "/bin/changed";
        break;
    case Type::IntGroup:
        entry(Node::Kind::Group, Node::Kind::Int, "changed").integer = 1;
        break;
    case Type::Group:
    case Type::GroupList:
        break;
    }
    return out;
}

// A copy of `base` whose setting `k` (of `keys`) reads another value, if a candidate gives one.
template <typename S>
std::optional<S> changed(std::span<const Key> keys, const S& base, const Key& k) {
    const std::vector<std::string> files = {"t.conf"};
    for (const Node& value : candidates(k)) {
        Node group;
        group.line = 1;
        group.children = {value};
        Reporter report(files);
        const Section s(group, keys, "t", report);
        if (!s.ok(k.name))
            continue;
        S copy = base;
        readFields(s, copy, report);
        if (!k.sameIn(&base, &copy))
            return copy;
    }
    return std::nullopt;
}

// For each row of `keys` that readFields() reads (groups: through their own tables), a change
// of its field among `objects` that this row's comparer sees and no other row's does; `then`
// gets each (row, before, after).
template <typename S>
void eachRowAlone(const char* table, std::span<const Key> keys, const std::vector<S>& objects,
                  const std::function<void(const Key&, const S&, const S&)>& then = nullptr) {
    for (const Key& k : keys) {
        if (k.read == nullptr || isGroup(k))
            continue;
        bool found = false;
        for (const S& base : objects) {
            const auto copy = changed(keys, base, k);
            if (!copy)
                continue;
            found = true;
            for (const Key& other : keys)
                if (&other != &k && !other.sameIn(&base, &*copy))
                    fail_msg("changing %s.%s changes %s too", table, k.name.data(),
                             other.name.data());
            assert_false(sameFields(keys, &base, &*copy));
            if (then)
                then(k, base, *copy);
            break;
        }
        if (!found)
            fail_msg("%s.%s: no value changed it", table, k.name.data());
    }
}

Config sections() {
    return test::loadGood("sections.conf");
}

void each_row_compares_its_own_field(void**) {
    const Config c = sections();
    const Config full = test::loadGood("full.conf");
    eachRowAlone<Instance>("instances", instanceKeys(), {full.instances[0], c.instances[0]});
    eachRowAlone<Announce>("announce", announceKeys(), {full.instances[0].announce});
    eachRowAlone<Track>("track", trackKeys(), c.instance("web")->tracks);
    eachRowAlone<Notify>("notify", notifyKeys(), {*c.instance("web")->notify, c.groups[0].notify});
    eachRowAlone<Switchover>("switchover", switchoverKeys(), {*c.instance("web")->switchover});
    eachRowAlone<Auth>("auth", authKeys(), {*c.auth});
    eachRowAlone<AuthKey>("auth.keys", authKeyKeys(), c.auth->keys);
    eachRowAlone<LocalNode>("node", nodeKeys(), {c.node});
    eachRowAlone<Scripts>("scripts", scriptsKeys(), {c.scripts});
    eachRowAlone<Cluster>("cluster", clusterKeys(), {*c.cluster});
    eachRowAlone<ClusterNode>("cluster.nodes", clusterNodeKeys(), c.cluster->nodes);
    eachRowAlone<QuorumHook>("quorum_hook", quorumHookKeys(), {*c.cluster->quorumHook});
    eachRowAlone<Fence>("fence", fenceKeys(), {*c.fence});
    eachRowAlone<Metrics>("metrics", metricsKeys(), {*c.metrics});
    eachRowAlone<Check>("checks", checkKeys(), c.checks);
    eachRowAlone<SyncGroup>("groups", groupKeys(), c.groups);
}

InstanceChange onlyChange(const Config& before, const Config& after) {
    const ConfigDiff d = diff(before, after);
    const auto& list = d.changed.empty() ? d.recreated : d.changed;
    assert_int_equal(d.changed.size() + d.recreated.size(), 1);
    assert_true(d.added.empty() && d.removed.empty() && d.sections.empty());
    return list.front();
}

// diff() names each instance setting that changes, and a change of the identity (DESIGN.md §10)
// as what it is; a change inside a group is named by the group.
void diff_names_each_instance_setting(void**) {
    const Config full = test::loadGood("full.conf");
    eachRowAlone<Instance>("instances", instanceKeys(), {full.instances[0]},
                           [&](const Key& k, const Instance&, const Instance& after) {
                               if (k.binds<&Instance::name>())
                                   return; // matched by name: a rename is a remove and add
                               Config next = full;
                               next.instances[0] = after;
                               const InstanceChange c = onlyChange(full, next);
                               assert_true(c.settings == Names{std::string(k.name)});
                               // A plain identity row: any change of it is one.
                               if (k.sameIdentity == k.same)
                                   assert_true(c.identity == Names{std::string(k.name)});
                               else
                                   assert_true(c.identity.empty() ||
                                               c.identity == Names{std::string(k.identityName)});
                           });
    const Config c = sections();
    const std::size_t web = 0;
    assert_string_equal(c.instances[web].name.c_str(), "web");
    auto inGroup = [&](const char* group, auto keys, auto get, auto set) {
        using S = std::remove_cvref_t<decltype(get(c.instances[web]))>;
        eachRowAlone<S>(group, keys, {get(c.instances[web])},
                        [&](const Key&, const S&, const S& after) {
                            Config next = c;
                            set(next.instances[web], after);
                            const InstanceChange change = onlyChange(c, next);
                            assert_true(change.settings == Names{group});
                            assert_true(change.identity.empty());
                        });
    };
    inGroup(
        "announce", announceKeys(), [](const Instance& i) { return i.announce; },
        [](Instance& i, const Announce& a) { i.announce = a; });
    inGroup(
        "notify", notifyKeys(), [](const Instance& i) { return *i.notify; },
        [](Instance& i, const Notify& n) { i.notify = n; });
    inGroup(
        "switchover", switchoverKeys(), [](const Instance& i) { return *i.switchover; },
        [](Instance& i, const Switchover& v) { i.switchover = v; });
    inGroup(
        "track", trackKeys(), [](const Instance& i) { return i.tracks[0]; },
        [](Instance& i, const Track& t) { i.tracks[0] = t; });
    inGroup(
        "auth", authKeys(), [](const Instance& i) { return *i.auth; },
        [](Instance& i, const Auth& a) { i.auth = a; });
}

// The sections diff() names are the top-level rows whose struct changed.
void diff_names_each_section(void**) {
    const Config c = sections();
    auto section = [&](const char* name, auto keys, auto get, auto set) {
        using S = std::remove_cvref_t<decltype(get(c))>;
        eachRowAlone<S>(name, keys, {get(c)}, [&](const Key&, const S&, const S& after) {
            Config next = c;
            set(next, after);
            const ConfigDiff d = diff(c, next);
            assert_true(d.sections == Names{name});
        });
    };
    section(
        "node", nodeKeys(), [](const Config& x) { return x.node; },
        [](Config& x, const LocalNode& v) { x.node = v; });
    section(
        "scripts", scriptsKeys(), [](const Config& x) { return x.scripts; },
        [](Config& x, const Scripts& v) { x.scripts = v; });
    section(
        "auth", authKeys(), [](const Config& x) { return *x.auth; },
        [](Config& x, const Auth& v) { x.auth = v; });
    section(
        "cluster", clusterKeys(), [](const Config& x) { return *x.cluster; },
        [](Config& x, const Cluster& v) { x.cluster = v; });
    section(
        "fence", fenceKeys(), [](const Config& x) { return *x.fence; },
        [](Config& x, const Fence& v) { x.fence = v; });
    section(
        "metrics", metricsKeys(), [](const Config& x) { return *x.metrics; },
        [](Config& x, const Metrics& v) { x.metrics = v; });
    eachRowAlone<Check>(
        "checks", checkKeys(), c.checks, [&](const Key&, const Check& before, const Check& after) {
            Config next = c;
            next.checks[static_cast<std::size_t>(&before - c.checks.data())] = after;
            assert_true(diff(c, next).sections == Names{"checks"});
        });
    section(
        "groups", groupKeys(), [](const Config& x) { return x.groups[0]; },
        [](Config& x, const SyncGroup& v) { x.groups[0] = v; });
}

// What describe() prints of a changed setting is what was read: the change shows in its line.
void describe_prints_each_change(void**) {
    const Config full = test::loadGood("full.conf");
    const std::string before = describe(full);
    eachRowAlone<Instance>("instances", instanceKeys(), {full.instances[0]},
                           [&](const Key& k, const Instance&, const Instance& after) {
                               Config next = full;
                               next.instances[0] = after;
                               if (describe(next) == before)
                                   fail_msg("describe() does not show a change of %s",
                                            k.name.data());
                           });
}

// The defaults in the tables are what the structs start with.
template <typename S>
void defaultsOf(const char* table, std::span<const Key> keys) {
    const S object{};
    for (const Key& k : keys) {
        if (k.defaultValue.empty() || k.formula || k.required)
            continue;
        const std::string printed = k.print(&object, k, "");
        std::string expected(k.defaultValue);
        if (k.type == Type::String)
            expected = "\"" + expected + "\"";
        if (k.type == Type::Int || k.type == Type::Seconds) {
            double v = 0;
            std::from_chars(expected.data(), expected.data() + expected.size(), v);
            char buf[32];
            expected.assign(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
        }
        if (printed != expected)
            fail_msg("%s.%s: the table says %s, the struct starts with %s", table, k.name.data(),
                     expected.c_str(), printed.c_str());
    }
}

void table_defaults_are_the_structs(void**) {
    defaultsOf<Instance>("instances", instanceKeys());
    defaultsOf<Announce>("announce", announceKeys());
    defaultsOf<Track>("track", trackKeys());
    defaultsOf<Switchover>("switchover", switchoverKeys());
    defaultsOf<Auth>("auth", authKeys());
    defaultsOf<Scripts>("scripts", scriptsKeys());
    defaultsOf<Cluster>("cluster", clusterKeys());
    defaultsOf<ClusterNode>("cluster.nodes", clusterNodeKeys());
    defaultsOf<QuorumHook>("quorum_hook", quorumHookKeys());
    defaultsOf<Fence>("fence", fenceKeys());
    defaultsOf<Metrics>("metrics", metricsKeys());
    defaultsOf<Check>("checks", checkKeys());
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(every_row_is_bound),
        cmocka_unit_test(each_row_compares_its_own_field),
        cmocka_unit_test(diff_names_each_instance_setting),
        cmocka_unit_test(diff_names_each_section),
        cmocka_unit_test(describe_prints_each_change),
        cmocka_unit_test(table_defaults_are_the_structs),
    };
    return cmocka_run_group_tests_name("config-binding", tests, nullptr, nullptr);
}
