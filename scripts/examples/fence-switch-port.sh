#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An example fence command for hafd: cut the old master off the network by shutting its
# switch port (SNMP, IF-MIB ifAdminStatus down), and succeed only once the switch reports the
# port administratively and operationally down.
#
# A port shut keeps the old master running but unreachable, so it can no longer answer ARP
# for the addresses. Bring the port back by hand (ifAdminStatus up) once the node is repaired:
# this script never does. Exits non-zero whenever it is not sure the port is down, which keeps
# hafd's claim back (hafd.conf(5), Fence).
#
# Install:
#   install -o root -g root -m 0755 fence-switch-port.sh /etc/hafd/fence-switch-port.sh
#   /etc/hafd/fence-switch.list, one line per node that may be fenced (a node with several
#   links: one line per port, all are shut):
#       NODE  SWITCH       IFINDEX
#       lb1   192.0.2.250  10101
#       lb2   192.0.2.250  10102
#   SNMPv3 credentials in /etc/hafd/snmp.conf (owned by root, group hafd-script, mode 0640),
#   as snmp.conf(5) lines:
#       defSecurityName hafd-fence
#       defSecurityLevel authPriv
#       defAuthType SHA
#       defAuthPassphrase ...
#       defPrivType AES
#       defPrivPassphrase ...
#   with a switch user whose view allows writing ifAdminStatus and nothing else.
# Use in hafd.conf:
#   fence = { command = [ "/etc/hafd/fence-switch-port.sh" ]; timeout = 20.0; };
#
# Needs snmpset and snmpget (Debian: snmp). Test by hand, as the user hafd runs it as:
#   sudo -u hafd-script env HAFD_MASTER_NODE=lb2 /etc/hafd/fence-switch-port.sh
set -u

list=/etc/hafd/fence-switch.list
node=${HAFD_MASTER_NODE:-}
admin=1.3.6.1.2.1.2.2.1.7   # IF-MIB::ifAdminStatus; 1 up, 2 down
oper=1.3.6.1.2.1.2.2.1.8    # IF-MIB::ifOperStatus; 2 down, 7 lowerLayerDown

fail() {
    echo "fence-switch-port: $*" >&2
    logger -t hafd-fence -- "$*" 2>/dev/null
    exit 1
}

[ -n "$node" ] || fail "no HAFD_MASTER_NODE: the old master is not known, refusing to guess"
[ "$node" != "${HAFD_NODE:-}" ] || fail "asked to fence this node ($node)"
[ -r "$list" ] || fail "cannot read $list"
[ -r /etc/hafd/snmp.conf ] || fail "cannot read /etc/hafd/snmp.conf"

ports=$(awk -v n="$node" '$1 == n && NF >= 3 { print $2, $3 }' "$list")
[ -n "$ports" ] || fail "node $node is not in $list"

# net-snmp reads the credentials from SNMPCONFPATH; -Oqv prints the bare value.
SNMPCONFPATH=/etc/hafd
export SNMPCONFPATH
snmp() {
    cmd=$1
    shift
    "$cmd" -v3 -t 2 -r 1 -Oqv "$@"
}

# Shut every port first, then check them all: a node on two links is fenced only when both
# are down.
printf '%s\n' "$ports" | while read -r switch ifindex; do
    snmp snmpset "$switch" "$admin.$ifindex" i 2 >/dev/null ||
        fail "$node: cannot shut port $ifindex on $switch"
done || exit 1

printf '%s\n' "$ports" | while read -r switch ifindex; do
    state=$(snmp snmpget "$switch" "$admin.$ifindex" "$oper.$ifindex" 2>/dev/null | tr '\n' ' ')
    case $state in
    "2 2 " | "2 7 " | "down down " | "down lowerLayerDown ")
        logger -t hafd-fence -- "$node: port $ifindex on $switch shut" 2>/dev/null ;;
    *)
        fail "$node: port $ifindex on $switch not reported down (admin, oper: ${state:-none})" ;;
    esac
done || exit 1
exit 0
