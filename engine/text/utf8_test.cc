#include "engine/text/utf8.h"

#include <random>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/text/utf8_internal.h"
#include "gtest/gtest.h"

namespace moderation::text {
namespace {

struct ValidCase {
  const char* name;
  std::string_view text;
};

TEST(ValidateUtf8Test, AcceptsWellFormedText) {
  const ValidCase kCases[] = {
      {"empty", ""},
      {"ascii", "Du Dummbatz!"},
      {"two_byte_umlauts", "Blödmann Straße"},
      {"three_byte_euro_and_cyrillic", "€ Blödmаnn"},
      {"four_byte_emoji", "\xF0\x9F\x98\x80"},
      {"smallest_two_byte", "\xC2\x80"},
      {"largest_bmp", "\xEF\xBF\xBF"},
      {"last_before_surrogates", "\xED\x9F\xBF"},
      {"first_after_surrogates", "\xEE\x80\x80"},
      {"largest_code_point", "\xF4\x8F\xBF\xBF"},
      {"nul_byte", std::string_view("a\0b", 3)},
  };
  for (const ValidCase& c : kCases) {
    EXPECT_TRUE(ValidateUtf8(c.text).ok()) << c.name;
  }
}

struct InvalidCase {
  const char* name;
  std::string_view text;
  const char* message;
};

TEST(ValidateUtf8Test, RejectsMalformedTextNamingTheFirstBadByte) {
  const InvalidCase kCases[] = {
      {"overlong_nul", "ab\xC0\x80", "invalid UTF-8 at byte 2"},
      {"overlong_two_byte_lead_c1", "\xC1\xBF", "invalid UTF-8 at byte 0"},
      {"overlong_three_byte", "x\xE0\x80\xAF", "invalid UTF-8 at byte 1"},
      {"overlong_four_byte", "\xF0\x80\x80\xAF", "invalid UTF-8 at byte 0"},
      {"surrogate", "Du \xED\xA0\x80", "invalid UTF-8 at byte 3"},
      {"lead_byte_f5", "abc\xF5\x80\x80\x80", "invalid UTF-8 at byte 3"},
      {"above_max_code_point", "\xF4\x90\x80\x80", "invalid UTF-8 at byte 0"},
      {"byte_ff", "ok\xFF", "invalid UTF-8 at byte 2"},
      {"lone_continuation_byte",
       "Dumm\x80"
       "batz",
       "invalid UTF-8 at byte 4"},
      {"truncated_two_byte_at_end", "Bl\xC3", "invalid UTF-8 at byte 2"},
      {"truncated_three_byte_at_end", "\xE2\x82", "invalid UTF-8 at byte 0"},
      {"truncated_four_byte_before_ascii", "\xF0\x9F\x98 x", "invalid UTF-8 at byte 0"},
      {"second_of_two_errors", "\xC3\xB6\xC3", "invalid UTF-8 at byte 2"},
      {"error_after_valid_emoji", "\xF0\x9F\x98\x80\xBF", "invalid UTF-8 at byte 4"},
  };
  for (const InvalidCase& c : kCases) {
    const absl::Status s = ValidateUtf8(c.text);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(s.message(), c.message) << c.name;
  }
}

TEST(Utf8CodecTest, DecodeInvertsAppendAcrossAllEncodingLengths) {
  const char32_t kCodePoints[] = {0x00,   0x41,   0x7F,   0x80,    0xE4,    0x7FF,   0x800,   0x430,
                                  0x20AC, 0xFFFD, 0xFFFF, 0x10000, 0x1D41D, 0x1F600, 0x10FFFF};
  for (char32_t cp : kCodePoints) {
    std::string encoded;
    AppendUtf8(cp, &encoded);
    ASSERT_TRUE(ValidateUtf8(encoded).ok()) << std::hex << static_cast<uint32_t>(cp);
    int len = 0;
    EXPECT_EQ(DecodeUtf8(encoded, 0, &len), cp);
    EXPECT_EQ(static_cast<size_t>(len), encoded.size());
  }
}

TEST(Utf8CodecTest, EncodedLengthGrowsAtTheUtf8Thresholds) {
  const struct {
    char32_t cp;
    size_t bytes;
  } kCases[] = {{0x7F, 1}, {0x80, 2}, {0x7FF, 2}, {0x800, 3}, {0xFFFF, 3}, {0x10000, 4}};
  for (const auto& c : kCases) {
    std::string encoded;
    AppendUtf8(c.cp, &encoded);
    EXPECT_EQ(encoded.size(), c.bytes) << std::hex << static_cast<uint32_t>(c.cp);
  }
}

TEST(Utf8CodecTest, DecodesEachCodePointOfAMixedStringInOrder) {
  const std::string text = "aö€😀";
  const char32_t kExpected[] = {U'a', U'ö', U'€', U'😀'};
  size_t pos = 0;
  for (char32_t expected : kExpected) {
    int len = 0;
    EXPECT_EQ(DecodeUtf8(text, pos, &len), expected);
    pos += len;
  }
  EXPECT_EQ(pos, text.size());
}

// AsciiRunEnd skips long runs 32 bytes at a time (with AVX2): from every
// start, it must find the same end as a byte-by-byte walk.
TEST(AsciiRunEndTest, FindsTheFirstNonAsciiByteFromEveryStart) {
  std::mt19937 rng(20261204);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    std::string text(rng() % 300, 'a');
    for (char& c : text) c = static_cast<char>(' ' + rng() % 95);
    for (int k = static_cast<int>(rng() % 4); k > 0 && !text.empty(); --k) {
      text[rng() % text.size()] = static_cast<char>(0x80 + rng() % 128);
    }
    for (size_t begin = 0; begin <= text.size(); ++begin) {
      size_t expected = begin;
      while (expected < text.size() && static_cast<unsigned char>(text[expected]) < 0x80) {
        ++expected;
      }
      ASSERT_EQ(internal::AsciiRunEnd(text, begin), expected) << "from " << begin << ": " << text;
    }
  }
}

}  // namespace
}  // namespace moderation::text
