#!/usr/bin/env python3
"""Benchmarks of momentum-console against momentum-sim (issue 4, Performance).

    python3 bench/console_perf.py [first-screen] [idle-cpu] [rss] [stalled-key]

With no argument all four run (about two minutes).  Each prints its
measured figures and, where the issue asks for one, a peer measured in the
same run; nothing asserts on time.  The exit status is non-zero only when
a benchmark cannot run (no tmux, no htop, no console binary, the simulator
does not start, the console never shows data).

  first-screen  time from launching the console in tmux until the services
                table shows numbers for every service (capture-pane polled
                every 20 ms), median of 5 runs.  Target: under 1 s.
  idle-cpu      the console on the compare view (dev, staging and prod all
                polled, 1 s render tick) next to `htop -d 10` (1 s tick),
                same tmux server, same 40 s: utime+stime from
                /proc/PID/stat, CPU-seconds per minute and the ratio.
                Target: console no higher than htop.
  rss           the logs view on prod api under the incident scenario at
                --speed 300 until the 10,000-line scrollback is full;
                VmRSS and VmHWM from /proc/PID/status, the biggest
                mappings from /proc/PID/smaps.  Target: RSS under 8 MB.
                Runs a second time with MALLOC_ARENA_MAX=1 to show what
                one malloc arena instead of one per thread would save.
  stalled-key   every simulated service stalls (--fault service=all,stall=1)
                so every poller is stuck in a request; keys that switch
                views are sent and the time until the screen changes is
                measured, next to `less` paging a file in the same tmux
                server (the measurement's own floor).  Target: one frame
                (the console draws at most every 33 ms).

The console runs as in `make demo`: the built-in configuration, the
simulator reached through AWS_ENDPOINT_URL, a private tmux server
(`tmux -L bench-<pid>-<n> -f /dev/null`) and private XDG/HOME dirs.
Environment: MOMENTUM_CONSOLE_BIN, MOMENTUM_SIM_BIN (bench/run sets them).
"""

import itertools
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))

from simlib import Sim  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
_counter = itertools.count()
CLOCK = re.compile(r"\b\d{2}:\d{2}:\d{2}(\.\d{3})?\b")
AGE = re.compile(r"\b\d+[smhd] ago\b|\bnow\b")
# A services-table row with numbers: role, status, instances "n lo-hi",
# requests/s and p50 ("frontend  RUNNING  1 1-2  0.27  37ms ...").
ROW = r"^\s*%s\s+[A-Z_]+\s+\d+\s+\d+-\d+\s+[0-9.]+[kMG]?\s+(<1ms|[0-9.]+m?s)"
ROLES = ("frontend", "api", "worker")


class CannotRun(Exception):
    pass


def console_bin():
    b = os.environ.get("MOMENTUM_CONSOLE_BIN")
    if not b:
        b = os.path.join(SRC, "build-bench", "momentum-console")
    if not os.access(b, os.X_OK):
        raise CannotRun("console binary %s is missing" % b)
    return b


def mask(text):
    return AGE.sub("AGE", CLOCK.sub("HH:MM:SS", text))


def quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class Tmux:
    """A private tmux server; each program runs exec'd in its own session,
    so the pane's pid is the program's pid."""

    def __init__(self):
        self.sock = "bench-%d-%d" % (os.getpid(), next(_counter))
        self.tmp = tempfile.mkdtemp(prefix="momentum-bench-")

    def run(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"]
                              + list(args), capture_output=True, text=True,
                              check=check)

    def start(self, name, argv, env, width=120, height=40):
        home = os.path.join(self.tmp, name)
        os.makedirs(home, exist_ok=True)
        e = {k: v for k, v in env.items()}
        e.update(TERM="screen-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                 HOME=home, XDG_CACHE_HOME=os.path.join(home, "cache"),
                 XDG_CONFIG_HOME=os.path.join(home, "config"),
                 XDG_STATE_HOME=os.path.join(home, "state"),
                 PATH=os.environ.get("PATH", "/usr/bin:/bin"),
                 # stay dumpable: /proc/PID/smaps is read (cores stay off)
                 MOMENTUM_ALLOW_CORE="1")
        for k in ("NO_COLOR", "MOMENTUM_CONSOLE_CONFIG", "COLORTERM"):
            e.pop(k, None)
        cmd = "exec env -i %s %s 2>%s" % (
            " ".join(quote("%s=%s" % kv) for kv in sorted(e.items())),
            " ".join(quote(a) for a in argv),
            quote(os.path.join(home, "stderr")))
        self.run("new-session", "-d", "-x", str(width), "-y", str(height),
                 "-s", name, cmd)
        pid = int(self.run("display-message", "-p", "-t", name,
                           "#{pane_pid}").stdout.strip())
        return pid

    def screen(self, name):
        return self.run("capture-pane", "-p", "-t", name,
                        check=False).stdout

    def keys(self, name, *keys):
        self.run("send-keys", "-t", name, *keys)

    def stderr(self, name):
        try:
            with open(os.path.join(self.tmp, name, "stderr")) as f:
                return f.read()
        except OSError:
            return ""

    def kill(self, name):
        self.run("kill-session", "-t", name, check=False)

    def stop(self):
        self.run("kill-server", check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wait_screen(tm, name, pred, timeout, step=0.05, what="screen"):
    deadline = time.monotonic() + timeout
    while True:
        s = tm.screen(name)
        if pred(s):
            return s
        if time.monotonic() > deadline:
            raise CannotRun("timed out waiting for %s; screen:\n%s\n"
                            "stderr:\n%s" % (what, s, tm.stderr(name)))
        time.sleep(step)


def has_numbers(screen):
    return all(re.search(ROW % r, screen, re.M) for r in ROLES)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is state (field 3); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def run_ns(pid):
    """CPU time of the live threads in ns (schedstat: exact, not sampled)."""
    total = 0
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def rollup_kb(pid, *keys):
    """Sum of the given fields of /proc/PID/smaps_rollup, in kB."""
    total = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            parts = line.split()
            if parts and parts[0].rstrip(":") in keys:
                total += int(parts[1])
    return total


def pss_kb(pid):
    return rollup_kb(pid, "Pss")


def smaps_top(pid, n=12):
    """Resident kB per mapping name (heap, stacks, libraries), largest first."""
    sizes = {}
    name = None
    anon_i = 0
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                if len(parts) >= 6:
                    name = os.path.basename(parts[5]) if parts[5].startswith(
                        "/") else parts[5]
                else:
                    # Anonymous: thread malloc arenas, stacks; the largest
                    # one of a full scrollback is the log poller's arena.
                    anon_i += 1
                    name = "[anon#%d]" % anon_i
            elif parts and parts[0] == "Rss:":
                sizes[name] = sizes.get(name, 0) + int(parts[1])
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:n]


def nthreads(pid):
    return len(os.listdir("/proc/%d/task" % pid))


# ---- 1: first screen with data -------------------------------------------

def bench_first_screen(runs=5):
    print("first screen with data (target: < 1000 ms), %d runs, "
          "capture-pane every 20 ms" % runs)
    con = console_bin()
    times, firsts = [], []
    with Sim(seed=1, request_log=False) as sim:
        for i in range(runs):
            with Tmux() as tm:
                t0 = time.monotonic()
                tm.start("c", [con], sim.env())
                first = None
                while True:
                    s = tm.screen("c")
                    t = time.monotonic() - t0
                    if first is None and "momentum" in s:
                        first = t
                    if has_numbers(s):
                        break
                    if t > 15:
                        raise CannotRun("no data after 15 s; screen:\n%s\n%s"
                                        % (s, tm.stderr("c")))
                    time.sleep(0.02)
                times.append(t * 1000)
                firsts.append((first or t) * 1000)
    print("  first frame: median %.0f ms; every service row with numbers: "
          "%s ms -> median %.0f ms (%s)" % (
              statistics.median(firsts),
              " ".join("%.0f" % t for t in times), statistics.median(times),
              "met" if statistics.median(times) < 1000 else "NOT met"))


# ---- 2: idle CPU next to htop --------------------------------------------

def bench_idle_cpu(seconds=40):
    if shutil.which("htop") is None:
        raise CannotRun("htop is not installed (scripts/install-deps)")
    print("idle CPU, console compare view (3 environments polled, 1 s "
          "render tick) vs htop -d 10, same %d s" % seconds)
    con = console_bin()
    with Sim(seed=1, request_log=False) as sim, Tmux() as tm:
        cpid = tm.start("c", [con], sim.env())
        wait_screen(tm, "c", has_numbers, 15, what="overview data")
        tm.keys("c", "c")
        # All three environments with numbers in the api row.
        wait_screen(tm, "c", lambda s: "compare environments" in s and
                    re.search(r"^\s*api(\s+\S+\s+[0-9.]+[kMG]?\s+\S+s"
                              r"\s+\S+%\s+\S+%){3}", s, re.M),
                    15, what="compare view with dev, staging and prod data")
        hpid = tm.start("h", ["htop", "-d", "10"], dict(os.environ))
        wait_screen(tm, "h", lambda s: "PID" in s, 10, what="htop")
        time.sleep(5)   # past the first fetches of every environment
        c0, h0, t0 = cpu_seconds(cpid), cpu_seconds(hpid), time.monotonic()
        cn0, hn0 = run_ns(cpid), run_ns(hpid)
        time.sleep(seconds)
        c1, h1, t1 = cpu_seconds(cpid), cpu_seconds(hpid), time.monotonic()
        cn1, hn1 = run_ns(cpid), run_ns(hpid)
        nproc = len([d for d in os.listdir("/proc") if d.isdigit()])
        crss, hrss = status_kb(cpid, "VmRSS"), status_kb(hpid, "VmRSS")
        cth = nthreads(cpid)
    per_min = 60.0 / (t1 - t0)
    c, h = (c1 - c0) * per_min, (h1 - h0) * per_min
    cn, hn = (cn1 - cn0) / 1e9 * per_min, (hn1 - hn0) / 1e9 * per_min
    print("  console: %.3f CPU-s/min utime+stime, %.4f CPU-s/min schedstat "
          "(%d threads, RSS %.1f MB)" % (c, cn, cth, crss / 1024))
    print("  htop   : %.3f CPU-s/min utime+stime, %.4f CPU-s/min schedstat "
          "(%d processes on the machine, RSS %.1f MB)" % (
              h, hn, nproc, hrss / 1024))
    print("  ratio console/htop: %.3f by schedstat, %s by utime+stime "
          "(%d Hz ticks) (target <= 1: %s)" % (
              cn / hn if hn > 0 else float("inf"),
              "%.3f" % (c / h) if h > 0 else "-", CLK_TCK,
              "met" if cn <= hn else "NOT met"))


# ---- 3: RSS with a full 10,000-line scrollback ---------------------------

def scrollback_lines(tm):
    """Lines held: go to the top (paused), read '+N below', follow again."""
    tm.keys("c", "g")
    s = wait_screen(tm, "c", lambda s: "paused" in s, 5, step=0.05,
                    what="paused logs view")
    m = re.search(r"paused \(\+(\d+) below\)", s)
    shown = 0
    lines = s.split("\n")
    for ln in lines[2:-2]:
        if re.match(r"^\s*\d{2}:\d{2}:\d{2}\.\d{3}", ln) or ln.startswith(
                "   "):
            shown += 1
    tm.keys("c", "f")
    return (int(m.group(1)) if m else 0) + shown


def bench_rss(speed=300, limit_s=120, extra_env=None):
    print("RSS with a full 10,000-line log scrollback (target: < 8 MB); "
          "incident scenario, --speed %d, logs of prod api%s" % (
              speed, "".join(" %s=%s" % kv for kv in (extra_env or {}).items())))
    con = console_bin()
    with Sim(seed=1, speed=speed, scenario="incident",
             request_log=False) as sim, Tmux() as tm:
        env = sim.env()
        env.update(extra_env or {})
        pid = tm.start("c", [con, "--env", "prod"], env)
        wait_screen(tm, "c", has_numbers, 15, what="overview data")
        base_rss = status_kb(pid, "VmRSS")
        tm.keys("c", ":")
        tm.run("send-keys", "-t", "c", "-l", "logs api")
        tm.keys("c", "Enter")
        wait_screen(tm, "c", lambda s: "logs prod/api" in s, 10,
                    what="logs view")
        t0 = time.monotonic()
        n = 0
        while n < 9900:
            if time.monotonic() - t0 > limit_s:
                raise CannotRun("scrollback held only %d lines after %d s"
                                % (n, limit_s))
            time.sleep(2)
            n = scrollback_lines(tm)
        fill_s = time.monotonic() - t0
        rss1, hwm1 = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
        time.sleep(10)  # eviction at work: the store stays full
        n2 = scrollback_lines(tm)
        rss, hwm = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
        anon = status_kb(pid, "RssAnon")
        files = status_kb(pid, "RssFile")
        pss = pss_kb(pid)
        # Pages only this process maps.  Private_Dirty: what it wrote
        # (heap, stacks, the libraries' relocated data).  Private_Clean:
        # file pages (its own binary, libraries no other process has
        # open right now) that the kernel can drop and read back.
        pdirty = rollup_kb(pid, "Private_Dirty")
        pclean = rollup_kb(pid, "Private_Clean")
        priv = pdirty + pclean
        top = smaps_top(pid)
        th = nthreads(pid)
    print("  overview before the logs view: VmRSS %.1f MB" % (base_rss / 1024))
    print("  scrollback full (%d lines) after %.0f s: VmRSS %.1f MB, "
          "VmHWM %.1f MB" % (n, fill_s, rss1 / 1024, hwm1 / 1024))
    print("  10 s later (%d lines): VmRSS %.1f MB (anon %.1f, files %.1f; "
          "Pss %.1f), VmHWM %.1f MB, %d threads (%s)" % (
              n2, rss / 1024, anon / 1024, files / 1024, pss / 1024,
              hwm / 1024, th, "met" if rss < 8192 else "NOT met"))
    print("  private (smaps_rollup): %.1f MB = Private_Dirty %.1f + "
          "Private_Clean %.1f (%s); RssAnon %.1f MB (%s)" % (
              priv / 1024, pdirty / 1024, pclean / 1024,
              "< 8 MB" if priv < 8192 else ">= 8 MB", anon / 1024,
              "< 8 MB" if anon < 8192 else ">= 8 MB"))
    print("  largest resident mappings: " + ", ".join(
        "%s %.1f MB" % (k, v / 1024) for k, v in top))
    return rss


def probe_bin():
    return os.path.join(os.path.dirname(console_bin()), "probe_rss_floor")


def floor_rss(sim, tm, tls=None):
    """Run bench/probe_rss_floor.c (the console's libraries, one signed
    call, an ncurses screen; with tls=(url, ca) one verified HTTPS GET)
    in the same tmux server; return ([(step, VmRSS kB)], VmRSS, RssAnon,
    RssFile) read when it is ready."""
    out = os.path.join(tm.tmp, "floor-%s.txt" % ("tls" if tls else "http"))
    name = "f" + ("t" if tls else "h")
    pid = tm.start(name, [probe_bin(), out] + (list(tls) if tls else []),
                   sim.env())
    deadline = time.monotonic() + 20
    text = ""
    while time.monotonic() < deadline:
        try:
            with open(out) as f:
                text = f.read()
        except OSError:
            text = ""
        if "ready" in text or "error" in text:
            break
        time.sleep(0.05)
    if "ready" not in text:
        tm.kill(name)
        raise CannotRun("memory floor probe: %s" % (
            text.strip() or tm.stderr(name) or "no answer"))
    steps = [(ln.split()[0], int(ln.split()[1])) for ln in text.splitlines()
             if ln != "ready"]
    r = (steps, status_kb(pid, "VmRSS"), status_kb(pid, "RssAnon"),
         status_kb(pid, "RssFile"))
    tm.kill(name)
    return r


class TlsServer:
    """openssl s_server -www on a free port with a throw-away self-signed
    certificate for localhost: the floor's TLS step has a real peer."""

    def __init__(self, tmp):
        self.tmp, self.proc = tmp, None

    def __enter__(self):
        if shutil.which("openssl") is None:
            raise CannotRun("the openssl command is missing")
        key = os.path.join(self.tmp, "tls.key")
        self.cert = os.path.join(self.tmp, "tls.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", self.cert,
                        "-days", "1", "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=DNS:localhost"],
                       check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            ["openssl", "s_server", "-www", "-accept",
             "127.0.0.1:%d" % self.port, "-cert", self.cert, "-key", key],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise CannotRun("openssl s_server did not start")

    def __exit__(self, *exc):
        if self.proc:
            self.proc.kill()
            self.proc.wait()

    def url(self):
        return "https://localhost:%d/" % self.port


def needed(path):
    """The shared libraries a binary names (DT_NEEDED), or None."""
    try:
        out = subprocess.run(["readelf", "-d", path], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted(re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]",
                             out))


def bench_rss_floor():
    """The peer for the RSS target: what the console's libraries cost
    before it does its own work, measured in the same run."""
    print("memory floor of the console's libraries (bench/probe_rss_floor.c:"
          " same link, one signed call, an ncurses screen)")
    con, probe = needed(console_bin()), needed(probe_bin())
    if con is None or probe is None:
        print("  shared libraries: cannot compare (readelf missing)")
    elif con == probe:
        print("  shared libraries: the same %d as the console's (%s)" % (
            len(con), " ".join(con)))
    else:
        print("  shared libraries DIFFER: console %s, probe %s" % (
            " ".join(con), " ".join(probe)))
    with Sim(seed=1, request_log=False) as sim, Tmux() as tm:
        steps, rss, anon, files = floor_rss(sim, tm)
        print("  " + ", ".join("%s %.1f" % (k, v / 1024) for k, v in steps)
              + " MB VmRSS")
        print("  floor (plain HTTP, as against the simulator): VmRSS %.1f MB"
              " (anon %.1f, files %.1f)" % (rss / 1024, anon / 1024,
                                            files / 1024))
        with TlsServer(tm.tmp) as tls:
            tsteps, trss, tanon, tfiles = floor_rss(
                sim, tm, (tls.url(), tls.cert))
        print("  floor with one verified TLS handshake (every call to real "
              "AWS): VmRSS %.1f MB (anon %.1f, files %.1f)" % (
                  trss / 1024, tanon / 1024, tfiles / 1024))
    return rss, trss


def bench_rss_and_arena():
    # console_main sets M_ARENA_MAX to 1 itself (one malloc arena).
    rss = bench_rss()
    floor, tls_floor = bench_rss_floor()
    print("  the console's own share: %.1f MB = console %.1f - floor %.1f "
          "(target < 8 MB for the whole process: %s; the floor alone is "
          "%.0f%% of it, %.0f%% with TLS)" % (
              (rss - floor) / 1024, rss / 1024, floor / 1024,
              "met" if rss < 8192 else "NOT met", 100.0 * floor / 8192,
              100.0 * tls_floor / 8192))


# ---- 4: a key while every poller is stuck ---------------------------------

def key_latency(tm, name, keyseq, rounds):
    out = []
    before = mask(tm.screen(name))
    for i in range(rounds):
        k = keyseq[i % len(keyseq)]
        t0 = time.monotonic()
        tm.keys(name, k)
        while True:
            s = mask(tm.screen(name))
            t = time.monotonic() - t0
            if s != before:
                break
            if t > 5:
                raise CannotRun("screen of %s did not change after key %r"
                                % (name, k))
        out.append(t * 1000)
        before = s
        time.sleep(0.1)
        before = mask(tm.screen(name))
    return out


def bench_stalled_key(rounds=12):
    print("key answered while every poller is stuck on a stalled endpoint "
          "(target: one frame, 33 ms)")
    con = console_bin()
    with Sim("--fault", "service=all,stall=1", seed=1) as sim, \
            Tmux() as tm:
        tm.start("c", [con], sim.env())
        wait_screen(tm, "c", lambda s: "SERVICE" in s or "loading" in s,
                    10, what="first frame")
        # Every poller has sent its first request and is waiting on it.
        def stalled():
            return [r for r in sim.log_lines() if r.get("fault") == "stall"]
        deadline = time.monotonic() + 10
        while len(stalled()) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        nreq = len(stalled())
        stuck = nreq >= 3 and nreq == len(sim.log_lines()) and \
            not has_numbers(tm.screen("c"))
        lat = key_latency(tm, "c", ["a", "c", "$", "o"], rounds)
        text = os.path.join(tm.tmp, "text")
        with open(text, "w") as f:
            for i in range(20000):
                f.write("line %d of a long file for less to page\n" % i)
        tm.start("l", ["less", text], dict(os.environ))
        wait_screen(tm, "l", lambda s: "line 0 " in s, 5, what="less")
        peer = key_latency(tm, "l", ["Space"], rounds)
        sim.stop(timeout=5)
    m, p = statistics.median(lat), statistics.median(peer)
    print("  pollers stuck: %s (%d requests stalled by the simulator, "
          "no data on screen)" % ("yes" if stuck else "NO", nreq))
    print("  console: %s ms -> median %.0f ms, max %.0f ms (%s)" % (
        " ".join("%.0f" % x for x in lat), m, max(lat),
        "met" if max(lat) <= 33 + p else "NOT met"))
    print("  less   : median %.0f ms, max %.0f ms (tmux send-keys + "
          "capture-pane floor); console/less %.2f" % (p, max(peer), m / p))


BENCHES = {
    "first-screen": bench_first_screen,
    "idle-cpu": bench_idle_cpu,
    "rss": bench_rss_and_arena,
    "stalled-key": bench_stalled_key,
}


def main():
    names = sys.argv[1:] or list(BENCHES)
    if shutil.which("tmux") is None:
        print("console_perf: cannot run: tmux is not installed")
        return 1
    status = 0
    for n in names:
        if n not in BENCHES:
            print("console_perf: unknown benchmark %r (%s)" %
                  (n, " ".join(BENCHES)))
            return 2
        try:
            BENCHES[n]()
        except (CannotRun, RuntimeError, OSError) as e:
            print("console_perf: %s: cannot run: %s" % (n, e))
            status = 1
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
