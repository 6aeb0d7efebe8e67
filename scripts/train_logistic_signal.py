#!/usr/bin/python3
"""Trains a logistic `signal:` rule (rules/README.md, "Signal") from labelled
posts and harmless prose, and writes it as a rule file.

  train_logistic_signal.py --lang de --rule-id de.signal.learned --part-of de \\
      --out rules/de.signal.yaml [--posts decisions.jsonl] \\
      [--civil-prose FILE ...] [--civil-fortunes FILE ...] [--threshold 0.9]

What it learns: whether a post is abusive, from its distinct words and pairs
of adjacent words (engine/signal.h, "logistic"), as an L2-regularised
logistic regression fitted by AdaGrad over a fixed, seeded order, so the same
input gives the same file. Features seen in fewer than --min-posts texts get
no weight (a writer's one-off word teaches nothing), weights are rounded to
hundredths and those below --min-weight dropped.

Its data: --posts (JSON lines {"text", "label": "abusive"|"civil", "lang"?,
"title"?}: a platform's own moderators' decisions), or else the dev split of
tests/corpus/realistic/ (never the validation split), the rows of --lang;
and with --rule-examples DIR, the embedded examples of the hand-written
rules there (needs python3-yaml and modctl). With --positive-categories
(e.g. threat,harm_wish,incitement) it learns those kinds of abuse only: the
abusive rows of other categories are left out of training (neither abusive
nor civil), so a narrower model can run at a lower threshold beside the
general one.
Harmless prose is civil data too, and it is what keeps the model off
ordinary writing: the realistic set's civil posts are all about the hard
cases, so a model trained on them alone learns that any chatty text is
abusive. --civil-prose takes plain text (one text per line) or JSON lines
with a "text"; --civil-fortunes takes fortune files (entries between lines
holding "%") or directories of them, such as Debian's fortunes-de
(/usr/share/games/fortunes/de) and fortunes (/usr/share/games/fortunes).

No single entry may hold a post: a positive weight is capped below the
threshold's log-odds minus the bias (the loader refuses a file where it is
not). The trainer prints the in-sample effect; the held-out figures come from
tests/corpus/evaluate_realistic.py and fortunes_check.py with the file in
place.

Standard library (and python3-yaml for --rule-examples); run with /usr/bin/python3.
"""

import argparse
import collections
import json
import math
import os
import random
import re
import shlex
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "corpus"))
import evaluate  # noqa: E402  (run_scan)
import train_signal  # noqa: E402  (fold, read_prose, read_posts)

EPOCHS = 8
BUILT_IN_CATEGORIES = ("insult", "threat", "harm_wish", "incitement", "hate", "extremism",
                       "sexual", "selfharm", "spam", "pii", "shouting")
LEARNING_RATE = 0.2


def is_letter(c):
    """A signal word's letter (engine/text/signal_words.h)."""
    o = ord(c)
    return "a" <= c <= "z" or (0xC0 <= o <= 0x24F and o not in (0xD7, 0xF7))


def words(text):
    """Every signal word of the folded text, short ones included, in order."""
    out, current = [], []
    for c in train_signal.fold(text):
        if is_letter(c):
            current.append(c)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def features(text):
    """The distinct words and adjacent word pairs of a text, as the engine
    looks them up ("ich dich")."""
    ws = words(text)
    return set(ws) | {a + " " + b for a, b in zip(ws, ws[1:])}


# Where a sentence ends, as the engine's report vetoes and logistic signals
# see it (engine/text/sentences.h): a line break, "!", "?", "…", or a full
# stop not followed directly by a digit or a lower-case ASCII letter.
SENTENCE_END = re.compile(r"\n|[!?\u2026]|\.(?![0-9a-z])")
# engine/signal.h kLeftOutSentenceWords.
LEFT_OUT_SENTENCE_WORDS = 6


def log_odds(weights, bias, text):
    """The engine's log-odds of a text (engine/signal.h): the bias plus each
    weighted word and adjacent pair once, at its first occurrence, summed by
    sentence (a pair belongs to its second word's), leaving out the
    sentences of at most LEFT_OUT_SENTENCE_WORDS words whose entries all
    weigh against."""
    seen, z, previous = set(), bias, None
    for sentence in SENTENCE_END.split(text):
        found, sentence_words = [], words(sentence)
        for word in sentence_words:
            for entry in ((previous + " " + word) if previous else None, word):
                if entry in weights and entry not in seen:
                    seen.add(entry)
                    found.append(weights[entry])
            previous = word
        if any(w > 0 for w in found) or len(sentence_words) > LEFT_OUT_SENTENCE_WORDS:
            z += sum(found)
    return z


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(samples, min_posts, l2, seed):
    """(weights, bias) of an L2 logistic regression over samples, a list of
    (feature set, label 0/1)."""
    df = collections.Counter()
    for fs, _ in samples:
        df.update(fs)
    vocab = {f for f, n in df.items() if n >= min_posts}
    rows = [(sorted(f for f in fs if f in vocab), y) for fs, y in samples]
    w = collections.defaultdict(float)
    g2 = collections.defaultdict(lambda: 1e-8)
    bias, bias_g2 = 0.0, 1e-8
    order = list(range(len(rows)))
    rnd = random.Random(seed)
    for _ in range(EPOCHS):
        rnd.shuffle(order)
        for i in order:
            fs, y = rows[i]
            g = sigmoid(bias + sum(w[f] for f in fs)) - y
            bias_g2 += g * g
            bias -= LEARNING_RATE * g / math.sqrt(bias_g2)
            for f in fs:
                gf = g + l2 * w[f]
                g2[f] += gf * gf
                w[f] -= LEARNING_RATE * gf / math.sqrt(g2[f])
    return dict(w), bias


def finish(weights, bias, threshold, min_weight):
    """Weights rounded to hundredths, small ones dropped, positive ones
    capped below what would hold a post alone; the bias rounded too."""
    bias = round(bias, 2)
    limit = math.log(threshold / (1 - threshold)) - bias
    if limit <= 0.01:
        raise SystemExit("train_logistic_signal: the bias (%.2f) alone reaches the threshold's "
                         "log-odds, so every post would be held: add civil posts or prose, or "
                         "raise --threshold" % bias)
    cap = math.floor((limit - 0.01) * 100) / 100
    out = {}
    for f, value in weights.items():
        value = min(round(value, 2), cap)
        if abs(value) >= min_weight:
            out[f] = value
    return out, bias


# Fortune files that are pictures, not prose.
PICTURE_FORTUNES = ("art", "ascii-art", "asciiart")


def fortune_paths(path):
    """A fortune file, or the fortune files of a directory: not the strfile
    indexes (.dat), the .u8 links to the plain files, links or pictures."""
    if not os.path.isdir(path):
        return [path]
    out = []
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if name.endswith((".dat", ".u8")) or name in PICTURE_FORTUNES:
            continue
        if os.path.islink(full) or not os.path.isfile(full):
            continue
        out.append(full)
    return out


def read_fortunes(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    entries, chunk = [], []
    for line in text.splitlines() + ["%"]:
        if line.strip() == "%":
            entry = " ".join(" ".join(chunk).split())
            chunk = []
            if len(words(entry)) >= train_signal.MIN_PROSE_WORDS:
                entries.append(entry)
        else:
            chunk.append(line)
    return entries


def read_posts(path, lang):
    """The posts of --posts (train_signal.read_posts checks each line) that
    are in --lang or carry no language."""
    return [r for r in train_signal.read_posts(path) if r.get("lang", lang) == lang]


def rule_files_without_signals(rules_dir):
    """(path, parsed) of the rule files of rules_dir that hold no `signal:`
    rule: the hand-written rules, whose examples are labelled texts."""
    try:
        import yaml
    except ImportError:
        raise SystemExit("train_logistic_signal: --rule-examples reads YAML: apt-get install "
                         "python3-yaml")
    out = []
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith((".yaml", ".yml")) or name.startswith("communities."):
            continue
        path = os.path.join(rules_dir, name)
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        rules = doc.get("rules") or []
        if not any("signal" in rule for rule in rules):
            out.append((path, rules))
    return out


def rule_examples(rules_dir, lang, modctl):
    """The embedded examples of the hand-written rules of --lang (rule ids
    starting "<lang>."): every `match` example is abusive (shouting aside); a
    `no_match` example is civil when the hand-written rules allow it, since
    one rule's counter-example may be another's hit. These are the hard
    cases rule writers thought of ("Ich bring dich um acht zum Bahnhof"),
    which a bag of words otherwise cannot tell from threats."""
    files = rule_files_without_signals(rules_dir)
    texts = []  # (text, kind)
    for _, rules in files:
        for rule in rules:
            if not str(rule.get("id", "")).startswith(lang + ".") or rule.get("category") == "shouting":
                continue
            for kind in ("match", "no_match"):
                for example in (rule.get("examples") or {}).get(kind) or []:
                    if isinstance(example, dict):
                        if example.get("author") or example.get("activity"):
                            continue  # decided by the author's context, not the text
                        example = example.get("text")
                    if isinstance(example, str) and example.strip():
                        texts.append((example, kind, rule.get("category")))
    with tempfile.TemporaryDirectory() as d:
        for path, _ in files:
            shutil.copy(path, d)
        communities = os.path.join(rules_dir, "communities.yaml")
        if os.path.exists(communities):
            shutil.copy(communities, d)
        rows = [{"id": "x%d" % i, "text": t} for i, (t, kind, _) in enumerate(texts)
                if kind == "no_match"]
        answers, code, _, err = evaluate.run_scan(modctl, d, rows, 1200)
        if code != 0:
            raise SystemExit("train_logistic_signal: modctl scan of the no_match examples failed "
                             "(exit %d): %s" % (code, err[-2000:]))
    allowed = {a.get("id") for a in answers if a.get("decision") == "ALLOW"}
    out, seen = [], set()
    for i, (text, kind, category) in enumerate(texts):
        label = "abusive" if kind == "match" else "civil" if "x%d" % i in allowed else None
        if label and (text, label) not in seen:
            seen.add((text, label))
            row = {"text": text, "label": label, "lang": lang}
            if label == "abusive":
                row["category"] = category  # the rule's: --positive-categories reads it
            out.append(row)
    return out


def positive_categories(arg):
    """The set of --positive-categories, or None (every abusive row counts)."""
    if arg is None:
        return None
    names = {c.strip() for c in arg.split(",") if c.strip()}
    unknown = sorted(names - set(BUILT_IN_CATEGORIES))
    if not names or unknown:
        raise SystemExit("train_logistic_signal: --positive-categories takes a comma-separated "
                         "list of %s; unknown: %s" % (", ".join(BUILT_IN_CATEGORIES),
                                                      ", ".join(unknown) or "(empty)"))
    return names


def keep_for_training(rows, categories):
    """rows without the abusive ones outside categories (None keeps all)."""
    if categories is None:
        return rows
    return [r for r in rows if r["label"] != "abusive" or r.get("category") in categories]


def dev_posts(lang):
    import realistic_corpus
    return [r for r in realistic_corpus.load(splits=("dev",))["dev"] if r["lang"] == lang]


def post_text(row):
    return " ".join(part for part in (row.get("title") or "", row["text"]) if part)


MIN_EXAMPLE_WORDS = 6
EXAMPLES = 3


def pick_examples(rows, held):
    """The shortest training posts (of at least MIN_EXAMPLE_WORDS words) the
    model holds (abusive) and does not hold (civil), EXAMPLES of each: the
    file's own regression test, run by `modctl validate` on every load."""
    def shortest(label, want):
        texts = sorted({r["text"] for r in rows if r["label"] == label and not r.get("title")
                        and r.get("evasion", "none") == "none"
                        and len(words(r["text"])) >= MIN_EXAMPLE_WORDS
                        and held(r["text"]) == want}, key=lambda t: (len(t), t))
        return texts[:EXAMPLES]
    match, no_match = shortest("abusive", True), shortest("civil", False)
    if len(match) < EXAMPLES or len(no_match) < EXAMPLES:
        raise SystemExit("train_logistic_signal: the model holds too few abusive posts or too "
                         "many civil ones to pick %d examples of each" % EXAMPLES)
    return match, no_match


def yaml_str(text):
    return json.dumps(text, ensure_ascii=False)


def header(args):
    """A part of an existing set, or a set of its own (--ruleset)."""
    if args.part_of:
        return ["part_of: %s" % args.part_of]
    lines = ["ruleset: %s" % args.ruleset, 'version: "learned"']
    if args.category not in BUILT_IN_CATEGORIES:
        lines.append("categories: [%s]" % args.category)
    return lines


def render(weights, bias, args, argv, counts, examples):
    ordered = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [
        "# A learned signal: generated by scripts/train_logistic_signal.py; retrain",
        "# it rather than editing it (rules/README.md, \"Signal\").",
        "#   %s" % shlex.join(argv),
        "# Trained on %d abusive and %d civil posts, %d rule examples and"
        % (counts["abusive"], counts["civil"], counts["examples"]),
        "# %d harmless prose texts; %d weights." % (counts["prose"], len(ordered)),
    ] + header(args) + [
        "rules:",
        "  - id: %s" % args.rule_id,
        "    category: %s" % args.category,
        "    action: flag",
        "    reason: %s" % yaml_str(args.reason),
    ] + (["    unless: %s" % args.unless] if args.unless else []) + [
        "    note: %s" % yaml_str("Learned signal (score: logistic): several words together "
                                   "weigh like abuse; read the marked words."),
        "    examples:",
        "      match:",
    ]
    lines += ["        - %s" % yaml_str(t) for t in examples[0]]
    lines += ["      no_match:"]
    lines += ["        - %s" % yaml_str(t) for t in examples[1]]
    # The weights last, heaviest first: thousands of entries a reader
    # scrolls past, several to a line (a flow sequence), so that a file stays
    # well under a Kubernetes ConfigMap's 1 MiB (deploy/README.md).
    lines += ["    signal:", "      score: logistic", "      bias: %.2f" % bias,
              "      threshold: %s" % args.threshold, "      weights: ["]
    lines += weight_lines([yaml_str("%s %.2f" % kv) for kv in ordered])
    return "\n".join(lines) + "\n"


WEIGHTS_LINE_WIDTH = 100


def weight_lines(entries):
    """The entries of the weights' flow sequence, comma-separated, wrapped
    at WEIGHTS_LINE_WIDTH; the last line closes the sequence."""
    out, line = [], "       "
    for entry in entries:
        if len(line) + len(entry) + 2 > WEIGHTS_LINE_WIDTH and line.strip():
            out.append(line + ",")
            line = "       "
        line += (" " if not line.strip() else ", ") + entry
    out.append(line + "]")
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lang", required=True, help="the rows of the posts to learn from")
    p.add_argument("--rule-id", required=True)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--part-of", metavar="SET", help="write a part of this rule set")
    where.add_argument("--ruleset", metavar="SET", help="write a rule set of its own")
    p.add_argument("--category", default="likely_abuse")
    p.add_argument("--reason", default="Dein Beitrag wird vor der Veröffentlichung von einem "
                   "Menschen aus dem Moderationsteam gelesen.")
    p.add_argument("--out", required=True)
    p.add_argument("--posts", metavar="FILE")
    p.add_argument("--civil-prose", nargs="+", action="extend", default=[], metavar="FILE")
    p.add_argument("--civil-fortunes", nargs="+", action="extend", default=[], metavar="FILE")
    p.add_argument("--unless", metavar="YAML",
                   help="the rule's `unless:` as a YAML flow mapping, written as given, e.g. "
                   "the set's report vetoes: '{ reports: [\"@report_words\"], within: 20 }'")
    p.add_argument("--rule-examples", metavar="DIR",
                   help="add the embedded examples of the hand-written rules in DIR")
    p.add_argument("--modctl", default=os.path.join(ROOT, "build", "server", "modctl", "modctl"),
                   help="judges the no_match examples for --rule-examples")
    p.add_argument("--positive-categories", metavar="CAT,CAT",
                   help="learn these categories of abuse only; other abusive posts are left out")
    p.add_argument("--threshold", type=float, default=0.9)
    p.add_argument("--min-posts", type=int, default=8)
    p.add_argument("--min-weight", type=float, default=0.05)
    p.add_argument("--l2", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if not 0 < args.threshold < 1:
        raise SystemExit("train_logistic_signal: --threshold must be above 0 and below 1")

    categories = positive_categories(args.positive_categories)
    rows = read_posts(args.posts, args.lang) if args.posts else dev_posts(args.lang)
    rows = keep_for_training(rows, categories)
    examples_rows = keep_for_training(rule_examples(args.rule_examples, args.lang, args.modctl)
                                      if args.rule_examples else [], categories)
    prose = [t for path in args.civil_prose for t in train_signal.read_prose(path)]
    prose += [t for arg in args.civil_fortunes for path in fortune_paths(arg)
              for t in read_fortunes(path)]
    counts = collections.Counter(r["label"] for r in rows)
    counts["prose"] = len(prose)
    counts["examples"] = len(examples_rows)
    if not counts["abusive"] or not counts["civil"] + counts["prose"]:
        raise SystemExit("train_logistic_signal: need abusive%s and civil texts of --lang %s"
                         % (" (of --positive-categories %s)" % args.positive_categories
                            if categories else "", args.lang))
    samples = [(features(post_text(r)), 1 if r["label"] == "abusive" else 0)
               for r in rows + examples_rows]
    samples += [(features(t), 0) for t in prose]
    weights, bias = fit(samples, args.min_posts, args.l2, args.seed)
    weights, bias = finish(weights, bias, args.threshold, args.min_weight)

    def held(text):
        return sigmoid(log_odds(weights, bias, text)) >= args.threshold
    print("in sample: %d of %d abusive posts, %d of %d civil posts, %d of %d prose texts held"
          % (sum(held(post_text(r)) for r in rows if r["label"] == "abusive"), counts["abusive"],
             sum(held(post_text(r)) for r in rows if r["label"] == "civil"), counts["civil"],
             sum(held(t) for t in prose), len(prose)), file=sys.stderr)
    command = ["scripts/train_logistic_signal.py"] + [
        os.path.relpath(a, ROOT) if os.path.isabs(a) and a.startswith(ROOT) else a for a in argv]
    examples = pick_examples(rows, held)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(render(weights, bias, args, command, counts, examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
