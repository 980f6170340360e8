// SPDX-License-Identifier: Apache-2.0
// The heartbeat known-answer vectors, printed by tests/data/heartbeat_vector.py (Python's hashlib
// and hmac from the format's description, independent of hafd's code). hafd-heartbeat(7) shows
// the same bytes.
#pragma once

#include <cstdint>

namespace heartbeat_test {

// K1 of AUTH_HMAC.md §13.1: bytes 00..1f.
inline constexpr const char* kK1 =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
inline constexpr const char* kK2 =
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

// VIP digests.
inline constexpr uint32_t kDigestV4 = 0xdaba1148;    // 192.0.2.100/24
inline constexpr uint32_t kDigestV6 = 0x51abf07d;    // 2001:db8::1/64, 2001:db8::2/64
inline constexpr uint32_t kDigestV6Len = 0xadb93d67; // 2001:db8::1/64, 2001:db8::2/96
inline constexpr uint32_t kDigestEmpty = 0xe3b0c442; // no VIPs: SHA-256 of nothing

// "node-a", quorum, start id 0123456789abcdef, counter 42, lease 2000 ms, one entry: IPv4,
// VRID 51, MASTER, priority 200, configured 200, VRRPv3, 100 cs, 1 VIP, digest kDigestV4.
inline constexpr const char* kMessage = "48414648 01 01 0035"
                                        "0123456789abcdef 000000000000002a 000007d0"
                                        "06 6e6f64652d61 0001"
                                        "04 33 02 c8 c8 03 0064 0001 daba1148 0000";
// Signed by 192.0.2.1 with key id 1 = K1, sequence 0x6800000080000000.
inline constexpr const char* kTrailer = "01 01 0000 6800000080000000"
                                        "1963310a59c683a6284122035d4e8612";
inline constexpr uint64_t kSequence = 0x6800000080000000;
inline constexpr const char* kSource = "192.0.2.1";

} // namespace heartbeat_test
