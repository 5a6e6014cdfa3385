#include "gprkit/filters/gain.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"
#include "moving_window.h"
#include "per_trace.h"

namespace gprkit {

double gain_at(double t_ns, const GainOptions& o) {
  const double t = std::max(t_ns, 0.0);
  double g = 1.0;
  switch (o.kind) {
    case GainKind::tpow:
      g = std::pow(t, o.power);
      break;
    case GainKind::exp:
      g = std::pow(10.0, o.db_per_ns * t / 20.0);
      break;
    case GainKind::sec:
      g = std::pow(t, o.power) * std::pow(10.0, o.db_per_ns * t / 20.0);
      break;
    case GainKind::agc:
      g = 1.0;
      break;  // data-dependent: see gain()
  }
  return std::min(g, o.max_gain);
}

namespace detail {
void validate_gain(double dt_ns, double t0_ns, const GainOptions& o) {
  constexpr const char* w = "gain";
  check::positive(w, "dt_ns", dt_ns);
  check::finite(w, "t0_ns", t0_ns);
  check::positive(w, "max_gain", o.max_gain);
  check::in_range(w, "power", o.power, 0.0, 10.0);
  check::in_range(w, "db_per_ns", o.db_per_ns, -1000.0, 1000.0);
  if (o.kind == GainKind::agc) check::positive(w, "window_ns", o.window_ns);
}
}  // namespace detail

void gain(ConstView in, MutView out, double dt_ns, double t0_ns, const GainOptions& o) {
  constexpr const char* w = "gain";
  detail::validate_gain(dt_ns, t0_ns, o);
  if (o.kind == GainKind::agc) {
    const std::ptrdiff_t h = std::max<std::ptrdiff_t>(
        1, check::count(w, "window_ns", o.window_ns, 2 * dt_ns, "samples per half window"));
    // g = min(max_gain, 1 / rms) == 1 / max(rms, 1 / max_gain): branch-free.
    const double floor = 1.0 / o.max_gain;
    detail::for_each_trace_group<detail::kWindowLanes>(
        w, in, out,
        [h, floor](const float* const* x, float* const* y, int count, std::ptrdiff_t n) {
          return detail::moving_window(detail::WindowKind::agc, x, y, count, n, h, floor);
        });
    return;
  }
  detail::gain_apply_curve(in, out, detail::gain_curve(in.n_samples, dt_ns, t0_ns, o));
}

namespace detail {

std::vector<float> gain_curve(std::ptrdiff_t n, double dt_ns, double t0_ns, const GainOptions& o) {
  // Deterministic curves: computed once, then one multiply per sample.
  std::vector<float> curve(static_cast<std::size_t>(std::max<std::ptrdiff_t>(n, 0)));
  for (std::size_t i = 0; i < curve.size(); ++i)
    curve[i] = static_cast<float>(gain_at(t0_ns + static_cast<double>(i) * dt_ns, o));
  return curve;
}

void gain_apply_curve(ConstView in, MutView out, const std::vector<float>& curve) {
  if (static_cast<std::ptrdiff_t>(curve.size()) != in.n_samples)
    check::fail("gain", "n_samples", static_cast<double>(in.n_samples), "the planned length");
  const float* g = curve.data();
  detail::for_each_trace("gain", in, out,
                         [g](const float* x, float* y, std::ptrdiff_t n, std::ptrdiff_t) {
                           if (!check::all_finite(x, n)) return false;
                           for (std::ptrdiff_t i = 0; i < n; ++i) y[i] = x[i] * g[i];
                           return true;
                         });
}

}  // namespace detail

Bscan gain(const Bscan& in, const GainOptions& o) {
  Bscan out = Bscan::uninitialized(in.n_samples(), in.n_traces(), in.header());
  gain(in.view(), out.view(), in.header().dt_ns, in.header().t0_ns, o);
  return out;
}

}  // namespace gprkit
