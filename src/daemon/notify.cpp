// SPDX-License-Identifier: Apache-2.0
#include "daemon/notify.h"

#include "common/log.h"
#include "core/check_output.h"

namespace hafd::daemon {

namespace {

// The notify command for `state`, or null.
const config::Command* commandFor(const config::Notify& n, const std::string& state) {
    if (state == "MASTER")
        return &n.master;
    if (state == "BACKUP")
        return &n.backup;
    if (state == "FAULT")
        return &n.fault;
    if (state == "STOP")
        return &n.stop;
    return nullptr;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

} // namespace

void NotifyQueues::instanceChanged(const config::Instance& instance,
                                   const core::StateChanged& change,
                                   const std::vector<std::string>& faults) {
    const bool stop = change.to == core::State::Initialize;
    if (stop && change.from == core::State::Initialize)
        return;
    const std::string state = stop ? "STOP" : core::stateName(change.to);
    std::vector<std::string> addresses;
    for (const Prefix& p : instance.addresses)
        addresses.push_back(p.toString());
    std::vector<std::string> env = {
        "HAFD_TYPE=INSTANCE",
        "HAFD_INSTANCE=" + instance.name,
        "HAFD_STATE=" + state,
        "HAFD_PREV_STATE=" + std::string(core::stateName(change.from)),
        "HAFD_PRIORITY=" + std::to_string(change.priority),
        "HAFD_REASON=" + std::string(core::reasonName(change.reason)),
        "HAFD_FAULTS=" + joined(faults, ","),
        "HAFD_VRID=" + std::to_string(instance.vrid),
        "HAFD_INTERFACE=" + instance.interface,
        "HAFD_ADDRESSES=" + joined(addresses, " "),
    };
    enqueue("instance:" + instance.name, *instance.notify, state, std::move(env),
            {"INSTANCE", instance.name, state, std::to_string(change.priority)},
            "instance " + instance.name);
}

void NotifyQueues::groupChanged(const config::SyncGroup& group, const std::string& from,
                                const std::string& to, const std::string& reason) {
    std::vector<std::string> env = {
        "HAFD_TYPE=GROUP",       "HAFD_GROUP=" + group.name,
        "HAFD_STATE=" + to,      "HAFD_PREV_STATE=" + from,
        "HAFD_REASON=" + reason, "HAFD_INSTANCES=" + joined(group.instances, " "),
    };
    enqueue("group:" + group.name, group.notify, to, std::move(env), {"GROUP", group.name, to, "0"},
            "group " + group.name);
}

void NotifyQueues::enqueue(const std::string& key, const config::Notify& notify,
                           const std::string& state, std::vector<std::string> env,
                           std::vector<std::string> anyArgs, const std::string& what) {
    const config::Command* specific = commandFor(notify, state);
    const bool any = !notify.any.empty();
    if ((specific == nullptr || specific->empty()) && !any)
        return;
    Queue& q = queues_[key];
    env.push_back("HAFD_SEQ=" + std::to_string(++seq_));
    if (specific != nullptr && !specific->empty())
        q.waiting.push_back({*specific, env, {}, what + " " + state});
    if (any)
        q.waiting.push_back({notify.any, std::move(env), std::move(anyArgs), what + " any"});
    std::size_t dropped = 0;
    while (q.waiting.size() > kQueueLimit) {
        q.waiting.pop_front();
        ++dropped;
    }
    if (dropped > 0) {
        counters_.dropped += dropped;
        log::warning("notify %s: %zu call(s) dropped: more than %zu waiting (a command is "
                     "slow to finish; the newest states still run)",
                     what.c_str(), dropped, kQueueLimit);
    }
    if (q.running == 0)
        next(key);
}

void NotifyQueues::next(const std::string& key) {
    const auto it = queues_.find(key);
    if (it == queues_.end())
        return;
    Queue& q = it->second;
    if (q.waiting.empty()) {
        queues_.erase(it);
        return;
    }
    Call call = std::move(q.waiting.front());
    q.waiting.pop_front();
    ++counters_.started;
    const std::string what = call.what;
    q.running = commands_.run(
        call.command, timeout_, std::move(call.env),
        [this, key, what](const io::RunOutcome& o) {
            if (!o.ok()) {
                ++counters_.failed;
                const std::string line = core::firstLine(o.output);
                log::warning("notify %s: %s%s%s", what.c_str(), o.describe().c_str(),
                             line.empty() ? "" : ": ", line.c_str());
            }
            queues_[key].running = 0;
            next(key);
        },
        call.args);
}

std::size_t NotifyQueues::pending() const {
    std::size_t n = 0;
    for (const auto& [key, q] : queues_)
        n += q.waiting.size() + (q.running != 0 ? 1 : 0);
    return n;
}

} // namespace hafd::daemon
