"""momentum-sim App Runner, driven by unmodified boto3 and the aws CLI."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simlib  # noqa: E402

simlib.need_boto3()
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

SPEED = 40      # a 40 s deployment takes 1 s


def err(e):
    return e.response["Error"]["Code"]


class AppRunnerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim(speed=SPEED, seed=7).start()
        cls.ar = cls.sim.client("apprunner")
        cls.ecr = cls.sim.client("ecr")
        # Client-side validation off, to reach the server's own checks.
        cls.raw = cls.sim.client("apprunner", parameter_validation=False)

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        err_text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, err_text))

    def arn(self, name):
        for s in self.ar.list_services()["ServiceSummaryList"]:
            if s["ServiceName"] == name:
                return s["ServiceArn"]
        raise KeyError(name)

    def wait_running(self, arn, want="RUNNING"):
        return simlib.wait_for(
            lambda: self.ar.describe_service(ServiceArn=arn)["Service"]
            if self.ar.describe_service(ServiceArn=arn)["Service"]["Status"]
            == want else None, timeout=20, what="status " + want)

    def test_list_services_all_nine_and_paginates(self):
        r = self.ar.list_services()
        names = [s["ServiceName"] for s in r["ServiceSummaryList"]]
        self.assertEqual(len(names), 9)
        for env in ("dev", "staging", "prod"):
            for role in ("frontend", "api", "worker"):
                self.assertIn("momentum-%s-%s" % (env, role), names)
        s = r["ServiceSummaryList"][0]
        self.assertEqual(len(s["ServiceId"]), 32)
        self.assertTrue(s["ServiceArn"].startswith(
            "arn:aws:apprunner:us-east-1:123456789012:service/"))
        self.assertTrue(s["ServiceUrl"].endswith(".awsapprunner.com"))
        self.assertIn(s["Status"], ("RUNNING", "PAUSED",
                                    "OPERATION_IN_PROGRESS"))
        self.assertLessEqual(s["CreatedAt"], s["UpdatedAt"])
        # Pages of 4: 4 + 4 + 1.
        p1 = self.ar.list_services(MaxResults=4)
        self.assertEqual(len(p1["ServiceSummaryList"]), 4)
        p2 = self.ar.list_services(MaxResults=4, NextToken=p1["NextToken"])
        p3 = self.ar.list_services(MaxResults=4, NextToken=p2["NextToken"])
        self.assertEqual(len(p3["ServiceSummaryList"]), 1)
        self.assertNotIn("NextToken", p3)
        paged = [s["ServiceName"] for p in (p1, p2, p3)
                 for s in p["ServiceSummaryList"]]
        self.assertEqual(paged, names)
        with self.assertRaises(ClientError) as cm:
            self.ar.list_services(NextToken="garbage")
        self.assertEqual(err(cm.exception), "InvalidRequestException")
        with self.assertRaises(ClientError) as cm:
            self.raw.list_services(MaxResults=21)
        self.assertEqual(err(cm.exception), "InvalidRequestException")

    def test_describe_service_shape_and_seed_numbers(self):
        svc = self.ar.describe_service(
            ServiceArn=self.arn("momentum-prod-api"))["Service"]
        self.assertEqual(svc["ServiceName"], "momentum-prod-api")
        img = svc["SourceConfiguration"]["ImageRepository"]
        self.assertEqual(img["ImageRepositoryType"], "ECR")
        self.assertRegex(img["ImageIdentifier"],
                         r"^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com"
                         r"/momentum/api@sha256:[0-9a-f]{64}$")
        self.assertEqual(img["ImageConfiguration"]["Port"], "8080")
        self.assertEqual(svc["InstanceConfiguration"],
                         {"Cpu": "2048", "Memory": "1024"})
        asc = svc["AutoScalingConfigurationSummary"]
        self.assertTrue(asc["HasAssociatedService"])
        d = self.ar.describe_auto_scaling_configuration(
            AutoScalingConfigurationArn=asc["AutoScalingConfigurationArn"])
        cfg = d["AutoScalingConfiguration"]
        self.assertEqual((cfg["MinSize"], cfg["MaxSize"]), (2, 20))
        fe = self.ar.describe_service(
            ServiceArn=self.arn("momentum-prod-frontend"))["Service"]
        self.assertEqual(fe["InstanceConfiguration"]["Memory"], "512")
        cfg = self.ar.describe_auto_scaling_configuration(
            AutoScalingConfigurationArn=fe["AutoScalingConfigurationSummary"]
            ["AutoScalingConfigurationArn"])["AutoScalingConfiguration"]
        self.assertEqual((cfg["MinSize"], cfg["MaxSize"]), (1, 10))
        self.assertEqual(svc["NetworkConfiguration"]["EgressConfiguration"]
                         ["EgressType"], "DEFAULT")
        self.assertIn("HealthCheckConfiguration", svc)
        # The digest is one that ECR holds, one version behind staging.
        digest = img["ImageIdentifier"].split("@")[1]
        imgs = self.ecr.describe_images(
            repositoryName="momentum/api",
            imageIds=[{"imageDigest": digest}])["imageDetails"]
        self.assertEqual(len(imgs), 1)
        stg = self.ar.describe_service(
            ServiceArn=self.arn("momentum-staging-api"))["Service"]
        sd = stg["SourceConfiguration"]["ImageRepository"][
            "ImageIdentifier"].split("@")[1]
        self.assertNotEqual(sd, digest)
        with self.assertRaises(ClientError) as cm:
            self.ar.describe_service(ServiceArn=self.arn("momentum-prod-api")
                                     [:-4] + "0000")
        self.assertEqual(err(cm.exception), "ResourceNotFoundException")

    def test_list_operations_history(self):
        ops = self.ar.list_operations(
            ServiceArn=self.arn("momentum-staging-worker"))
        lst = ops["OperationSummaryList"]
        self.assertGreaterEqual(len(lst), 2)
        self.assertEqual(lst[-1]["Type"], "CREATE_SERVICE")
        for o in lst:
            self.assertEqual(len(o["Id"]), 36)
            self.assertIn(o["Status"], ("SUCCEEDED", "IN_PROGRESS"))
        starts = [o["StartedAt"] for o in lst]
        self.assertEqual(starts, sorted(starts, reverse=True))
        p = self.ar.list_operations(
            ServiceArn=self.arn("momentum-staging-worker"), MaxResults=1)
        self.assertEqual(len(p["OperationSummaryList"]), 1)
        self.assertIn("NextToken", p)

    def test_update_service_deploys_by_tag_then_digest(self):
        arn = self.arn("momentum-dev-worker")
        imgs = self.ecr.describe_images(
            repositoryName="momentum/worker")["imageDetails"]
        older = imgs[2]        # newest first
        tag = [t for t in older["imageTags"] if t.startswith("v")][0]
        uri = ("123456789012.dkr.ecr.us-east-1.amazonaws.com/"
               "momentum/worker")
        r = self.ar.update_service(ServiceArn=arn, SourceConfiguration={
            "ImageRepository": {"ImageIdentifier": uri + ":" + tag,
                                "ImageRepositoryType": "ECR"}})
        self.assertEqual(len(r["OperationId"]), 36)
        self.assertEqual(r["Service"]["Status"], "OPERATION_IN_PROGRESS")
        # A second mutation while the first runs is refused.
        with self.assertRaises(ClientError) as cm:
            self.ar.start_deployment(ServiceArn=arn)
        self.assertEqual(err(cm.exception), "InvalidStateException")
        ops = self.ar.list_operations(ServiceArn=arn)["OperationSummaryList"]
        self.assertEqual(ops[0]["Id"], r["OperationId"])
        self.assertEqual(ops[0]["Type"], "UPDATE_SERVICE")
        self.assertEqual(ops[0]["Status"], "IN_PROGRESS")
        svc = self.wait_running(arn)
        self.assertEqual(svc["SourceConfiguration"]["ImageRepository"]
                         ["ImageIdentifier"], uri + "@" + older["imageDigest"])
        ops = self.ar.list_operations(ServiceArn=arn)["OperationSummaryList"]
        self.assertEqual(ops[0]["Status"], "SUCCEEDED")
        self.assertIn("EndedAt", ops[0])
        # Back to the newest, by digest.
        self.ar.update_service(ServiceArn=arn, SourceConfiguration={
            "ImageRepository": {
                "ImageIdentifier": uri + "@" + imgs[0]["imageDigest"],
                "ImageRepositoryType": "ECR"}})
        svc = self.wait_running(arn)
        self.assertTrue(svc["SourceConfiguration"]["ImageRepository"]
                        ["ImageIdentifier"].endswith(imgs[0]["imageDigest"]))
        # Images that do not exist, or of another repository, are refused.
        for ident in (uri + ":no-such-tag", uri + "@sha256:" + "0" * 64,
                      uri.replace("worker", "api") + ":v1.42.0"):
            with self.assertRaises(ClientError) as cm:
                self.ar.update_service(ServiceArn=arn, SourceConfiguration={
                    "ImageRepository": {"ImageIdentifier": ident,
                                        "ImageRepositoryType": "ECR"}})
            self.assertEqual(err(cm.exception), "InvalidRequestException")

    def test_start_deployment_completes(self):
        arn = self.arn("momentum-staging-frontend")
        op = self.ar.start_deployment(ServiceArn=arn)["OperationId"]
        self.assertEqual(len(op), 36)
        self.wait_running(arn)
        ops = self.ar.list_operations(ServiceArn=arn)["OperationSummaryList"]
        self.assertEqual((ops[0]["Id"], ops[0]["Type"], ops[0]["Status"]),
                         (op, "START_DEPLOYMENT", "SUCCEEDED"))

    def test_pause_and_resume(self):
        arn = self.arn("momentum-dev-frontend")
        r = self.ar.pause_service(ServiceArn=arn)
        self.assertEqual(r["Service"]["Status"], "OPERATION_IN_PROGRESS")
        self.wait_running(arn, "PAUSED")
        with self.assertRaises(ClientError) as cm:
            self.ar.pause_service(ServiceArn=arn)
        self.assertEqual(err(cm.exception), "InvalidStateException")
        with self.assertRaises(ClientError) as cm:
            self.ar.start_deployment(ServiceArn=arn)
        self.assertEqual(err(cm.exception), "InvalidStateException")
        r = self.ar.resume_service(ServiceArn=arn)
        self.assertIn("OperationId", r)
        self.wait_running(arn)
        with self.assertRaises(ClientError) as cm:
            self.ar.resume_service(ServiceArn=arn)
        self.assertEqual(err(cm.exception), "InvalidStateException")
        types = [o["Type"] for o in self.ar.list_operations(
            ServiceArn=arn)["OperationSummaryList"][:2]]
        self.assertEqual(types, ["RESUME_SERVICE", "PAUSE_SERVICE"])

    def test_scale_with_new_autoscaling_revision(self):
        arn = self.arn("momentum-staging-api")
        a1 = self.ar.create_auto_scaling_configuration(
            AutoScalingConfigurationName="momentum-staging-api",
            MinSize=3, MaxSize=9, MaxConcurrency=80)[
            "AutoScalingConfiguration"]
        self.assertEqual(a1["AutoScalingConfigurationRevision"], 2)
        self.assertTrue(a1["Latest"])
        self.assertEqual((a1["MinSize"], a1["MaxSize"],
                          a1["MaxConcurrency"]), (3, 9, 80))
        self.assertEqual(a1["Status"], "ACTIVE")
        self.ar.update_service(
            ServiceArn=arn,
            AutoScalingConfigurationArn=a1["AutoScalingConfigurationArn"])
        svc = self.wait_running(arn)
        self.assertEqual(svc["AutoScalingConfigurationSummary"]
                         ["AutoScalingConfigurationArn"],
                         a1["AutoScalingConfigurationArn"])
        # Revision 1 is no longer the latest; listing by name shows both.
        lst = self.ar.list_auto_scaling_configurations(
            AutoScalingConfigurationName="momentum-staging-api")[
            "AutoScalingConfigurationSummaryList"]
        self.assertEqual(sorted(a["AutoScalingConfigurationRevision"]
                                for a in lst), [1, 2])
        latest = self.ar.list_auto_scaling_configurations(
            AutoScalingConfigurationName="momentum-staging-api",
            LatestOnly=True)["AutoScalingConfigurationSummaryList"]
        self.assertEqual([a["AutoScalingConfigurationRevision"]
                          for a in latest], [2])
        # A partial ARN (no revision) names the latest revision.
        part = a1["AutoScalingConfigurationArn"].rsplit("/", 2)[0]
        d = self.ar.describe_auto_scaling_configuration(
            AutoScalingConfigurationArn=part)["AutoScalingConfiguration"]
        self.assertEqual(d["AutoScalingConfigurationRevision"], 2)
        with self.assertRaises(ClientError) as cm:
            self.ar.describe_auto_scaling_configuration(
                AutoScalingConfigurationArn=part + "-nope")
        self.assertEqual(err(cm.exception), "ResourceNotFoundException")

    def test_list_auto_scaling_configurations_paginates(self):
        everything = self.ar.list_auto_scaling_configurations()[
            "AutoScalingConfigurationSummaryList"]
        self.assertGreaterEqual(len(everything), 10)
        self.assertTrue(any(a["IsDefault"] for a in everything))
        seen, tok = [], None
        while True:
            kw = {"MaxResults": 3}
            if tok:
                kw["NextToken"] = tok
            r = self.ar.list_auto_scaling_configurations(**kw)
            seen += r["AutoScalingConfigurationSummaryList"]
            tok = r.get("NextToken")
            if not tok:
                break
        self.assertGreaterEqual(len(seen), len(everything))

    def test_create_auto_scaling_validation(self):
        bad = [
            dict(MinSize=0, MaxSize=5),
            dict(MinSize=5, MaxSize=4),
            dict(MinSize=1, MaxSize=26),
            dict(MinSize=1, MaxSize=5, MaxConcurrency=0),
            dict(MinSize=1, MaxSize=5, MaxConcurrency=201),
        ]
        for kw in bad:
            with self.assertRaises(ClientError, msg=str(kw)) as cm:
                self.raw.create_auto_scaling_configuration(
                    AutoScalingConfigurationName="valid-name", **kw)
            self.assertEqual(err(cm.exception), "InvalidRequestException",
                             kw)
            self.assertEqual(
                cm.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                400)
        for name in ("abc", "x" * 33, "-leading", "has space"):
            with self.assertRaises(ClientError) as cm:
                self.raw.create_auto_scaling_configuration(
                    AutoScalingConfigurationName=name)
            self.assertEqual(err(cm.exception), "InvalidRequestException")
        with self.assertRaises(ClientError) as cm:
            self.raw.create_auto_scaling_configuration()
        self.assertEqual(err(cm.exception), "InvalidRequestException")
        with self.assertRaises(ClientError) as cm:
            self.raw.create_auto_scaling_configuration(
                AutoScalingConfigurationName="valid-name", MinSize="2")
        self.assertEqual(err(cm.exception), "SerializationException")
        # Defaults: 1..25, 100.
        a = self.ar.create_auto_scaling_configuration(
            AutoScalingConfigurationName="defaults-only")[
            "AutoScalingConfiguration"]
        self.assertEqual((a["MinSize"], a["MaxSize"], a["MaxConcurrency"],
                          a["AutoScalingConfigurationRevision"]),
                         (1, 25, 100, 1))

    def test_aws_cli_lists_services(self):
        out = subprocess.run(
            ["aws", "apprunner", "list-services", "--output", "json"],
            env=self.sim.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        names = [s["ServiceName"] for s in
                 json.loads(out.stdout)["ServiceSummaryList"]]
        self.assertIn("momentum-prod-api", names)
        self.assertEqual(len(names), 9)


class IncidentTest(unittest.TestCase):
    def test_incident_bad_image_reaches_prod_then_rollback_heals(self):
        # At speed 30 the deploy at +60 s starts after 2 s and ends ~1.3 s
        # later; alarms need a few simulated minutes (seconds here).
        with simlib.Sim(speed=30, scenario="incident") as sim:
            ar = sim.client("apprunner")
            ecr = sim.client("ecr")
            arn = [s["ServiceArn"] for s in
                   ar.list_services()["ServiceSummaryList"]
                   if s["ServiceName"] == "momentum-prod-api"][0]
            before = ar.describe_service(ServiceArn=arn)["Service"][
                "SourceConfiguration"]["ImageRepository"]["ImageIdentifier"]

            def rc1():
                try:
                    return ecr.describe_images(
                        repositoryName="momentum/api",
                        imageIds=[{"imageTag": "v1.43.0-rc1"}])[
                        "imageDetails"][0]
                except ClientError:
                    return None
            bad = simlib.wait_for(rc1, timeout=20, what="rc1 push")

            def deployed():
                s = ar.describe_service(ServiceArn=arn)["Service"]
                ident = s["SourceConfiguration"]["ImageRepository"][
                    "ImageIdentifier"]
                return s if (s["Status"] == "RUNNING" and
                             ident.endswith(bad["imageDigest"])) else None
            simlib.wait_for(deployed, timeout=20, what="bad deploy")
            ops = ar.list_operations(ServiceArn=arn)["OperationSummaryList"]
            self.assertEqual(ops[0]["Status"], "SUCCEEDED")
            # The bad image shows: the prod api 5xx alarm fires.
            cw = sim.client("cloudwatch")

            def alarm_state():
                for a in cw.describe_alarms(
                        AlarmNamePrefix="momentum-prod-api")["MetricAlarms"]:
                    if "5xx" in a["AlarmName"]:
                        return a["StateValue"]
                self.fail("no 5xx alarm for momentum-prod-api")
            simlib.wait_for(lambda: alarm_state() == "ALARM", timeout=30,
                            what="5xx alarm")
            # Roll back to the digest that ran before.
            ar.update_service(ServiceArn=arn, SourceConfiguration={
                "ImageRepository": {"ImageIdentifier": before,
                                    "ImageRepositoryType": "ECR"}})

            def healed():
                s = ar.describe_service(ServiceArn=arn)["Service"]
                return s["Status"] == "RUNNING" and s[
                    "SourceConfiguration"]["ImageRepository"][
                    "ImageIdentifier"] == before
            simlib.wait_for(healed, timeout=20, what="rollback")
            simlib.wait_for(lambda: alarm_state() == "OK", timeout=40,
                            what="5xx alarm back to OK")

    def test_broken_image_deployment_rolls_back(self):
        with tempfile.NamedTemporaryFile("w", suffix=".scn",
                                         delete=False) as f:
            f.write("+0s push worker broken v9.0.0-broken\n")
            path = f.name
        try:
            with simlib.Sim(speed=40, scenario=path) as sim:
                ar = sim.client("apprunner")
                arn = [s["ServiceArn"] for s in
                       ar.list_services()["ServiceSummaryList"]
                       if s["ServiceName"] == "momentum-prod-worker"][0]
                before = ar.describe_service(ServiceArn=arn)["Service"][
                    "SourceConfiguration"]["ImageRepository"][
                    "ImageIdentifier"]
                uri = before.split("@")[0]
                op = ar.update_service(ServiceArn=arn, SourceConfiguration={
                    "ImageRepository": {
                        "ImageIdentifier": uri + ":v9.0.0-broken",
                        "ImageRepositoryType": "ECR"}})["OperationId"]

                def done():
                    o = ar.list_operations(ServiceArn=arn)[
                        "OperationSummaryList"][0]
                    return o if o["Status"] not in ("PENDING",
                                                    "IN_PROGRESS") else None
                o = simlib.wait_for(done, timeout=20, what="operation end")
                self.assertEqual((o["Id"], o["Status"]),
                                 (op, "ROLLBACK_SUCCEEDED"))
                svc = ar.describe_service(ServiceArn=arn)["Service"]
                self.assertEqual(svc["Status"], "RUNNING")
                self.assertEqual(svc["SourceConfiguration"]
                                 ["ImageRepository"]["ImageIdentifier"],
                                 before)
        finally:
            os.unlink(path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
