// SPDX-License-Identifier: Apache-2.0
#include "config_test.h"

#include "config/config_test_paths.h"
#include "config/load.h"
#include "config/section.h"
#include "unit_test.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hafd::config::test {

std::string sourceRoot() {
    const char* env = std::getenv("HAFD_SOURCE_ROOT");
    return env != nullptr && *env != '\0' ? env : HAFD_SOURCE_ROOT;
}

std::string dataPath(const std::string& sub) {
    return sourceRoot() + "/tests/data/config/" + sub;
}

std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> filesIn(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string p = e.path().string();
        if (e.is_regular_file() && p.ends_with(suffix))
            out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

std::vector<std::string> expectations(const std::string& path) {
    constexpr std::string_view kExpect = "# expect: ";
    const std::string dir = path.substr(0, path.rfind('/') + 1);
    std::vector<std::string> out;
    const std::string text = readText(path);
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string::npos)
            end = text.size();
        const std::string_view line(text.data() + begin, end - begin);
        if (line.starts_with(kExpect)) {
            std::string e(line.substr(kExpect.size()));
            e = replaceAll(std::move(e), "DIR/", dir);
            out.push_back(replaceAll(std::move(e), "FILE", path));
        }
        begin = end + 1;
    }
    return out;
}

bool loadsAsGood(const LoadResult& r, const std::string& path) {
    std::vector<std::string> actual;
    bool ok = r.ok();
    for (const Diagnostic& d : r.diagnostics) {
        actual.push_back(d.toString());
        ok = ok && !d.isError() && d.message == kInactive;
    }
    ok = ok && actual == expectations(path);
    if (!ok) {
        print_message("%s: expected only its '# expect:' lines, each about an inactive "
                      "setting; got:\n",
                      path.c_str());
        for (const auto& a : actual)
            print_message("  %s\n", a.c_str());
    }
    return ok;
}

Config loadGood(const std::string& name) {
    const std::string path = dataPath("good/" + name);
    const LoadResult r = loadFile(path);
    assert_true(loadsAsGood(r, path));
    return *r.config;
}

} // namespace hafd::config::test
