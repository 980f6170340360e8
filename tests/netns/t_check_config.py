#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""hafd --check-config beside a running hafd: a file whose VIP list differs from what the daemon
runs gets a warning (keepalived peers drop adverts whose list differs: change every node) and
still exits 0; a file with errors exits 2 naming file, line and setting; a missing interface is
a warning, never an error (the instance waits in FAULT); a check's program that anybody may
write is refused (exit 2), one that does not exist is a warning."""
import os
import subprocess
from lab import HAFD, SCRIPT_USER, Lab, Cluster, check, hafd_conf

with Lab("checkcfg") as lab:
    c = Cluster(lab, "v4", [200])
    a = c.nodes[0]
    c.start_all()
    c.wait_master(a)

    def check_config(instances, **sections):
        path = a.conf_path + ".new"
        with open(path, "w") as f:
            f.write(hafd_conf(instances, **sections))
        r = subprocess.run([HAFD, "--check-config", "-f", path, "--runtime-dir", a.runtime],
                           capture_output=True, text=True, timeout=20)
        return r.returncode, r.stdout + r.stderr, path

    rc, out, path = check_config([c.instance(0, addresses=["198.51.100.10", "198.51.100.11"])])
    check(rc == 0, f"exit {rc}:\n{out}")
    check(f'{path}:' in out and 'warning: instances["vi"].addresses: differs from the running'
          in out, f"no warning about the VIP list:\n{out}")
    rc, out, _ = check_config([c.instance(0)])
    check(rc == 0 and "differs" not in out, f"the same list warned about:\n{out}")
    rc, out, path = check_config([c.instance(0, vrid=0)])
    check(rc == 2 and f'{path}:' in out and 'instances["vi"].vrid' in out, f"exit {rc}:\n{out}")
    rc, out, _ = check_config([c.instance(0, interface="eth7")])
    check(rc == 0 and "no interface 'eth7'" in out, f"exit {rc}:\n{out}")

    # Programs hafd runs: a world-writable one is refused, a missing one is a build-host fact.
    open_script = lab.script("open", "#!/bin/sh\nexit 0\n", mode=0o777)
    missing = os.path.join(lab.dir, "scripts", "missing")
    for program, want_rc, want in ((open_script, 2, "is writable by group or others"),
                                   (missing, 0, "warning: checks[\"c\"].exec[1]")):
        rc, out, _ = check_config([c.instance(0, track=[{"check": "c"}])],
                                  scripts={"user": SCRIPT_USER},
                                  checks=[{"name": "c", "exec": [program]}])
        check(rc == want_rc and want in out, f"{program}: exit {rc}:\n{out}")
