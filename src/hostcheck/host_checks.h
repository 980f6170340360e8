// SPDX-License-Identifier: Apache-2.0
// Facts about the host that a configuration cannot know (DESIGN.md §10): interfaces exist,
// scripts.user and scripts.group exist, every program hafd would run is a trusted executable,
// key files are private and hold a key, this node is among cluster.nodes, and the directory of
// metrics.textfile exists and is writable. They need system calls, so they live here and not in
// the pure config/ layer.
//
// The caller picks how serious a failed fact is: hafd --check-config passes Warning, so that a
// file can be checked on a build host; the daemon passes Error at start (and on reload). A
// missing interface stays a warning either way: the instance waits in FAULT until it appears.
// A program others could change and every key file problem are errors either way: they are
// holes in what the file promises, not pieces missing on this host.
#pragma once

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/load.h" // diagnose()
#include "hostcheck/files.h"

#include <string>
#include <vector>

namespace hafd::hostcheck {

// Every fact that does not hold, as diagnostics in the loader's form (file, line, setting
// path), ordered by file and line. A program or key file used in several places is reported
// once, at its first use (in the order: quorum hook, fence, checks, instances, groups).
std::vector<config::Diagnostic> checkHost(const config::Config& config,
                                          config::Diagnostic::Severity severity);

// The same with the trusted owners spelt out (tests that do not run as root trust themselves).
std::vector<config::Diagnostic> checkHost(const config::Config& config,
                                          config::Diagnostic::Severity severity,
                                          const Owners& owners);

// This node's name in the cluster: node.name, else the host name; "" when neither is known.
std::string nodeName(const config::Config& config);

} // namespace hafd::hostcheck
