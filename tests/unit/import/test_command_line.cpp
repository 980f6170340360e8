// SPDX-License-Identifier: Apache-2.0
// keepalived's script lines split into an argv as keepalived splits them, and shell syntax,
// which keepalived would pass on as literal words, refused.
#include "import/command_line.h"

#include "unit_test.h"

#include <string>
#include <vector>

using hafd::import::splitCommandLine;

namespace {

using Argv = std::vector<std::string>;

void words_split_on_blanks(void**) {
    const auto c = splitCommandLine("/usr/bin/check  --port\t80");
    assert_true(c.problem.empty());
    assert_true((c.argv == Argv{"/usr/bin/check", "--port", "80"}));
}

void quotes_keep_blanks(void**) {
    const auto c = splitCommandLine("/bin/notify 'a b' \"c d\" e\\ f");
    assert_true(c.problem.empty());
    assert_true((c.argv == Argv{"/bin/notify", "a b", "c d", "e f"}));
}

void quoted_shell_syntax_is_a_word(void**) {
    const auto c = splitCommandLine("/bin/echo '$HOME | x'");
    assert_true(c.problem.empty());
    assert_true((c.argv == Argv{"/bin/echo", "$HOME | x"}));
}

void pipe_is_refused(void**) {
    assert_false(splitCommandLine("/bin/ps ax | grep nginx").problem.empty());
}

void variable_is_refused(void**) {
    assert_false(splitCommandLine("/bin/echo $STATE").problem.empty());
}

void unclosed_quote_is_refused(void**) {
    assert_false(splitCommandLine("/bin/echo 'abc").problem.empty());
}

void empty_is_refused(void**) {
    assert_false(splitCommandLine("   ").problem.empty());
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_split_on_blanks),
        cmocka_unit_test(quotes_keep_blanks),
        cmocka_unit_test(quoted_shell_syntax_is_a_word),
        cmocka_unit_test(pipe_is_refused),
        cmocka_unit_test(variable_is_refused),
        cmocka_unit_test(unclosed_quote_is_refused),
        cmocka_unit_test(empty_is_refused),
    };
    return cmocka_run_group_tests_name("import-command-line", tests, nullptr, nullptr);
}
