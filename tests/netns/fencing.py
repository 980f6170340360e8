# SPDX-License-Identifier: Apache-2.0
"""Fence commands for the fencing tests (issue 10, DESIGN.md §4), and what they record.

fence_script() writes an executable (a shell script, root's, as lab.script() makes them) that
hafd runs as its `fence` command. Every run writes one record into a lab.shared() directory: its
environment, its start and end (read back by runs() on CLOCK_MONOTONIC, the clock of
time.monotonic() and of the VIP sampler), its user id, what it did and its exit status. The
record is written under a temporary name and renamed, so a reader never sees half of it.

What a run does:
- `mode_file`: reads the file; "ok" exits 0, anything else (or no file) exits 1.
- `cut`: cuts the old master's bridge port. `cut` maps each node's LAN address to (node name,
  bridge port); the run looks up HAFD_MASTER_NODE_ADDRESS, checks that HAFD_MASTER_NODE names
  the same node and runs `ip -n <bridge namespace> link set <port> down` (root only). An empty
  HAFD_MASTER_NODE (no master known: the first claim after start-up) fences nothing and
  exits 0; an address it does not know, or a name that does not match, exits 2 without
  cutting anything.
- `delay`: seconds it sleeps first (a real fence, through a BMC or a switch, takes that long).
"""
import os
import shlex
import shutil
import time

from lab import Cluster, sh

# The fence: a shell script, as most are, so that a run costs milliseconds even on a loaded
# machine (a Python start-up took over a second there). date(1) gives CLOCK_REALTIME with
# nanoseconds; runs() turns it into CLOCK_MONOTONIC.
_PROGRAM = """#!/bin/sh
# A fence for hafd's network tests, written by tests/netns/fencing.py.
records=%(records)s
mode_file=%(mode_file)s
start=$(date +%%s.%%N)
[ %(delay)s = 0 ] || sleep %(delay)s
did=nothing
status=0
if [ -n "$mode_file" ]; then
    mode=$(cat "$mode_file" 2>/dev/null) || mode=missing
    did="mode $mode"
    [ "$mode" = ok ] || status=1
fi
if [ "$status" = 0 ] && [ %(cut)s = yes ]; then
    if [ -z "$HAFD_MASTER_NODE" ] && [ -z "$HAFD_MASTER_NODE_ADDRESS" ]; then
        did="no master known"
    else
        node= port=
        case "$HAFD_MASTER_NODE_ADDRESS" in
%(cases)s
        esac
        if [ -z "$port" ] || [ "$node" != "$HAFD_MASTER_NODE" ]; then
            did="unknown master '$HAFD_MASTER_NODE' at '$HAFD_MASTER_NODE_ADDRESS'"
            status=2
        elif err=$(%(ip)s -n %(br_ns)s link set "$port" down 2>&1); then
            did="cut $node (port $port)"
        else
            did="cut $node (port $port): $err"
            status=3
        fi
    fi
fi
end=$(date +%%s.%%N)
tmp="$records/.$start-$$"
{
    echo "start=$start"
    echo "end=$end"
    echo "uid=$(id -u)"
    echo "did=$did"
    echo "status=$status"
    echo "--env--"
    env
} >"$tmp"
mv "$tmp" "$records/$start-$$.rec"
exit "$status"
"""


def fence_script(lab, records, mode_file=None, cut=None, name="fence", delay=0):
    """Writes the fence program (see the module's doc) and returns its path. `records`: a
    lab.shared() directory; `cut`: {address: (node name, port)}; `delay`: seconds."""
    cases = "\n".join(f"        {shlex.quote(a)}) node={shlex.quote(n)} port={shlex.quote(p)} ;;"
                      for a, (n, p) in (cut or {}).items())
    return lab.script(name, _PROGRAM % {
        "records": shlex.quote(records), "mode_file": shlex.quote(mode_file or ""),
        "cut": "yes" if cut is not None else "no", "cases": cases, "delay": str(delay),
        "ip": shlex.quote(shutil.which("ip") or "/usr/sbin/ip"), "br_ns": shlex.quote(lab.br_ns)})


def start_n1_master(cluster: Cluster):
    """Starts the witness and n1 alone, waits until n1 is master (after lease + margin and a
    fence that knows no master), then starts the others and waits until n1 is still the only
    master. Started together, whichever fence finished first would claim and, with preemption
    off, stay master: under load that was n2 in 1 of 8 runs."""
    first = cluster.nodes[0]
    if cluster.witness is not None:
        cluster.start_witness()
    cluster.start(0)
    cluster.wait_master(first, timeout=cluster.claim_bound(cluster.priorities[0]) + 6)
    for i in range(1, len(cluster.nodes)):
        cluster.start(i)
    cluster.wait_master(first)


def cut_map(cluster: Cluster):
    """{LAN address: (node name, bridge port)} of a cluster's instance nodes."""
    return {cluster.address(n): (n.name, n.port) for n in cluster.nodes}


def _read(path, to_monotonic):
    """One record as a dict: start and end (monotonic), uid, did, status, env."""
    with open(path) as f:
        head, _, env = f.read().partition("--env--\n")
    r = dict(line.split("=", 1) for line in head.splitlines() if "=" in line)
    return {"start": float(r["start"]) - to_monotonic, "end": float(r["end"]) - to_monotonic,
            "uid": int(r["uid"]), "did": r["did"], "status": int(r["status"]),
            "env": dict(line.split("=", 1) for line in env.splitlines() if "=" in line)}


def runs(records, after=None):
    """The recorded runs (dicts, see _read()), by start time; only those that started at or
    after `after` (monotonic) when given. Wall-clock times become monotonic by the clocks'
    offset now (an NTP slew moves it by well under a millisecond over a test)."""
    to_monotonic = time.time() - time.monotonic()
    out = [_read(os.path.join(records, f), to_monotonic) for f in os.listdir(records)
           if f.endswith(".rec") and not f.startswith(".")]
    out.sort(key=lambda r: r["start"])
    return [r for r in out if after is None or r["start"] >= after]


def set_mode(path, mode):
    """Writes a mode file ("ok" or "fail") atomically, readable by the fence's user."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(mode + "\n")
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def describe(run, t0):
    """One line for a run: start and end relative to t0, what it did, its status."""
    return (f"+{(run['start'] - t0) * 1000:.0f}..{(run['end'] - t0) * 1000:.0f} ms "
            f"{run['env'].get('HAFD_NODE', '?')}: {run['did']} -> {run['status']}")


def port_up(lab, node):
    """Whether `node`'s bridge port is administratively up."""
    out = sh("ip", "-n", lab.br_ns, "-o", "link", "show", node.port, capture=True)
    return "UP" in out.split("<", 1)[1].split(">", 1)[0].split(",")
