// SPDX-License-Identifier: Apache-2.0
// Facts about single files that hafd trusts: programs it runs as scripts.user and key files it
// reads (DESIGN.md §10, AUTH_HMAC.md §8-§9). Each check returns "" when the file is fine, else
// the problem as a sentence about the path. They read the file system; nothing else.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hafd::hostcheck {

// Who a command runs as, to judge whether it may execute a program and reach its directories.
struct RunAs {
    std::string user;
    uid_t uid = 0;
    std::vector<gid_t> gids; // primary (or scripts.group) first, then the supplementary ones
};

// The owners a trusted file or directory may have: root, and `extra` when it is set (tests
// that do not run as root trust themselves).
struct Owners {
    std::optional<uid_t> extra;
    bool trusts(uid_t uid) const { return uid == 0 || (extra && *extra == uid); }
};

// scripts.user and scripts.group resolved; an error names what does not exist.
Result<RunAs> resolveRunAs(const std::string& user, const std::string& group);

// A program hafd runs: it exists, is a regular file, is owned by a trusted owner and writable by
// nobody else, is executable by `runAs` (any execute bit when null), and so is every directory
// above it (owned by a trusted owner, writable by nobody else unless sticky, searchable by
// `runAs`). Symbolic links are followed and the real path judged. `tamperable`, when given, says
// whether the problem is that someone other than a trusted owner could change or replace the
// program (an error even where other host facts are warnings: it is a hole, not a missing piece).
std::string programProblem(const std::string& path, const RunAs* runAs, const Owners& owners,
                           bool* tamperable = nullptr);

// A key file: it exists, is a regular file owned by a trusted owner, readable by its owner,
// neither group nor others have any access, and it holds a 32..64-byte key (keyFromText()).
std::string keyFileProblem(const std::string& path, const Owners& owners);

// The key a key file's contents hold: "hex:" and hex digits (either case; spaces and tabs
// between them ignored), or the raw bytes; trailing CR and LF are stripped. An error when the
// hex is malformed or the key is not 32..64 bytes.
Result<std::vector<uint8_t>> keyFromText(std::string text);

// Reads and decodes a key file (no permission checks: keyFileProblem() makes those).
Result<std::vector<uint8_t>> readKey(const std::string& path);

} // namespace hafd::hostcheck
