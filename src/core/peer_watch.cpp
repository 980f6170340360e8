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

// True when `addresses` is already sorted and duplicate-free (hafd and keepalived both send their
// list in that order as a rule), so the per-advert compare needs no copy.
bool sortedUnique(const std::vector<IpAddress>& addresses) {
    return std::adjacent_find(addresses.begin(), addresses.end(),
                              [](const IpAddress& a, const IpAddress& b) { return !(a < b); }) ==
           addresses.end();
}

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

// Runs for every advert a backup hears, so the fields are compared as values and turned into text
// only when a line is about to be reported.
void PeerWatch::observe(const IpAddress& peer, const proto::Decoded& decoded,
                        const OwnProfile& ours, std::vector<Action>& out) {
    const proto::Advertisement& a = decoded.advert;
    Peer& p = lookup(peer);

    // One field: `differs` now; `sameAsOpen`: what they send equals what was reported while the
    // difference is open. The text makers run only when a line is emitted.
    const auto update = [&](Field field, bool differs, bool sameAsOpen, const auto& oursText,
                            const auto& theirsText) {
        bool& open = p.open[static_cast<std::size_t>(field)];
        if (!differs) {
            if (open)
                out.emplace_back(PeerDifference{peer, field, oursText(), ""});
            open = false;
            return false;
        }
        if (open && sameAsOpen)
            return false; // unchanged: already reported
        open = true;
        out.emplace_back(PeerDifference{peer, field, oursText(), theirsText()});
        return true;
    };

    // PROTOCOL.md §6 item 4: a version mismatch is a dual master with keepalived.
    if (update(
            Field::Version, a.version != ours.version, p.version == a.version,
            [&] { return versionText(ours.version); }, [&] { return versionText(a.version); }))
        p.version = a.version;
    // v3: a different interval is legal (the backup learns it, RFC 9568 §6.4.2), but worth one
    // line; v2: RFC 3768 §7.1 discards it, so both sides become master (§6 item 5).
    if (update(
            Field::Interval, a.intervalCs != ours.intervalCs, p.intervalCs == a.intervalCs,
            [&] { return intervalText(ours.intervalCs); },
            [&] { return intervalText(a.intervalCs); }))
        p.intervalCs = a.intervalCs;
    // RFC 9568 §7.1: a differing list MAY be logged, never dropped; keepalived drops it
    // (PROTOCOL.md §6 item 3), hence the warning. The compare is a set compare.
    {
        std::vector<IpAddress> sorted;
        const bool inOrder = sortedUnique(a.addresses);
        if (!inOrder)
            sorted = sortedAddresses(a.addresses);
        const auto& theirs = inOrder ? a.addresses : sorted;
        if (update(
                Field::Addresses, theirs != ours.addresses, p.addresses == theirs,
                [&] { return addressesText(ours.addresses); },
                [&] { return addressesText(theirs); }))
            p.addresses = theirs;
        else if (!p.open[static_cast<std::size_t>(Field::Addresses)])
            p.addresses.clear();
    }
    // PROTOCOL.md §6 items 1-2: we accept every form, but the peer may not accept ours. The form
    // only varies for VRRPv3 over IPv4 (PROTOCOL.md §1.5): IPv6 always has its pseudo-header, v2
    // never has one. With another version the field is left as it stands; the version difference
    // is what the operator must fix first.
    if (ours.version == proto::Version::V3 && a.version == proto::Version::V3 &&
        ours.family == Family::V4)
        if (update(
                Field::ChecksumForm, decoded.checksumForm != ours.checksumForm,
                p.checksumForm == decoded.checksumForm,
                [&] { return std::string(proto::checksumFormName(ours.checksumForm)); },
                [&] { return std::string(proto::checksumFormName(decoded.checksumForm)); }))
            p.checksumForm = decoded.checksumForm;
    // PROTOCOL.md §6 item 8: two address owners both stay master forever.
    update(
        Field::Owner, ours.priority == 255 && a.priority == 255, true,
        [&] { return std::to_string(ours.priority); }, [] { return std::string("255"); });
}

} // namespace hafd::core
