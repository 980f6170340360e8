// SPDX-License-Identifier: Apache-2.0
#include "io/atomic_file.h"

#include "io/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace hafd::io {

int writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

SysResult<void> replaceFile(const std::string& path, std::string_view text, mode_t mode) {
    const std::string pattern = path + ".tmp.XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (!fd)
        return sysFail(errno, "create a temporary file beside " + path);
    const std::string tmp(name.data());
    // Every step after the file exists removes it on failure.
    const auto fail = [&tmp](int code, const std::string& what) {
        ::unlink(tmp.c_str());
        return sysFail(code, what);
    };
    if (::fchmod(fd.get(), mode) < 0)
        return fail(errno, "chmod " + tmp);
    if (const int err = writeAll(fd.get(), text); err < 0)
        return fail(-err, "write " + tmp);
    if (::fsync(fd.get()) < 0)
        return fail(errno, "fsync " + tmp);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) < 0)
        return fail(errno, "rename " + tmp + " to " + path);
    return {};
}

} // namespace hafd::io
