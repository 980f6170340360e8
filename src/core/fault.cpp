// SPDX-License-Identifier: Apache-2.0
#include "core/fault.h"

namespace hafd::core {

const char* faultCauseName(FaultCause cause) {
    switch (cause) {
    case FaultCause::Link:
        return "link";
    case FaultCause::Source:
        return "source";
    case FaultCause::Join:
        return "join";
    case FaultCause::Vips:
        return "vips";
    case FaultCause::Send:
        return "send";
    case FaultCause::Track:
        return "track";
    case FaultCause::SyncGroup:
        return "sync_group";
    case FaultCause::Maintenance:
        return "maintenance";
    case FaultCause::Quorum:
        return "quorum";
    }
    return "?";
}

std::vector<std::string> FaultSet::names() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < kFaultCauseCount; ++i)
        if (has(static_cast<FaultCause>(i)))
            out.emplace_back(faultCauseName(static_cast<FaultCause>(i)));
    return out;
}

std::string FaultSet::toString() const {
    std::string s;
    for (const auto& n : names())
        s += (s.empty() ? "" : ", ") + n;
    return s;
}

} // namespace hafd::core
