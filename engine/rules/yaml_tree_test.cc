#include "engine/rules/yaml_tree.h"

#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderation::rules::internal {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<YamlDocument> MustParse(std::string_view text) {
  YamlParseError error;
  std::unique_ptr<YamlDocument> doc = YamlDocument::Parse(text, YamlLimits(), &error);
  EXPECT_NE(doc, nullptr) << text << ": " << error.message;
  return doc;
}

TEST(YamlTreeTest, ReadsMappingsSequencesAndScalarsWithTheirOffsets) {
  const std::string_view text = "a: 1\nb: [x, \"y\"]\nc:\n";
  std::unique_ptr<YamlDocument> doc = MustParse(text);
  ASSERT_NE(doc, nullptr);
  const YamlNode& root = doc->root();
  ASSERT_TRUE(root.IsMap());
  ASSERT_EQ(root.size(), 3u);
  const auto& [a_key, a_value] = root.entries()[0];
  EXPECT_EQ(a_key->Scalar(), "a");
  EXPECT_EQ(a_key->offset(), 0u);
  EXPECT_EQ(a_value->Scalar(), "1");
  EXPECT_EQ(a_value->offset(), 3u);
  const YamlNode* b = root.entries()[1].second;
  ASSERT_TRUE(b->IsSequence());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ(b->items()[1]->Scalar(), "y");
  EXPECT_EQ(b->items()[1]->offset(), 12u);  // the opening quote
  const YamlNode* c = root.entries()[2].second;
  EXPECT_TRUE(c->IsNull());
  EXPECT_EQ(c->offset(), YamlNode::kNoOffset);
}

TEST(YamlTreeTest, OnlyPlainNullSpellingsAreNull) {
  std::unique_ptr<YamlDocument> doc = MustParse("[~, null, Null, NULL, \"null\", 'null', nul]");
  ASSERT_NE(doc, nullptr);
  const auto& items = doc->root().items();
  ASSERT_EQ(items.size(), 7u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(items[i]->IsNull()) << i;
  for (int i = 4; i < 7; ++i) EXPECT_TRUE(items[i]->IsScalar()) << i;
}

TEST(YamlTreeTest, AnEmptyFileIsANullDocument) {
  for (std::string_view text : {"", "# only a comment\n", "\n\n"}) {
    std::unique_ptr<YamlDocument> doc = MustParse(text);
    ASSERT_NE(doc, nullptr);
    EXPECT_TRUE(doc->root().IsNull()) << text;
  }
}

struct BadYaml {
  const char* name;
  std::string text;
  const char* message;  // a substring of the error
  int line;             // expected line (1-based), 0 when given as an offset
  size_t offset;        // expected byte offset, or kNoOffset
};

void PrintTo(const BadYaml& c, std::ostream* os) { *os << c.name; }

class YamlTreeBadInputTest : public ::testing::TestWithParam<BadYaml> {};

// Each of these must end with an error, quickly and within the budget. The
// first one made yaml-cpp 0.7's LoadAll allocate until the OOM killer came.
TEST_P(YamlTreeBadInputTest, EndsWithALocatedError) {
  const BadYaml& c = GetParam();
  YamlParseError error;
  std::unique_ptr<YamlDocument> doc = YamlDocument::Parse(c.text, YamlLimits(), &error);
  EXPECT_EQ(doc, nullptr);
  EXPECT_THAT(error.message, HasSubstr(c.message));
  if (c.line > 0) {
    EXPECT_EQ(error.line, c.line);
  }
  EXPECT_EQ(error.offset, c.offset);
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, YamlTreeBadInputTest,
    ::testing::Values(
        BadYaml{"LoneComma", ",", "YAML syntax error", 1, YamlParseError::kNoOffset},
        BadYaml{"CommaAfterAMapping", "a: 1\n,\n", "YAML syntax error", 2,
                YamlParseError::kNoOffset},
        // Reported at the '[' that is never closed.
        BadYaml{"UnclosedFlowSequence", "default: [a\n", "without a closing bracket", 0, 9},
        BadYaml{"SecondDocument", "a: 1\n---\nb: 2\n", "one YAML document", 0, 5},
        BadYaml{"Alias", "a: &x 1\nb: *x\n", "aliases", 0, 11},
        BadYaml{"BillionLaughs",
                "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n",
                "aliases", 0, 41},
        BadYaml{"DeepFlowNesting", std::string(100000, '['), "nesting deeper than 64", 0, 64},
        BadYaml{"DeepBlockNesting",
                [] {
                  std::string s;
                  for (int i = 0; i < 200; ++i) s += std::string(i, ' ') + "- \n";
                  return s;
                }(),
                // The 65th "- " opens at the start of line 65's dash.
                "nesting deeper than 64", 0, 2272}));

TEST(YamlTreeTest, RefusesFilesOverTheSizeBudget) {
  YamlLimits limits;
  limits.max_bytes = 10;
  YamlParseError error;
  EXPECT_EQ(YamlDocument::Parse("a: 12345678901", limits, &error), nullptr);
  EXPECT_THAT(error.message, HasSubstr("limited to 10 bytes"));
}

TEST(YamlTreeTest, RefusesFilesOverTheNodeBudget) {
  YamlLimits limits;
  limits.max_nodes = 5;
  YamlParseError error;
  EXPECT_NE(YamlDocument::Parse("[a, b, c, d]", limits, &error), nullptr) << error.message;
  EXPECT_EQ(YamlDocument::Parse("[a, b, c, d, e]", limits, &error), nullptr);
  EXPECT_THAT(error.message, HasSubstr("more than 5 YAML nodes"));
  EXPECT_EQ(error.offset, 13u);  // the sixth node, "e"
}

TEST(YamlTreeTest, AcceptsNestingUpToTheDepthBudget) {
  YamlParseError error;
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_NE(YamlDocument::Parse(ok, YamlLimits(), &error), nullptr) << error.message;
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(YamlDocument::Parse(deep, YamlLimits(), &error), nullptr);
}

}  // namespace
}  // namespace moderation::rules::internal
