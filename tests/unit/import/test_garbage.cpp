// SPDX-License-Identifier: Apache-2.0
// Input that is not a sane keepalived.conf never crashes the importer: it ends with exit 2 (the
// input cannot be used) or with findings, and whatever it prints loads with hafd's loader.
#include "config/load.h"
#include "import/importer.h"

#include "unit_test.h"

#include <cstdint>
#include <string>

using namespace hafd;

namespace {

const char* kInstance = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
                        " virtual_ipaddress {\n  192.0.2.10\n }\n}\n";

import::Included noIncludes(const std::string&,
                            const std::string&){return {{}, {"no includes here"}};
} // namespace

// The contract for any input.
void check(const std::string& text, const import::IncludeResolver& resolve = noIncludes) {
    const import::ImportResult r = import::importText({"garbage.conf", text}, resolve);
    if (r.exitStatus == import::kImportUnusable) {
        assert_true(r.text.empty());
        assert_false(r.findings.empty());
        return;
    }
    assert_true(r.exitStatus == import::kImportReview || r.findings.empty());
    const config::LoadResult loaded = config::loadString(r.text, "garbage.hafd");
    for (const config::Diagnostic& d : loaded.diagnostics)
        print_message("hafd's loader: %s\n", d.toString().c_str());
    assert_true(loaded.ok());
}

// xorshift64: the same bytes every run.
std::string randomBytes(std::size_t n, uint64_t seed) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out += static_cast<char>(seed & 0xff);
    }
    return out;
}

void random_bytes_are_unusable(void**) {
    for (uint64_t seed = 1; seed <= 64; ++seed) {
        const std::string bytes = randomBytes(4096, seed * 0x9e3779b97f4a7c15ULL);
        check(bytes);
        check(std::string(kInstance) + bytes);
    }
}

// Printable noise: words, braces, quotes and comment characters in any order.
void random_words_never_crash(void**) {
    const std::string alphabet = "{}\"#! \n\tabvrrp_instance 1.2.3.4/24 include * weight -";
    for (uint64_t seed = 1; seed <= 200; ++seed) {
        std::string text = randomBytes(2048, seed * 0x2545f4914f6cdd1dULL);
        for (char& c : text)
            c = alphabet[static_cast<unsigned char>(c) % alphabet.size()];
        check(text);
        check(std::string(kInstance) + text);
    }
}

void unbalanced_braces_are_findings(void**) {
    check(std::string(kInstance) + "}}}\n");
    check(std::string("vrrp_instance VI_2 {\n interface eth0\n") + kInstance);
    check("{\n{\n" + std::string(kInstance));
    const import::ImportResult r =
        import::importText({"x.conf", std::string(kInstance) + "}\n"}, noIncludes);
    assert_int_equal(r.exitStatus, import::kImportReview);
}

void deep_nesting_is_unusable(void**) {
    const import::ImportResult r =
        import::importText({"x.conf", std::string(100000, '{') + kInstance}, noIncludes);
    assert_int_equal(r.exitStatus, import::kImportUnusable);
}

void megabyte_line_never_crashes(void**) {
    check(std::string(kInstance) + std::string(1 << 20, 'x') + "\n");
    check(std::string(kInstance) + "notify \"" + std::string(1 << 20, 'a'));
    check(std::string(kInstance) + "global_defs {\n router_id " + std::string(1 << 20, 'r') +
          "\n}\n");
}

// A file that includes itself: followed to the depth limit, then a finding.
void include_loop_ends(void**) {
    const std::string text = std::string("include self.conf\n") + kInstance;
    const import::IncludeResolver self = [&](const std::string&, const std::string&) {
        return import::Included{{{"self.conf", "include self.conf\n"}}, {}};
    };
    const import::ImportResult r = import::importText({"self.conf", text}, self);
    assert_int_equal(r.exitStatus, import::kImportReview);
    check(text, self);
}

void no_instance_is_unusable(void**) {
    const import::ImportResult r =
        import::importText({"x.conf", "global_defs {\n router_id a\n}\n"}, noIncludes);
    assert_int_equal(r.exitStatus, import::kImportUnusable);
    assert_int_equal(import::importText({"x.conf", ""}, noIncludes).exitStatus,
                     import::kImportUnusable);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_bytes_are_unusable),
        cmocka_unit_test(random_words_never_crash),
        cmocka_unit_test(unbalanced_braces_are_findings),
        cmocka_unit_test(deep_nesting_is_unusable),
        cmocka_unit_test(megabyte_line_never_crashes),
        cmocka_unit_test(include_loop_ends),
        cmocka_unit_test(no_instance_is_unusable),
    };
    return cmocka_run_group_tests_name("import-garbage", tests, nullptr, nullptr);
}
