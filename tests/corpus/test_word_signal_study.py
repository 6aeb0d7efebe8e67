#!/usr/bin/python3
"""Self-test of word_signal_study.py's model and window score (stdlib only).

Run: /usr/bin/python3 tests/corpus/test_word_signal_study.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import word_signal_study as ws  # noqa: E402


def post(text, label, lang="de"):
    return {"text": text, "label": label, "lang": lang}


class TrainTest(unittest.TestCase):
    def test_weighs_words_of_abusive_posts_and_skips_rare_and_civil_ones(self):
        rows = ([post("du ratte", "abusive")] * 4 + [post("die ratte frisst", "civil")]
                + [post("schönes wetter heute", "civil")] * 4 + [post("selten", "abusive")] * 3)
        model = ws.train(rows)["de"]
        self.assertGreater(model["ratte"], 0)
        self.assertNotIn("wetter", model)    # civil only: negative log-odds
        self.assertNotIn("selten", model)    # three posts: below MIN_POSTS
        self.assertNotIn("du", model)        # shorter than three letters

    def test_keeps_languages_apart(self):
        rows = [post("moron here", "abusive", "en")] * 4 + [post("fine here", "civil", "en")] * 4
        self.assertEqual(set(ws.train(rows)), {"en"})


class ScoreTest(unittest.TestCase):
    WEIGHTS = {"aaa": 3.0, "bbb": 2.0, "ccc": 1.5, "ddd": 1.0}

    def test_table(self):
        filler = " ".join(["xxx"] * 12)
        cases = [
            ("aaa bbb", 10, 3, 5.0),
            ("aaa aaa aaa", 10, 3, 3.0),                  # a word counts once
            ("aaa bbb ccc ddd", 10, 3, 6.5),              # the three heaviest
            ("aaa bbb ccc ddd", 10, 2, 5.0),
            ("aaa " + filler + " bbb", 10, 3, 3.0),       # too far apart
            ("aaa " + filler + " bbb", 0, 3, 5.0),        # window 0: whole post
            ("AAA, Bbb!", 10, 3, 5.0),                    # case and punctuation
            ("nothing here", 10, 3, 0.0),
        ]
        for text, window, top, want in cases:
            with self.subTest(text=text, window=window, top=top):
                self.assertAlmostEqual(ws.score(self.WEIGHTS, text, window, top), want)


if __name__ == "__main__":
    unittest.main()
