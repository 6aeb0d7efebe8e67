#include "server/heap_trim.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstddef>

namespace moderation::server {
namespace {

using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);

// jemalloc's mallctl when the process allocates with jemalloc, else null.
// Looked up once: the allocator does not change while a process runs.
MallctlFn Mallctl() {
  static const MallctlFn fn = reinterpret_cast<MallctlFn>(dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

}  // namespace

bool ReturnFreeHeapToSystem() {
  malloc_trim(0);  // glibc's arenas; with jemalloc they hold next to nothing
  const MallctlFn mallctl = Mallctl();
  if (mallctl == nullptr) return false;
  // "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused dirty pages go
  // back at once (MALLCTL_ARENAS_ALL is 4096 in jemalloc 5's jemalloc.h).
  return mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0;
}

}  // namespace moderation::server
