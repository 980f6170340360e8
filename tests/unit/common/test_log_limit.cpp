// SPDX-License-Identifier: Apache-2.0
// The log rate limit (common/log_limit.h): the first event is logged, the rest of the interval
// is counted, and the next allowed line reports how many were not logged.
#include "common/log_limit.h"

#include "unit_test.h"

using namespace hafd;

namespace {

constexpr TimePoint kStart = TimePoint{} + 1000s;

void the_first_event_is_logged(void**) {
    log::Limit limit(1s);
    assert_true(limit.allow(kStart));
    assert_int_equal(limit.skipped(), 0);
}

// A flood within the interval: one line, then one more once the interval has passed, which
// says how many went unlogged.
void a_flood_is_one_line_per_interval(void**) {
    log::Limit limit(1s);
    assert_true(limit.allow(kStart));
    for (int i = 1; i <= 9999; ++i)
        assert_false(limit.allow(kStart + i * 100us));
    assert_false(limit.allow(kStart + 999ms));
    assert_true(limit.allow(kStart + 1s));
    assert_int_equal(limit.skipped(), 10000);
    // The count restarts after each allowed line.
    assert_false(limit.allow(kStart + 1500ms));
    assert_true(limit.allow(kStart + 2500ms));
    assert_int_equal(limit.skipped(), 1);
}

// Events further apart than the interval are each logged, none skipped.
void sparse_events_are_all_logged(void**) {
    log::Limit limit(10s);
    for (int i = 0; i < 5; ++i) {
        assert_true(limit.allow(kStart + i * 10s));
        assert_int_equal(limit.skipped(), 0);
    }
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_first_event_is_logged),
        cmocka_unit_test(a_flood_is_one_line_per_interval),
        cmocka_unit_test(sparse_events_are_all_logged),
    };
    return cmocka_run_group_tests_name("common-log-limit", tests, nullptr, nullptr);
}
