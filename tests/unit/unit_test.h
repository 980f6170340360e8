// SPDX-License-Identifier: Apache-2.0
// cmocka 1.1.5's header has no extern "C" guard and needs these headers first (TOOLCHAIN.md §1).
// cmocka longjmps out of a failing test, so destructors in that test do not run: keep cleanup out
// of tests that can fail, or accept the leak in a failing run.
#pragma once

#include <csetjmp>
#include <cstdarg>
#include <cstddef>
#include <cstdint>

extern "C" {
#include <cmocka.h>
}
