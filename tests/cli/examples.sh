#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped examples (conf/examples/*.conf, scripts/examples/*) are what operators start
# from, so each must pass `hafd --check-config` with nothing to say but facts about this host.
#
# Host facts, and how this test treats them (hostcheck/host_checks.cpp):
# - key files (`file = "/etc/hafd/..."`): always errors, so each example is checked as a copy
#   whose key files exist, fresh 32-byte keys of mode 0600. As root they are root's, as in
#   production; as another user they are that user's, and a copy may then be rejected only
#   for its keys' owner.
# - interfaces, scripts.user, and programs that do not exist here: warnings in --check-config.
#   These three warnings, and no other, are allowed. A missing program is then checked here
#   instead: /etc/hafd/NAME must be an example script (scripts/examples/NAME) and
#   /usr/libexec/hafd/NAME one of hafd's own (scripts/NAME).
# - a running hafd: the check uses a runtime directory of its own, so nothing is compared.
# Every other warning (an unused check, an IPv6 instance without a link-local address first,
# an interval too short) fails the test: an example should not teach what hafd warns about.
#
# Every file of both directories must be installed by conf/meson.build, and named in
# hafd.conf(5), EXAMPLES.
# The scripts: executable, `#!/bin/sh` or bash, an SPDX line, `sh -n` (or `bash -n`) clean,
# and shellcheck clean when shellcheck is installed.
# Usage: examples.sh HAFD CONF_EXAMPLES_DIR SCRIPTS_DIR HAFD_CONF_5
set -u
hafd=$1
confs=$2
scripts=$3
manpage=$4
fail=0
nconfs=0
nscripts=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
mkdir "$tmp/keys" "$tmp/run"
uid=$(id -u)

ls "$confs"/*.conf >/dev/null 2>&1 || { echo "FAIL: no examples in $confs"; exit 1; }
for f in "$confs"/*.conf; do
    name=$(basename "$f")
    nconfs=$((nconfs + 1))
    copy="$tmp/$name"
    cp "$f" "$copy"
    grep -o '[^_]file = "/etc/hafd/[^"]*"' "$f" | sed -e 's|.*/||' -e 's|"$||' | while read -r k; do
        [ -e "$tmp/keys/$k" ] && continue
        echo "hex:$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$tmp/keys/$k"
        chmod 0600 "$tmp/keys/$k"
    done
    sed -i "s|\([^_]file = \"\)/etc/hafd/|\1$tmp/keys/|g" "$copy"

    "$hafd" --check-config --runtime-dir "$tmp/run" -f "$copy" >"$tmp/out" 2>&1
    rc=$?
    # What is left once the allowed host facts are taken out must be the verdict alone.
    grep -v -e ": warning: [^ ]*: no interface '[^']*' on this host " \
        -e ': warning: scripts\.user: no user "[^"]*" on this host$' \
        -e ': warning: scripts\.group: no group "[^"]*" on this host$' \
        -e ': warning: [^ ]*\[1\]: "/[^"]*" does not exist$' \
        -e ": configuration ok (" "$tmp/out" >"$tmp/left"
    if [ "$uid" -ne 0 ] && [ $rc -eq 2 ]; then
        grep -v -e "\"$tmp/keys/[^\"]*\" is owned by uid $uid, not root" \
            -e ': configuration rejected$' "$tmp/left" >"$tmp/left2"
        mv "$tmp/left2" "$tmp/left"
        grep -q "is owned by uid $uid, not root" "$tmp/out" && rc=0
    fi
    if [ $rc -ne 0 ] || [ -s "$tmp/left" ]; then
        echo "FAIL $confs/$name: exit $rc; beyond the host facts it allows, hafd says:"
        sed "s|$tmp/|$confs/|g" "$tmp/left"
        fail=1
    fi

    # The programs it names that this host may lack are ones hafd or the examples ship.
    for p in $(grep -o '"/etc/hafd/[^"]*"\|"/usr/libexec/hafd/[^"]*"' "$f" | tr -d '"' | sort -u); do
        case $p in
        /etc/hafd/*.key) continue ;;
        /etc/hafd/*) want="$scripts/examples/${p#/etc/hafd/}" ;;
        /usr/libexec/hafd/*) want="$scripts/${p#/usr/libexec/hafd/}" ;;
        esac
        [ -x "$want" ] || { echo "FAIL $confs/$name: runs $p, but $want is not an executable"; fail=1; }
    done
done

shellcheck=$(command -v shellcheck)
[ -n "$shellcheck" ] || echo "note: shellcheck not installed; scripts checked with sh -n only"
for s in "$scripts"/examples/*; do
    nscripts=$((nscripts + 1))
    [ -x "$s" ] || { echo "FAIL $s: not executable"; fail=1; }
    grep -q '^# SPDX-License-Identifier: Apache-2.0$' "$s" || { echo "FAIL $s: no SPDX line"; fail=1; }
    case $(head -n 1 "$s") in
    '#!/bin/sh') shell="sh" ;;
    '#!/bin/bash' | '#!/usr/bin/env bash') shell="bash" ;;
    *) echo "FAIL $s: neither #!/bin/sh nor bash"; fail=1; continue ;;
    esac
    "$shell" -n "$s" || { echo "FAIL $s: $shell -n"; fail=1; }
    if [ -n "$shellcheck" ] && ! "$shellcheck" "$s"; then
        echo "FAIL $s: shellcheck"
        fail=1
    fi
done

# Everything here is installed with the documentation, and the man page names each example.
for x in "$confs"/* "$scripts"/examples/*; do
    grep -q "'\([^']*/\)\?$(basename "$x")'" "$confs/../meson.build" ||
        { echo "FAIL $x: not installed by $(dirname "$confs")/meson.build"; fail=1; }
    case $x in *.md) continue ;; esac
    sed 's/\\-/-/g' "$manpage" | grep -qF "$(basename "$x")" ||
        { echo "FAIL $x: not named in $manpage, EXAMPLES"; fail=1; }
done

[ $fail -eq 0 ] && echo "examples: $nconfs configurations and $nscripts scripts as expected"
exit $fail
