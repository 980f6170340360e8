// SPDX-License-Identifier: Apache-2.0
#include "hostcheck/files.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace hafd::hostcheck {

namespace {

// Key files are short; anything longer is not a key file (keepalived's limit is 139 bytes).
constexpr std::size_t kMaxKeyFile = 4096;
constexpr std::size_t kMinKey = 32;
constexpr std::size_t kMaxKey = 64;

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

std::string octal(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// `bit` is one of the "user" bits (S_IXUSR ...): whether `runAs` has it on a file `st`.
bool allowed(const struct stat& st, const RunAs& runAs, mode_t userBit) {
    if (runAs.uid == 0)
        return userBit != S_IXUSR || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
    if (st.st_uid == runAs.uid)
        return (st.st_mode & userBit) != 0;
    for (const gid_t g : runAs.gids)
        if (st.st_gid == g)
            return (st.st_mode & (userBit >> 3)) != 0;
    return (st.st_mode & (userBit >> 6)) != 0;
}

// The real path of `path`, or the problem.
Result<std::string> realPath(const std::string& path) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr) {
        const int err = errno;
        if (err == ENOENT)
            return fail(quoted(path) + " does not exist");
        return fail("cannot resolve " + quoted(path) + ": " + std::strerror(err));
    }
    return std::string(buf);
}

// "\"/usr/local/bin/x\"", or "\"/link\" (\"/real\")" when a link was followed.
std::string shown(const std::string& path, const std::string& real) {
    return path == real ? quoted(path) : quoted(path) + " (" + quoted(real) + ")";
}

std::string directoryProblems(const std::string& real, const RunAs* runAs, const Owners& owners,
                              bool& tamperable) {
    std::string dir = real;
    while (dir.size() > 1) {
        dir = dir.substr(0, dir.rfind('/'));
        if (dir.empty())
            dir = "/";
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0)
            return "cannot examine directory " + quoted(dir) + ": " + std::strerror(errno);
        tamperable = true; // until the next two tests pass
        if (!owners.trusts(st.st_uid))
            return "its directory " + quoted(dir) + " is owned by uid " +
                   std::to_string(st.st_uid) + ", not root: its owner could replace the program";
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
            return "its directory " + quoted(dir) + " is writable by group or others (mode " +
                   octal(st.st_mode) + "): they could replace the program";
        tamperable = false;
        if (runAs != nullptr && !allowed(st, *runAs, S_IXUSR))
            return "its directory " + quoted(dir) + " is not searchable by user " +
                   quoted(runAs->user) + " (mode " + octal(st.st_mode) + ")";
    }
    return "";
}

} // namespace

Result<RunAs> resolveRunAs(const std::string& user, const std::string& group) {
    std::vector<char> buf(16384);
    struct passwd pw {};
    struct passwd* found = nullptr;
    if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        return fail("no user " + quoted(user) + " on this host");
    RunAs r;
    r.user = user;
    r.uid = pw.pw_uid;
    gid_t primary = pw.pw_gid;
    if (!group.empty()) {
        struct group gr {};
        struct group* g = nullptr;
        if (::getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &g) != 0 || g == nullptr)
            return fail("no group " + quoted(group) + " on this host");
        primary = gr.gr_gid;
    }
    r.gids.push_back(primary);
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(user.c_str(), primary, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        ::getgrouplist(user.c_str(), primary, groups.data(), &count);
    }
    groups.resize(static_cast<std::size_t>(count));
    for (const gid_t g : groups)
        if (g != primary)
            r.gids.push_back(g);
    return r;
}

std::string programProblem(const std::string& path, const RunAs* runAs, const Owners& owners,
                           bool* tamperable) {
    bool ignored = false;
    bool& unsafe = tamperable != nullptr ? *tamperable : ignored;
    unsafe = false;
    const auto real = realPath(path);
    if (!real)
        return real.error().message;
    const std::string name = shown(path, *real);
    struct stat st {};
    if (::stat(real->c_str(), &st) != 0)
        return "cannot examine " + name + ": " + std::strerror(errno);
    if (!S_ISREG(st.st_mode))
        return name + " is not a regular file";
    unsafe = !owners.trusts(st.st_uid) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    if (!owners.trusts(st.st_uid))
        return name + " is owned by uid " + std::to_string(st.st_uid) +
               ", not root: its owner could change what hafd runs";
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return name + " is writable by group or others (mode " + octal(st.st_mode) +
               "): they could change what hafd runs";
    if (runAs != nullptr ? !allowed(st, *runAs, S_IXUSR)
                         : (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
        return name + " is not executable" +
               (runAs != nullptr ? " by user " + quoted(runAs->user) : std::string()) + " (mode " +
               octal(st.st_mode) + ")";
    if (const std::string p = directoryProblems(*real, runAs, owners, unsafe); !p.empty())
        return name + ": " + p;
    return "";
}

std::string keyFileProblem(const std::string& path, const Owners& owners) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return "cannot read " + quoted(path) + ": " + std::strerror(errno);
    if (!S_ISREG(st.st_mode))
        return quoted(path) + " is not a regular file";
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return quoted(path) + " is accessible by group or others (mode " + octal(st.st_mode) +
               "): a key file must be readable by its owner only (0600 or 0400)";
    // Root reads it anyway, but only by overriding the permissions, which a daemon that keeps
    // no more capabilities than it needs cannot do.
    if ((st.st_mode & S_IRUSR) == 0)
        return quoted(path) + " is not readable by its owner (mode " + octal(st.st_mode) +
               "): a key file must be readable by its owner only (0600 or 0400)";
    if (!owners.trusts(st.st_uid))
        return quoted(path) + " is owned by uid " + std::to_string(st.st_uid) +
               ", not root: its owner can read the key";
    const auto key = readKey(path);
    if (!key)
        return quoted(path) + ": " + key.error().message;
    return "";
}

Result<std::vector<uint8_t>> keyFromText(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    std::vector<uint8_t> key;
    if (text.starts_with("hex:")) {
        int high = -1;
        for (std::size_t i = 4; i < text.size(); ++i) {
            const char c = text[i];
            if (c == ' ' || c == '\t')
                continue;
            int v = -1;
            if (c >= '0' && c <= '9')
                v = c - '0';
            else if (c >= 'a' && c <= 'f')
                v = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                v = c - 'A' + 10;
            if (v < 0)
                return fail("\"hex:\" is followed by something other than hex digits");
            if (high < 0) {
                high = v;
            } else {
                key.push_back(static_cast<uint8_t>(high * 16 + v));
                high = -1;
            }
        }
        if (high >= 0)
            return fail("\"hex:\" is followed by an odd number of hex digits");
    } else {
        key.assign(text.begin(), text.end());
    }
    if (key.size() < kMinKey || key.size() > kMaxKey)
        return fail("holds a " + std::to_string(key.size()) + "-byte key; keys are " +
                    std::to_string(kMinKey) + ".." + std::to_string(kMaxKey) + " bytes");
    return key;
}

Result<std::vector<uint8_t>> readKey(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(std::string("cannot read: ") + std::strerror(errno));
    std::string text(kMaxKeyFile + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxKeyFile)
        return fail("is too large for a key file (more than " + std::to_string(kMaxKeyFile) +
                    " bytes)");
    return keyFromText(std::move(text));
}

} // namespace hafd::hostcheck
