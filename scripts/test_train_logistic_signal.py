#!/usr/bin/python3
"""Self-test of scripts/train_logistic_signal.py.

  MODCTL=build/server/modctl/modctl /usr/bin/python3 scripts/test_train_logistic_signal.py

Checks the word split against the engine's definition (short words kept,
digits and punctuation separate, folding), the word pairs, that no weight
holds a post alone, determinism, the examples, bad input, and (with MODCTL
set) how the hand-written rules' examples are labelled and that the engine
holds exactly the posts the trainer's scorer holds. Standard library and
python3-yaml; exit code 0 when all pass.
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "corpus"))
import train_logistic_signal as tl  # noqa: E402

TRAINER = os.path.join(HERE, "train_logistic_signal.py")
MODCTL = os.environ.get("MODCTL", "")

# A tiny corpus: threats use "ich", "dich", "finde", "warte"; civil posts
# use everyday words. Each word is in at least three posts.
ABUSIVE = [
    "Ich finde dich, warte nur ab", "warte nur, ich finde dich schon",
    "Ich finde dich und dann warte ab", "Du wirst sehen, ich finde dich",
    "Warte ab, ich finde dich heute", "ich finde dich, du wirst sehen",
    "Ich finde dich, warte", "warte, du wirst sehen, ich finde dich",
]
CIVIL = [
    "Danke für den Bericht über das Stadtfest", "Der Bericht über das Wetter war gut",
    "Das Stadtfest am Wochenende war schön, danke", "Ich finde den Bericht gelungen, danke",
    "Am Wochenende ist das Wetter gut", "Danke an die Redaktion für den Bericht",
    "Das Wetter zum Stadtfest war schön", "Ich finde das Stadtfest jedes Jahr gut",
]


# Abuse of another category, for --positive-categories.
SPAM = [
    "Kaufe Follower jetzt billig", "Follower kaufen jetzt, billig und schnell",
    "Jetzt billig Follower kaufen", "Billig: Follower jetzt kaufen",
]


def write_posts(path, spam=False):
    with open(path, "w", encoding="utf-8") as f:
        for n, text in enumerate(ABUSIVE + CIVIL):
            label = "abusive" if n < len(ABUSIVE) else "civil"
            row = {"text": text, "label": label, "lang": "de"}
            if label == "abusive":
                row["category"] = "threat"
            f.write(json.dumps(row) + "\n")
        for text in SPAM if spam else []:
            f.write(json.dumps({"text": text, "label": "abusive", "lang": "de",
                                "category": "spam"}) + "\n")


def parse(text):
    """(bias, threshold, {entry: weight}, examples) of a written file."""
    bias = threshold = None
    weights, examples, section = {}, {"match": [], "no_match": []}, None
    flow = None  # the weights' flow sequence, while it is read
    for line in text.splitlines():
        s = line.strip()
        if flow is not None:
            flow.append(s)
            if s.endswith("]"):
                for item in json.loads("[" + " ".join(flow)):
                    entry, weight = item.rsplit(" ", 1)
                    weights[entry] = float(weight)
                flow = None
        elif s.startswith("bias:"):
            bias = float(s.split(":", 1)[1])
        elif s.startswith("threshold:"):
            threshold = float(s.split(":", 1)[1])
        elif s == "weights: [":
            flow, section = [], None
        elif s in ("match:", "no_match:"):
            section = s[:-1]
        elif s.startswith("- ") and section in examples:
            examples[section].append(json.loads(s[2:]))
    return bias, threshold, weights, examples


def held(bias, threshold, weights, text):
    z = tl.log_odds(weights, bias, text)
    return z >= math.log(threshold / (1 - threshold)) - 1e-9


class Words(unittest.TestCase):
    def test_short_words_count_and_case_folds(self):
        self.assertEqual(tl.words("Ich bring DICH um, ja"), ["ich", "bring", "dich", "um", "ja"])

    def test_digits_and_punctuation_separate(self):
        self.assertEqual(tl.words("h8er k*ll 1d10t"), ["h", "er", "k", "ll", "d", "t"])

    def test_folding_and_latin_letters(self):
        self.assertEqual(tl.words("Straße, Ärger über ł×y"), ["strasse", "ärger", "über", "ł", "y"])

    def test_invisible_characters_are_dropped(self):
        self.assertEqual(tl.words("str\u200bick"), ["strick"])

    def test_a_sentence_of_negative_entries_adds_nothing(self):
        weights = {"du": 1.0, "gericht": -2.0, "du bist": 0.5, "bist": 0.25}
        cases = [
            ("Du. Gericht.", 1.0),              # the report sentence is left out
            ("Du, Gericht.", -1.0),             # in the same sentence it counts
            ("Gericht!\nDu bist", 1.75),        # either order; the pair too
            ("Du.gericht.de", -1.0),            # "." before a lower-case letter ends nothing
            ("Du bist. Du bist. Gericht", 1.75),  # each entry once
            ("Bist du? Du bist", 1.75),         # the pair belongs to its second word's sentence
            ("Du. Eins zwei drei vier fünf Gericht.", 1.0),       # six words: a tag
            ("Du. Eins zwei drei vier fünf sechs Gericht.", -1.0),  # seven: it counts
        ]
        for text, expected in cases:
            self.assertAlmostEqual(tl.log_odds(weights, 0.0, text), expected, msg=text)

    def test_features_are_words_and_adjacent_pairs(self):
        self.assertEqual(tl.features("ich finde dich"),
                         {"ich", "finde", "dich", "ich finde", "finde dich"})


class Training(unittest.TestCase):
    def train(self, d, *extra, spam=False):
        posts = os.path.join(d, "posts.jsonl")
        write_posts(posts, spam)
        out = os.path.join(d, "signal.yaml")
        p = subprocess.run([sys.executable, TRAINER, "--lang", "de", "--rule-id", "t.signal",
                            "--ruleset", "t", "--posts", posts, "--out", out, "--min-posts", "3",
                            "--threshold", "0.6", *extra],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, encoding="utf-8") as f:
            return f.read()

    def test_learns_the_threat_words_and_no_entry_holds_a_post_alone(self):
        with tempfile.TemporaryDirectory() as d:
            bias, threshold, weights, _ = parse(self.train(d))
        self.assertGreater(weights["finde dich"], 0)
        self.assertLess(weights.get("bericht", 0), 0)
        limit = math.log(threshold / (1 - threshold)) - bias
        self.assertTrue(all(w < limit for w in weights.values()), (limit, max(weights.values())))

    def test_examples_are_held_and_not_held_as_labelled(self):
        with tempfile.TemporaryDirectory() as d:
            bias, threshold, weights, examples = parse(self.train(d))
        self.assertEqual(len(examples["match"]), 3)
        self.assertEqual(len(examples["no_match"]), 3)
        for text in examples["match"]:
            self.assertTrue(held(bias, threshold, weights, text), text)
            self.assertIn(text, ABUSIVE)
        for text in examples["no_match"]:
            self.assertFalse(held(bias, threshold, weights, text), text)
            self.assertIn(text, CIVIL)

    def test_weights_are_a_wrapped_flow_sequence(self):
        with tempfile.TemporaryDirectory() as d:
            text = self.train(d)
        body = text[text.index("      weights: [\n"):].splitlines()[1:]
        self.assertTrue(body and body[-1].endswith("]"), body[-1:])
        self.assertTrue(all(len(line) <= tl.WEIGHTS_LINE_WIDTH for line in body))
        self.assertTrue(all(line.endswith(",") for line in body[:-1]))
        self.assertEqual(len(parse(text)[2]), text.count('", "') + len(body))

    def test_same_input_same_file(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            first, second = self.train(a), self.train(b)
        # The command line in the header names each run's temporary file.
        def without_command(text):
            return [line for line in text.splitlines() if "--posts" not in line]
        self.assertEqual(without_command(first), without_command(second))

    def test_a_set_of_its_own_declares_its_category(self):
        with tempfile.TemporaryDirectory() as d:
            text = self.train(d)
        self.assertIn("ruleset: t\n", text)
        self.assertIn("categories: [likely_abuse]\n", text)
        self.assertNotIn("part_of:", text)

    def test_positive_categories_leave_other_abuse_out(self):
        with tempfile.TemporaryDirectory() as d:
            everything = self.train(d, spam=True)
            threats = self.train(d, "--positive-categories", "threat", spam=True)
        self.assertGreater(parse(everything)[2]["follower"], 0)
        _, _, weights, _ = parse(threats)
        # Left out, not civil: the spam words get no weight either way.
        self.assertNotIn("follower", weights)
        self.assertGreater(weights["finde dich"], 0)
        self.assertIn("Trained on 8 abusive and 8 civil posts", threats)
        self.assertIn("Trained on 12 abusive and 8 civil posts", everything)

    def test_unknown_or_absent_positive_categories_are_errors(self):
        with tempfile.TemporaryDirectory() as d:
            posts = os.path.join(d, "posts.jsonl")
            write_posts(posts, spam=True)
            def run(categories):
                return subprocess.run([sys.executable, TRAINER, "--lang", "de", "--rule-id", "t.s",
                                       "--ruleset", "t", "--posts", posts, "--min-posts", "3",
                                       "--positive-categories", categories,
                                       "--out", os.path.join(d, "o.yaml")],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      universal_newlines=True)
            unknown, absent = run("threat,threats"), run("pii")
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("unknown: threats", unknown.stderr)
        self.assertNotEqual(absent.returncode, 0)
        self.assertIn("need abusive (of --positive-categories pii) and civil", absent.stderr)

    def test_a_bad_label_is_an_error_naming_the_line(self):
        with tempfile.TemporaryDirectory() as d:
            posts = os.path.join(d, "posts.jsonl")
            with open(posts, "w", encoding="utf-8") as f:
                f.write(json.dumps({"text": "a b c", "label": "abusive"}) + "\n")
                f.write(json.dumps({"text": "a b c", "label": "spam"}) + "\n")
            p = subprocess.run([sys.executable, TRAINER, "--lang", "de", "--rule-id", "t.s",
                                "--ruleset", "t", "--posts", posts,
                                "--out", os.path.join(d, "o.yaml")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(':2: "label" must be "abusive" or "civil"', p.stderr)


@unittest.skipUnless(MODCTL, "set MODCTL to a modctl binary (scripts/test.sh does)")
class EngineAgrees(unittest.TestCase):
    """The engine holds exactly the dev posts the trainer's scorer holds:
    weights trained on the German dev split alone, without prose, and a
    threshold of 0.8 (so that thousands are held and thousands are not), judged by `modctl scan` with
    the trained file as the only rule set."""

    def test_rule_examples_are_labelled_by_the_hand_written_rules(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "de.yaml"), "w", encoding="utf-8") as f:
                f.write('ruleset: de\nversion: "1"\nrules:\n'
                        '  - id: de.threat.t\n    category: threat\n    words: [abstechen]\n'
                        '    action: block\n    examples:\n'
                        '      match: ["Ich werde dich abstechen"]\n'
                        '      no_match: ["Ich werde dich morgen anrufen", "du Idiot"]\n'
                        '  - id: de.insult.t\n    category: insult\n    words: [Idiot]\n'
                        '    action: block\n    examples:\n      match: ["du Idiot"]\n'
                        '  - id: en.insult.t\n    category: insult\n    words: [moron]\n'
                        '    action: block\n    examples:\n      match: ["you moron"]\n')
            with open(os.path.join(d, "learned.yaml"), "w", encoding="utf-8") as f:
                f.write('part_of: de\nrules:\n  - id: de.signal.x\n    category: threat\n'
                        '    action: flag\n    examples:\n      match: ["never read"]\n'
                        '    signal: {score: logistic, bias: -1, threshold: 0.9, '
                        'weights: ["read 0.5"]}\n')
            rows = tl.rule_examples(d, "de", MODCTL)
        # "du Idiot" is the threat rule's counter-example but the insult
        # rule's hit, so it is abusive; English rules and signal files give
        # nothing.
        self.assertEqual(sorted((r["text"], r["label"]) for r in rows),
                         [("Ich werde dich abstechen", "abusive"),
                          ("Ich werde dich morgen anrufen", "civil"),
                          ("du Idiot", "abusive")])

    def test_engine_holds_exactly_what_the_scorer_holds(self):
        import evaluate
        import realistic_corpus as rc
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules")
            os.mkdir(rules)
            out = os.path.join(rules, "signal.yaml")
            p = subprocess.run([sys.executable, TRAINER, "--lang", "de", "--rule-id", "t.signal",
                                "--ruleset", "t", "--out", out, "--threshold", "0.8"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out, encoding="utf-8") as f:
                bias, threshold, weights, _ = parse(f.read())
            rows = [{"id": r["id"], "text": r["text"]}
                    for r in rc.load(splits=("dev",))["dev"] if r["lang"] == "de"]
            answers, code, _, err = evaluate.run_scan(MODCTL, rules, rows, 600)
            self.assertEqual(code, 0, err[-2000:])
            engine = {a["id"] for a in answers if a.get("decision", "ALLOW") != "ALLOW"}
            scorer = {r["id"] for r in rows if held(bias, threshold, weights, r["text"])}
            self.assertGreater(len(scorer), 1000)
            self.assertLess(len(scorer), len(rows) - 1000)
            self.assertEqual(sorted(engine ^ scorer), [])


if __name__ == "__main__":
    unittest.main()
