"""End to end: the console stays responsive while every endpoint stalls.

momentum-sim runs with `--fault service=all,stall`: no request ever gets
an answer.  The UI thread never touches the network, so every key must
still be answered at once, panes must say they are loading, and q must
quit promptly (the pollers' threads are not waited for beyond a short
bound).
"""

import sys
import time

from tuilib import Console, Sim, need_tmux, wait_for


def main():
    need_tmux()
    print("test_console_stalled:")
    with Sim("--fault", "service=all,stall") as sim:
        with Console(sim, "--env", "prod") as c:
            c.wait_for(r"prod services")
            c.wait_for(r"state loading")
            for key, want in (("a", r"firing of 0"), ("c", r"compare"),
                              ("?", r"Everywhere"), ("Escape", r"compare"),
                              ("2", r"staging"), ("o", r"staging services"),
                              ("L", r"logs staging/")):
                t0 = time.time()
                c.keys(key)
                c.wait_for(want, timeout=3)
                took = time.time() - t0
                # Generous bound: a frame is 33 ms, tmux round trips are
                # the rest.  A UI blocked on a stalled request would take
                # the client's 10 s timeout.
                assert took < 5, (key, took)
            print("  keys answered while every endpoint stalls", flush=True)
            t0 = time.time()
            c.keys("q")
            wait_for(lambda: c.exit_status() is not None, timeout=10,
                     what="console exit")
            took = time.time() - t0
            assert c.exit_status() == 0, (c.exit_status(), c.stderr())
            assert took < 8, took
            print("  q quit in %.1f s" % took, flush=True)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
