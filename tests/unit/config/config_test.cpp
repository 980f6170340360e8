// SPDX-License-Identifier: Apache-2.0
#include "config_test.h"

#include "config/config_test_paths.h"
#include "config/load.h"
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

Config loadGood(const std::string& name) {
    const LoadResult r = loadFile(dataPath("good/" + name));
    for (const Diagnostic& d : r.diagnostics)
        print_message("unexpected: %s\n", d.toString().c_str());
    assert_true(r.diagnostics.empty());
    assert_true(r.ok());
    return *r.config;
}

} // namespace hafd::config::test
