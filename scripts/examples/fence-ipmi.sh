#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An example fence command for hafd: power off the node that was master, through its BMC
# (IPMI over LAN, with ipmitool), and succeed only once the BMC says the power is off.
#
# hafd runs the fence before this node claims the addresses after a master failure; only exit
# 0 lets the claim go ahead, anything else keeps it back and hafd retries with a growing wait
# (hafd.conf(5), Fence). So this script exits non-zero whenever it is not sure the old master
# is off: an unknown node, an unreachable BMC, a power state it cannot read.
#
# Install:
#   install -o root -g root -m 0755 fence-ipmi.sh /etc/hafd/fence-ipmi.sh
#   /etc/hafd/fence-ipmi.list, one line per node that may be fenced:
#       NODE  BMC-ADDRESS  BMC-USER  PASSWORD-FILE
#       lb1   192.0.2.201  hafd      /etc/hafd/ipmi-lb1.pass
#       lb2   192.0.2.202  hafd      /etc/hafd/ipmi-lb2.pass
#   each password file owned by root, group hafd-script, mode 0640 (hafd runs this script as
#   scripts.user, hafd-script by default), holding the BMC password on its first line.
#   Give the BMC user only the operator privilege it needs for chassis power.
# Use in hafd.conf:
#   fence = { command = [ "/etc/hafd/fence-ipmi.sh" ]; timeout = 30.0; };
#
# The BMCs must be reachable from every node that may claim, on another network than the one
# the VRRP adverts use: whatever cuts the nodes apart should not also cut this node off the
# other's BMC. Test by hand, as the user hafd runs it as:
#   sudo -u hafd-script env HAFD_MASTER_NODE=lb2 /etc/hafd/fence-ipmi.sh
set -u

list=/etc/hafd/fence-ipmi.list
node=${HAFD_MASTER_NODE:-}

fail() {
    echo "fence-ipmi: $*" >&2
    logger -t hafd-fence -- "$*" 2>/dev/null
    exit 1
}

[ -n "$node" ] || fail "no HAFD_MASTER_NODE: the old master is not known, refusing to guess"
[ "$node" != "${HAFD_NODE:-}" ] || fail "asked to fence this node ($node)"
[ -r "$list" ] || fail "cannot read $list"

# The node's line; exactly one.
lines=$(awk -v n="$node" '$1 == n && NF >= 4' "$list")
[ -n "$lines" ] || fail "node $node is not in $list"
[ "$(printf '%s\n' "$lines" | wc -l)" -eq 1 ] || fail "node $node is in $list more than once"
# shellcheck disable=SC2086 # word splitting is wanted: four fields
set -- $lines
bmc=$2 user=$3 passfile=$4
[ -r "$passfile" ] || fail "cannot read $passfile"

ipmi() {
    ipmitool -I lanplus -N 2 -R 2 -H "$bmc" -U "$user" -f "$passfile" "$@"
}

# "chassis power off" is a hard power off, not an ACPI shutdown: the old master must stop
# now, not after its services have stopped cleanly.
ipmi chassis power off >/dev/null 2>&1 || fail "$node: power off through $bmc failed"

# Believe the BMC only when it says so.
i=0
while [ $i -lt 10 ]; do
    status=$(ipmi chassis power status 2>/dev/null)
    case $status in
    *"is off"*)
        logger -t hafd-fence -- "$node powered off through $bmc" 2>/dev/null
        exit 0 ;;
    esac
    i=$((i + 1))
    sleep 1
done
fail "$node: $bmc does not report the power off (last answer: ${status:-none})"
