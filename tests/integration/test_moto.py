#!/usr/bin/env python3
"""momentum-console's AWS client core against moto_server.

moto is an independent AWS emulator.  With INITIAL_NO_AUTH_ACTION_COUNT
set it verifies SigV4 signatures and IAM permissions after the first N
requests, so these tests prove that our signing, credentials, STS and
error mapping work against code we did not write.  The first three
requests create an all-powerful IAM user; everything after that
(including the boto3 set-up) is signed and authorised.

Endpoints are set only through AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SVC>.
Fails (does not skip) under CI=true when moto or boto3 is missing.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import momentum_testlib as tl  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
READER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Resource": "*", "Action": [
        "logs:DescribeLogGroups", "logs:FilterLogEvents",
        "logs:GetLogEvents", "ecr:DescribeRepositories",
        "ecr:DescribeImages", "ecr:BatchGetImage",
        "cloudwatch:ListMetrics", "cloudwatch:GetMetricData"]}]}
ROLE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"],
     "Resource": "*"}]}
LOG_GROUP = "/aws/apprunner/momentum-api/0123abcd/application"
REPO = "momentum-api"


class MotoTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        tl.require(tl.have_module("moto") and tl.have_module("boto3"),
                   "moto and boto3 are not installed (pip install "
                   "'moto[server]' boto3)")
        tl.require(shutil.which("moto_server") or tl.have_module("flask"),
                   "moto_server is not installed")
        if not os.access(tl.console_bin(), os.X_OK):
            raise AssertionError(f"no console binary at {tl.console_bin()}")
        import boto3
        cls.boto3 = boto3
        cls.home = tempfile.mkdtemp(prefix="momentum-moto-home-")
        # Three unauthenticated actions to create the admin, then every
        # request must be signed by a known key and allowed by IAM.
        cls.server = tl.MotoServer(env={"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
        try:
            cls._set_up_account()
        except Exception:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
        shutil.rmtree(getattr(cls, "home", ""), ignore_errors=True)

    @classmethod
    def _client(cls, svc, key=None, secret=None, token=None):
        return cls.boto3.client(
            svc, endpoint_url=cls.server.url, region_name=REGION,
            aws_access_key_id=key or "AKIAUNAUTHENTICATED",
            aws_secret_access_key=secret or "unauthenticated",
            aws_session_token=token)

    @classmethod
    def _set_up_account(cls):
        iam = cls._client("iam")
        iam.create_user(UserName="admin")
        iam.put_user_policy(UserName="admin", PolicyName="all",
                            PolicyDocument=json.dumps(ADMIN_POLICY))
        k = iam.create_access_key(UserName="admin")["AccessKey"]
        cls.admin = (k["AccessKeyId"], k["SecretAccessKey"])

        # From here on moto checks signatures and permissions.
        iam = cls._client("iam", *cls.admin)
        iam.create_user(UserName="reader")
        iam.put_user_policy(UserName="reader", PolicyName="reads",
                            PolicyDocument=json.dumps(READER_POLICY))
        k = iam.create_access_key(UserName="reader")["AccessKey"]
        cls.reader = (k["AccessKeyId"], k["SecretAccessKey"])
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"}}]}
        iam.create_role(RoleName="momentum-readonly",
                        AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName="momentum-readonly",
                            PolicyName="logs-read",
                            PolicyDocument=json.dumps(ROLE_POLICY))
        cls.role_arn = f"arn:aws:iam::{ACCOUNT}:role/momentum-readonly"

        cls._client("logs", *cls.admin).create_log_group(
            logGroupName=LOG_GROUP)
        cls._client("ecr", *cls.admin).create_repository(
            repositoryName=REPO)
        cls.metric_time = int(time.time()) // 60 * 60
        cls._client("cloudwatch", *cls.admin).put_metric_data(
            Namespace="Momentum/Test", MetricData=[{
                "MetricName": "Requests", "Value": 5.0, "Unit": "Count",
                "Timestamp": cls.metric_time,
                "Dimensions": [{"Name": "ServiceName", "Value": "api"}]}])

        # Prove the switch is on: unknown keys are now refused.
        try:
            cls._client("logs").describe_log_groups()
        except Exception as e:  # botocore ClientError
            assert "InvalidClientTokenId" in str(e) or "403" in str(e), e
        else:
            raise AssertionError("moto is not enforcing authentication")

    # ---- helpers -------------------------------------------------------

    def env(self, creds=None, token=None, **extra):
        env = tl.clean_aws_env(self.home, {
            "AWS_REGION": REGION, "AWS_ENDPOINT_URL": self.server.url})
        if creds:
            env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = creds
        if token:
            env["AWS_SESSION_TOKEN"] = token
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def call(self, args, env, rc=0):
        p = tl.run_console(["aws"] + args, env)
        self.assertEqual(p.returncode, rc,
                         f"momentum-console aws {args}: rc {p.returncode}\n"
                         f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p

    def call_json(self, args, env):
        return json.loads(self.call(args, env).stdout)

    # ---- a correct call succeeds --------------------------------------

    def test_logs_describe_log_groups__admin__lists_group(self):
        out = self.call_json(["logs", "DescribeLogGroups", "{}"],
                             self.env(self.admin))
        names = [g["logGroupName"] for g in out["logGroups"]]
        self.assertIn(LOG_GROUP, names)

    def test_cloudwatch_metrics__json10_query_mode__data_back(self):
        env = self.env(self.admin)
        out = self.call_json(["cloudwatch", "ListMetrics",
                              '{"Namespace": "Momentum/Test"}'], env)
        self.assertEqual([m["MetricName"] for m in out["Metrics"]],
                         ["Requests"])
        req = {"MetricDataQueries": [{"Id": "r", "MetricStat": {
            "Metric": {"Namespace": "Momentum/Test",
                       "MetricName": "Requests",
                       "Dimensions": [{"Name": "ServiceName",
                                       "Value": "api"}]},
            "Period": 60, "Stat": "Sum"}}],
            "StartTime": self.metric_time - 600,
            "EndTime": self.metric_time + 600}
        out = self.call_json(["cloudwatch", "GetMetricData",
                              json.dumps(req)], env)
        self.assertEqual(out["MetricDataResults"][0]["Id"], "r")
        self.assertEqual(out["MetricDataResults"][0]["Values"], [5.0])

    def test_ecr_describe_repositories__service_env_only__found(self):
        # AWS_ENDPOINT_URL points nowhere; the ECR-specific variable wins.
        dead = f"http://127.0.0.1:{tl.free_port()}"
        env = self.env(self.admin, AWS_ENDPOINT_URL=dead,
                       AWS_ENDPOINT_URL_ECR=self.server.url)
        out = self.call_json(["ecr", "DescribeRepositories", "{}"], env)
        self.assertEqual([r["repositoryName"] for r in out["repositories"]],
                         [REPO])

    def test_request_from_file__at_syntax__used(self):
        path = os.path.join(self.home, "req.json")
        with open(path, "w") as f:
            json.dump({"logGroupNamePrefix": "/aws/apprunner/"}, f)
        out = self.call_json(["logs", "DescribeLogGroups", "@" + path],
                             self.env(self.admin))
        self.assertEqual([g["logGroupName"] for g in out["logGroups"]],
                         [LOG_GROUP])

    def test_sts_get_caller_identity__admin__json_answer(self):
        out = self.call_json(["sts", "GetCallerIdentity"],
                             self.env(self.admin))
        self.assertEqual(out["Account"], ACCOUNT)
        self.assertEqual(out["Arn"], f"arn:aws:iam::{ACCOUNT}:user/admin")
        self.assertTrue(out["UserId"])

    def test_secrets_in_answers__printed_redacted(self):
        # STS actions printed as XML, and ECR's Docker password.
        p = self.call(["sts", "GetFederationToken", '{"Name": "bob"}'],
                      self.env(self.admin))
        for field in ("SecretAccessKey", "SessionToken"):
            values = re.findall(r"<%s>([^<]*)</%s>" % (field, field),
                                p.stdout)
            self.assertTrue(values, p.stdout)
            self.assertEqual(set(values), {"[redacted]"}, p.stdout)
        self.assertIn("<AccessKeyId>", p.stdout)
        out = self.call_json(["ecr", "GetAuthorizationToken", "{}"],
                             self.env(self.admin))
        data = out["authorizationData"]
        self.assertTrue(data)
        for d in data:
            self.assertEqual(d["authorizationToken"], "[redacted]")
            self.assertTrue(d["proxyEndpoint"])

    # ---- wrong secret -------------------------------------------------

    def test_wrong_secret__signature_does_not_match__clear_error(self):
        env = self.env((self.admin[0], self.admin[1] + "x"))
        p = self.call(["logs", "DescribeLogGroups"], env, rc=1)
        self.assertEqual(p.stdout, "")
        self.assertRegex(p.stderr, r"^momentum-console: SignatureDoesNotMatch"
                         r": .*\(HTTP 40[03]")
        p = self.call(["sts", "GetCallerIdentity"], env, rc=1)
        self.assertIn("SignatureDoesNotMatch", p.stderr)
        self.assertNotIn(self.admin[1], p.stderr)

    def test_unknown_key__invalid_client_token__clear_error(self):
        p = self.call(["ecr", "DescribeRepositories"],
                      self.env(("AKIANOSUCHKEY0000000", "x" * 40)), rc=1)
        self.assertIn("momentum-console: ", p.stderr)
        self.assertIn("InvalidClientTokenId", p.stderr)

    # ---- session tokens and roles --------------------------------------

    def test_session_token__assumed_role_env__works_and_token_checked(self):
        sts = self._client("sts", *self.admin)
        c = sts.assume_role(RoleArn=self.role_arn,
                            RoleSessionName="env-test")["Credentials"]
        creds = (c["AccessKeyId"], c["SecretAccessKey"])
        env = self.env(creds, token=c["SessionToken"])
        out = self.call_json(["sts", "GetCallerIdentity"], env)
        self.assertEqual(out["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/"
                         "momentum-readonly/env-test")
        out = self.call_json(["logs", "DescribeLogGroups"], env)
        self.assertIn(LOG_GROUP, [g["logGroupName"] for g in out["logGroups"]])
        # The role may only read logs: ECR is denied for these credentials.
        p = self.call(["ecr", "DescribeRepositories"], env, rc=1)
        self.assertIn("AccessDenied", p.stderr)
        # Without the token (or with a wrong one) the same keys fail.
        p = self.call(["logs", "DescribeLogGroups"],
                      self.env(creds, token="wrong" + c["SessionToken"]),
                      rc=1)
        self.assertIn("momentum-console: ", p.stderr)

    def _write_profiles(self):
        with open(os.path.join(self.home, "aws-credentials"), "w") as f:
            f.write("[src]\n"
                    f"aws_access_key_id = {self.admin[0]}\n"
                    f"aws_secret_access_key = {self.admin[1]}\n")
        with open(os.path.join(self.home, "aws-config"), "w") as f:
            f.write("[profile src]\nregion = us-east-1\n\n"
                    "[profile ro]\n"
                    f"role_arn = {self.role_arn}\n"
                    "source_profile = src\n"
                    "role_session_name = momentum-profile\n"
                    "region = us-east-1\n")

    def test_assume_role_profile__role_arn_source_profile__works(self):
        self._write_profiles()
        env = self.env(AWS_REGION=None)
        out = self.call_json(["--profile", "ro", "sts", "GetCallerIdentity"],
                             env)
        self.assertEqual(out["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/"
                         "momentum-readonly/momentum-profile")
        out = self.call_json(["--profile", "ro", "logs",
                              "DescribeLogGroups"], env)
        self.assertIn(LOG_GROUP, [g["logGroupName"] for g in out["logGroups"]])
        # The assumed role, not the admin source, signs: ECR is denied.
        p = self.call(["--profile", "ro", "ecr", "DescribeRepositories"],
                      env, rc=1)
        self.assertIn("AccessDenied", p.stderr)
        # The source profile itself is the admin.
        out = self.call_json(["--profile", "src", "sts",
                              "GetCallerIdentity"], env)
        self.assertEqual(out["Arn"], f"arn:aws:iam::{ACCOUNT}:user/admin")

    # ---- IAM denies a mutation ----------------------------------------

    def test_reader__mutating_call__access_denied_surfaced(self):
        env = self.env(self.reader)
        out = self.call_json(["logs", "DescribeLogGroups"], env)
        self.assertIn(LOG_GROUP, [g["logGroupName"] for g in out["logGroups"]])
        p = self.call(["logs", "CreateLogGroup",
                       '{"logGroupName": "/momentum/reader-made-this"}'],
                      env, rc=1)
        self.assertRegex(p.stderr, r"^momentum-console: AccessDenied")
        self.assertIn("logs:CreateLogGroup", p.stderr)
        self.assertIn("(HTTP 4", p.stderr)
        p = self.call(["ecr", "PutImage", json.dumps({
            "repositoryName": REPO, "imageTag": "evil",
            "imageManifest": "{}"})], env, rc=1)
        self.assertIn("AccessDenied", p.stderr)
        groups = self._client("logs", *self.admin).describe_log_groups()
        self.assertNotIn("/momentum/reader-made-this",
                         [g["logGroupName"] for g in groups["logGroups"]])

    # ---- the read-only chokepoint --------------------------------------

    def test_read_only__mutating_call__refused_and_never_sent(self):
        env = self.env(self.admin)
        before = len(self.server.requests())
        p = self.call(["--read-only", "logs", "CreateLogGroup",
                       '{"logGroupName": "/momentum/read-only"}'], env, rc=3)
        self.assertEqual(p.stderr.strip(), "momentum-console: ReadOnlyMode: "
                         "read-only mode refused logs CreateLogGroup")
        p = self.call(["--read-only", "ecr", "PutImage", json.dumps({
            "repositoryName": REPO, "imageTag": "x", "imageManifest": "{}"})],
            env, rc=3)
        self.assertIn("read-only mode refused ecr PutImage", p.stderr)
        # A read goes through; the access log then holds exactly it.
        out = self.call_json(["--read-only", "logs", "DescribeLogGroups"],
                             env)
        self.assertNotIn("/momentum/read-only",
                         [g["logGroupName"] for g in out["logGroups"]])
        self.server.wait_requests(before + 1)
        time.sleep(0.5)
        after = self.server.requests()
        self.assertEqual(len(after), before + 1, "\n".join(after[before:]))

    # ---- bad input ------------------------------------------------------

    def test_unreachable_endpoint__names_endpoint(self):
        port = tl.free_port()
        env = self.env(self.admin,
                       AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
        p = self.call(["logs", "DescribeLogGroups"], env, rc=1)
        self.assertIn(f"cannot connect to http://127.0.0.1:{port}", p.stderr)

    def test_usage_errors__exit_2(self):
        env = self.env(self.admin)
        p = self.call(["nosuchservice", "Op"], env, rc=2)
        self.assertIn("unknown service: nosuchservice", p.stderr)
        p = self.call(["logs"], env, rc=2)
        p = self.call(["logs", "DescribeLogGroups", "[1,2]"], env, rc=2)
        self.assertIn("JSON object", p.stderr)
        p = self.call(["--help"], env, rc=0)
        self.assertIn("usage: momentum-console aws", p.stdout)


def _self_signed_cert(directory):
    """A certificate for IP 127.0.0.1 only (cryptography comes with moto)."""
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           critical=True)
            .sign(key, hashes.SHA256()))
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


class TlsTest(unittest.TestCase):
    """TLS is always verified; AWS_CA_BUNDLE adds a trusted CA."""

    @classmethod
    def setUpClass(cls):
        import http.server
        import ssl
        import threading
        tl.require(tl.have_module("cryptography"),
                   "python3 cryptography is not installed")
        if not os.access(tl.console_bin(), os.X_OK):
            raise AssertionError(f"no console binary at {tl.console_bin()}")
        cls.home = tempfile.mkdtemp(prefix="momentum-tls-")
        cls.cert, key = _self_signed_cert(cls.home)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                self.rfile.read(n)
                body = b'{"logGroups": [{"logGroupName": "tls-ok"}]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        cls.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cls.cert, key)
        cls.httpd.socket = ctx.wrap_socket(cls.httpd.socket, server_side=True)
        cls.port = cls.httpd.server_address[1]
        cls.thread = threading.Thread(target=cls.httpd.serve_forever,
                                      daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()
        shutil.rmtree(cls.home, ignore_errors=True)

    def run_logs(self, host, **extra):
        env = tl.clean_aws_env(self.home, {
            "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "AKIATLSTEST",
            "AWS_SECRET_ACCESS_KEY": "tls-test-secret",
            "AWS_ENDPOINT_URL": f"https://{host}:{self.port}"})
        env.update(extra)
        return tl.run_console(["aws", "logs", "DescribeLogGroups"], env)

    def test_self_signed__no_ca_bundle__refused_naming_endpoint(self):
        p = self.run_logs("127.0.0.1")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("momentum-console: TLSVerifyFailed: TLS failed talking to "
                      f"https://127.0.0.1:{self.port}", p.stderr)

    def test_ca_bundle__trusted__call_succeeds(self):
        p = self.run_logs("127.0.0.1", AWS_CA_BUNDLE=self.cert)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["logGroups"][0]["logGroupName"],
                         "tls-ok")

    def test_ca_bundle__wrong_host_name__refused(self):
        # The certificate names 127.0.0.1, not localhost: host checking is on.
        p = self.run_logs("localhost", AWS_CA_BUNDLE=self.cert)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("TLSVerifyFailed", p.stderr)


class ProxyTest(unittest.TestCase):
    """http_proxy from the environment is used (libcurl's own handling)."""

    def test_http_proxy__env__request_goes_through_proxy(self):
        import http.server
        import threading
        if not os.access(tl.console_bin(), os.X_OK):
            raise AssertionError(f"no console binary at {tl.console_bin()}")
        seen = []

        class Proxy(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                self.rfile.read(n)
                seen.append((self.requestline, self.headers.get("Host"),
                             self.headers.get("Authorization", "")))
                body = b'{"repositories": []}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        home = tempfile.mkdtemp(prefix="momentum-proxy-")
        try:
            env = tl.clean_aws_env(home, {
                "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "AKIAPROXYTEST",
                "AWS_SECRET_ACCESS_KEY": "proxy-test-secret",
                "AWS_ENDPOINT_URL_ECR": "http://ecr.momentum-test.invalid",
                "http_proxy":
                    f"http://127.0.0.1:{httpd.server_address[1]}"})
            # Plain HTTP to another machine only when asked for.
            p = tl.run_console(["aws", "ecr", "DescribeRepositories"], env)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("plain HTTP to another machine", p.stderr)
            self.assertIn("MOMENTUM_ALLOW_HTTP=1", p.stderr)
            self.assertEqual(seen, [])
            env["MOMENTUM_ALLOW_HTTP"] = "1"
            p = tl.run_console(["aws", "ecr", "DescribeRepositories"], env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(json.loads(p.stdout), {"repositories": []})
            self.assertEqual(len(seen), 1)
            line, host, auth = seen[0]
            self.assertEqual(line, "POST http://ecr.momentum-test.invalid/ "
                             "HTTP/1.1")
            self.assertEqual(host, "ecr.momentum-test.invalid")
            self.assertIn("/us-east-1/ecr/aws4_request", auth)
        finally:
            httpd.shutdown()
            httpd.server_close()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
