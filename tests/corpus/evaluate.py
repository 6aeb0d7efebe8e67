#!/usr/bin/python3
"""Runs a labelled corpus through `modctl scan` and reports quality per class.

  evaluate.py --modctl build/server/modctl/modctl --rules rules/ \\
              --corpus corpus.jsonl [--json summary.json] \\
              [--min-recall 0.9] [--max-fp 0.02]

The corpus is JSONL from generate_corpus.py ({"id", "text", "label", "class",
...}). Each row is sent to `modctl scan --rules DIR` on stdin as {"id", "text"};
modctl answers one JSON line per input, in order, with "id", "decision"
(ALLOW / FLAG / BLOCK), "score", "matches" and "shadow" (left out when
empty), "ruleset_version" (on the first line and where it changes), or with
"error".

A row counts as caught (abusive) or as a false positive (clean) when its
decision is FLAG or BLOCK. Rows answered with "error" are never caught and
never false positives; they are counted and listed separately.

Exit codes:
  0  evaluation ran (and, with thresholds, all of them were met)
  1  a threshold was missed: an abusive class's recall < --min-recall, a clean
     class's false-positive rate > --max-fp, or (with either threshold set)
     some row was answered with an error
  2  the evaluation could not run (bad arguments, modctl failed or crashed,
     answers missing or out of order)

Pure standard library; run with /usr/bin/python3.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata

MAX_LISTED = 10
DETECTED = ("FLAG", "BLOCK")


def visible(text, limit=160):
    """Escapes invisible and combining characters so a listed miss shows them."""
    out = []
    for c in text:
        cat = unicodedata.category(c)
        if cat in ("Cf", "Cc", "Mn", "Me", "Co", "Cn") or (
                cat.startswith("Z") and c != " "):
            out.append("<U+%04X>" % ord(c))
        else:
            out.append(c)
    s = "".join(out)
    return s if len(s) <= limit else s[:limit - 1] + "…"


def load_corpus(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit("evaluate: %s:%d: bad JSON: %s" % (path, n, e))
            for key in ("id", "text", "label", "class"):
                if key not in row:
                    raise SystemExit("evaluate: %s:%d: missing %r" % (path, n, key))
            if row["label"] not in ("abusive", "clean"):
                raise SystemExit("evaluate: %s:%d: label must be abusive or clean"
                                 % (path, n))
            rows.append(row)
    return rows


class EvalError(Exception):
    def __init__(self, msg, stderr=""):
        super().__init__(msg)
        self.stderr = stderr


def scan_input(row):
    """The modctl scan input line of a corpus row: its id and text only."""
    return {"id": row["id"], "text": row["text"]}


def run_scan(modctl, rules, rows, timeout, to_input=scan_input, extra_args=()):
    """Streams rows through modctl scan; returns (answers, rc, timings, stderr).

    to_input(row) builds the JSON object sent for a row; extra_args are added
    to the modctl scan command line (e.g. ["--community", "news-de"])."""
    cmd = [modctl, "scan", "--rules", rules] + list(extra_args)
    errf = tempfile.TemporaryFile()
    t_start = time.monotonic()
    try:
        # Own process group, so a timeout also ends anything modctl started.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=errf, start_new_session=True)
    except OSError as e:
        raise EvalError("cannot start %s: %s" % (" ".join(cmd), e))

    def feed():
        try:
            for row in rows:
                line = json.dumps(to_input(row), ensure_ascii=False) + "\n"
                proc.stdin.write(line.encode("utf-8"))
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # modctl died; reported below from its exit code / output

    killed = []

    def kill():
        killed.append(True)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()

    writer = threading.Thread(target=feed, daemon=True)
    watchdog = threading.Timer(timeout, kill)
    writer.start()
    watchdog.start()
    answers, t_first = [], None
    try:
        for raw in proc.stdout:
            if t_first is None:
                t_first = time.monotonic()
            raw = raw.strip()
            if not raw:
                continue
            try:
                answers.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                answers.append({"id": None, "error": "unparsable output: %s: %r"
                                % (e, raw[:200])})
        rc = proc.wait()
    finally:
        watchdog.cancel()
        writer.join(timeout=5)
        proc.stdout.close()
    t_end = time.monotonic()
    errf.seek(0)
    stderr = errf.read().decode("utf-8", "replace")
    errf.close()
    if killed:
        raise EvalError("modctl scan did not finish within %ds" % timeout, stderr)
    return answers, rc, (t_start, t_first, t_end), stderr


def scan_checked(modctl, rules, rows, timeout, extra_args=()):
    """run_scan and answer_problems together, for checks that need every answer.

    Returns (answers, []) or (None, problems); a problem list ends with the
    tail of modctl's stderr when it wrote any."""
    try:
        answers, rc, _, stderr = run_scan(modctl, rules, rows, timeout, extra_args=extra_args)
    except EvalError as e:
        return None, ["%s\n%s" % (e, e.stderr[-2000:])]
    problems = answer_problems(rows, answers, rc)
    if problems and stderr:
        problems.append("modctl stderr (tail):\n" + stderr[-2000:])
    return (None if problems else answers), problems


def above_share(tool, share, max_share, what):
    """Whether `share` (0..1) passes the --max-share ceiling `max_share`
    (None: no ceiling); if it does, says so on stderr as `tool`."""
    if max_share is None or share <= max_share:
        return False
    print("%s: %.2f %% %s, above the %.2f %% allowed" % (tool, 100 * share, what, 100 * max_share),
          file=sys.stderr)
    return True


def answer_problems(rows, answers, rc):
    """Why a scan's answers cannot be evaluated (empty list if they can).

    Exit status 0 and 1 are accepted as such: modctl scan exits 1 when the
    rules failed to load, and then the missing answers are the problem
    reported. Any other status, a missing answer or a reordered one is fatal."""
    problems = []
    if rc not in (0, 1):
        problems.append("modctl scan exited with status %d" % rc)
    if len(answers) != len(rows):
        problems.append("modctl scan answered %d of %d posts"
                        % (len(answers), len(rows)))
    else:
        for row, ans in zip(rows, answers):
            if ans.get("id") != row["id"] and "error" not in ans:
                problems.append("answer order broken: expected id %r, got %r"
                                % (row["id"], ans.get("id")))
                break
    return problems


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Evaluate modctl scan on a labelled corpus.",
        epilog="Exit codes: 0 ok, 1 a threshold missed, 2 evaluation failed.")
    p.add_argument("--modctl", required=True, help="path to the modctl binary")
    p.add_argument("--rules", required=True, help="rules directory for modctl scan")
    p.add_argument("--corpus", required=True, help="JSONL from generate_corpus.py")
    p.add_argument("--json", metavar="OUT", help="also write a JSON summary here")
    p.add_argument("--min-recall", type=float, metavar="X",
                   help="fail if any abusive class has recall below X (0..1)")
    p.add_argument("--max-fp", type=float, metavar="Y",
                   help="fail if any clean class has a false-positive rate above Y")
    p.add_argument("--timeout", type=int, default=900,
                   help="seconds before modctl scan is killed (default 900)")
    args = p.parse_args(argv)

    if not os.path.exists(args.modctl):
        print("evaluate: modctl not found at %s (build first: scripts/build.sh)"
              % args.modctl, file=sys.stderr)
        return 2
    rows = load_corpus(args.corpus)
    if not rows:
        print("evaluate: corpus %s is empty" % args.corpus, file=sys.stderr)
        return 2

    try:
        answers, rc, (t0, t1, t2), stderr = run_scan(
            args.modctl, args.rules, rows, args.timeout)
    except EvalError as e:
        print("evaluate: %s" % e, file=sys.stderr)
        if e.stderr:
            print("--- modctl stderr (tail) ---\n" + e.stderr[-4000:], file=sys.stderr)
        return 2

    problems = answer_problems(rows, answers, rc)
    if problems:
        for msg in problems:
            print("evaluate: " + msg, file=sys.stderr)
        if stderr:
            print("--- modctl stderr (tail) ---\n" + stderr[-4000:], file=sys.stderr)
        return 2

    # ---- per-class statistics
    classes = {}
    order = []
    for row, ans in zip(rows, answers):
        cls = row["class"]
        if cls not in classes:
            classes[cls] = {"label": row["label"], "n": 0, "ALLOW": 0, "FLAG": 0,
                            "BLOCK": 0, "error": 0, "wrong": [], "errors": []}
            order.append(cls)
        st = classes[cls]
        st["n"] += 1
        if "error" in ans:
            st["error"] += 1
            st["errors"].append((row, ans))
            detected = False
        else:
            decision = ans.get("decision")
            if decision not in ("ALLOW", "FLAG", "BLOCK"):
                st["error"] += 1
                st["errors"].append((row, {"error": "bad decision %r" % decision}))
                detected = False
            else:
                st[decision] += 1
                detected = decision in DETECTED
        if detected != (row["label"] == "abusive") and "error" not in ans:
            st["wrong"].append((row, ans))

    abusive = sorted((c for c in order if classes[c]["label"] == "abusive"),
                     key=lambda c: (c != "plain", c))
    clean = sorted(c for c in order if classes[c]["label"] == "clean")

    def rate(st):
        caught = st["FLAG"] + st["BLOCK"]
        return caught / st["n"] if st["n"] else 0.0

    # ---- table
    head = "%-22s %-7s %6s %6s %6s %6s %5s  %-10s %7s" % (
        "class", "label", "n", "ALLOW", "FLAG", "BLOCK", "err", "metric", "value")
    print(head)
    print("-" * len(head))
    failures = []
    totals = {"abusive": [0, 0, 0, 0, 0], "clean": [0, 0, 0, 0, 0]}
    for cls in abusive + clean:
        st = classes[cls]
        metric = "recall" if st["label"] == "abusive" else "FP rate"
        r = rate(st)
        for i, key in enumerate(("n", "ALLOW", "FLAG", "BLOCK", "error")):
            totals[st["label"]][i] += st[key]
        mark = ""
        if st["label"] == "abusive" and args.min_recall is not None and r < args.min_recall:
            mark = "  < %.3f FAIL" % args.min_recall
            failures.append("%s recall %.3f < %.3f" % (cls, r, args.min_recall))
        if st["label"] == "clean" and args.max_fp is not None and r > args.max_fp:
            mark = "  > %.3f FAIL" % args.max_fp
            failures.append("%s FP rate %.3f > %.3f" % (cls, r, args.max_fp))
        print("%-22s %-7s %6d %6d %6d %6d %5d  %-10s %6.1f%%%s" % (
            cls, st["label"], st["n"], st["ALLOW"], st["FLAG"], st["BLOCK"],
            st["error"], metric, 100 * r, mark))
    print("-" * len(head))
    for label, metric in (("abusive", "recall"), ("clean", "FP rate")):
        n, allow, flag, block, err = totals[label]
        if n:
            print("%-22s %-7s %6d %6d %6d %6d %5d  %-10s %6.1f%%" % (
                "ALL " + label, label, n, allow, flag, block, err, metric,
                100 * (flag + block) / n))

    # ---- misses and false positives
    for cls in abusive + clean:
        st = classes[cls]
        if st["wrong"]:
            kind = "misses" if st["label"] == "abusive" else "false positives"
            print("\n%s: %d %s%s" % (cls, len(st["wrong"]), kind,
                                     " (first %d)" % MAX_LISTED
                                     if len(st["wrong"]) > MAX_LISTED else ""))
            for row, ans in st["wrong"][:MAX_LISTED]:
                rules = ",".join(sorted({m.get("rule", "?")
                                         for m in ans.get("matches") or []}))
                extra = (" [%s score=%s rules=%s]" % (ans.get("decision"),
                                                     ans.get("score"), rules)
                         if st["label"] == "clean" else
                         " [%s]" % row.get("variant", ""))
                print("  %s %s%s" % (row["id"], visible(row["text"]), extra))
        if st["errors"]:
            print("\n%s: %d errors" % (cls, len(st["errors"])))
            for row, ans in st["errors"][:MAX_LISTED]:
                print("  %s %s -> %s" % (row["id"], visible(row["text"], 80),
                                         visible(str(ans.get("error")), 200)))

    n_errors = sum(classes[c]["error"] for c in order)
    thresholds = args.min_recall is not None or args.max_fp is not None
    if thresholds and n_errors:
        failures.append("%d posts answered with an error" % n_errors)

    # ---- speed
    total_s = t2 - t0
    steady_s = (t2 - t1) if t1 is not None else 0.0
    print("\nscan: %d posts in %.3f s wall (%.0f posts/s incl. start-up; "
          "%.0f posts/s after the first answer, start-up %.3f s)" % (
              len(rows), total_s, len(rows) / total_s if total_s > 0 else 0,
              (len(rows) - 1) / steady_s if steady_s > 0 else float("nan"),
              (t1 - t0) if t1 is not None else total_s))
    versions = sorted({str(a.get("ruleset_version")) for a in answers
                       if "ruleset_version" in a})
    if versions:
        print("rule set version(s): " + ", ".join(versions))

    if args.json:
        summary = {
            "corpus": args.corpus, "rules": args.rules, "posts": len(rows),
            "seconds": total_s, "startup_seconds": (t1 - t0) if t1 else None,
            "posts_per_second": len(rows) / total_s if total_s > 0 else None,
            "ruleset_versions": versions, "errors": n_errors,
            "thresholds": {"min_recall": args.min_recall, "max_fp": args.max_fp},
            "failures": failures,
            "classes": {
                c: {"label": classes[c]["label"], "n": classes[c]["n"],
                    "ALLOW": classes[c]["ALLOW"], "FLAG": classes[c]["FLAG"],
                    "BLOCK": classes[c]["BLOCK"], "error": classes[c]["error"],
                    ("recall" if classes[c]["label"] == "abusive" else "fp_rate"):
                        rate(classes[c]),
                    "wrong": [{"id": r["id"], "text": r["text"],
                               "variant": r.get("variant"),
                               "decision": a.get("decision"),
                               "rules": sorted({m.get("rule") for m in
                                                a.get("matches") or []})}
                              for r, a in classes[c]["wrong"]]}
                for c in order},
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)

    if failures:
        print("\nevaluate: FAILED: " + "; ".join(failures))
        return 1
    if thresholds:
        print("\nevaluate: all thresholds met (min recall %s, max FP rate %s)" % (
            args.min_recall, args.max_fp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
