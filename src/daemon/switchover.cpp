// SPDX-License-Identifier: Apache-2.0
#include "daemon/switchover.h"

#include "common/log.h"

#include <cstdio>

namespace hafd::daemon {

namespace {
constexpr uint8_t kBackup = static_cast<uint8_t>(core::State::Backup);
constexpr uint8_t kMaster = static_cast<uint8_t>(core::State::Master);

// The state a node's latest heartbeat gives for (family, vrid); nullopt when it has none.
std::optional<uint8_t> stateOf(const core::NodeView& n, Family family, uint8_t vrid) {
    for (const auto& e : n.instances)
        if (e.family == family && e.vrid == vrid)
            return e.state;
    return std::nullopt;
}

const char* stateText(std::optional<uint8_t> s) {
    return s ? core::stateName(static_cast<core::State>(*s)) : "no such instance";
}
} // namespace

Switchover::Switchover(Scheduler& scheduler, Instances& instances, EventLog& events)
    : instances_(instances), events_(events),
      timer_(scheduler, [this](TimePoint now) { poll(now); }) {}

void Switchover::start(const std::string& name, const std::string& to, const Cluster* cluster,
                       const ControlServer::Responder& reply) {
    const auto refuse = [&](const std::string& why) {
        log::warning("switchover of %s refused: %s", name.c_str(), why.c_str());
        reply.send(ctl::formatVerdictReply({false, "switchover refused: " + why, {}}));
    };
    if (running_)
        return refuse("a switchover of " + running_->instance + " is under way");
    Instance* instance = nullptr;
    for (auto& i : instances_)
        if (i->name() == name)
            instance = i.get();
    if (!instance)
        return refuse("no instance " + name);
    if (!cluster)
        return refuse("it needs a cluster section (heartbeats name the new master); without "
                      "one, hafctl maintenance on hands over as RFC 9568 does");
    const core::ClusterView& view = cluster->view();
    const config::Instance& cfg = instance->config();
    if (instance->router().state() != core::State::Master) {
        const core::NodeView* m = view.masterOf(cfg.family, cfg.vrid);
        return refuse(name + " is " + core::stateName(instance->router().state()) +
                      " here; run it on its master" + (m ? " (" + m->name + ")" : ""));
    }
    if (instance->router().owner())
        return refuse(name + " is the address owner here (priority 255, its VIPs are the "
                             "interface's own): it does not hand them over");
    if (!cluster->quorum())
        return refuse("this node has no quorum");
    const TimePoint now = io::monotonicNow();
    std::string target = to;
    if (target.empty()) {
        const core::NodeView* n = view.backupAhead(cfg.family, cfg.vrid, 0, now);
        if (!n)
            return refuse("no live backup of " + name + " in the cluster view");
        target = n->name;
    } else {
        const core::NodeView* n = nullptr;
        for (const core::NodeView& v : view.nodes())
            if (v.name == target)
                n = &v;
        if (!n)
            return refuse(target + " is not one of cluster.nodes");
        if (n->self)
            return refuse(target + " is this node");
        const bool live = n->lastHeard && now - *n->lastHeard <= view.lease() && !n->leaving;
        if (!live)
            return refuse(target + " has not been heard within the lease");
        if (stateOf(*n, cfg.family, cfg.vrid) != kBackup)
            return refuse(target + " is not a healthy backup of " + name + " (" +
                          stateText(stateOf(*n, cfg.family, cfg.vrid)) + ")");
    }
    cluster_ = cluster;
    running_ = Running{name, target, cfg.family, cfg.vrid, now, reply};
    log::notice("switchover of %s: handing over to %s", name.c_str(), target.c_str());
    events_.record("switchover", {{"instance", name}, {"step", "handover"}, {"to", target}});
    instance->handle(core::Relinquish{target}, now);
    timer_.arm(now + kPoll);
}

void Switchover::poll(TimePoint now) {
    if (!running_)
        return;
    const Running& r = *running_;
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s", toSeconds(now - r.started));
    for (const core::NodeView& n : cluster_->view().nodes()) {
        if (n.self || stateOf(n, r.family, r.vrid) != kMaster || !n.lastHeard ||
            *n.lastHeard < r.started)
            continue;
        if (n.name == r.target)
            return finish(true, r.instance + ": " + r.target +
                                    " is master (said by its heartbeat " + took +
                                    " after the handover)");
        return finish(false, r.instance + ": " + n.name + " became master, not " + r.target);
    }
    if (now - r.started >= kWait)
        return finish(false, r.instance + ": " + r.target + " did not say it is master within " +
                                 took + "; VRRP elects a master without it");
    timer_.arm(now + kPoll);
}

void Switchover::finish(bool ok, const std::string& message) {
    const Running r = std::move(*running_);
    running_.reset();
    timer_.cancel();
    if (ok)
        log::notice("switchover of %s: %s", r.instance.c_str(), message.c_str());
    else
        log::warning("switchover of %s: %s", r.instance.c_str(), message.c_str());
    events_.record("switchover", {{"instance", r.instance},
                                  {"step", ok ? "done" : "failed"},
                                  {"to", r.target},
                                  {"message", message}});
    r.reply.send(ctl::formatVerdictReply({ok, message, {}}));
}

void Switchover::abandon(const std::string& why) {
    if (running_)
        finish(false, why);
}

} // namespace hafd::daemon
