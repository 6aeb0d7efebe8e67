#!/usr/bin/env python3
"""Dictionary false positives: a public word list against a whole dictionary.

Builds one rule from a third-party word list, runs every word of Debian's
dictionary (wngerman, wamerican) through `modctl scan` as its own post, and
reports the share of dictionary words the rule flags, per match mode, with
and without the rule set's `lexicon:`. Terms the engine refuses as unsafe
(too short after normalisation) are dropped and counted.

The lists (npm packages pinned in package-lock.json), by name:
  de, en        LDNOOBW (`naughty-words`), written by people for each language
  de-2toad      the German list of `@2toad/profanity`
  de-wash       the German list of `washyourmouthoutwithsoap`
The last two are machine translations of English lists: beside insults they
hold ordinary nouns (Knochen, Fehler, Glocke, Abstand) whose own forms are
dictionary words, so their share cannot fall to LDNOOBW's; what the lexicon
must keep low there is the share of *other* words (compounds and look-alikes
of the terms).

  /usr/bin/python3 tests/dictionary/measure.py --modctl build/server/modctl/modctl \\
      --lists de,en,de-2toad --check de-compound-lexicon=0.0005 \\
      --check de-2toad-compound-lexicon-other=0.0005

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


def node_modules(*parts):
    return os.path.join(HERE, "node_modules", *parts)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_2toad(lang):
    """@2toad/profanity keeps its lists in a JavaScript Map: node reads it."""
    script = ("process.stdout.write(JSON.stringify(require(%s).profaneWords.get(%s)))"
              % (json.dumps(node_modules("@2toad", "profanity", "dist", "data")), json.dumps(lang)))
    run = subprocess.run(["node", "-e", script], capture_output=True, text=True)
    if run.returncode != 0 or run.stdout in ("", "undefined"):
        sys.exit("measure: cannot read @2toad/profanity's %s list:\n%s" % (lang, run.stderr))
    return json.loads(run.stdout)


# name -> (dictionary language, package directory, reader of the raw terms)
LISTS = {
    "de": ("de", "naughty-words", lambda: read_json(node_modules("naughty-words", "de.json"))),
    "en": ("en", "naughty-words", lambda: read_json(node_modules("naughty-words", "en.json"))),
    "de-2toad": ("de", "@2toad/profanity", lambda: read_2toad("de")),
    "de-wash": ("de", "washyourmouthoutwithsoap",
                lambda: read_json(node_modules("washyourmouthoutwithsoap", "data",
                                               "build.json"))["de"]),
}


def load_list(name):
    return sorted(set(t.strip() for t in LISTS[name][2]() if t.strip()))


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


UMLAUT = {"a": "ä", "o": "ö", "u": "ü"}


def umlaut_forms(term):
    """The term and, in German, its plural or comparative umlaut on the last
    vowel (Abstand -> Abstände, Arschloch -> Arschlöcher, Sau -> Säue)."""
    forms = [term]
    for i in range(len(term) - 1, -1, -1):
        c = term[i]
        if c in "aeiouäöü":
            if c == "u" and i > 0 and term[i - 1] == "a":  # au -> äu
                forms.append(term[:i - 1] + "äu" + term[i + 1:])
            elif c in UMLAUT:
                forms.append(term[:i] + UMLAUT[c] + term[i + 1:])
            break
    return forms


def own_word(word, terms, lang):
    """True when a flagged dictionary word is a list term or its inflection
    (German: also with the plural umlaut, as the lexicon reads it)."""
    w = word.lower()
    for t in terms:
        forms = umlaut_forms(t.lower()) if lang == "de" else [t.lower()]
        if any(w == f + e for f in forms for e in ENDINGS[lang]):
            return True
    return False


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


def measure(modctl, name, mode, lexicon, workdir, words_path, n_words):
    lang = LISTS[name][0]
    terms, dropped = usable_terms(modctl, load_list(name), mode, lexicon, lang, workdir)
    ids = flagged_words(modctl, os.path.join(workdir, "list.yaml"), words_path)
    with open(words_path, encoding="utf-8") as f:
        words = [json.loads(line)["text"] for line in f]
    flagged = [words[i] for i in ids]
    others = [w for w in flagged if not own_word(w, terms, lang)]
    return {"list": name, "lang": lang, "mode": mode, "lexicon": lexicon, "terms": len(terms),
            "dropped_terms": dropped, "words": n_words, "flagged": len(flagged),
            "share": len(flagged) / n_words, "other_words": len(others),
            "other_list": others}


def write_words(lang, workdir):
    """Every dictionary word as its own scan post; returns (path, count)."""
    words_path = os.path.join(workdir, "words-%s.jsonl" % lang)
    n = 0
    with open(DICTIONARIES[lang], encoding="utf-8") as src, \
            open(words_path, "w", encoding="utf-8") as out:
        for word in src:
            word = word.strip()
            if word:
                out.write(json.dumps({"id": n, "text": word}, ensure_ascii=False) + "\n")
                n += 1
    return words_path, n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modctl", required=True)
    ap.add_argument("--lists", default="de,en", help="comma-separated: " + ", ".join(LISTS))
    ap.add_argument("--check", action="append", default=[],
                    help="NAME=MAX, NAME like de-compound-lexicon, en-word-plain or "
                         "de-2toad-compound-lexicon; NAME-other holds the share of words "
                         "that are not list words")
    ap.add_argument("--json", help="write all figures here")
    args = ap.parse_args()
    checks = {}
    for c in args.check:
        name, _, value = c.partition("=")
        checks[name] = float(value)
    names = args.lists.split(",")
    for name in names:
        if name not in LISTS:
            sys.exit("measure: unknown list %s (known: %s)" % (name, ", ".join(LISTS)))
        if not os.path.isdir(node_modules(LISTS[name][1])):
            sys.exit("measure: run `npm ci` in tests/dictionary first")
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        word_files = {}  # lang -> (path, count), written once per dictionary
        for name in names:
            lang = LISTS[name][0]
            if lang not in word_files:
                word_files[lang] = write_words(lang, workdir)
            words_path, n = word_files[lang]
            for mode in ("compound", "word"):
                for lexicon in (True, False):
                    results.append(measure(args.modctl, name, mode, lexicon, workdir,
                                           words_path, n))
    failed = 0
    print("%-32s %6s %8s %9s %8s %7s  %s" % ("list/mode/lexicon", "terms", "words", "flagged",
                                             "share", "other", "examples of other words"))
    known = set()
    for r in results:
        name = "%s-%s-%s" % (r["list"], r["mode"], "lexicon" if r["lexicon"] else "plain")
        known.update({name, name + "-other"})
        verdict = ""
        for check, share in ((name, r["share"]), (name + "-other", r["other_words"] / r["words"])):
            if check in checks:
                ok = share <= checks[check]
                failed += not ok
                verdict += " [%s %s <= %.4f%%]" % (check, "ok" if ok else "FAILED",
                                                   checks[check] * 100)
        print("%-32s %6d %8d %9d %7.3f%% %7d  %s%s" % (
            name, r["terms"], r["words"], r["flagged"], r["share"] * 100, r["other_words"],
            ", ".join(r["other_list"][:8]), verdict))
        if r["dropped_terms"]:
            print("%32s dropped as unsafe: %s" % ("", ", ".join(r["dropped_terms"])))
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
