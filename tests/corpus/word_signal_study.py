#!/usr/bin/python3
"""A study, not a rule: how much would a word-weight signal learned from the
dev split add to the default rules?

  word_signal_study.py [--modctl build/server/modctl/modctl] [--rules rules/]
      [--window W] [--top K] [--held-out FIRST-LAST] [--harmless FILE ...]
      [--show-words N]

Hand-written rules catch the wordings their authors think of; every unseen
batch since 2026-12-04 has shown the same gap (about one abusive post in
seven passes). This script measures the alternative before anyone builds it
into the engine: per language, every word of at least three letters (split
as the engine splits words, via scripts/train_signal.py) gets the log-odds
of appearing in an abusive rather than a civil dev post (words seen
in fewer than four dev posts get none), and a post scores the sum of its K
highest positive weights inside any window of W words (W = 0: the whole
post). A post scoring at least the threshold would be held for review (FLAG).

Reported, for thresholds 5 to 9, as aggregates only:
  - validation: how many abusive posts the rules miss and the signal would
    catch, and how many civil posts the rules allow and the signal would hold;
  - --held-out FIRST-LAST: the same for dev posts with ids in that range,
    with the model trained on the other dev posts (a batch written by other
    writers shows whether the weights carry over to new writers, and it may
    be read, unlike validation);
  - --harmless FILE: JSON lines with a "text" (fortunes, documentation), how
    many would be held if they were German (de) posts;
  - --extra-civil FILE: the same for the odd lines of FILE, with its even
    lines added to the training as civil German posts (does harmless prose
    in the training keep the signal off harmless prose?).
--show-words N prints the N heaviest words of each language: read them
before believing the figures, because a set written by a few writers gives
weight to their habits (first names, topics) as well as to abuse.

Validation posts are never printed. Pure standard library; run with
/usr/bin/python3.
"""

import argparse
import collections
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import evaluate  # noqa: E402  (run_scan)
import realistic_corpus as rc  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "scripts"))
# The engine's word split and window score (engine/signal.h), as the trainer
# reproduces them: a study of a signal the engine could not compute would
# measure something else.
import train_signal  # noqa: E402

MIN_POSTS = 4
THRESHOLDS = (5, 6, 7, 8, 9)


words = train_signal.words


def train(rows):
    """{lang: {word: log-odds abusive vs civil}} over the rows' posts."""
    model = {}
    for lang in sorted({r["lang"] for r in rows}):
        abusive, civil = collections.Counter(), collections.Counter()
        n_abusive = n_civil = 0
        for row in rows:
            if row["lang"] != lang:
                continue
            seen = set(words(row["text"]))
            if row["label"] == "abusive":
                abusive.update(seen)
                n_abusive += 1
            else:
                civil.update(seen)
                n_civil += 1
        weights = {}
        for w in set(abusive) | set(civil):
            if abusive[w] + civil[w] < MIN_POSTS:
                continue
            odds = (math.log((abusive[w] + 0.5) / (n_abusive + 1))
                    - math.log((civil[w] + 0.5) / (n_civil + 1)))
            if odds > 0:
                weights[w] = odds
        model[lang] = weights
    return model


def score(weights, text, window, top):
    """The highest sum of `top` distinct word weights inside `window` words
    (0: the whole post)."""
    ws = words(text)
    return train_signal.score_words(weights, ws, window or len(ws), top)


def gains(model, rows, decisions, window, top):
    """Per threshold: (abusive missed and caught, civil allowed and held)."""
    missed = [r for r in rows if r["label"] == "abusive" and decisions[r["id"]] == "ALLOW"]
    allowed = [r for r in rows if r["label"] == "civil" and decisions[r["id"]] == "ALLOW"]
    scored_missed = [score(model.get(r["lang"], {}), r["text"], window, top) for r in missed]
    scored_allowed = [score(model.get(r["lang"], {}), r["text"], window, top) for r in allowed]
    n_abusive = sum(r["label"] == "abusive" for r in rows)
    n_civil = len(rows) - n_abusive
    print("  %d abusive (%d missed by the rules), %d civil (%d held by the rules)"
          % (n_abusive, len(missed), n_civil, n_civil - len(allowed)))
    for t in THRESHOLDS:
        caught = sum(s >= t for s in scored_missed)
        held = sum(s >= t for s in scored_allowed)
        recall = 100.0 * (n_abusive - len(missed) + caught) / max(n_abusive, 1)
        civil = 100.0 * (n_civil - len(allowed) + held) / max(n_civil, 1)
        print("  threshold %d: +%d abusive caught (recall %.1f%%), +%d civil held (%.2f%%)"
              % (t, caught, recall, held, civil))


def read_texts(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def report_harmless(model, name, texts, args):
    scores = [score(model.get("de", {}), t, args.window, args.top) for t in texts]
    print("%s: %d texts, held at threshold %s" % (
        name, len(texts), ", ".join("%d: %d" % (t, sum(s >= t for s in scores))
                                    for t in THRESHOLDS)))


def parse_range(text):
    first, _, last = text.partition("-")
    return int(first), int(last)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--modctl", default=os.path.join(ROOT, "build/server/modctl/modctl"))
    p.add_argument("--rules", default=os.path.join(ROOT, "rules"))
    p.add_argument("--window", type=int, default=10, help="words per window, 0 = whole post")
    p.add_argument("--top", type=int, default=3, help="weights summed per window")
    p.add_argument("--held-out", type=parse_range, metavar="FIRST-LAST",
                   help="dev ids (numbers) left out of training and measured")
    p.add_argument("--harmless", nargs="*", default=[], metavar="FILE")
    p.add_argument("--extra-civil", metavar="FILE")
    p.add_argument("--show-words", type=int, default=0, metavar="N")
    args = p.parse_args(argv)

    data = rc.load()
    rows = data["dev"] + data["validation"]
    answers, code, _, stderr = evaluate.run_scan(args.modctl, args.rules, rows, 1200)
    decisions = {a.get("id"): a.get("decision", "ALLOW") for a in answers if "error" not in a}
    if code != 0 or len(decisions) != len(rows):
        print("modctl scan failed (exit %d): %s" % (code, stderr[-2000:]), file=sys.stderr)
        return 2

    print("model: log-odds per word over the dev split; score: top %d weights within %s"
          % (args.top, "%d words" % args.window if args.window else "the whole post"))
    extra_train, extra_test = [], []
    if args.extra_civil:
        texts = read_texts(args.extra_civil)
        extra_train = [{"text": t, "label": "civil", "lang": "de"} for t in texts[0::2]]
        extra_test = texts[1::2]
    model = train(data["dev"] + extra_train)
    print("validation (aggregates only):")
    gains(model, data["validation"], decisions, args.window, args.top)

    if args.held_out:
        first, last = args.held_out
        inside = [r for r in data["dev"] if first <= rc.id_number(r) <= last]
        outside = [r for r in data["dev"] if not first <= rc.id_number(r) <= last]
        print("dev ids %d-%d, model trained without them:" % (first, last))
        gains(train(outside + extra_train), inside, decisions, args.window, args.top)

    for path in args.harmless:
        report_harmless(model, os.path.basename(path), read_texts(path), args)
    if extra_test:
        report_harmless(model, os.path.basename(args.extra_civil) + " (odd lines, even ones trained)",
                        extra_test, args)

    for lang, weights in sorted(model.items()) if args.show_words else ():
        heaviest = sorted(weights.items(), key=lambda kv: -kv[1])[:args.show_words]
        print("%s: %s" % (lang, " ".join("%s:%.1f" % kv for kv in heaviest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
