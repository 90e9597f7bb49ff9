"""Start momentum-sim for a test and talk to it with unmodified boto3.

    from simlib import Sim
    with Sim(speed=20, scenario="incident") as sim:
        ar = sim.client("apprunner")            # read-write key
        ro = sim.client("apprunner", ro=True)   # read-only key
        sim.log_lines()                         # parsed --request-log lines
        subprocess.run(["aws", ...], env=sim.env())

Sim() writes a temporary credentials file (one rw and one ro key pair),
runs `momentum-sim --port 0`, reads "PORT <n>" from the first line of its
stdout, and stop() (or leaving the with block) sends SIGTERM and waits.
The binary is $MOMENTUM_SIM_BIN (set by ctest).  Everything listens on
127.0.0.1 only.  Clients do not retry unless you pass retries=N.

When boto3 is missing the test fails under CI=true and is skipped (exit 0
with a message) otherwise; see need_boto3().
"""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RW_KEY = ("AKIASIMTESTRW0000001", "sim-test-rw-secret-0000000000000000000001")
RO_KEY = ("AKIASIMTESTRO0000001", "sim-test-ro-secret-0000000000000000000001")
REGION = "us-east-1"


def need_boto3():
    """Import boto3, or fail under CI=true, or skip the whole test."""
    try:
        import boto3  # noqa: F401
        import botocore  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        print("SKIP: boto3 is not installed")
        sys.exit(0)


def sim_bin():
    b = os.environ.get("MOMENTUM_SIM_BIN")
    if b:
        return b
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", "build", "momentum-sim")


class Sim:
    def __init__(self, *extra, speed=None, seed=None, scenario=None,
                 faults=(), request_log=True):
        self.tmp = tempfile.mkdtemp(prefix="momentum-sim-test-")
        self.creds = os.path.join(self.tmp, "credentials")
        with open(self.creds, "w") as f:
            f.write("# test keys\nrw %s %s\nro %s %s\n" % (RW_KEY + RO_KEY))
        self.log_path = os.path.join(self.tmp, "requests.jsonl") \
            if request_log else None
        self.stderr_path = os.path.join(self.tmp, "stderr")
        args = [sim_bin(), "--port", "0", "--credentials", self.creds]
        if speed is not None:
            args += ["--speed", str(speed)]
        if seed is not None:
            args += ["--seed", str(seed)]
        if scenario is not None:
            args += ["--scenario", scenario]
        for f in faults:
            args += ["--fault", f]
        if self.log_path:
            args += ["--request-log", self.log_path]
        args += list(extra)
        self.args = args
        self.proc = None
        self.port = None

    def start(self, timeout=15):
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=self._stderr)
        deadline = time.time() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.time()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("momentum-sim did not start: %r\n%s"
                                   % (line, self.stderr()))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                b = os.read(self.proc.stdout.fileno(), 1)
                if not b:
                    continue
                line += b
        parts = line.decode().split()
        assert parts[0] == "PORT", line
        self.port = int(parts[1])
        self.url = "http://127.0.0.1:%d" % self.port
        return self

    def stop(self, timeout=20):
        """SIGTERM, wait; returns the exit status (None if killed)."""
        rc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        elif self.proc is not None:
            rc = self.proc.returncode
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        if getattr(self, "_stderr", None):
            self._stderr.close()
            self._stderr = None
        self.returncode = rc
        return rc

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        rc = self.stop()
        err = self.stderr()
        self.cleanup()
        if exc[0] is None and rc != 0:
            raise AssertionError("momentum-sim exited %r:\n%s" % (rc, err))

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def keys(self, ro=False):
        return RO_KEY if ro else RW_KEY

    def client(self, service, ro=False, retries=0, creds=None, **config):
        """A boto3 client for service against the simulator."""
        import boto3
        import botocore.config
        cfg = botocore.config.Config(
            region_name=REGION,
            retries={"total_max_attempts": retries + 1, "mode": "standard"},
            connect_timeout=config.pop("connect_timeout", 5),
            read_timeout=config.pop("read_timeout", 30),
            **config)
        if creds is None:
            akid, secret = self.keys(ro)
            token = None
        else:
            akid, secret, token = creds
        return boto3.session.Session().client(
            service, endpoint_url=self.url, aws_access_key_id=akid,
            aws_secret_access_key=secret, aws_session_token=token,
            config=cfg)

    def env(self, ro=False):
        """Environment for the aws CLI (or the console) to reach the sim."""
        e = dict(os.environ)
        for k in list(e):
            if k.startswith("AWS_"):
                del e[k]
        akid, secret = self.keys(ro)
        e.update(AWS_ENDPOINT_URL=self.url, AWS_ACCESS_KEY_ID=akid,
                 AWS_SECRET_ACCESS_KEY=secret, AWS_REGION=REGION,
                 AWS_DEFAULT_REGION=REGION,
                 AWS_CONFIG_FILE=os.path.join(self.tmp, "none"),
                 AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.tmp, "none"))
        return e

    def log_lines(self):
        """The request log, one dict per request."""
        if not self.log_path or not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            return [json.loads(line) for line in f if line.strip()]


def wait_for(pred, timeout=20, step=0.1, what="condition"):
    """Poll pred() until it returns a true value; that value is returned."""
    deadline = time.time() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(step)
