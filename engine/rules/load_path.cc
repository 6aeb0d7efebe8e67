// LoadRulesPath: reading a rules file or directory for LoadSources.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/rules/loader.h"

namespace moderation::rules {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFile(const std::string& path, Diagnostics* diagnostics) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    diagnostics->push_back(
        {WholeFile(path), absl::StrCat("cannot read file: ", std::strerror(errno))});
    return std::nullopt;
  }
  return std::move(text).str();
}

bool IsYamlName(const std::string& name) {
  const fs::path path(name);
  return !name.empty() && name[0] != '.' &&
         (path.extension() == ".yaml" || path.extension() == ".yml");
}

// The *.yaml / *.yml files directly in `dir`, sorted by name.
std::vector<std::string> ListYamlFiles(const std::string& dir, Diagnostics* diagnostics) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code type_error;
    const std::string name = it->path().filename().string();
    if (IsYamlName(name) && it->is_regular_file(type_error)) names.push_back(name);
  }
  if (error) {
    diagnostics->push_back(
        {WholeFile(dir), absl::StrCat("cannot list directory: ", error.message())});
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Reads every rule file of `dir` (and its communities file) for LoadSources.
std::vector<SourceFile> ReadDirectory(const std::string& dir, Diagnostics* diagnostics) {
  std::vector<SourceFile> files;
  bool any_rule_file = false;
  for (const std::string& name : ListYamlFiles(dir, diagnostics)) {
    const std::string path = (fs::path(dir) / name).string();
    any_rule_file |= !IsCommunitiesFileName(name);
    if (std::optional<std::string> text = ReadFile(path, diagnostics)) {
      files.push_back({path, std::move(*text)});
    }
  }
  if (!any_rule_file) {
    diagnostics->push_back({WholeFile(dir), "no rule files (*.yaml, *.yml) in this directory"});
  }
  return files;
}

// One rule file with the rest of its set from the same directory, so that
// checking one file of a set checks the set that the server would load: a
// main file with the parts that name its set, a part with its main file and
// the other parts.
std::vector<SourceFile> ReadFileWithItsSet(const std::string& path, Diagnostics* diagnostics) {
  std::optional<std::string> text = ReadFile(path, diagnostics);
  if (!text) return {};
  const std::optional<std::string> part_of = PartOf(*text);
  const std::optional<std::string> id = part_of ? part_of : TopLevelScalar(*text, "ruleset");
  std::vector<SourceFile> files;
  files.push_back({path, std::move(*text)});
  if (!id) return files;
  const auto belongs = [&](std::string_view sibling) {
    if (std::optional<std::string> of = PartOf(sibling)) return of == id;
    return part_of.has_value() && TopLevelScalar(sibling, "ruleset") == id;
  };
  const fs::path file(path);
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  Diagnostics ignored;  // siblings that cannot be listed or read are not this file's problem
  for (const std::string& name : ListYamlFiles(dir.string(), &ignored)) {
    if (name == file.filename().string() || IsCommunitiesFileName(name)) continue;
    const std::string sibling = (dir / name).string();
    std::optional<std::string> sibling_text = ReadFile(sibling, &ignored);
    if (sibling_text && belongs(*sibling_text)) {
      files.push_back({file.has_parent_path() ? sibling : name, std::move(*sibling_text)});
    }
  }
  return files;
}

std::vector<SourceFile> ReadPath(const std::string& path, Diagnostics* diagnostics) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status)) return ReadDirectory(path, diagnostics);
  if (fs::is_regular_file(status)) {
    if (IsCommunitiesFileName(path)) {
      diagnostics->push_back(
          {WholeFile(path), "a communities file needs its rule sets: give the directory"});
      return {};
    }
    return ReadFileWithItsSet(path, diagnostics);
  }
  if (error || !fs::exists(status)) {
    diagnostics->push_back({WholeFile(path), "cannot read rules path: no such file or directory"});
  } else {
    diagnostics->push_back({WholeFile(path), "rules path is neither a file nor a directory"});
  }
  return {};
}

}  // namespace

std::optional<LoadedSources> LoadRulesPath(const std::string& path, Diagnostics* diagnostics) {
  Diagnostics local;
  if (diagnostics == nullptr) diagnostics = &local;
  const size_t errors_before = diagnostics->size();
  LoadedSources out = LoadRulesPathPartial(path, diagnostics);
  if (diagnostics->size() != errors_before) return std::nullopt;
  return out;
}

LoadedSources LoadRulesPathPartial(const std::string& path, Diagnostics* diagnostics,
                                   ParseCache* cache) {
  return LoadSourcesPartial(ReadRulesPath(path, diagnostics), diagnostics, cache);
}

std::vector<SourceFile> ReadRulesPath(const std::string& path, Diagnostics* diagnostics) {
  std::vector<SourceFile> files;
  ReportExceptions(WholeFile(path), "cannot load rules", diagnostics,
                   [&] { files = ReadPath(path, diagnostics); });
  return files;
}

}  // namespace moderation::rules
