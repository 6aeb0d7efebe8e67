#include "engine/match/literal_matcher.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/util/sha256.h"

namespace moderation::match {
namespace {

// Everything that determines the compiled bytes goes into the key.
std::string CacheKey(const std::vector<std::string>& literals) {
  std::string material = absl::StrCat("literal-db-v1\n", hs_version(), "\n", literals.size(), "\n");
  for (const std::string& literal : literals)
    absl::StrAppend(&material, literal.size(), ":", literal);
  return util::Sha256Hex(material);
}

absl::StatusOr<HsDatabasePtr> CompileLiterals(const std::vector<std::string>& literals) {
  std::vector<const char*> expressions;
  std::vector<size_t> lengths;
  std::vector<unsigned> ids;
  std::vector<unsigned> flags(literals.size(), 0);
  expressions.reserve(literals.size());
  for (size_t i = 0; i < literals.size(); ++i) {
    expressions.push_back(literals[i].data());
    lengths.push_back(literals[i].size());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  const hs_error_t err = hs_compile_lit_multi(
      expressions.data(), flags.data(), ids.data(), lengths.data(),
      static_cast<unsigned>(literals.size()), HS_MODE_BLOCK, nullptr, &db, &error);
  HsCompileErrorPtr error_owner(error);
  if (err != HS_SUCCESS) {
    return absl::InternalError(absl::StrCat("hs_compile_lit_multi: ",
                                            error != nullptr ? error->message : HsErrorName(err)));
  }
  return HsDatabasePtr(db);
}

struct ScanContext {
  const std::vector<uint32_t>* lengths;
  absl::FunctionRef<void(uint32_t, size_t, size_t)>* on_match;
};

int OnHsMatch(unsigned id, unsigned long long, unsigned long long to, unsigned, void* context) {
  auto* ctx = static_cast<ScanContext*>(context);
  const size_t end = static_cast<size_t>(to);
  (*ctx->on_match)(id, end - (*ctx->lengths)[id], end);
  return 0;  // keep scanning
}

}  // namespace

absl::StatusOr<std::unique_ptr<const LiteralDatabase>> LiteralDatabase::Compile(
    const std::vector<std::string>& literals, const DbCache& cache) {
  std::vector<uint32_t> lengths;
  lengths.reserve(literals.size());
  for (const std::string& literal : literals) {
    if (literal.empty()) return absl::InvalidArgumentError("empty literal");
    lengths.push_back(static_cast<uint32_t>(literal.size()));
  }
  DbBuildInfo info;
  const auto start = std::chrono::steady_clock::now();
  HsDatabasePtr db;
  if (!literals.empty()) {
    const std::string key = CacheKey(literals);
    db = cache.Load(key);
    info.from_cache = db != nullptr;
    if (db == nullptr) {
      absl::StatusOr<HsDatabasePtr> compiled = CompileLiterals(literals);
      if (!compiled.ok()) return compiled.status();
      db = std::move(*compiled);
      // A cache write failure only costs the next start some time.
      cache.Store(key, db.get()).IgnoreError();
    }
  }
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  info.bytes = HsDatabaseBytes(db.get());
  return std::unique_ptr<const LiteralDatabase>(
      new LiteralDatabase(std::move(db), std::move(lengths), info));
}

absl::Status LiteralDatabase::Scan(
    std::string_view text, hs_scratch_t* scratch,
    absl::FunctionRef<void(uint32_t id, size_t begin, size_t end)> on_match) const {
  if (db_ == nullptr || text.empty()) return absl::OkStatus();
  if (scratch == nullptr) return absl::FailedPreconditionError("LiteralDatabase::Scan: no scratch");
  ScanContext context{&lengths_, &on_match};
  const hs_error_t err = hs_scan(db_.get(), text.data(), static_cast<unsigned>(text.size()), 0,
                                 scratch, OnHsMatch, &context);
  if (err != HS_SUCCESS) return HsError("hs_scan", err);
  return absl::OkStatus();
}

}  // namespace moderation::match
