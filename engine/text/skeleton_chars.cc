#include "engine/text/skeleton_chars.h"

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>
#include <utf8proc.h>

#include <array>
#include <memory>
#include <mutex>

namespace moderation::text::internal {
namespace {

constexpr SkeletonChar Make(SkeletonClass cls, char a = 0, char b = 0, char c = 0) {
  return MakeSkeletonChar(cls, a, b, c);
}

// Letters that carry no decomposable diacritic but that readers (and
// evaders) treat as plain Latin letters. Both cases, although the folded view
// only ever contains the lower-case ones.
bool ExplicitLetters(char32_t cp, SkeletonChar* out) {
  const char* s = nullptr;
  switch (cp) {
    case U'æ':
    case U'Æ':
      s = "ae";
      break;
    case U'œ':
    case U'Œ':
      s = "oe";
      break;
    case U'ø':
    case U'Ø':
      s = "o";
      break;
    case U'ł':
    case U'Ł':
      s = "l";
      break;
    case U'đ':
    case U'Đ':
    case U'ð':
    case U'Ð':
      s = "d";
      break;
    case U'þ':
    case U'Þ':
      s = "th";
      break;
    case U'ı':
      s = "i";
      break;
    case U'у':  // Cyrillic u (capital У folds to it first)
      // ICU's confusables say y, by its shape; people who type it into a
      // word read it by its sound, as u: "Mуschi", "dуmm", "Blуt und Ehre"
      // (six of the seven uses in the realistic set; the seventh, "Krуpto",
      // is the price). German and English abuse has far more u than y.
      s = "u";
      break;
    default:
      return false;
  }
  *out = Make(SkeletonClass::kLetter, s[0], s[1], s[1] == 0 ? 0 : s[2]);
  return true;
}

struct SpoofCloser {
  void operator()(USpoofChecker* sc) const { uspoof_close(sc); }
};

// The single ASCII letter that ICU's confusables data says cp looks like, or
// 0. A USpoofChecker is thread-safe for skeleton queries once configured.
char ConfusableLetter(char32_t cp) {
  static const USpoofChecker* const checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* sc = uspoof_open(&status);
    // Without ICU's data the skeleton still works, just without look-alikes
    // from other scripts; there is nothing better to do at this depth.
    return U_SUCCESS(status) ? sc : nullptr;
  }();
  if (checker == nullptr) return 0;
  UChar src[2];
  int32_t src_len = 0;
  U16_APPEND_UNSAFE(src, src_len, cp);
  UChar dst[8];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t len = uspoof_getSkeleton(checker, 0, src, src_len, dst, 8, &status);
  if (U_FAILURE(status) || len != 1) return 0;
  const UChar c = dst[0];
  if (c >= 'a' && c <= 'z') return static_cast<char>(c);
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return 0;
}

// Maps one code point left after dropping diacritics to ASCII letters,
// appending to *out (at most 3 letters in total). False if it has none.
bool AppendBaseLetters(char32_t cp, SkeletonChar* out, int* n) {
  char buf[3] = {0, 0, 0};
  int len = 0;
  SkeletonChar explicit_letters;
  if (cp < 128) {
    if (kAsciiSkeletonChars[cp].cls != SkeletonClass::kLetter) return false;
    buf[len++] = kAsciiSkeletonChars[cp].letters[0];
  } else if (ExplicitLetters(cp, &explicit_letters)) {
    for (int i = 0; i < explicit_letters.LetterCount(); ++i)
      buf[len++] = explicit_letters.letters[i];
  } else if (const char c = ConfusableLetter(cp); c != 0) {
    buf[len++] = c;
  } else if (const char upper = ConfusableLetter(
                 static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp))));
             upper != 0) {
    // Case folding already turned a capital look-alike into its small form,
    // which may not look Latin at all: Cyrillic М (M) folds to м, Н (H) to н,
    // Т (T) to т. The capital is what the reader saw.
    buf[len++] = upper;
  } else {
    return false;
  }
  if (*n + len > 3) return false;
  for (int i = 0; i < len; ++i) out->letters[(*n)++] = buf[i];
  return true;
}

bool IsLetterCategory(utf8proc_category_t cat) {
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

bool IsMarkCategory(utf8proc_category_t cat) {
  return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

// The full (slow) classification of a non-ASCII code point.
SkeletonChar ClassifyNonAscii(char32_t cp) {
  if (u_isUWhiteSpace(static_cast<UChar32>(cp))) return Make(SkeletonClass::kWhitespace);
  switch (cp) {
    case U'€':
      return Make(SkeletonClass::kLeet, 'e');
    case U'£':
      return Make(SkeletonClass::kLeet, 'l');
    case U'¡':
      return Make(SkeletonClass::kLeet, 'i');
    default:
      break;
  }
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  if (IsMarkCategory(cat)) return Make(SkeletonClass::kMark);
  SkeletonChar result = Make(SkeletonClass::kLetter);
  if (ExplicitLetters(cp, &result)) return result;
  if (!IsLetterCategory(cat)) return Make(SkeletonClass::kOther);
  // Drop diacritics (é -> e, Cyrillic ӧ -> о), then map what is left: ASCII
  // as is, other scripts through the confusables data (о -> o).
  utf8proc_int32_t base[8];
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  const utf8proc_ssize_t count = utf8proc_decompose_char(
      static_cast<utf8proc_int32_t>(cp), base, 8,
      static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK), &boundclass);
  if (count <= 0 || count > 8) return Make(SkeletonClass::kOther);
  int n = 0;
  for (utf8proc_ssize_t i = 0; i < count; ++i) {
    if (!AppendBaseLetters(static_cast<char32_t>(base[i]), &result, &n)) {
      return Make(SkeletonClass::kOther);
    }
  }
  return n > 0 ? result : Make(SkeletonClass::kOther);
}

// Blocks of 256 code points up to the end of plane 2 (all scripts with
// letters); each is filled on first use. Leaked on purpose, like any
// function-local static cache, so no thread can see it destroyed at exit.
constexpr char32_t kTableEnd = 0x30000;
constexpr size_t kBlockCount = kTableEnd / 256;

class LazyTable {
 public:
  const SkeletonChar& Get(char32_t cp) {
    const size_t b = cp >> 8;
    std::call_once(once_[b], [this, b] {
      auto block = std::make_unique<std::array<SkeletonChar, 256>>();
      for (char32_t i = 0; i < 256; ++i) {
        const char32_t c = static_cast<char32_t>(b << 8) | i;
        (*block)[i] = c < 128 ? kAsciiSkeletonChars[c] : ClassifyNonAscii(c);
      }
      blocks_[b] = std::move(block);
    });
    return (*blocks_[b])[cp & 0xFF];
  }

 private:
  std::array<std::once_flag, kBlockCount> once_;
  std::array<std::unique_ptr<const std::array<SkeletonChar, 256>>, kBlockCount> blocks_;
};

}  // namespace

SkeletonChar ClassifyNonAsciiForSkeleton(char32_t cp) {
  if (cp < kTableEnd) {
    static LazyTable* const table = new LazyTable();
    return table->Get(cp);
  }
  // Planes 3 and up hold no letters with Latin look-alikes; rare enough to
  // classify on the spot.
  return ClassifyNonAscii(cp);
}

}  // namespace moderation::text::internal
