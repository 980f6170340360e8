// SPDX-License-Identifier: Apache-2.0
// The main of a fuzz target built without libFuzzer (the normal g++ build and its ASan build):
// runs LLVMFuzzerTestOneInput once on every file named or found in the directories given, so
// every seed and every regression input runs in every build, and a crash fails a meson test.
// Hidden files (.gitkeep) are skipped. Exit status 0 when every input ran, 1 when an argument
// cannot be read; a failed check in the target traps, which the test reports.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

bool runFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "%s: cannot read\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    // A copy of exactly the input's size, so ASan sees a read past its end.
    std::vector<uint8_t> input(bytes.begin(), bytes.end());
    static const uint8_t none = 0; // libFuzzer passes a valid pointer for an empty input too
    LLVMFuzzerTestOneInput(input.empty() ? &none : input.data(), input.size());
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t inputs = 0;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        std::error_code ec;
        if (!fs::is_directory(arg, ec)) {
            ok = runFile(arg) && ok;
            ++inputs;
            continue;
        }
        std::vector<fs::path> files;
        for (const auto& e : fs::recursive_directory_iterator(arg, ec))
            if (e.is_regular_file() && e.path().filename().string().front() != '.')
                files.push_back(e.path());
        if (ec) {
            std::fprintf(stderr, "%s: %s\n", arg.c_str(), ec.message().c_str());
            ok = false;
        }
        std::sort(files.begin(), files.end()); // a stable order, for a reproducible log
        for (const auto& f : files) {
            std::printf("%s\n", f.c_str());
            std::fflush(stdout); // named in the log before a crash
            ok = runFile(f) && ok;
            ++inputs;
        }
    }
    std::printf("%zu input(s) replayed\n", inputs);
    return ok ? 0 : 1;
}
