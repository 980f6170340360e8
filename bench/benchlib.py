# SPDX-License-Identifier: Apache-2.0
"""Helpers shared by bench/failover and bench/scale, on top of tests/netns/lab.py.

What lab.py lacks and lives here instead:
- a fast pcap reader (scapy dissects ~10k frames/s; a 1000-VIP series has tens of thousands of
  frames), giving VRRP adverts and gratuitous ARPs with their kernel timestamps;
- keepalived with a caller-chosen command line (lab.Node.keepalived always passes -D) and
  many instances;
- per-process RSS and CPU from /proc, including keepalived's forked VRRP child, and the CPU of
  reaped children (cutime + cstime);
- the kernel's process events (proc connector): the processes a daemon forks and the user they
  switch to, counted while they come and go;
- small statistics and table helpers.
"""

import math
import os
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "netns"))
DEFAULT_HAFD = os.path.join(ROOT, "build", "src", "hafd")
# lab.py reads HAFD at import time: set it before the first import of lab.
os.environ.setdefault("HAFD", DEFAULT_HAFD)


def need_root(prog, daemons=()):
    """Exits 1 with a message when the bench cannot run: not root, or a tool missing."""
    import shutil
    if os.geteuid() != 0:
        print(f"{prog}: needs root (network namespaces, tcpdump, daemons on raw sockets); "
              "run it as root. Nothing measured.", flush=True)
        sys.exit(1)
    tools = ["ip", "tcpdump"] + (["keepalived"] if "keepalived" in daemons else [])
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        print(f"{prog}: missing {', '.join(missing)} (Debian: apt-get install iproute2 tcpdump keepalived). "
              "Nothing measured.", flush=True)
        sys.exit(1)


_binary_copy = None


def setup_env(hafd_path):
    """Points lab.py at a private copy of the hafd binary (the tree may be rebuilt while a bench
    runs: every start in one run must be the same hafd) and gives the labs a unique namespace
    prefix."""
    global _binary_copy
    import atexit
    import hashlib
    import shutil
    import tempfile
    src = os.path.abspath(hafd_path)
    d = tempfile.mkdtemp(prefix="hafd-bench-bin-")
    _binary_copy = os.path.join(d, "hafd")
    shutil.copy2(src, _binary_copy)
    atexit.register(shutil.rmtree, d, True)
    with open(_binary_copy, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    os.environ["HAFD"] = _binary_copy
    os.environ.setdefault("HAFD_TEST_PREFIX", f"hb{os.getpid() % 100000}")
    import lab
    lab.HAFD = _binary_copy
    BINARY_INFO.update({"path": src, "sha256": digest,
                        "mtime": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(src)))})
    return lab


BINARY_INFO = {}


def hafd_commit():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def keepalived_version():
    try:
        r = subprocess.run(["keepalived", "--version"], capture_output=True, text=True, timeout=10)
        return (r.stdout + r.stderr).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def environment():
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "kernel": os.uname().release,
            "hafd_commit": hafd_commit(), "hafd_binary": dict(BINARY_INFO),
            "keepalived": keepalived_version(), "cpus": os.cpu_count()}


# --- pcap ------------------------------------------------------------------------------------

def read_pcap(path):
    """Yields (time, frame bytes) of a classic pcap file (as tcpdump -w writes it)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a pcap file")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, expected Ethernet")
    div = 1e9 if nano else 1e6
    hdr = struct.Struct(endian + "IIII")
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = hdr.unpack_from(data, off)
        off += 16
        yield sec + frac / div, data[off:off + incl]
        off += incl


def ip4(b):
    return socket.inet_ntoa(b)


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def parse_frames(path):
    """(adverts, garps) of a capture.

    adverts: dicts {time, src, mac, vrid, prio, version, count} of IPv4 VRRP frames;
    garps: (time, vip, mac) of gratuitous ARP requests (sender IP == target IP)."""
    adverts, garps = [], []
    for t, fr in read_pcap(path):
        if len(fr) < 14:
            continue
        etype = struct.unpack_from("!H", fr, 12)[0]
        off = 14
        if etype == 0x8100 and len(fr) >= 18:
            etype = struct.unpack_from("!H", fr, 16)[0]
            off = 18
        if etype == 0x0800 and len(fr) >= off + 20:
            ihl = (fr[off] & 0x0F) * 4
            if fr[off + 9] != 112 or len(fr) < off + ihl + 8:
                continue
            v = fr[off + ihl:]
            adverts.append({"time": t, "src": ip4(fr[off + 12:off + 16]), "mac": mac_str(fr[6:12]),
                            "version": v[0] >> 4, "vrid": v[1], "prio": v[2], "count": v[3]})
        elif etype == 0x0806 and len(fr) >= off + 28:
            a = fr[off:off + 28]
            op = struct.unpack_from("!H", a, 6)[0]
            spa, tpa = a[14:18], a[24:28]
            if op == 1 and spa == tpa:
                garps.append((t, ip4(spa), mac_str(a[8:14])))
    return adverts, garps


class RawCapture:
    """tcpdump on the lab's bridge, like lab.Capture, but read back with parse_frames()."""

    def __init__(self, lab_mod, lab, bpf="vrrp or arp", name="cap"):
        self.path = os.path.join(lab.dir, f"{name}{len(lab.captures)}.pcap")
        self.proc = lab_mod.Proc(lab, ["ip", "netns", "exec", lab.br_ns, "tcpdump", "-i", "br0", "-U",
                                       "--immediate-mode", "-B", "16384", "-n", "-s", "128",
                                       "-w", self.path, bpf],
                                 self.path + ".log", "tcpdump")
        lab.captures.append(self)
        lab_mod.wait_until("tcpdump to listen",
                           lambda: "listening on" in self.proc.log_text() or not self.proc.alive(), 10)
        if not self.proc.alive():
            raise RuntimeError("tcpdump failed: " + self.proc.log_text())

    def stop(self):
        time.sleep(0.1)
        self.proc.stop(signal.SIGINT)
        return parse_frames(self.path)

    def dropped(self):
        """Frames tcpdump says the kernel dropped (from its closing summary), or None."""
        for line in self.proc.log_text().splitlines():
            if "dropped by kernel" in line:
                try:
                    return int(line.split()[0])
                except ValueError:
                    return None
        return None


# --- processes -------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def proc_tree(pid):
    """pid and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children_of(p))
    return out


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def cpu_ns(pid):
    """CPU time of all threads of pid in ns, from schedstat (exact), else utime+stime ticks."""
    total = 0
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        return total
    except (OSError, ValueError, IndexError):
        return cpu_ticks(pid) * 1_000_000_000 // CLK_TCK


def stat_fields(pid):
    """/proc/PID/stat after the command name: fields[0] is field 3 (state)."""
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    return st[st.rindex(")") + 2:].split()


def children_cpu_ns(pid):
    """CPU time of pid's reaped children (and of their reaped descendants): cutime + cstime
    (fields 16 and 17), in ns. The kernel adds a child's time when its parent waits for it; /proc
    gives it in clock ticks (10 ms at CLK_TCK 100)."""
    f = stat_fields(pid)
    return (int(f[13]) + int(f[14])) * 1_000_000_000 // CLK_TCK


def age_seconds(pid):
    """Seconds since pid started (field 22, in clock ticks since boot)."""
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return up - int(stat_fields(pid)[19]) / CLK_TCK


def rss_parts_kib(pid):
    """(VmRSS, RssAnon, RssFile) in KiB."""
    out = {"VmRSS:": 0, "RssAnon:": 0, "RssFile:": 0}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k = line.split(":", 1)[0] + ":"
            if k in out:
                out[k] = int(line.split()[1])
    return out["VmRSS:"], out["RssAnon:"], out["RssFile:"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


class ProcEvents:
    """The kernel's process events (the proc connector, NETLINK_CONNECTOR / CN_IDX_PROC), read by a
    thread: counts the processes forked by a set of parents, and how many of those children
    switched to a given uid. Needs root. Children are short-lived (a check runs for a millisecond),
    so /proc scans miss them; their fork and setuid events are not missed unless the socket
    overflows, which `lost` counts. The socket is the bench's own, in the root namespace; nothing is
    configured there."""

    FORK, UID, EXIT = 0x1, 0x4, 0x80000000

    def __init__(self):
        import threading
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)  # NETLINK_CONNECTOR
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
        except OSError:
            pass
        self.sock.bind((0, 1))  # CN_IDX_PROC
        self.sock.settimeout(0.2)
        cn = struct.pack("=IIIIHH", 1, 1, 0, 0, 4, 0) + struct.pack("=I", 1)  # PROC_CN_MCAST_LISTEN
        self.sock.send(struct.pack("=IHHII", 16 + len(cn), 3, 0, 0, 0) + cn)
        self.lock = threading.Lock()
        self.parents = set()
        self.uid = None
        self.children = {}   # pid -> [parent, switched to uid]
        self.forks = 0
        self.switched = 0
        self.lost = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def watch(self, parents, uid=None):
        """Counts from now on the children of `parents` (pids), and their switches to `uid`."""
        with self.lock:
            self.parents = set(parents)
            self.uid = uid
            self.children = {}
            self.forks = self.switched = 0

    def counts(self):
        with self.lock:
            return self.forks, self.switched

    def _run(self):
        while not self._stop:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError as e:
                if e.errno == 105:  # ENOBUFS: events dropped
                    self.lost += 1
                    continue
                return
            off = 0
            while off + 16 <= len(data):
                length = struct.unpack_from("=I", data, off)[0]
                if length < 16:
                    break
                msg = data[off + 16:off + length]
                off += (length + 3) & ~3
                if len(msg) < 20 + 16 + 16:
                    continue
                what = struct.unpack_from("=I", msg, 20)[0]
                a, b, c, d = struct.unpack_from("=IIII", msg, 36)
                with self.lock:
                    if what == self.FORK and b in self.parents and c == d:
                        # parent_pid, parent_tgid, child_pid, child_tgid: a new process, not a thread
                        self.forks += 1
                        self.children[d] = [b, False]
                        if len(self.children) > 20000:
                            self.children.pop(next(iter(self.children)))
                    elif what == self.UID and b in self.children:
                        # process_pid, process_tgid, ruid, euid
                        ch = self.children[b]
                        if not ch[1] and self.uid is not None and c == self.uid and d == self.uid:
                            ch[1] = True
                            self.switched += 1
                    elif what == self.EXIT and b in self.children:
                        del self.children[b]

    def close(self):
        self._stop = True
        self.thread.join(1)
        self.sock.close()


# --- statistics --------------------------------------------------------------------------------

def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    v = sorted(values)
    if not v:
        return math.nan
    k = (len(v) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def median(values):
    return percentile(values, 50)


def fmt(x, digits=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}"


def table(headers, rows, aligns=None):
    """A plain-text table: headers, then rows of already formatted strings."""
    cols = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    widths = [max(len(c) for c in col) for col in cols]
    aligns = aligns or ["<"] + [">"] * (len(headers) - 1)
    out = []
    for j in range(len(rows) + 1):
        cells = [f"{cols[i][j]:{aligns[i]}{widths[i]}}" for i in range(len(headers))]
        out.append("  ".join(cells).rstrip())
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def now_wall():
    """CLOCK_REALTIME, the clock tcpdump's kernel timestamps use."""
    return time.time()
