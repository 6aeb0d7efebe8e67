// A rule's regex reads through evasions, end to end: YAML -> compile -> post.
// The regexes run on the folded view and, when the field holds stretched,
// leet, spaced or look-alike letters, again on the mended view
// (text/mended_view.h); a hit is reported on the bytes the user typed, and
// once.
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::FiredRules;
using testing::Judge;
using testing::SpanTexts;

std::string Set(const std::string& rules) { return "ruleset: t\nversion: \"1\"\nrules:\n" + rules; }

const std::string kRules =
    "  - id: address\n    category: insult\n    action: flag\n"
    "    regex: '(du|ihr)\\s+(opfer|lauch|dumm)\\s*([!.?,]|$)'\n"
    "  - id: threat\n    category: threat\n    action: block\n"
    "    regex: 'bist\\s+du\\s+dran'\n"
    "  - id: pics\n    category: sexual\n    action: flag\n"
    "    regex: 'show\\s+me\\s+(your|ur)\\s+boobs'\n";

struct Case {
  const char* text;
  std::vector<std::string> fired;
  std::vector<std::string> spans;
};

TEST(MendedRegexTest, ARegexCatchesTheEvasionsItsPlainSpellingWouldMeet) {
  auto set = CompileYaml(Set(kRules));
  ASSERT_NE(set, nullptr);
  const Case cases[] = {
      {"Halt dein Maul du Opferrrrr!", {"address"}, {"du Opferrrrr!"}},
      {"du Lauuuuuch", {"address"}, {"du Lauuuuuch"}},
      {"du duuuuummmm!", {"address"}, {"du duuuuummmm!"}},  // runs cut to two
      {"Nächste Woche bist du d r a n", {"threat"}, {"bist du d r a n"}},
      {"b.i.s.t du dran", {"threat"}, {"b.i.s.t du dran"}},
      {"show me ur b00bs", {"pics"}, {"show me ur b00bs"}},
      {"sh\u043ew me your boobs", {"pics"}, {"sh\u043ew me your boobs"}},  // Cyrillic о
      {"du Opfer!", {"address"}, {"du Opfer!"}},  // plain: found once, on the folded view
      {"du Opferrrrr! und du Opfer!", {"address"}, {"du Opferrrrr!", "du Opfer!"}},
      {"Opfer der Flut: 1000 Helfer", {}, {}},
      {"Er ist 3 Tage später dran", {}, {}},
  };
  for (const Case& c : cases) {
    const Decision d = Judge(*set, c.text);
    EXPECT_EQ(FiredRules(d), c.fired) << c.text;
    EXPECT_EQ(SpanTexts(d), c.spans) << c.text;
  }
}

}  // namespace
}  // namespace moderation
