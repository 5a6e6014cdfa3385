#include "gprkit/core/fft.h"

#include <fftw3.h>

#include <map>
#include <mutex>
#include <new>
#include <tuple>

#include "fft_wisdom.h"
#include "gprkit/core/validate.h"

namespace gprkit::fft {

void FreeFftw::operator()(void* p) const noexcept { fftwf_free(p); }

buffer<float> alloc_real(std::size_t n) {
  auto* p = static_cast<float*>(fftwf_malloc(sizeof(float) * (n ? n : 1)));
  if (!p) throw std::bad_alloc();
  return buffer<float>(p);
}

buffer<cfloat> alloc_complex(std::size_t n) {
  auto* p = static_cast<cfloat*>(fftwf_malloc(sizeof(cfloat) * (n ? n : 1)));
  if (!p) throw std::bad_alloc();
  return buffer<cfloat>(p);
}

std::size_t fast_size(std::size_t n) {
  if (n <= 1) return 1;
  for (std::size_t m = n;; ++m) {
    std::size_t r = m;
    for (std::size_t p : {2u, 3u, 5u, 7u})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

namespace {

enum class Kind { r2c, c2r, c2c, c2c_2d, c2c_batch };
// kind, n0, n1 (or howmany), stride, dist, sign, in-place, both buffers SIMD-aligned
using Key = std::tuple<Kind, std::size_t, std::size_t, std::size_t, std::size_t, int, bool, bool>;

struct Cache {
  std::mutex mutex;
  std::map<Key, fftwf_plan> plans;
  ~Cache() {
    for (auto& [k, p] : plans) fftwf_destroy_plan(p);
  }
};

Cache& cache() {
  static Cache c;
  return c;
}

int as_int(std::size_t n, const char* what) {
  if (n == 0 || n > (1u << 30)) check::fail("fft", what, static_cast<double>(n), "1..2^30");
  return static_cast<int>(n);
}

// Plans are made on scratch buffers with the alignment of fftwf_malloc, so they apply to
// every buffer from alloc_*; a call on a buffer off that alignment (a slice of a bigger
// one) gets its own FFTW_UNALIGNED plan instead of running an aligned one out of contract.
fftwf_plan get_locked(const Key& key);

// Each thread remembers the plans it used last, so a warm per-trace loop (a stream) takes no
// lock: plans live until the program ends, so a remembered pointer stays valid.
fftwf_plan get(const Key& key) {
  struct Recent {
    Key key;
    fftwf_plan plan = nullptr;
  };
  constexpr std::size_t kRecent = 8;
  thread_local Recent recent[kRecent];
  thread_local std::size_t next = 0;
  for (const Recent& r : recent)
    if (r.plan != nullptr && r.key == key) return r.plan;
  fftwf_plan p = get_locked(key);
  recent[next] = {key, p};
  next = (next + 1) % kRecent;
  return p;
}

fftwf_plan get_locked(const Key& key) {
  auto& c = cache();
  std::lock_guard lock(c.mutex);
  if (auto it = c.plans.find(key); it != c.plans.end()) return it->second;
  wisdom::load_once();
  // Plain variables, not a structured binding: the planning lambda below uses them (clang 14
  // refuses to capture bindings).
  const Kind kind = std::get<0>(key);
  const std::size_t n0 = std::get<1>(key), n1 = std::get<2>(key);
  const std::size_t stride = std::get<3>(key), dist = std::get<4>(key);
  const int sign = std::get<5>(key);
  const bool inplace = std::get<6>(key), aligned = std::get<7>(key);
  // Always FFTW_ESTIMATE: its choice of algorithm is a function of the problem (sizes,
  // strides, alignment, CPU), while FFTW_MEASURE times candidates and picks by the clock,
  // so under load, with other threads running, or merely in another process it could pick
  // another algorithm with other roundings (up to ~2e-7 relative: time_zero and stolt gave
  // a different answer in every fresh process). Same problem, same plan, same numbers.
  const unsigned flags = FFTW_ESTIMATE | (aligned ? 0u : FFTW_UNALIGNED);
  // Scratch buffers of the problem's layout (FFTW plans on them; execution gets the caller's).
  std::size_t in_n = 0, out_n = 0;  // complex elements (r2c input: its real floats fit in it)
  switch (kind) {
    case Kind::r2c:
    case Kind::c2r:
      in_n = out_n = n0 / 2 + 1;
      break;
    case Kind::c2c:
      in_n = out_n = n0;
      break;
    case Kind::c2c_2d:
      in_n = out_n = n0 * n1;
      break;
    case Kind::c2c_batch:
      in_n = out_n = (n0 - 1) * stride + (n1 - 1) * dist + 1;
      break;
  }
  auto in = alloc_complex(in_n);
  auto out = inplace ? nullptr : alloc_complex(out_n);
  auto* ci = reinterpret_cast<fftwf_complex*>(in.get());
  auto* co = inplace ? ci : reinterpret_cast<fftwf_complex*>(out.get());
  auto* ri = reinterpret_cast<float*>(in.get());
  auto* ro = reinterpret_cast<float*>(out.get());
  const auto make = [&](unsigned f) -> fftwf_plan {
    switch (kind) {
      case Kind::r2c:
        return fftwf_plan_dft_r2c_1d(as_int(n0, "n"), ri, co, f);
      case Kind::c2r:
        return fftwf_plan_dft_c2r_1d(as_int(n0, "n"), ci, ro, f);
      case Kind::c2c:
        return fftwf_plan_dft_1d(as_int(n0, "n"), ci, co, sign, f);
      // FFTW is row-major: our column-major n0 x n1 is its n1 x n0.
      case Kind::c2c_2d:
        return fftwf_plan_dft_2d(as_int(n1, "n1"), as_int(n0, "n0"), ci, co, sign, f);
      case Kind::c2c_batch: {
        int n = as_int(n0, "n");
        return fftwf_plan_many_dft(1, &n, as_int(n1, "howmany"), ci, nullptr,
                                   as_int(stride, "stride"), as_int(dist, "dist"), co, nullptr,
                                   as_int(stride, "stride"), as_int(dist, "dist"), sign, f);
      }
    }
    return nullptr;
  };
  // From wisdom first (the file's or this process's): a replay of the plan FFTW_ESTIMATE
  // would make, in ~0.05 ms instead of 0.5-3 ms, and nothing new to save.
  fftwf_plan plan = make(flags | FFTW_WISDOM_ONLY);
  const bool planned = plan == nullptr;
  if (planned) plan = make(flags);
  if (!plan) throw Error("fft: FFTW could not make a plan");
  c.plans.emplace(key, plan);
  if (planned) wisdom::save();
  return plan;
}

auto* fc(cfloat* p) { return reinterpret_cast<fftwf_complex*>(p); }

template <class A, class B>
bool simd_aligned(A* in, B* out) {
  return fftwf_alignment_of(reinterpret_cast<float*>(in)) == 0 &&
         fftwf_alignment_of(reinterpret_cast<float*>(out)) == 0;
}

}  // namespace

void r2c(std::size_t n, float* in, cfloat* out) {
  fftwf_execute_dft_r2c(get({Kind::r2c, n, 0, 0, 0, 0, false, simd_aligned(in, out)}), in, fc(out));
}

void c2r(std::size_t n, cfloat* in, float* out) {
  fftwf_execute_dft_c2r(get({Kind::c2r, n, 0, 0, 0, 0, false, simd_aligned(in, out)}), fc(in), out);
}

void c2c(std::size_t n, cfloat* in, cfloat* out, int sign) {
  fftwf_execute_dft(get({Kind::c2c, n, 0, 0, 0, sign, in == out, simd_aligned(in, out)}), fc(in),
                    fc(out));
}

void c2c_2d(std::size_t n0, std::size_t n1, cfloat* in, cfloat* out, int sign) {
  fftwf_execute_dft(get({Kind::c2c_2d, n0, n1, 0, 0, sign, in == out, simd_aligned(in, out)}),
                    fc(in), fc(out));
}

void c2c_many(std::size_t n, std::size_t howmany, cfloat* in, cfloat* out, int sign) {
  c2c_batch(n, howmany, 1, n, in, out, sign);
}

void c2c_batch(std::size_t n, std::size_t howmany, std::size_t stride, std::size_t dist, cfloat* in,
               cfloat* out, int sign) {
  fftwf_execute_dft(
      get({Kind::c2c_batch, n, howmany, stride, dist, sign, in == out, simd_aligned(in, out)}),
      fc(in), fc(out));
}

WisdomInfo wisdom_info() {
  std::lock_guard lock(cache().mutex);
  return wisdom::info();
}

void prepare() noexcept {
  try {
    std::lock_guard lock(cache().mutex);
    wisdom::load_once();
    // Wisdom off or no file: create the planner anyway (an empty import fails at once, after
    // FFTW registered its solvers: the ~0.5 ms every process's first plan pays).
    fftwf_import_wisdom_from_string("");
  } catch (...) {
  }
}

std::size_t cached_plan_count() {
  auto& c = cache();
  std::lock_guard lock(c.mutex);
  return c.plans.size();
}

}  // namespace gprkit::fft
