#!/usr/bin/env python3
"""The default rules on clean German prose: every entry of Debian's fortunes-de.

Issue 9's target: at most 0.5 % of fortunes-de held (FLAG or BLOCK) by the
default rules. The entries are those of generate_corpus.load_fortunes() (all
of fortunes-de, de-duplicated, without the few that hold one of the corpus's
own abusive stems), each judged as one post by `modctl scan`. Prints the
share held, the rules that held them, and a few examples.

Run: /usr/bin/python3 tests/corpus/fortunes_check.py --modctl build/server/modctl/modctl \\
         --rules rules/ --max-share 0.005
Exit codes: 0 ok, 1 above --max-share, 2 the check could not run.
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate  # noqa: E402  (scan_checked, above_share)
import generate_corpus  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--modctl", required=True)
    p.add_argument("--rules", required=True)
    p.add_argument("--max-share", type=float, default=None,
                   help="fail if more than this share (0..1) of the entries is held")
    p.add_argument("--examples", type=int, default=10)
    args = p.parse_args()

    if not generate_corpus.fortune_files():
        print("fortunes_check: no fortunes in %s (scripts/install-deps.sh installs "
              "fortunes-de)" % generate_corpus.FORTUNE_DIR, file=sys.stderr)
        return 2
    entries, _ = generate_corpus.load_fortunes()
    rows = [{"id": "f%05d" % i, "text": t} for i, t in enumerate(entries)]
    answers, problems = evaluate.scan_checked(args.modctl, args.rules, rows, 900, ["--verbose"])
    if problems:
        print("fortunes_check: %s" % "\n".join(problems), file=sys.stderr)
        return 2
    held = [a for a in answers if a["decision"] != "ALLOW"]
    by_rule = collections.Counter(r for a in held for r in a.get("rules", []))
    share = len(held) / len(entries)
    print("fortunes-de: %d of %d entries held (%.2f %%; %d blocked)" % (
        len(held), len(entries), 100 * share,
        sum(a["decision"] == "BLOCK" for a in held)))
    print("rules: " + ", ".join("%s %d" % kv for kv in by_rule.most_common(12)))
    for a in held[:args.examples]:
        text = entries[int(a["id"][1:])]
        print("  %s %s [%s] %s" % (a["id"], a["decision"], ",".join(a.get("rules", [])),
                                   text[:120]))
    return 1 if evaluate.above_share("fortunes_check", share, args.max_share, "held") else 0


if __name__ == "__main__":
    sys.exit(main())
