// ShortWordTable: Lengths may over-report (the caller then looks the word up
// and finds nothing) but must never miss a length a listed word has; Find
// gives each word's first id and nothing for other byte strings.
#include "engine/short_word_table.h"

#include <string>

#include "gtest/gtest.h"

namespace moderation::internal {
namespace {

TEST(ShortWordTableTest, EmptyTableHasNoLengthsAndNoWords) {
  const ShortWordTable table;
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Lengths('e', 'r'), 0);
  EXPECT_EQ(table.Find("er"), ShortWordTable::kNone);
}

struct LookupCase {
  const char* text;
  uint32_t id;
};

TEST(ShortWordTableTest, FindsEachWordByItsBytesOnly) {
  ShortWordTable table;
  table.Add("a", 1);
  table.Add("er", 2);
  table.Add("ich", 3);
  table.Add("ic", 4);
  table.Add("er", 9);    // a repeat keeps the first id
  table.Add("abcd", 5);  // too long: ignored
  table.Add("", 6);      // empty: ignored
  for (const LookupCase& c :
       {LookupCase{"a", 1}, LookupCase{"er", 2}, LookupCase{"ich", 3}, LookupCase{"ic", 4},
        LookupCase{"e", ShortWordTable::kNone}, LookupCase{"ie", ShortWordTable::kNone},
        LookupCase{"ichs", ShortWordTable::kNone}, LookupCase{"abc", ShortWordTable::kNone},
        LookupCase{"ab", ShortWordTable::kNone}, LookupCase{"", ShortWordTable::kNone}}) {
    EXPECT_EQ(table.Find(c.text), c.id) << c.text;
  }
}

TEST(ShortWordTableTest, LengthsCoverEveryWordThatStartsWithTheBytes) {
  ShortWordTable table;
  table.Add("a", 1);
  table.Add("ab", 2);
  table.Add("abc", 3);
  table.Add("x\xC3\xA4", 4);  // bytes, not characters
  EXPECT_EQ(table.Lengths('a', 'b'), 2 | 4 | 8);
  EXPECT_EQ(table.Lengths('a', 'z'), 2);  // only "a" can start here
  EXPECT_EQ(table.Lengths('a', 0), 2);    // the text's last byte
  EXPECT_EQ(table.Lengths('x', 0xC3), 8);
  EXPECT_EQ(table.Lengths('b', 'a'), 0);
}

TEST(ShortWordTableTest, WordsOfUpToSevenBytesAreKeptLongerOnesNot) {
  ShortWordTable table;
  table.Add("eine", 1);
  table.Add("nicht", 2);
  table.Add("einfach", 3);   // 7 bytes
  table.Add("einfache", 4);  // 8: too long, left to the literal scan
  table.Add("ein", 5);
  EXPECT_EQ(table.Lengths('e', 'i'), (1 << 3) | (1 << 4) | (1 << 7));
  EXPECT_EQ(table.Lengths('n', 'i'), 1 << 5);
  EXPECT_EQ(table.Find("eine"), 1u);
  EXPECT_EQ(table.Find("nicht"), 2u);
  EXPECT_EQ(table.Find("einfach"), 3u);
  EXPECT_EQ(table.Find("einfache"), ShortWordTable::kNone);
  EXPECT_EQ(table.Find("ein"), 5u);
  EXPECT_EQ(table.Find("einen"), ShortWordTable::kNone);
  EXPECT_EQ(table.Find("nich"), ShortWordTable::kNone);
}

TEST(ShortWordTableTest, EveryTwoByteWordIsFoundAndNoOtherIs) {
  ShortWordTable table;
  uint32_t id = 0;
  for (char a = 'a'; a <= 'z'; a += 3) {
    for (char b = 'a'; b <= 'z'; b += 5) table.Add(std::string{a, b}, id++);
  }
  for (int a = 1; a < 256; ++a) {
    for (int b = 1; b < 256; ++b) {
      const std::string word{static_cast<char>(a), static_cast<char>(b)};
      const bool listed =
          a >= 'a' && a <= 'z' && (a - 'a') % 3 == 0 && b >= 'a' && b <= 'z' && (b - 'a') % 5 == 0;
      ASSERT_EQ(table.Find(word) != ShortWordTable::kNone, listed) << a << " " << b;
      if (listed) {
        ASSERT_TRUE(table.Lengths(a, b) & 4) << a << " " << b;
      }
    }
  }
}

}  // namespace
}  // namespace moderation::internal
