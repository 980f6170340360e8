#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every resource bound in the source is documented in hafd(8) LIMITS. A bound is a constant
# (`constexpr ... kName =`) named kMax..., or ending in Limit, Limits, History, Backlog, Kept
# or Shown, anywhere in SRC_DIR but the offline importer (src/import). The LIMITS entry that
# documents one names it in a roff comment, `.\" bound: kName ...`; a constant of that shape
# that is no resource bound (a wire field's range) is listed in EXEMPT_FILE with the reason.
# Names the page or EXEMPT_FILE give that the source no longer defines fail too, so neither
# list goes stale.
# Usage: limits.sh SRC_DIR MAN_PAGE EXEMPT_FILE
src=$1 page=$2 exempt=$3
pattern='^kMax[A-Z0-9]|(Limit|Limits|History|Backlog|Kept|Shown)$'

# Constants defined in the source, one name a line.
defined() {
    grep -rhoE --include='*.h' --include='*.cpp' --exclude-dir=import \
        'constexpr[^=;(]*[[:space:]]k[A-Za-z0-9_]+[[:space:]]*(\[\])?[[:space:]]*[={]' "$src" |
        sed -E 's/.*[[:space:]](k[A-Za-z0-9_]+)[[:space:]]*(\[\])?[[:space:]]*[={]$/\1/' | sort -u
}

section=$(sed -n '/^\.SH LIMITS/,/^\.SH /p' "$page")
[ -n "$section" ] || { echo "$page has no LIMITS section"; exit 1; }
documented=$(printf '%s\n' "$section" | sed -n 's/^\.\\" bound://p' | tr -s ' \t' '\n' |
    sed '/^$/d' | sort -u)
exempted=$(sed 's/#.*//' "$exempt" | awk 'NF { print $1 }' | sort -u)
all=$(defined)
bounds=$(printf '%s\n' "$all" | grep -E "$pattern")

fail=0
for name in $bounds; do
    printf '%s\n' "$documented" "$exempted" | grep -qx "$name" && continue
    echo "$name: a bound in $src that $page LIMITS does not name (.\\\" bound: $name)"
    echo "    (or, if it bounds no resource, list it in $exempt with the reason)"
    fail=1
done
for name in $documented $exempted; do
    printf '%s\n' "$all" | grep -qx "$name" && continue
    echo "$name: named by $page LIMITS or $exempt, but no longer defined in $src"
    fail=1
done
[ $fail -eq 0 ] && echo "limits: $(printf '%s\n' "$bounds" | grep -c .) bounds, each documented" \
    "or exempt"
exit $fail
