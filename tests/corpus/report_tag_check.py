#!/usr/bin/env python3
"""Report words as an evasion: abusive posts with a report sentence added.

A veto for reports ("Der Angeklagte schrieb: ich bring dich um") must not
excuse an abusive post because a report word was added as a sentence of its
own ("Juden ins Gas. Polizeibericht.") or set before it as a label
("Polizeibericht: Juden ins Gas"). Those were the cheapest ways around every
rule with such a veto (rules/README.md, "Report words veto only in the hit's
sentence"). This check takes every abusive post of the realistic dev split
that the rules hold, except spam (a spam warning may stand in a sentence of
its own, so its warning words keep their reach), adds each tag below after
it and before it as a separate sentence and each label before it, and
counts the posts that the tag lets through (ALLOW).

Run: /usr/bin/python3 tests/corpus/report_tag_check.py --modctl build/server/modctl/modctl \\
         --rules rules/ --max-share 0.01
Exit codes: 0 ok, 1 above --max-share, 2 the check could not run.
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate  # noqa: E402  (scan_checked, above_share)
import realistic_corpus  # noqa: E402

# Whole sentences of court, police and news reports, German and English.
TAGS = [
    "Polizeibericht.",
    "Staatsanwaltschaft ermittelt.",
    "Der Angeklagte wurde verurteilt.",
    "Anzeige wegen Beleidigung.",
    "Das Gericht hat entschieden.",
    "Ermittlungen laufen.",
    "Aus der Urteilsbegründung.",
    "Pressemitteilung der Polizei.",
    "Thema im Geschichtsunterricht.",
    "Laut einer Studie.",
    "The court heard.",
    "He was sentenced.",
    "According to the police.",
    "Police report.",
]
# Report words as labels before a colon.
LABELS = ["Polizeibericht:", "Pressemitteilung:", "Polizeimeldung:"]


def with_tag(text, tag, after):
    text = text.strip()
    if after:
        return text + ("" if text[-1:] in ".!?" else ".") + " " + tag
    return tag + " " + text


def scan(args, rows, timeout):
    """modctl scan's answers to rows, or None after saying on stderr why not."""
    answers, problems = evaluate.scan_checked(args.modctl, args.rules, rows, timeout)
    if problems:
        print("report_tag_check: %s" % "\n".join(problems), file=sys.stderr)
    return answers


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--modctl", required=True)
    p.add_argument("--rules", required=True)
    p.add_argument("--max-share", type=float, default=None,
                   help="fail if more than this share (0..1) of the tagged posts is let through")
    p.add_argument("--examples", type=int, default=8)
    args = p.parse_args()

    try:
        posts = [r for r in realistic_corpus.load(splits=["dev"])["dev"]
                 if r["label"] == "abusive" and r["category"] != "spam"]
    except realistic_corpus.CorpusError as e:
        print("report_tag_check: %s" % e, file=sys.stderr)
        return 2
    rows = [{"id": r["id"], "text": r["text"]} for r in posts]
    answers = scan(args, rows, 900)
    if answers is None:
        return 2
    held = [r for r, a in zip(rows, answers) if a["decision"] != "ALLOW"]
    tagged = []
    for r in held:
        for k, tag in enumerate(TAGS):
            for after in (True, False):
                tagged.append({"id": "%s|%d|%s" % (r["id"], k, "after" if after else "before"),
                               "text": with_tag(r["text"], tag, after)})
        for k, label in enumerate(LABELS):
            tagged.append({"id": "%s|%d|label" % (r["id"], len(TAGS) + k),
                           "text": label + " " + r["text"].strip()})
    answers = scan(args, tagged, 1800)
    if answers is None:
        return 2
    through = [t for t, a in zip(tagged, answers) if a["decision"] == "ALLOW"]
    by_tag = collections.Counter((TAGS + LABELS)[int(t["id"].split("|")[1])] for t in through)
    by_side = collections.Counter(t["id"].split("|")[2] for t in through)
    share = len(through) / len(tagged) if tagged else 0.0
    print("report tags: %d of %d tagged posts let through (%.2f %%; after %d, before %d, "
          "label %d), from %d held abusive dev posts" % (
              len(through), len(tagged), 100 * share, by_side["after"], by_side["before"],
              by_side["label"], len(held)))
    print("tags: " + ", ".join("%s %d" % kv for kv in by_tag.most_common()))
    for t in through[:args.examples]:
        print("  %s %s" % (t["id"], t["text"][:140]))
    return 1 if evaluate.above_share("report_tag_check", share, args.max_share,
                                     "let through") else 0


if __name__ == "__main__":
    sys.exit(main())
