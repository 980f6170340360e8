#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""hafd --check-config beside a running hafd: a file whose VIP list differs from what the daemon
runs gets a warning (keepalived peers drop adverts whose list differs: change every node) and
still exits 0; a file with errors exits 2 naming file, line and setting; a missing interface is
a warning, never an error (the instance waits in FAULT)."""
import subprocess
from lab import HAFD, Lab, Cluster, check, hafd_conf

with Lab("checkcfg") as lab:
    c = Cluster(lab, "v4", [200])
    a = c.nodes[0]
    c.start_all()
    c.wait_master(a)

    def check_config(instances):
        path = a.conf_path + ".new"
        with open(path, "w") as f:
            f.write(hafd_conf(instances))
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
