#include "moving_window.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "../core/simd.h"

// The 32-byte vector helpers below are inlined, never called across an ABI boundary, so
// GCC's note that their calling convention differs with and without AVX does not apply.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace gprkit::detail {
namespace {

using idx_t = std::ptrdiff_t;
constexpr int kL = kWindowLanes;
typedef float v8sf __attribute__((vector_size(32)));

[[gnu::always_inline]] inline v8sf load8(const float* p) {
  v8sf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store8(float* p, v8sf v) { std::memcpy(p, &v, sizeof v); }

/// 8 x 8 transpose of r (row k = r[k]): 24 two-register shuffles, which every width lowers to
/// its own unpack / shuffle / lane-permute instructions.
[[gnu::always_inline]] inline void transpose8(v8sf r[8]) {
  v8sf t[8], s[8];
  for (int k = 0; k < 8; k += 2) {
    t[k] = __builtin_shufflevector(r[k], r[k + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[k + 1] = __builtin_shufflevector(r[k], r[k + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int k = 0; k < 8; k += 4)
    for (int u = 0; u < 2; ++u) {
      s[k + 2 * u] = __builtin_shufflevector(t[k + u], t[k + 2 + u], 0, 1, 8, 9, 4, 5, 12, 13);
      s[k + 2 * u + 1] =
          __builtin_shufflevector(t[k + u], t[k + 2 + u], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  for (int k = 0; k < 4; ++k) {
    r[k] = __builtin_shufflevector(s[k], s[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[k + 4] = __builtin_shufflevector(s[k], s[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

/// t[i * L + l] = x[l][i] for rows i in [from, to) (sample-major, one lane per trace); from
/// is a multiple of 8 and rows are moved 8 at a time where 8 remain.
template <int L>
[[gnu::always_inline]] inline void gather_lanes(const float* const* x, idx_t from, idx_t to,
                                                float* t) {
  idx_t i = from;
  if constexpr (L == 8) {
    for (; i + 8 <= to; i += 8) {
      v8sf r[8];
      for (int l = 0; l < 8; ++l) r[l] = load8(x[l] + i);
      transpose8(r);
      for (int k = 0; k < 8; ++k) store8(t + (i + k) * 8, r[k]);
    }
  }
  for (; i < to; ++i)
    for (int l = 0; l < L; ++l) t[i * L + l] = x[l][i];
}

/// y[l][i] = t[i * L + l] for rows i in [from, to), as gather_lanes.
template <int L>
[[gnu::always_inline]] inline void scatter_lanes(const float* t, idx_t from, idx_t to,
                                                 float* const* y) {
  idx_t i = from;
  if constexpr (L == 8) {
    for (; i + 8 <= to; i += 8) {
      v8sf r[8];
      for (int k = 0; k < 8; ++k) r[k] = load8(t + (i + k) * 8);
      transpose8(r);
      for (int l = 0; l < 8; ++l) store8(y[l] + i, r[l]);
    }
  }
  for (; i < to; ++i)
    for (int l = 0; l < L; ++l) y[l][i] = t[i * L + l];
}

/// Window [first(i), last(i)] (inclusive) of sample i.
template <WindowKind K>
[[gnu::always_inline]] inline std::pair<idx_t, idx_t> window(idx_t i, idx_t n, idx_t h) {
  if constexpr (K == WindowKind::dewow) {
    const idx_t r = std::min({h, i, n - 1 - i});  // symmetric: a trend is removed exactly
    return {i - r, i + r};
  } else {
    return {std::max<idx_t>(0, i - h), std::min(n - 1, i + h)};
  }
}

/// One sample of L lanes: floats F, their double D, and the conversions.
template <int L>
struct Lanes;
template <>
struct Lanes<8> {
  typedef double D __attribute__((vector_size(64)));
  static D load(const float* p) { return __builtin_convertvector(load8(p), D); }
  static void store(float* p, D d) { store8(p, __builtin_convertvector(d, v8sf)); }
  static bool finite(D d) {
    bool ok = true;
    for (int l = 0; l < 8; ++l) ok &= std::isfinite(d[l]);
    return ok;
  }
};
template <>
struct Lanes<1> {
  using D = double;
  static D load(const float* p) { return static_cast<double>(*p); }
  static void store(float* p, D d) { *p = static_cast<float>(d); }
  static bool finite(D d) { return std::isfinite(d); }
};

template <int L, WindowKind K>
[[gnu::always_inline]] inline bool apply(const float* const* x_in, float* const* y_in, idx_t n,
                                         idx_t h, double floor) {
  using V = Lanes<L>;
  using D = typename V::D;
  // Local copies of the trace pointers: the compiler cannot keep x_in's and y_in's in
  // registers across the stores below, which might alias them.
  const float* x[L];
  float* y[L];
  for (int l = 0; l < L; ++l) {
    x[l] = x_in[l];
    y[l] = y_in[l];
  }
  thread_local std::vector<float> tb, ob;
  thread_local std::vector<double> eb;
  tb.resize(static_cast<std::size_t>(n * L));
  ob.resize(static_cast<std::size_t>(n * L));
  eb.resize(static_cast<std::size_t>(n * L));
  float* t = tb.data();   // input, sample-major
  float* o = ob.data();   // output, sample-major (AGC: first the mean square)
  double* e = eb.data();  // each row's term of the sums, kept from its entry for its exit
  // The window sum of each lane runs along the trace in double: each step adds the sample
  // entering and subtracts the one leaving (their difference formed first, off the chain of
  // additions). Rounding grows like n * 2^-53 of the sum: far below float32's 2^-24.
  auto enter = [&](idx_t i) {
    D u = V::load(t + i * L);
    if constexpr (K == WindowKind::agc) u *= u;
    std::memcpy(e + i * L, &u, sizeof u);
    return u;
  };
  auto term = [&](idx_t i) {
    D u;
    std::memcpy(&u, e + i * L, sizeof u);
    return u;
  };
  auto put = [&](idx_t i, D sum, double inv) {
    if constexpr (K == WindowKind::dewow)
      V::store(o + i * L, term(i) - sum * inv);
    else
      V::store(o + i * L, sum * inv);
  };
  D sum = D{} + 0.0;
  idx_t a = 0, b = -1;  // the window now in sum: [a, b]
  auto edge = [&](idx_t i) {
    const auto [a2, b2] = window<K>(i, n, h);
    for (; b < b2; ++b) sum += enter(b + 1);
    for (; a < a2; ++a) sum -= term(a);
    put(i, sum, 1.0 / static_cast<double>(b2 - a2 + 1));
  };
  const idx_t lead = std::min(h + 1, n), tail = std::max(lead, n - h);
  const double inv = 1.0 / static_cast<double>(2 * h + 1);
  const auto fl = static_cast<float>(floor);
  // One pass in blocks of kBlock rows: the rows a block's windows reach are gathered just
  // before it and its outputs scattered just after, so the traces are read and written while
  // the sums run, and t and o stay in cache. A trace may be its own output: a row is written
  // only after every window that reads it has been gathered (h >= 1).
  constexpr idx_t kBlock = 16;
  idx_t gathered = 0;
  for (idx_t i0 = 0; i0 < n; i0 += kBlock) {
    const idx_t i1 = std::min(n, i0 + kBlock);
    const idx_t reach = std::min(n, (i1 + h + 7) / 8 * 8);  // rows < i1 + h, whole groups of 8
    gather_lanes<L>(x, gathered, reach, t);
    gathered = reach;
    // Rows [c0, c1) of the block are interior: window [i - h, i + h], one sample in, one out.
    const idx_t c0 = std::clamp(lead, i0, i1), c1 = std::clamp(tail, c0, i1);
    for (idx_t i = i0; i < c0; ++i) edge(i);
    for (idx_t i = c0; i < c1; ++i) {
      sum += enter(i + h) - term(i - h - 1);
      put(i, sum, inv);
    }
    if (c1 == tail && c1 < i1 && tail > lead) {  // the window the interior left in sum
      a = tail - 1 - h;
      b = tail - 1 + h;
    }
    for (idx_t i = c1; i < i1; ++i) edge(i);
    if constexpr (K == WindowKind::agc)
      for (idx_t k = i0 * L; k < i1 * L; ++k)
        o[k] = t[k] / std::max(std::sqrt(std::max(o[k], 0.0f)), fl);
    scatter_lanes<L>(o, i0, i1, y);
  }
  // Double sums of finite floats (or of their squares) cannot overflow: a non-finite sum
  // means a non-finite sample.
  return V::finite(sum);
}

template <WindowKind K>
[[gnu::always_inline]] inline bool dispatch(const float* const* x, float* const* y, int count,
                                            idx_t n, idx_t h, double floor) {
  if (count == kL) return apply<kL, K>(x, y, n, h, floor);
  bool ok = true;  // a partial group runs trace by trace: the same operations per lane
  for (int l = 0; l < count && ok; ++l) ok = apply<1, K>(x + l, y + l, n, h, floor);
  return ok;
}

GPRKIT_SIMD_CLONES bool dewow_lanes(const float* const* x, float* const* y, int count, idx_t n,
                                    idx_t h) {
  return dispatch<WindowKind::dewow>(x, y, count, n, h, 0.0);
}

GPRKIT_SIMD_CLONES bool agc_lanes(const float* const* x, float* const* y, int count, idx_t n,
                                  idx_t h, double floor) {
  return dispatch<WindowKind::agc>(x, y, count, n, h, floor);
}

}  // namespace

bool moving_window(WindowKind kind, const float* const* x, float* const* y, int count, idx_t n,
                   idx_t h, double floor) {
  return kind == WindowKind::dewow ? dewow_lanes(x, y, count, n, h)
                                   : agc_lanes(x, y, count, n, h, floor);
}

}  // namespace gprkit::detail
