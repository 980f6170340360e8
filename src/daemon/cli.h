// SPDX-License-Identifier: Apache-2.0
// The command line of DESIGN.md §8:
//   hafd [-f FILE] [--runtime-dir DIR] [--log-level LEVEL] [--check-config [-v]]
//   hafd ctl …  /  hafctl …  (the control client; see ctl/client.h)
#pragma once

#include "common/log.h"

#include <string>
#include <vector>

namespace hafd::daemon {

// Exit statuses (DESIGN.md §10). The unit sets RestartPreventExitStatus=2.
enum ExitStatus : int {
    kExitOk = 0,
    kExitFailure = 1,   // a runtime failure not covered below
    kExitConfig = 2,    // configuration (or command-line) error: retrying will not help
    kExitPrivilege = 3, // missing privilege or kernel feature
    kExitBusy = 4,      // runtime directory held by another hafd
};

inline constexpr const char* kDefaultConfig = "/etc/hafd.conf";
inline constexpr const char* kDefaultRuntimeDir = "/run/hafd";

struct Options {
    std::string configFile = kDefaultConfig;
    std::string runtimeDir = kDefaultRuntimeDir;
    log::Level logLevel = log::Level::Info;
    bool checkConfig = false;
    bool verbose = false; // with --check-config: print every setting's value and default
    bool help = false;
    bool version = false;
};

struct ParsedOptions {
    Options options;
    std::string error; // non-empty: a usage error to print before exiting kExitConfig
};

ParsedOptions parseOptions(const std::vector<std::string>& args);
const char* usage();

} // namespace hafd::daemon
