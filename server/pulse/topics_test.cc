// Topics: folding and splitting, the space-saving sketch, rising terms.
#include "server/pulse/topics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/testing/text_corpora.h"
#include "server/pulse/interner.h"
#include "server/pulse/pulse.h"

namespace moderation::server::pulse {
namespace {

using ::testing::ElementsAreArray;

std::vector<std::string> Terms(std::string_view title, std::string_view body) {
  PostTerms t;
  Tokenize(title, body, &t);
  return {t.terms.begin(), t.terms.begin() + t.count};
}

TEST(TopicsTest, TokenizeFoldsSkipsStopWordsMentionsAndUrlsAndPairsNeighbours) {
  struct Case {
    std::string_view title, body;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"", "Die Impfpflicht im Bundestag!", {"impfpflicht", "bundestag", "impfpflicht bundestag"}},
      {"", "@MaxMuster ist BLÖD, Öl", {"blöd", "öl", "blöd öl"}},
      {"", "siehe https://example.org/foo Wetter", {"siehe", "wetter"}},
      {"Wahl", "Ergebnis", {"wahl", "ergebnis"}},  // no pair across title and body
      {"", "the weather and the match", {"weather", "match"}},
      {"", "„Streik“ heute", {"streik", "heute", "streik heute"}},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Terms(c.title, c.body), ElementsAreArray(c.want)) << c.body;
  }
}

TEST(TopicsTest, StopWordsAreExactlyTheShippedList) {
  // IsStopWord's length and first-byte filter (and IsStopWordHashed's
  // table by word hash) must not lose a listed word, nor admit another: every listed word, and
  // every word of the test corpora (folded as Tokenize folds them) against a search of the list.
  const std::span<const std::string_view> list = StopWordList();
  ASSERT_GT(list.size(), 150u);
  for (std::string_view w : list) {
    EXPECT_TRUE(IsStopWord(w)) << w;
    EXPECT_TRUE(IsStopWordHashed(w, TopicWordHash(w))) << w;
  }
  auto listed = [&](std::string_view w) {
    return std::find(list.begin(), list.end(), w) != list.end();
  };
  int words = 0, stop = 0;
  for (const std::string& line : ::moderation::testing::TextCorpusLines()) {
    std::string word;
    for (size_t i = 0; i <= line.size(); ++i) {
      const char c = i < line.size() ? line[i] : ' ';
      if (c == ' ' || c == ',' || c == '.' || c == '"' || c == '!' || c == '?') {
        if (!word.empty()) {
          ++words;
          stop += listed(word);
          ASSERT_EQ(IsStopWord(word), listed(word)) << word;
          ASSERT_EQ(IsStopWordHashed(word, TopicWordHash(word)), listed(word)) << word;
        }
        word.clear();
      } else {
        word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
      }
    }
  }
  EXPECT_GT(words, 20000);
  EXPECT_GT(stop, 3000);
  for (std::string_view w : {"", "a", "di", "diee", "zwischenzeit", "überall", "xyz"}) {
    EXPECT_EQ(IsStopWord(w), listed(w)) << w;
    EXPECT_EQ(IsStopWordHashed(w, TopicWordHash(w)), listed(w)) << w;
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
