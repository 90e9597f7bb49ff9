"""End to end: failed polls keep the last data, marked stale, with why.

A scenario file makes CloudWatch and App Runner throttle every request a
few seconds after the start.  The console first shows live data; after a
refresh (r) the service and alarm panes must keep their data, say
"stale: throttled", and the status line must say so too.  Then a denied (wrong secret) console
shows "no data" with the reason instead of numbers.
"""

import os
import re
import sys
import time

from tuilib import Console, Sim, need_tmux


def main():
    need_tmux()
    print("test_console_stale:")
    probe = Console(None)
    try:
        run(probe)
    finally:
        probe.cleanup()
    print("ok")


def run(probe):
    scn = os.path.join(probe.tmp, "throttle.scn")
    with open(scn, "w") as f:
        f.write("+0s note \"throttling starts at +6s\"\n"
                "+6s fault monitoring throttle=1.0\n"
                "+6s fault apprunner throttle=1.0\n")
    with Sim(scenario=scn) as sim:
        with Console(sim, "--env", "prod") as c:
            s = c.wait_for(r"api\s+RUNNING\s+\d+ \d+-\d+\s+[\d.]+", timeout=20)
            # Wait for the scenario's throttling to begin, then refresh.
            time.sleep(6.5)
            c.keys("r")
            # r refreshes state and alarms at once (metrics keep their
            # one-minute period: they change no faster).
            s = c.wait_for(r"state stale: throttled", timeout=40)
            assert re.search(r"api\s+RUNNING\s+\d+ \d+-\d+\s+[\d.]+", s), s
            s = c.wait_for(r"alarms .*stale: throttled", timeout=40)
            # The status line says it too (once the "refreshing" message
            # has gone).
            c.wait_for(r"(?m)^ prod\s+API \d+ calls.*stale: throttled",
                       timeout=15)
            top = c.lines()[0]
            assert re.search(r"3 prod !", top), top	# stale mark on the tab
            print("  throttled polls keep the data and say stale: throttled",
                  flush=True)
            c.keys("j", "Enter")
            c.wait_for(r"prod / api")
            c.wait_for(r"stale: throttled")
            c.quit()
        env = {"AWS_SECRET_ACCESS_KEY": "not-the-secret"}
        with Console(sim, "--env", "dev", env=env) as c:
            s = c.wait_for(r"no data: (denied|credentials|error)", timeout=40)
            assert "RUNNING" not in s, s
            print("  rejected credentials: no data, and why", flush=True)
            c.quit()


if __name__ == "__main__":
    sys.exit(main())
