// SPDX-License-Identifier: Apache-2.0
// The runtime directory (DESIGN.md §8, default /run/hafd): created 0750, held with an exclusive
// flock on `hafd.lock` for the daemon's lifetime (a second hafd on the same directory fails with
// EWOULDBLOCK: exit 4), and a record of the VIPs hafd installed (`vips`, "ifname prefix" per line,
// replaced atomically), so stale VIPs can be found after a crash on kernels without IFA_PROTO.
#pragma once

#include "common/address.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"

#include <optional>
#include <string>
#include <vector>

namespace hafd::io {

struct InstalledVip {
    std::string ifname;
    Prefix prefix;
    bool operator==(const InstalledVip&) const = default;
};

class RuntimeDir {
public:
    // Creates `path` (mode 0750; an existing directory is kept as it is), opens `hafd.lock` in it
    // and takes the lock (non-blocking), then writes our pid into it. Errors: code EWOULDBLOCK
    // when another process holds the lock (isBusy()).
    static SysResult<RuntimeDir> open(const std::string& path);
    static bool isBusy(const SysError& e);

    RuntimeDir() = default;

    const std::string& path() const { return path_; }
    // path() + "/" + name.
    std::string file(const std::string& name) const;

    // Replaces file `name` atomically: writes `name.tmp` and renames it over `name` (no fsync,
    // as for the record below).
    SysResult<void> writeFile(const std::string& name, const std::string& text) const;
    // The text of file `name`; nullopt when it does not exist.
    SysResult<std::optional<std::string>> readFile(const std::string& name) const;

    // Replaces the record: writes `vips.tmp` and renames it over `vips`, so a reader never sees
    // half a file. No fsync: the record only has to survive hafd's own crash (after a reboot the
    // VIPs are gone too), and a disk flush would stall the loop that sends adverts.
    SysResult<void> writeVips(const std::vector<InstalledVip>& vips) const;
    // The record; empty if there is none. Lines that do not parse are skipped.
    SysResult<std::vector<InstalledVip>> readVips() const;

private:
    std::string path_;
    UniqueFd lock_; // the lock lives as long as this descriptor (O_CLOEXEC: children never hold it)
};

} // namespace hafd::io
