// SPDX-License-Identifier: Apache-2.0
#include "daemon/instance_record.h"

#include <algorithm>

namespace hafd::daemon {

void InstanceRecord::transition(const core::StateChanged& change, TimePoint at) {
    history_[historyCount_++ % history_.size()] = {change, at};
}

std::vector<const InstanceRecord::Transition*> InstanceRecord::transitions() const {
    std::vector<const Transition*> out;
    for (std::size_t k = 1; k <= std::min(historyCount_, history_.size()); ++k)
        out.push_back(&history_[(historyCount_ - k) % history_.size()]);
    return out;
}

void InstanceRecord::heard(const core::AdvertReceived& a, TimePoint at) {
    auto it = std::find_if(peers_.begin(), peers_.end(),
                           [&](const Peer& p) { return p.address == a.meta.source; });
    if (it == peers_.end()) {
        if (peers_.size() >= kPeersShown) {
            // Forget the one heard least recently.
            it = std::min_element(peers_.begin(), peers_.end(), [](const Peer& x, const Peer& y) {
                return x.lastSeen < y.lastSeen;
            });
        } else {
            it = peers_.insert(peers_.end(), Peer{});
        }
    }
    // Assigned field by field: the address list reuses its storage (one advert per interval per
    // peer must not allocate).
    it->address = a.meta.source;
    it->advert = a.decoded.advert;
    it->form = a.decoded.checksumForm;
    it->lastSeen = at;
}

} // namespace hafd::daemon
