#include "server/modctl/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace moderation::modctl {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// The options of `modctl scan`-like commands.
const std::set<std::string> kWithValue = {"rules", "community", "limit"};
const std::set<std::string> kSwitches = {"help", "verbose"};

struct ParseCase {
  const char* name;
  std::vector<std::string> args;
  std::map<std::string, std::string> options;
  std::set<std::string> switches;
  std::vector<std::string> positional;
};

TEST(ParseArgsTest, SplitsOptionsSwitchesAndPositionals) {
  const ParseCase kCases[] = {
      {"nothing", {}, {}, {}, {}},
      {"value as next argument", {"--rules", "r.yaml"}, {{"rules", "r.yaml"}}, {}, {}},
      {"value after =", {"--rules=r.yaml"}, {{"rules", "r.yaml"}}, {}, {}},
      {"empty value after =", {"--community="}, {{"community", ""}}, {}, {}},
      {"value containing =", {"--community=a=b"}, {{"community", "a=b"}}, {}, {}},
      {"value that looks like a positional", {"--limit", "-3"}, {{"limit", "-3"}}, {}, {}},
      {"switches", {"--help", "--verbose"}, {}, {"help", "verbose"}, {}},
      {"positionals around options",
       {"a.yaml", "--rules", "r.yaml", "b.yaml", "--verbose", "c.yaml"},
       {{"rules", "r.yaml"}},
       {"verbose"},
       {"a.yaml", "b.yaml", "c.yaml"}},
      {"single dash and short forms are positional",
       {"-", "-v", "-xy"},
       {},
       {},
       {"-", "-v", "-xy"}},
      {"-- ends options",
       {"--verbose", "--", "--rules", "--bogus"},
       {},
       {"verbose"},
       {"--rules", "--bogus"}},
      {"-- after -- is positional", {"a", "--", "--"}, {}, {}, {"a", "--"}},
  };
  for (const ParseCase& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<ParsedArgs> parsed = ParseArgs(c.args, kWithValue, kSwitches);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->options, c.options);
    EXPECT_EQ(parsed->switches, c.switches);
    EXPECT_THAT(parsed->positional, ElementsAreArray(c.positional));
  }
}

TEST(ParseArgsTest, GetAndHasAnswerForPresentAndAbsentOptions) {
  absl::StatusOr<ParsedArgs> parsed =
      ParseArgs({"--rules=r.yaml", "--help"}, kWithValue, kSwitches);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("rules"), "r.yaml");
  EXPECT_EQ(parsed->Get("community"), std::nullopt);
  EXPECT_TRUE(parsed->Has("help"));
  EXPECT_FALSE(parsed->Has("verbose"));
}

struct ErrorCase {
  const char* name;
  std::vector<std::string> args;
  const char* message_part;
};

TEST(ParseArgsTest, RejectsUnknownOptionsAndMissingValuesNamingTheOption) {
  const ErrorCase kCases[] = {
      {"unknown option", {"--bogus"}, "--bogus"},
      {"unknown option with value", {"--bogus=1"}, "--bogus"},
      {"unknown option among known ones", {"--help", "--rules", "r", "--colour"}, "--colour"},
      {"missing value at the end", {"a.yaml", "--rules"}, "--rules"},
      {"a switch given a value", {"--help=yes"}, "--help"},
  };
  for (const ErrorCase& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<ParsedArgs> parsed = ParseArgs(c.args, kWithValue, kSwitches);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(c.message_part));
  }
}

TEST(ParsedArgsTest, GetIntParsesIntegersAndNamesTheOptionWhenMalformed) {
  const struct {
    const char* value;
    std::optional<int> expected;  // nullopt: an error
  } kCases[] = {
      {"12", 12},
      {"0", 0},
      {"-3", -3},
      {"2147483647", 2147483647},
      {"abc", std::nullopt},
      {"1.5", std::nullopt},
      {"12abc", std::nullopt},
      {"", std::nullopt},
      {"2147483648", std::nullopt},  // does not fit an int
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.value);
    absl::StatusOr<ParsedArgs> parsed = ParseArgs({"--limit", c.value}, kWithValue, kSwitches);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<std::optional<int>> value = parsed->GetInt("limit");
    if (c.expected) {
      ASSERT_TRUE(value.ok()) << value.status();
      EXPECT_EQ(*value, c.expected);
    } else {
      ASSERT_FALSE(value.ok());
      EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(value.status().message()), HasSubstr("--limit"));
    }
  }
}

TEST(ParsedArgsTest, GetIntOfAnAbsentOptionIsEmptyNotAnError) {
  absl::StatusOr<ParsedArgs> parsed = ParseArgs({}, kWithValue, kSwitches);
  ASSERT_TRUE(parsed.ok());
  absl::StatusOr<std::optional<int>> value = parsed->GetInt("limit");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, std::nullopt);
}

}  // namespace
}  // namespace moderation::modctl
