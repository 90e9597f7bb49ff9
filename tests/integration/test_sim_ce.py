"""momentum-sim Cost Explorer through boto3 and the aws CLI."""

import datetime
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simlib  # noqa: E402

simlib.need_boto3()
from botocore.exceptions import ClientError  # noqa: E402


def err(e):
    return e.response["Error"]["Code"]


def month_start(d, back=0):
    y, m = d.year, d.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return datetime.date(y, m, 1)


class CostExplorerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim(seed=3).start()
        cls.ce = cls.sim.client("ce")
        cls.raw = cls.sim.client("ce", parameter_validation=False)
        cls.today = datetime.datetime.now(datetime.timezone.utc).date()

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, text))

    def test_monthly_by_environment_within_seed_estimates(self):
        start = month_start(self.today, 1)
        end = month_start(self.today)
        r = self.ce.get_cost_and_usage(
            TimePeriod={"Start": str(start), "End": str(end)},
            Granularity="MONTHLY", Metrics=["UnblendedCost", "AmortizedCost"],
            GroupBy=[{"Type": "TAG", "Key": "Environment"}])
        self.assertEqual(r["GroupDefinitions"],
                         [{"Type": "TAG", "Key": "Environment"}])
        res = r["ResultsByTime"]
        self.assertEqual(len(res), 1)
        self.assertFalse(res[0]["Estimated"])
        cost = {g["Keys"][0]: float(g["Metrics"]["UnblendedCost"]["Amount"])
                for g in res[0]["Groups"]}
        self.assertEqual(res[0]["Groups"][0]["Metrics"]["UnblendedCost"][
            "Unit"], "USD")
        self.assertTrue(50 <= cost["Environment$dev"] <= 100, cost)
        self.assertTrue(200 <= cost["Environment$prod"] <= 300, cost)
        self.assertTrue(cost["Environment$dev"] < cost["Environment$staging"]
                        < cost["Environment$prod"])

    def test_daily_by_service_with_filter(self):
        start = self.today - datetime.timedelta(days=7)
        r = self.ce.get_cost_and_usage(
            TimePeriod={"Start": str(start), "End": str(self.today)},
            Granularity="DAILY", Metrics=["UnblendedCost"],
            GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
            Filter={"Tags": {"Key": "Environment", "Values": ["prod"]}})
        self.assertEqual(len(r["ResultsByTime"]), 7)
        names = {g["Keys"][0] for x in r["ResultsByTime"]
                 for g in x["Groups"]}
        for n in ("AWS App Runner", "Amazon Relational Database Service",
                  "Amazon ElastiCache", "Amazon CloudFront",
                  "Elastic Load Balancing",
                  "Amazon EC2 Container Registry (ECR)", "AmazonCloudWatch",
                  "Amazon Simple Storage Service"):
            self.assertIn(n, names)
        day = r["ResultsByTime"][0]
        self.assertEqual(day["TimePeriod"]["Start"], str(start))
        total = sum(float(g["Metrics"]["UnblendedCost"]["Amount"])
                    for g in day["Groups"])
        self.assertTrue(5 < total < 12, total)

    def test_pagination_of_long_daily_range(self):
        start = self.today - datetime.timedelta(days=150)
        days = 0
        pages = 0
        kw = {}
        while True:  # botocore has no paginator for CE: NextPageToken
            page = self.ce.get_cost_and_usage(
                TimePeriod={"Start": str(start), "End": str(self.today)},
                Granularity="DAILY", Metrics=["UnblendedCost"], **kw)
            pages += 1
            days += len(page["ResultsByTime"])
            if not page.get("NextPageToken"):
                break
            kw = {"NextPageToken": page["NextPageToken"]}
        self.assertEqual(days, 150)
        self.assertEqual(pages, 2)

    def test_forecast(self):
        end = month_start(self.today + datetime.timedelta(days=40))
        r = self.ce.get_cost_forecast(
            TimePeriod={"Start": str(self.today), "End": str(end)},
            Metric="UNBLENDED_COST", Granularity="MONTHLY",
            PredictionIntervalLevel=80)
        self.assertEqual(r["Total"]["Unit"], "USD")
        total = 0
        for f in r["ForecastResultsByTime"]:
            lo = float(f["PredictionIntervalLowerBound"])
            mean = float(f["MeanValue"])
            hi = float(f["PredictionIntervalUpperBound"])
            self.assertTrue(lo <= mean <= hi)
            total += mean
        self.assertAlmostEqual(total, float(r["Total"]["Amount"]), places=4)

    def test_errors(self):
        future = self.today + datetime.timedelta(days=10)
        with self.assertRaises(ClientError) as cm:
            self.ce.get_cost_and_usage(
                TimePeriod={"Start": str(future),
                            "End": str(future + datetime.timedelta(days=3))},
                Granularity="DAILY", Metrics=["UnblendedCost"])
        self.assertEqual(err(cm.exception), "DataUnavailableException")
        with self.assertRaises(ClientError) as cm:
            self.ce.get_cost_and_usage(
                TimePeriod={"Start": "2026-13-01", "End": "2026-14-01"},
                Granularity="DAILY", Metrics=["UnblendedCost"])
        self.assertEqual(err(cm.exception), "ValidationException")
        with self.assertRaises(ClientError) as cm:
            self.raw.get_cost_and_usage(
                TimePeriod={"Start": str(self.today - datetime.timedelta(3)),
                            "End": str(self.today)},
                Granularity="WEEKLY", Metrics=["UnblendedCost"])
        self.assertEqual(err(cm.exception), "ValidationException")
        with self.assertRaises(ClientError) as cm:
            self.ce.get_cost_forecast(
                TimePeriod={"Start": str(self.today - datetime.timedelta(9)),
                            "End": str(self.today)},
                Metric="UNBLENDED_COST", Granularity="DAILY")
        self.assertEqual(err(cm.exception), "ValidationException")

    def test_aws_cli_get_cost_and_usage(self):
        start = self.today - datetime.timedelta(days=3)
        out = subprocess.run(
            ["aws", "ce", "get-cost-and-usage", "--time-period",
             "Start=%s,End=%s" % (start, self.today), "--granularity",
             "DAILY", "--metrics", "UnblendedCost", "--output", "json"],
            env=self.sim.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertEqual(len(r["ResultsByTime"]), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
