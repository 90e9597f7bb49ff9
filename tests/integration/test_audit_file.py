"""The audit log is not a door: `momentum-console action` against momentum-sim
with a planted audit.log.

A symlinked audit.log (pointing at a file the attacker wants our records
appended to) and a FIFO must both refuse the action with "cannot write the
audit log" before any mutating request reaches the simulator, and leave the
link's target untouched.  A pre-existing 0644 log is made 0600, and the
recorded user is the password database's name for our uid, not $USER.
"""

import json
import os
import pwd
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simlib  # noqa: E402
from test_actions import ActionTest  # noqa: E402

simlib.need_boto3()


class AuditFileTest(ActionTest):

    def setUp(self):
        super().setUp()
        os.makedirs(os.path.join(self.state, "momentum"), mode=0o700)

    def pause_dev_api(self, user="mallory"):
        return self.console("--env", "dev", "--confirm", "yes", "--no-wait",
                            "pause", "api", env={"USER": user}, timeout=60)

    def assert_refused_nothing_sent(self, p):
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("cannot write the audit log", p.stderr)
        self.assertEqual(self.mutations(), [])

    def test_symlinked_audit_log__refused_target_untouched(self):
        target = os.path.join(self.tmp, "victim")
        with open(target, "w") as f:
            f.write("precious\n")
        os.symlink(target, self.audit)
        self.assert_refused_nothing_sent(self.pause_dev_api())
        with open(target) as f:
            self.assertEqual(f.read(), "precious\n")

    def test_fifo_audit_log__refused_without_hanging(self):
        os.mkfifo(self.audit, 0o600)
        self.assert_refused_nothing_sent(self.pause_dev_api())

    def test_0644_audit_log__made_0600_and_user_from_uid(self):
        with open(self.audit, "w"):
            pass
        os.chmod(self.audit, 0o644)
        p = self.pause_dev_api(user="mallory")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.stat(self.audit).st_mode & 0o777, 0o600)
        with open(self.audit) as f:
            recs = [json.loads(line) for line in f if line.strip()]
        self.assertTrue(recs)
        me = pwd.getpwuid(os.getuid()).pw_name
        self.assertEqual({r["user"] for r in recs}, {me})


if __name__ == "__main__":
    unittest.main()
