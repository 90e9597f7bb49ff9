"""Drive momentum-console in a private tmux server against momentum-sim.

    from tuilib import Console, need_tmux
    need_tmux()
    with Sim(scenario="incident") as sim, Console(sim, "--env", "prod") as c:
        c.wait_for("RUNNING")
        c.keys("a")
        screen = c.wait_for("alarms")

Each Console runs its own tmux server (`tmux -L test-<pid>-<n> -f
/dev/null`), so tests never touch a user's tmux.  Screens are read with
capture-pane; wait_for() retries until the text shows or a bound passes,
so tests do not depend on timing.  mask() replaces clocks and ages so
whole lines can be compared.
"""

import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from simlib import Sim, wait_for  # noqa: E402,F401

_counter = itertools.count()


def need_tmux():
    """tmux is required: fail under CI=true, skip (exit 0) otherwise."""
    if shutil.which("tmux") is None:
        if os.environ.get("CI") == "true":
            raise SystemExit("FAIL: tmux is required for the e2e tests "
                             "(CI=true)")
        print("SKIP: tmux is not installed")
        sys.exit(0)


def console_bin():
    b = os.environ.get("MOMENTUM_CONSOLE_BIN")
    if b:
        return b
    return os.path.join(HERE, "..", "..", "build", "momentum-console")


CLOCK = re.compile(r"\b\d{2}:\d{2}:\d{2}(\.\d{3})?\b")
AGE = re.compile(r"\b\d+[smhd] ago\b|\bnow\b")


def mask(text):
    """Replace clocks and data ages, which change from run to run."""
    return AGE.sub("AGE", CLOCK.sub("HH:MM:SS", text))


class Console:
    def __init__(self, sim, *args, width=120, height=40, env=None,
                 lang="C.UTF-8", ro=False):
        self.sock = "test-%d-%d" % (os.getpid(), next(_counter))
        self.tmp = tempfile.mkdtemp(prefix="momentum-e2e-")
        e = sim.env(ro=ro) if sim is not None else dict(os.environ)
        e.update(TERM="screen-256color", LANG=lang, LC_ALL=lang,
                 XDG_CACHE_HOME=os.path.join(self.tmp, "cache"),
                 XDG_CONFIG_HOME=os.path.join(self.tmp, "config"),
                 XDG_STATE_HOME=os.path.join(self.tmp, "state"),
                 HOME=self.tmp)
        e.pop("NO_COLOR", None)
        e.pop("MOMENTUM_CONSOLE_CONFIG", None)
        e.pop("COLORTERM", None)
        if env:
            e.update(env)
        self.env = e
        self.args = [console_bin()] + list(args)
        self.width, self.height = width, height
        self.stderr_path = os.path.join(self.tmp, "stderr")
        self.status_path = os.path.join(self.tmp, "status")

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"]
                              + list(args), capture_output=True, text=True,
                              check=check, env=self.env)

    def start(self):
        # The shell wrapper records the exit status and keeps stderr.
        cmd = " ".join(_quote(a) for a in self.args)
        script = "%s 2>%s; echo $? >%s" % (cmd, _quote(self.stderr_path),
                                          _quote(self.status_path))
        # Every variable the console needs goes through `env` because a
        # tmux server started by new-session passes only its own
        # environment to the pane.
        envargs = ["%s=%s" % (k, v) for k, v in self.env.items()
                   if k.startswith(("AWS_", "XDG_", "LANG", "LC_", "HOME",
                                    "TERM", "NO_COLOR", "COLORTERM",
                                    "MOMENTUM_", "PATH", "ASAN_", "UBSAN_",
                                    "LSAN_", "TSAN_", "TERMINFO"))]
        self.tmux("new-session", "-d", "-x", str(self.width), "-y",
                  str(self.height), "-s", "t", "env", "-i", *envargs,
                  "sh", "-c", script + "; sleep 30")
        self.tmux("set-option", "-g", "remain-on-exit", "on", check=False)
        self.socket_path = self.tmux("display-message", "-p",
                                     "#{socket_path}",
                                     check=False).stdout.strip()
        return self

    def stop(self):
        self.tmux("kill-server", check=False)
        # tmux leaves the socket file behind; do not litter /tmp.
        path = getattr(self, "socket_path", "")
        if path and os.path.basename(path) == self.sock:
            try:
                os.unlink(path)
            except OSError:
                pass

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if exc[0] is not None:
            sys.stderr.write("---- screen at failure ----\n%s\n"
                             "---- console stderr ----\n%s\n"
                             % (self.screen(), self.stderr()))
        self.stop()
        self.cleanup()

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def exit_status(self):
        """The console's exit status, or None while it runs."""
        try:
            with open(self.status_path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"]
        if escapes:
            args.append("-e")
        r = self.tmux(*args, check=False)
        return r.stdout

    def lines(self):
        return self.screen().split("\n")

    def keys(self, *keys):
        """tmux key names: "j", "Enter", "Escape", "C-u", "Tab"."""
        for k in keys:
            self.tmux("send-keys", "-t", "t", k)
            time.sleep(0.05)

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)
        time.sleep(0.05)

    def click(self, x, y):
        """A left click at column x, row y (0-based), X10 mouse encoding."""
        press = "\x1b[M" + chr(32) + chr(33 + x) + chr(33 + y)
        release = "\x1b[M" + chr(35) + chr(33 + x) + chr(33 + y)
        self.type(press + release)

    def resize(self, w, h):
        self.tmux("resize-window", "-t", "t", "-x", str(w), "-y", str(h))

    def title(self):
        return self.tmux("display-message", "-p", "-t", "t",
                         "#{pane_title}").stdout.strip()

    def wait_for(self, pattern, timeout=15, absent=False):
        """Wait until pattern (a regex) is on screen (or gone); the screen."""
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        while True:
            s = self.screen()
            if bool(rx.search(s)) != absent:
                return s
            if time.time() > deadline:
                raise AssertionError("timed out waiting for %s%r; screen:\n%s"
                                     "\nstderr:\n%s" % (
                                         "absence of " if absent else "",
                                         pattern, s, self.stderr()))
            time.sleep(0.1)

    def settle(self, timeout=5):
        """Wait until two captures 0.3 s apart agree (after masking)."""
        deadline = time.time() + timeout
        last = mask(self.screen())
        while time.time() < deadline:
            time.sleep(0.3)
            s = mask(self.screen())
            if s == last:
                return s
            last = s
        return last

    def quit(self, timeout=15):
        """Press q and require a clean exit (status 0: no sanitizer or
        leak report either)."""
        self.keys("q")
        wait_for(lambda: self.exit_status() is not None, timeout=timeout,
                 what="console exit")
        assert self.exit_status() == 0, (self.exit_status(), self.stderr())


def _quote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"
