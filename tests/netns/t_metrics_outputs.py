#!/usr/bin/python3
# timeout: 120
# SPDX-License-Identifier: Apache-2.0
"""Issue 11 (metrics outputs): besides `hafctl metrics`, the daemon writes a node_exporter
textfile and serves GET /metrics over HTTP when hafd.conf's `metrics` section asks, and the
three agree. Two nodes and a witness with a cluster lease and a quorum hook; n1 has both outputs,
n2 none.

- The textfile and the HTTP answer parse with prometheus_client, and agree with `hafctl metrics`
  on state, priorities, quorum and the check; each has the lease remaining on the master's VIPs
  and the last durations of the check and of the quorum hook.
- HTTP: the content type of the text format 0.0.4; 404 for another path, 405 for POST; n2,
  which sets no `listen`, refuses connections.
- Reload: the listener closes, reopens on [::1], and a listener that cannot bind (the port is
  taken) or a textfile directory that does not exist rejects the reload naming the setting,
  leaving the running listener alone; no reload moves the VRRP state.
- SIGTERM: the textfile's last words are hafd_up 0, with no instance gauge left."""
import json
import os
import signal
import subprocess

from prometheus_client.parser import text_string_to_metric_families

from lab import HAFD, SCRIPT_USER, Cluster, Lab, check, log, wait_until

# Run inside a node's namespace by /usr/bin/python3: one HTTP request, the outcome as JSON.
HTTP_CLIENT = r'''
import json, sys, urllib.error, urllib.request
method, url = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, method=method, data=b"x=1" if method == "POST" else None)
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        out = {"status": r.status, "type": r.headers.get("Content-Type"), "body": r.read().decode()}
except urllib.error.HTTPError as e:
    out = {"status": e.code, "type": e.headers.get("Content-Type"), "allow": e.headers.get("Allow"),
           "body": e.read().decode()}
except urllib.error.URLError as e:
    out = {"error": type(e.reason).__name__, "errno": getattr(e.reason, "errno", None)}
print(json.dumps(out))
'''

ECONNREFUSED = 111


def samples_of(text):
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def one(samples, name, **labels):
    found = [v for l, v in samples.get(name, []) if all(l.get(k) == w for k, w in labels.items())]
    check(len(found) == 1, f"{name}{labels}: {found}")
    return found[0]


with Lab("mout") as lab:
    probe = lab.script("probe", "#!/bin/sh\nsleep 0.05\nexit 0\n")
    hook = lab.script("hook", "#!/bin/sh\nsleep 0.02\nexit 0\n")
    client = lab.script("http_client.py", HTTP_CLIENT)
    promdir = os.path.join(lab.dir, "prom")
    os.makedirs(promdir)
    textfile = os.path.join(promdir, "hafd.prom")
    base = {"scripts": {"user": SCRIPT_USER},
            "checks": [{"name": "svc", "exec": [probe], "interval": 0.3, "timeout": 0.2,
                        "fall": 1, "rise": 1}]}
    metrics = {"textfile": textfile, "textfile_interval": 1, "listen": "127.0.0.1:9650"}
    c = Cluster(lab, "v4", [200, 150], interval=0.1, preempt=False, witness=True, sections=base,
                cluster={"heartbeat": 0.2, "lease": 2, "margin": 1.5,
                         "quorum_hook": {"command": [hook], "interval": 0.5, "timeout": 0.4}})
    n1, n2 = c.nodes
    track = [{"check": "svc", "weight": 10}]
    c.start_witness()
    c.start(0, sections={**base, "metrics": metrics}, track=track)
    c.start(1, track=track)
    c.wait_master(n1, timeout=15)

    def http(node, url, method="GET"):
        r = subprocess.run(["ip", "netns", "exec", node.ns, "/usr/bin/python3", client, method, url],
                           capture_output=True, text=True, timeout=15)
        check(r.returncode == 0, f"http client: {r.stderr}")
        return json.loads(r.stdout)

    def ctl_metrics(node):
        r = subprocess.run([HAFD, "ctl", "--runtime-dir", node.runtime, "metrics"],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode == 0, f"hafctl metrics: {r.returncode} {r.stderr}")
        return samples_of(r.stdout)

    def read_textfile():
        with open(textfile) as f:
            return f.read()

    def reload(node, m, expect_ok=True):
        node_conf = {**c.protection_sections(node), **base}
        if m is not None:
            node_conf["metrics"] = m
        rc, out = node.reload([c.instance(0, track=track)], **node_conf)
        check((rc == 0) == expect_ok, f"reload with metrics {m}: {rc} {out}")
        return out

    # Everything the gauges need has happened: a renewal, a check run, a hook run, a write.
    def ready():
        if not os.path.exists(textfile):
            return False
        m = samples_of(read_textfile())
        return all(n in m for n in ("hafd_vip_lease_remaining_seconds",
                                    "hafd_check_duration_seconds", "hafd_hook_duration_seconds"))
    wait_until("the textfile with lease and durations", ready, 10)

    # --- HTTP --------------------------------------------------------------------------------
    r = http(n1, "http://127.0.0.1:9650/metrics")
    check(r.get("status") == 200, f"GET /metrics: {r}")
    check(r["type"] == "text/plain; version=0.0.4; charset=utf-8", f"content type {r['type']}")
    web = samples_of(r["body"])
    text = samples_of(read_textfile())
    cli = ctl_metrics(n1)
    for name, labels in [("hafd_up", {}), ("hafd_instance_state", {"instance": "vi"}),
                         ("hafd_instance_priority", {"instance": "vi"}),
                         ("hafd_instance_base_priority", {"instance": "vi"}),
                         ("hafd_cluster_quorum", {}), ("hafd_cluster_votes", {}),
                         ("hafd_check_up", {"check": "svc"})]:
        values = [one(s, name, **labels) for s in (web, text, cli)]
        check(len(set(values)) == 1, f"{name}: http, textfile, hafctl say {values}")
    check(one(web, "hafd_instance_state", instance="vi") == 2, "n1 is master (2)")
    check(one(web, "hafd_instance_priority", instance="vi") == 210, "priority 200 + 10")
    check(one(web, "hafd_cluster_votes") == 4, "three nodes and the hook vote")
    versions = {tuple(sorted(l.items())) for s in (web, text, cli) for l, _ in s["hafd_build_info"]}
    check(len(versions) == 1, f"build info differs: {versions}")
    for where, s in (("http", web), ("textfile", text), ("hafctl", cli)):
        lease = one(s, "hafd_vip_lease_remaining_seconds", instance="vi")
        check(0.5 < lease <= 2, f"{where}: lease remaining {lease} (lease 2 s, renewed every 0.67 s)")
        took = one(s, "hafd_check_duration_seconds", check="svc")
        check(0.04 <= took < 0.2, f"{where}: the check (sleep 0.05) took {took}")
        hook_took = one(s, "hafd_hook_duration_seconds", hook="quorum")
        check(0.01 <= hook_took < 0.4, f"{where}: the quorum hook (sleep 0.02) took {hook_took}")
    check(one(web, "hafd_http_requests_total") >= 1, "requests counted")
    log(f"three outputs agree; lease {one(web, 'hafd_vip_lease_remaining_seconds', instance='vi'):.2f} s, "
        f"check {one(web, 'hafd_check_duration_seconds', check='svc') * 1000:.0f} ms, "
        f"hook {one(web, 'hafd_hook_duration_seconds', hook='quorum') * 1000:.0f} ms")

    r = http(n1, "http://127.0.0.1:9650/")
    check(r.get("status") == 404, f"GET /: {r}")
    r = http(n1, "http://127.0.0.1:9650/metrics/x")
    check(r.get("status") == 404, f"GET /metrics/x: {r}")
    r = http(n1, "http://127.0.0.1:9650/metrics", "POST")
    check(r.get("status") == 405 and "GET" in (r.get("allow") or ""), f"POST /metrics: {r}")
    r = http(n1, "http://127.0.0.1:9650/metrics?x=1")
    check(r.get("status") == 200, f"GET /metrics?x=1: {r}")
    # Not configured on n2: nothing listens there.
    r = http(n2, "http://127.0.0.1:9650/metrics")
    check(r.get("errno") == ECONNREFUSED, f"n2 has no listener: {r}")
    check(n2.status()["metrics"] == {"textfile": "", "textfileWrites": 0, "textfileFailures": 0,
                                     "textfileError": "", "listen": "", "httpRequests": 0},
          f"n2 metrics status {n2.status()['metrics']}")

    # --- the textfile ------------------------------------------------------------------------
    st = n1.status()["metrics"]
    check(st["textfile"] == textfile and st["listen"] == "127.0.0.1:9650", f"status {st}")
    writes = st["textfileWrites"]
    wait_until("two more textfile writes (every 1 s)",
               lambda: n1.status()["metrics"]["textfileWrites"] >= writes + 2, 5)
    check(os.listdir(promdir) == ["hafd.prom"], f"left in the directory: {os.listdir(promdir)}")
    check(oct(os.stat(textfile).st_mode & 0o777) == "0o644", "the textfile is readable by all")

    # --- reload ------------------------------------------------------------------------------
    transitions = n1.instance("vi")["counters"]["transitions"]
    reload(n1, {"textfile": textfile, "textfile_interval": 1})
    r = http(n1, "http://127.0.0.1:9650/metrics")
    check(r.get("errno") == ECONNREFUSED, f"listener off after reload: {r}")
    check(n1.status()["metrics"]["listen"] == "", "status: no listener")
    reload(n1, {**metrics, "listen": "[::1]:9651"})
    r = http(n1, "http://[::1]:9651/metrics")
    check(r.get("status") == 200 and one(samples_of(r["body"]), "hafd_up") == 1,
          f"listener on [::1]:9651 after reload: {r}")
    check(n1.status()["metrics"]["listen"] == "[::1]:9651", "status: the new listener")
    # A port taken by another program: the reload is rejected, the listener stays where it was.
    blocker = n1.spawn("blocker", ["/usr/bin/python3", "-c",
                                   "import socket, time\n"
                                   "s = socket.socket(); s.bind(('127.0.0.1', 9652)); s.listen()\n"
                                   "print('listening', flush=True); time.sleep(60)\n"])
    wait_until("the blocker listening", lambda: "listening" in blocker.log_text(), 5)
    out = reload(n1, {**metrics, "listen": "127.0.0.1:9652"}, expect_ok=False)
    check("metrics.listen" in out and "in use" in out, f"rejected naming metrics.listen: {out}")
    blocker.stop()
    r = http(n1, "http://[::1]:9651/metrics")
    check(r.get("status") == 200, f"the listener before the rejected reload still answers: {r}")
    out = reload(n1, {**metrics, "textfile": os.path.join(lab.dir, "nowhere", "hafd.prom")},
                 expect_ok=False)
    check("metrics.textfile" in out, f"rejected naming metrics.textfile: {out}")
    check(n1.status()["metrics"]["textfile"] == textfile, "the textfile did not move")
    # And back to the start: the listener on 127.0.0.1:9650 again.
    reload(n1, metrics)
    r = http(n1, "http://127.0.0.1:9650/metrics")
    check(r.get("status") == 200, f"listener back on 127.0.0.1:9650: {r}")
    check(n1.instance("vi")["counters"]["transitions"] == transitions, "a reload moved VRRP")
    check(n1.state("vi") == "MASTER", "n1 stayed master")

    # --- stop --------------------------------------------------------------------------------
    rc = n1.hafd_proc.stop(signal.SIGTERM, timeout=15)
    check(rc == 0, f"hafd exit status {rc}")
    last = samples_of(read_textfile())
    check(one(last, "hafd_up") == 0, "the textfile says hafd_up 0 after SIGTERM")
    check("hafd_instance_state" not in last and "hafd_vip_lease_remaining_seconds" not in last,
          f"nothing of the stopped daemon's state is left: {sorted(last)}")
    check(os.listdir(promdir) == ["hafd.prom"], f"left in the directory: {os.listdir(promdir)}")
    print("metrics outputs: textfile, HTTP and hafctl agree; reload and stop behave")
