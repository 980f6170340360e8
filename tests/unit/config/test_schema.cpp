// SPDX-License-Identifier: Apache-2.0
// The schema table: it agrees with the types' defaults and with proto's names, drives the
// --check-config -v listing, and the man page documents every setting in it (STYLE.md habit 8).
#include "config/config.h"
#include "config/load.h"
#include "config/schema.h"
#include "config_test.h"
#include "proto/advert.h"

#include "unit_test.h"

#include <map>
#include <set>
#include <string>

using namespace hafd;
using namespace hafd::config;

namespace {

// The man page's conventions (see the comment at the top of man/hafd.conf.5): each subsection
// that documents settings carries `.\" schema-group: PATH` (empty PATH: the top level), and
// each setting is a tagged paragraph whose tag line is `.B name` (or .BR/.BI, name first).
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

std::map<std::string, ManEntry> manEntries(const std::string& text) {
    std::map<std::string, ManEntry> out;
    std::string group;
    bool inGroup = false;
    std::string* body = nullptr;
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
            body = nullptr;
            continue;
        }
        if (line.starts_with(".\\\" schema-group:")) {
            group = line.substr(std::string(".\\\" schema-group:").size());
            group.erase(0, group.find_first_not_of(' '));
            inGroup = true;
            continue;
        }
        if (line.starts_with(".TP")) {
            tagNext = inGroup;
            body = nullptr;
            continue;
        }
        if (tagNext) {
            tagNext = false;
            const std::size_t space = line.find(' ');
            if (space == std::string::npos)
                continue;
            std::string key = line.substr(space + 1);
            key = key.substr(0, key.find(' '));
            if (!key.empty() && key.front() == '"')
                key = key.substr(1, key.find('"', 1) - 1);
            body = &out[group.empty() ? key : group + "." + key].body;
            continue;
        }
        if (body != nullptr)
            *body += plain(line) + "\n";
    }
    return out;
}

void man_page_documents_every_setting(void**) {
    const std::string text = test::readText(test::sourceRoot() + "/man/hafd.conf.5");
    assert_false(text.empty());
    const auto entries = manEntries(text);
    std::set<std::string> known;
    for (const SettingInfo& s : describeSchema()) {
        known.insert(s.path);
        const auto it = entries.find(s.path);
        if (it == entries.end())
            fail_msg("man/hafd.conf.5 does not document %s", s.path.c_str());
        // The defaults and required settings the page states are the table's.
        const std::string& body = it->second.body;
        if (s.required && body.find("Required") == std::string::npos)
            fail_msg("man/hafd.conf.5: %s should say it is Required", s.path.c_str());
        if (!s.defaultValue.empty() && body.find("default " + s.defaultValue) == std::string::npos)
            fail_msg("man/hafd.conf.5: %s should say 'default %s'", s.path.c_str(),
                     s.defaultValue.c_str());
    }
    for (const auto& [path, entry] : entries)
        if (!known.contains(path))
            fail_msg("man/hafd.conf.5 documents %s, which the schema does not have", path.c_str());
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

void checksum_choices_are_proto_names(void**) {
    const Key* k = findKey(instanceKeys(), "checksum");
    assert_non_null(k);
    assert_int_equal(k->choices.size(), 3);
    std::set<std::string> names;
    for (const auto form : {proto::ChecksumForm::PseudoHeader, proto::ChecksumForm::MessageOnly,
                            proto::ChecksumForm::LegacyUnicast})
        names.insert(proto::checksumFormName(form));
    for (const auto c : k->choices)
        assert_true(names.contains(std::string(c)));
}

// --check-config -v: every setting of every instance, with its range, defaults marked.
void describe_prints_every_setting(void**) {
    const LoadResult r = loadFile(test::dataPath("good/full.conf"));
    assert_true(r.ok());
    LoadResult v2 = loadFile(test::dataPath("good/v2.conf"));
    assert_true(v2.ok());
    Config both = *r.config;
    both.instances.push_back(v2.config->instances.at(0));
    const std::string text = describe(both);
    assert_true(text.find("= ?") == std::string::npos); // a key the printer does not know
    for (const SettingInfo& s : describeSchema()) {
        const std::string leaf = s.path.substr(s.path.rfind('.') + 1);
        if (s.path != "instances")
            assert_true(text.find(" " + leaf + " = ") != std::string::npos);
    }
    assert_true(text.find("    vrid = 200;  # 1..255\n") != std::string::npos);
    assert_true(text.find("    version = 3;  # 2 or 3 (2: IPv4 only); default\n") !=
                std::string::npos);
    assert_true(text.find("    addresses = [ \"198.51.100.10/24\", \"198.51.100.11/32\" ];") !=
                std::string::npos);
    assert_true(text.find("      refresh = 0.5;  # 0..86400\n") != std::string::npos);
    assert_true(text.find("v2_password = \"********\";") != std::string::npos);
    assert_true(text.find("secret12") == std::string::npos);
    // What it prints is a configuration that loads to the same settings.
    const LoadResult again = loadString(text, "described.conf");
    for (const Diagnostic& d : again.diagnostics)
        print_message("%s\n", d.toString().c_str());
    assert_true(again.diagnostics.empty());
    assert_true(again.config.has_value());
    assert_true(again.config->instances.at(0).sameSettings(both.instances[0]));
    Instance masked = both.instances[1]; // the password is printed as stars
    masked.v2Password = "********";
    assert_true(again.config->instances.at(1).sameSettings(masked));
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
        cmocka_unit_test(schema_lists_every_setting_with_its_description),
        cmocka_unit_test(table_defaults_match_the_types),
        cmocka_unit_test(checksum_choices_are_proto_names),
        cmocka_unit_test(describe_prints_every_setting),
        cmocka_unit_test(required_settings_have_no_default),
    };
    return cmocka_run_group_tests_name("config-schema", tests, nullptr, nullptr);
}
