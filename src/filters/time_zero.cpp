#include "gprkit/filters/time_zero.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "fft_scratch.h"
#include "per_trace.h"

namespace gprkit {

namespace {

void validate(const TimeZeroOptions& o) {
  constexpr const char* w = "time_zero";
  if (!(o.threshold > 0.0 && o.threshold <= 1.0))
    check::fail(w, "threshold", o.threshold, "a fraction in (0, 1]");
  if (std::isnan(o.search_start_ns) || std::isnan(o.search_end_ns) ||
      !(o.search_start_ns < o.search_end_ns))
    check::fail(w, "search_start_ns", o.search_start_ns, "a value < search_end_ns");
  check::finite(w, "target_sample", o.target_sample);
  if (o.lobe_window_traces < -1)
    check::fail(w, "lobe_window_traces", o.lobe_window_traces, "traces >= 0 (or -1: automatic)");
}

double refine_extremum(const float* x, std::ptrdiff_t k);

// First-break pick on one contiguous trace within samples [i0, i1]; fractional sample index.
double pick_one(const float* x, std::ptrdiff_t i0, std::ptrdiff_t i1, const TimeZeroOptions& o) {
  float peak = 0.0f;
  for (std::ptrdiff_t i = i0; i <= i1; ++i) peak = std::max(peak, std::abs(x[i]));
  if (peak == 0.0f) return static_cast<double>(i0);  // silent trace: nothing to pick
  const float thr = static_cast<float>(o.threshold) * peak;
  std::ptrdiff_t k = i0;
  while (k <= i1 && std::abs(x[k]) < thr) ++k;
  if (o.method == TimeZeroPick::threshold) {
    if (k == i0) return static_cast<double>(k);
    const double a = std::abs(x[k - 1]), b = std::abs(x[k]);
    return static_cast<double>(k - 1) + (b > a ? (thr - a) / (b - a) : 1.0);
  }
  // First peak: climb |x| to the local maximum, then a parabola through the signed
  // samples around it gives the sub-sample position of the extremum.
  while (k < i1 && std::abs(x[k + 1]) > std::abs(x[k])) ++k;
  if (k <= i0 || k >= i1) return static_cast<double>(k);
  return refine_extremum(x, k);
}

// Sub-sample position of the extremum at k: a parabola through the signed samples around it.
double refine_extremum(const float* x, std::ptrdiff_t k) {
  const double a = x[k - 1], b = x[k], c = x[k + 1];
  const double den = a - 2.0 * b + c;
  const double d = den != 0.0 ? 0.5 * (a - c) / den : 0.0;
  return static_cast<double>(k) + std::clamp(d, -0.5, 0.5);
}

// Centred running median over `window` traces of the picks that `keep` marks (windows
// truncated at the line's ends; a window without any kept pick gives NaN), kept as a sorted
// window: one binary-search insert and erase per kept pick.
std::vector<double> running_median(const std::vector<double>& p, const std::vector<char>& keep,
                                   std::ptrdiff_t window) {
  const auto n = static_cast<std::ptrdiff_t>(p.size());
  const std::ptrdiff_t h = window / 2;
  std::vector<double> med(p.size()), sorted;
  sorted.reserve(static_cast<std::size_t>(std::min(n, 2 * h + 1)));
  auto add = [&](std::ptrdiff_t j) {
    const double v = p[static_cast<std::size_t>(j)];
    if (keep[static_cast<std::size_t>(j)])
      sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), v), v);
  };
  auto drop = [&](std::ptrdiff_t j) {
    const double v = p[static_cast<std::size_t>(j)];
    if (keep[static_cast<std::size_t>(j)])
      sorted.erase(std::lower_bound(sorted.begin(), sorted.end(), v));
  };
  for (std::ptrdiff_t j = 0; j < std::min(n, h); ++j) add(j);
  for (std::ptrdiff_t j = 0; j < n; ++j) {
    if (j + h < n) add(j + h);
    if (j - h - 1 >= 0) drop(j - h - 1);
    med[static_cast<std::size_t>(j)] =
        sorted.empty() ? std::numeric_limits<double>::quiet_NaN() : sorted[sorted.size() / 2];
  }
  return med;
}

// The extremum of sign `sign` with |x| >= floor nearest `ref` (fractional sample) in [i0, i1],
// or -1 when there is none.
std::ptrdiff_t nearest_lobe(const float* x, std::ptrdiff_t i0, std::ptrdiff_t i1, double ref,
                            float sign, float floor) {
  std::ptrdiff_t best = -1;
  double best_d = 0.0;
  for (std::ptrdiff_t k = std::max<std::ptrdiff_t>(i0, 1); k < i1; ++k) {
    const float v = sign * x[k];
    if (v < floor || v < sign * x[k - 1] || !(v > sign * x[k + 1])) continue;
    const double d = std::abs(static_cast<double>(k) - ref);
    if (best < 0 || d < best_d) best = k, best_d = d;
  }
  return best;
}

// Copies trace j into xs when the view is strided; returns a contiguous pointer to it.
const float* contiguous_trace(ConstView in, std::ptrdiff_t j, std::vector<float>& xs) {
  if (in.sample_stride == 1) return in.trace(j);
  xs.resize(static_cast<std::size_t>(in.n_samples));
  for (std::ptrdiff_t i = 0; i < in.n_samples; ++i) xs[static_cast<std::size_t>(i)] = in(i, j);
  return xs.data();
}

// Re-picks the traces whose first peak is on the wrong lobe: the line's pick polarity is a
// majority vote over the traces (a run of jumped traces cannot flip it), the reference is the
// running median of the picks of that polarity, and a trace whose pick has the other polarity,
// or sits farther from the reference than an extremum of the line's polarity, moves to that
// extremum. Traces already on the nearest such extremum keep their pick bit for bit.
void align_lobes(ConstView in, std::ptrdiff_t i0, std::ptrdiff_t i1, const TimeZeroOptions& o,
                 std::ptrdiff_t window, std::vector<double>& picks) {
  const std::size_t n = picks.size();
  std::vector<signed char> sign_at(n, 0);
  std::vector<float> xs;
  std::ptrdiff_t votes = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const float* x = contiguous_trace(in, static_cast<std::ptrdiff_t>(j), xs);
    const auto k = static_cast<std::ptrdiff_t>(std::lround(picks[j]));
    if (k >= 0 && k < in.n_samples) sign_at[j] = x[k] > 0.0f ? 1 : (x[k] < 0.0f ? -1 : 0);
    votes += sign_at[j];
  }
  if (votes == 0) return;
  const signed char line_sign = votes > 0 ? 1 : -1;
  std::vector<char> keep(n);
  for (std::size_t j = 0; j < n; ++j) keep[j] = sign_at[j] == line_sign;
  const std::vector<double> ref = running_median(picks, keep, window);
  const float sign = static_cast<float>(line_sign);
  const int nthreads = threads_for(static_cast<std::size_t>(in.size()));
#pragma omp parallel num_threads(nthreads)
  {
    std::vector<float> buf;
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < in.n_traces; ++j) {
      const auto js = static_cast<std::size_t>(j);
      if (std::isnan(ref[js])) continue;
      const float* x = contiguous_trace(in, j, buf);
      float peak = 0.0f;
      for (std::ptrdiff_t i = i0; i <= i1; ++i) peak = std::max(peak, std::abs(x[i]));
      // Half the pick threshold: the lobe that lost to the threshold in this trace is still
      // well above the noise.
      const float floor = 0.5f * static_cast<float>(o.threshold) * peak;
      const std::ptrdiff_t k = nearest_lobe(x, i0, i1, ref[js], sign, floor);
      if (k <= i0 || k >= i1) continue;
      const double cand = refine_extremum(x, k);
      if (!keep[js] || std::abs(cand - ref[js]) + 0.5 < std::abs(picks[js] - ref[js]))
        picks[js] = cand;
    }
  }
}

}  // namespace

std::vector<double> pick_time_zero(ConstView in, double dt_ns, double t0_ns,
                                   const TimeZeroOptions& o) {
  constexpr const char* w = "time_zero";
  validate(o);
  check::positive(w, "dt_ns", dt_ns);
  check::finite(w, "t0_ns", t0_ns);
  check::non_empty(w, "input", in);
  // Plain variables, not a structured binding: the OpenMP region below uses them (clang 14
  // refuses to capture bindings).
  const auto window =
      detail::sample_window(o.search_start_ns, o.search_end_ns, dt_ns, t0_ns, in.n_samples);
  const std::ptrdiff_t i0 = window.first, i1 = window.second;
  if (i1 < i0)
    check::fail(w, "search window", o.search_start_ns,
                "a search window [search_start_ns, search_end_ns] that overlaps the trace");
  std::vector<double> picks(static_cast<std::size_t>(in.n_traces));
  const int nthreads = threads_for(static_cast<std::size_t>(in.size()));
  bool bad = false;
#pragma omp parallel num_threads(nthreads) reduction(|| : bad)
  {
    std::vector<float> xs(static_cast<std::size_t>(in.n_samples));
#pragma omp for schedule(static)
    for (std::ptrdiff_t j = 0; j < in.n_traces; ++j) {
      const float* x = in.trace(j);
      if (in.sample_stride != 1) {
        for (std::ptrdiff_t i = 0; i < in.n_samples; ++i)
          xs[static_cast<std::size_t>(i)] = in(i, j);
        x = xs.data();
      }
      if (!check::all_finite(x, in.n_samples)) bad = true;
      picks[static_cast<std::size_t>(j)] = pick_one(x, i0, i1, o);
    }
  }
  if (bad) check::finite_data(w, "input", in);
  const std::ptrdiff_t lobe_window = o.lobe_window();
  if (o.method == TimeZeroPick::first_peak && lobe_window > 1 && in.n_traces > 2)
    align_lobes(in, i0, i1, o, lobe_window, picks);
  return picks;
}

void shift_traces(ConstView in, MutView out, const std::vector<double>& shifts) {
  constexpr const char* w = "shift_traces";
  check::non_empty(w, "input", in);
  if (static_cast<std::ptrdiff_t>(shifts.size()) != in.n_traces)
    check::fail(w, "shifts", static_cast<double>(shifts.size()),
                "one shift per trace (" + std::to_string(in.n_traces) + ")");
  double max_shift = 0.0;
  for (double s : shifts) {
    check::finite(w, "shift", s);
    max_shift = std::max(max_shift, std::abs(s));
  }
  if (max_shift > static_cast<double>(in.n_samples))
    check::fail(w, "shift", max_shift, "|shift| <= n_samples");
  // Zero padding of the largest allowed shift (one trace) plus a margin makes the circular
  // shift linear. It does not depend on the other traces' shifts, so each trace is shifted
  // the same way alone (a stream) as in a section.
  const std::ptrdiff_t n = in.n_samples;
  const std::size_t len = detail::padded_length(n, n + std::max<std::ptrdiff_t>(16, n / 8));
  const std::size_t nf = len / 2 + 1;
  const double inv = 1.0 / static_cast<double>(len);
  detail::for_each_trace(
      w, in, out, [&](const float* x, float* y, std::ptrdiff_t m, std::ptrdiff_t j) {
        auto& s = detail::thread_fft_scratch();
        s.ensure(len);
        float* r = s.real.get();
        if (!check::all_finite(x, m)) return false;
        for (std::ptrdiff_t i = 0; i < m; ++i) r[i] = x[i];
        for (std::size_t i = static_cast<std::size_t>(m); i < len; ++i) r[i] = 0.0f;
        const double sh = shifts[static_cast<std::size_t>(j)];
        if (sh == 0.0) {
          for (std::ptrdiff_t i = 0; i < m; ++i) y[i] = x[i];
          return true;
        }
        fft::r2c(len, r, s.spec.get());
        fft::cfloat* X = s.spec.get();
        // Delay by sh samples: X[k] * exp(-2 pi i k sh / len); the phase is stepped by a
        // complex rotation in double and re-anchored every 64 bins to bound its error.
        const double w0 = -2.0 * std::numbers::pi * sh * inv;
        for (std::size_t k0 = 0; k0 < nf; k0 += 64) {
          std::complex<double> ph = std::polar(1.0, w0 * static_cast<double>(k0));
          const std::complex<double> step = std::polar(1.0, w0);
          for (std::size_t k = k0; k < std::min(nf, k0 + 64); ++k) {
            X[k] = fft::cfloat(static_cast<float>(ph.real() * inv),
                               static_cast<float>(ph.imag() * inv)) *
                   X[k];
            ph *= step;
          }
        }
        // Nyquist bin of an even length must stay real: keep its cosine part only.
        if (len % 2 == 0) X[nf - 1] = fft::cfloat(X[nf - 1].real(), 0.0f);
        fft::c2r(len, X, r);
        for (std::ptrdiff_t i = 0; i < m; ++i) y[i] = r[i];
        return true;
      });
}

TimeZeroResult time_zero(ConstView in, MutView out, double dt_ns, double t0_ns,
                         const TimeZeroOptions& o) {
  TimeZeroResult res;
  res.picks_samples = pick_time_zero(in, dt_ns, t0_ns, o);
  std::vector<double> sorted = res.picks_samples;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                   sorted.end());
  res.target_sample = o.target_sample >= 0 ? o.target_sample : sorted[sorted.size() / 2];
  if (res.target_sample > static_cast<double>(in.n_samples - 1))
    check::fail("time_zero", "target_sample", res.target_sample, "an index inside the trace");
  if (!o.shift) {
    check::same_shape("time_zero", in, out);
    for (std::ptrdiff_t j = 0; j < in.n_traces; ++j)
      for (std::ptrdiff_t i = 0; i < in.n_samples; ++i) out(i, j) = in(i, j);
    return res;
  }
  std::vector<double> shifts(res.picks_samples.size());
  for (std::size_t j = 0; j < shifts.size(); ++j)
    shifts[j] = res.target_sample - res.picks_samples[j];
  shift_traces(in, out, shifts);
  return res;
}

Bscan time_zero(const Bscan& in, const TimeZeroOptions& o, TimeZeroResult* result) {
  const double dt = in.header().dt_ns;
  const double t0 = in.header().t0_ns;
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  TimeZeroResult res = time_zero(in.view(), out.view(), dt, t0, o);
  if (o.shift)
    out.header().t0_ns = 0.0 - res.target_sample * dt;  // never -0
  else
    out.header().t0_ns = t0;
  if (result) *result = std::move(res);
  return out;
}

}  // namespace gprkit
