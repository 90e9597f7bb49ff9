"""momentum-sim CloudWatch Logs through boto3 and the aws CLI."""

import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simlib  # noqa: E402

simlib.need_boto3()
from botocore.exceptions import ClientError  # noqa: E402


def err(e):
    return e.response["Error"]["Code"]


def now_ms():
    return int(time.time() * 1000)


class LogsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim(seed=5, speed=30, scenario="incident").start()
        cls.logs = cls.sim.client("logs")
        cls.raw = cls.sim.client("logs", parameter_validation=False)
        groups = []
        for page in cls.logs.get_paginator("describe_log_groups").paginate():
            groups += page["logGroups"]
        cls.groups = groups

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, text))

    def group(self, svc, kind="application"):
        for g in self.groups:
            parts = g["logGroupName"].split("/")
            if parts[3] == svc and parts[5] == kind:
                return g["logGroupName"]
        self.fail("no %s group for %s" % (kind, svc))

    def test_describe_log_groups_shape_and_pages(self):
        self.assertEqual(len(self.groups), 18)
        g = self.groups[0]
        for k in ("logGroupName", "arn", "creationTime", "storedBytes",
                  "retentionInDays"):
            self.assertIn(k, g)
        self.assertTrue(g["arn"].startswith("arn:aws:logs:us-east-1:"))
        r = self.logs.describe_log_groups(
            logGroupNamePrefix="/aws/apprunner/momentum-prod-", limit=4)
        self.assertEqual(len(r["logGroups"]), 4)
        self.assertIn("nextToken", r)
        r2 = self.logs.describe_log_groups(
            logGroupNamePrefix="/aws/apprunner/momentum-prod-", limit=4,
            nextToken=r["nextToken"])
        self.assertEqual(len(r2["logGroups"]), 2)
        self.assertNotIn("nextToken", r2)

    def test_filter_paginates_interleaved_unique(self):
        name = self.group("momentum-prod-api")
        start = now_ms() - 20 * 60 * 1000
        events, pages = [], 0
        for page in self.logs.get_paginator("filter_log_events").paginate(
                logGroupName=name, startTime=start, endTime=now_ms(),
                PaginationConfig={"PageSize": 100}):
            pages += 1
            events += page["events"]
            self.assertLessEqual(len(page["events"]), 100)
        self.assertGreater(pages, 2)
        ids = [e["eventId"] for e in events]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertTrue(all(i.isdigit() for i in ids))
        ts = [e["timestamp"] for e in events]
        self.assertEqual(ts, sorted(ts))
        for e in events:
            self.assertTrue(e["logStreamName"].startswith("instance/"))
            self.assertGreater(e["ingestionTime"], e["timestamp"])
        # Again: the same events, the same ids (generated, not stored).
        again = self.logs.filter_log_events(
            logGroupName=name, startTime=start, endTime=ts[10], limit=10)
        self.assertEqual([e["eventId"] for e in again["events"]], ids[:10])

    def test_filter_patterns(self):
        name = self.group("momentum-prod-api")
        start = now_ms() - 30 * 60 * 1000
        r = self.logs.filter_log_events(
            logGroupName=name, startTime=start,
            filterPattern='{ $.status >= 200 && $.level = "INFO" }')
        self.assertTrue(r["events"])
        for e in r["events"]:
            d = json.loads(e["message"])
            self.assertEqual(d["level"], "INFO")
        r = self.logs.filter_log_events(
            logGroupName=name, startTime=start,
            filterPattern='"HTTP/1.1" -healthz')
        self.assertTrue(r["events"])
        for e in r["events"]:
            self.assertIn("HTTP/1.1", e["message"])
            self.assertNotIn("healthz", e["message"])
        with self.assertRaises(ClientError) as cm:
            self.logs.filter_log_events(logGroupName=name,
                                        filterPattern='{ $.level = ')
        self.assertEqual(err(cm.exception), "InvalidParameterException")
        with self.assertRaises(ClientError) as cm:
            self.logs.filter_log_events(logGroupName="/no/such/group")
        self.assertEqual(err(cm.exception), "ResourceNotFoundException")

    def test_incident_fills_logs_with_errors(self):
        name = self.group("momentum-prod-api")
        arn = "arn:aws:logs:us-east-1:123456789012:log-group:%s:*" % name

        def errors():
            r = self.logs.filter_log_events(
                logGroupIdentifier=arn, startTime=now_ms() - 120 * 1000,
                filterPattern="?ERROR ?Traceback")
            n = len(r["events"])
            return r["events"] if n > 30 else None
        evs = simlib.wait_for(errors, timeout=60, step=1,
                              what="errors in the prod api logs")
        traces = [e for e in evs if "Traceback" in e["message"]]
        self.assertTrue(traces)
        self.assertIn("\n", traces[0]["message"])

    def test_hostile_text_is_in_the_raw_logs(self):
        # The simulator reproduces what real logs carry; the console must
        # neutralize it.  ESC as a filter term finds ANSI/OSC sequences.
        name = self.group("momentum-prod-frontend")
        found = []
        for page in self.logs.get_paginator("filter_log_events").paginate(
                logGroupName=name, startTime=now_ms() - 6 * 3600 * 1000,
                filterPattern="\x1b"):
            found += page["events"]
            if found:
                break
        self.assertTrue(found)
        self.assertIn("\x1b", found[0]["message"])

    def test_get_log_events_tokens(self):
        name = self.group("momentum-prod-frontend")
        streams = self.logs.describe_log_streams(logGroupName=name)[
            "logStreams"]
        self.assertTrue(streams)
        stream = streams[0]["logStreamName"]
        head = self.logs.get_log_events(
            logGroupName=name, logStreamName=stream, startFromHead=True,
            startTime=now_ms() - 3600 * 1000, limit=20)
        self.assertEqual(len(head["events"]), 20)
        nxt = self.logs.get_log_events(
            logGroupName=name, logStreamName=stream, startFromHead=True,
            startTime=now_ms() - 3600 * 1000, limit=20,
            nextToken=head["nextForwardToken"])
        self.assertGreaterEqual(nxt["events"][0]["timestamp"],
                                head["events"][-1]["timestamp"])
        tail = self.logs.get_log_events(logGroupName=name,
                                        logStreamName=stream, limit=5)
        self.assertEqual(len(tail["events"]), 5)
        self.assertGreater(tail["events"][0]["timestamp"],
                           now_ms() - 3600 * 1000)
        with self.assertRaises(ClientError) as cm:
            self.logs.get_log_events(logGroupName=name,
                                     logStreamName="instance/nope")
        self.assertEqual(err(cm.exception), "ResourceNotFoundException")

    def test_service_log_group_has_deployments(self):
        name = self.group("momentum-prod-api", "service")
        r = self.logs.filter_log_events(logGroupName=name,
                                        filterPattern="Deployment")
        self.assertTrue(any("was successful" in e["message"]
                            for e in r["events"]))

    def test_aws_cli_filter_log_events(self):
        name = self.group("momentum-staging-api")
        out = subprocess.run(
            ["aws", "logs", "filter-log-events", "--log-group-name", name,
             "--start-time", str(now_ms() - 3600 * 1000),
             "--filter-pattern", "GET", "--max-items", "25",
             "--output", "json"],
            env=self.sim.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertTrue(r["events"])
        self.assertLessEqual(len(r["events"]), 25)
        self.assertTrue(all("GET" in e["message"] for e in r["events"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
