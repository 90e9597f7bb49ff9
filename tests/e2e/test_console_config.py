"""End to end: configuration as the console's user sees it.

A config file with a bad line still starts the console, which names the
file and line on the status line and lists the warning in the help view;
[keys] rebinds an action by name (and the help view shows the new key);
MOMENTUM_CONSOLE_CONFIG is honoured like --config.
"""

import os
import re
import sys

from tuilib import Console, Sim, need_tmux, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CONF = os.path.join(HERE, "..", "..", "config", "momentum.conf")


def write_config(tmpdir):
    with open(DEFAULT_CONF) as f:
        text = f.read()
    path = os.path.join(tmpdir, "console.conf")
    with open(path, "w") as f:
        f.write(text)
        f.write("\n[keys]\nquit = Q\ncompare = C-x\n")
        f.write("\n[general]\nthis line is not key value\n")
    return path


def main():
    need_tmux()
    print("test_console_config:")
    with Sim() as sim:
        probe = Console(sim)
        try:
            run(sim, probe)
        finally:
            probe.cleanup()
    print("ok")


def run(sim, probe):
    path = write_config(probe.tmp)
    with Console(sim, "--config", path, "--env", "prod") as c:
        s = c.wait_for(r"config warning", timeout=20)
        assert re.search(r"console\.conf:\d+: expected 'key = value'", s), s
        print("  bad line named on the status line; console runs",
              flush=True)
        c.wait_for(r"api\s+RUNNING", timeout=20)
        c.keys("C-x")
        c.wait_for(r"compare environments")
        c.keys("?")
        s = c.wait_for(r"Everywhere")
        assert re.search(r"(?m)^\s+Q\s+Quit", s), s
        assert re.search(r"(?m)^\s+C-x\s+Compare", s), s
        c.keys("G")
        s = c.wait_for(r"Config warnings")
        assert "console.conf" in s, s
        c.keys("Escape")
        c.keys("q")	# rebound: q no longer quits
        c.wait_for(r"prod services|compare environments")
        assert c.exit_status() is None
        c.keys("Q")
        wait_for(lambda: c.exit_status() is not None, timeout=15,
                 what="console exit")
        assert c.exit_status() == 0, c.exit_status()
        print("  [keys] rebinding works and shows in help", flush=True)
    with Console(sim, env={"MOMENTUM_CONSOLE_CONFIG": path}) as c:
        c.wait_for(r"config warning", timeout=20)
        c.keys("Q")
        wait_for(lambda: c.exit_status() is not None, timeout=15,
                 what="console exit")
        assert c.exit_status() == 0
        print("  MOMENTUM_CONSOLE_CONFIG honoured", flush=True)


if __name__ == "__main__":
    sys.exit(main())
