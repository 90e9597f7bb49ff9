"""momentum-sim's front: auth failures, read-only key, bad input, faults,
request log, scenarios with fault events, command line."""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
from email.utils import parsedate_to_datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simlib  # noqa: E402

simlib.need_boto3()
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError, ReadTimeoutError  # noqa: E402

JSON10 = "application/x-amz-json-1.0"
JSON11 = "application/x-amz-json-1.1"


def err(e):
    return e.response["Error"]["Code"]


def raw(sim, target, body, signing="apprunner", ct=JSON10, key=None,
        sign=True, timeout=10):
    """POST one request by hand; returns (status, headers, body bytes)."""
    headers = {"Content-Type": ct}
    if target is not None:
        headers["X-Amz-Target"] = target
    if sign:
        req = AWSRequest(method="POST", url=sim.url + "/", data=body,
                         headers=headers)
        SigV4Auth(Credentials(*(key or simlib.RW_KEY)), signing,
                  "us-east-1").add_auth(req)
        headers = dict(req.prepare().headers)
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=timeout)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


class FrontTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim().start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, text))

    def assert_aws_headers(self, h):
        self.assertRegex(h["x-amzn-requestid"], r"^[0-9a-f-]{36}$")
        when = parsedate_to_datetime(h["date"]).timestamp()
        self.assertLess(abs(when - time.time()), 120)

    def test_unsigned_request_is_missing_authentication_token(self):
        st, h, body = raw(self.sim, "AppRunner.ListServices", b"{}",
                          sign=False)
        self.assertEqual(st, 403)
        self.assertEqual(json.loads(body)["__type"],
                         "MissingAuthenticationTokenException")
        self.assertEqual(h["content-type"], JSON10)
        self.assert_aws_headers(h)
        st, h, body = raw(self.sim, None, b"Action=GetCallerIdentity&"
                          b"Version=2011-06-15", sign=False,
                          ct="application/x-www-form-urlencoded")
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>MissingAuthenticationToken</Code>", body)
        self.assertIn(b'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"',
                      body)

    def test_unknown_key_and_wrong_secret(self):
        c = self.sim.client("apprunner",
                            creds=("AKIANOTAKEYNOTAKEY00", "x", None))
        with self.assertRaises(ClientError) as cm:
            c.list_services()
        self.assertEqual(err(cm.exception), "UnrecognizedClientException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]
                         ["HTTPStatusCode"], 403)
        c = self.sim.client("ecr", creds=(simlib.RW_KEY[0], "wrong", None))
        with self.assertRaises(ClientError) as cm:
            c.describe_repositories()
        self.assertEqual(err(cm.exception), "InvalidSignatureException")
        # A body changed after signing breaks the signature too.
        req = AWSRequest(method="POST", url=self.sim.url + "/", data=b"{}",
                         headers={"Content-Type": JSON10,
                                  "X-Amz-Target": "AppRunner.ListServices"})
        SigV4Auth(Credentials(*simlib.RW_KEY), "apprunner",
                  "us-east-1").add_auth(req)
        conn = http.client.HTTPConnection("127.0.0.1", self.sim.port)
        conn.request("POST", "/", body=b'{"MaxResults": 1}',
                     headers=dict(req.prepare().headers))
        r = conn.getresponse()
        self.assertEqual(r.status, 403)
        self.assertEqual(json.loads(r.read())["__type"],
                         "InvalidSignatureException")
        conn.close()

    def test_read_only_key_reads_but_cannot_mutate(self):
        ro = self.sim.client("apprunner", ro=True)
        svcs = ro.list_services()["ServiceSummaryList"]
        arn = svcs[0]["ServiceArn"]
        for call in (lambda: ro.pause_service(ServiceArn=arn),
                     lambda: ro.start_deployment(ServiceArn=arn),
                     lambda: ro.create_auto_scaling_configuration(
                         AutoScalingConfigurationName="ro-attempt")):
            with self.assertRaises(ClientError) as cm:
                call()
            self.assertEqual(err(cm.exception), "AccessDeniedException")
            self.assertEqual(cm.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 400)
        # Nothing changed.
        self.assertEqual(ro.describe_service(ServiceArn=arn)["Service"]
                         ["Status"], "RUNNING")
        line = [l for l in self.sim.log_lines()
                if l.get("operation") == "PauseService"][-1]
        self.assertEqual(line["access_key"], simlib.RO_KEY[0])
        self.assertEqual(line["status"], 400)
        self.assertEqual(line["error"], "AccessDeniedException")

    def test_unknown_operations(self):
        st, h, body = raw(self.sim, "AppRunner.DeleteEverything", b"{}")
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(body)["__type"],
                         "UnknownOperationException")
        self.assert_aws_headers(h)
        st, h, body = raw(self.sim, "NoSuchService_20990101.Op", b"{}",
                          ct=JSON11)
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(body)["__type"],
                         "UnknownOperationException")
        st, h, body = raw(self.sim, None, b"Action=DeleteAccount&"
                          b"Version=2011-06-15", signing="sts",
                          ct="application/x-www-form-urlencoded")
        self.assertEqual(st, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        # CloudWatch answers with the legacy query code as well.
        st, h, body = raw(self.sim, "GraniteServiceVersion20100801.Nope",
                          b"{}", signing="monitoring")
        self.assertEqual(st, 400)
        self.assertEqual(h["x-amzn-query-error"], "InvalidAction;Sender")

    def test_malformed_json_is_serialization_exception(self):
        for body in (b'{"ServiceArn": ', b"[1,2]", b"not json", b"{}{}",
                     b'"str"', b"\xff\xfe{"):
            st, h, data = raw(self.sim, "AppRunner.DescribeService", body)
            self.assertEqual(st, 400, body)
            self.assertEqual(json.loads(data)["__type"],
                             "SerializationException", body)
        st, h, data = raw(self.sim, "AmazonEC2ContainerRegistry_V20150921"
                          ".DescribeImages", b'{"repositoryName": 5}',
                          signing="ecr", ct=JSON11)
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(data)["__type"], "SerializationException")
        self.assertEqual(h["content-type"], JSON11)

    def test_missing_required_member(self):
        st, h, data = raw(self.sim, "AppRunner.DescribeService", b"{}")
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(data)["__type"], "InvalidRequestException")
        st, h, data = raw(self.sim, "AmazonEC2ContainerRegistry_V20150921"
                          ".BatchGetImage", b'{"repositoryName": '
                          b'"momentum/api"}', signing="ecr", ct=JSON11)
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(data)["__type"],
                         "InvalidParameterException")

    def test_request_log_has_one_line_per_request(self):
        before = len(self.sim.log_lines())
        c = self.sim.client("ecr")
        c.describe_repositories()
        with self.assertRaises(ClientError):
            c.describe_images(repositoryName="nope/nope")
        lines = self.sim.log_lines()[before:]
        self.assertEqual(len(lines), 2)
        ok, bad = lines
        for l in lines:
            self.assertRegex(l["time"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertEqual(l["service"], "ecr")
            self.assertEqual(l["access_key"], simlib.RW_KEY[0])
        self.assertEqual((ok["operation"], ok["status"]),
                         ("DescribeRepositories", 200))
        self.assertNotIn("error", ok)
        self.assertEqual((bad["operation"], bad["status"], bad["error"]),
                         ("DescribeImages", 400,
                          "RepositoryNotFoundException"))


class FaultTest(unittest.TestCase):
    def test_throttle_only_hits_the_named_service(self):
        with simlib.Sim(faults=["service=apprunner,throttle=1"]) as sim:
            with self.assertRaises(ClientError) as cm:
                sim.client("apprunner").list_services()
            self.assertEqual(err(cm.exception), "ThrottlingException")
            self.assertEqual(cm.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 400)
            sim.client("ecr").describe_repositories()
            lines = sim.log_lines()
            self.assertEqual(lines[0]["fault"], "throttle")
            self.assertEqual(lines[0]["error"], "ThrottlingException")
            self.assertNotIn("fault", lines[1])

    def test_partial_throttle_is_retried_by_boto3(self):
        with simlib.Sim(seed=11, faults=["throttle=0.5"]) as sim:
            c = sim.client("apprunner", retries=12)
            for _ in range(6):
                c.list_services()
            throttled = [l for l in sim.log_lines()
                         if l.get("fault") == "throttle"]
            self.assertGreater(len(throttled), 0)

    def test_5xx_and_latency(self):
        with simlib.Sim(faults=["service=ecr,error=1",
                                "service=apprunner,latency=300ms"]) as sim:
            with self.assertRaises(ClientError) as cm:
                sim.client("ecr").describe_repositories()
            self.assertEqual(err(cm.exception), "ServerException")
            self.assertEqual(cm.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 500)
            t = time.time()
            sim.client("apprunner").list_services()
            self.assertGreaterEqual(time.time() - t, 0.3)

    def test_stall_holds_until_client_gives_up(self):
        with simlib.Sim(faults=["service=apprunner,stall"]) as sim:
            c = sim.client("apprunner", read_timeout=1)
            t = time.time()
            with self.assertRaises(ReadTimeoutError):
                c.list_services()
            self.assertGreaterEqual(time.time() - t, 0.9)
            # Other services answer meanwhile.
            sim.client("ecr").describe_repositories()
            # A stalled connection still open does not block shutdown.
            conn = http.client.HTTPConnection("127.0.0.1", sim.port,
                                              timeout=30)
            req = AWSRequest(method="POST", url=sim.url + "/", data=b"{}",
                             headers={"Content-Type": JSON10,
                                      "X-Amz-Target":
                                      "AppRunner.ListServices"})
            SigV4Auth(Credentials(*simlib.RW_KEY), "apprunner",
                      "us-east-1").add_auth(req)
            conn.request("POST", "/", body=b"{}",
                         headers=dict(req.prepare().headers))
            time.sleep(0.3)
            t = time.time()
            self.assertEqual(sim.stop(), 0)
            self.assertLess(time.time() - t, 10)
            conn.close()

    def test_reset_truncate_malformed(self):
        with simlib.Sim(faults=["service=apprunner,reset=1",
                                "service=ecr,truncate=1",
                                "service=sts,malformed=1"]) as sim:
            with self.assertRaises((ConnectionError, http.client.HTTPException)):
                raw(sim, "AppRunner.ListServices", b"{}")
            with self.assertRaises(http.client.IncompleteRead):
                raw(sim, "AmazonEC2ContainerRegistry_V20150921."
                    "DescribeRepositories", b"{}", signing="ecr", ct=JSON11)
            st, h, data = raw(sim, None, b"Action=GetCallerIdentity&"
                              b"Version=2011-06-15", signing="sts",
                              ct="application/x-www-form-urlencoded")
            self.assertEqual(st, 200)
            self.assertNotIn(b"<GetCallerIdentityResponse", data)
            with self.assertRaises(Exception) as cm:
                sim.client("sts").get_caller_identity()
            self.assertNotIsInstance(cm.exception, ClientError)
            with self.assertRaises(Exception) as cm:
                sim.client("apprunner").list_services()
            self.assertNotIsInstance(cm.exception, ClientError)
            faults = [l.get("fault") for l in sim.log_lines()]
            self.assertEqual(faults[:3], ["reset", "truncate", "malformed"])

    def test_skewed_clock_fails_signatures_and_shows_in_date(self):
        with simlib.Sim(faults=["skew=3600"]) as sim:
            with self.assertRaises(ClientError) as cm:
                sim.client("apprunner").list_services()
            self.assertEqual(err(cm.exception), "InvalidSignatureException")
            self.assertIn("Signature", cm.exception.response["Error"]
                          ["Message"])
            st, h, _ = raw(sim, "AppRunner.ListServices", b"{}", sign=False)
            skew = parsedate_to_datetime(h["date"]).timestamp() - time.time()
            self.assertGreater(skew, 3500)

    def test_bad_fault_spec_is_refused(self):
        for spec in ("throttle=2", "service=nosuch", "bogus=1", "latency=x"):
            r = subprocess.run([simlib.sim_bin(), "--port", "0", "--fault",
                                spec], capture_output=True, text=True,
                               timeout=30)
            self.assertEqual(r.returncode, 1, spec)
            self.assertIn("fault", r.stderr)


class ScenarioTest(unittest.TestCase):
    def test_scenario_file_with_fault_events(self):
        with tempfile.NamedTemporaryFile("w", suffix=".scn",
                                         delete=False) as f:
            f.write("# test\n+0s fault apprunner throttle=1\n"
                    "+20s clear-faults\n")
            path = f.name
        try:
            with simlib.Sim(speed=10, scenario=path) as sim:
                c = sim.client("apprunner")
                with self.assertRaises(ClientError) as cm:
                    c.list_services()
                self.assertEqual(err(cm.exception), "ThrottlingException")

                def ok():
                    try:
                        return c.list_services()
                    except ClientError:
                        return None
                simlib.wait_for(ok, timeout=15, what="faults cleared")
        finally:
            os.unlink(path)

    def test_bad_scenario_is_refused_with_line_number(self):
        with tempfile.NamedTemporaryFile("w", suffix=".scn",
                                         delete=False) as f:
            f.write("+0s note ok\n+5s deploy qa api v1\n")
            path = f.name
        try:
            r = subprocess.run([simlib.sim_bin(), "--port", "0",
                                "--scenario", path], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(r.returncode, 1)
            self.assertIn(":2:", r.stderr)
            r = subprocess.run([simlib.sim_bin(), "--scenario",
                                "no-such-scenario"], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(r.returncode, 1)
            self.assertIn("not found", r.stderr)
        finally:
            os.unlink(path)


class AwsCliTest(unittest.TestCase):
    """The aws CLI, an independent client, reaches every protocol."""

    def cli(self, sim, *args):
        r = subprocess.run(["aws"] + list(args) + ["--output", "json"],
                           env=sim.env(), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout) if r.stdout.strip() else {}

    def test_cli_metrics_logs_cost_sts(self):
        with simlib.Sim() as sim:
            svc = [s for s in sim.client("apprunner").list_services()
                   ["ServiceSummaryList"]
                   if s["ServiceName"] == "momentum-prod-api"][0]
            now = int(time.time())
            q = [{"Id": "r", "MetricStat": {"Metric": {
                "Namespace": "AWS/AppRunner", "MetricName": "Requests",
                "Dimensions": [
                    {"Name": "ServiceName", "Value": svc["ServiceName"]},
                    {"Name": "ServiceID", "Value": svc["ServiceId"]}]},
                "Period": 300, "Stat": "Sum"}}]
            out = self.cli(sim, "cloudwatch", "get-metric-data",
                           "--metric-data-queries", json.dumps(q),
                           "--start-time", str(now - 3600),
                           "--end-time", str(now))
            vals = out["MetricDataResults"][0]["Values"]
            self.assertTrue(vals)
            self.assertGreater(sum(vals), 0)
            group = "/aws/apprunner/%s/%s/application" % (
                svc["ServiceName"], svc["ServiceId"])
            out = self.cli(sim, "logs", "filter-log-events",
                           "--log-group-name", group,
                           "--start-time", str((now - 900) * 1000),
                           "--max-items", "5")
            self.assertTrue(out["events"])
            out = self.cli(sim, "cloudwatch", "describe-alarms")
            self.assertTrue(out["MetricAlarms"])
            out = self.cli(sim, "sts", "get-caller-identity")
            self.assertEqual(out["Account"], "123456789012")
            ops = {(l["service"], l["operation"]) for l in sim.log_lines()}
            for want in (("monitoring", "GetMetricData"),
                         ("logs", "FilterLogEvents"),
                         ("monitoring", "DescribeAlarms"),
                         ("sts", "GetCallerIdentity")):
                self.assertIn(want, ops)


class CommandLineTest(unittest.TestCase):
    def test_help_version_bad_flags(self):
        r = subprocess.run([simlib.sim_bin(), "--help"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertIn("--port", r.stdout)
        self.assertIn("--fault", r.stdout)
        r = subprocess.run([simlib.sim_bin(), "--version"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^momentum-sim \d+\.\d+")
        for args in (["--bogus"], ["--port", "x"], ["--speed", "0"],
                     ["--access-key", "A"], ["extra"]):
            r = subprocess.run([simlib.sim_bin()] + args,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 1, args)

    def test_print_env_and_default_keys_work_with_the_cli(self):
        p = subprocess.Popen([simlib.sim_bin(), "--port", "0", "--print-env"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            first = p.stdout.readline()
            self.assertRegex(first, r"^PORT \d+\n$")
            env = dict(os.environ)
            for k in list(env):
                if k.startswith("AWS_"):
                    del env[k]
            lines = []
            while True:
                line = p.stdout.readline()
                lines.append(line)
                if "AWS_DEFAULT_REGION" in line:
                    break
            for line in lines:
                if line.startswith("export "):
                    k, v = line[len("export "):].strip().split("=", 1)
                    env[k] = v
            self.assertEqual(env["AWS_ENDPOINT_URL"],
                             "http://127.0.0.1:" + first.split()[1])
            env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = \
                "/nonexistent"
            r = subprocess.run(["aws", "sts", "get-caller-identity"],
                               env=env, capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("momentum-oncall", r.stdout)
        finally:
            p.terminate()
            self.assertEqual(p.wait(20), 0)
            p.stdout.close()
            p.stderr.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
