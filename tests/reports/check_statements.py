#!/usr/bin/python3
"""Checks a `modctl report --dsa` export on its own, without modctl's code:
every line of statements.jsonl is a JSON object with the attributes the DSA
Transparency Database requires, enum-like values of the right family,
dates as YYYY-MM-DD, BLOCK/FLAG consistent (removed + fully automated, or
disabled + partially), no text beyond the schema's limits; and the number of
statements equals the FLAG/BLOCK "decision" lines of the logs in the period,
counted here straight from the logs.

    check_statements.py STATEMENTS_JSONL FROM_DAY TO_DAY_EXCLUSIVE LOG...
"""
import json
import re
import sys

REQUIRED = ["decision_visibility", "decision_ground", "category", "content_type",
            "application_date", "decision_facts", "source_type", "automated_detection",
            "automated_decision", "puid"]
FAMILIES = {  # attribute: prefix of its values
    "decision_visibility": "DECISION_VISIBILITY_", "decision_ground": "DECISION_GROUND_",
    "category": "STATEMENT_CATEGORY_", "category_addition": "STATEMENT_CATEGORY_",
    "content_type": "CONTENT_TYPE_", "source_type": "SOURCE_",
    "automated_decision": "AUTOMATED_DECISION_",
}
LIMITS = {"illegal_content_legal_ground": 500, "illegal_content_explanation": 2000,
          "incompatible_content_ground": 500, "incompatible_content_explanation": 2000,
          "decision_facts": 5000, "puid": 500}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def problems(s):
    out = [f"{k}: missing" for k in REQUIRED if k not in s]
    for key, prefix in FAMILIES.items():
        values = s.get(key, [])
        for v in values if isinstance(values, list) else [values]:
            if not (isinstance(v, str) and v.startswith(prefix) and v.isupper()):
                out.append(f"{key}: {v!r} is no {prefix}* value")
    ground = s.get("decision_ground", "")
    needed = {"DECISION_GROUND_ILLEGAL_CONTENT": ["illegal_content_legal_ground", "illegal_content_explanation"],
              "DECISION_GROUND_INCOMPATIBLE_CONTENT": ["incompatible_content_ground", "incompatible_content_explanation"]}
    out += [f"{k}: missing for {ground}" for k in needed.get(ground, []) if not s.get(k)]
    out += [f"{k}: over {n}" for k, n in LIMITS.items() if len(s.get(k, "")) > n]
    out += [f"{k}: not YYYY-MM-DD" for k in ("content_date", "application_date")
            if k in s and not DAY.match(s[k])]
    if not isinstance(s.get("territorial_scope"), list) or not all(
            re.fullmatch(r"[A-Z]{2}", c) for c in s["territorial_scope"]):
        out.append("territorial_scope: not a list of country codes")
    if s.get("automated_detection") not in ("Yes", "No"):
        out.append("automated_detection: not Yes/No")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,500}", s.get("puid", "")):
        out.append("puid: outside [A-Za-z0-9_-]")
    pairs = {("DECISION_VISIBILITY_CONTENT_REMOVED", "AUTOMATED_DECISION_FULLY"),
             ("DECISION_VISIBILITY_CONTENT_DISABLED", "AUTOMATED_DECISION_PARTIALLY")}
    if (s.get("decision_visibility", [None])[0], s.get("automated_decision")) not in pairs:
        out.append("decision_visibility and automated_decision disagree")
    return out


def restrictions_in_logs(logs, start, end):
    n = 0
    for path in logs:
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if (d.get("type") == "decision" and d.get("decision") in ("FLAG", "BLOCK")
                        and start <= d["ts"][:10] < end):
                    n += 1
    return n


def main():
    path, start, end, logs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    count = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            found = problems(json.loads(line))
            if found:
                sys.exit(f"{path}:{number}: " + "; ".join(found))
            count += 1
    want = restrictions_in_logs(logs, start, end)
    if count != want:
        sys.exit(f"{path}: {count} statements, but the logs hold {want} restrictions in the period")
    print(f"check_statements: {count} statements valid, as many as the logs' restrictions")


if __name__ == "__main__":
    main()
