#include <pybind11/pybind11.h>

#include "convert.h"
#include "gprkit/core/bscan.h"
#include "gprkit/core/fft.h"
#include "gprkit/core/threads.h"

namespace gprkit::py {

void bind_core(pyb::module_& m) {
  m.def("set_num_threads", &gprkit::set_num_threads, pyb::arg("n"),
        "Threads every kernel uses (>= 1); 0 restores the default (GPRKIT_NUM_THREADS or all "
        "cores).");
  m.def("get_num_threads", &gprkit::get_num_threads, "Threads every kernel uses.");
  m.def("release_cached_sections", &gprkit::release_cached_sections,
        "Return the large freed section buffers gprkit keeps for reuse (at most 512 MiB, or "
        "GPRKIT_SECTION_CACHE_MB; 0 turns the cache off) to the system; gives the bytes freed.");
  m.def("fft_cached_plans", &gprkit::fft::cached_plan_count, "FFTW plans in the cache.");
  m.def(
      "fft_wisdom",
      [] {
        const auto w = gprkit::fft::wisdom_info();
        pyb::dict d;
        d["path"] = lossy_str(w.path);
        d["loaded"] = w.loaded;
        d["saves"] = w.saves;
        return d;
      },
      "The per-user FFTW wisdom file: path ('' when off), loaded by this process, saves.");
  // FFTW's planner and the wisdom file now, at import, rather than in the first call.
  gprkit::fft::prepare();
  m.def("fast_fft_size", &gprkit::fft::fast_size, pyb::arg("n"),
        "Smallest n' >= n with only 2, 3, 5, 7 as prime factors.");
}

}  // namespace gprkit::py
