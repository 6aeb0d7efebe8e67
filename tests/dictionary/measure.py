#!/usr/bin/env python3
"""Dictionary false positives: a public word list against a whole dictionary.

Builds one rule from a third-party word list (LDNOOBW, the npm package
`naughty-words`, pinned in package-lock.json), runs every word of Debian's
dictionary (wngerman, wamerican) through `modctl scan` as its own post, and
reports the share of dictionary words the rule flags, per match mode, with
and without the rule set's `lexicon:`. Terms the engine refuses as unsafe
(too short after normalisation) are dropped and counted.

  /usr/bin/python3 tests/dictionary/measure.py --modctl build/server/modctl/modctl \\
      --check de-compound-lexicon=0.0005 --check en-compound-lexicon=0.002

Exit 0 if every --check holds, 1 if one does not, 2 on setup errors.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DICTIONARIES = {"de": "/usr/share/dict/ngerman", "en": "/usr/share/dict/american-english"}
DIAGNOSTIC = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")


def load_list(lang):
    path = os.path.join(HERE, "node_modules", "naughty-words", lang + ".json")
    with open(path, encoding="utf-8") as f:
        return sorted(set(t.strip() for t in json.load(f) if t.strip()))


def rule_file(terms, mode, lexicon, lang):
    lines = ["ruleset: ldnoobw-%s" % lang, 'version: "1"']
    if lexicon:
        lines.append("lexicon: %s" % lang)
    lines += ["rules:", "  - id: list", "    category: insult", "    match: %s" % mode,
              "    action: flag", "    words:"]
    first_term_line = len(lines) + 1
    lines += ["      - %s" % json.dumps(t, ensure_ascii=False) for t in terms]
    return "\n".join(lines) + "\n", first_term_line


def usable_terms(modctl, terms, mode, lexicon, lang, workdir):
    """Drops the terms `modctl validate` reports; returns (terms, dropped)."""
    dropped = []
    for _ in range(3):
        text, first = rule_file(terms, mode, lexicon, lang)
        path = os.path.join(workdir, "list.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        run = subprocess.run([modctl, "validate", path], capture_output=True, text=True)
        if run.returncode == 0:
            return terms, dropped
        bad = set()
        for line in run.stderr.splitlines():
            m = DIAGNOSTIC.match(line)
            if m and int(m.group("line")) >= first:
                bad.add(int(m.group("line")) - first)
        if not bad:
            sys.exit("measure: the generated rule file does not load:\n" + run.stderr)
        dropped += [terms[i] for i in sorted(bad)]
        terms = [t for i, t in enumerate(terms) if i not in bad]
    sys.exit("measure: terms still rejected after 3 rounds")


ENDINGS = {"de": ["", "e", "en", "er", "ern", "es", "s", "n", "in", "innen", "em"],
           "en": ["", "s", "es", "ed", "'s", "s'", "ing"]}


def own_word(word, terms, lang):
    """True when a flagged dictionary word is a list term or its inflection."""
    w = word.lower()
    return any(w == t.lower() + e for t in terms for e in ENDINGS[lang])


def flagged_words(modctl, rules_path, posts_path):
    with open(posts_path, encoding="utf-8") as posts:
        run = subprocess.run([modctl, "scan", "--rules", rules_path], stdin=posts,
                             capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("measure: modctl scan failed:\n" + run.stderr)
    flagged = []
    for line in run.stdout.splitlines():
        d = json.loads(line)
        if d.get("decision") not in ("ALLOW", None):
            flagged.append(d["id"])
    return flagged


def measure(modctl, lang, mode, lexicon, workdir, words_path, n_words):
    terms, dropped = usable_terms(modctl, load_list(lang), mode, lexicon, lang, workdir)
    ids = flagged_words(modctl, os.path.join(workdir, "list.yaml"), words_path)
    with open(words_path, encoding="utf-8") as f:
        words = [json.loads(line)["text"] for line in f]
    flagged = [words[i] for i in ids]
    others = [w for w in flagged if not own_word(w, terms, lang)]
    return {"lang": lang, "mode": mode, "lexicon": lexicon, "terms": len(terms),
            "dropped_terms": dropped, "words": n_words, "flagged": len(flagged),
            "share": len(flagged) / n_words, "other_words": len(others),
            "examples": others[:12]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modctl", required=True)
    ap.add_argument("--langs", default="de,en")
    ap.add_argument("--check", action="append", default=[],
                    help="NAME=MAX, NAME like de-compound-lexicon or en-word-plain; "
                         "NAME-other holds the share of words that are not list words")
    ap.add_argument("--json", help="write all figures here")
    args = ap.parse_args()
    checks = {}
    for c in args.check:
        name, _, value = c.partition("=")
        checks[name] = float(value)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "naughty-words")):
        sys.exit("measure: run `npm ci` in tests/dictionary first")
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for lang in args.langs.split(","):
            words_path = os.path.join(workdir, "words-%s.jsonl" % lang)
            n = 0
            with open(DICTIONARIES[lang], encoding="utf-8") as src, \
                    open(words_path, "w", encoding="utf-8") as out:
                for word in src:
                    word = word.strip()
                    if word:
                        out.write(json.dumps({"id": n, "text": word}, ensure_ascii=False) + "\n")
                        n += 1
            for mode in ("compound", "word"):
                for lexicon in (True, False):
                    results.append(measure(args.modctl, lang, mode, lexicon, workdir,
                                           words_path, n))
    failed = 0
    print("%-26s %6s %8s %9s %8s %7s  %s" % ("list/mode/lexicon", "terms", "words", "flagged",
                                             "share", "other", "examples of other words"))
    known = set()
    for r in results:
        name = "%s-%s-%s" % (r["lang"], r["mode"], "lexicon" if r["lexicon"] else "plain")
        known.update({name, name + "-other"})
        verdict = ""
        for check, share in ((name, r["share"]), (name + "-other", r["other_words"] / r["words"])):
            if check in checks:
                ok = share <= checks[check]
                failed += not ok
                verdict += " [%s %s <= %.4f%%]" % (check, "ok" if ok else "FAILED",
                                                   checks[check] * 100)
        print("%-26s %6d %8d %9d %7.3f%% %7d  %s%s" % (
            name, r["terms"], r["words"], r["flagged"], r["share"] * 100, r["other_words"],
            ", ".join(r["examples"][:8]), verdict))
        if r["dropped_terms"]:
            print("%26s dropped as unsafe: %s" % ("", ", ".join(r["dropped_terms"])))
    for name in checks:
        if name not in known:
            print("measure: unknown check %s" % name)
            failed += 1
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
