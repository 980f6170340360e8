// SPDX-License-Identifier: Apache-2.0
#include "ctl/client.h"

#include <algorithm>

#include "ctl/json.h"
#include "ctl/metrics.h"
#include "import/importer.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

namespace hafd::ctl {

namespace {

// A counter as printf's %llu takes it.
unsigned long long ull(uint64_t v) {
    return v;
}

const char* kUsage = "usage: hafctl [--runtime-dir DIR] status [--json]\n"
                     "       hafctl [--runtime-dir DIR] reload [--json]\n"
                     "       hafctl [--runtime-dir DIR] maintenance on|off [INSTANCE] [--json]\n"
                     "       hafctl [--runtime-dir DIR] switchover INSTANCE [--to NODE] [--json]\n"
                     "       hafctl [--runtime-dir DIR] events [--follow] [--since SEQ]\n"
                     "       hafctl [--runtime-dir DIR] metrics\n"
                     "       hafctl import-keepalived [FILE]\n";

constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

// A connection to the control socket, or -1 with `error` set, and `refused` when the socket's
// mode denied it (not merely nobody there). `timeout`: for each read (0: none).
int connectControl(const std::string& socketPath, int timeoutSeconds, std::string& error,
                   bool* refused) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socketPath.size() >= sizeof addr.sun_path) {
        error = socketPath + ": path too long";
        return -1;
    }
    std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return -1;
    }
    timeval tv{timeoutSeconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const bool denied = errno == EACCES || errno == EPERM;
        if (refused)
            *refused = denied;
        error = socketPath + ": " + std::strerror(errno) +
                (denied ? " (root or the group hafd only)" : " (is hafd running?)");
        close(fd);
        return -1;
    }
    return fd;
}

// Reads up to and including the next newline into `line` (keeping what follows in `buffer`);
// false at the end of the stream or on an error (`error` set then).
bool readLine(int fd, std::string& buffer, std::string& line, std::string& error) {
    char buf[65536];
    for (;;) {
        if (const auto nl = buffer.find('\n'); nl != std::string::npos) {
            line = buffer.substr(0, nl + 1);
            buffer.erase(0, nl + 1);
            return true;
        }
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                error = std::string("recv: ") + std::strerror(errno);
            return false;
        }
        buffer.append(buf, static_cast<std::size_t>(n));
    }
}

// Sends one request line and returns the reply line; empty with `error` set on failure, and
// `refused` when the socket's mode denied the connection (not merely nobody there).
std::string roundTripOnce(const std::string& socketPath, const std::string& request,
                          std::string& error, bool* refused, int timeoutSeconds) {
    const int fd = connectControl(socketPath, timeoutSeconds, error, refused);
    if (fd < 0)
        return {};
    // A daemon that refuses the connection answers and closes at once, maybe before the request
    // is sent: its reply is read even when the send failed.
    const bool sent = send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                      static_cast<ssize_t>(request.size());
    const std::string sendError = sent ? "" : std::string("send: ") + std::strerror(errno);
    std::string buffer, reply;
    const bool got = readLine(fd, buffer, reply, error);
    close(fd);
    if (got)
        return reply;
    if (!sendError.empty())
        error = sendError;
    else if (error.empty())
        error = "the daemon closed the connection without a reply";
    return {};
}

// roundTripOnce, again while the daemon answers "busy" (it serves 16 clients at once and
// refuses more): for up to 5 s, every 20 ms at first, then every 200 ms.
std::string roundTrip(const std::string& socketPath, const std::string& request, std::string& error,
                      bool* refused = nullptr, int timeoutSeconds = 5) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto pause = std::chrono::milliseconds(20);
    for (;;) {
        std::string reply = roundTripOnce(socketPath, request, error, refused, timeoutSeconds);
        if (reply.find(R"("error":"busy: )") == std::string::npos ||
            std::chrono::steady_clock::now() + pause > until)
            return reply;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
}

// hafctl events: the reply's first line says ok (or the error), then every line is an event
// (or a notice), printed as it comes. Following, the stream ends when the daemon says "end".
int streamEvents(const std::string& socketPath, const Request& request) {
    std::string error;
    bool refused = false;
    const int fd = connectControl(socketPath, request.follow ? 0 : 5, error, &refused);
    if (fd < 0) {
        std::fprintf(stderr, "hafctl: %s\n", error.c_str());
        return refused ? kExitRefused : kExitUnreachable;
    }
    const std::string line = formatRequest(request);
    (void)send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    std::string buffer, first;
    if (!readLine(fd, buffer, first, error)) {
        close(fd);
        std::fprintf(stderr, "hafctl: %s\n",
                     error.empty() ? "the daemon closed the connection without a reply"
                                   : error.c_str());
        return kExitUnreachable;
    }
    Verdict v;
    if (!parseVerdictReply(first, v, error) || !v.ok) {
        close(fd);
        std::fprintf(stderr, "hafctl: %s\n", error.empty() ? v.message.c_str() : error.c_str());
        return kExitRefused;
    }
    std::string event;
    bool ended = !request.follow;
    while (readLine(fd, buffer, event, error)) {
        std::fputs(event.c_str(), stdout);
        std::fflush(stdout);
        if (event.rfind("{\"type\":\"end\"", 0) == 0)
            ended = true;
    }
    close(fd);
    if (!ended || !error.empty()) {
        std::fprintf(stderr, "hafctl: %s\n",
                     error.empty() ? "the daemon closed the stream" : error.c_str());
        return kExitUnreachable;
    }
    return 0;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ",") + x;
    return s.empty() ? "-" : s;
}

// The cluster view: quorum, then one line per node and its instances.
void printCluster(const ClusterStatus& c) {
    std::printf("cluster: node %s, quorum %s (%u of %u votes heard, %u needed)%s%s%s\n",
                c.node.c_str(), c.quorum ? "yes" : "NO", c.heard, c.votes, c.needed,
                c.hook.empty() ? "" : ", hook ", c.hook.c_str(),
                c.authenticated ? ", heartbeats signed" : ", heartbeats NOT signed");
    if (!c.socketError.empty())
        std::printf("    heartbeat socket: %s\n", c.socketError.c_str());
    std::printf("%-16s %-26s %-8s %-10s %s\n", "NODE", "ADDRESS", "VOTES", "HEARD", "INSTANCES");
    for (const auto& n : c.nodes) {
        char heard[32] = "never";
        if (n.self)
            std::snprintf(heard, sizeof heard, "self");
        else if (n.lastHeardSecondsAgo >= 0)
            std::snprintf(heard, sizeof heard, "%.1fs ago", n.lastHeardSecondsAgo);
        std::string inst;
        for (const auto& i : n.instances)
            inst += (inst.empty() ? "" : ", ") + i.family + "/" + std::to_string(i.vrid) + " " +
                    i.state + " " + std::to_string(i.priority);
        std::printf("%-16s %-26s %-8s %-10s %s\n", (n.name + (n.witness ? " (w)" : "")).c_str(),
                    n.address.c_str(), n.votes ? "yes" : "no", heard,
                    inst.empty() ? "-" : inst.c_str());
        for (const auto& d : n.differences)
            std::printf("    differs: %s\n", d.c_str());
    }
    for (const auto& [reason, n] : c.drops)
        std::printf("    heartbeats dropped %-16s %llu\n", reason.c_str(), ull(n));
}

void printStatus(const Status& st) {
    std::printf("hafd %s, pid %lld, up %.0fs\n", st.version.c_str(), static_cast<long long>(st.pid),
                st.uptime);
    if (st.stalls.count > 0)
        std::printf("loop stalled %llu time(s), longest %.3fs, last %.0fs ago\n",
                    ull(st.stalls.count), st.stalls.longest, st.stalls.lastSecondsAgo);
    const ControlStatus& control = st.control;
    if (control.busy + control.denied + control.timedOut + control.tooLong > 0)
        std::printf("control socket: %llu served, refused %llu busy and %llu denied, %llu timed "
                    "out, %llu too long\n",
                    ull(control.served), ull(control.busy), ull(control.denied),
                    ull(control.timedOut), ull(control.tooLong));
    const CommandsStatus& commands = st.commands;
    if (commands.queuedMax + commands.timedOut + commands.spawnFailures > 0)
        std::printf("commands: %llu running, %llu queued (at most %llu), %llu started, %llu "
                    "timed out, %llu could not start\n",
                    ull(commands.running), ull(commands.queued), ull(commands.queuedMax),
                    ull(commands.started), ull(commands.timedOut), ull(commands.spawnFailures));
    std::printf("%-16s %-10s %4s %-5s %-7s %4s %4s %-26s %s\n", "INSTANCE", "INTERFACE", "VRID",
                "FAM", "STATE", "PRIO", "BASE", "SOURCE", "VIPS");
    for (const auto& i : st.instances) {
        std::printf("%-16s %-10s %4u %-5s %-7s %4u %4u %-26s %s\n", i.name.c_str(),
                    i.interface.c_str(), i.vrid, i.family.c_str(), i.state.c_str(), i.priority,
                    i.basePriority, i.source.empty() ? "-" : i.source.c_str(),
                    joined(i.vips).c_str());
        if (!i.lastTransitions.empty()) {
            const Transition& t = i.lastTransitions.front();
            std::printf("    last transition: %s -> %s (%s), %.1fs ago\n", t.from.c_str(),
                        t.to.c_str(), t.reason.c_str(), t.secondsAgo);
        }
        if (!i.faults.empty()) {
            // A track fault names its tracks: "fault: track (nginx, interface eth1)".
            std::string faults;
            for (const auto& f : i.faults) {
                faults += (faults.empty() ? "" : ", ") + f;
                std::string names;
                for (const auto& t : i.tracks)
                    if (f == "track" && t.faulting)
                        names += (names.empty() ? "" : ", ") + t.name;
                if (!names.empty())
                    faults += " (" + names + ")";
            }
            std::printf("    fault: %s\n", faults.c_str());
        }
        if (i.auth) {
            std::string keys;
            for (const auto k : i.auth->keys)
                keys += (keys.empty() ? "" : ",") + std::to_string(k);
            std::printf("    auth: %s, key %u signs (keys %s), anti-replay %s",
                        i.auth->mode.c_str(), i.auth->activeKey, keys.c_str(),
                        i.auth->antiReplay.c_str());
            if (i.auth->timeWindow)
                std::printf(" within %u s", i.auth->timeWindow);
            std::printf("\n");
        }
        if (i.claim) {
            std::printf("    claim: %s", i.claim->stage.c_str());
            if (!i.claim->aheadOf.empty())
                std::printf(" to %s", i.claim->aheadOf.c_str());
            if (i.claim->inSeconds >= 0)
                std::printf(" (%.1f s to go)", i.claim->inSeconds);
            if (i.claim->fenceFailures)
                std::printf(", %u fence failure(s)", i.claim->fenceFailures);
            if (!i.claim->lastFence.empty())
                std::printf(", last fence: %s", i.claim->lastFence.c_str());
            std::printf("\n");
        }
        if (!i.successor.empty())
            std::printf("    successor: %s (named if this node releases)\n", i.successor.c_str());
        if (st.switchover && st.switchover->instance == i.name) {
            const SwitchoverStatus& s = *st.switchover;
            std::printf("    %s: %s%s%s for %.1f s (%.1f s in all)",
                        s.handBack ? "hand-back" : "switchover", s.step.c_str(),
                        s.target.empty() ? "" : " to ", s.target.c_str(), s.stepSeconds, s.seconds);
            if (s.rollbacks)
                std::printf(", %u rollback(s) in a row before it", s.rollbacks);
            std::printf("\n");
        }
        if (i.basePriority == 255 && !i.owner)
            std::printf("    owner: false (priority 255, but hafd installs the VIPs)\n");
        for (const auto& [reason, n] : i.drops)
            if (n)
                std::printf("    dropped %-18s %llu\n", reason.c_str(), ull(n));
        if (!i.waitingFor.empty())
            std::printf("    waiting for: %s\n", i.waitingFor.c_str());
        if (std::any_of(i.tracks.begin(), i.tracks.end(), [](const auto& t) { return t.adds; })) {
            std::printf("    priority %u = base %u", i.priority, i.basePriority);
            for (const auto& t : i.tracks)
                if (t.adds != 0)
                    std::printf(" %+d (%s %s)", t.adds, t.name.c_str(), t.health.c_str());
            std::printf("\n");
        }
        for (const auto& t : i.tracks)
            std::printf("    track %-20s %-7s%s%s weight %d%s\n", t.name.c_str(), t.health.c_str(),
                        t.role.empty() ? "" : " role ", t.role.c_str(), t.weight,
                        t.faulting ? "  FAULT" : "");
        for (const auto& p : i.peers)
            std::printf("    peer %s prio %u v%u interval %.2fs checksum %s seen %.1fs ago\n",
                        p.address.c_str(), p.priority, p.version, p.advertInterval,
                        p.checksumForm.c_str(), p.lastSeenSecondsAgo);
    }
    if (!st.checks.empty())
        std::printf("%-16s %-9s %-8s %6s %6s %6s  %s\n", "CHECK", "KIND", "HEALTH", "RUNS", "FAILS",
                    "TMOUT", "LAST");
    for (const auto& c : st.checks) {
        std::string last = c.lastResult;
        if (!c.role.empty())
            last = "role " + c.role + "; " + last;
        if (!c.lastOutput.empty())
            last += " \"" + c.lastOutput + "\"";
        std::printf("%-16s %-9s %-8s %6llu %6llu %6llu  %s\n", c.name.c_str(), c.kind.c_str(),
                    c.health.c_str(), ull(c.runs), ull(c.failures), ull(c.timeouts), last.c_str());
    }
    if (st.cluster)
        printCluster(*st.cluster);
    for (const auto& s : st.sockets)
        for (const auto& [reason, n] : s.drops)
            if (n)
                std::printf("%s %s: dropped %-18s %llu\n", s.interface.c_str(), s.family.c_str(),
                            reason.c_str(), ull(n));
}

} // namespace

bool fetchStatus(const std::string& runtimeDir, Status& status, std::string& error) {
    const std::string reply =
        roundTrip(runtimeDir + "/" + kControlSocketName, formatRequest(Request("status")), error);
    return !reply.empty() && parseStatusReply(reply, status, error);
}

// hafctl import-keepalived: hafd.conf on stdout, findings on stderr; the exit status is the
// importer's (0 translated, 1 to review, 2 unusable).
static int importKeepalived(const std::string& path) {
    const import::ImportResult r = import::importFile(path);
    std::fputs(r.text.c_str(), stdout);
    std::fflush(stdout);
    for (const import::Finding& f : r.findings)
        std::fprintf(stderr, "%s\n", f.toString().c_str());
    return r.exitStatus;
}

int runClient(const std::vector<std::string>& args, const std::string& defaultRuntimeDir) {
    std::string runtimeDir = defaultRuntimeDir, command;
    std::vector<std::string> operands;
    bool json = false, follow = false;
    std::optional<uint64_t> since;
    std::string to;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--runtime-dir" && i + 1 < args.size())
            runtimeDir = args[++i];
        else if (a.rfind("--runtime-dir=", 0) == 0)
            runtimeDir = a.substr(14);
        else if (a == "--json")
            json = true;
        else if (a == "--follow" || a == "-f")
            follow = true;
        else if (a == "--to" && i + 1 < args.size())
            to = args[++i];
        else if (a == "--since" && i + 1 < args.size()) {
            char* end = nullptr;
            const std::string& n = args[++i];
            errno = 0;
            const unsigned long long v = std::strtoull(n.c_str(), &end, 10);
            if (n.empty() || *end != '\0' || errno != 0 || n[0] == '-') {
                std::fprintf(stderr, "hafctl: --since needs a sequence number, not '%s'\n%s",
                             n.c_str(), kUsage);
                return kExitUsage;
            }
            since = v;
        } else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (!a.empty() && a[0] != '-') {
            (command.empty() ? command : operands.emplace_back()) = a;
        } else {
            std::fprintf(stderr, "hafctl: unknown argument '%s'\n%s", a.c_str(), kUsage);
            return kExitUsage;
        }
    }
    const auto usage = [](const std::string& what) {
        std::fprintf(stderr, "hafctl: %s\n%s", what.c_str(), kUsage);
        return kExitUsage;
    };
    const bool known = command == "status" || command == "reload" || command == "metrics" ||
                       command == "events" || command == "maintenance" || command == "switchover" ||
                       command == "import-keepalived";
    if (!known)
        return usage(command.empty() ? "no command given" : "unknown command '" + command + "'");
    if (command == "import-keepalived") {
        if (operands.size() > 1)
            return usage(command + ": unexpected '" + operands[1] + "'");
        if (json || follow || since || !to.empty())
            return usage(command + ": takes a file only");
        return importKeepalived(operands.empty() ? import::kDefaultKeepalivedConf : operands[0]);
    }
    const std::size_t wanted = command == "maintenance" ? 2 : command == "switchover" ? 1 : 0;
    if (operands.size() > wanted)
        return usage(command + ": unexpected '" + operands[wanted] + "'");
    if (command == "maintenance" && operands.empty())
        return usage("maintenance: on or off?");
    if (command == "switchover" && operands.empty())
        return usage("switchover: which instance?");
    if (!to.empty() && command != "switchover")
        return usage("--to is for switchover");
    if ((follow || since) && command != "events")
        return usage("--follow and --since are for events");
    const std::string socketPath = runtimeDir + "/" + kControlSocketName;
    if (command == "events") {
        Request r("events");
        r.follow = follow;
        r.since = since;
        return streamEvents(socketPath, r);
    }
    Request request(command == "metrics" ? "status" : command);
    if (command == "maintenance") {
        if (operands[0] != "on" && operands[0] != "off")
            return usage("maintenance: on or off, not '" + operands[0] + "'");
        request.on = operands[0] == "on";
        request.instance = operands.size() > 1 ? operands[1] : "";
    }
    if (command == "switchover") {
        request.instance = operands[0];
        request.to = to;
    }
    std::string error;
    bool refused = false;
    // metrics: the status, formatted here.
    // A switchover answers once the new master says so (at most a few seconds).
    const std::string reply = roundTrip(socketPath, formatRequest(request), error, &refused,
                                        command == "switchover" ? 30 : 5);
    if (reply.empty()) {
        std::fprintf(stderr, "hafctl: %s\n", error.c_str());
        return refused ? kExitRefused : kExitUnreachable;
    }
    if (command == "reload" || command == "maintenance" || command == "switchover") {
        // The daemon's verdict: systemctl reload (ExecReload) fails when the file is rejected.
        Verdict v;
        if (!parseVerdictReply(reply, v, error)) {
            std::fprintf(stderr, "hafctl: %s\n", error.c_str());
            return kExitRefused;
        }
        if (json) {
            std::fputs(reply.c_str(), stdout);
            return v.ok ? 0 : kExitRefused;
        }
        std::fprintf(v.ok ? stdout : stderr, "%s\n", v.message.c_str());
        for (const auto& d : v.details)
            std::fprintf(v.ok ? stdout : stderr, "%s\n", d.c_str());
        return v.ok ? 0 : kExitRefused;
    }
    Status status;
    if (!parseStatusReply(reply, status, error)) {
        std::fprintf(stderr, "hafctl: %s\n", error.c_str());
        return kExitRefused;
    }
    if (command == "metrics")
        std::fputs(formatMetrics(status).c_str(), stdout);
    else if (json)
        std::fputs(reply.c_str(), stdout);
    else
        printStatus(status);
    return 0;
}

} // namespace hafd::ctl
