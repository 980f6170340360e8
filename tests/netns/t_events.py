#!/usr/bin/python3
# asan
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""Issue 11 (events): `hafctl events --follow` on each of two nodes sees a handover's
transitions as they happen, in order, with consecutive sequence numbers after the history;
`hafctl events` prints the history and ends. A follower that stalls while thousands of events go
by is never waited for: once it reads again it is told how many it missed (and which), so the
sequence numbers it got and those it was told of cover every event exactly once."""
import json
import os
import socket
import subprocess
import threading
import time

from lab import HAFD, Cluster, Lab, check, log, wait_until

with Lab("events") as lab:
    c = Cluster(lab, "v4", [200, 100], interval=0.1)
    n1, n2 = c.nodes
    c.start_all()
    c.wait_master(n1)

    class Follower:
        def __init__(self, node):
            self.lines = []
            self.p = subprocess.Popen([HAFD, "ctl", "--runtime-dir", node.runtime, "events",
                                       "--follow"], stdout=subprocess.PIPE, text=True)
            lab.on_close.append(self.close)
            self.t = threading.Thread(target=self._read, daemon=True)
            self.t.start()

        def _read(self):
            for line in self.p.stdout:
                self.lines.append(json.loads(line))

        def transitions(self):
            return [(e["from"], e["to"]) for e in self.lines if e.get("type") == "transition"]

        def close(self):
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait()

    f1, f2 = Follower(n1), Follower(n2)
    # Whole histories: the reader threads append a line at a time (n1: two transitions).
    wait_until("the histories", lambda: len(f1.transitions()) >= 2 and f2.transitions(), 5)
    check(f1.transitions() == [("INIT", "BACKUP"), ("BACKUP", "MASTER")],
          f"n1's history: {f1.transitions()}")

    def hafctl(node, *args):
        r = subprocess.run([HAFD, "ctl", "--runtime-dir", node.runtime, *args],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode == 0, f"hafctl {' '.join(args)}: {r.returncode} {r.stderr}")
        return r.stdout

    hafctl(n1, "maintenance", "on")
    c.wait_master(n2)
    hafctl(n1, "maintenance", "off")
    c.wait_master(n1)
    wait_until("n2's transitions", lambda: len(f2.transitions()) >= 3, 5)
    check(f2.transitions() == [("INIT", "BACKUP"), ("BACKUP", "MASTER"), ("MASTER", "BACKUP")],
          f"n2: {f2.transitions()}")
    wait_until("n1's transitions", lambda: len(f1.transitions()) >= 5, 5)
    check(f1.transitions() == [("INIT", "BACKUP"), ("BACKUP", "MASTER"), ("MASTER", "FAULT"),
                               ("FAULT", "BACKUP"), ("BACKUP", "MASTER")],
          f"n1: {f1.transitions()}")
    fault = [e for e in f1.lines if e.get("type") == "transition" and e["to"] == "FAULT"][0]
    check(fault["faults"] == ["maintenance"], f"the FAULT event: {fault}")
    kinds = [e["type"] for e in f1.lines]
    check(kinds.index("maintenance") < kinds.index("transition", 2),
          f"maintenance before its transition: {kinds}")
    for f in (f1, f2):
        seqs = [e["seq"] for e in f.lines]
        check(seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"sequence numbers {seqs}")

    # Without --follow: the history, then the end.
    history = [json.loads(l) for l in hafctl(n1, "events").splitlines()]
    check([e["seq"] for e in history] == [e["seq"] for e in f1.lines],
          f"history {history} vs followed {f1.lines}")

    # A follower that stalls: it asks, then reads nothing while n2 goes in and out of
    # maintenance many times (about 2 events of 200 bytes each time).
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.connect(os.path.join(n2.runtime, "control"))
    stalled.sendall(b'{"command": "events", "follow": true}\n')
    time.sleep(0.2)
    flips = 1500
    t0 = time.monotonic()
    for k in range(flips):
        n2.ctl({"command": "maintenance", "on": k % 2 == 0, "instance": "vi"})
    log(f"{flips} maintenance requests in {time.monotonic() - t0:.1f} s")
    check(n1.state("vi") == "MASTER", "n1 lost the VIP meanwhile")
    stalled.settimeout(0.5)
    buf = b""

    def read_all():
        global buf
        while True:
            try:
                chunk = stalled.recv(1 << 20)
            except socket.timeout:
                return
            check(chunk, "the daemon closed the stalled follower")
            buf += chunk

    read_all()
    n2.ctl({"command": "maintenance", "on": False})  # one more event brings the notice
    read_all()
    lines = [json.loads(l) for l in buf.decode().splitlines()]
    check(lines[0].get("ok") is True, f"header {lines[0]}")
    missed = [e for e in lines if e.get("type") == "missed"]
    check(len(missed) >= 1, "the stalled follower was not told it missed anything")
    expect = lines[1]["seq"]
    for e in lines[1:]:
        if e.get("type") == "missed":
            check(e["first"] == expect and e["count"] == e["last"] - e["first"] + 1, f"{e}")
            expect = e["last"] + 1
        else:
            check(e["seq"] == expect, f"seq {e['seq']}, expected {expect}")
            expect += 1
    check(expect == lines[-1]["seq"] + 1, "the last event")
    log(f"stalled follower: {len(lines) - 1 - len(missed)} events read, "
        f"{sum(m['count'] for m in missed)} missed in {len(missed)} notice(s)")
    stalled.close()
