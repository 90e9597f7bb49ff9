"""momentum-sim ECR and STS, driven by unmodified boto3."""

import hashlib
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


class EcrTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim(seed=3).start()
        cls.ecr = cls.sim.client("ecr")
        cls.raw = cls.sim.client("ecr", parameter_validation=False)

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, text))

    def test_describe_repositories(self):
        repos = self.ecr.describe_repositories()["repositories"]
        self.assertEqual([r["repositoryName"] for r in repos],
                         ["momentum/frontend", "momentum/api",
                          "momentum/worker"])
        r = repos[1]
        self.assertEqual(r["repositoryArn"],
                         "arn:aws:ecr:us-east-1:123456789012:repository/"
                         "momentum/api")
        self.assertEqual(r["repositoryUri"],
                         "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
                         "momentum/api")
        self.assertEqual(r["registryId"], "123456789012")
        self.assertEqual(r["imageTagMutability"], "MUTABLE")
        one = self.ecr.describe_repositories(
            repositoryNames=["momentum/worker"])["repositories"]
        self.assertEqual(len(one), 1)
        with self.assertRaises(ClientError) as cm:
            self.ecr.describe_repositories(repositoryNames=["nope/nope"])
        self.assertEqual(err(cm.exception), "RepositoryNotFoundException")
        p = self.ecr.describe_repositories(maxResults=2)
        self.assertEqual(len(p["repositories"]), 2)
        p2 = self.ecr.describe_repositories(maxResults=2,
                                            nextToken=p["nextToken"])
        self.assertEqual(len(p2["repositories"]), 1)
        self.assertNotIn("nextToken", p2)

    def test_describe_images_history_and_filters(self):
        imgs = self.ecr.describe_images(
            repositoryName="momentum/api")["imageDetails"]
        self.assertTrue(8 <= len(imgs) <= 13, len(imgs))
        pushed = [i["imagePushedAt"] for i in imgs]
        self.assertEqual(pushed, sorted(pushed, reverse=True))
        for i in imgs:
            self.assertRegex(i["imageDigest"], r"^sha256:[0-9a-f]{64}$")
            self.assertGreater(i["imageSizeInBytes"], 50 << 20)
            self.assertTrue(any(t.startswith("v1.") for t in i["imageTags"]))
            self.assertTrue(any(t.startswith("git-") for t in i["imageTags"]))
        # Weeks of history, none in the future.
        self.assertLess(pushed[0].timestamp(), time.time() + 60)
        self.assertGreater(pushed[0].timestamp() - pushed[-1].timestamp(),
                           14 * 86400)
        tag = imgs[3]["imageTags"][0]
        one = self.ecr.describe_images(
            repositoryName="momentum/api",
            imageIds=[{"imageTag": tag}])["imageDetails"]
        self.assertEqual(one[0]["imageDigest"], imgs[3]["imageDigest"])
        one = self.ecr.describe_images(
            repositoryName="momentum/api",
            imageIds=[{"imageDigest": imgs[4]["imageDigest"]}])[
            "imageDetails"]
        self.assertEqual(one[0]["imageTags"], imgs[4]["imageTags"])
        with self.assertRaises(ClientError) as cm:
            self.ecr.describe_images(repositoryName="momentum/api",
                                     imageIds=[{"imageTag": "v9.9.9"}])
        self.assertEqual(err(cm.exception), "ImageNotFoundException")
        with self.assertRaises(ClientError) as cm:
            self.ecr.describe_images(repositoryName="momentum/nope")
        self.assertEqual(err(cm.exception), "RepositoryNotFoundException")
        # Pagination with nextToken covers everything once.
        seen, tok = [], None
        while True:
            kw = {"repositoryName": "momentum/api", "maxResults": 3}
            if tok:
                kw["nextToken"] = tok
            r = self.ecr.describe_images(**kw)
            seen += [i["imageDigest"] for i in r["imageDetails"]]
            tok = r.get("nextToken")
            if not tok:
                break
        self.assertEqual(seen, [i["imageDigest"] for i in imgs])
        self.assertEqual(self.ecr.describe_images(
            repositoryName="momentum/api",
            filter={"tagStatus": "UNTAGGED"})["imageDetails"], [])
        with self.assertRaises(ClientError) as cm:
            self.raw.describe_images(repositoryName="momentum/api",
                                     maxResults=0)
        self.assertEqual(err(cm.exception), "InvalidParameterException")

    def test_batch_get_image_manifest_matches_digest(self):
        imgs = self.ecr.describe_images(
            repositoryName="momentum/frontend")["imageDetails"]
        r = self.ecr.batch_get_image(
            repositoryName="momentum/frontend",
            imageIds=[{"imageTag": imgs[0]["imageTags"][0]},
                      {"imageDigest": imgs[1]["imageDigest"]},
                      {"imageTag": "does-not-exist"}])
        self.assertEqual(len(r["images"]), 2)
        for im in r["images"]:
            m = im["imageManifest"]
            self.assertEqual("sha256:" + hashlib.sha256(m.encode())
                             .hexdigest(), im["imageId"]["imageDigest"])
            self.assertEqual(json.loads(m)["schemaVersion"], 2)
            self.assertEqual(im["imageManifestMediaType"],
                             "application/vnd.docker.distribution."
                             "manifest.v2+json")
        self.assertEqual(r["images"][0]["imageId"]["imageDigest"],
                         imgs[0]["imageDigest"])
        self.assertEqual(r["images"][0]["imageId"]["imageTag"],
                         imgs[0]["imageTags"][0])
        self.assertEqual(len(r["failures"]), 1)
        self.assertEqual(r["failures"][0]["failureCode"], "ImageNotFound")
        self.assertEqual(r["failures"][0]["imageId"]["imageTag"],
                         "does-not-exist")

    def test_put_image_retags_and_moves_tags(self):
        repo = "momentum/worker"
        imgs = self.ecr.describe_images(repositoryName=repo)["imageDetails"]
        a, b = imgs[1], imgs[2]
        ma = self.ecr.batch_get_image(
            repositoryName=repo, imageIds=[{"imageDigest": a["imageDigest"]}]
        )["images"][0]["imageManifest"]
        mb = self.ecr.batch_get_image(
            repositoryName=repo, imageIds=[{"imageDigest": b["imageDigest"]}]
        )["images"][0]["imageManifest"]
        r = self.ecr.put_image(repositoryName=repo, imageManifest=ma,
                               imageTag="prod-candidate")["image"]
        self.assertEqual(r["imageId"], {"imageDigest": a["imageDigest"],
                                        "imageTag": "prod-candidate"})
        self.assertEqual(r["imageManifest"], ma)
        with self.assertRaises(ClientError) as cm:
            self.ecr.put_image(repositoryName=repo, imageManifest=ma,
                               imageTag="prod-candidate")
        self.assertEqual(err(cm.exception), "ImageAlreadyExistsException")
        # Moving the tag to b removes it from a.
        self.ecr.put_image(repositoryName=repo, imageManifest=mb,
                           imageTag="prod-candidate",
                           imageDigest=b["imageDigest"])
        now = {i["imageDigest"]: i.get("imageTags", []) for i in
               self.ecr.describe_images(repositoryName=repo)["imageDetails"]}
        self.assertIn("prod-candidate", now[b["imageDigest"]])
        self.assertNotIn("prod-candidate", now[a["imageDigest"]])
        with self.assertRaises(ClientError) as cm:
            self.ecr.put_image(repositoryName=repo, imageManifest=mb,
                               imageTag="x", imageDigest=a["imageDigest"])
        self.assertEqual(err(cm.exception), "ImageDigestDoesNotMatchException")
        with self.assertRaises(ClientError) as cm:
            self.ecr.put_image(repositoryName=repo,
                               imageManifest='{"schemaVersion":2}',
                               imageTag="x")
        self.assertEqual(err(cm.exception), "LayersNotFoundException")
        ro = self.sim.client("ecr", ro=True)
        with self.assertRaises(ClientError) as cm:
            ro.put_image(repositoryName=repo, imageManifest=ma,
                         imageTag="ro-try")
        self.assertEqual(err(cm.exception), "AccessDeniedException")
        # The read-only key still reads.
        self.assertTrue(ro.describe_images(repositoryName=repo)[
            "imageDetails"])

    def test_aws_cli_describes_images(self):
        out = subprocess.run(
            ["aws", "ecr", "describe-images", "--repository-name",
             "momentum/api", "--output", "json"],
            env=self.sim.env(ro=True), capture_output=True, text=True,
            timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(json.loads(out.stdout)["imageDetails"])


class StsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = simlib.Sim(
            faults=["service=sts,creds_ttl=2"]).start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        text = cls.sim.stderr()
        cls.sim.cleanup()
        if rc != 0:
            raise AssertionError("momentum-sim exited %r\n%s" % (rc, text))

    def test_get_caller_identity(self):
        rw = self.sim.client("sts").get_caller_identity()
        self.assertEqual(rw["Account"], "123456789012")
        self.assertEqual(rw["Arn"],
                         "arn:aws:iam::123456789012:user/momentum-oncall")
        self.assertTrue(rw["UserId"].startswith("AIDA"))
        ro = self.sim.client("sts", ro=True).get_caller_identity()
        self.assertEqual(ro["Arn"],
                         "arn:aws:iam::123456789012:user/momentum-readonly")

    def test_assume_role_credentials_work_then_expire(self):
        sts = self.sim.client("sts")
        r = sts.assume_role(
            RoleArn="arn:aws:iam::123456789012:role/momentum-deployer",
            RoleSessionName="oncall-test")
        c = r["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(r["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::123456789012:assumed-role/"
                         "momentum-deployer/oncall-test")
        # creds_ttl=2 caps the default hour.
        left = c["Expiration"].timestamp() - time.time()
        self.assertLess(left, 10)
        creds = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        who = self.sim.client("sts", creds=creds).get_caller_identity()
        self.assertEqual(who["Arn"], r["AssumedRoleUser"]["Arn"])
        ar = self.sim.client("apprunner", creds=creds)
        self.assertEqual(len(ar.list_services()["ServiceSummaryList"]), 9)
        # Without the session token the key is not accepted.
        bare = self.sim.client("apprunner", creds=creds[:2] + (None,))
        with self.assertRaises(ClientError) as cm:
            bare.list_services()
        self.assertEqual(err(cm.exception), "UnrecognizedClientException")
        time.sleep(max(0, left) + 1.2)
        with self.assertRaises(ClientError) as cm:
            ar.list_services()
        self.assertEqual(err(cm.exception), "ExpiredTokenException")
        self.assertEqual(
            cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        with self.assertRaises(ClientError) as cm:
            self.sim.client("sts", creds=creds).get_caller_identity()
        self.assertEqual(err(cm.exception), "ExpiredToken")

    def test_assume_role_from_read_only_key_stays_read_only(self):
        r = self.sim.client("sts", ro=True).assume_role(
            RoleArn="arn:aws:iam::123456789012:role/momentum-viewer",
            RoleSessionName="viewer", DurationSeconds=900)
        c = r["Credentials"]
        creds = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        ar = self.sim.client("apprunner", creds=creds)
        arn = ar.list_services()["ServiceSummaryList"][0]["ServiceArn"]
        with self.assertRaises(ClientError) as cm:
            ar.pause_service(ServiceArn=arn)
        self.assertEqual(err(cm.exception), "AccessDeniedException")

    def test_assume_role_validation(self):
        raw = self.sim.client("sts", parameter_validation=False)
        with self.assertRaises(ClientError) as cm:
            raw.assume_role(
                RoleArn="arn:aws:iam::123456789012:role/momentum-deployer",
                RoleSessionName="s1", DurationSeconds=899)
        self.assertEqual(err(cm.exception), "ValidationError")
        with self.assertRaises(ClientError) as cm:
            raw.assume_role(
                RoleArn="arn:aws:iam::123456789012:role/momentum-deployer",
                RoleSessionName="bad name!")
        self.assertEqual(err(cm.exception), "ValidationError")
        with self.assertRaises(ClientError) as cm:
            raw.assume_role(RoleArn="arn:aws:iam::999999999999:role/other",
                            RoleSessionName="s1")
        self.assertEqual(err(cm.exception), "AccessDenied")

    def test_wrong_secret_is_signature_does_not_match(self):
        bad = self.sim.client("sts", creds=(simlib.RW_KEY[0], "wrong", None))
        with self.assertRaises(ClientError) as cm:
            bad.get_caller_identity()
        self.assertEqual(err(cm.exception), "SignatureDoesNotMatch")
        self.assertEqual(
            cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        unknown = self.sim.client(
            "sts", creds=("AKIAUNKNOWNUNKNOWN00", "x", None))
        with self.assertRaises(ClientError) as cm:
            unknown.get_caller_identity()
        self.assertEqual(err(cm.exception), "InvalidClientTokenId")


if __name__ == "__main__":
    unittest.main(verbosity=2)
