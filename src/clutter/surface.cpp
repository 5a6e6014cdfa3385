#include "gprkit/clutter/surface.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "../core/simd.h"
#include "gprkit/core/physics.h"
#include "gprkit/core/validate.h"
#include "interpolate.h"
#include "linalg.h"

namespace gprkit {
namespace {

using clutter_detail::cubic_zero;
using clutter_detail::cubic_zero_difference_row;
using clutter_detail::for_chunks;
using idx_t = std::ptrdiff_t;
constexpr const char* kWhere = "track_surface";
constexpr idx_t kChunk = 256;  // fixed work unit over traces (thread-count independent)
constexpr double kAuto = 1e299;
constexpr double kRelax = 2.0;  // over-relaxation of the fixed part's update

/// A per-thread buffer of at least `len` doubles (one trace's interpolated window).
double* row_buffer(idx_t len) {
  thread_local std::vector<double> b;
  if (b.size() < static_cast<std::size_t>(len)) b.resize(static_cast<std::size_t>(len));
  return b.data();
}

/// Vertex offset (-0.5..0.5) of the parabola through (u, v, w) at -1, 0, 1.
inline double vertex(double u, double v, double w) {
  const double den = u - 2.0 * v + w;
  if (den == 0.0) return 0.0;
  return std::clamp(0.5 * (u - w) / den, -0.5, 0.5);
}

// ---- row kernels (compiled per SIMD width, src/core/simd.h; lanes are placements q, each
// summed in the serial order, so every clone gives the same bits) --------------------------

/// c[q] = sum over k = 0, 1, ... of w[k] r[q + k], q < P; returns max |c[q]|.
GPRKIT_SIMD_CLONES float correlate_row(const float* r, const float* w, idx_t W, idx_t P, float* c) {
  std::fill(c, c + P, 0.0f);
  for (idx_t k = 0; k < W; ++k) {
    const float wk = w[k];
    const float* rr = r + k;
    for (idx_t q = 0; q < P; ++q) c[q] += wk * rr[q];
  }
  float peak = 0.0f;
  for (idx_t q = 0; q < P; ++q) peak = std::max(peak, std::abs(c[q]));
  return peak;
}

/// One step of the best path: cur[q] = c[q] + max over moves |mv| <= jump of
/// prev[q + mv] - penalty |mv|, back[q] its q + mv (the first of equals in ascending move).
/// best and arg are scratch of P each.
GPRKIT_SIMD_CLONES void path_step(const double* prev, const float* c, idx_t P, idx_t jump,
                                  double penalty, double* best, std::int32_t* arg, double* cur,
                                  std::uint16_t* back) {
  for (idx_t q = 0; q < P; ++q) {
    best[q] = -std::numeric_limits<double>::infinity();
    arg[q] = static_cast<std::int32_t>(q);
  }
  // The moves run outermost, so the loop over q has no branch.
  for (idx_t mv = -jump; mv <= jump; ++mv) {
    const double cost = penalty * static_cast<double>(std::abs(mv));
    const idx_t q0 = std::max<idx_t>(0, -mv), q1 = std::min(P, P - mv);
    for (idx_t q = q0; q < q1; ++q) {
      const double v = prev[q + mv] - cost;
      const bool better = v > best[q];
      best[q] = better ? v : best[q];
      arg[q] = better ? static_cast<std::int32_t>(q + mv) : arg[q];
    }
  }
  for (idx_t q = 0; q < P; ++q) {
    cur[q] = best[q] + static_cast<double>(c[q]);
    back[q] = static_cast<std::uint16_t>(arg[q]);
  }
}

/// Sums over traces in fixed chunks, added in chunk order (thread-count independent).
template <class F>
std::vector<double> chunked_sum(idx_t n, idx_t len, std::size_t work, F&& f) {
  const idx_t nc = (n + kChunk - 1) / kChunk;
  std::vector<double> part(static_cast<std::size_t>(nc * len), 0.0);
  for_chunks(n, kChunk, work, [&](idx_t j0, idx_t cnt) {
    double* acc = part.data() + (j0 / kChunk) * len;
    for (idx_t j = j0; j < j0 + cnt; ++j) f(j, acc);
  });
  std::vector<double> s(static_cast<std::size_t>(len), 0.0);
  for (idx_t c = 0; c < nc; ++c)
    for (idx_t i = 0; i < len; ++i)
      s[static_cast<std::size_t>(i)] += part[static_cast<std::size_t>(c * len + i)];
  return s;
}

void check_options(const SurfaceOptions& o) {
  if (std::isnan(o.start_ns)) check::fail(kWhere, "start_ns", o.start_ns, "a time (ns)");
  if (std::isnan(o.end_ns)) check::fail(kWhere, "end_ns", o.end_ns, "a time (ns)");
  check::non_negative(kWhere, "search_ns", o.search_ns);
  check::finite(kWhere, "search_ns", o.search_ns);
  check::non_negative(kWhere, "max_jump_ns", o.max_jump_ns);
  check::finite(kWhere, "max_jump_ns", o.max_jump_ns);
  check::non_negative(kWhere, "wavelet_half_ns", o.wavelet_half_ns);
  check::finite(kWhere, "wavelet_half_ns", o.wavelet_half_ns);
  check::non_negative(kWhere, "centre_frequency_mhz", o.centre_frequency_mhz);
  check::finite(kWhere, "centre_frequency_mhz", o.centre_frequency_mhz);
  if (o.iterations < 1 || o.iterations > 100)
    check::fail(kWhere, "iterations", o.iterations, "1..100");
}

}  // namespace

SurfaceTrack track_surface(ConstView in, const Header& h, const SurfaceOptions& o) {
  check::non_empty(kWhere, "in", in);
  check::finite_data(kWhere, "in", in);
  check::positive(kWhere, "dt_ns", h.dt_ns);
  check::finite(kWhere, "dt_ns", h.dt_ns);
  check_options(o);
  const idx_t m = in.n_samples, n = in.n_traces;
  const double dt = h.dt_ns;
  const auto work = static_cast<std::size_t>(m * n);

  // Mean and mean |x| over the traces.
  const std::vector<double> sums = chunked_sum(n, 2 * m, work, [&](idx_t j, double* acc) {
    const float* x = in.trace(j);
    for (idx_t i = 0; i < m; ++i) {
      acc[i] += static_cast<double>(x[i]);
      acc[m + i] += std::abs(static_cast<double>(x[i]));
    }
  });
  std::vector<double> mean(sums.begin(), sums.begin() + m), mabs(sums.begin() + m, sums.end());
  for (auto& v : mean) v /= static_cast<double>(n);
  for (auto& v : mabs) v /= static_cast<double>(n);
  const idx_t i_max = std::max_element(mabs.begin(), mabs.end()) - mabs.begin();
  idx_t i_first = 0;
  while (i_first < i_max && mabs[static_cast<std::size_t>(i_first)] < 0.5 * mabs[i_max]) ++i_first;

  // Period: the option, the header, else the main lobe of the mean trace (a Ricker's lobe
  // between its zeros lasts 0.45 periods).
  double f_mhz = o.centre_frequency_mhz > 0 ? o.centre_frequency_mhz : h.centre_frequency_mhz;
  double period_ns = 0.0;
  if (f_mhz > 0 && std::isfinite(f_mhz)) {
    period_ns = 1e3 / f_mhz;
  } else {
    idx_t pk = i_first;
    for (idx_t i = i_first; i < std::min(m, i_first + 64); ++i)
      if (std::abs(mean[static_cast<std::size_t>(i)]) >
          std::abs(mean[static_cast<std::size_t>(pk)]))
        pk = i;
    const double s = mean[static_cast<std::size_t>(pk)] >= 0 ? 1.0 : -1.0;
    idx_t a = pk, b = pk;
    while (a > 0 && s * mean[static_cast<std::size_t>(a - 1)] > 0) --a;
    while (b + 1 < m && s * mean[static_cast<std::size_t>(b + 1)] > 0) ++b;
    period_ns = std::max(4.0, static_cast<double>(b - a + 1) / 0.45) * dt;
  }
  const double period_s = period_ns / dt;

  // Window.
  idx_t w0, w1;
  if (o.start_ns > -kAuto || o.end_ns < kAuto) {
    if (!(o.end_ns > o.start_ns))
      check::fail(kWhere, "end_ns", o.end_ns,
                  "a time after start_ns (" + std::to_string(o.start_ns) + " ns)");
    const auto span = check::index_span((o.start_ns - h.t0_ns) / dt, (o.end_ns - h.t0_ns) / dt, m);
    w0 = span.first;
    w1 = span.second + 1;
  } else {
    const double search = o.search_ns > 0 ? o.search_ns : std::max(1.0, 4.0 * period_ns);
    const auto span = check::index_span(static_cast<double>(i_first) - period_s,
                                        static_cast<double>(i_first) + search / dt, m);
    w0 = span.first;
    w1 = span.second + 1;
  }
  const idx_t hw = std::max<idx_t>(
      2, static_cast<idx_t>(
             std::lround(std::min(o.wavelet_half_ns > 0 ? o.wavelet_half_ns / dt : 0.75 * period_s,
                                  static_cast<double>(m)))));
  const idx_t L = w1 - w0;
  if (L < 2 * hw + 3)
    check::fail(kWhere, "window", static_cast<double>(std::max<idx_t>(L, 0)),
                "at least " + std::to_string(2 * hw + 3) +
                    " samples inside the section (the wavelet is " + std::to_string(2 * hw + 1) +
                    " samples long; widen start_ns / end_ns or search_ns)");
  const idx_t jump = std::max<idx_t>(
      1, static_cast<idx_t>(std::lround(std::min(
             o.max_jump_ns > 0 ? o.max_jump_ns / dt : 0.25 * period_s, static_cast<double>(L)))));
  const idx_t W = 2 * hw + 1, P = L - 2 * hw;  // wavelet length, candidate centres
  if (P > 65535)
    check::fail(
        kWhere, "window", static_cast<double>(L),
        "at most " + std::to_string(65535 + 2 * hw) + " samples (narrow start_ns / end_ns)");
  const auto wwork = static_cast<std::size_t>(L * n);

  std::vector<float> fixed(static_cast<std::size_t>(L), 0.0f), wav(static_cast<std::size_t>(W));
  {
    idx_t p = w0 + hw;
    for (idx_t i = w0 + hw; i < w1 - hw; ++i)
      if (std::abs(mean[static_cast<std::size_t>(i)]) > std::abs(mean[static_cast<std::size_t>(p)]))
        p = i;
    for (idx_t k = 0; k < W; ++k)
      wav[static_cast<std::size_t>(k)] =
          static_cast<float>(mean[static_cast<std::size_t>(p - hw + k)]);
  }
  std::vector<float> corr(static_cast<std::size_t>(P * n)), peaks(static_cast<std::size_t>(n));
  std::vector<double> tau(static_cast<std::size_t>(n)), amp(static_cast<std::size_t>(n), 1.0);
  std::vector<std::uint16_t> back(static_cast<std::size_t>(P * n));  // predecessors
  const double penalty = 0.05;  // per sample of move, on curves normalized to a peak of 1

  // Stage 1 (two iterations, nothing fixed removed): a robust path on the composite arrival;
  // it stays on the first strong arrival but under-reads the ground's movement when a
  // time-fixed direct wave overlaps it. Stage 2 (separate_fixed): start from the mean trace as
  // the fixed part and alternate within half a period of the stage-1 path (so a target below
  // cannot capture the path once the fixed part is gone).
  const int n_first = o.separate_fixed ? 2 : o.iterations;
  const int n_total = o.separate_fixed ? 2 + o.iterations : o.iterations;
  std::vector<double> corridor;
  const double half_corridor = std::max(2.0, 0.5 * period_s);
  auto wavelet_at = [&](double pos) {  // wavelet at `pos` samples from its centre, 0 outside
    const double k = pos + static_cast<double>(hw);
    return k > -2.0 && k < static_cast<double>(W) + 1.0 ? cubic_zero(wav.data(), W, k) : 0.0;
  };
  auto fixed_ls = [&] {  // the mean over traces of window - amplitude x wavelet at the pick
    std::vector<double> fs = chunked_sum(n, L, wwork, [&](idx_t j, double* acc) {
      const float* x = in.trace(j) + w0;
      const double t = tau[static_cast<std::size_t>(j)], g = amp[static_cast<std::size_t>(j)];
      for (idx_t i = 0; i < L; ++i)
        acc[i] += static_cast<double>(x[i]) - g * wavelet_at(static_cast<double>(i) - t);
    });
    for (auto& v : fs) v /= static_cast<double>(n);
    return fs;
  };
  bool separated = false;
  std::vector<double> stage1_tau;
  for (int it = 0; it < n_total; ++it) {
    if (it == n_first) {
      corridor = tau;
      for (idx_t i = 0; i < L; ++i)
        fixed[static_cast<std::size_t>(i)] =
            static_cast<float>(mean[static_cast<std::size_t>(w0 + i)]);
    }
    // a. Correlation curves of (window - fixed) with the wavelet, each scaled to peak 1.
    for_chunks(n, kChunk, wwork * static_cast<std::size_t>(W), [&](idx_t j0, idx_t cnt) {
      std::vector<float> r(static_cast<std::size_t>(L));
      for (idx_t j = j0; j < j0 + cnt; ++j) {
        const float* x = in.trace(j) + w0;
        for (idx_t i = 0; i < L; ++i)
          r[static_cast<std::size_t>(i)] = x[i] - fixed[static_cast<std::size_t>(i)];
        float* c = corr.data() + j * P;
        const float peak = correlate_row(r.data(), wav.data(), W, P, c);
        peaks[static_cast<std::size_t>(j)] = peak;
      }
    });
    {  // one scale for all curves (the median trace peak): weak traces weigh less in the path
      std::vector<float> tmp = peaks;
      std::nth_element(tmp.begin(), tmp.begin() + n / 2, tmp.end());
      const float scale = tmp[static_cast<std::size_t>(n / 2)];
      if (scale > 0)
        for_chunks(n, kChunk, wwork, [&](idx_t j0, idx_t cnt) {
          for (idx_t q = j0 * P; q < (j0 + cnt) * P; ++q)
            corr[static_cast<std::size_t>(q)] =
                std::clamp(corr[static_cast<std::size_t>(q)] / scale, -2.0f, 2.0f);
          if (!corridor.empty())
            for (idx_t j = j0; j < j0 + cnt; ++j)
              for (idx_t q = 0; q < P; ++q)
                if (std::abs(static_cast<double>(q + hw) - corridor[static_cast<std::size_t>(j)]) >
                    half_corridor)
                  corr[static_cast<std::size_t>(j * P + q)] = -2.0f;
        });
    }
    // b. Best path with moves of at most `jump` samples per trace (serial, O(n P jump)).
    {
      std::vector<double> prev(static_cast<std::size_t>(P)), cur(static_cast<std::size_t>(P));
      for (idx_t q = 0; q < P; ++q)
        prev[static_cast<std::size_t>(q)] = corr[static_cast<std::size_t>(q)];
      std::vector<double> best(static_cast<std::size_t>(P));
      std::vector<std::int32_t> arg(static_cast<std::size_t>(P));
      for (idx_t j = 1; j < n; ++j) {
        path_step(prev.data(), corr.data() + j * P, P, jump, penalty, best.data(), arg.data(),
                  cur.data(), back.data() + j * P);
        std::swap(prev, cur);
      }
      idx_t q = std::max_element(prev.begin(), prev.end()) - prev.begin();
      for (idx_t j = n - 1; j >= 0; --j) {
        const float* c = corr.data() + j * P;
        double off = 0.0;
        if (q > 0 && q + 1 < P) off = vertex(c[q - 1], c[q], c[q + 1]);
        tau[static_cast<std::size_t>(j)] = static_cast<double>(q + hw) + off;  // window index
        if (j > 0) q = back[static_cast<std::size_t>(j * P + q)];
      }
    }
    // A surface that hardly moves (picks' spread below a hundredth of a period) leaves the
    // fixed part and the ground indistinguishable: keep the plain track (on the composite).
    // The spread is that of the picks within a quarter period of their median: a strong
    // shallow object pulls the picks of a few traces far off a flat ground, while a rough
    // ground moves every pick a little.
    bool flat = false;
    if (o.separate_fixed && it + 1 == n_first) {
      std::vector<double> order = tau;
      const auto mid = static_cast<std::ptrdiff_t>(order.size() / 2);
      std::nth_element(order.begin(), order.begin() + mid, order.end());
      const double med = order[static_cast<std::size_t>(mid)];
      double mu = 0.0, var = 0.0, count = 0.0;
      for (double t : tau)
        if (std::abs(t - med) <= 0.25 * period_s) {
          mu += t;
          count += 1.0;
        }
      mu /= count;  // >= 1: the median itself
      for (double t : tau)
        if (std::abs(t - med) <= 0.25 * period_s) var += (t - mu) * (t - mu);
      flat = std::sqrt(var / count) < 0.01 * period_s;
      separated = !flat;
    }
    // c. The wavelet: the mean of (window - fixed) aligned on the picks, re-centred on its
    //    peak (so the pick is the time of the reflection's peak).
    const idx_t Wx = W + 2 * hw;  // a wider stretch for the re-centring
    std::vector<double> ws = chunked_sum(n, Wx, wwork, [&](idx_t j, double* acc) {
      double* v = row_buffer(Wx);
      cubic_zero_difference_row(in.trace(j) + w0, fixed.data(), L, tau[static_cast<std::size_t>(j)],
                                -2 * hw, Wx, v);
      for (idx_t k = 0; k < Wx; ++k) acc[k] += v[k];
    });
    idx_t pk = 2 * hw;
    for (idx_t k = hw; k < Wx - hw; ++k)
      if (std::abs(ws[static_cast<std::size_t>(k)]) > std::abs(ws[static_cast<std::size_t>(pk)]))
        pk = k;
    double shift = static_cast<double>(pk - 2 * hw);
    if (it + 1 < n_total && !flat)
      shift = 0.0;
    else if (pk > 0 && pk + 1 < Wx)
      shift += vertex(std::abs(ws[pk - 1]), std::abs(ws[pk]), std::abs(ws[pk + 1]));
    for (auto& t : tau) t += shift;
    std::vector<float> wsf(ws.begin(), ws.end());
    for (idx_t k = 0; k < W; ++k)
      wav[static_cast<std::size_t>(k)] = static_cast<float>(
          cubic_zero(wsf.data(), Wx, static_cast<double>(k + hw) + shift) / static_cast<double>(n));
    double ww = 0.0;
    for (float v : wav) ww += static_cast<double>(v) * v;
    // d. Amplitudes, then the time-fixed part: the mean of window - amplitude x wavelet.
    for_chunks(n, kChunk, static_cast<std::size_t>(W * n), [&](idx_t j0, idx_t cnt) {
      for (idx_t j = j0; j < j0 + cnt; ++j) {
        double* v = row_buffer(W);
        cubic_zero_difference_row(in.trace(j) + w0, fixed.data(), L,
                                  tau[static_cast<std::size_t>(j)], -hw, W, v);
        double s = 0.0;
        for (idx_t k = 0; k < W; ++k) s += wav[static_cast<std::size_t>(k)] * v[k];
        amp[static_cast<std::size_t>(j)] = ww > 0 ? s / ww : 0.0;
      }
    });
    if (o.separate_fixed && it >= n_first) {
      const std::vector<double> fs = fixed_ls();
      // Over-relaxed update: the fixed part converges slowly (it and the mean ground are
      // only told apart by the ground's movement).
      const double omega = it <= n_first ? 1.0 : kRelax;
      for (idx_t i = 0; i < L; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        fixed[iu] = static_cast<float>(fixed[iu] + omega * (fs[iu] - fixed[iu]));
      }
    }
    if (flat) break;
    if (o.separate_fixed && it + 1 == n_first) stage1_tau = tau;
  }
  if (separated) {
    // Stage 2 must stay near the plain path: if its median pick moved by more than 0.6 of a
    // period (it locked onto another lobe once the fixed part was removed), fall back to the
    // plain track (two iterations, re-centred).
    std::vector<double> d(static_cast<std::size_t>(n));
    for (idx_t j = 0; j < n; ++j)
      d[static_cast<std::size_t>(j)] =
          tau[static_cast<std::size_t>(j)] - stage1_tau[static_cast<std::size_t>(j)];
    std::nth_element(d.begin(), d.begin() + n / 2, d.end());
    if (std::abs(d[static_cast<std::size_t>(n / 2)]) > 0.6 * period_s) {
      SurfaceOptions plain = o;
      plain.separate_fixed = false;
      plain.iterations = n_first;
      return track_surface(in, h, plain);
    }
  }

  SurfaceTrack r;
  r.period_ns = period_ns;
  r.window_first_sample = w0;
  r.window_n_samples = L;
  r.wavelet = wav;
  r.wavelet_centre = hw;
  r.fixed = fixed;
  r.fixed_separated = separated;
  r.time_ns.resize(static_cast<std::size_t>(n));
  r.sample.resize(static_cast<std::size_t>(n));
  r.amplitude.resize(static_cast<std::size_t>(n));
  r.quality.resize(static_cast<std::size_t>(n));
  const double wpeak = wav[static_cast<std::size_t>(hw)];
  double ww = 0.0;
  for (float v : wav) ww += static_cast<double>(v) * v;
  for_chunks(n, kChunk, static_cast<std::size_t>(W * n), [&](idx_t j0, idx_t cnt) {
    for (idx_t j = j0; j < j0 + cnt; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      double* row = row_buffer(W);
      cubic_zero_difference_row(in.trace(j) + w0, fixed.data(), L, tau[ju], -hw, W, row);
      double sxy = 0.0, sxx = 0.0;
      for (idx_t k = 0; k < W; ++k) {
        const double v = row[k];
        sxy += v * wav[static_cast<std::size_t>(k)];
        sxx += v * v;
      }
      r.sample[ju] = static_cast<double>(w0) + tau[ju];
      r.time_ns[ju] = h.t0_ns + r.sample[ju] * dt;
      r.amplitude[ju] = amp[ju] * wpeak;
      r.quality[ju] = sxx > 0 && ww > 0 ? sxy / std::sqrt(sxx * ww) : 0.0;
    }
  });
  {  // A ground reflection on (nearly) every trace: well correlated and of steady amplitude.
    std::vector<double> q = r.quality, a(r.amplitude.size());
    for (std::size_t j = 0; j < a.size(); ++j) a[j] = std::abs(r.amplitude[j]);
    const auto k10 = static_cast<std::ptrdiff_t>(n / 10), k50 = n / 2, k90 = (9 * n) / 10;
    std::nth_element(q.begin(), q.begin() + k10, q.end());
    const double q10 = q[static_cast<std::size_t>(k10)];
    std::nth_element(a.begin(), a.begin() + k50, a.end());
    const double a50 = a[static_cast<std::size_t>(k50)];
    std::nth_element(a.begin(), a.begin() + k90, a.end());
    const double a90 = a[static_cast<std::size_t>(k90)];
    r.continuous = q10 >= 0.6 && a90 > 0 && a50 >= 0.6 * a90;
  }
  return r;
}

SurfaceTrack track_surface(const Bscan& in, const SurfaceOptions& o) {
  return track_surface(in.cview(), in.header(), o);
}

AntennaHeight estimate_antenna_height(ConstView in, const Header& h,
                                      const AntennaHeightOptions& o) {
  constexpr const char* w = "estimate_antenna_height";
  const double a = o.antenna_separation_m < 0 ? h.antenna_separation_m : o.antenna_separation_m;
  check::finite(w, "antenna_separation_m", a);
  check::non_negative(w, "antenna_separation_m", a);
  if (std::isnan(o.direct_time_ns))
    check::fail(w, "direct_time_ns", o.direct_time_ns, "a time (ns)");
  check::positive(w, "min_delay_periods", o.min_delay_periods);
  check::finite(w, "min_delay_periods", o.min_delay_periods);
  AntennaHeight r;
  r.surface = track_surface(in, h, o.surface);
  const SurfaceTrack& s = r.surface;
  const double c = c_air_m_per_ns;
  r.period_ns = s.period_ns;
  // The direct wave: the given time, else the strongest peak of the time-fixed component
  // (when it holds at least a tenth of the ground wavelet's peak), else a / c.
  double td = a / c;
  if (o.direct_time_ns > -kAuto) {
    td = o.direct_time_ns;
  } else if (s.fixed_separated) {
    const auto L = static_cast<idx_t>(s.fixed.size());
    idx_t pk = 0;
    for (idx_t i = 0; i < L; ++i)
      if (std::abs(s.fixed[static_cast<std::size_t>(i)]) >
          std::abs(s.fixed[static_cast<std::size_t>(pk)]))
        pk = i;
    const double wpk =
        std::abs(static_cast<double>(s.wavelet[static_cast<std::size_t>(s.wavelet_centre)]));
    if (std::abs(static_cast<double>(s.fixed[static_cast<std::size_t>(pk)])) > 0.1 * wpk) {
      double p = static_cast<double>(pk);
      if (pk > 0 && pk + 1 < L)
        p += vertex(std::abs(s.fixed[pk - 1]), std::abs(s.fixed[pk]), std::abs(s.fixed[pk + 1]));
      td = h.t0_ns + (static_cast<double>(s.window_first_sample) + p) * h.dt_ns;
    }
  }
  r.direct_time_ns = td;
  auto height_of = [&](double two_way_ns) {
    const double half = 0.5 * two_way_ns * c;
    const double h2 = half * half - 0.25 * a * a;
    return h2 > 0 ? std::sqrt(h2) : 0.0;
  };
  const auto n = static_cast<idx_t>(s.time_ns.size());
  std::vector<double> delays(s.time_ns.size());
  for (idx_t j = 0; j < n; ++j)
    delays[static_cast<std::size_t>(j)] = s.time_ns[static_cast<std::size_t>(j)] - td;
  std::vector<double> tmp = delays;
  std::nth_element(tmp.begin(), tmp.begin() + n / 2, tmp.end());
  r.delay_ns = tmp[static_cast<std::size_t>(n / 2)];
  tmp = s.time_ns;
  std::nth_element(tmp.begin(), tmp.begin() + n / 2, tmp.end());
  {  // NaN when the reflection comes before the straight offset time (no height fits)
    const double half = 0.5 * tmp[static_cast<std::size_t>(n / 2)] * c;
    r.height_from_time_zero_m = half * half - 0.25 * a * a > 0
                                    ? height_of(tmp[static_cast<std::size_t>(n / 2)])
                                    : std::numeric_limits<double>::quiet_NaN();
  }
  // Resolved: the direct wave is known (given, or separated from a moving ground) and the
  // delay is a sizeable part of a period.
  r.resolved = (o.direct_time_ns > -kAuto || s.fixed_separated) &&
               r.delay_ns >= o.min_delay_periods * s.period_ns;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.height_per_trace_m.assign(s.time_ns.size(), nan);
  r.height_m = nan;
  if (r.resolved) {
    for (idx_t j = 0; j < n; ++j)
      r.height_per_trace_m[static_cast<std::size_t>(j)] =
          height_of(delays[static_cast<std::size_t>(j)] + a / c);
    r.height_m = height_of(r.delay_ns + a / c);
  }
  return r;
}

AntennaHeight estimate_antenna_height(const Bscan& in, const AntennaHeightOptions& o) {
  return estimate_antenna_height(in.cview(), in.header(), o);
}

}  // namespace gprkit
