#include "engine/text/features.h"

#include <utf8proc.h>

#include <array>
#include <string_view>

#include "engine/text/utf8.h"

namespace moderation::text {
namespace {

// Top-level domains common enough in posts that "example.com" without a
// scheme is taken as a link. Lower case.
constexpr std::array<std::string_view, 17> kCommonTlds = {
    "com", "net", "org", "de", "at", "ch", "eu", "info", "io",
    "co",  "uk",  "ru",  "biz", "xyz", "top", "me", "tv"};

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

bool IsNameChar(unsigned char c) { return IsAsciiAlnum(c) || c == '_'; }

bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// True when text[pos] starts a word for links and mentions: the byte before
// it is not part of a name, an address or a domain ("foo@bar", "a.example").
// Non-ASCII bytes count as word characters (letters of other scripts).
bool AtWordStart(std::string_view text, size_t pos) {
  if (pos == 0) return true;
  const auto prev = static_cast<unsigned char>(text[pos - 1]);
  if (prev >= 0x80) return false;
  return !IsNameChar(prev) && prev != '@' && prev != '.' && prev != '-' && prev != '/' &&
         prev != ':';
}

bool StartsWithIgnoreCase(std::string_view text, size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[pos + i]);
    const unsigned char lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    if (lower != static_cast<unsigned char>(prefix[i])) return false;
  }
  return true;
}

bool IsCommonTld(std::string_view label) {
  if (label.size() < 2 || label.size() > 4) return false;
  char lower[4];
  for (size_t i = 0; i < label.size(); ++i) {
    const auto c = static_cast<unsigned char>(label[i]);
    if (!IsAsciiAlnum(c) || (c >= '0' && c <= '9')) return false;
    lower[i] = static_cast<char>(c | 0x20);
  }
  const std::string_view l(lower, label.size());
  for (std::string_view tld : kCommonTlds) {
    if (tld == l) return true;
  }
  return false;
}

// Parses a host name ("foo.example.de") at text[pos]. Returns its length, or
// 0; *is_domain says whether it ends in a common TLD and is not the local
// part of an e-mail address.
size_t ParseHost(std::string_view text, size_t pos, bool* is_domain) {
  size_t end = pos, last_label = pos;
  int labels = 1;
  while (end < text.size()) {
    const auto c = static_cast<unsigned char>(text[end]);
    if (IsAsciiAlnum(c) || c == '-') {
      ++end;
    } else if (c == '.' && end + 1 < text.size() &&
               IsAsciiAlnum(static_cast<unsigned char>(text[end + 1])) && text[end - 1] != '.') {
      ++end;
      last_label = end;
      ++labels;
    } else {
      break;
    }
  }
  const bool mail = end < text.size() && text[end] == '@';
  *is_domain = labels >= 2 && !mail && IsCommonTld(text.substr(last_label, end - last_label));
  return end - pos;
}

size_t SkipToSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && !IsAsciiSpace(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// Counts links; a link's remaining bytes are skipped so that
// "https://www.example.com" counts once.
int CountLinks(std::string_view text) {
  int links = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (!IsAsciiAlnum(c) || !AtWordStart(text, pos)) {
      ++pos;
      continue;
    }
    if (StartsWithIgnoreCase(text, pos, "http://") || StartsWithIgnoreCase(text, pos, "https://") ||
        StartsWithIgnoreCase(text, pos, "www.")) {
      ++links;
      pos = SkipToSpace(text, pos);
      continue;
    }
    bool is_domain = false;
    const size_t len = ParseHost(text, pos, &is_domain);
    if (is_domain) {
      ++links;
      pos = SkipToSpace(text, pos);
    } else {
      pos += len;
    }
  }
  return links;
}

int CountMentions(std::string_view text) {
  int mentions = 0;
  for (size_t pos = 0; pos + 1 < text.size(); ++pos) {
    if (text[pos] == '@' && AtWordStart(text, pos) &&
        IsNameChar(static_cast<unsigned char>(text[pos + 1]))) {
      ++mentions;
    }
  }
  return mentions;
}

bool IsWhitespace(char32_t cp) {
  if (cp < 0x80) return IsAsciiSpace(static_cast<unsigned char>(cp));
  if (cp == 0x85) return true;
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP;
}

// Letters, capitals, code points and the longest run, in one pass.
void CountCodePoints(std::string_view text, TextFeatures* f) {
  char32_t run_cp = 0;
  int run = 0;
  for (size_t pos = 0; pos < text.size();) {
    int len = 1;
    const auto byte = static_cast<unsigned char>(text[pos]);
    const char32_t cp = byte < 0x80 ? byte : DecodeUtf8(text, pos, &len);
    pos += len;
    ++f->code_points;
    if (cp < 0x80) {
      const bool upper = cp >= 'A' && cp <= 'Z';
      if (upper || (cp >= 'a' && cp <= 'z')) ++f->letters;
      if (upper) ++f->uppercase_letters;
    } else {
      const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
      if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ++f->letters;
      if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) ++f->uppercase_letters;
    }
    if (IsWhitespace(cp)) {
      run = 0;  // whitespace neither repeats nor continues a run
      continue;
    }
    run = (run > 0 && cp == run_cp) ? run + 1 : 1;
    run_cp = cp;
    if (run > f->longest_repeat) f->longest_repeat = run;
  }
}

}  // namespace

double TextFeatures::CapsRatio() const {
  return letters == 0 ? 0.0 : static_cast<double>(uppercase_letters) / letters;
}

void AccumulateFeatures(std::string_view text, TextFeatures* f) {
  f->links += CountLinks(text);
  f->mentions += CountMentions(text);
  CountCodePoints(text, f);
}

}  // namespace moderation::text
