// SPDX-License-Identifier: Apache-2.0
// keepalived's auth_hmac (≥ 2.4.2), byte for byte: the 28-byte trailer after a VRRP message, its
// HMAC-SHA256 (truncated to 16 bytes, through OpenSSL) over the pseudo-header, the message with
// its checksum read as zero and the trailer with its HMAC read as zero; the 64-bit sequence
// (seconds, binary fraction, tie-break counter) and the receiver's anti-replay marks.
// AUTH_HMAC.md §2-§6 and §11 are the reference; §13 has the vectors the unit tests use.
//
// Pure apart from OpenSSL: the caller passes the realtime clock in, so every rule is testable.
#pragma once

#include "common/address.h"
#include "common/result.h"
#include "proto/advert.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace hafd::proto::auth {

inline constexpr std::size_t kTrailerLength = kAuthTrailerLength;
inline constexpr std::size_t kMacLength = 16;
inline constexpr std::size_t kMinKeyLength = 32;
inline constexpr std::size_t kMaxKeyLength = 64;
inline constexpr uint8_t kSchemeHmacSha256 = 1; // ext_type: the only scheme defined

// The outcome of checking a trailer, in keepalived's order (AUTH_HMAC.md §6.2 item 6).
enum class Verdict : uint8_t { Ok, Malformed, UnknownKey, BadHmac, Stale, Replay };
const char* verdictName(Verdict v); // "ok", "malformed", "unknown_key", "bad_hmac", ...

enum class AntiReplay : uint8_t { Time, Monotonic };

// How a receiver judges freshness: time mode drops what is more than `window` seconds from its
// clock, monotonic mode only asks each sender's sequence to grow.
struct Policy {
    AntiReplay antiReplay = AntiReplay::Time;
    unsigned window = 5; // seconds, 1..300; time mode only
};

// What a trailer is bound to (the pseudo-header, §4): family, the instance's VRRP version and
// VRID, and the source address of the advert.
struct Binding {
    Version version = Version::V3;
    uint8_t vrid = 0;
    IpAddress source; // its family is the advert's
};

// Wall-clock seconds and nanoseconds since the Unix epoch, read by the caller.
struct WallTime {
    int64_t seconds = 0;
    long nanoseconds = 0;
};

// The sequence the clock gives: low 32 bits of the seconds, the binary fraction of the second in
// 1/65536 s, a zero counter (§6.1).
uint64_t clockSequence(WallTime now);
// RFC 1982 serial order on whole sequences: a is after b.
inline bool after(uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a - b) > 0;
}

// One HMAC-SHA256 key, ready to sign and verify (its OpenSSL context is set up once, so a packet
// costs no key schedule). Move-only; the key bytes are wiped when it goes.
class Key {
public:
    // 32..64 bytes; an error otherwise, or if OpenSSL cannot set the key up.
    static Result<Key> create(std::span<const uint8_t> bytes);

    Key(Key&&) noexcept;
    Key& operator=(Key&&) noexcept;
    ~Key();

    // The first 16 bytes of HMAC-SHA256 over the concatenation of `parts`.
    std::array<uint8_t, kMacLength> mac(std::span<const std::span<const uint8_t>> parts) const;

private:
    struct Impl;
    explicit Key(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The keys of an instance by id: every one verifies; the active one signs.
class KeyRing {
public:
    struct Entry {
        uint8_t id;
        std::shared_ptr<const Key> key; // shared by the instances that name the same file
    };
    // Preconditions: ids unique and 1..255, `active` among them.
    KeyRing(std::vector<Entry> keys, uint8_t active);

    const Key* find(uint8_t id) const;
    uint8_t activeId() const { return active_; }
    const Key& active() const { return *find(active_); }

private:
    std::vector<Entry> keys_;
    uint8_t active_;
};

// The sender's sequence (§6.1): the clock when it is after the last one sent, else the last + 1.
// In time mode a last sequence more than `window` seconds ahead of the clock (a clock corrected
// backwards) is forgotten; monotonic mode keeps strict growth whatever the clock does. Starts
// from the clock, never from zero, so a capture from before a restart stays a replay.
class Sequencer {
public:
    uint64_t next(WallTime now, const Policy& policy);
    // For tests: pretend `last` was sent.
    void setLast(uint64_t last) {
        last_ = last;
        any_ = true;
    }

private:
    uint64_t last_ = 0;
    bool any_ = false;
};

// --- the trailer for any message ---------------------------------------------------------------
// Adverts and cluster heartbeats (proto/heartbeat.h) share the trailer and its checks; only what
// the HMAC covers ahead of the trailer differs. `covered` lists it as parts, in order (at most
// kMaxCoveredParts): for an advert the pseudo-header and the message with its checksum read as
// zero. The HMAC input is always `covered`, the trailer's first 12 bytes, then 16 zero bytes.
inline constexpr std::size_t kMaxCoveredParts = 6;
using Covered = std::span<const std::span<const uint8_t>>;

// Fills `trailer` (§3): ext_type 1, `keyId`, reserved 0, `sequence`, the HMAC. More parts than
// kMaxCoveredParts is outside the contract: the HMAC is then left zero, so nothing verifies.
void signTrailer(std::span<uint8_t, kTrailerLength> trailer, Covered covered, uint8_t keyId,
                 const Key& key, uint64_t sequence);

// §6.2 items 1-4 for a trailer after any message: format, freshness (time mode, against
// `nowSeconds`), key id, HMAC in constant time. Grants no trust and changes no state.
Verdict checkTrailer(Covered covered, std::span<const uint8_t, kTrailerLength> trailer,
                     const KeyRing& keys, const Policy& policy, int64_t nowSeconds);

// --- adverts
// --------------------------------------------------------------------------------------

// Appends the trailer: `packet` holds the VRRP message in its first `messageLength` bytes and
// has room for kTrailerLength more. The checksum field may already be set: it is not covered.
void sign(std::span<uint8_t> packet, std::size_t messageLength, const Binding& binding,
          uint8_t keyId, const Key& key, uint64_t sequence);

// The trailer's sequence (bytes 4..11).
uint64_t trailerSequence(std::span<const uint8_t, kTrailerLength> trailer);

// Checks a trailer up to its HMAC (§6.2 items 1-4): format, freshness (time mode, against
// `nowSeconds`), key id, HMAC in constant time. Grants no trust and changes no state when it
// fails; the replay check (Replay::admit) follows an Ok.
Verdict authenticate(std::span<const uint8_t> message,
                     std::span<const uint8_t, kTrailerLength> trailer, const Binding& binding,
                     const KeyRing& keys, const Policy& policy, int64_t nowSeconds);

// One sender's anti-replay mark (§6.2 item 5).
struct Mark {
    bool valid = false;
    uint64_t sequence = 0;
};

// The receiver's marks, by sender: at most `capacity` senders, the least recently accepted
// forgotten first (keepalived keeps 4 per multicast instance; a unicast instance keeps one per
// peer). Touched only by authenticated packets, so forged sources cannot churn it.
class ReplayTable {
public:
    explicit ReplayTable(std::size_t capacity = 4) : capacity_(capacity == 0 ? 1 : capacity) {}

    // Replay or Ok for an authenticated sequence from `source`; Ok moves the mark.
    Verdict admit(const IpAddress& source, uint64_t sequence, const Policy& policy,
                  int64_t nowSeconds);
    // For tests: the mark kept for `source`, if any.
    const Mark* mark(const IpAddress& source) const;
    void setMark(const IpAddress& source, Mark mark);
    std::size_t size() const { return slots_.size(); }
    // Room for `capacity` senders from now on; the least recently accepted go when it shrinks.
    void setCapacity(std::size_t capacity);

private:
    struct Slot {
        IpAddress source;
        Mark mark;
        uint64_t used = 0; // the admission that touched it last, for LRU
    };
    Slot& slot(const IpAddress& source);

    std::size_t capacity_;
    std::vector<Slot> slots_;
    uint64_t clock_ = 0;
};

// §11 whole: authenticate, then the replay table.
Verdict verify(std::span<const uint8_t> message, std::span<const uint8_t, kTrailerLength> trailer,
               const Binding& binding, const KeyRing& keys, const Policy& policy,
               int64_t nowSeconds, ReplayTable& replay);

} // namespace hafd::proto::auth
