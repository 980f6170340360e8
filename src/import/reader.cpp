// SPDX-License-Identifier: Apache-2.0
#include "import/reader.h"

#include <glob.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace hafd::import {

std::optional<std::string> readConfigFile(const std::string& path, std::string& error) {
    const std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::string text;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
        text.append(buf, n);
        if (text.size() > kMaxFileBytes) {
            error = "larger than " + std::to_string(kMaxFileBytes / (1024 * 1024)) + " MiB";
            return std::nullopt;
        }
    }
    if (std::ferror(f.get())) {
        error = std::strerror(errno != 0 ? errno : EIO);
        return std::nullopt;
    }
    return text;
}

Included resolveInclude(const std::string& pattern, const std::string& from) {
    Included out;
    std::string full = pattern;
    if (!pattern.empty() && pattern[0] != '/') {
        const std::size_t slash = from.rfind('/');
        full =
            (slash == std::string::npos ? std::string(".") : from.substr(0, slash)) + "/" + pattern;
    }
    glob_t g{};
    const int rc = glob(full.c_str(), GLOB_MARK | GLOB_BRACE, nullptr, &g);
    if (rc == GLOB_NOMATCH) {
        out.problems.push_back("\"" + full + "\" matches no file: nothing included");
    } else if (rc != 0) {
        out.problems.push_back("\"" + full + "\" cannot be searched: nothing included");
    } else {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) {
            const std::string path = g.gl_pathv[i];
            if (path.ends_with("/")) {
                out.problems.push_back("\"" + path + "\" is a directory: not included");
                continue;
            }
            std::string error;
            if (auto text = readConfigFile(path, error))
                out.files.push_back({path, std::move(*text)});
            else
                out.problems.push_back("\"" + path + "\": " + error + ": not included");
        }
    }
    globfree(&g);
    return out;
}

} // namespace hafd::import
