#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A fuzz target's smoke run (meson test --suite fuzz): a fresh copy of its seeds in the build
# tree (libFuzzer adds new inputs to its first corpus directory, which must not be the source
# tree), then SECONDS seconds of fuzzing with a fixed seed. Crash, leak and timeout inputs are
# written next to the copy, as WORK-artifacts/. The exit status is 1 on a crash or leak
# (libFuzzer's own, 77, would read as "skipped" to meson), 70 on a timeout. On a failure every
# input written to the artifacts is printed last, in base64, so a run on another machine (CI)
# leaves it in its log: `base64 -d > regressions/NAME/WHAT` turns it back into a file.
# Usage: smoke.sh FUZZER SEEDS WORK SECONDS [libFuzzer options...]
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
rm -rf "$work" "$work-artifacts"
mkdir -p "$work" "$work-artifacts"
cp "$seeds"/* "$work"/
LSAN_OPTIONS="suppressions=$(dirname "$0")/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
status=0
"$fuzzer" -max_total_time="$seconds" -seed=1 -print_final_stats=1 -error_exitcode=1 \
    -artifact_prefix="$work-artifacts/" "$@" "$work" || status=$?
if [ "$status" -ne 0 ]; then
    for input in "$work-artifacts"/*; do
        [ -f "$input" ] || continue
        echo "input $(basename "$input") ($(wc -c < "$input") bytes), base64:"
        base64 -w 0 "$input"
        echo
    done
fi
exit "$status"
