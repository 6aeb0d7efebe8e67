#!/usr/bin/python3
"""Writes a deterministic fortnight of decision-log traffic (format v1, README.md
"The decision log") for trying `modctl report`: two replicas, three communities,
hourly counts as moderationd flushes them, and every FLAG/BLOCK in full.

    /usr/bin/python3 tests/reports/generate_decision_log.py --out build/reports-demo
    build/server/modctl/modctl report --period week --date 2026-11-23 --dsa \
        --out build/reports-demo/week build/reports-demo/r*.jsonl

The C++ test (server/modctl/report_test.cc) checks the report's figures against
its own generator; this script is for people.
"""
import argparse
import datetime as dt
import json
import os
import random

RULES = {  # rule: (category, action, legal ground, DSA category)
    "de.insult.common": ("insult", "score", "StGB §185 Beleidigung", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"),
    "de.threat.kill": ("threat", "block", "StGB §241 Bedrohung", "STATEMENT_CATEGORY_VIOLENCE"),
    "de.hate.group_pejorative": ("hate", "block", "StGB §130 Volksverhetzung", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"),
    "spam.links.farm": ("spam", "flag", "", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"),
    "pii.phone.international": ("pii", "flag", "", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"),
}
SHADOW = "spam.links.new_account"
COMMUNITIES = {"news-de": 14, "forum-de": 6, "gaming-en": 9}  # posts per busy hour
TERMS = "Netiquette: keine Beleidigungen, Drohungen, Hassrede, Spam, fremde Daten"


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def hit(rule):
    category, action, ground, dsa = RULES[rule]
    h = {"rule": rule, "ruleset": rule.split(".")[0], "category": category, "action": action}
    if action == "score":
        h["score"] = 5
    if ground:
        h["legal_ground"] = ground
    h["dsa"] = {"category": dsa, "terms_ground": TERMS, "territorial_scope": ["DE", "AT"]}
    h["spans"] = [{"field": "body", "start": 3, "end": 12}]
    return h


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="directory for r1.jsonl and r2.jsonl")
    parser.add_argument("--start", default="2026-11-16", help="first day (UTC); two weeks are written")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    start = dt.datetime.fromisoformat(args.start).replace(tzinfo=dt.timezone.utc)
    files = {r: open(os.path.join(args.out, r + ".jsonl"), "w") for r in ("r1", "r2")}
    n = 0
    for h in range(14 * 24):
        hour = start + dt.timedelta(hours=h)
        version = "de@2026-11-22.1,pii@2026-11-22.2,spam@2026-11-22.1" if h < 10 * 24 else \
            "de@2026-11-26.1,pii@2026-11-22.2,spam@2026-11-22.1"
        # The second week is rougher in news-de (a rising share of threats).
        rough = 2 if h >= 7 * 24 else 1
        counts = {}
        for community, busy in COMMUNITIES.items():
            posts = busy if 17 <= hour.hour <= 22 else busy // 2 if 8 <= hour.hour else 1
            for _ in range(posts):
                n += 1
                replica = "r1" if n % 2 else "r2"
                roll = rng.random()
                hits, decision = [], "ALLOW"
                if roll < 0.02 * (rough if community == "news-de" else 1):
                    decision, hits = "BLOCK", [hit("de.threat.kill")]
                elif roll < 0.05:
                    decision, hits = "BLOCK", [hit("de.hate.group_pejorative"), hit("de.insult.common")]
                elif roll < 0.10:
                    decision, hits = "FLAG", [hit("de.insult.common")]
                elif roll < 0.13:
                    decision, hits = "FLAG", [hit(rng.choice(["spam.links.farm", "pii.phone.international"]))]
                shadow = [SHADOW] if rng.random() < 0.03 else []
                key = (replica, community, decision)
                c = counts.setdefault(key, {"posts": 0, "categories": {}, "rules": {}, "shadow_rules": {}})
                c["posts"] += 1
                for cat in sorted({x["category"] for x in hits}):
                    c["categories"][cat] = c["categories"].get(cat, 0) + 1
                for x in hits:
                    c["rules"][x["rule"]] = c["rules"].get(x["rule"], 0) + 1
                for s in shadow:
                    c["shadow_rules"][s] = c["shadow_rules"].get(s, 0) + 1
                if decision != "ALLOW":
                    at = hour + dt.timedelta(seconds=rng.randrange(3600))
                    files[replica].write(json.dumps({
                        "v": 1, "type": "decision", "replica": replica, "ts": stamp(at),
                        "post_id": "p%d" % n, "community": community, "decision": decision,
                        "score": 5, "automated": True, "decision_ms": round(rng.uniform(0.03, 0.4), 3),
                        "ruleset_id": "de+pii+spam", "ruleset_version": version,
                        "ruleset_hash": "sha256:0", "categories": sorted({x["category"] for x in hits}),
                        "hits": hits, "shadow": [{"rule": s, "ruleset": "spam", "category": "spam", "spans": []}
                                                 for s in shadow]}, ensure_ascii=False) + "\n")
        for (replica, community, decision), c in sorted(counts.items()):
            files[replica].write(json.dumps({
                "v": 1, "type": "counts", "replica": replica, "hour": stamp(hour),
                "community": community, "decision": decision, "ruleset_id": "de+pii+spam",
                "ruleset_version": version, **c}, ensure_ascii=False) + "\n")
    for f in files.values():
        f.close()
    print("wrote %d decisions to %s/r1.jsonl and r2.jsonl" % (n, args.out))


if __name__ == "__main__":
    main()
