// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the simulation scenarios.
#pragma once

#include "lan.h"
#include "unit_test.h"

namespace hafd::sim {

inline constexpr Duration kLatency = 100us; // LanOptions default

// Master_Down_Interval and Skew_Time for a priority at 1 s (PROTOCOL.md §3.1).
inline Duration mdi(uint8_t priority, Duration interval = 1s) {
    return 3 * interval + Duration((256 - priority) * interval.count() / 256);
}
inline Duration skew(uint8_t priority, Duration interval = 1s) {
    return Duration((256 - priority) * interval.count() / 256);
}

// Every advert went through the real codec and none failed to encode or decode.
inline void assertCodecClean(const Lan& lan) {
    assert_true(lan.advertsEncoded() > 0);
    assert_true(lan.copiesDecoded() > 0);
    assert_int_equal(lan.encodeFailures(), 0);
    assert_int_equal(lan.decodeFailures(), 0);
}

inline bool isMaster(const Lan& lan, std::size_t i) {
    return lan.state(i) == core::State::Master;
}

// Starts every node at the same instant.
inline void startAll(Lan& lan) {
    for (std::size_t i = 0; i < lan.size(); ++i)
        lan.start(i);
}

// The three-router LAN most scenarios use: priorities 100, 150, 200 (node 2 is the master).
inline Lan threeRouters(LanOptions options = {}, NodeSpec top = {}) {
    Lan lan(options);
    NodeSpec s;
    s.priority = 100;
    lan.add(s);
    s.priority = 150;
    lan.add(s);
    top.priority = 200;
    lan.add(top);
    return lan;
}

} // namespace hafd::sim
