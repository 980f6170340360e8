// SPDX-License-Identifier: Apache-2.0
#include "daemon/receiver.h"

#include "common/log.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace hafd::daemon {

void AdvertReceiver::reindex() {
    byVrid_.clear();
    for (const auto& instance : instances_)
        if (const AdvertSender* sender = instance->binding().sender)
            byVrid_[{sender, instance->config().vrid}].push_back(instance.get());
}

void AdvertReceiver::onReadable(Socket& s) {
    std::array<io::RxPacket, io::AdvertSocket::kBatch> batch;
    // Bounded per wake-up so one busy interface cannot starve the loop; a batch that comes back
    // short means the queue is empty.
    for (int rounds = 16; rounds > 0; --rounds) {
        const int n = s.socket().receive(std::span<io::RxPacket>(batch));
        if (n < 0) {
            log::debug("%s: receive: %s", s.socket().ifname().c_str(), std::strerror(-n));
            break;
        }
        for (int i = 0; i < n; ++i) {
            const io::RxPacket& pkt = batch[static_cast<std::size_t>(i)];
            ++s.received;
            if (pkt.drop) {
                ++s.drops[static_cast<std::size_t>(*pkt.drop)];
                continue;
            }
            auto decoded = proto::decode(pkt.payload, pkt.meta);
            if (!decoded) {
                ++s.drops[static_cast<std::size_t>(decoded.error())];
                log::debug("%s: advert from %s dropped: %s", s.socket().ifname().c_str(),
                           pkt.meta.source.toString().c_str(),
                           proto::dropReasonName(decoded.error()));
                continue;
            }
            deliver(s, pkt.payload, *decoded, pkt.meta, pkt.arrived);
        }
        if (static_cast<std::size_t>(n) < batch.size())
            break;
    }
    scheduler_.tighten();
}

// Demultiplexes by VRID among the instances on this socket: a multicast advert to the multicast
// instance, a unicast one to the unicast instance that lists the sender as a peer (else to one
// with that VRID, which counts it as not_a_peer or mode_mismatch).
void AdvertReceiver::deliver(Socket& s, std::span<const uint8_t> payload,
                             const proto::Decoded& decoded, const proto::RxMeta& meta,
                             TimePoint now) {
    const bool multicast = meta.destination.isMulticast();
    // 3: the mode matches (and a unicast instance lists the sender); 2: a unicast instance that
    // does not list it; 1: the other mode.
    const auto score = [&](const config::Instance& cfg) {
        if (multicast)
            return cfg.isUnicast() ? 1 : 3;
        if (!cfg.isUnicast())
            return 1;
        const auto& peers = cfg.unicastPeers;
        return std::find(peers.begin(), peers.end(), meta.source) != peers.end() ? 3 : 2;
    };
    Instance* best = nullptr;
    int bestScore = 0;
    if (const auto it = byVrid_.find({&s.sender(), decoded.advert.vrid}); it != byVrid_.end())
        for (Instance* i : it->second)
            if (const int sc = score(i->config()); sc > bestScore) {
                best = i;
                bestScore = sc;
            }
    if (!best) {
        // A neighbour's other VRIDs are normal, and a flood of them must not become a flood
        // of log lines: one a second at most, with the count since the last one.
        ++s.unknownVrid;
        if (s.unknownVridLog.allow(now))
            log::debug("%s: %llu advert(s) for VRIDs not configured here, the latest VRID %u "
                       "from %s",
                       s.socket().ifname().c_str(),
                       static_cast<unsigned long long>(s.unknownVridLog.skipped() + 1),
                       decoded.advert.vrid, meta.source.toString().c_str());
        return;
    }
    best->receive(payload, decoded, meta, now);
}

} // namespace hafd::daemon
