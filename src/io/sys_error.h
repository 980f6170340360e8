// SPDX-License-Identifier: Apache-2.0
// The error type of the io layer: an errno value with a short description of what failed. io code
// returns these and never logs them (STYLE.md habit 7); the daemon logs message() once and
// branches on `code` where a failure needs special handling (a busy runtime directory, a
// tentative IPv6 source address).
#pragma once

#include "common/result.h"

#include <string>

namespace hafd::io {

struct SysError {
    int code = 0;     // a positive errno value (EEXIST, EWOULDBLOCK, ...); never 0 in a failure
    std::string what; // what was attempted: "setsockopt(IP_MULTICAST_ALL) on eth0"

    // "what: strerror(code)".
    std::string message() const;
};

template <typename T>
using SysResult = Result<T, SysError>;

// `return sysFail(errno, "socket(AF_INET, SOCK_RAW)");`
inline Unexpected<SysError> sysFail(int code, std::string what) {
    return Unexpected<SysError>{SysError{code, std::move(what)}};
}

} // namespace hafd::io
