"""Shared helpers for momentum-console integration tests.

Free loopback ports, moto_server started and stopped with timeouts, and the
console binary run with a clean, isolated AWS environment.  Generic on
purpose: other integration tests import it.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request


def in_ci():
    """True when CI=true: missing dependencies are failures, not skips."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition, what):
    """Skip the test (or fail it under CI=true) when condition is false."""
    if condition:
        return
    if in_ci():
        raise AssertionError(f"{what} (required when CI=true)")
    raise unittest.SkipTest(what)


def have_module(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source_dir():
    return os.environ.get(
        "MOMENTUM_SOURCE_DIR",
        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


def console_bin():
    """Path of momentum-console: $MOMENTUM_CONSOLE_BIN, else build/."""
    path = os.environ.get("MOMENTUM_CONSOLE_BIN")
    if not path:
        path = os.path.join(source_dir(), "build", "momentum-console")
    if not os.path.exists(path):
        raise AssertionError("momentum-console binary not found: " + path)
    return path


def clean_aws_env(home, extra=None):
    """An environment without the caller's AWS settings: config files in
    home (which need not exist), no instance metadata, no proxies."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in (
               "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
               "all_proxy", "ALL_PROXY", "MOMENTUM_DEBUG")}
    env["HOME"] = home
    env["AWS_CONFIG_FILE"] = os.path.join(home, "aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(home, "aws-credentials")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    if extra:
        env.update(extra)
    return env


def run_console(args, env, timeout=60, stdin=None):
    """Run momentum-console with args; returns CompletedProcess (text).
    A sanitizer report on stderr fails the test whatever the exit status."""
    p = subprocess.run([console_bin()] + list(args), env=env,
                       input=stdin, capture_output=True, text=True,
                       timeout=timeout)
    check_sanitizers(p.stderr, args)
    return p


def check_sanitizers(stderr, what=""):
    """Raise when ASan/UBSan/LSan wrote a report."""
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "ThreadSanitizer"):
        if marker in stderr:
            raise AssertionError(f"sanitizer report running {what}:\n"
                                 + stderr)


class MotoServer:
    """moto_server on 127.0.0.1:<free port>, its access log in a file.

    env: extra environment for the server (e.g. INITIAL_NO_AUTH_ACTION_COUNT).
    """

    def __init__(self, env=None, start_timeout=30):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="momentum-moto-")
        self.log_path = os.path.join(self.dir, "moto.log")
        self._log = open(self.log_path, "w")
        senv = dict(os.environ)
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            senv.pop(k, None)
        senv.update(env or {})
        exe = shutil.which("moto_server")
        cmd = ([exe] if exe else [sys.executable, "-m", "moto.server"]) + [
            "-H", "127.0.0.1", "-p", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=senv)
        deadline = time.monotonic() + start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("moto_server exited:\n" + self.log())
            try:
                with urllib.request.urlopen(self.url + "/moto-api/",
                                            timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("moto_server did not start in time")
            time.sleep(0.2)

    def log(self):
        self._log.flush()
        with open(self.log_path) as f:
            return f.read()

    def requests(self):
        """Access-log lines of requests moto received (not /moto-api/)."""
        return [line for line in self.log().splitlines()
                if '"POST ' in line or '"GET ' in line or '"PUT ' in line
                if "/moto-api/" not in line]

    def wait_requests(self, n, timeout=10):
        """Wait until at least n requests are in the log; return them."""
        deadline = time.monotonic() + timeout
        while True:
            reqs = self.requests()
            if len(reqs) >= n or time.monotonic() > deadline:
                return reqs
            time.sleep(0.05)

    def post(self, path, data):
        req = urllib.request.Request(self.url + path, data=data.encode(),
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read().decode()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
