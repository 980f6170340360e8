// SPDX-License-Identifier: Apache-2.0
#include "io/sys_error.h"

#include <cstring>

namespace hafd::io {

std::string SysError::message() const {
    if (code == 0)
        return what;
    return what + ": " + std::strerror(code);
}

} // namespace hafd::io
