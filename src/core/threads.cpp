#include "gprkit/core/threads.h"

#include <omp.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "gprkit/core/validate.h"

namespace gprkit {

namespace {
int default_threads() {
  if (const char* env = std::getenv("GPRKIT_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1 && n <= 4096) return static_cast<int>(n);
  }
  const int n = omp_get_max_threads();
  return n >= 1 ? n : 1;
}
std::atomic<int> g_threads{0};  // 0: not yet resolved
}  // namespace

void set_num_threads(int n) {
  if (n < 0 || n > 4096) check::fail("set_num_threads", "n", n, "0 (default) or 1..4096");
  g_threads.store(n == 0 ? default_threads() : n);
}

int get_num_threads() {
  int n = g_threads.load();
  if (n == 0) {
    n = default_threads();
    g_threads.store(n);
  }
  return n;
}

int threads_for(std::size_t work) {
  // Below ~64k samples a parallel region's start-up costs more than it saves.
  return work < (std::size_t{1} << 16) ? 1 : get_num_threads();
}

}  // namespace gprkit
