#!/usr/bin/python3
"""Self-test of the corpus generator: python3 -m unittest, stdlib only.

Run: /usr/bin/python3 tests/corpus/test_generate_corpus.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_corpus as gc  # noqa: E402

HAVE_FORTUNES = bool(gc.fortune_files())


@unittest.skipUnless(HAVE_FORTUNES, "fortunes-de is not installed")
class GenerateCorpusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.small, _, _ = gc.build(1, "small")
        cls.default, cls.available, _ = gc.build(1, "default")

    def test_same_seed_gives_the_same_corpus(self):
        again, _, _ = gc.build(1, "small")
        self.assertEqual(self.small, again)

    def test_other_seed_gives_another_corpus(self):
        other, _, _ = gc.build(2, "small")
        self.assertNotEqual(self.small, other)

    def test_sizes_are_as_documented(self):
        # --size rows, plus the masked class: as many rows as one other class
        # (half of the rows are abusive, shared among the evasion classes).
        self.assertEqual(len(self.small), 300 + 150 // len(gc.EVASION_CLASSES))
        self.assertEqual(len(self.default), 5000 + 2500 // len(gc.EVASION_CLASSES))

    def test_masked_rows_leave_the_other_rows_as_they_were(self):
        # The first --size rows are what the seed gave before the masked
        # class existed: no other class, and no masked row, among them.
        self.assertNotIn(gc.MASKED_CLASS, {r["class"] for r in self.default[:5000]})
        self.assertEqual({r["class"] for r in self.default[5000:]}, {gc.MASKED_CLASS})

    def test_masked_rows_hide_a_letter_inside_the_word(self):
        for r in self.default:
            if r["class"] != gc.MASKED_CLASS:
                continue
            self.assertTrue("*" in r["text"] or "#" in r["text"], r)
            # Never a gender star: the mask is not followed by in/innen/r/e...
            # (A mask followed by another one is no gender star.)
            for m in gc.re.finditer(r"[*#]+(\w*)([*#]?)", r["text"]):
                tail = m.group(1).lower()
                if not m.group(2):
                    self.assertFalse(tail.startswith("in") or tail in gc.GENDER_TAILS, r)

    def test_ids_are_unique(self):
        ids = [r["id"] for r in self.default]
        self.assertEqual(len(ids), len(set(ids)))

    def test_every_evasion_class_covers_every_term(self):
        for cls in gc.ABUSIVE_CLASSES:
            terms = {r["term"] for r in self.default if r["class"] == cls}
            self.assertEqual(terms, set(gc.CLASS_TERMS.get(cls, gc.TERMS)), cls)

    def test_small_corpus_has_equal_abusive_classes(self):
        counts = {}
        for r in self.small:
            counts[r["class"]] = counts.get(r["class"], 0) + 1
        sizes = [counts[cls] for cls in gc.EVASION_CLASSES]
        self.assertLessEqual(max(sizes) - min(sizes), 1, counts)
        self.assertEqual(sum(sizes), 150)
        self.assertGreater(counts[gc.MASKED_CLASS], 0)
        self.assertGreater(counts["clean_fortune"], 50)
        self.assertGreater(counts["clean_lookalike_word"], 20)

    def test_labels_match_classes(self):
        for r in self.default:
            if r["class"] in gc.ABUSIVE_CLASSES:
                self.assertEqual(r["label"], "abusive")
                self.assertIn(r["term"], gc.TERMS)
            else:
                self.assertEqual(r["label"], "clean")

    def test_evasions_change_the_spelling(self):
        for r in self.default:
            if r["label"] == "abusive" and r["class"] not in (
                    "plain", "inflection", "combined"):
                self.assertNotIn(r["term"], r["text"], r)
            if r["class"] == "combined":
                self.assertEqual(len(r["variant"].split("+")), 2, r)

    def test_invisible_rows_hide_a_default_ignorable_character(self):
        for r in self.default:
            if r["class"] == "invisible":
                self.assertTrue(any(c in gc.INVISIBLES for c in r["text"]), r)

    def test_lookalike_rows_use_non_latin_letters(self):
        for r in self.default:
            if r["class"] == "lookalike":
                word = r["text"]
                self.assertTrue(any(ord(c) > 0x24F for c in word), r)

    def test_split_rows_split_a_long_term_by_whitespace_only(self):
        for r in self.default:
            if r["class"] == "split":
                self.assertIn(r["term"], gc.SPLIT_TERMS)
                cut, spaces = r["variant"].split(":")[1:]
                cut = int(cut)
                space = "".join(chr(int(u[1:], 16)) for u in spaces.split(","))
                self.assertTrue(space.strip() == "" and "\n" not in space, r)
                word = r["term"][:cut] + space + r["term"][cut:]
                self.assertIn(word, r["text"], r)
                self.assertGreaterEqual(gc._skeleton_letters(r["term"][:cut]), 2)
                self.assertGreaterEqual(gc._skeleton_letters(r["term"][cut:]), 2)
                for chunk in (r["term"][:cut], r["term"][cut:]):
                    self.assertNotIn(chunk.lower(), gc.SPLIT_FUNCTION_WORDS, r)

    def test_plain_rows_contain_the_term_verbatim(self):
        for r in self.default:
            if r["class"] == "plain":
                self.assertIn(r["term"], r["text"])

    def test_clean_fortunes_do_not_contain_a_listed_insult(self):
        for r in self.default:
            if r["class"] == "clean_fortune":
                self.assertIsNone(gc.exclude_re().search(gc.fold(r["text"])), r)
                self.assertLessEqual(len(r["text"]), 1000)
                self.assertNotIn("\n", r["text"])

    def test_clean_lookalike_rows_contain_their_word(self):
        for r in self.default:
            if r["class"] == "clean_lookalike_word":
                self.assertIn(r["term"].lower(), r["text"].lower())

    def test_full_size_caps_fortunes_at_what_is_installed(self):
        self.assertGreater(self.available, 1000)


if __name__ == "__main__":
    unittest.main(verbosity=1)
