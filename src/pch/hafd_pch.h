// SPDX-License-Identifier: Apache-2.0
// Precompiled header of the libraries in src/meson.build: the standard headers nearly every file
// includes. Parsing them was over half of each file's compile time; meson compiles this once per
// library, with that library's flags, and passes it to every file with -include.
// Standard C++ headers only: each layer may use these, so the header cannot hide a layering
// violation (tests/lint/layering.sh checks the #include lines of the files themselves).
// -Db_pch=false builds without it, which shows a file that forgot one of its own includes.
// No #pragma once: g++ compiles it as a main file and warns of one there (an error with -Werror);
// nothing #includes it.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
