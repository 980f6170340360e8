// SPDX-License-Identifier: Apache-2.0
#include "proto/auth.h"

#include "proto/wire.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstdlib>

namespace hafd::proto::auth {

namespace {

// Trailer layout (§3).
constexpr std::size_t kExtType = 0;
constexpr std::size_t kKeyId = 1;
constexpr std::size_t kReserved = 2;
constexpr std::size_t kSequence = 4;
constexpr std::size_t kMac = 12;
constexpr std::size_t kChecksumOffset = 6; // in the VRRP message
constexpr std::size_t kPseudoHeaderLength = 20;
constexpr std::array<uint8_t, kMacLength> kZeroMac{};
constexpr std::array<uint8_t, 2> kZeroChecksum{};

EVP_MAC* hmacAlgorithm() {
    // Fetched once and kept for the life of the process (OpenSSL frees it at exit).
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

std::array<uint8_t, kPseudoHeaderLength> pseudoHeader(const Binding& b) {
    std::array<uint8_t, kPseudoHeaderLength> ph{};
    ph[0] = b.source.family() == Family::V6 ? 0x06 : 0x04;
    ph[1] = static_cast<uint8_t>(b.version);
    ph[2] = b.vrid;
    const auto src = b.source.bytes();
    std::copy(src.begin(), src.end(), ph.begin() + 4);
    return ph;
}

// What §4 puts ahead of the trailer for an advert; the spans point into `ph` and `message`.
std::array<std::span<const uint8_t>, 4>
advertCovered(const std::array<uint8_t, kPseudoHeaderLength>& ph,
              std::span<const uint8_t> message) {
    return {ph, message.first(kChecksumOffset), kZeroChecksum,
            message.subspan(kChecksumOffset + kZeroChecksum.size())};
}

// The HMAC over `covered`, then `trailerHead` (the trailer's first 12 bytes) and a zero HMAC.
std::array<uint8_t, kMacLength> macOf(const Key& key, Covered covered,
                                      std::span<const uint8_t> trailerHead) {
    if (covered.size() > kMaxCoveredParts)
        return {};
    std::array<std::span<const uint8_t>, kMaxCoveredParts + 2> parts{};
    std::copy(covered.begin(), covered.end(), parts.begin());
    parts[covered.size()] = trailerHead;
    parts[covered.size() + 1] = kZeroMac;
    return key.mac(std::span(parts).first(covered.size() + 2));
}

int32_t secondsApart(int64_t now, uint32_t then) {
    return static_cast<int32_t>(static_cast<uint32_t>(now) - then);
}

bool beyond(int32_t delta, unsigned window) {
    return std::llabs(static_cast<long long>(delta)) > static_cast<long long>(window);
}

} // namespace

const char* verdictName(Verdict v) {
    switch (v) {
    case Verdict::Ok:
        return "ok";
    case Verdict::Malformed:
        return "malformed";
    case Verdict::UnknownKey:
        return "unknown_key";
    case Verdict::BadHmac:
        return "bad_hmac";
    case Verdict::Stale:
        return "stale";
    case Verdict::Replay:
        return "replay";
    }
    return "?";
}

uint64_t clockSequence(WallTime now) {
    const auto seconds = static_cast<uint32_t>(now.seconds);
    const auto fraction = static_cast<uint64_t>(now.nanoseconds) * 65536 / 1'000'000'000;
    return static_cast<uint64_t>(seconds) << 32 | (fraction & 0xffff) << 16;
}

// --- keys ---------------------------------------------------------------------------------------

struct Key::Impl {
    EVP_MAC_CTX* ctx = nullptr;
    ~Impl() { EVP_MAC_CTX_free(ctx); }
};

Key::Key(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Key::Key(Key&&) noexcept = default;
Key& Key::operator=(Key&&) noexcept = default;
Key::~Key() = default;

Result<Key> Key::create(std::span<const uint8_t> bytes) {
    if (bytes.size() < kMinKeyLength || bytes.size() > kMaxKeyLength)
        return Unexpected{Error{"a key is " + std::to_string(kMinKeyLength) + ".." +
                                std::to_string(kMaxKeyLength) + " bytes, not " +
                                std::to_string(bytes.size())}};
    EVP_MAC* mac = hmacAlgorithm();
    auto impl = std::make_unique<Impl>();
    if (mac)
        impl->ctx = EVP_MAC_CTX_new(mac);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (!impl->ctx || EVP_MAC_init(impl->ctx, bytes.data(), bytes.size(), params) != 1)
        return Unexpected{Error{"OpenSSL cannot set up HMAC-SHA256"}};
    return Key(std::move(impl));
}

std::array<uint8_t, kMacLength> Key::mac(std::span<const std::span<const uint8_t>> parts) const {
    std::array<uint8_t, EVP_MAX_MD_SIZE> full{};
    std::size_t length = 0;
    // A null key re-initialises the context with the key it holds (no new key schedule).
    bool ok = EVP_MAC_init(impl_->ctx, nullptr, 0, nullptr) == 1;
    for (const auto& p : parts)
        ok = ok && EVP_MAC_update(impl_->ctx, p.data(), p.size()) == 1;
    ok = ok && EVP_MAC_final(impl_->ctx, full.data(), &length, full.size()) == 1 &&
         length >= kMacLength;
    std::array<uint8_t, kMacLength> out{};
    if (ok) // else all zero: no trailer verifies, which fails closed
        std::copy_n(full.begin(), kMacLength, out.begin());
    OPENSSL_cleanse(full.data(), full.size());
    return out;
}

KeyRing::KeyRing(std::vector<Entry> keys, uint8_t active)
    : keys_(std::move(keys)), active_(active) {}

const Key* KeyRing::find(uint8_t id) const {
    for (const auto& e : keys_)
        if (e.id == id)
            return e.key.get();
    return nullptr;
}

// --- sender -------------------------------------------------------------------------------------

uint64_t Sequencer::next(WallTime now, const Policy& policy) {
    const uint64_t clock = clockSequence(now);
    if (any_ && policy.antiReplay == AntiReplay::Time) {
        // A last sequence more than the window ahead of the clock: the clock was corrected
        // backwards; start again from it rather than stay in the future.
        const int32_t ahead =
            secondsApart(static_cast<int64_t>(last_ >> 32), static_cast<uint32_t>(clock >> 32));
        if (ahead > 0 && static_cast<unsigned>(ahead) > policy.window)
            any_ = false;
    }
    last_ = !any_ || after(clock, last_) ? clock : last_ + 1;
    any_ = true;
    return last_;
}

void signTrailer(std::span<uint8_t, kTrailerLength> trailer, Covered covered, uint8_t keyId,
                 const Key& key, uint64_t sequence) {
    trailer[kExtType] = kSchemeHmacSha256;
    trailer[kKeyId] = keyId;
    trailer[kReserved] = 0;
    trailer[kReserved + 1] = 0;
    wire::store64(trailer, kSequence, sequence);
    const auto mac = macOf(key, covered, std::span<const uint8_t>(trailer).first(kMac));
    std::copy(mac.begin(), mac.end(), trailer.begin() + kMac);
}

void sign(std::span<uint8_t> packet, std::size_t messageLength, const Binding& binding,
          uint8_t keyId, const Key& key, uint64_t sequence) {
    const auto ph = pseudoHeader(binding);
    const auto covered = advertCovered(ph, packet.first(messageLength));
    signTrailer(packet.subspan(messageLength).first<kTrailerLength>(), covered, keyId, key,
                sequence);
}

// --- receiver -----------------------------------------------------------------------------------

uint64_t trailerSequence(std::span<const uint8_t, kTrailerLength> trailer) {
    return wire::load64(trailer, kSequence);
}

Verdict checkTrailer(Covered covered, std::span<const uint8_t, kTrailerLength> trailer,
                     const KeyRing& keys, const Policy& policy, int64_t nowSeconds) {
    if (trailer[kExtType] != kSchemeHmacSha256 || trailer[kReserved] != 0 ||
        trailer[kReserved + 1] != 0)
        return Verdict::Malformed;
    // Before the HMAC, so that a flood of old captures costs no digest.
    if (policy.antiReplay == AntiReplay::Time &&
        beyond(secondsApart(nowSeconds, wire::load32(trailer, kSequence)), policy.window))
        return Verdict::Stale;
    const Key* key = keys.find(trailer[kKeyId]);
    if (!key)
        return Verdict::UnknownKey;
    const auto mac = macOf(*key, covered, trailer.first(kMac));
    if (CRYPTO_memcmp(mac.data(), trailer.data() + kMac, kMacLength) != 0)
        return Verdict::BadHmac;
    return Verdict::Ok;
}

Verdict authenticate(std::span<const uint8_t> message,
                     std::span<const uint8_t, kTrailerLength> trailer, const Binding& binding,
                     const KeyRing& keys, const Policy& policy, int64_t nowSeconds) {
    if (message.size() < kChecksumOffset + 2)
        return Verdict::Malformed;
    const auto ph = pseudoHeader(binding);
    return checkTrailer(advertCovered(ph, message), trailer, keys, policy, nowSeconds);
}

ReplayTable::Slot& ReplayTable::slot(const IpAddress& source) {
    for (auto& s : slots_)
        if (s.source == source)
            return s;
    if (slots_.size() < capacity_)
        return slots_.emplace_back(Slot{source, {}, 0});
    auto& lru = *std::min_element(slots_.begin(), slots_.end(),
                                  [](const Slot& a, const Slot& b) { return a.used < b.used; });
    lru = Slot{source, {}, 0};
    return lru;
}

Verdict ReplayTable::admit(const IpAddress& source, uint64_t sequence, const Policy& policy,
                           int64_t nowSeconds) {
    Slot& s = slot(source);
    s.used = ++clock_;
    Mark& m = s.mark;
    // Time mode: a mark more than the window from now is forgotten (the sender's clock was
    // stepped); monotonic marks never expire.
    if (m.valid && policy.antiReplay == AntiReplay::Time &&
        beyond(secondsApart(nowSeconds, static_cast<uint32_t>(m.sequence >> 32)), policy.window))
        m.valid = false;
    if (m.valid && !after(sequence, m.sequence))
        return Verdict::Replay;
    m = {true, sequence};
    return Verdict::Ok;
}

void ReplayTable::setCapacity(std::size_t capacity) {
    capacity_ = capacity == 0 ? 1 : capacity;
    while (slots_.size() > capacity_)
        slots_.erase(
            std::min_element(slots_.begin(), slots_.end(),
                             [](const Slot& a, const Slot& b) { return a.used < b.used; }));
}

const Mark* ReplayTable::mark(const IpAddress& source) const {
    for (const auto& s : slots_)
        if (s.source == source)
            return &s.mark;
    return nullptr;
}

void ReplayTable::setMark(const IpAddress& source, Mark mark) {
    Slot& s = slot(source);
    s.used = ++clock_;
    s.mark = mark;
}

Verdict verify(std::span<const uint8_t> message, std::span<const uint8_t, kTrailerLength> trailer,
               const Binding& binding, const KeyRing& keys, const Policy& policy,
               int64_t nowSeconds, ReplayTable& replay) {
    const Verdict v = authenticate(message, trailer, binding, keys, policy, nowSeconds);
    if (v != Verdict::Ok)
        return v;
    return replay.admit(binding.source, trailerSequence(trailer), policy, nowSeconds);
}

} // namespace hafd::proto::auth
