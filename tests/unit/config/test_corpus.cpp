// SPDX-License-Identifier: Apache-2.0
// The corpus of configuration files with their expected diagnostics (tests/data/config):
//   bad/*.conf   must fail to load;
//   warn/*.conf  must load, with warnings only.
// Each file states every diagnostic loading it must produce, in order, one per line:
//   # expect: FILE:5: instances["web"].vrid: 0 is out of range 1..255
// FILE stands for the path the file is loaded by, DIR/ for its directory (diagnostics from
// @included files). The list must match exactly: nothing missing, nothing more.
#include "config/load.h"
#include "config_test.h"

#include "unit_test.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

using namespace hafd::config;

namespace {

struct Case {
    std::string path;
    std::string name;
    bool mustLoad = false; // warn/: loads with warnings; bad/: has errors
};

void matches_expectations(void** state) {
    const Case& c = *static_cast<const Case*>(*state);
    const std::vector<std::string> expected = test::expectations(c.path);
    const LoadResult r = loadFile(c.path);
    std::vector<std::string> actual;
    for (const Diagnostic& d : r.diagnostics)
        actual.push_back(d.toString());
    if (actual != expected) {
        print_message("%s: expected %zu diagnostics:\n", c.name.c_str(), expected.size());
        for (const auto& e : expected)
            print_message("  %s\n", e.c_str());
        print_message("got %zu:\n", actual.size());
        for (const auto& a : actual)
            print_message("  %s\n", a.c_str());
        fail_msg("%s: diagnostics differ from its '# expect:' lines", c.name.c_str());
    }
    assert_false(expected.empty()); // every corpus file expects something
    assert_int_equal(r.ok(), c.mustLoad);
    assert_int_equal(hasErrors(r.diagnostics), !c.mustLoad);
}

} // namespace

int main() {
    std::vector<Case> cases;
    for (const auto& [dir, mustLoad] : {std::pair{"bad", false}, std::pair{"warn", true}})
        for (const std::string& path : test::filesIn(test::dataPath(dir), ".conf"))
            cases.push_back(
                {path, std::string(dir) + "/" + path.substr(path.rfind('/') + 1), mustLoad});
    // A glob that finds nothing must not pass: the corpus has at least this many files.
    const std::size_t bad = static_cast<std::size_t>(
        std::count_if(cases.begin(), cases.end(), [](const Case& c) { return !c.mustLoad; }));
    if (bad < 100 || cases.size() - bad < 12) {
        std::fprintf(stderr, "config corpus: %zu bad and %zu warn files under %s: too few\n", bad,
                     cases.size() - bad, test::dataPath("").c_str());
        return 1;
    }
    std::vector<CMUnitTest> tests;
    for (Case& c : cases)
        tests.push_back({c.name.c_str(), matches_expectations, nullptr, nullptr, &c});
    return _cmocka_run_group_tests("config-corpus", tests.data(), tests.size(), nullptr, nullptr);
}
