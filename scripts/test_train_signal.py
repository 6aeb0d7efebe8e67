#!/usr/bin/python3
"""Self-test of scripts/train_signal.py on a tiny hand-made corpus.

  /usr/bin/python3 scripts/test_train_signal.py

Checks the tokeniser (folding, short words, separators), the window score
(distinct words, the window's edge), the cap, determinism, --civil-prose and
that the examples written pass the scorer. Runs in a few seconds; exit code
0 when all pass. Pure standard library.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train_signal as ts  # noqa: E402

TRAINER = os.path.join(HERE, "train_signal.py")

# Abusive posts use the loaded words; civil posts use everyday words. Each
# loaded word is in at least four posts, so --min-posts 4 keeps it.
LOADED = ["trottel", "abschaum", "verpiss", "missgeburt", "gewitter"]
ABUSIVE = [
    "Du Trottel, verpiss dich, du Abschaum",
    "Verpiss dich endlich, du Missgeburt und Trottel",
    "Abschaum wie du, Missgeburt, verpiss dich",
    "Trottel! Abschaum! Missgeburt! Gewitter im Kopf",
    "So ein Trottel, so ein Abschaum, verpiss dich",
    "Missgeburt, Gewitter, Trottel, hau ab",
    "Gewitter zieht auf, du Abschaum, verpiss dich",
    "Gewitter und Missgeburt und Trottel",
    "Was für ein Gewitter, du Abschaum von Trottel",
]
CIVIL = [
    "Danke für den Bericht über das Stadtfest am Wochenende",
    "Der Bericht war gut, danke an die Redaktion",
    "Das Wetter am Wochenende wird schön, danke für den Hinweis",
    "Ich finde den Bericht über das Wetter gelungen",
    "Am Wochenende fahren wir zum Stadtfest, danke",
    "Gewitter am Abend, das Stadtfest wurde verschoben",
    "Die Redaktion hat den Bericht korrigiert, danke",
    "Thanks for the report about the weather this weekend",
]
EXAMPLES = {
    "match": ["Trottel, Abschaum, Missgeburt", "Verpiss dich, Abschaum, du Trottel",
              "Missgeburt und Abschaum, verpiss dich", "du Trottel verpiss dich Missgeburt"],
    "no_match": ["Danke für den Bericht", "Das Wetter am Wochenende wird schön",
                 "Trottel", "Gewitter am Abend"],
}


def row(n, text, label):
    out = {"id": "rc-%04d" % n, "text": text, "lang": "de", "label": label,
           "evasion": "none", "context": "local"}
    if label == "abusive":
        out.update(category="insult", note="test post")
    else:
        out["civil_kind"] = "everyday"
    return out


def parse_rule_file(text):
    """(weights {word: hundredths}, threshold hundredths, match, no_match) of a
    generated rule file, read line by line (the generator's own layout)."""
    weights, match, no_match, threshold = {}, [], [], None
    section = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("threshold:"):
            threshold = ts.to_hundredths(float(s.split(":", 1)[1]), "threshold")
        elif s in ("weights:", "match:", "no_match:"):
            section = s[:-1]
        elif s.startswith("- ") and section:
            value = json.loads(s[2:])
            if section == "weights":
                word, weight = value.split(" ")
                weights[word] = ts.to_hundredths(float(weight), "weight")
            else:
                (match if section == "match" else no_match).append(value)
        elif s:
            section = None
    return weights, threshold, match, no_match


class Tokeniser(unittest.TestCase):
    def test_fold_and_short_words(self):
        self.assertEqual(ts.words("STRASSE Straße ab ÄRGER ﬁnden"),
                         ["strasse", "strasse", "ärger", "finden"])

    def test_separators(self):
        # Digits, U+00D7 and U+00F7 split words; the short pieces are dropped.
        self.assertEqual(ts.words("abc1def 3x hallo×welt geld÷zeit"),
                         ["abc", "def", "hallo", "welt", "geld", "zeit"])
        self.assertEqual(ts.words("don't go-away élan"), ["don", "away", "élan"])

    def test_invisible_characters_are_dropped(self):
        # As in the engine's folded view: soft hyphen, zero-width space and
        # word joiner do not split a word.
        self.assertEqual(ts.words("ver\u00adrecken str\u200bick ab\u2060schaum"),
                         ["verrecken", "strick", "abschaum"])

    def test_short_words_take_no_position(self):
        w = {"aaa": 300, "bbb": 300}
        filler = " ".join(["xx"] * 30)
        self.assertEqual(ts.score(w, "aaa %s bbb" % filler, 1, 3), 600)


class Score(unittest.TestCase):
    W = {"aaa": 300, "bbb": 250, "ccc": 200, "ddd": 100}

    def test_repeated_word_counts_once(self):
        self.assertEqual(ts.score(self.W, "aaa aaa aaa aaa", 10, 3), 300)
        self.assertEqual(ts.score(self.W, "AAA aaa bbb Aaa", 10, 3), 550)

    def test_top_distinct(self):
        self.assertEqual(ts.score(self.W, "ddd ccc bbb aaa", 10, 3), 750)
        self.assertEqual(ts.score(self.W, "ddd ccc bbb aaa", 10, 2), 550)

    def test_window_edge(self):
        nine = " ".join("fill%s" % c for c in "abcdefghi")
        # bbb at position 10 = p + window: inside; at 11: outside.
        self.assertEqual(ts.score(self.W, "aaa %s bbb" % nine, 10, 3), 550)
        self.assertEqual(ts.score(self.W, "aaa %s extra bbb" % nine, 10, 3), 300)

    def test_title_scored_separately(self):
        row = {"text": "bbb", "title": "aaa"}
        self.assertEqual(ts.score_row(self.W, row, 10, 3), 300)


class Trainer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.dir = cls.tmp.name
        os.mkdir(os.path.join(d, "corpus"))
        rows = [row(i + 1, t, "abusive") for i, t in enumerate(ABUSIVE)]
        rows += [row(i + 101, t, "civil") for i, t in enumerate(CIVIL)]
        with open(os.path.join(d, "corpus", "dev.jsonl"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        with open(os.path.join(d, "examples.json"), "w", encoding="utf-8") as f:
            json.dump(EXAMPLES, f)
        with open(os.path.join(d, "prose.txt"), "w", encoding="utf-8") as f:
            for i in range(30):
                f.write("Ein Gewitter zieht über das Land und der Regen fällt leise %d\n" % i)
            f.write("zu kurz: Gewitter\n\n")
        with open(os.path.join(d, "prose.jsonl"), "w", encoding="utf-8") as f:
            for i in range(30):
                f.write(json.dumps({"text": "Das Gewitter über dem See war laut und hell"}) + "\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def train(self, out, *extra, check=True):
        cmd = [sys.executable, TRAINER, "--out", os.path.join(self.dir, out),
               "--corpus-dir", os.path.join(self.dir, "corpus"),
               "--examples", os.path.join(self.dir, "examples.json"),
               "--threshold", "5", "--min-posts", "4"] + list(extra)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        if check:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def read(self, out):
        with open(os.path.join(self.dir, out), encoding="utf-8") as f:
            return f.read()

    def test_weights_cap_and_examples(self):
        self.train("a.yaml", "--cap", "2.4")
        text = self.read("a.yaml")
        weights, threshold, match, no_match = parse_rule_file(text)
        self.assertEqual(threshold, 500)
        for w in ("trottel", "abschaum", "verpiss", "missgeburt"):
            self.assertIn(w, weights)
        self.assertNotIn("danke", weights)
        self.assertNotIn("bericht", weights)
        self.assertTrue(all(0 < h <= 240 for h in weights.values()), weights)
        self.assertIn("trottel 2.40", text)
        # The examples written pass the scorer, with the written weights.
        self.assertGreaterEqual(len(match), 3)
        self.assertGreaterEqual(len(no_match), 3)
        for t in match:
            self.assertGreaterEqual(ts.score(weights, t, 10, 3), threshold, t)
        for t in no_match:
            self.assertLess(ts.score(weights, t, 10, 3), threshold, t)
        self.assertIn("Trained on 17 dev posts (9 abusive, 8 civil)", text)
        self.assertIn("# /usr/bin/python3 ", text)
        # Sorted by weight, then word.
        body = text[text.index("\n      weights:\n"):text.index("\n    examples:\n")]
        listed = [json.loads(line.strip()[2:]).split(" ") for line in body.splitlines()[2:] if line.strip()]
        listed = [(w, ts.to_hundredths(float(h), "w")) for w, h in listed]
        self.assertEqual(len(listed), len(weights))
        self.assertEqual(listed, sorted(listed, key=lambda wh: (-wh[1], wh[0])))

    def test_default_cap_below_threshold(self):
        self.train("b.yaml")
        weights, threshold, _, _ = parse_rule_file(self.read("b.yaml"))
        self.assertTrue(weights)
        self.assertTrue(all(h < threshold for h in weights.values()), weights)

    def test_cap_must_stay_below_threshold(self):
        p = self.train("c.yaml", "--cap", "5", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "c.yaml")))

    def test_deterministic(self):
        self.train("d.yaml", "--cap", "2.4")
        first = self.read("d.yaml")
        self.train("d.yaml", "--cap", "2.4")
        self.assertEqual(first, self.read("d.yaml"))

    def test_civil_prose_lowers_a_prose_word(self):
        self.train("e.yaml", "--cap", "4.99")
        before, _, _, _ = parse_rule_file(self.read("e.yaml"))
        self.assertIn("gewitter", before)
        for prose in ("prose.txt", "prose.jsonl"):
            self.train("f.yaml", "--cap", "4.99", "--civil-prose",
                       os.path.join(self.dir, prose))
            text = self.read("f.yaml")
            after, _, _, _ = parse_rule_file(text)
            self.assertLess(after.get("gewitter", 0), before["gewitter"], prose)
            # Words the prose does not use keep their weight.
            self.assertEqual(after["trottel"], before["trottel"])
            self.assertIn("and 30 lines of civil prose (%s)" % prose, text)

    def test_pooled_prose_raises_other_words(self):
        # The study's way (prose lines as civil posts) lowers the prose word
        # too, but raises every word the prose lacks; the default does not.
        self.train("e.yaml", "--cap", "4.99")
        before, _, _, _ = parse_rule_file(self.read("e.yaml"))
        self.train("h.yaml", "--cap", "4.99", "--prose-mode", "pooled", "--civil-prose",
                   os.path.join(self.dir, "prose.txt"))
        after, _, _, _ = parse_rule_file(self.read("h.yaml"))
        self.assertLess(after.get("gewitter", 0), before["gewitter"])
        self.assertGreater(after["abschaum"], before["abschaum"])

    def test_posts_file_trains_like_the_corpus(self):
        posts = os.path.join(self.dir, "posts.jsonl")
        with open(posts, "w", encoding="utf-8") as f:
            for t in ABUSIVE:
                f.write(json.dumps({"text": t, "label": "abusive"}) + "\n")
            for t in CIVIL:
                f.write(json.dumps({"text": t, "label": "civil"}) + "\n")
        self.train("i.yaml", "--cap", "2.4")
        self.train("j.yaml", "--cap", "2.4", "--posts", posts)
        self.assertEqual(parse_rule_file(self.read("i.yaml"))[0],
                         parse_rule_file(self.read("j.yaml"))[0])
        self.assertIn("Trained on 17 posts (9 abusive, 8 civil)", self.read("j.yaml"))
        with open(posts, "a", encoding="utf-8") as f:
            f.write(json.dumps({"text": "x", "label": "spam"}) + "\n")
        p = self.train("k.yaml", "--posts", posts, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("posts.jsonl:18: \"label\" must be", p.stderr)

    def test_failing_examples_are_an_error(self):
        bad = os.path.join(self.dir, "bad.json")
        with open(bad, "w", encoding="utf-8") as f:
            json.dump({"match": ["Danke"] * 3, "no_match": EXAMPLES["no_match"]}, f)
        p = self.train("g.yaml", "--cap", "2.4", "--examples", bad, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "g.yaml")))


MODCTL = os.environ.get("MODCTL", "")


@unittest.skipUnless(MODCTL, "set MODCTL to a modctl binary (scripts/test.sh does)")
class EngineAgrees(unittest.TestCase):
    """The trainer's scorer and the engine hold the same posts: weights
    trained on the real dev split (a low threshold, so that hundreds are
    held), judged by `modctl scan` with the trained file as the only rule
    set, against score() on the same texts."""

    def test_engine_holds_exactly_what_the_scorer_holds(self):
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "corpus"))
        import evaluate
        import realistic_corpus as rc
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules")
            os.mkdir(rules)
            out = os.path.join(rules, "signal.yaml")
            p = subprocess.run([sys.executable, TRAINER, "--out", out, "--threshold", "6",
                                "--cap", "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out, encoding="utf-8") as f:
                weights, threshold, _, _ = parse_rule_file(f.read())
            rows = [{"id": r["id"], "text": r["text"]}
                    for r in rc.load(splits=("dev",))["dev"]]
            answers, code, _, err = evaluate.run_scan(MODCTL, rules, rows, 600)
            self.assertEqual(code, 0, err[-2000:])
            engine = {a["id"] for a in answers if a.get("decision", "ALLOW") != "ALLOW"}
            scorer = {r["id"] for r in rows if ts.score(weights, r["text"], 10, 3) >= threshold}
            self.assertGreater(len(scorer), 100)
            self.assertEqual(sorted(engine ^ scorer), [])


if __name__ == "__main__":
    unittest.main()
