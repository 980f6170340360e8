// SPDX-License-Identifier: Apache-2.0
// Check health and tracking (DESIGN.md §5): the first results obey fall and rise, a role change
// needs rise successes, facts take effect at once, k_of_n composes, and weights make the
// effective priority and the `track` fault.
#include "core/check_output.h"
#include "core/check_state.h"
#include "core/tracking.h"

#include <vector>

#include "unit_test.h" // last: cmocka's macros (fail...) clash with the project's headers

using namespace hafd;
using namespace hafd::core;

namespace {

// keepalived lets the first result take effect at once; here a failing start needs `fall`
// failures before the check is down, and a healthy one `rise` successes before it is up.
void first_results_obey_fall_and_rise(void**) {
    CheckState failing(2, 3);
    assert_false(failing.record(false));
    assert_false(failing.record(false));
    assert_true(failing.health() == Health::Unknown);
    assert_true(failing.record(false));
    assert_true(failing.health() == Health::Down);

    CheckState healthy(2, 3);
    assert_false(healthy.record(true));
    assert_true(healthy.health() == Health::Unknown);
    assert_true(healthy.record(true));
    assert_true(healthy.health() == Health::Up);
}

// A failure in the middle of a rise streak starts it again, and the reverse.
void streaks_must_be_consecutive(void**) {
    CheckState c(2, 2);
    c.record(true);
    c.record(true);
    assert_true(c.health() == Health::Up);
    assert_false(c.record(false));
    assert_false(c.record(true));
    assert_false(c.record(false));
    assert_true(c.health() == Health::Up);
    assert_true(c.record(false));
    assert_true(c.health() == Health::Down);
    assert_false(c.record(true));
    assert_false(c.record(false));
    assert_false(c.record(true));
    assert_true(c.record(true));
    assert_true(c.health() == Health::Up);
}

// A role check: a new role takes rise successes that all report it; mixed roles restart the
// streak; down clears the role.
void a_new_role_needs_rise_successes(void**) {
    CheckState c(2, 1);
    c.record(true, "slave");
    assert_true(c.record(true, "slave"));
    assert_string_equal(c.role().c_str(), "slave");
    assert_false(c.record(true, "master"));
    assert_false(c.record(true, "slave"));
    assert_false(c.record(true, "master"));
    assert_string_equal(c.role().c_str(), "slave");
    assert_true(c.record(true, "master"));
    assert_string_equal(c.role().c_str(), "master");
    assert_true(c.record(false));
    assert_true(c.health() == Health::Down);
    assert_string_equal(c.role().c_str(), "");
}

// A fact (the process ended, the link went down) needs no streak, and leaves none behind.
void facts_take_effect_at_once(void**) {
    CheckState c(2, 3);
    c.record(true);
    c.record(true);
    assert_true(c.force(Health::Down));
    assert_true(c.health() == Health::Down);
    assert_false(c.force(Health::Down));
    // Found again: rise successes from scratch.
    assert_false(c.record(true));
    assert_true(c.record(true));
    assert_true(c.health() == Health::Up);
}

void k_of_n_is_up_down_or_undecided(void**) {
    using H = Health;
    const std::vector<H> twoUp = {H::Up, H::Up, H::Down};
    const std::vector<H> oneUp = {H::Up, H::Down, H::Down};
    const std::vector<H> open = {H::Up, H::Unknown, H::Down};
    const std::vector<H> allUnknown = {H::Unknown, H::Unknown, H::Unknown};
    assert_true(kOfN(twoUp, 2) == H::Up);
    assert_true(kOfN(oneUp, 2) == H::Down);
    assert_true(kOfN(open, 2) == H::Unknown); // the unknown one decides
    assert_true(kOfN(allUnknown, 2) == H::Unknown);
    assert_true(kOfN(oneUp, 1) == H::Up);
    assert_true(kOfN(twoUp, 3) == H::Down);
}

config::Instance tracked(uint8_t priority) {
    config::Instance in;
    in.name = "web";
    in.priority = priority;
    config::Track nginx;
    nginx.check = "nginx";
    nginx.weight = -60;
    config::Track api;
    api.check = "api";
    api.weight = 20;
    config::Track link;
    link.interface = "eth1";
    link.weight = 0;
    config::Track redis;
    redis.check = "redis";
    redis.roleWeights = {{"master", 50}, {"slave", -10}};
    in.tracks = {nginx, api, link, redis};
    return in;
}

// Positive weights while up, negative while down, roles while up, weight 0 faults while down.
void weights_make_the_effective_priority(void**) {
    const config::Instance in = tracked(100);
    std::vector<TrackView> v = {
        {Health::Up, ""}, {Health::Up, ""}, {Health::Up, ""}, {Health::Up, "master"}};
    TrackEffect e = evaluate(in, v);
    assert_int_equal(e.priority, 170);
    assert_true(e.faulting.empty());
    assert_true(e.known);
    assert_true(e.contributions == (std::vector<int>{0, 20, 0, 50}));

    v = {{Health::Down, ""}, {Health::Down, ""}, {Health::Down, ""}, {Health::Up, "slave"}};
    e = evaluate(in, v);
    assert_int_equal(e.priority, 30);
    assert_true(e.faulting == (std::vector<std::size_t>{2}));

    // A role check that is down, or reports a role not listed, adds nothing.
    v = {{Health::Up, ""}, {Health::Up, ""}, {Health::Up, ""}, {Health::Down, ""}};
    assert_int_equal(evaluate(in, v).priority, 120);
    v[3] = {Health::Up, "sentinel"};
    assert_int_equal(evaluate(in, v).priority, 120);
}

// Unknown adds nothing and faults nothing, but says the tracks are not known yet.
void unknown_tracks_are_neutral(void**) {
    const config::Instance in = tracked(100);
    const std::vector<TrackView> v(4);
    const TrackEffect e = evaluate(in, v);
    assert_int_equal(e.priority, 100);
    assert_true(e.faulting.empty());
    assert_false(e.known);
}

// Clamped to 1..254; an owner stays at 255.
void priority_is_clamped_and_owners_stay(void**) {
    std::vector<TrackView> v = {
        {Health::Down, ""}, {Health::Up, ""}, {Health::Up, ""}, {Health::Up, "master"}};
    assert_int_equal(evaluate(tracked(250), v).priority, 254); // 250 - 60 + 20 + 50
    v[0] = {Health::Up, ""};
    assert_int_equal(evaluate(tracked(200), v).priority, 254); // 200 + 20 + 50
    v = {{Health::Down, ""}, {Health::Down, ""}, {Health::Up, ""}, {Health::Up, "slave"}};
    assert_int_equal(evaluate(tracked(20), v).priority, 1);
    v = {{Health::Down, ""}, {Health::Down, ""}, {Health::Down, ""}, {Health::Up, "slave"}};
    const TrackEffect owner = evaluate(tracked(255), v);
    assert_int_equal(owner.priority, 255);
    assert_true(owner.faulting == (std::vector<std::size_t>{2}));
}

// The role is the first group's text, or the whole match; unmatched output is no role.
void role_output_names_the_role(void**) {
    const auto p = Pattern::compile("^role:(master|slave)");
    assert_true(p.has_value());
    assert_string_equal(p->role("role:master\nconnected_slaves:1\n")->c_str(), "master");
    assert_false(p->role("role:sentinel\n").has_value());
    assert_false(p->role("").has_value());
    const auto whole = Pattern::compile("master|slave");
    assert_string_equal(whole->role("I am slave now")->c_str(), "slave");
    // Output with a NUL byte ends there rather than crashing or matching past it.
    const std::string nul("x\0master", 8);
    assert_false(whole->role(nul).has_value());
    assert_false(Pattern::compile("^(master").has_value());
}

void file_numbers_as_track_file(void**) {
    assert_true(fileNumber("0\n") == 0);
    assert_true(fileNumber("  -12 trailing") == -12);
    assert_true(fileNumber("+3") == 3);
    assert_false(fileNumber("+-3").has_value()); // one sign only (found by fuzz-check-output)
    assert_false(fileNumber("").has_value());
    assert_false(fileNumber("up\n").has_value());
    assert_false(fileNumber("99999999999999999999999").has_value());
    assert_string_equal(firstLine("ok\r\nsecond").c_str(), "ok");
    assert_string_equal(firstLine("a\x1b[31mb").c_str(), "a?[31mb");
    assert_int_equal(firstLine(std::string(500, 'x')).size(), 200);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_results_obey_fall_and_rise),
        cmocka_unit_test(streaks_must_be_consecutive),
        cmocka_unit_test(a_new_role_needs_rise_successes),
        cmocka_unit_test(facts_take_effect_at_once),
        cmocka_unit_test(k_of_n_is_up_down_or_undecided),
        cmocka_unit_test(weights_make_the_effective_priority),
        cmocka_unit_test(unknown_tracks_are_neutral),
        cmocka_unit_test(priority_is_clamped_and_owners_stay),
        cmocka_unit_test(role_output_names_the_role),
        cmocka_unit_test(file_numbers_as_track_file),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
