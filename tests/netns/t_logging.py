#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Logging: under journald (stderr is the JOURNAL_STREAM) every line carries its syslog priority
as an sd-daemon <N> prefix and no timestamp; otherwise lines have a timestamp and a level word;
--log-level filters (a warning is there, the notices are not); a state change is one line with
instance, old and new state, reason and priority."""
import os
import re
from lab import Lab, check, wait_until

INSTANCE = {"name": "vi", "interface": "eth0", "vrid": 51, "priority": 150,
            "advert_interval": 0.1, "addresses": ["198.51.100.10"]}

with Lab("logging") as lab:
    a = lab.node("n1", 1)
    log = os.path.join(a.dir, "hafd.log")
    open(log, "ab").close()
    st = os.stat(log)
    p = a.hafd([INSTANCE], env={"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}, log_level="info")
    wait_until("MASTER", lambda: a.state("vi") == "MASTER", 3)
    p.stop()
    lines = [l for l in p.log_text().splitlines() if l]
    check(lines and all(re.match(r"^<[3-7]>", l) for l in lines), f"not all prefixed:\n{lines}")
    check("<5>instance vi: BACKUP -> MASTER (master_down), priority 150" in lines,
          f"no transition line:\n{lines}")
    check(not any(l.startswith("<7>") for l in lines), "debug lines at --log-level info")

    # A journal stream that is not our stderr (inherited by a child of a unit) is ignored. A
    # second instance on an interface that does not exist gives a warning at start, which must
    # be there: an empty log would pass every other check below.
    b = lab.node("n2", 2)
    missing = dict(INSTANCE, name="vj", interface="eth9", vrid=52, addresses=["198.51.100.11"])
    p = b.hafd([INSTANCE, missing], env={"JOURNAL_STREAM": "1:1"}, log_level="warning")
    wait_until("MASTER", lambda: b.state("vi") == "MASTER", 3)
    p.stop()
    lines = [l for l in p.log_text().splitlines() if l]
    check(any("warning: instance vj: interface eth9 not found: FAULT until it appears" in l
              for l in lines), f"the warning is missing at --log-level warning:\n{lines}")
    check(all(re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (error|warning): ", l)
              for l in lines), f"unexpected lines at --log-level warning:\n{lines}")
    check(not any("MASTER" in l for l in lines), "notice lines at --log-level warning")
