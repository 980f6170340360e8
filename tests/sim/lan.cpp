// SPDX-License-Identifier: Apache-2.0
#include "lan.h"

#include "proto/advert.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace hafd::sim {

namespace {

IpAddress nodeAddress(Family family, std::size_t index) {
    std::array<uint8_t, 16> b{};
    if (family == Family::V4) {
        b = {192, 0, 2, static_cast<uint8_t>(index + 1)};
        return IpAddress(Family::V4, {b.data(), 4});
    }
    b[0] = 0xfe;
    b[1] = 0x80;
    b[15] = static_cast<uint8_t>(index + 1);
    return IpAddress(Family::V6, b);
}

std::shared_ptr<const proto::auth::Key> lanKey() {
    const std::vector<uint8_t> bytes(32, 0x5a);
    auto k = proto::auth::Key::create(bytes);
    if (!k)
        std::abort();
    return std::make_shared<const proto::auth::Key>(std::move(*k));
}

// The virtual clock's epoch on the wall clock: a Tuesday in 2027.
constexpr int64_t kWallEpoch = 1'800'000'000;

IpAddress vip(Family family) {
    return *IpAddress::parse(family == Family::V4 ? "192.0.2.100" : "fe80::52");
}

} // namespace

std::string seconds(Duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6fs", toSeconds(d));
    return buf;
}

Lan::Lan(LanOptions options) : keys_({{1, lanKey()}}, 1), options_(options), rng_(options.seed) {}

proto::auth::WallTime Lan::wallClock() const {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now_.time_since_epoch());
    return {kWallEpoch + ns.count() / 1'000'000'000, static_cast<long>(ns.count() % 1'000'000'000)};
}

bool Lan::admitted(std::size_t i, const std::vector<uint8_t>& bytes, const proto::Decoded& decoded,
                   const proto::RxMeta& meta) {
    Node& n = nodes_[i];
    if (!n.spec.auth)
        return !decoded.trailer; // a signed advert is too long for a node without auth
    if (!decoded.trailer) {
        ++n.authDrops;
        return false;
    }
    const std::size_t length = bytes.size() - proto::auth::kTrailerLength;
    const auto v = proto::auth::verify(
        std::span<const uint8_t>(bytes).first(length),
        std::span<const uint8_t>(bytes).subspan(length).first<proto::auth::kTrailerLength>(),
        {n.instance.version, n.instance.vrid, meta.source}, keys_, {}, wallClock().seconds,
        n.replay);
    if (v != proto::auth::Verdict::Ok)
        ++n.authDrops;
    return v == proto::auth::Verdict::Ok;
}

void Lan::replayLast(std::size_t from) {
    for (std::size_t to = 0; to < nodes_.size(); ++to)
        if (to != from && nodes_[to].alive && connected(from, to) && !nodes_[from].lastSent.empty())
            wire_.push(InFlight{now_ + options_.latency, seq_++, from, to, nodes_[from].lastSent});
}

std::size_t Lan::add(const NodeSpec& spec) {
    const std::size_t i = nodes_.size();
    Node n;
    n.spec = spec;
    n.address = nodeAddress(options_.family, i);
    config::Instance& inst = n.instance;
    inst.name = "sim" + std::to_string(i);
    inst.interface = "lan0";
    inst.vrid = 51;
    inst.family = options_.family;
    inst.version = spec.version;
    inst.priority = spec.priority;
    inst.advertInterval = spec.interval;
    inst.preempt = spec.preempt;
    inst.preemptDelay = spec.preemptDelay;
    inst.addresses = {
        Prefix{vip(options_.family), options_.family == Family::V4 ? uint8_t{32} : uint8_t{128}}};
    inst.checksum = spec.checksum;
    if (!spec.v2Password.empty()) {
        inst.v2AuthType = proto::V2AuthType::SimplePassword;
        inst.v2Password = spec.v2Password;
    }
    nodes_.push_back(std::move(n));
    return i;
}

// A usable link; at priority 255 the node owns its VIPs (they are its interface's addresses).
core::BindingChanged Lan::bound(std::size_t i) const {
    return core::BindingChanged{{}, nodes_[i].address, nodes_[i].instance.priority == 255};
}

void Lan::start(std::size_t i) {
    Node& n = nodes_[i];
    n.router.emplace(n.instance);
    n.alive = true;
    n.link = true;
    execute(i, n.router->handle(bound(i), now_));
    execute(i, n.router->handle(core::Startup{}, now_));
}

void Lan::crash(std::size_t i) {
    setHolding(i, false); // the node and its addresses are gone
    nodes_[i].alive = false;
    nodes_[i].link = false;
}

void Lan::shutdown(std::size_t i) {
    execute(i, nodes_[i].router->handle(core::Shutdown{}, now_));
    nodes_[i].alive = false;
}

void Lan::linkDown(std::size_t i) {
    nodes_[i].link = false; // carrier lost first: the resignation advert goes nowhere
    execute(i, nodes_[i].router->handle(
                   core::BindingChanged{{core::FaultCause::Link}, IpAddress(), false}, now_));
}

void Lan::linkUp(std::size_t i) {
    nodes_[i].link = true;
    execute(i, nodes_[i].router->handle(bound(i), now_));
}

void Lan::setPriority(std::size_t i, uint8_t priority) {
    execute(i, nodes_[i].router->handle(core::PriorityChanged{priority}, now_));
}

void Lan::setFault(std::size_t i, core::FaultCause cause, bool present) {
    execute(i, nodes_[i].router->handle(core::FaultChanged{cause, present}, now_));
}

void Lan::partition(const std::vector<std::vector<std::size_t>>& groups) {
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (std::size_t i : groups[g])
            nodes_[i].group = static_cast<int>(g);
}

void Lan::heal() {
    for (auto& n : nodes_)
        n.group = 0;
}

bool Lan::connected(std::size_t a, std::size_t b) const {
    return nodes_[a].group == nodes_[b].group;
}

double Lan::uniform() {
    return static_cast<double>(rng_() >> 11) * 0x1.0p-53; // [0, 1), same on every platform
}

core::State Lan::state(std::size_t i) const {
    return nodes_[i].alive ? nodes_[i].router->state() : core::State::Initialize;
}

void Lan::run(Duration d) {
    const TimePoint limit = now_ + d;
    while (step(limit)) {
    }
    now_ = limit;
}

std::optional<TimePoint> Lan::runUntil(const std::function<bool()>& done, Duration limit) {
    const TimePoint end = now_ + limit;
    if (done())
        return now_;
    while (step(end)) {
        if (done())
            return now_;
    }
    now_ = end;
    return std::nullopt;
}

bool Lan::step(TimePoint limit) {
    std::optional<TimePoint> timer;
    std::size_t who = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (!nodes_[i].alive)
            continue;
        const auto d = nodes_[i].router->nextDeadline();
        if (d && (!timer || *d < *timer)) {
            timer = d;
            who = i;
        }
    }
    const bool packetFirst = !wire_.empty() && (!timer || wire_.top().at <= *timer);
    const std::optional<TimePoint> next = packetFirst ? wire_.top().at : timer;
    if (!next || *next > limit)
        return false;
    now_ = std::max(now_, *next);
    if (packetFirst) {
        const InFlight p = wire_.top();
        wire_.pop();
        deliver(p);
    } else {
        execute(who, nodes_[who].router->onTimeout(now_));
        // A router whose deadline does not move after onTimeout() would spin the daemon: a core
        // bug, so stop the scenario loudly rather than loop.
        if (nodes_[who].alive && nodes_[who].router->nextDeadline() == timer) {
            std::fprintf(stderr, "sim: node %zu: deadline does not advance after onTimeout()\n",
                         who);
            std::abort();
        }
    }
    return true;
}

void Lan::blockSend(std::size_t i, bool blocked) {
    nodes_[i].sendBlocked = blocked;
}

std::optional<core::AdvertSent> Lan::send(std::size_t from, const proto::Advertisement& advert) {
    Node& n = nodes_[from];
    if (n.sendBlocked) {
        n.sendFailing = true;
        return core::AdvertSent{false};
    }
    std::optional<core::AdvertSent> result;
    if (n.sendFailing)
        result = core::AdvertSent{true};
    n.sendFailing = false;
    if (!n.link)
        return result;
    const IpAddress group = vrrpMulticastGroup(options_.family);
    auto bytes = proto::encode(advert, n.instance.checksum, n.address, group);
    if (bytes.empty()) {
        ++encodeFailures_;
        return result;
    }
    ++encoded_;
    if (n.spec.auth) {
        const std::size_t length = bytes.size();
        bytes.resize(length + proto::auth::kTrailerLength);
        proto::auth::sign(bytes, length, {n.instance.version, n.instance.vrid, n.address}, 1,
                          keys_.active(), n.sequencer.next(wallClock(), {}));
    }
    n.lastSent = bytes;
    for (std::size_t to = 0; to < nodes_.size(); ++to) {
        if (to == from || !nodes_[to].alive || !connected(from, to))
            continue;
        if (uniform() < options_.loss) {
            ++lost_;
            continue;
        }
        const auto jitter = Duration(
            static_cast<int64_t>(uniform() * static_cast<double>(options_.jitter.count())));
        wire_.push(InFlight{now_ + options_.latency + jitter, seq_++, from, to, bytes});
    }
    return result;
}

void Lan::deliver(const InFlight& p) {
    Node& n = nodes_[p.to];
    if (!n.alive || !n.link || !connected(p.from, p.to)) {
        ++lost_;
        return;
    }
    proto::RxMeta meta;
    meta.source = nodes_[p.from].address;
    meta.destination = vrrpMulticastGroup(options_.family);
    meta.hopLimit = proto::kVrrpTtl;
    auto decoded = proto::decode(p.bytes, meta);
    if (!decoded) {
        ++decodeFailures_;
        return;
    }
    ++decoded_;
    // Demultiplexed by VRID, as the daemon does: a probe (VRID 0) reaches no router.
    if (decoded->advert.vrid != n.instance.vrid) {
        ++unknownVrid_;
        return;
    }
    if (!admitted(p.to, p.bytes, *decoded, meta))
        return;
    execute(p.to, n.router->handle(core::AdvertReceived{decoded.value(), meta}, now_));
}

void Lan::execute(std::size_t i, const std::vector<core::Action>& actions) {
    // Results go back to the router after the whole list, as the daemon does.
    std::vector<core::Event> results;
    for (const auto& action : actions) {
        if (const auto* s = std::get_if<core::SendAdvert>(&action)) {
            if (auto r = send(i, nodes_[i].router->advertisement(s->priority)))
                results.emplace_back(*r);
        } else if (std::holds_alternative<core::SendProbe>(action)) {
            // VRID 0: every receiver discards it (it goes through the codec all the same).
            if (auto r = send(i, nodes_[i].router->probeAdvertisement()))
                results.emplace_back(*r);
        } else if (std::holds_alternative<core::InstallVips>(action)) {
            setHolding(i, true);
        } else if (std::holds_alternative<core::RemoveVips>(action)) {
            setHolding(i, false);
        } else if (const auto* c = std::get_if<core::StateChanged>(&action)) {
            transitions_.push_back(Transition{now_, i, c->from, c->to, c->reason});
            if (c->to == core::State::Master)
                ++nodes_[i].becameMaster;
            // An owner's VIPs are its own addresses: it holds them exactly while Master.
            if (nodes_[i].instance.priority == 255)
                setHolding(i, c->to == core::State::Master);
        } else if (const auto* d = std::get_if<core::PeerDifference>(&action)) {
            nodes_[i].differences.push_back(*d);
        }
        // Announce and Dropped change nothing on this LAN.
    }
    for (const auto& e : results)
        execute(i, nodes_[i].router->handle(e, now_));
}

void Lan::setHolding(std::size_t i, bool holding) {
    if (nodes_[i].holding == holding)
        return;
    const std::size_t before = holders();
    nodes_[i].holding = holding;
    const std::size_t after = holders();
    if (before <= 1 && after > 1)
        dualSince_ = now_;
    if (before > 1 && after <= 1) {
        const Duration d = now_ - dualSince_;
        dualTime_ += d;
        longestDual_ = std::max(longestDual_, d);
        ++dualEpisodes_;
    }
    holderLog_.emplace_back(now_, after);
}

std::size_t Lan::holders() const {
    return static_cast<std::size_t>(
        std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.holding; }));
}

std::optional<std::size_t> Lan::soleHolder() const {
    if (holders() != 1)
        return std::nullopt;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].holding)
            return i;
    return std::nullopt;
}

std::size_t Lan::maxHoldersSince(TimePoint t) const {
    std::size_t atT = 0;
    std::size_t best = 0;
    for (const auto& [when, count] : holderLog_) {
        if (when <= t)
            atT = count;
        else
            best = std::max(best, count);
    }
    return std::max(best, atT);
}

} // namespace hafd::sim
