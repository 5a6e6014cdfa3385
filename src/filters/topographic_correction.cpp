#include "gprkit/filters/topographic_correction.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "gprkit/filters/time_zero.h"

namespace gprkit {

namespace {
constexpr const char* kWhere = "topographic_correction";
}

TopographicDelays topographic_delays(const std::vector<double>& z, std::ptrdiff_t n_traces,
                                     double dt_ns, const TopographicCorrectionOptions& o) {
  check::positive(kWhere, "velocity_m_per_ns", o.velocity_m_per_ns);
  check::positive(kWhere, "dt_ns", dt_ns);
  if (z.empty())
    throw InvalidArgument(std::string(kWhere) +
                          ": the line has no surface elevations (header z_m is empty); read "
                          "them from GPS or a topography file (gprkit.apply_topography) first");
  if (static_cast<std::ptrdiff_t>(z.size()) != n_traces)
    check::fail(kWhere, "z_m size", static_cast<double>(z.size()),
                "one elevation per trace (" + std::to_string(n_traces) + ")");
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < z.size(); ++j) {
    if (!std::isfinite(z[j]))
      check::fail(kWhere, "z_m[" + std::to_string(j) + "]", z[j], "a finite elevation (m)");
    top = std::max(top, z[j]);
  }
  const bool automatic = o.datum_m == -std::numeric_limits<double>::infinity();
  if (!automatic) check::finite(kWhere, "datum_m", o.datum_m);
  const double datum = automatic ? top : o.datum_m;
  TopographicDelays d;
  for (std::size_t j = 0; j < z.size(); ++j) {
    const double s = 2.0 * (datum - z[j]) / o.velocity_m_per_ns / dt_ns;
    if (!std::isfinite(s) || std::abs(s) > 1e9)
      check::fail(kWhere, "delay of trace " + std::to_string(j) + " (samples)", s,
                  "a delay the trace can hold (check z_m, datum_m and velocity_m_per_ns)");
    const double whole = std::floor(s);
    d.samples.push_back(s);
    d.whole.push_back(static_cast<std::ptrdiff_t>(whole));
    d.fraction.push_back(s - whole);
  }
  return d;
}

std::ptrdiff_t topographic_samples(std::ptrdiff_t n, const TopographicDelays& delays,
                                   const TopographicCorrectionOptions& o) {
  if (!o.extend) return n;
  double most = 0.0;
  for (double d : delays.samples) most = std::max(most, d);
  // More than 16 trace lengths of delay is a datum far above the line or a velocity far too
  // low, not a survey: refused before anything is allocated.
  const std::ptrdiff_t extra = check::count(kWhere, "largest delay (samples)", most, 1.0, "samples",
                                            16 * n + 16, check::Round::up);
  return n + extra;
}

void topographic_correction(ConstView in, MutView out, const TopographicDelays& d) {
  check::non_empty(kWhere, "input", in);
  if (out.n_traces != in.n_traces || out.n_samples < in.n_samples)
    throw InvalidArgument(std::string(kWhere) + ": output shape " +
                          check::shape_str(out.n_samples, out.n_traces) + "; expected at least " +
                          check::shape_str(in.n_samples, in.n_traces));
  if (static_cast<std::ptrdiff_t>(d.whole.size()) != in.n_traces ||
      d.fraction.size() != d.whole.size())
    check::fail(kWhere, "delays", static_cast<double>(d.whole.size()),
                "one per trace (" + std::to_string(in.n_traces) + ")");
  check::finite_data(kWhere, "input", in);
  const int nthreads = threads_for(static_cast<std::size_t>(out.n_samples * out.n_traces));
#pragma omp parallel for schedule(static) num_threads(nthreads)
  for (std::ptrdiff_t j = 0; j < in.n_traces; ++j) {
    const std::ptrdiff_t k = d.whole[static_cast<std::size_t>(j)];
    for (std::ptrdiff_t i = 0; i < out.n_samples; ++i) {
      // i - k never overflows: |k| <= 1e9 (topographic_delays)
      const std::ptrdiff_t src = i - k;
      out(i, j) = src >= 0 && src < in.n_samples ? in(src, j) : 0.0f;
    }
  }
  shift_traces(ConstView(out), out, d.fraction);
}

Bscan topographic_correction(const Bscan& in, const TopographicCorrectionOptions& o) {
  const auto d = topographic_delays(in.header().z_m, in.n_traces(), in.header().dt_ns, o);
  Bscan out =
      Bscan::uninitialized(topographic_samples(in.n_samples(), d, o), in.n_traces(), in.header());
  topographic_correction(in.view(), out.view(), d);
  return out;
}

}  // namespace gprkit
