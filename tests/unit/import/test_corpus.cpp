// SPDX-License-Identifier: Apache-2.0
// The corpus of keepalived configurations (tests/data/keepalived), each imported as hafctl
// import-keepalived does:
//   NAME.conf        the input; its `# expect:` lines are every finding the import must print,
//                    in order (FILE: its path, DIR/: its directory, for included files);
//   NAME.conf.hafd   the hafd.conf it must produce. Without one, the input must be unusable
//                    (exit 2); with one, the exit is 1 when findings are expected, else 0.
// Every produced file must load with hafd's own loader without an error or a warning.
// HAFD_UPDATE_GOLDEN=1 rewrites the .hafd files from the current output (review the diff).
#include "config/load.h"
#include "import/import_test_paths.h"
#include "import/importer.h"

#include "unit_test.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace hafd;

namespace {

std::string sourceRoot() {
    const char* env = std::getenv("HAFD_SOURCE_ROOT");
    return env != nullptr && *env != '\0' ? env : HAFD_SOURCE_ROOT;
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

std::vector<std::string> expectations(const std::string& path) {
    const std::string dir = path.substr(0, path.rfind('/') + 1);
    std::vector<std::string> out;
    std::istringstream in(readText(path));
    const std::string tag = "# expect: ";
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.starts_with(tag))
            continue;
        std::string e = line.substr(tag.size());
        replaceAll(e, "DIR/", dir);
        replaceAll(e, "FILE", path);
        out.push_back(e);
    }
    return out;
}

struct Case {
    std::string path;
    std::string name;
};

void imports_as_expected(void** state) {
    const Case& c = *static_cast<const Case*>(*state);
    const import::ImportResult r = import::importFile(c.path);
    std::vector<std::string> actual;
    for (const import::Finding& f : r.findings)
        actual.push_back(f.toString());
    const std::vector<std::string> expected = expectations(c.path);
    if (actual != expected) {
        print_message("%s: expected %zu findings:\n", c.name.c_str(), expected.size());
        for (const auto& e : expected)
            print_message("  %s\n", e.c_str());
        print_message("got %zu:\n", actual.size());
        for (const auto& a : actual)
            print_message("  %s\n", a.c_str());
        fail_msg("%s: findings differ from its '# expect:' lines", c.name.c_str());
    }
    const std::string goldenPath = c.path + ".hafd";
    const bool update = std::getenv("HAFD_UPDATE_GOLDEN") != nullptr;
    const bool hasGolden = std::filesystem::exists(goldenPath);
    if ((!hasGolden && !update) || (update && r.exitStatus == import::kImportUnusable)) {
        assert_int_equal(r.exitStatus, import::kImportUnusable);
        assert_true(r.text.empty());
        return;
    }
    assert_int_equal(r.exitStatus, expected.empty() ? import::kImportClean : import::kImportReview);
    if (update) {
        std::ofstream(goldenPath, std::ios::binary) << r.text;
    } else if (r.text != readText(goldenPath)) {
        print_message("%s: output:\n%s", c.name.c_str(), r.text.c_str());
        fail_msg("%s: output differs from %s", c.name.c_str(), goldenPath.c_str());
    }
    const config::LoadResult loaded = config::loadString(r.text, c.path + ".hafd");
    for (const config::Diagnostic& d : loaded.diagnostics)
        print_message("%s: hafd's loader: %s\n", c.name.c_str(), d.toString().c_str());
    assert_true(loaded.ok());
    assert_int_equal(loaded.diagnostics.size(), 0);
}

} // namespace

int main() {
    const std::string dir = sourceRoot() + "/tests/data/keepalived";
    std::vector<Case> cases;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string p = e.path().string();
        if (e.is_regular_file() && p.ends_with(".conf"))
            cases.push_back({p, e.path().filename().string()});
    }
    std::sort(cases.begin(), cases.end(),
              [](const Case& a, const Case& b) { return a.name < b.name; });
    // A glob that finds nothing must not pass.
    if (cases.size() < 15) {
        std::fprintf(stderr, "import corpus: %zu files under %s: too few\n", cases.size(),
                     dir.c_str());
        return 1;
    }
    std::vector<CMUnitTest> tests;
    for (Case& c : cases)
        tests.push_back({c.name.c_str(), imports_as_expected, nullptr, nullptr, &c});
    return _cmocka_run_group_tests("import-corpus", tests.data(), tests.size(), nullptr, nullptr);
}
