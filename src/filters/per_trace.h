// Internal: run a kernel over every trace with contiguous input/output buffers, in parallel.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit::detail {

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
      ok_out &= !r || check::all_finite(out.trace(j), n);
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
        else if (!check::all_finite(out.trace(j), n))
          bad_out.store(true, std::memory_order_relaxed);
      } else {
        for (std::ptrdiff_t i = 0; i < n; ++i) xs[static_cast<std::size_t>(i)] = in(i, j);
        if (!kernel(xs.data(), ys.data(), n, j))
          bad.store(true, std::memory_order_relaxed);
        else if (!check::all_finite(ys.data(), n))
          bad_out.store(true, std::memory_order_relaxed);
        for (std::ptrdiff_t i = 0; i < n; ++i) out(i, j) = ys[static_cast<std::size_t>(i)];
      }
    }
  }
  if (bad.load()) check::finite_data(where, "input", in);  // throws with the position
  if (bad_out.load()) check::finite_output(where, out, in);
}

/// Like for_each_trace, for kernels that take up to Lanes traces at once:
/// kernel(x, y, count, n) with x[l], y[l] (l < count <= Lanes) contiguous traces of n samples,
/// consecutive in the section (x[l] == y[l] possible); it returns false when it met a
/// non-finite sample. Groups are fixed (traces Lanes * g ...), and the kernel must give each
/// trace the same bits whatever its group, so the thread count does not change results.
template <int Lanes, class Kernel>
void for_each_trace_group(const char* where, ConstView in, MutView out, Kernel&& kernel) {
  check::non_empty(where, "input", in);
  check::same_shape(where, in, out);
  check::no_partial_overlap(where, in, out);
  const std::ptrdiff_t n = in.n_samples;
  const std::ptrdiff_t groups = (in.n_traces + Lanes - 1) / Lanes;
  const bool direct = in.sample_stride == 1 && out.sample_stride == 1;
  // 0: fine, 1: non-finite input, 2: non-finite output (of finite input).
  auto run = [&](std::ptrdiff_t g, std::vector<float>& stage) -> int {
    const std::ptrdiff_t j0 = g * Lanes;
    const int count = static_cast<int>(std::min<std::ptrdiff_t>(Lanes, in.n_traces - j0));
    const float* x[Lanes];
    float* y[Lanes];
    for (int l = 0; l < count; ++l) {
      if (direct) {
        x[l] = in.trace(j0 + l);
        y[l] = out.trace(j0 + l);
      } else {  // strided: staged through a buffer, in place
        float* b = stage.data() + l * n;
        for (std::ptrdiff_t i = 0; i < n; ++i) b[i] = in(i, j0 + l);
        x[l] = y[l] = b;
      }
    }
    if (!kernel(x, y, count, n)) return 1;
    int status = 0;
    for (int l = 0; l < count; ++l) {
      if (!check::all_finite(y[l], n)) status = 2;  // while the trace is in cache
      if (!direct)
        for (std::ptrdiff_t i = 0; i < n; ++i) out(i, j0 + l) = y[l][i];
    }
    return status;
  };
  std::atomic<int> worst{0};
  const int nthreads = threads_for(static_cast<std::size_t>(in.size()));
  if (nthreads == 1) {  // no parallel region: a single trace (streaming) stays cheap
    std::vector<float> stage(direct ? 0 : static_cast<std::size_t>(Lanes * n));
    int w = 0;
    for (std::ptrdiff_t g = 0; g < groups && w != 1; ++g) w = std::max(w, run(g, stage));
    worst = w;
  } else {
#pragma omp parallel num_threads(nthreads)
    {
      std::vector<float> stage(direct ? 0 : static_cast<std::size_t>(Lanes * n));
#pragma omp for schedule(static)
      for (std::ptrdiff_t g = 0; g < groups; ++g) {
        const int w = run(g, stage);
        int cur = worst.load(std::memory_order_relaxed);
        while (w > cur && !worst.compare_exchange_weak(cur, w, std::memory_order_relaxed)) {
        }
      }
    }
  }
  if (worst.load() == 1) check::finite_data(where, "input", in);  // throws with the position
  if (worst.load() != 0) check::finite_output(where, out, in);
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

}  // namespace gprkit::detail
