// ReturnFreeHeapToSystem on the allocator this test runs on: glibc's when
// built alone, jemalloc's when preloaded (the test then checks the purge).
#include "server/heap_trim.h"

#include <dlfcn.h>

#include <cstdlib>
#include <vector>

#include "gtest/gtest.h"

namespace moderation::server {
namespace {

TEST(HeapTrimTest, PurgesExactlyWhenTheProcessAllocatesWithJemalloc) {
  const bool jemalloc = dlsym(RTLD_DEFAULT, "mallctl") != nullptr;
  // ctest runs this test a second time with jemalloc preloaded and says so
  // (server/CMakeLists.txt), so that the purge itself is run, not skipped.
  const char* expect = std::getenv("HEAP_TRIM_TEST_EXPECTS_JEMALLOC");
  if (expect != nullptr && *expect == '1') {
    ASSERT_TRUE(jemalloc) << "jemalloc was not preloaded";
  }
  // Some freed memory for the allocator to hand back.
  std::vector<void*> blocks;
  for (int i = 0; i < 256; ++i) blocks.push_back(std::malloc(64 * 1024));
  for (void* block : blocks) std::free(block);
  EXPECT_EQ(ReturnFreeHeapToSystem(), jemalloc);
  EXPECT_EQ(ReturnFreeHeapToSystem(), jemalloc);  // nothing left: still fine
}

}  // namespace
}  // namespace moderation::server
