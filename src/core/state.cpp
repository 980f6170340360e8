// SPDX-License-Identifier: Apache-2.0
#include "core/state.h"

namespace hafd::core {

const char* stateName(State s) {
    switch (s) {
    case State::Initialize:
        return "INIT";
    case State::Backup:
        return "BACKUP";
    case State::Master:
        return "MASTER";
    case State::Fault:
        return "FAULT";
    }
    return "?";
}

const char* reasonName(Reason r) {
    // Stable: these strings reach logs, notify scripts (HAFD_REASON) and status output.
    switch (r) {
    case Reason::Startup:
        return "startup";
    case Reason::OwnerStartup:
        return "owner_startup";
    case Reason::MasterDown:
        return "master_down";
    case Reason::Preempt:
        return "preempt";
    case Reason::MasterResigned:
        return "master_resigned";
    case Reason::HandedOver:
        return "handed_over";
    case Reason::Switchover:
        return "switchover";
    case Reason::HigherPriority:
        return "higher_priority";
    case Reason::Shutdown:
        return "shutdown";
    case Reason::Fault:
        return "fault";
    case Reason::FaultCleared:
        return "fault_cleared";
    case Reason::SyncGroup:
        return "sync_group";
    case Reason::LeaseExpired:
        return "lease_expired";
    case Reason::Stalled:
        return "stalled";
    }
    return "?";
}

} // namespace hafd::core
