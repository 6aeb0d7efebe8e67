#include "engine/text/lexicon.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::text {
namespace {

TEST(MildKeyTest, LowersAndSpellsOutUmlautsWithoutLosingLetters) {
  EXPECT_EQ(MildKey("Broschüre"), "broschuere");
  EXPECT_EQ(MildKey("ÖLMÄẞIG"), "oelmae\xe1\xba\x9eig");  // capital ẞ is not Latin-1: kept
  EXPECT_EQ(MildKey("Straße"), "strasse");
  EXPECT_EQ(MildKey("Minuten"), "minuten");
  EXPECT_EQ(MildKey("Idi0t"), "idi0t");
  EXPECT_EQ(MildKey("CAFÉ"), "café");
  EXPECT_EQ(MildKeyWithoutUmlauts("Würde"), "wurde");
  EXPECT_EQ(MildKeyWithoutUmlauts("Straße"), "strasse");
}

std::shared_ptr<const Lexicon> German() {
  return Lexicon::FromWords(
      {"Minuten",       "flicken",        "Moses",       "Broschüre",     "Marsch",     "Vormarsch",
       "vorm",          "arbeitsfreudig", "Arbeit",      "Arschloch",     "Schlampe",   "voll",
       "Vollidiot",     "Idiot",          "Dreck",       "Dreckschlampe", "Tischlampe", "Tisch",
       "Nachbarschaft", "Schwarzenegger", "Arschlöcher", "Blödmann",      "Blödmänner", "Sau",
       "Säue",          "Drecksäue",      "Säuerlich",   "Mann",          "Männer",     "dümmste"},
      "de");
}

struct ProtectCase {
  const char* name;
  const char* word;
  const char* term;
  TermMode mode;
  bool protects;
};

TEST(LexiconTest, ProtectsDictionaryWordsHitOnlyByALossyStepOrAnUnlikelySplit) {
  const auto lexicon = German();
  const ProtectCase kCases[] = {
      {"repeated_letter_collapse", "Minuten", "nutte", TermMode::kCompound, true},
      {"l_read_as_i", "flicken", "fick", TermMode::kPrefix, true},
      {"o_umlaut_read_as_o", "Moses", "möse", TermMode::kCompound, true},
      {"u_umlaut_read_as_u", "Broschüre", "hure", TermMode::kCompound, true},
      {"longer_dictionary_tail", "Vormarsch", "arsch", TermMode::kCompound, true},
      {"modifier_is_no_word", "arbeitsfreudig", "reudig", TermMode::kCompound, true},
      {"collapse_in_a_name", "Schwarzenegger", "neger", TermMode::kCompound, true},
      {"the_term_itself_stays_a_hit", "Schlampe", "schlampe", TermMode::kCompound, false},
      {"an_insult_in_the_dictionary_stays_a_hit", "Arschloch", "arschloch", TermMode::kCompound,
       false},
      {"real_modifier_plus_term_stays_a_hit", "Dreckschlampe", "schlampe", TermMode::kCompound,
       false},
      {"voll_plus_idiot_stays_a_hit", "Vollidiot", "idiot", TermMode::kCompound, false},
      {"not_in_the_dictionary_is_never_protected", "Idi0t", "idiot", TermMode::kWord, false},
      {"evasion_is_not_a_word", "Blööödmann", "blödmann", TermMode::kCompound, false},
      {"umlaut_plural_of_the_term_stays_a_hit", "Arschlöcher", "arschloch", TermMode::kCompound,
       false},
      {"umlaut_plural_in_word_mode_stays_a_hit", "Blödmänner", "blödmann", TermMode::kWord, false},
      {"umlaut_plural_of_au", "Säue", "sau", TermMode::kCompound, false},
      {"modifier_plus_umlaut_plural", "Drecksäue", "sau", TermMode::kCompound, false},
      {"umlauted_stem_of_a_prefix_term_stays_a_hit", "dümmste", "dumm", TermMode::kPrefix, false},
      {"umlaut_stem_without_an_ending_is_protected", "Säuerlich", "sau", TermMode::kCompound, true},
  };
  for (const ProtectCase& c : kCases) {
    const LexiconTerm term{MildKey(c.term), c.mode, false};
    EXPECT_EQ(lexicon->Protects(MildKey(c.word), term), c.protects) << c.name;
  }
}

TEST(UmlautPluralStemTest, UmlautsTheLastVowelThatCanTakeOne) {
  const std::pair<const char*, const char*> kCases[] = {
      {"arschloch", "arschloech"},
      {"bloedmann", "bloedmaenn"},
      {"sau", "saeu"},
      {"kuh", "kueh"},
      {"hund", "huend"},
      {"schlampe", ""},
      {"schwein", ""},
      {"idiot", ""},
      {"", ""},
      {"xyz", ""},
  };
  for (const auto& [term, stem] : kCases) EXPECT_EQ(UmlautPluralStem(term), stem) << term;
}

TEST(LexiconTest, EnglishHasNoUmlautPlural) {
  const auto lexicon = Lexicon::FromWords({"man", "maen"}, "en");
  EXPECT_TRUE(lexicon->Protects("maen", {"man", TermMode::kWord, false}));
}

TEST(LexiconTest, EnglishWordModeProtectsAsFromAss) {
  const auto lexicon = Lexicon::FromWords({"as", "ass", "jack", "jackass", "embarrass"}, "en");
  EXPECT_TRUE(lexicon->Protects("as", {"ass", TermMode::kWord, false}));
  EXPECT_FALSE(lexicon->Protects("ass", {"ass", TermMode::kWord, false}));
  EXPECT_TRUE(lexicon->Protects("embarrass", {"ass", TermMode::kCompound, false}));
}

TEST(LexiconTest, EnglishDictionaryCompoundsAndFalseEndingsAreProtected) {
  const auto lexicon = Lexicon::FromWords(
      {"jackass", "stopcock", "butter", "spices", "bitches", "bitch's", "cocks"}, "en");
  const auto compound = [](const char* term) {
    return LexiconTerm{term, TermMode::kCompound, false};
  };
  EXPECT_TRUE(lexicon->Protects("jackass", compound("ass")));  // list "jackass" itself
  EXPECT_FALSE(lexicon->Protects("jackass", compound("jackass")));
  EXPECT_TRUE(lexicon->Protects("stopcock", compound("cock")));
  EXPECT_TRUE(lexicon->Protects("butter", compound("butt")));
  EXPECT_TRUE(lexicon->Protects("spices", compound("spic")));
  EXPECT_FALSE(lexicon->Protects("bitches", compound("bitch")));
  EXPECT_FALSE(lexicon->Protects("bitch's", compound("bitch")));
  EXPECT_FALSE(lexicon->Protects("cocks", compound("cock")));
}

// German rules on an English word: protected when some dictionary holds it
// and none of those that hold it reads it as the term.
TEST(LexiconGroupTest, AWordCountsWhenAnyDictionaryHoldingItReadsItAsTheTerm) {
  const auto de = Lexicon::FromWords({"Vormarsch", "Marsch", "Idiot", "spices"}, "de");
  const auto en = Lexicon::FromWords({"deep", "Depp", "idiot", "statuses", "spices"}, "en");
  const LexiconGroup group({de, en});
  const auto compound = [](const char* term) {
    return LexiconTerm{term, TermMode::kCompound, false};
  };
  const struct {
    const char* word;
    const char* term;
    bool is_protected;
  } kCases[] = {
      {"deep", "depp", true},        // English only, and not the term
      {"statuses", "tusse", true},   // English only: a lucky substring
      {"vormarsch", "arsch", true},  // German only: a longer word ends it
      {"depp", "depp", false},       // the term, in the English list as a name
      {"idiot", "idiot", false},     // both read it as the term
      {"spices", "spic", false},     // English protects; German reads spic + -es
      {"dummkopf", "dumm", false},   // in no dictionary: never protected
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(group.Protects(c.word, compound(c.term)), c.is_protected) << c.word;
  }
  EXPECT_EQ(group.languages(), "de+en");
  EXPECT_EQ(&group.own(), de.get());
  EXPECT_TRUE(group.Holds(en.get()));
  EXPECT_FALSE(LexiconGroup({de}).Holds(en.get()));
}

TEST(LexiconTest, AProductiveSuffixProtectsEveryLongerDictionaryWord) {
  std::vector<std::string> words = {"Ische", "Afrika"};
  for (const char* stem : {"polit", "afrikan", "techn",  "log",  "prakt", "krit",  "phys", "chem",
                           "typ",   "klass",   "elektr", "mag",  "trag",  "kom",   "mus",  "lyr",
                           "ep",    "dram",    "tak",    "stat", "dynam", "rhythm"}) {
    words.push_back(std::string(stem) + "ische");
  }
  const auto lexicon = Lexicon::FromWords(words, "de");
  EXPECT_TRUE(lexicon->Productive("ische"));
  const LexiconTerm term{"ische", TermMode::kCompound, true};
  EXPECT_TRUE(lexicon->Protects("afrikanische", term));
  EXPECT_FALSE(lexicon->Protects("ische", term));
  EXPECT_FALSE(lexicon->Productive("afrika"));
}

TEST(LexiconTest, ACommonHeadProtectsItsDictionaryCompoundsButNotItself) {
  // Knochen heads five dictionary compounds: an ordinary noun. Idiot heads
  // one (Vollidiot), which stays a hit; Schlampe is no dictionary word's
  // head at all.
  const auto lexicon = Lexicon::FromWords(
      {"Knochen",       "Backenknochen", "Kieferknochen", "Markknochen", "Rinderknochen",
       "Wirbelknochen", "Backen",        "Kiefer",        "Mark",        "Rinder",
       "Wirbel",        "Idiot",         "Vollidiot",     "Voll",        "Stich",
       "Wespenstich",   "Mückenstich",   "Dolchstich",    "Wurmstich",   "Wespen",
       "Mücken",        "Dolch",         "Wurm",          "Schlampe"},
      "de");
  EXPECT_TRUE(lexicon->CommonHead(MildKey("Knochen")));
  EXPECT_FALSE(lexicon->CommonHead(MildKey("Stich"))) << "four compounds: below the minimum";
  EXPECT_FALSE(lexicon->CommonHead(MildKey("Idiot")));
  EXPECT_FALSE(lexicon->CommonHead(MildKey("Schlampe")));
  EXPECT_FALSE(lexicon->CommonHead(MildKey("Kochen"))) << "not a dictionary word";

  const LexiconTerm knochen{MildKey("Knochen"), TermMode::kCompound, true};
  EXPECT_TRUE(lexicon->Protects(MildKey("Backenknochen"), knochen));
  EXPECT_FALSE(lexicon->Protects(MildKey("Knochen"), knochen));
  EXPECT_FALSE(lexicon->Protects(MildKey("Knallknochen"), knochen)) << "not in the dictionary";
  const LexiconTerm idiot{MildKey("Idiot"), TermMode::kCompound, false};
  EXPECT_FALSE(lexicon->Protects(MildKey("Vollidiot"), idiot));
}

TEST(LexiconTest, EnglishHasNoCommonHeads) {
  const auto lexicon = Lexicon::FromWords({"bone", "backbone", "jawbone", "wishbone", "cheekbone",
                                           "fishbone", "back", "wish", "cheek", "fish", "jaw"},
                                          "en");
  EXPECT_FALSE(lexicon->CommonHead("bone"));
}

TEST(LexiconTest, LoadReportsAMissingFile) {
  const auto lexicon = Lexicon::Load("/nonexistent/dict", "de");
  EXPECT_EQ(lexicon.status().code(), absl::StatusCode::kNotFound);
}

TEST(LexiconCacheTest, LoadsAPathOnceAndSharesIt) {
  const std::string path = ::testing::TempDir() + "/lexicon_cache_test.dict";
  {
    std::ofstream out(path);
    out << "Minuten\r\nMarsch\n\nVormarsch\n";
  }
  LexiconCache cache;
  const auto first = cache.Get(path, "de");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->size(), 3u);
  EXPECT_TRUE((*first)->Contains("minuten"));
  const auto second = cache.Get(path, "de");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_FALSE(cache.Get("/nonexistent/dict", "de").ok());
}

}  // namespace
}  // namespace moderation::text
