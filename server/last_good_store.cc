#include "server/last_good_store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/grpc_server_options.h"

namespace moderation::server {
namespace {

namespace fs = std::filesystem;

constexpr char kDefaultName[] = "@default";

std::string Serialise(const std::string& community, const std::vector<rules::SourceFile>& files) {
  nlohmann::json list = nlohmann::json::array();
  for (const rules::SourceFile& f : files) {
    list.push_back({{"name", f.name}, {"content", f.content}});
  }
  return nlohmann::json{{"community", community}, {"files", std::move(list)}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

std::optional<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace

LastGoodStore::LastGoodStore(std::string cache_dir)
    : dir_(cache_dir.empty() ? "" : (fs::path(cache_dir) / "last_good").string()) {}

std::string LastGoodStore::PathFor(const std::string& community) const {
  return (fs::path(dir_) / absl::StrCat(community.empty() ? kDefaultName : community, ".json"))
      .string();
}

absl::Status LastGoodStore::Save(const std::string& community,
                                 const std::vector<rules::SourceFile>& files) {
  if (!enabled()) return absl::OkStatus();
  const std::string path = PathFor(community);
  const std::string text = Serialise(community, files);
  if (ReadAll(path) == text) return absl::OkStatus();
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot create ", dir_, ": ", error.message()));
  }
  if (!WriteFileAtomically(path, text)) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

std::optional<std::vector<rules::SourceFile>> LastGoodStore::Load(
    const std::string& community) const {
  if (!enabled()) return std::nullopt;
  std::optional<std::string> text = ReadAll(PathFor(community));
  if (!text) return std::nullopt;
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("files") || !doc["files"].is_array()) return std::nullopt;
  std::vector<rules::SourceFile> files;
  for (const nlohmann::json& f : doc["files"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("content") ||
        !f["content"].is_string()) {
      return std::nullopt;
    }
    files.push_back({f["name"].get<std::string>(), f["content"].get<std::string>()});
  }
  if (files.empty()) return std::nullopt;
  return files;
}

std::vector<std::string> LastGoodStore::Communities() const {
  std::vector<std::string> out;
  if (!enabled()) return out;
  std::error_code error;
  for (fs::directory_iterator it(dir_, error), end; !error && it != end; it.increment(error)) {
    const fs::path path = it->path();
    if (path.extension() != ".json") continue;
    const std::string stem = path.stem().string();
    out.push_back(stem == kDefaultName ? "" : stem);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace moderation::server
