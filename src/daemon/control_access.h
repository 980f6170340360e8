// SPDX-License-Identifier: Apache-2.0
// Who may use the control socket (DESIGN.md §7, hafctl(8)): root, hafd's own user, and members
// of the group `hafd`. The file modes say so (the runtime directory 0750 and the socket 0660,
// both of group `hafd`), and every connection is checked again from the kernel's word on the
// peer (SO_PEERCRED, SO_PEERGROUPS), so a descriptor passed on or a mode loosened by hand
// grants nothing.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace hafd::daemon {

inline constexpr const char* kControlGroup = "hafd";

class ControlAccess {
public:
    // Looks up the group `name` (no gid when it does not exist: only root and our user get in).
    explicit ControlAccess(const std::string& name = kControlGroup);

    // Gives the runtime directory and the socket in it to the group (modes 0750 and 0660).
    // Returns what went wrong, or an empty string.
    std::string apply(const std::string& runtimeDir, const std::string& socketPath) const;

    // Whether the peer of a connected AF_UNIX socket may send requests; when not, `why` says
    // who it is and why it may not.
    bool allows(int fd, std::string& why) const;

    const std::string& groupName() const { return name_; }
    std::optional<gid_t> gid() const { return gid_; }

private:
    std::string name_;
    std::optional<gid_t> gid_;
};

} // namespace hafd::daemon
