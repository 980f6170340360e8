#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The man pages are clean under `mandoc -T lint` (warnings and worse; style notes such as long
# source lines are not counted). Exit 77 (skipped) without mandoc.
# Usage: man.sh PAGE...
command -v mandoc >/dev/null 2>&1 || { echo "mandoc not installed"; exit 77; }
out=$(mandoc -T lint -W warning "$@" 2>&1)
[ -z "$out" ] && { echo "man pages: clean"; exit 0; }
echo "$out"
exit 1
