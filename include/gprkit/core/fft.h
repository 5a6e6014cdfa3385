// FFTW float plans, made once per size and cached behind a mutex; executed with
// FFTW's new-array calls from any thread on buffers from fft::alloc_*. Each thread also
// remembers its last few plans, so a warm loop of small transforms takes no lock.
// Plans are FFTW_ESTIMATE (never timed), so a transform gives the same bits in every call,
// thread and process. Planning a size costs 0.5-2 ms, so the plans are also kept as FFTW
// wisdom per user (see wisdom_info) and the next process replays them: the same plans, the
// same bits. Only FFTW_ESTIMATE wisdom is read from or written to that file (wisdom of
// FFTW_MEASURE plans would satisfy our requests too and change the algorithm, so the bits).
// A host that imports its own patient wisdom into the same libfftw3f in the same process
// (pyFFTW sharing a conda FFTW, say) still changes the plans of that process; it is never
// saved to gprkit's file.
#pragma once
#include <complex>
#include <cstddef>
#include <memory>
#include <string>

namespace gprkit::fft {

using cfloat = std::complex<float>;

struct FreeFftw {
  void operator()(void* p) const noexcept;
};
template <class T>
using buffer = std::unique_ptr<T[], FreeFftw>;

/// SIMD-aligned buffers (fftwf_malloc) that the cached plans can execute on.
buffer<float> alloc_real(std::size_t n);
buffer<cfloat> alloc_complex(std::size_t n);

/// Smallest n' >= n whose only prime factors are 2, 3, 5, 7 (fast for FFTW).
std::size_t fast_size(std::size_t n);

/// 1-D real-to-complex, length n (output n/2+1). Buffers from alloc_* take the SIMD plans;
/// any other pointer (this holds for every call below) runs a slower unaligned plan.
void r2c(std::size_t n, float* in, cfloat* out);
/// 1-D complex-to-real, length n (input n/2+1, destroyed). Unnormalized (scale 1/n yourself).
void c2r(std::size_t n, cfloat* in, float* out);
/// 1-D complex, sign -1 (forward) or +1 (inverse), unnormalized. in may equal out.
void c2c(std::size_t n, cfloat* in, cfloat* out, int sign);
/// 2-D complex on a column-major n0 x n1 array (n0 contiguous), unnormalized. in may equal out.
void c2c_2d(std::size_t n0, std::size_t n1, cfloat* in, cfloat* out, int sign);
/// `howmany` 1-D complex transforms of length n, each contiguous, spaced by n
/// (column-major n x howmany). Unnormalized. in may equal out.
void c2c_many(std::size_t n, std::size_t howmany, cfloat* in, cfloat* out, int sign);

/// General batch: `howmany` complex transforms of length n; element k of batch b is at
/// in[b * dist + k * stride]. Unnormalized. in may equal out (same layout).
void c2c_batch(std::size_t n, std::size_t howmany, std::size_t stride, std::size_t dist, cfloat* in,
               cfloat* out, int sign);

/// Number of distinct plans currently cached (for tests).
std::size_t cached_plan_count();

/// The per-user FFTW wisdom file: `path` (empty when off), whether this process `loaded`
/// usable wisdom from it, and how many times it `saves`d it (after a new plan; a process
/// that only replays plans saves nothing). The path is GPRKIT_FFTW_WISDOM when set ("off"
/// or "0" turns wisdom off), else a file per FFTW build and instruction set in the
/// platform's cache folder ($XDG_CACHE_HOME or ~/.cache/gprkit, ~/Library/Caches/gprkit,
/// %LOCALAPPDATA%\gprkit\cache). A missing, corrupt or foreign file is ignored and an
/// unwritable one is left alone: neither fails a call or changes a result.
struct WisdomInfo {
  std::string path;
  bool loaded = false;
  std::size_t saves = 0;
};
WisdomInfo wisdom_info();

/// Creates FFTW's planner and imports the wisdom file now (~1.5 ms, once per process), so a
/// first transform whose plan the wisdom holds only replays it (~0.1 ms a plan) instead of
/// paying for both on the first call. Optional (the first plan does it otherwise); never
/// throws. gprkit's Python module calls it when imported.
void prepare() noexcept;

}  // namespace gprkit::fft
