// SPDX-License-Identifier: Apache-2.0
// The operator's side of the daemon (DESIGN.md §7): what goes into the event history behind
// `hafctl events`, and maintenance (maintenance.h) applied to the instances.
#include "common/log.h"
#include "daemon/daemon.h"
#include "hostcheck/host_checks.h"

namespace hafd::daemon {

void Daemon::loadMaintenance() {
    std::string error;
    maintenance_.load(error);
    if (!error.empty())
        log::error("maintenance: %s", error.c_str());
    if (maintenance_.node())
        log::notice("maintenance: the node is drained (hafctl maintenance off returns it)");
    for (const std::string& i : maintenance_.instances())
        log::notice("maintenance: instance %s is drained (hafctl maintenance off %s returns it)",
                    i.c_str(), i.c_str());
}

void Daemon::applyMaintenance(Instance& instance, TimePoint now) {
    const bool drained = maintenance_.drained(instance.name());
    if (drained != instance.router().faults().has(core::FaultCause::Maintenance))
        instance.handle(core::FaultChanged{core::FaultCause::Maintenance, drained}, now);
}

ctl::Verdict Daemon::maintenance(const std::string& name, bool on) {
    const Instance* found = nullptr;
    for (const auto& i : instances_)
        if (i->name() == name)
            found = i.get();
    if (!name.empty() && !found)
        return {false, "no instance " + name, {}};
    std::string error;
    if (!maintenance_.set(name, on, error))
        return {false, "maintenance not changed: " + error, {}};
    // The cause goes into the history before its effects (the transitions).
    events_.record("maintenance", {{"on", on}, {"instance", name.empty() ? "*" : name}});
    const TimePoint now = io::monotonicNow();
    unsigned released = 0;
    for (auto& i : instances_) {
        const bool wasMaster = i->router().state() == core::State::Master;
        applyMaintenance(*i, now);
        released += wasMaster && i->router().state() != core::State::Master ? 1 : 0;
    }
    const std::string what = name.empty() ? "the node" : "instance " + name;
    std::string message;
    if (on) {
        message = what + " is in maintenance";
        if (released > 0)
            message += ": " + std::to_string(released) + " instance(s) released their VIPs";
    } else if (!name.empty() && maintenance_.drained(name)) {
        message = "instance " + name +
                  " stays in maintenance: the whole node is (hafctl maintenance off)";
    } else {
        message = what + " is back in service";
    }
    log::notice("maintenance: %s", message.c_str());
    return {true, message, {}};
}

Switchover& Daemon::makeSwitchover() {
    if (!switchover_)
        switchover_ = std::make_unique<Switchover>(scheduler_, instances_, events_, *scripts_,
                                                   hostcheck::nodeName(config_));
    return *switchover_;
}

void Daemon::switchover(const std::string& instance, const std::string& to,
                        const ControlServer::Responder& reply) {
    makeSwitchover().start(instance, to, cluster_.get(), reply);
}

ctl::Verdict Daemon::reload(const char* trigger) {
    ctl::Verdict v = reloadConfiguration(trigger);
    events_.record("reload", {{"ok", v.ok}, {"trigger", trigger}, {"message", v.message}});
    return v;
}

void Daemon::recordTransition(const Instance& instance, const core::StateChanged& c) {
    events_.record("transition", {{"instance", instance.name()},
                                  {"from", core::stateName(c.from)},
                                  {"to", core::stateName(c.to)},
                                  {"reason", core::reasonName(c.reason)},
                                  {"priority", static_cast<int64_t>(c.priority)},
                                  {"faults", c.faults.names()}});
}

void Daemon::recordCheck(const std::string& name) {
    const RunningCheck* c = checks_ ? checks_->find(name) : nullptr;
    if (!c)
        return;
    events_.record("check", {{"check", name},
                             {"health", core::healthName(c->state.health())},
                             {"role", c->state.role()},
                             {"result", c->lastResult}});
}

void Daemon::recordQuorum(bool quorum, unsigned heard, unsigned votes, unsigned needed) {
    events_.record("quorum", {{"quorum", quorum},
                              {"heard", static_cast<int64_t>(heard)},
                              {"votes", static_cast<int64_t>(votes)},
                              {"needed", static_cast<int64_t>(needed)}});
}

} // namespace hafd::daemon
