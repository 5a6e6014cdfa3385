// Internal: run a kernel over every trace with contiguous input/output buffers, in parallel.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit::detail {

/// True when every one of the n floats is finite. Integer bit tests (exponent all ones means
/// Inf or NaN) reduce with OR, which vectorizes, unlike a floating-point reduction.
inline bool all_finite(const float* x, std::ptrdiff_t n) {
  std::uint32_t bad = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    bad |= static_cast<std::uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

/// Calls kernel(x, y, n, j) for every trace j, where x (input) and y (output) are contiguous
/// float arrays of n samples; x == y is possible (in-place). Strided views are staged through
/// per-thread buffers. The kernel returns false when it met a non-finite sample; then the
/// input is scanned and InvalidArgument names the first bad sample. Thread count does not
/// change results (each trace is independent).
template <class Kernel>
void for_each_trace(const char* where, ConstView in, MutView out, Kernel&& kernel) {
  check::non_empty(where, "input", in);
  check::same_shape(where, in, out);
  check::no_partial_overlap(where, in, out);
  const std::ptrdiff_t n = in.n_samples;
  std::atomic<bool> bad{false}, bad_out{false};
  const bool direct = in.sample_stride == 1 && out.sample_stride == 1;
  const int nthreads = threads_for(static_cast<std::size_t>(in.size()));
  if (nthreads == 1 && direct) {  // no parallel region: a single trace (streaming) stays cheap
    bool ok = true, ok_out = true;
    for (std::ptrdiff_t j = 0; j < in.n_traces; ++j) {
      const bool r = kernel(in.trace(j), out.trace(j), n, j);
      ok &= r;
      ok_out &= !r || all_finite(out.trace(j), n);
    }
    if (!ok) check::finite_data(where, "input", in);
    if (!ok_out) check::finite_output(where, out, in);
    return;
  }
#pragma omp parallel num_threads(nthreads)
  {
    std::vector<float> xs, ys;
    if (!direct) {
      xs.resize(static_cast<std::size_t>(n));
      ys.resize(static_cast<std::size_t>(n));
    }
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < in.n_traces; ++j) {
      // The output is tested while the trace is still in cache (no second pass): finite
      // input that overflows float32 must not come back as silent Inf/NaN.
      if (direct) {
        if (!kernel(in.trace(j), out.trace(j), n, j))
          bad.store(true, std::memory_order_relaxed);
        else if (!all_finite(out.trace(j), n))
          bad_out.store(true, std::memory_order_relaxed);
      } else {
        for (std::ptrdiff_t i = 0; i < n; ++i) xs[static_cast<std::size_t>(i)] = in(i, j);
        if (!kernel(xs.data(), ys.data(), n, j))
          bad.store(true, std::memory_order_relaxed);
        else if (!all_finite(ys.data(), n))
          bad_out.store(true, std::memory_order_relaxed);
        for (std::ptrdiff_t i = 0; i < n; ++i) out(i, j) = ys[static_cast<std::size_t>(i)];
      }
    }
  }
  if (bad.load()) check::finite_data(where, "input", in);  // throws with the position
  if (bad_out.load()) check::finite_output(where, out, in);
}

/// Sample index range [i0, i1] of times [start_ns, end_ns], clamped to the trace.
inline std::pair<std::ptrdiff_t, std::ptrdiff_t> sample_window(double start_ns, double end_ns,
                                                               double dt_ns, double t0_ns,
                                                               std::ptrdiff_t n) {
  return check::index_span((start_ns - t0_ns) / dt_ns - 1e-9, (end_ns - t0_ns) / dt_ns + 1e-9, n);
}

/// Sum of n floats in double with eight independent accumulators (the additions overlap
/// instead of waiting on each other). NaN or Inf anywhere makes the result non-finite.
inline double sum(const float* x, std::ptrdiff_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::ptrdiff_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += static_cast<double>(x[i + k]);
  double s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; ++i) s += static_cast<double>(x[i]);
  return s;
}

/// Prefix sums kept as eight chunk-local scans plus a tail (so the scans overlap) and the
/// offset of each chunk: the true exclusive prefix sum at index k (0..n) is s[k] + offset of
/// k's chunk. Saves the pass that would add the offsets in.
struct ChunkedPrefix {
  static constexpr int kChunks = 8;
  std::ptrdiff_t q = 0;             ///< chunk length; the tail (chunk 8) covers [8q, n)
  double offset[kChunks + 1] = {};  ///< sum of everything before each chunk
  double tail_total = 0.0;

  /// Chunk holding prefix index k: index c*q + i + 1 (0 <= i < q) belongs to chunk c.
  std::ptrdiff_t chunk(std::ptrdiff_t k) const {
    if (q == 0) return kChunks;
    const std::ptrdiff_t c = k == 0 ? 0 : (k - 1) / q;
    return c < kChunks ? c : kChunks;
  }
  double at(const double* s, std::ptrdiff_t k) const { return s[k] + offset[chunk(k)]; }
  double total() const { return offset[kChunks] + tail_total; }

  /// Calls f(a, b, delta) for consecutive pieces [a, b) of [lo, hi) on which the chunks of
  /// i + da and i + db are constant; delta = offset(chunk(i + da)) - offset(chunk(i + db)).
  template <class F>
  void for_each_segment(std::ptrdiff_t lo, std::ptrdiff_t hi, std::ptrdiff_t da, std::ptrdiff_t db,
                        F&& f) const {
    std::ptrdiff_t cuts[2 * kChunks + 4];
    int nc = 0;
    cuts[nc++] = lo;
    cuts[nc++] = hi;
    for (int c = 1; c <= kChunks && q > 0; ++c) {
      // chunk(k) changes where k = c*q + 1.
      for (std::ptrdiff_t d : {da, db}) {
        const std::ptrdiff_t i = c * q + 1 - d;
        if (i > lo && i < hi) cuts[nc++] = i;
      }
    }
    std::sort(cuts, cuts + nc);
    for (int k = 0; k + 1 < nc; ++k) {
      const std::ptrdiff_t a = cuts[k], b = cuts[k + 1];
      if (a >= b) continue;
      f(a, b, offset[chunk(a + da)] - offset[chunk(a + db)]);
    }
  }
};

/// Fills s[0..n] with chunk-local prefix sums of x (see ChunkedPrefix), in double.
inline ChunkedPrefix chunked_prefix_sums(const float* x, std::ptrdiff_t n, double* s) {
  constexpr int kChunks = ChunkedPrefix::kChunks;
  ChunkedPrefix p;
  p.q = n / kChunks;
  const std::ptrdiff_t q = p.q;
  s[0] = 0.0;
  double acc[kChunks] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (std::ptrdiff_t i = 0; i < q; ++i)
    for (int c = 0; c < kChunks; ++c) {
      acc[c] += static_cast<double>(x[c * q + i]);
      s[c * q + i + 1] = acc[c];
    }
  double tail = 0.0;
  for (std::ptrdiff_t i = kChunks * q; i < n; ++i) {
    tail += static_cast<double>(x[i]);
    s[i + 1] = tail;
  }
  double o = 0.0;
  for (int c = 0; c < kChunks; ++c) {
    p.offset[c] = o;
    o += acc[c];
  }
  p.offset[kChunks] = o;
  p.tail_total = tail;
  return p;
}

}  // namespace gprkit::detail
