// SPDX-License-Identifier: Apache-2.0
#include "daemon/switchover.h"

#include "common/log.h"
#include "core/check_output.h"
#include "daemon/instance.h"

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

const core::NodeView* nodeNamed(const core::ClusterView& view, const std::string& name) {
    for (const core::NodeView& v : view.nodes())
        if (v.name == name)
            return &v;
    return nullptr;
}

// Why `name` cannot take (family, vrid) over now; "" when it can.
std::string notReady(const core::ClusterView& view, const std::string& name, Family family,
                     uint8_t vrid, const std::string& instance, TimePoint now) {
    const core::NodeView* n = nodeNamed(view, name);
    if (!n)
        return name + " is not one of cluster.nodes";
    if (n->self)
        return name + " is this node";
    if (!n->lastHeard || now - *n->lastHeard > view.lease() || n->leaving)
        return name + " has not been heard within the lease";
    if (stateOf(*n, family, vrid) != kBackup)
        return name + " is not a healthy backup of " + instance + " (" +
               stateText(stateOf(*n, family, vrid)) + ")";
    return "";
}

const char* stepName(bool handBack, uint8_t step) {
    static const char* const kNames[] = {"prepare", "handover", "verify", "rollback"};
    return handBack && step == 1 ? "handback" : kNames[step];
}

std::string seconds(Duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", toSeconds(d));
    return text;
}

// "exit 1: the first line of its output", or the outcome alone.
std::string outcomeText(const io::RunOutcome& o) {
    const std::string line = core::firstLine(o.output);
    return line.empty() ? o.describe() : o.describe() + ": " + line;
}
} // namespace

Switchover::Switchover(Scheduler& scheduler, Instances& instances, EventLog& events,
                       Commands& commands, std::string self)
    : instances_(instances), events_(events), commands_(commands), self_(std::move(self)),
      timer_(scheduler, [this](TimePoint now) { poll(now); }) {}

Switchover::~Switchover() {
    if (running_ && running_->job != 0)
        commands_.cancel(running_->job);
}

Instance* Switchover::find(const std::string& name) const {
    for (const auto& i : instances_)
        if (i->name() == name)
            return i.get();
    return nullptr;
}

void Switchover::start(const std::string& name, const std::string& to, Cluster* cluster,
                       const ControlServer::Responder& reply) {
    const auto refuse = [&](const std::string& why) {
        log::warning("switchover of %s refused: %s", name.c_str(), why.c_str());
        reply.send(ctl::formatVerdictReply({false, "switchover refused: " + why, {}}));
    };
    if (running_)
        return refuse("a switchover of " + running_->instance + " is under way");
    Instance* instance = find(name);
    if (!instance)
        return refuse("no instance " + name);
    const config::Instance& cfg = instance->config();
    if (instance->router().state() != core::State::Master) {
        const core::NodeView* m =
            cluster ? cluster->view().masterOf(cfg.family, cfg.vrid) : nullptr;
        return refuse(name + " is " + core::stateName(instance->router().state()) +
                      " here; run it on its master" + (m ? " (" + m->name + ")" : ""));
    }
    if (instance->router().owner())
        return refuse(name + " is the address owner here (priority 255, its VIPs are the "
                             "interface's own): it does not hand them over");
    const TimePoint now = io::monotonicNow();
    std::string target = to;
    if (!cluster) {
        if (!to.empty())
            return refuse("--to needs a cluster section (heartbeats name the new master); "
                          "without one the highest backup takes over after its Skew_Time");
    } else {
        if (!cluster->quorum())
            return refuse("this node has no quorum");
        const core::ClusterView& view = cluster->view();
        if (target.empty()) {
            const core::NodeView* n = view.backupAhead(cfg.family, cfg.vrid, 0, now);
            if (!n)
                return refuse("no live backup of " + name + " in the cluster view");
            target = n->name;
        }
        if (const std::string why = notReady(view, target, cfg.family, cfg.vrid, name, now);
            !why.empty())
            return refuse(why);
    }
    cluster_ = cluster;
    log::notice("switchover of %s: to %s", name.c_str(),
                target.empty() ? "the highest backup (no cluster)" : target.c_str());
    Running r;
    r.instance = name;
    r.target = target;
    r.reply = reply;
    begin(std::move(r), *instance, now);
}

void Switchover::handBack(const std::string& name, const std::string& node, Cluster* cluster) {
    Instance* instance = find(name);
    if (running_ || !instance || !cluster || instance->router().state() != core::State::Master ||
        instance->router().owner())
        return;
    const TimePoint now = io::monotonicNow();
    const config::Instance& cfg = instance->config();
    std::string why = cluster->quorum()
                          ? notReady(cluster->view(), node, cfg.family, cfg.vrid, name, now)
                          : "this node has no quorum";
    if (!why.empty()) {
        log::warning("switchover of %s: %s asks for it back, refused: %s", name.c_str(),
                     node.c_str(), why.c_str());
        return;
    }
    cluster_ = cluster;
    log::notice("switchover of %s: %s asks for it back (its verification failed)", name.c_str(),
                node.c_str());
    Running r;
    r.instance = name;
    r.target = node;
    r.handBack = true;
    begin(std::move(r), *instance, now);
}

void Switchover::begin(Running r, Instance& instance, TimePoint now) {
    r.started = now;
    running_ = std::move(r);
    prepare(instance, now);
}

void Switchover::enter(Step step, TimePoint now) {
    Running& r = *running_;
    r.step = step;
    r.stepStarted = now;
    const char* name = stepName(r.handBack, static_cast<uint8_t>(step));
    log::info("switchover of %s: %s", r.instance.c_str(), name);
    events_.record("switchover", {{"instance", r.instance}, {"step", name}, {"to", r.target}});
}

void Switchover::prepare(Instance& instance, TimePoint now) {
    const config::Switchover& cfg = *instance.config().switchover;
    if (cfg.command.empty())
        return handOver(instance, now);
    enter(Step::Prepare, now);
    running_->job = commands_.run(
        cfg.command, cfg.timeout, environment(instance, "prepare"),
        [this](const io::RunOutcome& o) {
            running_->job = 0;
            Instance* i = find(running_->instance);
            if (!o.ok())
                return finish(false, "the switchover command failed (" + outcomeText(o) +
                                         "); nothing changed");
            if (!i || i->router().state() != core::State::Master)
                return finish(false, running_->instance +
                                         " is no longer master here; nothing handed over");
            handOver(*i, io::monotonicNow());
        });
}

void Switchover::handOver(Instance& instance, TimePoint now) {
    enter(Step::Handover, now);
    instance.handle(core::Relinquish{running_->target}, now);
    if (instance.router().state() == core::State::Master)
        return finish(false, "the instance did not release (the rules changed under it)");
    timer_.arm(now + kPoll);
}

void Switchover::poll(TimePoint now) {
    if (!running_)
        return;
    Running& r = *running_;
    Instance* instance = find(r.instance);
    if (!instance)
        return finish(false, r.instance + " was removed by a reload");
    const config::Instance& cfg = instance->config();
    Duration wait = kWait;
    if (r.step == Step::Handover) {
        if (cluster_) {
            for (const core::NodeView& n : cluster_->view().nodes()) {
                if (n.self || stateOf(n, cfg.family, cfg.vrid) != kMaster || !n.lastHeard ||
                    *n.lastHeard < r.stepStarted)
                    continue;
                if (n.name != r.target)
                    return finish(false,
                                  r.instance + ": " + n.name + " became master, not " + r.target);
                r.newMaster = n.name;
                return handedOver(*instance, now);
            }
        } else if (const core::VirtualRouter& router = instance->router();
                   router.followsLiveMaster() && router.lastMaster() != router.sourceAddress()) {
            r.newMaster = router.lastMaster().toString();
            return handedOver(*instance, now);
        }
    } else if (r.step == Step::Rollback) {
        if (instance->router().state() == core::State::Master) {
            cluster_->askHandBack(*instance, false);
            return finish(false, "verification failed (" + r.verifyFailure +
                                     "); rolled back: this node is master again after " +
                                     seconds(now - r.stepStarted));
        }
        wait += cfg.switchover->timeout; // the new master runs its prepare step first
    } else {
        return; // a command runs: its outcome moves on
    }
    if (now - r.stepStarted < wait)
        return timer_.arm(now + kPoll);
    if (r.step == Step::Rollback) {
        cluster_->askHandBack(*instance, false);
        return finish(false, "verification failed (" + r.verifyFailure + "); " + r.target +
                                 " did not hand " + r.instance + " back within " +
                                 seconds(now - r.stepStarted));
    }
    finish(false,
           r.instance + ": " +
               (r.target.empty() ? "no new master" : r.target + " did not say it is master") +
               " within " + seconds(now - r.stepStarted) + "; VRRP elects a master without it");
}

void Switchover::handedOver(Instance& instance, TimePoint now) {
    Running& r = *running_;
    const std::string how = cluster_ ? "said by its heartbeat " : "heard in its adverts ";
    const std::string message = r.instance + ": " + r.newMaster + " is master (" + how +
                                seconds(now - r.stepStarted) + " after the handover)";
    const config::Switchover& cfg = *instance.config().switchover;
    if (r.handBack || cfg.verify.empty()) {
        if (!r.handBack)
            rollbacksInRow_.erase(r.instance);
        return finish(true, message);
    }
    r.verifyFailure = message; // until the outcome says otherwise
    enter(Step::Verify, now);
    r.job = commands_.run(cfg.verify, cfg.verifyTimeout, environment(instance, "verify"),
                          [this](const io::RunOutcome& o) {
                              running_->job = 0;
                              if (Instance* i = find(running_->instance))
                                  verified(*i, o);
                              else
                                  finish(false, running_->instance + " was removed by a reload");
                          });
}

void Switchover::verified(Instance& instance, const io::RunOutcome& o) {
    const std::string& pattern = instance.config().switchover->verifyPattern;
    std::string why;
    if (!o.ok()) {
        why = "verify: " + outcomeText(o);
    } else if (!pattern.empty()) {
        const std::optional<core::Pattern> p = core::Pattern::compile(pattern);
        if (!p || !p->matches(o.output))
            why = "verify: its output does not match verify_pattern: \"" +
                  core::firstLine(o.output) + "\"";
    }
    if (why.empty()) {
        rollbacksInRow_.erase(running_->instance);
        return finish(true, running_->verifyFailure + "; verified");
    }
    rollBack(instance, why, io::monotonicNow());
}

void Switchover::rollBack(Instance& instance, const std::string& why, TimePoint now) {
    const unsigned limit = instance.config().switchover->rollbacks;
    unsigned& done = rollbacksInRow_[running_->instance];
    if (!cluster_)
        return finish(false, "verification failed (" + why +
                                 "); not rolled back: a rollback needs a cluster section");
    if (done >= limit)
        return finish(false, "verification failed (" + why + "); not rolled back: " +
                                 (limit == 0 ? std::string("switchover.rollbacks is 0")
                                             : std::to_string(done) +
                                                   " rollback(s) in a row already, the limit "
                                                   "(switchover.rollbacks)"));
    ++done;
    running_->verifyFailure = why;
    log::warning("switchover of %s: verification failed (%s); asking %s for it back",
                 running_->instance.c_str(), why.c_str(), running_->target.c_str());
    enter(Step::Rollback, now);
    cluster_->askHandBack(instance, true);
    timer_.arm(now + kPoll);
}

void Switchover::finish(bool ok, const std::string& message) {
    Running r = std::move(*running_);
    running_.reset();
    timer_.cancel();
    if (r.job != 0)
        commands_.cancel(r.job);
    const char* what = r.handBack ? "hand-back" : "switchover";
    if (ok)
        log::notice("%s of %s: %s", what, r.instance.c_str(), message.c_str());
    else
        log::warning("%s of %s: %s", what, r.instance.c_str(), message.c_str());
    events_.record("switchover", {{"instance", r.instance},
                                  {"step", ok ? "done" : "failed"},
                                  {"to", r.target},
                                  {"handback", r.handBack},
                                  {"message", message}});
    r.reply.send(ctl::formatVerdictReply({ok, message, {}}));
}

void Switchover::abandon(const std::string& why) {
    if (running_) {
        if (running_->step == Step::Rollback && cluster_)
            if (Instance* i = find(running_->instance))
                cluster_->askHandBack(*i, false);
        finish(false, why);
    }
}

std::vector<std::string> Switchover::environment(const Instance& instance, const char* step) const {
    const config::Instance& c = instance.config();
    const Running& r = *running_;
    const core::NodeView* target = cluster_ ? nodeNamed(cluster_->view(), r.target) : nullptr;
    std::string addresses;
    for (const Prefix& p : c.addresses)
        addresses += (addresses.empty() ? "" : " ") + p.address.toString();
    return {
        "HAFD_INSTANCE=" + c.name,
        "HAFD_VRID=" + std::to_string(c.vrid),
        "HAFD_FAMILY=" + std::string(c.family == Family::V4 ? "ipv4" : "ipv6"),
        "HAFD_NODE=" + self_,
        "HAFD_STEP=" + std::string(step),
        "HAFD_TARGET_NODE=" + r.target,
        "HAFD_TARGET_NODE_ADDRESS=" + (target ? target->address.toString() : std::string()),
        "HAFD_ADDRESSES=" + addresses,
        "HAFD_ROLLBACK=" + std::string(r.handBack ? "1" : "0"),
    };
}

std::optional<ctl::SwitchoverStatus> Switchover::status(TimePoint now) const {
    if (!running_)
        return std::nullopt;
    const Running& r = *running_;
    ctl::SwitchoverStatus s;
    s.instance = r.instance;
    s.target = r.target;
    s.step = stepName(r.handBack, static_cast<uint8_t>(r.step));
    s.handBack = r.handBack;
    s.seconds = toSeconds(now - r.started);
    s.stepSeconds = toSeconds(now - r.stepStarted);
    const auto it = rollbacksInRow_.find(r.instance);
    s.rollbacks = it == rollbacksInRow_.end() ? 0 : it->second;
    return s;
}

} // namespace hafd::daemon
