// The phrase cost report counts, per phrase, the fields its anchor word
// occurred in, how many of those had a word for every required slot, and how
// many matched; the most triggered phrase comes first.
#include "engine/phrase_cost.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/testing/test_rules.h"

namespace moderation {
namespace {

// "schläft" is in every phrase, so each phrase is anchored on its other
// slot, the rarer word, wherever it stands.
constexpr char kRules[] = R"(
ruleset: phrasecosts
version: "1"
rules:
  - id: cat.sleeps
    category: threat
    action: flag
    phrases:
      - slots: ["Katze", "schläft"]
        ordered: true
        within: 1
  - id: dragon.sleeps
    category: threat
    action: flag
    phrases:
      - slots: ["Drache", "schläft"]
        ordered: true
        within: 1
  - id: unicorn.sleeps
    category: threat
    action: flag
    phrases:
      - slots: ["Einhorn", "schläft"]
        ordered: true
        within: 1
      - slots: ["schläft", "Einhorn"]  # anchored on its second slot
)";

std::vector<Field> Bodies(const std::vector<std::string>& texts) {
  std::vector<Field> fields;
  for (const std::string& t : texts) fields.push_back({"text", t});
  return fields;
}

TEST(PhraseCostTest, CountsTriggersSearchesAndMatchesPerPhraseMostTriggeredFirst) {
  auto set = testing::CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  // "Katze" is in every valid text, "Drache" in one, "Einhorn" in none.
  const std::vector<std::string> texts = {
      "Die Katze schläft.",                         // cat: matched
      "Die Katze frisst.",                          // cat: no "schläft", not searched
      "Die Katze spielt, der Hund schläft heute.",  // cat: searched, too far apart
      "Der Drache schläft, die Katze wacht.",       // cat: wrong order; dragon: matched
      "Katze, Katze, Katze!",                       // cat: one trigger per field
      std::string("Katze \xff", 7),                 // invalid UTF-8: skipped
  };
  auto report = MeasurePhraseCosts(*set, Bodies(texts));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sample_texts, 5u);
  size_t bytes = 0;
  for (size_t i = 0; i < 5; ++i) bytes += texts[i].size();
  EXPECT_EQ(report->sample_bytes, bytes);

  struct Want {
    std::string rule_id;
    size_t phrase;
    std::vector<std::string> anchor_words;
    uint64_t triggers, searched, matched;
  };
  // Ties (the two phrases never triggered) stay in rule order.
  const Want want[] = {
      {"cat.sleeps", 0, {"Katze"}, 5, 3, 1},
      {"dragon.sleeps", 0, {"Drache"}, 1, 1, 1},
      {"unicorn.sleeps", 0, {"Einhorn"}, 0, 0, 0},
      {"unicorn.sleeps", 1, {"Einhorn"}, 0, 0, 0},
  };
  ASSERT_EQ(report->phrases.size(), std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    const PhraseCost& got = report->phrases[i];
    SCOPED_TRACE(want[i].rule_id);
    EXPECT_EQ(got.rule_id, want[i].rule_id);
    EXPECT_EQ(got.phrase, want[i].phrase);
    EXPECT_EQ(got.anchor_words, want[i].anchor_words);
    EXPECT_EQ(got.triggers, want[i].triggers);
    EXPECT_EQ(got.searched, want[i].searched);
    EXPECT_EQ(got.matched, want[i].matched);
    EXPECT_GT(got.location.line, 0);
  }
  EXPECT_EQ(report->triggers, 6u);
  EXPECT_EQ(report->searched, 4u);
  EXPECT_EQ(report->matched, 2u);
}

// A field with more occurrences than a phrase has words is joined through
// its occurrence index, after a check that every required slot occurs at
// all; it must count as a short field does.
TEST(PhraseCostTest, LongFieldsCountAsShortOnes) {
  auto set = testing::CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  std::string padding;
  for (int i = 0; i < 12; ++i) padding += " Drache Einhorn";  // many occurrences
  const std::vector<std::string> texts = {
      "Die Katze frisst." + padding,                          // cat: no "schläft"
      "Die Katze schläft." + padding,                         // cat: matched
      "Die Katze spielt, der Hund schläft heute." + padding,  // cat: searched only
  };
  auto report = MeasurePhraseCosts(*set, Bodies(texts));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->phrases.empty());
  const PhraseCost& cat = report->phrases[0];
  EXPECT_EQ(cat.rule_id, "cat.sleeps");
  EXPECT_EQ(cat.triggers, 3u);
  EXPECT_EQ(cat.searched, 2u);
  EXPECT_EQ(cat.matched, 1u);
}

TEST(PhraseCostTest, CountsAgreeWithWhatEvaluateFires) {
  auto set = testing::CompileYaml(kRules);
  ASSERT_NE(set, nullptr);
  const std::vector<std::string> texts = {"Die Katze schläft.", "Der Drache schläft.",
                                          "Der Drache und die Katze"};
  auto report = MeasurePhraseCosts(*set, Bodies(texts));
  ASSERT_TRUE(report.ok()) << report.status();
  uint64_t fired = 0;
  for (const std::string& t : texts) fired += testing::FiredRules(testing::Judge(*set, t)).size();
  EXPECT_EQ(report->matched, fired);
}

TEST(PhraseCostTest, PhraseOfARuleScopedToTitlesIsNotTriggeredByBodies) {
  auto set = testing::CompileYaml(R"(
ruleset: scoped
version: "1"
rules:
  - id: title.only
    category: threat
    action: flag
    fields: [title]
    phrases:
      - slots: ["Katze", "schläft"]
)");
  ASSERT_NE(set, nullptr);
  auto report =
      MeasurePhraseCosts(*set, {{"text", "Die Katze schläft"}, {"title", "Die Katze schläft"}});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->phrases.size(), 1u);
  EXPECT_EQ(report->phrases[0].triggers, 1u);
  EXPECT_EQ(report->phrases[0].matched, 1u);
}

}  // namespace
}  // namespace moderation
