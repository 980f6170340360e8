#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# systemd-analyze verify accepts hafd.service with nothing on stderr. It exits 0 even for unknown
# keys and unparsable values (TOOLCHAIN.md §5), so any output on stderr is the failure. The unit is
# checked as built, with its binaries pointed at this build's hafd (verify needs them to exist).
# Usage: verify-unit.sh UNIT HAFD_BINARY
set -u
unit=$1
hafd=$(realpath "$2")
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze not installed: skipped"
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ln -s "$hafd" "$dir/hafd"
ln -s "$hafd" "$dir/hafctl"
sed -e "s|^ExecStart=[^ ]*/hafd |ExecStart=$dir/hafd |" \
    -e "s|^ExecReload=[^ ]*/hafctl |ExecReload=$dir/hafctl |" "$unit" >"$dir/hafd.service"
err=$(systemd-analyze verify --man=no "$dir/hafd.service" 2>&1 >/dev/null)
rc=$?
if [ -n "$err" ] || [ $rc -ne 0 ]; then
    echo "systemd-analyze verify (exit $rc):"
    echo "$err"
    exit 1
fi
echo "systemd-analyze verify: clean"
for key in Type=notify ExecReload= RestartPreventExitStatus=2 CapabilityBoundingSet= \
    ProtectSystem=strict ProtectHome=yes PrivateTmp=yes RuntimeDirectory=hafd; do
    grep -q "^$key" "$unit" || { echo "hafd.service lacks $key"; exit 1; }
done
