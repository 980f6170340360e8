// SPDX-License-Identifier: Apache-2.0
// Files that readers must never see half-written: the whole new content goes to a temporary file
// beside the target, is flushed to disk, and is renamed over the target, so a reader opens either
// the old file or the new one (rename(2) is atomic within a file system).
#pragma once

#include "io/sys_error.h"

#include <string>
#include <string_view>
#include <sys/types.h>

namespace hafd::io {

// Writes all of `data` to `fd`, retrying after EINTR and short writes; 0 or -errno.
int writeAll(int fd, std::string_view data);

// Replaces `path` with `text`, mode `mode`: a temporary file "<path>.tmp.XXXXXX" in the same
// directory (a name node_exporter's *.prom glob does not match), fsync(2), rename(2). On failure
// the temporary file is removed and `path` is untouched. Blocks for as long as the disk takes
// to write a few kilobytes.
SysResult<void> replaceFile(const std::string& path, std::string_view text, mode_t mode);

} // namespace hafd::io
