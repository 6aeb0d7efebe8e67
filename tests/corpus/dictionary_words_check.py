#!/usr/bin/env python3
"""The default rules on whole dictionaries: every word alone as a post.

A word alone is the hardest case for the rules' aim checks (a one-word post
reads as aimed at someone), so a dictionary held this way shows every
harmless word the word lists and the skeleton's lossy steps can punish:
"deep" read as "Depp", "statuses" holding "Tusse". Real insults are
dictionary words too (Idiot, Arschloch, bastard) and are rightly held, so the
figure cannot fall to zero; the check holds it to a ceiling that is lowered
as the rules improve, and prints the held words by rule so that a new one
shows up in review.

Run: /usr/bin/python3 tests/corpus/dictionary_words_check.py --modctl build/server/modctl/modctl \\
         --rules rules/ --dictionary /usr/share/dict/american-english --max-held 183
Exit codes: 0 ok, 1 above --max-held, 2 the check could not run.
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate  # noqa: E402  (scan_checked)


def read_words(path):
    with open(path, encoding="utf-8") as f:
        return [w for w in (line.strip() for line in f) if w]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--modctl", required=True)
    p.add_argument("--rules", required=True)
    p.add_argument("--dictionary", required=True, help="one word per line (a /usr/share/dict list)")
    p.add_argument("--community", default=None,
                   help="community of the posts (default: the rules' default sets)")
    p.add_argument("--max-held", type=int, default=None,
                   help="fail if more than this many words are held (FLAG or BLOCK)")
    p.add_argument("--examples", type=int, default=8, help="held words printed per rule")
    args = p.parse_args()

    if not os.path.exists(args.dictionary):
        print("dictionary_words_check: %s is missing (scripts/install-deps.sh installs "
              "wngerman and wamerican)" % args.dictionary, file=sys.stderr)
        return 2
    words = read_words(args.dictionary)
    rows = [{"id": "w%06d" % i, "text": word} for i, word in enumerate(words)]
    extra = ["--community", args.community] if args.community else []
    answers, problems = evaluate.scan_checked(args.modctl, args.rules, rows, 900, extra)
    if problems:
        print("dictionary_words_check: %s" % "\n".join(problems), file=sys.stderr)
        return 2
    held = [a for a in answers if a["decision"] != "ALLOW"]
    by_rule = collections.defaultdict(list)
    for a in held:
        for rule in a.get("rules", []):
            by_rule[rule].append(words[int(a["id"][1:])])
    print("%s: %d of %d words held (%.3f %%; %d blocked)" % (
        os.path.basename(args.dictionary), len(held), len(words), 100 * len(held) / len(words),
        sum(a["decision"] == "BLOCK" for a in held)))
    for rule, hit in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        print("  %-36s %4d  %s" % (rule, len(hit), ", ".join(hit[:args.examples])))
    if args.max_held is not None and len(held) > args.max_held:
        print("dictionary_words_check: %d words held, above the %d allowed" % (
            len(held), args.max_held), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
