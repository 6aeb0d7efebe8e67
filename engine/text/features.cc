#include "engine/text/features.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/text/ascii_pass.h"
#include "engine/text/features_internal.h"
#include "engine/text/utf8.h"
#include "engine/text/utf8_internal.h"

namespace moderation::text {
namespace {

// Top-level domains common enough in posts that "example.com" without a
// scheme is taken as a link. Lower case.
// The usual generic and European country TLDs, plus the cheap ones that
// spam and stream links favour (.live, .shop, .online, .click, ...).
constexpr std::array<std::string_view, 57> kCommonTlds = {
    "com", "net", "org",  "de",    "at",     "ch",   "eu",   "info",   "io",   "co",   "uk",  "ru",
    "biz", "xyz", "top",  "me",    "tv",     "live", "shop", "online", "site", "club", "app", "gg",
    "ly",  "gy",  "link", "click", "store",  "fr",   "it",   "nl",     "pl",   "es",   "cc",  "ai",
    "vip", "bet", "win",  "pro",   "stream", "tk",   "fun",  "cam",    "xxx",  "ca",   "au",  "se",
    "dk",  "fi",  "cz",   "tr",    "cn",     "su",   "ws",   "icu",    "buzz"};
// TLDs that are also words ("to", "today", "news"), and the names reserved
// for examples (RFC 2606: .example, .test, .invalid), which never occur by
// chance and are what people write when they make up an address. They count
// only in a host name typed without spaces ("fussball-live.to"), never in
// the defanged " . " form, where "gut . Today we ..." is a sentence. Left
// out altogether: two-letter TLDs that are words after a missing space
// ("da.In", "so.No", "ok.Is").
constexpr std::array<std::string_view, 19> kWordLikeTlds = {
    "to",   "us",   "be",   "one",  "best",  "today",   "news", "page",    "world", "space",
    "zone", "gift", "sale", "cash", "money", "example", "test", "invalid", "deals"};

constexpr size_t kLongestTld = [] {
  size_t longest = 0;
  for (std::string_view tld : kCommonTlds) longest = std::max(longest, tld.size());
  for (std::string_view tld : kWordLikeTlds) longest = std::max(longest, tld.size());
  return longest;
}();

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

// `word_like`: kWordLikeTlds count too (a host name typed without spaces).
bool IsCommonTld(std::string_view label, bool word_like) {
  // The bound was 4 letters for a while, so .online and .stream never
  // counted.
  if (label.size() < 2 || label.size() > kLongestTld) return false;
  char lower[kLongestTld];
  for (size_t i = 0; i < label.size(); ++i) {
    const auto c = static_cast<unsigned char>(label[i]);
    if (!IsAsciiAlnum(c) || (c >= '0' && c <= '9')) return false;
    lower[i] = static_cast<char>(c | 0x20);
  }
  const std::string_view l(lower, label.size());
  for (std::string_view tld : kCommonTlds) {
    if (tld == l) return true;
  }
  if (!word_like) return false;
  for (std::string_view tld : kWordLikeTlds) {
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
  *is_domain = labels >= 2 && !mail &&
               IsCommonTld(text.substr(last_label, end - last_label), /*word_like=*/true);
  return end - pos;
}

size_t SkipToSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && !IsAsciiSpace(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// Counts the links in the token text[begin, end) (no ASCII whitespace
// inside); a link's remaining bytes are skipped so that
// "https://www.example.com" counts once.
int CountLinksInToken(std::string_view text, size_t begin, size_t end) {
  int links = 0;
  size_t pos = begin;
  while (pos < end) {
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

// Every link contains ':' ("://") or a '.' that is followed by a letter or
// digit or ends "www." ("www.", "example.com"), and no link spans ASCII
// whitespace, so only the whitespace-delimited tokens holding one of those
// need the word-by-word parse. memchr finds them far faster than the parse
// walks prose.
int CountLinks(std::string_view text) {
  const char* const data = text.data();
  const size_t size = text.size();
  auto find = [&](char c, size_t from) -> size_t {
    const void* hit = from < size ? std::memchr(data + from, c, size - from) : nullptr;
    return hit == nullptr ? size : static_cast<size_t>(static_cast<const char*>(hit) - data);
  };
  // A '.' can only belong to a link if a letter or digit follows it (a host
  // name: "a.example") or it ends "www.": the full stops of prose, which
  // most tokens holding a '.' are, skip the parse.
  auto may_link = [&](size_t dot) {
    return (dot + 1 < size && IsAsciiAlnum(static_cast<unsigned char>(data[dot + 1]))) ||
           (dot >= 3 && StartsWithIgnoreCase(text, dot - 3, "www"));
  };
  auto find_dot = [&](size_t from) {
    size_t dot = find('.', from);
    while (dot < size && !may_link(dot)) dot = find('.', dot + 1);
    return dot;
  };
  int links = 0;
  size_t next_dot = find_dot(0), next_colon = find(':', 0), done = 0;
  while (true) {
    if (next_dot < done) next_dot = find_dot(done);
    if (next_colon < done) next_colon = find(':', done);
    const size_t anchor = std::min(next_dot, next_colon);
    if (anchor >= size) break;
    size_t token_begin = anchor;
    while (token_begin > done && !IsAsciiSpace(static_cast<unsigned char>(data[token_begin - 1]))) {
      --token_begin;
    }
    const size_t token_end = SkipToSpace(text, anchor);
    links += CountLinksInToken(text, token_begin, token_end);
    done = token_end;
  }
  return links;
}

// Dots written so that link filters miss them: "shop[.]de", "shop(.)de",
// "shop[dot]de", "shop (dot) de", "bit . ly/x". Hardly anyone but a spammer
// (or someone defanging a scam link in a warning) writes a host name like
// that, so each counts as a link. " dot " is left out: "the dot com bubble".
// Each form's occurrences are counted as successive std::string_view::find
// calls would find them (non-overlapping, leftmost first); only " . " can
// overlap itself (" . . "), so only it needs to remember where its last
// occurrence ended.

// A host label ends right before `end` (spaces between are allowed).
bool LabelEndsAt(std::string_view text, size_t end) {
  while (end > 0 && text[end - 1] == ' ') --end;
  return end > 0 && IsAsciiAlnum(static_cast<unsigned char>(text[end - 1]));
}

// A common top-level domain starts at `begin` (after spaces) and is not
// followed by more letters or digits ("de" but not "der").
bool TldStartsAt(std::string_view text, size_t begin) {
  while (begin < text.size() && text[begin] == ' ') ++begin;
  size_t end = begin;
  while (end < text.size() && IsAsciiAlnum(static_cast<unsigned char>(text[end]))) ++end;
  return end > begin && IsCommonTld(text.substr(begin, end - begin), /*word_like=*/false);
}

bool DisguisedDotAt(std::string_view text, size_t at, std::string_view form) {
  return text.substr(at, form.size()) == form && LabelEndsAt(text, at) &&
         TldStartsAt(text, at + form.size());
}

// Calls fn(pos) for every position of byte c in text, in order. memchr
// skips the bytes between them many at a time; a string_view::find per form
// walked the text once per form, and " . " stopped at every space
// (a tenth of a post's features cost, issue 15's per-post profile).
template <typename Fn>
void ForEachByte(std::string_view text, char c, Fn fn) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, c, static_cast<size_t>(end - p)));
    if (p == nullptr) return;
    fn(static_cast<size_t>(p - begin));
  }
}

}  // namespace

namespace internal {

// Every form starts with '[' or '(', or has its '.' second (" . "): the rare
// bytes of prose are searched, and the form checked around them.
int CountDisguisedLinks(std::string_view text) {
  int links = 0;
  for (const char open : {'[', '('}) {
    const std::string_view dot = open == '[' ? "[.]" : "(.)";
    const std::string_view word = open == '[' ? "[dot]" : "(dot)";
    ForEachByte(text, open, [&](size_t at) {
      links += DisguisedDotAt(text, at, dot) || DisguisedDotAt(text, at, word);
    });
  }
  size_t spaced_free = 0;  // where the next " . " may start
  ForEachByte(text, '.', [&](size_t dot) {
    if (dot == 0 || dot - 1 < spaced_free || text.substr(dot - 1, 3) != " . ") return;
    links += LabelEndsAt(text, dot - 1) && TldStartsAt(text, dot + 2);
    spaced_free = dot + 2;
  });
  return links;
}

}  // namespace internal

namespace {

int CountMentions(std::string_view text) {
  int mentions = 0;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end;) {
    const void* at = std::memchr(p, '@', static_cast<size_t>(end - p));
    if (at == nullptr) break;
    const size_t pos = static_cast<size_t>(static_cast<const char*>(at) - begin);
    if (pos + 1 < text.size() && AtWordStart(text, pos) &&
        IsNameChar(static_cast<unsigned char>(text[pos + 1]))) {
      ++mentions;
    }
    p = begin + pos + 1;
  }
  return mentions;
}

bool IsWhitespace(char32_t cp) {
  if (cp < 0x80) return IsAsciiSpace(static_cast<unsigned char>(cp));
  if (cp == 0x85) return true;
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

bool IsTripleEnd(const unsigned char* bytes, size_t i) {
  return internal::IsRunByte(bytes[i]) & (bytes[i] == bytes[i - 1]) & (bytes[i] == bytes[i - 2]);
}

// Bit k set: bytes[first + k] ends a triple (k < count <= 64, first >= 2).
// SSE2 compares 16 positions with the two bytes before each at once; the
// scalar IsTripleEnd takes what is left (and everything without SSE2).
uint64_t TripleEnds(const unsigned char* bytes, size_t first, size_t count) {
  uint64_t ends = 0;
  size_t k = 0;
#if defined(__SSE2__)
  for (; k + 16 <= count; k += 16) {
    const unsigned char* p = bytes + first + k;
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i same =
        _mm_and_si128(_mm_cmpeq_epi8(b, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 1))),
                      _mm_cmpeq_epi8(b, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 2))));
    // Not a run byte: >= 0x80 (negative as signed), ' ', or '\t'..'\r'.
    const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8(' ')),
                                       _mm_and_si128(_mm_cmpgt_epi8(b, _mm_set1_epi8('\t' - 1)),
                                                     _mm_cmplt_epi8(b, _mm_set1_epi8('\r' + 1))));
    const __m128i not_run = _mm_or_si128(space, _mm_cmplt_epi8(b, _mm_setzero_si128()));
    const auto mask = static_cast<uint64_t>(
        static_cast<uint16_t>(_mm_movemask_epi8(_mm_andnot_si128(not_run, same))));
    ends |= mask << k;
  }
#endif
  for (; k < count; ++k) ends |= static_cast<uint64_t>(IsTripleEnd(bytes, first + k)) << k;
  return ends;
}

// The longest run of one ASCII character that is not whitespace. The ASCII
// pass says whether there is any such character, pair or triple: without a
// triple the answer is 0, 1 or 2. Runs of three or more ("!!!", "...",
// "Haaallo") are measured by walking out from the first triple end of each
// run, found 64 positions at a time as a bit mask, so a post pays only for
// its own runs.
int LongestAsciiRun(std::string_view text, const internal::AsciiPass& pass) {
  int longest = pass.pair ? 2 : pass.run_byte;
  if (!pass.triple) return longest;
  constexpr size_t kBlock = 64;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t covered = 0;  // runs before this position are measured
  for (size_t block = 2; block < n; block += kBlock) {
    for (uint64_t ends = TripleEnds(bytes, block, std::min(kBlock, n - block)); ends != 0;
         ends &= ends - 1) {
      const size_t i = block + static_cast<size_t>(std::countr_zero(ends));
      if (i < covered) continue;  // inside a run already measured
      size_t first = i - 2, last = i + 1;
      while (first > 0 && bytes[first - 1] == bytes[i]) --first;
      while (last < n && bytes[last] == bytes[i]) ++last;
      longest = std::max(longest, static_cast<int>(last - first));
      covered = last;
    }
  }
  return longest;
}

// What CountNonAscii needs to know of a code point.
struct CodePointClass {
  bool letter = false;
  bool upper = false;  // Lu or Lt
  bool space = false;
};

CodePointClass Classify(char32_t cp) {
  // Latin-1 letters (ä, ö, ü, ß, é, ...) are most of the non-ASCII letters in
  // German and English posts: answered without asking utf8proc.
  if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) return {true, cp < 0xDF, false};
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return {cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO,
          cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT, IsWhitespace(cp)};
}

// Letters, capitals and the longest run among non-ASCII code points. A run
// of one code point is all ASCII or all non-ASCII, so together with
// LongestAsciiRun this gives the exact longest run.
int CountNonAscii(std::string_view text, TextFeatures* f) {
  char32_t prev_cp = 0;
  size_t prev_end = 0;
  int run = 0, longest = 0;
  for (size_t pos = internal::AsciiRunEnd(text, 0); pos < text.size();
       pos = internal::AsciiRunEnd(text, pos)) {
    int len = 1;
    const char32_t cp = internal::DecodeUtf8Unchecked(text.data() + pos, &len);
    const CodePointClass c = Classify(cp);
    f->letters += c.letter;
    f->uppercase_letters += c.upper;
    if (c.space) {
      run = 0;  // whitespace neither repeats nor continues a run
    } else {
      run = (run > 0 && cp == prev_cp && prev_end == pos) ? run + 1 : 1;
      longest = std::max(longest, run);
    }
    prev_cp = cp;
    pos += static_cast<size_t>(len);
    prev_end = pos;
  }
  return longest;
}

}  // namespace

double TextFeatures::CapsRatio() const {
  return letters == 0 ? 0.0 : static_cast<double>(uppercase_letters) / letters;
}

void AccumulateFeatures(std::string_view text, TextFeatures* f) {
  f->links += CountLinks(text) + internal::CountDisguisedLinks(text);
  f->mentions += CountMentions(text);
  const internal::AsciiPass pass = internal::ScanAscii(text);
  f->code_points += static_cast<int>(pass.code_points);
  f->letters += static_cast<int>(pass.letters);
  f->uppercase_letters += static_cast<int>(pass.upper);
  int longest = LongestAsciiRun(text, pass);
  if (pass.non_ascii) longest = std::max(longest, CountNonAscii(text, f));
  f->longest_repeat = std::max(f->longest_repeat, longest);
}

}  // namespace moderation::text
