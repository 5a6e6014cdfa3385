#include "gprkit/clutter/background.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>

#include "../core/select.h"
#include "../core/simd.h"
#include "gprkit/clutter/surface.h"
#include "gprkit/core/validate.h"
#include "interpolate.h"
#include "linalg.h"
#include "sorted_window.h"

namespace gprkit {
namespace {

using namespace clutter_detail;
using idx_t = std::ptrdiff_t;
using clutter_detail::sorted_erase;
using clutter_detail::sorted_insert;
using clutter_detail::sorted_median;

constexpr const char* kWhere = "remove_background";
constexpr idx_t kTraceChunk = 256;  // fixed work unit over traces (thread-count independent)

/// The traces the background is estimated from (sorted).
struct Selection {
  std::vector<idx_t> idx;
  bool contiguous = true;  ///< idx is first, first+1, ..., first+count-1
  idx_t size() const { return static_cast<idx_t>(idx.size()); }
};

Selection select(const BackgroundOptions& o, idx_t n) {
  if (o.first_trace < 0 || o.first_trace >= n)
    check::fail(kWhere, "first_trace", static_cast<double>(o.first_trace),
                "0.." + std::to_string(n - 1) + " (a trace of the section)");
  const idx_t count = o.n_traces < 0 ? n - o.first_trace : o.n_traces;
  if (o.n_traces == 0 || (o.n_traces < 0 && o.n_traces != -1) || o.first_trace + count > n)
    check::fail(kWhere, "n_traces", static_cast<double>(o.n_traces),
                "-1 (to the end) or 1.." + std::to_string(n - o.first_trace) +
                    " (first_trace + n_traces <= " + std::to_string(n) + ")");
  if (!o.trace_mask.empty() && static_cast<idx_t>(o.trace_mask.size()) != n)
    check::fail(kWhere, "trace_mask size", static_cast<double>(o.trace_mask.size()),
                "0 (no mask) or one entry per trace (" + std::to_string(n) + ")");
  Selection s;
  s.idx.reserve(static_cast<std::size_t>(count));
  for (idx_t j = o.first_trace; j < o.first_trace + count; ++j)
    if (o.trace_mask.empty() || o.trace_mask[static_cast<std::size_t>(j)] != 0) s.idx.push_back(j);
  if (s.idx.empty())
    check::fail(kWhere, "trace_mask", "no selected trace in the range",
                "at least one non-zero entry in [first_trace, first_trace + n_traces)");
  s.contiguous = s.idx.back() - s.idx.front() + 1 == s.size();
  return s;
}

bool needs_window(BackgroundMethod m) {
  return m == BackgroundMethod::moving_mean || m == BackgroundMethod::moving_median ||
         m == BackgroundMethod::ground_bounce || m == BackgroundMethod::surface;
}

void validate(ConstView in, const MutView& out, const BackgroundOptions& o, const Selection& sel) {
  const int mi = static_cast<int>(o.method);
  if (mi < 0 || mi > static_cast<int>(BackgroundMethod::surface))
    check::fail(kWhere, "method", mi, "a BackgroundMethod");
  if (needs_window(o.method)) {
    if (o.window_traces < 1 || o.window_traces % 2 == 0 || o.window_traces > sel.size())
      check::fail(kWhere, "window_traces", static_cast<double>(o.window_traces),
                  "an odd number of traces in 1.." + std::to_string(sel.size()) +
                      " (no longer than the traces used)");
  }
  if (o.method == BackgroundMethod::exponential && o.window_traces < 1)
    check::fail(kWhere, "window_traces", static_cast<double>(o.window_traces), ">= 1 (the span)");
  if (o.method == BackgroundMethod::svd) {
    const idx_t rank_max = std::min(in.n_samples, sel.size());
    if (o.svd_components != -1 && (o.svd_components < 1 || o.svd_components > rank_max))
      check::fail(kWhere, "svd_components", o.svd_components,
                  "-1 (automatic) or 1.." + std::to_string(rank_max) +
                      " (the largest possible rank of the " +
                      check::shape_str(in.n_samples, sel.size()) + " traces used)");
    if (o.svd_max_components < 1)
      check::fail(kWhere, "svd_max_components", o.svd_max_components, ">= 1");
    if (o.svd_oversampling < 0) check::fail(kWhere, "svd_oversampling", o.svd_oversampling, ">= 0");
    if (o.svd_power_iterations < 0)
      check::fail(kWhere, "svd_power_iterations", o.svd_power_iterations, ">= 0");
  }
  if (o.method == BackgroundMethod::rpca) {
    RpcaOptions r{o.rpca_lambda, o.rpca_tolerance,   o.rpca_max_iterations,  o.rpca_rho,
                  o.rpca_svd,    o.svd_oversampling, o.svd_power_iterations, o.seed};
    check_rpca_options(kWhere, r);
    const int svd_kind = static_cast<int>(o.rpca_svd);
    if (svd_kind < 0 || svd_kind > 1) check::fail(kWhere, "rpca_svd", svd_kind, "an RpcaSvd");
  }
  if (o.method == BackgroundMethod::surface) {
    check::non_negative(kWhere, "surface_period_samples", o.surface_period_samples);
    check::finite(kWhere, "surface_period_samples", o.surface_period_samples);
    check::in_range(kWhere, "surface_before_periods", o.surface_before_periods, 0.0, 10.0);
    check::in_range(kWhere, "surface_after_periods", o.surface_after_periods, 0.0, 20.0);
    check::in_range(kWhere, "surface_max_shift_periods", o.surface_max_shift_periods, 0.0, 1.0);
    if (o.surface_iterations < 1 || o.surface_iterations > 100)
      check::fail(kWhere, "surface_iterations", o.surface_iterations, "1..100");
  }
  if (o.method == BackgroundMethod::ground_bounce || o.method == BackgroundMethod::surface) {
    const idx_t m = in.n_samples;
    if (o.ground_first_sample < 0 || o.ground_first_sample >= m)
      check::fail(kWhere, "ground_first_sample", static_cast<double>(o.ground_first_sample),
                  "0.." + std::to_string(m - 1));
    if (o.ground_n_samples == 0 || o.ground_n_samples < -1 ||
        o.ground_first_sample + o.ground_n_samples > m)
      check::fail(kWhere, "ground_n_samples", static_cast<double>(o.ground_n_samples),
                  "-1 (to the end) or 1.." + std::to_string(m - o.ground_first_sample));
    if (o.ground_smooth_traces < 1 || o.ground_smooth_traces % 2 == 0 ||
        o.ground_smooth_traces > in.n_traces)
      check::fail(kWhere, "ground_smooth_traces", static_cast<double>(o.ground_smooth_traces),
                  "an odd number in 1.." + std::to_string(in.n_traces));
    if (!o.ground_pick_samples.empty()) {
      if (static_cast<idx_t>(o.ground_pick_samples.size()) != in.n_traces)
        check::fail(kWhere, "ground_pick_samples size",
                    static_cast<double>(o.ground_pick_samples.size()),
                    "one pick per trace (" + std::to_string(in.n_traces) + ")");
      for (double p : o.ground_pick_samples)
        check::in_range(kWhere, "ground_pick_samples", p, 0.0, static_cast<double>(m - 1));
    }
    if (o.ground_iterations < 1)
      check::fail(kWhere, "ground_iterations", o.ground_iterations, ">= 1");
  }
  (void)out;
}

MapCF map_of(ConstView v) {
  return {v.data, v.n_samples, v.n_traces, Eigen::OuterStride<>(v.trace_stride)};
}
MapF map_of(MutView v) {
  return {v.data, v.n_samples, v.n_traces, Eigen::OuterStride<>(v.trace_stride)};
}

// ---- row kernels (compiled per SIMD width, src/core/simd.h) ---------------------------

/// acc[i] += sign * x[i] in double; sign is +1 or -1, so adding and removing a trace cancel.
GPRKIT_SIMD_CLONES void accumulate(double* acc, const float* x, idx_t m, double sign) {
  for (idx_t i = 0; i < m; ++i) acc[i] += sign * static_cast<double>(x[i]);
}

/// y[i] = x[i] - b[i]; true when every y[i] is finite.
GPRKIT_SIMD_CLONES bool subtract_row(const float* x, const float* b, float* y, idx_t m) {
  std::uint32_t bad = 0;
  for (idx_t i = 0; i < m; ++i) {
    y[i] = x[i] - b[i];
    bad |= check::not_finite_bit(y[i]);
  }
  return bad == 0;
}

/// y[i] = [x[i] -] float(s[i] * inv); true when every y[i] is finite.
GPRKIT_SIMD_CLONES bool mean_row(const double* s, double inv, const float* x, float* y, idx_t m) {
  std::uint32_t bad = 0;
  if (x != nullptr)
    for (idx_t i = 0; i < m; ++i) {
      y[i] = x[i] - static_cast<float>(s[i] * inv);
      bad |= check::not_finite_bit(y[i]);
    }
  else
    for (idx_t i = 0; i < m; ++i) {
      y[i] = static_cast<float>(s[i] * inv);
      bad |= check::not_finite_bit(y[i]);
    }
  return bad == 0;
}

// ---- mean / median trace ------------------------------------------------------------

std::vector<float> mean_trace(ConstView in, const Selection& sel) {
  const idx_t m = in.n_samples, ns = sel.size();
  const idx_t n_chunks = (ns + kTraceChunk - 1) / kTraceChunk;
  std::vector<double> part(static_cast<std::size_t>(n_chunks * m), 0.0);
  for_chunks(ns, kTraceChunk, static_cast<std::size_t>(m * ns), [&](idx_t q0, idx_t len) {
    double* acc = part.data() + (q0 / kTraceChunk) * m;
    for (idx_t q = q0; q < q0 + len; ++q)
      accumulate(acc, in.trace(sel.idx[static_cast<std::size_t>(q)]), m, 1.0);
  });
  std::vector<float> bg(static_cast<std::size_t>(m));
  for (idx_t i = 0; i < m; ++i) {
    double s = 0.0;
    for (idx_t c = 0; c < n_chunks; ++c) s += part[static_cast<std::size_t>(c * m + i)];
    bg[static_cast<std::size_t>(i)] = static_cast<float>(s / static_cast<double>(ns));
  }
  return bg;
}

std::vector<float> median_trace(ConstView in, const Selection& sel) {
  const idx_t m = in.n_samples, ns = sel.size();
  constexpr idx_t rows = 16;
  std::vector<float> bg(static_cast<std::size_t>(m));
  for_chunks(m, rows, static_cast<std::size_t>(m * ns), [&](idx_t r0, idx_t len) {
    std::vector<float> buf(static_cast<std::size_t>(rows * ns));
    for (idx_t q = 0; q < ns; ++q) {
      const float* x = in.trace(sel.idx[static_cast<std::size_t>(q)]) + r0;
      for (idx_t r = 0; r < len; ++r) buf[static_cast<std::size_t>(r * ns + q)] = x[r];
    }
    for (idx_t r = 0; r < len; ++r) {
      float* b = buf.data() + r * ns;
      std::nth_element(b, b + ns / 2, b + ns);
      float med = b[ns / 2];
      if (ns % 2 == 0) med = 0.5f * (med + *std::max_element(b, b + ns / 2));
      bg[static_cast<std::size_t>(r0 + r)] = med;
    }
  });
  return bg;
}

/// out(:, j) = in(:, j) - bg for every trace; true when every output sample is finite.
bool subtract_trace(ConstView in, MutView out, const float* bg) {
  const idx_t m = in.n_samples;
  std::atomic<bool> finite{true};
  for_chunks(in.n_traces, kTraceChunk, static_cast<std::size_t>(in.size()),
             [&](idx_t j0, idx_t len) {
               bool ok = true;
               for (idx_t j = j0; j < j0 + len; ++j)
                 ok &= subtract_row(in.trace(j), bg, out.trace(j), m);
               if (!ok) finite.store(false, std::memory_order_relaxed);
             });
  return finite.load();
}

// ---- moving windows -------------------------------------------------------------------

/// The window of trace j: positions [lo, hi) in sel of the `win` selected traces centred on
/// it, clipped to the selection (shorter near its ends). Both ends never decrease with j, and
/// the window of j reaches at most win / 2 traces ahead, so a stream computes the same.
std::pair<idx_t, idx_t> window_range(const Selection& sel, idx_t j, idx_t win) {
  const auto p =
      static_cast<idx_t>(std::lower_bound(sel.idx.begin(), sel.idx.end(), j) - sel.idx.begin());
  return {std::max<idx_t>(0, p - win / 2), std::min<idx_t>(sel.size(), p + win / 2 + 1)};
}

/// dst(:, j) = [src(:, j) -] mean of src over the window around j, for every trace j; true
/// when every output sample is finite.
bool moving_mean(ConstView src, const Selection& sel, idx_t win, MutView dst, bool subtract) {
  const idx_t m = src.n_samples;
  std::atomic<bool> finite{true};
  for_chunks(src.n_traces, kTraceChunk, static_cast<std::size_t>(src.size()),
             [&](idx_t j0, idx_t len) {
               std::vector<double> sum(static_cast<std::size_t>(m), 0.0);
               double* s = sum.data();
               auto add = [&](idx_t q, double sign) {
                 accumulate(s, src.trace(sel.idx[static_cast<std::size_t>(q)]), m, sign);
               };
               auto [lo, hi] = window_range(sel, j0, win);
               for (idx_t q = lo; q < hi; ++q) add(q, 1.0);
               bool ok = true;
               for (idx_t j = j0; j < j0 + len; ++j) {
                 const auto [l, r] = window_range(sel, j, win);
                 for (; hi < r; ++hi) add(hi, 1.0);
                 for (; lo < l; ++lo) add(lo, -1.0);
                 const double inv = 1.0 / static_cast<double>(hi - lo);
                 ok &= mean_row(s, inv, subtract ? src.trace(j) : nullptr, dst.trace(j), m);
               }
               if (!ok) finite.store(false, std::memory_order_relaxed);
             });
  return finite.load();
}

/// a(:, j) = mean of a over the window around j, in place: the same sums in the same order
/// as moving_mean (restarted at the same multiples of kTraceChunk), so the same bits, with
/// the originals still needed kept in a ring of win + 1 traces per block of rows. Rows are
/// independent, so the blocks run in parallel.
void moving_mean_in_place(MutView a, const Selection& sel, idx_t win) {
  constexpr idx_t kRows = 128;
  const idx_t m = a.n_samples, n = a.n_traces, slots = win + 1;
  for_chunks(m, kRows, static_cast<std::size_t>(a.size()), [&](idx_t r0, idx_t rows) {
    std::vector<double> sum(static_cast<std::size_t>(rows));
    std::vector<float> ring(static_cast<std::size_t>(slots * rows));
    double* s = sum.data();
    idx_t lo = 0, hi = 0;  // selected traces [lo, hi) are in the ring (slot q % slots)
    // Trace sel.idx[q] enters at or before its own output is written, so it is still original.
    auto enter = [&](idx_t q, bool add) {
      const float* x = a.trace(sel.idx[static_cast<std::size_t>(q)]) + r0;
      std::copy(x, x + rows, ring.data() + (q % slots) * rows);
      if (add) accumulate(s, x, rows, 1.0);
    };
    auto kept = [&](idx_t q) { return ring.data() + (q % slots) * rows; };
    for (idx_t j0 = 0; j0 < n; j0 += kTraceChunk) {
      auto [l, r] = window_range(sel, j0, win);
      for (; hi < r; ++hi) enter(hi, false);
      lo = l;
      std::fill(sum.begin(), sum.end(), 0.0);
      for (idx_t q = lo; q < hi; ++q) accumulate(s, kept(q), rows, 1.0);
      for (idx_t j = j0; j < std::min(n, j0 + kTraceChunk); ++j) {
        const auto [l2, r2] = window_range(sel, j, win);
        for (; hi < r2; ++hi) enter(hi, true);
        for (; lo < l2; ++lo) accumulate(s, kept(lo), rows, -1.0);
        const double inv = 1.0 / static_cast<double>(hi - lo);
        mean_row(s, inv, nullptr, a.trace(j) + r0, rows);
      }
    }
  });
}

/// dst(:, j) = [src(:, j) -] median of src over the window around j (the mean of the middle
/// two for an even count). One sorted window per sample, updated by insertions and deletions.
void moving_median(ConstView src, const Selection& sel, idx_t win, MutView dst, bool subtract) {
  const idx_t m = src.n_samples;
  for_chunks(src.n_traces, kTraceChunk, static_cast<std::size_t>(src.size()) * 8,
             [&](idx_t j0, idx_t len) {
               std::vector<float> windows(static_cast<std::size_t>(m * win));
               float* wb = windows.data();
               idx_t count = 0;
               auto insert = [&](idx_t q) {
                 const float* x = src.trace(sel.idx[static_cast<std::size_t>(q)]);
                 for (idx_t i = 0; i < m; ++i) sorted_insert(wb + i * win, count, x[i]);
                 ++count;
               };
               auto erase = [&](idx_t q) {
                 const float* x = src.trace(sel.idx[static_cast<std::size_t>(q)]);
                 for (idx_t i = 0; i < m; ++i) sorted_erase(wb + i * win, count, x[i]);
                 --count;
               };
               auto [lo, hi] = window_range(sel, j0, win);
               for (idx_t q = lo; q < hi; ++q) insert(q);
               for (idx_t j = j0; j < j0 + len; ++j) {
                 const auto [l, r] = window_range(sel, j, win);
                 for (; lo < l; ++lo) erase(lo);
                 for (; hi < r; ++hi) insert(hi);
                 float* y = dst.trace(j);
                 const float* x = src.trace(j);
                 for (idx_t i = 0; i < m; ++i) {
                   const float med = sorted_median(wb + i * win, count);
                   y[i] = subtract ? x[i] - med : med;
                 }
               }
             });
}

/// dst(:, j) = src(:, j) - b_j with the exponentially weighted mean b_j = b_(j-1) + a (src(:, j)
/// - b_(j-1)), b_0 = src(:, 0), a = 2 / (win + 1): causal, the traces so far only.
void exponential_mean(ConstView src, idx_t win, MutView dst) {
  const idx_t m = src.n_samples, n = src.n_traces;
  const double a = 2.0 / (static_cast<double>(win) + 1.0);
  // Sample blocks are independent: parallel over them, serial along the line.
  constexpr idx_t kBlock = 64;
  const idx_t nb = (m + kBlock - 1) / kBlock;
  const int nt = threads_for(static_cast<std::size_t>(src.size()));
#pragma omp parallel for num_threads(nt) schedule(static)
  for (idx_t blk = 0; blk < nb; ++blk) {
    const idx_t i0 = blk * kBlock, i1 = std::min(m, i0 + kBlock);
    double b[kBlock];
    for (idx_t j = 0; j < n; ++j) {
      const float* x = src.trace(j);
      float* y = dst.trace(j);
      for (idx_t i = i0; i < i1; ++i) {
        const double v = x[i];
        double& bi = b[i - i0];
        bi = j == 0 ? v : bi + a * (v - bi);
        y[i] = static_cast<float>(v - bi);
      }
    }
  }
}

// ---- svd / rpca ------------------------------------------------------------------------

/// The selected traces as a contiguous matrix (a map when they already are).
struct SelectedMatrix {
  MatF copy;
  ConstView view;
};
SelectedMatrix selected(ConstView in, const Selection& sel) {
  SelectedMatrix s;
  if (sel.contiguous) {
    s.view = in.traces(sel.idx.front(), sel.size());
    return s;
  }
  s.copy.resize(in.n_samples, sel.size());
  for_chunks(sel.size(), kTraceChunk, static_cast<std::size_t>(in.n_samples * sel.size()),
             [&](idx_t q0, idx_t len) {
               for (idx_t q = q0; q < q0 + len; ++q)
                 s.copy.col(q) = map_of(in.traces(sel.idx[static_cast<std::size_t>(q)], 1)).col(0);
             });
  s.view = ConstView(s.copy.data(), in.n_samples, sel.size());
  return s;
}

/// out = in - basis basis^T in for every trace (basis m x k, orthonormal columns).
void project_out(ConstView in, MutView out, const MatF& basis) {
  const MapCF a = map_of(in);
  MapF y = map_of(out);
  for_chunks(in.n_traces, kTraceChunk, static_cast<std::size_t>(in.size() * (basis.cols() + 1)),
             [&](idx_t j0, idx_t len) {
               if (basis.cols() == 0) {
                 y.middleCols(j0, len) = a.middleCols(j0, len);
                 return;
               }
               const MatF w = basis.transpose() * a.middleCols(j0, len);
               y.middleCols(j0, len).noalias() = a.middleCols(j0, len) - basis * w;
             });
}

void remove_svd(ConstView in, MutView out, const BackgroundOptions& o, const Selection& sel,
                BackgroundReport* rep) {
  const SelectedMatrix a = selected(in, sel);
  const idx_t mn = std::min(a.view.n_samples, a.view.n_traces);
  const bool automatic = o.svd_components < 0;
  const idx_t r = automatic ? std::min<idx_t>(o.svd_max_components + 1, mn) : o.svd_components;
  MatF u;
  std::vector<double> s;
  leading_svd(map_of(a.view), r, o.svd_oversampling, o.svd_power_iterations, o.seed, false, u, s);
  idx_t k = r;
  if (automatic) {  // the largest relative gap s_i / s_{i+1}
    k = 1;
    double best = -1.0;
    for (idx_t i = 0; i + 1 < static_cast<idx_t>(s.size()); ++i) {
      const double lo = s[static_cast<std::size_t>(i + 1)];
      const double ratio =
          lo > 0 ? s[static_cast<std::size_t>(i)] / lo : std::numeric_limits<double>::infinity();
      if (ratio > best) {
        best = ratio;
        k = i + 1;
      }
      if (lo <= 0) break;
    }
  } else {
    // k must not exceed the numerical rank (numpy's matrix_rank tolerance, in float).
    const double tol = s[0] * static_cast<double>(std::max(a.view.n_samples, a.view.n_traces)) *
                       static_cast<double>(std::numeric_limits<float>::epsilon());
    idx_t rank = 0;
    while (rank < static_cast<idx_t>(s.size()) && s[static_cast<std::size_t>(rank)] > tol) ++rank;
    if (rank < k)
      check::fail(kWhere, "svd_components", static_cast<double>(k),
                  "at most the numerical rank of the traces used (" + std::to_string(rank) + ")");
  }
  project_out(in, out, u.leftCols(k));
  if (rep) {
    rep->singular_values = s;
    rep->components = static_cast<int>(k);
  }
}

void remove_rpca(ConstView in, MutView out, const BackgroundOptions& o, const Selection& sel,
                 BackgroundReport* rep) {
  const SelectedMatrix a = selected(in, sel);
  const RpcaOptions ro{o.rpca_lambda, o.rpca_tolerance,   o.rpca_max_iterations,  o.rpca_rho,
                       o.rpca_svd,    o.svd_oversampling, o.svd_power_iterations, o.seed};
  MatF low, sparse, basis;
  RpcaReport rr;
  rpca_core(map_of(a.view), low, sparse, ro, rr, basis);
  // Traces outside the selection: remove their projection on L's column space.
  if (sel.size() != in.n_traces) project_out(in, out, basis);
  MapF y = map_of(out);
  for_chunks(sel.size(), kTraceChunk, static_cast<std::size_t>(in.n_samples * sel.size()),
             [&](idx_t q0, idx_t len) {
               for (idx_t q = q0; q < q0 + len; ++q)
                 y.col(sel.idx[static_cast<std::size_t>(q)]) = sparse.col(q);
             });
  if (rep) {
    rep->singular_values = rr.singular_values;
    rep->components = rr.rank;
    rep->iterations = rr.iterations;
    rep->residual = rr.residual;
  }
}

// ---- ground bounce ---------------------------------------------------------------------

/// Strongest |x - hz| in samples [a, b) of one trace, refined by a parabola through its
/// neighbours.
double strongest(const float* x, const float* hz, idx_t m, idx_t a, idx_t b) {
  auto at = [&](idx_t i) { return std::abs(static_cast<double>(x[i]) - hz[i]); };
  idx_t best = a;
  for (idx_t i = a; i < b; ++i)
    if (at(i) > at(best)) best = i;
  double p = static_cast<double>(best);
  if (best > 0 && best + 1 < m) {
    const double u = at(best - 1), v = at(best), w = at(best + 1);
    const double den = u - 2.0 * v + w;
    if (den < 0) p += std::clamp(0.5 * (u - w) / den, -0.5, 0.5);
  }
  return p;
}

/// Running median of v over `win` (odd) values, the window clamped inside the line.
std::vector<double> running_median(const std::vector<double>& v, idx_t win) {
  const auto n = static_cast<idx_t>(v.size());
  win = std::min(win, n);
  std::vector<double> out(v.size()), buf(static_cast<std::size_t>(win));
  for (idx_t j = 0; j < n; ++j) {
    const idx_t st = std::clamp<idx_t>(j - win / 2, 0, n - win);
    std::copy(v.begin() + st, v.begin() + st + win, buf.begin());
    std::nth_element(buf.begin(), buf.begin() + win / 2, buf.end());
    out[static_cast<std::size_t>(j)] = buf[static_cast<std::size_t>(win / 2)];
  }
  return out;
}

/// Surface pick per trace. A buried object can return more than the surface on the traces
/// over it, so the strongest |in - horizontal| of each trace only makes a guide: its running
/// median over a wide window (51 traces) follows the surface and ignores such objects. Each
/// trace is then re-picked within a few samples of the guide (the surface moves slowly), and
/// the picks get a running median over ground_smooth_traces.
std::vector<double> pick_ground(ConstView in, const std::vector<float>& horizontal,
                                const BackgroundOptions& o) {
  const idx_t m = in.n_samples, n = in.n_traces;
  const float* hz = horizontal.data();
  std::vector<double> raw(static_cast<std::size_t>(n));
  const idx_t g0 = o.ground_first_sample;
  const idx_t g1 = o.ground_n_samples < 0 ? m : g0 + o.ground_n_samples;
  const auto work = static_cast<std::size_t>(n * (g1 - g0));
  for_chunks(n, kTraceChunk, work, [&](idx_t j0, idx_t len) {
    for (idx_t j = j0; j < j0 + len; ++j)
      raw[static_cast<std::size_t>(j)] = strongest(in.trace(j), hz, m, g0, g1);
  });
  const std::vector<double> guide = running_median(raw, 51);
  const idx_t radius = std::max<idx_t>(4, m / 64);
  for_chunks(n, kTraceChunk, work, [&](idx_t j0, idx_t len) {
    for (idx_t j = j0; j < j0 + len; ++j) {
      const auto c = static_cast<idx_t>(std::lround(guide[static_cast<std::size_t>(j)]));
      const idx_t a = std::max(g0, c - radius), b = std::min(g1, c + radius + 1);
      raw[static_cast<std::size_t>(j)] = strongest(in.trace(j), hz, m, a, b);
    }
  });
  const idx_t win = o.ground_smooth_traces;
  return win == 1 ? raw : running_median(raw, win);
}

void remove_ground(ConstView in, MutView out, const BackgroundOptions& o, const Selection& sel,
                   BackgroundReport* rep) {
  const idx_t m = in.n_samples, n = in.n_traces;
  // flat: the flattened D - R, then its local background (in place for the mean), then G.
  // The median needs a second buffer.
  Bscan flat(m, n), bg_flat;
  if (o.ground_median) bg_flat = Bscan(m, n);
  std::vector<float> horizontal(static_cast<std::size_t>(m), 0.0f);
  const auto work = static_cast<std::size_t>(m * n);
  std::vector<double> picks;
  double ref = 0.0;
  for (int it = 0; it < o.ground_iterations; ++it) {
    // Picks (re-made on D - R once the ringing estimate R exists), and the reference
    // time the ground is flattened to: their median over the selected traces.
    if (it == 0 || (o.ground_pick_samples.empty() && o.ground_remove_horizontal)) {
      picks =
          o.ground_pick_samples.empty() ? pick_ground(in, horizontal, o) : o.ground_pick_samples;
      std::vector<double> sel_picks;
      for (idx_t j : sel.idx) sel_picks.push_back(picks[static_cast<std::size_t>(j)]);
      std::nth_element(sel_picks.begin(), sel_picks.begin() + sel.size() / 2, sel_picks.end());
      ref = sel_picks[static_cast<std::size_t>(sel.size() / 2)];
    }
    // Flatten D - R: the ground moves to sample `ref` on every trace.
    for_chunks(n, kTraceChunk, work, [&](idx_t j0, idx_t len) {
      std::vector<float> tmp(static_cast<std::size_t>(m));
      for (idx_t j = j0; j < j0 + len; ++j) {
        const float* x = in.trace(j);
        for (idx_t i = 0; i < m; ++i)
          tmp[static_cast<std::size_t>(i)] = x[i] - horizontal[static_cast<std::size_t>(i)];
        const double shift = picks[static_cast<std::size_t>(j)] - ref;
        cubic_clamped_row(tmp.data(), m, shift, flat.trace(j));
      }
    });
    if (o.ground_median)
      moving_median(flat.cview(), sel, o.window_traces, bg_flat.view(), false);
    else
      moving_mean_in_place(flat.view(), sel, o.window_traces);
    // Restore the geometry of the local ground background: G(:, j), kept in `flat`.
    for_chunks(n, kTraceChunk, work, [&](idx_t j0, idx_t len) {
      std::vector<float> tmp(o.ground_median ? 0 : static_cast<std::size_t>(m));
      for (idx_t j = j0; j < j0 + len; ++j) {
        const double shift = picks[static_cast<std::size_t>(j)] - ref;
        float* g = flat.trace(j);
        const float* b = o.ground_median ? bg_flat.trace(j) : tmp.data();
        if (!o.ground_median) std::copy(g, g + m, tmp.data());
        cubic_clamped_row(b, m, -shift, g);  // i - shift == i + (-shift) exactly
      }
    });
    if (o.ground_remove_horizontal) {  // R = mean over the selected traces of (D - G)
      const std::vector<float> md = mean_trace(in, sel);
      const std::vector<float> mg = mean_trace(flat.cview(), sel);
      for (idx_t i = 0; i < m; ++i)
        horizontal[static_cast<std::size_t>(i)] =
            md[static_cast<std::size_t>(i)] - mg[static_cast<std::size_t>(i)];
    }
  }
  for_chunks(n, kTraceChunk, work, [&](idx_t j0, idx_t len) {
    for (idx_t j = j0; j < j0 + len; ++j) {
      const float* x = in.trace(j);
      const float* g = flat.trace(j);
      float* y = out.trace(j);
      for (idx_t i = 0; i < m; ++i) y[i] = x[i] - g[i] - horizontal[static_cast<std::size_t>(i)];
    }
  });
  if (rep) {
    rep->ground_pick_samples = picks;
    if (o.ground_remove_horizontal) rep->background_trace = horizontal;
  }
}

// ---- surface (rough ground) ------------------------------------------------------------

/// Rough-ground removal. With the sub-sample track t_j: the gate [t_j - pre, t_j + post] of
/// D - H is resampled onto a common grid (flat, G x n), its moving mean (or median) over
/// window_traces is the local ground wavelet w_j, which is fitted to the trace as
/// a w_j + b w_j' (least squares, Huber-reweighted so a target in the gate counts less):
/// amplitude a, residual shift b / a (clamped). The ground a w_j(t - t_j + b / a) is
/// subtracted at the trace's own time, tapered at the gate's ends; H is the mean of D - G over
/// the selected traces. Cost per iteration O(G n) + O(m n).
void remove_surface(ConstView in, MutView out, const BackgroundOptions& o, const Selection& sel,
                    BackgroundReport* rep) {
  const idx_t m = in.n_samples, n = in.n_traces;
  std::vector<double> picks = o.ground_pick_samples;
  double period = o.surface_period_samples;
  std::vector<float> init_fixed;  // the tracker's time-fixed part starts H
  idx_t init_first = 0;
  if (picks.empty()) {
    Header hh;
    hh.dt_ns = 1.0;  // the track in samples
    hh.t0_ns = 0.0;
    hh.centre_frequency_mhz = period > 0 ? 1e3 / period : 0.0;
    SurfaceOptions so;
    if (o.ground_first_sample > 0 || o.ground_n_samples > 0) {
      so.start_ns = static_cast<double>(o.ground_first_sample);
      so.end_ns = static_cast<double>(
          o.ground_n_samples < 0 ? m - 1 : o.ground_first_sample + o.ground_n_samples - 1);
    }
    const SurfaceTrack tr = track_surface(in, hh, so);
    if (!tr.continuous) {  // no air-ground reflection to follow: ground_bounce's removal
      remove_ground(in, out, o, sel, rep);
      return;
    }
    picks = tr.sample;
    period = tr.period_ns;
    init_fixed = tr.fixed;
    init_first = tr.window_first_sample;
  }
  if (!(period > 0)) period = 16.0;
  const idx_t pre = std::max<idx_t>(1, std::lround(o.surface_before_periods * period));
  const idx_t post = std::max<idx_t>(1, std::lround(o.surface_after_periods * period));
  const idx_t G = pre + post + 1;
  const double max_shift = o.surface_max_shift_periods * period;
  const double taper = std::max(1.0, 0.25 * period);  // cosine taper at the gate ends (samples)
  const auto gwork = static_cast<std::size_t>(G * n);
  const auto work = static_cast<std::size_t>(m * n);
  Bscan flat(G, n), wl(G, n);
  std::vector<float> horizontal(static_cast<std::size_t>(m), 0.0f);
  if (o.ground_remove_horizontal)
    for (std::size_t i = 0; i < init_fixed.size(); ++i)
      horizontal[static_cast<std::size_t>(init_first) + i] = init_fixed[i];
  std::vector<double> amp(static_cast<std::size_t>(n), 0.0),
      shift(static_cast<std::size_t>(n), 0.0);
  const float* hz = horizontal.data();
  // The ground of trace j at sample i (0 outside the gate).
  auto ground_at = [&](idx_t j, const float* w, idx_t i) {
    const auto ju = static_cast<std::size_t>(j);
    const double k = static_cast<double>(i) - picks[ju] + static_cast<double>(pre);
    if (k <= -1.0 || k >= static_cast<double>(G)) return 0.0;
    const double e = std::min(k, static_cast<double>(G - 1) - k);
    const double wt = e >= taper ? 1.0
                      : e <= 0   ? 0.0
                                 : 0.5 - 0.5 * std::cos(std::numbers::pi * e / taper);
    return wt * amp[ju] * cubic_zero(w, G, k + shift[ju]);
  };
  // The samples [ia, ib) of trace j where ground_at can be non-zero (a sample wider each side).
  auto gate_of = [&](idx_t j) {
    const double lo = picks[static_cast<std::size_t>(j)] - static_cast<double>(pre);
    if (!std::isfinite(lo)) return std::pair<idx_t, idx_t>{0, m};
    const double a = std::clamp(std::floor(lo) - 1.0, 0.0, static_cast<double>(m));
    const double b =
        std::clamp(std::ceil(lo + static_cast<double>(G)) + 1.0, 0.0, static_cast<double>(m));
    return std::pair<idx_t, idx_t>{static_cast<idx_t>(a),
                                   std::max(static_cast<idx_t>(a), static_cast<idx_t>(b))};
  };
  std::vector<double> first_part;  // the first iteration's per-chunk sums of D - G
  for (int it = 0; it < o.surface_iterations; ++it) {
    // Flatten D - H on the track.
    for_chunks(n, kTraceChunk, gwork, [&](idx_t j0, idx_t len) {
      std::vector<double> v(static_cast<std::size_t>(G));
      for (idx_t j = j0; j < j0 + len; ++j) {
        const double base = picks[static_cast<std::size_t>(j)] - static_cast<double>(pre);
        cubic_zero_difference_row(in.trace(j), hz, m, base, 0, G, v.data());
        float* f = flat.trace(j);
        for (idx_t k = 0; k < G; ++k) f[k] = static_cast<float>(v[static_cast<std::size_t>(k)]);
      }
    });
    if (o.ground_median)
      moving_median(flat.cview(), sel, o.window_traces, wl.view(), false);
    else
      moving_mean(flat.cview(), sel, o.window_traces, wl.view(), false);
    // Fit a w + b w' per trace (two Huber reweightings).
    for_chunks(n, kTraceChunk, gwork, [&](idx_t j0, idx_t len) {
      std::vector<double> e(static_cast<std::size_t>(G)), wgt(static_cast<std::size_t>(G));
      std::vector<double> sorted(static_cast<std::size_t>(2 * G));  // kth_smallest scratch
      std::vector<double> gv(static_cast<std::size_t>(G)), dv(static_cast<std::size_t>(G));
      for (idx_t j = j0; j < j0 + len; ++j) {
        const float* f = flat.trace(j);
        const float* w = wl.trace(j);
        // The wavelet and its central difference, once per trace (every pass reads them).
        for (idx_t k = 0; k < G; ++k) {
          gv[static_cast<std::size_t>(k)] = w[k];
          dv[static_cast<std::size_t>(k)] =
              0.5 * ((k + 1 < G ? w[k + 1] : 0.0f) - (k > 0 ? w[k - 1] : 0.0f));
        }
        std::fill(wgt.begin(), wgt.end(), 1.0);
        double a = 0.0, b = 0.0;
        for (int pass = 0; pass < 3; ++pass) {
          double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
          for (idx_t k = 0; k < G; ++k) {
            const auto ku = static_cast<std::size_t>(k);
            const double g = gv[ku], d = dv[ku], q = wgt[ku];
            s11 += q * g * g;
            s12 += q * g * d;
            s22 += q * d * d;
            r1 += q * g * f[k];
            r2 += q * d * f[k];
          }
          const double det = s11 * s22 - s12 * s12;
          if (s11 <= 0) {
            a = b = 0.0;
            break;
          }
          if (det > 1e-9 * s11 * s22 && s22 > 0) {
            a = (r1 * s22 - r2 * s12) / det;
            b = (s11 * r2 - s12 * r1) / det;
          } else {
            a = r1 / s11;
            b = 0.0;
          }
          if (pass == 2) break;
          for (idx_t k = 0; k < G; ++k) {
            const auto ku = static_cast<std::size_t>(k);
            e[ku] = std::abs(f[k] - a * gv[ku] - b * dv[ku]);
          }
          const double sigma =
              1.4826 * detail::kth_smallest(e.data(), G, G / 2, sorted.data()) + 1e-30;
          for (idx_t k = 0; k < G; ++k) {
            const double ek = e[static_cast<std::size_t>(k)];
            wgt[static_cast<std::size_t>(k)] = ek <= 2.0 * sigma ? 1.0 : 2.0 * sigma / ek;
          }
        }
        const auto ju = static_cast<std::size_t>(j);
        amp[ju] = a;
        shift[ju] = a != 0.0 ? std::clamp(b / a, -max_shift, max_shift) : 0.0;
      }
    });
    if (o.ground_remove_horizontal) {  // H = mean over the selected traces of (D - G)
      const idx_t nc = (sel.size() + kTraceChunk - 1) / kTraceChunk;
      std::vector<double> part(static_cast<std::size_t>(nc * m), 0.0);
      for_chunks(sel.size(), kTraceChunk, work, [&](idx_t q0, idx_t len) {
        double* acc = part.data() + (q0 / kTraceChunk) * m;
        // The picks, hence the gates, stay put over the iterations: outside the union
        // [ua, ub) of its traces' gates a chunk's sum is the first iteration's. Inside, it is
        // summed again from zero in the same order (the same bits as a full pass).
        idx_t ua = 0, ub = m;
        if (it > 0) {
          ua = m;
          ub = 0;
          for (idx_t q = q0; q < q0 + len; ++q) {
            const auto [ia, ib] = gate_of(sel.idx[static_cast<std::size_t>(q)]);
            ua = std::min(ua, ia);
            ub = std::max(ub, ib);
          }
          const double* first = first_part.data() + (q0 / kTraceChunk) * m;
          std::copy(first, first + m, acc);
          if (ua < ub) std::fill(acc + ua, acc + ub, 0.0);
        }
        for (idx_t q = q0; q < q0 + len; ++q) {
          const idx_t j = sel.idx[static_cast<std::size_t>(q)];
          const float* x = in.trace(j);
          const float* w = wl.trace(j);
          const auto [ia, ib] = gate_of(j);
          const idx_t a = std::clamp(ia, ua, std::max(ua, ub)),
                      b = std::clamp(ib, a, std::max(a, ub));
          for (idx_t i = ua; i < a; ++i) acc[i] += static_cast<double>(x[i]);
          for (idx_t i = a; i < b; ++i) acc[i] += static_cast<double>(x[i]) - ground_at(j, w, i);
          for (idx_t i = b; i < ub; ++i) acc[i] += static_cast<double>(x[i]);
        }
      });
      if (it == 0) first_part = part;
      // Over-relaxed (H and the mean ground are told apart only by the ground's movement).
      const double omega = it == 0 ? 1.0 : 1.5;
      for (idx_t i = 0; i < m; ++i) {
        double s = 0.0;
        for (idx_t c = 0; c < nc; ++c) s += part[static_cast<std::size_t>(c * m + i)];
        float& hv = horizontal[static_cast<std::size_t>(i)];
        hv = static_cast<float>(hv + omega * (s / static_cast<double>(sel.size()) - hv));
      }
    }
  }
  // out = D - G - H, trace by trace (in place allowed: trace j is read before it is written).
  for_chunks(n, kTraceChunk, work, [&](idx_t j0, idx_t len) {
    std::vector<float> g(static_cast<std::size_t>(m));
    for (idx_t j = j0; j < j0 + len; ++j) {
      const float* x = in.trace(j);
      const float* w = wl.trace(j);
      const auto [ia, ib] = gate_of(j);
      for (idx_t i = ia; i < ib; ++i)
        g[static_cast<std::size_t>(i)] = static_cast<float>(ground_at(j, w, i));
      float* y = out.trace(j);  // may be x: g holds what the gate needs
      for (idx_t i = 0; i < ia; ++i) y[i] = x[i] - hz[i];
      for (idx_t i = ia; i < ib; ++i) y[i] = x[i] - g[static_cast<std::size_t>(i)] - hz[i];
      for (idx_t i = ib; i < m; ++i) y[i] = x[i] - hz[i];
    }
  });
  if (rep) {
    rep->ground_pick_samples = picks;
    rep->ground_amplitude = amp;
    if (o.ground_remove_horizontal) rep->background_trace = horizontal;
  }
}

}  // namespace

BackgroundOptions BackgroundOptions::resolve(const Header& h, std::ptrdiff_t n_samples,
                                             std::ptrdiff_t n) const {
  constexpr const char* w = "remove_background";
  BackgroundOptions r = *this;
  check::non_negative(w, "window_m", window_m);
  if (window_m > 0 && n > 0) {
    double dx = h.dx_m;
    if (!(dx > 0) && h.x_m.size() >= 2 && n >= 2)
      dx = std::abs(h.x_m.back() - h.x_m.front()) / static_cast<double>(n - 1);
    if (!(dx > 0)) dx = 0.01;  // time-based files: assume the common 1 cm
    auto wt = check::count(w, "window_m", window_m, dx, "traces");
    wt = std::clamp<std::ptrdiff_t>(wt | 1, 3, std::max<std::ptrdiff_t>(3, (n - 1) | 1));
    if (wt > n) wt = (n % 2 == 1) ? n : n - 1;
    r.window_traces = std::max<std::ptrdiff_t>(1, wt);
  }
  if (std::isnan(ground_start_ns) || std::isnan(ground_end_ns))
    check::fail(w, "ground_start_ns", ground_start_ns, "a time (ns) or the default");
  if (ground_start_ns > -1e299 || ground_end_ns < 1e299) {
    if (!(ground_end_ns > ground_start_ns))
      check::fail(w, "ground_end_ns", ground_end_ns, "a time after ground_start_ns");
    const auto span = check::index_span((ground_start_ns - h.t0_ns) / h.dt_ns,
                                        (ground_end_ns - h.t0_ns) / h.dt_ns, n_samples);
    const std::ptrdiff_t i0 = span.first, i1 = span.second + 1;
    if (i1 <= i0)
      check::fail(w, "ground_start_ns", ground_start_ns,
                  "a window inside the section (" + std::to_string(h.t0_ns) + " .. " +
                      std::to_string(h.time_ns(static_cast<double>(n_samples - 1))) + " ns)");
    r.ground_first_sample = i0;
    r.ground_n_samples = i1 - i0;
  }
  check::non_negative(w, "surface_period_samples", surface_period_samples);
  if (method == BackgroundMethod::surface && surface_period_samples == 0.0 &&
      h.centre_frequency_mhz > 0 && std::isfinite(h.centre_frequency_mhz) && h.dt_ns > 0)
    r.surface_period_samples = 1e3 / h.centre_frequency_mhz / h.dt_ns;
  return r;
}

void remove_background(ConstView in, MutView out, const BackgroundOptions& o,
                       BackgroundReport* report) {
  // The mean methods test their output trace by trace while it is in cache, and a non-finite
  // input sample always makes some output sample non-finite (NaN and Inf propagate through
  // the sums), so their input is tested only when an output was bad: two passes fewer.
  const bool checks_fused =
      o.method == BackgroundMethod::mean || o.method == BackgroundMethod::moving_mean;
  if (checks_fused)
    check::non_empty(kWhere, "in", in);
  else
    check::finite_data(kWhere, "in", in);
  check::same_shape(kWhere, in, out);
  check::no_partial_overlap(kWhere, in, out);
  const Selection sel = select(o, in.n_traces);
  validate(in, out, o, sel);

  // Kernels work on contiguous traces and separate buffers; copy when that is not so. The
  // ground-bounce removal reads its input only before its last pass, which goes trace by
  // trace and sample by sample, so it runs in place without a copy (a full section less at
  // the peak of detect).
  Bscan in_copy, out_copy;
  ConstView src = in;
  const bool in_place_ok =
      (o.method == BackgroundMethod::ground_bounce || o.method == BackgroundMethod::surface) &&
      !(report && o.report_removed);
  if (!in.traces_contiguous() || (in.data == out.data && !in_place_ok)) {
    in_copy = Bscan(in);
    src = in_copy.cview();
  }
  MutView dst = out;
  if (!out.traces_contiguous()) {
    out_copy = Bscan(in.n_samples, in.n_traces);
    dst = out_copy.view();
  }
  BackgroundReport local;
  BackgroundReport* rep = report ? &local : nullptr;
  bool output_finite = true;
  switch (o.method) {
    case BackgroundMethod::mean:
    case BackgroundMethod::median: {
      const std::vector<float> bg =
          o.method == BackgroundMethod::mean ? mean_trace(src, sel) : median_trace(src, sel);
      output_finite = subtract_trace(src, dst, bg.data());
      if (rep) rep->background_trace = bg;
      break;
    }
    case BackgroundMethod::moving_mean:
      output_finite = moving_mean(src, sel, o.window_traces, dst, true);
      break;
    case BackgroundMethod::moving_median:
      moving_median(src, sel, o.window_traces, dst, true);
      break;
    case BackgroundMethod::svd:
      remove_svd(src, dst, o, sel, rep);
      break;
    case BackgroundMethod::rpca:
      remove_rpca(src, dst, o, sel, rep);
      break;
    case BackgroundMethod::exponential:
      exponential_mean(src, o.window_traces, dst);
      break;
    case BackgroundMethod::ground_bounce:
      remove_ground(src, dst, o, sel, rep);
      break;
    case BackgroundMethod::surface:
      remove_surface(src, dst, o, sel, rep);
      break;
  }
  if (report && o.report_removed) {
    local.removed = Bscan(in.n_samples, in.n_traces);
    for (idx_t j = 0; j < in.n_traces; ++j)
      for (idx_t i = 0; i < in.n_samples; ++i) local.removed(i, j) = src(i, j) - dst(i, j);
  }
  if (!output_finite) check::finite_data(kWhere, "in", src);  // names the bad input sample
  if (out_copy.n_traces() > 0)
    for (idx_t j = 0; j < in.n_traces; ++j)
      for (idx_t i = 0; i < in.n_samples; ++i) out(i, j) = out_copy(i, j);
  if (!checks_fused || !output_finite) check::finite_output(kWhere, out, in);
  if (report) {
    local.method = o.method;
    local.traces_used = sel.size();
    *report = std::move(local);
  }
}

Bscan remove_background(const Bscan& in, const BackgroundOptions& o, BackgroundReport* report) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  remove_background(in.cview(), out.view(), o.resolve(in.header(), in.n_samples(), in.n_traces()),
                    report);
  return out;
}

}  // namespace gprkit
