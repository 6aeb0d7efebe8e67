#!/usr/bin/python3
"""Self-test of the realistic set's schema, split and evaluator (stdlib only).

The evaluator runs against a fake modctl that decides by markers in the text
([FLAG], [BLOCK], [ERROR], [DROP]) and records what it was sent, so its
arithmetic, floors, exit codes and privacy of the validation split are
checked without the engine. The last test class checks the shipped set.

Run: /usr/bin/python3 tests/corpus/test_evaluate_realistic.py
"""

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate_realistic as er  # noqa: E402
import realistic_corpus as rc  # noqa: E402

FAKE_MODCTL = r'''#!/usr/bin/python3
import json, os, sys
args = sys.argv[1:]
assert args[:2] == ["scan", "--rules"], args
log = open(os.environ["FAKE_MODCTL_LOG"], "a", encoding="utf-8")
log.write(json.dumps({"args": args}) + "\n")
for line in sys.stdin:
    post = json.loads(line)
    log.write(json.dumps({"post": post}, ensure_ascii=False) + "\n")
    text = post["text"]
    if "[DROP]" in text:
        continue
    if "[ERROR]" in text:
        print(json.dumps({"id": post["id"], "line": 1, "error": "fake failure"}))
        continue
    decision = "BLOCK" if "[BLOCK]" in text else "FLAG" if "[FLAG]" in text else "ALLOW"
    matches = [] if decision == "ALLOW" else [
        {"rule": "fake." + decision.lower(), "category": "insult", "field": "text",
         "start": 0, "end": 3, "text": text[:3]}]
    print(json.dumps({"id": post["id"], "decision": decision, "score": 0,
                      "matches": matches}))
'''


def abusive(n, category, text, evasion="none", lang="de", **extra):
    return dict({"id": "rc-%04d" % n, "text": text, "lang": lang, "label": "abusive",
                 "category": category, "evasion": evasion, "context": "news",
                 "note": "test"}, **extra)


def civil(n, kind, text, lang="de"):
    return {"id": "rc-%04d" % n, "text": text, "lang": lang, "label": "civil",
            "civil_kind": kind, "evasion": "none", "context": "local"}


# Dev: insult 2 of 3 caught (one miss), threat 1 of 1, selfharm 1 of 2 (an
# error); civil: criticism 1 of 4 flagged (FLAG), swearing 1 of 2 blocked.
DEV = [
    abusive(1, "insult", "[FLAG] du Dödel"),
    abusive(2, "insult", "[BLOCK] Du Vollpfosten", evasion="leet"),
    abusive(3, "insult", "missed insult one", evasion="leet"),
    abusive(4, "threat", "[BLOCK] threat", lang="en",
            author={"account_age_days": 2}),
    abusive(5, "selfharm", "[ERROR] selfharm"),
    abusive(6, "selfharm", "[FLAG] selfharm"),
    civil(7, "criticism", "ok one"),
    civil(8, "criticism", "[FLAG] flagged criticism"),
    civil(9, "criticism", "ok two"),
    civil(10, "criticism", "ok three"),
    civil(11, "swearing", "[BLOCK] blocked swearing", lang="en"),
    civil(12, "swearing", "ok four"),
]
VALIDATION = [
    abusive(20, "insult", "SECRET-missed-validation-post"),
    abusive(21, "insult", "[FLAG] SECRET-caught-validation-post"),
    civil(22, "reporting", "[FLAG] SECRET-flagged-validation-post"),
    civil(23, "reporting", "SECRET-civil-validation-post"),
]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


class FakeScanTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="evaluate_realistic_test.")
        self.dir = os.path.join(self.tmp, "set")
        os.mkdir(self.dir)
        write_jsonl(os.path.join(self.dir, "dev.jsonl"), DEV)
        write_jsonl(os.path.join(self.dir, "validation.jsonl"), VALIDATION)
        self.modctl = os.path.join(self.tmp, "modctl")
        with open(self.modctl, "w") as f:
            f.write(FAKE_MODCTL)
        os.chmod(self.modctl, 0o755)
        self.log = os.path.join(self.tmp, "log.jsonl")
        os.environ["FAKE_MODCTL_LOG"] = self.log
        self.out_json = os.path.join(self.tmp, "out.json")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_eval(self, *extra):
        argv = ["--modctl", self.modctl, "--rules", "/nonexistent-rules", "--dir", self.dir,
                "--json", self.out_json] + list(extra)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = er.main(argv)
        result = None
        if os.path.exists(self.out_json):
            with open(self.out_json, encoding="utf-8") as f:
                result = json.load(f)
        return code, out.getvalue() + err.getvalue(), result

    def sent(self):
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def test_recall_counts_flag_and_block_and_not_errors(self):
        code, _, res = self.run_eval("--split", "dev")
        self.assertEqual(code, 0)
        ab = res["splits"]["dev"]["abusive"]
        self.assertEqual((ab["n"], ab["caught"], ab["error"]), (6, 4, 1))
        self.assertAlmostEqual(ab["recall"], 4 / 6)
        cats = ab["by_category"]
        self.assertAlmostEqual(cats["insult"]["recall"], 2 / 3)
        self.assertEqual(cats["threat"]["recall"], 1.0)
        self.assertEqual(cats["selfharm"]["recall"], 0.5)
        self.assertEqual(list(cats), ["insult", "threat", "selfharm"])  # vocabulary order
        self.assertAlmostEqual(ab["by_evasion"]["leet"]["recall"], 0.5)
        self.assertEqual(ab["by_evasion"]["none"]["recall"], 0.75)
        self.assertEqual(ab["by_lang"]["en"]["recall"], 1.0)

    def test_civil_shares_per_kind_and_overall(self):
        _, _, res = self.run_eval("--split", "dev")
        cv = res["splits"]["dev"]["civil"]
        self.assertEqual((cv["n"], cv["flagged"], cv["blocked"]), (6, 2, 1))
        self.assertAlmostEqual(cv["flagged_share"], 2 / 6)
        self.assertAlmostEqual(cv["blocked_share"], 1 / 6)
        self.assertEqual(cv["by_kind"]["criticism"]["flagged_share"], 0.25)
        self.assertEqual(cv["by_kind"]["criticism"]["blocked_share"], 0.0)
        self.assertEqual(cv["by_kind"]["swearing"]["blocked_share"], 0.5)

    def test_dev_lists_misses_flagged_civil_and_errors(self):
        _, out, res = self.run_eval("--split", "dev")
        dev = res["splits"]["dev"]
        self.assertEqual([m["id"] for m in dev["missed"]], ["rc-0003", "rc-0005"])
        self.assertEqual(dev["missed"][1]["decision"], "error")
        self.assertEqual([(f["id"], f["decision"], f["rules"]) for f in dev["flagged_civil"]],
                         [("rc-0008", "FLAG", ["fake.flag"]),
                          ("rc-0011", "BLOCK", ["fake.block"])])
        self.assertEqual(dev["error_posts"], [{"id": "rc-0005", "error": "fake failure"}])
        self.assertIn("missed insult one", out)
        self.assertIn("rc-0011 swearing BLOCK", out)

    def test_validation_posts_are_never_printed_or_written(self):
        code, out, res = self.run_eval("--split", "both", "--min-recall", "0.9")
        self.assertEqual(code, 1)
        with open(self.out_json, encoding="utf-8") as f:
            raw = f.read()
        for secret in ("SECRET", "rc-0020", "rc-0021", "rc-0022", "rc-0023"):
            self.assertNotIn(secret, out)
            self.assertNotIn(secret, raw)
        val = res["splits"]["validation"]
        self.assertNotIn("missed", val)
        self.assertNotIn("flagged_civil", val)
        self.assertEqual(val["abusive"]["recall"], 0.5)
        self.assertEqual(val["civil"]["flagged_share"], 0.5)
        self.assertIn("validation: recall 0.500 < 0.900", res["failures"])

    def test_floors_met_exit_zero(self):
        code, out, res = self.run_eval("--split", "validation", "--min-recall", "0.5",
                                       "--min-category-recall", "0.5",
                                       "--max-civil-flagged", "0.5",
                                       "--max-civil-blocked", "0")
        self.assertEqual(code, 0, out)
        self.assertEqual(res["failures"], [])
        self.assertIn("all floors met", out)

    def test_each_floor_fails_on_its_own(self):
        cases = [
            (["--min-recall", "0.51"], "validation: recall 0.500 < 0.510"),
            (["--min-category-recall", "0.6"], "validation: insult recall 0.500 < 0.600"),
            (["--max-civil-flagged", "0.49"],
             "validation: civil flagged or blocked 0.500 > 0.490"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                code, _, res = self.run_eval("--split", "validation", *extra)
                self.assertEqual(code, 1)
                self.assertEqual(res["failures"], [message])

    def test_blocked_floor_and_errors_fail_dev(self):
        code, _, res = self.run_eval("--split", "dev", "--max-civil-blocked", "0.1")
        self.assertEqual(code, 1)
        self.assertEqual(res["failures"], ["dev: civil blocked 0.167 > 0.100",
                                           "dev: 1 posts answered with an error"])

    def test_category_floor_names_each_weak_category(self):
        _, _, res = self.run_eval("--split", "dev", "--min-category-recall", "0.9")
        self.assertEqual(res["failures"], ["dev: insult recall 0.667 < 0.900",
                                           "dev: selfharm recall 0.500 < 0.900",
                                           "dev: 1 posts answered with an error"])

    def test_a_category_floor_overrides_the_common_one(self):
        _, _, res = self.run_eval("--split", "dev", "--min-category-recall", "0.6",
                                  "--min-category-recall", "selfharm=0.5",
                                  "--min-category-recall", "threat=1")
        self.assertEqual(res["failures"], ["dev: 1 posts answered with an error"])
        _, _, res = self.run_eval("--split", "dev", "--min-category-recall", "insult=0.7")
        self.assertEqual(res["failures"], ["dev: insult recall 0.667 < 0.700",
                                           "dev: 1 posts answered with an error"])
        self.assertEqual(res["floors"]["min_category_recall"], {"insult": 0.7})

    def test_an_evasion_floor_names_each_weak_evasion_kind(self):
        # Dev's leet posts: 1 of 2 caught; its unevaded ones 3 of 4 (one error).
        _, _, res = self.run_eval("--split", "dev", "--min-evasion-recall", "leet=0.6")
        self.assertEqual(res["failures"], ["dev: leet recall 0.500 < 0.600",
                                           "dev: 1 posts answered with an error"])
        self.assertEqual(res["floors"]["min_evasion_recall"], {"leet": 0.6})
        _, _, res = self.run_eval("--split", "dev", "--min-evasion-recall", "0.5")
        self.assertEqual(res["failures"], ["dev: 1 posts answered with an error"])

    def test_bad_evasion_floors_are_usage_errors(self):
        for value in ("leetspeak=0.5", "leet=high", "leet=1.5"):
            with self.subTest(value=value):
                err = io.StringIO()
                with self.assertRaises(SystemExit) as cm, contextlib.redirect_stderr(err):
                    er.main(["--modctl", self.modctl, "--min-evasion-recall", value])
                self.assertEqual(cm.exception.code, 2)
                self.assertIn(value, err.getvalue())

    def test_bad_category_floors_are_usage_errors(self):
        for value in ("insutl=0.5", "pii=high", "pii=1.5", "2"):
            with self.subTest(value=value):
                err = io.StringIO()
                with self.assertRaises(SystemExit) as cm, contextlib.redirect_stderr(err):
                    er.main(["--modctl", self.modctl, "--min-category-recall", value])
                self.assertEqual(cm.exception.code, 2)
                self.assertIn(value, err.getvalue())

    def test_sends_id_text_and_author_and_passes_community(self):
        self.run_eval("--split", "dev", "--community", "news-de")
        log = self.sent()
        self.assertEqual(log[0]["args"], ["scan", "--rules", "/nonexistent-rules",
                                          "--community", "news-de"])
        posts = [e["post"] for e in log if "post" in e]
        self.assertEqual(posts[0], {"id": "rc-0001", "text": "[FLAG] du Dödel"})
        self.assertEqual(posts[3]["author"], {"account_age_days": 2})
        self.assertNotIn("label", posts[3])

    def test_missing_answers_fail_the_evaluation(self):
        rows = DEV + [civil(13, "everyday", "[DROP] never answered")]
        write_jsonl(os.path.join(self.dir, "dev.jsonl"), rows)
        code, out, _ = self.run_eval("--split", "dev", "--min-recall", "0")
        self.assertEqual(code, 2)
        self.assertIn("answered 12 of 13 posts", out)

    def test_missing_modctl_fails_the_evaluation(self):
        os.remove(self.modctl)
        code, out, _ = self.run_eval("--split", "dev")
        self.assertEqual(code, 2)
        self.assertIn("modctl not found", out)

    def test_invalid_corpus_names_file_and_line(self):
        bad = DEV + [dict(abusive(14, "insutl", "typo category"))]
        write_jsonl(os.path.join(self.dir, "dev.jsonl"), bad)
        code, out, _ = self.run_eval("--split", "dev")
        self.assertEqual(code, 2)
        self.assertIn("dev.jsonl:13: abusive posts need a category", out)

    def test_unwritable_json_file_fails_the_evaluation(self):
        self.out_json = os.path.join(self.tmp, "no-such-dir", "out.json")
        code, out, _ = self.run_eval("--split", "dev")
        self.assertEqual(code, 2)
        self.assertIn("cannot write", out)

    def test_floor_outside_zero_to_one_is_a_usage_error(self):
        with self.assertRaises(SystemExit) as cm, \
                contextlib.redirect_stderr(io.StringIO()):
            er.main(["--modctl", self.modctl, "--min-recall", "95"])
        self.assertEqual(cm.exception.code, 2)


class SchemaAndSplitTest(unittest.TestCase):
    def test_valid_rows_have_no_problems(self):
        for row in DEV + VALIDATION:
            self.assertEqual(rc.row_problems(row), [], row)

    def test_schema_problems_are_named(self):
        cases = [
            (dict(abusive(1, "insult", "x"), category="insults"), "vocabulary"),
            (dict(civil(1, "criticism", "x"), category="insult"), "civil posts have no category"),
            (dict(civil(1, "critique", "x")), "civil_kind"),
            ({k: v for k, v in abusive(1, "insult", "x").items() if k != "note"}, "need a note"),
            (dict(abusive(1, "insult", "x"), lang="fr"), "lang 'fr'"),
            (dict(abusive(1, "insult", "x"), evasion="l33t"), "evasion 'l33t'"),
            (dict(abusive(1, "insult", "x"), id="7"), "rc-0001"),
            (dict(abusive(1, "insult", "x"), extra=1), "unknown key 'extra'"),
            (dict(abusive(1, "insult", "plain", evasion="invisible")), "no invisible"),
            (dict(abusive(1, "insult", "plain", evasion="lookalike")), "no non-Latin"),
            (dict(abusive(1, "spam", "x"), author={"account_age_days": -1}), "non-negative"),
        ]
        for row, fragment in cases:
            with self.subTest(fragment=fragment):
                self.assertTrue(any(fragment in p for p in rc.row_problems(row)),
                                rc.row_problems(row))

    def test_disguises_that_are_there_pass(self):
        self.assertEqual(rc.row_problems(abusive(1, "insult", "Id\u200biot",
                                                 evasion="invisible")), [])
        self.assertEqual(rc.row_problems(abusive(1, "insult", "Idi\u043et",
                                                 evasion="lookalike")), [])

    def test_duplicate_ids_across_splits_are_rejected(self):
        tmp = tempfile.mkdtemp()
        try:
            write_jsonl(os.path.join(tmp, "dev.jsonl"), DEV)
            write_jsonl(os.path.join(tmp, "validation.jsonl"), [DEV[0]])
            with self.assertRaisesRegex(rc.CorpusError, "rc-0001 also appears"):
                rc.load(tmp)
        finally:
            shutil.rmtree(tmp)

    def test_split_takes_a_third_of_every_stratum(self):
        rows = [abusive(i, "insult", "t%d" % i) for i in range(1, 10)]
        rows += [civil(i, "criticism", "c%d" % i) for i in range(10, 16)]
        assigned = rc.assign_splits(rows)
        val = sorted(i for i, s in assigned.items() if s == "validation")
        self.assertEqual(val, ["rc-0002", "rc-0005", "rc-0008", "rc-0011", "rc-0014"])

    def test_split_ignores_file_order_and_new_posts_never_move_old_ones(self):
        rows = [abusive(i, "threat", "t%d" % i, lang="en") for i in range(1, 8)]
        before = rc.assign_splits(rows)
        self.assertEqual(before, rc.assign_splits(list(reversed(rows))))
        after = rc.assign_splits(rows + [abusive(i, "threat", "n%d" % i, lang="en")
                                         for i in range(8, 12)])
        self.assertEqual({k: after[k] for k in before}, before)

    def test_dev_only_ids_are_dev_and_take_no_place_in_a_stratum(self):
        first, last = rc.DEV_ONLY_IDS[0]
        rows = [abusive(i, "insult", "t%d" % i) for i in range(1, 5)]
        before = rc.assign_splits(rows)
        read = [abusive(i, "insult", "r%d" % i) for i in range(first, first + 6)]
        after = rc.assign_splits(rows + read)
        self.assertEqual({k: after[k] for k in before}, before)
        self.assertEqual({after[r["id"]] for r in read}, {"dev"})
        # The first id after the range is split by the rule again.
        later = [abusive(i, "insult", "l%d" % i) for i in range(last + 1, last + 4)]
        self.assertIn("validation", set(rc.assign_splits(rows + read + later).values()))

    def test_resplit_writes_shards_by_id_and_loads_them_back(self):
        tmp = tempfile.mkdtemp()
        try:
            rows = [abusive(i, "insult", "t%d" % i)
                    for i in (1, 2, 3, 4999, 5000, 5001, 12000, 12001, 12002)]
            write_jsonl(os.path.join(tmp, "dev.jsonl"), rows)
            write_jsonl(os.path.join(tmp, "validation.jsonl"), [])
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(rc.main(["resplit", "--dir", tmp]), 0)
            self.assertEqual(sorted(os.listdir(tmp)), [
                "dev.rc-00000.jsonl", "dev.rc-05000.jsonl", "dev.rc-10000.jsonl",
                "validation.rc-00000.jsonl", "validation.rc-05000.jsonl",
                "validation.rc-10000.jsonl"])
            # Positions 1, 4, 7 of the one stratum are validation.
            with open(os.path.join(tmp, "dev.rc-05000.jsonl"), encoding="utf-8") as f:
                self.assertEqual([json.loads(line)["id"] for line in f], ["rc-5001"])
            with open(os.path.join(tmp, "validation.rc-05000.jsonl"), encoding="utf-8") as f:
                self.assertEqual([json.loads(line)["id"] for line in f], ["rc-5000"])
            loaded = rc.load(tmp)
            self.assertEqual(sorted(r["id"] for s in rc.SPLITS for r in loaded[s]),
                             sorted(r["id"] for r in rows))
            self.assertEqual([r["id"] for r in loaded["dev"]],
                             sorted((r["id"] for r in loaded["dev"]), key=lambda i: int(i[3:])))
        finally:
            shutil.rmtree(tmp)

    def test_resplit_adds_a_batch_and_refuses_a_taken_id(self):
        tmp = tempfile.mkdtemp()
        try:
            write_jsonl(os.path.join(tmp, "dev.jsonl"), [abusive(1, "insult", "a")])
            write_jsonl(os.path.join(tmp, "validation.jsonl"), [])
            batch = os.path.join(tmp, "batch.jsonl")
            write_jsonl(batch, [abusive(1, "insult", "again")])
            with contextlib.redirect_stderr(io.StringIO()) as err:
                self.assertEqual(rc.main(["resplit", "--dir", tmp, "--add", batch]), 1)
            self.assertIn("batch.jsonl: id rc-0001 is already in the set", err.getvalue())
            self.assertEqual(sorted(os.listdir(tmp)),
                             ["batch.jsonl", "dev.jsonl", "validation.jsonl"])
            write_jsonl(batch, [abusive(i, "insult", "n%d" % i) for i in (7001, 7002)])
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(rc.main(["resplit", "--dir", tmp, "--add", batch]), 0)
            loaded = rc.load(tmp)
            self.assertEqual([r["id"] for r in loaded["dev"]], ["rc-0001", "rc-7002"])
            self.assertEqual([r["id"] for r in loaded["validation"]], ["rc-7001"])
        finally:
            shutil.rmtree(tmp)

    def test_a_post_in_the_wrong_shard_names_the_shard_it_belongs_in(self):
        tmp = tempfile.mkdtemp()
        try:
            write_jsonl(os.path.join(tmp, "dev.rc-00000.jsonl"),
                        [abusive(1, "insult", "a"), abusive(5002, "insult", "b")])
            write_jsonl(os.path.join(tmp, "validation.rc-00000.jsonl"), [])
            with self.assertRaisesRegex(rc.CorpusError,
                                        r"dev.rc-00000.jsonl:2: id rc-5002 belongs in "
                                        r"dev.rc-05000.jsonl"):
                rc.load(tmp)
        finally:
            shutil.rmtree(tmp)

    def test_a_flat_file_beside_shards_is_rejected(self):
        tmp = tempfile.mkdtemp()
        try:
            write_jsonl(os.path.join(tmp, "dev.jsonl"), [abusive(1, "insult", "a")])
            write_jsonl(os.path.join(tmp, "dev.rc-00000.jsonl"), [abusive(2, "insult", "b")])
            write_jsonl(os.path.join(tmp, "validation.jsonl"), [])
            with self.assertRaisesRegex(rc.CorpusError, "both dev.jsonl and its shards"):
                rc.load(tmp)
        finally:
            shutil.rmtree(tmp)

    def test_the_shipped_shards_stay_small(self):
        self.assertEqual(rc.size_problems(rc.DEFAULT_DIR), [])

    def test_dump_line_escapes_what_a_reader_cannot_see(self):
        line = rc.dump_line(abusive(1, "insult", "Id\u200biot Idi\u043et Dödel"))
        self.assertIn("Id\\u200biot Idi\\u043et Dödel", line)
        self.assertEqual(json.loads(line)["text"], "Id\u200biot Idi\u043et Dödel")


class ShippedSetTest(unittest.TestCase):
    """The committed set: valid, split by the rule, and as large as promised.
    Only counts are asserted and printed, never validation posts."""

    @classmethod
    def setUpClass(cls):
        cls.loaded = rc.load()
        cls.rows = cls.loaded["dev"] + cls.loaded["validation"]

    def test_every_post_is_in_the_split_the_rule_assigns(self):
        self.assertEqual(rc.split_problems(self.loaded), [])

    def test_sizes(self):
        labels = [r["label"] for r in self.rows]
        self.assertGreaterEqual(labels.count("abusive"), 330)
        self.assertGreaterEqual(labels.count("civil"), 330)
        split_by_rule = [r for r in self.rows if not rc.is_dev_only(r)]
        self.assertAlmostEqual(len(self.loaded["validation"]) / len(split_by_rule), 1 / 3,
                               delta=0.03)

    def test_every_category_but_shouting_has_twenty_posts(self):
        for cat in rc.CATEGORIES:
            if cat == "shouting":
                continue  # out of scope, see README.md
            n = sum(1 for r in self.rows if r.get("category") == cat)
            self.assertGreaterEqual(n, 20, cat)

    def test_every_civil_kind_is_present_in_both_splits(self):
        for split in rc.SPLITS:
            kinds = {r.get("civil_kind") for r in self.loaded[split]}
            self.assertTrue(set(rc.CIVIL_KINDS) <= kinds, split)

    def test_language_mix_and_evasion_share(self):
        de = sum(1 for r in self.rows if r["lang"] == "de") / len(self.rows)
        self.assertGreater(de, 0.70)
        self.assertLess(de, 0.80)
        ab = [r for r in self.rows if r["label"] == "abusive"]
        evaded = sum(1 for r in ab if r["evasion"] != "none") / len(ab)
        self.assertGreater(evaded, 0.2)
        self.assertLess(evaded, 0.35)

    def test_texts_are_unique(self):
        texts = [r["text"] for r in self.rows]
        self.assertEqual(len(texts), len(set(texts)))


if __name__ == "__main__":
    unittest.main(verbosity=1)
