// SPDX-License-Identifier: Apache-2.0
// The sections beside `instances`: node, scripts, auth, cluster, fence, checks, tracks, notify
// and groups as loaded from good files, where each setting was written, how an instance's
// auth is resolved, and the value checks behind them (tcp targets, regular expressions, the
// roles a pattern can report).
#include "config/load.h"
#include "config/value_checks.h"
#include "config_test.h"

#include "unit_test.h"

using namespace hafd;
using namespace hafd::config;

namespace {

using test::loadGood;

IpAddress address(const char* text) {
    return *IpAddress::parse(text);
}

using Argv = std::vector<std::string>;

void top_level_sections_are_read(void**) {
    const Config c = loadGood("sections.conf");
    assert_string_equal(c.node.name.c_str(), "lb1");
    assert_string_equal(c.scripts.user.c_str(), "hafd-script");
    assert_string_equal(c.scripts.group.c_str(), "hafd-script");
    assert_true(c.scripts.timeout == 5s);

    assert_true(c.auth.has_value());
    const Auth& a = *c.auth;
    assert_int_equal(a.keys.size(), 2);
    assert_int_equal(a.keys[1].id, 2);
    assert_string_equal(a.keys[1].file.c_str(), "/etc/hafd/key2");
    assert_int_equal(a.activeKey, 2);
    assert_non_null(a.key(2));
    assert_null(a.key(3));
    assert_true(a.mode == AuthMode::Permissive);
    assert_true(a.antiReplay == AntiReplay::Time);
    assert_int_equal(a.timeWindow, 10);

    assert_true(c.cluster.has_value());
    const Cluster& k = *c.cluster;
    assert_int_equal(k.nodes.size(), 3);
    assert_true(k.nodes[1].address == address("192.0.2.12"));
    assert_false(k.nodes[1].witness);
    assert_true(k.find("q1")->witness);
    assert_null(k.find("lb9"));
    assert_true(k.heartbeat == 250ms);
    assert_true(k.lease == 3s);
    assert_true(k.margin == 1500ms);
    assert_int_equal(k.port, 7000);
    assert_true(k.quorumHook.has_value());
    assert_true(k.quorumHook->command.argv ==
                (Argv{"/etc/hafd/quorum", "--endpoint", "https://etcd:2379"}));
    assert_true(k.quorumHook->interval == 2s);
    assert_true(k.quorumHook->timeout == 1s);

    assert_true(c.fence.has_value());
    assert_true(c.fence->command.argv == (Argv{"/etc/hafd/fence", "lb2"}));
    assert_true(c.fence->timeout == 20s);
    assert_true(c.fence->retryInterval == 2s);
    assert_true(c.fence->retryMaxInterval == 120s);
}

void checks_are_read_with_their_kind(void**) {
    const Config c = loadGood("sections.conf");
    assert_int_equal(c.checks.size(), 9);
    const Check& nginx = *c.check("nginx");
    assert_true(nginx.kind == CheckKind::Exec);
    assert_true(nginx.exec.argv == (Argv{"/usr/bin/pgrep", "-x", "nginx"}));
    assert_true(nginx.interval == 2s);
    assert_true(nginx.timeout == 1s);
    assert_int_equal(nginx.fall, 3);
    assert_int_equal(nginx.rise, 2);
    const Check& api = *c.check("api");
    assert_true(api.kind == CheckKind::Tcp);
    assert_true(api.tcpAddress == address("127.0.0.1"));
    assert_int_equal(api.tcpPort, 8080);
    assert_true(api.timeout == 500ms); // min(1.0, interval / 2) with interval 1
    const Check& api6 = *c.check("api6");
    assert_true(api6.tcpAddress == address("2001:db8::1"));
    assert_int_equal(api6.tcpPort, 443);
    const Check& flag = *c.check("flag");
    assert_true(flag.kind == CheckKind::File);
    assert_string_equal(flag.file.c_str(), "/run/hafd-flag");
    assert_int_equal(flag.fall, 1);
    const Check& web1 = *c.check("web1");
    assert_true(web1.kind == CheckKind::Process);
    assert_string_equal(web1.process.c_str(), "nginx");
    assert_string_equal(web1.processArgs.c_str(), "-c /etc/nginx/web1");
    const Check& pg = *c.check("pg");
    assert_true(pg.kind == CheckKind::Process);
    assert_string_equal(pg.pidFile.c_str(), "/run/postgresql/main.pid");
    const Check& backends = *c.check("backends");
    assert_true(backends.kind == CheckKind::KOfN);
    assert_true(backends.members == (Argv{"api", "api6", "pg"}));
    assert_int_equal(backends.minUp, 2);
    assert_true(c.check("uplink")->kind == CheckKind::Interface);
    assert_string_equal(c.check("uplink")->interface.c_str(), "eth1");
    const Check& redis = *c.check("redis");
    assert_true(redis.kind == CheckKind::Role);
    assert_string_equal(redis.pattern.c_str(), "^(master|slave)");
    assert_true(redis.exec.argv == (Argv{"/usr/bin/redis-cli", "role"}));
    assert_null(c.check("none"));
    assert_string_equal(checkKindName(CheckKind::Role), "role");
}

void tracks_notify_and_groups_are_read(void**) {
    const Config c = loadGood("sections.conf");
    const Instance& web = *c.instance("web");
    assert_int_equal(web.tracks.size(), 7);
    assert_string_equal(web.tracks[0].check.c_str(), "nginx");
    assert_int_equal(web.tracks[0].weight, -60);
    assert_int_equal(web.tracks[3].weight, 0); // FAULT while down
    assert_true(web.tracks[6].check.empty());
    assert_string_equal(web.tracks[6].interface.c_str(), "eth1");
    assert_true(web.notify->master.argv == (Argv{"/etc/hafd/notify", "master"}));
    assert_true(web.notify->stop.argv == (Argv{"/etc/hafd/notify", "stop"}));
    assert_true(web.notify->any.argv == (Argv{"/etc/hafd/notify"}));
    assert_false(web.notify->empty());
    assert_true(web.switchover->command.argv == (Argv{"/etc/hafd/drain-web"}));
    assert_true(web.switchover->timeout == 20s);
    assert_true(web.switchover->verify.argv == (Argv{"/etc/hafd/web-serves"}));
    assert_string_equal(web.switchover->verifyPattern.c_str(), "^serving");
    assert_true(web.switchover->verifyTimeout == 5s);
    assert_int_equal(web.switchover->rollbacks, 2);
    const Instance& db = *c.instance("db");
    assert_int_equal(db.tracks[0].roleWeights.size(), 2);
    assert_int_equal(db.tracks[0].roleWeights.at("master"), 50);
    assert_int_equal(db.tracks[0].roleWeights.at("slave"), 0);
    assert_true(db.notify->empty());
    assert_true(db.switchover->verify.empty() && db.switchover->rollbacks == 1);
    assert_null(c.instance("none"));

    assert_int_equal(c.groups.size(), 1);
    assert_string_equal(c.groups[0].name.c_str(), "front");
    assert_true(c.groups[0].instances == (Argv{"web", "db"}));
    assert_true(c.groups[0].notify.any.argv == (Argv{"/etc/hafd/group-notify"}));
    assert_true(c.groups[0].notify.master.empty());
}

// An instance's auth: its own group, else the top level's, else none; enabled = false turns it
// off; the time window is resolved per instance (AUTH_HMAC.md §9).
void instance_auth_is_resolved(void**) {
    const Config c = loadGood("sections.conf");
    const Instance& web = *c.instance("web");
    assert_false(web.ownAuth);
    assert_true(web.auth.has_value());
    assert_int_equal(web.auth->activeKey, 2);
    assert_int_equal(web.auth->timeWindow, 10); // set at the top level
    const Instance& db = *c.instance("db");
    assert_true(db.ownAuth);
    assert_int_equal(db.auth->keys.size(), 1);
    assert_int_equal(db.auth->activeKey, 7);
    assert_true(db.auth->mode == AuthMode::ReceiveOnly);
    assert_true(db.auth->antiReplay == AntiReplay::Monotonic);
    const Instance& legacy = *c.instance("legacy");
    assert_true(legacy.ownAuth);
    assert_false(legacy.auth.has_value());
    assert_true(legacy.v2AuthType == proto::V2AuthType::SimplePassword);

    const Config v2 = loadGood("auth_v2.conf");
    assert_true(v2.auth->mode == AuthMode::Enforce); // the default
    assert_true(v2.instances[0].auth->mode == AuthMode::Enforce);
    assert_int_equal(v2.auth->timeWindow, 0);              // derived where it is used
    assert_int_equal(v2.instances[0].auth->timeWindow, 9); // 3 x 3 s
    assert_int_equal(v2.instances[1].auth->timeWindow, 5); // 3 x 0 whole seconds, at least 5
    assert_int_equal(defaultTimeWindow(40950ms), 120);
    assert_int_equal(defaultTimeWindow(1s), 5);
    assert_int_equal(defaultTimeWindow(2s), 6);
    assert_int_equal(defaultTimeWindow(100s), 300); // VRRPv2 goes to 255 s; 300 at most
    assert_int_equal(defaultTimeWindow(255s), 300);
}

// Every mode is accepted, "enforce" included, whether written or taken as the default, at the
// top level and in an instance (AUTH_HMAC.md §7).
void every_auth_mode_is_accepted(void**) {
    const Config c = loadGood("auth_modes.conf");
    assert_true(c.auth->mode == AuthMode::Enforce); // written
    const Instance& a = *c.instance("a");
    assert_true(a.ownAuth);
    assert_true(a.auth->mode == AuthMode::Enforce); // the default
    assert_int_equal(a.auth->activeKey, 2);
    assert_true(c.instance("b")->auth->mode == AuthMode::ReceiveOnly);
    assert_true(c.instance("c")->auth->mode == AuthMode::Permissive);
    assert_true(c.instance("d")->ownAuth);
    assert_false(c.instance("d")->auth.has_value());
    // Nothing but the group: every default, enforce among them.
    const LoadResult r = loadString(
        "auth = { keys = ( { id = 1; file = \"/etc/hafd/key1\"; } ); active_key = 1; };\n"
        "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
        "                addresses = [ \"192.0.2.10\" ]; } );\n",
        "enforce.conf");
    for (const Diagnostic& d : r.diagnostics)
        print_message("%s\n", d.toString().c_str());
    assert_true(r.ok());
    assert_true(r.diagnostics.empty());
    assert_true(r.config->instances[0].auth->mode == AuthMode::Enforce);
}

void a_witness_needs_no_instances(void**) {
    const Config c = loadGood("witness.conf");
    assert_true(c.instances.empty());
    assert_true(c.cluster->find("q1")->witness);
    assert_true(c.cluster->nodes[0].address == address("2001:db8::11"));
    assert_true(c.cluster->lease == 1s);
}

// Host facts are reported at the setting that names them (sections.conf's lines).
void settings_remember_where_they_are(void**) {
    const Config c = loadGood("sections.conf");
    const std::string file = test::dataPath("good/sections.conf");
    const Where& key = c.auth->keys[1].where;
    assert_string_equal(key.file.c_str(), file.c_str());
    assert_int_equal(key.line, 11);
    assert_string_equal(key.setting.c_str(), "auth.keys[2].file");
    assert_int_equal(c.scripts.userWhere.line, 7);
    assert_string_equal(c.scripts.userWhere.setting.c_str(), "scripts.user");
    assert_int_equal(c.node.where.line, 6);
    assert_string_equal(c.fence->command.where.setting.c_str(), "fence.command");
    assert_int_equal(c.fence->command.where.line, 28);
    assert_string_equal(c.cluster->quorumHook->command.where.setting.c_str(),
                        "cluster.quorum_hook.command");
    assert_string_equal(c.check("redis")->exec.where.setting.c_str(), "checks[\"redis\"].exec");
    assert_int_equal(c.check("redis")->exec.where.line, 40);
    assert_string_equal(c.check("uplink")->where.setting.c_str(), "checks[\"uplink\"]");
    const Instance& web = *c.instance("web");
    assert_string_equal(web.notify->fault.where.setting.c_str(), "instances[\"web\"].notify.fault");
    assert_int_equal(web.notify->fault.where.line, 55);
    assert_string_equal(web.tracks[6].where.setting.c_str(), "instances[\"web\"].track[7]");
    assert_int_equal(web.tracks[6].where.line, 52);
    assert_string_equal(c.instance("db")->auth->keys[0].where.setting.c_str(),
                        "instances[\"db\"].auth.keys[1].file");
    assert_string_equal(c.groups[0].notify.any.where.setting.c_str(),
                        "groups[\"front\"].notify.any");
    // Absent settings point at where they would go: node.name without a node section.
    const Config m = loadGood("minimal.conf");
    assert_int_equal(m.node.where.line, 0);
    assert_string_equal(m.node.where.setting.c_str(), "node.name");
}

void tcp_targets_parse(void**) {
    const auto v4 = parseTcpTarget("192.0.2.1:80");
    assert_true(v4.has_value());
    assert_true(v4->address == address("192.0.2.1"));
    assert_int_equal(v4->port, 80);
    const auto v6 = parseTcpTarget("[fe80::1]:65535");
    assert_true(v6.has_value());
    assert_int_equal(v6->port, 65535);
    for (const char* bad :
         {"192.0.2.1", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:80x",
          "fe80::1:80", "[fe80::1]80", "[192.0.2.1]:80", "name:80", ":80", "[fe80::1]:"})
        if (parseTcpTarget(bad).has_value())
            fail_msg("%s parsed as a tcp target", bad);
    assert_string_equal(checkTcpTarget("224.0.0.1:80").c_str(), "is a multicast address");
    assert_string_equal(checkTcpTarget("127.0.0.1:6379").c_str(), "");
}

// metrics.listen: a port alone is local; IPv6 in brackets; every address allowed, multicast not.
void listen_addresses_parse(void**) {
    const auto port = parseListen("9650");
    assert_true(port.has_value());
    assert_true(port->address == address("127.0.0.1"));
    assert_int_equal(port->port, 9650);
    assert_true(parseListen(":9650")->address == address("127.0.0.1"));
    assert_true(parseListen("[::1]:9650")->address == address("::1"));
    assert_true(parseListen("0.0.0.0:80")->address == address("0.0.0.0"));
    assert_true(parseListen("[::]:80")->address == address("::"));
    for (const char* bad : {"", ":", "0", "65536", "127.0.0.1", "::1:9650", "[::1]9650",
                            "host:9650", "224.0.0.1:9650", "9650x"})
        if (parseListen(bad).has_value())
            fail_msg("%s parsed as a listen address", bad);
    assert_string_equal(checkListen("[::1]:9650").c_str(), "");
    assert_true(checkListen("[::1]").starts_with("is not \"port\""));
}

// The metrics section: both outputs read, where each stands; without it, none.
void metrics_section_reads(void**) {
    const Config c = loadGood("sections.conf");
    assert_true(c.metrics.has_value());
    assert_string_equal(c.metrics->textfile.c_str(), "/var/lib/prometheus/node-exporter/hafd.prom");
    assert_true(c.metrics->textfileInterval == 15s);
    assert_true(c.metrics->listens());
    assert_true(c.metrics->listenAddress == address("::1"));
    assert_int_equal(c.metrics->listenPort, 9650);
    assert_string_equal(c.metrics->textfileWhere.setting.c_str(), "metrics.textfile");
    assert_int_equal(c.metrics->textfileWhere.line, 75);
    assert_int_equal(c.metrics->listenWhere.line, 76);
    assert_false(loadGood("minimal.conf").metrics.has_value());
    // Defaults: no listener, the interval's default.
    const LoadResult r =
        loadString("metrics = { textfile = \"/run/x.prom\"; };\n"
                   "instances = ( { name = \"x\"; interface = \"eth0\"; vrid = 7;\n"
                   "                addresses = [ \"192.0.2.1\" ]; } );\n",
                   "m.conf");
    assert_true(r.ok());
    assert_false(r.config->metrics->listens());
    assert_true(r.config->metrics->textfileInterval == 10s);
}

void patterns_compile_with_posix_regex(void**) {
    assert_string_equal(checkRegex("^(master|slave)").c_str(), "");
    assert_string_equal(checkRegex("^role:[[:space:]]*([a-z]+)$").c_str(), "");
    assert_true(checkRegex("^(master").starts_with("does not compile: "));
    assert_true(checkRegex("a{2,1}").starts_with("does not compile: "));
    assert_string_equal(checkProgram("/usr/bin/x").c_str(), "");
    assert_true(checkProgram("x").starts_with("is not an absolute path"));
    assert_string_equal(checkProgram("/etc/").c_str(), "names a directory, not a program");
}

// The roles a pattern can report, when the pattern alone tells.
void literal_roles_from_a_pattern(void**) {
    using Roles = std::set<std::string>;
    assert_true(literalRoles("^(master|slave)") == (Roles{"master", "slave"}));
    assert_true(literalRoles("^role: (primary|replica)$") == (Roles{"primary", "replica"}));
    assert_true(literalRoles("master|slave") == (Roles{"master", "slave"}));
    assert_true(literalRoles("^leader$") == (Roles{"leader"}));
    assert_true(literalRoles("[(]x(a|b-c|d_e)") == (Roles{"a", "b-c", "d_e"}));
    assert_true(literalRoles("\\(x(a)") == (Roles{"a"}));
    assert_false(literalRoles("^role: (.*)").has_value());
    assert_false(literalRoles("^(mast(er)|slave)").has_value());
    assert_false(literalRoles("^(a||b)").has_value());
    assert_false(literalRoles("[[:alpha:]]+").has_value());
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(top_level_sections_are_read),
        cmocka_unit_test(checks_are_read_with_their_kind),
        cmocka_unit_test(tracks_notify_and_groups_are_read),
        cmocka_unit_test(instance_auth_is_resolved),
        cmocka_unit_test(every_auth_mode_is_accepted),
        cmocka_unit_test(a_witness_needs_no_instances),
        cmocka_unit_test(settings_remember_where_they_are),
        cmocka_unit_test(tcp_targets_parse),
        cmocka_unit_test(listen_addresses_parse),
        cmocka_unit_test(metrics_section_reads),
        cmocka_unit_test(patterns_compile_with_posix_regex),
        cmocka_unit_test(literal_roles_from_a_pattern),
    };
    return cmocka_run_group_tests_name("config-sections", tests, nullptr, nullptr);
}
