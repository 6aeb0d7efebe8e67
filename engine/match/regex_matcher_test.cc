#include "engine/match/regex_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/match/scratch.h"
#include "engine/testing/temp_dir.h"

namespace moderation::match {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Span = std::pair<size_t, size_t>;

constexpr size_t kAllSpans = std::numeric_limits<size_t>::max();

// A pattern Hyperscan 5.4 rejects ("Unrecognised character after (?") but RE2
// accepts: (?U) swaps greedy and lazy repetition. Found with a probe that
// compiled candidates with HS_FLAG_UTF8 | HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH.
constexpr char kHyperscanRejects[] = "(?U)dumm\\w+";

// The kind moderators write (issue 15): a '$' alternative in the middle of a
// pattern, which Hyperscan rejects and RE2 takes.
constexpr char kHyperscanRejectsDollar[] = "(88|1488)([^0-9]|$)\\W*(brothers?|movement|hail)";

// A compiled database with per-thread scratch.
struct Compiled {
  std::unique_ptr<const RegexDatabase> db;
  ScratchPrototype scratch_proto;

  std::vector<uint32_t> MatchingIds(std::string_view text) const {
    absl::StatusOr<hs_scratch_t*> scratch = scratch_proto.ForThisThread();
    EXPECT_TRUE(scratch.ok()) << scratch.status();
    std::vector<uint32_t> ids;
    absl::Status s = db->MatchingIds(text, scratch.ok() ? *scratch : nullptr, &ids);
    EXPECT_TRUE(s.ok()) << s;
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<Span> Spans(uint32_t id, std::string_view text, size_t max = kAllSpans) const {
    std::vector<Span> spans;
    db->FindSpans(id, text, max, [&](size_t b, size_t e) { spans.emplace_back(b, e); });
    return spans;
  }
};

Compiled CompileOrDie(const std::vector<std::string>& patterns, bool force_re2 = false,
                      const DbCache& cache = DbCache("")) {
  RegexDatabase::Options options;
  options.force_re2 = force_re2;
  auto db = RegexDatabase::Compile(patterns, options, cache);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return {};
  absl::StatusOr<ScratchPrototype> proto = ScratchPrototype::Create({(*db)->db()});
  EXPECT_TRUE(proto.ok()) << proto.status();
  return {std::move(*db), proto.ok() ? std::move(*proto) : ScratchPrototype()};
}

std::vector<uint32_t> FallbackIds(const RegexDatabase& db) {
  std::vector<uint32_t> ids;
  for (const RegexFallback& f : db.fallbacks()) ids.push_back(f.id);
  return ids;
}

using ::moderation::testing::TempDir;

TEST(RegexDatabaseTest, MatchingIdsReportsExactlyTheMatchingPatternsOnceEach) {
  const Compiled c = CompileOrDie({"idiot", "dumm\\w*", "\\bkill\\b", "[0-9]{3,}"});
  ASSERT_NE(c.db, nullptr);
  EXPECT_TRUE(c.db->fallbacks().empty());
  EXPECT_THAT(c.MatchingIds("du idiot, du dummkopf, idiot!"), ElementsAre(0, 1));
  EXPECT_THAT(c.MatchingIds("skill 12"), IsEmpty());
  EXPECT_THAT(c.MatchingIds("kill 123"), ElementsAre(2, 3));
  EXPECT_THAT(c.MatchingIds(""), IsEmpty());
  EXPECT_THAT(c.MatchingIds(std::string_view()), IsEmpty());
}

TEST(RegexDatabaseTest, MatchingIdsFailsWithoutScratchInsteadOfCrashing) {
  const Compiled c = CompileOrDie({"idiot"});
  ASSERT_NE(c.db, nullptr);
  std::vector<uint32_t> ids;
  EXPECT_EQ(c.db->MatchingIds("idiot", nullptr, &ids).code(),
            absl::StatusCode::kFailedPrecondition);
}

struct SpanCase {
  const char* pattern;
  std::string text;
  size_t max_spans;
  std::vector<Span> spans;
};

TEST(RegexDatabaseTest, FindSpansGivesLeftmostFirstNonOverlappingSpans) {
  const SpanCase kCases[] = {
      {"a+", "caaab aa", kAllSpans, {{1, 4}, {6, 8}}},
      // Leftmost-first: the first alternative wins, not the longest.
      {"ab|abc", "abcabc", kAllSpans, {{0, 2}, {3, 5}}},
      {"abc|ab", "abcabc", kAllSpans, {{0, 3}, {3, 6}}},
      // Non-overlapping: "aa" in "aaaaa" twice, not four times.
      {"aa", "aaaaa", kAllSpans, {{0, 2}, {2, 4}}},
      // Empty matches are not reported and do not stop the search.
      {"x*", "axxbx", kAllSpans, {{1, 3}, {4, 5}}},
      {"x?", "\xC3\xA4x", kAllSpans, {{2, 3}}},  // "äx": steps over the whole ä
      {"\\bdu\\b", "du dudu du", kAllSpans, {{0, 2}, {8, 10}}},
      {"^du", "du du", kAllSpans, {{0, 2}}},  // ^ is the text start, not the search start
      {"a", "aaaa", 2, {{0, 1}, {1, 2}}},
      {"a", "aaaa", 0, {}},
      {"idiot", "hallo", kAllSpans, {}},
      // Byte offsets in UTF-8 text: "schön böö".
      {"\xC3\xB6+", "sch\xC3\xB6n b\xC3\xB6\xC3\xB6", kAllSpans, {{3, 5}, {8, 12}}},
      {"ich\\s+bring\\w*\\s+dich\\s+um", "ja ich bringe dich um", kAllSpans, {{3, 21}}},
  };
  for (const SpanCase& sc : kCases) {
    SCOPED_TRACE(::testing::Message() << "/" << sc.pattern << "/ in \"" << sc.text << "\"");
    const Compiled c = CompileOrDie({sc.pattern});
    ASSERT_NE(c.db, nullptr);
    EXPECT_THAT(c.Spans(0, sc.text, sc.max_spans), ElementsAreArray(sc.spans));
  }
}

// FindSpansIn: spans that start in [from, to), found by a search that begins
// at from; a span may run past to; ^, $ and \b see the whole text.
TEST(RegexDatabaseTest, FindSpansInSearchesOnlyItsWindowWithTheWholeTextAsContext) {
  struct WindowCase {
    const char* pattern;
    std::string text;
    size_t from, to;
    std::vector<Span> spans;
  };
  const WindowCase kCases[] = {
      {"\\bdu\\b", "du da du dort du", 3, 12, {{6, 8}}},
      {"\\bdu\\b", "du da du dort du", 0, 16, {{0, 2}, {6, 8}, {14, 16}}},
      {"du\\s+\\w+", "du da du dort du", 5, 7, {{6, 13}}},  // runs past to
      {"^du", "du du", 3, 5, {}},                           // ^ is the text start
      {"\\bdu", "xdu du", 1, 6, {{4, 6}}},                  // \b sees the 'x' before
      {"du$", "du du", 0, 3, {}},                           // its only span starts at 3
      {"du$", "du du", 0, 5, {{3, 5}}},
      {"a", "aaaa", 1, 3, {{1, 2}, {2, 3}}},
  };
  for (const WindowCase& wc : kCases) {
    SCOPED_TRACE(::testing::Message() << "/" << wc.pattern << "/ in \"" << wc.text << "\" ["
                                      << wc.from << ", " << wc.to << ")");
    const Compiled c = CompileOrDie({wc.pattern});
    ASSERT_NE(c.db, nullptr);
    std::vector<Span> spans;
    c.db->FindSpansIn(0, wc.text, wc.from, wc.to, kAllSpans,
                      [&](size_t b, size_t e) { spans.emplace_back(b, e); });
    EXPECT_THAT(spans, ElementsAreArray(wc.spans));
  }
}

// CandidateIds: every pattern that matches is among them, once (unconfirmed
// by RE2: Hyperscan's widened forms may add some; the fallback set's matches
// too), and a second call replaces the first's.
TEST(RegexDatabaseTest, CandidateIdsHoldEveryMatchingPatternOnce) {
  const Compiled c = CompileOrDie({"idiot", kHyperscanRejects, "\\bkill\\b"});
  ASSERT_NE(c.db, nullptr);
  absl::StatusOr<hs_scratch_t*> scratch = c.scratch_proto.ForThisThread();
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  std::vector<uint32_t> ids = {7, 7, 7};
  ASSERT_TRUE(c.db->CandidateIds("du idiot, du dummkopf", *scratch, &ids).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_THAT(ids, ElementsAre(0, 1));
  ASSERT_TRUE(c.db->CandidateIds("nichts davon", *scratch, &ids).ok());
  EXPECT_THAT(ids, IsEmpty());
  ASSERT_TRUE(c.db->CandidateIds("kill", *scratch, &ids).ok());
  EXPECT_THAT(ids, ElementsAre(2));
}

TEST(RegexDatabaseTest, MatchesCaseInsensitivelyIncludingNonAsciiLetters) {
  for (bool force_re2 : {false, true}) {
    SCOPED_TRACE(force_re2 ? "RE2" : "Hyperscan");
    const Compiled c = CompileOrDie({"dummkopf", "\xC3\xA4rger",
                                     "BL\xC3\x96"
                                     "DMANN"},
                                    force_re2);
    ASSERT_NE(c.db, nullptr);
    const std::string text =
        "DUMMKOPF, \xC3\x84RGER, bl\xC3\xB6"
        "dmann";  // ÄRGER, blödmann
    EXPECT_THAT(c.MatchingIds(text), ElementsAre(0, 1, 2));
    EXPECT_THAT(c.Spans(0, text), ElementsAre(Span{0, 8}));
    EXPECT_THAT(c.Spans(1, text), ElementsAre(Span{10, 16}));
    EXPECT_THAT(c.Spans(2, text), ElementsAre(Span{18, 27}));
  }
}

TEST(RegexDatabaseTest, TreatsTextAsUtf8) {
  for (bool force_re2 : {false, true}) {
    SCOPED_TRACE(force_re2 ? "RE2" : "Hyperscan");
    // "." is one code point, so "gr..e" matches "grüße" only in UTF-8 mode.
    const Compiled c = CompileOrDie({"gr..e\\b", "\\p{Cyrillic}+"}, force_re2);
    ASSERT_NE(c.db, nullptr);
    const std::string text =
        "gr\xC3\xBC\xC3\x9F"
        "e \xD0\xB4\xD1\x83\xD0\xBC";  // grüße дум
    EXPECT_THAT(c.MatchingIds(text), ElementsAre(0, 1));
    EXPECT_THAT(c.Spans(0, text), ElementsAre(Span{0, 7}));
    EXPECT_THAT(c.Spans(1, text), ElementsAre(Span{8, 14}));
  }
}

TEST(RegexDatabaseTest, ForcedRe2GivesTheSameAnswersAsHyperscan) {
  const std::vector<std::string> patterns = {
      "dumm\\w*",
      "ich\\s+bring\\w*\\s+dich\\s+um",
      "\\bidiot\\b",
      "[0-9]{3,}",
      "^hallo",
      "welt$",
      "a.c",
      "(?:ab|cd)+e",
      "gr\xC3\xB6\xC3\x9F"
      "e",                   // größe
      "stra(ss|\xC3\x9F)e",  // stra(ss|ß)e
      "\\d+ ?\xE2\x82\xAC",  // 10 €
      "(?i)k+i+l+",
      "\\w+@\\w+\\.(?:com|de)",
  };
  const std::vector<std::string> texts = {
      "",
      "nothing to see",
      "Du DUMMKOPF",
      "ich bring dich um",
      "ICH  BRINGE DICH UM",
      "idiotisch",
      "so ein Idiot!",
      "call 0123456 or 12",
      "hallo welt",
      "hallo welt\n",  // $ must not match before a final newline (RE2)
      "ich\x0b"
      "bring dich um",  // \s must not match a vertical tab (RE2)
      "sag hallo zur welt!",
      "abc aXc a\xC3\xA4"
      "c",
      "ababe cdcde abcde",
      "GR\xC3\x96\xC3\x9F"
      "E und gr\xC3\xB6sse",
      "Stra\xC3\x9F"
      "e, STRASSE, stra\xE1\xBA\x9E"
      "e",  // Straße, STRASSE, straẞe
      "10 \xE2\x82\xAC, 20\xE2\x82\xAC",
      "KKiiiLL kill",
      "mail me: foo@bar.de or x@y.com",
  };
  const Compiled hyperscan = CompileOrDie(patterns, /*force_re2=*/false);
  const Compiled re2 = CompileOrDie(patterns, /*force_re2=*/true);
  ASSERT_NE(hyperscan.db, nullptr);
  ASSERT_NE(re2.db, nullptr);
  ASSERT_THAT(FallbackIds(*hyperscan.db), IsEmpty()) << "every pattern should reach Hyperscan";
  EXPECT_EQ(re2.db->db(), nullptr);
  EXPECT_EQ(re2.db->fallbacks().size(), patterns.size());

  std::set<uint32_t> exercised;
  for (const std::string& text : texts) {
    SCOPED_TRACE(::testing::Message() << "text \"" << text << "\"");
    const std::vector<uint32_t> ids = hyperscan.MatchingIds(text);
    EXPECT_EQ(ids, re2.MatchingIds(text));
    exercised.insert(ids.begin(), ids.end());
    for (uint32_t id = 0; id < patterns.size(); ++id) {
      SCOPED_TRACE(::testing::Message() << "pattern /" << patterns[id] << "/");
      const std::vector<Span> spans = hyperscan.Spans(id, text);
      EXPECT_EQ(spans, re2.Spans(id, text));
      // A pattern is reported as matching exactly when it has a span.
      EXPECT_EQ(!spans.empty(), std::binary_search(ids.begin(), ids.end(), id));
    }
  }
  // Guard against a table in which some pattern never matches anything.
  EXPECT_EQ(exercised.size(), patterns.size());
}

TEST(RegexDatabaseTest, HyperscanPathFollowsRe2WherePcreSemanticsDiffer) {
  const Compiled c = CompileOrDie({"welt$", "ich\\sbring"});
  ASSERT_NE(c.db, nullptr);
  ASSERT_NE(c.db->db(), nullptr);
  // PCRE (and Hyperscan) would match both; RE2, which reports the spans, neither.
  EXPECT_THAT(c.MatchingIds("hallo welt\n"), IsEmpty());
  EXPECT_THAT(c.MatchingIds("ich\x0b"
                            "bring"),
              IsEmpty());
  EXPECT_THAT(c.MatchingIds("hallo welt"), ElementsAre(0));
  EXPECT_THAT(c.MatchingIds("ich bring"), ElementsAre(1));
}

TEST(RegexDatabaseTest, PatternHyperscanRejectsFallsBackToRe2AndStillMatches) {
  const Compiled c = CompileOrDie({"idiot", kHyperscanRejects, "\\bkill\\b"});
  ASSERT_NE(c.db, nullptr);
  ASSERT_EQ(c.db->fallbacks().size(), 1u);
  EXPECT_EQ(c.db->fallbacks()[0].id, 1u);
  EXPECT_FALSE(c.db->fallbacks()[0].reason.empty());
  EXPECT_NE(c.db->db(), nullptr) << "the other patterns still use Hyperscan";

  const Compiled re2 = CompileOrDie({"idiot", kHyperscanRejects, "\\bkill\\b"}, true);
  ASSERT_NE(re2.db, nullptr);
  for (const char* text : {"du DUMMKOPF", "idiot, kill, dummerchen", "dumm", "nichts", ""}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(c.MatchingIds(text), re2.MatchingIds(text));
    EXPECT_EQ(c.Spans(1, text), re2.Spans(1, text));
  }
  EXPECT_THAT(c.MatchingIds("idiot, kill, dummerchen"), ElementsAre(0, 1, 2));
  EXPECT_THAT(c.MatchingIds("dumm"), IsEmpty());  // \w+ needs one more letter
  // (?U) makes \w+ lazy, so the span is the shortest match.
  EXPECT_THAT(c.Spans(1, "du DUMMKOPF"), ElementsAre(Span{3, 8}));
}

TEST(RegexDatabaseTest, OnlyRejectedPatternsStillMatch) {
  const Compiled c = CompileOrDie({kHyperscanRejects, "(?U)a+b"});
  ASSERT_NE(c.db, nullptr);
  EXPECT_EQ(c.db->db(), nullptr);
  EXPECT_THAT(FallbackIds(*c.db), ElementsAre(0, 1));
  EXPECT_THAT(c.MatchingIds("dummy aaab"), ElementsAre(0, 1));
  EXPECT_THAT(c.MatchingIds("dumm b"), IsEmpty());
}

// (id, reason) of every fallback, for comparing two builds.
std::vector<std::pair<uint32_t, std::string>> Fallbacks(const RegexDatabase& db) {
  std::vector<std::pair<uint32_t, std::string>> out;
  for (const RegexFallback& f : db.fallbacks()) out.emplace_back(f.id, f.reason);
  return out;
}

// (id, begin, end) of everything ForEachMatch reports, sorted.
std::vector<std::tuple<uint32_t, size_t, size_t>> AllMatches(const Compiled& c,
                                                             std::string_view text) {
  absl::StatusOr<hs_scratch_t*> scratch = c.scratch_proto.ForThisThread();
  EXPECT_TRUE(scratch.ok()) << scratch.status();
  std::vector<uint32_t> ids;
  std::vector<std::tuple<uint32_t, size_t, size_t>> out;
  absl::Status s =
      c.db->ForEachMatch(text, scratch.ok() ? *scratch : nullptr, kAllSpans, &ids,
                         [&](uint32_t id, size_t b, size_t e) { out.emplace_back(id, b, e); });
  EXPECT_TRUE(s.ok()) << s;
  std::sort(out.begin(), out.end());
  return out;
}

// The one file a cache directory holds.
std::filesystem::path OnlyEntry(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  EXPECT_EQ(files.size(), 1u);
  return files.empty() ? std::filesystem::path() : files[0];
}

struct CachedRejectionCase {
  const char* name;
  std::vector<std::string> patterns;
  std::vector<uint32_t> rejected;  // ids Hyperscan rejects
  std::string only_fallbacks;      // a text only rejected patterns match
  std::vector<std::string> texts;  // more texts to compare the builds on
};

// Issue 15: one rejected regex used to make every load a full compile,
// because a database with rejections was never cached.
TEST(RegexDatabaseTest, ListWithRejectedPatternsIsServedFromTheCacheWithTheSameFallbacks) {
  const CachedRejectionCase kCases[] = {
      {"one of three rejected, '$' mid-pattern",
       {"idiot", kHyperscanRejectsDollar, "\\bkill\\b"},
       {1},
       "88 brothers",
       {"idiot, kill 1488! brothers", "88", "188 brothers", "nichts", ""}},
      {"first rejected",
       {kHyperscanRejects, "idiot"},
       {0},
       "du dummkopf",
       {"idiot dummkopf", "dumm", "IDIOT"}},
      {"two rejected",
       {"idiot", kHyperscanRejects, "kill", kHyperscanRejectsDollar},
       {1, 3},
       "dummes 1488 movement",
       {"kill the idiot", "dummy kill", "x88 brothers"}},
      {"all rejected, no Hyperscan database",
       {kHyperscanRejects, kHyperscanRejectsDollar},
       {0, 1},
       "dummkopf 88 hail",
       {"88", "dumm"}},
  };
  for (const CachedRejectionCase& tc : kCases) {
    SCOPED_TRACE(tc.name);
    TempDir dir("regex_matcher_test");
    ASSERT_FALSE(dir.path().empty());
    const DbCache cache(dir.path());
    const Compiled uncached = CompileOrDie(tc.patterns);
    const Compiled cold = CompileOrDie(tc.patterns, false, cache);
    const Compiled warm = CompileOrDie(tc.patterns, false, cache);
    ASSERT_NE(cold.db, nullptr);
    ASSERT_NE(warm.db, nullptr);
    EXPECT_THAT(FallbackIds(*cold.db), ElementsAreArray(tc.rejected));
    EXPECT_FALSE(cold.db->build_info().from_cache);
    EXPECT_TRUE(warm.db->build_info().from_cache) << "a list with rejections must be cached";
    EXPECT_EQ(Fallbacks(*warm.db), Fallbacks(*cold.db));
    EXPECT_EQ(Fallbacks(*warm.db), Fallbacks(*uncached.db));
    EXPECT_EQ(warm.db->db() == nullptr, cold.db->db() == nullptr);
    // The text only fallback patterns match really exercises the fallbacks.
    const std::vector<uint32_t> fallback_hits = warm.MatchingIds(tc.only_fallbacks);
    EXPECT_FALSE(fallback_hits.empty());
    for (uint32_t id : fallback_hits) {
      EXPECT_TRUE(std::binary_search(tc.rejected.begin(), tc.rejected.end(), id)) << id;
    }
    std::vector<std::string> texts = tc.texts;
    texts.push_back(tc.only_fallbacks);
    for (const std::string& text : texts) {
      SCOPED_TRACE(::testing::Message() << "text \"" << text << "\"");
      EXPECT_EQ(warm.MatchingIds(text), cold.MatchingIds(text));
      EXPECT_EQ(warm.MatchingIds(text), uncached.MatchingIds(text));
      EXPECT_EQ(AllMatches(warm, text), AllMatches(cold, text));
    }
  }
}

TEST(RegexDatabaseTest, DamagedOrOldFormatEntryIsRecompiledAndRewritten) {
  const struct {
    const char* name;
    std::vector<std::string> patterns;
    // Turns the stored entry into a damaged or outdated one; `db` is the
    // cold build's Hyperscan database (may be null).
    std::string (*damage)(const std::string& entry, const hs_database_t* db);
  } kCases[] = {
      {"reason byte flipped",
       {"idiot", kHyperscanRejects},
       [](const std::string& v, const hs_database_t*) {
         std::string d = v;
         const size_t at = d.find("Unrecognised");
         if (at != std::string::npos) d[at] ^= 0x20;
         return d;
       }},
      {"truncated",
       {"idiot", kHyperscanRejects},
       [](const std::string& v, const hs_database_t*) { return v.substr(0, v.size() - 1); }},
      {"old format (a bare Hyperscan image)",
       {"idiot", "dumm\\w*"},
       [](const std::string&, const hs_database_t* db) {
         char* raw = nullptr;
         size_t length = 0;
         EXPECT_EQ(hs_serialize_database(db, &raw, &length), HS_SUCCESS);
         std::string image(raw, length);
         std::free(raw);
         return image;
       }},
  };
  for (const auto& tc : kCases) {
    SCOPED_TRACE(tc.name);
    TempDir dir("regex_matcher_test");
    ASSERT_FALSE(dir.path().empty());
    const DbCache cache(dir.path());
    const Compiled cold = CompileOrDie(tc.patterns, false, cache);
    ASSERT_NE(cold.db, nullptr);
    const std::filesystem::path entry = OnlyEntry(dir.path());
    ASSERT_FALSE(entry.empty());
    std::string bytes;
    {
      std::ifstream in(entry, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const std::string damaged = tc.damage(bytes, cold.db->db());
    ASSERT_NE(damaged, bytes);
    { std::ofstream(entry, std::ios::binary | std::ios::trunc) << damaged; }

    const Compiled again = CompileOrDie(tc.patterns, false, cache);
    ASSERT_NE(again.db, nullptr);
    EXPECT_FALSE(again.db->build_info().from_cache);
    EXPECT_EQ(Fallbacks(*again.db), Fallbacks(*cold.db));
    EXPECT_EQ(again.MatchingIds("idiot dummkopf"), cold.MatchingIds("idiot dummkopf"));
    // The recompile replaced the entry, so the next load is a hit again.
    const Compiled third = CompileOrDie(tc.patterns, false, cache);
    ASSERT_NE(third.db, nullptr);
    EXPECT_TRUE(third.db->build_info().from_cache);
    EXPECT_EQ(Fallbacks(*third.db), Fallbacks(*cold.db));
  }
}

TEST(RegexDatabaseTest, SecondCompileLoadsFromTheCacheAndMatchesTheSame) {
  TempDir dir("regex_matcher_test");
  ASSERT_FALSE(dir.path().empty());
  const DbCache cache(dir.path());
  const std::vector<std::string> patterns = {"idiot", "dumm\\w*"};
  const Compiled first = CompileOrDie(patterns, false, cache);
  const Compiled second = CompileOrDie(patterns, false, cache);
  ASSERT_NE(first.db, nullptr);
  ASSERT_NE(second.db, nullptr);
  EXPECT_FALSE(first.db->build_info().from_cache);
  EXPECT_TRUE(second.db->build_info().from_cache);
  EXPECT_THAT(second.MatchingIds("dummes idiot"), ElementsAre(0, 1));
  EXPECT_THAT(second.MatchingIds("idiotisch"), ElementsAre(0));
}

TEST(RegexDatabaseTest, Re2InvalidPatternIsRejectedNamingItsId) {
  for (bool force_re2 : {false, true}) {
    RegexDatabase::Options options;
    options.force_re2 = force_re2;
    auto db = RegexDatabase::Compile({"idiot", "dumm", "(unclosed"}, options, DbCache(""));
    EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(db.status().message()), HasSubstr("regex 2"));
  }
}

TEST(RegexDatabaseTest, EmptyPatternListNeverMatches) {
  const Compiled c = CompileOrDie({});
  ASSERT_NE(c.db, nullptr);
  EXPECT_EQ(c.db->size(), 0u);
  std::vector<uint32_t> ids;
  EXPECT_TRUE(c.db->MatchingIds("anything", nullptr, &ids).ok());
  EXPECT_THAT(ids, IsEmpty());
}

}  // namespace
}  // namespace moderation::match
