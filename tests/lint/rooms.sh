#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A file per concern (STYLE.md habit 4): no file in src/daemon/ over 500 lines, none in src/ over
# 1000. A room that grows past that is split by concern in the same change.
# Usage: rooms.sh SRC_DIR
src=$1
fail=0
for f in "$src"/daemon/*.cpp "$src"/daemon/*.h; do
    n=$(wc -l <"$f")
    [ "$n" -gt 500 ] && { echo "crowded: $f has $n lines (daemon/ keeps to 500)"; fail=1; }
done
for f in $(find "$src" -name '*.cpp' -o -name '*.h'); do
    n=$(wc -l <"$f")
    [ "$n" -gt 1000 ] && { echo "crowded: $f has $n lines (at most 1000)"; fail=1; }
done
[ $fail -eq 0 ] && echo "rooms: no crowded file"
exit $fail
