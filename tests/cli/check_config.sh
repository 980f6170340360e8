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
# Good files name their key files under /etc/hafd/, which this host may lack, and a key file
# problem is an error even here (hafd.conf(5)): they are checked as copies whose key files
# exist, mode 0600. As root those are root's, as in production; as another user, they are
# that user's, and a copy may be rejected only for its keys' owner.
mkdir "$tmp/keys"
cp -R "$data/good" "$tmp/good"
key=hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
for f in "$tmp"/good/*.conf; do
    for k in $(grep -o '[^_]file = "/etc/hafd/[^"]*"' "$f" | sed -e 's|.*/||' -e 's|"$||'); do
        [ -e "$tmp/keys/$k" ] || { echo "$key" >"$tmp/keys/$k"; chmod 0600 "$tmp/keys/$k"; }
    done
    sed -i "s|\([^_]file = \"\)/etc/hafd/|\1$tmp/keys/|g" "$f"
done
uid=$(id -u)
for f in "$tmp"/good/*.conf; do
    "$hafd" --check-config -f "$f" >"$tmp/out" 2>&1 && continue
    if [ "$uid" -ne 0 ] && ! grep -v -e ': warning: ' -e 'configuration rejected' "$tmp/out" |
        grep -v -e "\"$tmp/keys/[^\"]*\" is owned by uid $uid, not root" | grep -q .; then
        continue
    fi
    echo "FAIL $data/good/$(basename "$f"): rejected:"
    cat "$tmp/out"
    fail=1
done
"$hafd" --check-config -f "$data/good/minimal.conf" --bogus >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: an unknown option does not exit 2"; fail=1; }
"$hafd" --check-config -f /nonexistent/hafd.conf >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q '/nonexistent/hafd.conf' "$tmp/out" ||
    { echo "FAIL: a missing file does not exit 2 naming it"; fail=1; }
[ $fail -eq 0 ] && echo "check-config: $(ls "$data"/bad/*.conf | wc -l) broken and $(ls "$data"/good/*.conf | wc -l) good files as expected"
exit $fail
