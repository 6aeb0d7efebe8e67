#include "engine/match/db_cache.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "engine/util/sha256.h"

namespace moderation::match {
namespace {

// Entry layout (format 2; integers little-endian):
//
//   "MODHSDB\n"                 magic; never Hyperscan's, so a format-1 entry
//                               (a bare database image) misses here
//   u32 format                  DbCache::kFormatVersion
//   u32 size, bytes             the key the entry was stored under
//   u32 count                   rejected patterns, ascending ids
//     u32 id, u32 size, bytes   each: id and Hyperscan's message
//   u64 size                    of the database image (0: no database)
//   71 bytes                    Sha256Hex of everything above
//   database image              hs_serialize_database output
//
// The digest guards the rejections and the sizes; the image is guarded by
// Hyperscan itself, which checks its length, version, platform and a CRC32C
// of the bytecode when deserialising. Hashing only the small header keeps a
// warm load from reading a multi-megabyte database twice.
constexpr std::string_view kMagic = "MODHSDB\n";
constexpr size_t kDigestSize = 71;  // "sha256:" + 64 hex digits

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

// Keys are "sha256:<hex>"; file names keep only the hex part.
std::string FileNameFor(const std::string& key) {
  const size_t colon = key.find(':');
  return absl::StrCat(colon == std::string::npos ? key : key.substr(colon + 1), ".hsdb");
}

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out->push_back(static_cast<char>(v >> shift));
}

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) out->push_back(static_cast<char>(v >> shift));
}

void PutBytes(std::string* out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

// Bounds-checked reading of an entry; every read fails once one has.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  std::string_view Take(size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return {};
    }
    std::string_view taken = bytes_.substr(pos_, n);
    pos_ += n;
    return taken;
  }
  uint64_t Int(size_t width) {
    std::string_view raw = Take(width);
    uint64_t v = 0;
    for (size_t i = raw.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(raw[i]);
    return v;
  }
  uint32_t U32() { return static_cast<uint32_t>(Int(4)); }
  uint64_t U64() { return Int(8); }
  std::string_view Bytes() { return Take(U32()); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The header of an entry, up to (not including) its digest.
std::string EncodeHeader(const std::string& key, const std::vector<CachedRejection>& rejected,
                         size_t image_size) {
  std::string out(kMagic);
  PutU32(&out, DbCache::kFormatVersion);
  PutBytes(&out, key);
  PutU32(&out, static_cast<uint32_t>(rejected.size()));
  for (const CachedRejection& r : rejected) {
    PutU32(&out, r.id);
    PutBytes(&out, r.reason);
  }
  PutU64(&out, image_size);
  return out;
}

// Parses an entry read from disk; nullopt for anything but a complete,
// undamaged format-2 entry stored under key.
std::optional<DbCacheEntry> DecodeEntry(std::string_view bytes, const std::string& key) {
  Reader in(bytes);
  if (in.Take(kMagic.size()) != kMagic) return std::nullopt;
  if (in.U32() != DbCache::kFormatVersion) return std::nullopt;
  if (in.Bytes() != key || !in.ok()) return std::nullopt;
  DbCacheEntry entry;
  const uint32_t count = in.U32();
  if (!in.ok() || count > in.remaining() / 8) return std::nullopt;  // 8: id and size
  entry.rejected.reserve(count);
  for (uint32_t i = 0; i < count && in.ok(); ++i) {
    const uint32_t id = in.U32();
    const std::string_view reason = in.Bytes();
    entry.rejected.push_back({id, std::string(reason)});
  }
  const uint64_t image_size = in.U64();
  if (!in.ok()) return std::nullopt;
  const std::string_view header = bytes.substr(0, in.position());
  if (in.Take(kDigestSize) != util::Sha256Hex(header) || !in.ok()) return std::nullopt;
  if (image_size != in.remaining()) return std::nullopt;
  if (image_size == 0) {
    // Only an entry whose every pattern was rejected has no database.
    if (entry.rejected.empty()) return std::nullopt;
    return entry;
  }
  const std::string_view image = in.Take(image_size);
  hs_database_t* db = nullptr;
  // Version, platform, length and CRC mismatches are reported here.
  if (hs_deserialize_database(image.data(), image.size(), &db) != HS_SUCCESS) return std::nullopt;
  entry.db.reset(db);
  return entry;
}

}  // namespace

DbCache::DbCache(std::string directory) : directory_(std::move(directory)) {}

std::string DbCache::PathFor(const std::string& key) const {
  return (std::filesystem::path(directory_) / FileNameFor(key)).string();
}

std::optional<DbCacheEntry> DbCache::LoadEntry(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(PathFor(key), std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  // One read of the whole entry: the character-wise istreambuf_iterator copy
  // it replaces was most of the 11 % that Load took of a warm `modctl scan`
  // start-up on the default rules (perf, 2026-12-03).
  const std::streamoff size = in.tellg();
  if (size <= 0) return std::nullopt;
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return std::nullopt;
  return DecodeEntry(bytes, key);
}

HsDatabasePtr DbCache::Load(const std::string& key) const {
  std::optional<DbCacheEntry> entry = LoadEntry(key);
  if (!entry || !entry->rejected.empty()) return nullptr;
  return std::move(entry->db);
}

absl::Status DbCache::Store(const std::string& key, const hs_database_t* db) const {
  if (db == nullptr) return absl::OkStatus();
  return StoreEntry(key, db, {});
}

absl::Status DbCache::StoreEntry(const std::string& key, const hs_database_t* db,
                                 const std::vector<CachedRejection>& rejected) const {
  if (!enabled() || (db == nullptr && rejected.empty())) return absl::OkStatus();
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot create ", directory_, ": ", ec.message()));
  char* raw = nullptr;
  size_t length = 0;
  if (db != nullptr) {
    if (hs_error_t err = hs_serialize_database(db, &raw, &length); err != HS_SUCCESS) {
      return HsError("hs_serialize_database", err);
    }
  }
  std::unique_ptr<char, FreeDeleter> image(raw);
  std::string header = EncodeHeader(key, rejected, length);
  const std::string digest = util::Sha256Hex(header);
  if (digest.size() != kDigestSize) return absl::ResourceExhaustedError("cannot hash cache entry");
  header.append(digest);
  static std::atomic<int> counter{0};
  const std::string final_path = PathFor(key);
  const std::string temp_path = absl::StrCat(final_path, ".tmp.", getpid(), ".", counter++);
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (image != nullptr) out.write(image.get(), static_cast<std::streamsize>(length));
    if (!out.flush()) {
      std::filesystem::remove(temp_path, ec);
      return absl::UnavailableError(absl::StrCat("cannot write ", temp_path));
    }
  }
  std::filesystem::rename(temp_path, final_path, ec);
  if (ec) {
    std::filesystem::remove(temp_path, ec);
    return absl::UnavailableError(absl::StrCat("cannot rename to ", final_path));
  }
  return absl::OkStatus();
}

}  // namespace moderation::match
