// SPDX-License-Identifier: Apache-2.0
// hafctl: the operator's client for the control socket in the runtime directory.
//   hafctl [--runtime-dir DIR] status [--json]
#pragma once

#include "ctl/status.h"

#include <string>
#include <vector>

namespace hafd::ctl {

inline constexpr const char* kControlSocketName = "control";

// Runs the client with its arguments (after "hafctl" or "hafd ctl"); returns the exit status:
// 0 ok, 1 the daemon answered with an error or could not be reached, 2 usage error.
int runClient(const std::vector<std::string>& args, const std::string& defaultRuntimeDir);

// The status of the hafd serving `runtimeDir`; false with `error` set when none answers.
bool fetchStatus(const std::string& runtimeDir, Status& status, std::string& error);

} // namespace hafd::ctl
