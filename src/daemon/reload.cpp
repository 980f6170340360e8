// SPDX-License-Identifier: Apache-2.0
// Reload (DESIGN.md §6, §10): parse and validate the new file; on any error keep running the old
// configuration untouched. Otherwise apply the difference: unchanged instances are not touched
// at all (same object, same timers: no transition and no gap in adverts), changed ones take
// their new settings in place, removed ones release gracefully, added ones start; an instance
// whose identity changed (VRID, interface, family, version, VMAC, multicast or unicast, address
// owner) is removed and added.
#include "build_config.h"
#include "common/log.h"
#include "config/diff.h"
#include "daemon/config_loader.h"
#include "daemon/daemon.h"

#include <algorithm>

namespace hafd::daemon {

namespace {

std::string joined(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

const config::Instance* findConfig(const config::Config& c, const std::string& name) {
    for (const auto& i : c.instances)
        if (i.name == name)
            return &i;
    return nullptr;
}

} // namespace

ctl::Verdict Daemon::reloadConfiguration(const char* trigger) {
    const TimePoint now = io::monotonicNow();
    notifier_.reloading(now);
    log::notice("reloading %s (%s)", options_.configFile.c_str(), trigger);
    auto loaded = loadConfiguration(options_.configFile, HostFacts::AsErrors);
    ctl::Verdict verdict;
    for (const auto& d : loaded.diagnostics) {
        verdict.details.push_back(d.toString());
        if (d.isError())
            log::error("%s", d.toString().c_str());
        else
            log::warning("%s", d.toString().c_str());
    }
    if (!loaded.config) {
        const auto errors = std::count_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                                          [](const config::Diagnostic& d) { return d.isError(); });
        const auto first = std::find_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                                        [](const config::Diagnostic& d) { return d.isError(); });
        reloadError_ = first != loaded.diagnostics.end() ? first->toString() : "rejected";
        verdict.message = options_.configFile + ": " + std::to_string(errors) +
                          " error(s); reload rejected, the running configuration is unchanged";
        log::error("%s", verdict.message.c_str());
        notifier_.ready(summary());
        return verdict;
    }
    auto keys = KeyFiles::read(*loaded.config);
    if (!keys) {
        reloadError_ = keys.error().message;
        verdict.details.push_back(keys.error().message);
        verdict.message = options_.configFile + ": " + keys.error().message +
                          "; reload rejected, the running configuration is unchanged";
        log::error("%s", verdict.message.c_str());
        notifier_.ready(summary());
        return verdict;
    }
    // The one part of a reload that can fail after validation: a new listener that cannot
    // listen rejects the reload before anything of it applies.
    if (const std::string problem = listenForMetrics(*loaded.config); !problem.empty()) {
        reloadError_ = problem;
        verdict.details.push_back(problem);
        verdict.message = options_.configFile + ": " + problem +
                          "; reload rejected, the running configuration is unchanged";
        log::error("%s", verdict.message.c_str());
        notifier_.ready(summary());
        return verdict;
    }
    const auto diff = config::diff(runningConfig(), *loaded.config);
    config_ = std::move(*loaded.config);
    keys_ = std::move(*keys);
    config_.forgetLines();
    apply(diff, now);
    reloadError_.clear();
    verdict.ok = true;
    verdict.message = "reloaded " + options_.configFile + ": " + std::to_string(diff.added.size()) +
                      " added, " + std::to_string(diff.removed.size()) + " removed, " +
                      std::to_string(diff.recreated.size()) + " replaced, " +
                      std::to_string(diff.changed.size()) + " changed, " +
                      std::to_string(diff.unchanged.size()) + " unchanged";
    log::notice("%s", verdict.message.c_str());
    trimSoon(now);
    if (!diff.sections.empty())
        log::notice("reload: section(s) changed: %s", joined(diff.sections).c_str());
    releaseInstanceConfigs();
    notifier_.ready(summary());
    return verdict;
}

void Daemon::apply(const config::ConfigDiff& diff, TimePoint now) {
    // Removed and replaced instances resign first, so a replacement never meets its old self.
    auto drop = [&](const std::string& name, const char* why) {
        const auto it = std::find_if(instances_.begin(), instances_.end(),
                                     [&](const auto& i) { return i->name() == name; });
        if (it == instances_.end())
            return;
        log::notice("instance %s: %s", name.c_str(), why);
        (*it)->handle(core::Shutdown{}, now);
        tracker_->forget(name);
        binder_->forget(name);
        instances_.erase(it);
    };
    for (const auto& name : diff.removed)
        drop(name, "removed by reload");
    configureCluster(now);
    for (const auto& c : diff.recreated)
        drop(c.name, ("replaced by reload (" + joined(c.identity) + " changed)").c_str());

    for (const auto& c : diff.changed) {
        const config::Instance* next = findConfig(config_, c.name);
        const auto it = std::find_if(instances_.begin(), instances_.end(),
                                     [&](const auto& i) { return i->name() == c.name; });
        if (!next || it == instances_.end())
            continue;
        for (const auto& what : config::peerVisibleChanges((*it)->config(), *next)) {
            if (what == "auth") { // harmless where every peer holds the key
                const std::string signing =
                    next->signsAdverts()
                        ? "signed with key " + std::to_string(next->auth->activeKey) +
                              ": a peer without that key (or without auth) drops them"
                        : "unsigned: a peer in enforce mode drops them";
                log::notice("instance %s: adverts now %s", c.name.c_str(), signing.c_str());
            } else
                log::warning("instance %s: %s changed: peers that do not carry the same change "
                             "(keepalived compares it) drop our adverts until they do",
                             c.name.c_str(), what.c_str());
        }
        log::notice("instance %s: reloaded in place (%s)", c.name.c_str(),
                    joined(c.settings).c_str());
        (*it)->reconfigure(*next, now);
    }

    std::vector<std::string> starting(diff.added);
    for (const auto& c : diff.recreated)
        starting.push_back(c.name);
    for (const auto& name : starting) {
        const config::Instance* cfg = findConfig(config_, name);
        if (!cfg)
            continue;
        instances_.push_back(makeInstance(*cfg));
        log::notice("instance %s: added by reload", name.c_str());
        Instance& i = *instances_.back();
        binder_->bind(i, now);
    }
    // The kernel lease on VIPs of the new file: a change renews the held VIPs at once.
    leaseRenewal_->configure(LeaseRenewal::leaseOf(config_), now);
    // Every instance takes the keys just read: a key file rewritten in place counts too.
    for (auto& i : instances_)
        giveKeys(*i);
    bindAll(now);
    // Checks, scripts and groups of the new file; every instance re-tracked (a reconfigured
    // router takes its new base priority, and the tracks' weights apply to it again).
    configureHealth(now);
    for (const auto& name : starting)
        for (auto& i : instances_)
            if (i->name() == name)
                startTracked(*i, now);
    configureMetrics(now);
}

} // namespace hafd::daemon
