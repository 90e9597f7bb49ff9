"""Actions end to end: `momentum-console action` against momentum-sim.

Each action's end state is checked through the simulator with boto3
(DescribeService, ListOperations, ECR) and through the audit log.  Each
refusal must end with a clear message and no (successful) mutating
request in the simulator's request log.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import momentum_testlib as tl  # noqa: E402
import simlib  # noqa: E402

simlib.need_boto3()

MUTATING = {"UpdateService", "CreateAutoScalingConfiguration", "PauseService",
            "ResumeService", "StartDeployment", "PutImage",
            "DeleteService", "CreateService"}
ENVS = ("dev", "staging", "prod")
ROLES = ("frontend", "api", "worker")


def write_config(path, url, read_only=()):
    lines = []
    for env in ENVS:
        lines += ["[env %s]" % env, "region = us-east-1",
                  "endpoint_url = %s" % url,
                  "alarm_prefix = momentum-%s-" % env,
                  "read_only = %s" % ("yes" if env in read_only else "no"),
                  ""]
        for role in ROLES:
            lines += ["[service %s %s]" % (env, role),
                      "name = momentum-%s-%s" % (env, role),
                      "ecr_repo = momentum/%s" % role,
                      "log_groups = auto", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


class ActionTest(unittest.TestCase):
    speed = 20
    faults = ()
    read_only_envs = ()

    def setUp(self):
        self.sim = simlib.Sim(speed=self.speed, seed=7,
                              faults=self.faults).start()
        self.tmp = tempfile.mkdtemp(prefix="momentum-actions-test-")
        self.state = os.path.join(self.tmp, "state")
        self.audit = os.path.join(self.state, "momentum", "audit.log")
        self.conf = os.path.join(self.tmp, "console.conf")
        write_config(self.conf, self.sim.url, self.read_only_envs)
        self.ar = self.sim.client("apprunner")
        self.ecr = self.sim.client("ecr")

    def tearDown(self):
        rc = self.sim.stop()
        err = self.sim.stderr()
        self.sim.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(rc, 0, "momentum-sim exited %r:\n%s" % (rc, err))

    # -- helpers -----------------------------------------------------------

    def console(self, *args, ro=False, env=None, timeout=120):
        e = self.sim.env(ro=ro)
        e["XDG_STATE_HOME"] = self.state
        e["HOME"] = self.tmp
        e.update(env or {})
        p = subprocess.run([tl.console_bin(), "action", "--config", self.conf]
                           + list(args), env=e, capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        sys.stderr.write("$ momentum-console action %s\n-> %d\n%s%s" % (
            " ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def arn(self, env, role="api"):
        name = "momentum-%s-%s" % (env, role)
        token = None
        while True:
            kw = {"NextToken": token} if token else {}
            r = self.ar.list_services(**kw)
            for s in r["ServiceSummaryList"]:
                if s["ServiceName"] == name:
                    return s["ServiceArn"]
            token = r.get("NextToken")
            if not token:
                raise AssertionError("no service " + name)

    def service(self, env, role="api"):
        return self.ar.describe_service(ServiceArn=self.arn(env, role))[
            "Service"]

    def digest(self, env, role="api"):
        ident = self.service(env, role)["SourceConfiguration"][
            "ImageRepository"]["ImageIdentifier"]
        self.assertIn("@sha256:", ident)
        return ident.split("@", 1)[1]

    def operations(self, env, role="api"):
        return self.ar.list_operations(ServiceArn=self.arn(env, role))[
            "OperationSummaryList"]

    def asc(self, env, role="api"):
        a = self.service(env, role)["AutoScalingConfigurationSummary"][
            "AutoScalingConfigurationArn"]
        return self.ar.describe_auto_scaling_configuration(
            AutoScalingConfigurationArn=a)["AutoScalingConfiguration"]

    def mutations(self, status=None):
        return [l for l in self.sim.log_lines()
                if l.get("operation") in MUTATING
                and (status is None or l.get("status") == status)]

    def audit_records(self):
        if not os.path.exists(self.audit):
            return []
        with open(self.audit) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_idle(self, env, role="api", timeout=30):
        def idle():
            s = self.service(env, role)["Status"]
            busy = [o for o in self.operations(env, role)
                    if o["Status"] in ("PENDING", "IN_PROGRESS")]
            return s != "OPERATION_IN_PROGRESS" and not busy
        simlib.wait_for(idle, timeout=timeout, what=env + " idle")

    def assert_refused(self, p, text):
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(text, p.stderr)


class Actions(ActionTest):
    def test_scale_prod_api_confirmed_and_audited(self):
        before = self.asc("prod")
        p = self.console("--env", "prod", "--confirm", "prod", "--no-wait",
                         "scale", "api", "--min", str(before["MinSize"] + 1),
                         "--max", "20", "--concurrency", "120")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("CreateAutoScalingConfiguration", p.stdout)
        self.assertIn("UpdateService", p.stdout)
        after = self.asc("prod")
        self.assertEqual(after["MinSize"], before["MinSize"] + 1)
        self.assertEqual(after["MaxSize"], 20)
        self.assertEqual(after["MaxConcurrency"], 120)
        self.assertNotEqual(after["AutoScalingConfigurationArn"],
                            before["AutoScalingConfigurationArn"])
        newest = self.operations("prod")[0]
        self.assertEqual(newest["Type"], "UPDATE_SERVICE")
        recs = self.audit_records()
        self.assertEqual([r["phase"] for r in recs], ["intent", "outcome"])
        self.assertEqual(recs[1]["result"], "submitted")
        self.assertEqual(recs[1]["operation_id"], newest["Id"])
        self.assertEqual(recs[0]["env"], "prod")
        self.assertEqual(recs[0]["action"], "scale")
        ident = self.sim.client("sts").get_caller_identity()["Arn"]
        self.assertEqual(recs[1]["caller_arn"], ident)
        self.assertEqual(len(recs[1]["api_calls"]), 2)
        # CreateAutoScalingConfiguration and UpdateService request ids.
        self.assertEqual(len(recs[1]["request_ids"]), 2)
        for rid in recs[1]["request_ids"]:
            self.assertRegex(rid, r"^[0-9a-f-]{8,}$")
        self.assertEqual(len(self.mutations()), 2)
        mode = os.stat(self.audit).st_mode & 0o777
        self.assertEqual(mode, 0o600)
        for r in recs:
            self.assertNotIn(simlib.RW_KEY[1], json.dumps(r))

    def test_pause_then_resume_followed_to_success(self):
        p = self.console("--env", "staging", "--confirm", "yes",
                         "--poll-interval", "200", "pause", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("SUCCEEDED", p.stdout)
        self.assertEqual(self.service("staging")["Status"], "PAUSED")
        p = self.console("--env", "staging", "--confirm", "yes",
                         "--poll-interval", "200", "resume", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.service("staging")["Status"], "RUNNING")
        phases = [r["phase"] for r in self.audit_records()]
        self.assertEqual(phases, ["intent", "outcome", "completed"] * 2)
        self.assertEqual(self.audit_records()[2]["result"], "SUCCEEDED")

    def test_rollback_to_previous_digest_by_digest(self):
        imgs = self.ecr.describe_images(repositoryName="momentum/api")[
            "imageDetails"]
        imgs.sort(key=lambda i: i["imagePushedAt"], reverse=True)
        digests = [i["imageDigest"] for i in imgs]
        running = self.digest("staging")
        want = digests[digests.index(running) + 1]
        p = self.console("--env", "staging", "--confirm", "yes", "--no-wait",
                         "rollback", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(want, p.stdout)
        self.assertEqual(self.digest("staging"), want)
        upd = [l for l in self.mutations() if l["operation"] == "UpdateService"]
        self.assertEqual(len(upd), 1)
        self.wait_idle("staging")
        p = self.console("--env", "staging", "history", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(want, p.stdout)
        self.assertIn("<- staging", p.stdout)
        self.assertRegex(p.stdout, r"recent actions on momentum-staging-api"
                         r"[^\n]*\n.* rollback intent pending\n.* rollback "
                         r"outcome submitted op [0-9a-f-]+")

    def test_promote_staging_to_prod_by_digest(self):
        want = self.digest("staging")
        self.assertNotEqual(self.digest("prod"), want)
        p = self.console("--to", "prod", "--from", "staging",
                         "--yes-i-typed", "prod", "--no-wait",
                         "promote", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.digest("prod"), want)
        self.assertEqual(self.operations("prod")[0]["Type"], "UPDATE_SERVICE")
        recs = self.audit_records()
        self.assertEqual(recs[-1]["result"], "submitted")
        self.assertIn(want, recs[0]["after"])


class Refusals(ActionTest):
    speed = 1       # deployments stay in progress for 40 s

    def test_wrong_typed_confirmation_sends_nothing(self):
        p = self.console("--env", "prod", "--confirm", "yes", "pause", "api")
        self.assert_refused(p, "type its name \"prod\"")
        p = self.console("--env", "prod", "--yes-i-typed", "staging",
                         "pause", "api")
        self.assert_refused(p, "confirmation does not match")
        p = self.console("--env", "prod", "pause", "api")   # no tty
        self.assert_refused(p, "confirmation required")
        self.assertEqual(self.mutations(), [])
        self.assertEqual(self.audit_records(), [])
        self.assertEqual(self.service("prod")["Status"], "RUNNING")

    def test_read_only_credentials_rejected_nothing_applied(self):
        before = self.operations("dev")
        p = self.console("--env", "dev", "--confirm", "yes", "pause", "api",
                         ro=True)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("AccessDenied", p.stderr)
        self.assertEqual(self.mutations(status=200), [])
        self.assertEqual(self.service("dev")["Status"], "RUNNING")
        self.assertEqual(self.operations("dev"), before)
        recs = self.audit_records()
        self.assertEqual(recs[-1]["result"], "not-applied")
        self.assertIn("AccessDenied", recs[-1]["error"])

    def test_read_only_flag_refuses_before_sending(self):
        p = self.console("--read-only", "--env", "dev", "--confirm", "yes",
                         "scale", "api", "--min", "2", "--max", "9")
        self.assert_refused(p, "read-only mode: --read-only")
        self.assertEqual(self.mutations(), [])
        self.assertEqual(self.audit_records(), [])

    def test_action_during_operation_in_progress_refused(self):
        self.ar.start_deployment(ServiceArn=self.arn("dev"))
        n = len(self.mutations())
        p = self.console("--env", "dev", "--confirm", "yes", "scale", "api",
                         "--max", "9")
        self.assert_refused(p, "operation in progress")
        self.assertEqual(len(self.mutations()), n)

    def test_state_change_between_preview_and_confirmation(self):
        plan = os.path.join(self.tmp, "plan.json")
        p = self.console("--env", "staging", "--preview-only", plan,
                         "scale", "api", "--max", "9")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.stat(plan).st_mode & 0o777, 0o600)
        # Someone else scales the service in between.
        asc = self.ar.create_auto_scaling_configuration(
            AutoScalingConfigurationName="other-hand", MinSize=1, MaxSize=5)
        self.ar.update_service(
            ServiceArn=self.arn("staging"),
            AutoScalingConfigurationArn=asc["AutoScalingConfiguration"][
                "AutoScalingConfigurationArn"])
        n = len(self.mutations())
        p = self.console("--execute-plan", plan, "--confirm", "yes")
        self.assert_refused(p, "state changed since preview")
        self.assertEqual(len(self.mutations()), n)
        self.assertEqual(self.asc("staging")["MaxSize"], 5)
        self.assertEqual(self.audit_records()[-1]["result"], "refused")

    def test_plan_file_claiming_the_busy_state_refused(self):
        """A file whose recorded state copies an operation in progress
        (no preview records one) still does not run during it."""
        plan = os.path.join(self.tmp, "plan.json")
        p = self.console("--env", "staging", "--preview-only", plan,
                         "scale", "api", "--max", "9")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.ar.start_deployment(ServiceArn=self.arn("staging"))
        svc = self.service("staging")
        self.assertEqual(svc["Status"], "OPERATION_IN_PROGRESS")
        ops = self.operations("staging")
        busy = [o for o in ops if o["Status"] in ("PENDING", "IN_PROGRESS")]
        self.assertTrue(busy)
        with open(plan) as f:
            pj = json.load(f)
        pj["state"]["status"] = "OPERATION_IN_PROGRESS"
        pj["state"]["busy_op"] = "%s %s %s" % (
            busy[0]["Type"], busy[0]["Id"], busy[0]["Status"])
        pj["state"]["op_ids"] = [o["Id"] for o in ops]
        with open(plan, "w") as f:
            json.dump(pj, f)
        n = len(self.mutations())
        p = self.console("--execute-plan", plan, "--confirm", "yes",
                         "--no-wait")
        self.assert_refused(p, "operation in progress")
        self.assertEqual(len(self.mutations()), n)

    def test_plan_file_unchanged_state_runs_once(self):
        plan = os.path.join(self.tmp, "plan.json")
        p = self.console("--env", "dev", "--preview-only", plan,
                         "scale", "worker", "--max", "7")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.console("--execute-plan", plan, "--confirm", "yes",
                         "--no-wait")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.asc("dev", "worker")["MaxSize"], 7)
        n = len(self.mutations())
        p = self.console("--execute-plan", plan, "--confirm", "yes",
                         "--no-wait")
        self.assert_refused(p, "already executed")
        self.assertEqual(len(self.mutations()), n)

    def test_unwritable_audit_log_refuses(self):
        blocker = os.path.join(self.tmp, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("x")
        for state in (blocker, os.path.join(self.tmp, "ro")):
            if state.endswith("ro"):
                if os.geteuid() == 0:
                    continue        # root writes anywhere; the file case covers it
                os.mkdir(state, 0o500)
            p = self.console("--env", "dev", "--confirm", "yes", "pause",
                             "api", env={"XDG_STATE_HOME": state})
            self.assert_refused(p, "cannot write the audit log")
        self.assertEqual(self.mutations(), [])
        self.assertEqual(self.service("dev")["Status"], "RUNNING")


class CommandLine(ActionTest):
    def test_usage_errors_and_help(self):
        p = self.console("--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("exit status:", p.stdout)
        for args, text in ((["scale"], "which service?"),
                           (["frobnicate", "api", "--env", "dev"],
                            "unknown action frobnicate"),
                           (["pause", "api"], "which environment?"),
                           (["scale", "api", "--env", "dev", "--min", "x"],
                            "bad --min x")):
            p = self.console(*args)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn(text, p.stderr)
        self.assertEqual(self.mutations(), [])

    def typed(self, answer, *args):
        """Run with a terminal on stdin and type answer at the prompt."""
        import pty
        import select
        e = self.sim.env()
        e["XDG_STATE_HOME"] = self.state
        e["HOME"] = self.tmp
        master, slave = pty.openpty()
        proc = subprocess.Popen([tl.console_bin(), "action", "--config",
                                 self.conf] + list(args), env=e, stdin=slave,
                                stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        out = b""
        deadline = time.time() + 60
        sent = False
        while time.time() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            if not sent and b"to go ahead:" in out:
                os.write(master, answer.encode() + b"\n")
                sent = True
            if proc.poll() is not None and not r:
                break
        proc.wait(timeout=30)
        os.close(master)
        return proc.returncode, out.decode(errors="replace")

    def test_prompt_on_a_terminal(self):
        rc, out = self.typed("yes", "--env", "prod", "pause", "api")
        self.assertIn('Type "prod" to go ahead:', out)
        self.assertEqual(rc, 2, out)
        self.assertIn("type its name", out)
        self.assertEqual(self.mutations(), [])
        rc, out = self.typed("prod", "--env", "prod", "--no-wait",
                             "pause", "api")
        self.assertEqual(rc, 0, out)
        self.assertEqual([l["operation"] for l in self.mutations()],
                         ["PauseService"])

    def test_rollback_to_named_digest_and_bad_digests(self):
        imgs = self.ecr.describe_images(repositoryName="momentum/api")[
            "imageDetails"]
        imgs.sort(key=lambda i: i["imagePushedAt"])
        oldest = imgs[0]["imageDigest"]
        p = self.console("--env", "dev", "--confirm", "yes", "rollback",
                         "api", "--digest", "sha256:1234")
        self.assert_refused(p, "invalid digest")
        p = self.console("--env", "dev", "--confirm", "yes", "rollback",
                         "api", "--digest", "sha256:" + "0" * 64)
        self.assert_refused(p, "is not in ECR repository momentum/api")
        self.assertEqual(self.mutations(), [])
        p = self.console("--env", "dev", "--confirm", "yes", "--no-wait",
                         "rollback", "api", "--digest", oldest)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.digest("dev"), oldest)

    def test_scale_delta_and_limits(self):
        before = self.asc("dev", "worker")
        p = self.console("--env", "dev", "--confirm", "yes", "--no-wait",
                         "scale", "worker", "--delta", "+1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.asc("dev", "worker")["MinSize"],
                         before["MinSize"] + 1)
        self.wait_idle("dev", "worker")
        n = len(self.mutations())
        for args, text in ((["--max", "26"], "max 26 is outside 1-25"),
                           (["--concurrency", "0"], "concurrency"),
                           (["--min", "0"], "min 0 is outside")):
            p = self.console("--env", "dev", "--confirm", "yes", "scale",
                             "worker", *args)
            self.assert_refused(p, text)
        self.assertEqual(len(self.mutations()), n)


class IncidentRollback(ActionTest):
    """The `incident` scenario: a bad image reaches prod api; rolling back
    by digest with the console makes the alarms stop firing."""
    speed = 60

    def setUp(self):
        self.sim = simlib.Sim(speed=self.speed, seed=7, scenario="incident")
        self.sim.start()
        self.tmp = tempfile.mkdtemp(prefix="momentum-actions-test-")
        self.state = os.path.join(self.tmp, "state")
        self.audit = os.path.join(self.state, "momentum", "audit.log")
        self.conf = os.path.join(self.tmp, "console.conf")
        write_config(self.conf, self.sim.url)
        self.ar = self.sim.client("apprunner")
        self.ecr = self.sim.client("ecr")
        self.cw = self.sim.client("cloudwatch")

    def firing(self):
        return [a["AlarmName"] for a in self.cw.describe_alarms(
            StateValue="ALARM", AlarmNamePrefix="momentum-prod-api")[
            "MetricAlarms"]]

    def test_rollback_after_bad_deploy_stops_the_alarms(self):
        simlib.wait_for(self.firing, timeout=60, what="incident alarms")
        self.wait_idle("prod")
        bad = self.digest("prod")
        p = self.console("--env", "prod", "--confirm", "prod",
                         "--poll-interval", "200", "rollback", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("alarm", p.stdout)         # the plan warned
        self.assertIn("firing in prod", p.stdout)
        self.assertIn("SUCCEEDED", p.stdout)
        self.assertNotEqual(self.digest("prod"), bad)
        simlib.wait_for(lambda: not self.firing(), timeout=90,
                        what="alarms to stop firing after the rollback")


class ReadOnlyProd(ActionTest):
    read_only_envs = ("prod",)

    def test_prod_locked_staging_writable(self):
        p = self.console("--env", "prod", "--confirm", "prod", "pause", "api")
        self.assert_refused(p, "read-only mode: prod is read_only in the "
                               "config")
        self.assertEqual(self.mutations(), [])
        p = self.console("--env", "staging", "--confirm", "yes", "--no-wait",
                         "pause", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([l["operation"] for l in self.mutations()],
                         ["PauseService"])


    def test_edited_plan_file_cannot_reach_locked_prod(self):
        """A plan file is not trusted: a prod pause previewed where prod
        was writable, edited to say dev (and "yes"), must not pause prod
        once prod is read_only, nor be audited as a dev action."""
        plan = os.path.join(self.tmp, "plan.json")
        writable = os.path.join(self.tmp, "writable.conf")
        write_config(writable, self.sim.url)
        ro_conf = self.conf
        self.conf = writable
        p = self.console("--env", "prod", "--preview-only", plan,
                         "pause", "api")
        self.conf = ro_conf
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(plan) as f:
            pj = json.load(f)
        pj.update(env="dev", env_index=0, production=False,
                  confirm_word="yes", service_name="momentum-dev-api",
                  warnings=[])
        pj["calls"][0]["summary"] = "ServiceArn=<dev api>"
        with open(plan, "w") as f:
            json.dump(pj, f)
        p = self.console("--execute-plan", plan, "--confirm", "yes",
                         "--no-wait")
        self.assert_refused(p, "the plan file does not match")
        self.assertIn("service", p.stderr)
        self.assertEqual(self.mutations(), [])
        self.assertEqual(self.service("prod")["Status"], "RUNNING")
        self.assertEqual([r for r in self.audit_records()
                          if r.get("phase") == "intent"], [])

    def test_edited_plan_file_image_from_elsewhere_refused(self):
        plan = os.path.join(self.tmp, "plan.json")
        p = self.console("--env", "staging", "--preview-only", plan,
                         "rollback", "api")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(plan) as f:
            pj = json.load(f)
        self.assertIn("@sha256:", pj["target_image"])
        pj["target_image"] = ("999999999999.dkr.ecr.us-east-1.amazonaws.com/"
                              "evil/api@" + pj["target_image"].split("@")[1])
        with open(plan, "w") as f:
            json.dump(pj, f)
        p = self.console("--execute-plan", plan, "--confirm", "yes",
                         "--no-wait")
        self.assert_refused(p, "its image differs")
        self.assertEqual(self.mutations(), [])


class TimeoutAfterApply(ActionTest):
    # Every App Runner answer takes 1.5 s; mutating calls give up at 0.5 s.
    faults = ("service=apprunner,latency=1500",)

    def test_timeout_rereads_state_and_never_resends(self):
        imgs = self.ecr.describe_images(repositoryName="momentum/api")[
            "imageDetails"]
        imgs.sort(key=lambda i: i["imagePushedAt"], reverse=True)
        digests = [i["imageDigest"] for i in imgs]
        want = digests[digests.index(self.digest("staging")) + 1]
        p = self.console("--env", "staging", "--confirm", "yes", "--no-wait",
                         "--write-timeout", "500", "rollback", "api",
                         timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("did not answer", p.stdout)
        self.assertIn("change was applied", p.stdout)
        self.assertIn("nothing was re-sent", p.stdout)
        upd = [l for l in self.mutations() if l["operation"] == "UpdateService"]
        self.assertEqual(len(upd), 1)
        self.assertEqual(self.digest("staging"), want)
        recs = self.audit_records()
        self.assertEqual(recs[-1]["result"], "applied-after-timeout")
        self.assertEqual(recs[-1]["operation_id"],
                         self.operations("staging")[0]["Id"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
