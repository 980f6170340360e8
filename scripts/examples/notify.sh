#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An example notify command for hafd: log every state change to syslog and, on becoming
# master, run what the site needs (move a cloud address, start a service, warm a cache).
#
# Install: install -o root -g root -m 0755 notify.sh /etc/hafd/notify.sh
# Use in hafd.conf (hafd.conf(5), Notify commands):
#   notify = { master = [ "/etc/hafd/notify.sh", "master" ];
#              backup = [ "/etc/hafd/notify.sh", "backup" ];
#              fault  = [ "/etc/hafd/notify.sh", "fault" ]; };
# or, as keepalived's generic notify, any = [ "/etc/hafd/notify.sh" ]: hafd then appends
# keepalived's four arguments (INSTANCE|GROUP, name, state, priority). The arguments are for
# reading in the log; the state comes from HAFD_STATE.
#
# hafd runs it without a shell line, as scripts.user (not root), with only PATH, LANG and the
# HAFD_* variables set: HAFD_TYPE (INSTANCE or GROUP), HAFD_INSTANCE or HAFD_GROUP,
# HAFD_STATE, HAFD_PREV_STATE, HAFD_PRIORITY, HAFD_REASON, HAFD_FAULTS, HAFD_VRID,
# HAFD_INTERFACE, HAFD_ADDRESSES, HAFD_SEQ. Calls of one instance run one at a time, in
# order, and are killed after scripts.timeout: keep them short, and never wait here for
# something that needs this node to be master already (the addresses are in place before the
# master call starts). A non-zero exit is logged by hafd with the first line of the output.
set -u

# hafd always sets HAFD_STATE. Under keepalived (the same script as its notify), the state is
# the third of its four arguments; as keepalived's notify_master and the like, our first one.
if [ -n "${HAFD_STATE:-}" ]; then
    state=$HAFD_STATE
elif [ $# -ge 4 ]; then
    state=$(printf '%s' "$3" | tr '[:lower:]' '[:upper:]')
else
    state=$(printf '%s' "${1:-unknown}" | tr '[:lower:]' '[:upper:]')
fi
name=${HAFD_INSTANCE:-${HAFD_GROUP:-unknown}}

logger -t hafd-notify -- "${HAFD_TYPE:-INSTANCE} $name: ${HAFD_PREV_STATE:-?} -> $state" \
    "(reason ${HAFD_REASON:-?}, priority ${HAFD_PRIORITY:-?}, faults ${HAFD_FAULTS:-none}," \
    "addresses ${HAFD_ADDRESSES:-none}, seq ${HAFD_SEQ:-?})"

case $state in
MASTER)
    # For example, in a cloud, attach the address to this VM (the provider's CLI, with
    # credentials hafd-script may read); or: systemctl start conntrackd-sync.service through
    # a sudo rule that allows exactly that command.
    : ;;
BACKUP | FAULT | STOP)
    : ;;
*)
    logger -t hafd-notify -- "unexpected state '$state'"
    exit 1 ;;
esac
exit 0
