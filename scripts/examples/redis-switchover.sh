#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An example switchover command for hafd (hafd.conf(5), Switchover): before hafctl
# switchover moves the address, make the target node's Redis the master, with Redis 6.2's
# FAILOVER, which waits for the replica to catch up before it promotes it.
#
# hafd runs it on the master, as scripts.user, with HAFD_TARGET_NODE and
# HAFD_TARGET_NODE_ADDRESS naming the node the instance goes to (in a rollback, on the new
# master with HAFD_ROLLBACK=1, naming the node that hands it back). Only exit 0 lets the
# handover go on, so it exits 0 only once the local Redis reports itself a replica.
#
# Install: install -o root -g root -m 0755 redis-switchover.sh /etc/hafd/redis-switchover.sh
# Use in hafd.conf (conf/examples/redis.conf):
#   switchover = { command = [ "/etc/hafd/redis-switchover.sh" ]; timeout = 30.0; ... };
#
# This assumes each Redis listens on its node's cluster address, port 6379, and replicates
# from the other by that address; adjust REDIS_PORT below otherwise.
set -u

REDIS_PORT=6379
target=${HAFD_TARGET_NODE_ADDRESS:-}

fail() {
    echo "redis-switchover: $*" >&2
    exit 1
}

[ -n "$target" ] || fail "no HAFD_TARGET_NODE_ADDRESS (switchover without heartbeats?)"

role=$(redis-cli -p "$REDIS_PORT" role 2>/dev/null | head -n 1)
case $role in
master) ;;
slave) echo "redis-switchover: already a replica"; exit 0 ;;
*) fail "local Redis does not answer ROLE (got '${role:-nothing}')" ;;
esac

# FAILOVER TO host port TIMEOUT ms: Redis pauses writes, waits for the target to catch up,
# then swaps roles. It answers OK at once; the swap happens after.
out=$(redis-cli -p "$REDIS_PORT" failover to "$target" "$REDIS_PORT" timeout 10000 2>&1)
[ "$out" = "OK" ] || fail "FAILOVER TO $target refused: $out"

i=0
while [ $i -lt 20 ]; do
    sleep 1
    role=$(redis-cli -p "$REDIS_PORT" role 2>/dev/null | head -n 1)
    [ "$role" = "slave" ] && { echo "redis-switchover: $target is master now"; exit 0; }
    i=$((i + 1))
done
fail "local Redis still '${role:-not answering}' 20 s after FAILOVER TO $target"
