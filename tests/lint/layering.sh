#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when a layer includes what DESIGN.md §2 forbids it. System headers are always on the
# include path, so only this check stops core/ or proto/ from reaching for sockets or the loop.
set -u
src=${1:?usage: layering.sh SRC_DIR}
status=0

# forbid FOLDER PATTERN WHY: no #include line in FOLDER may match PATTERN.
forbid() {
    hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" -r "$src/$1" 2>/dev/null)
    if [ -n "$hits" ]; then
        printf 'layering: %s must not include %s (%s):\n%s\n' "$1/" "$2" "$3" "$hits"
        status=1
    fi
}

sys='sys/socket\.h|sys/ioctl\.h|sys/timerfd\.h|sys/epoll\.h|netinet/|netpacket/|linux/|net/if|ev\.h|ev\+\+\.h|libmnl|netlink/|systemd/|unistd\.h|fcntl\.h|sys/stat\.h|pwd\.h|grp\.h'
forbid common "$sys|proto/|config/|core/|io/|ctl/|daemon/" "standard library only"
forbid proto "$sys|arpa/|config/|core/|io/|ctl/|daemon/" "pure codec"
forbid config "$sys|arpa/|core/|io/|ctl/|daemon/" "parse and validate only"
forbid core "$sys|arpa/|libconfig|openssl/|io/|ctl/|daemon/" "pure logic"
forbid io "core/|config/|ctl/|daemon/" "the io layer knows proto and common only"
forbid ctl "proto/|config/|core/|io/|daemon/" "control types use common only"
forbid hostcheck "core/|io/|ctl/|daemon/" "host facts about a Config: config, common and system calls"
# import/ (hafctl import-keepalived): text in, text out; reader.cpp alone reads files (stdio, glob).
forbid import "$sys|arpa/|proto/|config/|core/|io/|ctl/|daemon/" "keepalived.conf to hafd.conf as text"

# The pure layers never read a clock.
clocks=$(grep -nE 'clock_gettime|steady_clock::now|system_clock::now|gettimeofday|time\(nullptr\)' -r "$src/common" "$src/proto" "$src/config" "$src/core" 2>/dev/null)
if [ -n "$clocks" ]; then
    printf 'layering: the pure layers must not read a clock:\n%s\n' "$clocks"
    status=1
fi
[ $status -eq 0 ] && echo "layering: ok"
exit $status
