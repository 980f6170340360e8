// SPDX-License-Identifier: Apache-2.0
// The simulation tier (STYLE.md habit 10): N virtual routers on an in-memory LAN driven by a
// virtual clock that jumps from one deadline to the next. Every SendAdvert is encoded with the
// real proto::encode() and every copy delivered through proto::decode(), so the codec takes part
// in every scenario. The LAN can lose adverts (seeded PRNG), delay them with jitter, and be
// partitioned. It tracks who holds the VIPs, so scenarios can assert "at most one holder once
// converged" and measure takeover times. No sleeping, no sockets, no root.
#pragma once

#include "config/config.h"
#include "core/virtual_router.h"
#include "proto/auth.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace hafd::sim {

struct NodeSpec {
    uint8_t priority = 100;
    bool preempt = true;
    Duration preemptDelay = 0s;
    Duration interval = 1s;
    proto::Version version = proto::Version::V3;
    proto::ChecksumForm checksum = proto::ChecksumForm::PseudoHeader;
    std::string v2Password; // VRRPv2 simple password; empty: none
    // auth_hmac with the LAN's one key, enforce, time anti-replay (window 5 s): adverts are signed
    // with the real proto/auth code on the virtual clock, and received ones verified before the
    // router sees them, as the daemon does (daemon/advert_auth.h).
    bool auth = false;
};

struct LanOptions {
    uint64_t seed = 1;
    Family family = Family::V4;
    double loss = 0.0;        // probability that one receiver misses one advert
    Duration latency = 100us; // fixed part of the delivery delay
    Duration jitter = 0us;    // uniform extra delay in [0, jitter]
};

struct Transition {
    TimePoint at;
    std::size_t node;
    core::State from;
    core::State to;
    core::Reason reason;
};

class Lan {
public:
    explicit Lan(LanOptions options = {});

    // Adds a router with source address 192.0.2.(index+1) (IPv4) or fe80::(index+1) (IPv6),
    // VRID 51 and one VIP; it is not started. Returns its index.
    std::size_t add(const NodeSpec& spec);
    std::size_t size() const { return nodes_.size(); }

    // Lifecycle, at now(): start (link up, then Startup, on a fresh router), crash (silent: the
    // node and its VIPs vanish), shutdown (graceful: M1/B1, then gone), link down/up (FAULT:
    // frames sent while the link is down are lost).
    void start(std::size_t i);
    void crash(std::size_t i);
    void shutdown(std::size_t i);
    void linkDown(std::size_t i);
    void linkUp(std::size_t i);
    void setPriority(std::size_t i, uint8_t priority);
    // A fault cause of a later feature (maintenance, track...) appears or goes on node i.
    void setFault(std::size_t i, core::FaultCause cause, bool present);
    // Node i's adverts fail at its own socket (a firewall rule on the node): its router learns
    // each failure (core::AdvertSent) and nothing reaches the wire; unblocked, the next advert
    // or probe leaves and is reported.
    void blockSend(std::size_t i, bool blocked);

    // Nodes in different groups hear nothing from each other; heal() joins them again.
    void partition(const std::vector<std::vector<std::size_t>>& groups);
    void heal();
    // An attacker replays node `from`'s last advert, byte for byte from its address, to every
    // node it can reach (node `from` may be dead by now).
    void replayLast(std::size_t from);
    void setLoss(double loss) { options_.loss = loss; }
    void setJitter(Duration jitter) { options_.jitter = jitter; }

    // Runs events in time order up to now() + d.
    void run(Duration d);
    // Runs until `done()` holds after some event, at most `limit`; returns when it first held.
    std::optional<TimePoint> runUntil(const std::function<bool()>& done, Duration limit);

    TimePoint now() const { return now_; }
    const core::VirtualRouter& router(std::size_t i) const { return *nodes_[i].router; }
    core::State state(std::size_t i) const;
    IpAddress address(std::size_t i) const { return nodes_[i].address; }

    // VIP holders: a node between InstallVips and RemoveVips (an owner while Master).
    std::size_t holders() const;
    bool holds(std::size_t i) const { return nodes_[i].holding; }
    // The only holder, or nullopt if none or several.
    std::optional<std::size_t> soleHolder() const;
    // The largest number of simultaneous holders since `t`.
    std::size_t maxHoldersSince(TimePoint t) const;
    // Total time with more than one holder, the longest such episode, and how many there were.
    Duration dualHoldingTime() const { return dualTime_; }
    Duration longestDualEpisode() const { return longestDual_; }
    uint64_t dualEpisodes() const { return dualEpisodes_; }

    const std::vector<Transition>& transitions() const { return transitions_; }
    uint64_t becameMaster(std::size_t i) const { return nodes_[i].becameMaster; }
    const std::vector<core::PeerDifference>& differences(std::size_t i) const {
        return nodes_[i].differences;
    }

    // Codec traffic: every copy sent, lost, delivered and decoded; decode failures must stay 0.
    uint64_t advertsEncoded() const { return encoded_; }
    uint64_t copiesLost() const { return lost_; }
    uint64_t copiesDecoded() const { return decoded_; }
    uint64_t decodeFailures() const { return decodeFailures_; }
    uint64_t encodeFailures() const { return encodeFailures_; }
    uint64_t unknownVrid() const { return unknownVrid_; } // decoded, for no router here
    // Adverts node i's authentication dropped (unsigned, failed or replayed).
    uint64_t authDrops(std::size_t i) const { return nodes_[i].authDrops; }

private:
    struct Node {
        NodeSpec spec;
        config::Instance instance;
        IpAddress address;
        std::optional<core::VirtualRouter> router;
        bool alive = false;
        bool link = false;
        bool sendBlocked = false;
        bool sendFailing = false; // the last send failed: the next success is reported
        bool holding = false;
        int group = 0;
        uint64_t becameMaster = 0;
        std::vector<core::PeerDifference> differences;
        proto::auth::Sequencer sequencer;
        proto::auth::ReplayTable replay;
        uint64_t authDrops = 0;
        std::vector<uint8_t> lastSent;
    };
    // Node i's verdict on an advert: whether its router may see it.
    bool admitted(std::size_t i, const std::vector<uint8_t>& bytes, const proto::Decoded& decoded,
                  const proto::RxMeta& meta);
    proto::auth::WallTime wallClock() const;
    proto::auth::KeyRing keys_;
    struct InFlight {
        TimePoint at;
        uint64_t seq;
        std::size_t from;
        std::size_t to;
        std::vector<uint8_t> bytes;
        bool operator>(const InFlight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };

    // Runs the single next event if it is due by `limit`; false when there is none.
    bool step(TimePoint limit);
    core::BindingChanged bound(std::size_t i) const;
    void execute(std::size_t i, const std::vector<core::Action>& actions);
    // Returns the result its router learns, if any (a failure, or the first success after one).
    std::optional<core::AdvertSent> send(std::size_t from, const proto::Advertisement& advert);
    void deliver(const InFlight& p);
    void setHolding(std::size_t i, bool holding);
    bool connected(std::size_t a, std::size_t b) const;
    double uniform();

    LanOptions options_;
    std::mt19937_64 rng_;
    TimePoint now_ = TimePoint{} + 1000s;
    std::vector<Node> nodes_;
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> wire_;
    uint64_t seq_ = 0;

    std::vector<Transition> transitions_;
    std::vector<std::pair<TimePoint, std::size_t>> holderLog_; // (time, holders) on each change
    Duration dualTime_{0};
    Duration longestDual_{0};
    uint64_t dualEpisodes_ = 0;
    TimePoint dualSince_{};

    uint64_t encoded_ = 0, lost_ = 0, decoded_ = 0, decodeFailures_ = 0, encodeFailures_ = 0;
    uint64_t unknownVrid_ = 0;
};

// Figures for scenario output (cmocka's print_message): "3.414s" style.
std::string seconds(Duration d);

} // namespace hafd::sim
