// SPDX-License-Identifier: Apache-2.0
// Loading good configurations: defaults, parsed values, integer seconds, @include, the lines kept
// for later messages, and the API's behaviour at its edges.
#include "config/load.h"
#include "config/section.h"
#include "config_test.h"

#include "unit_test.h"

#include <set>
#include <string>

using namespace hafd;
using namespace hafd::config;

namespace {

using test::loadGood;

Prefix prefix(const char* text) {
    return *Prefix::parse(text);
}
IpAddress address(const char* text) {
    return *IpAddress::parse(text);
}

// Good files have nothing wrong; those that set what this release does not act on say so.
void every_good_file_loads_cleanly(void**) {
    const auto files = test::filesIn(test::dataPath("good"), ".conf");
    assert_true(files.size() >= 6);
    for (const std::string& path : files)
        assert_true(test::loadsAsGood(loadFile(path), path));
}

void example_config_loads_cleanly(void**) {
    const LoadResult r = loadFile(test::sourceRoot() + "/conf/hafd.conf");
    for (const Diagnostic& d : r.diagnostics)
        print_message("%s\n", d.toString().c_str());
    assert_true(r.ok());
    assert_true(r.diagnostics.empty());
    assert_true(r.config->instances.size() >= 2);
}

// The example's commented-out settings are examples to copy: with every one of them turned on
// (the leading '#' removed, as its comments tell an operator to), it still loads, with only
// the warnings that say which settings this release does not act on yet.
void example_config_with_its_examples_loads_cleanly(void**) {
    const std::string text = test::readText(test::sourceRoot() + "/conf/hafd.conf");
    assert_false(text.empty());
    std::string on;
    std::size_t uncommented = 0;
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(begin, end - begin);
        begin = end + 1;
        // A commented-out setting (`# name = ...`, `#   { ...`, `# );`), not prose.
        while (true) {
            const std::size_t hash = line.find_first_not_of(' ');
            if (hash == std::string::npos || line[hash] != '#')
                break;
            std::string rest = line.substr(hash + 1);
            if (rest.starts_with(' '))
                rest.erase(0, 1);
            const std::size_t first = rest.find_first_not_of(' ');
            if (first == std::string::npos)
                break;
            const char c = rest[first];
            const std::size_t eq = rest.find(" = ", first);
            const bool setting = eq != std::string::npos &&
                                 rest.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", first) == eq;
            if (!setting && std::string("{}()[],#").find(c) == std::string::npos)
                break;
            line = line.substr(0, hash) + rest;
            ++uncommented;
        }
        on += line + "\n";
    }
    assert_true(uncommented >= 40);
    const LoadResult r = loadString(on, test::sourceRoot() + "/conf/hafd-examples.conf");
    std::set<std::string> inactive;
    for (const Diagnostic& d : r.diagnostics) {
        print_message("%s\n", d.toString().c_str());
        assert_false(d.isError());
        assert_string_equal(d.message.c_str(), std::string(kInactive).c_str());
        inactive.insert(d.setting);
    }
    assert_true(r.ok());
    // Every section is active now: none earns the warning.
    assert_true(inactive.empty());
    const Config& c = *r.config;
    assert_true(c.auth.has_value());
    assert_true(c.cluster.has_value() && c.cluster->quorumHook.has_value());
    assert_true(c.fence.has_value());
    assert_int_equal(c.checks.size(), 6);
    assert_int_equal(c.groups.size(), 1);
    assert_int_equal(c.instances.size(), 4);
}

void minimal_instance_takes_every_default(void**) {
    const Config c = loadGood("minimal.conf");
    assert_string_equal(c.file.c_str(), test::dataPath("good/minimal.conf").c_str());
    assert_int_equal(c.instances.size(), 1);
    const Instance& i = c.instances[0];
    assert_string_equal(i.name.c_str(), "web");
    assert_string_equal(i.interface.c_str(), "eth0");
    assert_int_equal(i.vrid, 51);
    assert_true(i.family == Family::V4);
    assert_true(i.version == proto::Version::V3);
    assert_int_equal(i.priority, 100);
    assert_true(i.advertInterval == 1s);
    assert_true(i.preempt);
    assert_true(i.preemptDelay == 0s);
    assert_false(i.probeBeforeClaim);
    assert_int_equal(i.addresses.size(), 1);
    assert_true(i.addresses[0] == prefix("192.0.2.10/32"));
    assert_true(i.unicastPeers.empty());
    assert_false(i.vmac);
    assert_true(i.accept);
    assert_true(i.checksum == proto::ChecksumForm::PseudoHeader);
    assert_int_equal(i.announce.count, 5);
    assert_true(i.announce.delay == 5s);
    assert_true(i.announce.refresh == 60s);
    assert_true(i.announce.interval == 10ms);
    assert_true(i.v2AuthType == proto::V2AuthType::None);
    assert_true(i.v2Password.empty());
    assert_false(i.isOwner());
    assert_false(i.isUnicast());
}

void every_setting_is_read(void**) {
    const Config c = loadGood("full.conf");
    const Instance& i = c.instances.at(0);
    assert_string_equal(i.name.c_str(), "db-1.primary");
    assert_string_equal(i.interface.c_str(), "bond0.100");
    assert_int_equal(i.vrid, 200);
    assert_int_equal(i.priority, 254);
    assert_true(i.advertInterval == 2s); // integer seconds
    assert_false(i.preempt);
    assert_true(i.preemptDelay == 30s); // integer seconds
    assert_true(i.probeBeforeClaim);
    assert_int_equal(i.addresses.size(), 2);
    assert_true(i.addresses[0] == prefix("198.51.100.10/24"));
    assert_true(i.addresses[1] == prefix("198.51.100.11/32"));
    assert_int_equal(i.unicastPeers.size(), 2);
    assert_true(i.unicastPeers[0] == address("198.51.100.2"));
    assert_true(i.unicastPeers[1] == address("198.51.100.3"));
    assert_int_equal(i.unicastMinTtl, 254);
    assert_true(i.vmac);
    assert_true(i.accept);
    assert_true(i.checksum == proto::ChecksumForm::LegacyUnicast);
    assert_int_equal(i.announce.count, 3);
    assert_true(i.announce.delay == 0s);
    assert_true(i.announce.refresh == 500ms);
    assert_true(i.announce.interval == 1s); // integer seconds
    assert_true(i.isUnicast());
}

void lines_point_at_each_setting(void**) {
    const Config c = loadGood("full.conf");
    const Instance& i = c.instances.at(0);
    assert_string_equal(i.file.c_str(), test::dataPath("good/full.conf").c_str());
    assert_int_equal(i.lineOf(""), 3);
    assert_int_equal(i.lineOf("name"), 4);
    assert_int_equal(i.lineOf("vrid"), 6);
    assert_int_equal(i.lineOf("addresses"), 12);
    assert_int_equal(i.lineOf("announce"), 18);
    assert_int_equal(i.lineOf("announce.refresh"), 21);
    // Absent settings point at the group.
    const Config m = loadGood("minimal.conf");
    assert_int_equal(m.instances[0].lineOf("priority"), 3);
    assert_int_equal(m.instances[0].lineOf("announce.count"), 3);
    assert_int_equal(Instance{}.lineOf("vrid"), 0);
}

void v2_takes_whole_seconds_and_a_password(void**) {
    const Config c = loadGood("v2.conf");
    const Instance& a = c.instances.at(0);
    assert_true(a.version == proto::Version::V2);
    assert_true(a.advertInterval == 3s);
    assert_true(a.v2AuthType == proto::V2AuthType::SimplePassword);
    assert_string_equal(a.v2Password.c_str(), "secret12");
    const Instance& b = c.instances.at(1);
    assert_true(b.advertInterval == 255s);
    assert_true(b.v2AuthType == proto::V2AuthType::None);
}

void ipv6_takes_centiseconds(void**) {
    const Config c = loadGood("v6.conf");
    const Instance& a = c.instances.at(0);
    assert_true(a.family == Family::V6);
    assert_true(a.advertInterval == 100ms);
    assert_true(a.isOwner());
    assert_true(a.addresses[1] == prefix("2001:db8::100/64"));
    const Instance& b = c.instances.at(1);
    assert_true(b.advertInterval == centiseconds(4095));
    assert_int_equal(b.unicastPeers.size(), 2);
}

void allowed_vrid_sharing_loads(void**) {
    const Config c = loadGood("sharing.conf");
    assert_int_equal(c.instances.size(), 6);
    assert_int_equal(c.instances[0].vrid, c.instances[1].vrid);
    assert_true(c.instances[1].family == Family::V6);
}

void include_resolves_from_the_main_file(void**) {
    const Config c = loadGood("include.conf");
    assert_int_equal(c.instances.size(), 1);
    const Instance& i = c.instances[0];
    assert_int_equal(i.addresses.size(), 2);
    assert_int_equal(i.priority, 150);
    // The group sits in the included file, its addresses in a file that one includes.
    assert_string_equal(i.file.c_str(), test::dataPath("good/include_instances.inc").c_str());
    assert_int_equal(i.lineOf(""), 2);
    assert_int_equal(i.lineOf("addresses"), 1);
    assert_int_equal(i.lineOf("priority"), 2);
}

void strings_load_like_files(void**) {
    const LoadResult r =
        loadString("instances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;\n"
                   "  addresses = [ \"192.0.2.1\" ]; advert_interval = 0.25; } );\n",
                   "mem.conf");
    assert_true(r.ok());
    assert_true(r.config->instances[0].advertInterval == 250ms);
    assert_string_equal(r.config->file.c_str(), "mem.conf");
    assert_int_equal(r.config->instances[0].lineOf("addresses"), 2);
}

void syntax_error_is_the_only_diagnostic(void**) {
    const LoadResult r = loadString("instances = (\n  { vrid = 300; name = ; }\n);\n", "x.conf");
    assert_false(r.ok());
    assert_int_equal(r.diagnostics.size(), 1);
    assert_string_equal(r.diagnostics[0].toString().c_str(),
                        "x.conf:2: syntax error: { vrid = 300; name = ; }");
}

void unreadable_files_are_reported(void**) {
    const std::string missing = test::dataPath("no-such-file.conf");
    const LoadResult r = loadFile(missing);
    assert_false(r.ok());
    assert_int_equal(r.diagnostics.size(), 1);
    assert_string_equal(r.diagnostics[0].toString().c_str(),
                        (missing + ": cannot read: No such file or directory").c_str());
    const LoadResult d = loadFile(test::dataPath("good"));
    assert_int_equal(d.diagnostics.size(), 1);
    assert_string_equal(d.diagnostics[0].message.c_str(), "cannot read: is a directory");
}

void diagnostics_print_as_documented(void**) {
    Diagnostic e{Diagnostic::Severity::Error, "a.conf", 3, "instances[\"x\"].vrid", "bad"};
    assert_string_equal(e.toString().c_str(), "a.conf:3: instances[\"x\"].vrid: bad");
    Diagnostic w{Diagnostic::Severity::Warning, "a.conf", 0, "instances", "none"};
    assert_string_equal(w.toString().c_str(), "a.conf: warning: instances: none");
    Diagnostic s{Diagnostic::Severity::Error, "a.conf", 7, "", "syntax error"};
    assert_string_equal(s.toString().c_str(), "a.conf:7: syntax error");
    assert_true(hasErrors({w, e}));
    assert_false(hasErrors({w}));
}

void host_facts_use_the_same_form(void**) {
    const Config c = loadGood("full.conf");
    const Instance& i = c.instances.at(0);
    assert_string_equal(settingPath(i, "announce.count").c_str(),
                        "instances[\"db-1.primary\"].announce.count");
    const Diagnostic d =
        diagnose(i, "interface", Diagnostic::Severity::Warning, "no such interface");
    assert_string_equal(d.toString().c_str(),
                        (test::dataPath("good/full.conf") +
                         ":5: warning: instances[\"db-1.primary\"].interface: no such interface")
                            .c_str());
}

// sameSettings compares every setting, and neither `lines` nor `file`.
void same_settings_sees_every_field(void**) {
    const Instance base = loadGood("full.conf").instances.at(0);
    Instance moved = base;
    moved.lines.emplace_back("name", 99);
    moved.file = "elsewhere.conf";
    moved.ownAuth = !moved.ownAuth; // where the auth is written is not a setting
    assert_true(base.sameSettings(moved));
    // Nor is where a track or a command is written.
    Instance a = base;
    Instance b = base;
    a.tracks.push_back({"nginx", "", -10, {}, {"a.conf", 3, "instances[\"x\"].track[1]"}});
    b.tracks.push_back({"nginx", "", -10, {}, {"b.conf", 9, "instances[\"y\"].track[1]"}});
    a.notify.edit().master = {{"/bin/notify"}, {"a.conf", 4, "x"}};
    b.notify.edit().master = {{"/bin/notify"}, {"b.conf", 7, "y"}};
    assert_true(a.sameSettings(b));

    using Change = void (*)(Instance&);
    const Change changes[] = {
        [](Instance& i) { i.name = "other"; },
        [](Instance& i) { i.interface = "eth9"; },
        [](Instance& i) { i.vrid = 9; },
        [](Instance& i) { i.family = Family::V6; },
        [](Instance& i) { i.version = proto::Version::V2; },
        [](Instance& i) { i.priority = 1; },
        [](Instance& i) { i.advertInterval = 3s; },
        [](Instance& i) { i.preempt = !i.preempt; },
        [](Instance& i) { i.preemptDelay = 1s; },
        [](Instance& i) { i.probeBeforeClaim = !i.probeBeforeClaim; },
        [](Instance& i) { i.addresses.pop_back(); },
        [](Instance& i) { i.unicastPeers.clear(); },
        [](Instance& i) { i.unicastMinTtl = 200; },
        [](Instance& i) { i.vmac = !i.vmac; },
        [](Instance& i) { i.accept = !i.accept; },
        [](Instance& i) { i.checksum = proto::ChecksumForm::MessageOnly; },
        [](Instance& i) { i.announce.count = 1; },
        [](Instance& i) { i.announce.delay = 1s; },
        [](Instance& i) { i.announce.refresh = 1s; },
        [](Instance& i) { i.announce.interval = 2s; },
        [](Instance& i) { i.v2AuthType = proto::V2AuthType::SimplePassword; },
        [](Instance& i) { i.v2Password = "x"; },
        [](Instance& i) { i.tracks.push_back(Track{}); },
        [](Instance& i) { i.notify.edit().any.argv = {"/bin/true"}; },
        [](Instance& i) { i.auth = Auth{}; },
    };
    for (const Change change : changes) {
        Instance changed = base;
        change(changed);
        assert_false(base.sameSettings(changed));
    }
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(every_good_file_loads_cleanly),
        cmocka_unit_test(example_config_loads_cleanly),
        cmocka_unit_test(example_config_with_its_examples_loads_cleanly),
        cmocka_unit_test(minimal_instance_takes_every_default),
        cmocka_unit_test(every_setting_is_read),
        cmocka_unit_test(lines_point_at_each_setting),
        cmocka_unit_test(v2_takes_whole_seconds_and_a_password),
        cmocka_unit_test(ipv6_takes_centiseconds),
        cmocka_unit_test(allowed_vrid_sharing_loads),
        cmocka_unit_test(include_resolves_from_the_main_file),
        cmocka_unit_test(strings_load_like_files),
        cmocka_unit_test(syntax_error_is_the_only_diagnostic),
        cmocka_unit_test(unreadable_files_are_reported),
        cmocka_unit_test(diagnostics_print_as_documented),
        cmocka_unit_test(host_facts_use_the_same_form),
        cmocka_unit_test(same_settings_sees_every_field),
    };
    return cmocka_run_group_tests_name("config-load", tests, nullptr, nullptr);
}
