// SPDX-License-Identifier: Apache-2.0
#include "io/runtime_dir.h"

#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string_view>

namespace hafd::io {

namespace {
constexpr const char* kLockFile = "hafd.lock";
constexpr const char* kVipsFile = "vips";
} // namespace

SysResult<RuntimeDir> RuntimeDir::open(const std::string& path) {
    if (::mkdir(path.c_str(), 0750) < 0 && errno != EEXIST)
        return sysFail(errno, "mkdir " + path);
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0)
        return sysFail(errno, "stat " + path);
    if (!S_ISDIR(st.st_mode))
        return sysFail(ENOTDIR, path);
    RuntimeDir d;
    d.path_ = path;
    const std::string lockPath = d.file(kLockFile);
    const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0)
        return sysFail(errno, "open " + lockPath);
    d.lock_.reset(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
        const int e = errno == EAGAIN ? EWOULDBLOCK : errno;
        return sysFail(e, "lock " + lockPath + " (is another hafd running on " + path + "?)");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) < 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0)
        return sysFail(errno, "write " + lockPath);
    return d;
}

bool RuntimeDir::isBusy(const SysError& e) {
    return e.code == EWOULDBLOCK;
}

std::string RuntimeDir::file(const std::string& name) const {
    return path_ + "/" + name;
}

SysResult<void> RuntimeDir::writeFile(const std::string& name, const std::string& text) const {
    const std::string final = file(name);
    const std::string tmp = final + ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640));
    if (!fd)
        return sysFail(errno, "open " + tmp);
    if (const int err = writeAll(fd.get(), text); err < 0)
        return sysFail(-err, "write " + tmp);
    fd.reset();
    if (::rename(tmp.c_str(), final.c_str()) < 0)
        return sysFail(errno, "rename " + tmp + " to " + final);
    return {};
}

SysResult<std::optional<std::string>> RuntimeDir::readFile(const std::string& name) const {
    const std::string path = file(name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        if (errno == ENOENT)
            return std::optional<std::string>{};
        return sysFail(errno, "open " + path);
    }
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sysFail(errno, "read " + path);
        }
        if (n == 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    return std::optional<std::string>(std::move(text));
}

SysResult<void> RuntimeDir::writeVips(const std::vector<InstalledVip>& vips) const {
    std::string text;
    for (const auto& v : vips)
        text += v.ifname + " " + v.prefix.toString() + "\n";
    return writeFile(kVipsFile, text);
}

SysResult<std::vector<InstalledVip>> RuntimeDir::readVips() const {
    auto read = readFile(kVipsFile);
    if (!read)
        return sysFail(read.error().code, read.error().what);
    const std::string text = read->value_or(std::string());
    std::vector<InstalledVip> vips;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
        const auto space = line.find(' ');
        if (space == std::string_view::npos || space == 0)
            continue;
        const auto prefix = Prefix::parse(line.substr(space + 1));
        if (!prefix)
            continue;
        vips.push_back({std::string(line.substr(0, space)), *prefix});
    }
    return vips;
}

} // namespace hafd::io
