// SPDX-License-Identifier: Apache-2.0
// The names of drop reasons and checksum forms appear in status JSON and metrics: stable,
// unique, snake_case.
#include "proto/advert.h"
#include "proto/drop_reason.h"

#include "unit_test.h"

#include <cstring>
#include <set>
#include <string>

using namespace hafd::proto;

static bool isSnakeCase(const std::string& s) {
    if (s.empty() || s.front() == '_' || s.back() == '_')
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

static void every_drop_reason_has_a_unique_snake_case_name(void**) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
        const std::string name = dropReasonName(static_cast<DropReason>(i));
        assert_true(isSnakeCase(name));
        assert_string_not_equal(name.c_str(), "unknown");
        assert_true(seen.insert(name).second);
    }
    assert_int_equal(seen.size(), kDropReasonCount);
}

static void drop_reason_names_are_the_documented_ones(void**) {
    assert_string_equal(dropReasonName(DropReason::TooShort), "too_short");
    assert_string_equal(dropReasonName(DropReason::BadTtl), "bad_ttl");
    assert_string_equal(dropReasonName(DropReason::LengthMismatch), "length_mismatch");
    assert_string_equal(dropReasonName(DropReason::BadChecksum), "bad_checksum");
    assert_string_equal(dropReasonName(DropReason::ZeroInterval), "zero_interval");
    assert_string_equal(dropReasonName(DropReason::AuthMismatch), "auth_mismatch");
    assert_string_equal(dropReasonName(DropReason::NotListening), "not_listening");
    assert_string_equal(dropReasonName(DropReason::AuthMissing), "auth_missing");
    assert_string_equal(dropReasonName(DropReason::AuthMalformed), "auth_malformed");
    assert_string_equal(dropReasonName(DropReason::AuthUnknownKey), "auth_unknown_key");
    assert_string_equal(dropReasonName(DropReason::AuthBadHmac), "auth_bad_hmac");
    assert_string_equal(dropReasonName(DropReason::AuthStale), "auth_stale");
    assert_string_equal(dropReasonName(DropReason::AuthReplay), "auth_replay");
    assert_string_equal(dropReasonName(static_cast<DropReason>(200)), "unknown");
}

static void checksum_form_names_are_stable(void**) {
    assert_string_equal(checksumFormName(ChecksumForm::PseudoHeader), "pseudo_header");
    assert_string_equal(checksumFormName(ChecksumForm::MessageOnly), "rfc9568");
    assert_string_equal(checksumFormName(ChecksumForm::LegacyUnicast), "legacy_unicast");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_drop_reason_has_a_unique_snake_case_name),
        cmocka_unit_test(drop_reason_names_are_the_documented_ones),
        cmocka_unit_test(checksum_form_names_are_stable),
    };
    return cmocka_run_group_tests_name("proto-names", tests, nullptr, nullptr);
}
