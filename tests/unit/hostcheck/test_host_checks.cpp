// SPDX-License-Identifier: Apache-2.0
// Host facts (DESIGN.md §10) against real files in a temporary directory: key files that others
// can read or that hold no key, programs that are not executable, writable by others, owned by
// someone else or in a world-writable directory, users and groups that do not exist, and the
// diagnostics checkHost() makes of them. As root (CI) files are root's, as they are in
// production, and chown to nobody (65534) makes the foreign-owner cases; as another user, the
// test trusts that user and skips those cases.
#include "config/load.h"
#include "config/section.h"
#include "hostcheck/host_checks.h"

#include "unit_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

using namespace hafd;
using namespace hafd::hostcheck;
using config::Diagnostic;

namespace {

constexpr uid_t kNobody = 65534;
const std::string kKeyHex = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string gDir; // the temporary directory, 0755

Owners owners() {
    Owners o;
    if (::geteuid() != 0)
        o.extra = ::geteuid();
    return o;
}

bool isRoot() {
    return ::geteuid() == 0;
}

// Writes `text` to gDir/name with `mode` (after the write, so umask does not matter).
std::string file(const std::string& name, const std::string& text, mode_t mode) {
    const std::string path = gDir + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    assert_int_equal(::chmod(path.c_str(), mode), 0);
    return path;
}

std::string directory(const std::string& name, mode_t mode) {
    const std::string path = gDir + "/" + name;
    std::filesystem::create_directories(path);
    assert_int_equal(::chmod(path.c_str(), mode), 0);
    return path;
}

std::string script(const std::string& name, mode_t mode) {
    return file(name, "#!/bin/sh\nexit 0\n", mode);
}

// `text` with each placeholder replaced.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [from, to] : values)
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
            text.replace(at, from.size(), to);
    return text;
}

int setup(void**) {
    std::string pattern =
        std::filesystem::temp_directory_path().string() + "/hafd-hostcheck-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        return -1;
    gDir = pattern;
    return ::chmod(gDir.c_str(), 0755);
}

int teardown(void**) {
    std::error_code ec;
    std::filesystem::remove_all(gDir, ec);
    return 0;
}

void key_files_must_be_private(void**) {
    const std::string key = file("keys/k600", kKeyHex + "\n", 0600);
    assert_string_equal(keyFileProblem(key, owners()).c_str(), "");
    assert_string_equal(keyFileProblem(file("keys/k400", kKeyHex, 0400), owners()).c_str(), "");
    const std::string open = file("keys/k644", kKeyHex, 0644);
    assert_string_equal(keyFileProblem(open, owners()).c_str(),
                        ("\"" + open +
                         "\" is accessible by group or others (mode 0644): a key "
                         "file must be readable by its owner only (0600 or 0400)")
                            .c_str());
    const std::string group = file("keys/k640", kKeyHex, 0640);
    assert_true(keyFileProblem(group, owners()).find("(mode 0640)") != std::string::npos);
    const std::string missing = gDir + "/keys/none";
    assert_string_equal(keyFileProblem(missing, owners()).c_str(),
                        ("cannot read \"" + missing + "\": No such file or directory").c_str());
    assert_string_equal(keyFileProblem(gDir + "/keys", owners()).c_str(),
                        ("\"" + gDir + "/keys\" is not a regular file").c_str());
    // Root could still read these, but only by overriding the permissions.
    const std::string writeOnly = file("keys/k200", kKeyHex, 0200);
    assert_string_equal(keyFileProblem(writeOnly, owners()).c_str(),
                        ("\"" + writeOnly +
                         "\" is not readable by its owner (mode 0200): a key file must be "
                         "readable by its owner only (0600 or 0400)")
                            .c_str());
    assert_true(keyFileProblem(file("keys/k000", kKeyHex, 0000), owners()).find("(mode 0000)") !=
                std::string::npos);
}

void key_file_owned_by_another_user(void**) {
    if (!isRoot())
        skip();
    const std::string key = file("keys/nobody", kKeyHex, 0600);
    assert_int_equal(::chown(key.c_str(), kNobody, kNobody), 0);
    assert_string_equal(keyFileProblem(key, owners()).c_str(),
                        ("\"" + key +
                         "\" is owned by uid 65534, not root: its owner can read "
                         "the key")
                            .c_str());
}

void keys_decode_hex_or_raw(void**) {
    const auto hex = keyFromText(kKeyHex + "\r\n");
    assert_true(hex.ok());
    assert_int_equal(hex->size(), 32);
    assert_int_equal((*hex)[31], 0x1f);
    const auto spaced = keyFromText("hex:00 01 02 03\t04 05 06 07 08 09 0A 0B 0C 0D 0E 0F "
                                    "10111213 14151617 18191A1B 1C1D1E1F 20\n");
    assert_true(spaced.ok());
    assert_int_equal(spaced->size(), 33);
    assert_int_equal((*spaced)[10], 0x0a);
    const auto raw = keyFromText("0123456789abcdef0123456789abcdef\n");
    assert_true(raw.ok());
    assert_int_equal(raw->size(), 32);
    assert_int_equal((*raw)[0], '0');
    assert_string_equal(keyFromText("short-key-of-20bytes").error().message.c_str(),
                        "holds a 20-byte key; keys are 32..64 bytes");
    assert_string_equal(keyFromText(std::string(65, 'k')).error().message.c_str(),
                        "holds a 65-byte key; keys are 32..64 bytes");
    assert_true(keyFromText(std::string(64, 'k')).ok());
    assert_string_equal(keyFromText(kKeyHex + "1").error().message.c_str(),
                        "\"hex:\" is followed by an odd number of hex digits");
    assert_string_equal(keyFromText("hex:zz" + kKeyHex.substr(4)).error().message.c_str(),
                        "\"hex:\" is followed by something other than hex digits");
    const std::string big = file("keys/big", std::string(5000, 'k'), 0600);
    assert_string_equal(
        keyFileProblem(big, owners()).c_str(),
        ("\"" + big + "\": is too large for a key file (more than 4096 bytes)").c_str());
    const std::string short20 = file("keys/short", "short-key-of-20bytes\n", 0600);
    assert_string_equal(
        keyFileProblem(short20, owners()).c_str(),
        ("\"" + short20 + "\": holds a 20-byte key; keys are 32..64 bytes").c_str());
    const auto read = readKey(file("keys/read", kKeyHex + "\n", 0600));
    assert_true(read.ok());
    assert_true(*read == *hex);
}

void programs_must_be_trusted_executables(void**) {
    const std::string good = script("bin/good", 0755);
    assert_string_equal(programProblem(good, nullptr, owners()).c_str(), "");
    const std::string plain = script("bin/plain", 0644);
    assert_string_equal(programProblem(plain, nullptr, owners()).c_str(),
                        ("\"" + plain + "\" is not executable (mode 0644)").c_str());
    const std::string groupWritable = script("bin/group-writable", 0775);
    assert_string_equal(programProblem(groupWritable, nullptr, owners()).c_str(),
                        ("\"" + groupWritable +
                         "\" is writable by group or others (mode 0775): they could change what "
                         "hafd runs")
                            .c_str());
    const std::string missing = gDir + "/bin/missing";
    assert_string_equal(programProblem(missing, nullptr, owners()).c_str(),
                        ("\"" + missing + "\" does not exist").c_str());
    assert_string_equal(programProblem(gDir + "/bin", nullptr, owners()).c_str(),
                        ("\"" + gDir + "/bin\" is not a regular file").c_str());
    // A link is judged by what it points at, and named both ways.
    const std::string link = gDir + "/bin/link";
    std::filesystem::create_symlink(plain, link);
    assert_string_equal(
        programProblem(link, nullptr, owners()).c_str(),
        ("\"" + link + "\" (\"" + plain + "\") is not executable (mode 0644)").c_str());
}

void program_directories_must_be_trusted(void**) {
    directory("open", 0777);
    const std::string inOpen = script("open/run", 0755);
    assert_string_equal(programProblem(inOpen, nullptr, owners()).c_str(),
                        ("\"" + inOpen + "\": its directory \"" + gDir +
                         "/open\" is writable by group or others (mode 0777): they could "
                         "replace the program")
                            .c_str());
    // A sticky directory (like /tmp) lets nobody replace another's file.
    directory("sticky", 01777);
    assert_string_equal(programProblem(script("sticky/run", 0755), nullptr, owners()).c_str(), "");
}

void program_owned_by_another_user(void**) {
    if (!isRoot())
        skip();
    const std::string theirs = script("bin/theirs", 0755);
    assert_int_equal(::chown(theirs.c_str(), kNobody, kNobody), 0);
    assert_string_equal(programProblem(theirs, nullptr, owners()).c_str(),
                        ("\"" + theirs +
                         "\" is owned by uid 65534, not root: its owner could "
                         "change what hafd runs")
                            .c_str());
    const std::string dir = directory("nobodys", 0755);
    assert_int_equal(::chown(dir.c_str(), kNobody, kNobody), 0);
    const std::string inside = script("nobodys/run", 0755);
    assert_string_equal(programProblem(inside, nullptr, owners()).c_str(),
                        ("\"" + inside + "\": its directory \"" + dir +
                         "\" is owned by uid 65534, not root: its owner could replace the "
                         "program")
                            .c_str());
}

void program_must_be_executable_by_the_script_user(void**) {
    if (::geteuid() == kNobody) // it would own the files it is judged against
        skip();
    const auto nobody = resolveRunAs("nobody", "");
    assert_true(nobody.ok());
    assert_int_equal(nobody->uid, kNobody);
    const std::string ownerOnly = script("bin/owner-only", 0750); // nobody meets "others"
    assert_string_equal(
        programProblem(ownerOnly, &*nobody, owners()).c_str(),
        ("\"" + ownerOnly + "\" is not executable by user \"nobody\" (mode 0750)").c_str());
    assert_string_equal(programProblem(script("bin/all", 0755), &*nobody, owners()).c_str(), "");
    directory("private", 0700);
    const std::string hidden = script("private/run", 0755);
    assert_string_equal(programProblem(hidden, &*nobody, owners()).c_str(),
                        ("\"" + hidden + "\": its directory \"" + gDir +
                         "/private\" is not searchable by user \"nobody\" (mode 0700)")
                            .c_str());
}

void users_and_groups_must_exist(void**) {
    assert_true(resolveRunAs("nobody", "").ok());
    assert_true(resolveRunAs("root", "root").ok());
    assert_string_equal(resolveRunAs("hafd-no-such-user", "").error().message.c_str(),
                        "no user \"hafd-no-such-user\" on this host");
    assert_string_equal(resolveRunAs("nobody", "hafd-no-such-group").error().message.c_str(),
                        "no group \"hafd-no-such-group\" on this host");
}

// checkHost() on a loaded file: each fact at its setting's line, with the severity the caller
// chose, except interfaces, which are always warnings, and key files and programs others could
// change, which are always errors.
void check_host_names_each_fact_at_its_setting(void**) {
    const std::string good = script("run/good", 0755);
    const std::string plain = script("run/plain", 0644);
    const std::string key = file("run/key", kKeyHex, 0600);
    const std::string openKey = file("run/open-key", kKeyHex, 0644);
    const std::string open = script("run/open", 0777);
    // Line by line: the diagnostics below name these lines.
    const std::string text = fill(R"(scripts = { user = "hafd-no-such-user"; };
auth = { keys = ( { id = 1; file = "@KEY@"; },
                  { id = 2; file = "@OPEN_KEY@"; } ); active_key = 1; mode = "permissive"; };
node = { name = "a"; }; cluster = { nodes = ( { name = "a"; address = "192.0.2.1"; }, { name = "b"; address = "192.0.2.2"; }, { name = "c"; address = "192.0.2.3"; } ); }; fence = { command = [ "@PLAIN@" ]; };
checks = ( { name = "ok"; exec = [ "@GOOD@" ]; },
           { name = "up"; interface = "hafd-none1"; } );
instances = (
  { name = "web"; interface = "hafd-none0"; vrid = 51;
    addresses = [ "192.0.2.10" ];
    track = ( { check = "ok"; }, { check = "up"; },
              { interface = "lo"; } );
    notify = { master = [ "@DIR@/run/missing", "master" ];
               backup = [ "@PLAIN@", "backup" ]; fault = [ "@OPEN@" ]; }; },
  { name = "lo"; interface = "lo"; vrid = 52; addresses = [ "192.0.2.11" ];
    auth = { keys = ( { id = 2; file = "@OPEN_KEY@"; } ); active_key = 2; mode = "permissive"; }; }
);
)",
                                  {{"@KEY@", key},
                                   {"@OPEN_KEY@", openKey},
                                   {"@PLAIN@", plain},
                                   {"@GOOD@", good},
                                   {"@OPEN@", open},
                                   {"@DIR@", gDir}});
    const config::LoadResult r = config::loadString(text, "host.conf");
    // Nothing to say: every section is active.
    for (const Diagnostic& d : r.diagnostics)
        print_message("unexpected: %s\n", d.toString().c_str());
    assert_int_equal(r.diagnostics.size(), 0);
    assert_true(r.ok());
    for (const auto severity : {Diagnostic::Severity::Warning, Diagnostic::Severity::Error}) {
        const auto found = checkHost(*r.config, severity, owners());
        const std::string e = severity == Diagnostic::Severity::Error ? "" : "warning: ";
        const std::vector<std::string> expected = {
            "host.conf:1: " + e + "scripts.user: no user \"hafd-no-such-user\" on this host",
            // A key file problem is an error even where host facts are warnings.
            "host.conf:3: auth.keys[2].file: \"" + openKey +
                "\" is accessible by group or others (mode 0644): a key file must be readable "
                "by its owner only (0600 or 0400)",
            "host.conf:4: " + e + "fence.command[1]: \"" + plain +
                "\" is not executable (mode 0644)",
            "host.conf:6: warning: checks[\"up\"]: no interface 'hafd-none1' on this host (the "
            "check is down until it appears)",
            "host.conf:8: warning: instances[\"web\"].interface: no interface 'hafd-none0' on "
            "this host (the instance stays in FAULT until it appears)",
            "host.conf:12: " + e + "instances[\"web\"].notify.master[1]: \"" + gDir +
                "/run/missing\" does not exist",
            // One that anybody could change is an error even where host facts are warnings.
            "host.conf:13: instances[\"web\"].notify.fault[1]: \"" + open +
                "\" is writable by group or others (mode 0777): they could change what hafd runs",
        };
        assert_int_equal(found.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            if (found[i].toString() != expected[i])
                print_message("expected %s\n     got %s\n", expected[i].c_str(),
                              found[i].toString().c_str());
            assert_string_equal(found[i].toString().c_str(), expected[i].c_str());
        }
    }
}

// No command: scripts.user is not consulted, and a clean file has no fact against it.
void check_host_without_commands_needs_no_user(void**) {
    const config::LoadResult r =
        config::loadString("scripts = { user = \"hafd-no-such-user\"; };\n"
                           "instances = ( { name = \"lo\"; interface = \"lo\"; vrid = 52;\n"
                           "                addresses = [ \"192.0.2.11\" ]; } );\n",
                           "clean.conf");
    assert_true(r.ok());
    assert_true(checkHost(*r.config, Diagnostic::Severity::Error, owners()).empty());
}

// With node.name unset the host name stands for this node in the cluster.
void cluster_needs_the_host_name_when_node_name_is_unset(void**) {
    const std::string key = file("cluster/key", kKeyHex, 0600);
    const std::string cluster =
        "auth = { keys = ( { id = 1; file = \"" + key +
        "\"; } ); active_key = 1; mode = \"permissive\"; };\n"
        "cluster = { nodes = ( { name = \"hafd-test-a\"; address = \"192.0.2.1\"; },\n"
        "                      { name = \"hafd-test-b\"; address = \"192.0.2.2\"; },\n"
        "                      { name = \"hafd-test-q\"; address = \"192.0.2.3\"; "
        "witness = true; } ); };\n";
    const config::LoadResult r = config::loadString(cluster, "cluster.conf");
    assert_true(r.ok());
    const std::string host = nodeName(*r.config);
    assert_false(host.empty());
    const auto found = checkHost(*r.config, Diagnostic::Severity::Error, owners());
    assert_int_equal(found.size(), 1);
    assert_string_equal(found[0].toString().c_str(),
                        ("cluster.conf: node.name: unset, and the host name \"" + host +
                         "\" is not among cluster.nodes (hafd-test-a, hafd-test-b, hafd-test-q)")
                            .c_str());
    const config::LoadResult named =
        config::loadString("node = { name = \"hafd-test-q\"; };\n" + cluster, "named.conf");
    assert_true(named.ok());
    assert_string_equal(nodeName(*named.config).c_str(), "hafd-test-q");
    assert_true(checkHost(*named.config, Diagnostic::Severity::Error, owners()).empty());
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(key_files_must_be_private),
        cmocka_unit_test(key_file_owned_by_another_user),
        cmocka_unit_test(keys_decode_hex_or_raw),
        cmocka_unit_test(programs_must_be_trusted_executables),
        cmocka_unit_test(program_directories_must_be_trusted),
        cmocka_unit_test(program_owned_by_another_user),
        cmocka_unit_test(program_must_be_executable_by_the_script_user),
        cmocka_unit_test(users_and_groups_must_exist),
        cmocka_unit_test(check_host_names_each_fact_at_its_setting),
        cmocka_unit_test(check_host_without_commands_needs_no_user),
        cmocka_unit_test(cluster_needs_the_host_name_when_node_name_is_unset),
    };
    return cmocka_run_group_tests_name("hostcheck", tests, setup, teardown);
}
