#!/usr/bin/python3
"""Measures rules on the realistic labelled set (tests/corpus/realistic/).

  evaluate_realistic.py [--modctl build/server/modctl/modctl] [--rules rules/]
      [--split dev|validation|both] [--community ID] [--json OUT]
      [--min-recall X] [--min-category-recall X]
      [--max-civil-flagged Y] [--max-civil-blocked Y]

Each post of a split goes to `modctl scan --rules DIR` as {"id", "text",
"title"?, "author"?} (evaluate.run_scan). An abusive post counts as caught
when the decision is FLAG or BLOCK; a civil post counts as flagged when it is
FLAG or BLOCK and as blocked when it is BLOCK. A post answered with an error
is neither caught nor flagged; errors are counted and fail any floor.

Reported per split: recall overall, per category, per evasion and per
language; the share of civil posts flagged and blocked, overall, per
civil_kind and per language. For the dev split the missed abusive posts and
the flagged civil posts are listed (id, category or kind, decision, rules,
matched text, post), so a rule writer can work from them. The validation
split is reported in aggregates only, on screen and in the JSON file: its
posts are never printed, so rules are not written against it.

Floors (each applies to every split evaluated):
  --min-recall X            overall recall of abusive posts >= X
  --min-category-recall X   recall of every category present >= X; repeat it
                            as CATEGORY=X for one category's own floor
                            (--min-category-recall 0.9 --min-category-recall pii=0.8)
  --max-civil-flagged Y     share of civil posts flagged or blocked <= Y
  --max-civil-blocked Y     share of civil posts blocked <= Y
Values are fractions (0.95, not 95).

Exit codes: 0 evaluated (and every floor met), 1 a floor was missed or a post
was answered with an error while floors are set, 2 the evaluation could not
run (corpus invalid, modctl missing, crashed or answers missing).

Pure standard library; run with /usr/bin/python3.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import evaluate  # noqa: E402  (run_scan, answer_problems, visible)
import realistic_corpus as rc  # noqa: E402

DECISIONS = ("ALLOW", "FLAG", "BLOCK")
LISTED_SPLIT = "dev"  # the only split whose posts are ever printed


def scan_input(row):
    out = {"id": row["id"], "text": row["text"]}
    if "title" in row:
        out["title"] = row["title"]
    if "author" in row:
        out["author"] = row["author"]
    return out


def decision_of(answer):
    """ALLOW / FLAG / BLOCK, or None for an error or a malformed answer."""
    if "error" in answer:
        return None
    decision = answer.get("decision")
    return decision if decision in DECISIONS else None


def new_tally():
    return {"n": 0, "ALLOW": 0, "FLAG": 0, "BLOCK": 0, "error": 0}


def add(tally, decision):
    tally["n"] += 1
    tally[decision or "error"] += 1


def finish_abusive(tally):
    caught = tally["FLAG"] + tally["BLOCK"]
    tally["caught"] = caught
    tally["recall"] = caught / tally["n"] if tally["n"] else None
    return tally


def finish_civil(tally):
    flagged = tally["FLAG"] + tally["BLOCK"]
    tally["flagged"] = flagged
    tally["blocked"] = tally["BLOCK"]
    tally["flagged_share"] = flagged / tally["n"] if tally["n"] else None
    tally["blocked_share"] = tally["BLOCK"] / tally["n"] if tally["n"] else None
    return tally


def rules_of(answer):
    return sorted({m.get("rule", "?") for m in answer.get("matches") or []})


def matched_texts(answer):
    return [m.get("text", "") for m in answer.get("matches") or []]


def evaluate_rows(rows, answers):
    """Statistics of one split from its rows and modctl's answers (same order).

    Returns {"posts", "errors", "abusive": tally with by_category, by_evasion,
    by_lang, "civil": tally with by_kind, by_lang, "missed": [...],
    "flagged_civil": [...], "error_posts": [...]}.
    """
    abusive, civil = new_tally(), new_tally()
    by_cat, by_ev, ab_lang, by_kind, cv_lang = {}, {}, {}, {}, {}
    missed, flagged, error_posts = [], [], []
    for row, ans in zip(rows, answers):
        decision = decision_of(ans)
        if decision is None:
            error_posts.append({"id": row["id"],
                                "error": str(ans.get("error", "bad decision %r"
                                                     % ans.get("decision")))})
        if row["label"] == "abusive":
            for tally in (abusive, by_cat.setdefault(row["category"], new_tally()),
                          by_ev.setdefault(row["evasion"], new_tally()),
                          ab_lang.setdefault(row["lang"], new_tally())):
                add(tally, decision)
            if decision not in ("FLAG", "BLOCK"):
                missed.append({"id": row["id"], "category": row["category"],
                               "evasion": row["evasion"], "lang": row["lang"],
                               "decision": decision or "error", "rules": rules_of(ans),
                               "note": row["note"], "text": row["text"]})
        else:
            for tally in (civil, by_kind.setdefault(row["civil_kind"], new_tally()),
                          cv_lang.setdefault(row["lang"], new_tally())):
                add(tally, decision)
            if decision in ("FLAG", "BLOCK"):
                flagged.append({"id": row["id"], "civil_kind": row["civil_kind"],
                                "lang": row["lang"], "decision": decision,
                                "score": ans.get("score"), "rules": rules_of(ans),
                                "matched": matched_texts(ans), "text": row["text"]})
    finish_abusive(abusive)
    finish_civil(civil)
    abusive["by_category"] = {k: finish_abusive(by_cat[k]) for k in rc.CATEGORIES
                              if k in by_cat}
    abusive["by_evasion"] = {k: finish_abusive(by_ev[k]) for k in rc.EVASIONS if k in by_ev}
    abusive["by_lang"] = {k: finish_abusive(ab_lang[k]) for k in sorted(ab_lang)}
    civil["by_kind"] = {k: finish_civil(by_kind[k]) for k in rc.CIVIL_KINDS if k in by_kind}
    civil["by_lang"] = {k: finish_civil(cv_lang[k]) for k in sorted(cv_lang)}
    return {"posts": len(rows), "errors": len(error_posts), "abusive": abusive,
            "civil": civil, "missed": missed, "flagged_civil": flagged,
            "error_posts": error_posts}


def floor_failures(split, stats, floors):
    """Messages for every floor the split misses (aggregates only)."""
    out = []
    ab, cv = stats["abusive"], stats["civil"]
    if floors.get("min_recall") is not None and ab["n"] and ab["recall"] < floors["min_recall"]:
        out.append("%s: recall %.3f < %.3f" % (split, ab["recall"], floors["min_recall"]))
    for key, by in (("min_category_recall", "by_category"), ("min_evasion_recall", "by_evasion")):
        group_floors = floors.get(key) or {}
        for name, tally in ab[by].items():
            floor = group_floors.get(name, group_floors.get("*"))
            if floor is not None and tally["recall"] < floor:
                out.append("%s: %s recall %.3f < %.3f" % (split, name, tally["recall"], floor))
    if (floors.get("max_civil_flagged") is not None and cv["n"]
            and cv["flagged_share"] > floors["max_civil_flagged"]):
        out.append("%s: civil flagged or blocked %.3f > %.3f" % (
            split, cv["flagged_share"], floors["max_civil_flagged"]))
    if (floors.get("max_civil_blocked") is not None and cv["n"]
            and cv["blocked_share"] > floors["max_civil_blocked"]):
        out.append("%s: civil blocked %.3f > %.3f" % (
            split, cv["blocked_share"], floors["max_civil_blocked"]))
    if any(v not in (None, {}) for v in floors.values()) and stats["errors"]:
        out.append("%s: %d posts answered with an error" % (split, stats["errors"]))
    return out


def summary(stats, list_posts):
    """The JSON form of a split's statistics; posts only if list_posts."""
    out = {k: stats[k] for k in ("posts", "errors", "abusive", "civil")}
    if list_posts:
        for k in ("missed", "flagged_civil", "error_posts"):
            out[k] = stats[k]
    return out


def pct(x):
    return "   -  " if x is None else "%5.1f%%" % (100 * x)


def print_abusive_table(title, tallies):
    print("  %-14s %5s %6s %5s %6s %4s  %s" % (title, "n", "ALLOW", "FLAG", "BLOCK",
                                               "err", "recall"))
    for key, t in tallies.items():
        print("  %-14s %5d %6d %5d %6d %4d  %s" % (key, t["n"], t["ALLOW"], t["FLAG"],
                                                  t["BLOCK"], t["error"], pct(t["recall"])))


def print_civil_table(title, tallies):
    print("  %-14s %5s %6s %5s %6s %4s  %-8s %s" % (title, "n", "ALLOW", "FLAG", "BLOCK",
                                                    "err", "flagged", "blocked"))
    for key, t in tallies.items():
        print("  %-14s %5d %6d %5d %6d %4d  %-8s %s" % (
            key, t["n"], t["ALLOW"], t["FLAG"], t["BLOCK"], t["error"],
            pct(t["flagged_share"]), pct(t["blocked_share"])))


def print_split(split, stats, list_posts):
    ab, cv = stats["abusive"], stats["civil"]
    print("\n--- %s: %d posts (%d abusive, %d civil), %d errors" % (
        split, stats["posts"], ab["n"], cv["n"], stats["errors"]))
    print("abusive: recall %s (%d of %d caught)" % (pct(ab["recall"]), ab["caught"], ab["n"]))
    print_abusive_table("category", dict(ab["by_category"], ALL=ab))
    print_abusive_table("evasion", ab["by_evasion"])
    print_abusive_table("language", ab["by_lang"])
    print("civil: %s flagged or blocked, %s blocked (%d and %d of %d)" % (
        pct(cv["flagged_share"]), pct(cv["blocked_share"]), cv["flagged"], cv["blocked"],
        cv["n"]))
    print_civil_table("civil_kind", dict(cv["by_kind"], ALL=cv))
    print_civil_table("language", cv["by_lang"])
    if not list_posts:
        print("(%s: aggregates only; its posts are not listed)" % split)
        return
    print("\nmissed abusive posts (%d):" % len(stats["missed"]))
    for m in stats["missed"]:
        print("  %s %s/%s %s rules=%s | %s" % (
            m["id"], m["category"], m["evasion"], m["decision"],
            ",".join(m["rules"]) or "-", evaluate.visible(m["text"], 200)))
    print("\nflagged civil posts (%d):" % len(stats["flagged_civil"]))
    for f in stats["flagged_civil"]:
        print("  %s %s %s score=%s rules=%s matched=%s | %s" % (
            f["id"], f["civil_kind"], f["decision"], f["score"], ",".join(f["rules"]),
            json.dumps(f["matched"], ensure_ascii=False), evaluate.visible(f["text"], 200)))
    for e in stats["error_posts"]:
        print("  error: %s %s" % (e["id"], evaluate.visible(e["error"], 200)))


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Evaluate rules on the realistic labelled set.",
        epilog="Exit codes: 0 ok, 1 a floor missed, 2 evaluation failed.")
    p.add_argument("--modctl", default=os.path.join(ROOT, "build/server/modctl/modctl"),
                   help="modctl binary (default: %(default)s)")
    p.add_argument("--rules", default=os.path.join(ROOT, "rules"),
                   help="rules directory or file for modctl scan (default: %(default)s)")
    p.add_argument("--split", choices=("dev", "validation", "both"), default="both")
    p.add_argument("--dir", default=rc.DEFAULT_DIR,
                   help="directory of the dev and validation files (default: %(default)s)")
    p.add_argument("--community", help="community to judge the posts for (default: "
                   "none, i.e. the rule sets communities.yaml gives to `default`)")
    p.add_argument("--json", metavar="OUT", help="write the results as JSON here")
    p.add_argument("--timeout", type=int, default=600,
                   help="seconds before one modctl scan is killed (default %(default)s)")
    p.add_argument("--min-recall", type=float, metavar="X",
                   help="fail if the overall recall of abusive posts < X")
    p.add_argument("--min-category-recall", action="append", default=[],
                   metavar="[CATEGORY=]X", help="fail if the recall of any category "
                   "(or of CATEGORY) < X; repeatable")
    p.add_argument("--min-evasion-recall", action="append", default=[],
                   metavar="[EVASION=]X", help="fail if the recall of any evasion kind "
                   "(or of EVASION: %s) < X; repeatable" % ", ".join(rc.EVASIONS))
    for name, text in (("max-civil-flagged", "share of civil posts flagged or blocked"),
                       ("max-civil-blocked", "share of civil posts blocked")):
        p.add_argument("--" + name, type=float, metavar="Y", help="fail if %s > Y" % text)
    args = p.parse_args(argv)
    for name in ("min_recall", "max_civil_flagged", "max_civil_blocked"):
        value = getattr(args, name)
        if value is not None and not 0 <= value <= 1:
            p.error("--%s must be a fraction between 0 and 1, got %s"
                    % (name.replace("_", "-"), value))
    args.min_category_recall = parse_group_floors(
        p, "--min-category-recall", "category", rc.CATEGORIES, args.min_category_recall)
    args.min_evasion_recall = parse_group_floors(
        p, "--min-evasion-recall", "evasion", rc.EVASIONS, args.min_evasion_recall)
    return args


def parse_group_floors(parser, flag, kind, names, values):
    """["0.9", "pii=0.8"] -> {"*": 0.9, "pii": 0.8}; errors name the bad value."""
    out = {}
    for value in values:
        name, _, number = value.rpartition("=")
        name = name or "*"
        if name != "*" and name not in names:
            parser.error("%s %s: unknown %s %r (one of %s)"
                         % (flag, value, kind, name, ", ".join(names)))
        try:
            floor = float(number)
        except ValueError:
            floor = -1.0
        if not 0 <= floor <= 1:
            parser.error("%s %s: the floor must be a fraction between 0 and 1" % (flag, value))
        out[name] = floor
    return out


def main(argv=None):
    args = parse_args(argv)
    floors = {k: getattr(args, k) for k in ("min_recall", "min_category_recall",
                                            "min_evasion_recall", "max_civil_flagged",
                                            "max_civil_blocked")}
    splits = rc.SPLITS if args.split == "both" else (args.split,)
    try:
        loaded = rc.load(args.dir, splits)
    except rc.CorpusError as e:
        print("evaluate_realistic: " + str(e), file=sys.stderr)
        return 2
    if not os.path.exists(args.modctl):
        print("evaluate_realistic: modctl not found at %s (build it: BUILD_TARGETS=modctl "
              "bash scripts/build.sh)" % args.modctl, file=sys.stderr)
        return 2
    extra = ["--community", args.community] if args.community else []
    results, failures = {}, []
    print("rules %s, community %s" % (args.rules, args.community or "(default)"))
    for split in splits:
        rows = loaded[split]
        if not rows:
            print("evaluate_realistic: the %s split is empty" % split, file=sys.stderr)
            return 2
        try:
            answers, code, _, stderr = evaluate.run_scan(
                args.modctl, args.rules, rows, args.timeout, scan_input, extra)
        except evaluate.EvalError as e:
            print("evaluate_realistic: %s: %s\n%s" % (split, e, e.stderr[-4000:]),
                  file=sys.stderr)
            return 2
        problems = evaluate.answer_problems(rows, answers, code)
        if problems:
            for msg in problems:
                print("evaluate_realistic: %s: %s" % (split, msg), file=sys.stderr)
            if stderr:
                print("--- modctl stderr (tail) ---\n" + stderr[-4000:], file=sys.stderr)
            return 2
        stats = evaluate_rows(rows, answers)
        print_split(split, stats, split == LISTED_SPLIT)
        split_failures = floor_failures(split, stats, floors)
        failures += split_failures
        results[split] = dict(summary(stats, split == LISTED_SPLIT), failures=split_failures)
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump({"rules": args.rules, "community": args.community,
                           "floors": floors, "splits": results, "failures": failures},
                          f, ensure_ascii=False, indent=1)
        except OSError as e:
            print("evaluate_realistic: cannot write %s: %s" % (args.json, e.strerror),
                  file=sys.stderr)
            return 2
    if failures:
        print("\nevaluate_realistic: FAILED: " + "; ".join(failures))
        return 1
    if any(v not in (None, {}) for v in floors.values()):
        print("\nevaluate_realistic: all floors met (%s)" % ", ".join(
            "%s %s" % (k, v) for k, v in floors.items() if v not in (None, {})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
