// What a server reload costs: RuleCatalog::LoadPartial of a rules directory
// (reading, parsing, compiling, running every embedded example), with the
// on-disk database cache and the ReloadCache the server's registry keeps,
// both warmed by one load before timing.
//
//   reload/<set>/unchanged           nothing changed since the last load
//   reload/<set>/changed             the file's `version:` changed (a new
//                                    file to parse, compile and check; its
//                                    databases come from the disk cache)
//   reload/default-rules/unchanged   rules/ (config().rules_path)
//   reload/default-rules/de-changed  rules/ with de.yaml's version changed
//                                    each time, as the server's reload
//                                    stress test does
//   reload/default-rules/de-changed-no-reuse   the same without a
//                                    ReloadCache: every file parsed, every
//                                    combination compiled and checked
//
// Counters: sets_compiled and sets_reused per load (rule sets).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "bench/engine/benchmarks.h"
#include "engine/catalog.h"

namespace moderation::bench {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The file changed in the "changed" variants, and its text with a version
// that differs on every call.
struct Edit {
  fs::path file;
  std::string text;
  std::string Next(int64_t n) const {
    const size_t at = text.find("\nversion:");
    if (at == std::string::npos) return absl::StrCat(text, "\n# ", n, "\n");
    return absl::StrCat(text.substr(0, at), "\nversion: \"bench-", n, "\"\n",
                        text.substr(text.find('\n', at + 1) + 1));
  }
};

void Reload(benchmark::State& state, const std::string& dir, const std::string& cache_dir,
            const Edit* edit, bool reuse = true) {
  RuleCatalog::Options options;
  options.compile.cache_dir = cache_dir;
  if (reuse) options.reuse = std::make_shared<ReloadCache>();
  RuleCatalog::PartialLoad warm = RuleCatalog::LoadPartial(dir, options);
  if (warm.catalog == nullptr || !warm.problems.empty()) {
    return state.SkipWithError(warm.problems.empty() ? "cannot load the rules"
                                                     : warm.problems[0].ToString().c_str());
  }
  size_t compiled = 0, reused = 0;
  int64_t n = 0;
  for (auto _ : state) {
    if (edit != nullptr) {
      state.PauseTiming();
      WriteText(edit->file, edit->Next(++n));
      state.ResumeTiming();
    }
    RuleCatalog::PartialLoad load = RuleCatalog::LoadPartial(dir, options);
    state.PauseTiming();
    if (load.catalog == nullptr || !load.problems.empty()) {
      state.ResumeTiming();
      state.SkipWithError(load.problems.empty() ? "cannot load the rules"
                                                : load.problems[0].ToString().c_str());
      break;
    }
    compiled = load.details.sets_compiled;
    reused = load.details.sets_reused;
    load = {};  // freeing the previous catalog is not part of loading
    state.ResumeTiming();
  }
  if (edit != nullptr) WriteText(edit->file, edit->text);
  state.counters["sets_compiled"] = static_cast<double>(compiled);
  state.counters["sets_reused"] = static_cast<double>(reused);
}

// A directory under the bench's cache directory holding `files`.
std::string MakeRulesDir(BenchData* data, const std::string& name,
                         const std::vector<std::pair<std::string, std::string>>& files) {
  if (data->CacheDir().empty()) return "";
  const fs::path dir = fs::path(data->CacheDir()) / name;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return "";
  for (const auto& [file, text] : files) WriteText(dir / file, text);
  return dir.string();
}

}  // namespace

void RegisterReload(BenchData* data, const SetShape& shape) {
  for (const bool changed : {false, true}) {
    benchmark::RegisterBenchmark(
        absl::StrCat("reload/", shape.Label(), changed ? "/changed" : "/unchanged").c_str(),
        [=](benchmark::State& state) {
          const std::string name =
              absl::StrCat("reload-", absl::StrReplaceAll(shape.Label(), {{":", "-"}}));
          const std::string dir = MakeRulesDir(data, name, {{"synthetic.yaml", data->Yaml(shape)}});
          if (dir.empty()) return state.SkipWithError("cannot create a rules directory");
          const Edit edit{fs::path(dir) / "synthetic.yaml", data->Yaml(shape)};
          Reload(state, dir, data->CacheDir(), changed ? &edit : nullptr);
        })
        ->Unit(benchmark::kMillisecond);
  }
}

void RegisterReloadDefaultRules(BenchData* data) {
  const struct {
    const char* name;
    bool changed;
    bool reuse;
  } kVariants[] = {{"reload/default-rules/unchanged", false, true},
                   {"reload/default-rules/de-changed", true, true},
                   {"reload/default-rules/de-changed-no-reuse", true, false}};
  for (const auto& v : kVariants) {
    const bool changed = v.changed, reuse = v.reuse;
    benchmark::RegisterBenchmark(v.name, [=](benchmark::State& state) {
      std::vector<std::pair<std::string, std::string>> files;
      std::error_code error;
      for (const fs::directory_entry& entry :
           fs::directory_iterator(data->config().rules_path, error)) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".yaml" && ext != ".yml") continue;
        files.emplace_back(entry.path().filename().string(), ReadText(entry.path()));
      }
      const std::string dir = MakeRulesDir(data, "reload-default-rules", files);
      if (dir.empty() || files.empty()) {
        return state.SkipWithError("cannot copy the default rules");
      }
      const Edit edit{fs::path(dir) / "de.yaml", ReadText(fs::path(dir) / "de.yaml")};
      Reload(state, dir, data->RulesCacheDir(), changed ? &edit : nullptr, reuse);
    })->Unit(benchmark::kMillisecond);
  }
}

}  // namespace moderation::bench
