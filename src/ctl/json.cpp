// SPDX-License-Identifier: Apache-2.0
#include "ctl/json.h"

#include <nlohmann/json.hpp>

#include <optional>

// An absent optional is null (nlohmann-json 3.11 has no mapping of its own).
template <typename T>
struct nlohmann::adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& o) {
        if (o)
            j = *o;
        else
            j = nullptr;
    }
    static void from_json(const json& j, std::optional<T>& o) {
        if (j.is_null())
            o.reset();
        else
            o = j.get<T>();
    }
};

namespace hafd::ctl {

using nlohmann::json;

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Transition, from, to, reason, faults, secondsAgo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PeerStatus, address, priority, version,
                                                advertInterval, checksumForm, addresses,
                                                lastSeenSecondsAgo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrackStatus, name, health, role, weight, adds,
                                                faulting)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CheckStatus, name, kind, health, role, lastResult,
                                                lastOutput, runs, failures, timeouts, successes,
                                                failuresInRow, rise, fall, interval,
                                                lastRunSecondsAgo, changedSecondsAgo, lastDuration)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AuthStatus, mode, activeKey, keys, antiReplay,
                                                timeWindow)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ClaimStatus, stage, inSeconds, fenceFailures,
                                                lastFence, lastFenceDuration, aheadOf)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InstanceStatus, name, interface, vrid, family,
                                                version, mode, state, faults, owner, priority,
                                                basePriority, advertInterval, masterAdverInterval,
                                                masterDownInterval, source, checksumForm, vips,
                                                vipsInstalled, leaseRemaining, lastTransitions,
                                                counters, drops, faultsRaised, peers, tracks,
                                                waitingFor, auth, claim, successor)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SocketStatus, interface, family, drops, received,
                                                joined, joinFailures)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ClusterInstance, family, vrid, state, priority,
                                                basePriority)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ClusterNodeStatus, name, address, self, witness,
                                                votes, lastHeardSecondsAgo, startId, heartbeats,
                                                restarts, quorum, instances, differences)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ClusterStatus, node, quorum, votes, heard, needed,
                                                hook, hookDuration, lease, margin, heartbeat,
                                                authenticated, nodes, drops, sent, sendFailures,
                                                received, socketError)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SwitchoverStatus, instance, target, step, handBack,
                                                seconds, stepSeconds, rollbacks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StallStatus, count, longest, lastSecondsAgo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MetricsStatus, textfile, textfileWrites,
                                                textfileFailures, textfileError, listen,
                                                httpRequests)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ControlStatus, served, busy, denied, timedOut,
                                                tooLong)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CommandsStatus, running, queued, queuedMax, started,
                                                timedOut, spawnFailures)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Status, version, pid, uptime, instances, sockets,
                                                checks, notify, cluster, switchover, stalls,
                                                metrics, control, commands)

std::string formatStatusReply(const Status& status) {
    json j = status;
    j["ok"] = true;
    return j.dump() + "\n";
}

std::string formatErrorReply(const std::string& error) {
    return json{{"ok", false}, {"error", error}}.dump() + "\n";
}

std::string formatVerdictReply(const Verdict& verdict) {
    json j{{"ok", verdict.ok}, {"message", verdict.message}};
    if (!verdict.details.empty())
        j["details"] = verdict.details;
    if (!verdict.ok)
        j["error"] = verdict.message;
    return j.dump() + "\n";
}

bool parseVerdictReply(const std::string& line, Verdict& verdict, std::string& error) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ok")) {
        error = "reply is not JSON";
        return false;
    }
    verdict.ok = j.value("ok", false);
    verdict.message = j.value("message", j.value("error", std::string()));
    verdict.details = j.value("details", std::vector<std::string>());
    return true;
}

bool parseStatusReply(const std::string& line, Status& status, std::string& error) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "reply is not JSON";
        return false;
    }
    if (!j.value("ok", false)) {
        error = j.value("error", std::string("request failed"));
        return false;
    }
    try {
        status = j.get<Status>();
    } catch (const json::exception& e) {
        error = std::string("unexpected reply: ") + e.what();
        return false;
    }
    return true;
}

} // namespace hafd::ctl
