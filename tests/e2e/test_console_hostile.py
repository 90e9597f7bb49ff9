"""End to end: hostile log text never reaches the terminal raw.

momentum-sim puts hostile user agents into a small share of its access
log lines: a screen clear plus "SYSTEM COMPROMISED" in red, an OSC 0
title change ("pwned terminal title") and an OSC 52 clipboard write.
The simulator runs at 3600x so the console's first five-minute log
window spans hours of simulated traffic, and the server-side filter
pattern picks those lines out.  The console must show the text with the
escape sequences removed: the pane title stays, no tmux paste buffer is
created (set-clipboard is on, so an OSC 52 that got through would make
one), the tab bar is not wiped, and no "[2J"-style residue shows.
"""

import re
import sys

from tuilib import Console, Sim, need_tmux


def main():
    need_tmux()
    print("test_console_hostile:")
    with Sim(speed=3600) as sim:
        with Console(sim, "--env", "prod", "--no-mouse") as c:
            c.tmux("set-option", "-g", "set-clipboard", "on")
            c.tmux("set-option", "-g", "allow-rename", "on", check=False)
            c.wait_for(r"api\s+RUNNING", timeout=20)
            title = c.title()
            c.keys(":")
            c.type("logs api")
            c.keys("Enter")
            c.wait_for(r"logs prod/api")
            c.keys("&")
            c.type("?COMPROMISED ?pwned ?python-requests")
            c.keys("Enter")
            c.keys("w")
            s = c.wait_for(r"SYSTEM COMPROMISED", timeout=40)
            print("  hostile lines shown, sanitized", flush=True)
            # Let more of them arrive, then look hard.
            c.wait_for(r"python-requests/2\.31\.0", timeout=40)
            s = c.screen()
            raw = c.screen(escapes=True)
            for residue in ("[2J", "[H\x1b", "[31m", "]0;", "]52;", "\x07",
                            "pwned terminal title"):
                assert residue not in s, (residue, s)
            # capture -e shows only the console's own SGR sequences.
            others = re.findall(r"\x1b(?!\[[0-9;]*m)", raw)
            assert not others, others[:5]
            lines = s.split("\n")
            assert re.match(r"^ momentum  1 dev   2 staging   3 prod", lines[0]), \
                lines[0]
            assert "logs prod/api" in lines[1], lines[1]
            assert c.title() == title, (c.title(), title)
            bufs = c.tmux("list-buffers", check=False).stdout
            assert bufs.strip() == "", bufs
            print("  title, clipboard and layout intact", flush=True)
            c.quit()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
