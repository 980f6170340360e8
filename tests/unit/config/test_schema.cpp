// SPDX-License-Identifier: Apache-2.0
// The schema table: it agrees with the types' defaults and with proto's names, drives the
// --check-config -v listing, the man page documents every setting in it and nothing else
// (STYLE.md habit 8), and the shipped examples show every setting.
#include "config/config.h"
#include "config/load.h"
#include "config/schema.h"
#include "config/section.h"
#include "config_test.h"
#include "proto/advert.h"

#include "unit_test.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace hafd;
using namespace hafd::config;

namespace {

// The man page's conventions (see the comment at the top of man/hafd.conf.5): each subsection
// that documents settings carries `.\" schema-group: PATH...` (no PATH: the top level; several
// when groups share their settings, as `auth instances.auth`), and each setting is a tagged
// paragraph whose tag line is `.B name` (or .BR/.BI, name first).
struct ManEntry {
    std::string body; // the paragraph, as plain text
};

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// The text as it reads: font changes dropped, \(dq and \- as the characters they print.
std::string plain(std::string s) {
    for (std::size_t at = s.find("\\f"); at != std::string::npos; at = s.find("\\f", at))
        s.erase(at, 3);
    return replaceAll(replaceAll(std::move(s), "\\(dq", "\""), "\\-", "-");
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::size_t begin = s.find_first_not_of(' ');
    while (begin != std::string::npos) {
        const std::size_t end = s.find(' ', begin);
        out.push_back(s.substr(begin, end - begin));
        begin = s.find_first_not_of(' ', end);
    }
    return out;
}

std::map<std::string, ManEntry> manEntries(const std::string& text) {
    const std::string marker = ".\\\" schema-group:";
    std::map<std::string, ManEntry> out;
    std::vector<std::string> groups;
    bool inGroup = false;
    std::vector<std::string*> bodies;
    bool tagNext = false;
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(begin, end - begin);
        begin = end + 1;
        if (line.starts_with(".SS") || line.starts_with(".SH")) {
            inGroup = false;
            bodies.clear();
            continue;
        }
        if (line.starts_with(marker)) {
            groups = words(line.substr(marker.size()));
            if (groups.empty())
                groups.emplace_back(); // the top level
            inGroup = true;
            continue;
        }
        if (line.starts_with(".TP")) {
            tagNext = inGroup;
            bodies.clear();
            continue;
        }
        if (tagNext) {
            tagNext = false;
            // A tag line that names nothing is kept whole, so that it shows up as a setting
            // the schema does not have rather than vanish.
            const std::size_t space = line.find(' ');
            std::string key = space == std::string::npos ? line : line.substr(space + 1);
            key = key.substr(0, key.find(' '));
            if (!key.empty() && key.front() == '"')
                key = key.substr(1, key.find('"', 1) - 1);
            for (const std::string& g : groups)
                bodies.push_back(&out[g.empty() ? key : g + "." + key].body);
            continue;
        }
        for (std::string* body : bodies)
            *body += plain(line) + "\n";
    }
    return out;
}

std::map<std::string, ManEntry> manPageEntries() {
    const std::string text = test::readText(test::sourceRoot() + "/man/hafd.conf.5");
    assert_false(text.empty());
    return manEntries(text);
}

void man_page_documents_every_setting(void**) {
    const auto entries = manPageEntries();
    for (const SettingInfo& s : describeSchema()) {
        const auto it = entries.find(s.path);
        if (it == entries.end())
            fail_msg("man/hafd.conf.5 does not document %s", s.path.c_str());
        // The type, defaults and required settings the page states are the table's.
        const std::string& body = it->second.body;
        std::string first = body.substr(0, std::string(typeName(s.type)).size());
        if (!first.empty())
            first.front() =
                static_cast<char>(std::tolower(static_cast<unsigned char>(first.front())));
        if (first != typeName(s.type))
            fail_msg("man/hafd.conf.5: %s should start with its type, '%s'", s.path.c_str(),
                     typeName(s.type));
        if (s.required && body.find("Required") == std::string::npos)
            fail_msg("man/hafd.conf.5: %s should say it is Required", s.path.c_str());
        if (!s.defaultValue.empty() && body.find("default " + s.defaultValue) == std::string::npos)
            fail_msg("man/hafd.conf.5: %s should say 'default %s'", s.path.c_str(),
                     s.defaultValue.c_str());
        const bool saysInactive = body.find("Not active in this release") != std::string::npos;
        if (!s.active && !saysInactive)
            fail_msg("man/hafd.conf.5: %s should say 'Not active in this release'", s.path.c_str());
        if (s.active && saysInactive)
            fail_msg("man/hafd.conf.5: %s is active, yet says 'Not active in this release'",
                     s.path.c_str());
    }
}

// The other way round: every setting the page documents (each tag under a schema-group
// marker) is one the schema has, so the page never offers a name the loader refuses.
void man_page_documents_only_schema_settings(void**) {
    const auto entries = manPageEntries();
    assert_true(entries.size() >= 20);
    std::set<std::string> known;
    for (const SettingInfo& s : describeSchema())
        known.insert(s.path);
    for (const auto& [path, entry] : entries)
        if (!known.contains(path))
            fail_msg("man/hafd.conf.5 documents %s, which the schema does not have", path.c_str());
}

// Every setting is shown in at least one shipped example (conf/hafd.conf or
// conf/examples/*.conf, commented-out lines included), as `name =` (spaces before the `=`
// allowed, as when values are aligned). By the setting's own name: `interval =` anywhere shows
// checks.interval as well as cluster.quorum_hook.interval.
bool setsName(const std::string& text, const std::string& name) {
    for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
        if (at > 0 && std::string_view(" \t\n{(,").find(text[at - 1]) == std::string_view::npos)
            continue;
        const std::size_t next = text.find_first_not_of(' ', at + name.size());
        if (next != std::string::npos && text[next] == '=')
            return true;
    }
    return false;
}

void examples_show_every_setting(void**) {
    std::string text = test::readText(test::sourceRoot() + "/conf/hafd.conf");
    for (const std::string& path : test::filesIn(test::sourceRoot() + "/conf/examples", ".conf"))
        text += test::readText(path);
    assert_true(text.size() > 1000);
    for (const SettingInfo& s : describeSchema())
        if (!setsName(text, s.path.substr(s.path.rfind('.') + 1)))
            fail_msg("no example in conf/ sets %s", s.path.c_str());
}

void schema_lists_every_setting_with_its_description(void**) {
    const auto settings = describeSchema();
    assert_true(settings.size() >= 20);
    const std::string listing = formatSchema();
    for (const SettingInfo& s : settings) {
        assert_false(s.description.empty());
        assert_true(listing.find(s.path + "\n") != std::string::npos);
        assert_true(listing.find(s.description) != std::string::npos);
    }
    assert_true(listing.find("instances.vrid\n    integer; required; 1..255\n") !=
                std::string::npos);
    assert_true(listing.find("instances.checksum\n    string; default \"pseudo_header\"; "
                             "\"pseudo_header\" | \"rfc9568\" | \"legacy_unicast\"\n") !=
                std::string::npos);
    assert_true(listing.find("checks.timeout\n    seconds; default min(1.0, interval / 2); "
                             "0.01..3600, below interval\n") != std::string::npos);
    assert_true(listing.find("fence.command\n    command; required; [ \"/absolute/program\", "
                             "\"argument\", ... ]\n") != std::string::npos);
    assert_true(listing.find("instances.track.weights\n    group of integers; unset by "
                             "default; role = -254..254, ...\n") != std::string::npos);
    assert_true(listing.find("auth.keys.id\n    integer; required; 1..255\n") != std::string::npos);
}

// The table's defaults are the ones config.h's types start with: an instance with only the
// required settings equals a default-constructed one with those filled in.
void table_defaults_match_the_types(void**) {
    const LoadResult r = loadString("instances = ( { name = \"x\"; interface = \"eth0\"; vrid = 7; "
                                    "addresses = [ \"192.0.2.1\" ]; } );",
                                    "defaults.conf");
    assert_true(r.ok());
    Instance expected;
    expected.name = "x";
    expected.interface = "eth0";
    expected.vrid = 7;
    expected.addresses = {*Prefix::parse("192.0.2.1")};
    assert_true(r.config->instances.at(0).sameSettings(expected));
}

// An enum field holds the index of its choice: the choices are the names the rest of the tree
// gives the enum's values, in their order.
void checksum_choices_are_proto_names(void**) {
    const Key* k = findKey(instanceKeys(), "checksum");
    assert_non_null(k);
    assert_int_equal(k->choices.size(), 3);
    for (std::size_t i = 0; i < k->choices.size(); ++i)
        assert_string_equal(std::string(k->choices[i]).c_str(),
                            proto::checksumFormName(static_cast<proto::ChecksumForm>(i)));
}

// What describe() prints loads to the same configuration (passwords aside: they print as
// stars), setting by setting as the tables compare them.
void reloadsTheSame(const Config& c, const std::string& text) {
    const LoadResult again = loadString(text, "described.conf");
    for (const Diagnostic& d : again.diagnostics)
        if (d.isError())
            print_message("%s\n", d.toString().c_str());
    assert_false(hasErrors(again.diagnostics));
    assert_true(again.config.has_value());
    const Config& d = *again.config;
    Config masked = c;
    for (Instance& i : masked.instances)
        if (i.v2AuthType == proto::V2AuthType::SimplePassword)
            i.v2Password = std::string(i.v2Password.size(), '*');
    for (const Key& k : rootKeys())
        if (!k.sameIn(&masked, &d))
            fail_msg("%s: %s differs once described and loaded again", c.file.c_str(),
                     k.name.data());
    assert_int_equal(d.instances.size(), c.instances.size());
    for (std::size_t i = 0; i < c.instances.size(); ++i)
        assert_int_equal(d.instances[i].ownAuth, masked.instances[i].ownAuth);
}

void auth_choices_are_config_names(void**) {
    const Key* mode = findKey(authKeys(), "mode");
    const Key* antiReplay = findKey(authKeys(), "anti_replay");
    assert_non_null(mode);
    assert_non_null(antiReplay);
    assert_int_equal(mode->choices.size(), 3);
    assert_int_equal(antiReplay->choices.size(), 2);
    const AuthMode modes[] = {AuthMode::Enforce, AuthMode::Permissive, AuthMode::ReceiveOnly};
    for (std::size_t i = 0; i < 3; ++i) {
        assert_int_equal(static_cast<std::size_t>(modes[i]), i);
        assert_string_equal(std::string(mode->choices[i]).c_str(), authModeName(modes[i]));
    }
    const AntiReplay replays[] = {AntiReplay::Time, AntiReplay::Monotonic};
    for (std::size_t i = 0; i < 2; ++i) {
        assert_int_equal(static_cast<std::size_t>(replays[i]), i);
        assert_string_equal(std::string(antiReplay->choices[i]).c_str(),
                            antiReplayName(replays[i]));
    }
    assert_string_equal(std::string(mode->defaultValue).c_str(), authModeName(Auth{}.mode));
    assert_string_equal(std::string(antiReplay->defaultValue).c_str(),
                        antiReplayName(Auth{}.antiReplay));
}

// The sections' table defaults are the ones config.h's types start with.
void section_defaults_match_the_types(void**) {
    const LoadResult r = loadString(
        "auth = { keys = ( { id = 1; file = \"/k\"; } ); active_key = 1; };\n"
        "cluster = { nodes = ( { name = \"a\"; address = \"192.0.2.1\"; },\n"
        "                      { name = \"b\"; address = \"192.0.2.2\"; },\n"
        "                      { name = \"q\"; address = \"192.0.2.3\"; witness = true; } );\n"
        "            quorum_hook = { command = [ \"/q\" ]; }; };\n"
        "fence = { command = [ \"/f\" ]; };\n"
        "checks = ( { name = \"c\"; exec = [ \"/c\" ]; } );\n"
        "instances = ( { name = \"x\"; interface = \"eth0\"; vrid = 7;\n"
        "                addresses = [ \"192.0.2.1\" ]; track = ( { check = \"c\"; } ); } );\n",
        "defaults.conf");
    for (const Diagnostic& d : r.diagnostics)
        print_message("%s\n", d.toString().c_str());
    assert_true(r.ok());
    const Config& c = *r.config;
    assert_true(c.node == LocalNode{});
    assert_true(c.scripts == Scripts{});
    Auth auth;
    auth.keys.push_back({1, "/k", {}});
    auth.activeKey = 1;
    assert_true(c.auth == auth);
    Cluster cluster;
    cluster.nodes = c.cluster->nodes;
    cluster.quorumHook = QuorumHook{};
    cluster.quorumHook->command.argv = {"/q"};
    assert_true(c.cluster == cluster);
    assert_false(c.cluster->nodes[1].witness);
    Fence fence;
    fence.command.argv = {"/f"};
    assert_true(c.fence == fence);
    Check check;
    check.name = "c";
    check.exec.argv = {"/c"};
    assert_true(c.checks.at(0) == check);
    Track track;
    track.check = "c";
    assert_true(c.instances.at(0).tracks.at(0) == track);
    assert_true(*c.instances.at(0).notify == Notify{});
    // Inherited, with the window derived from the interval (AUTH_HMAC.md §9).
    assert_false(c.instances.at(0).ownAuth);
    auth.timeWindow = 5;
    assert_true(c.instances.at(0).auth == auth);
}

// --check-config -v: every setting of every section, with its range, defaults marked; what it
// prints loads back to the same configuration.
void describe_prints_every_setting(void**) {
    std::string all;
    for (const char* name : {"full.conf", "v2.conf", "sections.conf"}) {
        const LoadResult r = loadFile(test::dataPath(std::string("good/") + name));
        assert_true(r.ok());
        const std::string text = describe(*r.config);
        assert_true(text.find("= ?") == std::string::npos); // a key the printer does not know
        reloadsTheSame(*r.config, text);
        all += text;
    }
    for (const SettingInfo& s : describeSchema()) {
        const bool top = s.path.find('.') == std::string::npos;
        const std::string leaf = s.path.substr(s.path.rfind('.') + 1);
        if (all.find((top ? "\n" : " ") + leaf + " = ") == std::string::npos)
            fail_msg("describe() never prints %s", s.path.c_str());
    }
    for (const char* line : {
             "    vrid = 200;  # 1..255\n",
             "    version = 3;  # 2 or 3 (2: IPv4 only); default\n",
             "    addresses = [ \"198.51.100.10/24\", \"198.51.100.11/32\" ];",
             "      refresh = 0.5;  # 0..86400\n",
             "v2_password = \"********\";",
             "  heartbeat = 0.25;  # 0.05..10, at most lease / 3\n",
             "  user = \"hafd-script\";  # a user name; default\n",
             "    role_pattern = \"^(master|slave)\";  # a POSIX extended regular expression\n",
             "    timeout = 0.5;  # 0.01..3600, below interval\n",
             "        weights = {\n          master = 50;\n          slave = 0;\n        };\n",
             "    auth = { enabled = false; };\n",
             "    tcp = \"[2001:db8::1]:443\";",
             "# fence: not set\n",
         })
        if (all.find(line) == std::string::npos)
            fail_msg("describe() does not print: %s", line);
    assert_true(all.find("secret12") == std::string::npos);
}

// Every file that loads, warnings and all, describes to a file that loads the same.
void every_loadable_file_describes_itself(void**) {
    std::size_t files = 0;
    for (const char* dir : {"good", "warn"}) {
        for (const std::string& path : test::filesIn(test::dataPath(dir), ".conf")) {
            const LoadResult r = loadFile(path);
            assert_true(r.ok());
            reloadsTheSame(*r.config, describe(*r.config));
            ++files;
        }
    }
    assert_true(files >= 20);
}

// A setting whose row is inactive earns a warning where it is set: one for the setting, none for
// the settings inside it. Only the top level and an instance have such rows. auth, at both, is
// active: signing and verifying are what it configures.
void inactive_settings_warn_where_they_are_set(void**) {
    const LoadResult r = loadFile(test::dataPath("good/sections.conf"));
    std::set<std::string> warned;
    for (const Diagnostic& d : r.diagnostics) {
        assert_false(d.isError());
        if (d.message == kInactive)
            warned.insert(d.setting);
    }
    // sections.conf sets every top-level section, and its instances every instance group.
    for (const Key& k : rootKeys())
        if (warned.contains(std::string(k.name)) == k.active)
            fail_msg("%s: %s", k.name.data(), k.active ? "warned, but active" : "no warning");
    for (const Key& k : instanceKeys()) {
        bool found = false;
        for (const char* instance : {"web", "db", "legacy"})
            found = found || warned.contains("instances[\"" + std::string(instance) + "\"]." +
                                             std::string(k.name));
        if (found == k.active)
            fail_msg("instances.%s: %s", k.name.data(), k.active ? "warned, but active" : "none");
    }
    assert_true(findKey(rootKeys(), "auth")->active);
    assert_true(findKey(instanceKeys(), "auth")->active);
    assert_false(warned.contains("auth"));
    assert_false(warned.contains("instances[\"db\"].auth"));
    for (const SettingInfo& s : describeSchema()) {
        const std::size_t dots =
            static_cast<std::size_t>(std::count(s.path.begin(), s.path.end(), '.'));
        if (!s.active && dots > (s.path.starts_with("instances.") ? 1U : 0U))
            fail_msg("%s: only top-level and instance settings are marked inactive",
                     s.path.c_str());
    }
    assert_true(formatSchema().find("\ncluster\n    group\n") != std::string::npos);
    assert_true(formatSchema().find("\nauth\n    group\n") != std::string::npos);
}

void required_settings_have_no_default(void**) {
    for (const SettingInfo& s : describeSchema())
        if (s.required)
            assert_true(s.defaultValue.empty());
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(man_page_documents_every_setting),
        cmocka_unit_test(man_page_documents_only_schema_settings),
        cmocka_unit_test(examples_show_every_setting),
        cmocka_unit_test(schema_lists_every_setting_with_its_description),
        cmocka_unit_test(table_defaults_match_the_types),
        cmocka_unit_test(checksum_choices_are_proto_names),
        cmocka_unit_test(auth_choices_are_config_names),
        cmocka_unit_test(section_defaults_match_the_types),
        cmocka_unit_test(describe_prints_every_setting),
        cmocka_unit_test(every_loadable_file_describes_itself),
        cmocka_unit_test(inactive_settings_warn_where_they_are_set),
        cmocka_unit_test(required_settings_have_no_default),
    };
    return cmocka_run_group_tests_name("config-schema", tests, nullptr, nullptr);
}
