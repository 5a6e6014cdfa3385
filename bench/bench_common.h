// Shared set-up for the benchmarks: the standard 1024 x N test section and rate counters.
#pragma once
#include <benchmark/benchmark.h>

#include "gprkit/core/bscan.h"
#include "gprkit/simulate/simulate.h"

namespace gprkit::bench {

/// A realistic 1024-sample section (direct wave, diffractors, wow, noise), n_traces wide.
inline Bscan standard_section(std::ptrdiff_t n_traces, std::ptrdiff_t n_samples = 1024) {
  SimulateOptions o;
  o.n_samples = n_samples;
  o.n_traces = n_traces;
  o.dt_ns = 0.02;
  o.dx_m = 0.01;
  o.centre_frequency_mhz = 1000;
  o.direct_wave_amplitude = 1.0;
  o.antenna_offset_m = 0.05;
  o.wow_amplitude = 0.2;
  o.noise_std = 0.01;
  for (int k = 0; k < 8; ++k)
    o.diffractors.push_back(
        {0.01 * static_cast<double>(n_traces) * (k + 0.5) / 8.0, 0.05 + 0.03 * k, 0.5, 0});
  return simulate(o).bscan;
}

/// Reports traces/s and input GB/s for `traces` traces of `samples` float32 per iteration.
inline void set_rates(benchmark::State& state, std::ptrdiff_t samples, std::ptrdiff_t traces) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["traces/s"] =
      benchmark::Counter(iters * static_cast<double>(traces), benchmark::Counter::kIsRate);
  state.counters["GB/s"] = benchmark::Counter(
      iters * static_cast<double>(samples * traces) * 4.0 / 1e9, benchmark::Counter::kIsRate);
}

}  // namespace gprkit::bench
