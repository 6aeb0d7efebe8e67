#include "engine/rules/diagnostic.h"

#include <stdexcept>
#include <string>
#include <vector>

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

TEST(ReportExceptionsTest, AThrowBecomesOneDiagnosticAtTheGivenPlaceAndGoesNoFurther) {
  Diagnostics out;
  bool ran = false;
  ReportExceptions(WholeFile("rules/de.yaml"), "cannot load rules", &out, [&] { ran = true; });
  EXPECT_TRUE(ran);
  EXPECT_TRUE(out.empty());

  ReportExceptions(WholeFile("rules/de.yaml"), "cannot load rules", &out,
                   [] { throw std::runtime_error("yaml-cpp: bad conversion"); });
  ReportExceptions({"rules/en.yaml", 3, 0}, "cannot load", &out, [] { throw 42; });
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].ToString(), "rules/de.yaml: cannot load rules: yaml-cpp: bad conversion");
  EXPECT_EQ(out[1].ToString(), "rules/en.yaml:3: cannot load: unknown error");
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

}  // namespace
}  // namespace moderation::rules
