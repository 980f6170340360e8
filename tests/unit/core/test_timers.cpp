// SPDX-License-Identifier: Apache-2.0
// Timer arithmetic (RFC 9568 §6.1, RFC 3768 §6.1; PROTOCOL.md §3.1), interval learning (B4, M4,
// keepalived K11), the ideal-deadline advert schedule (PROTOCOL.md §6 item 14) and the
// announcement timers of a master (PROTOCOL.md §5.3).
#include "core/timers.h"
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

struct Figure {
    uint8_t priority;
    uint16_t intervalCs;
    // Exact values in 1/256 µs (the RFC formulas have at most that fraction), from which the
    // expected microseconds (rounded down) are derived below.
    long long skew256;
};

// PROTOCOL.md §3.1 table: Skew_Time = (256 - P) * interval / 256.
constexpr Figure kFigures[] = {
    {254, 100, 2LL * 1'000'000},   {200, 100, 56LL * 1'000'000}, {150, 100, 106LL * 1'000'000},
    {100, 100, 156LL * 1'000'000}, {50, 100, 206LL * 1'000'000}, {1, 100, 255LL * 1'000'000},
    {254, 1, 2LL * 10'000},        {200, 1, 56LL * 10'000},      {150, 1, 106LL * 10'000},
    {100, 1, 156LL * 10'000},      {50, 1, 206LL * 10'000},      {1, 1, 255LL * 10'000},
};

} // namespace

static void skew_and_master_down_match_protocol_table(void**) {
    for (const auto& f : kFigures) {
        const Duration interval = centiseconds(f.intervalCs);
        const Duration skew = skewTime(proto::Version::V3, f.priority, interval);
        const Duration mdi = masterDownInterval(proto::Version::V3, f.priority, interval);
        // Truncated to the microsecond, never off by a whole one.
        assert_int_equal(us(skew), f.skew256 / 256);
        assert_int_equal(us(mdi), 3 * us(interval) + f.skew256 / 256);
    }
    // The figures quoted by PROTOCOL.md §3.1 and §6 item 15.
    assert_int_equal(us(masterDownInterval(proto::Version::V3, 100, 1s)), 3'609'375);
    assert_int_equal(us(skewTime(proto::Version::V3, 100, 1s)), 609'375);
    // 254 @ 10 ms: exactly 30.078125 ms, i.e. 30078 µs after truncation.
    assert_int_equal(us(masterDownInterval(proto::Version::V3, 254, 10ms)), 30'078);
    // At 1 cs, neighbouring priorities still get different skews (39.0625 µs apart): integer
    // centiseconds would have made them all 0.
    assert_true(skewTime(proto::Version::V3, 254, 10ms) < skewTime(proto::Version::V3, 253, 10ms));
}

static void v2_skew_is_independent_of_interval(void**) {
    // RFC 3768 §6.1: (256 - Priority) / 256 seconds.
    assert_int_equal(us(skewTime(proto::Version::V2, 100, 1s)), 609'375);
    assert_int_equal(us(skewTime(proto::Version::V2, 100, 5s)), 609'375);
    assert_int_equal(us(masterDownInterval(proto::Version::V2, 100, 5s)), 15'609'375);

    config::Instance inst = instance(100);
    inst.version = proto::Version::V2;
    inst.advertInterval = 2s;
    VirtualRouter r = started(inst);
    assert_int_equal(us(r.skewTime()), 609'375);
    assert_int_equal(us(r.masterDownInterval()), 6'609'375);
    assert_int_equal(deadlineIn(r, kT0), 6'609'375);
}

static void b4_backup_learns_master_adver_interval(void**) {
    VirtualRouter r = started(instance(100));
    assert_int_equal(us(r.masterAdverInterval()), 1'000'000);
    const TimePoint now = kT0 + 1s;
    (void)r.handle(advert("192.0.2.10", 150).interval(200).event(), now);
    assert_int_equal(us(r.masterAdverInterval()), 2'000'000);
    // Skew (156 * 2 s / 256) and Master_Down_Interval follow the learned interval.
    assert_int_equal(us(r.skewTime()), 1'218'750);
    assert_int_equal(deadlineIn(r, now), 7'218'750);
}

static void b3_skew_time_uses_learned_interval(void**) {
    VirtualRouter r = started(instance(100));
    (void)r.handle(advert("192.0.2.10", 150).interval(200).event(), kT0 + 1s);
    (void)r.handle(advert("192.0.2.10", 0).interval(200).event(), kT0 + 2s);
    assert_int_equal(deadlineIn(r, kT0 + 2s), 1'218'750);
}

static void m4_master_learns_new_masters_interval(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    (void)r.handle(advert("192.0.2.10", 200).interval(50).event(), at + 100ms);
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Backup));
    assert_int_equal(us(r.masterAdverInterval()), 500'000);
    // 3 * 0.5 s + 156 * 0.5 s / 256.
    assert_int_equal(deadlineIn(r, at + 100ms), 1'804'687);
}

static void becoming_master_resets_master_adver_interval_to_own(void**) {
    VirtualRouter r = started(instance(100));
    (void)r.handle(advert("192.0.2.10", 150).interval(300).event(), kT0 + 1s);
    const TimePoint down = *r.nextDeadline();
    (void)r.onTimeout(down);
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Master));
    assert_int_equal(us(r.masterAdverInterval()), 1'000'000);
    // And it advertises at its own 1 s, not the learned 3 s.
    assert_int_equal(deadlineIn(r, down), 1'000'000);
    assert_int_equal(r.advertisement(100).intervalCs, 100);
}

static void next_adver_deadline_follows_ideal_schedule(void**) {
    const TimePoint d = kT0 + 1s;
    // Handled 3 ms late: the next deadline is still d + 1 s, not now + 1 s.
    assert_true(nextAdverDeadline(d, 1s, d + 3ms) == d + 1s);
    assert_true(nextAdverDeadline(d, 1s, d) == d + 1s);
    // Just under an interval late: still on the ideal schedule.
    assert_true(nextAdverDeadline(d, 1s, d + 999ms) == d + 1s);
    // An interval or more late: resync from now rather than send a burst.
    assert_true(nextAdverDeadline(d, 1s, d + 1s) == d + 2s);
    assert_true(nextAdverDeadline(d, 1s, d + 2500ms) == d + 3500ms);
}

static void adver_timer_keeps_ideal_deadlines_when_handled_late(void**) {
    config::Instance inst = instance(100);
    inst.announce.delay = 0s; // only adverts in this test
    TimePoint at;
    VirtualRouter r = master(inst, at);
    // Ten adverts, each handled 4 ms late: no drift accumulates.
    for (int i = 1; i <= 10; ++i) {
        const TimePoint late = at + i * 1s + 4ms;
        assert_string_equal(render(r.onTimeout(late)).c_str(), "send(100)");
        assert_true(*r.nextDeadline() == at + (i + 1) * 1s);
    }
}

static void adver_timer_resyncs_after_a_stall(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    // The loop stalled 3.5 s: one advert (not three), then every second from now.
    const TimePoint now = at + 3500ms;
    assert_string_equal(render(r.onTimeout(now)).c_str(), "send(100)");
    assert_true(*r.nextDeadline() == now + 1s);
}

static void master_sends_second_burst_and_refreshes(void**) {
    TimePoint at;
    VirtualRouter r = master(instance(100), at);
    // announce.delay = 5 s: the second burst rides with the advert due then.
    assert_string_equal(render(r.onTimeout(at + 5s)).c_str(), "send(100) announce(5)");
    assert_string_equal(render(r.onTimeout(at + 6s)).c_str(), "send(100)");
    // announce.refresh = 60 s: one frame per VIP.
    assert_string_equal(render(r.onTimeout(at + 60s)).c_str(), "send(100) announce(1)");
    assert_string_equal(render(r.onTimeout(at + 61s)).c_str(), "send(100)");
    assert_string_equal(render(r.onTimeout(at + 120s)).c_str(), "send(100) announce(1)");
}

static void announce_timers_are_optional_and_stop_with_mastership(void**) {
    config::Instance inst = instance(100);
    inst.announce.delay = 0s;
    inst.announce.refresh = 0s;
    TimePoint at;
    VirtualRouter r = master(inst, at);
    assert_string_equal(render(r.onTimeout(at + 5s)).c_str(), "send(100)");
    assert_string_equal(render(r.onTimeout(at + 60s)).c_str(), "send(100)");

    // With the defaults, a master that steps down before 5 s never sends the second burst.
    VirtualRouter q = master(instance(100), at);
    (void)q.handle(advert("192.0.2.10", 200).event(), at + 2s);
    assert_true(*q.nextDeadline() == at + 2s + 3609375us);
    assert_string_equal(render(q.onTimeout(at + 5s)).c_str(), "");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skew_and_master_down_match_protocol_table),
        cmocka_unit_test(v2_skew_is_independent_of_interval),
        cmocka_unit_test(b4_backup_learns_master_adver_interval),
        cmocka_unit_test(b3_skew_time_uses_learned_interval),
        cmocka_unit_test(m4_master_learns_new_masters_interval),
        cmocka_unit_test(becoming_master_resets_master_adver_interval_to_own),
        cmocka_unit_test(next_adver_deadline_follows_ideal_schedule),
        cmocka_unit_test(adver_timer_keeps_ideal_deadlines_when_handled_late),
        cmocka_unit_test(adver_timer_resyncs_after_a_stall),
        cmocka_unit_test(master_sends_second_burst_and_refreshes),
        cmocka_unit_test(announce_timers_are_optional_and_stop_with_mastership),
    };
    return cmocka_run_group_tests_name("core-timers", tests, nullptr, nullptr);
}
