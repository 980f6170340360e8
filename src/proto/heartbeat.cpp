// SPDX-License-Identifier: Apache-2.0
#include "proto/heartbeat.h"

#include "proto/wire.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace hafd::proto::heartbeat {

namespace {

// Header offsets (heartbeat.h, hafd-heartbeat(7)).
constexpr std::size_t kVersionAt = 4;
constexpr std::size_t kFlagsAt = 5;
constexpr std::size_t kLengthAt = 6;
constexpr std::size_t kStartIdAt = 8;
constexpr std::size_t kCounterAt = 16;
constexpr std::size_t kLeaseAt = 24;
constexpr std::size_t kNameLengthAt = 28;
constexpr std::size_t kNameAt = kFixedLength;
// The smallest message: a one-byte name and no instances.
constexpr std::size_t kMinLength = kFixedLength + 1 + 2;

constexpr uint8_t kFlagQuorum = 0x01;
constexpr uint8_t kFlagWitness = 0x02;
constexpr uint8_t kFlagLeaving = 0x04;

// Entry offsets.
constexpr std::size_t kFamilyAt = 0;
constexpr std::size_t kVridAt = 1;
constexpr std::size_t kStateAt = 2;
constexpr std::size_t kPriorityAt = 3;
constexpr std::size_t kBasePriorityAt = 4;
constexpr std::size_t kVrrpVersionAt = 5;
constexpr std::size_t kIntervalAt = 6;
constexpr std::size_t kVipCountAt = 8;
constexpr std::size_t kDigestAt = 10;
constexpr std::size_t kSuccessorAt = 14;
constexpr uint8_t kMaxState = 3; // FAULT

// The HMAC's context string: binds a trailer to heartbeats, so that no advert trailer (whose
// input starts with a pseudo-header) can be replayed as a heartbeat's or the other way round.
constexpr char kContext[] = "hafd-heartbeat";
constexpr std::size_t kContextLength = sizeof kContext - 1; // 14, no terminator

bool nameByte(uint8_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

std::string hexByte(uint8_t b) {
    static constexpr char kDigits[] = "0123456789abcdef";
    return std::string("0x") + kDigits[b >> 4] + kDigits[b & 0x0f];
}

// The header checks every datagram needs before its parts can be told apart: magic, format
// version and the declared message length (at least kMinLength).
Result<std::size_t> declaredLength(std::span<const uint8_t> bytes) {
    if (bytes.size() < kMinLength)
        return fail("too short: " + std::to_string(bytes.size()) +
                    " bytes, a heartbeat has at least " + std::to_string(kMinLength));
    if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin()))
        return fail("bad magic: not \"HAFH\"");
    if (bytes[kVersionAt] != kFormatVersion)
        return fail("format version " + std::to_string(bytes[kVersionAt]) + ", only " +
                    std::to_string(kFormatVersion) + " is known");
    const std::size_t length = wire::load16(bytes, kLengthAt);
    if (length < kMinLength)
        return fail("length field " + std::to_string(length) + " is below the minimum " +
                    std::to_string(kMinLength));
    return length;
}

// Checks one 16-byte entry and reads it; `index` counts from 0, for the error text.
Result<InstanceEntry> decodeEntry(std::span<const uint8_t> e, std::size_t index) {
    const std::string where = "instance " + std::to_string(index) + ": ";
    InstanceEntry out;
    switch (e[kFamilyAt]) {
    case 4:
        out.family = Family::V4;
        break;
    case 6:
        out.family = Family::V6;
        break;
    default:
        return fail(where + "family " + std::to_string(e[kFamilyAt]) + ", must be 4 or 6");
    }
    out.vrid = e[kVridAt];
    if (out.vrid == 0)
        return fail(where + "VRID 0, must be 1..255");
    out.state = e[kStateAt];
    if (out.state > kMaxState)
        return fail(where + "state " + std::to_string(out.state) + ", must be 0..3");
    out.priority = e[kPriorityAt];
    out.basePriority = e[kBasePriorityAt];
    out.version = e[kVrrpVersionAt];
    if (out.version != 2 && out.version != 3)
        return fail(where + "VRRP version " + std::to_string(out.version) + ", must be 2 or 3");
    out.intervalCs = wire::load16(e, kIntervalAt);
    out.vipCount = wire::load16(e, kVipCountAt);
    out.vipDigest = wire::load32(e, kDigestAt);
    out.successor = wire::load16(e, kSuccessorAt);
    return out;
}

// What the HMAC covers ahead of the trailer: the context string, the sender's address, the
// message. The spans point into `source` and `message`.
std::array<std::span<const uint8_t>, 3> covered(std::span<const uint8_t> message,
                                                const IpAddress& source) {
    return {std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kContext), kContextLength),
            source.bytes(), message};
}

Received dropped(Drop d, std::string detail = {}) {
    Received r;
    r.drop = d;
    r.detail = std::move(detail);
    return r;
}

} // namespace

uint32_t vipDigest(std::span<const Prefix> vips) {
    std::vector<const Prefix*> sorted;
    sorted.reserve(vips.size());
    for (const auto& p : vips)
        sorted.push_back(&p);
    // By address bytes (unsigned, shorter first on a common start), then prefix length.
    std::sort(sorted.begin(), sorted.end(), [](const Prefix* a, const Prefix* b) {
        const auto x = a->address.bytes();
        const auto y = b->address.bytes();
        if (std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end()))
            return true;
        if (std::lexicographical_compare(y.begin(), y.end(), x.begin(), x.end()))
            return false;
        return a->length < b->length;
    });
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                      &EVP_MD_CTX_free);
    std::array<uint8_t, EVP_MAX_MD_SIZE> md{};
    unsigned mdLength = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
    for (const Prefix* p : sorted) {
        const auto bytes = p->address.bytes();
        ok = ok && EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1 &&
             EVP_DigestUpdate(ctx.get(), &p->length, 1) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx.get(), md.data(), &mdLength) == 1 && mdLength >= 4;
    // OpenSSL failing here means it cannot do SHA-256 at all; 0 then stands for "unknown".
    return ok ? wire::load32(md, 0) : 0;
}

uint16_t successorTag(std::string_view name) {
    std::array<uint8_t, EVP_MAX_MD_SIZE> md{};
    unsigned mdLength = 0;
    const bool ok =
        EVP_Digest(name.data(), name.size(), md.data(), &mdLength, EVP_sha256(), nullptr) == 1;
    const uint16_t tag = ok ? wire::load16(md, 0) : 0;
    return tag == 0 ? 1 : tag;
}

std::vector<uint8_t> encode(const Heartbeat& hb) {
    // Out of contract input is cut to fit, so the message is always well-formed (a name with
    // bytes outside the allowed set is still refused by receivers).
    const std::size_t nameLength = std::min(hb.name.size(), kMaxNameLength);
    const std::size_t count = std::min(hb.instances.size(), kMaxInstances);
    const std::size_t countAt = kNameAt + nameLength;
    const std::size_t length = countAt + 2 + count * kEntryLength;

    std::vector<uint8_t> out(length, 0);
    const std::span<uint8_t> m(out);
    wire::put(m, 0, kMagic);
    m[kVersionAt] = kFormatVersion;
    m[kFlagsAt] =
        static_cast<uint8_t>((hb.quorum ? kFlagQuorum : 0) | (hb.witness ? kFlagWitness : 0) |
                             (hb.leaving ? kFlagLeaving : 0));
    wire::store16(m, kLengthAt, static_cast<uint16_t>(length));
    wire::store64(m, kStartIdAt, hb.startId);
    wire::store64(m, kCounterAt, hb.counter);
    wire::store32(m, kLeaseAt, hb.leaseMs);
    m[kNameLengthAt] = static_cast<uint8_t>(nameLength);
    wire::put(m, kNameAt, std::span(reinterpret_cast<const uint8_t*>(hb.name.data()), nameLength));
    wire::store16(m, countAt, static_cast<uint16_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
        const InstanceEntry& in = hb.instances[i];
        const auto e = m.subspan(countAt + 2 + i * kEntryLength, kEntryLength);
        e[kFamilyAt] = static_cast<uint8_t>(in.family);
        e[kVridAt] = in.vrid;
        e[kStateAt] = in.state;
        e[kPriorityAt] = in.priority;
        e[kBasePriorityAt] = in.basePriority;
        e[kVrrpVersionAt] = in.version;
        wire::store16(e, kIntervalAt, in.intervalCs);
        wire::store16(e, kVipCountAt, in.vipCount);
        wire::store32(e, kDigestAt, in.vipDigest);
        wire::store16(e, kSuccessorAt, in.successor);
    }
    return out;
}

const char* dropName(Drop d) {
    switch (d) {
    case Drop::Malformed:
        return "malformed";
    case Drop::Missing:
        return "auth_missing";
    case Drop::Unexpected:
        return "auth_unexpected";
    case Drop::UnknownKey:
        return "unknown_key";
    case Drop::BadHmac:
        return "bad_hmac";
    case Drop::Stale:
        return "stale";
    case Drop::Replay:
        return "replay";
    case Drop::UnknownNode:
        return "unknown_node";
    }
    return "unknown";
}

Result<Heartbeat> decode(std::span<const uint8_t> bytes) {
    const auto length = declaredLength(bytes);
    if (!length)
        return Unexpected{length.error()};
    if (*length != bytes.size())
        return fail("length field says " + std::to_string(*length) + " bytes, the message has " +
                    std::to_string(bytes.size()));

    Heartbeat hb;
    const uint8_t flags = bytes[kFlagsAt]; // bits 3-7 are for later versions: ignored
    hb.quorum = (flags & kFlagQuorum) != 0;
    hb.witness = (flags & kFlagWitness) != 0;
    hb.leaving = (flags & kFlagLeaving) != 0;
    hb.startId = wire::load64(bytes, kStartIdAt);
    hb.counter = wire::load64(bytes, kCounterAt);
    hb.leaseMs = wire::load32(bytes, kLeaseAt);

    const std::size_t nameLength = bytes[kNameLengthAt];
    if (nameLength == 0 || nameLength > kMaxNameLength)
        return fail("name length " + std::to_string(nameLength) + ", must be 1.." +
                    std::to_string(kMaxNameLength));
    const std::size_t countAt = kNameAt + nameLength;
    if (countAt + 2 > bytes.size())
        return fail("a name of " + std::to_string(nameLength) +
                    " bytes and the instance count do not fit in " + std::to_string(bytes.size()) +
                    " bytes");
    for (std::size_t i = 0; i < nameLength; ++i)
        if (!nameByte(bytes[kNameAt + i]))
            return fail("name byte " + std::to_string(i) + " is " + hexByte(bytes[kNameAt + i]) +
                        ", a name is A-Z a-z 0-9 _ . -");
    hb.name.assign(bytes.begin() + static_cast<std::ptrdiff_t>(kNameAt),
                   bytes.begin() + static_cast<std::ptrdiff_t>(countAt));

    const std::size_t count = wire::load16(bytes, countAt);
    if (count > kMaxInstances)
        return fail("instance count " + std::to_string(count) + ", at most " +
                    std::to_string(kMaxInstances));
    const std::size_t entriesAt = countAt + 2;
    if (bytes.size() - entriesAt != count * kEntryLength)
        return fail(std::to_string(count) + " instances need " +
                    std::to_string(count * kEntryLength) + " bytes of entries, the message has " +
                    std::to_string(bytes.size() - entriesAt));
    hb.instances.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto e = decodeEntry(bytes.subspan(entriesAt + i * kEntryLength, kEntryLength), i);
        if (!e)
            return Unexpected{e.error()};
        hb.instances.push_back(*e);
    }
    return hb;
}

std::vector<uint8_t> sign(std::span<const uint8_t> message, const IpAddress& source, uint8_t keyId,
                          const auth::Key& key, uint64_t sequence) {
    std::vector<uint8_t> out(message.begin(), message.end());
    out.resize(message.size() + auth::kTrailerLength);
    const auto trailer = std::span(out).subspan(message.size()).first<auth::kTrailerLength>();
    auth::signTrailer(trailer, covered(message, source), keyId, key, sequence);
    return out;
}

Received receive(std::span<const uint8_t> datagram, const IpAddress& source,
                 const auth::KeyRing* keys, bool requireTrailer, const auth::Policy& policy,
                 int64_t nowSeconds, auth::ReplayTable& replay) {
    // The message's own length field tells where a trailer would start.
    const auto length = declaredLength(datagram);
    if (!length)
        return dropped(Drop::Malformed, length.error().message);
    const std::size_t signedLength = *length + auth::kTrailerLength;
    const bool plain = datagram.size() == *length;
    if (keys && plain && requireTrailer)
        return dropped(Drop::Missing);
    if (!keys && datagram.size() == signedLength)
        return dropped(Drop::Unexpected);
    if (!plain && datagram.size() != signedLength)
        return dropped(Drop::Malformed, "length field says " + std::to_string(*length) +
                                            " bytes, so a heartbeat is " + std::to_string(*length) +
                                            " or, signed, " + std::to_string(signedLength) +
                                            "; the datagram has " +
                                            std::to_string(datagram.size()));
    const bool verify = keys && !plain;

    const auto message = datagram.first(*length);
    uint64_t sequence = 0;
    if (verify) {
        const auto trailer = datagram.last<auth::kTrailerLength>();
        // Authenticated before the body is parsed: a forger's bytes reach no more than the
        // header checks above.
        const auth::Verdict v =
            auth::checkTrailer(covered(message, source), trailer, *keys, policy, nowSeconds);
        switch (v) {
        case auth::Verdict::Ok:
            break;
        case auth::Verdict::Malformed:
            return dropped(Drop::Malformed, "trailer: ext_type " + std::to_string(trailer[0]) +
                                                " or its reserved bytes are not those of "
                                                "HMAC-SHA256 (1, 0)");
        case auth::Verdict::UnknownKey:
            return dropped(Drop::UnknownKey);
        case auth::Verdict::BadHmac:
            return dropped(Drop::BadHmac);
        case auth::Verdict::Stale:
            return dropped(Drop::Stale);
        case auth::Verdict::Replay: // checkTrailer never says it
            return dropped(Drop::Replay);
        }
        sequence = auth::trailerSequence(trailer);
    }

    auto hb = decode(message);
    if (!hb)
        return dropped(Drop::Malformed, hb.error().message);
    // Last, so that the mark moves only for a heartbeat that passed everything else.
    if (verify && replay.admit(source, sequence, policy, nowSeconds) != auth::Verdict::Ok)
        return dropped(Drop::Replay);

    Received r;
    r.ok = true;
    r.heartbeat = std::move(*hb);
    return r;
}

} // namespace hafd::proto::heartbeat
