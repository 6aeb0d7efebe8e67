#include "engine/text/near_duplicate.h"

#include <bit>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/normalizer.h"
#include "gtest/gtest.h"

namespace moderation::text {
namespace {

uint64_t Fingerprint(std::string_view text) {
  NormalizedText n;
  EXPECT_TRUE(Normalize(text, &n).ok()) << text;
  NearDuplicateHasher h;
  h.Add(n.skeleton.text);
  return h.Finish();
}

constexpr std::string_view kOriginal =
    "Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt werden "
    "muss, bevor der Stadtrat am Donnerstag abstimmt!";

TEST(NearDuplicateTest, TheSameTextHasTheSameFingerprint) {
  EXPECT_NE(Fingerprint(kOriginal), 0u);
  EXPECT_EQ(Fingerprint(kOriginal), Fingerprint(std::string(kOriginal)));
}

TEST(NearDuplicateTest, DisguisedCopiesAreNearDuplicates) {
  const std::string_view kCopies[] = {
      // case, accents and spacing
      "ALLE ZUSAMMEN JETZT: schreibt dem Buergermeister, dass die Umgehungsstrasse gestoppt "
      "werden muss, bevor der Stadtrat am Donnerstag abstimmt!!!",
      // leetspeak and an invisible character
      "Alle zus4mmen jetzt: schr3ibt dem Bürger\u200bmeister, dass die Umgehungsstraße gestoppt "
      "werden muss, bevor der Stadtrat am Donnerstag abstimmt!",
      // one word changed
      "Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt werden "
      "muss, bevor der Stadtrat am Freitag abstimmt!",
      // a greeting added in front
      "Hallo! Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt "
      "werden muss, bevor der Stadtrat am Donnerstag abstimmt!",
  };
  const uint64_t original = Fingerprint(kOriginal);
  for (std::string_view copy : kCopies) {
    const uint64_t fp = Fingerprint(copy);
    EXPECT_TRUE(IsNearDuplicate(original, fp))
        << copy << "\n  differs in " << std::popcount(original ^ fp) << " bits";
  }
}

TEST(NearDuplicateTest, DifferentPostsOnTheSameTopicAreNot) {
  const std::vector<std::string_view> kPosts = {
      kOriginal,
      "Ich finde die Umgehungsstraße richtig, der Verkehr in der Innenstadt ist unerträglich.",
      "Der Stadtrat sollte die Abstimmung verschieben, bis das Gutachten zum Lärm vorliegt.",
      "Wer zahlt eigentlich die Umgehungsstraße? Das steht nirgends in dem Artikel.",
      "Am Donnerstag ist die Sitzung öffentlich, man kann einfach hingehen und zuhören.",
      "Schreibt lieber dem Landrat, der Bürgermeister hat da gar nichts zu entscheiden.",
      "Danke für den Bericht, endlich erklärt mal jemand, worum es bei der Straße geht.",
      "Die Bürgerinitiative sammelt Unterschriften vor dem Rathaus, jeden Samstag ab zehn.",
      "Gestoppt werden muss vor allem der Flächenverbrauch, nicht nur diese eine Straße.",
      "I think the bypass is a good idea, traffic downtown has been terrible for years.",
  };
  for (size_t i = 0; i < kPosts.size(); ++i) {
    for (size_t j = i + 1; j < kPosts.size(); ++j) {
      const uint64_t a = Fingerprint(kPosts[i]);
      const uint64_t b = Fingerprint(kPosts[j]);
      EXPECT_FALSE(IsNearDuplicate(a, b))
          << kPosts[i] << "\n"
          << kPosts[j] << "\n  only " << std::popcount(a ^ b) << " bits";
    }
  }
}

TEST(NearDuplicateTest, ShortTextsGetNoFingerprintAndMatchNothing) {
  EXPECT_EQ(Fingerprint("Danke!"), 0u);
  EXPECT_EQ(Fingerprint("+1 sehe ich genauso"), 0u);
  EXPECT_FALSE(IsNearDuplicate(0, 0));
  EXPECT_FALSE(IsNearDuplicate(Fingerprint(kOriginal), 0));
}

TEST(NearDuplicateTest, FieldsAddUpButShinglesDoNotSpanThem) {
  NormalizedText title;
  NormalizedText body;
  ASSERT_TRUE(Normalize("Stoppt die Straße", &title).ok());
  ASSERT_TRUE(Normalize("Schreibt alle dem Bürgermeister", &body).ok());
  NearDuplicateHasher h;
  h.Add(title.skeleton.text);
  EXPECT_EQ(NearDuplicateHasher(h).Finish(), 0u);  // 16 bytes: too short alone
  h.Add(body.skeleton.text);
  EXPECT_NE(h.Finish(), 0u);
}

TEST(NearDuplicateTest, FinishingTwiceGivesTheSameFingerprint) {
  NormalizedText n;
  ASSERT_TRUE(Normalize(kOriginal, &n).ok());
  for (auto variant : {NearDuplicateHasher::Variant::kBest, NearDuplicateHasher::Variant::kAvx2,
                       NearDuplicateHasher::Variant::kScalar}) {
    NearDuplicateHasher h(variant);
    h.Add(n.skeleton.text);
    const uint64_t first = h.Finish();
    EXPECT_EQ(h.Finish(), first);
    EXPECT_EQ(first, Fingerprint(kOriginal));
  }
}

TEST(NearDuplicateTest, LongTextsAreSampledConsistently) {
  std::string a;
  for (int i = 0; i < 60; ++i) a += "Satz Nummer " + std::to_string(i) + " des langen Aufrufs. ";
  std::string b = a;
  b.replace(b.size() / 2, 6, "xxxxxx");
  EXPECT_GT(a.size(), 1024u);
  EXPECT_TRUE(IsNearDuplicate(Fingerprint(a), Fingerprint(b)));
}

}  // namespace
}  // namespace moderation::text
