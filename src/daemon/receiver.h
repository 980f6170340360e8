// SPDX-License-Identifier: Apache-2.0
// Receiving adverts: batches from a socket, decoded (proto::decode, packet-level drops counted
// on the socket) and demultiplexed by VRID to the instance they are for (PROTOCOL.md §6 item 13),
// whose authentication and then router judge them.
#pragma once

#include "daemon/binder.h"
#include "daemon/scheduler.h"
#include "daemon/sockets.h"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace hafd::daemon {

class AdvertReceiver {
public:
    AdvertReceiver(Scheduler& scheduler, const Instances& instances)
        : scheduler_(scheduler), instances_(instances) {}

    // Rebuilds the index by (channel, VRID): after every change of bindings or instances. With
    // 250 instances a linear search per advert was a tenth of a backup's CPU.
    void reindex();
    // Reads what is queued on `socket` (bounded per wake-up) and delivers it.
    void onReadable(Socket& socket);

private:
    void deliver(Socket& socket, std::span<const uint8_t> payload, const proto::Decoded& decoded,
                 const proto::RxMeta& meta, TimePoint now);

    Scheduler& scheduler_;
    const Instances& instances_;
    std::map<std::pair<const AdvertSender*, uint8_t>, std::vector<Instance*>> byVrid_;
};

} // namespace hafd::daemon
