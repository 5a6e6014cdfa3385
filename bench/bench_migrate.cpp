// Migration benchmarks: Stolt against two 2-D FFTs of the padded size (same binary), phase
// shift, Kirchhoff / back-projection contributions summed per second (output points x
// aperture traces), 3-D Stolt on grids of 32 lines; Complexity() fits over the traces where
// the cost model is known.
#include <algorithm>
#include <cmath>
#include <vector>

#include "bench_common.h"
#include "gprkit/core/fft.h"
#include "gprkit/migrate.h"

namespace {

using namespace gprkit;

const Bscan& section(std::ptrdiff_t n_traces) {
  static std::ptrdiff_t cached_n = -1;
  static Bscan b;
  if (cached_n != n_traces) {
    b = bench::standard_section(n_traces);
    b.header().antenna_separation_m = 0.0;  // zero-offset kernels
    cached_n = n_traces;
  }
  return b;
}

void BM_stolt(benchmark::State& state) {
  const Bscan& in = section(state.range(0));
  MigrateOptions o;
  Bscan out(in.n_samples(), in.n_traces(), in.header());
  for (auto _ : state) {
    migrate(in.view(), in.header(), out.view(), o);
    benchmark::DoNotOptimize(out.data());
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
  state.SetComplexityN(in.n_traces());  // FFTs over the padded traces: N log N
}

// Phase shift, constant velocity: one continuation step per output sample over the
// propagating frequencies of every padded wavenumber.
void BM_phase_shift(benchmark::State& state) {
  const Bscan& in = section(state.range(0));
  MigrateOptions o;
  o.method = MigrationMethod::phase_shift;
  Bscan out(in.n_samples(), in.n_traces(), in.header());
  for (auto _ : state) {
    migrate(in.view(), in.header(), out.view(), o);
    benchmark::DoNotOptimize(out.data());
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
  state.SetComplexityN(in.n_traces());  // samples^2 per wavenumber: linear in traces
}

// Two complex 2-D FFTs (forward + inverse) of the size Stolt pads to.
void BM_two_fft2d_padded(benchmark::State& state) {
  const std::ptrdiff_t nx = bench::traces(state.range(0)), ns = 1024;
  const std::size_t Nt = fft::fast_size(2 * ns);
  const std::size_t Nx =
      fft::fast_size(static_cast<std::size_t>(nx + std::max<std::ptrdiff_t>(16, nx / 2)));
  auto buf = fft::alloc_complex(Nt * Nx);
  std::fill(buf.get(), buf.get() + Nt * Nx, fft::cfloat(0.5f, 0.0f));
  for (auto _ : state) {
    fft::c2c_2d(Nt, Nx, buf.get(), buf.get(), -1);
    fft::c2c_2d(Nt, Nx, buf.get(), buf.get(), +1);
    benchmark::DoNotOptimize(buf.get());
  }
  state.counters["padded"] = static_cast<double>(Nt * Nx);
  bench::set_rates(state, ns, nx);
}

void run_sum(benchmark::State& state, MigrationMethod m, bool antialias) {
  const Bscan& in = section(state.range(0));
  MigrateOptions o;
  o.method = m;
  o.aperture_m = 0.25;  // +-25 traces
  o.antialias = antialias;
  Bscan out(in.n_samples(), in.n_traces(), in.header());
  for (auto _ : state) {
    migrate(in.view(), in.header(), out.view(), o);
    benchmark::DoNotOptimize(out.data());
  }
  // Contributions: output points x traces within the aperture.
  double contrib = 0;
  const auto n = in.n_traces();
  for (std::ptrdiff_t k = 0; k < n; ++k)
    contrib += static_cast<double>(std::min<std::ptrdiff_t>(n - 1, k + 25) -
                                   std::max<std::ptrdiff_t>(0, k - 25) + 1);
  contrib *= static_cast<double>(in.n_samples());
  state.counters["contributions/s"] = benchmark::Counter(
      contrib * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  bench::set_rates(state, in.n_samples(), in.n_traces());
  state.SetComplexityN(in.n_traces());  // fixed aperture: linear in traces
}

// 3-D Stolt of a grid of `range(1)` parallel lines of `range(0)` traces, 1024 samples (each
// line the standard section): the 1024 x 4,096 x 32 grid workload and smaller ones for the fit.
void BM_migrate_3d_stolt(benchmark::State& state) {
  const Bscan& line = section(state.range(0));
  const std::ptrdiff_t ns = line.n_samples(), nx = line.n_traces(), ny = state.range(1);
  const auto per_line = static_cast<std::size_t>(ns * nx);
  std::vector<float> in(per_line * static_cast<std::size_t>(ny)), out(in.size());
  for (std::ptrdiff_t y = 0; y < ny; ++y)
    std::copy(line.data(), line.data() + per_line,
              in.begin() + static_cast<std::ptrdiff_t>(per_line) * y);
  VolumeGeometry g;
  g.dt_ns = line.header().dt_ns;
  g.dx_m = g.dy_m = line.header().dx_m;
  MigrateOptions o;
  for (auto _ : state) {
    migrate_3d(in.data(), out.data(), ns, nx, ny, g, o);
    benchmark::DoNotOptimize(out.data());
  }
  bench::set_rates(state, ns, nx * ny);
  state.SetComplexityN(nx * ny);
}

void BM_kirchhoff(benchmark::State& s) { run_sum(s, MigrationMethod::kirchhoff, true); }
void BM_kirchhoff_no_antialias(benchmark::State& s) {
  run_sum(s, MigrationMethod::kirchhoff, false);
}
void BM_backprojection(benchmark::State& s) { run_sum(s, MigrationMethod::backprojection, false); }

}  // namespace

BENCHMARK(BM_stolt)
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(4096)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Complexity(benchmark::oNLogN);
BENCHMARK(BM_phase_shift)
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Complexity(benchmark::oN);
BENCHMARK(BM_migrate_3d_stolt)
    ->Args({512, 32})
    ->Args({1024, 32})
    ->Args({2048, 32})
    ->Args({4096, 32})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Complexity(benchmark::oNLogN);
BENCHMARK(BM_two_fft2d_padded)->Arg(4096)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_kirchhoff)
    ->Arg(1024)
    ->Arg(4096)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2)
    ->Complexity(benchmark::oN);
BENCHMARK(BM_kirchhoff_no_antialias)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK(BM_backprojection)
    ->Arg(1024)
    ->Arg(4096)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2)
    ->Complexity(benchmark::oN);
