// SPDX-License-Identifier: Apache-2.0
// What `hafctl status` shows, as plain values the daemon fills in and the client prints. The
// JSON form (ctl/json.h) is the control socket's wire format and `hafctl status --json`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hafd::ctl {

// Counters keyed by snake_case name (drop reasons, adverts…), so JSON and text stay in step.
using CounterMap = std::map<std::string, uint64_t>;

struct Transition {
    std::string from;
    std::string to;
    std::string reason;
    std::vector<std::string> faults; // entering FAULT: its causes
    double secondsAgo = 0;
};

struct PeerStatus {
    std::string address;
    uint32_t priority = 0;
    uint32_t version = 0;
    double advertInterval = 0; // seconds
    std::string checksumForm;
    std::vector<std::string> addresses;
    double lastSeenSecondsAgo = 0;
};

// One track of an instance: what it sees and what it adds.
struct TrackStatus {
    std::string name;      // the check's name, or "interface eth1"
    std::string health;    // "up", "down", "unknown"
    std::string role;      // role checks: the role reported while up
    int32_t weight = 0;    // the configured weight (0: FAULT while down; role tracks: 0)
    int32_t adds = 0;      // what it adds to the priority now
    bool faulting = false; // a weight-0 track that is down: the instance is in FAULT for it
};

// One running health check.
struct CheckStatus {
    std::string name;
    std::string kind;   // "exec", "tcp", "file", "interface", "role", "process", "k_of_n"
    std::string health; // "up", "down", "unknown"
    std::string role;
    std::string lastResult; // "ok", "exit 1", "timed out after 1 s", "no process", ...
    std::string lastOutput; // the first line of the last run's output (exec, role)
    uint64_t runs = 0;
    uint64_t failures = 0;
    uint64_t timeouts = 0;
    uint32_t successes = 0; // the current streaks, against rise and fall
    uint32_t failuresInRow = 0;
    uint32_t rise = 0;
    uint32_t fall = 0;
    double interval = 0;
    double lastRunSecondsAgo = -1; // -1: never ran
    double changedSecondsAgo = -1; // -1: never changed since start
    // How long the last finished run took (exec and role: the command; tcp: the connect), in
    // seconds; -1 when none finished yet or the kind has no runs of its own.
    double lastDuration = -1;
};

// An instance's authentication (keepalived's auth_hmac): absent from an instance without.
struct AuthStatus {
    std::string mode;       // "enforce", "permissive", "receive-only"
    uint32_t activeKey = 0; // the key id that signs (also in receive-only, where nothing is signed)
    std::vector<uint32_t> keys; // every key id accepted
    std::string antiReplay;     // "time", "monotonic"
    uint32_t timeWindow = 0;    // seconds; 0 with monotonic
};

// The claim rule (DESIGN.md §4) at an instance whose Master_Down_Timer expired: absent when no
// claim is held.
struct ClaimStatus {
    std::string stage;     // "waiting" (lease + margin), "deferring", "fencing", "fence_failed"
    double inSeconds = -1; // when the wait ends or the fence is retried; -1: not timed
    uint32_t fenceFailures = 0;
    std::string lastFence;         // the last fence run's outcome: "ok", "exit 1", "timed out ..."
    double lastFenceDuration = -1; // seconds the last finished fence run took; -1: none finished
    std::string aheadOf;           // deferring: the node whose claim goes first
};

// hafctl switchover under way on this node (daemon/switchover.h).
struct SwitchoverStatus {
    std::string instance;
    std::string target;     // the node it goes to (back to, in a hand-back); "" without a cluster
    std::string step;       // "prepare", "handover", "handback", "verify", "rollback"
    bool handBack = false;  // this node hands back after another node's failed verification
    double seconds = 0;     // since it started
    double stepSeconds = 0; // since this step started
    uint32_t rollbacks = 0; // rollbacks of this instance in a row, before this one
};

struct InstanceStatus {
    std::string name;
    std::string interface;
    uint32_t vrid = 0;
    std::string family; // "ipv4" / "ipv6"
    uint32_t version = 3;
    std::string mode;  // "multicast" / "unicast"
    std::string state; // "INIT", "BACKUP", "MASTER", "FAULT"
    // The fault causes present ("link", "source", "join", "vips", "send", ...): why the
    // instance is in FAULT, or, in INIT, what start-up found.
    std::vector<std::string> faults;
    // The VIPs are addresses of the interface that hafd leaves alone (priority 255 and every
    // VIP already configured there); false at priority 255 means hafd installs them.
    bool owner = false;
    uint32_t priority = 0; // effective
    uint32_t basePriority = 0;
    double advertInterval = 0;      // ours, seconds
    double masterAdverInterval = 0; // learned, seconds
    double masterDownInterval = 0;  // seconds
    std::string source;             // address adverts are sent from
    std::string checksumForm;       // the form we send
    std::vector<std::string> vips;
    bool vipsInstalled = false;
    // Seconds until the kernel lease of the installed VIPs ends (the earliest, when they differ)
    // unless renewed; -1 when no VIP is installed or they are permanent (no cluster lease).
    double leaseRemaining = -1;
    std::vector<Transition> lastTransitions; // newest first, a few
    CounterMap counters;
    CounterMap drops;
    CounterMap faultsRaised; // by cause: how often it appeared
    std::vector<PeerStatus> peers;
    std::vector<TrackStatus> tracks;
    std::string waitingFor; // in INIT: the tracks not known yet ("" otherwise)
    std::optional<AuthStatus> auth;
    std::optional<ClaimStatus> claim;
    // Master with a cluster: the node it would name if it released now; "" otherwise.
    std::string successor;
};

struct SocketStatus {
    std::string interface;
    std::string family;
    CounterMap drops; // packet-level reasons and unknown_vrid
    uint64_t received = 0;
    bool joined = false; // the VRRP multicast group
    uint64_t joinFailures = 0;
};

// One instance of a cluster node, as its heartbeats say.
struct ClusterInstance {
    std::string family;
    uint32_t vrid = 0;
    std::string state;
    uint32_t priority = 0;
    uint32_t basePriority = 0;
};

// One node of `cluster.nodes` as this node hears it.
struct ClusterNodeStatus {
    std::string name;
    std::string address;
    bool self = false;
    bool witness = false;
    bool votes = false;              // its vote counts now (heard within lease; ours always)
    double lastHeardSecondsAgo = -1; // -1: never heard
    std::string startId;             // hex
    uint64_t heartbeats = 0;
    uint64_t restarts = 0;
    bool quorum = false; // what it says of itself
    std::vector<ClusterInstance> instances;
    // Settings of its instances that differ from ours for the same VRID:
    // "ipv4 VRID 51: interval 0.10 s here, 1.00 s there".
    std::vector<std::string> differences;
};

struct ClusterStatus {
    std::string node; // this node's name
    bool quorum = false;
    uint32_t votes = 0;  // all votes
    uint32_t heard = 0;  // heard now, ours included
    uint32_t needed = 0; // a strict majority
    std::string hook;    // "", "ok", "failed", "no answer yet"; the hook's last outcome after it
    double hookDuration = -1; // seconds the quorum hook's last finished run took; -1: none
    double lease = 0;
    double margin = 0;
    double heartbeat = 0;
    bool authenticated = false;
    std::vector<ClusterNodeStatus> nodes;
    CounterMap drops; // heartbeats dropped, by reason
    uint64_t sent = 0;
    uint64_t sendFailures = 0;
    uint64_t received = 0;
    std::string socketError; // why heartbeats cannot be sent or received ("" when they can)
};

// Stalls of the daemon's loop (hafd(8) STALLS): times it was absent for 10 ms or more beyond
// what it expected (SIGSTOP, an overloaded host, a suspended VM).
struct StallStatus {
    uint64_t count = 0;
    double longest = 0;         // seconds
    double lastSecondsAgo = -1; // -1: none since start
};

// The daemon's own metrics outputs (hafd.conf(5) metrics) and how they fare.
struct MetricsStatus {
    std::string textfile; // the file rewritten for node_exporter; "" when none
    uint64_t textfileWrites = 0;
    uint64_t textfileFailures = 0;
    std::string textfileError; // why the last write failed; "" when it worked
    std::string listen;        // where the HTTP listener listens, "127.0.0.1:9650"; "" when none
    uint64_t httpRequests = 0; // requests answered, whatever the path
};

// What the control socket did with its connections since the start (hafd(8) LIMITS).
struct ControlStatus {
    uint64_t served = 0;   // accepted and served, whatever the outcome
    uint64_t busy = 0;     // refused: 16 connections were being served
    uint64_t denied = 0;   // refused: the peer is not allowed (control socket access)
    uint64_t timedOut = 0; // closed: request or reply not done within its limit
    uint64_t tooLong = 0;  // closed: a request over 4 KiB
};

// The commands hafd runs (checks, notify, the quorum hook, fences, switchover verification),
// all through one runner of at most 32 children at once (hafd(8) LIMITS), since the start.
struct CommandsStatus {
    uint64_t running = 0;       // children alive now
    uint64_t queued = 0;        // waiting for a child slot now
    uint64_t queuedMax = 0;     // the longest the queue has been
    uint64_t started = 0;       // children forked
    uint64_t timedOut = 0;      // killed at their timeout
    uint64_t spawnFailures = 0; // could not start (fork, exec, pipes)
};

struct Status {
    std::string version;
    int64_t pid = 0;
    double uptime = 0;
    std::vector<InstanceStatus> instances;
    std::vector<SocketStatus> sockets;
    std::vector<CheckStatus> checks;
    CounterMap notify; // started, failed, dropped, pending
    std::optional<ClusterStatus> cluster;
    std::optional<SwitchoverStatus> switchover;
    StallStatus stalls;
    MetricsStatus metrics;
    ControlStatus control;
    CommandsStatus commands;
};

} // namespace hafd::ctl
