"""momentum-console doctor against momentum-sim: a table of what works.

Runs the real binary (MOMENTUM_CONSOLE_BIN) against the simulator started
by simlib on a free loopback port, with an isolated HOME and AWS settings.
"""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import momentum_testlib as tl  # noqa: E402
from simlib import Sim  # noqa: E402


def parse_table(out):
    """Rows of 'env | check | result | detail' as tuples (header dropped)."""
    rows = []
    lines = out.splitlines()
    assert lines and lines[0].split("|")[0].strip() == "env", out
    for line in lines[1:]:
        parts = [p.strip() for p in line.split(" | ", 3)]
        assert len(parts) == 4, line
        rows.append(tuple(parts))
    return rows


def find(rows, env, check):
    hits = [r for r in rows if r[0] == env and r[1] == check]
    assert hits, "no row %s/%s in\n%s" % (env, check, rows)
    return hits[0]


class DoctorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tl.require(os.path.exists(tl.console_bin()),
                   "momentum-console binary is built")
        cls.sim = Sim().start()
        cls.home = tempfile.mkdtemp(prefix="doctor-test-")
        cls.conf = os.path.join(tl.source_dir(), "config", "momentum.conf")

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        err = cls.sim.stderr()
        cls.sim.cleanup()
        shutil.rmtree(cls.home, ignore_errors=True)
        if rc != 0:
            raise AssertionError("momentum-sim exited %r:\n%s" % (rc, err))

    def env(self, ro=False, **extra):
        akid, secret = self.sim.keys(ro)
        e = tl.clean_aws_env(self.home, {
            "AWS_ENDPOINT_URL": self.sim.url,
            "AWS_ACCESS_KEY_ID": akid,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": "us-east-1",
        })
        e.pop("MOMENTUM_CONSOLE_CONFIG", None)
        e.pop("XDG_CONFIG_HOME", None)
        e.update(extra)
        return e

    def doctor(self, *args, env=None, timeout=120):
        p = tl.run_console(["doctor"] + list(args),
                           env if env is not None else self.env(),
                           timeout=timeout)
        return p, parse_table(p.stdout)

    def test_seed_config__every_read_check_ok__exit_0(self):
        p, rows = self.doctor("--config", self.conf)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(find(rows, "-", "config")[2], "ok")
        for env in ("dev", "staging", "prod"):
            cred = find(rows, env, "credentials")
            self.assertEqual(cred[2], "ok", cred)
            self.assertIn("arn:aws:", cred[3])
            for role in ("frontend", "api", "worker"):
                svc = find(rows, env, "service " + role)
                self.assertEqual(svc[2], "ok", svc)
                self.assertIn("momentum-%s-%s" % (env, role), svc[3])
            for check in ("apprunner:ListServices",
                          "apprunner:DescribeService",
                          "apprunner:ListOperations",
                          "cloudwatch:GetMetricData",
                          "cloudwatch:DescribeAlarms",
                          "logs:DescribeLogGroups", "logs:FilterLogEvents",
                          "ecr:DescribeImages", "reach apprunner",
                          "reach cloudwatch", "reach logs", "reach sts"):
                self.assertEqual(find(rows, env, check)[2], "ok",
                                 find(rows, env, check))
            # Cost Explorer is billed: only with --with-cost.
            ce = find(rows, env, "ce:GetCostAndUsage")
            self.assertEqual(ce[2], "skip")
            self.assertIn("--with-cost", ce[3])
            scale = find(rows, env, "action scale")
            self.assertEqual(scale[2], "skip")
            self.assertIn("would mutate", scale[3])
        # No CE request went out without the flag.
        ops = [line["operation"] for line in self.sim.log_lines()]
        self.assertNotIn("GetCostAndUsage", ops)

    def test_with_cost__one_ce_call_per_env(self):
        before = len([x for x in self.sim.log_lines()
                      if x["operation"] == "GetCostAndUsage"])
        p, rows = self.doctor("--config", self.conf, "--with-cost",
                              "--env", "prod")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(find(rows, "prod", "ce:GetCostAndUsage")[2], "ok")
        self.assertFalse([r for r in rows if r[0] == "dev"])
        after = len([x for x in self.sim.log_lines()
                     if x["operation"] == "GetCostAndUsage"])
        self.assertEqual(after - before, 1)

    def test_bad_config_line__warning_with_file_line__exit_1(self):
        path = os.path.join(self.home, "bad.conf")
        with open(path, "w") as f:
            f.write("[env dev]\nregion = us-east-1\nbudget = lots\n"
                    "[service dev api]\nname = momentum-dev-api\n")
        p, rows = self.doctor("--config", path)
        self.assertEqual(p.returncode, 1)
        warns = [r for r in rows if r[1] == "config" and r[2] == "WARN"]
        self.assertTrue(any(path + ":3:" in r[3] for r in warns), rows)
        # it still checked what it could use
        self.assertEqual(find(rows, "dev", "service api")[2], "ok")

    def test_unknown_keys__credentials_fail__exit_1(self):
        e = self.env(AWS_ACCESS_KEY_ID="AKIAUNKNOWN000000000",
                     AWS_SECRET_ACCESS_KEY="nope")
        p, rows = self.doctor("--config", self.conf, "--env", "dev", env=e)
        self.assertEqual(p.returncode, 1)
        cred = find(rows, "dev", "credentials")
        self.assertEqual(cred[2], "FAIL")
        self.assertNotIn("nope", p.stdout)   # never print secrets

    def test_unreachable_endpoint__fail_fast__exit_1(self):
        port = tl.free_port()
        e = self.env(AWS_ENDPOINT_URL="http://127.0.0.1:%d" % port)
        p, rows = self.doctor("--config", self.conf, "--env", "staging",
                              env=e, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(find(rows, "staging", "reach apprunner")[2], "FAIL")
        self.assertIn("unreachable", find(rows, "staging",
                                          "apprunner:ListServices")[3])

    def test_read_only_env__actions_disabled(self):
        path = os.path.join(self.home, "ro.conf")
        with open(path, "w") as f:
            f.write("[env prod]\nread_only = yes\n"
                    "[service prod api]\nname = momentum-prod-api\n")
        p, rows = self.doctor("--config", path, env=self.env(ro=True))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("read-only", find(rows, "prod", "action scale")[3])


if __name__ == "__main__":
    unittest.main(verbosity=2)
