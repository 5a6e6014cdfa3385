#include "section_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "gprkit/core/bscan.h"

// Why a cache: a freshly mapped block costs a page fault and the kernel's zero-fill of every
// page on first touch, about as long as the single-pass kernel that then writes it (82 MB:
// ~7 ms against a ~12 ms dewow). glibc maps every block above 32 MiB anew and unmaps it on
// free, so a loop that makes and drops one section a call (any Python caller) paid that each
// time. Keeping a few large freed blocks, already faulted in, for the next section of about
// the same size removes it. Small blocks go to malloc, whose own free lists already do this.

#if defined(__SANITIZE_ADDRESS__)
#define GPRKIT_SECTION_CACHE_OFF 1  // ASan must see every free to catch a use after it
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GPRKIT_SECTION_CACHE_OFF 1
#endif
#endif

namespace gprkit {
namespace {

constexpr std::size_t kHuge = std::size_t{2} << 20;
constexpr std::size_t kLarge = 2 * kHuge;  // blocks from here are huge-page aligned and cached
constexpr std::size_t kMaxBlocks = 4;

struct Block {
  float* p;
  std::size_t bytes;
};

struct Cache {
  std::mutex mu;
  std::unordered_map<float*, std::size_t> live;  // large blocks handed out, and their sizes
  std::vector<Block> kept;                       // freed large blocks, oldest first
  std::size_t kept_bytes = 0;
  std::size_t limit = default_limit();

  Cache() { kept.reserve(kMaxBlocks + 1); }  // so keeping a block never allocates

  static std::size_t default_limit() {
#ifdef GPRKIT_SECTION_CACHE_OFF
    return 0;
#else
    // GPRKIT_SECTION_CACHE_MB bounds the bytes kept (0 turns the cache off); default 512 MiB.
    if (const char* e = std::getenv("GPRKIT_SECTION_CACHE_MB")) {
      char* end = nullptr;
      const unsigned long long mb = std::strtoull(e, &end, 10);
      if (end != e && *end == '\0' && mb < (1ULL << 40)) return static_cast<std::size_t>(mb) << 20;
    }
    return std::size_t{512} << 20;
#endif
  }
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: sections freed by static destructors use it
  return *c;
}

std::size_t release_locked(Cache& c, std::size_t keep_bytes, std::vector<Block>& out) {
  std::size_t freed = 0;
  while (!c.kept.empty() && (c.kept_bytes > keep_bytes || c.kept.size() > kMaxBlocks)) {
    out.push_back(c.kept.front());
    c.kept_bytes -= c.kept.front().bytes;
    freed += c.kept.front().bytes;
    c.kept.erase(c.kept.begin());
  }
  return freed;
}

void free_all(const std::vector<Block>& blocks) {
  for (const Block& b : blocks) std::free(b.p);
}

}  // namespace

namespace detail {

float* allocate_section(std::size_t bytes) {
  bytes = (bytes + 63) / 64 * 64;
  if (bytes == 0) return nullptr;
  if (bytes < kLarge) {
    void* p = std::aligned_alloc(64, bytes);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<float*>(p);
  }
  bytes = (bytes + kHuge - 1) / kHuge * kHuge;
  Cache& c = cache();
  {
    // The smallest kept block that holds the request without wasting more than a quarter.
    std::lock_guard<std::mutex> lock(c.mu);
    auto best = c.kept.end();
    for (auto it = c.kept.begin(); it != c.kept.end(); ++it)
      if (it->bytes >= bytes && it->bytes - bytes <= it->bytes / 4 &&
          (best == c.kept.end() || it->bytes < best->bytes))
        best = it;
    if (best != c.kept.end()) {
      const Block b = *best;
      c.live.emplace(b.p, b.bytes);  // first: if it throws, nothing has changed
      c.kept_bytes -= b.bytes;
      c.kept.erase(best);
      return b.p;
    }
  }
  void* p = std::aligned_alloc(kHuge, bytes);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Advice only, failure is harmless: first touching a whole line then costs a few hundred
  // page faults instead of tens of thousands.
  (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
  try {
    std::lock_guard<std::mutex> lock(c.mu);
    c.live.emplace(static_cast<float*>(p), bytes);
  } catch (...) {
    std::free(p);
    throw;
  }
  return static_cast<float*>(p);
}

void free_section(float* p) noexcept {
  if (p == nullptr) return;
  Cache& c = cache();
  std::vector<Block> drop;
  bool kept = false;
  try {
    drop.reserve(kMaxBlocks + 1);  // so that nothing below the lock can throw
    std::lock_guard<std::mutex> lock(c.mu);
    const auto it = c.live.find(p);
    if (it != c.live.end()) {
      const Block b{p, it->second};
      c.live.erase(it);
      if (b.bytes <= c.limit) {
        c.kept.push_back(b);
        c.kept_bytes += b.bytes;
        kept = true;
        release_locked(c, c.limit, drop);  // may drop the oldest, or this one
        kept = std::none_of(drop.begin(), drop.end(), [p](const Block& d) { return d.p == p; });
      }
    }
  } catch (...) {  // a vector that cannot grow: free instead of keeping
    kept = false;
  }
  free_all(drop);
  if (!kept) std::free(p);
}

}  // namespace detail

std::size_t release_cached_sections() noexcept {
  Cache& c = cache();
  std::vector<Block> drop;
  std::size_t freed = 0;
  try {
    std::lock_guard<std::mutex> lock(c.mu);
    drop.reserve(c.kept.size());
    freed = release_locked(c, 0, drop);
  } catch (...) {
    return 0;
  }
  free_all(drop);
  return freed;
}

}  // namespace gprkit
