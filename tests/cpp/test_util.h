// Small helpers shared by the C++ tests.
#pragma once
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/threads.h"
#include "gprkit/simulate/simulate.h"

namespace gprkit::test {

/// A line with the physical signs: the direct wave +1, the air-ground reflection -0.5 (the
/// Fresnel coefficient of air to soil is negative), the antenna 3 cm above ground at 1 GHz
/// (the two arrivals overlap), and diffractors whose sign relative to the ground says what
/// they are made of.
inline SimulateOptions physical_line(std::vector<Diffractor> diffs) {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 300;
  o.dt_ns = 0.025;
  o.dx_m = 0.01;
  o.velocity_m_per_ns = 0.1;
  o.antenna_height_m = 0.03;
  o.antenna_offset_m = 0.04;
  o.centre_frequency_mhz = 1000;
  o.direct_wave_amplitude = 1.0;
  o.ground_bounce_amplitude = -0.5;
  o.noise_std = 0.01;
  o.diffractors = std::move(diffs);
  return o;
}

/// A section whose trace j is f(t_ns, j) sampled at t = t0 + i dt.
template <class F>
Bscan make_section(std::ptrdiff_t ns, std::ptrdiff_t nt, double dt_ns, F&& f, double t0_ns = 0.0) {
  Header h;
  h.dt_ns = dt_ns;
  h.t0_ns = t0_ns;
  Bscan b(ns, nt, h);
  for (std::ptrdiff_t j = 0; j < nt; ++j)
    for (std::ptrdiff_t i = 0; i < ns; ++i)
      b(i, j) = static_cast<float>(f(t0_ns + static_cast<double>(i) * dt_ns, j));
  return b;
}

/// RMS of trace j over samples [i0, i1).
inline double rms(const Bscan& b, std::ptrdiff_t j, std::ptrdiff_t i0, std::ptrdiff_t i1) {
  double s = 0;
  for (std::ptrdiff_t i = i0; i < i1; ++i) s += static_cast<double>(b(i, j)) * b(i, j);
  return std::sqrt(s / static_cast<double>(i1 - i0));
}

/// Runs f() with 1 thread and with 2 threads and returns both results.
template <class F>
auto with_1_and_2_threads(F&& f) {
  const int saved = get_num_threads();
  set_num_threads(1);
  auto a = f();
  set_num_threads(2);
  auto b = f();
  set_num_threads(saved);
  return std::pair{std::move(a), std::move(b)};
}

inline bool identical(const Bscan& a, const Bscan& b) {
  if (a.n_samples() != b.n_samples() || a.n_traces() != b.n_traces()) return false;
  for (std::ptrdiff_t k = 0; k < a.n_samples() * a.n_traces(); ++k)
    if (a.data()[k] != b.data()[k]) return false;
  return true;
}

}  // namespace gprkit::test
