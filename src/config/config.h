// SPDX-License-Identifier: Apache-2.0
// The validated, immutable configuration every layer above config/ sees. libconfig types never
// leave the parser; these are plain values (STYLE.md habit 8). hafd.conf(5) documents each
// setting; the comments here give units and what an empty or zero value means.
//
// Each struct that holds settings is described by a table of schema.h, whose rows read, print
// and compare its fields: a field added here needs its row there. Their operator== and
// Instance::sameSettings() are the tables' (every setting in effect; never a Where, a line or
// a file name).
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "config/boxed.h"
#include "config/schema.h"
#include "proto/advert.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hafd::config {

// Where a setting stands in the file, for messages about host facts found after loading (a
// missing program, a key file others can read). `setting` is the path diagnostics use:
// `checks["nginx"].exec`, `auth.keys[1].file`, `instances["web"].notify.master`.
//
// Every Where compares equal to every other: moving a setting in the file is not a change, so
// the defaulted comparisons below (and diff()) see settings only.
struct Where {
    std::string file; // Config::file, or a file it @includes
    int line = 0;     // 0 when unknown
    std::string setting;

    bool operator==(const Where&) const { return true; }
};

// A command hafd runs (checks, notify, fence, quorum hook): without a shell, as scripts.user,
// in its own process group, killed after its timeout (DESIGN.md §1). argv[0] is an absolute
// path; the loader guarantees at least one entry.
struct Command {
    std::vector<std::string> argv;
    Where where; // the list; its first entry is `where.setting + "[1]"`

    bool empty() const { return argv.empty(); }
    bool operator==(const Command&) const = default;
};

// --- top-level sections ------------------------------------------------------------------

// `node`: this node's name in cluster heartbeats and status.
struct LocalNode {
    std::string name; // empty: the host name, which the daemon resolves (config/ makes no syscall)
    Where where;      // node.name, or where it would be

    bool operator==(const LocalNode& o) const { return sameFields(nodeKeys(), this, &o); }
};

// `scripts`: how commands run.
struct Scripts {
    std::string user = "hafd-script"; // the unprivileged user every command runs as
    std::string group;                // empty: the user's login group
    Duration timeout = 10s;           // notify commands' time limit
    Where userWhere;
    Where groupWhere;

    bool operator==(const Scripts& o) const { return sameFields(scriptsKeys(), this, &o); }
};

// `auth`: keepalived's auth_hmac (AUTH_HMAC.md §7-§9) for adverts and cluster heartbeats.
enum class AuthMode : uint8_t {
    Enforce,    // sign; drop what is unsigned or fails
    Permissive, // sign; accept unsigned, drop what fails
    ReceiveOnly // do not sign; accept unsigned, drop what fails
};
enum class AntiReplay : uint8_t { Time, Monotonic };
// "enforce", "permissive", "receive-only"; "time", "monotonic": the schema's spellings.
const char* authModeName(AuthMode mode);
const char* antiReplayName(AntiReplay antiReplay);

struct AuthKey {
    uint8_t id = 0;   // 1..255, unique within its auth group
    std::string file; // absolute path; holds 32..64 bytes, raw or "hex:..." (hostcheck reads it)
    Where where;      // the `file` setting

    bool operator==(const AuthKey& o) const { return sameFields(authKeyKeys(), this, &o); }
};

struct Auth {
    std::vector<AuthKey> keys; // at least one, in file order
    uint8_t activeKey = 0;     // the id of one of `keys`: the key that signs
    AuthMode mode = AuthMode::Enforce;
    AntiReplay antiReplay = AntiReplay::Time;
    // Seconds of clock skew time-based anti-replay tolerates, 1..300. In Config::auth, 0 when
    // not set: each use derives it (defaultTimeWindow()). In Instance::auth, always resolved.
    unsigned timeWindow = 0;

    const AuthKey* key(uint8_t id) const;
    bool operator==(const Auth& o) const { return sameFields(authKeys(), this, &o); }
};

// keepalived's default window: max(3 × the interval in whole seconds, 5), at most 300.
unsigned defaultTimeWindow(Duration interval);

// `cluster`: heartbeats, quorum and the claim rule of DESIGN.md §4.
struct ClusterNode {
    std::string name;
    IpAddress address;
    bool witness = false; // votes, runs no instances
    Where where;          // the entry

    bool operator==(const ClusterNode& o) const { return sameFields(clusterNodeKeys(), this, &o); }
};

// The optional quorum hook: quorum also needs this command to exit 0 (e.g. an etcd read).
struct QuorumHook {
    Command command;
    Duration interval = 1s;   // interval + timeout <= cluster.lease
    Duration timeout = 500ms; // < interval; default min(1.0, interval / 2)

    bool operator==(const QuorumHook& o) const { return sameFields(quorumHookKeys(), this, &o); }
};

struct Cluster {
    std::vector<ClusterNode> nodes; // at least 2; names and addresses unique; one family
    Duration heartbeat = 200ms;     // between heartbeats; at most lease / 3
    Duration lease = 2s;            // whole seconds: quorum window and kernel VIP lifetime
    Duration margin = 1500ms;       // a backup claims lease + margin after last hearing the master
    uint16_t port = 7112;           // UDP, on every node
    std::optional<QuorumHook> quorumHook;
    Where where; // the group

    const ClusterNode* find(const std::string& name) const;
    bool operator==(const Cluster& o) const { return sameFields(clusterKeys(), this, &o); }
};

// `fence`: run before claiming after a master failure; only exit 0 lets the claim go ahead.
struct Fence {
    Command command;
    Duration timeout = 10s;
    Duration retryInterval = 1s;     // after a failure; doubles on each failure ...
    Duration retryMaxInterval = 60s; // ... up to this

    bool operator==(const Fence& o) const { return sameFields(fenceKeys(), this, &o); }
};

// `metrics`: where metrics go besides `hafctl metrics` (DESIGN.md §7). Both outputs are off
// unless set.
struct Metrics {
    // A file node_exporter's textfile collector reads, rewritten atomically (a temporary file in
    // the same directory, renamed over it) every textfileInterval; empty: none. An absolute path
    // whose directory exists (a host fact, hostcheck/).
    std::string textfile;
    Duration textfileInterval = 10s;
    // The HTTP listener for GET /metrics: port 0 means none (the default). The address is
    // 127.0.0.1 when `listen` gives only a port.
    IpAddress listenAddress;
    uint16_t listenPort = 0;
    Where textfileWhere; // for host facts about the textfile's directory
    Where listenWhere;   // for a listener that cannot bind

    bool listens() const { return listenPort != 0; }
    bool operator==(const Metrics& o) const { return sameFields(metricsKeys(), this, &o); }
};

// `checks`: what tracks watch (DESIGN.md §5).
enum class CheckKind : uint8_t {
    Exec,      // the command exits 0
    Tcp,       // a TCP connection to `tcp` completes
    File,      // the file holds the number 0 (keepalived's track_file: non-zero is a failure)
    Interface, // the interface is up with carrier
    Role,      // `exec`, whose output `pattern` matches; the match names a role
    Process,   // a process named `process` (or the one in `pidFile`) exists; watched by pidfd
    KOfN       // at least `minUp` of the checks `members` are up
};
// "exec", "tcp", "file", "interface", "role", "process", "k_of_n"
const char* checkKindName(CheckKind kind);

struct Check {
    std::string name; // unique among checks
    CheckKind kind = CheckKind::Exec;
    Command exec;          // Exec, Role
    IpAddress tcpAddress;  // Tcp
    uint16_t tcpPort = 0;  // Tcp
    std::string file;      // File: an absolute path
    std::string interface; // Interface
    // Role: a POSIX extended regular expression the command's output must match; the role is
    // the text of its first parenthesised group, or of the whole match when it has none.
    std::string pattern;
    std::string process;     // Process: the exact process name (/proc/PID/comm, as pgrep -x) ...
    std::string processArgs; // ... and a POSIX extended regex its arguments must match (empty: any)
    std::string pidFile;     // Process: instead of `process`, the pid in this file
    std::vector<std::string> members; // KOfN: names of other checks, none of them a k_of_n
    unsigned minUp = 0;               // KOfN: 1..members.size()
    Duration interval = 2s;
    Duration timeout = 1s; // < interval
    unsigned fall = 3;     // consecutive failures that take an up check down
    unsigned rise = 2;     // consecutive successes that bring a down check up (or a new role)
    Where where;           // the entry

    bool operator==(const Check& o) const { return sameFields(checkKeys(), this, &o); }
};

// --- instances --------------------------------------------------------------------------

// Gratuitous ARP / unsolicited NA on becoming master (DESIGN.md §10; PROTOCOL.md §5.3).
struct Announce {
    unsigned count = 5;       // frames per VIP in each burst (1..100)
    Duration delay = 5s;      // second burst this long after becoming master; 0 = none
    Duration refresh = 60s;   // one frame per VIP this often while master; 0 = never
    Duration interval = 10ms; // pacing between the rounds of a burst (the first round of
                              // every VIP leaves at once)

    bool operator==(const Announce& o) const { return sameFields(announceKeys(), this, &o); }
};

// One `track` entry: a check or an interface that moves the priority (DESIGN.md §5).
struct Track {
    std::string check;     // the name of one of Config::checks, or empty ...
    std::string interface; // ... and then the interface tracked directly
    // -254..254. Positive: added while the check is up; negative: added while it is down;
    // 0: the instance is in FAULT while it is down. Unused when `roleWeights` is set.
    int weight = 0;
    // Role checks only: added while the check is up and reports that role (-254..254; 0 adds
    // nothing). A role not listed, or a check that is down, adds nothing.
    std::map<std::string, int> roleWeights;
    Where where; // the entry

    bool operator==(const Track& o) const { return sameFields(trackKeys(), this, &o); }
};

// Commands run on state changes (DESIGN.md §7); each may be empty.
struct Notify {
    Command master;
    Command backup;
    Command fault;
    Command stop; // when the instance (or group) stops: shutdown, or removed on reload
    Command any;  // on every change, after the specific one

    bool empty() const;
    bool operator==(const Notify& o) const { return sameFields(notifyKeys(), this, &o); }
};

// An instance's `switchover` group (DESIGN.md §7): what `hafctl switchover` runs around a
// handover of the instance. Every part is optional.
struct Switchover {
    Command command;           // on the node handing over, before it does: exit 0 lets it go on
    Duration timeout = 30s;    // of `command`
    Command verify;            // on the node that handed over, once the new master says so
    std::string verifyPattern; // POSIX ERE the verify output must match (empty: exit 0 is enough)
    Duration verifyTimeout = 10s;
    unsigned rollbacks = 1; // hand-backs after failed verifications in a row; 0: never

    bool operator==(const Switchover& o) const { return sameFields(switchoverKeys(), this, &o); }
};

struct Instance {
    std::string name;
    std::string interface;
    uint8_t vrid = 0;
    Family family = Family::V4; // the family of `addresses`
    proto::Version version = proto::Version::V3;
    uint8_t priority = 100;       // 1..255 (255: see isOwner())
    Duration advertInterval = 1s; // v3: whole centiseconds; v2: whole seconds
    bool preempt = true;
    Duration preemptDelay = 0s;
    // RFC 5227 ARP probe of the IPv4 VIPs before a claim that follows a master failure
    // (DESIGN.md §4, duplicate detection): a reply from another MAC keeps the claim back.
    bool probeBeforeClaim = false;
    std::vector<Prefix> addresses;       // bare addresses are /32 or /128
    std::vector<IpAddress> unicastPeers; // empty: multicast
    uint8_t unicastMinTtl = 255;         // IPv4 unicast adverts arrive with at least this TTL
    bool vmac = false;                   // macvlan with the virtual MAC (RFC 9568 §7.3)
    bool accept = true;                  // only true is supported for now
    proto::ChecksumForm checksum = proto::ChecksumForm::PseudoHeader; // IPv4 v3 transmit form
    Announce announce;
    proto::V2AuthType v2AuthType = proto::V2AuthType::None; // VRRPv2 interop only, no security
    std::string v2Password;                                 // at most 8 bytes, with SimplePassword
    std::vector<Track> tracks;                              // in file order
    Boxed<Notify> notify;         // on the heap only when set (most instances have none)
    Boxed<Switchover> switchover; // on the heap only when set
    // The effective authentication: the instance's own `auth` group, else the top-level one;
    // nullopt when neither is set or the instance sets `auth = { enabled = false; }`. Its
    // time window is resolved against this instance's interval.
    std::optional<Auth> auth;
    // Whether `auth` comes from the instance's own group (or its own enabled = false) rather
    // than the top level. Not a setting: sameSettings() and diff() ignore it.
    bool ownAuth = false;

    // Where the instance and each of its settings stand in the file, for messages about host
    // facts (missing interface…) found after parsing. Keyed by setting name; "" is the group.
    // Settings of the `announce` group are keyed "announce.count" and so on. A flat list (an
    // instance has a score of settings): a std::map cost a kilobyte more per instance.
    std::vector<std::pair<std::string, int>> lines;
    // The setting's line; the group's when the setting is absent (defaulted); 0 when unknown.
    int lineOf(const std::string& setting) const;
    // The file holding the group: Config::file, or a file it @includes.
    std::string file;

    // Priority 255: master at once, always preempts; the owner of its VIPs (RFC 9568) only when
    // they are already addresses of the interface, which the daemon finds out at run time
    // (core::BindingChanged::owner).
    bool isOwner() const { return priority == 255; }
    bool isUnicast() const { return !unicastPeers.empty(); }
    // Whether its adverts carry an auth trailer (auth set, not receive-only).
    bool signsAdverts() const { return auth && auth->mode != AuthMode::ReceiveOnly; }

    // Every setting of the instance table the same; `lines`, `file`, `ownAuth` and every
    // Where are not settings: moving an instance in the file is not a change.
    bool sameSettings(const Instance& o) const;
};

// `groups`: sync groups, whose instances change state together (DESIGN.md §5).
struct SyncGroup {
    std::string name;                   // unique among groups
    std::vector<std::string> instances; // names of Config::instances; each in one group at most
    Notify notify;
    Where where; // the entry

    bool operator==(const SyncGroup& o) const { return sameFields(groupKeys(), this, &o); }
};

struct Config {
    std::string file;
    LocalNode node;
    Scripts scripts;
    std::optional<Auth> auth; // the top level's; instances resolve their own (Instance::auth)
    std::optional<Cluster> cluster;
    std::optional<Fence> fence;
    std::optional<Metrics> metrics;
    std::vector<Check> checks;
    std::vector<Instance> instances;
    std::vector<SyncGroup> groups;

    const Check* check(const std::string& name) const;
    const Instance* instance(const std::string& name) const;
    // Frees every instance's `lines`: only messages about this file use them, and once it is
    // loaded and checked the daemon keeps the Config for its whole run (~0.2 KiB an instance).
    void forgetLines();
};

} // namespace hafd::config
