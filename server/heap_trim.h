// ReturnFreeHeapToSystem: hands the pages the allocator holds free back to
// the kernel, whichever allocator the process runs on.
//
// Why: a rule load allocates about 1.4 times the catalog it builds and then
// frees the parse trees, the compiler's state and usually the previous
// catalog. Both allocators moderationd may run on keep such pages resident:
// glibc inside its arenas (malloc_trim returns them), jemalloc (linked by
// default, CMakeLists.txt: MODERATION_JEMALLOC) until its decay timer runs,
// about ten seconds, which showed as a reload's peak still resident long
// after it. jemalloc's purge is found at run time (dlsym of `mallctl`), so
// the server's library links without it and a binary built without
// jemalloc, or run with it preloaded, does the right thing.
//
// Thread-safety: may be called from any thread; both calls lock inside.
#ifndef MODERATION_SERVER_HEAP_TRIM_H_
#define MODERATION_SERVER_HEAP_TRIM_H_

namespace moderation::server {

// Returns true when jemalloc was found and purged its arenas.
bool ReturnFreeHeapToSystem();

}  // namespace moderation::server

#endif  // MODERATION_SERVER_HEAP_TRIM_H_
