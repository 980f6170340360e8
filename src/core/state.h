// SPDX-License-Identifier: Apache-2.0
// Virtual router states (RFC 9568 §6.4, "Active" named Master as in RFC 5798) plus FAULT
// (DESIGN.md §10), and the reasons a router changes state.
#pragma once

#include <cstdint>

namespace hafd::core {

enum class State : uint8_t { Initialize, Backup, Master, Fault };
const char* stateName(State s); // "INIT", "BACKUP", "MASTER", "FAULT"

enum class Reason : uint8_t {
    Startup,        // Initialize -> Backup (I2)
    OwnerStartup,   // Initialize -> Master, priority 255 (I1)
    MasterDown,     // Master_Down_Timer fired: no advert for Master_Down_Interval (B2)
    Preempt,        // Master_Down_Timer fired while a lower-priority master was advertising
    MasterResigned, // a priority-0 advert shortened the timer to Skew_Time (B3 then B2)
    HandedOver,     // the master released the VRID and named this node (HandedOver)
    Switchover,     // Master -> Backup: hafctl switchover handed the VRID over (Relinquish)
    HigherPriority, // a higher-priority advert (or equal, higher address) arrived (M4)
    Shutdown,       // SIGTERM / instance removed (M1, B1)
    Fault,          // a fault cause appeared (StateChanged::faults names them); also Startup
                    // with a cause present: Initialize -> Fault
    FaultCleared,   // the last fault cause went: Fault -> Backup (priority 255: Master)
    SyncGroup,      // Master -> Backup: the sync group holds this router (GroupHold)
    Stalled,        // Master -> Backup: stalled long enough to have been replaced (Stalled)
    LeaseExpired,   // Master -> Backup: its VIPs' kernel lease ran out (VipsExpired)
};
const char* reasonName(Reason r); // snake_case, stable (logs, notify, status)

} // namespace hafd::core
