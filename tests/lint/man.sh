#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every man page (MAN_DIR/*.[0-9]) is clean under `mandoc -T lint -W style`: no error, no
# warning and no style note (source lines of at most 80 bytes included), and each is listed
# in MAN_DIR/meson.build, so that it is installed. Exit 77 (skipped) without mandoc.
# Usage: man.sh MAN_DIR
dir=$1
command -v mandoc >/dev/null 2>&1 || { echo "mandoc not installed"; exit 77; }
set -- "$dir"/*.[0-9]
[ -e "$1" ] || { echo "no man pages in $dir"; exit 1; }
fail=0
for page in "$@"; do
    grep -q "^ *'$(basename "$page")',\$" "$dir/meson.build" ||
        { echo "$page is not in $dir/meson.build: it would not be installed"; fail=1; }
done
out=$(mandoc -T lint -W style "$@" 2>&1)
[ -n "$out" ] && { echo "$out"; fail=1; }
[ $fail -eq 0 ] && echo "man pages: $# clean"
exit $fail
