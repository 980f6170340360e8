#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command line of `hafd --check-config` (DESIGN.md §8, §10): every broken file of the corpus
# exits 2 and prints its expected diagnostics (the '# expect:' lines, FILE standing for the
# path); every good file exits 0; usage errors exit 2.
# Usage: check_config.sh HAFD DATA_DIR
set -u
hafd=$1
data=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$data"/bad/*.conf; do
    "$hafd" --check-config -f "$f" >"$tmp/out" 2>&1
    rc=$?
    if [ $rc -ne 2 ]; then
        echo "FAIL $f: exit $rc, expected 2"
        fail=1
        continue
    fi
    dir=$(dirname "$f")
    grep '^# expect: ' "$f" | sed -e 's/^# expect: //' -e "s|FILE|$f|g" -e "s|DIR/|$dir/|g" >"$tmp/want"
    # Host facts (a missing interface on this machine) may add warnings: only the expected lines
    # must all be there, in order.
    grep -vF -e 'no interface' -e 'configuration rejected' "$tmp/out" >"$tmp/got"
    if ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
        echo "FAIL $f:"
        cat "$tmp/diff"
        fail=1
    fi
done
for f in "$data"/good/*.conf; do
    if ! "$hafd" --check-config -f "$f" >"$tmp/out" 2>&1; then
        echo "FAIL $f: rejected:"
        cat "$tmp/out"
        fail=1
    fi
done
"$hafd" --check-config -f "$data/good/minimal.conf" --bogus >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: an unknown option does not exit 2"; fail=1; }
"$hafd" --check-config -f /nonexistent/hafd.conf >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q '/nonexistent/hafd.conf' "$tmp/out" ||
    { echo "FAIL: a missing file does not exit 2 naming it"; fail=1; }
[ $fail -eq 0 ] && echo "check-config: $(ls "$data"/bad/*.conf | wc -l) broken and $(ls "$data"/good/*.conf | wc -l) good files as expected"
exit $fail
