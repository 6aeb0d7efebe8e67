// Topics: folding and splitting, the space-saving sketch, rising terms.
#include "server/pulse/topics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/testing/text_corpora.h"
#include "engine/text/normalizer.h"
#include "server/pulse/interner.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse {
namespace {

using ::testing::ElementsAreArray;

std::vector<std::string> Terms(std::string_view title, std::string_view body,
                               TopicLanguage hint = TopicLanguage::kUnknown) {
  PostTerms t;
  Tokenize(title, body, &t, hint);
  return {t.terms.begin(), t.terms.begin() + t.count};
}

TopicLanguage LanguageOf(std::string_view body, TopicLanguage hint = TopicLanguage::kUnknown) {
  PostTerms t;
  Tokenize("", body, &t, hint);
  return t.language;
}

constexpr TopicLanguage kAny = TopicLanguage::kUnknown;
constexpr TopicLanguage kDe = TopicLanguage::kGerman;
constexpr TopicLanguage kEn = TopicLanguage::kEnglish;

struct Case {
  std::string_view body;
  TopicLanguage hint;
  std::vector<std::string> want;
  std::string_view title = "";
};

void ExpectTerms(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_THAT(Terms(c.title, c.body, c.hint), ElementsAreArray(c.want))
        << c.title << " | " << c.body << " (hint " << static_cast<int>(c.hint) << ")";
  }
}

TEST(TopicsTest, TokenizeFoldsSkipsStopWordsMentionsAndUrlsAndPairsNeighbours) {
  ExpectTerms({
      {"Die Impfpflicht im Bundestag!", kAny, {"impfpflicht", "bundestag"}},
      {"Impfpflicht: Bundestag stimmt",
       kAny,
       {"impfpflicht", "bundestag", "impfpflicht bundestag", "stimmt", "bundestag stimmt"}},
      {"@MaxMuster ist BLÖD, Öl", kAny, {"blöd", "öl", "blöd öl"}},
      {"siehe https://example.org/foo Wetter", kAny, {"siehe", "wetter"}},
      {"Ergebnis", kAny, {"wahl", "ergebnis"}, "Wahl"},  // no pair across title and body
      {"the weather and the match", kAny, {"weather", "match"}},
      {"„Streik“ heute", kAny, {"streik", "heute", "streik heute"}},
      {"«Streik» heute", kAny, {"streik", "heute", "streik heute"}},  // guillemets separate
  });
}

TEST(TopicsTest, AStopWordOfTheOtherLanguageIsATopic) {
  ExpectTerms({
      // English "war" is a topic in an English post, German "war" ("was")
      // a stop word in a German one.
      {"The war in Ukraine is getting worse",
       kAny,
       {"war", "ukraine", "getting", "worse", "getting worse"}},
      {"Der Krieg war schrecklich, es war so laut", kAny, {"krieg", "schrecklich", "laut"}},
      // "die", "hat", "will", "also" are German stop words only.
      {"I will buy a hat and I also think it is time to die",
       kEn,
       {"will", "buy", "will buy", "hat", "buy hat", "also", "think", "also think", "time", "die"}},
      {"Sie hat die Wahl also doch verloren und will nicht mehr", kAny, {"wahl", "verloren"}},
      // "most", "her", "here" are English stop words only.
      {"Der Most ist da, bring her die Äpfel",
       kAny,
       {"most", "bring", "her", "bring her", "äpfel"}},
  });
}

TEST(TopicsTest, TheHintChoosesTheListTheVoteDecidesWithoutOne) {
  struct LanguageCase {
    std::string_view body;
    TopicLanguage hint;
    TopicLanguage want;
  };
  const std::vector<LanguageCase> cases = {
      // The vote: whose stop words (two-letter ones included) are more.
      {"The war is over and we are going home", kAny, kEn},
      {"Der Krieg ist vorbei und wir gehen nach Hause", kAny, kDe},
      {"It is what it is", kAny, kEn},                   // two-letter stop words vote
      {"Es ist zu spät", kAny, kDe},                     // "es", "zu", "ist"
      {"Impfpflicht Bundestag Abstimmung", kAny, kAny},  // no stop words: a tie
      {"will it rain", kAny, kAny},                      // "will" German, "it" English
      // The hint beats the vote.
      {"Der Krieg war schrecklich", kEn, kEn},
      {"The war is over", kDe, kDe},
      {"", kEn, kEn},
  };
  for (const LanguageCase& c : cases) {
    EXPECT_EQ(LanguageOf(c.body, c.hint), c.want) << c.body;
  }
  ExpectTerms({
      // An English hint keeps "war" that the vote (German "der", "war")
      // would drop, and drops nothing German.
      {"Der Krieg war schrecklich",
       kEn,
       {"der", "krieg", "der krieg", "war", "krieg war", "schrecklich", "war schrecklich"}},
      {"Der Krieg war schrecklich", kAny, {"krieg", "schrecklich"}},
      // A German hint drops "war" from an English post, and keeps "the".
      {"The war is over", kDe, {"the", "over"}},
      {"The war is over", kAny, {"war"}},
      // A tie drops the words of both lists.
      {"will it rain", kAny, {"rain"}},
  });
}

TEST(TopicsTest, TopicLanguageOfTagReadsThePrimarySubtag) {
  const std::vector<std::pair<std::string_view, TopicLanguage>> cases = {
      {"de", kDe},    {"de-AT", kDe}, {"DE-ch", kDe}, {"de_DE", kDe}, {"en", kEn},
      {"en-GB", kEn}, {"EN-us", kEn}, {"", kAny},     {"fr", kAny},   {"den", kAny},
      {"eng", kAny},  {"d", kAny},    {"e", kAny},    {"de-", kDe},   {"x-de", kAny},
  };
  for (const auto& [tag, want] : cases) EXPECT_EQ(TopicLanguageOfTag(tag), want) << tag;
}

TEST(TopicsTest, SpellingsTheFoldedViewJoinsAreOneTopic) {
  // Invisible characters, case (Latin, fullwidth, Cyrillic, Greek, ß) and
  // composed or combining umlauts: one term, one hash, as the rules see it.
  const std::vector<std::pair<std::string, std::vector<std::string_view>>> groups = {
      {"impfpflicht",
       {"Impfpflicht", "IMPFPFLICHT", "Impf\u00ADpflicht", "Impf\u200Bpflicht", "Impf\u2060pflicht",
        "IMPF\u00ADPFLICHT", "\uFF29\uFF4D\uFF50\uFF46pflicht"}},
      {"\u0432\u043E\u0439\u043D\u0430",  // война
       {"\u0412\u041E\u0419\u041D\u0410", "\u0412\u043E\u0439\u043D\u0430",
        "\u0432\u043E\u0439\u043D\u0430"}},
      {"\u03C3\u03BF\u03C6\u03B9\u03B1",  // σοφια
       {"\u03A3\u039F\u03A6\u0399\u0391", "\u03C3\u03BF\u03C6\u03B9\u03B1"}},
      {"strasse", {"Stra\u00DFe", "STRASSE", "Strasse", "STRA\u1E9EE"}},
      {"blöd", {"Blöd", "BLÖD", "Blo\u0308d", "BLO\u0308D"}},
  };
  for (const auto& [want, spellings] : groups) {
    for (std::string_view spelling : spellings) {
      PostTerms t;
      Tokenize("", spelling, &t);
      ASSERT_EQ(t.count, 1) << spelling;
      EXPECT_EQ(t.terms[0], want) << spelling;
      EXPECT_EQ(t.hashes[0], TopicTermHash(want)) << spelling;
    }
  }
  // ...so they count together.
  TopicTracker tracker;
  PostTerms t;
  for (std::string_view spelling : groups[0].second) {
    Tokenize("", spelling, &t);
    tracker.Add(100, t);
  }
  const std::vector<RisingTopic> rising = tracker.Rising(100, 10);
  ASSERT_EQ(rising.size(), 1u);
  EXPECT_EQ(rising[0].term, "impfpflicht");
  EXPECT_EQ(rising[0].count, groups[0].second.size());
}

TEST(TopicsTest, MentionsAndUrlsAreSkippedAndSeparatePairs) {
  ExpectTerms({
      {"Streik @Bahnchef Bahn", kAny, {"streik", "bahn"}},
      // The whole handle is the person's name.
      {"Streik @BAHN_CHEF Bahn", kAny, {"streik", "bahn"}},
      {"Streik @anna-lena.mueller99 Bahn", kAny, {"streik", "bahn"}},
      {"Streik @anna@example.social Bahn", kAny, {"streik", "bahn"}},
      {"Danke @bahnchef. Streik", kAny, {"danke", "streik"}},
      {"Streik \uFF20Bahnchef Bahn", kAny, {"streik", "bahn"}},  // fullwidth @ folds to @
      {"Streik https://example.org/bahn Bahn", kAny, {"streik", "bahn"}},
      {"Streik HTTPS://Example.org/Bahn Bahn", kAny, {"streik", "bahn"}},
      {"Streik WWW.Bahn.de Bahn", kAny, {"streik", "bahn"}},
      {"@Max war hier", kEn, {"war", "hier", "war hier"}},
  });
}

TEST(TopicsTest, BigramsPairNeighbouringContentWordsOnly) {
  ExpectTerms({
      {"Impfpflicht Bundestag", kAny, {"impfpflicht", "bundestag", "impfpflicht bundestag"}},
      // A stop word of the post's language separates the pair...
      {"Streik der Bahn", kAny, {"streik", "bahn"}},
      {"the war crimes and the war", kAny, {"war", "crimes", "war crimes", "war"}},
      // ...one of the other language does not: it is a content word.
      {"Streik the Bahn", kDe, {"streik", "the", "streik the", "bahn", "the bahn"}},
      {"war crimes", kDe, {"crimes"}},
      // Two-letter stop words separate too; other short words do not.
      {"Streik zu Bahn", kAny, {"streik", "bahn"}},
      {"war in Ukraine", kEn, {"war", "ukraine"}},
      {"Streik EU Bahn", kAny, {"streik", "bahn", "streik bahn"}},
      // Invisible characters join a word rather than split it.
      {"Impf\u00ADpflicht Bundes\u200Btag",
       kAny,
       {"impfpflicht", "bundestag", "impfpflicht bundestag"}},
  });
}

TEST(TopicsTest, ALongWordIsCutBeforeACharacterThatWouldNotFit) {
  const std::string word = std::string(39, 'a') + "\u00F6" + "bc";  // ö at bytes 39..40
  const std::vector<std::string> terms = Terms("", word);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0], std::string(39, 'a'));
  EXPECT_EQ(Terms("", std::string(45, 'x'))[0], std::string(kMaxTopicBytes, 'x'));
}

TEST(TopicsTest, StopWordListsAreFoldedAndFoundExactly) {
  // Each list is folded as the tokenizer sees words, and holds its
  // language's function words only: the words the issue names are in one
  // list and not the other.
  for (const TopicLanguage language : {kDe, kEn}) {
    const std::span<const std::string_view> list = StopWordList(language);
    ASSERT_GT(list.size(), 100u);
    for (size_t i = 0; i < list.size(); ++i) {
      std::string folded;
      ASSERT_TRUE(text::FoldTerm(list[i], &folded).ok()) << list[i];
      EXPECT_EQ(folded, list[i]);
      EXPECT_GE(list[i].size(), 2u) << list[i];
      EXPECT_EQ(std::find(list.begin(), list.begin() + static_cast<ptrdiff_t>(i), list[i]),
                list.begin() + static_cast<ptrdiff_t>(i))
          << "listed twice: " << list[i];
    }
  }
  for (std::string_view w : {"war", "die", "hat", "will", "also", "der", "und", "dass"}) {
    EXPECT_TRUE(IsStopWord(w, kDe)) << w;
    EXPECT_FALSE(IsStopWord(w, kEn)) << w;
    EXPECT_TRUE(IsStopWord(w, kAny)) << w;
  }
  for (std::string_view w : {"the", "and", "most", "her", "here", "don"}) {
    EXPECT_TRUE(IsStopWord(w, kEn)) << w;
    EXPECT_FALSE(IsStopWord(w, kDe)) << w;
  }
  EXPECT_TRUE(IsStopWord("was", kDe) && IsStopWord("was", kEn));
  // The table by hash (tags, keys, two-letter table) against a search of
  // the lists: every listed word, every word of the test corpora (folded as
  // Tokenize folds them), and a few that are not listed.
  auto listed = [](std::string_view w) {
    uint8_t bits = 0;
    for (const TopicLanguage language : {kDe, kEn}) {
      const std::span<const std::string_view> list = StopWordList(language);
      if (std::find(list.begin(), list.end(), w) != list.end()) bits |= LanguageBit(language);
    }
    return bits;
  };
  const StopWordHashes& table = StopWordHashes::Get();
  for (const TopicLanguage language : {kDe, kEn}) {
    for (std::string_view w : StopWordList(language)) {
      EXPECT_EQ(table.Languages(w, TopicWordHash(w)), listed(w)) << w;
      EXPECT_NE(listed(w) & LanguageBit(language), 0) << w;
    }
  }
  int words = 0, stop = 0;
  for (const std::string& line : ::moderation::testing::TextCorpusLines()) {
    std::string folded;
    ASSERT_TRUE(text::FoldTerm(line, &folded).ok());
    std::string word;
    for (size_t i = 0; i <= folded.size(); ++i) {
      const char c = i < folded.size() ? folded[i] : ' ';
      if (c == ' ' || c == ',' || c == '.' || c == '"' || c == '!' || c == '?') {
        if (!word.empty()) {
          ++words;
          stop += listed(word) != 0;
          ASSERT_EQ(table.Languages(word, TopicWordHash(word)), listed(word)) << word;
        }
        word.clear();
      } else {
        word.push_back(c);
      }
    }
  }
  EXPECT_GT(words, 20000);
  EXPECT_GT(stop, 3000);
  for (std::string_view w : {"", "a", "di", "diee", "zwischenzeit", "überall", "xyz", "öl", "ab",
                             "ofx", "zwischenzwischen1"}) {
    EXPECT_EQ(table.Languages(w, TopicWordHash(w)), listed(w)) << w;
  }
}

TEST(TopicsTest, TokenizeReadsABoundedPrefix) {
  std::string body;
  for (int i = 0; i < 500; ++i) absl::StrAppend(&body, "wort", i, "x ");
  EXPECT_LE(Terms("", body).size(), static_cast<size_t>(kMaxPostTerms));
}

TEST(TopicsTest, SpaceSavingKeepsAFrequentTermAmongManyRareOnes) {
  SpaceSaving s;
  for (int i = 0; i < 500; ++i) {
    const std::string rare = absl::StrCat("rare", i);
    s.Add(std::hash<std::string>{}(rare) | 1, rare);
    if (i % 5 == 0) s.Add(42, "hot");
  }
  EXPECT_GE(s.Count(42), 100u);
  EXPECT_EQ(s.total(), 600u);
}

TEST(TopicsTest, RisingTermsAreThoseAboveTheBaselinesShare) {
  TopicTracker t;
  auto add = [&t](uint32_t hour, std::string_view text, int times) {
    PostTerms terms;
    for (int i = 0; i < times; ++i) {
      Tokenize("", text, &terms);
      t.Add(hour, terms);
    }
  };
  add(100, "Wetter", 20);
  add(100, "Fussball", 20);
  add(101, "Wetter", 20);
  add(101, "Impfpflicht", 20);
  const std::vector<RisingTopic> rising = t.Rising(101, 10);
  ASSERT_FALSE(rising.empty());
  EXPECT_EQ(rising[0].term, "impfpflicht");
  EXPECT_EQ(rising[0].count, 20u);
  for (const RisingTopic& r : rising) EXPECT_NE(r.term, "wetter");
  EXPECT_TRUE(t.Rising(102, 10).empty());
}

TEST(TopicsTest, ThePulseShowsACommunitysRisingTopics) {
  ManualClock clock(absl::FromUnixSeconds(1796029200));
  PulseOptions options;
  options.topic_sample_every = 1;
  Pulse pulse(options, &clock, nullptr);
  for (int i = 0; i < 10; ++i) {
    PulseEvent e;
    e.community = "news";
    e.author_id = "a";
    e.body = "Der Streik bei der Bahn @Bahnchef";
    pulse.Record(e);
  }
  const std::vector<RisingTopic> rising = pulse.Snapshot("news")->rising_topics;
  std::vector<std::string> terms;
  for (const RisingTopic& r : rising) terms.push_back(r.term);
  EXPECT_THAT(terms, ::testing::UnorderedElementsAre("streik", "bahn"));
}

TEST(InternerTest, NamesGetStableIdsUpToTheCapacityThenOther) {
  Interner interner(2);
  EXPECT_EQ(interner.Intern(""), Interner::kNoneId);
  const uint16_t insult = interner.Intern("insult");
  EXPECT_EQ(interner.Intern("threat"), insult + 1);
  EXPECT_EQ(interner.Intern("insult"), insult);
  EXPECT_EQ(interner.Intern("spam"), Interner::kOtherId);  // full
  EXPECT_EQ(interner.Name(insult), "insult");
  EXPECT_EQ(interner.Name(Interner::kOtherId), "other");
  // An alert's subject "other" maps back to the overflow id, not a new one.
  EXPECT_EQ(interner.Intern("other"), Interner::kOtherId);
}

}  // namespace
}  // namespace moderation::server::pulse
