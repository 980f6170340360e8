// SPDX-License-Identifier: Apache-2.0
#include "daemon/sockets.h"

#include "common/log.h"

#include <cstring>

namespace hafd::daemon {

std::unique_ptr<Socket> Socket::open(io::Loop& loop, uint32_t ifindex, const std::string& ifname,
                                     Family family, std::function<void(Socket&)> readable) {
    auto opened = io::AdvertSocket::open(family, ifname, ifindex);
    if (!opened) {
        log::error("%s: advert socket: %s", ifname.c_str(), opened.error().message().c_str());
        return nullptr;
    }
    std::unique_ptr<Socket> s(new Socket(std::move(*opened)));
    Socket* raw = s.get();
    s->watcher_ = io::IoWatcher(loop, s->socket_.fd(), io::IoWatcher::Read,
                                [raw, cb = std::move(readable)](int) { cb(*raw); });
    log::debug("%s: %s advert socket open", ifname.c_str(), familyName(family));
    return s;
}

int Socket::joinGroup() {
    const int rc = socket_.joinGroup();
    if (rc < 0)
        ++joinFailures;
    return rc;
}

} // namespace hafd::daemon
