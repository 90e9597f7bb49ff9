"""momentum-sim CloudWatch (metrics, alarms, history) through boto3 and the aws CLI."""

import datetime
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


def q(qid, name, stat="Sum", period=60, svc="momentum-prod-api", **kw):
    d = {"Id": qid, "MetricStat": {"Metric": {
        "Namespace": "AWS/AppRunner", "MetricName": name,
        "Dimensions": [{"Name": "ServiceName", "Value": svc}]},
        "Period": period, "Stat": stat}}
    d.update(kw)
    return d


class CloudWatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim(seed=11, speed=30, scenario="incident").start()
        cls.cw = cls.sim.client("cloudwatch")
        cls.raw = cls.sim.client("cloudwatch", parameter_validation=False)
        cls.ar = cls.sim.client("apprunner")

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, text))

    def window(self, hours=3):
        end = datetime.datetime.now(datetime.timezone.utc)
        return end - datetime.timedelta(hours=hours), end

    def test_get_metric_data_stats_and_math(self):
        start, end = self.window()
        r = self.cw.get_metric_data(MetricDataQueries=[
            q("req", "Requests"), q("err", "5xxStatusResponses"),
            q("p99", "RequestLatency", "p99"),
            q("p50", "RequestLatency", "p50"),
            q("inst", "ActiveInstances", "Maximum"),
            {"Id": "rate", "Expression": "100 * err / req",
             "Label": "5xx %"}],
            StartTime=start, EndTime=end, ScanBy="TimestampAscending")
        res = {x["Id"]: x for x in r["MetricDataResults"]}
        self.assertEqual(set(res), {"req", "err", "p99", "p50", "inst",
                                    "rate"})
        self.assertEqual(res["rate"]["Label"], "5xx %")
        self.assertEqual(res["req"]["Label"], "Requests")
        for x in res.values():
            self.assertEqual(x["StatusCode"], "Complete")
            self.assertEqual(len(x["Timestamps"]), len(x["Values"]))
        n = len(res["req"]["Values"])
        self.assertGreaterEqual(n, 170)
        ts = res["req"]["Timestamps"]
        self.assertIsInstance(ts[0], datetime.datetime)
        self.assertTrue(all(b - a == datetime.timedelta(seconds=60)
                            for a, b in zip(ts, ts[1:])))
        for i in range(n):
            self.assertLessEqual(res["p50"]["Values"][i],
                                 res["p99"]["Values"][i])
            self.assertAlmostEqual(
                res["rate"]["Values"][i],
                100 * res["err"]["Values"][i] / res["req"]["Values"][i])
            self.assertTrue(2 <= res["inst"]["Values"][i] <= 20)

    def test_week_of_hourly_data_answers_at_once(self):
        start, end = self.window(24 * 7)
        t = time.time()
        r = self.cw.get_metric_data(MetricDataQueries=[
            q("m%d" % i, "Requests", period=3600,
              svc="momentum-%s-frontend" % env)
            for i, env in enumerate(["dev", "staging", "prod"])],
            StartTime=start, EndTime=end)
        self.assertLess(time.time() - t, 10)
        vals = r["MetricDataResults"][2]["Values"]
        self.assertGreaterEqual(len(vals), 167)
        # Descending by default; a daily cycle shows up as a wide range.
        ts = r["MetricDataResults"][2]["Timestamps"]
        self.assertGreater(ts[0], ts[-1])
        self.assertGreater(max(vals), 3 * min(vals))
        self.assertGreater(sum(vals), 20 * sum(
            r["MetricDataResults"][0]["Values"]))

    def test_other_namespaces(self):
        start, end = self.window(1)
        r = self.cw.get_metric_data(MetricDataQueries=[
            {"Id": "db", "MetricStat": {"Metric": {
                "Namespace": "AWS/RDS", "MetricName": "DatabaseConnections",
                "Dimensions": [{"Name": "DBInstanceIdentifier",
                                "Value": "momentum-prod-db"}]},
                "Period": 300, "Stat": "Maximum"}},
            {"Id": "redis", "MetricStat": {"Metric": {
                "Namespace": "AWS/ElastiCache",
                "MetricName": "DatabaseMemoryUsagePercentage",
                "Dimensions": [{"Name": "CacheClusterId",
                                "Value": "momentum-dev-redis"}]},
                "Period": 300, "Stat": "Average"}},
            {"Id": "cost", "MetricStat": {"Metric": {
                "Namespace": "Momentum/Cost", "MetricName": "MonthToDateCost",
                "Dimensions": [{"Name": "Environment", "Value": "prod"}]},
                "Period": 3600, "Stat": "Maximum"}},
            {"Id": "nope", "MetricStat": {"Metric": {
                "Namespace": "AWS/RDS", "MetricName": "DatabaseConnections",
                "Dimensions": [{"Name": "DBInstanceIdentifier",
                                "Value": "no-such-db"}]},
                "Period": 300, "Stat": "Maximum"}}],
            StartTime=start, EndTime=end)
        res = {x["Id"]: x for x in r["MetricDataResults"]}
        self.assertTrue(res["db"]["Values"])
        self.assertTrue(all(0 < v < 100 for v in res["redis"]["Values"]))
        self.assertTrue(res["cost"]["Values"])
        self.assertEqual(res["nope"]["Values"], [])  # unknown -> empty

    def test_max_datapoints_paginates(self):
        start, end = self.window(3)
        queries = [q("a", "Requests"), q("b", "RequestLatency", "p90")]
        whole = self.cw.get_metric_data(MetricDataQueries=queries,
                                        StartTime=start, EndTime=end)
        expect = {x["Id"]: len(x["Values"])
                  for x in whole["MetricDataResults"]}
        pages = 0
        got = {"a": [], "b": []}
        for page in self.cw.get_paginator("get_metric_data").paginate(
                MetricDataQueries=queries, StartTime=start, EndTime=end,
                MaxDatapoints=50):
            pages += 1
            for x in page["MetricDataResults"]:
                got[x["Id"]] += x["Timestamps"]
        self.assertGreaterEqual(pages, 7)
        self.assertEqual({k: len(v) for k, v in got.items()}, expect)
        for v in got.values():
            self.assertEqual(len(v), len(set(v)))

    def test_validation_errors(self):
        start, end = self.window(1)
        cases = [
            dict(MetricDataQueries=[q("a", "Requests", period=61)]),
            dict(MetricDataQueries=[q("a", "Requests", stat="tm99")]),
            dict(MetricDataQueries=[q("a", "Requests"), q("a", "Requests")]),
            dict(MetricDataQueries=[{"Id": "e", "Expression": "a +"}]),
            dict(MetricDataQueries=[{"Id": "e", "Expression": "zz * 2"}]),
            dict(MetricDataQueries=[{"Id": "e%d" % i, "Expression": "1"}
                                    for i in range(501)]),
        ]
        for kw in cases:
            with self.assertRaises(ClientError) as cm:
                self.raw.get_metric_data(StartTime=start, EndTime=end, **kw)
            self.assertEqual(err(cm.exception), "ValidationError", kw)
            self.assertEqual(
                cm.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                400)
        with self.assertRaises(ClientError) as cm:
            self.cw.get_metric_data(MetricDataQueries=[q("a", "Requests")],
                                    StartTime=end, EndTime=start)
        self.assertEqual(err(cm.exception), "ValidationError")
        with self.assertRaises(ClientError) as cm:
            self.cw.get_metric_data(MetricDataQueries=[q("a", "Requests")],
                                    StartTime=start, EndTime=end,
                                    NextToken="bogus")
        self.assertEqual(err(cm.exception), "InvalidNextToken")

    def test_describe_alarms_filters_and_paginates(self):
        names = []
        for page in self.cw.get_paginator("describe_alarms").paginate(
                PaginationConfig={"PageSize": 20}):
            names += [a["AlarmName"] for a in page["MetricAlarms"]]
        self.assertEqual(len(names), 51)
        self.assertIn("momentum-prod-monthly-cost", names)
        r = self.cw.describe_alarms(AlarmNames=["momentum-dev-redis-memory"])
        a = r["MetricAlarms"][0]
        self.assertEqual(a["Namespace"], "AWS/ElastiCache")
        self.assertEqual(a["Dimensions"][0]["Value"], "momentum-dev-redis")
        self.assertIn(a["StateValue"], ("OK", "ALARM", "INSUFFICIENT_DATA"))
        self.assertIsInstance(a["StateUpdatedTimestamp"], datetime.datetime)
        json.loads(a["StateReasonData"])
        r = self.cw.describe_alarms(AlarmNamePrefix="momentum-staging-api-",
                                    StateValue="OK")
        self.assertEqual(len(r["MetricAlarms"]), 4)
        with self.assertRaises(ClientError) as cm:
            self.raw.describe_alarms(StateValue="MAYBE")
        self.assertEqual(err(cm.exception), "ValidationError")

    def test_incident_fires_alarms_with_history(self):
        def firing():
            r = self.cw.describe_alarms(StateValue="ALARM",
                                        AlarmNamePrefix="momentum-prod-api-")
            got = {a["AlarmName"] for a in r["MetricAlarms"]}
            return got if {"momentum-prod-api-5xx-rate",
                           "momentum-prod-api-p99-latency"} <= got else None
        simlib.wait_for(firing, timeout=60, step=0.5, what="incident alarms")
        h = self.cw.describe_alarm_history(
            AlarmName="momentum-prod-api-5xx-rate",
            HistoryItemType="StateUpdate")
        items = h["AlarmHistoryItems"]
        self.assertTrue(items)
        self.assertEqual(items[0]["HistorySummary"],
                         "Alarm updated from OK to ALARM")
        data = json.loads(items[0]["HistoryData"])
        self.assertEqual(data["newState"]["stateValue"], "ALARM")
        self.assertIn("Threshold Crossed", data["newState"]["stateReason"])
        # Paginated history over every alarm, oldest first.
        seen = []
        for page in self.cw.get_paginator("describe_alarm_history").paginate(
                ScanBy="TimestampAscending", PaginationConfig={
                    "PageSize": 25}):
            seen += [i["Timestamp"] for i in page["AlarmHistoryItems"]]
        self.assertGreater(len(seen), 51)
        self.assertEqual(seen, sorted(seen))

    def test_aws_cli_get_metric_data(self):
        end = int(time.time())
        queries = os.path.join(self.sim.tmp, "queries.json")
        with open(queries, "w") as f:
            json.dump([q("m1", "Requests", period=300)], f)
        out = subprocess.run(
            ["aws", "cloudwatch", "get-metric-data",
             "--metric-data-queries", "file://" + queries,
             "--start-time", str(end - 3600), "--end-time", str(end),
             "--output", "json"],
            env=self.sim.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertEqual(r["MetricDataResults"][0]["Id"], "m1")
        self.assertGreaterEqual(len(r["MetricDataResults"][0]["Values"]), 11)
        out = subprocess.run(
            ["aws", "cloudwatch", "describe-alarms", "--state-value", "OK",
             "--alarm-name-prefix", "momentum-dev-", "--output", "json"],
            env=self.sim.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(json.loads(out.stdout)["MetricAlarms"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
