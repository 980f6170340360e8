// SPDX-License-Identifier: Apache-2.0
#include "daemon/control_access.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59 // Linux 4.13
#endif

namespace hafd::daemon {

ControlAccess::ControlAccess(const std::string& name) : name_(name) {
    std::vector<char> buf(4096);
    struct group g {};
    struct group* found = nullptr;
    while (getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found) == ERANGE &&
           buf.size() < (1U << 20))
        buf.resize(buf.size() * 2);
    if (found)
        gid_ = found->gr_gid;
}

std::string ControlAccess::apply(const std::string& runtimeDir,
                                 const std::string& socketPath) const {
    const gid_t gid = gid_.value_or(static_cast<gid_t>(-1));
    for (const auto& [path, mode] : {std::pair(runtimeDir, 0750), std::pair(socketPath, 0660)}) {
        if (gid_ && ::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0)
            return "chown :" + name_ + " " + path + ": " + std::strerror(errno);
        if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0)
            return "chmod " + path + ": " + std::strerror(errno);
    }
    return {};
}

bool ControlAccess::allows(int fd, std::string& why) const {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        why = std::string("SO_PEERCRED: ") + std::strerror(errno);
        return false;
    }
    if (cred.uid == 0 || cred.uid == ::geteuid())
        return true;
    if (gid_) {
        if (cred.gid == *gid_)
            return true;
        std::vector<gid_t> groups(64);
        for (int attempt = 0; attempt < 2; ++attempt) {
            socklen_t size = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
            if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) == 0) {
                groups.resize(size / sizeof(gid_t));
                if (std::find(groups.begin(), groups.end(), *gid_) != groups.end())
                    return true;
                break;
            }
            if (errno != ERANGE)
                break;
            groups.resize(size / sizeof(gid_t) + 1);
        }
    }
    why = "uid " + std::to_string(cred.uid) + " (pid " + std::to_string(cred.pid) +
          ") is not root and not in group " + name_ + (gid_ ? "" : " (which does not exist)");
    return false;
}

} // namespace hafd::daemon
