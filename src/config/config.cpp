// SPDX-License-Identifier: Apache-2.0
#include "config/config.h"

#include <tuple>

namespace hafd::config {

int Instance::lineOf(const std::string& setting) const {
    if (const auto it = lines.find(setting); it != lines.end())
        return it->second;
    if (const auto it = lines.find(""); it != lines.end())
        return it->second;
    return 0;
}

bool Instance::sameSettings(const Instance& o) const {
    // Every field but `lines` and `file`; a field added to Instance belongs here too (the unit
    // test changes each field in turn).
    auto settings = [](const Instance& i) {
        return std::tie(i.name, i.interface, i.vrid, i.family, i.version, i.priority,
                        i.advertInterval, i.preempt, i.preemptDelay, i.addresses, i.unicastPeers,
                        i.vmac, i.accept, i.checksum, i.announce, i.v2AuthType, i.v2Password);
    };
    return settings(*this) == settings(o);
}

} // namespace hafd::config
