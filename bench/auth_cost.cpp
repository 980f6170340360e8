// SPDX-License-Identifier: Apache-2.0
// bench/auth-cost: what keepalived's auth_hmac trailer costs hafd per advert, in ns of CPU.
//
// Times proto::auth::sign and proto::auth::verify on VRRPv3 adverts with one VIP (IPv4: a
// 12-byte message, IPv6: 24 bytes, each + the 28-byte trailer): the Ok path of verify on adverts
// signed beforehand with growing sequences (a fresh ReplayTable for each batch, so every one is
// admitted), the rejections that come before the HMAC (stale, unknown key) and the one after it
// (bad HMAC), decode() alone and decode() + verify(). The daemon's own steps are timed too:
// AdvertAuth::sign (the realtime clock, the sequencer, sign) and AdvertAuth::admit. For
// comparison, the same HMAC input (pseudo-header, message, trailer) in one buffer through the
// key's prepared context (Key::mac), through OpenSSL's one-shot HMAC(), and through a fresh
// EVP_MAC_CTX keyed for each packet: why hafd keeps one context per key.
//
// Each operation runs in a timed loop, calibrated to last about --target-ms; the loop is
// repeated --reps times and min/median/max of ns per operation reported. The time is the
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so time spent preempted by other load does not
// count; the median of the wall-clock figures is printed beside it.
//
// Usage: auth-cost [--reps N] [--target-ms MS] [--json]
// Not a test: it exits 1 only if an operation does not give the expected verdict.
#include "config/config.h"
#include "daemon/advert_auth.h"
#include "proto/advert.h"
#include "proto/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace hafd;
namespace auth = hafd::proto::auth;
using Bytes = std::vector<uint8_t>;

// AUTH_HMAC.md §13.1 K1.
constexpr std::array<uint8_t, 32> kKey = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                          11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                          22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
constexpr uint8_t kVrid = 51;
constexpr std::size_t kBatch = 1024; // pre-signed adverts with growing sequences
constexpr auth::Policy kPolicy{auth::AntiReplay::Time, 5};

volatile uint64_t gSink = 0; // keeps the results alive

int64_t clockNs(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

auth::WallTime wallTime() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return {static_cast<int64_t>(ts.tv_sec), ts.tv_nsec};
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "auth-cost: %s\n", what.c_str());
    std::exit(1);
}

IpAddress address(const char* text) {
    const auto a = IpAddress::parse(text);
    if (!a)
        die(std::string("bad address ") + text);
    return *a;
}

// One family's advert: where it comes from and goes to, and its encoded message.
struct Case {
    const char* name;
    IpAddress source;
    IpAddress destination;
    Bytes message; // the VRRP message, checksum set for `destination`
};

Case makeCase(const char* name, const char* source, const char* destination, const char* vip) {
    proto::Advertisement a;
    a.vrid = kVrid;
    a.priority = 200;
    a.intervalCs = 10;
    a.addresses = {address(vip)};
    a.family = a.addresses[0].family();
    Case c{name, address(source), address(destination), {}};
    c.message = proto::encode(a, proto::ChecksumForm::PseudoHeader, c.source, c.destination);
    if (c.message.empty())
        die(std::string(name) + ": cannot encode the advert");
    return c;
}

// The payload as sent: message + trailer signed with `sequence` by key `keyId`; for IPv6 the
// checksum then covers the trailer, as the kernel computes it on transmit.
Bytes signedPayload(const Case& c, const auth::Key& key, uint8_t keyId, uint64_t sequence) {
    Bytes p = c.message;
    const std::size_t n = p.size();
    p.resize(n + auth::kTrailerLength);
    const bool v6 = c.source.family() == Family::V6;
    if (v6)
        p[6] = p[7] = 0;
    auth::sign(p, n, {proto::Version::V3, kVrid, c.source}, keyId, key, sequence);
    if (v6 && !proto::setChecksum(p, proto::Version::V3, proto::ChecksumForm::PseudoHeader,
                                  c.source, c.destination))
        die(std::string(c.name) + ": cannot set the checksum");
    return p;
}

// The bytes the HMAC covers (AUTH_HMAC.md §4), in one buffer.
Bytes hmacInput(const Case& c, const Bytes& payload) {
    const std::size_t n = c.message.size();
    Bytes in(20 + n + auth::kTrailerLength, 0); // the HMAC field stays zero
    in[0] = c.source.family() == Family::V6 ? 0x06 : 0x04;
    in[1] = 3;
    in[2] = kVrid;
    // Byte by byte: g++ 12 takes std::copy into a fresh vector for an overflow (-Warray-bounds).
    const auto src = c.source.bytes();
    for (std::size_t i = 0; i < src.size(); ++i)
        in[4 + i] = src[i];
    for (std::size_t i = 0; i < n + 12; ++i) // message and trailer head
        in[20 + i] = payload[i];
    in[20 + 6] = in[20 + 7] = 0; // the checksum read as zero
    return in;
}

std::span<const uint8_t> messageOf(const Bytes& payload) {
    return std::span<const uint8_t>(payload).first(payload.size() - auth::kTrailerLength);
}

std::span<const uint8_t, auth::kTrailerLength> trailerOf(const Bytes& payload) {
    return std::span<const uint8_t>(payload)
        .subspan(payload.size() - auth::kTrailerLength)
        .first<auth::kTrailerLength>();
}

// --- timing -------------------------------------------------------------------------------------

struct Row {
    std::string family;
    std::string operation;
    std::string outcome;
    std::size_t bytes = 0; // what is signed or verified (payload), or hashed
    std::size_t iterations = 0;
    std::vector<double> cpuNs;  // per operation, one per rep
    std::vector<double> wallNs; // per operation, one per rep
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

struct Options {
    int reps = 11;
    double targetMs = 30;
    bool json = false;
};

// `body(n)` performs the operation n times.
Row measure(const Options& o, std::string family, std::string operation, std::string outcome,
            std::size_t bytes, const std::function<void(std::size_t)>& body) {
    Row r{std::move(family), std::move(operation), std::move(outcome), bytes, 0, {}, {}};
    // Calibrate: grow n until a run takes a quarter of the target, then scale to the target.
    std::size_t n = 64;
    for (;;) {
        const int64_t t0 = clockNs(CLOCK_THREAD_CPUTIME_ID);
        body(n);
        const double took = static_cast<double>(clockNs(CLOCK_THREAD_CPUTIME_ID) - t0);
        if (took >= o.targetMs * 1e6 / 4 || n >= (std::size_t{1} << 30)) {
            n = std::max<std::size_t>(kBatch,
                                      static_cast<std::size_t>(static_cast<double>(n) * o.targetMs *
                                                               1e6 / std::max(took, 1.0)));
            n = (n + kBatch - 1) / kBatch * kBatch; // whole batches
            break;
        }
        n *= 2;
    }
    r.iterations = n;
    for (int i = 0; i < o.reps; ++i) {
        const int64_t w0 = clockNs(CLOCK_MONOTONIC);
        const int64_t c0 = clockNs(CLOCK_THREAD_CPUTIME_ID);
        body(n);
        const int64_t c1 = clockNs(CLOCK_THREAD_CPUTIME_ID);
        const int64_t w1 = clockNs(CLOCK_MONOTONIC);
        r.cpuNs.push_back(static_cast<double>(c1 - c0) / static_cast<double>(n));
        r.wallNs.push_back(static_cast<double>(w1 - w0) / static_cast<double>(n));
    }
    return r;
}

void expect(auth::Verdict got, auth::Verdict want, const std::string& what) {
    if (got != want)
        die(what + ": verdict " + auth::verdictName(got) + ", expected " + auth::verdictName(want));
}

// --- the operations -----------------------------------------------------------------------------

void benchFamily(const Options& o, const Case& c, const std::shared_ptr<const auth::Key>& key,
                 std::vector<Row>& rows) {
    const std::string fam = c.name;
    const auth::KeyRing ring({{1, key}}, 1);
    const auth::Binding binding{proto::Version::V3, kVrid, c.source};
    const proto::RxMeta meta{c.source, c.destination, 255, 0};
    const std::size_t n = c.message.size();
    const std::size_t payloadBytes = n + auth::kTrailerLength;

    // sign: the trailer and its HMAC, over and over into one buffer.
    {
        Bytes packet = c.message;
        packet.resize(payloadBytes);
        uint64_t sequence = auth::clockSequence(wallTime());
        rows.push_back(measure(o, fam, "sign", "-", payloadBytes, [&](std::size_t k) {
            for (std::size_t i = 0; i < k; ++i)
                auth::sign(packet, n, binding, 1, *key, ++sequence);
            gSink = gSink + packet.back();
        }));
    }

    // A batch signed now with growing sequences: each is admitted by a fresh ReplayTable.
    const auto signBatch = [&](uint64_t from) {
        std::vector<Bytes> b;
        b.reserve(kBatch);
        for (std::size_t i = 0; i < kBatch; ++i)
            b.push_back(signedPayload(c, *key, 1, from + 1 + i));
        return b;
    };
    const auth::WallTime now = wallTime();
    const uint64_t base = auth::clockSequence(now);
    const std::vector<Bytes> batch = signBatch(base);
    {
        auth::ReplayTable check;
        for (const auto& p : batch)
            expect(auth::verify(messageOf(p), trailerOf(p), binding, ring, kPolicy, now.seconds,
                                check),
                   auth::Verdict::Ok, fam + " verify");
    }

    const auto verifyBatch = [&](std::size_t k, bool decodeFirst) {
        std::optional<auth::ReplayTable> replay;
        uint64_t bad = 0;
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t j = i % kBatch;
            if (j == 0)
                replay.emplace();
            const Bytes& p = batch[j];
            if (decodeFirst) {
                const auto d = proto::decode(p, meta);
                if (!d.ok() || !d->trailer) {
                    ++bad;
                    continue;
                }
            }
            bad += auth::verify(messageOf(p), trailerOf(p), binding, ring, kPolicy, now.seconds,
                                *replay) != auth::Verdict::Ok;
        }
        if (bad)
            die(fam + ": " + std::to_string(bad) + " adverts not Ok in the timed loop");
    };
    rows.push_back(measure(o, fam, "verify", "ok", payloadBytes,
                           [&](std::size_t k) { verifyBatch(k, false); }));
    rows.push_back(
        measure(o, fam, "authenticate (no replay table)", "ok", payloadBytes, [&](std::size_t k) {
            uint64_t ok = 0;
            for (std::size_t i = 0; i < k; ++i) {
                const Bytes& p = batch[i % kBatch];
                ok += auth::authenticate(messageOf(p), trailerOf(p), binding, ring, kPolicy,
                                         now.seconds) == auth::Verdict::Ok;
            }
            gSink = gSink + ok;
        }));
    rows.push_back(measure(o, fam, "decode", "ok", payloadBytes, [&](std::size_t k) {
        uint64_t ok = 0;
        for (std::size_t i = 0; i < k; ++i)
            ok += proto::decode(batch[i % kBatch], meta).ok();
        gSink = gSink + ok;
    }));
    rows.push_back(measure(o, fam, "decode + verify", "ok", payloadBytes,
                           [&](std::size_t k) { verifyBatch(k, true); }));

    // Rejections: the same advert over and over, each gives the same verdict.
    const auto rejection = [&](const char* what, const Bytes& p, auth::Verdict want) {
        auth::ReplayTable replay;
        expect(
            auth::verify(messageOf(p), trailerOf(p), binding, ring, kPolicy, now.seconds, replay),
            want, fam + " " + what);
        rows.push_back(measure(o, fam, "verify", what, payloadBytes, [&](std::size_t k) {
            uint64_t hits = 0;
            for (std::size_t i = 0; i < k; ++i)
                hits += auth::verify(messageOf(p), trailerOf(p), binding, ring, kPolicy,
                                     now.seconds, replay) == want;
            if (hits != k)
                die(fam + " " + what + ": another verdict in the timed loop");
        }));
    };
    const uint64_t oldSequence = auth::clockSequence({now.seconds - 100, now.nanoseconds});
    rejection("stale", signedPayload(c, *key, 1, oldSequence), auth::Verdict::Stale);
    rejection("unknown_key", signedPayload(c, *key, 2, base), auth::Verdict::UnknownKey);
    Bytes forged = signedPayload(c, *key, 1, base);
    forged.back() ^= 1;
    rejection("bad_hmac", forged, auth::Verdict::BadHmac);

    // The HMAC alone, on the same bytes in one buffer: the key's context, one-shot HMAC(), and
    // a context keyed for each packet.
    const Bytes input = hmacInput(c, batch[0]);
    {
        const std::span<const uint8_t> parts[] = {input};
        const auto mine = key->mac(parts);
        std::array<uint8_t, EVP_MAX_MD_SIZE> full{};
        unsigned length = 0;
        if (!HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()), input.data(),
                  input.size(), full.data(), &length) ||
            std::memcmp(full.data(), mine.data(), auth::kMacLength) != 0 ||
            std::memcmp(full.data(), batch[0].data() + n + 12, auth::kMacLength) != 0)
            die(fam + ": HMAC() and Key::mac disagree with the trailer");
    }
    rows.push_back(measure(o, fam, "HMAC-SHA256, key's context (Key::mac)", "-", input.size(),
                           [&](std::size_t k) {
                               const std::span<const uint8_t> parts[] = {input};
                               uint64_t x = 0;
                               for (std::size_t i = 0; i < k; ++i)
                                   x += key->mac(parts)[0];
                               gSink = gSink + x;
                           }));
    rows.push_back(
        measure(o, fam, "HMAC-SHA256, one-shot HMAC()", "-", input.size(), [&](std::size_t k) {
            std::array<uint8_t, EVP_MAX_MD_SIZE> out{};
            unsigned length = 0;
            uint64_t x = 0;
            for (std::size_t i = 0; i < k; ++i) {
                HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()), input.data(),
                     input.size(), out.data(), &length);
                x += out[0];
            }
            gSink = gSink + x;
        }));
    {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (!mac)
            die("EVP_MAC_fetch(HMAC)");
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string("digest", digest, 0),
            OSSL_PARAM_construct_end(),
        };
        rows.push_back(
            measure(o, fam, "HMAC-SHA256, EVP_MAC_CTX keyed per packet", "-", input.size(),
                    [&](std::size_t k) {
                        std::array<uint8_t, EVP_MAX_MD_SIZE> out{};
                        std::size_t length = 0;
                        uint64_t x = 0;
                        for (std::size_t i = 0; i < k; ++i) {
                            EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
                            if (!ctx || EVP_MAC_init(ctx, kKey.data(), kKey.size(), params) != 1 ||
                                EVP_MAC_update(ctx, input.data(), input.size()) != 1 ||
                                EVP_MAC_final(ctx, out.data(), &length, out.size()) != 1)
                                die("EVP_MAC");
                            EVP_MAC_CTX_free(ctx);
                            x += out[0];
                        }
                        gSink = gSink + x;
                    }));
        EVP_MAC_free(mac);
    }

    // The daemon's steps: AdvertAuth as an instance holds it (enforce, time anti-replay).
    config::Instance cfg;
    cfg.name = "vi";
    cfg.vrid = kVrid;
    cfg.family = c.source.family();
    config::Auth a;
    a.keys = {config::AuthKey{1, "/nonexistent", {}}};
    a.activeKey = 1;
    a.mode = config::AuthMode::Enforce;
    a.antiReplay = config::AntiReplay::Time;
    a.timeWindow = 5;
    cfg.auth = a;
    {
        daemon::AdvertAuth instance(cfg, auth::KeyRing({{1, key}}, 1));
        Bytes packet = c.message;
        packet.resize(payloadBytes);
        rows.push_back(measure(o, fam, "AdvertAuth::sign (clock, sequencer, sign)", "-",
                               payloadBytes, [&](std::size_t k) {
                                   uint64_t x = 0;
                                   for (std::size_t i = 0; i < k; ++i)
                                       x += instance.sign(packet, n, c.source)[27];
                                   gSink = gSink + x;
                               }));
    }
    {
        // Signed again now: admit() reads the realtime clock, and the rows above took seconds.
        const std::vector<Bytes> fresh = signBatch(auth::clockSequence(wallTime()));
        const auto decoded = proto::decode(fresh[0], meta);
        if (!decoded.ok() || !decoded->trailer)
            die(fam + ": decode of a signed advert failed");
        std::optional<daemon::AdvertAuth> instance;
        instance.emplace(cfg, auth::KeyRing({{1, key}}, 1));
        if (instance->admit(cfg, fresh[0], *decoded, meta))
            die(fam + ": AdvertAuth::admit dropped a signed advert");
        rows.push_back(
            measure(o, fam, "AdvertAuth::admit (a fresh one per batch)", "ok", payloadBytes,
                    [&](std::size_t k) {
                        uint64_t dropped = 0;
                        for (std::size_t i = 0; i < k; ++i) {
                            const std::size_t j = i % kBatch;
                            if (j == 0)
                                instance.emplace(cfg, auth::KeyRing({{1, key}}, 1));
                            dropped += instance->admit(cfg, fresh[j], *decoded, meta).has_value();
                        }
                        if (dropped)
                            die(fam + ": AdvertAuth::admit dropped adverts");
                    }));
    }
}

void printTable(const Options& o, const std::vector<Row>& rows) {
    std::printf("auth-cost: %s; %d reps of a timed loop per operation, ~%g ms each; ns of thread "
                "CPU per operation (wall: median of wall-clock ns)\n\n",
                OpenSSL_version(OPENSSL_VERSION), o.reps, o.targetMs);
    std::printf("%-6s %-44s %-12s %6s %10s %10s %10s %10s %10s\n", "family", "operation", "outcome",
                "bytes", "loop", "min", "median", "max", "wall med");
    for (const auto& r : rows) {
        const auto [lo, hi] = std::minmax_element(r.cpuNs.begin(), r.cpuNs.end());
        std::printf("%-6s %-44s %-12s %6zu %10zu %10.1f %10.1f %10.1f %10.1f\n", r.family.c_str(),
                    r.operation.c_str(), r.outcome.c_str(), r.bytes, r.iterations, *lo,
                    median(r.cpuNs), *hi, median(r.wallNs));
    }
}

void printJson(const Options& o, const std::vector<Row>& rows) {
    const auto list = [](const std::vector<double>& v) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%s%.2f", i ? ", " : "", v[i]);
            s += buf;
        }
        return s + "]";
    };
    std::printf("{\"openssl\": \"%s\", \"reps\": %d, \"target_ms\": %g, \"rows\": [\n",
                OpenSSL_version(OPENSSL_VERSION), o.reps, o.targetMs);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::printf(" {\"family\": \"%s\", \"operation\": \"%s\", \"outcome\": \"%s\", \"bytes\": "
                    "%zu, \"iterations\": %zu, \"cpu_ns\": %s, \"wall_ns\": %s}%s\n",
                    r.family.c_str(), r.operation.c_str(), r.outcome.c_str(), r.bytes, r.iterations,
                    list(r.cpuNs).c_str(), list(r.wallNs).c_str(), i + 1 < rows.size() ? "," : "");
    }
    std::printf("]}\n");
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--reps" && i + 1 < argc)
            o.reps = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--target-ms" && i + 1 < argc)
            o.targetMs = std::max(1.0, std::atof(argv[++i]));
        else if (arg == "--json")
            o.json = true;
        else {
            std::fprintf(stderr, "usage: %s [--reps N] [--target-ms MS] [--json]\n", argv[0]);
            return 2;
        }
    }
    auto created = auth::Key::create(kKey);
    if (!created)
        die("key: " + created.error().message);
    const auto key = std::make_shared<const auth::Key>(std::move(*created));

    std::vector<Row> rows;
    benchFamily(o, makeCase("ipv4", "192.0.2.1", "224.0.0.18", "198.51.100.10"), key, rows);
    benchFamily(o, makeCase("ipv6", "fe80::10", "ff02::12", "fe80::51"), key, rows);
    {
        uint64_t x = 0;
        rows.push_back(measure(o, "-", "clock_gettime(CLOCK_REALTIME)", "-", 0, [&](std::size_t k) {
            for (std::size_t i = 0; i < k; ++i)
                x += static_cast<uint64_t>(wallTime().nanoseconds);
            gSink = gSink + x;
        }));
    }
    if (o.json)
        printJson(o, rows);
    else
        printTable(o, rows);
    return 0;
}
