#!/usr/bin/python3
# params: v3v4 v3v6 v2
# timeout: 120
# SPDX-License-Identifier: Apache-2.0
"""Issue 13 (migration, live): two nodes with keepalived.conf files that differ only in
router_id and priority, each with a tracked vrrp_script (weight -60) and notify_master /
notify_backup. Node k runs keepalived 2.2.7 on its file; node h runs hafd on what
`hafd ctl import-keepalived` made of its own. One master is elected (k, 200); a failing check
on k lets h (150) take over and its recovery gives it back; a failing check on h then keeps h
out until it recovers, when h preempts k (whose own check fails, 140). Both sides' notify
scripts see the same transitions, and the VIP is only ever on the master."""
import os
import subprocess

from lab import (HAFD, SCRIPT_USER, Cluster, Lab, check, keepalived_state, log, param,
                 wait_until)

with Lab("importlive") as lab:
    p = param()
    fam = "v6" if p == "v3v6" else "v4"
    version = 2 if p == "v2" else 3
    c = Cluster(lab, fam, [150, 200], interval=1.0, version=version)
    h, k = c.nodes
    shared = os.path.join(lab.dir, "shared")
    os.makedirs(shared)
    os.chmod(lab.dir, 0o755)
    os.chmod(shared, 0o1777)
    check_script = lab.script("chk_svc", f"""#!/bin/sh
# down while the node's marker exists
[ ! -e {shared}/down-"$1" ]
""")
    notify_script = lab.script("notify", f"""#!/bin/sh
echo "$2" >> {shared}/notify-"$1"
""")
    vips = "\n".join(f"    {v}" for v in c.vips)

    def keepalived_conf(name, priority):
        return f"""! keepalived.conf of {name}, as an operator would have it
global_defs {{
  router_id {name}
  script_user {SCRIPT_USER}
  enable_script_security
}}
vrrp_script chk_svc {{
  script "{check_script} {name}"
  interval 1
  weight -60
  fall 1
  rise 1
}}
vrrp_instance vi {{
  state BACKUP
  interface eth0
  virtual_router_id {c.vrid}
  priority {priority}
  version {version}
  advert_int 1
  virtual_ipaddress {{
{vips}
  }}
  track_script {{
    chk_svc
  }}
  notify_master "{notify_script} {name} MASTER"
  notify_backup "{notify_script} {name} BACKUP"
}}
"""

    # h's file, converted.
    original = os.path.join(lab.dir, "keepalived-of-h.conf")
    with open(original, "w") as f:
        f.write(keepalived_conf(h.name, 150))
    r = subprocess.run([HAFD, "ctl", "import-keepalived", original], capture_output=True,
                       text=True, timeout=10)
    log(f"import-keepalived: exit {r.returncode}; findings:\n{r.stderr.strip()}")
    check(r.returncode in (0, 1) and "instances" in r.stdout, f"import: {r.returncode} {r.stderr}")
    check(f"version = {version}" in r.stdout, "the VRRP version is not written out")

    def marker(node, down):
        path = os.path.join(shared, f"down-{node.name}")
        if down:
            open(path, "w").close()
        elif os.path.exists(path):
            os.unlink(path)

    def notified(node):
        path = os.path.join(shared, f"notify-{node.name}")
        return open(path).read().split() if os.path.exists(path) else []

    def master(node):
        other = k if node is h else h
        states = {h: h.state("vi"), k: keepalived_state(k)}
        return (states[node] == "MASTER" and states[other] == "BACKUP" and node.has(c.vip)
                and not other.has(c.vip))

    bound = c.master_down_interval(1) + 3  # a check's interval, then the election
    k.keepalived(keepalived_conf(k.name, 200))
    # k master before h starts: h's Master_Down_Interval (3.41 s) is within 0.2 s of k's
    # (3.22 s), so on a loaded host a slow keepalived start let h take over first, and k's
    # preemption then added a MASTER and a BACKUP to h's notify list.
    wait_until("k (keepalived) master alone", lambda: keepalived_state(k) == "MASTER", 4 * bound)
    h.hafd(conf=r.stdout)
    wait_until("k (keepalived) master, h (hafd) backup", lambda: master(k), 4 * bound)
    wait_until("h notified BACKUP", lambda: notified(h)[-1:] == ["BACKUP"], bound)

    marker(k, True)  # k: 200 - 60 = 140, below h's 150
    wait_until("h master after k's check failed", lambda: master(h), bound)
    wait_until("both notified", lambda: notified(h)[-1:] == ["MASTER"]
               and notified(k)[-1:] == ["BACKUP"], bound)
    check(h.instance("vi")["priority"] == 150, "h's priority")

    marker(k, False)  # k: 200 again, and preempts
    wait_until("k master again", lambda: master(k), bound)
    wait_until("both notified", lambda: notified(h)[-1:] == ["BACKUP"]
               and notified(k)[-1:] == ["MASTER"], bound)

    marker(h, True)  # h: 90
    wait_until("h's check down", lambda: h.instance("vi")["priority"] == 90, bound)
    marker(k, True)  # k: 140, still above h's 90
    wait_until("k's check down", lambda: "priority 140" in k.keepalived_proc.log_text()
               or master(k), bound)
    check(master(k), "k lost mastership to h at 90")
    marker(h, False)  # h: 150, above k's 140: h preempts
    wait_until("h master after its check recovered", lambda: master(h), bound)
    wait_until("both notified", lambda: notified(h)[-1:] == ["MASTER"]
               and notified(k)[-1:] == ["BACKUP"], bound)
    log(f"notify: h {notified(h)}, k {notified(k)}")
    check(notified(h) == ["BACKUP", "MASTER", "BACKUP", "MASTER"], f"h: {notified(h)}")
    check(notified(k)[-4:] == ["MASTER", "BACKUP", "MASTER", "BACKUP"], f"k: {notified(k)}")
