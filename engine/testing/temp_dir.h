// A fresh directory for one test, removed with everything in it when the
// test ends.
//
// Why: tests of the database cache, the matchers, the loaders, the server's
// logs and the CLI write real files; each used to carry its own copy of this
// class.
//
//   TempDir dir("db_cache_test");
//   const std::string file = dir.Write("x.yaml", "ruleset: x\n...");
//
// Thread-safety: test-only; one owner.
#ifndef MODERATION_ENGINE_TESTING_TEMP_DIR_H_
#define MODERATION_ENGINE_TESTING_TEMP_DIR_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace moderation::testing {

class TempDir {
 public:
  // Under gtest's temporary directory, named after `prefix`; path() is empty
  // (and the test fails) if it cannot be made.
  explicit TempDir(const std::string& prefix = "moderation_test") {
    std::string templ = ::testing::TempDir() + prefix + ".XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) {
      path_ = templ;
    } else {
      ADD_FAILURE() << "mkdtemp " << templ << " failed";
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `contents` to the file `name` in the directory, byte for byte,
  // and returns the file's path.
  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  std::string path_;
};

}  // namespace moderation::testing

#endif  // MODERATION_ENGINE_TESTING_TEMP_DIR_H_
