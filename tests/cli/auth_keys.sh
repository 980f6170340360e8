#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Unsafe auth key settings (hafd.conf(5), Authentication keys; AUTH_HMAC.md 8-9) are errors at
# their file:line, exit 2, both from `hafd --check-config` and from the daemon at start, both in
# the top-level auth and in an instance's own: a key file that is missing or unreadable (a
# directory, or one its owner may not read), that holds fewer than 32 or more than 64 bytes,
# that group or others have any access to, or that is not root's; an active_key that names no
# key (keepalived then runs the instance unauthenticated); a key id used twice or outside
# 1..255. Private root-owned keys of 32 and 64 bytes, raw or hex, pass.
# Root only: it needs key files owned by root and by another user (exit 77 otherwise).
# Usage: auth_keys.sh HAFD
set -u
hafd=$1
[ "$(id -u)" -eq 0 ] || { echo "needs root: key files must be owned by root"; exit 77; }
fail=0
checked=0
tmp=$(mktemp -d /tmp/hafd-auth-keys.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/keys" "$tmp/run"

# key NAME MODE [CONTENT]: writes a key file (the content defaults to a good 32-byte hex key)
# with MODE set after the write, so the umask does not matter; prints its path.
hex32=hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
key() {
    printf '%s\n' "${3-$hex32}" >"$tmp/keys/$1"
    chmod "$2" "$tmp/keys/$1"
    echo "$tmp/keys/$1"
}

# config NAME WHERE KEYS ACTIVE: a file with one auth group, at the top level (WHERE=top) or in
# the instance (WHERE=instance), holding KEYS (the inside of `keys = ( ... )`) and ACTIVE. Its
# keys are on line 2 (top) or 3 (instance) and active_key on the line after. The interface
# does not exist, so that a daemon that wrongly started would only wait in FAULT.
config() {
    if [ "$2" = top ]; then
        cat >"$tmp/$1.conf" <<EOF
auth = {
  keys = ( $3 );
  active_key = $4;
};
instances = ( { name = "web"; interface = "hafd-ak0"; vrid = 51; addresses = [ "192.0.2.10" ]; } );
EOF
    else
        cat >"$tmp/$1.conf" <<EOF
instances = (
  { name = "web"; interface = "hafd-ak0"; vrid = 51; addresses = [ "192.0.2.10" ];
    auth = { keys = ( $3 );
             active_key = $4; }; }
);
EOF
    fi
    echo "$tmp/$1.conf"
}

# The line of the keys, of active_key, and the path of the group, in each place.
keysLine() { [ "$1" = top ] && echo 2 || echo 3; }
activeLine() { [ "$1" = top ] && echo 3 || echo 4; }
prefix() { [ "$1" = top ] && echo auth || echo 'instances["web"].auth'; }

# refused FILE EXPECTED: both ways of loading FILE exit 2 and print EXPECTED (a whole
# "file:line: setting: problem"; the daemon prints it after a time stamp and "error: ").
refused() {
    checked=$((checked + 1))
    "$hafd" --check-config -f "$1" </dev/null >"$tmp/out" 2>&1
    rc=$?
    if [ $rc -ne 2 ] || ! grep -qxF "$2" "$tmp/out"; then
        echo "FAIL --check-config -f $1: exit $rc (expected 2) and no line"
        echo "  $2"
        sed 's/^/  got: /' "$tmp/out"
        fail=1
    fi
    env -u JOURNAL_STREAM timeout 20 "$hafd" -f "$1" --runtime-dir "$tmp/run" </dev/null \
        >"$tmp/out" 2>&1
    rc=$?
    if [ $rc -ne 2 ] || ! grep -qF "error: $2" "$tmp/out"; then
        echo "FAIL hafd -f $1 (start): exit $rc (expected 2) and no line"
        echo "  error: $2"
        sed 's/^/  got: /' "$tmp/out"
        fail=1
    fi
}

# accepted FILE: --check-config exits 0 with no error.
accepted() {
    checked=$((checked + 1))
    if ! "$hafd" --check-config -f "$1" </dev/null >"$tmp/out" 2>&1 || grep -v ': warning: ' "$tmp/out" |
        grep -v 'configuration ok' | grep -q .; then
        echo "FAIL --check-config -f $1: rejected"
        sed 's/^/  got: /' "$tmp/out"
        fail=1
    fi
}

good=$(key good 0600)
private="a key file must be readable by its owner only (0600 or 0400)"
missing="$tmp/keys/missing"
directory="$tmp/keys/directory"
mkdir "$directory"
writeOnly=$(key write-only 0200)
short=$(key short 0600 0123456789abcdef0123456789abcde)
shortHex=$(key short-hex 0600 "${hex32%??}")
long=$(key long 0600 "$(printf '%065d' 0)")
longHex=$(key long-hex 0600 "$hex32${hex32#hex:}00")
group=$(key group 0640)
others=$(key others 0604)
groupExec=$(key group-exec 0610)
foreign=$(key foreign 0600)
chown 65534:65534 "$foreign"

for where in top instance; do
    p=$(prefix "$where")
    k=$(keysLine "$where")
    a=$(activeLine "$where")

    # The key file: each problem at keys[1].file, on the keys line.
    while read -r name path problem; do
        f=$(config "$where-$name" "$where" "{ id = 1; file = \"$path\"; }" 1)
        refused "$f" "$f:$k: $p.keys[1].file: $problem"
    done <<EOF
missing $missing cannot read "$missing": No such file or directory
directory $directory "$directory" is not a regular file
write-only $writeOnly "$writeOnly" is not readable by its owner (mode 0200): $private
short $short "$short": holds a 31-byte key; keys are 32..64 bytes
short-hex $shortHex "$shortHex": holds a 31-byte key; keys are 32..64 bytes
long $long "$long": holds a 65-byte key; keys are 32..64 bytes
long-hex $longHex "$longHex": holds a 65-byte key; keys are 32..64 bytes
group $group "$group" is accessible by group or others (mode 0640): $private
others $others "$others" is accessible by group or others (mode 0604): $private
group-exec $groupExec "$groupExec" is accessible by group or others (mode 0610): $private
foreign $foreign "$foreign" is owned by uid 65534, not root: its owner can read the key
EOF

    # active_key names no key: keepalived disables auth_hmac and runs unauthenticated.
    f=$(config "$where-active-undefined" "$where" \
        "{ id = 1; file = \"$good\"; }, { id = 2; file = \"$good\"; }" 3)
    refused "$f" "$f:$a: $p.active_key: key 3 is not defined (keys: 1 and 2); hafd never runs unauthenticated instead"

    # A key id used twice, reported at the second.
    f=$(config "$where-duplicate-id" "$where" \
        "{ id = 1; file = \"$good\"; }, { id = 1; file = \"$good\"; }" 1)
    refused "$f" "$f:$k: $p.keys[2].id: key id 1 is already defined at line $k"

    # Key ids are 1..255.
    for id in 0 256; do
        f=$(config "$where-id-$id" "$where" "{ id = $id; file = \"$good\"; }" 1)
        refused "$f" "$f:$k: $p.keys[1].id: $id is out of range 1..255"
    done

    # Good keys: 32 bytes in hex at 0600, 64 raw bytes at 0400, ids at both ends of the range.
    raw64=$(key "$where-raw64" 0400 "$(printf '%064d' 0)")
    f=$(config "$where-good" "$where" \
        "{ id = 1; file = \"$good\"; }, { id = 255; file = \"$raw64\"; }" 255)
    accepted "$f"
done

[ $fail -eq 0 ] && echo "auth-keys: $checked files refused or accepted as expected"
exit $fail
