#!/usr/bin/env python3
"""Many replicas, one service: moderationd replicas behind HAProxy under load.

Starts REPLICAS moderationd processes and an HAProxy (HTTP/2, active /readyz
checks) on loopback, and drives unary calls and streams through it without
pause (load.py: gRPC retry policy on UNAVAILABLE, keepalives, streams that
resend unanswered posts). Meanwhile, each round:

  1. kills one replica with SIGKILL and restarts it;
  2. rolls a rule change (a new version of spam.yaml) across the replicas
     one by one, each confirmed by asking that replica directly;
  3. drains one replica with SIGTERM (it must exit 0) and restarts it.

Then it stops the load and asserts:
  - zero lost posts: every unary call succeeded and every stream post got
    an answer (no post failed with an error);
  - every answer names the rule-set version that judged it, and it is a
    version the fleet actually served;
  - no post sent after a rollout completed was judged by an older version.

    /usr/bin/python3 tests/fleet/fleet_test.py --server build/server/moderationd \\
        --gen build/proto/python --rules rules [--rounds 1] [--phase-seconds 1]

--rounds 1 --phase-seconds 1 is the short form CI runs (scripts/test.sh);
tests/fleet/run.sh full runs the long form. Exits 0 on success, 1 on a
failed assertion, 2 on a setup error; prints a summary either way.
"""

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fleet as fleet_module  # noqa: E402
import load as load_module  # noqa: E402

ROLLOUT_FILE = "spam.yaml"


class Timeline:
    """The fleet events, in monotonic time, for the summary and the checks."""

    def __init__(self):
        self.start = time.monotonic()
        self.events = []
        self.rollouts = []  # (completed at, "spam@<version>")

    def note(self, what):
        now = time.monotonic()
        self.events.append((now, what))
        print("  %6.2fs  %s" % (now - self.start, what), flush=True)


def run_rounds(args, fleet, timeline, pb2, pb2_grpc):
    n = len(fleet.replicas)
    for r in range(args.rounds):
        victim = r % n
        time.sleep(args.phase_seconds)
        fleet.kill(victim)
        timeline.note("round %d: SIGKILL replica %d" % (r + 1, victim))
        time.sleep(args.phase_seconds / 2)
        fleet.restart(victim)
        timeline.note("round %d: replica %d restarted and ready" % (r + 1, victim))
        time.sleep(args.phase_seconds)
        version = "fleet-%d" % (r + 2)
        timeline.note("round %d: rolling out spam@%s, one replica at a time" % (r + 1, version))
        fleet.roll_out(ROLLOUT_FILE, version, pb2, pb2_grpc)
        timeline.rollouts.append((time.monotonic(), "spam@" + version))
        timeline.note("round %d: rollout of spam@%s complete on all replicas" % (r + 1, version))
        time.sleep(args.phase_seconds)
        drained = (victim + 1) % n
        timeline.note("round %d: SIGTERM replica %d (drain)" % (r + 1, drained))
        code = fleet.drain(drained)
        timeline.note("round %d: replica %d exited %s" % (r + 1, drained, code))
        if code != 0:
            raise AssertionError("replica %d exited %s on SIGTERM, not 0:\n%s"
                                 % (drained, code, fleet.replicas[drained].log()))
        fleet.restart(drained)
        timeline.note("round %d: replica %d restarted and ready" % (r + 1, drained))
    time.sleep(args.phase_seconds)


def spam_version(version):
    """'de@1,en@1,pii@1,spam@fleet-2' -> 'spam@fleet-2' (or None)."""
    for part in version.split(","):
        if part.startswith("spam@"):
            return part
    return None


def check(posts, timeline, initial):
    """Every failed assertion, as text; empty when all hold."""
    problems = []
    served = {initial} | {v for _, v in timeline.rollouts}
    lost = [p for p in posts.values() if not p.answers]
    if lost:
        reasons = collections.Counter(p.error or "no answer" for p in lost)
        problems.append("%d lost posts (no answer): %s" % (len(lost), dict(reasons.most_common(5))))
    errors = [p for p in posts.values() if p.answers and p.error]
    if errors:
        problems.append("%d posts answered and also failed: e.g. %s" % (len(errors), errors[0].error))
    unnamed = [p.post_id for p in posts.values() for _, v in p.answers if spam_version(v) is None]
    if unnamed:
        problems.append("%d answers name no spam rule-set version: e.g. %s" % (len(unnamed), unnamed[:3]))
    unknown = collections.Counter(spam_version(v) for p in posts.values() for _, v in p.answers
                                  if spam_version(v) not in served)
    if unknown:
        problems.append("answers from versions the fleet never served: %s" % dict(unknown))
    order = [initial] + [v for _, v in timeline.rollouts]
    for completed_at, version in timeline.rollouts:
        older = set(order[:order.index(version)])
        stale = [p.post_id for p in posts.values() if p.sent_at > completed_at
                 for _, v in p.answers if spam_version(v) in older]
        if stale:
            problems.append("%d posts sent after the rollout of %s completed were judged by an older "
                            "version: e.g. %s" % (len(stale), version, stale[:3]))
    return problems


def summarize(posts, load, timeline, elapsed):
    by_kind = collections.Counter(p.kind for p in posts.values())
    resent = sum(1 for p in posts.values() if p.sends > 1)
    versions = collections.Counter(spam_version(v) for p in posts.values() for _, v in p.answers)
    breaks = collections.Counter(code for code, _ in load.stream_breaks)
    print("fleet: %d posts in %.1f s (%d unary, %d on streams; %.0f posts/s)"
          % (len(posts), elapsed, by_kind["unary"], by_kind["stream"], len(posts) / max(elapsed, 1e-9)))
    print("fleet: answers by version: %s" % dict(sorted(versions.items(), key=lambda kv: str(kv[0]))))
    print("fleet: streams broken and resumed: %d %s; stream posts sent again: %d"
          % (len(load.stream_breaks), dict(breaks), resent))
    print("fleet: rollouts completed: %s" % ", ".join(v for _, v in timeline.rollouts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="moderationd binary")
    parser.add_argument("--gen", required=True, help="directory with the generated moderation/v1 modules")
    parser.add_argument("--rules", required=True, help="rules directory (each replica gets a copy)")
    parser.add_argument("--cache-dir", help="Hyperscan cache to share (default: a fresh one)")
    parser.add_argument("--haproxy", default="haproxy", help="HAProxy binary")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="kill/rollout/drain rounds")
    parser.add_argument("--phase-seconds", type=float, default=1.0, help="load between events")
    parser.add_argument("--unary-workers", type=int, default=4)
    parser.add_argument("--stream-workers", type=int, default=2)
    parser.add_argument("--no-retries", action="store_true",
                        help="clients without the retry policy (to see what it buys; expected to fail)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, configs)")
    args = parser.parse_args()

    sys.path.insert(0, args.gen)
    from moderation.v1 import moderation_pb2 as pb2  # noqa: E402
    from moderation.v1 import moderation_pb2_grpc as pb2_grpc  # noqa: E402

    work = tempfile.mkdtemp(prefix="fleet_")
    cache = args.cache_dir or os.path.join(work, "cache")
    os.makedirs(cache, exist_ok=True)
    # Every replica starts from the same known version of the rolled file.
    rules = os.path.join(work, "rules-source")
    shutil.copytree(args.rules, rules)
    fleet_module.set_version(os.path.join(rules, ROLLOUT_FILE), "fleet-1")
    fleet = fleet_module.Fleet(args.server, rules, work, cache, args.replicas, args.haproxy,
                               replica_flags=["--shutdown_grace=3s"])
    timeline = Timeline()
    load = None
    problems = []
    try:
        fleet.start()
        timeline.note("%d replicas ready behind HAProxy at %s" % (args.replicas, fleet.target))
        load = load_module.Load(fleet.target, pb2, args.unary_workers, args.stream_workers,
                                retries=not args.no_retries)
        load.start()
        timeline.note("load running: %d unary workers, %d streams" % (args.unary_workers, args.stream_workers))
        run_rounds(args, fleet, timeline, pb2, pb2_grpc)
        load.stop()
        timeline.note("load stopped")
        problems = check(load.posts, timeline, "spam@fleet-1")
        summarize(load.posts, load, timeline, timeline.events[-1][0] - timeline.events[1][0])
    except (RuntimeError, AssertionError, OSError) as error:
        problems.append("setup or fleet failure: %s" % error)
    finally:
        if load is not None and not load._stop.is_set():
            try:
                load.stop(timeout=10)
            except RuntimeError:
                pass
        codes = fleet.stop()
        if any(code != 0 for code in codes.values()):
            problems.append("replicas did not exit 0 at the end: %s" % codes)
        if args.keep or problems:
            print("fleet: logs and configs kept in %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for problem in problems:
        print("FAIL %s" % problem)
    print("fleet: FAILED, %d problem(s)" % len(problems) if problems
          else "fleet: ok: zero lost posts, every answer versioned, none stale")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
