"""End to end: the console's terminal habits.

80x24 for every view, a terminal below the minimum size and a resize
back, NO_COLOR, the ASCII fallback under LANG=C, themes, and the
non-interactive options (--help, --version, --exit-after, bad options).
"""

import re
import subprocess
import sys

from tuilib import Console, Sim, console_bin, need_tmux, wait_for

COLOUR_SGR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5;\d+|48;5;\d+|"
                        r"38;2;[\d;]+|48;2;[\d;]+|9[0-7]|10[0-7])[;m]")


def step(name):
    print("  " + name, flush=True)


def assert_fits(c, w, h):
    lines = c.screen().rstrip("\n").split("\n")
    assert len(lines) <= h, len(lines)
    for l in lines:
        assert len(l) <= w, (len(l), l)


def check_80x24(sim):
    step("80x24: every view fits and shows its essentials")
    with Console(sim, "--env", "prod", width=80, height=24) as c:
        s = c.wait_for(r"api\s+RUNNING", timeout=20)
        lines = s.split("\n")
        # The tab bar keeps every environment and the clock at 80 columns.
        assert re.match(r"^ 1 dev   2 staging   3 prod ", lines[0]), lines[0]
        assert lines[2].split()[:8] == ["SERVICE", "STATUS", "INST", "REQ/S",
                                        "P50", "P99", "4XX", "5XX"], lines[2]
        c.wait_for(r"MTD \$", timeout=20)
        assert "? help" in c.lines()[23], c.lines()[23]
        assert_fits(c, 80, 24)
        for key, want in (("c", r"running image"), ("a", r"firing of"),
                          ("$", r"month to date"), ("?", r"Everywhere"),
                          ("q", r"month to date"), ("o", r"prod services")):
            c.keys(key)
            c.wait_for(want)
            assert_fits(c, 80, 24)
        c.keys("j", "Enter")
        c.wait_for(r"prod / api")
        c.wait_for(r"p99 latency")
        assert_fits(c, 80, 24)
        c.keys("L")
        c.wait_for(r"logs prod/api")
        assert_fits(c, 80, 24)

        step("too small: a clear message until the terminal grows")
        c.resize(50, 12)
        c.wait_for(r"terminal too small: need 60x16, have 50x12")
        c.keys("j", "a")	# ignored while too small
        c.resize(59, 30)
        c.wait_for(r"terminal too small: need 60x16, have 59x30")
        c.resize(80, 24)
        c.wait_for(r"terminal too small", absent=True)
        c.wait_for(r"logs prod/api")
        step("60x16, the minimum: every view still draws")
        c.resize(60, 16)
        c.wait_for(r"terminal too small", absent=True)
        for key, want in (("o", r"prod services"), ("c", r"p99\s+5xx"),
                          ("a", r"firing of"), ("$", r"month to date"),
                          ("?", r"Everywhere"), ("Escape", r"month to date"),
                          ("L", r"logs prod/")):
            c.keys(key)
            c.wait_for(want)
            assert_fits(c, 60, 16)
        c.resize(30, 8)
        c.wait_for(r"have 30x8")
        c.resize(120, 40)
        s = c.wait_for(r"logs prod/api")
        assert "too small" not in s
        c.keys("q")
        wait_for(lambda: c.exit_status() is not None, timeout=15,
                 what="console exit")
        assert c.exit_status() == 0, c.exit_status()


def check_no_color(sim):
    step("NO_COLOR: attributes only, no colour escape sequences")
    with Console(sim, "--env", "prod", env={"NO_COLOR": "1"}) as c:
        c.wait_for(r"api\s+RUNNING", timeout=20)
        c.keys("a")
        c.wait_for(r"firing of")
        esc = c.screen(escapes=True)
        assert not COLOUR_SGR.search(esc), COLOUR_SGR.search(esc)
        # Meaning survives without colour: reverse video or bold.
        assert re.search(r"\x1b\[[0-9;]*(1|7)[;m]", esc), esc[:400]
        c.quit()
    step("colour (control): the same screen has colour without NO_COLOR")
    with Console(sim, "--env", "prod") as c:
        c.wait_for(r"api\s+RUNNING", timeout=20)
        esc = c.screen(escapes=True)
        assert COLOUR_SGR.search(esc), esc[:400]
        c.quit()


def check_ascii(sim):
    step("LANG=C: ASCII fallback for box, sparkline and braille glyphs")
    with Console(sim, "--env", "prod", lang="C") as c:
        s = c.wait_for(r"api\s+RUNNING\s+\d", timeout=20)
        c.wait_for(r"MTD \$", timeout=20)
        for view_keys, want in ((("o",), r"REQ 1H"), (("c",), r"compare"),
                                (("o", "j", "Enter"), r"p99 latency"),
                                (("a",), r"firing of"),
                                (("$",), r"by service"),
                                (("L",), r"logs prod/api")):
            c.keys(*view_keys)
            s = c.wait_for(want)
            raw = c.tmux("capture-pane", "-p", "-t", "t").stdout
            bad = [ch for ch in raw if ord(ch) > 127]
            assert not bad, (view_keys, bad[:10], raw)
        c.keys("o", "j", "Enter")
        s = c.wait_for(r"p99 latency")
        assert re.search(r"\|\s", s), s	# the y axis in ASCII
        c.quit()


def check_themes(sim):
    step("themes: --theme light and high-contrast start; T cycles")
    for theme in ("light", "high-contrast"):
        with Console(sim, "--theme", theme, "--env", "dev") as c:
            c.wait_for(r"dev services", timeout=20)
            c.keys("T", "T", "T")
            c.keys("?")
            c.wait_for(r"theme %s" % re.escape(theme))
            c.keys("q", "q")
            wait_for(lambda: c.exit_status() is not None, timeout=15,
                     what="console exit")


def check_options(sim):
    step("options: --help, --version, bad option, bad theme, no tty, "
         "unknown TERM, --exit-after")
    b = console_bin()
    r = subprocess.run([b, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--exit-after" in r.stdout, r
    r = subprocess.run([b, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and re.match(r"momentum-console \d", r.stdout)
    r = subprocess.run([b, "--bogus"], capture_output=True, text=True)
    assert r.returncode == 64 and "usage:" in r.stderr, r
    r = subprocess.run([b, "--theme", "neon"], capture_output=True,
                       text=True, env=sim.env())
    assert r.returncode == 64 and "unknown theme" in r.stderr, r
    r = subprocess.run([b, "--env", "nowhere"], capture_output=True,
                       text=True, env=sim.env())
    assert r.returncode == 1 and "nowhere" in r.stderr, r
    r = subprocess.run([b], capture_output=True, text=True, env=sim.env(),
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 1 and "must be a terminal" in r.stderr, r
    with Console(sim, env={"TERM": "no-such-terminal"}) as c:
        wait_for(lambda: c.exit_status() is not None, timeout=15,
                 what="exit on unknown TERM")
        assert c.exit_status() == 1, c.exit_status()
        assert "cannot use terminal type 'no-such-terminal'" in c.stderr(), \
            c.stderr()
    with Console(sim, "--exit-after", "2", "--env", "staging") as c:
        c.wait_for(r"staging services")
        wait_for(lambda: c.exit_status() is not None, timeout=15,
                 what="--exit-after")
        assert c.exit_status() == 0, (c.exit_status(), c.stderr())


def main():
    need_tmux()
    print("test_console_terminal:")
    with Sim(scenario="incident") as sim:
        check_80x24(sim)
        check_no_color(sim)
        check_ascii(sim)
        check_themes(sim)
        check_options(sim)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
