#include "engine/rules/diagnostic.h"

#include <string>
#include <vector>

#include "engine/rules/content_hash.h"
#include "gtest/gtest.h"

namespace moderation::rules {
namespace {

TEST(DiagnosticTest, ToStringNamesFileLineAndColumn) {
  EXPECT_EQ((Diagnostic{{"rules/de.yaml", 12, 7}, "bad"}).ToString(), "rules/de.yaml:12:7: bad");
}

TEST(DiagnosticTest, ToStringOmitsAnUnknownLine) {
  EXPECT_EQ((Diagnostic{{"rules/", 0, 0}, "no rule files"}).ToString(), "rules/: no rule files");
}

TEST(DiagnosticTest, StatusIsOkWithoutDiagnostics) { EXPECT_TRUE(DiagnosticsToStatus({}).ok()); }

TEST(DiagnosticTest, StatusListsEveryDiagnosticOnItsOwnLine) {
  const absl::Status status =
      DiagnosticsToStatus({{{"a.yaml", 1, 2}, "first"}, {{"b.yaml", 0, 0}, "second"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "a.yaml:1:2: first\nb.yaml: second");
}

struct DidYouMeanCase {
  std::string word;
  std::vector<std::string_view> candidates;
  std::string expected;
};

class DidYouMeanTest : public ::testing::TestWithParam<DidYouMeanCase> {};

TEST_P(DidYouMeanTest, SuggestsOnlyPlausibleTypos) {
  EXPECT_EQ(DidYouMean(GetParam().word, GetParam().candidates), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DidYouMeanTest,
    ::testing::Values(
        DidYouMeanCase{"scroe", {"id", "score", "action"}, "score"},       // transposition
        DidYouMeanCase{"blok", {"flag", "block"}, "block"},                // missing letter
        DidYouMeanCase{"catgory", {"category", "condition"}, "category"},  // missing letter
        DidYouMeanCase{"links_at_leats", {"links_at_least", "length_below"}, "links_at_least"},
        DidYouMeanCase{"examples_no_match", {"examples"}, ""},      // too far
        DidYouMeanCase{"xy", {"id"}, ""},                           // all replaced
        DidYouMeanCase{"score", {"score"}, ""},                     // no typo at all
        DidYouMeanCase{"anything", {}, ""},                         // no candidates
        DidYouMeanCase{"suffx", {"prefix", "suffix"}, "suffix"}));  // closest wins

TEST(ContentHashTest, IsTheSha256OfTheBytes) {
  EXPECT_EQ(Sha256Hex(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace moderation::rules
