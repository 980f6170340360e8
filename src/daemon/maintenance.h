// SPDX-License-Identifier: Apache-2.0
// Maintenance (hafctl maintenance on|off [INSTANCE], DESIGN.md §7): the operator drains the
// whole node, or one instance. A drained instance has the "maintenance" fault cause: a master
// hands over gracefully (VIPs removed, then priority 0), and it never claims until the cause is
// cleared. What is drained is kept in <runtime-dir>/maintenance, so a reload and a restart keep
// it; only `hafctl maintenance off` clears it. (The runtime directory is a tmpfs: a reboot
// clears it too, and the node comes back into service.)
//
// The file: one line per entry, "node" or "instance NAME", rewritten whole on every change.
#pragma once

#include "io/runtime_dir.h"

#include <set>
#include <string>

namespace hafd::daemon {

class Maintenance {
public:
    static constexpr const char* kFile = "maintenance";

    explicit Maintenance(const io::RuntimeDir& dir) : dir_(dir) {}

    // Reads the file (at start). A line it does not understand is skipped and said in `error`,
    // the rest still applies; an unreadable file is an error and drains nothing.
    void load(std::string& error);

    // Whether `instance` is drained (the node is, or the instance itself).
    bool drained(const std::string& instance) const {
        return node_ || instances_.count(instance) > 0;
    }
    bool node() const { return node_; }
    const std::set<std::string>& instances() const { return instances_; }

    // Drains or returns the node (instance "", which also clears every instance's entry when
    // off) or one instance, and rewrites the file; false with `error` set when the file cannot
    // be written (nothing changed then).
    bool set(const std::string& instance, bool on, std::string& error);

private:
    const io::RuntimeDir& dir_;
    bool node_ = false;
    std::set<std::string> instances_;
};

} // namespace hafd::daemon
