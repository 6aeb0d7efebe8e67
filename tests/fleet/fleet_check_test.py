#!/usr/bin/env python3
"""Unit tests of fleet_test.check(): the assertions of the multi-replica test
must fire on lost, unversioned, unknown and stale answers, and stay quiet on
a clean run. No servers involved.

    /usr/bin/python3 tests/fleet/fleet_check_test.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_test  # noqa: E402
from load import PostRecord  # noqa: E402

V1 = "de@1,en@1,pii@1,spam@fleet-1"
V2 = "de@1,en@1,pii@1,spam@fleet-2"


def post(post_id, sent_at, *answers, error=None):
    record = PostRecord(post_id, "unary")
    record.sent_at = sent_at
    record.sends = 1
    record.answers = [(sent_at + 0.001, v) for v in answers]
    record.error = error
    return record


def timeline(*rollouts):
    t = fleet_test.Timeline.__new__(fleet_test.Timeline)
    t.start, t.events, t.rollouts = 0.0, [], list(rollouts)
    return t


class CheckTest(unittest.TestCase):
    def check(self, *posts, rollouts=((10.0, "spam@fleet-2"),)):
        return fleet_test.check({p.post_id: p for p in posts}, timeline(*rollouts), "spam@fleet-1")

    def test_a_clean_run_passes(self):
        self.assertEqual(self.check(post("a", 1.0, V1), post("b", 9.0, V1), post("c", 11.0, V2)), [])

    def test_a_post_without_answer_is_lost(self):
        problems = self.check(post("a", 1.0, V1), post("b", 2.0, error="UNAVAILABLE: gone"))
        self.assertEqual(len(problems), 1)
        self.assertIn("1 lost posts", problems[0])
        self.assertIn("UNAVAILABLE: gone", problems[0])

    def test_an_answer_without_a_version_fails(self):
        problems = self.check(post("a", 1.0, ""))
        self.assertTrue(any("name no spam rule-set version" in p for p in problems), problems)

    def test_an_answer_from_a_version_never_served_fails(self):
        problems = self.check(post("a", 1.0, "de@1,spam@fleet-9"))
        self.assertTrue(any("never served" in p for p in problems), problems)

    def test_an_old_version_after_the_rollout_completed_is_stale(self):
        problems = self.check(post("a", 9.0, V1), post("b", 10.5, V1))
        self.assertEqual(len(problems), 1)
        self.assertIn("1 posts sent after the rollout of spam@fleet-2", problems[0])
        self.assertIn("'b'", problems[0])

    def test_a_post_sent_before_completion_may_see_either_version(self):
        self.assertEqual(self.check(post("a", 9.9, V1), post("b", 9.9, V2)), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
