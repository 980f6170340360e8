// SPDX-License-Identifier: Apache-2.0
// VRRP advertisements: VRRPv3 (RFC 9568, IPv4 and IPv6) and VRRPv2 (RFC 3768, IPv4), as values,
// with the codec that turns them into and out of the VRRP message (the bytes after the IP header).
// PROTOCOL.md §1 has the layouts; §1.5 the checksum forms.
#pragma once

#include "common/address.h"
#include "common/result.h"
#include "proto/drop_reason.h"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace hafd::proto {

inline constexpr uint8_t kIpProtoVrrp = 112;
inline constexpr uint8_t kVrrpTtl = 255;
inline constexpr std::size_t kHeaderLength = 8;
inline constexpr std::size_t kV2AuthDataLength = 8;
// Largest Max Adver Int (12 bits of centiseconds) and v2 Adver Int (8 bits of seconds).
inline constexpr uint16_t kMaxV3IntervalCs = 4095;
inline constexpr uint16_t kMaxV2IntervalS = 255;

enum class Version : uint8_t { V2 = 2, V3 = 3 };

// How the VRRPv3 checksum over IPv4 is computed (PROTOCOL.md §1.5). IPv6 always uses its
// pseudo-header and VRRPv2 never uses one, so for those the form is fixed and reported as
// PseudoHeader (IPv6) or MessageOnly (v2).
enum class ChecksumForm : uint8_t {
    PseudoHeader,  // RFC 5798 reading: IPv4 pseudo-header with the real destination (keepalived,
                   // FRR, Wireshark). hafd's default.
    MessageOnly,   // RFC 9568 §5.2.8: the VRRP message alone (Cisco; keepalived v3_checksum_as_v2)
    LegacyUnicast, // keepalived <= 1.3.6 unicast: pseudo-header with destination 224.0.0.18
};
const char* checksumFormName(ChecksumForm form); // "pseudo_header", "rfc9568", "legacy_unicast"

// VRRPv2 authentication (RFC 2338 types; RFC 3768 reserves them). Interop only: type 1 sends
// the password in clear and offers no security.
enum class V2AuthType : uint8_t { None = 0, SimplePassword = 1 };

struct Advertisement {
    Version version = Version::V3;
    Family family = Family::V4;
    uint8_t vrid = 0;
    uint8_t priority = 0;
    // v3: Max Adver Int in centiseconds (1..4095). v2: Adver Int converted to centiseconds
    // (seconds x 100); encode() requires a whole number of seconds for v2.
    uint16_t intervalCs = 100;
    // All of `family`. For IPv6 the first should be link-local (RFC 9568 §5.2.9).
    std::vector<IpAddress> addresses;
    // VRRPv2 only (ignored by encode() for v3; left at their defaults by decode() for v3).
    // decode() keeps authData as received whatever the type; only SimplePassword gives it a
    // meaning. encode() writes it as given: all zero by default, as RFC 3768 asks.
    V2AuthType authType = V2AuthType::None;
    std::array<uint8_t, kV2AuthDataLength> authData{};

    bool operator==(const Advertisement&) const = default;
};

// What the io layer knows about a received packet, from the IP header or ancillary data.
struct RxMeta {
    IpAddress source;
    IpAddress destination;
    int hopLimit = -1; // IPv4 TTL or IPv6 hop limit; -1 if unknown (then not checked)
    uint32_t ifindex = 0;
};

struct Decoded {
    Advertisement advert;
    ChecksumForm checksumForm = ChecksumForm::PseudoHeader; // the form that verified
    // The payload is the message and, after it, an auth_hmac trailer (AUTH_HMAC.md §2): exactly
    // kAuthTrailerLength bytes more than the message. Only the instance can judge it: one
    // without auth drops it as LengthMismatch, as keepalived does.
    bool trailer = false;
};

// The auth_hmac trailer's length (proto/auth.h has the rest).
inline constexpr std::size_t kAuthTrailerLength = 28;

// Bytes of a VRRP message for `count` addresses.
std::size_t messageLength(Version v, Family f, std::size_t count);
// How many addresses fit in one advert within `mtu` (IP header included, and `trailer` bytes
// after the message: kAuthTrailerLength when it is signed); at most 255.
std::size_t maxAddressesPerAdvert(Version v, Family f, std::size_t mtu, std::size_t trailer = 0);

// Decodes and validates a VRRP message (the IP payload; `message.size()` is the payload length
// from the IP header, never the frame length). Checks, in order (PROTOCOL.md §3.4): header
// present (TooShort), version and type (BadVersion: not 2 or 3, or 2 over IPv6; BadType), TTL/hop
// limit 255 when the destination is multicast (BadTtl; unicast or hopLimit -1: not checked,
// DESIGN.md §10), length exact or exactly an auth trailer more (LengthMismatch; Decoded::trailer),
// checksum in any accepted form (BadChecksum; over the message only for IPv4, as keepalived
// computes it, and over the whole payload, trailer included, for IPv6, as the kernel does),
// count != 0 (ZeroCount), interval != 0 (ZeroInterval), and for v2 an auth type hafd can be
// configured with, 0 or 1 (AuthMismatch: RFC 3768 says to discard unknown types, and no
// instance could match one). Whether type and password match ours is the core's check.
// The advert's family is that of meta.source; a meta.destination of another family is
// BadIpHeader. Reserved bits are ignored. IPv4 v3 tries PseudoHeader (meta.destination),
// MessageOnly, then, for a unicast destination only, LegacyUnicast; IPv6 reports PseudoHeader,
// v2 MessageOnly.
Result<Decoded, DropReason> decode(std::span<const uint8_t> message, const RxMeta& meta);

// Writes the VRRP message for `advert` into `out` (which must hold messageLength() bytes) with
// the checksum in `form` for a packet from `source` to `destination`. `form` matters for IPv4 v3
// only (IPv6 always uses the pseudo-header, v2 never); source and destination are used only when
// a pseudo-header is, and must then be of the advert's family. Returns the bytes written, or 0
// if the advert cannot be encoded: interval out of range for its version (v3: 1..4095 cs; v2:
// whole seconds 1..255), no addresses or more than 255, addresses not all of `family`, v2 over
// IPv6, a v2 auth type other than None/SimplePassword, source/destination of the wrong family
// when needed, or `out` too small. Reserved bits are sent as zero.
std::size_t encode(const Advertisement& advert, ChecksumForm form, const IpAddress& source,
                   const IpAddress& destination, std::span<uint8_t> out);

// Convenience for tests and the simulation: encode() into a fresh vector (empty on failure).
std::vector<uint8_t> encode(const Advertisement& advert, ChecksumForm form, const IpAddress& source,
                            const IpAddress& destination);

// Rewrites the checksum of an encoded message for another destination (unicast to several
// peers: the IPv4 v3 pseudo-header holds the destination). The family is source's. Returns
// false, leaving `message` unchanged, if it is shorter than the header, v2 is asked over IPv6,
// or the destination's family differs from the source's where a pseudo-header is used.
bool setChecksum(std::span<uint8_t> message, Version v, ChecksumForm form, const IpAddress& source,
                 const IpAddress& destination);

} // namespace hafd::proto
