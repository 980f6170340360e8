// SPDX-License-Identifier: Apache-2.0
// Boxed<T>: a value that takes heap memory only when it is not the default, and otherwise acts
// as the T it holds (reads, copies, equality).
#include "config/boxed.h"
#include "config/config.h"

#include "unit_test.h"

using namespace hafd;
using namespace hafd::config;

namespace {

void absent_reads_as_the_default(void**) {
    Boxed<Notify> b;
    assert_true(b->empty());
    assert_true(*b == Notify{});
    assert_true(b == Boxed<Notify>(Notify{}));
}

void copies_are_deep_and_compare_by_value(void**) {
    Boxed<Notify> a;
    a.edit().master.argv = {"/bin/notify", "master"};
    Boxed<Notify> b = a;
    assert_true(a == b);
    b.edit().master.argv.push_back("x");
    assert_false(a == b);
    assert_int_equal(a->master.argv.size(), 2); // the copy's edit left the original
    a = b;
    assert_true(a == b);
}

void assigning_the_default_empties_it(void**) {
    Boxed<Notify> a;
    Notify n;
    n.any.argv = {"/bin/true"};
    a = n;
    assert_false(a->empty());
    a = Notify{};
    assert_true(a->empty());
    assert_true(a == Boxed<Notify>());
}

// The point of it: an instance without notify commands does not carry five empty ones.
void an_instance_stays_small(void**) {
    assert_true(sizeof(Boxed<Notify>) < sizeof(Notify) / 8);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absent_reads_as_the_default),
        cmocka_unit_test(copies_are_deep_and_compare_by_value),
        cmocka_unit_test(assigning_the_default_empties_it),
        cmocka_unit_test(an_instance_stays_small),
    };
    return cmocka_run_group_tests_name("config-boxed", tests, nullptr, nullptr);
}
