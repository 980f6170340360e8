// SPDX-License-Identifier: Apache-2.0
#include "daemon/dup_probe.h"

#include "common/log.h"
#include "daemon/instance.h"
#include "io/arp_watch.h"

#include <algorithm>
#include <cstring>

namespace hafd::daemon {

namespace {

class WatchListener final : public ArpListener {
public:
    explicit WatchListener(io::ArpWatch watch) : watch_(std::move(watch)) {}
    void drain() override { watch_.drain(); }

private:
    io::ArpWatch watch_;
};

} // namespace

Result<std::unique_ptr<ArpListener>> SocketArpPort::listen(uint32_t ifindex, Heard heard) {
    auto watch = io::ArpWatch::open(loop_, ifindex, std::move(heard));
    if (!watch)
        return Unexpected{Error{watch.error().message()}};
    return std::unique_ptr<ArpListener>(std::make_unique<WatchListener>(std::move(*watch)));
}

std::optional<IpAddress> otherHolder(const proto::ArpPacket& packet,
                                     std::span<const IpAddress> vips,
                                     const proto::MacAddress& ours) {
    // RFC 5227 §2.1.1: a request or a reply whose sender IP is the probed address. A probe
    // (sender 0.0.0.0) is never one: 0.0.0.0 is no VIP.
    if (packet.senderMac == ours)
        return std::nullopt;
    const auto it = std::find(vips.begin(), vips.end(), packet.senderIp);
    if (it == vips.end())
        return std::nullopt;
    return *it;
}

bool DupProbe::running(const std::string& instance) const {
    const auto it = runs_.find(instance);
    return it != runs_.end() && it->second->active;
}

Instance* DupProbe::find(const std::string& name) const {
    for (const auto& i : instances_)
        if (i->name() == name)
            return i.get();
    return nullptr;
}

void DupProbe::run(const Instance& instance, const core::RunProbe& p, TimePoint now) {
    // Runs left by instances that are gone (none of them is active: their timers ran out).
    std::erase_if(runs_, [this](const auto& kv) { return !kv.second->active && !find(kv.first); });
    const std::string name = instance.name();
    auto& slot = runs_[name];
    if (!slot)
        slot = std::make_unique<Run>(scheduler_, [this, name](TimePoint t) { onTimer(name, t); });
    Run& r = *slot;
    r.listener.reset(); // a newer request replaces the run under way
    r.timer.cancel();
    r.id = p.id;
    r.active = true;
    r.started = now;
    r.rounds = 0;
    r.failed = false;
    r.conflict = false;
    r.vips.clear();
    for (const auto& a : instance.config().addresses)
        if (a.address.family() == Family::V4 && r.vips.size() < kMaxVips)
            r.vips.push_back(a.address);
    start(r, instance);
}

void DupProbe::start(Run& r, const Instance& instance) {
    const std::string& name = instance.name();
    // Out of the interface itself, with its own MAC, even with a VMAC: a backup's probe must
    // not teach the switches that the virtual MAC lives behind its port.
    r.ifindex = instance.binding().ifindex;
    const io::LinkInfo* link = r.ifindex != 0 ? links_.find(r.ifindex) : nullptr;
    if (!link)
        return fail(r, name, "the interface is not there");
    if (link->mac.size() != r.mac.size())
        return fail(r, name, "interface " + link->name + " has no Ethernet address");
    std::copy(link->mac.begin(), link->mac.end(), r.mac.begin());
    if (r.vips.empty())
        return fail(r, name, "no IPv4 address to probe");
    auto listener = port_.listen(
        r.ifindex, [this, name](const proto::ArpPacket& packet) { heard(name, packet); });
    if (!listener)
        return fail(r, name, listener.error().message);
    r.listener = std::move(*listener);
    const int sent = port_.probe(r.ifindex, r.mac, r.vips);
    if (sent <= 0)
        return fail(r, name,
                    "sending on " + link->name + ": " +
                        (sent < 0 ? std::strerror(-sent) : "no frame left"));
    r.rounds = 1;
    r.lastRound = r.started;
    log::debug("instance %s: ARP probe of %zu address(es) on %s before claiming", name.c_str(),
               r.vips.size(), link->name.c_str());
    r.timer.arm(r.started + kSpacing);
}

void DupProbe::fail(Run& r, const std::string& name, const std::string& why) {
    log::error("instance %s: the ARP probe cannot run (%s): claiming without it", name.c_str(),
               why.c_str());
    r.failed = true;
    r.listener.reset();
    r.timer.arm(r.started); // the verdict from the scheduler, at once
}

void DupProbe::heard(const std::string& name, const proto::ArpPacket& packet) {
    const auto it = runs_.find(name);
    if (it == runs_.end())
        return;
    Run& r = *it->second;
    if (!r.active || r.conflict)
        return; // said once per probe
    const auto vip = otherHolder(packet, r.vips, r.mac);
    if (!vip)
        return;
    r.conflict = true;
    log::warning("instance %s: %s is in use by %s (ARP %s): another node holds it; staying "
                 "backup",
                 name.c_str(), vip->toString().c_str(), proto::formatMac(packet.senderMac).c_str(),
                 packet.op == proto::ArpPacket::Op::Reply ? "reply" : "request");
    // The listener that called us cannot be closed here: the verdict comes from the scheduler.
    r.timer.arm(r.started);
}

// kWait after the first round, and never less than the time planned after the last round: a
// loop that ran late sent its rounds late, and their answers get the same time to come.
TimePoint DupProbe::verdictAt(const Run& r) {
    return std::max(r.started + kWait, r.lastRound + (kWait - (kProbes - 1) * kSpacing));
}

void DupProbe::onTimer(const std::string& name, TimePoint now) {
    const auto it = runs_.find(name);
    if (it == runs_.end() || !it->second->active)
        return;
    Run& r = *it->second;
    if (r.failed || r.conflict)
        return finish(r, name, now);
    if (r.rounds < kProbes) {
        // A round that fails after the first went out changes nothing: one probe left.
        const int sent = port_.probe(r.ifindex, r.mac, r.vips);
        if (sent <= 0)
            log::debug("instance %s: ARP probe round %u not sent: %s", name.c_str(), r.rounds + 1,
                       sent < 0 ? std::strerror(-sent) : "no frame left");
        ++r.rounds;
        r.lastRound = now;
        r.timer.arm(r.rounds < kProbes ? std::max(r.started + r.rounds * kSpacing, now + kSpacing)
                                       : verdictAt(r));
        return;
    }
    if (now < verdictAt(r)) {
        r.timer.arm(verdictAt(r));
        return;
    }
    // The last look: answers queued while the loop was busy count too.
    if (r.listener)
        r.listener->drain();
    finish(r, name, now);
}

void DupProbe::finish(Run& r, const std::string& name, TimePoint now) {
    r.active = false;
    r.listener.reset();
    r.timer.cancel();
    Instance* instance = find(name);
    if (!instance)
        return; // removed by a reload meanwhile
    if (!r.failed && !r.conflict)
        log::info("instance %s: ARP probe found no other holder in %.0f ms", name.c_str(),
                  toSeconds(now - r.started) * 1000);
    instance->probed(r.failed);
    instance->handle(core::ProbeDone{r.id, r.conflict}, now);
}

} // namespace hafd::daemon
