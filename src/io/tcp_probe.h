// SPDX-License-Identifier: Apache-2.0
// The `tcp` check (DESIGN.md §5): a non-blocking connect() with a timeout. Success means the
// three-way handshake completed; the socket is closed at once and no data is sent, so the
// server sees a connection that opens and closes.
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "io/loop.h"
#include "io/sys_error.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace hafd::io {

class TcpProbe {
public:
    // 0 when the connection completed, else -errno: -ETIMEDOUT at the timeout, -ECONNREFUSED,
    // -ENETUNREACH, -EHOSTUNREACH, -EINVAL (an IPv6 link-local address: no scope is set)...
    using Done = std::function<void(int result)>;

    // Reserves the probe's timer (a timerfd), so that start() itself cannot fail: whatever goes
    // wrong later, even socket() at the file descriptor limit, reaches `done` from the loop.
    static SysResult<TcpProbe> create(Loop& loop);

    TcpProbe(); // inactive: assign a created one to it
    TcpProbe(TcpProbe&&) noexcept;
    TcpProbe& operator=(TcpProbe&&) noexcept;
    ~TcpProbe(); // no call to `done`

    // Connects to address:port. `done` runs once, from the loop (never inside start()), unless
    // the probe is cancelled, started again or destroyed first; it may start the probe again or
    // destroy it. Precondition: made by create().
    void start(const IpAddress& address, uint16_t port, Duration timeout, Done done);
    // Abandons the run in progress, if any, without a call to `done`.
    void cancel();
    // From start() until `done` is called or the run is cancelled.
    bool running() const;

    struct State;

private:
    std::unique_ptr<State> s_;
};

} // namespace hafd::io
