// Shared set-up for the benchmarks: the standard 1024 x N test section and rate counters.
#pragma once
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/simulate/simulate.h"

namespace gprkit::bench {

/// GPRKIT_BENCH_SMOKE=1 (the CI smoke run, bench/CMakeLists.txt): every benchmark runs its
/// code on at most kSmokeTraces traces for a few iterations, so a broken benchmark fails fast.
/// Its figures then mean nothing.
inline bool smoke() {
  static const bool on = [] {
    const char* e = std::getenv("GPRKIT_BENCH_SMOKE");
    return e != nullptr && *e != '\0' && std::string_view(e) != "0";
  }();
  return on;
}
inline constexpr std::ptrdiff_t kSmokeTraces = 256;
/// The workload's trace count, or at most kSmokeTraces in a smoke run.
inline std::ptrdiff_t traces(std::ptrdiff_t n) { return smoke() ? std::min(n, kSmokeTraces) : n; }
/// A benchmark's minimum time (s), or 0.01 s in a smoke run.
inline double min_time(double seconds) { return smoke() ? 0.01 : seconds; }

/// A realistic 1024-sample section (direct wave, diffractors, wow, noise), n_traces wide.
inline Bscan standard_section(std::ptrdiff_t n_traces, std::ptrdiff_t n_samples = 1024) {
  SimulateOptions o;
  o.n_samples = n_samples;
  n_traces = traces(n_traces);
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

/// The machine's memory limit as this process sees it: the best of five STREAM triads
/// a[i] = b[i] + s * c[i] over three 64 MiB float arrays (4 MiB in a smoke run) on `threads`
/// threads, in GB/s of bytes read and written (12 an element). Measured once per count.
inline double triad_gbps(int threads) {
  static std::mutex mu;
  static std::map<int, double> measured;
  std::lock_guard<std::mutex> lock(mu);
  if (const auto it = measured.find(threads); it != measured.end()) return it->second;
  const std::ptrdiff_t n = smoke() ? (1 << 20) : (1 << 24);
  std::vector<float> a(static_cast<std::size_t>(n)), b(a.size(), 1.0f), c(a.size(), 2.0f);
  double best = 1e30;
  for (int rep = 0; rep < 6; ++rep) {  // the first pass faults the pages in
    const auto t0 = std::chrono::steady_clock::now();
    float* pa = a.data();
    const float *pb = b.data(), *pc = c.data();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t i = 0; i < n; ++i) pa[i] = pb[i] + 0.5f * pc[i];
    benchmark::DoNotOptimize(a.data());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rep > 0) best = std::min(best, s);
  }
  return measured[threads] = 12.0 * static_cast<double>(n) / best / 1e9;
}

/// For a kernel that could do its work in one read and one write of `samples` float32 per
/// iteration: "of_triad", that least traffic per second over triad_gbps(threads). 1.0 is a
/// kernel as fast as memory allows; it is the fraction of the machine's limit reached.
inline void set_memory_fraction(benchmark::State& state, std::ptrdiff_t samples, int threads) {
  const double gb =
      static_cast<double>(state.iterations()) * static_cast<double>(samples) * 8.0 / 1e9;
  state.counters["of_triad"] =
      benchmark::Counter(gb / triad_gbps(threads), benchmark::Counter::kIsRate);
}

}  // namespace gprkit::bench
