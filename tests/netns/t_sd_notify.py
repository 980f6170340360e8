#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""sd-notify, checked with a test socket as NOTIFY_SOCKET (no systemd): READY=1 with a STATUS=
summary once the instances run; around a reload RELOADING=1 with MONOTONIC_USEC, then READY=1;
a rejected reload shows in STATUS=; WATCHDOG=1 at half of WATCHDOG_USEC; STOPPING=1 on SIGTERM."""
import signal
import time
from lab import Lab, NotifySocket, check, hafd_conf, wait_until

INSTANCE = {"name": "vi", "interface": "eth0", "vrid": 51, "priority": 150,
            "advert_interval": 0.1, "addresses": ["198.51.100.10"]}

with Lab("notify") as lab:
    n = lab.node("n1", 1)
    ns = NotifySocket(lab)
    env = dict(ns.env(), WATCHDOG_USEC="400000")
    p = n.hafd([INSTANCE], env=env)
    ready = ns.wait_for(lambda f: f.get("READY") == "1", "READY=1")
    check("backup" in ns.fields()[ready].get("STATUS", ""), f"no summary: {ns.fields()[ready]}")
    wait_until("STATUS 1 master", lambda: any(f.get("STATUS") == "1 master, 0 backup"
                                              for f in ns.fields()), 3)
    # Watchdog: at least three pings within a second (interval 0.2 s).
    start = len(ns.messages)
    time.sleep(1.0)
    pings = sum(1 for f in ns.fields()[start:] if f.get("WATCHDOG") == "1")
    check(pings >= 3, f"{pings} WATCHDOG=1 in 1 s with WATCHDOG_USEC=400000")

    # A reload: RELOADING=1 with MONOTONIC_USEC, then READY=1.
    start = len(ns.messages)
    p.send_signal(signal.SIGHUP)
    i = ns.wait_for(lambda f: f.get("RELOADING") == "1", "RELOADING=1", start=start)
    usec = int(ns.fields()[i].get("MONOTONIC_USEC", "0"))
    check(abs(usec / 1e6 - time.clock_gettime(time.CLOCK_MONOTONIC)) < 5, f"MONOTONIC_USEC {usec}")
    ns.wait_for(lambda f: f.get("READY") == "1", "READY=1 after the reload", start=i)

    # A rejected reload: READY=1 again, and STATUS= says so.
    with open(n.conf_path, "w") as f:
        f.write(hafd_conf([dict(INSTANCE, vrid=300)]))
    start = len(ns.messages)
    p.send_signal(signal.SIGHUP)
    i = ns.wait_for(lambda f: f.get("READY") == "1" and "reload rejected" in f.get("STATUS", ""),
                    "STATUS with the rejected reload", start=start)
    check("vrid" in ns.fields()[i]["STATUS"], f"STATUS does not name the error: {ns.fields()[i]}")
    check(n.state("vi") == "MASTER", "the running configuration changed")

    start = len(ns.messages)
    check(p.stop() == 0, "hafd did not exit 0")
    ns.wait_for(lambda f: f.get("STOPPING") == "1", "STOPPING=1", start=start)
    ns.close()
