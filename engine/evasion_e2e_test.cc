// The evasion table: every evasion class, for many words, through a real rule
// file, the compiler and the evaluator. A rule written once in plain German
// must catch each disguise, and the reported span must be exactly the bytes
// the user typed.
#include <functional>
#include <string>
#include <vector>

#include "engine/testing/test_rules.h"
#include "engine/text/utf8.h"
#include "gtest/gtest.h"

namespace moderation {
namespace {

using testing::CompileYaml;
using testing::Judge;

const char kInsultRules[] = R"(
ruleset: evasion
version: "1"
rules:
  - id: insult
    category: insult
    words: [Dummbatz, Blödmann, Knalltüte, Lackaffe, Vollidiot, Schlampe, Hurensohn,
            Missgeburt, Wichser, Großmaul, Drecksau, Spacko]
    match: compound
    action: block
)";

const std::vector<std::string> kTerms = {"Dummbatz",  "Blödmann", "Knalltüte", "Lackaffe",
                                         "Vollidiot", "Schlampe", "Hurensohn", "Missgeburt",
                                         "Wichser",   "Großmaul", "Drecksau",  "Spacko"};

std::u32string Decode(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    int len = 0;
    out.push_back(text::DecodeUtf8(s, i, &len));
    i += len;
  }
  return out;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) text::AppendUtf8(c, &out);
  return out;
}

bool IsAsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
char32_t Upper(char32_t c) {
  return IsAsciiLower(c) ? c - 32 : (c == U'ö' ? U'Ö' : c == U'ü' ? U'Ü' : c);
}

std::string Map(const std::string& term, const std::function<std::u32string(char32_t, size_t)>& f) {
  std::u32string out;
  const std::u32string in = Decode(term);
  for (size_t i = 0; i < in.size(); ++i) out += f(in[i], i);
  return Encode(out);
}

std::string Join(const std::string& term, const std::u32string& separator) {
  return Map(term,
             [&](char32_t c, size_t i) { return i == 0 ? std::u32string(1, c) : separator + c; });
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

struct EvasionClass {
  std::string name;
  std::function<std::string(const std::string&)> disguise;
};

std::vector<EvasionClass> Classes() {
  return {
      {"case_upper",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) { return std::u32string(1, Upper(c)); });
       }},
      {"case_alternating",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t i) {
           return std::u32string(1, i % 2 ? Upper(c) : (c >= 'A' && c <= 'Z' ? c + 32 : c));
         });
       }},
      {"leet",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t i) {
           const std::u32string lower = i == 0 ? std::u32string(1, c) : std::u32string(1, c);
           switch (c) {
             case 'a':
               return std::u32string(U"4");
             case 'e':
               return std::u32string(U"3");
             case 'o':
               return std::u32string(U"0");
             case 'i':
               return std::u32string(U"1");
             case 's':
               return std::u32string(U"$");
             default:
               return lower;
           }
         });
       }},
      {"leet_at",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) { return std::u32string(1, c == 'a' ? U'@' : c); });
       }},
      {"cyrillic_lookalikes",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) {
           switch (c) {
             case 'a':
               return std::u32string(U"а");
             case 'e':
               return std::u32string(U"е");
             case 'o':
               return std::u32string(U"о");
             case 'c':
               return std::u32string(U"с");
             case 'p':
               return std::u32string(U"р");
             default:
               return std::u32string(1, c);
           }
         });
       }},
      {"greek_omicron",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) { return std::u32string(1, c == 'o' ? U'ο' : c); });
       }},
      {"fullwidth",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) {
           return std::u32string(1, c >= '!' && c <= '~' ? c - 0x21 + 0xFF01 : c);
         });
       }},
      {"math_bold",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) {
           if (IsAsciiLower(c)) return std::u32string(1, 0x1D41A + (c - 'a'));
           if (c >= 'A' && c <= 'Z') return std::u32string(1, 0x1D400 + (c - 'A'));
           return std::u32string(1, c);
         });
       }},
      {"zero_width_space", [](const std::string& t) { return Join(t, U"\u200B"); }},
      {"zero_width_joiner", [](const std::string& t) { return Join(t, U"\u200D"); }},
      {"zero_width_non_joiner", [](const std::string& t) { return Join(t, U"\u200C"); }},
      {"soft_hyphen", [](const std::string& t) { return Join(t, U"\u00AD"); }},
      {"bidi_controls", [](const std::string& t) { return Join(t, U"\u2066"); }},
      {"spaced", [](const std::string& t) { return Join(t, U" "); }},
      {"dotted", [](const std::string& t) { return Join(t, U"."); }},
      {"underscored", [](const std::string& t) { return Join(t, U"_"); }},
      {"dashed_letters", [](const std::string& t) { return Join(t, U"-"); }},
      {"star_inside",
       [](const std::string& t) {
         std::u32string s = Decode(t);
         s.insert(2, U"*");
         return Encode(s);
       }},
      {"hyphen_inside",
       [](const std::string& t) {
         std::u32string s = Decode(t);
         s.insert(s.size() / 2, U"-");
         return Encode(s);
       }},
      {"stretched",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) {
           const bool vowel =
               c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == U'ö' || c == U'ü';
           return vowel ? std::u32string(5, c) : std::u32string(1, c);
         });
       }},
      {"umlaut_transliterated",
       [](const std::string& t) {
         return ReplaceAll(ReplaceAll(ReplaceAll(t, "ö", "oe"), "ü", "ue"), "ß", "ss");
       }},
      {"umlaut_dropped",
       [](const std::string& t) {
         return ReplaceAll(ReplaceAll(ReplaceAll(t, "ö", "o"), "ü", "u"), "ß", "ss");
       }},
      {"combining_marks",
       [](const std::string& t) {
         // Decomposed umlauts, plus an acute accent on the first vowel.
         std::u32string s;
         bool accented = false;
         for (char32_t c : Decode(t)) {
           if (c == U'ö') {
             s += U"o\u0308";
             continue;
           }
           if (c == U'ü') {
             s += U"u\u0308";
             continue;
           }
           s += c;
           if (!accented && (c == 'a' || c == 'e' || c == 'i')) {
             s += U'\u0301';
             accented = true;
           }
         }
         return Encode(s);
       }},
      {"precomposed_accents",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) {
           return std::u32string(1, c == 'a' ? U'á' : c == 'e' ? U'é' : c == 'i' ? U'í' : c);
         });
       }},
      {"leet_and_spaced",
       [](const std::string& t) {
         return Join(ReplaceAll(ReplaceAll(t, "a", "4"), "e", "3"), U" ");
       }},
      {"cyrillic_and_stretched",
       [](const std::string& t) {
         return Map(t, [](char32_t c, size_t) {
           return c == 'a' ? std::u32string(U"аааа") : std::u32string(1, c == 'o' ? U'о' : c);
         });
       }},
      {"upper_and_zero_width",
       [](const std::string& t) {
         std::string up = Map(t, [](char32_t c, size_t) { return std::u32string(1, Upper(c)); });
         return Join(up, U"\u200B");
       }},
      {"transliterated_and_dotted",
       [](const std::string& t) {
         return Join(ReplaceAll(ReplaceAll(t, "ö", "oe"), "ü", "ue"), U".");
       }},
  };
}

class EvasionTest : public ::testing::TestWithParam<EvasionClass> {
 protected:
  static void SetUpTestSuite() { rules_ = CompileYaml(kInsultRules); }
  static void TearDownTestSuite() { rules_.reset(); }
  static std::shared_ptr<const CompiledRuleSet> rules_;
};
std::shared_ptr<const CompiledRuleSet> EvasionTest::rules_;

TEST_P(EvasionTest, EveryTermIsCaughtAndReportedOnTheBytesTheUserTyped) {
  ASSERT_NE(rules_, nullptr);
  const EvasionClass& evasion = GetParam();
  for (const std::string& term : kTerms) {
    const std::string disguised = evasion.disguise(term);
    const std::string post = "Du bist ein " + disguised + "!";
    const Decision d = Judge(*rules_, post);
    EXPECT_EQ(d.verdict, Verdict::kBlock)
        << evasion.name << ": \"" << disguised << "\" was not caught";
    const std::vector<std::string> spans = testing::SpanTexts(d);
    EXPECT_EQ(spans, std::vector<std::string>{disguised}) << evasion.name << " for " << term;
  }
}

INSTANTIATE_TEST_SUITE_P(AllClasses, EvasionTest, ::testing::ValuesIn(Classes()),
                         [](const ::testing::TestParamInfo<EvasionClass>& info) {
                           return info.param.name;
                         });

struct InflectionCase {
  std::string text;
  std::string expected_span;
};

TEST(GermanInflectionTest, CompoundsAndInflectedFormsAreCaughtAsWholeWords) {
  auto rules = CompileYaml(kInsultRules);
  ASSERT_NE(rules, nullptr);
  const std::vector<InflectionCase> cases = {
      {"Ihr Blödmänner!", "Blödmänner"},     {"Des Blödmanns Rede", "Blödmanns"},
      {"Du Oberblödmann.", "Oberblödmann"},  {"So ein Riesendummbatz", "Riesendummbatz"},
      {"Ihr Lackaffen", "Lackaffen"},        {"lauter Vollidioten hier", "Vollidioten"},
      {"Knalltüten überall", "Knalltüten"},  {"Ihr Hurensöhne", "Hurensöhne"},
      {"diese Drecksäue", "Drecksäue"},      {"alles Missgeburten", "Missgeburten"},
      {"Ober-Blödmann", "Blödmann"},         {"Dummbatzes Meinung", "Dummbatzes"},
      {"Oberdummbatz", "Oberdummbatz"},      {"Riesenschlampen", "Riesenschlampen"},
      {"Du 0berbl0edm4nn", "0berbl0edm4nn"}, {"Ihr BLÖDMÄNNER", "BLÖDMÄNNER"},
  };
  for (const InflectionCase& c : cases) {
    const Decision d = Judge(*rules, c.text);
    EXPECT_EQ(d.verdict, Verdict::kBlock) << c.text;
    EXPECT_EQ(testing::SpanTexts(d), std::vector<std::string>{c.expected_span}) << c.text;
  }
}

TEST(HarmlessLookalikeTest, WordsThatMerelyContainTheLettersAreNotPunishedWithoutAnAllowList) {
  auto rules = CompileYaml(R"(
ruleset: lookalikes
version: "1"
rules:
  - id: insult
    category: insult
    words: [Arsch, Schlampe, Sex, Affe, Penis, Hure]
    match: compound
    action: block
)");
  ASSERT_NE(rules, nullptr);
  for (const char* text : {"Die Nachbarschaft ist nett", "Die Tischlampe ist kaputt",
                           "Sie hat das Staatsexamen bestanden", "Ein Sextett spielte Mozart",
                           "Der Marsch war lang", "Ein Barsch im Teich", "Er ist sehr harsch",
                           "Unser Kassenwart", "Der Staatsanwalt ermittelt", "Penistone is a town",
                           "Sextant und Kompass", "Die Schlamperei nervt", "Hurrikan über Florida",
                           "Klassische Musik", "Der Affenfelsen in Gibraltar"}) {
    const Decision d = Judge(*rules, text);
    EXPECT_EQ(d.verdict, Verdict::kAllow)
        << text << " fired " << testing::FiredRules(d).size()
        << " rule(s): " << (d.hits.empty() ? "" : d.hits[0].spans[0].text);
  }
}

}  // namespace
}  // namespace moderation
