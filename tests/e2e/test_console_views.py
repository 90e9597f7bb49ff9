"""End to end: every view and key path of momentum-console in tmux.

Runs the console against momentum-sim (scenario "incident") in a private
tmux server at 120x40, presses keys, and asserts what the screen shows
after masking clocks and ages.
"""

import re
import sys

from tuilib import Console, Sim, mask, need_tmux, wait_for


def step(name):
    print("  " + name, flush=True)


def check_overview(c):
    step("overview: services, data stores, alarms, cost, status line")
    s = c.wait_for(r"api\s+RUNNING\s+\d", timeout=20)
    lines = s.split("\n")
    tab = mask(lines[0])
    assert re.match(r"^ momentum  1 dev   2 staging   3 prod    Overview  "
                    r"Compare  Alarms  Logs  Cost\s+HH:MM:SS UTC\s*$", tab), tab
    assert "prod services" in lines[1], lines[1]
    assert lines[2].split() == ["SERVICE", "STATUS", "INST", "REQ/S", "P50",
                                "P99", "4XX", "5XX", "CPU", "MEM", "REQ",
                                "1H"], lines[2]
    for role in ("frontend", "api", "worker"):
        assert re.search(r"^ %s\s+RUNNING\s+\d+ \d+-\d+\s+[\d.]+\s+"
                         r"(\d+ms|<1ms)" % role, s, re.M), role
    c.wait_for(r"data stores and edge")
    for kind in ("RDS", "Redis", "CloudFront", "ALB"):
        c.wait_for(r"(?m)^ %s\s+momentum-prod|^ %s\s+\S" % (kind, kind))
    s = c.wait_for(r"alarms\s+\d+ firing of \d+")
    s = c.wait_for(r"MTD \$[\d,.]+\s+forecast \$[\d,.]+\s+budget", 20)
    last = s.rstrip("\n").split("\n")[-1]
    assert re.search(r"^ prod\s+API \d+ calls\s+est\. \$", last), last
    assert "? help" in last and "q quit" in last, last


def check_environments(c):
    step("environments: 1 2 3, Tab, S-Tab, :env, mouse on the tab bar")
    c.keys("1")
    c.wait_for(r"dev services")
    c.keys("Tab")
    c.wait_for(r"staging services")
    c.keys("BTab")
    c.wait_for(r"dev services")
    c.keys(":")
    c.wait_for(r"(?m)^:")
    c.type("env prod")
    c.keys("Enter")
    c.wait_for(r"prod services")
    c.keys(":")
    c.type("staging")
    c.keys("Enter")
    c.wait_for(r"staging services")
    # A click on the "2 staging"/"1 dev" tab switches environments.
    top = c.lines()[0]
    c.click(top.index("1 dev") + 1, 0)
    c.wait_for(r"dev services")
    c.keys("3")
    c.wait_for(r"prod services")


def check_compare(c):
    step("compare: c, side by side, images, totals")
    c.keys("c")
    s = c.wait_for(r"compare environments")
    s = c.wait_for(r"(?m)^ api\s+\S\s+[\d.]+\s+\d+ms")
    lines = s.split("\n")
    head = lines[2]
    for env in ("dev", "staging", "prod"):
        assert env in head, head
    assert lines[3].split()[:4] == ["SERVICE", "req/s", "p99", "5xx"], lines[3]
    assert "running image (digest)" in s
    assert re.search(r"(?m)^ cost MTD\s+\$", s), s
    assert re.search(r"(?m)^ alarms\s+", s), s
    c.keys("/")
    c.type("work")
    c.keys("Enter")
    s = c.wait_for(r"\(filtered\)")
    assert re.search(r"(?m)^ worker ", s) and not re.search(r"(?m)^ api ", s)
    c.keys("Enter")	# opens the selected service of this environment
    c.wait_for(r"prod / worker")
    c.keys("Escape")
    c.wait_for(r"compare environments")
    c.keys(":")
    c.type("compare")
    c.keys("Enter")


def check_service(c):
    step("service detail: Enter, h/l windows, [ ], Esc")
    c.keys("o")
    c.wait_for(r"prod services")
    c.keys("g", "j", "Enter")
    s = c.wait_for(r"prod / api\s+momentum-prod-api")
    c.wait_for(r"requests/s")
    s = c.wait_for(r"p99 latency")
    assert re.search(r"image\s+momentum/api", s), s
    assert re.search(r"scaling min \d+\s+max \d+\s+concurrency \d+", s), s
    assert "recent operations" in s
    assert re.search(r"window\s+1h\s+3h\s+12h\s+24h\s+7d", s), s
    c.wait_for(r"-1h.*now")
    c.keys("l")
    c.wait_for(r"-3h.*now", timeout=20)
    c.keys("]")
    c.wait_for(r"-12h.*now", timeout=20)
    c.keys("[", "h")
    c.wait_for(r"-1h.*now")
    c.keys("Escape")
    c.wait_for(r"prod services")
    c.keys(":")
    c.type("service worker")
    c.keys("Enter")
    c.wait_for(r"prod / worker")
    c.keys("Escape")
    c.wait_for(r"prod services")
    step("mouse: a click selects a row, a second click opens it")
    row = next(i for i, l in enumerate(c.lines())
               if re.match(r"^ frontend\s+RUNNING", l))
    c.click(3, row)
    c.keys("L")
    c.wait_for(r"logs prod/frontend")
    c.keys("o")
    c.wait_for(r"prod services")
    c.click(3, row)
    c.wait_for(r"prod / frontend")
    c.keys("Escape")
    c.wait_for(r"prod services")


def check_alarms(c):
    step("alarms: a, every environment, filter, Esc")
    c.keys("a")
    s = c.wait_for(r"alarms\s+\d+ firing of \d+")
    s = c.wait_for(r"(?m)^ (OK|ALARM|INSUF)\s+(dev|staging|prod)\s+momentum-")
    assert re.search(r"STATE\s+ENV\s+ALARM\s+SINCE\s+REASON", s), s
    for env in ("dev", "staging", "prod"):
        assert re.search(r"(?m)^ \S+\s+%s\s+momentum-%s-" % (env, env), s) \
            or env != "dev", env
    c.keys("/")
    c.type("p99")
    c.keys("Enter")
    s = c.wait_for(r"filter: p99")
    rows = [l for l in s.split("\n")
            if re.match(r"^ (OK|ALARM|INSUF)\s+(dev|staging|prod)\s", l)]
    assert rows and all("p99" in r for r in rows), rows
    c.keys("j", "k")
    c.keys("Escape")
    c.wait_for(r"filter: p99", absent=True)
    step("alarms: Enter opens the service an alarm watches")
    c.keys("/")
    c.type("prod-worker-p99")
    c.keys("Enter")
    c.wait_for(r"filter: prod-worker-p99")
    c.keys("g", "Enter")
    c.wait_for(r"prod / worker\s+momentum-prod-worker")
    c.keys("a", "Escape")
    c.wait_for(r"filter: prod-worker-p99", absent=True)


def check_logs(c):
    step("logs: L, follow, pause, wrap, time zone, search, server filter")
    c.keys("o")
    c.wait_for(r"prod services")
    c.keys("g", "j")
    c.keys("L")
    c.wait_for(r"logs prod/api\s+\S following")
    c.wait_for(r"(?m)^ \d\d:\d\d:\d\d\.\d{3} ", timeout=20)
    c.keys("Space")
    c.wait_for(r"paused \(\+\d+ below\)")
    c.keys("f")
    c.wait_for(r"following")
    c.keys("w")
    c.wait_for(r"wrap on")
    c.keys("w")
    c.wait_for(r"wrap off")
    c.keys("t")
    c.wait_for(r"wrap off\s+json compact\s+local")
    c.keys("t")
    c.wait_for(r"wrap off\s+json compact\s+UTC")
    # JSON log lines: compact by default, raw with J, compact again.
    c.wait_for(r"(?m)^ \d\d:\d\d:\d\d\.\d{3} .*\b(INFO|WARN|ERROR|DEBUG) "
               r"momentum\.api: ", timeout=20)
    assert not re.search(r'(?m)^ \d\d:\d\d:\d\d\.\d{3} .*\{"level"', c.screen())
    c.keys("J")
    c.wait_for(r"json raw")
    c.wait_for(r'(?m)^ \d\d:\d\d:\d\d\.\d{3} .*\{"level":"', timeout=20)
    c.keys("J")
    c.wait_for(r"json compact")
    c.keys("/")
    c.wait_for(r"(?m)^search:")
    c.type("GET")
    c.keys("Enter")
    c.wait_for(r"paused")
    c.keys("n", "N", "k", "PageUp", "PageDown", "G")
    c.wait_for(r"following")
    c.keys("&")
    c.wait_for(r"filter pattern \(server-side\):")
    c.type("GET")
    c.keys("Enter")
    c.wait_for(r'filter "GET"')
    c.wait_for(r"(?m)^ \d\d:\d\d:\d\d\.\d{3} .*GET", timeout=20)
    c.keys(":")
    c.type("logs worker")
    c.keys("Enter")
    c.wait_for(r"logs prod/worker")


def check_cost(c):
    step("cost: $, month to date, forecast, by service, daily")
    c.keys("$")
    s = c.wait_for(r"cost prod\s+month to date")
    s = c.wait_for(r"month to date \$[\d,.]+\s+forecast \$", timeout=20)
    assert "by service" in s, s
    assert re.search(r"forecast is (over|under|within)", s), s
    assert "daily" in s, s


def check_help(c):
    step("help: ?, generated from the key table, search, leave")
    c.keys("?")
    s = c.wait_for(r"Everywhere")
    for text in ("Quit", "Next environment", "Refresh now",
                 "Command line", "Compare dev, staging and prod"):
        assert text in s, text
    c.keys("/")
    c.type("Server-side")
    c.keys("Enter")
    c.wait_for(r"Server-side filter pattern")
    c.keys("G", "g", "PageDown", "PageUp")
    c.keys("q")
    c.wait_for(r"Everywhere", absent=True)
    c.keys(":")
    c.type("help")
    c.keys("Enter")
    c.wait_for(r"Everywhere")
    c.keys("Escape")
    c.wait_for(r"Everywhere", absent=True)


def check_commands(c):
    step("command line: :alarms :cost :compare :overview, errors, r")
    for cmd, want in (("alarms", r"firing of"), ("cost", r"month to date"),
                      ("compare", r"compare environments"),
                      ("overview", r"prod services"),
                      ("logs api", r"logs prod/api")):
        c.keys(":")
        c.type(cmd)
        c.keys("Enter")
        c.wait_for(want)
    c.keys(":")
    c.type("bogus")
    c.keys("Enter")
    c.wait_for(r"unknown command 'bogus'")
    c.keys(":")
    c.type("env nowhere")
    c.keys("Enter")
    c.wait_for(r"unknown environment 'nowhere'")
    c.keys(":")
    c.keys("Escape")
    c.keys("o")
    c.keys("r")
    c.wait_for(r"refreshing prod")


def check_quit(c):
    step("quit: :q")
    c.keys(":")
    c.type("q")
    c.keys("Enter")
    wait_for(lambda: c.exit_status() is not None, timeout=15,
             what="console exit")
    assert c.exit_status() == 0, (c.exit_status(), c.stderr())


def check_read_only(sim):
    step("--read-only: action keys refuse and say why")
    with Console(sim, "--read-only", "--env", "prod") as c:
        c.wait_for(r"api\s+RUNNING", timeout=20)
        c.wait_for(r"prod READ-ONLY")
        c.keys("s")
        c.wait_for(r"read-only mode: scale is disabled")
        c.keys("q")
        wait_for(lambda: c.exit_status() is not None, timeout=15,
                 what="console exit")
        assert c.exit_status() == 0


def check_wallboard(sim):
    step("--wallboard: read-only, every key but q ignored")
    with Console(sim, "--wallboard") as c:
        c.wait_for(r"WALLBOARD READ-ONLY", timeout=20)
        before = c.settle()
        c.keys("?", "s", "R", "P", ":", "a", "Enter", "2")
        c.settle()
        s = c.screen()
        assert "Everywhere" not in s and "read-only mode" not in s, s
        assert not re.search(r"(?m)^:", s), s
        c.quit()


def check_logs_follow_env(c):
    step("logs: switching environment retargets the tail")
    c.keys(":")
    c.type("logs api")
    c.keys("Enter")
    c.wait_for(r"logs prod/api")
    c.keys("2")
    c.wait_for(r"logs staging/api")
    c.wait_for(r"(?m)^ \d\d:\d\d:\d\d\.\d{3} ", timeout=20)
    c.keys("3")
    c.wait_for(r"logs prod/api")


def main():
    need_tmux()
    print("test_console_views:")
    with Sim(scenario="incident") as sim:
        with Console(sim, "--env", "prod") as c:
            check_overview(c)
            check_environments(c)
            check_compare(c)
            check_service(c)
            check_alarms(c)
            check_logs(c)
            check_logs_follow_env(c)
            check_cost(c)
            check_help(c)
            check_commands(c)
            check_quit(c)
        check_read_only(sim)
        check_wallboard(sim)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
