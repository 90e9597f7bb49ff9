"""No core dumps from momentum-console: RLIMIT_CORE 0 and non-dumpable.

The console holds credentials in memory (curl's copies of Authorization and
X-Amz-Security-Token, stdio buffers of ~/.aws/credentials), so main() sets
RLIMIT_CORE to 0 and, unless MOMENTUM_ALLOW_CORE is set, PR_SET_DUMPABLE 0.
A non-dumpable process hides /proc/PID/smaps (and io, mem, environ) even
from its own user; that is what this test looks at, from a process of the
same uid.  Under root both run as nobody (65534), since root reads /proc
whatever the flag says.

The console is held in `momentum-console aws sts GetCallerIdentity @-`,
which reads its request from stdin (a pipe the test keeps open): it never
reaches the network.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import momentum_testlib as tl  # noqa: E402

NOBODY = 65534


def drop_root():
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def core_limit(pid):
    """(soft, hard) of "Max core file size" in /proc/PID/limits."""
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max core file size"):
                return tuple(line[len("Max core file size"):].split()[:2])
    raise AssertionError("no core line in /proc/%d/limits" % pid)


def readable_by_same_user(path):
    """True when a process of the console's uid can read path."""
    pid = os.fork()
    if pid == 0:
        try:
            drop_root()
            with open(path, "rb") as f:
                f.read(64)
            os._exit(0)
        except PermissionError:
            os._exit(1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise AssertionError("reading %s failed oddly (%d)" % (path, code))
    return code == 0


class CoreDumpTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="momentum-core-test-")
        os.chmod(self.tmp, 0o755)
        # A copy nobody can run when we are root and the tree is private.
        self.bin = os.path.join(self.tmp, "momentum-console")
        shutil.copy(tl.console_bin(), self.bin)
        os.chmod(self.bin, 0o755)
        self.proc = None

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, allow_core):
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        # Start with cores allowed, so the console's own limit shows.
        self.marker = hard != 0

        def child():
            if hard != 0:
                resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
            drop_root()

        env = {"PATH": "/usr/bin:/bin", "HOME": self.tmp,
               "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE0000000001",
               "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
               "AWS_REGION": "us-east-1",
               "AWS_CONFIG_FILE": os.path.join(self.tmp, "none"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.tmp, "none")}
        if allow_core:
            env["MOMENTUM_ALLOW_CORE"] = "1"
        self.proc = subprocess.Popen(
            [self.bin, "aws", "--endpoint-url", "http://127.0.0.1:9",
             "sts", "GetCallerIdentity", "@-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=env, preexec_fn=child)
        pid = self.proc.pid
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("console exited early: %s"
                                     % self.proc.stderr.read().decode())
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                started = b"GetCallerIdentity" in f.read()
            if started and self.marker and core_limit(pid) == ("0", "0"):
                return pid          # main() has run its first lines
            if started and not self.marker:
                time.sleep(1)       # cannot see main(): give it time
                return pid
            time.sleep(0.02)
        raise AssertionError("console never set RLIMIT_CORE to 0 (limits: "
                             "%r)" % (core_limit(pid),))

    def test_default__no_core_and_not_dumpable(self):
        pid = self.start(allow_core=False)
        self.assertEqual(core_limit(pid), ("0", "0"))
        self.assertFalse(readable_by_same_user("/proc/%d/smaps_rollup" % pid),
                         "console is still dumpable")
        self.assertFalse(readable_by_same_user("/proc/%d/environ" % pid))
        # status (VmRSS) stays readable either way.
        self.assertTrue(readable_by_same_user("/proc/%d/status" % pid))

    def test_allow_core__dumpable_for_proc_readers_core_still_off(self):
        pid = self.start(allow_core=True)
        self.assertEqual(core_limit(pid), ("0", "0"))
        self.assertTrue(readable_by_same_user("/proc/%d/smaps_rollup" % pid),
                        "MOMENTUM_ALLOW_CORE=1 must keep smaps readable")


if __name__ == "__main__":
    unittest.main()
