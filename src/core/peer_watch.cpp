// SPDX-License-Identifier: Apache-2.0
#include "core/peer_watch.h"

#include "common/time.h"

#include <algorithm>

namespace hafd::core {

namespace {

using Field = PeerDifference::Field;

std::string versionText(proto::Version v) {
    return v == proto::Version::V2 ? "2" : "3";
}

std::string intervalText(uint16_t cs) {
    return formatDuration(centiseconds(cs));
}

// Space-separated, in sorted order, so both sides of a difference line up when read.
std::string addressesText(const std::vector<IpAddress>& addresses) {
    std::string text;
    for (const auto& a : addresses) {
        if (!text.empty())
            text += ' ';
        text += a.toString();
    }
    return text.empty() ? "(none)" : text;
}

// One field's comparison: `theirs` is empty when there is no difference to report.
struct Comparison {
    Field field;
    bool applicable;
    std::string ours;
    std::string theirs;
};

} // namespace

std::vector<IpAddress> sortedAddresses(std::vector<IpAddress> addresses) {
    std::sort(addresses.begin(), addresses.end());
    addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
    return addresses;
}

PeerWatch::Peer& PeerWatch::lookup(const IpAddress& peer) {
    ++useClock_;
    auto it = std::find_if(peers_.begin(), peers_.end(),
                           [&](const Peer& p) { return p.address == peer; });
    if (it == peers_.end()) {
        if (peers_.size() < kMaxPeers) {
            it = peers_.insert(peers_.end(), Peer{});
        } else {
            it = std::min_element(peers_.begin(), peers_.end(), [](const Peer& a, const Peer& b) {
                return a.lastUse < b.lastUse;
            });
            *it = Peer{};
        }
        it->address = peer;
    }
    it->lastUse = useClock_;
    return *it;
}

void PeerWatch::observe(const IpAddress& peer, const proto::Decoded& decoded,
                        const OwnProfile& ours, std::vector<Action>& out) {
    const proto::Advertisement& a = decoded.advert;
    Peer& p = lookup(peer);

    const auto theirAddresses = sortedAddresses(a.addresses);
    // The checksum form only varies for VRRPv3 over IPv4 (PROTOCOL.md §1.5): IPv6 always has its
    // pseudo-header, v2 never has one. With another version the field is left as it stands; the
    // version difference is what the operator must fix first.
    const bool checksumApplies = ours.version == proto::Version::V3 &&
                                 a.version == proto::Version::V3 && ours.family == Family::V4;

    const std::array<Comparison, kFields> fields = {{
        // PROTOCOL.md §6 item 4: a version mismatch is a dual master with keepalived.
        {Field::Version, true, versionText(ours.version),
         a.version != ours.version ? versionText(a.version) : ""},
        // v3: a different interval is legal (the backup learns it, RFC 9568 §6.4.2), but worth
        // one line; v2: RFC 3768 §7.1 discards it, so both sides become master (§6 item 5).
        {Field::Interval, true, intervalText(ours.intervalCs),
         a.intervalCs != ours.intervalCs ? intervalText(a.intervalCs) : ""},
        // RFC 9568 §7.1: a differing list MAY be logged, never dropped; keepalived drops it
        // (PROTOCOL.md §6 item 3), hence the warning.
        {Field::Addresses, true, addressesText(ours.addresses),
         theirAddresses != ours.addresses ? addressesText(theirAddresses) : ""},
        // PROTOCOL.md §6 items 1-2: we accept every form, but the peer may not accept ours.
        {Field::ChecksumForm, checksumApplies, proto::checksumFormName(ours.checksumForm),
         decoded.checksumForm != ours.checksumForm ? proto::checksumFormName(decoded.checksumForm)
                                                   : ""},
        // PROTOCOL.md §6 item 8: two address owners both stay master forever.
        {Field::Owner, true, std::to_string(ours.priority),
         ours.priority == 255 && a.priority == 255 ? "255" : ""},
    }};

    for (const auto& c : fields) {
        if (!c.applicable)
            continue;
        auto& reported = p.reported[static_cast<std::size_t>(c.field)];
        if (reported == c.theirs)
            continue; // unchanged: already reported (or nothing to report)
        reported = c.theirs;
        out.emplace_back(PeerDifference{peer, c.field, c.ours, c.theirs});
    }
}

} // namespace hafd::core
