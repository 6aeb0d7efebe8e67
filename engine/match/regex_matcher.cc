#include "engine/match/regex_matcher.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "engine/match/hs_widen.h"
#include "engine/util/sha256.h"

namespace moderation::match {
namespace {

// No HS_FLAG_UCP, so \w and \b are ASCII as in RE2. Hyperscan scans each
// pattern's HyperscanForm (hs_widen.h), which matches wherever the pattern
// does, or the pattern itself if Hyperscan rejects that form; RE2 decides on
// the exact pattern. No HS_FLAG_SINGLEMATCH: every end offset is reported,
// so that the last one bounds RE2's search for further spans (FindSpansUpTo).
constexpr unsigned kHsRegexFlags = HS_FLAG_UTF8 | HS_FLAG_CASELESS;

// The key of what was compiled: forms[id] is what Hyperscan scans for
// pattern id (HyperscanForm), computed once by the caller, which also
// compiles them. The layout of the entry stored under the key has its own
// version (DbCache::kFormatVersion), so a layout change keeps the key and
// overwrites the old entry instead of leaving it behind.
std::string CacheKey(const std::vector<std::string>& forms, const std::vector<uint32_t>& ids) {
  std::string material = absl::StrCat("regex-db-v2\n", hs_version(), "\n", kHsRegexFlags, "\n");
  for (uint32_t id : ids) absl::StrAppend(&material, id, ":", forms[id].size(), ":", forms[id]);
  return util::Sha256Hex(material);
}

struct HsCompileOutcome {
  HsDatabasePtr db;
  int rejected_index = -1;  // index into the submitted list, or -1
  std::string message;
};

// forms[id]: what Hyperscan scans for pattern id.
HsCompileOutcome TryHsCompile(const std::vector<std::string>& forms,
                              const std::vector<uint32_t>& ids) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags(ids.size(), kHsRegexFlags);
  std::vector<unsigned> hs_ids(ids.begin(), ids.end());
  for (uint32_t id : ids) expressions.push_back(forms[id].c_str());
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  const hs_error_t err =
      hs_compile_multi(expressions.data(), flags.data(), hs_ids.data(),
                       static_cast<unsigned>(ids.size()), HS_MODE_BLOCK, nullptr, &db, &error);
  HsCompileErrorPtr error_owner(error);
  HsCompileOutcome outcome;
  if (err == HS_SUCCESS) {
    outcome.db.reset(db);
    return outcome;
  }
  outcome.message = error != nullptr ? error->message : HsErrorName(err);
  outcome.rejected_index = error != nullptr ? error->expression : -1;
  return outcome;
}

// Keeps one (id, last end) pair per reported pattern in *context. A text
// rarely has more than a few candidates, so the search is linear.
int OnHsMatch(unsigned id, unsigned long long, unsigned long long to, unsigned, void* context) {
  auto* pairs = static_cast<std::vector<uint32_t>*>(context);
  const auto end = static_cast<uint32_t>(to);
  for (size_t k = 0; k < pairs->size(); k += 2) {
    if ((*pairs)[k] == id) {
      (*pairs)[k + 1] = std::max((*pairs)[k + 1], end);
      return 0;
    }
  }
  pairs->push_back(id);
  pairs->push_back(end);
  return 0;
}

// Whether every end of an RE2 match of a pattern in text is an end Hyperscan
// reports for the pattern's HyperscanForm: the form matches wherever the
// pattern does (hs_widen.h), and Hyperscan's character sets hold RE2's on
// every character except three, which RE2 matches where Hyperscan does not:
// \v for \S (Hyperscan's \s holds it, RE2's does not), and U+017F (long s)
// and U+212A (Kelvin sign), which RE2's case folding adds to \w. (Checked
// over every code point below U+30000 for the classes and letters the rules
// use; span_bound_test.cc keeps the check.) Hyperscan's input must also be valid
// UTF-8; the evaluator's texts are, other callers' need not be.
bool HyperscanEndsBoundSpans(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0x0B) return false;
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp == 0x017F || cp == 0x212A) return false;
    i += len;
  }
  return true;
}

// Up to this many start positions, LeftmostMatch tries each in turn. Longer
// than nearly every post (the realistic corpus's longest folded text is 611
// bytes): the unanchored search of a longer text finds its DFA states cold,
// as short texts no longer build them, and at 256 the few longer posts among
// the first 2,000 dev posts cost more than all the others saved.
constexpr size_t kAnchoredWindow = 1024;

// RE2's leftmost-first match in whole from pos on, for a pattern of which no
// match ends after endpos nor starts at or after stop (stop <= endpos + 1):
// false where the unanchored search finds none or one starting at stop or
// later, else the match it finds.
//
// Within kAnchoredWindow positions it is found as the anchored match at the
// first position that has one: the leftmost-first match is, by definition,
// the first-preferred match at the leftmost position where one starts, and
// RE2 takes the text outside [pos, endpos) as context for ^, $ and \b in
// either search, so both give the same match (span_bound_test.cc checks).
// The anchored search is much cheaper on a text RE2 has not seen: an
// unanchored DFA state carries a restart of the whole pattern at every byte
// beside what is under way, so for regexes that open with long word lists
// nearly every byte of a new text builds a new state (BENCHMARKS.md,
// 2026-12-04), while an anchored search from a position where no match
// starts dies within a byte or two in states it has built before. The
// window bounds the extra work on long texts: at most kAnchoredWindow
// searches of at most kAnchoredWindow bytes each.
//
// With `first` (the bytes a match can begin with; null: any), a position
// whose byte is not among them is skipped without calling RE2: no match
// starts there, and the anchored searches at the others are unchanged.
bool LeftmostMatch(const RE2& re, const FirstBytes* first, const re2::StringPiece& whole,
                   size_t pos, size_t stop, size_t endpos, re2::StringPiece* match) {
  if (stop - pos <= kAnchoredWindow) {
    for (size_t start = pos; start < stop; ++start) {
      if (first != nullptr &&
          (start >= whole.size() ||
           !first->MayStartAt(std::string_view(whole.data(), whole.size()), start))) {
        continue;
      }
      if (re.Match(whole, start, endpos, RE2::ANCHOR_START, match, 1)) return true;
    }
    return false;
  }
  return re.Match(whole, pos, whole.size(), RE2::UNANCHORED, match, 1);
}

// The compiled RE2 of a rule regex, shared by every RegexDatabase holding
// the same pattern: the combinations of a catalog repeat their rule sets'
// regexes (the default rules compile each `de` regex for two combinations),
// and a reload compiles them all again while the previous catalog still
// holds them. RE2 is thread-safe for matching, and the options are always
// RuleRegexOptions(), so an equal pattern gives an equivalent object. The
// pool holds weak pointers: a regex goes when the last set using it does.
// Null if RE2 rejects the pattern (*error says why); rejected patterns are
// not pooled.
std::shared_ptr<const RE2> SharedRuleRegex(const std::string& pattern, std::string* error) {
  static std::mutex mu;
  static auto* pool = new std::unordered_map<std::string, std::weak_ptr<const RE2>>();
  static size_t prune_at = 1024;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = pool->find(pattern);
    if (it != pool->end()) {
      if (std::shared_ptr<const RE2> live = it->second.lock()) return live;
    }
  }
  // Compiled outside the lock: sets compiled in parallel need not wait.
  auto compiled = std::make_shared<const RE2>(pattern, RuleRegexOptions());
  if (!compiled->ok()) {
    *error = compiled->error();
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu);
  std::weak_ptr<const RE2>& slot = (*pool)[pattern];
  if (std::shared_ptr<const RE2> live = slot.lock()) return live;  // another thread won
  slot = compiled;
  if (pool->size() >= prune_at) {
    for (auto it = pool->begin(); it != pool->end();) {
      it = it->second.expired() ? pool->erase(it) : std::next(it);
    }
    prune_at = std::max<size_t>(1024, 2 * pool->size());
  }
  return compiled;
}

}  // namespace

RE2::Options RuleRegexOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingUTF8);
  return options;
}

absl::StatusOr<std::unique_ptr<const RegexDatabase>> RegexDatabase::Compile(
    const std::vector<std::string>& patterns, const Options& options, const DbCache& cache) {
  std::unique_ptr<RegexDatabase> db(new RegexDatabase());
  for (size_t id = 0; id < patterns.size(); ++id) {
    std::string error;
    std::shared_ptr<const RE2> re = SharedRuleRegex(patterns[id], &error);
    if (re == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("regex ", id, " rejected by RE2: ", error));
    }
    db->regexes_.push_back(std::move(re));
    db->first_bytes_.push_back(options.first_byte_skip ? FirstBytesOf(patterns[id]) : std::nullopt);
  }
  const auto start = std::chrono::steady_clock::now();
  if (absl::Status s = db->BuildHyperscan(patterns, options, cache); !s.ok()) return s;
  if (absl::Status s = db->BuildFallbackSet(patterns, options); !s.ok()) return s;
  db->build_info_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  db->build_info_.bytes = HsDatabaseBytes(db->hs_db_.get());
  return std::unique_ptr<const RegexDatabase>(std::move(db));
}

// Compiles all patterns into one Hyperscan database, dropping each pattern
// Hyperscan rejects (one at a time, as it reports them) into the fallback
// list. The outcome, database and rejections together, is cached under the
// key of the full list, so a warm load restores the same fallbacks without
// running the Hyperscan compiler.
absl::Status RegexDatabase::BuildHyperscan(const std::vector<std::string>& patterns,
                                           const Options& options, const DbCache& cache) {
  std::vector<uint32_t> accepted;
  for (uint32_t id = 0; id < patterns.size(); ++id) {
    if (options.force_re2) {
      fallbacks_.push_back({id, "forced to RE2 by options"});
    } else {
      accepted.push_back(id);
    }
  }
  if (accepted.empty()) return absl::OkStatus();
  // Every pattern is accepted here (force_re2 leaves out all or none), so
  // the key and, on a miss, the compiler need every form. HyperscanForm
  // compiles an RE2 for each alternative whose leading classes it may drop,
  // so the forms are computed once for both.
  std::vector<std::string> forms;
  forms.reserve(patterns.size());
  for (const std::string& p : patterns) forms.push_back(HyperscanForm(p));
  const std::string full_key = CacheKey(forms, accepted);
  if (RestoreFromCache(cache.LoadEntry(full_key), patterns.size())) return absl::OkStatus();
  bool deterministic = true;  // every rejection names its pattern
  while (!accepted.empty()) {
    HsCompileOutcome outcome = TryHsCompile(forms, accepted);
    if (outcome.db != nullptr) {
      hs_db_ = std::move(outcome.db);
      break;
    }
    if (outcome.rejected_index < 0) {
      // A whole-database failure (e.g. too large): RE2 takes everything.
      for (uint32_t id : accepted) fallbacks_.push_back({id, outcome.message});
      accepted.clear();
      deterministic = false;
      break;
    }
    const uint32_t rejected = accepted[outcome.rejected_index];
    if (forms[rejected] != patterns[rejected]) {
      forms[rejected] = patterns[rejected];  // the exact pattern, before RE2 takes it
      continue;
    }
    fallbacks_.push_back({rejected, outcome.message});
    accepted.erase(accepted.begin() + outcome.rejected_index);
  }
  std::sort(fallbacks_.begin(), fallbacks_.end(),
            [](const RegexFallback& a, const RegexFallback& b) { return a.id < b.id; });
  // A whole-database failure may be memory running out, which the next start
  // may not repeat, so it is not cached; a pattern's rejection always recurs.
  if (deterministic) {
    std::vector<CachedRejection> rejected;
    for (const RegexFallback& f : fallbacks_) rejected.push_back({f.id, f.reason});
    cache.StoreEntry(full_key, hs_db_.get(), rejected).IgnoreError();
  }
  return absl::OkStatus();
}

// Takes a cache entry for the full list of `submitted` patterns (none forced
// to RE2) if it is consistent: ascending, distinct ids in range, and a
// database unless every pattern was rejected. Anything else is a miss.
bool RegexDatabase::RestoreFromCache(std::optional<DbCacheEntry> entry, size_t submitted) {
  if (!entry) return false;
  for (size_t i = 0; i < entry->rejected.size(); ++i) {
    const uint32_t id = entry->rejected[i].id;
    if (id >= submitted || (i > 0 && id <= entry->rejected[i - 1].id)) return false;
  }
  if ((entry->db == nullptr) != (entry->rejected.size() == submitted)) return false;
  hs_db_ = std::move(entry->db);
  for (CachedRejection& r : entry->rejected) fallbacks_.push_back({r.id, std::move(r.reason)});
  build_info_.from_cache = true;
  return true;
}

absl::Status RegexDatabase::BuildFallbackSet(const std::vector<std::string>& patterns,
                                             const Options& options) {
  if (fallbacks_.empty()) return absl::OkStatus();
  RE2::Options re2_options = RuleRegexOptions();
  re2_options.set_max_mem(options.re2_set_max_mem);
  fallback_set_ = std::make_unique<RE2::Set>(re2_options, RE2::UNANCHORED);
  for (const RegexFallback& fallback : fallbacks_) {
    std::string error;
    if (fallback_set_->Add(patterns[fallback.id], &error) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("regex ", fallback.id, " rejected by RE2::Set: ", error));
    }
    fallback_ids_.push_back(fallback.id);
  }
  if (!fallback_set_->Compile()) {
    return absl::ResourceExhaustedError("RE2::Set compile failed (out of memory?)");
  }
  return absl::OkStatus();
}

absl::Status RegexDatabase::ScanHyperscan(std::string_view text, hs_scratch_t* scratch,
                                          std::vector<uint32_t>* pairs) const {
  if (hs_db_ == nullptr) return absl::OkStatus();
  if (scratch == nullptr) return absl::FailedPreconditionError("RegexDatabase: no scratch");
  // hs_scan rejects a null buffer, which an empty string_view may have.
  const char* data = text.data() != nullptr ? text.data() : "";
  const hs_error_t err =
      hs_scan(hs_db_.get(), data, static_cast<unsigned>(text.size()), 0, scratch, OnHsMatch, pairs);
  if (err != HS_SUCCESS) return HsError("hs_scan", err);
  return absl::OkStatus();
}

absl::Status RegexDatabase::ScanFallback(std::string_view text, std::vector<uint32_t>* ids) const {
  if (fallback_set_ == nullptr) return absl::OkStatus();
  std::vector<int> matched;
  RE2::Set::ErrorInfo error_info;
  if (!fallback_set_->Match(re2::StringPiece(text.data(), text.size()), &matched, &error_info) &&
      error_info.kind != RE2::Set::kNoError) {
    // Never miss silently: an out-of-memory DFA would drop matches.
    return absl::ResourceExhaustedError("RE2::Set match failed (DFA out of memory)");
  }
  for (int index : matched) ids->push_back(fallback_ids_[index]);
  return absl::OkStatus();
}

absl::Status RegexDatabase::MatchingIds(std::string_view text, hs_scratch_t* scratch,
                                        std::vector<uint32_t>* ids) const {
  const size_t first = ids->size();
  std::vector<uint32_t> pairs;
  if (absl::Status s = ScanHyperscan(text, scratch, &pairs); !s.ok()) return s;
  for (size_t k = 0; k < pairs.size(); k += 2) ids->push_back(pairs[k]);
  // Hyperscan follows PCRE where RE2 does not: `$` also matches before a
  // final "\n" and `\s` also matches "\v". RE2 has the last word, so both
  // paths report the same ids and a reported id has spans (as the header says).
  const re2::StringPiece whole(text.data() != nullptr ? text.data() : "", text.size());
  ids->erase(std::remove_if(ids->begin() + static_cast<ptrdiff_t>(first), ids->end(),
                            [&](uint32_t id) { return !RE2::PartialMatch(whole, *regexes_[id]); }),
             ids->end());
  return ScanFallback(text, ids);
}

absl::Status RegexDatabase::CandidateIds(std::string_view text, hs_scratch_t* scratch,
                                         std::vector<uint32_t>* ids) const {
  ids->clear();
  if (absl::Status s = ScanHyperscan(text, scratch, ids); !s.ok()) return s;
  // ScanHyperscan leaves (id, last end) pairs: keep the ids.
  size_t out = 0;
  for (size_t k = 0; k < ids->size(); k += 2) (*ids)[out++] = (*ids)[k];
  ids->resize(out);
  return ScanFallback(text, ids);
}

void RegexDatabase::FindSpansIn(uint32_t id, std::string_view text, size_t from, size_t to,
                                size_t max_spans,
                                absl::FunctionRef<void(size_t begin, size_t end)> on_span) const {
  const RE2& re = *regexes_[id];
  const FirstBytes* first = first_bytes_[id] ? &*first_bytes_[id] : nullptr;
  const re2::StringPiece whole(text.data() != nullptr ? text.data() : "", text.size());
  to = std::min(to, text.size());
  size_t pos = from;
  size_t found = 0;
  re2::StringPiece match;
  while (pos < to && found < max_spans &&
         LeftmostMatch(re, first, whole, pos, to, text.size(), &match)) {
    const size_t begin = static_cast<size_t>(match.data() - whole.data());
    const size_t end = begin + match.size();
    if (begin >= to) break;  // the unanchored search may look past to
    if (end > begin) {
      on_span(begin, end);
      ++found;
    }
    pos = end > begin ? end : end + 1;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
}

absl::Status RegexDatabase::ForEachMatch(
    std::string_view text, hs_scratch_t* scratch, size_t max_spans, std::vector<uint32_t>* ids,
    absl::FunctionRef<void(uint32_t id, size_t begin, size_t end)> on_span) const {
  // (id, last end) pairs from Hyperscan, then the fallback set's ids.
  ids->clear();
  if (absl::Status s = ScanHyperscan(text, scratch, ids); !s.ok()) return s;
  const size_t hs_end = ids->size();
  if (absl::Status s = ScanFallback(text, ids); !s.ok()) return s;
  const bool bounded = hs_end > 0 && HyperscanEndsBoundSpans(text);
  for (size_t k = 0; k < hs_end; k += 2) {
    const uint32_t id = (*ids)[k];
    const size_t last_end = bounded ? (*ids)[k + 1] : text.size();
    FindSpansUpTo(id, text, max_spans, last_end,
                  [&](size_t begin, size_t end) { on_span(id, begin, end); });
  }
  for (size_t k = hs_end; k < ids->size(); ++k) {
    const uint32_t id = (*ids)[k];
    FindSpans(id, text, max_spans, [&](size_t begin, size_t end) { on_span(id, begin, end); });
  }
  return absl::OkStatus();
}

void RegexDatabase::FindSpans(uint32_t id, std::string_view text, size_t max_spans,
                              absl::FunctionRef<void(size_t begin, size_t end)> on_span) const {
  FindSpansUpTo(id, text, max_spans, text.size(), on_span);
}

// Every span ends at or before last_end (at most text.size()), so once the
// search position reaches it no further span can start: a span is never
// empty. What is left to search there is usually the rest of the text
// without a match, which RE2 pays for with new DFA states as much as for
// the search that found the first span (BENCHMARKS.md, 2026-12-04).
void RegexDatabase::FindSpansUpTo(uint32_t id, std::string_view text, size_t max_spans,
                                  size_t last_end,
                                  absl::FunctionRef<void(size_t begin, size_t end)> on_span) const {
  const RE2& re = *regexes_[id];
  const FirstBytes* first = first_bytes_[id] ? &*first_bytes_[id] : nullptr;
  const re2::StringPiece whole(text.data(), text.size());
  // With last_end == text.size() the loop is the plain search's: it still
  // tries position text.size(), where only an empty match can start.
  const size_t stop = last_end < text.size() ? last_end : text.size() + 1;
  const size_t endpos = std::min(last_end, text.size());
  size_t pos = 0;
  size_t found = 0;
  re2::StringPiece match;
  while (pos < stop && found < max_spans &&
         LeftmostMatch(re, first, whole, pos, stop, endpos, &match)) {
    const size_t begin = static_cast<size_t>(match.data() - text.data());
    const size_t end = begin + match.size();
    if (end > begin) {
      on_span(begin, end);
      ++found;
    }
    // Step past the match; an empty match steps one whole UTF-8 character.
    pos = end > begin ? end : end + 1;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
}

}  // namespace moderation::match
